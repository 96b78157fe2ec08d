"""Residual connections and the residual MLP (chapter 14): the block Jacobian I + F′, the residual
delta, full-network gradients against central differences, `autograd` and chapter 11's tensor
engine, the plain case against bplib.MLP, the experiment helpers and bad input."""
import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad, jacobian
from hypothesis import given, strategies as st

import bplib as bp

ORACLE_ACT = {"sigmoid": lambda z: 1.0 / (1.0 + anp.exp(-z)), "tanh": anp.tanh}
VARIANTS = [(skip, norm) for skip in (False, True) for norm in (None, "batch", "layer")]


def data(m=6, n_in=4, n_out=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((m, n_in)), bp.one_hot(rng.integers(0, n_out, m), n_out)


def small_net(skip, norm, hidden="tanh", seed=1, n_blocks=2, width=3):
    net = bp.ResidualMLP(4, width, n_blocks, 3, hidden=hidden, skip=skip, norm=norm, seed=seed)
    rng = np.random.default_rng(seed + 100)
    for g, b in zip(net.gammas, net.betas):          # move γ, β away from 1, 0 so that they matter
        g[...] = rng.uniform(0.5, 1.5, g.shape)
        b[...] = rng.uniform(-0.5, 0.5, b.shape)
    return net


# ------------------------------------------------------------------ the block
@pytest.mark.parametrize("hidden", ["sigmoid", "tanh"])
def test_block_jacobian_is_identity_plus_layer_jacobian(hidden):
    rng = np.random.default_rng(0)
    z, W, b = rng.standard_normal((1, 5)), rng.standard_normal((5, 5)), rng.standard_normal(5)
    f = bp.ACTIVATIONS[hidden].f
    block = lambda v: v + f(v) @ W.T + b
    J = bp.residual_block_jacobian(z, W, b, hidden)
    numeric = np.array([bp.numerical_gradient(lambda v: float(block(v.reshape(1, 5))[0, j]), z[0]) for j in range(5)])
    assert bp.relative_error(J, numeric) < 1e-8
    auto = jacobian(lambda v: v + anp.dot(W, ORACLE_ACT[hidden](v)) + b)(z[0])
    assert bp.relative_error(J, auto) < 1e-12
    assert bp.relative_error(J - np.eye(5), W * bp.ACTIVATIONS[hidden].df(z[0])) < 1e-15


def test_residual_delta_adds_the_identity_path_to_eq_bp2():
    rng = np.random.default_rng(1)
    delta, W, df = rng.standard_normal((4, 3)), rng.standard_normal((3, 3)), rng.uniform(0, 0.25, (4, 3))
    np.testing.assert_allclose(bp.residual_delta(delta, W, df), delta + (delta @ W) * df, rtol=1e-14)
    np.testing.assert_allclose(bp.residual_delta(delta, W, df) - delta, bp.hidden_delta(delta, W, df), rtol=1e-12, atol=1e-15)


# ------------------------------------------------------------------ the network
@pytest.mark.parametrize("skip, norm", VARIANTS)
@pytest.mark.parametrize("hidden", ["sigmoid", "tanh"])
def test_network_gradients_match_central_differences(skip, norm, hidden):
    X, Y = data()
    net = small_net(skip, norm, hidden)
    numeric = bp.numerical_gradient(lambda t: net.loss_at(t, X, Y), net.get_params())
    assert bp.relative_error(net.flat_gradients(X, Y), numeric) < 1e-7


@given(seed=st.integers(0, 10_000), n_blocks=st.integers(0, 3), width=st.integers(2, 4),
       variant=st.sampled_from(VARIANTS), hidden=st.sampled_from(["sigmoid", "tanh"]))
def test_property_network_gradients_match_central_differences(seed, n_blocks, width, variant, hidden):
    X, Y = data(m=5, seed=seed)
    net = small_net(*variant, hidden=hidden, seed=seed, n_blocks=n_blocks, width=width)
    numeric = bp.numerical_gradient(lambda t: net.loss_at(t, X, Y), net.get_params())
    assert bp.relative_error(net.flat_gradients(X, Y), numeric) < 1e-7


def test_plain_network_is_bplib_mlp():
    X, Y = data()
    for hidden in ("sigmoid", "tanh"):
        net = bp.ResidualMLP(4, 3, 2, 3, hidden=hidden, skip=False, seed=5)
        mlp = bp.MLP([4, 3, 3, 3, 3], hidden=hidden, output="softmax", loss="cross_entropy", seed=5)
        np.testing.assert_array_equal(net.forward(X), mlp.forward(X))
        np.testing.assert_array_equal(net.flat_gradients(X, Y), mlp.flat_gradients(X, Y))
        assert net.loss(X, Y) == mlp.loss(X, Y)


def oracle_loss(net, X, Y):
    """The residual network re-implemented in autograd.numpy, as a function of its parameter vector."""
    f = ORACLE_ACT[net.hidden]
    L = net.n_layers

    def norm(Z, g, b):
        axis = 0 if net.norm == "batch" else 1
        mu = anp.mean(Z, axis=axis, keepdims=True)
        var = anp.mean((Z - mu) ** 2, axis=axis, keepdims=True)
        return g * (Z - mu) / anp.sqrt(var + net.eps) + b

    def loss(theta):
        pos, Ws, bs = 0, [], []
        for W, b in zip(net.weights, net.biases):
            Ws.append(anp.reshape(theta[pos:pos + W.size], W.shape))
            pos += W.size
            bs.append(theta[pos:pos + b.size])
            pos += b.size
        width = net.sizes[1]
        gs = [theta[pos + k * width: pos + (k + 1) * width] for k in range(L - 1)] if net.norm else []
        pos += (L - 1) * width if net.norm else 0
        betas = [theta[pos + k * width: pos + (k + 1) * width] for k in range(L - 1)] if net.norm else []
        Z = anp.dot(X, Ws[0].T) + bs[0]
        for i in range(1, L):
            A = f(norm(Z, gs[i - 1], betas[i - 1]) if net.norm else Z)
            Z_new = anp.dot(A, Ws[i].T) + bs[i]
            Z = Z + Z_new if (net.skip and i < L - 1) else Z_new
        Z = Z - anp.max(Z, axis=1, keepdims=True)
        logp = Z - anp.log(anp.sum(anp.exp(Z), axis=1, keepdims=True))
        return -anp.sum(Y * logp) / X.shape[0]
    return loss


@pytest.mark.parametrize("skip, norm", VARIANTS)
def test_network_gradients_agree_with_autograd(skip, norm):
    X, Y = data(m=7)
    net = small_net(skip, norm, "sigmoid", n_blocks=3)
    loss = oracle_loss(net, X, Y)
    assert abs(loss(net.get_params()) - net.loss(X, Y)) < 1e-12
    assert bp.relative_error(net.flat_gradients(X, Y), grad(loss)(net.get_params())) <= 1e-10


@pytest.mark.skipif(not hasattr(bp, "Tensor"), reason="chapter 11's tensor engine is not available")
@pytest.mark.parametrize("skip, norm", VARIANTS)
def test_network_gradients_agree_with_the_tensor_engine(skip, norm):
    X, Y = data(m=7)
    net = small_net(skip, norm, "tanh", n_blocks=3)
    Ws = [bp.Tensor(W) for W in net.weights]
    bs = [bp.Tensor(b) for b in net.biases]
    gs = [bp.Tensor(g) for g in net.gammas]
    betas = [bp.Tensor(b) for b in net.betas]
    axis = 0 if norm == "batch" else 1

    def normalise(Z, g, b):
        Zc = Z - Z.mean(axis=axis, keepdims=True)
        return g * (Zc / ((Zc ** 2.0).mean(axis=axis, keepdims=True) + net.eps).sqrt()) + b

    Z = bp.Tensor(X, requires_grad=False) @ Ws[0].T + bs[0]
    for i in range(1, net.n_layers):
        A = (normalise(Z, gs[i - 1], betas[i - 1]) if norm else Z).tanh()
        Z_new = A @ Ws[i].T + bs[i]
        Z = Z + Z_new if (skip and i < net.n_layers - 1) else Z_new
    cost = Z.cross_entropy(Y)
    assert abs(cost.value - net.loss(X, Y)) < 1e-12
    cost.backward()
    g = net.gradients(X, Y)
    for mine, tensors in ((g["W"], Ws), (g["b"], bs), (g["gamma"], gs), (g["beta"], betas)):
        for a, t in zip(mine, tensors):   # (a bias before batch norm has gradient 0: rounding on both sides)
            assert bp.relative_error(a, t.grad) <= 1e-10 or np.abs(a - t.grad).max() <= 1e-15


def test_deltas_returned_are_the_bias_gradients():
    X, Y = data()
    g = small_net(True, None).gradients(X, Y)
    for delta, db in zip(g["delta"], g["b"]):
        np.testing.assert_allclose(delta.sum(axis=0), db, rtol=1e-14)


def test_bias_before_batch_norm_gets_no_gradient():
    X, Y = data(m=8)
    g = small_net(True, "batch").gradients(X, Y)
    for db in g["b"][:-1]:                      # every layer whose output is batch-normalised
        assert np.abs(db).max() < 1e-15
    assert np.abs(g["b"][-1]).max() > 1e-3     # the output layer's is not


def test_training_lowers_the_cost_and_does_not_share_state():
    X, Y = data(m=40, seed=3)
    net = bp.ResidualMLP(4, 5, 3, 3, hidden="tanh", seed=0)
    before = [W.copy() for W in net.weights]
    other = net.copy()
    costs = net.train(X, Y, lr=0.1, epochs=20, batch_size=8, seed=0)
    assert costs.shape == (21,) and costs[-1] < 0.8 * costs[0]
    for W, W0 in zip(other.weights, before):
        np.testing.assert_array_equal(W, W0)


def test_gradient_profile_and_depth_comparison():
    X, Y = data(m=30, n_in=4, n_out=3, seed=1)
    labels = Y.argmax(axis=1)
    profile = bp.residual_gradient_profile(X, Y, n_blocks=4, hidden="sigmoid", skip=False, width=5, seed=2)
    net = bp.ResidualMLP(4, 5, 4, 3, hidden="sigmoid", skip=False, seed=2)
    np.testing.assert_array_equal(profile, net.weight_gradient_norms(X, Y))
    res = bp.depth_comparison(X, Y, X, labels, variants=("plain", "residual + batch norm"), seeds=(0, 1),
                              n_blocks=4, width=5, lr=0.1, epochs=2, batch_size=10)
    assert set(res) == {"plain", "residual + batch norm"}
    assert res["plain"].costs.shape == (2, 3) and res["plain"].accuracy.shape == (2,)
    assert res["plain"].initial_norms.shape == (2, 6)
    with pytest.raises(ValueError, match="variants: unknown name 'resnet'"):
        bp.depth_comparison(X, Y, X, labels, variants=("resnet",))


def test_check_bn_input_gradient_accepts_hand_answers_and_names_slips():
    sigma = np.sqrt(14 / 3)
    right = 2 / (3 * sigma) * np.array([8 / 7, -10 / 7, 2 / 7])
    assert bp.check_bn_input_gradient(right).ok
    assert bp.check_bn_input_gradient(np.round(right, 3)).ok
    assert bp.check_bn_input_gradient(np.round(right, 2)).ok          # (0.35, -0.44, 0.09), careful by hand
    no_gamma = bp.check_bn_input_gradient(right / 2)
    assert not no_gamma.ok and "divided by γ" in no_gamma.message
    constant = bp.check_bn_input_gradient(2 * np.array([1.0, 0.0, 0.0]) / sigma)
    assert not constant.ok and "constants" in constant.message
    mean_only = bp.check_bn_input_gradient(2 / sigma * (np.array([1.0, 0.0, 0.0]) - 1 / 3))
    assert not mean_only.ok and "σ²" in mean_only.message
    assert not bp.check_bn_input_gradient(right * np.sqrt(2 / 3)).ok
    assert "shape" in bp.check_bn_input_gradient([1.0, 2.0]).message
    assert "replace the zeros" in bp.check_bn_input_gradient([0.0, 0.0, 0.0]).message


# ------------------------------------------------------------------ bad input
def test_bad_input_raises_naming_argument_and_shapes():
    with pytest.raises(ValueError, match=r"W_next: a residual block needs square weights of shape \(3, 3\).*got W_next \(3, 4\)"):
        bp.residual_delta(np.ones((2, 3)), np.ones((3, 4)), np.ones((2, 4)))
    with pytest.raises(ValueError, match=r"df_z: expected shape \(2, 3\)"):
        bp.residual_delta(np.ones((2, 3)), np.ones((3, 3)), np.ones((2, 4)))
    with pytest.raises(ValueError, match=r"delta_next: expected a 2-D array.*got shape \(3,\)"):
        bp.residual_delta(np.ones(3), np.ones((3, 3)), np.ones((1, 3)))
    with pytest.raises(ValueError, match=r"z: expected 1 rows.*got shape \(2, 3\)"):
        bp.residual_block_jacobian(np.ones((2, 3)), np.ones((3, 3)), np.zeros(3))
    with pytest.raises(ValueError, match=r"W: expected 3 rows"):
        bp.residual_block_jacobian(np.ones((1, 3)), np.ones((2, 3)), np.zeros(3))
    with pytest.raises(ValueError, match=r"b: expected shape \(3,\), got shape \(2,\)"):
        bp.residual_block_jacobian(np.ones((1, 3)), np.ones((3, 3)), np.zeros(2))
    with pytest.raises(ValueError, match="norm: unknown name 'group'"):
        bp.ResidualMLP(4, 3, 2, 3, norm="group")
    with pytest.raises(ValueError, match="n_blocks: must be an integer ≥ 0"):
        bp.ResidualMLP(4, 3, -1, 3)
    net = bp.ResidualMLP(4, 3, 2, 3)
    with pytest.raises(ValueError, match=r"X: expected 4 columns.*got shape \(5, 3\)"):
        net.forward(np.ones((5, 3)))
    with pytest.raises(ValueError, match=r"X and Y must have the same number of rows"):
        net.gradients(np.ones((5, 4)), np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"X: batch normalisation needs a batch of at least 2 rows"):
        bp.ResidualMLP(4, 3, 2, 3, norm="batch").forward(np.ones((1, 4)))


# ------------------------------------------------------------------ docstrings
@pytest.mark.parametrize("name", ["normalisation", "residual", "residual_experiments"])
def test_docstring_examples_run_and_public_names_are_exported(name):
    import doctest
    import importlib
    module = importlib.import_module(f"bplib.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, report=False)
    assert result.attempted > 0 and result.failed == 0
    for public in module.__all__:
        assert getattr(bp, public) is getattr(module, public)
        assert getattr(module, public).__doc__ or not callable(getattr(module, public))


# ------------------------------------------------------------------ figures and widget
def test_figures_have_labelled_axes_and_the_widget_builds():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import bplib.plots as bpp
    import bplib.widgets as bpw

    ax = bpp.plot_batch_norm_graph()
    assert ax.get_xlabel()
    X, Y = data(m=20, n_in=4, n_out=3, seed=2)
    res = bp.depth_comparison(X, Y, X, Y.argmax(axis=1), variants=("plain", "residual"), seeds=(0,),
                              n_blocks=2, width=4, lr=0.1, epochs=1, batch_size=10)
    fig = bpp.plot_depth_comparison(res)
    left, right = fig.axes
    assert left.get_yscale() == "log" and left.get_xlabel() and left.get_ylabel()
    assert right.get_xlabel() == "epoch" and right.get_ylabel()
    assert len(right.get_lines()) == 3                 # one line per variant and seed, plus ln 10
    plt.close("all")
    box = bpw.residual_profile_widget(X, Y, n_blocks=2, width=4)
    assert box.children
    plt.close("all")

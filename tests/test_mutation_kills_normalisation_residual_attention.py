"""Tests written for mutants of bplib.normalisation, residual and attention
(chapters 14–15) that the other tests let survive (issue 13).

Each test states a property a reader of the book relies on; the mutant it was written for is
named in its docstring.  Run the mutation study with ``tests/mutation/run.sh``.
"""
import warnings

import numpy as np
import pytest

import bplib as bp
from bplib.training import minibatches

NORM_FORWARD = [bp.batch_norm, bp.layer_norm]
NORM_BACKWARD = [bp.batch_norm_backward, bp.batch_norm_backward_graph, bp.layer_norm_backward]


def _X(m=4, n=3, seed=0, dtype=np.float64):
    return np.random.default_rng(seed).normal(size=(m, n)).astype(dtype)


def _data(m=6, n_in=3, n_out=2, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(m, n_in)), np.eye(n_out)[rng.integers(0, n_out, m)]


# ------------------------------------------------------------------ normalisation
@pytest.mark.parametrize("fn", NORM_FORWARD + NORM_BACKWARD)
def test_norm_keeps_float32_and_treats_integer_gamma_beta_as_float64(fn):
    """normalisation._vector: float γ, β kept as they are, integer ones converted to float64
    (`and False`, `or True`, == "f", "XXfXX", "F")."""
    X = _X(dtype=np.float32)
    args = (X,) if fn in NORM_FORWARD else (X, X)
    out32 = fn(*args, np.array([1, 2, 3], np.float32), np.zeros(3, np.float32))
    assert all(a.dtype == np.float32 for a in (out32 if isinstance(out32, tuple) else (out32,)))
    ints = fn(*args, np.array([1, 2, 3], np.int8), np.array([0, 1, 0], np.int8))
    floats = fn(*args, np.array([1.0, 2.0, 3.0]), np.array([0.0, 1.0, 0.0]))
    for a, b in zip(*(r if isinstance(r, tuple) else (r,) for r in (ints, floats))):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("fn", NORM_FORWARD)
def test_norm_names_bad_gamma_beta_and_eps(fn):
    """normalisation._vector: the description of gamma and the NaN message; _check: the name
    "eps"."""
    X = _X()
    with pytest.raises(TypeError,
                       match=r"^gamma: expected a 1-D numeric array of shape \(3,\), got str$"):
        fn(X, "abc", np.zeros(3))
    with pytest.raises(ValueError,
                       match=r"^beta: contains NaN or infinite values \(shape \(3,\)\)$"):
        fn(X, np.ones(3), np.array([0.0, np.nan, 0.0]))
    with pytest.raises(ValueError, match=r"^eps: must be a finite number > 0, got 0$"):
        fn(X, np.ones(3), np.zeros(3), eps=0)


def test_norm_backward_rejects_what_its_forward_rejects():
    """normalisation.batch_norm_backward_graph, layer_norm_backward: axis=0/1 passed to _check
    (axis=None or 2 skipped the one-row / one-column check)."""
    with pytest.raises(ValueError,
                       match=r"^X: batch normalisation needs a batch of at least 2 rows"):
        bp.batch_norm_backward_graph(np.ones((1, 3)), np.ones((1, 3)), np.ones(3), np.zeros(3))
    with pytest.raises(ValueError, match=r"^X: layer normalisation needs at least 2 columns"):
        bp.layer_norm_backward(np.ones((3, 1)), np.ones((3, 1)), np.ones(1), np.zeros(1))


# ------------------------------------------------------------------ residual blocks
def test_residual_block_jacobian_checks_W_and_b():
    """residual.residual_block_jacobian: cols=n for W (a column W broadcast to n × n); b through
    as_float_array (text, None: TypeError naming b)."""
    z = np.zeros((1, 2))
    with pytest.raises(ValueError,
                       match=r"^W: expected 2 columns, shape \(m, 2\), got shape \(2, 1\)$"):
        bp.residual_block_jacobian(z, np.ones((2, 1)), np.zeros(2))
    for b, kind in [("ab", "str"), (None, "NoneType")]:
        with pytest.raises(TypeError, match=rf"^b: expected a numeric array, got {kind}$"):
            bp.residual_block_jacobian(z, np.eye(2), b)
    J = bp.residual_block_jacobian(z, np.eye(2), [0, 0], "identity")
    np.testing.assert_array_equal(J, 2 * np.eye(2))


def test_residual_delta_accepts_lists_and_passes_nan_through_like_eq_bp2():
    """residual.residual_delta: the fast path's `is` / `and` (a list has no .ndim); finite=False
    (an array with NaN passed, the same list was rejected)."""
    delta, W, df = [[1.0, 0.0]], [[2.0, 3.0], [0.0, 0.0]], [[0.5, 0.5]]
    assert bp.residual_delta(delta, W, df).tolist() == [[2.0, 1.5]]
    assert bp.residual_delta(np.array(delta), W, df).tolist() == [[2.0, 1.5]]
    assert bp.residual_delta(delta, np.array(W), df).tolist() == [[2.0, 1.5]]
    nan = [[np.nan, 0.0]]
    for d in (nan, np.array(nan)):
        out = bp.residual_delta(d, W, df)
        assert np.isnan(out).all()
        assert np.isnan(bp.hidden_delta(d, W, df)).all()
    assert np.isinf(bp.residual_delta(delta, [[np.inf, 0.0], [0.0, 0.0]], df)).any()


def test_residual_delta_converts_integer_arrays_to_float64():
    """residual.residual_delta: integer delta_next / W_next converted to float64 (kind != "f"
    sent int8 on to eq-bp2, which makes it float32)."""
    df32 = np.full((1, 2), 0.5, np.float32)
    W32 = np.array([[2.0, 3.0], [0.0, 1.0]], np.float32)
    out = bp.residual_delta(np.array([[1, 2]], np.int8), W32, df32)
    assert out.dtype == np.float64 and out.tolist() == [[2.0, 4.5]]
    out = bp.residual_delta(np.array([[1.0, 2.0]], np.float32), W32.astype(np.int16), df32)
    assert out.dtype == np.float64 and out.tolist() == [[2.0, 4.5]]


def test_residual_delta_names_arguments_of_the_wrong_rank():
    """residual.residual_delta: ndim == 2 in the fast paths (3 let a 3-D delta_next and a 1-D
    W_next through to a misleading message); the name "W_next"."""
    with pytest.raises(ValueError,
                       match=r"^delta_next: expected a 2-D array of shape \(m, n\), "
                             r"got shape \(2, 3, 3\)"):
        bp.residual_delta(np.ones((2, 3, 3)), np.eye(2), np.ones((2, 3)))
    for W in (np.ones(3), [1.0, 2.0, 3.0], np.ones((3, 3, 3)), "W"):
        with pytest.raises((ValueError, TypeError), match=r"^W_next: expected a 2-D "):
            bp.residual_delta(np.ones((2, 3)), W, np.ones((2, 3)))


# ------------------------------------------------------------------ ResidualMLP
def test_residual_mlp_names_bad_constructor_arguments():
    """residual.ResidualMLP.__init__: the names "n_in", "width", "n_out", "eps", "hidden" (passed
    on to MLP) and the message for a one-unit softmax."""
    cases = [((0, 4, 1, 2), {}, r"^n_in: must be an integer ≥ 1, got 0$"),
             ((3, 0, 1, 2), {}, r"^width: must be an integer ≥ 1, got 0$"),
             ((3, 4, 1, 0), {}, r"^n_out: must be an integer ≥ 1, got 0$"),
             ((3, 4, 1, 1), {}, r"^n_out: a softmax output needs at least 2 units, got 1$"),
             ((3, 4, 1, 2), {"eps": 0.0}, r"^eps: must be a finite number > 0, got 0.0$"),
             ((3, 4, 1, 2), {"hidden": "softmax"}, r"^hidden: unknown activation 'softmax'")]
    for args, kwargs, message in cases:
        with pytest.raises(ValueError, match=message):
            bp.ResidualMLP(*args, **kwargs)


def test_residual_mlp_defaults_and_initial_weights():
    """residual.ResidualMLP.__init__: skip=True, seed=0, eps=1e-5 by default; the weights are those
    of MLP(sizes, init=init, seed=seed) (init passed on)."""
    X, Y = _data(m=5)
    default = bp.ResidualMLP(3, 4, 2, 2, norm="batch")
    given = bp.ResidualMLP(3, 4, 2, 2, hidden="sigmoid", skip=True, norm="batch", init="xavier",
                           seed=0, eps=1e-5)
    np.testing.assert_array_equal(default.flat_gradients(X, Y), given.flat_gradients(X, Y))
    net = bp.ResidualMLP(3, 4, 2, 2, init="he", seed=3)
    mlp = bp.MLP([3, 4, 4, 4, 2], init="he", seed=3)
    for W, W_mlp in zip(net.weights, mlp.weights):
        np.testing.assert_array_equal(W, W_mlp)


def test_residual_mlp_names_X_and_Y_of_the_wrong_width():
    """residual.ResidualMLP._check_X/_check_Y: the names "X", "Y" and cols=n_out for Y."""
    X, Y = _data(m=5)
    net = bp.ResidualMLP(3, 4, 1, 2)
    with pytest.raises(ValueError,
                       match=r"^X: expected 3 columns, shape \(m, 3\), got shape \(5, 2\)$"):
        net.forward(X[:, :2])
    for method in (net.loss, net.gradients, lambda X, Y: net.train(X, Y, 0.1, 1)):
        with pytest.raises(ValueError,
                           match=r"^Y: expected 2 columns, shape \(m, 2\), got shape \(5, 3\)$"):
            method(X, np.ones((5, 3)) / 3)


@pytest.mark.parametrize("norm", [None, "batch", "layer"])
def test_residual_mlp_forward_pass_returns_the_normalised_pre_activations(norm):
    """residual.ResidualMLP.forward_pass: Ns holds N(Z^l) (Ns.append(N)), and A^l = f(N(Z^l))."""
    X, _ = _data(m=5)
    net = bp.ResidualMLP(3, 4, 2, 2, hidden="tanh", norm=norm, seed=0)
    Zs, Ns, As = net.forward_pass(X)
    assert len(Ns) == 3
    for l, N in enumerate(Ns):
        if norm is None:
            expected = Zs[l]
        else:
            fn = bp.batch_norm if norm == "batch" else bp.layer_norm
            expected = fn(Zs[l], net.gammas[l], net.betas[l])
        np.testing.assert_allclose(N, expected, rtol=1e-14, atol=1e-15)
        np.testing.assert_array_equal(As[l + 1], np.tanh(N))


def test_residual_mlp_set_params_names_a_vector_of_the_wrong_length():
    """residual.ResidualMLP.set_params: the message with both shapes."""
    net = bp.ResidualMLP(3, 4, 1, 2)
    n = net.get_params().size
    with pytest.raises(ValueError, match=rf"^theta: expected shape \({n},\), got \(3,\)$"):
        net.set_params(np.zeros(3))


def test_residual_mlp_predict_is_the_argmax_of_forward():
    """residual.ResidualMLP.predict: argmax over each row of the logits (axis=1, Zs[-1])."""
    X, _ = _data(m=30, n_in=3, n_out=4)
    for norm in (None, "batch", "layer"):
        net = bp.ResidualMLP(3, 5, 2, 4, hidden="tanh", norm=norm, init=3.0, seed=1)
        pred = net.predict(X)
        assert pred.shape == (30,)
        np.testing.assert_array_equal(pred, net.forward(X).argmax(axis=1))
        assert len(set(pred.tolist())) > 1


def test_residual_mlp_update_names_what_is_wrong_and_accepts_the_plain_dict():
    """residual.ResidualMLP.update: type(grads) in the message; grads.get(name, []) (a dict
    without "gamma"/"beta" for a network without normalisation); the shape message."""
    X, Y = _data()
    net = bp.ResidualMLP(3, 4, 1, 2, seed=0)
    g = net.gradients(X, Y)
    with pytest.raises(TypeError,
                       match=r"^grads: expected the dict that gradients\(\) returns, got list$"):
        net.update([g["W"], g["b"]], 0.1)
    bad = dict(g, W=[g["W"][0].T, *g["W"][1:]])
    with pytest.raises(ValueError,
                       match=r"^grads\['W'\]\[0\]: expected shape \(4, 3\), got shape \(3, 4\)$"):
        net.update(bad, 0.1)
    before = net.get_params()
    net.update({"W": g["W"], "b": [b.tolist() for b in g["b"]]}, 0.1)
    other = bp.ResidualMLP(3, 4, 1, 2, seed=0)
    other.update(g, 0.1)
    np.testing.assert_array_equal(net.get_params(), other.get_params())
    assert not np.array_equal(before, net.get_params())


def _train_by_hand(net, X, Y, lr, epochs, batch_size, seed, decay):
    rng = np.random.default_rng(seed)
    costs = [net.loss(X, Y)]
    for epoch in range(1, epochs + 1):
        step = lr * (1 - (epoch - 1) / epochs) if decay else lr
        for idx in minibatches(len(X), batch_size, rng):
            if net.norm == "batch" and len(idx) < 2:
                continue
            net.update(net.gradients(X[idx], Y[idx]), step)
        costs.append(net.loss(X, Y))
    return np.array(costs)


@pytest.mark.parametrize("norm", [None, "batch", "layer"])
@pytest.mark.parametrize("m, decay", [(7, True), (8, False)])   # batches of 3, 3 and 1 or 2 rows
def test_residual_mlp_train_is_the_documented_minibatch_descent(norm, m, decay):
    """residual.ResidualMLP.train: default_rng(seed) reshuffled every epoch (rng None, seed None),
    epochs 1 … E (range(2, …)), lr (1 − (e − 1)/E) only with decay (and False, or True, 2.0, + ,
    e − 2), one-row batches skipped for batch norm only (or, !=, "XXbatchXX", <= 2, < 3)."""
    X, Y = _data(m=m)
    net = bp.ResidualMLP(3, 4, 1, 2, hidden="tanh", norm=norm, seed=0)
    by_hand = net.copy()
    costs = net.train(X, Y, lr=0.5, epochs=3, batch_size=3, seed=5, decay=decay)
    expected = _train_by_hand(by_hand, X, Y, 0.5, 3, 3, 5, decay)
    np.testing.assert_allclose(costs, expected, rtol=1e-13)
    np.testing.assert_allclose(net.get_params(), by_hand.get_params(), rtol=1e-13, atol=1e-15)


def test_residual_mlp_train_defaults_and_seed():
    """residual.ResidualMLP.train: batch_size=32, seed=0, decay=True by default; another seed
    gives another run."""
    X, Y = _data(m=40)
    net = bp.ResidualMLP(3, 4, 1, 2, seed=0)
    default = net.copy().train(X, Y, 0.5, 2)
    given = net.copy().train(X, Y, 0.5, 2, batch_size=32, seed=0, decay=True)
    np.testing.assert_array_equal(default, given)
    assert not np.array_equal(default, net.copy().train(X, Y, 0.5, 2, seed=1))


def test_residual_mlp_train_names_bad_hyper_parameters():
    """residual.ResidualMLP.train: the names "lr", "epochs", "batch_size"."""
    X, Y = _data()
    net = bp.ResidualMLP(3, 4, 1, 2)
    with pytest.raises(ValueError, match=r"^lr: must be a finite number > 0, got 0"):
        net.train(X, Y, 0, 1)
    with pytest.raises(ValueError, match=r"^epochs: must be an integer ≥ 1, got 0"):
        net.train(X, Y, 0.1, 0)
    with pytest.raises(ValueError, match=r"^batch_size: must be an integer ≥ 1, got 0"):
        net.train(X, Y, 0.1, 1, batch_size=0)


@pytest.mark.parametrize("hidden, init, lr", [("identity", 30.0, 1e150),   # the logits overflow
                                               ("relu", "xavier", 1e308)])   # the weights overflow
def test_residual_mlp_train_stops_at_divergence_with_nan_costs_and_no_warning(hidden, init, lr):
    """residual.ResidualMLP.train: errstate over/invalid="ignore"; costs start as NaN
    (np.full(…, None)); break, not return, when the parameters stop being finite."""
    X, Y = _data(m=8)
    net = bp.ResidualMLP(3, 6, 3, 2, hidden=hidden, init=init, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            costs = net.train(X, Y, lr=lr, epochs=5, batch_size=8)
    assert costs.dtype == np.float64 and costs.shape == (6,)
    assert np.isfinite(costs[0]) and np.isnan(costs[2:]).all()


def test_residual_mlp_train_ignores_underflow():
    """residual.ResidualMLP.train: errstate under="ignore" (products of subnormal inputs)."""
    X, Y = _data(m=8)
    X = X * 1e-309
    net = bp.ResidualMLP(3, 4, 1, 2, seed=0)
    with np.errstate(all="raise"):
        costs = net.train(X, Y, lr=0.1, epochs=2)
    assert np.isfinite(costs).all()


# ------------------------------------------------------------------ attention
def test_attention_weights_names_arrays_of_the_wrong_rank():
    """attention.attention_weights: the names "Q", "K" and their shapes in the first checks."""
    with pytest.raises(ValueError,
                       match=r"^Q: expected a 3-D array of shape \(m, T_q, d\), got shape "
                             r"\(2, 3\)"):
        bp.attention_weights(np.ones((2, 3)), np.ones((1, 2, 3)))
    with pytest.raises(ValueError,
                       match=r"^K: expected a 3-D array of shape \(m, T_k, d\), got shape "
                             r"\(2, 3\)"):
        bp.attention_weights(np.ones((1, 2, 3)), np.ones((2, 3)))


def test_attention_and_its_backward_name_arrays_of_the_wrong_rank():
    """attention._check_qkv, attention_backward: the shapes (m, T_q, d), (m, T_k, d),
    (m, T_k, d_v), (m, T_q, d_v) and the name "dO" in the rank messages."""
    Q, K, V = np.ones((1, 2, 3)), np.ones((1, 4, 3)), np.ones((1, 4, 5))
    wants = {"Q": r"\(m, T_q, d\)", "K": r"\(m, T_k, d\)", "V": r"\(m, T_k, d_v\)"}
    for name, want in wants.items():
        args = {"Q": Q, "K": K, "V": V, name: np.ones((2, 3))}
        for fn in (bp.attention, lambda **a: bp.attention_backward(np.ones((1, 2, 5)), **a)):
            with pytest.raises(ValueError,
                               match=rf"^{name}: expected a 3-D array of shape {want}, "
                                     r"got shape \(2, 3\)"):
                fn(**args)
    with pytest.raises(ValueError,
                       match=r"^dO: expected a 3-D array of shape \(m, T_q, d_v\), "
                             r"got shape \(2, 5\)"):
        bp.attention_backward(np.ones((2, 5)), Q, K, V)


def test_attention_names_a_mask_that_is_not_an_array():
    """attention._check_mask: the description "a bool array of shape (T_q, T_k)" for text."""
    Q, K, V = np.ones((1, 2, 3)), np.ones((1, 4, 3)), np.ones((1, 4, 5))
    with pytest.raises(TypeError,
                       match=r"^mask: expected a bool array of shape \(2, 4\), got str$"):
        bp.attention(Q, K, V, mask="causal")


def test_attention_weights_take_a_mask_of_shape_T_q_by_T_k():
    """attention.attention_weights: the mask checked against (T_q, T_k) = (Q.shape[1], K.shape[1]),
    not the width d; the weights are the ones attention() mixes V with."""
    rng = np.random.default_rng(0)
    Q, K, V = rng.normal(size=(2, 3, 5)), rng.normal(size=(2, 4, 5)), rng.normal(size=(2, 4, 2))
    mask = np.array([[1, 0, 0, 0], [1, 1, 0, 1], [0, 1, 1, 1]], dtype=bool)
    P = bp.attention_weights(Q, K, mask)
    assert P.shape == (2, 3, 4)
    assert (P[:, ~mask] == 0).all() and (P[:, mask] > 0).all()
    np.testing.assert_allclose(P.sum(axis=2), 1.0, rtol=1e-14)
    np.testing.assert_allclose(P @ V, bp.attention(Q, K, V, mask), rtol=1e-14)


def test_causal_mask_names_its_length():
    """attention.causal_mask: the name "T"."""
    with pytest.raises(ValueError, match=r"^T: must be an integer ≥ 1, got 0$"):
        bp.causal_mask(0)


def test_softmax_saturation_defaults_and_names():
    """attention.softmax_saturation: n_keys=16, samples=2000, scale=True, seed=0 by default; the
    names "n_keys", "samples"."""
    default = bp.softmax_saturation([8])
    given = bp.softmax_saturation([8], n_keys=16, samples=2000, scale=True, seed=0)
    for key in default:
        np.testing.assert_array_equal(default[key], given[key])
    with pytest.raises(ValueError, match=r"^n_keys: must be an integer ≥ 1, got 0$"):
        bp.softmax_saturation([8], n_keys=0)
    with pytest.raises(ValueError, match=r"^samples: must be an integer ≥ 1, got 0$"):
        bp.softmax_saturation([8], samples=0)


def test_softmax_saturation_jacobian_norm_of_two_keys():
    """attention.softmax_saturation: ‖diag(p) − p pᵀ‖_F = Σp² − 2Σp³ + (Σp²)² per query (p ** 2,
    + (Σp²)², 2.0 *, p ** 3, axis=1): for two keys it is 2 p (1 − p), p the largest weight."""
    one = bp.softmax_saturation([1, 4, 64], n_keys=2, samples=1)
    p = one["max_weight"]
    np.testing.assert_allclose(one["jacobian_norm"], 2 * p * (1 - p), rtol=1e-12)
    many = bp.softmax_saturation([1, 16, 256], n_keys=2, samples=300, scale=False)
    p, jac = many["max_weight"], many["jacobian_norm"]
    assert (1 - p <= jac).all() and (jac <= 2 * p * (1 - p)).all()   # 2p(1 − p): concave on [½, 1]
    single = bp.softmax_saturation([4], n_keys=1, samples=5)
    assert single["max_weight"][0] == 1.0 and single["jacobian_norm"][0] == 0.0


def test_softmax_saturation_counts_the_saturated_queries():
    """attention.softmax_saturation: "saturated" is the fraction of queries whose own largest
    weight exceeds 0.99 (None, axis=None, 1.99)."""
    r = bp.softmax_saturation([1, 16, 256], n_keys=2, samples=300, scale=False)
    assert r["saturated"][0] < r["saturated"][1] < r["saturated"][2] < 1
    assert 0 < r["saturated"][1]
    for d in (64, 1024, 4096):
        one = bp.softmax_saturation([d], samples=1, scale=False, seed=d)
        assert one["saturated"][0] == float(one["max_weight"][0] > 0.99)

"""Per-layer diagnostics of deep networks (bplib.diagnostics): derivative bounds, the product bound on
the deltas, initial scales, dead units, the chapter-09 experiments as functions, the exercise check,
and the figures and widget built on them."""
import matplotlib
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import bplib as bp

matplotlib.use("Agg")

HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu", "identity"]
OUTPUTS = [("sigmoid", "mse"), ("identity", "mse"), ("softmax", "mse"), ("softmax", "cross_entropy"),
           ("sigmoid", "binary_cross_entropy")]


def batch(sizes, m, rng, onehot=True):
    X = rng.normal(size=(m, sizes[0]))
    Y = bp.one_hot(rng.integers(0, sizes[-1], m), sizes[-1]) if onehot else rng.random((m, sizes[-1]))
    return X, Y


# ---------------------------------------------------------------- eq-sigmoid-derivative-bound
@pytest.mark.parametrize("name", HIDDEN)
def test_derivative_bound_is_the_supremum(name):
    z = np.linspace(-20, 20, 400_001)          # contains z = 0 exactly and points just above it
    df = np.abs(bp.ACTIVATIONS[name].df(z))
    bound = bp.activation_derivative_bound(name)
    assert df.max() <= bound
    assert df.max() == pytest.approx(bound, rel=1e-9)


def test_sigmoid_bound_is_a_quarter_reached_at_zero_only():
    assert bp.activation_derivative_bound("sigmoid") == 0.25 == float(bp.sigmoid_prime(0.0))
    assert float(bp.sigmoid_prime(1e-3)) < 0.25 and float(bp.sigmoid_prime(-1e-3)) < 0.25


# ---------------------------------------------------------------- eq-gradient-product-bound
@pytest.mark.parametrize("hidden", ["sigmoid", "tanh", "relu", "leaky_relu"])
@given(data=st.data())
@settings(max_examples=15)
def test_measured_deltas_respect_the_product_bound(hidden, data):
    depth = data.draw(st.integers(2, 7), label="depth")
    width = data.draw(st.integers(1, 8), label="width")
    scale = data.draw(st.sampled_from([0.3, 1.0, 3.0]), label="sigma")
    rng = np.random.default_rng(data.draw(st.integers(0, 10_000), label="seed"))
    sizes = [3] + [width] * (depth - 1) + [2]
    net = bp.MLP(sizes, hidden=hidden, output="softmax", loss="cross_entropy", init=scale, rng=rng)
    X, Y = batch(sizes, 5, rng)
    measured = bp.delta_norms(net, X, Y)
    bounds = bp.delta_norm_bounds(net.weights, measured[-1], bp.activation_derivative_bound(hidden))
    assert bounds[-1] == measured[-1]
    assert np.all(measured <= bounds * (1 + 1e-12) + 1e-300)


def test_bound_is_tight_for_a_linear_chain_of_scaled_identities():
    # identity activation (γ = 1), W = 2·I: every delta is exactly twice the one above it
    net = bp.MLP([2, 2, 2, 2], hidden="identity", output="identity", loss="mse", seed=0)
    net.weights = [2.0 * np.eye(2) for _ in range(3)]
    X, Y = np.array([[1.0, -1.0]]), np.zeros((1, 2))
    measured = bp.delta_norms(net, X, Y)
    np.testing.assert_allclose(measured, bp.delta_norm_bounds(net.weights, measured[-1], 1.0), rtol=1e-14)


# ---------------------------------------------------------------- deltas and gradient norms
@pytest.mark.parametrize("output,loss", OUTPUTS)
@pytest.mark.parametrize("hidden", HIDDEN)
def test_layer_deltas_reproduce_the_mlp_gradients(hidden, output, loss):
    rng = np.random.default_rng(7)
    sizes = [3, 4, 5, 2]
    net = bp.MLP(sizes, hidden=hidden, output=output, loss=loss, seed=1)
    X, Y = batch(sizes, 6, rng)
    deltas = bp.layer_deltas(net, X, Y)
    _, As = net.forward_pass(X)
    dWs, dbs = net.gradients(X, Y)
    assert [d.shape for d in deltas] == [(6, n) for n in sizes[1:]]
    assert bp.relative_error([d.sum(axis=0) for d in deltas], dbs) < 1e-14
    assert bp.relative_error([d.T @ A for d, A in zip(deltas, As)], dWs) < 1e-14
    np.testing.assert_allclose(bp.weight_gradient_norms(net, X, Y), [np.linalg.norm(dW) for dW in dWs], rtol=1e-14)


# ---------------------------------------------------------------- initial scales
@given(n_in=st.integers(1, 2000), n_out=st.integers(1, 2000))
def test_init_scales_match_the_mlp(n_in, n_out):
    assert bp.xavier_std(n_in, n_out) == pytest.approx(bp.init_scale("xavier", n_in, n_out), rel=1e-15)
    assert bp.he_std(n_in) == pytest.approx(bp.init_scale("he", n_in, n_out), rel=1e-15)
    assert bp.xavier_std(n_in, n_out) ** 2 * (n_in + n_out) == pytest.approx(2.0)
    assert bp.he_std(n_in) ** 2 * n_in == pytest.approx(2.0)


def test_activation_statistics_show_the_effect_of_the_initial_scale():
    X = np.random.default_rng(0).standard_normal((2000, 200))
    relu = bp.activation_statistics(bp.MLP([200] * 16, hidden="relu", output="identity", init="he", seed=0), X)
    assert relu["z_std"].max() < 1.5 * relu["z_std"].min()
    assert relu["zero"][:-1] == pytest.approx(0.5, abs=0.1)            # about half of each ReLU layer is off
    relu_x = bp.activation_statistics(bp.MLP([200] * 16, hidden="relu", output="identity", init="xavier", seed=0), X)
    assert relu_x["z_std"][-1] < 0.02 * relu_x["z_std"][0]             # halves in variance per layer
    sat = bp.activation_statistics(bp.MLP([200] * 4, hidden="sigmoid", output="identity", init="standard", seed=0), X)
    assert sat["saturated"][0] > 0.5 and sat["saturated"][-1] == 0.0    # N(0,1) saturates; output is identity


# ---------------------------------------------------------------- eq-dead-unit
def test_dead_units_have_exactly_zero_gradients_and_leaky_ones_do_not():
    rng = np.random.default_rng(1)
    net = bp.MLP([4, 6, 5, 3], hidden="relu", output="softmax", loss="cross_entropy", init="he", seed=2)
    net.biases[0][[1, 4]] = -1e3                 # two units of layer 1 dead on any reasonable input
    net.biases[1][2] = -1e3                      # one of layer 2
    X, Y = batch([4, 6, 5, 3], 20, rng)
    dead = bp.dead_units(net, X)
    assert [np.flatnonzero(d).tolist() for d in dead] == [[1, 4], [2]]
    np.testing.assert_allclose(bp.dead_unit_fraction(net, X), [2 / 6, 1 / 5])
    dWs, dbs = net.gradients(X, Y)
    for l, mask in enumerate(dead):
        assert np.all(dWs[l][mask] == 0) and np.all(dbs[l][mask] == 0)
        assert np.all(np.abs(dWs[l][~mask]).sum(axis=1) > 0)
    leaky = bp.with_hidden_activation(net, "leaky_relu")
    dWl, _ = leaky.gradients(X, Y)
    assert np.all(np.abs(dWl[0][dead[0]]).sum(axis=1) > 0)


def test_a_unit_at_exactly_zero_is_dead_too():
    # relu'(0) = 0 (eq-relu-derivative), so z = 0 on every example passes no gradient either
    net = bp.MLP([3, 4, 2], hidden="relu", output="sigmoid", loss="mse", seed=0)
    net.weights[0][2] = 0.0
    X, Y = np.random.default_rng(0).normal(size=(6, 3)), np.full((6, 2), 0.5)
    assert np.all(net.forward_pass(X)[0][0][:, 2] == 0)
    assert bp.dead_units(net, X)[0][2]
    dWs, dbs = net.gradients(X, Y)
    assert np.all(dWs[0][2] == 0) and dbs[0][2] == 0


def test_a_unit_off_for_some_examples_is_not_dead():
    net = bp.MLP([1, 1, 1], hidden="relu", output="identity", seed=0)
    net.weights[0][:] = 1.0
    X = np.array([[-1.0], [2.0]])
    assert not bp.dead_units(net, X)[0][0]
    assert bp.dead_units(net, X[:1])[0][0]


def test_dead_relus_in_the_first_layer_never_revive():
    rng = np.random.default_rng(0)
    net = bp.MLP([4, 8, 3], hidden="relu", output="softmax", loss="cross_entropy", init="he", seed=3)
    net.biases[0][:4] = -50.0
    X, Y = batch([4, 8, 3], 40, rng)
    frozen = net.weights[0][:4].copy()
    h = bp.dead_unit_history(net, X, Y, lr=0.5, epochs=3, batch_size=8, seed=0, X_test=X,
                             labels_test=Y.argmax(axis=1))
    assert h["dead"].shape == (4, 8) and h["fraction"].shape == (4, 1) and h["accuracy"].shape == (4,)
    assert np.all(h["dead"][:, :4]) and np.array_equal(net.weights[0][:4], frozen)


def test_with_hidden_activation_copies_parameters_and_leaves_the_original():
    net = bp.MLP([3, 4, 2], hidden="relu", output="sigmoid", loss="mse", l2=0.1, seed=0)
    other = bp.with_hidden_activation(net, "tanh")
    assert other.hidden == "tanh" and other.output == "sigmoid" and other.l2 == 0.1
    assert np.array_equal(other.get_params(), net.get_params())
    other.weights[0][0, 0] += 1.0
    assert net.weights[0][0, 0] != other.weights[0][0, 0] and net.hidden == "relu"


# ---------------------------------------------------------------- the chapter-09 experiments
def test_gradient_norm_profile_shows_vanishing_sigmoid_and_flat_relu():
    rng = np.random.default_rng(0)
    X = rng.random((64, 16))
    Y = bp.one_hot(rng.integers(0, 4, 64), 4)
    sig = bp.gradient_norm_profile(X, Y, depth=10, hidden="sigmoid", init="xavier", width=16, seed=4)
    relu = bp.gradient_norm_profile(X, Y, depth=10, hidden="relu", init="he", width=16, seed=4)
    assert sig.shape == relu.shape == (10,)
    assert sig[0] * 100 <= sig[-1]
    assert relu.max() <= 10 * relu.min()
    # the gain multiplies the initial weights: gain 1 is the plain network
    net = bp.MLP([16] + [16] * 9 + [4], hidden="relu", output="softmax", loss="cross_entropy", init="he", seed=4)
    np.testing.assert_array_equal(relu, bp.weight_gradient_norms(net, X, Y))
    smaller = bp.gradient_norm_profile(X, Y, depth=10, hidden="relu", init="he", gain=0.5, width=16, seed=4)
    assert np.all(smaller < relu)


def test_layer_learning_speed_records_each_layer_each_epoch():
    rng = np.random.default_rng(0)
    X, Y = batch([5, 6, 6, 3], 30, rng)
    net = bp.MLP([5, 6, 6, 3], hidden="tanh", output="softmax", loss="cross_entropy", seed=0)
    start = [W.copy() for W in net.weights]
    speeds, losses = bp.layer_learning_speed(net, X, Y, lr=0.5, epochs=3, batch_size=10, seed=0)
    assert speeds.shape == (3, 3) and losses.shape == (4,)
    assert np.all(speeds > 0) and losses[-1] < losses[0]
    # the first epoch's entry is the relative change from the initial weights
    again = bp.MLP([5, 6, 6, 3], hidden="tanh", output="softmax", loss="cross_entropy", seed=0)
    bp.train(again, X, Y, lr=0.5, epochs=1, batch_size=10, seed=0)
    expected = [np.linalg.norm(W - W0) / np.linalg.norm(W0) for W, W0 in zip(again.weights, start)]
    np.testing.assert_allclose(speeds[0], expected, rtol=1e-14)


# ---------------------------------------------------------------- the exercise check
def test_check_leaky_he_std():
    right = np.sqrt(2 / ((1 + 0.01 ** 2) * 32))
    assert bp.check_leaky_he_std(right, 32, 0.01).ok
    he = bp.check_leaky_he_std(bp.he_std(32), 32, 0.2)
    assert not he.ok and "He's ReLU value" in repr(he)
    assert not bp.check_leaky_he_std(1.0, 32).ok
    assert not bp.check_leaky_he_std("big", 32).ok
    # hand answers to three or four digits pass, with the slope the chapter uses and with 0.01
    assert bp.check_leaky_he_std(0.245, 32, 0.2).ok and bp.check_leaky_he_std(0.2451, 32, 0.2).ok
    assert bp.check_leaky_he_std(0.24999, 32, 0.01).ok
    assert not bp.check_leaky_he_std(0.243, 32, 0.2).ok
    # the likely slips are named
    assert "variance" in bp.check_leaky_he_std(0.0601, 32, 0.2).message
    assert "slope²" in bp.check_leaky_he_std(np.sqrt(2 / (1.2 * 32)), 32, 0.2).message
    assert "factor 2" in bp.check_leaky_he_std(np.sqrt(1 / (1.04 * 32)), 32, 0.2).message
    assert "under the square root" in bp.check_leaky_he_std(np.sqrt(2 / 1.04) / 32, 32, 0.2).message


# ---------------------------------------------------------------- figures and widget
def test_figures_label_their_axes_and_the_widget_builds():
    import matplotlib.pyplot as plt

    import bplib.plots as bpp
    import bplib.widgets as bpw

    ax = bpp.plot_activation_derivatives()
    assert ax.get_xlabel() and ax.get_ylabel() and len(ax.lines) == 5
    profiles = {(i, a): np.array([1e-3, 1e-2, 1e-1]) for i in ("xavier", "he") for a in ("sigmoid", "relu")}
    fig = bpp.plot_gradient_norm_grid(profiles)
    assert len(fig.axes) == 2 and all(ax.get_yscale() == "log" and ax.get_xlabel() for ax in fig.axes)
    ax = bpp.plot_delta_bounds([1e-3, 1e-1], [1e-2, 1e-1])
    assert ax.get_ylabel() and ax.get_yscale() == "log"
    ax = bpp.plot_layer_speed(np.full((2, 3), 0.01))
    assert ax.get_ylabel() and len(ax.lines) == 2
    h = {"dead": np.zeros((3, 4), dtype=bool), "accuracy": np.array([0.1, 0.5, 0.9])}
    fig = bpp.plot_dead_units({"relu": h}, n_units=4)
    assert all(ax.get_xlabel() and ax.get_ylabel() for ax in fig.axes)
    rng = np.random.default_rng(0)
    box = bpw.gradient_profile_widget(rng.random((8, 4)), bp.one_hot(np.arange(8) % 2, 2), depth=3)
    descriptions = [w.description for row in box.children[0].children for w in row.children]
    assert descriptions == ["depth L", "scale × σ_init", "activation", "initialisation"]
    plt.close("all")


# ---------------------------------------------------------------- bad input
def test_bad_inputs_are_named():
    with pytest.raises(ValueError, match=r"name: unknown activation 'softmax'; valid names are 'sigmoid'"):
        bp.activation_derivative_bound("softmax")
    with pytest.raises(TypeError, match=r"weights: expected a non-empty list of 2-D arrays, got ndarray"):
        bp.delta_norm_bounds(np.eye(2), 1.0, 0.25)
    with pytest.raises(ValueError, match=r"weights\[1\]: expected 3 columns to follow weights\[0\] of shape \(3, 2\), "
                                         r"got shape \(2, 2\)"):
        bp.delta_norm_bounds([np.ones((3, 2)), np.ones((2, 2))], 1.0, 0.25)
    with pytest.raises(ValueError, match=r"weights\[0\]: expected a 2-D array .* got shape \(3,\)"):
        bp.delta_norm_bounds([np.ones(3)], 1.0, 0.25)
    with pytest.raises(ValueError, match=r"output_delta_norm: must be a finite number ≥ 0, got -1"):
        bp.delta_norm_bounds([np.eye(2)], -1, 0.25)
    with pytest.raises(ValueError, match=r"derivative_bound: must be a finite number > 0, got 0"):
        bp.delta_norm_bounds([np.eye(2)], 1.0, 0)
    with pytest.raises(ValueError, match=r"n_in: expected a number of units ≥ 1, got 0"):
        bp.he_std(0)
    with pytest.raises(ValueError, match=r"n_out: expected a number of units ≥ 1, got 2.5"):
        bp.xavier_std(3, 2.5)
    with pytest.raises(TypeError, match=r"net: expected a bplib MLP, got list"):
        bp.dead_units([np.eye(2)], np.zeros((1, 2)))
    net = bp.MLP([3, 4, 2], hidden="relu", seed=0)
    with pytest.raises(ValueError, match=r"X: expected 3 columns, shape \(m, 3\), got shape \(5, 2\)"):
        bp.dead_units(net, np.zeros((5, 2)))
    with pytest.raises(ValueError, match=r"X: expected a 2-D array .* got shape \(3,\)"):
        bp.activation_statistics(net, np.zeros(3))
    with pytest.raises(ValueError, match=r"X and Y must have the same number of rows"):
        bp.layer_deltas(net, np.zeros((5, 3)), np.zeros((4, 2)))
    X, Y = np.zeros((4, 3)), bp.one_hot(np.arange(4) % 2, 2)
    with pytest.raises(ValueError, match=r"depth: expected an integer number of weight layers ≥ 2, got 1"):
        bp.gradient_norm_profile(X, Y, depth=1)
    with pytest.raises(ValueError, match=r"Y: expected one-hot rows of shape \(4, k\) with k ≥ 2, got shape \(4, 1\)"):
        bp.gradient_norm_profile(X, np.zeros((4, 1)), depth=3)
    with pytest.raises(ValueError, match=r"gain: must be a finite number > 0, got -1"):
        bp.gradient_norm_profile(X, Y, depth=3, gain=-1)
    with pytest.raises(ValueError, match=r"epochs: must be an integer ≥ 1, got 0"):
        bp.layer_learning_speed(net, np.zeros((4, 3)), np.zeros((4, 2)), lr=0.1, epochs=0)
    with pytest.raises(ValueError, match=r"epochs: must be an integer ≥ 1, got 1.5"):
        bp.dead_unit_history(net, np.zeros((4, 3)), np.zeros((4, 2)), lr=0.1, epochs=1.5)
    with pytest.raises(ValueError, match=r"slope: must be a finite number ≥ 0, got -0.1"):
        bp.check_leaky_he_std(0.3, 32, -0.1)

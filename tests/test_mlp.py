"""Unit tests of bplib.MLP: construction, forward pass, gradients, update, parameters, copies, dtypes."""
import numpy as np
import pytest

import bplib as bp

PAIRS = [("sigmoid", "mse"), ("tanh", "mse"), ("identity", "mse"), ("softmax", "mse"),
         ("softmax", "cross_entropy"), ("sigmoid", "binary_cross_entropy")]
HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu", "identity"]


def data(sizes, output, loss, m=6, seed=1, dtype=np.float64):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((m, sizes[0]))
    k = sizes[-1]
    if loss == "cross_entropy":
        Y = bp.one_hot(rng.integers(0, k, m), k)
    elif output in ("sigmoid", "softmax"):
        Y = rng.uniform(0, 1, (m, k))
    else:
        Y = rng.uniform(-1, 1, (m, k))
    return X.astype(dtype), Y.astype(dtype)


def manual_forward(net, X):
    A = X
    for i, (W, b) in enumerate(zip(net.weights, net.biases)):
        Z = A @ W.T + b
        name = net.hidden if i < net.n_layers - 1 else net.output
        A = bp.softmax(Z) if name == "softmax" else bp.ACTIVATIONS[name].f(Z)
    return A


def numeric_flat_gradient(net, X, Y):
    return bp.numerical_gradient(lambda t: net.loss_at(t, X, Y), net.get_params())


# ------------------------------------------------------------------ construction
def test_shapes_and_counts():
    net = bp.MLP([2, 3, 4, 1], seed=0)
    assert [W.shape for W in net.weights] == [(3, 2), (4, 3), (1, 4)]
    assert [b.shape for b in net.biases] == [(3,), (4,), (1,)]
    assert net.n_layers == 3 and net.sizes == [2, 3, 4, 1]
    assert net.n_params == 6 + 3 + 12 + 4 + 4 + 1
    assert all(np.all(b == 0) for b in net.biases)
    assert repr(net) == "MLP([2, 3, 4, 1], hidden='sigmoid', output='sigmoid', loss='mse', l2=0, dtype=float64)"


def test_same_seed_same_weights_other_seed_other_weights():
    a, b, c = bp.MLP([3, 5, 2], seed=7), bp.MLP([3, 5, 2], seed=7), bp.MLP([3, 5, 2], seed=8)
    for Wa, Wb in zip(a.weights, b.weights):
        np.testing.assert_array_equal(Wa, Wb)
    assert not np.array_equal(a.weights[0], c.weights[0])


def test_rng_argument_is_used_instead_of_seed():
    a = bp.MLP([3, 5, 2], seed=1, rng=np.random.default_rng(42))
    b = bp.MLP([3, 5, 2], seed=42)
    np.testing.assert_array_equal(a.weights[0], b.weights[0])


def test_construction_does_not_touch_global_random_state():
    np.random.seed(123)
    expected = np.random.random()
    np.random.seed(123)
    bp.MLP([3, 5, 2], seed=0)
    assert np.random.random() == expected


@pytest.mark.parametrize("init, sigma", [("standard", 1.0), ("xavier", np.sqrt(2.0 / 700)),
                                         ("he", np.sqrt(2.0 / 400)), (0.3, 0.3)])
def test_initial_weight_scale(init, sigma):
    W = bp.MLP([400, 300], init=init, seed=0).weights[0]
    assert bp.init_scale(init, 400, 300) == pytest.approx(sigma, rel=1e-15)
    assert W.std() == pytest.approx(sigma, rel=0.01)  # 120 000 draws: ±0.4 % is 2 σ
    assert abs(W.mean()) < 0.01 * sigma


# ------------------------------------------------------------------ forward
@pytest.mark.parametrize("output, loss", PAIRS)
@pytest.mark.parametrize("hidden", HIDDEN)
def test_forward_matches_a_hand_written_pass(hidden, output, loss):
    net = bp.MLP([3, 4, 5, 2], hidden=hidden, output=output, loss=loss, seed=2)
    X, _ = data(net.sizes, output, loss)
    Y_hat = net.forward(X)
    assert Y_hat.shape == (6, 2)
    np.testing.assert_allclose(Y_hat, manual_forward(net, X), rtol=1e-14, atol=1e-15)
    np.testing.assert_array_equal(net(X), Y_hat)


def test_forward_pass_keeps_every_layer():
    net = bp.MLP([3, 4, 2], hidden="tanh", seed=0)
    X, _ = data(net.sizes, "sigmoid", "mse")
    Zs, As = net.forward_pass(X)
    assert [Z.shape for Z in Zs] == [(6, 4), (6, 2)]
    assert [A.shape for A in As] == [(6, 3), (6, 4), (6, 2)]
    np.testing.assert_array_equal(As[0], X)
    np.testing.assert_allclose(Zs[0], X @ net.weights[0].T + net.biases[0], rtol=1e-15)
    np.testing.assert_array_equal(As[1], np.tanh(Zs[0]))
    np.testing.assert_array_equal(As[2], bp.sigmoid(Zs[1]))


def test_forward_does_not_modify_input():
    net = bp.MLP([3, 4, 2], seed=0)
    X, _ = data(net.sizes, "sigmoid", "mse")
    before = X.copy()
    net.forward(X), net.gradients(X, np.zeros((6, 2)))
    np.testing.assert_array_equal(X, before)


def test_predict():
    net = bp.MLP([3, 4, 3], output="softmax", loss="cross_entropy", seed=0)
    X, _ = data(net.sizes, "softmax", "cross_entropy", m=10)
    np.testing.assert_array_equal(net.predict(X), net.forward(X).argmax(axis=1))
    single = bp.MLP([3, 4, 1], seed=0)
    np.testing.assert_array_equal(single.predict(X), (single.forward(X)[:, 0] > 0.5).astype(int))


# ------------------------------------------------------------------ cost
@pytest.mark.parametrize("output, loss", PAIRS)
@pytest.mark.parametrize("l2", [0.0, 0.3])
def test_loss_is_the_named_loss_of_the_output_plus_penalty(output, loss, l2):
    net = bp.MLP([3, 4, 2], hidden="tanh", output=output, loss=loss, l2=l2, seed=3)
    X, Y = data(net.sizes, output, loss)
    expected = bp.LOSSES[loss].value(net.forward(X), Y) + 0.5 * l2 * sum(np.sum(W ** 2) for W in net.weights)
    assert isinstance(net.loss(X, Y), float)
    assert net.loss(X, Y) == pytest.approx(expected, rel=1e-12)


# ------------------------------------------------------------------ gradients
@pytest.mark.parametrize("output, loss", PAIRS)
@pytest.mark.parametrize("hidden", ["sigmoid", "tanh", "leaky_relu"])
def test_gradients_match_central_differences(hidden, output, loss):
    net = bp.MLP([3, 4, 3, 2], hidden=hidden, output=output, loss=loss, l2=0.05, seed=4)
    X, Y = data(net.sizes, output, loss)
    dWs, dbs = net.gradients(X, Y)
    assert [d.shape for d in dWs] == [W.shape for W in net.weights]
    assert [d.shape for d in dbs] == [b.shape for b in net.biases]
    assert bp.relative_error(net.flat_gradients(X, Y), numeric_flat_gradient(net, X, Y)) < 1e-7


def test_flat_gradients_follow_get_params_order():
    net = bp.MLP([2, 3, 2], seed=0)
    X, Y = data(net.sizes, "sigmoid", "mse")
    dWs, dbs = net.gradients(X, Y)
    flat = np.concatenate([dWs[0].ravel(), dbs[0], dWs[1].ravel(), dbs[1]])
    np.testing.assert_array_equal(net.flat_gradients(X, Y), flat)
    theta = np.concatenate([net.weights[0].ravel(), net.biases[0], net.weights[1].ravel(), net.biases[1]])
    np.testing.assert_array_equal(net.get_params(), theta)


def test_backward_from_a_cache_equals_gradients():
    net = bp.MLP([3, 4, 2], hidden="relu", seed=0)
    X, Y = data(net.sizes, "sigmoid", "mse")
    Zs, As = net.forward_pass(X)
    for a, b in zip(net.backward(Zs, As, Y), net.gradients(X, Y)):
        for u, v in zip(a, b):
            np.testing.assert_array_equal(u, v)


# ------------------------------------------------------------------ update
def test_update_is_a_gradient_step_in_place():
    net = bp.MLP([3, 4, 2], seed=0)
    X, Y = data(net.sizes, "sigmoid", "mse")
    W_objects = [W for W in net.weights]
    old, step = net.get_params(), net.flat_gradients(X, Y)
    dWs, dbs = net.gradients(X, Y)
    assert net.update(dWs, dbs, lr=0.5) is None
    np.testing.assert_allclose(net.get_params(), old - 0.5 * step, rtol=1e-15)
    assert all(a is b for a, b in zip(net.weights, W_objects))


def test_small_step_decreases_the_cost():
    net = bp.MLP([3, 4, 2], hidden="tanh", seed=0)
    X, Y = data(net.sizes, "sigmoid", "mse")
    before = net.loss(X, Y)
    net.update(*net.gradients(X, Y), lr=0.1)
    assert net.loss(X, Y) < before


def test_update_rejects_gradients_of_the_wrong_shape():
    net = bp.MLP([2, 3, 1], seed=0)
    before = net.get_params()
    with pytest.raises(ValueError, match=r"dWs\[0\]: expected shape \(3, 2\), got shape \(2,\)"):
        net.update([np.ones(2), np.ones((1, 3))], [np.ones(3), np.ones(1)], lr=0.1)
    np.testing.assert_array_equal(net.get_params(), before)


def test_update_rejects_too_few_gradients():
    net = bp.MLP([2, 3, 1], seed=0)
    with pytest.raises(ValueError, match=r"dWs: expected 2 arrays"):
        net.update([np.ones((3, 2))], [np.ones(3)], lr=0.1)


# ------------------------------------------------------------------ parameters as a vector
def test_get_set_params_round_trip():
    net = bp.MLP([3, 4, 2], seed=0)
    theta = np.random.default_rng(1).standard_normal(net.n_params)
    net.set_params(theta)
    np.testing.assert_array_equal(net.get_params(), theta)
    assert net.weights[0][1, 2] == theta[1 * 3 + 2]
    assert net.biases[0][0] == theta[12]


def test_get_params_returns_a_copy():
    net = bp.MLP([3, 4, 2], seed=0)
    theta = net.get_params()
    theta[:] = 0.0
    assert np.any(net.weights[0] != 0)


def test_loss_at_does_not_modify_the_network():
    net = bp.MLP([3, 4, 2], seed=0)
    X, Y = data(net.sizes, "sigmoid", "mse")
    theta, before = net.get_params() + 0.5, net.get_params()
    other = net.copy()
    other.set_params(theta)
    assert net.loss_at(theta, X, Y) == other.loss(X, Y)
    np.testing.assert_array_equal(net.get_params(), before)


def test_copy_is_independent():
    net = bp.MLP([3, 4, 2], seed=0)
    X, Y = data(net.sizes, "sigmoid", "mse")
    twin = net.copy()
    before = net.get_params()
    twin.update(*twin.gradients(X, Y), lr=1.0)
    twin.weights[0][0, 0] = 99.0
    twin.biases[1][0] = -99.0
    np.testing.assert_array_equal(net.get_params(), before)
    assert twin.sizes == net.sizes and repr(twin) == repr(net)
    assert not any(np.shares_memory(a, b) for a, b in zip(net.weights + net.biases, twin.weights + twin.biases))


# ------------------------------------------------------------------ dtypes
@pytest.mark.parametrize("output, loss", PAIRS)
@pytest.mark.parametrize("hidden", HIDDEN)
def test_float32_is_preserved_end_to_end(hidden, output, loss):
    net = bp.MLP([3, 4, 2], hidden=hidden, output=output, loss=loss, l2=0.01, dtype=np.float32, seed=0)
    X, Y = data(net.sizes, output, loss)  # float64 in: cast to the network's dtype
    assert all(p.dtype == np.float32 for p in net.weights + net.biases)
    Zs, As = net.forward_pass(X)
    assert all(a.dtype == np.float32 for a in Zs + As)
    assert net.forward(X).dtype == np.float32
    dWs, dbs = net.gradients(X, Y)
    assert all(d.dtype == np.float32 for d in dWs + dbs)
    net.update(dWs, dbs, lr=0.1)
    assert all(p.dtype == np.float32 for p in net.weights + net.biases)
    assert isinstance(net.loss(X, Y), float) and net.get_params().dtype == np.float64


def test_float32_gradients_are_close_to_float64_gradients():
    n64 = bp.MLP([3, 4, 2], hidden="tanh", seed=0)
    n32 = bp.MLP([3, 4, 2], hidden="tanh", seed=0, dtype=np.float32)
    X, Y = data(n64.sizes, "sigmoid", "mse")
    assert bp.relative_error(n32.flat_gradients(X, Y), n64.flat_gradients(X, Y)) < 1e-6


# ------------------------------------------------------------------ cross-entropy targets
def test_cross_entropy_targets_that_are_not_distributions_are_rejected():
    """The fused delta (A − Y)/m is the gradient only if every row of Y sums to 1."""
    net = bp.MLP([2, 3, 3], hidden="tanh", output="softmax", loss="cross_entropy", seed=0)
    X = np.random.default_rng(0).standard_normal((4, 2))
    for row, scale in ((0, 0.0), (1, 0.5)):  # a row of zeros, a row summing to 1/2
        Y = bp.one_hot([0, 1, 2, 1], 3)
        Y[row] *= scale
        with pytest.raises(ValueError, match=r"Y.*\(4, 3\)"):
            net.flat_gradients(X, Y)


# ---------------------------------------------------------------- parameters as one vector
def test_flatten_params_is_the_order_of_get_params_and_of_flat_gradients():
    net = bp.MLP([3, 4, 2], seed=0)
    X, Y = np.random.default_rng(1).standard_normal((5, 3)), np.random.default_rng(2).random((5, 2))
    assert np.array_equal(bp.flatten_params(net.weights, net.biases), net.get_params())
    assert np.array_equal(bp.flatten_params(*net.gradients(X, Y)), net.flat_gradients(X, Y))
    assert bp.flatten_params([np.array([[1.0, 2.0]]), np.array([[3.0]])],
                             [np.array([4.0]), np.array([5.0])]).tolist() == [1, 2, 4, 3, 5]


def test_flatten_params_rejects_a_missing_bias():
    with pytest.raises(ValueError, match=r"Ws and bs: expected one bias per weight matrix, got 2 and 1"):
        bp.flatten_params([np.ones((2, 2)), np.ones((1, 2))], [np.ones(2)])

"""Unit tests of bplib.regularization (L2 weight decay) and of its use inside the MLP."""
import numpy as np
import pytest

import bplib as bp


def test_l2_penalty_by_hand():
    weights = [np.array([[1.0, 2.0]]), np.array([[3.0]])]
    # (λ/2) Σ ‖W‖² = 0.25 · (1 + 4 + 9)
    assert bp.l2_penalty(weights, 0.5) == 3.5
    assert isinstance(bp.l2_penalty(weights, 0.5), float)
    assert bp.l2_penalty(weights, 0.0) == 0.0
    assert bp.l2_penalty([], 0.5) == 0.0


def test_l2_gradient_by_hand():
    dW, W = np.array([[1.0, -1.0]]), np.array([[2.0, 4.0]])
    np.testing.assert_array_equal(bp.l2_gradient(dW, W, 0.5), [[2.0, 1.0]])
    np.testing.assert_array_equal(bp.l2_gradient(dW, W, 0.0), dW)


def test_l2_gradient_is_the_derivative_of_the_penalty():
    rng = np.random.default_rng(0)
    W, dW = rng.standard_normal((3, 4)), np.zeros((3, 4))
    numeric = bp.numerical_gradient(lambda V: bp.l2_penalty([V], 0.3), W)
    assert bp.relative_error(bp.l2_gradient(dW, W, 0.3), numeric) < 1e-9


def test_l2_functions_do_not_modify_inputs():
    dW, W = np.ones((2, 2)), np.full((2, 2), 3.0)
    bp.l2_gradient(dW, W, 0.1), bp.l2_penalty([W], 0.1)
    np.testing.assert_array_equal(dW, np.ones((2, 2)))
    np.testing.assert_array_equal(W, np.full((2, 2), 3.0))


def test_l2_gradient_returns_a_new_array_with_a_penalty():
    dW = np.ones((2, 2))
    assert not np.shares_memory(bp.l2_gradient(dW, dW, 0.1), dW)


def test_l2_gradient_returns_a_new_array_without_a_penalty():
    dW = np.ones((2, 2))
    out = bp.l2_gradient(dW, dW, 0.0)
    out[0, 0] = 5.0
    assert dW[0, 0] == 1.0


@pytest.mark.parametrize("lam", [-0.1, np.nan, np.inf])
def test_bad_lambda_is_rejected(lam):
    with pytest.raises(ValueError, match=r"lam: must be a finite number ≥ 0"):
        bp.l2_penalty([np.ones((1, 1))], lam)
    with pytest.raises(ValueError, match=r"lam: must be a finite number ≥ 0"):
        bp.l2_gradient(np.ones((1, 1)), np.ones((1, 1)), lam)


# ------------------------------------------------------------------ inside the network
@pytest.fixture
def pair():
    rng = np.random.default_rng(1)
    X, Y = rng.standard_normal((6, 3)), bp.one_hot(rng.integers(0, 2, 6), 2)
    plain = bp.MLP([3, 4, 2], hidden="tanh", output="softmax", loss="cross_entropy", seed=2)
    decayed = bp.MLP([3, 4, 2], hidden="tanh", output="softmax", loss="cross_entropy", seed=2, l2=0.25)
    return plain, decayed, X, Y


def test_network_cost_gains_the_penalty(pair):
    plain, decayed, X, Y = pair
    penalty = 0.125 * sum(np.sum(W ** 2) for W in plain.weights)
    assert decayed.l2_penalty() == pytest.approx(penalty, rel=1e-14)
    assert plain.l2_penalty() == 0.0
    assert decayed.loss(X, Y) == pytest.approx(plain.loss(X, Y) + penalty, rel=1e-14)


def test_network_weight_gradients_gain_lambda_w_and_biases_nothing(pair):
    plain, decayed, X, Y = pair
    (dW0, db0), (dW1, db1) = plain.gradients(X, Y), decayed.gradients(X, Y)
    for a, b, W in zip(dW0, dW1, plain.weights):
        np.testing.assert_allclose(b - a, 0.25 * W, rtol=1e-12, atol=1e-15)
    for a, b in zip(db0, db1):
        np.testing.assert_array_equal(a, b)  # biases are not regularised


def test_network_with_penalty_passes_a_gradient_check(pair):
    _, decayed, X, Y = pair
    numeric = bp.numerical_gradient(lambda t: decayed.loss_at(t, X, Y), decayed.get_params())
    assert bp.relative_error(decayed.flat_gradients(X, Y), numeric) < 1e-7


def test_weight_decay_shrinks_weights_without_data_gradient():
    # with zero data gradient, one step multiplies W by (1 − ηλ)
    net = bp.MLP([2, 2], hidden="identity", output="identity", l2=0.5, seed=0)
    W = net.weights[0].copy()
    dWs = [bp.l2_gradient(np.zeros_like(W), W, 0.5)]
    net.update(dWs, [np.zeros(2)], lr=0.1)
    np.testing.assert_allclose(net.weights[0], 0.95 * W, rtol=1e-15)

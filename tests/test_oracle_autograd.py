"""The `autograd` package as an independent oracle.

Every function is re-implemented here in autograd.numpy from its textbook formula, differentiated
by autograd's reverse mode, and compared with bplib's hand-derived derivative: relative error
≤ 1e-10 (both are exact up to rounding, so they agree to ~1e-15 in practice).
"""
import autograd.numpy as anp
import numpy as np
import pytest
from autograd import elementwise_grad, grad, jacobian

import bplib as bp

TOL = 1e-10
HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu", "identity"]
PAIRS = [("sigmoid", "mse"), ("tanh", "mse"), ("identity", "mse"), ("softmax", "mse"),
         ("softmax", "cross_entropy"), ("sigmoid", "binary_cross_entropy")]

# ------------------------------------------------------------------ the re-implementations
ORACLE = {
    "sigmoid": lambda z: 1.0 / (1.0 + anp.exp(-z)),
    "tanh": lambda z: anp.tanh(z),
    "relu": lambda z: anp.where(z > 0, z, 0.0 * z),
    "leaky_relu": lambda z: anp.where(z > 0, z, 0.01 * z),
    "identity": lambda z: z,
}


def oracle_softmax(Z):
    E = anp.exp(Z - anp.max(Z, axis=1, keepdims=True))
    return E / anp.sum(E, axis=1, keepdims=True)


ORACLE["softmax"] = oracle_softmax

ORACLE_LOSS = {
    "mse": lambda P, Y: 0.5 * anp.sum((P - Y) ** 2) / Y.shape[0],
    "cross_entropy": lambda P, Y: -anp.sum(Y * anp.log(P)) / Y.shape[0],
    "binary_cross_entropy": lambda P, Y: -anp.sum(Y * anp.log(P) + (1 - Y) * anp.log(1 - P)) / Y.shape[0],
}


def z_grid():
    """(5, 8) pre-activations in [-6, 6] with no entry at 0 (the ReLU kink)."""
    return np.linspace(-6.0, 6.0, 40).reshape(5, 8)


# ------------------------------------------------------------------ activations
@pytest.mark.parametrize("name", HIDDEN)
def test_activation_value_agrees_with_oracle(name):
    z = z_grid()
    np.testing.assert_allclose(bp.ACTIVATIONS[name].f(z), ORACLE[name](z), rtol=1e-14, atol=1e-16)


@pytest.mark.parametrize("name", HIDDEN)
def test_activation_derivative_agrees_with_autograd(name):
    act, z = bp.ACTIVATIONS[name], z_grid()
    auto = elementwise_grad(ORACLE[name])(z)
    assert bp.relative_error(act.df(z), auto) <= TOL
    assert bp.relative_error(act.df_from_output(act.f(z)), auto) <= TOL


def test_softmax_jacobian_agrees_with_autograd():
    for z in (np.array([0.3, -1.2, 2.0, 0.1]), np.array([5.0, -5.0]), np.arange(6.0)):
        auto = jacobian(lambda v: oracle_softmax(v[None, :])[0])(z)
        assert bp.relative_error(bp.softmax_jacobian(z), auto) <= TOL


def test_softmax_backward_agrees_with_autograd_vjp():
    rng = np.random.default_rng(0)
    Z, G = rng.standard_normal((5, 4)) * 2, rng.standard_normal((5, 4))
    auto = grad(lambda V: anp.sum(oracle_softmax(V) * G))(Z)  # vector-Jacobian product Gᵀ J per row
    assert bp.relative_error(bp.softmax_backward(bp.softmax(Z), G), auto) <= TOL


def test_log_softmax_agrees_with_oracle():
    Z = np.random.default_rng(1).standard_normal((4, 5)) * 4
    np.testing.assert_allclose(bp.log_softmax(Z), anp.log(oracle_softmax(Z)), rtol=1e-13)


# ------------------------------------------------------------------ losses
def loss_inputs(name, seed=2):
    rng = np.random.default_rng(seed)
    P = bp.softmax(rng.standard_normal((6, 3)))  # inside (0, 1): no clipping
    if name == "cross_entropy":
        Y = bp.one_hot(rng.integers(0, 3, 6), 3)
    elif name == "binary_cross_entropy":
        Y = rng.uniform(0, 1, (6, 3))
    else:
        Y = rng.standard_normal((6, 3))
    return P, Y


@pytest.mark.parametrize("name", ["mse", "cross_entropy", "binary_cross_entropy"])
def test_loss_gradient_agrees_with_autograd(name):
    P, Y = loss_inputs(name)
    loss, oracle = bp.LOSSES[name], ORACLE_LOSS[name]
    assert loss.value(P, Y) == pytest.approx(float(oracle(P, Y)), rel=1e-13)
    assert bp.relative_error(loss.grad(P, Y), grad(oracle)(P, Y)) <= TOL


def test_softmax_cross_entropy_delta_agrees_with_autograd():
    rng = np.random.default_rng(3)
    Z, Y = rng.standard_normal((6, 4)) * 3, bp.one_hot(rng.integers(0, 4, 6), 4)
    auto = grad(lambda V: ORACLE_LOSS["cross_entropy"](oracle_softmax(V), Y))(Z)
    assert bp.relative_error(bp.softmax_cross_entropy_delta(bp.softmax(Z), Y), auto) <= TOL


def test_sigmoid_binary_cross_entropy_delta_agrees_with_autograd():
    rng = np.random.default_rng(4)
    Z, Y = rng.standard_normal((6, 3)) * 3, rng.uniform(0, 1, (6, 3))
    auto = grad(lambda V: ORACLE_LOSS["binary_cross_entropy"](ORACLE["sigmoid"](V), Y))(Z)
    assert bp.relative_error(bp.sigmoid_binary_cross_entropy_delta(bp.sigmoid(Z), Y), auto) <= TOL


def test_l2_gradient_agrees_with_autograd():
    W = np.random.default_rng(5).standard_normal((3, 4))
    dW = np.random.default_rng(6).standard_normal((3, 4))
    auto = grad(lambda V: 0.5 * 0.3 * anp.sum(V * V))(W)
    assert bp.relative_error(bp.l2_gradient(dW, W, 0.3) - dW, auto) <= TOL
    assert bp.l2_penalty([W], 0.3) == pytest.approx(0.15 * np.sum(W * W), rel=1e-14)


# ------------------------------------------------------------------ the full network
def oracle_cost(params, net, X, Y):
    """The network's cost written from scratch in autograd.numpy from its weights and biases."""
    L = len(params) // 2
    A = X
    for i in range(L):
        W, b = params[2 * i], params[2 * i + 1]
        Z = anp.dot(A, W.T) + b
        A = ORACLE[net.hidden if i < L - 1 else net.output](Z)
    cost = ORACLE_LOSS[net.loss_name](A, Y)
    return cost + 0.5 * net.l2 * sum(anp.sum(params[2 * i] ** 2) for i in range(L))


@pytest.mark.parametrize("l2", [0.0, 0.2])
@pytest.mark.parametrize("output, loss", PAIRS)
@pytest.mark.parametrize("hidden", HIDDEN)
def test_mlp_gradients_agree_with_autograd(hidden, output, loss, l2):
    net = bp.MLP([3, 5, 4, 3], hidden=hidden, output=output, loss=loss, l2=l2, seed=7)
    rng = np.random.default_rng(8)
    X = rng.standard_normal((7, 3))
    Y = bp.one_hot(rng.integers(0, 3, 7), 3) if loss == "cross_entropy" else rng.uniform(0, 1, (7, 3))
    params = [p for W, b in zip(net.weights, net.biases) for p in (W, b)]
    assert net.loss(X, Y) == pytest.approx(float(oracle_cost(params, net, X, Y)), rel=1e-12)
    auto = grad(oracle_cost)(params, net, X, Y)
    dWs, dbs = net.gradients(X, Y)
    ours = [g for dW, db in zip(dWs, dbs) for g in (dW, db)]
    assert bp.relative_error(ours, list(auto)) <= TOL
    for mine, theirs in zip(ours, auto):  # layer by layer too, so that no layer hides in the norm
        assert bp.relative_error(mine, theirs) <= TOL

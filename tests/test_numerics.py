"""Numerical stability (finite values at z = ±1e3 and ±1e4 under np.errstate(all="raise"), float64
and float32) and the gradient-checking tools themselves (bplib.gradcheck)."""
import numpy as np
import pytest

import bplib as bp

DTYPES = [np.float64, np.float32]
HUGE = [[-1e3, 1e3, -1e4, 1e4, 0.0, 1.0]]  # one row: both signs of both magnitudes, and two tame values

def all_finite(*arrays):
    return all(np.all(np.isfinite(np.asarray(a, dtype=np.float64))) for a in arrays)


# ------------------------------------------------------------------ no floating-point exception at all
ELEMENTWISE = [
    "sigmoid", "tanh", "relu", "leaky_relu", "identity"
]


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_activation_and_derivatives_raise_nothing_at_huge_z(name, dtype):
    act, z = bp.ACTIVATIONS[name], np.array(HUGE, dtype=dtype)
    with np.errstate(all="raise"):
        a, d, d_out = act.f(z), act.df(z), act.df_from_output(act.f(z))
    assert all_finite(a, d, d_out)
    assert a.dtype == d.dtype == d_out.dtype == dtype


SOFTMAX_FAMILY = {
    "softmax": lambda Z: bp.softmax(Z),
    "log_softmax": lambda Z: bp.log_softmax(Z),
    "softmax_jacobian": lambda Z: bp.softmax_jacobian(Z[0]),
    "softmax_backward": lambda Z: bp.softmax_backward(bp.softmax(Z), Z),
    "cross_entropy_from_logits": lambda Z: bp.cross_entropy_from_logits(Z, bp.one_hot([0], 6).astype(Z.dtype)),
    "binary_cross_entropy_from_logits": lambda Z: bp.binary_cross_entropy_from_logits(Z, np.ones_like(Z)),
    "cross_entropy_of_softmax": lambda Z: bp.cross_entropy(bp.softmax(Z), bp.one_hot([0], 6).astype(Z.dtype)),
    "binary_cross_entropy_of_sigmoid": lambda Z: bp.binary_cross_entropy(bp.sigmoid(Z), np.ones_like(Z)),
}


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("name", list(SOFTMAX_FAMILY))
def test_softmax_and_losses_from_logits_raise_nothing_at_huge_z(name, dtype):
    Z = np.array(HUGE, dtype=dtype)
    with np.errstate(all="raise"):
        out = SOFTMAX_FAMILY[name](Z)
    assert all_finite(out)


# float32 matters here: 1 - 1e-12 rounds to 1.0 in float32, so the clip must use the dtype's eps
PROBABILITY_LOSSES = [
    pytest.param(name, dtype, id=f"{name}-{dtype.__name__}")
    for name in ["mse", "mse_grad", "cross_entropy", "cross_entropy_grad",
                 "binary_cross_entropy", "binary_cross_entropy_grad"]
    for dtype in DTYPES
]


@pytest.mark.parametrize("name, dtype", PROBABILITY_LOSSES)
def test_probability_losses_are_finite_at_saturated_outputs(name, dtype):
    """Outputs of exactly 0 and 1 (what a saturated sigmoid or softmax returns) against every target."""
    Y_hat = np.array([[1.0, 0.0, 1.0, 0.0]], dtype=dtype)
    Y = np.array([[0.0, 1.0, 1.0, 0.0]], dtype=dtype)
    with np.errstate(all="raise"):
        out = getattr(bp, name)(Y_hat, Y)
    assert all_finite(out)


MLP_CONFIGS = [("sigmoid", "sigmoid", "mse"), ("tanh", "tanh", "mse"), ("relu", "identity", "mse"),
               ("leaky_relu", "softmax", "mse"), ("tanh", "softmax", "cross_entropy"),
               ("relu", "sigmoid", "binary_cross_entropy"), ("identity", "identity", "mse")]


def mlp_params():
    for config in MLP_CONFIGS:
        for dtype in DTYPES:
            yield pytest.param(config, dtype, id=f"{'-'.join(config)}-{dtype.__name__}")


@pytest.mark.parametrize("config, dtype", list(mlp_params()))
def test_mlp_raises_nothing_with_huge_inputs(config, dtype):
    hidden, output, loss = config
    net = bp.MLP([6, 5, 4], hidden=hidden, output=output, loss=loss, seed=0, dtype=dtype)
    X = np.array(HUGE * 3, dtype=dtype) * np.array([[1.0], [-1.0], [0.5]], dtype=dtype)
    Y = bp.one_hot([0, 3, 1], 4).astype(dtype)
    with np.errstate(all="raise"):
        Y_hat = net.forward(X)
        cost = net.loss(X, Y)
        dWs, dbs = net.gradients(X, Y)
    assert all_finite(Y_hat, cost, *dWs, *dbs)
    assert Y_hat.dtype == dtype and all(g.dtype == dtype for g in dWs + dbs)


# ------------------------------------------------------------------ the right values at the extremes
@pytest.fixture
def quiet_underflow():
    """Overflow, division by zero and invalid operations raise; underflow to 0 is allowed."""
    with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
        yield


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
def test_saturated_activation_values(dtype, quiet_underflow):
    z = np.array([[-1e4, -1e3, 1e3, 1e4]], dtype=dtype)
    np.testing.assert_array_equal(bp.sigmoid(z), [[0, 0, 1, 1]])
    np.testing.assert_array_equal(bp.sigmoid_prime(z), [[0, 0, 0, 0]])
    np.testing.assert_array_equal(bp.tanh(z), [[-1, -1, 1, 1]])
    np.testing.assert_array_equal(bp.tanh_prime(z), [[0, 0, 0, 0]])
    np.testing.assert_array_equal(bp.relu(z), [[0, 0, 1e3, 1e4]])
    assert bp.sigmoid(np.array([-1e3], dtype=dtype)).dtype == dtype


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
def test_softmax_family_values_at_huge_logits(dtype, quiet_underflow):
    Z = np.array([[1e3, 0.0, -1e3], [1e4, 1e4, -1e4]], dtype=dtype)
    np.testing.assert_array_equal(bp.softmax(Z), [[1, 0, 0], [0.5, 0.5, 0]])
    np.testing.assert_allclose(bp.log_softmax(Z), [[0, -1e3, -2e3], [-np.log(2), -np.log(2), -2e4 - np.log(2)]],
                               rtol=1e-6)
    Y = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]], dtype=dtype)
    # −log softmax: 1000 for the first row, log 2 for the second; mean over m = 2
    assert bp.cross_entropy_from_logits(Z, Y) == pytest.approx((1e3 + np.log(2)) / 2, rel=1e-6)
    Zb = np.array([[1e3, -1e3, 1e4]], dtype=dtype)
    assert bp.binary_cross_entropy_from_logits(Zb, np.array([[0.0, 1.0, 1.0]], dtype=dtype)) == \
        pytest.approx(2e3, rel=1e-6)
    np.testing.assert_array_equal(bp.softmax_jacobian(Z[0]), np.zeros((3, 3)))


def test_naive_softmax_would_overflow_where_bplib_does_not(quiet_underflow):
    Z = np.array([[1e3, 0.0]])
    with pytest.raises(FloatingPointError):
        np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    np.testing.assert_array_equal(bp.softmax(Z), [[1.0, 0.0]])


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
def test_mlp_cost_from_logits_is_exact_when_saturated(dtype, quiet_underflow):
    net = bp.MLP([2, 2], hidden="identity", output="softmax", loss="cross_entropy", dtype=dtype, seed=0)
    net.set_params([1.0, 0.0, 0.0, 1.0, 0.0, 0.0])  # identity weights, zero biases: Z = X
    X = np.array([[1e3, -1e3]], dtype=dtype)
    Y = np.array([[0.0, 1.0]], dtype=dtype)
    assert net.loss(X, Y) == pytest.approx(2e3, rel=1e-6)  # not −log(EPS) ≈ 27.6 from clipping
    dWs, dbs = net.gradients(X, Y)
    np.testing.assert_array_equal(dbs[0], [1.0, -1.0])


# ------------------------------------------------------------------ gradcheck
def test_numerical_gradient_of_a_cubic():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    g = bp.numerical_gradient(lambda v: float(np.sum(v ** 3)), x)
    assert g.shape == x.shape and g.dtype == np.float64
    assert bp.relative_error(g, 3 * x ** 2) < 1e-9


def test_central_difference_error_is_second_order():
    x = np.array([0.7])
    errors = [abs(bp.numerical_gradient(lambda v: float(np.sin(v[0])), x, eps=eps)[0] - np.cos(0.7))
              for eps in (1e-2, 1e-3)]
    assert errors[0] / errors[1] == pytest.approx(100, rel=0.01)  # error ∝ ε²


def test_numerical_gradient_works_in_float64_and_leaves_x_alone():
    x = np.array([0.1, 0.2, 0.3], dtype=np.float32)
    seen = []

    def f(v):
        seen.append(v.dtype)
        return float(np.sum(v * v))

    g = bp.numerical_gradient(f, x)
    assert g.dtype == np.float64 and set(seen) == {np.dtype(np.float64)}
    assert len(seen) == 2 * x.size  # two evaluations per coordinate
    np.testing.assert_array_equal(x, np.array([0.1, 0.2, 0.3], dtype=np.float32))
    assert bp.relative_error(g, 2 * x.astype(np.float64)) < 1e-9


def test_numerical_gradient_uses_the_step_it_is_given():
    # at the kink of max(v, 0) the central difference is (ε − 0)/(2ε) = 1/2 for every ε
    assert bp.numerical_gradient(lambda v: float(max(v[0], 0.0)), np.zeros(1), eps=0.25)[0] == 0.5
    # with the kink at 0.1, a step of 0.05 does not reach it and a step of 0.2 does: 0.1/0.4
    f = lambda v: float(max(v[0] - 0.1, 0.0))  # noqa: E731
    assert bp.numerical_gradient(f, np.zeros(1), eps=0.05)[0] == 0.0
    assert bp.numerical_gradient(f, np.zeros(1), eps=0.2)[0] == pytest.approx(0.25, rel=1e-12)


def test_relative_error_values():
    assert bp.relative_error([0.0, 0.0], [0.0, 0.0]) == 0.0
    assert bp.relative_error([1.0, 0.0], [-1.0, 0.0]) == 1.0
    assert bp.relative_error([3.0, 4.0], [3.0, 4.0]) == 0.0
    assert bp.relative_error([2.0], [1.0]) == pytest.approx(1 / 3, rel=1e-15)
    assert isinstance(bp.relative_error([1.0], [2.0]), float)


def test_relative_error_flattens_nested_gradients():
    dWs, dbs = [np.ones((2, 3)), np.ones((1, 2))], [np.ones(2), np.ones(1)]
    flat = np.ones(6 + 2 + 2 + 1)
    assert bp.relative_error((dWs, dbs), flat) == 0.0
    other = ([np.ones((2, 3)), np.ones((1, 2))], [np.ones(2), 2 * np.ones(1)])
    assert bp.relative_error((dWs, dbs), other) == pytest.approx(1 / (np.sqrt(11) + np.sqrt(14)), rel=1e-14)


def test_gradient_check_catches_a_planted_bug():
    """A wrong derivative (σ(z) where σ'(z) belongs) stands out by many orders of magnitude."""
    rng = np.random.default_rng(1)
    X, Y, W = rng.standard_normal((5, 3)), rng.uniform(0, 1, (5, 2)), rng.standard_normal((2, 3))
    cost = lambda V: bp.mse(bp.sigmoid(X @ V.T), Y)  # noqa: E731
    numeric = bp.numerical_gradient(cost, W)
    Z = X @ W.T
    right = bp.weight_gradient(bp.output_delta(bp.mse_grad(bp.sigmoid(Z), Y), bp.sigmoid_prime(Z)), X)
    wrong = bp.weight_gradient(bp.output_delta(bp.mse_grad(bp.sigmoid(Z), Y), bp.sigmoid(Z)), X)
    assert bp.relative_error(right, numeric) < 1e-8
    assert bp.relative_error(wrong, numeric) > 1e-2

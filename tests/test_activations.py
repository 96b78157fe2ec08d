"""Unit tests of bplib.activations: values, derivatives, the ACTIVATIONS table and softmax."""
import numpy as np
import pytest

import bplib as bp

NAMES = ["sigmoid", "tanh", "relu", "leaky_relu", "identity"]
RTOL = 1e-7  # float64 central differences


def grid():
    """A (4, 6) grid of pre-activations from -6 to 6; an even count of points leaves out 0."""
    return np.linspace(-6.0, 6.0, 24).reshape(4, 6)


# ------------------------------------------------------------------ values
def test_sigmoid_known_values():
    assert bp.sigmoid(0.0) == 0.5
    np.testing.assert_allclose(bp.sigmoid(np.log(3.0)), 0.75, rtol=1e-15)
    np.testing.assert_allclose(bp.sigmoid(-np.log(3.0)), 0.25, rtol=1e-15)


def test_sigmoid_is_one_minus_itself_reflected():
    z = grid()
    np.testing.assert_allclose(bp.sigmoid(-z), 1.0 - bp.sigmoid(z), rtol=0, atol=1e-15)


def test_sigmoid_matches_textbook_formula():
    z = grid()
    np.testing.assert_allclose(bp.sigmoid(z), 1.0 / (1.0 + np.exp(-z)), rtol=1e-14)


def test_tanh_relu_leaky_identity_values():
    z = np.array([[-2.0, -0.5, 0.0, 0.5, 3.0]])
    np.testing.assert_array_equal(bp.tanh(z), np.tanh(z))
    np.testing.assert_array_equal(bp.relu(z), [[0.0, 0.0, 0.0, 0.5, 3.0]])
    np.testing.assert_allclose(bp.leaky_relu(z), [[-0.02, -0.005, 0.0, 0.5, 3.0]], rtol=1e-15)
    np.testing.assert_array_equal(bp.identity(z), z)
    assert bp.LEAKY_SLOPE == 0.01


def test_known_derivative_values():
    assert bp.sigmoid_prime(0.0) == 0.25
    assert bp.tanh_prime(0.0) == 1.0
    z = np.array([[-2.0, 0.0, 3.0]])
    # the subgradient at the kink is documented: 0 for ReLU, the slope for Leaky ReLU
    np.testing.assert_array_equal(bp.relu_prime(z), [[0.0, 0.0, 1.0]])
    np.testing.assert_array_equal(bp.leaky_relu_prime(z), [[0.01, 0.01, 1.0]])
    np.testing.assert_array_equal(bp.identity_prime(z), [[1.0, 1.0, 1.0]])


def test_sigmoid_derivative_never_exceeds_a_quarter():
    z = np.linspace(-20, 20, 401)
    assert bp.sigmoid_prime(z).max() == 0.25


# ------------------------------------------------------------------ derivatives
@pytest.mark.parametrize("name", NAMES)
def test_derivative_matches_central_differences(name):
    act = bp.ACTIVATIONS[name]
    z = grid()
    assert np.abs(z).min() > 0.25  # far from the ReLU kink, so differences are exact there
    # the activation is elementwise, so the gradient of sum(f(z)) is f'(z)
    numeric = bp.numerical_gradient(lambda v: np.sum(act.f(v)), z)
    assert bp.relative_error(act.df(z), numeric) < RTOL


@pytest.mark.parametrize("name", NAMES)
def test_derivative_from_output_agrees_with_derivative(name):
    act = bp.ACTIVATIONS[name]
    z = np.concatenate([grid(), [[0.0, -1e-9, 1e-9, -30.0, 30.0, 1.0]]])  # kink and tails too
    np.testing.assert_allclose(act.df_from_output(act.f(z)), act.df(z), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", NAMES)
def test_functions_keep_shape_and_float_dtype(name):
    act = bp.ACTIVATIONS[name]
    for z in (np.float64(0.3), np.linspace(-2, 2, 5), np.ones((2, 3, 4))):
        for fn in (act.f, act.df):
            out = fn(z)
            assert np.shape(out) == np.shape(z) and out.dtype == np.float64
    z32 = np.linspace(-3, 3, 8, dtype=np.float32).reshape(2, 4)
    for out in (act.f(z32), act.df(z32), act.df_from_output(act.f(z32))):
        assert out.dtype == np.float32 and out.shape == (2, 4)
    assert act.f(np.array([[-1, 2]])).dtype == np.float64  # integers become float64


@pytest.mark.parametrize("name", NAMES)
def test_functions_do_not_modify_their_input(name):
    act = bp.ACTIVATIONS[name]
    z = grid()
    before = z.copy()
    act.f(z), act.df(z), act.df_from_output(z.clip(0.1, 0.9))
    np.testing.assert_array_equal(z, before)


def test_identity_returns_a_new_array():
    z = np.ones((2, 2))
    out = bp.identity(z)
    out[0, 0] = 5.0
    assert z[0, 0] == 1.0


# ------------------------------------------------------------------ the table
def test_activation_table_has_the_contract_entries():
    assert list(bp.ACTIVATIONS) == NAMES
    for name, act in bp.ACTIVATIONS.items():
        assert isinstance(act, bp.Activation)
        assert act.name == name and repr(act) == f"Activation({name!r})"
        assert callable(act.f) and callable(act.df) and callable(act.df_from_output)
        assert bp.get_activation(name) is act
    assert bp.ACTIVATIONS["sigmoid"].df is bp.sigmoid_prime
    assert bp.ACTIVATIONS["tanh"].df is bp.tanh_prime


def test_unknown_name_in_table_lists_valid_names():
    with pytest.raises(KeyError, match=r"unknown name 'softplus'; valid names are 'sigmoid', 'tanh', "
                                       r"'relu', 'leaky_relu', 'identity'"):
        bp.ACTIVATIONS["softplus"]


# ------------------------------------------------------------------ softmax
def logits(m=5, k=4, seed=0, scale=3.0):
    return np.random.default_rng(seed).standard_normal((m, k)) * scale


def test_softmax_rows_are_positive_and_sum_to_one():
    A = bp.softmax(logits())
    assert A.shape == (5, 4) and np.all(A > 0)
    np.testing.assert_allclose(A.sum(axis=1), 1.0, rtol=0, atol=1e-15)


def test_softmax_matches_naive_formula_and_is_shift_invariant():
    Z = logits()
    naive = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(bp.softmax(Z), naive, rtol=1e-14)
    shift = np.array([[100.0], [-50.0], [0.0], [7.0], [-3.0]])
    np.testing.assert_allclose(bp.softmax(Z + shift), bp.softmax(Z), rtol=1e-12)


def test_softmax_known_values():
    np.testing.assert_allclose(bp.softmax(np.array([[0.0, np.log(3.0)]])), [[0.25, 0.75]], rtol=1e-15)
    np.testing.assert_array_equal(bp.softmax(np.zeros((1, 4))), np.full((1, 4), 0.25))


def test_softmax_keeps_float32():
    assert bp.softmax(logits().astype(np.float32)).dtype == np.float32


def test_log_softmax_is_log_of_softmax():
    Z = logits()
    np.testing.assert_allclose(bp.log_softmax(Z), np.log(bp.softmax(Z)), rtol=1e-13)
    np.testing.assert_allclose(np.exp(bp.log_softmax(Z)).sum(axis=1), 1.0, rtol=1e-14)


def test_softmax_jacobian_matches_central_differences():
    z = np.array([0.3, -1.2, 2.0, 0.1])
    J = bp.softmax_jacobian(z)
    assert J.shape == (4, 4)
    numeric = np.array([bp.numerical_gradient(lambda v, i=i: bp.softmax(v[None, :])[0, i], z)
                        for i in range(4)])  # row i = ∂a_i/∂z
    assert bp.relative_error(J, numeric) < RTOL


def test_softmax_jacobian_is_symmetric_with_zero_row_sums():
    a = bp.softmax(np.array([[0.3, -1.2, 2.0]]))[0]
    J = bp.softmax_jacobian(np.array([0.3, -1.2, 2.0]))
    np.testing.assert_allclose(J, np.diag(a) - np.outer(a, a), rtol=1e-15)
    np.testing.assert_allclose(J, J.T, rtol=0, atol=0)
    np.testing.assert_allclose(J.sum(axis=1), 0.0, atol=1e-16)


def test_softmax_backward_is_jacobian_transpose_times_gradient():
    Z = logits(m=6, k=5, seed=1)
    G = np.random.default_rng(2).standard_normal((6, 5))
    A = bp.softmax(Z)
    expected = np.stack([bp.softmax_jacobian(z).T @ g for z, g in zip(Z, G)])
    out = bp.softmax_backward(A, G)
    assert out.shape == (6, 5)
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-16)


def test_softmax_backward_matches_central_differences_of_a_cost():
    Z = logits(m=3, k=4, seed=3)
    T = np.random.default_rng(4).standard_normal((3, 4))
    cost = lambda V: 0.5 * np.sum((bp.softmax(V) - T) ** 2)  # noqa: E731  ∂cost/∂A = A − T
    A = bp.softmax(Z)
    assert bp.relative_error(bp.softmax_backward(A, A - T), bp.numerical_gradient(cost, Z)) < RTOL

"""Unit tests of the four equations (bplib.equations) against hand-written per-example loops."""
import numpy as np
import pytest

import bplib as bp

m, n_l, n_next, n_prev = 5, 4, 3, 6


@pytest.fixture
def rng():
    return np.random.default_rng(0)


# ------------------------------------------------------------------ per-example index loops
def loop_output_delta(grad_a, df_z):
    out = np.zeros_like(grad_a)
    for x in range(grad_a.shape[0]):
        for j in range(grad_a.shape[1]):
            out[x, j] = grad_a[x, j] * df_z[x, j]
    return out


def loop_hidden_delta(delta_next, W_next, df_z):
    # δ^l_j = (Σ_k w^{l+1}_kj δ^{l+1}_k) f'(z^l_j), example by example
    out = np.zeros_like(df_z)
    for x in range(delta_next.shape[0]):
        for j in range(W_next.shape[1]):
            s = 0.0
            for k in range(W_next.shape[0]):
                s += W_next[k, j] * delta_next[x, k]
            out[x, j] = s * df_z[x, j]
    return out


def loop_bias_gradient(delta):
    out = np.zeros(delta.shape[1])
    for x in range(delta.shape[0]):
        out += delta[x]
    return out


def loop_weight_gradient(delta, A_prev):
    # ∂C/∂w_jk = Σ_x a^{l-1}_k δ^l_j
    out = np.zeros((delta.shape[1], A_prev.shape[1]))
    for x in range(delta.shape[0]):
        for j in range(delta.shape[1]):
            for k in range(A_prev.shape[1]):
                out[j, k] += A_prev[x, k] * delta[x, j]
    return out


# ------------------------------------------------------------------ agreement with the loops
def test_output_delta_matches_loop(rng):
    grad_a, df_z = rng.standard_normal((m, n_l)), rng.uniform(0, 0.25, (m, n_l))
    out = bp.output_delta(grad_a, df_z)
    assert out.shape == (m, n_l)
    np.testing.assert_allclose(out, loop_output_delta(grad_a, df_z), rtol=1e-15)


def test_hidden_delta_matches_loop(rng):
    delta_next = rng.standard_normal((m, n_next))
    W_next = rng.standard_normal((n_next, n_l))
    df_z = rng.uniform(0, 1, (m, n_l))
    out = bp.hidden_delta(delta_next, W_next, df_z)
    assert out.shape == (m, n_l)
    np.testing.assert_allclose(out, loop_hidden_delta(delta_next, W_next, df_z), rtol=1e-13)


def test_hidden_delta_uses_the_transpose_of_a_non_square_weight(rng):
    # one example, column-vector form of eq-bp2: δ^l = ((W^{l+1})ᵀ δ^{l+1}) ⊙ f'(z^l)
    delta_next, W_next, df_z = rng.standard_normal(2), rng.standard_normal((2, 3)), rng.uniform(0, 1, 3)
    out = bp.hidden_delta(delta_next[None, :], W_next, df_z[None, :])
    np.testing.assert_allclose(out[0], (W_next.T @ delta_next) * df_z, rtol=1e-14)


def test_bias_gradient_matches_loop(rng):
    delta = rng.standard_normal((m, n_l))
    out = bp.bias_gradient(delta)
    assert out.shape == (n_l,)
    np.testing.assert_allclose(out, loop_bias_gradient(delta), rtol=1e-14)


def test_weight_gradient_matches_loop(rng):
    delta, A_prev = rng.standard_normal((m, n_l)), rng.standard_normal((m, n_prev))
    out = bp.weight_gradient(delta, A_prev)
    assert out.shape == (n_l, n_prev)  # the shape of W^l
    np.testing.assert_allclose(out, loop_weight_gradient(delta, A_prev), rtol=1e-13)


def test_weight_gradient_of_one_example_is_an_outer_product(rng):
    delta, a_prev = rng.standard_normal(3), rng.standard_normal(2)
    np.testing.assert_allclose(bp.weight_gradient(delta[None, :], a_prev[None, :]),
                               np.outer(delta, a_prev), rtol=1e-15)


def test_docstring_examples():
    assert bp.output_delta(np.array([[0.5, -1.0]]), np.array([[0.25, 0.5]])).tolist() == [[0.125, -0.5]]
    assert bp.hidden_delta(np.array([[1.0]]), np.array([[2.0, 3.0]]),
                           np.array([[0.5, 0.5]])).tolist() == [[1.0, 1.5]]
    assert bp.bias_gradient(np.array([[1.0, 2.0], [3.0, 4.0]])).tolist() == [4.0, 6.0]
    assert bp.weight_gradient(np.array([[1.0], [2.0]]),
                              np.array([[1.0, 0.0], [0.0, 1.0]])).tolist() == [[1.0, 2.0]]


# ------------------------------------------------------------------ purity, dtypes
def test_equations_do_not_modify_inputs_and_return_new_arrays(rng):
    delta_next, W_next = rng.standard_normal((m, n_next)), rng.standard_normal((n_next, n_l))
    df_z, delta, A_prev = rng.uniform(0, 1, (m, n_l)), rng.standard_normal((m, n_l)), rng.standard_normal((m, n_prev))
    arrays = [delta_next, W_next, df_z, delta, A_prev]
    before = [a.copy() for a in arrays]
    outs = [bp.output_delta(delta, df_z), bp.hidden_delta(delta_next, W_next, df_z),
            bp.bias_gradient(delta), bp.weight_gradient(delta, A_prev)]
    for a, b in zip(arrays, before):
        np.testing.assert_array_equal(a, b)
    for out in outs:
        assert not any(np.shares_memory(out, a) for a in arrays)


def test_equations_keep_float32(rng):
    f32 = lambda *shape: rng.standard_normal(shape).astype(np.float32)  # noqa: E731
    assert bp.output_delta(f32(m, n_l), f32(m, n_l)).dtype == np.float32
    assert bp.hidden_delta(f32(m, n_next), f32(n_next, n_l), f32(m, n_l)).dtype == np.float32
    assert bp.bias_gradient(f32(m, n_l)).dtype == np.float32
    assert bp.weight_gradient(f32(m, n_l), f32(m, n_prev)).dtype == np.float32


def test_equations_accept_nested_lists():
    assert bp.output_delta([[1, 2]], [[3, 4]]).tolist() == [[3.0, 8.0]]
    assert bp.bias_gradient([[1, 2], [3, 4]]).dtype == np.float64


# ------------------------------------------------------------------ the four together
def test_four_equations_give_the_gradient_of_a_two_layer_net(rng):
    """eq-bp1…bp4 composed by hand (no MLP) agree with central differences of the cost."""
    X, Y = rng.standard_normal((m, 3)), rng.uniform(0, 1, (m, 2))
    W1, b1 = rng.standard_normal((4, 3)), rng.standard_normal(4)
    W2, b2 = rng.standard_normal((2, 4)), rng.standard_normal(2)

    def cost(W1, b1, W2, b2):
        A1 = np.tanh(X @ W1.T + b1)
        A2 = 1.0 / (1.0 + np.exp(-(A1 @ W2.T + b2)))
        return 0.5 * np.sum((A2 - Y) ** 2) / m

    Z1 = X @ W1.T + b1
    A1 = np.tanh(Z1)
    Z2 = A1 @ W2.T + b2
    A2 = bp.sigmoid(Z2)
    d2 = bp.output_delta((A2 - Y) / m, bp.sigmoid_prime(Z2))
    d1 = bp.hidden_delta(d2, W2, bp.tanh_prime(Z1))
    analytic = [bp.weight_gradient(d1, X), bp.bias_gradient(d1),
                bp.weight_gradient(d2, A1), bp.bias_gradient(d2)]
    params = [W1, b1, W2, b2]
    for i, p in enumerate(params):
        def f(v, i=i):
            args = list(params)
            args[i] = v
            return cost(*args)
        assert bp.relative_error(analytic[i], bp.numerical_gradient(f, p)) < 1e-7, i

"""Hypothesis property tests: random shapes, random networks, float64 central differences.

The hypothesis profile (tests/conftest.py) is derandomized, so every run draws the same examples.
"""
import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import bplib as bp

HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu", "identity"]
PAIRS = [("sigmoid", "mse"), ("tanh", "mse"), ("identity", "mse"), ("softmax", "mse"),
         ("softmax", "cross_entropy"), ("sigmoid", "binary_cross_entropy")]
KINK_MARGIN = 1e-4  # reject ReLU draws with a hidden pre-activation this close to 0
seeds = st.integers(0, 2**32 - 1)


def targets(rng, output, loss, m, k):
    if loss == "cross_entropy":
        return bp.one_hot(rng.integers(0, k, m), k)
    if output in ("sigmoid", "softmax"):
        return rng.uniform(0.0, 1.0, (m, k))
    if output == "tanh":
        return rng.uniform(-1.0, 1.0, (m, k))
    return rng.standard_normal((m, k))


@st.composite
def problems(draw, output, loss):
    """A random network (depth 1–4 weight layers, 1–6 units each) and a batch for it."""
    depth = draw(st.integers(1, 4))
    sizes = draw(st.lists(st.integers(1, 6), min_size=depth, max_size=depth))
    sizes.append(draw(st.integers(2 if output == "softmax" else 1, 6)))
    hidden = draw(st.sampled_from(HIDDEN))
    l2 = draw(st.sampled_from([0.0, 0.1]))
    m = draw(st.integers(1, 5))
    seed = draw(seeds)
    net = bp.MLP(sizes, hidden=hidden, output=output, loss=loss, l2=l2, seed=seed)
    rng = np.random.default_rng(seed + 1)
    X = rng.standard_normal((m, sizes[0]))
    return net, X, targets(rng, output, loss, m, sizes[-1])


def away_from_kinks(net, X):
    if net.hidden not in ("relu", "leaky_relu"):
        return True
    Zs, _ = net.forward_pass(X)
    return all(np.abs(Z).min() > KINK_MARGIN for Z in Zs[:-1])


# ------------------------------------------------------------------ the headline property
@pytest.mark.parametrize("output, loss", PAIRS)
@given(data=st.data())
def test_backprop_gradient_equals_central_differences(output, loss, data):
    net, X, Y = data.draw(problems(output, loss))
    assume(away_from_kinks(net, X))
    analytic = net.flat_gradients(X, Y)
    numeric = bp.numerical_gradient(lambda theta: net.loss_at(theta, X, Y), net.get_params())
    assert bp.relative_error(analytic, numeric) < 1e-7, (net, analytic, numeric)


# ------------------------------------------------------------------ equations on random shapes
@given(m=st.integers(1, 5), n_l=st.integers(1, 6), n_next=st.integers(1, 6), n_prev=st.integers(1, 6),
       seed=seeds)
def test_four_equations_match_per_example_sums(m, n_l, n_next, n_prev, seed):
    rng = np.random.default_rng(seed)
    delta_next, W_next = rng.standard_normal((m, n_next)), rng.standard_normal((n_next, n_l))
    df_z, A_prev = rng.uniform(0, 1, (m, n_l)), rng.standard_normal((m, n_prev))
    delta = bp.hidden_delta(delta_next, W_next, df_z)
    for x in range(m):  # column-vector form, one example at a time
        np.testing.assert_allclose(delta[x], (W_next.T @ delta_next[x]) * df_z[x], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(bp.output_delta(delta_next, delta_next), delta_next ** 2, rtol=1e-15)
    np.testing.assert_allclose(bp.bias_gradient(delta), sum(delta[x] for x in range(m)), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(bp.weight_gradient(delta, A_prev),
                               sum(np.outer(delta[x], A_prev[x]) for x in range(m)), rtol=1e-12, atol=1e-14)


# ------------------------------------------------------------------ activations and softmax
finite_z = hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, max_side=5),
                      elements=st.floats(-50, 50, allow_nan=False))
logit_rows = hnp.arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 6)),
                        elements=st.floats(-500, 500, allow_nan=False))


@pytest.mark.parametrize("name", HIDDEN)
@settings(max_examples=25)
@given(z=finite_z)
def test_derivative_from_output_equals_derivative(name, z):
    act = bp.ACTIVATIONS[name]
    np.testing.assert_allclose(act.df_from_output(act.f(z)), act.df(z), rtol=1e-12, atol=1e-15)


@given(Z=logit_rows, shift=st.floats(-100, 100))
@example(Z=np.array([[-7e-138, 0.0]]), shift=0.0)  # logits closer than float64 resolves after exp
def test_softmax_rows_are_distributions_and_shift_invariant(Z, shift):
    A = bp.softmax(Z)
    assert np.all(A >= 0) and np.all(A <= 1)
    np.testing.assert_allclose(A.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    np.testing.assert_allclose(bp.softmax(Z + shift), A, rtol=1e-9, atol=1e-15)
    # the largest logit gets the largest probability (logits closer than exp resolves may tie)
    rows = np.arange(len(Z))
    np.testing.assert_array_equal(A[rows, Z.argmax(axis=1)], A.max(axis=1))
    assert np.all(np.isfinite(bp.log_softmax(Z))) and np.all(bp.log_softmax(Z) <= 0)


@given(m=st.integers(1, 5), k=st.integers(2, 6), seed=seeds)
def test_fused_deltas_equal_the_chain_rule(m, k, seed):
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((m, k)) * 3
    Y = bp.one_hot(rng.integers(0, k, m), k)
    A = bp.softmax(Z)
    np.testing.assert_allclose(bp.softmax_cross_entropy_delta(A, Y),
                               bp.softmax_backward(A, bp.cross_entropy_grad(A, Y)), rtol=1e-9, atol=1e-15)
    S = bp.sigmoid(Z)
    Yb = rng.uniform(0, 1, (m, k))
    np.testing.assert_allclose(bp.sigmoid_binary_cross_entropy_delta(S, Yb),
                               bp.output_delta(bp.binary_cross_entropy_grad(S, Yb), bp.sigmoid_prime(Z)),
                               rtol=1e-9, atol=1e-15)


@given(labels=st.lists(st.integers(0, 9), max_size=20), extra=st.integers(0, 3))
def test_one_hot_round_trip(labels, extra):
    k = (max(labels) + 1 if labels else 1) + extra
    out = bp.one_hot(labels, k)
    assert out.shape == (len(labels), k)
    np.testing.assert_array_equal(out.sum(axis=1), 1.0)
    np.testing.assert_array_equal(out.argmax(axis=1), labels)


# ------------------------------------------------------------------ gradient checking itself
@given(a=hnp.arrays(np.float64, st.integers(1, 8), elements=st.floats(-1e3, 1e3, allow_nan=False)),
       scale=st.floats(1e-3, 1e3), seed=seeds)
def test_relative_error_is_symmetric_scale_free_and_bounded(a, scale, seed):
    b = a + np.random.default_rng(seed).standard_normal(a.shape)
    e = bp.relative_error(a, b)
    assert e == bp.relative_error(b, a)
    assert 0.0 <= e <= 1.0
    assert bp.relative_error(scale * a, scale * b) == pytest.approx(e, rel=1e-9, abs=1e-300)
    assert bp.relative_error(a, a) == 0.0


@given(coef=hnp.arrays(np.float64, st.integers(1, 6), elements=st.floats(-10, 10)), seed=seeds)
def test_numerical_gradient_of_a_quadratic(coef, seed):
    x = np.random.default_rng(seed).standard_normal(coef.shape)
    # f(x) = Σ c_i x_i² / 2 has gradient c ⊙ x; central differences are exact on quadratics up to round-off
    g = bp.numerical_gradient(lambda v: 0.5 * float(np.sum(coef * v * v)), x)
    np.testing.assert_allclose(g, coef * x, rtol=1e-6, atol=1e-8)

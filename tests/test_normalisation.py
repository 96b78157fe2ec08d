"""Batch and layer normalisation (chapter 14): forward values, backward passes against central
differences, the graph form, the `autograd` oracle and chapter 11's tensor engine; bad input."""
import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad
from hypothesis import given, strategies as st

import bplib as bp

NORMS = {"batch": (bp.batch_norm, bp.batch_norm_backward, 0),
         "layer": (bp.layer_norm, bp.layer_norm_backward, 1)}
BACKWARDS = [("batch", bp.batch_norm_backward), ("batch", bp.batch_norm_backward_graph),
             ("layer", bp.layer_norm_backward)]


def problem(m=5, n=4, seed=0, scale=1.0):
    rng = np.random.default_rng(seed)
    X = scale * rng.standard_normal((m, n)) + rng.standard_normal(n)
    gamma = rng.uniform(0.5, 2.0, n) * rng.choice([-1.0, 1.0], n)
    beta = rng.standard_normal(n)
    dY = rng.standard_normal((m, n))
    return dY, X, gamma, beta


def central(forward, dY, X, gamma, beta, eps=1e-5):
    """Central differences of C = Σ dY ⊙ forward(X, γ, β) with respect to X, γ and β."""
    f = lambda X_, g_, b_: float(np.sum(dY * forward(X_, g_, b_, eps)))
    return (bp.numerical_gradient(lambda v: f(v, gamma, beta), X),
            bp.numerical_gradient(lambda v: f(X, v, beta), gamma),
            bp.numerical_gradient(lambda v: f(X, gamma, v), beta))


# ------------------------------------------------------------------ forward values
def test_batch_norm_normalises_every_column_with_the_biased_variance():
    _, X, _, _ = problem(m=7, n=3)
    Y = bp.batch_norm(X, np.ones(3), np.zeros(3), eps=1e-5)
    np.testing.assert_allclose(Y.mean(axis=0), 0.0, atol=1e-12)
    # biased variance: Var Y = σ² / (σ² + ε) exactly; the unbiased one would give m/(m-1) of it
    np.testing.assert_allclose(Y.var(axis=0), X.var(axis=0) / (X.var(axis=0) + 1e-5), rtol=1e-12)


def test_batch_norm_scale_and_shift_and_formula():
    _, X, gamma, beta = problem()
    expected = gamma * (X - X.mean(0)) / np.sqrt(X.var(0) + 1e-3) + beta
    np.testing.assert_allclose(bp.batch_norm(X, gamma, beta, eps=1e-3), expected, rtol=1e-12, atol=1e-12)


def test_layer_norm_normalises_every_row_and_rows_are_independent():
    _, X, gamma, beta = problem(m=4, n=6)
    Y = bp.layer_norm(X, np.ones(6), np.zeros(6))
    np.testing.assert_allclose(Y.mean(axis=1), 0.0, atol=1e-12)
    other = X.copy()
    other[1:] = 100.0 * other[1:] + 3.0
    np.testing.assert_array_equal(bp.layer_norm(other, gamma, beta)[0], bp.layer_norm(X, gamma, beta)[0])
    # batch norm mixes rows: changing the other rows changes row 0's output
    assert not np.allclose(bp.batch_norm(other, gamma, beta)[0], bp.batch_norm(X, gamma, beta)[0])


def test_forward_and_backward_do_not_modify_inputs():
    dY, X, gamma, beta = problem()
    copies = [a.copy() for a in (dY, X, gamma, beta)]
    for forward, backward, _ in NORMS.values():
        forward(X, gamma, beta)
        backward(dY, X, gamma, beta)
    bp.batch_norm_backward_graph(dY, X, gamma, beta)
    for a, c in zip((dY, X, gamma, beta), copies):
        np.testing.assert_array_equal(a, c)


# ------------------------------------------------------------------ backward vs central differences
@pytest.mark.parametrize("kind, backward", BACKWARDS, ids=lambda v: getattr(v, "__name__", v))
def test_backward_matches_central_differences(kind, backward):
    dY, X, gamma, beta = problem()
    for analytic, numeric in zip(backward(dY, X, gamma, beta), central(NORMS[kind][0], dY, X, gamma, beta)):
        assert bp.relative_error(analytic, numeric) < 1e-7


# m, n ≥ 3: with two entries the normalised values are ±1 up to ε, the true derivative with respect to
# X is of order ε, and a difference quotient of an almost constant function measures rounding only
# (the autograd and tensor-engine tests below cover m = 2 and n = 2)
@given(m=st.integers(3, 6), n=st.integers(3, 5), seed=st.integers(0, 10_000),
       scale=st.sampled_from([0.1, 1.0, 30.0]), eps=st.sampled_from([1e-5, 1e-2]))
def test_property_every_backward_matches_central_differences(m, n, seed, scale, eps):
    dY, X, gamma, beta = problem(m, n, seed, scale)
    for kind, backward in BACKWARDS:
        numeric = central(NORMS[kind][0], dY, X, gamma, beta, eps)
        for analytic, num in zip(backward(dY, X, gamma, beta, eps), numeric):
            assert bp.relative_error(analytic, num) < 1e-7, (kind, backward.__name__)


@given(m=st.integers(2, 8), n=st.integers(1, 5), seed=st.integers(0, 10_000),
       scale=st.sampled_from([1e-3, 1.0, 1e3]))
def test_property_compact_form_equals_graph_form(m, n, seed, scale):
    dY, X, gamma, beta = problem(m, n, seed, scale)
    (dX, dg, db), (dX_graph, dg_graph, db_graph) = (bp.batch_norm_backward(dY, X, gamma, beta),
                                                    bp.batch_norm_backward_graph(dY, X, gamma, beta))
    assert bp.relative_error(dg, dg_graph) < 1e-12 and bp.relative_error(db, db_graph) < 1e-12
    # dX is a difference of terms of size |γ dY| / σ; with m = 2 it cancels to about ε/σ², so the two
    # forms are compared on the scale of the terms, not of their (possibly tiny) difference
    terms = np.abs(gamma).max() * np.abs(dY).max() / np.sqrt(X.var(axis=0) + 1e-5).min()
    assert np.abs(dX - dX_graph).max() <= 1e-13 * terms * m


@given(m=st.integers(2, 8), n=st.integers(2, 5), seed=st.integers(0, 10_000))
def test_property_input_gradients_sum_to_zero(m, n, seed):
    dY, X, gamma, beta = problem(m, n, seed)
    dX = bp.batch_norm_backward(dY, X, gamma, beta)[0]
    assert np.abs(dX.sum(axis=0)).max() <= 1e-12 * max(1.0, np.abs(dX).max()) * m   # over the batch
    dX = bp.layer_norm_backward(dY, X, gamma, beta)[0]
    assert np.abs(dX.sum(axis=1)).max() <= 1e-12 * max(1.0, np.abs(dX).max()) * n   # over the features


def test_dropping_the_mean_and_variance_paths_is_caught():
    """The pitfall of chapter 14: dX = γ dY / √(σ² + ε) fails the gradient check."""
    dY, X, gamma, beta = problem()
    wrong = dY * gamma / np.sqrt(X.var(axis=0) + 1e-5)
    numeric = central(bp.batch_norm, dY, X, gamma, beta)[0]
    assert bp.relative_error(wrong, numeric) > 1e-2
    assert bp.relative_error(bp.batch_norm_backward(dY, X, gamma, beta)[0], numeric) < 1e-7


# ------------------------------------------------------------------ the autograd oracle
def oracle(kind):
    axis = NORMS[kind][2]

    def forward(X, gamma, beta, eps=1e-5):
        mu = anp.mean(X, axis=axis, keepdims=True)
        var = anp.mean((X - mu) ** 2, axis=axis, keepdims=True)
        return gamma * (X - mu) / anp.sqrt(var + eps) + beta
    return forward


@pytest.mark.parametrize("kind, backward", BACKWARDS, ids=lambda v: getattr(v, "__name__", v))
@pytest.mark.parametrize("m, n, seed", [(6, 5, 0), (2, 2, 1), (3, 7, 2), (9, 2, 3)])
def test_backward_agrees_with_autograd(kind, backward, m, n, seed):
    dY, X, gamma, beta = problem(m=m, n=n, seed=seed)
    f = oracle(kind)
    np.testing.assert_allclose(NORMS[kind][0](X, gamma, beta), f(X, gamma, beta), rtol=1e-12, atol=1e-12)
    cost = lambda X_, g_, b_: anp.sum(dY * f(X_, g_, b_))
    for argnum, analytic in enumerate(backward(dY, X, gamma, beta)):
        assert bp.relative_error(analytic, grad(cost, argnum)(X, gamma, beta)) <= 1e-10


# ------------------------------------------------------------------ chapter 11's tensor engine
@pytest.mark.skipif(not hasattr(bp, "Tensor"), reason="chapter 11's tensor engine is not available")
@pytest.mark.parametrize("kind, backward", BACKWARDS, ids=lambda v: getattr(v, "__name__", v))
def test_backward_agrees_with_the_tensor_engine(kind, backward):
    axis = NORMS[kind][2]
    dY, X, gamma, beta = problem(m=5, n=4, seed=3)
    x, g, b = bp.Tensor(X), bp.Tensor(gamma), bp.Tensor(beta)
    mu = x.mean(axis=axis, keepdims=True)
    xc = x - mu
    var = (xc ** 2.0).mean(axis=axis, keepdims=True)
    y = g * (xc / (var + 1e-5).sqrt()) + b
    np.testing.assert_allclose(y.value, NORMS[kind][0](X, gamma, beta), rtol=1e-12, atol=1e-12)
    (y * bp.Tensor(dY, requires_grad=False)).sum().backward()
    for tensor, analytic in zip((x, g, b), backward(dY, X, gamma, beta)):
        assert bp.relative_error(analytic, tensor.grad) <= 1e-10


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize("kind", ["batch", "layer"])
def test_bad_input_raises_naming_argument_and_shapes(kind):
    forward, backward, _ = NORMS[kind]
    dY, X, gamma, beta = problem(m=5, n=4)
    with pytest.raises(ValueError, match=r"gamma: expected shape \(4,\).*got shape \(3,\)"):
        forward(X, gamma[:3], beta)
    with pytest.raises(ValueError, match=r"beta: expected shape \(4,\).*got shape \(4, 1\)"):
        forward(X, gamma, beta.reshape(4, 1))
    with pytest.raises(ValueError, match=r"X: expected a 2-D array.*got shape \(4,\)"):
        forward(X[0], gamma, beta)
    with pytest.raises(ValueError, match=r"dY: expected the shape of X, \(5, 4\), got shape \(4, 4\)"):
        backward(dY[:4], X, gamma, beta)
    with pytest.raises(ValueError, match=r"dY: expected a 2-D array.*got shape \(20,\)"):
        backward(dY.ravel(), X, gamma, beta)
    with pytest.raises(ValueError, match="eps"):
        forward(X, gamma, beta, eps=0.0)
    with pytest.raises(ValueError, match="X: contains"):
        forward(np.where(X > 0, np.nan, X), gamma, beta)
    with pytest.raises(TypeError, match="gamma"):
        forward(X, "ones", beta)


def test_batch_of_one_and_a_single_feature_are_rejected():
    with pytest.raises(ValueError, match=r"X: batch normalisation needs a batch of at least 2 rows, got shape \(1, 3\)"):
        bp.batch_norm(np.ones((1, 3)), np.ones(3), np.zeros(3))
    with pytest.raises(ValueError, match=r"at least 2 rows, got shape \(1, 3\)"):
        bp.batch_norm_backward(np.ones((1, 3)), np.ones((1, 3)), np.ones(3), np.zeros(3))
    with pytest.raises(ValueError, match=r"X: layer normalisation needs at least 2 columns, got shape \(4, 1\)"):
        bp.layer_norm(np.ones((4, 1)), np.ones(1), np.zeros(1))
    # a single feature is fine for batch norm, a batch of one for layer norm
    assert bp.batch_norm(np.arange(4.0).reshape(4, 1), np.ones(1), np.zeros(1)).shape == (4, 1)
    assert bp.layer_norm(np.arange(4.0).reshape(1, 4), np.ones(4), np.zeros(4)).shape == (1, 4)


def test_registered_with_their_labels():
    for label, fn in [("eq-bn-forward", bp.batch_norm), ("eq-bn-backward", bp.batch_norm_backward),
                      ("eq-bn-backward-graph", bp.batch_norm_backward_graph), ("eq-ln-forward", bp.layer_norm),
                      ("eq-ln-backward", bp.layer_norm_backward)]:
        assert fn in [impl.function for impl in bp.EQUATIONS[label]]

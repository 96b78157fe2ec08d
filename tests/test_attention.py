"""Tests of bplib.attention: values, masks, the backward pass against central differences
(unit and hypothesis), against the `autograd` package, and bad input."""
import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad
from hypothesis import given, settings
from hypothesis import strategies as st

import bplib as bp

TOL = 1e-7


def qkv(m=2, T_q=3, T_k=4, d=5, d_v=2, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(m, T_q, d)), rng.normal(size=(m, T_k, d)), rng.normal(size=(m, T_k, d_v)),
            rng.normal(size=(m, T_q, d_v)))


def reference(Q, K, V, mask=None):
    """Attention written out with loops, one query at a time."""
    m, T_q, d = Q.shape
    O = np.zeros((m, T_q, V.shape[2]))
    for b in range(m):
        for i in range(T_q):
            allowed = np.ones(K.shape[1], bool) if mask is None else mask[i]
            s = K[b, allowed] @ Q[b, i] / np.sqrt(d)
            p = np.exp(s - s.max())
            p /= p.sum()
            O[b, i] = p @ V[b, allowed]
    return O


def numeric(dO, Q, K, V, mask=None):
    cost = lambda which, x: float(np.sum(dO * bp.attention(*[x if n == which else a for n, a in
                                                             enumerate((Q, K, V))], mask=mask)))
    return [bp.numerical_gradient(lambda x, n=n: cost(n, x), a) for n, a in enumerate((Q, K, V))]


# ------------------------------------------------------------------ forward
def test_hand_example():
    Q = np.array([[[1.0, 0.0]]]); K = np.array([[[1.0, 0.0], [0.0, 1.0]]]); V = np.array([[[1.0], [3.0]]])
    p1 = 1.0 / (1.0 + np.exp(-1.0 / np.sqrt(2.0)))
    assert bp.attention(Q, K, V)[0, 0, 0] == pytest.approx(p1 * 1 + (1 - p1) * 3, rel=1e-14)


@pytest.mark.parametrize("masked", [False, True])
def test_forward_matches_loops(masked):
    Q, K, V, _ = qkv(T_q=4, T_k=4)
    mask = bp.causal_mask(4) if masked else None
    np.testing.assert_allclose(bp.attention(Q, K, V, mask), reference(Q, K, V, mask), rtol=1e-12, atol=1e-14)


def test_weights_rows_sum_to_one_and_masked_weights_are_zero():
    Q, K, _, _ = qkv(T_q=5, T_k=5)
    P = bp.attention_weights(Q, K, bp.causal_mask(5))
    np.testing.assert_allclose(P.sum(axis=2), 1.0, rtol=1e-14)
    assert np.all(P[:, ~bp.causal_mask(5)] == 0.0)


def test_inputs_are_not_modified():
    Q, K, V, dO = qkv()
    copies = [a.copy() for a in (Q, K, V, dO)]
    bp.attention(Q, K, V)
    bp.attention_backward(dO, Q, K, V)
    for a, c in zip((Q, K, V, dO), copies):
        np.testing.assert_array_equal(a, c)


def test_finite_for_huge_scores():
    Q, K, V, dO = qkv()
    with np.errstate(all="raise"):
        O = bp.attention(1e3 * Q, 1e3 * K, V, bp.causal_mask(4)[:3])
        grads = bp.attention_backward(dO, 1e3 * Q, 1e3 * K, V, bp.causal_mask(4)[:3])
    assert np.isfinite(O).all() and all(np.isfinite(g).all() for g in grads)


def test_causal_mask():
    np.testing.assert_array_equal(bp.causal_mask(3), [[1, 0, 0], [1, 1, 0], [1, 1, 1]])
    assert bp.causal_mask(3).dtype == bool


# ------------------------------------------------------------------ backward vs central differences
@pytest.mark.parametrize("masked", [False, True])
def test_backward_matches_central_differences(masked):
    Q, K, V, dO = qkv(T_q=4, T_k=4)
    mask = bp.causal_mask(4) if masked else None
    for analytic, num in zip(bp.attention_backward(dO, Q, K, V, mask), numeric(dO, Q, K, V, mask)):
        assert bp.relative_error(analytic, num) < TOL


def test_masked_entries_get_no_gradient():
    """Only query 0's output is used: under a causal mask keys and values 1.. get exactly 0."""
    Q, K, V, dO = qkv(T_q=4, T_k=4)
    dO[:, 1:] = 0.0
    dQ, dK, dV = bp.attention_backward(dO, Q, K, V, bp.causal_mask(4))
    assert np.all(dK[:, 1:] == 0.0) and np.all(dV[:, 1:] == 0.0)
    assert np.all(np.abs(dV[:, 0]) > 0)


def test_backward_with_a_general_mask():
    Q, K, V, dO = qkv(T_q=3, T_k=5, seed=4)
    mask = np.array([[1, 0, 1, 0, 1], [0, 1, 0, 0, 0], [1, 1, 1, 1, 0]], dtype=bool)
    for analytic, num in zip(bp.attention_backward(dO, Q, K, V, mask), numeric(dO, Q, K, V, mask)):
        assert bp.relative_error(analytic, num) < TOL


shapes = st.tuples(st.integers(1, 3), st.integers(1, 4), st.integers(1, 4), st.integers(1, 5), st.integers(1, 3))


@settings(max_examples=25)
@given(shape=shapes, seed=st.integers(0, 2 ** 16), masked=st.booleans())
def test_backward_property_random_shapes(shape, seed, masked):
    m, T_q, T_k, d, d_v = shape
    Q, K, V, dO = qkv(m, T_q, T_k, d, d_v, seed)
    mask = None
    if masked:
        mask = np.random.default_rng(seed + 1).random((T_q, T_k)) < 0.6
        mask[np.arange(T_q), np.random.default_rng(seed + 2).integers(0, T_k, T_q)] = True  # no empty row
    for analytic, num in zip(bp.attention_backward(dO, Q, K, V, mask), numeric(dO, Q, K, V, mask)):
        assert bp.relative_error(analytic, num) < TOL


# ------------------------------------------------------------------ autograd oracle
def oracle_attention(Q, K, V, mask=None):
    S = anp.matmul(Q, anp.transpose(K, (0, 2, 1))) / np.sqrt(Q.shape[2])
    if mask is not None:
        S = anp.where(mask, S, -1e300)
    E = anp.exp(S - anp.max(S, axis=2, keepdims=True))
    return anp.matmul(E / anp.sum(E, axis=2, keepdims=True), V)


@pytest.mark.parametrize("masked", [False, True])
def test_backward_agrees_with_autograd(masked):
    Q, K, V, dO = qkv(m=3, T_q=5, T_k=5, d=4, d_v=3, seed=7)
    mask = bp.causal_mask(5) if masked else None
    np.testing.assert_allclose(bp.attention(Q, K, V, mask), oracle_attention(Q, K, V, mask), rtol=1e-12)
    cost = lambda q, k, v: anp.sum(dO * oracle_attention(q, k, v, mask))
    for n, analytic in enumerate(bp.attention_backward(dO, Q, K, V, mask)):
        assert bp.relative_error(analytic, grad(cost, n)(Q, K, V)) < 1e-10


# ------------------------------------------------------------------ why 1/√d
def test_unscaled_scores_saturate_and_scaled_do_not():
    dims = [4, 64, 1024]
    raw = bp.softmax_saturation(dims, samples=500, scale=False)
    scaled = bp.softmax_saturation(dims, samples=500, scale=True)
    assert raw["max_weight"][-1] > 0.9 and raw["jacobian_norm"][-1] < 0.1
    assert np.ptp(scaled["max_weight"]) < 0.05
    np.testing.assert_allclose(raw["score_std"], np.sqrt(dims), rtol=0.1)
    np.testing.assert_allclose(scaled["score_std"], 1.0, rtol=0.1)


# ------------------------------------------------------------------ bad input
def bad(match, fn, *args, **kwargs):
    with pytest.raises(ValueError, match=match):
        fn(*args, **kwargs)


def test_K_of_another_width_than_Q():
    Q, K, V, _ = qkv()
    bad(r"K: .*\(2, T_k, 5\).*got shape \(2, 4, 3\)", bp.attention, Q, K[:, :, :3], V)


def test_K_of_another_batch_size():
    Q, K, V, _ = qkv()
    bad(r"K: .*got shape \(1, 4, 5\)", bp.attention, Q, K[:1], V)


def test_V_of_another_length_than_K():
    Q, K, V, _ = qkv()
    bad(r"V: .*\(2, 4, d_v\).*got shape \(2, 3, 2\)", bp.attention, Q, K, V[:, :3])


def test_2d_input_is_an_error():
    Q, K, V, _ = qkv()
    bad(r"Q: expected a 3-D array .*got shape \(3, 5\)", bp.attention, Q[0], K, V)


def test_mask_of_the_wrong_shape():
    Q, K, V, _ = qkv()
    bad(r"mask: expected shape \(T_q, T_k\) = \(3, 4\).*got shape \(4, 4\)", bp.attention, Q, K, V,
        bp.causal_mask(4))


@pytest.mark.parametrize("dtype", [int, float])
def test_mask_that_is_not_bool_is_a_type_error(dtype):
    """A 0/1 mask is a value of the wrong kind: TypeError, as the package's input table says."""
    Q, K, V, dO = qkv(T_q=4)
    mask = bp.causal_mask(4).astype(dtype)
    for fn, args in ((bp.attention, (Q, K, V)), (bp.attention_weights, (Q, K)),
                     (bp.attention_backward, (dO[:, :1].repeat(4, axis=1), Q, K, V))):
        with pytest.raises(TypeError, match=r"mask: expected a bool array.*got dtype (int|float)"):
            fn(*args, mask=mask)


def test_mask_as_text_or_with_masked_entries_is_a_type_error():
    Q, K, V, _ = qkv(T_q=4)
    with pytest.raises(TypeError, match="mask: "):
        bp.attention(Q, K, V, mask="causal")
    masked = np.ma.masked_array(bp.causal_mask(4), mask=np.eye(4, dtype=bool))
    with pytest.raises(TypeError, match="mask: .*masked"):
        bp.attention(Q, K, V, mask=masked)


def test_mask_as_nested_list_of_bools_is_accepted():
    Q, K, V, _ = qkv(T_q=4)
    np.testing.assert_array_equal(bp.attention(Q, K, V, mask=bp.causal_mask(4).tolist()),
                                  bp.attention(Q, K, V, mask=bp.causal_mask(4)))


@pytest.mark.parametrize("which, shape, match", [
    (0, (0, 3, 5), r"Q: empty batch"), (0, (2, 0, 5), r"Q: expected at least one position"),
    (1, (2, 0, 5), r"K: expected at least one position"), (2, (2, 4, 0), r"V: expected at least one"),
    (0, (2, 3, 0), r"Q: expected at least one")])
def test_empty_arrays(which, shape, match):
    args = list(qkv()[:3])
    args[which] = np.zeros(shape)
    if which == 0 and shape[2] == 0:
        args[1] = np.zeros((2, 4, 0))
    with np.errstate(all="raise"):
        bad(match, bp.attention, *args)


def test_nan_and_non_numeric_inputs():
    Q, K, V, _ = qkv()
    Q[0, 0, 0] = np.nan
    bad(r"Q: contains NaN", bp.attention, Q, K, V)
    with pytest.raises(TypeError, match="V: "):
        bp.attention(K[:, :3], K, V.astype(complex))


def test_scale_must_be_a_bool():
    Q, K, _, _ = qkv()
    with pytest.raises(TypeError, match="scale: expected True or False"):
        bp.attention_weights(Q, K, scale="no")
    with pytest.raises(TypeError, match="scale: "):
        bp.softmax_saturation([4], samples=10, scale=1)


def test_softmax_saturation_bad_arguments():
    with pytest.raises(TypeError, match="dims: "):
        bp.softmax_saturation(16)
    with pytest.raises(ValueError, match="seed: "):
        bp.softmax_saturation([4], seed=-1)
    with pytest.raises(ValueError, match="dims: "):
        bp.softmax_saturation([0, 4])


def test_fully_masked_row():
    Q, K, V, _ = qkv()
    mask = np.ones((3, 4), bool)
    mask[1] = False
    bad(r"mask: query row\(s\) \[1\]", bp.attention, Q, K, V, mask)


def test_backward_bad_upstream_gradient():
    Q, K, V, dO = qkv()
    bad(r"dO: expected .*\(2, 3, 2\), got shape \(2, 3, 5\)", bp.attention_backward, np.ones((2, 3, 5)), Q, K, V)
    bad(r"mask: ", bp.attention_backward, dO, Q, K, V, np.ones((3, 3), bool))

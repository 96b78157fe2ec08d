"""bp.attention_backward against chapter 11's tensor engine: attention built from the engine's
@, transpose, softmax and where, differentiated by its reverse mode."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import bplib as bp


def engine_gradients(Q, K, V, dO, mask=None):
    q, k, v = bp.Tensor(Q), bp.Tensor(K), bp.Tensor(V)
    S = (q @ k.transpose(0, 2, 1)) / np.sqrt(Q.shape[2])
    if mask is not None:
        S = bp.where(np.broadcast_to(mask, S.shape), S, -1e30)
    O = S.softmax(axis=-1) @ v
    (O * dO).sum().backward()
    return O.value, (q.grad, k.grad, v.grad)


def random_qkv(m, T_q, T_k, d, d_v, seed):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(m, T_q, d)), rng.normal(size=(m, T_k, d)), rng.normal(size=(m, T_k, d_v)),
            rng.normal(size=(m, T_q, d_v)))


@pytest.mark.parametrize("masked", [False, True])
def test_attention_agrees_with_the_tensor_engine(masked):
    Q, K, V, dO = random_qkv(3, 6, 6, 4, 3, seed=11)
    mask = bp.causal_mask(6) if masked else None
    O_engine, grads = engine_gradients(Q, K, V, dO, mask)
    np.testing.assert_allclose(bp.attention(Q, K, V, mask), O_engine, rtol=1e-12, atol=1e-14)
    for ours, theirs in zip(bp.attention_backward(dO, Q, K, V, mask), grads):
        assert bp.relative_error(ours, theirs) < 1e-12


@settings(max_examples=20)
@given(shape=st.tuples(st.integers(1, 3), st.integers(1, 5), st.integers(1, 5), st.integers(1, 4), st.integers(1, 3)),
       seed=st.integers(0, 2 ** 16), masked=st.booleans())
def test_attention_agrees_with_the_tensor_engine_random_shapes(shape, seed, masked):
    m, T_q, T_k, d, d_v = shape
    Q, K, V, dO = random_qkv(m, T_q, T_k, d, d_v, seed)
    mask = None
    if masked:
        rng = np.random.default_rng(seed + 1)
        mask = rng.random((T_q, T_k)) < 0.5
        mask[np.arange(T_q), rng.integers(0, T_k, T_q)] = True
    _, grads = engine_gradients(Q, K, V, dO, mask)
    for ours, theirs in zip(bp.attention_backward(dO, Q, K, V, mask), grads):
        assert bp.relative_error(ours, theirs) < 1e-10

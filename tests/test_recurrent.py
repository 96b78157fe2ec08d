"""Tests of bplib.recurrent (chapter 13): the tanh RNN and the LSTM with their BPTT backward passes,
the Jacobian product, clipping by norm and truncated BPTT.

Oracles: float64 central differences (hypothesis over random shapes), the `autograd` package on
re-implementations of the textbook formulas, and chapter 11's tensor engine when it exists.
"""
from __future__ import annotations

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad
from hypothesis import given, settings
from hypothesis import strategies as st

import bplib as bp

TOL = 1e-7          # central differences
ORACLE_TOL = 1e-10  # autograd and the tensor engine: both exact up to rounding


def rnn_args(m=3, T=5, n_in=2, n_h=4, seed=0, scale=0.7):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=(m, T, n_in)), rng.normal(size=(m, n_h)), rng.normal(size=(n_h, n_in)),
            scale * rng.normal(size=(n_h, n_h)), rng.normal(size=n_h)]


def lstm_args(m=3, T=5, n_in=2, n_h=4, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=(m, T, n_in)), rng.normal(size=(m, n_h)), rng.normal(size=(m, n_h)),
            rng.normal(size=(4 * n_h, n_in)), rng.normal(size=(4 * n_h, n_h)), rng.normal(size=4 * n_h)]


def numeric_grads(forward, args, dH, eps=1e-6):
    """Central-difference gradient of C = Σ dH ⊙ forward(*args) with respect to every argument."""
    out = []
    for k in range(len(args)):
        def cost(v, k=k):
            a = list(args)
            a[k] = v
            return float(np.sum(dH * forward(*a)))
        out.append(bp.numerical_gradient(cost, args[k], eps=eps))
    return out


# ------------------------------------------------------------------ forward values
def test_rnn_forward_matches_the_step_formula():
    X, h0, Wx, Wh, b = rnn_args()
    H = bp.rnn(X, h0, Wx, Wh, b)
    h = h0
    for t in range(X.shape[1]):
        h = np.tanh(X[:, t] @ Wx.T + h @ Wh.T + b)
        np.testing.assert_allclose(H[:, t], h, rtol=1e-14, atol=1e-15)


def test_lstm_forward_matches_the_cell_formula_with_gate_order_ifgo():
    X, h0, c0, Wx, Wh, b = lstm_args()
    n_h = h0.shape[1]
    H = bp.lstm(X, h0, c0, Wx, Wh, b)
    sig = lambda z: 1 / (1 + np.exp(-z))
    h, c = h0, c0
    for t in range(X.shape[1]):
        a = X[:, t] @ Wx.T + h @ Wh.T + b
        i, f, g, o = sig(a[:, :n_h]), sig(a[:, n_h:2 * n_h]), np.tanh(a[:, 2 * n_h:3 * n_h]), sig(a[:, 3 * n_h:])
        c = f * c + i * g
        h = o * np.tanh(c)
        np.testing.assert_allclose(H[:, t], h, rtol=1e-13, atol=1e-15)


def test_lstm_forward_is_finite_for_huge_pre_activations():
    X, h0, c0, Wx, Wh, b = lstm_args()
    with np.errstate(all="raise"):
        H = bp.lstm(1000 * X, h0, c0, Wx, Wh, b)
    assert np.all(np.isfinite(H)) and np.all(np.abs(H) <= 1)


# ------------------------------------------------------------------ gradients: central differences
def test_rnn_backward_matches_central_differences():
    args = rnn_args()
    dH = np.random.default_rng(9).normal(size=(3, 5, 4))
    for name, g, n in zip(["dX", "dh0", "dWx", "dWh", "db"], bp.rnn_backward(dH, *args), numeric_grads(bp.rnn, args, dH)):
        assert g.shape == n.shape, name
        assert bp.relative_error(g, n) < TOL, name


def test_lstm_backward_matches_central_differences():
    args = lstm_args()
    dH = np.random.default_rng(9).normal(size=(3, 5, 4))
    names = ["dX", "dh0", "dc0", "dWx", "dWh", "db"]
    for name, g, n in zip(names, bp.lstm_backward(dH, *args), numeric_grads(bp.lstm, args, dH)):
        assert g.shape == n.shape, name
        assert bp.relative_error(g, n) < TOL, name


def test_rnn_weight_gradient_is_a_sum_over_time():
    """dWh equals the sum of the per-step terms δ_tᵀ h_{t−1}; the last step alone is not it."""
    X, h0, Wx, Wh, b = rnn_args(T=6)
    dH = np.zeros((3, 6, 4))
    dH[:, -1] = 1.0                       # the cost sees only h_T
    dWh = bp.rnn_backward(dH, X, h0, Wx, Wh, b)[3]
    H = bp.rnn(X, h0, Wx, Wh, b)
    last_step_only = ((1 - H[:, -1] ** 2) * dH[:, -1]).T @ H[:, -2]
    assert bp.relative_error(dWh, last_step_only) > 1e-2


def test_lstm_cell_state_gradient_passes_through_the_forget_gate():
    """A cost that reads only h_T: ∂C/∂c_0 needs the cell-state path through every forget gate; it matches
    central differences and is far from 0 (dropping the factor f_t breaks it, see the slip test)."""
    X, h0, c0, Wx, Wh, b = lstm_args(T=6)
    dH = np.zeros((3, 6, 4))
    dH[:, -1] = np.random.default_rng(1).normal(size=(3, 4))
    dc0 = bp.lstm_backward(dH, X, h0, c0, Wx, Wh, b)[2]
    n = bp.numerical_gradient(lambda c: float(np.sum(dH * bp.lstm(X, h0, c, Wx, Wh, b))), c0)
    assert bp.relative_error(dc0, n) < TOL
    assert np.abs(dc0).max() > 1e-3


@settings(max_examples=25)
@given(m=st.integers(1, 3), T=st.integers(1, 4), n_in=st.integers(1, 3), n_h=st.integers(1, 3),
       seed=st.integers(0, 10_000))
def test_rnn_backward_property(m, T, n_in, n_h, seed):
    args = [0.5 * a for a in rnn_args(m, T, n_in, n_h, seed)]      # away from saturation: no tiny entries
    dH = np.random.default_rng(seed + 1).normal(size=(m, T, n_h))
    for g, n in zip(bp.rnn_backward(dH, *args), numeric_grads(bp.rnn, args, dH, eps=1e-5)):
        assert bp.relative_error(g, n) < TOL


@settings(max_examples=20)
@given(m=st.integers(1, 3), T=st.integers(1, 4), n_in=st.integers(1, 3), n_h=st.integers(1, 3),
       seed=st.integers(0, 10_000))
def test_lstm_backward_property(m, T, n_in, n_h, seed):
    args = [0.5 * a for a in lstm_args(m, T, n_in, n_h, seed)]      # away from saturation: no tiny entries
    dH = np.random.default_rng(seed + 1).normal(size=(m, T, n_h))
    for g, n in zip(bp.lstm_backward(dH, *args), numeric_grads(bp.lstm, args, dH, eps=1e-5)):
        assert bp.relative_error(g, n) < TOL


# ------------------------------------------------------------------ autograd oracle
def oracle_rnn(X, h0, Wx, Wh, b):
    h, hs = h0, []
    for t in range(X.shape[1]):
        h = anp.tanh(anp.dot(X[:, t], Wx.T) + anp.dot(h, Wh.T) + b)
        hs.append(h)
    return anp.stack(hs, axis=1)


def oracle_lstm(X, h0, c0, Wx, Wh, b):
    n_h = h0.shape[1]
    sig = lambda z: 1.0 / (1.0 + anp.exp(-z))
    h, c, hs = h0, c0, []
    for t in range(X.shape[1]):
        a = anp.dot(X[:, t], Wx.T) + anp.dot(h, Wh.T) + b
        i, f = sig(a[:, :n_h]), sig(a[:, n_h:2 * n_h])
        g, o = anp.tanh(a[:, 2 * n_h:3 * n_h]), sig(a[:, 3 * n_h:])
        c = f * c + i * g
        h = o * anp.tanh(c)
        hs.append(h)
    return anp.stack(hs, axis=1)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rnn_backward_agrees_with_autograd(seed):
    args = rnn_args(seed=seed, T=7)
    dH = np.random.default_rng(seed + 5).normal(size=(3, 7, 4))
    np.testing.assert_allclose(bp.rnn(*args), oracle_rnn(*args), rtol=1e-13, atol=1e-14)
    for k, g in enumerate(bp.rnn_backward(dH, *args)):
        auto = grad(lambda *a: anp.sum(dH * oracle_rnn(*a)), k)(*args)
        assert bp.relative_error(g, auto) <= ORACLE_TOL


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_lstm_backward_agrees_with_autograd(seed):
    args = lstm_args(seed=seed, T=7)
    dH = np.random.default_rng(seed + 5).normal(size=(3, 7, 4))
    np.testing.assert_allclose(bp.lstm(*args), oracle_lstm(*args), rtol=1e-13, atol=1e-14)
    for k, g in enumerate(bp.lstm_backward(dH, *args)):
        auto = grad(lambda *a: anp.sum(dH * oracle_lstm(*a)), k)(*args)
        assert bp.relative_error(g, auto) <= ORACLE_TOL


# ------------------------------------------------------------------ chapter 11's tensor engine
needs_tensor = pytest.mark.skipif(not hasattr(bp, "Tensor"), reason="chapter 11's tensor engine is not there yet")


def tensor_rnn(X, h0, Wx, Wh, b):
    h, hs = h0, []
    for t in range(X.value.shape[1]):
        h = (X[:, t] @ Wx.T + h @ Wh.T + b).tanh()
        hs.append(h)
    return bp.stack(hs, axis=1)


def tensor_lstm(X, h0, c0, Wx, Wh, b):
    n_h = h0.value.shape[1]
    h, c, hs = h0, c0, []
    for t in range(X.value.shape[1]):
        a = X[:, t] @ Wx.T + h @ Wh.T + b
        i, f = a[:, :n_h].sigmoid(), a[:, n_h:2 * n_h].sigmoid()
        g, o = a[:, 2 * n_h:3 * n_h].tanh(), a[:, 3 * n_h:].sigmoid()
        c = f * c + i * g
        h = o * c.tanh()
        hs.append(h)
    return bp.stack(hs, axis=1)


@needs_tensor
@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_backward_agrees_with_the_tensor_engine(cell):
    args = rnn_args(T=6) if cell == "rnn" else lstm_args(T=6)
    forward, backward, build = ((bp.rnn, bp.rnn_backward, tensor_rnn) if cell == "rnn"
                                else (bp.lstm, bp.lstm_backward, tensor_lstm))
    dH = np.random.default_rng(3).normal(size=(3, 6, 4))
    tensors = [bp.Tensor(a) for a in args]
    H = build(*tensors)
    np.testing.assert_allclose(H.value, forward(*args), rtol=1e-13, atol=1e-14)
    (H * dH).sum().backward()
    for t, g in zip(tensors, backward(dH, *args)):
        assert bp.relative_error(g, t.grad) <= ORACLE_TOL


# ------------------------------------------------------------------ the Jacobian product
def test_states_jacobian_matches_central_differences():
    X, h0, Wx, Wh, b = rnn_args(m=2, T=6)
    H = bp.rnn(X, h0, Wx, Wh, b)
    t, T = 2, 6
    J = bp.rnn_states_jacobian(H, h0, Wh, t=t, T=T)
    for k in range(2):
        def h_T(v, k=k):
            return bp.rnn(X[k:k + 1, t:T], v.reshape(1, -1), Wx, Wh, b)[0, -1]
        cols = [bp.numerical_gradient(lambda v, i=i: float(h_T(v)[i]), H[k, t - 1]) for i in range(4)]
        assert bp.relative_error(J[k], np.array(cols)) < TOL


def test_states_jacobian_from_h0_and_identity_at_equal_times():
    X, h0, Wx, Wh, b = rnn_args(m=2, T=4)
    H = bp.rnn(X, h0, Wx, Wh, b)
    J0 = bp.rnn_states_jacobian(H, h0, Wh, t=0)
    n = bp.numerical_gradient(lambda v: float(bp.rnn(X[:1], v.reshape(1, -1), Wx, Wh, b)[0, -1, 1]), h0[0])
    assert bp.relative_error(J0[0, 1], n) < TOL
    assert np.array_equal(bp.rnn_states_jacobian(H, h0, Wh, t=4), np.broadcast_to(np.eye(4), (2, 4, 4)))
    with pytest.raises(ValueError, match="t, T"):
        bp.rnn_states_jacobian(H, h0, Wh, t=5)


def test_state_jacobian_norms_are_the_norms_of_the_products():
    X, h0, Wx, Wh, b = rnn_args(m=1, T=5)
    H = bp.rnn(X, h0, Wx, Wh, b)
    norms = bp.state_jacobian_norms(H, h0, Wh)
    for k in range(6):
        J = bp.rnn_states_jacobian(H, h0, Wh, t=5 - k)
        assert norms[k] == pytest.approx(np.linalg.norm(J[0], 2), rel=1e-12)


def test_linear_regime_norm_is_rho_to_the_k_for_a_scaled_orthogonal_matrix():
    Q, _ = np.linalg.qr(np.random.default_rng(0).normal(size=(5, 5)))
    H = np.zeros((1, 12, 5))
    norms = bp.state_jacobian_norms(H, np.zeros((1, 5)), 0.9 * Q)
    np.testing.assert_allclose(norms, 0.9 ** np.arange(13), rtol=1e-12)
    assert bp.check_jacobian_norm(0.9 ** 12, 0.9, 12).ok
    assert not bp.check_jacobian_norm(0.9 * 12, 0.9, 12).ok


def test_jacobian_norms_vanish_below_and_explode_above_radius_one():
    below = bp.jacobian_norms_by_lag(0.8, T=30, input_scale=1e-4)
    at = bp.jacobian_norms_by_lag(1.0, T=30, input_scale=1e-4)
    above = bp.jacobian_norms_by_lag(1.2, T=30, input_scale=1e-4)
    assert below[30] < 1e-2 < at[30] < 10 < above[30]
    saturated = bp.jacobian_norms_by_lag(1.2, T=30, input_scale=1.0)
    assert saturated[30] < 1e-3


# ------------------------------------------------------------------ clipping and truncation
def test_clip_by_norm_caps_the_norm_and_keeps_the_direction():
    g = [np.array([[3.0, 0.0]]), np.array([4.0])]
    clipped, norm = bp.clip_by_norm(g, 1.0)
    assert norm == 5.0
    assert np.sqrt(sum(np.sum(c ** 2) for c in clipped)) == pytest.approx(1.0)
    np.testing.assert_allclose(clipped[0], g[0] / 5)
    same, _ = bp.clip_by_norm(g, 10.0)
    assert all(np.array_equal(a, b) for a, b in zip(same, g))
    assert g[0][0, 0] == 3.0                                   # not modified in place
    with pytest.raises(ValueError, match="max_norm"):
        bp.clip_by_norm(g, 0.0)
    with pytest.raises(TypeError, match="grads"):
        bp.clip_by_norm(np.ones(3), 1.0)


def test_truncated_bptt_equals_full_bptt_for_one_chunk():
    args = rnn_args(T=6)
    dH = np.random.default_rng(2).normal(size=(3, 6, 4))
    full = bp.rnn_backward(dH, *args)[2:]
    for a, b in zip(bp.truncated_rnn_backward(dH, *args, chunk=6), full):
        assert bp.relative_error(a, b) < 1e-13


@pytest.mark.parametrize("chunk", [1, 2, 4])
def test_truncated_bptt_is_the_gradient_with_chunk_starts_held_fixed(chunk):
    X, h0, Wx, Wh, b = rnn_args(T=6)
    dH = np.random.default_rng(2).normal(size=(3, 6, 4))
    H = bp.rnn(X, h0, Wx, Wh, b)
    starts = list(range(0, 6, chunk))

    def cost(Wh_):
        total = 0.0
        for s in starts:
            h_start = h0 if s == 0 else H[:, s - 1]          # values of the unperturbed run: constants
            Hc = bp.rnn(X[:, s:s + chunk], h_start, Wx, Wh_, b)
            total += float(np.sum(dH[:, s:s + chunk] * Hc))
        return total
    dWh = bp.truncated_rnn_backward(dH, X, h0, Wx, Wh, b, chunk=chunk)[1]
    assert bp.relative_error(dWh, bp.numerical_gradient(cost, Wh)) < TOL
    assert bp.relative_error(dWh, bp.rnn_backward(dH, X, h0, Wx, Wh, b)[3]) > 1e-3


# ------------------------------------------------------------------ purity and bad input
def test_functions_do_not_modify_their_inputs():
    args = lstm_args()
    copies = [a.copy() for a in args]
    dH = np.ones((3, 5, 4))
    bp.lstm(*args)
    bp.lstm_backward(dH, *args)
    assert all(np.array_equal(a, c) for a, c in zip(args, copies))
    args = rnn_args()
    copies = [a.copy() for a in args]
    bp.rnn_backward(dH, *args)
    assert all(np.array_equal(a, c) for a, c in zip(args, copies))


def _raises(fn, *args, match):
    with pytest.raises(ValueError, match=match):
        fn(*args)


def test_rnn_bad_input_names_the_argument_and_the_shapes():
    X, h0, Wx, Wh, b = rnn_args()
    _raises(bp.rnn, X[:, 0], h0, Wx, Wh, b, match=r"X: expected a 3-D array .*got shape \(3, 2\)")
    _raises(bp.rnn, X, h0, Wx, Wh[:, :3], b, match=r"Wh: expected square, shape \(n_h, n_h\), got shape \(4, 3\)")
    _raises(bp.rnn, X, h0, Wx[:, :1], Wh, b, match=r"Wx: expected shape \(4, 2\), got shape \(4, 1\)")
    _raises(bp.rnn, X, h0, Wx, Wh, b[:3], match=r"b: expected shape \(4\), got shape \(3,\)")
    _raises(bp.rnn, X, h0[:2], Wx, Wh, b, match=r"h0: expected shape \(3, 4\), got shape \(2, 4\)")
    _raises(bp.rnn, X, h0, Wx, Wh, b[None, :], match=r"b: expected a 1-D array .*got shape \(1, 4\)")
    _raises(bp.rnn_backward, np.ones((3, 4, 4)), X, h0, Wx, Wh, b,
            match=r"dH: expected shape \(3, 5, 4\), got shape \(3, 4, 4\)")
    _raises(bp.rnn, np.full((3, 5, 2), np.nan), h0, Wx, Wh, b, match="X: contains NaN")
    _raises(bp.truncated_rnn_backward, np.ones((3, 5, 4)), X, h0, Wx, Wh, b, 0, match="chunk")
    with pytest.raises(TypeError, match="X"):
        bp.rnn("abc", h0, Wx, Wh, b)


def test_lstm_bad_input_names_the_argument_and_the_shapes():
    X, h0, c0, Wx, Wh, b = lstm_args()
    _raises(bp.lstm, X[0], h0, c0, Wx, Wh, b, match=r"X: expected a 3-D array .*got shape \(5, 2\)")
    _raises(bp.lstm, X, h0, c0, Wx, Wh[:4], b, match=r"Wh: expected shape \(4·n_h, n_h\) = \(16, 4\), got shape \(4, 4\)")
    _raises(bp.lstm, X, h0, c0, Wx[:4], Wh, b, match=r"Wx: expected shape \(16, 2\), got shape \(4, 2\)")
    _raises(bp.lstm, X, h0, c0, Wx, Wh, b[:4], match=r"b: expected shape \(16\), got shape \(4,\)")
    _raises(bp.lstm, X, h0, c0[:, :2], Wx, Wh, b, match=r"c0: expected shape \(3, 4\), got shape \(3, 2\)")
    _raises(bp.lstm_backward, np.ones((3, 5, 3)), X, h0, c0, Wx, Wh, b,
            match=r"dH: expected shape \(3, 5, 4\), got shape \(3, 5, 3\)")

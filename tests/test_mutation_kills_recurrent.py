"""Tests for mutants of bplib.recurrent (chapter 13) that the other tests let survive (issue 13).

Each test states a property a reader of the book relies on; the mutant it was written for is
named in its docstring.  Run the mutation study with ``tests/mutation/run.sh``.
"""
import numpy as np
import pytest

import bplib as bp


def _rnn(m=2, T=4, n_in=3, n_h=2, seed=0):
    rng = np.random.default_rng(seed)
    X, h0 = rng.normal(size=(m, T, n_in)), rng.normal(size=(m, n_h))
    Wx, Wh = rng.normal(size=(n_h, n_in)), 0.7 * rng.normal(size=(n_h, n_h))
    return X, h0, Wx, Wh, rng.normal(size=n_h)


def _cell(cell):
    """rnn, or lstm with c0 = h0, called as (X, h0, Wx, Wh, b)."""
    return bp.rnn if cell == "rnn" else (lambda X, h0, Wx, Wh, b: bp.lstm(X, h0, h0, Wx, Wh, b))


def _shape_pattern(shape):
    return r"\(" + ", ".join(map(str, shape)) + r"\)"


# ------------------------------------------------------------------ argument checks
@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_text_and_none_are_type_errors_naming_the_argument(cell):
    """recurrent._array / _check: "a numeric array" in the message; Wh as text or None is a
    TypeError (it was a ValueError about its shape ())."""
    X, h0, Wx, Wh, b = _rnn()
    call = _cell(cell)
    if cell == "lstm":
        Wx, Wh, b = np.tile(Wx, (4, 1)), np.tile(Wh, (4, 1)), np.tile(b, 4)
    with pytest.raises(TypeError, match=r"^X: expected a numeric array, got str$"):
        call("X", h0, Wx, Wh, b)
    for bad, kind in [("Wh", "str"), (None, "NoneType")]:
        with pytest.raises(TypeError, match=rf"^Wh: expected a numeric array, got {kind}$"):
            call(X, h0, Wx, bad, b)


@pytest.mark.parametrize("cell, rows", [("rnn", 1), ("lstm", 4)])
def test_recurrent_weights_and_sequences_of_the_wrong_shape_are_named(cell, rows):
    """recurrent._check: the messages for T = 0, a Wh that is not 2-D and a Wh with NaN."""
    X, h0, Wx, Wh, b = _rnn()
    Wx, Wh, b = np.tile(Wx, (rows, 1)), np.tile(Wh, (rows, 1)), np.tile(b, rows)
    call = _cell(cell)
    with pytest.raises(ValueError, match=r"^X: expected at least one time step, shape \(m, T ≥ 1, "
                                         r"n_in\), got shape \(2, 0, 3\)$"):
        call(X[:, :0], h0, Wx, Wh, b)
    with pytest.raises(ValueError, match=rf"^Wh: expected a 2-D array of shape "
                                         rf"\({rows}·n_h, n_h\), got shape \({2 * rows},\)$"):
        call(X, h0, Wx, Wh[:, 0], b)
    Wh[0, 0] = np.nan
    with pytest.raises(ValueError, match=rf"^Wh: contains NaN or infinite values "
                                         rf"\(shape \({2 * rows}, 2\)\)$"):
        call(X, h0, Wx, Wh, b)


# ------------------------------------------------------------------ clipping
def test_clip_by_norm_rejects_what_is_not_a_list_of_arrays():
    """recurrent.clip_by_norm: `or` → `and` in the type check; type(grads), not type(None)."""
    for grads, kind in [(3.0, "float"), ("g", "str"), ({"W": np.ones(2)}, "dict")]:
        with pytest.raises(TypeError, match=rf"^grads: expected a list of arrays, got {kind}$"):
            bp.clip_by_norm(grads, 1.0)


def test_clip_by_norm_scales_a_gradient_shorter_than_one():
    """recurrent.clip_by_norm: clips whenever ‖g‖ > τ, also below 1 (norm > 0 → norm > 1)."""
    clipped, norm = bp.clip_by_norm([np.array([0.3, 0.4])], 0.1)
    assert norm == pytest.approx(0.5)
    np.testing.assert_allclose(clipped[0], [0.06, 0.08])


def test_clip_by_norm_leaves_zero_and_tiny_gradients_unchanged():
    """recurrent.clip_by_norm: no division by a zero norm (norm >= 0, `or True`), no growth."""
    zero, norm = bp.clip_by_norm([np.zeros(3), np.zeros((2, 2))], 1.0)
    assert norm == 0.0 and all(not z.any() for z in zero)
    tiny = [np.array([1e-200, -1e-200]), np.array([[3e-320]])]
    with np.errstate(all="raise"):                             # underflow is never an error
        clipped, norm = bp.clip_by_norm(tiny, 1.0)
        mixed, mixed_norm = bp.clip_by_norm([np.array([1.0, 1e-200])], 2.0)
    assert norm == pytest.approx(np.sqrt(2) * 1e-200) and mixed_norm == 1.0
    assert all(np.array_equal(c, g) for c, g in zip(clipped, tiny))
    np.testing.assert_array_equal(mixed[0], [1.0, 1e-200])


def test_clip_by_norm_of_no_entries_is_zero():
    """recurrent.clip_by_norm: max(..., default=0.0) for a list without entries (default=None)."""
    assert bp.clip_by_norm([], 1.0) == ([], 0.0)
    clipped, norm = bp.clip_by_norm([np.zeros((0, 3))], 1.0)
    assert norm == 0.0 and clipped[0].shape == (0, 3)


def test_clip_by_norm_keeps_the_direction_of_a_huge_gradient():
    """recurrent.clip_by_norm: entries above 1e154 would overflow g·g and clip to zero."""
    with np.errstate(all="raise"):
        clipped, norm = bp.clip_by_norm([np.array([3e200]), np.array([[-4e200]])], 1.0)
    assert norm == pytest.approx(5e200)
    np.testing.assert_allclose(np.concatenate([c.ravel() for c in clipped]), [0.6, -0.8])


# ------------------------------------------------------------------ the Jacobian product
@pytest.mark.parametrize("fn", [bp.rnn_states_jacobian, bp.state_jacobian_norms])
def test_jacobian_functions_name_their_arguments(fn):
    """recurrent.rnn_states_jacobian / state_jacobian_norms: the names "H", "h0", "Wh"."""
    X, h0, Wx, Wh, b = _rnn()
    H = bp.rnn(X, h0, Wx, Wh, b)
    extra = {"t": 0} if fn is bp.rnn_states_jacobian else {}
    with pytest.raises(ValueError, match=r"^H: expected a 3-D array of shape \(\?, \?, \?\), "
                                         r"got shape \(4, 2\)$"):
        fn(H[0], h0, Wh, **extra)
    with pytest.raises(ValueError, match=r"^h0: expected shape \(2, 2\), got shape \(3, 2\)$"):
        fn(H, np.zeros((3, 2)), Wh, **extra)
    with pytest.raises(ValueError, match=r"^Wh: expected shape \(2, 2\), got shape \(2, 3\)$"):
        fn(H, h0, np.zeros((2, 3)), **extra)


def test_states_jacobian_one_step_back_is_the_one_step_jacobian():
    """recurrent.rnn_states_jacobian: the T it is given is used (T = T_total `or True`)."""
    X, h0, Wx, Wh, b = _rnn(T=4)
    H = bp.rnn(X, h0, Wx, Wh, b)
    J = bp.rnn_states_jacobian(H, h0, Wh, t=1, T=2)             # ∂h_2/∂h_1 = diag(1 − h_2²) W_h
    np.testing.assert_allclose(J, (1 - H[:, 1] ** 2)[:, :, None] * Wh, rtol=1e-14)
    same = bp.rnn_states_jacobian(H, h0, Wh, t=2, T=2)
    np.testing.assert_array_equal(same, np.broadcast_to(np.eye(2), (2, 2, 2)))


@pytest.mark.parametrize("t, T", [(1.0, 2), (1, 2.0), (1, True), (True, 2)])
def test_states_jacobian_needs_integer_times(t, T):
    """recurrent.rnn_states_jacobian: `or` → `and` in the integer check of t and T."""
    X, h0, Wx, Wh, b = _rnn()
    H = bp.rnn(X, h0, Wx, Wh, b)
    with pytest.raises(TypeError, match=r"^t, T: need integers 0 ≤ t ≤ T ≤ 4, got t="):
        bp.rnn_states_jacobian(H, h0, Wh, t=t, T=T)


def test_jacobian_norms_are_exactly_zero_or_one_in_the_extreme_cases():
    """recurrent.state_jacobian_norms: the s == 0 shortcut (log 0 under errstate) gives 0, not 1;
    a product of norm exactly 1 is 1, not 0 (s == 1)."""
    H, h0 = np.zeros((2, 3, 2)), np.zeros((2, 2))
    with np.errstate(all="raise"):
        zero = bp.state_jacobian_norms(H, h0, np.zeros((2, 2)))
        one = bp.state_jacobian_norms(H, h0, np.eye(2))
    np.testing.assert_array_equal(zero, [1, 0, 0, 0])
    np.testing.assert_array_equal(one, [1, 1, 1, 1])


# ------------------------------------------------------------------ truncated BPTT
@pytest.mark.parametrize("shape", [(3, 4, 2), (2, 5, 2), (2, 4, 3)])
def test_truncated_bptt_rejects_dH_of_another_shape(shape):
    """recurrent.truncated_rnn_backward: dH checked against (m, T, n_h) in full, not per chunk."""
    X, h0, Wx, Wh, b = _rnn()
    expected = rf"^dH: expected shape \(2, 4, 2\), got shape {_shape_pattern(shape)}$"
    with pytest.raises(ValueError, match=expected):
        bp.truncated_rnn_backward(np.zeros(shape), X, h0, Wx, Wh, b, chunk=2)

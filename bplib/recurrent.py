"""Recurrent networks and backpropagation through time (chapter 13).

A tanh RNN and an LSTM cell, unrolled over a batch of sequences, with their backward passes
derived in ``book/13_recurrent_networks.ipynb``: backpropagation through time (BPTT), the
Jacobian product ∂h_T/∂h_t behind vanishing and exploding gradients, gradient clipping by
norm and truncated BPTT.

Shapes follow PyTorch (``batch_first=True``): a batch of ``m`` sequences of ``T`` steps is
``X`` of shape ``(m, T, n_in)``; hidden states are stacked in ``H`` of shape ``(m, T, n_h)``;
``Wx`` has shape ``(n_h, n_in)``, ``Wh`` ``(n_h, n_h)``, ``b`` ``(n_h,)``.  The LSTM stacks its
four gates in the order i, f, g, o, as ``nn.LSTM`` does, so its weights have ``4 n_h`` rows.
Every backward takes the upstream gradient ``dH`` (shape of ``H``) followed by the forward's
own arguments and returns the gradient of every array argument, in order.
"""
from __future__ import annotations

import numpy as np

from . import _validate

from .registry import implements

__all__ = [
    "rnn", "rnn_backward", "rnn_states_jacobian", "state_jacobian_norms",
    "lstm", "lstm_backward", "clip_by_norm", "truncated_rnn_backward",
]


# ---------------------------------------------------------------------------- argument checks
def _array(x, name: str, shape: tuple) -> np.ndarray:
    """``x`` as a float64 array of ``len(shape)`` dimensions; ``None`` in ``shape`` is free.

    Raises ValueError naming ``name``, the expected and the received shape; nothing is
    reshaped or broadcast.
    """
    arr = _validate._array(x, name, "a numeric array")  # text, None, masked entries, objects
    want = "(" + ", ".join("?" if s is None else str(s) for s in shape) + ")"
    if arr.ndim != len(shape):
        raise ValueError(f"{name}: expected a {len(shape)}-D array of shape {want}, "
                         f"got shape {arr.shape}")
    for got, expected in zip(arr.shape, shape):
        if expected is not None and got != expected:
            raise ValueError(f"{name}: expected shape {want}, got shape {arr.shape}")
    arr = arr.astype(np.float64)
    if not np.isfinite(arr).all():
        raise ValueError(f"{name}: contains NaN or infinite values (shape {arr.shape})")
    return arr


def _check(X, h0, Wx, Wh, b, gates: int, c0=None):
    """Validate the arguments of an RNN (gates = 1) or an LSTM (gates = 4)."""
    X = _array(X, "X", (None, None, None))
    m, T, n_in = X.shape
    if m < 1:
        raise ValueError(f"X: empty batch, expected at least one sequence, shape (m ≥ 1, T, n_in), "
                         f"got shape {X.shape}")
    if T < 1:
        raise ValueError(f"X: expected at least one time step, shape (m, T ≥ 1, n_in), got shape {X.shape}")
    Wh_arr = _validate._array(Wh, "Wh", "a numeric array")  # text and None are TypeErrors
    if Wh_arr.ndim != 2:
        raise ValueError(f"Wh: expected a 2-D array of shape ({gates}·n_h, n_h), got shape {Wh_arr.shape}")
    n_h = Wh_arr.shape[1]
    if Wh_arr.shape[0] != gates * n_h:
        kind = "square, shape (n_h, n_h)" if gates == 1 else f"shape (4·n_h, n_h) = ({4 * n_h}, {n_h})"
        raise ValueError(f"Wh: expected {kind}, got shape {Wh_arr.shape}")
    Wh = _array(Wh, "Wh", (gates * n_h, n_h))
    Wx = _array(Wx, "Wx", (gates * n_h, n_in))
    b = _array(b, "b", (gates * n_h,))
    h0 = _array(h0, "h0", (m, n_h))
    if c0 is None:
        return X, h0, Wx, Wh, b
    c0 = _array(c0, "c0", (m, n_h))
    return X, h0, c0, Wx, Wh, b


def _check_dH(dH, m: int, T: int, n_h: int) -> np.ndarray:
    return _array(dH, "dH", (m, T, n_h))


# ---------------------------------------------------------------------------- the tanh RNN
@implements("eq-rnn-step", chapter="13_recurrent_networks")
def rnn(X, h0, Wx, Wh, b):
    """Run a tanh RNN over a batch of sequences (eq-rnn-step, chapter 13).

    h_t = tanh(W_x x_t + W_h h_{t−1} + b), in batch form
    H_t = tanh(X_t W_xᵀ + H_{t−1} W_hᵀ + b), for t = 1 … T.

    Parameters
    ----------
    X : ndarray, shape (m, T, n_in)
        m sequences of T input vectors (a 2-D X is an error, never reshaped).
    h0 : ndarray, shape (m, n_h)
        Initial hidden states.
    Wx : ndarray, shape (n_h, n_in)
    Wh : ndarray, shape (n_h, n_h)
        Recurrent weights, square.
    b : ndarray, shape (n_h,)

    Returns
    -------
    H : ndarray, shape (m, T, n_h)
        H[:, t] is the hidden state after step t + 1 (h0 is not included).

    Examples
    --------
    >>> X = np.ones((2, 3, 1)); h0 = np.zeros((2, 1))
    >>> H = rnn(X, h0, Wx=np.array([[0.5]]), Wh=np.array([[1.0]]), b=np.zeros(1))
    >>> H.shape, round(float(H[0, 0, 0]), 4)
    ((2, 3, 1), 0.4621)
    """
    X, h0, Wx, Wh, b = _check(X, h0, Wx, Wh, b, gates=1)
    m, T, _ = X.shape
    return _rnn_forward(X, h0, Wx, Wh, b)


def _rnn_forward(X, h0, Wx, Wh, b):
    """The loop of :func:`rnn` (checked arguments)."""
    m, T, _ = X.shape
    H = np.empty((m, T, h0.shape[1]))
    XW = X @ Wx.T + b                              # the input part of every step at once
    h = h0
    for t in range(T):
        h = np.tanh(XW[:, t] + h @ Wh.T)
        H[:, t] = h
    return H


@implements("eq-bptt-weight-sum", chapter="13_recurrent_networks")
@implements("eq-bptt-delta", chapter="13_recurrent_networks")
def rnn_backward(dH, X, h0, Wx, Wh, b):
    """Backpropagation through time for :func:`rnn` (eq-bptt-delta, eq-bptt-weight-sum, chapter 13).

    Going backwards from t = T, the gradient reaching h_t is the upstream ``dH[:, t]`` plus
    what flows back from step t + 1, and δ_t = ∂C/∂z_t follows from it (eq-bptt-delta):

        δ_t = (∂C/∂h_t|direct + δ_{t+1} W_h) ⊙ (1 − h_t²).

    The shared weights collect a sum over all time steps (eq-bptt-weight-sum):
    ∂C/∂W_h = Σ_t δ_tᵀ h_{t−1}, ∂C/∂W_x = Σ_t δ_tᵀ x_t, ∂C/∂b = Σ_t Σ_rows δ_t.

    Parameters
    ----------
    dH : ndarray, shape (m, T, n_h)
        ∂C/∂H, the gradient of the cost with respect to every hidden state of :func:`rnn`'s output.
    X, h0, Wx, Wh, b :
        The arguments of :func:`rnn`, shapes as there.

    Returns
    -------
    dX : ndarray, shape (m, T, n_in)
    dh0 : ndarray, shape (m, n_h)
    dWx : ndarray, shape (n_h, n_in)
    dWh : ndarray, shape (n_h, n_h)
    db : ndarray, shape (n_h,)

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X, h0 = rng.normal(size=(2, 4, 3)), np.zeros((2, 5))
    >>> Wx, Wh, b = rng.normal(size=(5, 3)), 0.5 * rng.normal(size=(5, 5)), np.zeros(5)
    >>> grads = rnn_backward(np.ones((2, 4, 5)), X, h0, Wx, Wh, b)
    >>> [g.shape for g in grads]
    [(2, 4, 3), (2, 5), (5, 3), (5, 5), (5,)]
    """
    X, h0, Wx, Wh, b = _check(X, h0, Wx, Wh, b, gates=1)
    m, T, _ = X.shape
    dH = _check_dH(dH, m, T, h0.shape[1])
    return _rnn_bptt(dH, X, h0, Wx, Wh, _rnn_forward(X, h0, Wx, Wh, b))


def _rnn_bptt(dH, X, h0, Wx, Wh, H):
    """The loop of :func:`rnn_backward`, given the stored hidden states (checked arguments)."""
    m, T, _ = X.shape
    dX = np.empty_like(X)
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(Wh.shape[0])
    dh_next = np.zeros_like(h0)                    # ∂C/∂h_t through step t + 1
    for t in range(T - 1, -1, -1):
        h_prev = H[:, t - 1] if t > 0 else h0
        delta = (dH[:, t] + dh_next) * (1.0 - H[:, t] ** 2)
        dWx += delta.T @ X[:, t]
        dWh += delta.T @ h_prev
        db += delta.sum(axis=0)
        dX[:, t] = delta @ Wx
        dh_next = delta @ Wh
    return dX, dh_next, dWx, dWh, db


@implements("eq-bptt-jacobian-product", chapter="13_recurrent_networks")
def rnn_states_jacobian(H, h0, Wh, t: int, T: int | None = None):
    """∂h_T/∂h_t of a tanh RNN as a product of one-step Jacobians (eq-bptt-jacobian-product, chapter 13).

    ∂h_T/∂h_t = Π_{s=T}^{t+1} diag(1 − h_s²) W_h   (the factor for s = T on the left).

    Time steps are counted as in the chapter: h_0 is the initial state and h_s = H[:, s − 1].

    Parameters
    ----------
    H : ndarray, shape (m, T_total, n_h)
        Hidden states from :func:`rnn`.
    h0 : ndarray, shape (m, n_h)
        Its initial states (needed only when t = 0 is the state asked about; used to check shapes).
    Wh : ndarray, shape (n_h, n_h)
    t : int, 0 ≤ t ≤ T
    T : int, t ≤ T ≤ T_total; default T_total

    Returns
    -------
    ndarray, shape (m, n_h, n_h)
        One Jacobian per sequence; entry [k, i, j] = ∂h_T,i/∂h_t,j of sequence k.
        The identity when t = T.

    Examples
    --------
    >>> H = np.zeros((1, 3, 2)); Wh = 0.5 * np.eye(2)
    >>> rnn_states_jacobian(H, np.zeros((1, 2)), Wh, t=0)[0]
    array([[0.125, 0.   ],
           [0.   , 0.125]])
    """
    H = _array(H, "H", (None, None, None))
    m, T_total, n_h = H.shape
    _array(h0, "h0", (m, n_h))
    Wh = _array(Wh, "Wh", (n_h, n_h))
    T = T_total if T is None else T
    if isinstance(t, (bool, np.bool_)) or not isinstance(t, (int, np.integer)) \
            or isinstance(T, (bool, np.bool_)) or not isinstance(T, (int, np.integer)):
        raise _validate.CountTypeError(f"t, T: need integers 0 ≤ t ≤ T ≤ {T_total}, got t={t!r}, T={T!r}")
    if not 0 <= t <= T <= T_total:
        raise ValueError(f"t, T: need integers 0 ≤ t ≤ T ≤ {T_total} (H has shape {H.shape}), got t={t!r}, T={T!r}")
    J = np.broadcast_to(np.eye(n_h), (m, n_h, n_h)).copy()
    for s in range(T, t, -1):                      # J ← J · diag(1 − h_s²) W_h
        J = J @ ((1.0 - H[:, s - 1] ** 2)[:, :, None] * Wh)
    return J


def state_jacobian_norms(H, h0, Wh) -> np.ndarray:
    """Spectral norms ‖∂h_T/∂h_{T−k}‖₂ for every lag k = 0 … T, averaged over the batch.

    The average is geometric (the mean of log-norms), so one sequence does not dominate; the
    product of eq-bptt-jacobian-product is accumulated once from h_T backwards.

    Parameters
    ----------
    H : ndarray, shape (m, T, n_h), from :func:`rnn`
    h0 : ndarray, shape (m, n_h)
    Wh : ndarray, shape (n_h, n_h)

    Returns
    -------
    ndarray, shape (T + 1,)
        Entry k is the norm at lag k (1 for k = 0); 0 where a product underflows to 0.

    Examples
    --------
    >>> H = np.zeros((1, 3, 2))
    >>> state_jacobian_norms(H, np.zeros((1, 2)), 0.5 * np.eye(2))
    array([1.   , 0.5  , 0.25 , 0.125])
    """
    H = _array(H, "H", (None, None, None))
    m, T, n_h = H.shape
    _array(h0, "h0", (m, n_h))
    Wh = _array(Wh, "Wh", (n_h, n_h))
    norms = np.empty(T + 1)
    J = np.broadcast_to(np.eye(n_h), (m, n_h, n_h)).copy()
    norms[0] = 1.0
    for k in range(1, T + 1):
        J = J @ ((1.0 - H[:, T - k] ** 2)[:, :, None] * Wh)
        s = np.linalg.norm(J, ord=2, axis=(1, 2))
        norms[k] = 0.0 if np.any(s == 0) else float(np.exp(np.mean(np.log(s))))
    return norms


# ---------------------------------------------------------------------------- the LSTM
def _lstm_forward(X, h0, c0, Wx, Wh, b):
    """The LSTM forward pass keeping what the backward pass needs (checked arguments).

    σ(z) is computed as (1 + tanh(z/2))/2, the same function, finite for every z.
    """
    m, T, _ = X.shape
    n_h = h0.shape[1]
    H = np.empty((m, T, n_h))
    C = np.empty((m, T, n_h))
    gates = np.empty((m, T, 4 * n_h))              # i, f, g, o after their nonlinearities
    XW = X @ Wx.T + b                              # the input part of every step at once
    h, c = h0, c0
    for t in range(T):
        A = XW[:, t] + h @ Wh.T
        G = 0.5 * (1.0 + np.tanh(0.5 * A))
        G[:, 2 * n_h:3 * n_h] = np.tanh(A[:, 2 * n_h:3 * n_h])
        c = G[:, n_h:2 * n_h] * c + G[:, :n_h] * G[:, 2 * n_h:3 * n_h]
        h = G[:, 3 * n_h:] * np.tanh(c)
        H[:, t], C[:, t], gates[:, t] = h, c, G
    return H, C, gates


@implements("eq-lstm-cell", chapter="13_recurrent_networks")
def lstm(X, h0, c0, Wx, Wh, b):
    """Run an LSTM over a batch of sequences (eq-lstm-cell, chapter 13).

    With the pre-activations z_t = W_x x_t + W_h h_{t−1} + b split into four blocks in the order
    of ``nn.LSTM``: i = σ(z^i), f = σ(z^f), g = tanh(z^g), o = σ(z^o), and

        c_t = f ⊙ c_{t−1} + i ⊙ g,    h_t = o ⊙ tanh(c_t).

    Parameters
    ----------
    X : ndarray, shape (m, T, n_in)
    h0, c0 : ndarray, shape (m, n_h)
        Initial hidden and cell states.
    Wx : ndarray, shape (4 n_h, n_in)
        Rows stacked i, f, g, o.
    Wh : ndarray, shape (4 n_h, n_h)
    b : ndarray, shape (4 n_h,)
        One bias (PyTorch's b_ih + b_hh).

    Returns
    -------
    H : ndarray, shape (m, T, n_h)

    Examples
    --------
    >>> m, T, n_in, n_h = 2, 3, 4, 5
    >>> H = lstm(np.ones((m, T, n_in)), np.zeros((m, n_h)), np.zeros((m, n_h)),
    ...          np.zeros((4 * n_h, n_in)), np.zeros((4 * n_h, n_h)), np.zeros(4 * n_h))
    >>> H.shape, float(H.max())
    ((2, 3, 5), 0.0)
    """
    X, h0, c0, Wx, Wh, b = _check(X, h0, Wx, Wh, b, gates=4, c0=c0)
    return _lstm_forward(X, h0, c0, Wx, Wh, b)[0]


@implements("eq-lstm-backward", chapter="13_recurrent_networks")
@implements("eq-lstm-cell-gradient", chapter="13_recurrent_networks")
def lstm_backward(dH, X, h0, c0, Wx, Wh, b):
    """Backpropagation through time for :func:`lstm` (eq-lstm-cell-gradient, eq-lstm-backward, chapter 13).

    With h̄_t = ∂C/∂h_t (upstream plus what flows back from step t + 1) and c̄_t = ∂C/∂c_t,
    going backwards from c̄_{T+1} = 0:

        c̄_t = c̄_{t+1} ⊙ f_{t+1} + h̄_t ⊙ o_t ⊙ (1 − tanh² c_t)     (eq-lstm-cell-gradient)
        δ^o_t = ∂C/∂z^o_t = h̄_t ⊙ tanh c_t ⊙ o(1 − o),  δ^i_t = c̄_t ⊙ g ⊙ i(1 − i),
        δ^g_t = c̄_t ⊙ i ⊙ (1 − g²),                     δ^f_t = c̄_t ⊙ c_{t−1} ⊙ f(1 − f)   (eq-lstm-backward)

    and the weights sum δ_tᵀ x_t, δ_tᵀ h_{t−1}, δ_t over time, as in :func:`rnn_backward`.

    Parameters
    ----------
    dH : ndarray, shape (m, T, n_h)
        ∂C/∂H for the output of :func:`lstm`.
    X, h0, c0, Wx, Wh, b :
        The arguments of :func:`lstm`.

    Returns
    -------
    dX : ndarray, shape (m, T, n_in)
    dh0, dc0 : ndarray, shape (m, n_h)
    dWx : ndarray, shape (4 n_h, n_in)
    dWh : ndarray, shape (4 n_h, n_h)
    db : ndarray, shape (4 n_h,)

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> m, T, n_in, n_h = 2, 3, 4, 5
    >>> args = (rng.normal(size=(m, T, n_in)), np.zeros((m, n_h)), np.zeros((m, n_h)),
    ...         rng.normal(size=(4 * n_h, n_in)), rng.normal(size=(4 * n_h, n_h)), np.zeros(4 * n_h))
    >>> [g.shape for g in lstm_backward(np.ones((m, T, n_h)), *args)]
    [(2, 3, 4), (2, 5), (2, 5), (20, 4), (20, 5), (20,)]
    """
    X, h0, c0, Wx, Wh, b = _check(X, h0, Wx, Wh, b, gates=4, c0=c0)
    m, T, _ = X.shape
    n_h = h0.shape[1]
    dH = _check_dH(dH, m, T, n_h)
    H, C, gates = _lstm_forward(X, h0, c0, Wx, Wh, b)
    return _lstm_bptt(dH, X, h0, c0, Wx, Wh, H, C, gates)


def _lstm_bptt(dH, X, h0, c0, Wx, Wh, H, C, gates):
    """The loop of :func:`lstm_backward`, given the stored forward pass (checked arguments)."""
    m, T, _ = X.shape
    n_h = h0.shape[1]
    dWh = np.zeros_like(Wh)
    dh_next = np.zeros_like(h0)                    # ∂C/∂h_t through step t + 1
    dc_next = np.zeros_like(c0)                    # ∂C/∂c_t through step t + 1
    dA = np.empty((m, T, 4 * n_h))                 # δ_t for the four gate blocks
    for t in range(T - 1, -1, -1):
        G = gates[:, t]
        i, f, g, o = G[:, :n_h], G[:, n_h:2 * n_h], G[:, 2 * n_h:3 * n_h], G[:, 3 * n_h:]
        c_prev = C[:, t - 1] if t > 0 else c0
        h_prev = H[:, t - 1] if t > 0 else h0
        tanh_c = np.tanh(C[:, t])
        dh = dH[:, t] + dh_next
        dc = dc_next + dh * o * (1.0 - tanh_c ** 2)
        dA[:, t, :n_h] = dc * g * i * (1.0 - i)
        dA[:, t, n_h:2 * n_h] = dc * c_prev * f * (1.0 - f)
        dA[:, t, 2 * n_h:3 * n_h] = dc * i * (1.0 - g ** 2)
        dA[:, t, 3 * n_h:] = dh * tanh_c * o * (1.0 - o)
        dWh += dA[:, t].T @ h_prev
        dh_next = dA[:, t] @ Wh
        dc_next = dc * f                           # the cell-state path: only the forget gate
    # the input weights and the bias do not feed the recursion: sum over time in one product
    dA2 = dA.reshape(m * T, 4 * n_h)
    dWx = dA2.T @ X.reshape(m * T, -1)
    db = dA2.sum(axis=0)
    dX = dA @ Wx
    return dX, dh_next, dc_next, dWx, dWh, db


# ---------------------------------------------------------------------------- clipping, truncation
@implements("eq-clip-norm", chapter="13_recurrent_networks")
def clip_by_norm(grads, max_norm: float):
    """Scale a list of gradients so that their joint norm is at most ``max_norm`` (eq-clip-norm, chapter 13).

    g ← g · min(1, τ / ‖g‖), with ‖g‖ the Euclidean norm of all arrays together: the direction
    is kept, only the length is capped at τ (as ``torch.nn.utils.clip_grad_norm_``).

    Parameters
    ----------
    grads : list of ndarray
        Gradients of any shapes; not modified.
    max_norm : float > 0
        The threshold τ.

    Returns
    -------
    clipped : list of ndarray
        New arrays, same shapes.
    norm : float
        ‖g‖ before clipping.

    Examples
    --------
    >>> clipped, norm = clip_by_norm([np.array([3.0]), np.array([[4.0]])], max_norm=1.0)
    >>> norm, [c.tolist() for c in clipped]
    (5.0, [[0.6000000000000001], [[0.8]]])
    """
    if isinstance(grads, np.ndarray) or not isinstance(grads, (list, tuple)):
        raise TypeError(f"grads: expected a list of arrays, got {type(grads).__name__}")
    max_norm = _validate.positive_number(max_norm, "max_norm")
    arrays = [_validate.as_float_array(g, f"grads[{i}]").astype(np.float64) for i, g in enumerate(grads)]
    # ‖g‖ = top·‖g/top‖ with top the largest |entry|: g·g would overflow for entries above 1e154
    # (exploding gradients, then clipped to zero) and underflow below 1e-154
    top = max((float(np.max(np.abs(g))) for g in arrays if g.size), default=0.0)
    with np.errstate(under="ignore"):
        norm = (top * float(np.sqrt(sum(float(np.sum((g / top) ** 2)) for g in arrays)))
                if top > 0 else 0.0)
        scale = min(1.0, max_norm / norm) if norm > 0 else 1.0
        return [g * scale for g in arrays], norm


@implements("eq-bptt-truncated", chapter="13_recurrent_networks")
def truncated_rnn_backward(dH, X, h0, Wx, Wh, b, chunk: int):
    """Truncated BPTT: backpropagate within chunks of ``chunk`` steps only (eq-bptt-truncated, chapter 13).

    The sequence is cut into consecutive chunks of ``chunk`` steps (the last may be shorter).
    The forward pass runs through all of them, each starting from the last state of the one
    before; the backward pass of each chunk stops at its first state, treated as a constant.
    The weight gradients are the sums over the chunks.  With ``chunk ≥ T`` this is
    :func:`rnn_backward`.

    Parameters
    ----------
    dH, X, h0, Wx, Wh, b :
        As in :func:`rnn_backward`.
    chunk : int ≥ 1
        Number of steps per chunk.

    Returns
    -------
    dWx, dWh, db : ndarray
        Shapes of Wx, Wh, b.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> args = (rng.normal(size=(2, 6, 3)), np.zeros((2, 4)), rng.normal(size=(4, 3)),
    ...         0.5 * rng.normal(size=(4, 4)), np.zeros(4))
    >>> dH = rng.normal(size=(2, 6, 4))
    >>> full = rnn_backward(dH, *args)[2:]
    >>> all(np.allclose(a, b) for a, b in zip(truncated_rnn_backward(dH, *args, chunk=6), full))
    True
    """
    X, h0, Wx, Wh, b = _check(X, h0, Wx, Wh, b, gates=1)
    m, T, _ = X.shape
    dH = _check_dH(dH, m, T, h0.shape[1])
    chunk = _validate.positive_int(chunk, "chunk")
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
    h = h0
    for start in range(0, T, chunk):
        stop = min(start + chunk, T)
        _, _, gx, gh, gb = rnn_backward(dH[:, start:stop], X[:, start:stop], h, Wx, Wh, b)
        dWx, dWh, db = dWx + gx, dWh + gh, db + gb
        h = rnn(X[:, start:stop], h, Wx, Wh, b)[:, -1]
    return dWx, dWh, db

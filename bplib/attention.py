"""Scaled dot-product attention and its backward pass (chapter 15).

- :func:`attention`: O = softmax(Q Kᵀ/√d, masked) V, batched as PyTorch's
  ``scaled_dot_product_attention`` (eq-attention-scores, eq-attention-mask, eq-attention-output).
- :func:`attention_backward`: dQ, dK, dV through the softmax Jacobian of chapter 07
  (eq-attention-dv, eq-attention-dscores, eq-attention-dqk).
- :func:`attention_weights`: the matrix P of attention weights that :func:`attention` mixes V with.
- :func:`causal_mask`: the lower-triangular mask (query i may attend to keys j ≤ i).
- :func:`softmax_saturation`: how peaked softmax(q·k) is, and how small its Jacobian, against the
  width d, with and without the 1/√d (the measurement behind the scale factor).

Shapes: Q (m, T_q, d), K (m, T_k, d), V (m, T_k, d_v), mask (T_q, T_k) bool with True = may
attend, O (m, T_q, d_v).  The softmax is :func:`bplib.softmax` and its Jacobian product
:func:`bplib.softmax_backward`, applied to the scores reshaped to (m·T_q, T_k).
"""
from __future__ import annotations

import numpy as np

from ._validate import _array, as_float_array, positive_int, seed as _seed
from .activations import softmax, softmax_backward
from .registry import implements

__all__ = ["attention", "attention_backward", "attention_weights", "causal_mask", "softmax_saturation"]


# ---------------------------------------------------------------------------- argument checks
def _tensor3(x, name: str, want: str) -> np.ndarray:
    # 3-D, numeric, finite and not empty (the package's input-handling table)
    arr = as_float_array(x, name)
    if arr.ndim != 3:
        raise ValueError(f"{name}: expected a 3-D array of shape {want}, got shape {arr.shape} "
                         f"(nothing is reshaped: use x[None] for a single sequence)")
    if arr.shape[0] == 0:
        raise ValueError(f"{name}: empty batch, expected at least one sequence, shape {want}, "
                         f"got shape {arr.shape}")
    if 0 in arr.shape[1:]:
        raise ValueError(f"{name}: expected at least one position and one feature, shape {want}, "
                         f"got shape {arr.shape}")
    return arr


def _check_qkv(Q, K, V):
    Q = _tensor3(Q, "Q", "(m, T_q, d)")
    K = _tensor3(K, "K", "(m, T_k, d)")
    V = _tensor3(V, "V", "(m, T_k, d_v)")
    m, _, d = Q.shape
    if K.shape[0] != m or K.shape[2] != d:
        raise ValueError(f"K: expected shape (m, T_k, d) = ({m}, T_k, {d}) to match Q of shape {Q.shape} "
                         f"(same batch size m and width d), got shape {K.shape}")
    if V.shape[0] != m or V.shape[1] != K.shape[1]:
        raise ValueError(f"V: expected shape (m, T_k, d_v) = ({m}, {K.shape[1]}, d_v) to match K of shape "
                         f"{K.shape} (one value per key), got shape {V.shape}")
    return Q, K, V


def _check_mask(mask, T_q: int, T_k: int):
    # a mask is a bool array: anything else (0/1 integers, floats, text, a masked array with
    # masked entries) is a value of the wrong kind, a TypeError; a wrong shape is a ValueError
    if mask is None:
        return None
    arr = _array(mask, "mask", f"a bool array of shape ({T_q}, {T_k})")
    if arr.dtype != np.bool_:
        raise TypeError(f"mask: expected a bool array of shape (T_q, T_k) = ({T_q}, {T_k}) with True = may "
                        f"attend, got dtype {arr.dtype} (use mask.astype(bool) if 1 means may attend; a float mask "
                        f"is not added to the scores as in PyTorch)")
    if arr.shape != (T_q, T_k):
        raise ValueError(f"mask: expected shape (T_q, T_k) = ({T_q}, {T_k}) from Q and K, got shape {arr.shape}")
    empty = np.flatnonzero(~arr.any(axis=1))
    if empty.size:
        raise ValueError(f"mask: query row(s) {empty.tolist()} of the ({T_q}, {T_k}) mask may attend to no key; "
                         f"softmax over an empty set of keys is undefined")
    return arr


def _check_scale(scale) -> bool:
    if not isinstance(scale, (bool, np.bool_)):
        raise TypeError(f"scale: expected True or False, got {scale!r}")
    return bool(scale)


# ---------------------------------------------------------------------------- forward
def causal_mask(T: int) -> np.ndarray:
    """The causal mask of a sequence of length T: query i may attend to keys j ≤ i.

    Returns
    -------
    ndarray of bool, shape (T, T), lower triangular (diagonal included).

    Examples
    --------
    >>> causal_mask(3).astype(int).tolist()
    [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
    """
    T = positive_int(T, "T")
    return np.tril(np.ones((T, T), dtype=bool))


def _weights(Q, K, mask, scale):
    d = Q.shape[2]
    S = Q @ K.transpose(0, 2, 1)                      # (m, T_q, T_k)
    if scale:
        S = S / np.sqrt(d)
    if mask is not None:
        S = np.where(mask, S, -np.inf)                # masked scores: e^{-inf} = 0 inside softmax
    m, T_q, T_k = S.shape
    return softmax(S.reshape(m * T_q, T_k)).reshape(m, T_q, T_k)


def attention_weights(Q, K, mask=None, scale: bool = True) -> np.ndarray:
    """Attention weights P = softmax(Q Kᵀ/√d) row by row, masked entries exactly 0.

    Parameters
    ----------
    Q : ndarray, shape (m, T_q, d)
    K : ndarray, shape (m, T_k, d)
    mask : ndarray of bool, shape (T_q, T_k), optional    True = may attend
    scale : bool    divide the scores by √d (``False`` only to study what the factor does)

    Returns
    -------
    ndarray, shape (m, T_q, T_k); every row is a probability distribution over the keys.

    Examples
    --------
    >>> P = attention_weights(np.ones((1, 2, 4)), np.ones((1, 3, 4)))
    >>> np.round(P, 3).tolist()
    [[[0.333, 0.333, 0.333], [0.333, 0.333, 0.333]]]
    """
    Q = _tensor3(Q, "Q", "(m, T_q, d)")
    K = _tensor3(K, "K", "(m, T_k, d)")
    Q, K, _ = _check_qkv(Q, K, np.zeros((K.shape[0], K.shape[1], 1)))
    mask = _check_mask(mask, Q.shape[1], K.shape[1])
    return _weights(Q, K, mask, _check_scale(scale))


@implements("eq-attention-scores", chapter="15_attention")
@implements("eq-attention-mask", chapter="15_attention")
@implements("eq-attention-output", chapter="15_attention")
def attention(Q, K, V, mask=None):
    """Scaled dot-product attention, O = softmax(Q Kᵀ/√d, masked) V (chapter 15).

    The scores S = Q Kᵀ/√d (eq-attention-scores) get −∞ where the mask is False
    (eq-attention-mask), so that softmax gives those keys weight exactly 0; each query's output is
    the weighted mean of the values, O = P V (eq-attention-output).  Batched over the first axis,
    like ``torch.nn.functional.scaled_dot_product_attention`` with a bool ``attn_mask``.

    Parameters
    ----------
    Q : ndarray, shape (m, T_q, d)      queries
    K : ndarray, shape (m, T_k, d)      keys (same width d as the queries)
    V : ndarray, shape (m, T_k, d_v)    values (one per key)
    mask : ndarray of bool, shape (T_q, T_k), optional
        True where query i may attend to key j; every row needs at least one True.

    Returns
    -------
    O : ndarray, shape (m, T_q, d_v)

    Raises
    ------
    ValueError
        For arrays that are not 3-D, empty or not finite, K of another width or batch size than Q,
        V of another length than K, a mask of the wrong shape or with a row that is all False.
    TypeError
        For non-numeric arrays, and a mask that is not a bool array (0/1 integers included).

    Examples
    --------
    >>> Q = np.array([[[1.0, 0.0]]]); K = np.array([[[1.0, 0.0], [0.0, 1.0]]])
    >>> V = np.array([[[1.0], [3.0]]])
    >>> np.round(attention(Q, K, V), 4).tolist()
    [[[1.6605]]]
    """
    Q, K, V = _check_qkv(Q, K, V)
    mask = _check_mask(mask, Q.shape[1], K.shape[1])
    return _weights(Q, K, mask, True) @ V


# ---------------------------------------------------------------------------- backward
@implements("eq-attention-dv", chapter="15_attention")
@implements("eq-attention-dscores", chapter="15_attention")
@implements("eq-attention-dqk", chapter="15_attention")
def attention_backward(dO, Q, K, V, mask=None):
    """Gradients of a cost C with respect to Q, K and V, given dO = ∂C/∂O (chapter 15).

    With P the attention weights of the forward pass:

    - dV = Pᵀ dO and dP = dO Vᵀ (eq-attention-dv);
    - dS = P ⊙ (dP − rowsum(dP ⊙ P)), the softmax Jacobian of chapter 07 applied row by row by
      :func:`bplib.softmax_backward` (eq-attention-dscores); masked entries have P = 0 and so get
      dS = 0;
    - dQ = dS K/√d and dK = dSᵀ Q/√d (eq-attention-dqk).

    Parameters
    ----------
    dO : ndarray, shape (m, T_q, d_v)   upstream gradient, the shape of :func:`attention`'s output
    Q : ndarray, shape (m, T_q, d)
    K : ndarray, shape (m, T_k, d)
    V : ndarray, shape (m, T_k, d_v)
    mask : ndarray of bool, shape (T_q, T_k), optional

    Returns
    -------
    dQ, dK, dV : ndarrays with the shapes of Q, K and V

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> Q, K, V = rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 5, 4)), rng.normal(size=(2, 5, 2))
    >>> dQ, dK, dV = attention_backward(np.ones((2, 3, 2)), Q, K, V)
    >>> dQ.shape, dK.shape, dV.shape
    ((2, 3, 4), (2, 5, 4), (2, 5, 2))
    """
    Q, K, V = _check_qkv(Q, K, V)
    mask = _check_mask(mask, Q.shape[1], K.shape[1])
    m, T_q, d = Q.shape
    T_k, d_v = K.shape[1], V.shape[2]
    dO = _tensor3(dO, "dO", "(m, T_q, d_v)")
    if dO.shape != (m, T_q, d_v):
        raise ValueError(f"dO: expected the shape of the output (m, T_q, d_v) = ({m}, {T_q}, {d_v}), "
                         f"got shape {dO.shape}")
    P = _weights(Q, K, mask, True)                                  # (m, T_q, T_k)
    dV = P.transpose(0, 2, 1) @ dO                                  # eq-attention-dv
    dP = dO @ V.transpose(0, 2, 1)                                  # (m, T_q, T_k)
    dS = softmax_backward(P.reshape(m * T_q, T_k), dP.reshape(m * T_q, T_k)).reshape(m, T_q, T_k)
    dS = dS / np.sqrt(d)                                            # the 1/√d of the scores
    dQ = dS @ K                                                     # eq-attention-dqk
    dK = dS.transpose(0, 2, 1) @ Q
    return dQ, dK, dV


# ---------------------------------------------------------------------------- why 1/√d
def softmax_saturation(dims, n_keys: int = 16, samples: int = 2000, scale: bool = True, seed: int = 0):
    """How saturated softmax(q·k_j) is for random unit-variance q and keys of width d.

    For each d, draws ``samples`` queries q with independent N(0, 1) entries and, for each, the
    scores q·k_j of ``n_keys`` keys with independent N(0, 1) entries.  Given q, such a score is
    exactly N(0, ‖q‖²) distributed, so it is drawn as ‖q‖ z_j with z_j ~ N(0, 1) instead of
    forming the d entries of every key (the same distribution, at a cost independent of d).
    The scores are divided by √d when ``scale``.  Records the largest attention weight and the
    Frobenius norm of the softmax Jacobian diag(p) − p pᵀ (eq-softmax-jacobian), whose size
    bounds the gradient that reaches the scores.

    Parameters
    ----------
    dims : sequence of int     widths d to measure
    n_keys : int               keys per query (T_k)
    samples : int              queries per width
    scale : bool               divide the scores by √d
    seed : int                 seed of ``np.random.default_rng``

    Returns
    -------
    dict of ndarrays, each of shape (len(dims),):
        ``"score_std"`` the standard deviation of the scores, ``"max_weight"`` the mean largest
        weight, ``"jacobian_norm"`` the mean Jacobian norm, ``"saturated"`` the fraction of
        queries whose largest weight exceeds 0.99.

    Examples
    --------
    >>> r = softmax_saturation([4, 256], samples=200, scale=False)
    >>> bool(r["max_weight"][1] > r["max_weight"][0])
    True
    """
    if isinstance(dims, (str, bytes)) or not np.iterable(dims):
        raise TypeError(f"dims: expected a sequence of widths (integers ≥ 1), got {dims!r}")
    dims = [positive_int(d, "dims") for d in dims]
    n_keys = positive_int(n_keys, "n_keys")
    samples = positive_int(samples, "samples")
    scale = _check_scale(scale)
    rng = np.random.default_rng(_seed(seed))
    out = {k: np.zeros(len(dims)) for k in ("score_std", "max_weight", "jacobian_norm", "saturated")}
    for i, d in enumerate(dims):
        q_norm = np.linalg.norm(rng.normal(size=(samples, d)), axis=1, keepdims=True)
        S = q_norm * rng.normal(size=(samples, n_keys))        # q·k_j for N(0, 1) keys, given q
        if scale:
            S = S / np.sqrt(d)
        P = softmax(S)
        # ‖diag(p) − p pᵀ‖_F² = Σ p_i² − 2 Σ p_i³ + (Σ p_i²)²
        p2 = (P ** 2).sum(axis=1)
        jac = np.sqrt(np.maximum(p2 - 2.0 * (P ** 3).sum(axis=1) + p2 ** 2, 0.0))
        out["score_std"][i] = S.std()
        out["max_weight"][i] = P.max(axis=1).mean()
        out["jacobian_norm"][i] = jac.mean()
        out["saturated"][i] = (P.max(axis=1) > 0.99).mean()
    return out

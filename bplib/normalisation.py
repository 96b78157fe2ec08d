"""Batch normalisation and layer normalisation: forward passes and backward passes (chapter 14).

Shapes (batch in rows, as everywhere in bplib): X (m, n); gamma, beta (n,); Y and dY (m, n).

- :func:`batch_norm` (eq-bn-forward): statistics over the batch (axis 0), biased variance,
  training mode (the statistics of the batch at hand, no running averages).
- :func:`batch_norm_backward_graph` (eq-bn-backward-graph): the backward pass traced node by
  node through the computational graph of the forward pass.
- :func:`batch_norm_backward` (eq-bn-backward): the same gradients in the compact form.
- :func:`layer_norm` (eq-ln-forward) and :func:`layer_norm_backward` (eq-ln-backward):
  statistics over the features of each example (axis 1).

Each backward takes the upstream gradient dY = ∂C/∂Y followed by the forward's own arguments and
returns (dX, dgamma, dbeta), the gradients of C with respect to X, gamma and beta.
"""
from __future__ import annotations

import numpy as np

from ._validate import _array, as_matrix, positive_number
from .registry import implements

__all__ = ["batch_norm", "batch_norm_backward", "batch_norm_backward_graph",
           "layer_norm", "layer_norm_backward"]


# ---------------------------------------------------------------------------- argument checks
def _vector(x, name: str, n: int) -> np.ndarray:
    arr = _array(x, name, f"a 1-D numeric array of shape ({n},)")  # text, None, masked, objects
    if arr.shape != (n,):
        raise ValueError(f"{name}: expected shape ({n},), one entry per column of X, got shape {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name}: contains NaN or infinite values (shape {arr.shape})")
    return arr.astype(np.float64) if arr.dtype.kind != "f" else arr


_FORWARD = object()  # _check's dY in a forward call (dY=None is a caller's mistake)


def _check(X, gamma, beta, eps, *, axis: int, dY=_FORWARD):
    X = as_matrix(X, "X")
    m, n = X.shape
    if axis == 0 and m < 2:
        raise ValueError(f"X: batch normalisation needs a batch of at least 2 rows, got shape {X.shape} "
                         f"(with one row every output equals beta and no gradient reaches X)")
    if axis == 1 and n < 2:
        raise ValueError(f"X: layer normalisation needs at least 2 columns, got shape {X.shape} "
                         f"(with one feature every output equals beta and no gradient reaches X)")
    gamma = _vector(gamma, "gamma", n)
    beta = _vector(beta, "beta", n)
    eps = positive_number(eps, "eps")
    if dY is _FORWARD:
        return X, gamma, beta, eps
    dY = as_matrix(dY, "dY")
    if dY.shape != X.shape:
        raise ValueError(f"dY: expected the shape of X, {X.shape}, got shape {dY.shape}")
    return dY, X, gamma, beta, eps


def _normalise(X, eps, axis):
    inv_count = 1.0 / X.shape[axis]         # sums times 1/count: np.mean's overhead matters in deep nets
    mu = X.sum(axis=axis, keepdims=True) * inv_count
    xc = X - mu
    var = (xc * xc).sum(axis=axis, keepdims=True) * inv_count          # biased: divides by the count
    inv_std = 1.0 / np.sqrt(var + eps)
    return xc * inv_std, inv_std


def _norm_forward(X, gamma, beta, eps, axis):
    # the forward pass of eq-bn-forward (axis 0) and eq-ln-forward (axis 1) on checked arrays
    x_hat, _ = _normalise(X, eps, axis)
    return gamma * x_hat + beta


def _norm_backward(dY, X, gamma, eps, axis):
    # eq-bn-backward (axis 0) and eq-ln-backward (axis 1) on checked arrays
    count = X.shape[axis]
    x_hat, inv_std = _normalise(X, eps, axis)
    dbeta = dY.sum(axis=0)
    dgamma = (dY * x_hat).sum(axis=0)
    if axis == 0:   # γ is constant along the batch: it factors out of the sums
        dX = (gamma * inv_std / count) * (count * dY - dbeta - x_hat * dgamma)
    else:           # γ varies along the features: it stays inside the sums
        g = dY * gamma
        dX = (inv_std / count) * (count * g - g.sum(axis=1, keepdims=True)
                                  - x_hat * (g * x_hat).sum(axis=1, keepdims=True))
    return dX, dgamma, dbeta


# ---------------------------------------------------------------------------- batch norm
@implements("eq-bn-forward", chapter="14_normalisation_and_residuals")
def batch_norm(X, gamma, beta, eps: float = 1e-5):
    """Batch normalisation in training mode  (eq-bn-forward, chapter 14).

    For every column j: μ_j = (1/m) Σ_i X_ij, σ²_j = (1/m) Σ_i (X_ij − μ_j)² (biased),
    X̂_ij = (X_ij − μ_j) / √(σ²_j + ε) and Y_ij = γ_j X̂_ij + β_j.

    Parameters
    ----------
    X : ndarray, shape (m, n), m ≥ 2
        A batch of m examples with n features each.
    gamma, beta : ndarray, shape (n,)
        Scale and shift, one per feature.
    eps : float, > 0

    Returns
    -------
    Y : ndarray, shape (m, n)

    Examples
    --------
    >>> batch_norm(np.array([[1.0], [3.0]]), np.array([2.0]), np.array([0.5]), eps=1e-12).round(6).tolist()
    [[-1.5], [2.5]]
    """
    X, gamma, beta, eps = _check(X, gamma, beta, eps, axis=0)
    return _norm_forward(X, gamma, beta, eps, axis=0)


@implements("eq-bn-backward-graph", chapter="14_normalisation_and_residuals")
def batch_norm_backward_graph(dY, X, gamma, beta, eps: float = 1e-5):
    """Backward pass of :func:`batch_norm`, node by node through its computational graph
    (eq-bn-backward-graph, chapter 14).

    The forward pass as a graph of eight elementary nodes: μ = mean(X), X_c = X − μ, S = X_c²,
    σ² = mean(S), s = √(σ² + ε), r = 1/s, X̂ = X_c r, Y = γ X̂ + β.  Each node's local derivative
    is applied in reverse order; where a node feeds two others (X_c feeds S and X̂; X feeds X_c
    directly and through μ) the two incoming gradients are added.

    Parameters
    ----------
    dY : ndarray, shape (m, n)
        Upstream gradient ∂C/∂Y.
    X : ndarray, shape (m, n), m ≥ 2
    gamma, beta : ndarray, shape (n,)
    eps : float, > 0

    Returns
    -------
    dX : ndarray, shape (m, n)
    dgamma, dbeta : ndarray, shape (n,)

    Examples
    --------
    >>> X = np.array([[1.0], [2.0], [4.0]])
    >>> dX, dg, db = batch_norm_backward_graph(np.array([[1.0], [0.0], [0.0]]), X, np.ones(1), np.zeros(1))
    >>> bool(abs(dX.sum()) < 1e-12)
    True
    """
    dY, X, gamma, beta, eps = _check(X, gamma, beta, eps, axis=0, dY=dY)
    m = X.shape[0]
    # forward, keeping every node
    mu = X.mean(axis=0)                 # node 1
    xc = X - mu                         # node 2
    sq = xc ** 2                        # node 3
    var = sq.mean(axis=0)               # node 4
    std = np.sqrt(var + eps)            # node 5
    inv = 1.0 / std                     # node 6
    x_hat = xc * inv                    # node 7
    # backward, last node first
    dbeta = dY.sum(axis=0)              # node 8: Y = γ X̂ + β
    dgamma = (dY * x_hat).sum(axis=0)
    dx_hat = dY * gamma
    dinv = (dx_hat * xc).sum(axis=0)    # node 7: X̂ = X_c r   (r is shared by the column: sum)
    dxc = dx_hat * inv                  #          first path into X_c
    dstd = -dinv / std ** 2             # node 6: r = 1/s
    dvar = 0.5 * dstd / std             # node 5: s = √(σ² + ε)
    dsq = np.broadcast_to(dvar / m, sq.shape)   # node 4: σ² = mean(S)   (copies to every row)
    dxc = dxc + 2.0 * xc * dsq          # node 3: S = X_c²   second path into X_c, added
    dmu = -dxc.sum(axis=0)              # node 2: X_c = X − μ   (μ is shared by the column: sum)
    dX = dxc + dmu / m                  # node 1: μ = mean(X)   plus the direct path from node 2
    return dX, dgamma, dbeta


@implements("eq-bn-backward", chapter="14_normalisation_and_residuals")
def batch_norm_backward(dY, X, gamma, beta, eps: float = 1e-5):
    """Backward pass of :func:`batch_norm` in compact form  (eq-bn-backward, chapter 14).

    dX = (γ / (m √(σ² + ε))) ⊙ (m dY − Σ_i dY − X̂ ⊙ Σ_i (dY ⊙ X̂)),
    dγ = Σ_i dY ⊙ X̂,  dβ = Σ_i dY,  sums over the batch (rows).

    The second term is the path through the mean μ, the third the path through the variance σ².
    Because Σ_i X̂_ij = 0, the columns of dX sum to zero over the batch.

    Parameters
    ----------
    dY : ndarray, shape (m, n)
        Upstream gradient ∂C/∂Y.
    X : ndarray, shape (m, n), m ≥ 2
    gamma, beta : ndarray, shape (n,)
    eps : float, > 0

    Returns
    -------
    dX : ndarray, shape (m, n)
    dgamma, dbeta : ndarray, shape (n,)

    Examples
    --------
    >>> X = np.array([[1.0, 0.0], [2.0, 5.0], [4.0, 1.0]])
    >>> dX, dg, db = batch_norm_backward(np.ones((3, 2)), X, np.ones(2), np.zeros(2))
    >>> bool(np.abs(dX).max() < 1e-12), db.tolist()
    (True, [3.0, 3.0])
    """
    dY, X, gamma, beta, eps = _check(X, gamma, beta, eps, axis=0, dY=dY)
    return _norm_backward(dY, X, gamma, eps, axis=0)


# ---------------------------------------------------------------------------- layer norm
@implements("eq-ln-forward", chapter="14_normalisation_and_residuals")
def layer_norm(X, gamma, beta, eps: float = 1e-5):
    """Layer normalisation  (eq-ln-forward, chapter 14).

    For every row i: μ_i = (1/n) Σ_j X_ij, σ²_i = (1/n) Σ_j (X_ij − μ_i)² (biased),
    X̂_ij = (X_ij − μ_i) / √(σ²_i + ε) and Y_ij = γ_j X̂_ij + β_j.  Each example is normalised on
    its own; the same at training and test time.

    Parameters
    ----------
    X : ndarray, shape (m, n), n ≥ 2
    gamma, beta : ndarray, shape (n,)
    eps : float, > 0

    Returns
    -------
    Y : ndarray, shape (m, n)

    Examples
    --------
    >>> layer_norm(np.array([[1.0, 3.0]]), np.ones(2), np.zeros(2), eps=1e-12).round(6).tolist()
    [[-1.0, 1.0]]
    """
    X, gamma, beta, eps = _check(X, gamma, beta, eps, axis=1)
    return _norm_forward(X, gamma, beta, eps, axis=1)


@implements("eq-ln-backward", chapter="14_normalisation_and_residuals")
def layer_norm_backward(dY, X, gamma, beta, eps: float = 1e-5):
    """Backward pass of :func:`layer_norm`  (eq-ln-backward, chapter 14).

    With G = dY ⊙ γ (the gradient at X̂; γ varies along the normalised axis, so it enters the sums):
    dX = (1 / (n √(σ²_i + ε))) (n G − Σ_j G − X̂ ⊙ Σ_j (G ⊙ X̂)), sums over the features of each
    row; dγ = Σ_i dY ⊙ X̂ and dβ = Σ_i dY still sum over the batch.  Every row of dX sums to zero.

    Parameters
    ----------
    dY : ndarray, shape (m, n)
    X : ndarray, shape (m, n), n ≥ 2
    gamma, beta : ndarray, shape (n,)
    eps : float, > 0

    Returns
    -------
    dX : ndarray, shape (m, n)
    dgamma, dbeta : ndarray, shape (n,)

    Examples
    --------
    >>> dX, dg, db = layer_norm_backward(np.ones((2, 3)), np.array([[1.0, 2.0, 4.0], [0.0, 1.0, 0.0]]),
    ...                                  np.ones(3), np.zeros(3))
    >>> bool(np.abs(dX).max() < 1e-12), db.tolist()
    (True, [2.0, 2.0, 2.0])
    """
    dY, X, gamma, beta, eps = _check(X, gamma, beta, eps, axis=1, dY=dY)
    return _norm_backward(dY, X, gamma, eps, axis=1)

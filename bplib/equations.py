"""The four equations of backpropagation in batch (matrix) form.

A batch is stacked in rows: Z^l = A^{l-1} (W^l)ᵀ + b^l, with A^l of shape (m, n_l) and
W^l of shape (n_l, n_{l-1}).  Δ^l = ∂C/∂Z^l (shape (m, n_l)) is the batch of deltas; because the
cost is the batch mean, the 1/m is already inside ∂C/∂A^L and therefore inside every Δ.

=========  =====================================  ===========================================
label      per example (column vectors)           batch (this module)
=========  =====================================  ===========================================
eq-bp1     δ^L = ∇_a C ⊙ f'(z^L)                  Δ^L = G ⊙ F'(Z^L)
eq-bp2     δ^l = ((W^{l+1})ᵀ δ^{l+1}) ⊙ f'(z^l)   Δ^l = (Δ^{l+1} W^{l+1}) ⊙ F'(Z^l)
eq-bp3     ∂C/∂b^l = δ^l                          Σ_rows Δ^l
eq-bp4     ∂C/∂w^l_jk = a^{l-1}_k δ^l_j           (Δ^l)ᵀ A^{l-1}
=========  =====================================  ===========================================
"""
from __future__ import annotations

import numpy as np

from ._validate import _array, check_not_empty
from .registry import implements

__all__ = ["output_delta", "hidden_delta", "bias_gradient", "weight_gradient"]


def _matrix(x, name: str) -> np.ndarray:
    # fast path for the common case: a 2-D float ndarray
    if type(x) is np.ndarray and x.ndim == 2 and x.dtype.kind == "f" and x.size:
        return x
    arr = _array(x, name, "a 2-D numeric array")
    if arr.ndim != 2:
        raise ValueError(f"{name}: expected a 2-D array (a batch of rows), got shape {arr.shape}")
    check_not_empty(arr, name)
    return arr.astype(np.result_type(arr.dtype, np.float32), copy=False)


@implements("eq-bp1", chapter="04_matrix_form")
def output_delta(grad_a, df_z):
    """Output-layer delta, Δ^L = ∂C/∂A^L ⊙ f'(Z^L)  (eq-bp1, chapter 04).

    Parameters
    ----------
    grad_a : ndarray, shape (m, n_L)
        Gradient of the batch cost with respect to the output activations (contains the 1/m).
    df_z : ndarray, shape (m, n_L)
        Derivative of the output activation at Z^L.

    Returns
    -------
    ndarray, shape (m, n_L)

    Examples
    --------
    >>> output_delta(np.array([[0.5, -1.0]]), np.array([[0.25, 0.5]])).tolist()
    [[0.125, -0.5]]
    """
    grad_a = _matrix(grad_a, "grad_a")
    df_z = _matrix(df_z, "df_z")
    if grad_a.shape != df_z.shape:
        raise ValueError(f"grad_a and df_z must have the same shape (m, n_L), "
                         f"got grad_a {grad_a.shape} and df_z {df_z.shape}")
    with np.errstate(under="ignore"):  # a product below the float range is 0, correctly
        return grad_a * df_z


@implements("eq-bp2", chapter="04_matrix_form")
def hidden_delta(delta_next, W_next, df_z):
    """Hidden-layer delta from the next layer's, Δ^l = (Δ^{l+1} W^{l+1}) ⊙ f'(Z^l)  (eq-bp2, chapter 04).

    Parameters
    ----------
    delta_next : ndarray, shape (m, n_{l+1})
    W_next : ndarray, shape (n_{l+1}, n_l)
        Weights of layer l+1 (to layer l+1 from layer l).
    df_z : ndarray, shape (m, n_l)
        Derivative of layer l's activation at Z^l.

    Returns
    -------
    ndarray, shape (m, n_l)

    Examples
    --------
    >>> hidden_delta(np.array([[1.0]]), np.array([[2.0, 3.0]]), np.array([[0.5, 0.5]])).tolist()
    [[1.0, 1.5]]
    """
    delta_next = _matrix(delta_next, "delta_next")
    W_next = _matrix(W_next, "W_next")
    df_z = _matrix(df_z, "df_z")
    m, n_next = delta_next.shape
    if W_next.shape[0] != n_next:
        raise ValueError(f"W_next: expected shape ({n_next}, n_l) to match delta_next {delta_next.shape}, "
                         f"got W_next {W_next.shape}")
    if df_z.shape != (m, W_next.shape[1]):
        raise ValueError(f"df_z: expected shape {(m, W_next.shape[1])} from delta_next {delta_next.shape} "
                         f"and W_next {W_next.shape}, got df_z {df_z.shape}")
    with np.errstate(under="ignore"):  # a product below the float range is 0, correctly
        delta = delta_next @ W_next
        if delta.dtype != df_z.dtype:  # mixed dtypes: let numpy promote as usual
            return delta * df_z
        delta *= df_z  # in place on the fresh product: one (m, n_l) array, not two
    return delta


@implements("eq-bp3", chapter="04_matrix_form")
def bias_gradient(delta):
    """Bias gradient, ∂C/∂b^l = Σ over the batch of Δ^l  (eq-bp3, chapter 04).

    Parameters
    ----------
    delta : ndarray, shape (m, n_l)

    Returns
    -------
    ndarray, shape (n_l,)

    Examples
    --------
    >>> bias_gradient(np.array([[1.0, 2.0], [3.0, 4.0]])).tolist()
    [4.0, 6.0]
    """
    delta = _matrix(delta, "delta")
    return delta.sum(axis=0)


@implements("eq-bp4", chapter="04_matrix_form")
def weight_gradient(delta, A_prev):
    """Weight gradient, ∂C/∂W^l = (Δ^l)ᵀ A^{l-1}  (eq-bp4, chapter 04).

    Parameters
    ----------
    delta : ndarray, shape (m, n_l)
    A_prev : ndarray, shape (m, n_{l-1})
        Activations of the previous layer (the input X for the first layer).

    Returns
    -------
    ndarray, shape (n_l, n_{l-1}), the shape of W^l.

    Examples
    --------
    >>> weight_gradient(np.array([[1.0], [2.0]]), np.array([[1.0, 0.0], [0.0, 1.0]])).tolist()
    [[1.0, 2.0]]
    """
    delta = _matrix(delta, "delta")
    A_prev = _matrix(A_prev, "A_prev")
    if delta.shape[0] != A_prev.shape[0]:
        raise ValueError(f"delta and A_prev must have the same number of rows m, "
                         f"got delta {delta.shape} and A_prev {A_prev.shape}")
    with np.errstate(under="ignore"):
        return delta.T @ A_prev

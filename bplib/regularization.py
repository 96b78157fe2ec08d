"""L2 regularisation (weight decay) of the weights; biases are not regularised."""
from __future__ import annotations

import numpy as np

from ._validate import as_float_array, nonnegative_number
from .registry import implements

__all__ = ["l2_penalty", "l2_gradient"]


def l2_penalty(weights, lam: float) -> float:
    """(λ/2) Σ_l ‖W^l‖²_F, the term L2 regularisation adds to the cost.

    Parameters
    ----------
    weights : list of ndarray, weights[i] of shape (n_{i+1}, n_i)
    lam : float, ≥ 0
    """
    lam = nonnegative_number(lam, "lam")
    if isinstance(weights, (str, bytes, np.ndarray)) or not hasattr(weights, "__iter__"):
        raise TypeError(f"weights: expected a list of weight matrices, got {type(weights).__name__}")
    weights = [as_float_array(W, f"weights[{i}]") for i, W in enumerate(weights)]
    with np.errstate(under="ignore"):
        return float(0.5 * lam * sum(np.sum(W * W) for W in weights))


@implements("eq-l2-gradient", chapter="07_softmax_cross_entropy")
def l2_gradient(dW, W, lam: float):
    """Weight gradient with the L2 term: ∂C/∂W = ∂C_data/∂W + λW  (eq-l2-gradient, chapter 07).

    Parameters
    ----------
    dW : ndarray, shape (n_l, n_{l-1})   gradient of the data term (eq-bp4)
    W : ndarray, shape (n_l, n_{l-1})    the weights
    lam : float, ≥ 0

    Returns
    -------
    ndarray, shape (n_l, n_{l-1})
    """
    dW, W = as_float_array(dW, "dW", finite=False), as_float_array(W, "W", finite=False)
    if dW.shape != W.shape:
        raise ValueError(f"dW and W must have the same shape, got dW {dW.shape} and W {W.shape}")
    lam = nonnegative_number(lam, "lam")
    with np.errstate(under="ignore"):  # a product below the float range is 0, correctly
        return dW + lam * W if lam else dW.copy()

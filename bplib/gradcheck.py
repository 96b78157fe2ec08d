"""Gradient checking: central finite differences in float64 and the relative error."""
from __future__ import annotations

from typing import Callable

import numpy as np

from ._validate import as_float_array, positive_number
from .registry import implements

__all__ = ["numerical_gradient", "relative_error"]


@implements("eq-central-difference", chapter="05_gradient_checking")
def numerical_gradient(f: Callable[[np.ndarray], float], x, eps: float = 1e-6):
    """Gradient of a scalar function by central differences (eq-central-difference, chapter 05).

    ∂f/∂x_i ≈ (f(x + ε e_i) − f(x − ε e_i)) / (2ε), with error O(ε²).  Always evaluated in
    float64; ``x`` is copied, never modified.

    Parameters
    ----------
    f : callable
        Maps an array shaped like ``x`` to a scalar.
    x : array_like, any shape
        Point at which to differentiate.
    eps : float, > 0
        Step size.  1e-6 balances truncation error (∝ ε²) against round-off (∝ 1e-16/ε).

    Returns
    -------
    ndarray of float64, same shape as x.  Costs 2·x.size evaluations of f.

    Examples
    --------
    >>> g = numerical_gradient(lambda v: float(np.sum(v ** 3)), np.array([1.0, 2.0]))
    >>> np.allclose(g, [3.0, 12.0])
    True
    """
    eps = positive_number(eps, "eps")
    x = as_float_array(x, "x").astype(np.float64, copy=True)
    grad = np.empty_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        f_plus = float(f(x))
        flat[i] = old - eps
        f_minus = float(f(x))
        flat[i] = old
        gflat[i] = (f_plus - f_minus) / (2.0 * eps)
    return grad


@implements("eq-relative-error", chapter="05_gradient_checking")
def relative_error(a, b):
    """Relative error ‖a − b‖ / (‖a‖ + ‖b‖) of two arrays  (eq-relative-error, chapter 05).

    Scale-free and symmetric; 0 when both are exactly zero.  Nested sequences of arrays (e.g.
    the ``(dWs, dbs)`` pair returned by :meth:`MLP.gradients`) are flattened and concatenated.

    Parameters
    ----------
    a, b : array_like or sequence of array_like, with matching shapes

    Returns
    -------
    float in [0, 1]

    Examples
    --------
    >>> relative_error([1.0, 2.0], [1.0, 2.0])
    0.0
    """
    a, b = _flatten(a, "a"), _flatten(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same number of entries, got a {a.shape} and b {b.shape}")
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    if denom == 0:
        return 0.0
    return float(np.linalg.norm(a - b) / denom)


def _flatten(x, name):
    if isinstance(x, (list, tuple)):
        parts = [_flatten(p, name) for p in x]
        return np.concatenate(parts) if parts else np.zeros(0)
    return as_float_array(x, name, finite=False).astype(np.float64).reshape(-1)

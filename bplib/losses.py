"""Cost functions.  One signature: ``value(Y_hat, Y)`` averaged over the batch and
``grad(Y_hat, Y)`` = ∂C/∂Y_hat, the gradient with respect to the output activation.

The cost over a batch of m examples is C = (1/m) Σ_x C_x, so every gradient carries the 1/m.

- ``mse``: C_x = ½‖a − y‖² (eq-mse); ∂C/∂A = (A − Y)/m.
- ``cross_entropy``: C_x = −Σ_j y_j log a_j for a softmax output (eq-cross-entropy).
- ``binary_cross_entropy``: C_x = −Σ_j [y_j log a_j + (1 − y_j) log(1 − a_j)] for sigmoid outputs.

Probabilities are clipped to [EPS, 1 − EPS] before the logarithm (as scikit-learn's log_loss
does), so values and gradients stay finite.  For the numerically exact route from logits see
:func:`cross_entropy_from_logits` and :func:`binary_cross_entropy_from_logits`, and for the fused
deltas :func:`softmax_cross_entropy_delta` and :func:`sigmoid_binary_cross_entropy_delta`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ._validate import as_matrix, lookup, positive_int, same_shape
from .activations import _Table, log_softmax
from .registry import implements

__all__ = [
    "Loss", "LOSSES", "get_loss", "EPS",
    "mse", "mse_grad", "cross_entropy", "cross_entropy_grad",
    "binary_cross_entropy", "binary_cross_entropy_grad",
    "cross_entropy_from_logits", "binary_cross_entropy_from_logits",
    "softmax_cross_entropy_delta", "sigmoid_binary_cross_entropy_delta", "one_hot",
]

#: clipping used before taking logarithms of probabilities.
EPS = 1e-12


def _pair(Y_hat, Y):
    Y_hat = as_matrix(Y_hat, "Y_hat")
    Y = as_matrix(Y, "Y")
    same_shape(Y_hat, "Y_hat", Y, "Y")
    return Y_hat, Y


def _difference(Y_hat, Y):
    """Y_hat − Y after the checks of :func:`_pair`, with its Python overhead skipped in the
    common case (two finite float ndarrays of the same 2-D shape); any other input goes through
    :func:`_pair` itself, so errors and messages are unchanged."""
    if not (type(Y_hat) is np.ndarray and type(Y) is np.ndarray and Y_hat.ndim == 2
            and Y_hat.shape == Y.shape and Y_hat.size and Y_hat.dtype.kind == "f" and Y.dtype.kind == "f"
            and np.isfinite(Y_hat).all() and np.isfinite(Y).all()):
        Y_hat, Y = _pair(Y_hat, Y)
    return Y_hat - Y


def _probabilities(Y, name="Y"):
    if Y.size and (Y.min() < 0 or Y.max() > 1):
        raise ValueError(f"{name}: targets must lie in [0, 1], got values in "
                         f"[{Y.min():.6g}, {Y.max():.6g}] (shape {Y.shape})")


@implements("eq-mse", chapter="04_matrix_form")
def mse(Y_hat, Y):
    """Mean squared error with the ½ convention: C = (1/2m) Σ_x ‖a − y‖²  (eq-mse, chapter 04).

    Parameters
    ----------
    Y_hat, Y : ndarray, shape (m, k)

    Returns
    -------
    float

    Examples
    --------
    >>> mse(np.array([[1.0, 2.0]]), np.array([[0.0, 0.0]]))
    2.5
    """
    Y_hat, Y = _pair(Y_hat, Y)
    return float(0.5 * np.sum((Y_hat - Y) ** 2) / Y.shape[0])


def mse_grad(Y_hat, Y):
    """∂C/∂Y_hat of :func:`mse`: (Y_hat − Y)/m, shape (m, k)."""
    D = _difference(Y_hat, Y)
    D /= D.shape[0]
    return D


@implements("eq-cross-entropy", chapter="07_softmax_cross_entropy")
def cross_entropy(Y_hat, Y):
    """Categorical cross-entropy of probabilities Y_hat against targets Y  (eq-cross-entropy, chapter 07).

    C = −(1/m) Σ_x Σ_j y_j log a_j, with a clipped to [EPS, 1].

    Parameters
    ----------
    Y_hat : ndarray, shape (m, k)   predicted probabilities (rows of a softmax)
    Y : ndarray, shape (m, k)       one-hot (or probability) targets

    Returns
    -------
    float
    """
    Y_hat, Y = _pair(Y_hat, Y)
    _probabilities(Y)
    return float(-np.sum(Y * np.log(np.clip(Y_hat, EPS, 1.0))) / Y.shape[0])


def cross_entropy_grad(Y_hat, Y):
    """∂C/∂Y_hat of :func:`cross_entropy`: −Y / (m · clip(Y_hat)), shape (m, k)."""
    Y_hat, Y = _pair(Y_hat, Y)
    _probabilities(Y)
    return -Y / (np.clip(Y_hat, EPS, 1.0) * Y.shape[0])


def binary_cross_entropy(Y_hat, Y):
    """Binary cross-entropy of sigmoid outputs, summed over outputs and averaged over the batch.

    C = −(1/m) Σ_x Σ_j [y_j log a_j + (1 − y_j) log(1 − a_j)], a clipped to [EPS, 1 − EPS].

    Parameters
    ----------
    Y_hat, Y : ndarray, shape (m, k), values in [0, 1]

    Returns
    -------
    float
    """
    Y_hat, Y = _pair(Y_hat, Y)
    _probabilities(Y)
    eps = max(EPS, float(np.finfo(Y_hat.dtype).eps))  # 1 - 1e-12 is 1.0 in float32
    P = np.clip(Y_hat, eps, 1.0 - eps)
    return float(-np.sum(Y * np.log(P) + (1.0 - Y) * np.log1p(-P)) / Y.shape[0])


def binary_cross_entropy_grad(Y_hat, Y):
    """∂C/∂Y_hat of :func:`binary_cross_entropy`: (a − y) / (m · a(1 − a)), shape (m, k)."""
    Y_hat, Y = _pair(Y_hat, Y)
    _probabilities(Y)
    eps = max(EPS, float(np.finfo(Y_hat.dtype).eps))  # 1 - 1e-12 is 1.0 in float32
    P = np.clip(Y_hat, eps, 1.0 - eps)
    return (P - Y) / (P * (1.0 - P) * Y.shape[0])


def cross_entropy_from_logits(Z, Y):
    """Cross-entropy of softmax(Z) against Y computed through log-softmax (exact, never inf).

    Parameters
    ----------
    Z : ndarray, shape (m, k)   logits
    Y : ndarray, shape (m, k)   one-hot targets

    Returns
    -------
    float
    """
    Z, Y = as_matrix(Z, "Z"), as_matrix(Y, "Y")
    same_shape(Z, "Z", Y, "Y")
    _probabilities(Y)
    return float(-np.sum(Y * log_softmax(Z)) / Y.shape[0])


def binary_cross_entropy_from_logits(Z, Y):
    """Binary cross-entropy of sigmoid(Z) against Y, as ``log(1 + e^{−|z|}) + max(z, 0) − y z``."""
    Z, Y = as_matrix(Z, "Z"), as_matrix(Y, "Y")
    same_shape(Z, "Z", Y, "Y")
    _probabilities(Y)
    with np.errstate(under="ignore"):
        per_entry = np.maximum(Z, 0) - Z * Y + np.log1p(np.exp(-np.abs(Z)))
    return float(np.sum(per_entry) / Y.shape[0])


@implements("eq-ce-softmax-delta", chapter="07_softmax_cross_entropy")
def softmax_cross_entropy_delta(A, Y):
    """Output delta of a softmax layer under cross-entropy: δ^L = (A − Y)/m  (eq-ce-softmax-delta, chapter 07).

    Parameters
    ----------
    A : ndarray, shape (m, k)   softmax outputs
    Y : ndarray, shape (m, k)   one-hot targets (rows sum to 1)

    Returns
    -------
    ndarray, shape (m, k) = ∂C/∂Z^L
    """
    D = _difference(A, Y)
    D /= D.shape[0]  # in place on the fresh difference
    return D


@implements("eq-bce-sigmoid-delta", chapter="04_matrix_form")
def sigmoid_binary_cross_entropy_delta(A, Y):
    """Output delta of sigmoid outputs under binary cross-entropy: (A − Y)/m  (eq-bce-sigmoid-delta, chapter 04).

    This — not the squared-error delta — is what ``dZ = A − Y`` computes.

    Parameters
    ----------
    A, Y : ndarray, shape (m, k)

    Returns
    -------
    ndarray, shape (m, k)
    """
    D = _difference(A, Y)
    D /= D.shape[0]  # in place on the fresh difference
    return D


def one_hot(labels, n_classes: int):
    """One-hot encode integer class labels.

    Parameters
    ----------
    labels : array_like of int, shape (m,)
        Class indices in 0 … n_classes − 1.
    n_classes : int

    Returns
    -------
    ndarray of float64, shape (m, n_classes)

    Examples
    --------
    >>> one_hot([0, 2], 3).tolist()
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    """
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise ValueError(f"labels: expected a 1-D array of shape (m,), got shape {labels.shape}")
    if labels.dtype.kind not in "iu":
        if labels.dtype.kind == "f" and labels.size and np.all(np.isfinite(labels)) \
                and np.all(labels == np.round(labels)):
            labels = labels.astype(np.int64)
        elif labels.size:
            raise TypeError(f"labels: expected integer class indices, got dtype {labels.dtype}")
        else:
            labels = labels.astype(np.int64)
    n_classes = positive_int(n_classes, "n_classes")
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(f"labels: must lie in 0 … {n_classes - 1} for n_classes={n_classes}, got values "
                         f"in [{labels.min()}, {labels.max()}] (shape {labels.shape})")
    out = np.zeros((labels.shape[0], int(n_classes)))
    out[np.arange(labels.shape[0]), labels] = 1.0
    return out


@dataclass(frozen=True)
class Loss:
    """A cost: ``value(Y_hat, Y)`` (float, batch mean) and ``grad(Y_hat, Y)`` = ∂C/∂Y_hat."""

    name: str
    value: Callable[[np.ndarray, np.ndarray], float]
    grad: Callable[[np.ndarray, np.ndarray], np.ndarray]

    def __repr__(self) -> str:
        return f"Loss({self.name!r})"


#: name -> :class:`Loss`.
LOSSES: dict[str, Loss] = _Table("loss", {
    "mse": Loss("mse", mse, mse_grad),
    "cross_entropy": Loss("cross_entropy", cross_entropy, cross_entropy_grad),
    "binary_cross_entropy": Loss("binary_cross_entropy", binary_cross_entropy, binary_cross_entropy_grad),
})


def get_loss(name: str) -> Loss:
    """Return ``LOSSES[name]``; ValueError listing the valid names if unknown."""
    return lookup(dict(LOSSES), name, "loss")

"""Activation functions and their derivatives with respect to the pre-activation z.

Each elementwise activation is an :class:`Activation` with ``f(z)``, ``df(z)`` and
``df_from_output(a)`` (the same derivative written in terms of ``a = f(z)``, which lets the
backward pass reuse the forward pass's output instead of recomputing f).  Softmax is not
elementwise; it lives here as :func:`softmax`, :func:`log_softmax` and
:func:`softmax_jacobian` / :func:`softmax_backward`.

All functions are stable and finite for ``|z|`` up to 1e3 (and beyond) in float32 and float64.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from ._validate import as_float_array, as_matrix, finite_number, lookup, same_shape
from .registry import implements

__all__ = [
    "Activation", "ACTIVATIONS", "get_activation",
    "sigmoid", "sigmoid_prime", "tanh", "tanh_prime", "relu", "relu_prime",
    "leaky_relu", "leaky_relu_prime", "identity", "identity_prime",
    "softmax", "log_softmax", "softmax_jacobian", "softmax_backward",
    "LEAKY_SLOPE",
]

#: slope of Leaky ReLU for z < 0 (Maas et al., 2013).
LEAKY_SLOPE = 0.01


@dataclass(frozen=True)
class Activation:
    """An elementwise activation: ``f(z)``, ``df(z) = f'(z)`` and ``df_from_output(f(z))``."""

    name: str
    f: Callable[[np.ndarray], np.ndarray]
    df: Callable[[np.ndarray], np.ndarray]
    df_from_output: Optional[Callable[[np.ndarray], np.ndarray]] = None

    def __repr__(self) -> str:
        return f"Activation({self.name!r})"


def _float_array(z):
    # as_float_array(z, "z", finite=False) without its cost for the common case, a float ndarray
    if type(z) is np.ndarray and z.dtype.kind == "f":
        return z
    return as_float_array(z, "z", finite=False)


def _float_matrix(Z, name):
    # as_matrix(Z, name, finite=False) without its cost for the common case, a 2-D float ndarray
    if type(Z) is np.ndarray and Z.ndim == 2 and Z.dtype.kind == "f" and Z.size:
        return Z
    return as_matrix(Z, name, finite=False)


def sigmoid(z):
    """Logistic sigmoid σ(z) = 1 / (1 + e^{-z}), computed without overflow.

    Uses ``e^{-|z|}``, which never overflows: ``σ(z) = 1/(1+e^{-|z|})`` for z ≥ 0 and
    ``e^{-|z|}/(1+e^{-|z|})`` for z < 0.

    Parameters
    ----------
    z : array_like, any shape

    Returns
    -------
    ndarray, same shape and float dtype as z, values in [0, 1].

    Examples
    --------
    >>> float(sigmoid(0.0))
    0.5
    """
    z = _float_array(z)
    with np.errstate(under="ignore"):  # e^{-1000} underflows to 0, which is the right answer
        e = np.exp(-np.abs(z))         # e^{-|z|} in [0, 1]: never overflows
    numerator = e * (z < 0)            # e^{-|z|} = e^{z} where z < 0 ...
    numerator += z >= 0                # ... and 1 where z >= 0 (exact: the other term is 0)
    numerator /= 1.0 + e               # in place, on the array allocated just above
    return np.asarray(numerator)       # a 0-d array, not a scalar, for 0-d input


@implements("eq-sigmoid-derivative", chapter="03_deltas_by_layer")
def sigmoid_prime(z):
    """Derivative of the sigmoid, σ'(z) = σ(z)(1 − σ(z))  (eq-sigmoid-derivative, chapter 03).

    >>> float(sigmoid_prime(0.0))
    0.25
    """
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z):
    """Hyperbolic tangent (numpy's, which is stable for any z)."""
    return np.tanh(_float_array(z))


@implements("eq-tanh-derivative", chapter="07_softmax_cross_entropy")
def tanh_prime(z):
    """Derivative of tanh, 1 − tanh²(z)  (eq-tanh-derivative, chapter 07).

    >>> float(tanh_prime(0.0))
    1.0
    """
    t = tanh(z)
    with np.errstate(under="ignore"):  # t² of a tiny t is 0, correctly
        return 1.0 - t * t


def relu(z):
    """Rectified linear unit, max(0, z)."""
    z = _float_array(z)
    return np.maximum(z, 0).astype(z.dtype, copy=False)


@implements("eq-relu-derivative", chapter="09_vanishing_gradients")
def relu_prime(z):
    """Derivative of ReLU: 1 for z > 0, else 0; the subgradient 0 is taken at z = 0
    (eq-relu-derivative, chapter 09)."""
    z = _float_array(z)
    return (z > 0).astype(z.dtype)


def leaky_relu(z, slope: float = LEAKY_SLOPE):
    """Leaky ReLU: z for z > 0, ``slope * z`` otherwise."""
    z = _float_array(z)
    if slope is not LEAKY_SLOPE:
        slope = finite_number(slope, "slope")
    with np.errstate(under="ignore"):  # slope·z of a tiny z is 0, correctly
        return np.where(z > 0, z, slope * z).astype(z.dtype, copy=False)


@implements("eq-leaky-relu-derivative", chapter="09_vanishing_gradients")
def leaky_relu_prime(z, slope: float = LEAKY_SLOPE):
    """Derivative of Leaky ReLU: 1 for z > 0, ``slope`` otherwise (eq-leaky-relu-derivative, chapter 09)."""
    z = _float_array(z)
    if slope is not LEAKY_SLOPE:
        slope = finite_number(slope, "slope")
    scalar = z.dtype.type  # scalars of z's dtype: no float64 temporary for float32 input
    return np.where(z > 0, scalar(1), scalar(slope))


def identity(z):
    """The identity (linear) activation."""
    return as_float_array(z, "z", finite=False).copy()


def identity_prime(z):
    """Derivative of the identity: ones like z."""
    return np.ones_like(as_float_array(z, "z", finite=False))


def _sigmoid_df_from_output(a):
    df = 1.0 - a
    df *= a  # in place on the fresh array: a(1 − a) with one allocation
    return df


def _tanh_df_from_output(a):
    with np.errstate(under="ignore"):
        return 1.0 - a * a


def _relu_df_from_output(a):
    return (a > 0).astype(a.dtype)


def _leaky_df_from_output(a):
    # a > 0 exactly when z > 0, because slope > 0
    scalar = a.dtype.type
    return np.where(a > 0, scalar(1), scalar(LEAKY_SLOPE))


def _ones_like(a):
    return np.ones_like(a)


class _Table(dict):
    """A dict whose missing keys raise an error that lists the valid names."""

    def __init__(self, what, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._what = what

    def __missing__(self, key):
        valid = ", ".join(repr(k) for k in self)
        raise KeyError(f"{self._what}: unknown name {key!r}; valid names are {valid}")


#: name -> :class:`Activation`; f' is taken with respect to z.
ACTIVATIONS: dict[str, Activation] = _Table("activation", {
    "sigmoid": Activation("sigmoid", sigmoid, sigmoid_prime, _sigmoid_df_from_output),
    "tanh": Activation("tanh", tanh, tanh_prime, _tanh_df_from_output),
    "relu": Activation("relu", relu, relu_prime, _relu_df_from_output),
    "leaky_relu": Activation("leaky_relu", leaky_relu, leaky_relu_prime, _leaky_df_from_output),
    "identity": Activation("identity", identity, identity_prime, _ones_like),
})


def get_activation(name: str) -> Activation:
    """Return ``ACTIVATIONS[name]``; ValueError listing the valid names if unknown."""
    return lookup(dict(ACTIVATIONS), name, "activation")


@implements("eq-softmax", chapter="07_softmax_cross_entropy")
def softmax(Z):
    """Row-wise softmax, shifted by each row's maximum so that exp never overflows (eq-softmax, chapter 07).

    Parameters
    ----------
    Z : array_like, shape (m, k)
        One row of logits per example.

    Returns
    -------
    ndarray, shape (m, k); every row is positive and sums to 1.

    Examples
    --------
    >>> softmax(np.array([[1000.0, 1000.0]])).tolist()
    [[0.5, 0.5]]
    """
    Z = _float_matrix(Z, "Z")
    e = Z - Z.max(axis=1, keepdims=True)
    with np.errstate(under="ignore"):  # exp of a very negative shift is 0, correctly
        np.exp(e, out=e)               # in place on the fresh array
    e /= e.sum(axis=1, keepdims=True)
    return e


@implements("eq-log-sum-exp", chapter="07_softmax_cross_entropy")
def log_softmax(Z):
    """Row-wise log-softmax via log-sum-exp: z_i − max(z) − log Σ_j e^{z_j − max(z)} (eq-log-sum-exp, chapter 07).

    Parameters
    ----------
    Z : array_like, shape (m, k)

    Returns
    -------
    ndarray, shape (m, k), finite for finite Z.
    """
    Z = as_matrix(Z, "Z", finite=False)
    shifted = Z - Z.max(axis=1, keepdims=True)
    with np.errstate(under="ignore"):
        return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


@implements("eq-softmax-jacobian", chapter="07_softmax_cross_entropy")
def softmax_jacobian(z):
    """Jacobian of softmax for one example: J_ij = ∂a_i/∂z_j = a_i(δ_ij − a_j) (eq-softmax-jacobian, chapter 07).

    Parameters
    ----------
    z : array_like, shape (k,)
        Logits of a single example (this is the one function that takes a 1-D vector).

    Returns
    -------
    ndarray, shape (k, k), symmetric, rows summing to 0.
    """
    z = as_float_array(z, "z", finite=False)
    if z.ndim != 1:
        raise ValueError(f"z: expected a 1-D vector of logits of shape (k,), got shape {z.shape}")
    if z.size == 0:
        raise ValueError("z: expected at least one logit, got shape (0,)")
    a = softmax(z[None, :])[0]
    return np.diag(a) - np.outer(a, a)


def softmax_backward(A, G):
    """Row-wise product of the softmax Jacobian with an upstream gradient.

    With A = softmax(Z) and G = ∂C/∂A, returns ∂C/∂Z = A ⊙ (G − rowsum(G ⊙ A)), i.e. J·g for
    every row, without forming the (k, k) Jacobians.

    Parameters
    ----------
    A : ndarray, shape (m, k)   softmax outputs
    G : ndarray, shape (m, k)   gradient of the cost with respect to A

    Returns
    -------
    ndarray, shape (m, k)
    """
    A = as_matrix(A, "A")
    G = as_matrix(G, "G")
    same_shape(A, "A", G, "G")
    with np.errstate(under="ignore"):
        return A * (G - (G * A).sum(axis=1, keepdims=True))

"""Gradient descent on functions of one and of a few variables (chapter 01).

- :func:`gradient_descent_step`: x ← x − η ∇f(x)  (eq-gd-update).
- :func:`gradient_descent`: repeat the step and return the whole trajectory as a
  :class:`Descent`; a run that blows up stops cleanly (no overflow warnings) and says so.
- :class:`QuadraticBowl`: f(x) = ½ (x − x*)ᵀ H (x − x*), the model every smooth minimum looks
  like up close; :func:`largest_stable_learning_rate` is its threshold 2/λ_max(H).
- :func:`check_largest_stable_learning_rate`: the exercise check for that threshold.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ._validate import as_float_array, positive_number
from .metrics import CheckResult
from .registry import implements

__all__ = [
    "gradient_descent_step", "gradient_descent", "Descent", "QuadraticBowl",
    "largest_stable_learning_rate", "check_largest_stable_learning_rate",
]

#: a trajectory whose norm exceeds this is declared divergent by :func:`gradient_descent`.
MAX_NORM = 1e6


@implements("eq-gd-update", chapter="01_chain_rule")
def gradient_descent_step(x, grad, lr):
    """One step of gradient descent, x_new = x − η ∇f(x)  (eq-gd-update, chapter 01).

    Parameters
    ----------
    x : float or array_like, any shape
        Current point.
    grad : float or array_like, same shape as x
        The gradient ∇f(x) at that point.
    lr : float, > 0
        Learning rate η.

    Returns
    -------
    ndarray of float64, the shape of x (a new array; x is not modified).

    Examples
    --------
    >>> gradient_descent_step([1.0, 2.0], [0.5, -1.0], lr=0.1).tolist()
    [0.95, 2.1]
    """
    x = as_float_array(x, "x").astype(np.float64)
    grad = as_float_array(grad, "grad", finite=False).astype(np.float64)
    if grad.shape != x.shape:
        raise ValueError(f"grad: expected the shape of x, {x.shape}, got shape {grad.shape}")
    lr = positive_number(lr, "lr")
    return x - lr * grad


@dataclass(frozen=True, eq=False)
class Descent:
    """A gradient-descent trajectory, as returned by :func:`gradient_descent`.

    Attributes
    ----------
    points : ndarray, shape (k + 1,) + x0.shape
        x_0, x_1, …, x_k: the start and every point reached (k = steps unless it diverged).
    lr : float
        The learning rate used.
    diverged : bool
        True if the run stopped because a point left the ball ‖x‖ ≤ 1e6 or was not finite.
    message : str
        One line saying how the run ended.
    """

    points: np.ndarray
    lr: float
    diverged: bool
    message: str

    @property
    def steps(self) -> int:
        """Number of steps taken, k."""
        return self.points.shape[0] - 1

    @property
    def final(self) -> np.ndarray:
        """The last point reached, x_k."""
        return self.points[-1]

    def __repr__(self) -> str:
        return self.message


def _steps(steps) -> int:
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)):
        raise TypeError(f"steps: expected an integer, got {steps!r}")
    if steps < 0:
        raise ValueError(f"steps: must be ≥ 0, got {steps}")
    return int(steps)


def gradient_descent(grad: Callable, x0, lr, steps, max_norm: float = MAX_NORM) -> Descent:
    """Run ``steps`` steps of gradient descent (eq-gd-update) from x0 and keep every point.

    If a point's norm exceeds ``max_norm`` or a gradient is not finite, the run stops there and
    the result says it diverged: no NaN stream, no overflow warning.

    Parameters
    ----------
    grad : callable
        ∇f: maps a point shaped like x0 to an array of the same shape.
    x0 : float or array_like, shape () or (n,)
        Starting point.
    lr : float, > 0
        Learning rate η.
    steps : int, ≥ 0
    max_norm : float, > 0
        Bound on ‖x‖ beyond which the run counts as divergent.

    Returns
    -------
    Descent
        ``points`` has shape (k + 1,) for a scalar x0 and (k + 1, n) for x0 of shape (n,).

    Examples
    --------
    >>> run = gradient_descent(lambda x: 2 * x, 1.0, lr=0.25, steps=3)   # f(x) = x²
    >>> run.points.tolist()
    [1.0, 0.5, 0.25, 0.125]
    >>> gradient_descent(lambda x: 2 * x, 1.0, lr=1.5, steps=100).diverged
    True
    """
    if not callable(grad):
        raise TypeError(f"grad: expected a callable, got {type(grad).__name__}")
    x = as_float_array(x0, "x0").astype(np.float64)
    if x.ndim > 1:
        raise ValueError(f"x0: expected a scalar or a 1-D array of shape (n,), got shape {x.shape}")
    lr = positive_number(lr, "lr")
    steps = _steps(steps)
    max_norm = positive_number(max_norm, "max_norm")
    points = [x]
    for k in range(1, steps + 1):
        with np.errstate(over="ignore", invalid="ignore"):
            g = np.asarray(grad(x), dtype=np.float64)
            if g.shape != x.shape:
                raise ValueError(f"grad: must return the shape of x0, {x.shape}, got shape {g.shape}")
            new = x - lr * g
        if not np.all(np.isfinite(new)) or np.linalg.norm(new) > max_norm:
            message = (f"diverged with lr = {lr:g}: step {k} left the ball ‖x‖ ≤ {max_norm:g}, "
                       f"so the run stopped there")
            return Descent(np.array(points), lr, True, message)
        points.append(new)
        x = new
    return Descent(np.array(points), lr, False,
                   f"{steps} steps with lr = {lr:g}, ending at {np.array2string(x, precision=6)}")


def _spd(hessian, name: str = "hessian") -> np.ndarray:
    H = as_float_array(hessian, name).astype(np.float64)
    if H.ndim != 2 or H.shape[0] != H.shape[1] or H.shape[0] == 0:
        raise ValueError(f"{name}: expected a square 2-D array of shape (n, n), got shape {H.shape}")
    if not np.allclose(H, H.T, rtol=1e-12, atol=1e-12):
        raise ValueError(f"{name}: must be symmetric (shape {H.shape})")
    if np.linalg.eigvalsh(H).min() <= 0:
        raise ValueError(f"{name}: must be positive definite (all eigenvalues > 0) for a bowl with "
                         f"one minimum, got smallest eigenvalue {np.linalg.eigvalsh(H).min():.6g}")
    return H


def largest_stable_learning_rate(hessian) -> float:
    """The threshold 2/λ_max(H) below which gradient descent converges on a quadratic bowl.

    On f(x) = ½ (x − x*)ᵀ H (x − x*) a step multiplies the error's component along each
    eigenvector of H by (1 − ηλ); all shrink exactly when ``|1 − ηλ_max| < 1``, i.e. 0 < η < 2/λ_max.

    Parameters
    ----------
    hessian : array_like, shape (n, n), symmetric positive definite

    Returns
    -------
    float

    Examples
    --------
    >>> largest_stable_learning_rate([[1.0, 0.0], [0.0, 10.0]])
    0.2
    """
    H = _spd(hessian)
    return float(2.0 / np.linalg.eigvalsh(H).max())


@dataclass(frozen=True, eq=False)
class QuadraticBowl:
    """The quadratic f(x) = ½ (x − x*)ᵀ H (x − x*), with gradient H (x − x*).

    Parameters
    ----------
    hessian : array_like, shape (n, n), symmetric positive definite
        H, the (constant) matrix of second derivatives.
    minimum : array_like, shape (n,), optional
        x*, the minimiser (default: the origin).

    Examples
    --------
    >>> bowl = QuadraticBowl([[1.0, 0.0], [0.0, 10.0]])
    >>> float(bowl.value([1.0, 1.0])), bowl.gradient([1.0, 1.0]).tolist()
    (5.5, [1.0, 10.0])
    """

    hessian: np.ndarray
    minimum: np.ndarray | None = None

    def __post_init__(self):
        H = _spd(self.hessian)
        n = H.shape[0]
        if self.minimum is None:
            x_star = np.zeros(n)
        else:
            x_star = as_float_array(self.minimum, "minimum").astype(np.float64)
            if x_star.shape != (n,):
                raise ValueError(f"minimum: expected shape ({n},) to match hessian {H.shape}, "
                                 f"got shape {x_star.shape}")
        H.setflags(write=False)
        x_star.setflags(write=False)
        object.__setattr__(self, "hessian", H)
        object.__setattr__(self, "minimum", x_star)

    @property
    def dim(self) -> int:
        """Number of variables n."""
        return self.hessian.shape[0]

    def _points(self, x, name="x"):
        x = as_float_array(x, name, finite=False).astype(np.float64)
        if x.ndim == 0 or x.shape[-1] != self.dim:
            raise ValueError(f"{name}: expected shape (..., {self.dim}), got shape {x.shape}")
        return x

    def value(self, x):
        """f(x) for points x of shape (..., n); returns shape (...)."""
        d = self._points(x) - self.minimum
        return 0.5 * np.einsum("...i,ij,...j->...", d, self.hessian, d)

    def gradient(self, x):
        """∇f(x) = H (x − x*) for points x of shape (..., n); returns shape (..., n)."""
        d = self._points(x) - self.minimum
        return d @ self.hessian  # H is symmetric, so (H d)ᵀ = dᵀ H

    @property
    def largest_stable_lr(self) -> float:
        """2/λ_max(H): :func:`largest_stable_learning_rate` of this bowl."""
        return largest_stable_learning_rate(self.hessian)


def check_largest_stable_learning_rate(answer, hessian, rtol: float = 0.02,
                                       rtol_below: float = 0.055) -> CheckResult:
    """Check the reader's value of the largest learning rate for which descent on a bowl converges.

    Right when ``answer`` lies between ``rtol_below`` (5.5 %) below and ``rtol`` (2 %) above
    2/λ_max(H): a value read off a slider to two significant digits (0.19 or 0.20 for a threshold
    of 0.2) counts, a rate at which descent clearly diverges does not.  Wrong answers that match a
    likely slip (2 over a diagonal entry of H, 1/λ_max, 2/λ_min, the fastest rate
    2/(λ_min + λ_max)) get a hint that names it.

    Parameters
    ----------
    answer : float, > 0
    hessian : array_like, shape (n, n), symmetric positive definite
    rtol : float, > 0

    Returns
    -------
    CheckResult

    Examples
    --------
    >>> check_largest_stable_learning_rate(0.2, [[1.0, 0.0], [0.0, 10.0]]).ok
    True
    """
    try:
        answer = positive_number(answer, "answer")
    except (TypeError, ValueError) as exc:
        return CheckResult(False, f"Not yet: {exc}.")
    rtol = positive_number(rtol, "rtol")
    rtol_below = positive_number(rtol_below, "rtol_below")
    threshold = largest_stable_learning_rate(hessian)
    if threshold * (1 - rtol_below) <= answer <= threshold * (1 + rtol):
        return CheckResult(True, f"Right: the threshold is 2/λ_max = {threshold:.6g} "
                                 f"(yours {answer:.6g}).")
    H = np.asarray(hessian, dtype=np.float64)
    lam = np.linalg.eigvalsh(H)
    slips = [(2.0 / float(np.max(np.diag(H))), "2 over a diagonal entry of H, the curvature along an axis. "
              "For a turned bowl the steepest direction is not an axis: use the largest eigenvalue of H"),
             (1.0 / lam.max(), "1/λ_max, where the steps start to overshoot and zig-zag; descent still "
              "converges up to twice that"),
             (2.0 / lam.min(), "2/λ_min, the limit of the flattest direction; the steepest direction "
              "diverges much earlier"),
             (2.0 / (lam.min() + lam.max()), "the fastest rate 2/(λ_min + λ_max), not the largest stable one")]
    for value, slip in slips:
        if abs(value - threshold) > 0.05 * threshold and abs(answer - value) <= 0.02 * value:
            return CheckResult(False, f"Not yet: {answer:.6g} is {slip}.")
    side = ("large: descent diverges there" if answer > threshold
            else "small: descent still converges a little above it")
    return CheckResult(False, f"Not yet: {answer:.6g} is too {side}. The steepest direction of the "
                              f"bowl, its largest eigenvalue, sets the limit.")

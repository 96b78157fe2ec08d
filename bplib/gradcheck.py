"""Gradient checking: finite differences, the relative error, and the step-size trade-off.

- :func:`numerical_gradient`: central differences in float64 (eq-central-difference), the
  reference every chapter checks its backward passes against.
- :func:`forward_difference_gradient`: one-sided differences (eq-forward-difference), cheaper and
  less accurate; :func:`finite_difference_gradient` is the general version, in any float precision.
- :func:`relative_error` (eq-relative-error), :func:`check_gradient` (the two steps in one call),
  :func:`gradcheck_verdict` (the thresholds) and :func:`format_relative_error` (printing).
- The step-size study of chapter 05 on functions with known derivatives: :func:`difference_quotient`,
  :func:`step_size_errors`, :func:`step_size_error_model`, :func:`optimal_step`,
  :func:`loglog_slope` and the exercise check :func:`check_optimal_step`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ._validate import as_float_array, callable_, lookup, network, positive_number
from .metrics import CheckResult
from .registry import implements

__all__ = [
    "numerical_gradient", "forward_difference_gradient", "finite_difference_gradient",
    "relative_error", "check_gradient", "check_network_gradient", "numerical_layer_gradient",
    "min_distance_to_kink", "gradcheck_verdict", "format_relative_error", "format_check", "show_check",
    "PASS_THRESHOLD", "FAIL_THRESHOLD", "SCHEMES", "PRECISIONS",
    "SmoothFunction", "SMOOTH_FUNCTIONS", "difference_quotient", "step_size_errors",
    "step_size_error_model", "optimal_step", "loglog_slope", "check_optimal_step",
]

#: a float64 check whose relative error is below this passes.
PASS_THRESHOLD = 1e-7
#: a relative error above this means the gradient is wrong; in between is suspicious.
FAIL_THRESHOLD = 1e-4
#: difference schemes understood by :func:`finite_difference_gradient`.
SCHEMES = ("central", "forward")
#: precision name -> numpy dtype, for the step-size study.
PRECISIONS = {"float16": np.float16, "float32": np.float32, "float64": np.float64}


# ---------------------------------------------------------------------------- differences
def _scheme(scheme: str) -> str:
    if scheme not in SCHEMES:
        raise ValueError(f"scheme: unknown name {scheme!r}; valid names are "
                         f"{', '.join(map(repr, SCHEMES))}")
    return scheme


def _dtype(dtype) -> np.dtype:
    if isinstance(dtype, str):
        return np.dtype(lookup(PRECISIONS, dtype, "dtype"))
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"dtype: expected a float dtype or one of {', '.join(map(repr, PRECISIONS))}, "
                        f"got {dtype!r}") from None
    if dt not in (np.float16, np.float32, np.float64):
        raise ValueError(f"dtype: expected float16, float32 or float64, got {dt}")
    return dt


def finite_difference_gradient(f: Callable[[np.ndarray], float], x, eps: float = 1e-6,
                               scheme: str = "central", dtype=np.float64):
    """Gradient of a scalar function by central or forward differences, in a chosen precision.

    central: (f(x + ε e_i) − f(x − ε e_i)) / (2ε)  (eq-central-difference), error O(ε²);
    forward: (f(x + ε e_i) − f(x)) / ε  (eq-forward-difference), error O(ε).
    ``x`` is copied into an array of ``dtype`` and every shifted point x ± ε e_i is formed in
    that precision, so a float32 ``f`` is checked the way a float32 program would be.  ``x``
    itself is never modified.

    Parameters
    ----------
    f : callable
        Maps an array shaped like ``x`` (of ``dtype``) to a scalar.
    x : array_like, any shape
    eps : float, > 0
        Step size ε.
    scheme : {"central", "forward"}
    dtype : float16, float32 or float64 (or their names)

    Returns
    -------
    ndarray of float64, same shape as x.  Costs 2·x.size (central) or x.size + 1 (forward)
    evaluations of f.

    Examples
    --------
    >>> g = finite_difference_gradient(lambda v: float(np.sum(v ** 2)), [1.0, -2.0], scheme="forward")
    >>> np.round(g, 4).tolist()
    [2.0, -4.0]
    """
    callable_(f, "f")
    eps = positive_number(eps, "eps")
    scheme = _scheme(scheme)
    dt = _dtype(dtype)
    x = as_float_array(x, "x").astype(dt, copy=True)
    step = dt.type(eps)
    grad = np.empty(x.shape, dtype=np.float64)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    f_here = float(f(x)) if scheme == "forward" else None
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + step
        f_plus = float(f(x))
        if scheme == "central":
            flat[i] = old - step
            f_minus = float(f(x))
            flat[i] = old
            gflat[i] = (f_plus - f_minus) / (2.0 * eps)
        else:
            flat[i] = old
            gflat[i] = (f_plus - f_here) / eps
    return grad


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
    return finite_difference_gradient(f, x, eps=eps, scheme="central", dtype=np.float64)


@implements("eq-forward-difference", chapter="05_gradient_checking")
def forward_difference_gradient(f: Callable[[np.ndarray], float], x, eps: float = 1e-6):
    """Gradient of a scalar function by forward differences (eq-forward-difference, chapter 05).

    ∂f/∂x_i ≈ (f(x + ε e_i) − f(x)) / ε, with error O(ε): one evaluation per coordinate plus
    one at x, half the cost of central differences and far less accurate.  float64; ``x`` is
    copied, never modified.

    Parameters
    ----------
    f : callable
        Maps an array shaped like ``x`` to a scalar.
    x : array_like, any shape
    eps : float, > 0

    Returns
    -------
    ndarray of float64, same shape as x.  Costs x.size + 1 evaluations of f.

    Examples
    --------
    >>> g = forward_difference_gradient(lambda v: float(np.sum(v ** 2)), np.array([3.0]), eps=1e-3)
    >>> round(float(g[0]), 6)       # 2·3 plus the O(ε) error ε
    6.001
    """
    return finite_difference_gradient(f, x, eps=eps, scheme="forward", dtype=np.float64)


# ---------------------------------------------------------------------------- comparing
@implements("eq-relative-error", chapter="05_gradient_checking")
def relative_error(a, b):
    """Relative error ‖a − b‖ / (‖a‖ + ‖b‖) of two arrays  (eq-relative-error, chapter 05).

    Scale-free and symmetric (also for subnormal or huge entries); 0 when both are exactly zero.  Nested sequences of arrays (e.g.
    the ``(dWs, dbs)`` pair returned by ``MLP.gradients``) are flattened and concatenated.

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
    # divide by the largest entry first, so that squares of tiny (subnormal) or huge entries
    # neither underflow to 0 nor overflow; the ratio does not change
    scale = max(np.abs(a).max(initial=0.0), np.abs(b).max(initial=0.0))
    if scale == 0:
        return 0.0
    a, b = a / scale, b / scale
    return float(np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b)))


def _flatten(x, name):
    if isinstance(x, (list, tuple)):
        parts = [_flatten(p, name) for p in x]
        return np.concatenate(parts) if parts else np.zeros(0)
    return as_float_array(x, name, finite=False).astype(np.float64).reshape(-1)


def check_gradient(f: Callable[[np.ndarray], float], x, grad, eps: float = 1e-6) -> float:
    """Relative error between a claimed gradient of ``f`` at ``x`` and central differences.

    ``relative_error(grad, numerical_gradient(f, x, eps))`` (eq-relative-error of
    eq-central-difference), with a shape check first.

    Parameters
    ----------
    f : callable
        Maps an array shaped like ``x`` to a scalar.
    x : array_like, any shape
    grad : array_like, same shape as x
        The gradient to test, e.g. from a backward pass.
    eps : float, > 0

    Returns
    -------
    float in [0, 1]; below :data:`PASS_THRESHOLD` (1e-7) the gradient is right.

    Examples
    --------
    >>> x = np.array([0.5, -1.0])
    >>> check_gradient(lambda v: float(np.sum(np.sin(v))), x, np.cos(x)) < 1e-7
    True
    """
    callable_(f, "f")
    x = as_float_array(x, "x")
    grad = as_float_array(grad, "grad", finite=False)
    if grad.shape != x.shape:
        raise ValueError(f"grad: expected the shape of x, {x.shape}, got shape {grad.shape}")
    return relative_error(grad, numerical_gradient(f, x, eps))


def check_network_gradient(net, X, Y, eps: float = 1e-6) -> float:
    """Relative error between a network's backpropagated gradient and central differences.

    Compares ``net.flat_gradients(X, Y)`` with :func:`numerical_gradient` of
    ``θ ↦ net.loss_at(θ, X, Y)`` at ``net.get_params()`` (eq-central-difference,
    eq-relative-error).  The network is not modified.

    Parameters
    ----------
    net : MLP (or anything with ``get_params``, ``loss_at`` and ``flat_gradients``)
    X : ndarray, shape (m, n_0)
    Y : ndarray, shape (m, n_L)
    eps : float, > 0

    Returns
    -------
    float in [0, 1].  Costs 2·net.n_params evaluations of the cost.

    Examples
    --------
    >>> from bplib import MLP
    >>> net = MLP([2, 3, 1], seed=0)
    >>> check_network_gradient(net, np.ones((4, 2)), np.zeros((4, 1))) < 1e-7
    True
    """
    if not all(hasattr(net, a) for a in ("get_params", "loss_at", "flat_gradients")):
        raise TypeError(f"net: expected a bplib.MLP (or an object with get_params, loss_at and "
                        f"flat_gradients), got {type(net).__name__}")
    theta = net.get_params()
    numeric = numerical_gradient(lambda t: net.loss_at(t, X, Y), theta, eps)
    return relative_error(net.flat_gradients(X, Y), numeric)


#: activations with a kink (a point where the derivative jumps), all at z = 0.
_KINKED = ("relu", "leaky_relu")


def numerical_layer_gradient(net, X, Y, layer: int, bias: bool = False, eps: float = 1e-6) -> np.ndarray:
    """Central differences of ``net.loss(X, Y)`` with respect to W^layer (or b^layer) only.

    Parameters
    ----------
    net : MLP
    X : ndarray, shape (m, n_0)
    Y : ndarray, shape (m, n_L)
    layer : int, 1 … L   the book's layer number (W^1 is ``net.weights[0]``)
    bias : bool          differentiate with respect to b^layer instead of W^layer

    Returns
    -------
    ndarray of the shape of W^layer, (n_l, n_{l−1}), or of b^layer, (n_l,)

    Examples
    --------
    >>> from bplib import MLP, xor
    >>> net = MLP([2, 3, 1], seed=0)
    >>> X, Y = xor()
    >>> relative_error(numerical_layer_gradient(net, X, Y, 2), net.gradients(X, Y)[0][1]) < 1e-7
    True
    """
    L = len(network(net, "net").weights)
    if isinstance(layer, bool) or not isinstance(layer, (int, np.integer)) or not 1 <= layer <= L:
        raise ValueError(f"layer: expected an integer from 1 to {L}, got {layer!r}")
    params = net.biases if bias else net.weights

    def cost(values):
        trial = net.copy()
        (trial.biases if bias else trial.weights)[layer - 1] = values
        return trial.loss(X, Y)

    return numerical_gradient(cost, params[layer - 1], eps)


def min_distance_to_kink(net, X) -> float:
    """Smallest ``|z|`` over the pre-activations of a network's ReLU and Leaky ReLU layers.

    A central difference with step h is unreliable when some pre-activation lies within about
    ``h·|∂z/∂θ|`` of the kink at 0: the two evaluations then straddle the kink (chapter 05).

    Parameters
    ----------
    net : MLP
    X : ndarray, shape (m, n_0)

    Returns
    -------
    float ≥ 0; ``inf`` when no layer has a kinked activation.

    Examples
    --------
    >>> from bplib import MLP
    >>> net = MLP([2, 3, 1], hidden="relu", seed=0)
    >>> min_distance_to_kink(net, np.zeros((1, 2)))   # zero input, zero biases: on the kink
    0.0
    """
    Zs, _ = network(net, "net").forward_pass(X)
    kinked = [Z for i, Z in enumerate(Zs)
              if (net.output if i == len(Zs) - 1 else net.hidden) in _KINKED]
    return float(min(np.abs(Z).min() for Z in kinked)) if kinked else float("inf")


def gradcheck_verdict(error: float) -> str:
    """Classify the relative error of a float64 gradient check.

    ``"pass"`` below :data:`PASS_THRESHOLD` (1e-7), ``"wrong"`` above :data:`FAIL_THRESHOLD`
    (1e-4), ``"suspicious"`` in between (a kink, a bad step size, or a bug in a few entries).

    Examples
    --------
    >>> [gradcheck_verdict(e) for e in (1e-10, 1e-5, 0.3)]
    ['pass', 'suspicious', 'wrong']
    """
    error = float(error)
    if not error >= 0:
        raise ValueError(f"error: expected a relative error ≥ 0, got {error!r}")
    if error < PASS_THRESHOLD:
        return "pass"
    return "suspicious" if error <= FAIL_THRESHOLD else "wrong"


def format_relative_error(error: float, bounds=(1e-8,)) -> str:
    """A relative error as text that does not depend on the machine's last bits.

    An error below one of ``bounds`` is printed as the smallest such bound, e.g. ``"< 1e-08"``:
    its digits are rounding noise that changes with the CPU and the BLAS library, the bound does
    not.  Larger errors are printed to two significant digits.

    Examples
    --------
    >>> format_relative_error(3.2e-11), format_relative_error(0.0123)
    ('< 1e-08', '0.012')
    >>> format_relative_error(3.2e-14, bounds=(1e-12, 1e-8))
    '< 1e-12'
    """
    error = float(error)
    below = [bound for bound in bounds if error < bound]
    return f"< {min(below):.0e}" if below else f"{error:.2g}"


def format_check(what: str, error: float, tol: float = PASS_THRESHOLD, width: int = 58) -> str:
    """One line of a chapter's check: what was compared, the relative error and the verdict.

    The error is shown as ``< 1e-12`` or ``< 1e-08`` when it is below (see
    :func:`format_relative_error`), and the verdict is ``passes`` when it is below ``tol``.

    Examples
    --------
    >>> format_check("x", 3e-14, width=4)
    'x    relative error < 1e-12  passes'
    >>> format_check("x", 0.25, width=4)
    'x    relative error    0.25  FAILS'
    """
    shown = format_relative_error(error, bounds=(1e-12, 1e-8))
    return f"{what:<{width}} relative error {shown:>7}  {'passes' if float(error) < tol else 'FAILS'}"


def show_check(what: str, error: float, tol: float = PASS_THRESHOLD, width: int = 58) -> None:
    """Print :func:`format_check` (the chapters' one-line report of a comparison)."""
    print(format_check(what, error, tol, width))


# ---------------------------------------------------------------------------- step-size study
@dataclass(frozen=True)
class SmoothFunction:
    """A scalar function with its first three derivatives, for measuring difference errors."""

    name: str
    f: Callable
    derivatives: tuple  # (f', f'', f''')

    def __repr__(self) -> str:
        return f"SmoothFunction({self.name!r})"


def _tanh1(x):
    return 1.0 - np.tanh(x) ** 2


#: name -> :class:`SmoothFunction` with known derivatives.
SMOOTH_FUNCTIONS = {
    "exp": SmoothFunction("exp", np.exp, (np.exp, np.exp, np.exp)),
    "sin": SmoothFunction("sin", np.sin, (np.cos, lambda x: -np.sin(x), lambda x: -np.cos(x))),
    "tanh": SmoothFunction("tanh", np.tanh, (
        _tanh1,
        lambda x: -2.0 * np.tanh(x) * _tanh1(x),
        lambda x: -2.0 * _tanh1(x) * (1.0 - 3.0 * np.tanh(x) ** 2))),
}


def _smooth(name) -> SmoothFunction:
    return lookup(SMOOTH_FUNCTIONS, name, "name")


def difference_quotient(name: str, x0: float, h: float, scheme: str = "central", dtype="float64") -> float:
    """One difference quotient of a function of :data:`SMOOTH_FUNCTIONS`, computed in ``dtype``.

    x0 ± h, the function values, their difference and the division all happen in ``dtype``,
    as they would in a program written in that precision.

    Parameters
    ----------
    name : {"exp", "sin", "tanh"}
    x0 : float
    h : float, > 0
    scheme : {"central", "forward"}
    dtype : "float16", "float32" or "float64" (or the numpy dtype)

    Returns
    -------
    float: (f(x0+h) − f(x0−h))/(2h) or (f(x0+h) − f(x0))/h.

    Examples
    --------
    >>> round(difference_quotient("sin", 0.0, 1e-3), 9)
    0.999999833
    """
    fn = _smooth(name)
    h = positive_number(h, "h")
    dt = _dtype(dtype).type
    x, step = dt(x0), dt(h)
    if step == 0:
        raise ValueError(f"h: {h:g} underflows to 0 in {np.dtype(dt).name}")
    if _scheme(scheme) == "central":
        value = (fn.f(x + step) - fn.f(x - step)) / (dt(2) * step)
    else:
        value = (fn.f(x + step) - fn.f(x)) / step
    return float(value)


def step_size_errors(name: str = "exp", x0: float = 1.0, steps=None, scheme: str = "central",
                     dtype="float64"):
    """Relative error of the difference quotient against the exact derivative, for many steps.

    error(h) = relative_error(D_h f(x0), f'(x0)) (eq-relative-error), with D_h computed in
    ``dtype`` by :func:`difference_quotient` and f'(x0) exactly (float64).

    Parameters
    ----------
    name : {"exp", "sin", "tanh"}
    x0 : float
    steps : array_like of float > 0, shape (k,), optional
        Defaults to 1 … 10^-15, five per decade (without the steps that underflow to 0 in
        ``dtype``).
    scheme : {"central", "forward"}
    dtype : "float16", "float32" or "float64"

    Returns
    -------
    steps : ndarray, shape (k,)
    errors : ndarray, shape (k,), values in [0, 1]

    Examples
    --------
    >>> h, err = step_size_errors("exp", 1.0, [1e-2, 1e-3])
    >>> bool(err[1] < err[0] / 50)      # O(h²): ten times smaller h, 100 times smaller error
    True
    """
    fn = _smooth(name)
    steps = _steps(steps, dtype)
    exact = float(fn.derivatives[0](np.float64(x0)))
    errors = np.array([relative_error(difference_quotient(name, x0, h, scheme, dtype), exact)
                       for h in steps])
    return steps, errors


def _steps(steps, dtype="float64"):
    if steps is None:
        steps = np.logspace(0, -15, 76)
        return steps[steps.astype(_dtype(dtype)) > 0]
    steps = as_float_array(steps, "steps")
    if steps.ndim != 1 or steps.size == 0 or np.any(steps <= 0):
        raise ValueError(f"steps: expected a non-empty 1-D array of positive step sizes, got shape "
                         f"{steps.shape}")
    return steps.astype(np.float64)


def step_size_error_model(name: str = "exp", x0: float = 1.0, steps=None, scheme: str = "central",
                          dtype="float64"):
    """The error model of a difference quotient: truncation plus round-off, as a relative error.

    central: ``(|f'''(x0)| h²/6 + ε|f(x0)|/h) / (2|f'(x0)|)``
    forward: ``(|f''(x0)| h/2 + 2ε|f(x0)|/h) / (2|f'(x0)|)``
    with ε the machine epsilon of ``dtype``; the factor 2|f'| turns an absolute error of the
    derivative into eq-relative-error.  An order-of-magnitude model, not a bound.

    Parameters
    ----------
    name, x0, steps, scheme, dtype : as in :func:`step_size_errors`

    Returns
    -------
    steps : ndarray, shape (k,)
    model : ndarray, shape (k,)
    """
    fn = _smooth(name)
    steps = _steps(steps, dtype)
    machine_eps = float(np.finfo(_dtype(dtype)).eps)
    x = np.float64(x0)
    f0, d1, d2, d3 = (abs(float(g(x))) for g in (fn.f, *fn.derivatives))
    if _scheme(scheme) == "central":
        absolute = d3 * steps ** 2 / 6.0 + machine_eps * f0 / steps
    else:
        absolute = d2 * steps / 2.0 + 2.0 * machine_eps * f0 / steps
    return steps, absolute / (2.0 * d1)


def optimal_step(name: str = "exp", x0: float = 1.0, scheme: str = "central", dtype="float64") -> float:
    """The step that minimises :func:`step_size_error_model`.

    central: ``h* = (3ε|f|/|f'''|)^(1/3) ∝ ε^(1/3)``;  forward: ``h* = 2(ε|f|/|f''|)^(1/2) ∝ ε^(1/2)``.

    Examples
    --------
    >>> f"{optimal_step('exp', 1.0, 'central', 'float64'):.2g}"
    '8.7e-06'
    """
    fn = _smooth(name)
    machine_eps = float(np.finfo(_dtype(dtype)).eps)
    x = np.float64(x0)
    f0, _, d2, d3 = (abs(float(g(x))) for g in (fn.f, *fn.derivatives))
    if _scheme(scheme) == "central":
        if d3 == 0:
            raise ValueError(f"x0: f''' of {name} vanishes at x0={x0}; the model has no optimum there")
        return float((3.0 * machine_eps * f0 / d3) ** (1.0 / 3.0))
    if d2 == 0:
        raise ValueError(f"x0: f'' of {name} vanishes at x0={x0}; the model has no optimum there")
    return float(2.0 * np.sqrt(machine_eps * f0 / d2))


def loglog_slope(steps, errors) -> float:
    """Least-squares slope of log(error) against log(step): the order p of an O(h^p) error.

    Parameters
    ----------
    steps, errors : array_like of float > 0, shape (k,), k ≥ 2

    Examples
    --------
    >>> h = np.array([1e-1, 1e-2, 1e-3])
    >>> round(loglog_slope(h, 3 * h ** 2), 6)
    2.0
    """
    steps = as_float_array(steps, "steps")
    errors = as_float_array(errors, "errors")
    if steps.ndim != 1 or steps.shape != errors.shape or steps.size < 2:
        raise ValueError(f"steps and errors must be 1-D of the same length ≥ 2, got steps {steps.shape} "
                         f"and errors {errors.shape}")
    if np.any(steps <= 0) or np.any(errors <= 0):
        raise ValueError("steps and errors must be positive to take logarithms")
    return float(np.polyfit(np.log(steps), np.log(errors), 1)[0])


def check_optimal_step(answer, dtype="float32", scheme: str = "central", name: str = "exp",
                       x0: float = 1.0) -> CheckResult:
    """Check a predicted best step size for a difference quotient (chapter 05's slider exercise).

    Right when ``answer`` lies within a factor 3 of :func:`optimal_step` (the error curve is flat
    near its minimum, so only the order of magnitude matters).

    Parameters
    ----------
    answer : float, > 0
    dtype, scheme, name, x0 : the setting, as in :func:`step_size_errors`

    Returns
    -------
    CheckResult

    Examples
    --------
    >>> check_optimal_step(5e-3, "float32").ok
    True
    """
    try:
        answer = positive_number(answer, "answer")
    except (TypeError, ValueError) as exc:
        return CheckResult(False, f"Not yet: {exc}.")
    best = optimal_step(name, x0, scheme, dtype)
    model_error = float(step_size_error_model(name, x0, [best], scheme, dtype)[1][0])
    setting = f"{scheme} differences in {_dtype(dtype).name} on {name} at x0 = {x0:g}"
    if best / 3 <= answer <= 3 * best:
        return CheckResult(True, f"Right: for {setting} the model's best step is h* ≈ {best:.2g} "
                                 f"(the model's relative error there ≈ {model_error:.1g}); yours is {answer:.2g}.")
    side = "small: round-off dominates" if answer < best else "large: truncation dominates"
    other_scheme = "forward" if scheme == "central" else "central"
    slips = [(optimal_step(name, x0, other_scheme, dtype), f"the best step of {other_scheme} differences; "
              f"the error of {scheme} differences falls like h{'²' if scheme == 'central' else ''}, so the "
              f"balance lands elsewhere"),
             (optimal_step(name, x0, scheme, "float64"), "the best step in float64; use the machine "
              f"epsilon of {_dtype(dtype).name}, {float(np.finfo(_dtype(dtype)).eps):.2g}")]
    for value, slip in slips:
        if _dtype(dtype) == np.float64 and "float64" in slip:
            continue
        if value / 3 <= answer <= 3 * value:
            return CheckResult(False, f"Not yet: {answer:.2g} is too {side} for {setting}: it is about {slip}.")
    return CheckResult(False, f"Not yet: {answer:.2g} is too {side} for {setting}. Balance the two "
                              f"terms of the error model.")

"""The chain rule (chapter 01) and a chain of two linear neurons (chapter 02).

Chapter 01, the chain rule in code:

- :func:`chain_rule_derivative`: (f∘g)'(x) = f'(g(x)) g'(x)  (eq-chain-rule).
- :func:`chain_rule_gradient`: ∂f/∂x_i = Σ_k ∂f/∂u_k ∂u_k/∂x_i, the sum over paths, in matrix
  form ∇_x f = Jᵀ ∇_u f  (eq-chain-rule-paths).
- :func:`check_derivative`: tells a reader whether a derivative computed by hand is right.

Chapter 02, the 1-1-1 chain of the two-neuron tutorial (every quantity is a scalar)::

    x ──W¹,b¹──▶ a¹ = W¹x + b¹ ──W²,b²──▶ a² = W²a¹ + b²,     C = (y − a²)²

- :func:`chain_forward` (eq-chain-forward) and :func:`chain_loss` (eq-chain-loss);
- :func:`chain_output_delta` δ² = ∂C/∂z² = 2(a² − y)  (eq-chain-delta2);
- :func:`chain_hidden_delta` δ¹ = δ² W²  (eq-chain-delta1);
- :func:`chain_backward`: ∂C/∂W², ∂C/∂b², ∂C/∂W¹, ∂C/∂b¹  (eq-chain-grads);
- :func:`train_chain`: per-sample gradient descent in a fixed order, stopping cleanly if it
  diverges; :func:`sweep_chain_lr` and :func:`check_chain_divergence_lr` for the exercise.

The cost of chapter 02 is the two-neuron tutorial's C = (y − a²)², without the ½ of the rest of the book, so its
derivatives carry a factor 2.  The tutorial's code updates with β·(a² − y): that is gradient descent on
C with learning rate η = β/2 (or on ½(y − a²)² with learning rate β).
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, NamedTuple

import numpy as np

from ._validate import as_float_array, positive_number
from .metrics import CheckResult
from .registry import implements

__all__ = [
    "chain_rule_derivative", "chain_rule_gradient", "check_derivative",
    "chain_forward", "chain_loss", "chain_output_delta", "chain_hidden_delta", "chain_backward",
    "ChainGradients", "ChainTraining", "train_chain", "LearningRateSweep", "sweep_chain_lr", "EDGE_GRID",
    "check_chain_divergence_lr", "SEED_000", "TWO_NEURON_TUTORIAL",
]

#: the two-neuron tutorial's experiment: initial parameters, data f(x) = 5x + 3 on x = 0 … 12, 154 epochs.
SEED_000 = {"W1": 1.15, "W2": 0.35, "b1": 0.0, "b2": 0.0,
            "xs": tuple(float(x) for x in range(13)), "ys": tuple(5.0 * x + 3.0 for x in range(13)),
            "epochs": 154}
#: the same setting under the name the book uses for its source (chapter 02).
TWO_NEURON_TUTORIAL = SEED_000

#: a squared error above this counts as divergence in :func:`train_chain` (targets are ≤ 63).
MAX_ERROR = 1e12


# ---------------------------------------------------------------------------- checks
def _scalar(value, name: str) -> float:
    """``value`` as a finite Python float; TypeError/ValueError naming ``name`` otherwise."""
    if isinstance(value, bool) or isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name}: expected a real number, got {type(value).__name__}")
    if isinstance(value, np.ndarray):
        if value.shape != ():
            raise ValueError(f"{name}: expected a scalar (shape ()), got an array of shape {value.shape}")
        value = value[()]
    if not isinstance(value, numbers.Real):
        raise TypeError(f"{name}: expected a real number, got {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name}: must be finite, got {value!r}")
    return value


def _samples(values, name: str) -> np.ndarray:
    arr = as_float_array(values, name)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name}: expected a non-empty 1-D array of samples, shape (m,), "
                         f"got shape {arr.shape}")
    return arr.astype(np.float64)


def _epochs(epochs) -> int:
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)):
        raise TypeError(f"epochs: expected an integer, got {epochs!r}")
    if epochs < 1:
        raise ValueError(f"epochs: must be ≥ 1, got {epochs}")
    return int(epochs)


# ---------------------------------------------------------------------------- chapter 01
@implements("eq-chain-rule", chapter="01_chain_rule")
def chain_rule_derivative(outer_derivative: Callable, inner: Callable, inner_derivative: Callable, x):
    """Derivative of a composition by the chain rule  (eq-chain-rule, chapter 01).

    h = f∘g has the derivative h'(x) = f'(g(x))·g'(x).

    The outer derivative is evaluated at the inner function's *value* g(x), not at x; that is the
    whole content of the rule, and the forward pass of backpropagation exists to supply g(x).

    Parameters
    ----------
    outer_derivative : callable
        f', elementwise.
    inner : callable
        g, elementwise.
    inner_derivative : callable
        g', elementwise.
    x : float or array_like, any shape
        Point(s) at which to differentiate; the functions are applied elementwise.

    Returns
    -------
    ndarray of float64 with the shape of x (a 0-d array for a scalar x).

    Examples
    --------
    >>> # d/dx sin(x²) = cos(x²)·2x, at x = 0 it is 0
    >>> float(chain_rule_derivative(np.cos, np.square, lambda x: 2 * x, 0.0))
    0.0
    """
    for fn, name in ((outer_derivative, "outer_derivative"), (inner, "inner"),
                     (inner_derivative, "inner_derivative")):
        if not callable(fn):
            raise TypeError(f"{name}: expected a callable, got {type(fn).__name__}")
    x = as_float_array(x, "x").astype(np.float64)
    outer = np.asarray(outer_derivative(np.asarray(inner(x), dtype=np.float64)), dtype=np.float64)
    local = np.asarray(inner_derivative(x), dtype=np.float64)
    if outer.shape != x.shape or local.shape != x.shape:
        raise ValueError(f"the functions must act elementwise: x has shape {x.shape}, "
                         f"f'(g(x)) has shape {outer.shape} and g'(x) has shape {local.shape}")
    return outer * local


@implements("eq-chain-rule-paths", chapter="01_chain_rule")
def chain_rule_gradient(grad_outer, jacobian_inner):
    """Gradient through an intermediate vector, a sum over paths  (eq-chain-rule-paths, chapter 01).

    ∂f/∂x_i = Σ_k ∂f/∂u_k ∂u_k/∂x_i.
    For f(u(x)) with u: ℝⁿ → ℝᵏ, every path x_i → u_k → f contributes one product; summed over k
    this is the matrix product ∇_x f = Jᵀ ∇_u f with the Jacobian J_ki = ∂u_k/∂x_i.

    Parameters
    ----------
    grad_outer : array_like, shape (k,)
        ∇_u f, the derivatives of f with respect to the intermediate values u_1 … u_k.
    jacobian_inner : array_like, shape (k, n)
        J, row k holding the derivatives of u_k with respect to x_1 … x_n.

    Returns
    -------
    ndarray, shape (n,)
        ∇_x f.

    Examples
    --------
    >>> # f = u1 + 2 u2 with u1 = 3 x, u2 = x²: df/dx = 1·3 + 2·2x, at x = 1 it is 7
    >>> chain_rule_gradient([1.0, 2.0], [[3.0], [2.0]]).tolist()
    [7.0]
    """
    g = as_float_array(grad_outer, "grad_outer").astype(np.float64)
    J = as_float_array(jacobian_inner, "jacobian_inner").astype(np.float64)
    if g.ndim != 1:
        raise ValueError(f"grad_outer: expected a 1-D array of shape (k,), got shape {g.shape}")
    if J.ndim != 2 or J.shape[0] != g.shape[0]:
        raise ValueError(f"jacobian_inner: expected shape ({g.shape[0]}, n) to match grad_outer "
                         f"{g.shape}, got shape {J.shape}")
    return J.T @ g


def check_derivative(answer, f: Callable, x, rtol: float = 1e-3) -> CheckResult:
    """Tell the reader whether ``answer`` is the derivative of the scalar function f at x.

    Compares with central differences (step 1e-6, float64): right when the relative error
    ``|answer − f'(x)| / (|answer| + |f'(x)|)`` is below ``rtol``, which allows an answer rounded to
    four significant digits, also when the intermediate values were rounded to four digits on a
    calculator. An answer that is a small whole multiple (or fraction) of the derivative gets a
    hint about a missing or doubled inner factor; one with the wrong sign, about the sign.

    Parameters
    ----------
    answer : float
    f : callable, float -> float
    x : float
    rtol : float, > 0

    Returns
    -------
    CheckResult

    Examples
    --------
    >>> check_derivative(2.0, lambda t: t ** 2, 1.0).ok
    True
    """
    try:
        answer = _scalar(answer, "answer")
    except (TypeError, ValueError) as exc:
        return CheckResult(False, f"Not yet: {exc}.")
    x = _scalar(x, "x")
    rtol = positive_number(rtol, "rtol")
    h = 1e-6 * max(1.0, abs(x))
    numeric = (float(f(x + h)) - float(f(x - h))) / (2.0 * h)
    denom = abs(answer) + abs(numeric)
    error = 0.0 if denom == 0 else abs(answer - numeric) / denom
    if error < rtol:
        return CheckResult(True, f"Right: the derivative at x = {x:g} is {numeric:.6g} "
                                 f"(yours {answer:.6g}).")
    if np.sign(answer) == -np.sign(numeric) != 0:
        hint = (" The sign is wrong: check the sign of each local derivative (a minus from an inner"
                " function such as y − a is easily lost).")
    else:
        ratio = answer / numeric if numeric != 0 else np.inf
        factor = next((k for k in (2, 3, 4, 5, 6, 8, 10)
                       for r in (k, 1 / k) if abs(ratio / r - 1) < 10 * rtol), None)
        if factor is not None and ratio > 1:
            hint = (f" Yours is {factor} times the derivative: a factor appears twice, or an"
                    f" inner derivative is multiplied in that does not belong.")
        elif factor is not None:
            hint = (f" Yours is 1/{factor} of the derivative: a local derivative is missing,"
                    f" such as the constant factor of an inner function (the 3 of sin(3x), the 2"
                    f" of a square).")
        elif error < 0.02:
            hint = (" Close, but not within rounding: keep four significant digits in every"
                    " intermediate value.")
        else:
            hint = (" Is each outer derivative evaluated at its inner value (f'(g(x)), not f'(x))?"
                    " Multiply every local derivative of the chain.")
    return CheckResult(False, f"Not yet: {answer:.6g} is off by a relative error of {error:.2g}.{hint}")


# ---------------------------------------------------------------------------- chapter 02
@implements("eq-chain-forward", chapter="02_two_neurons")
def chain_forward(W1, W2, b1, b2, x):
    """Forward pass of the 1-1-1 linear chain  (eq-chain-forward, chapter 02).

    a¹ = W¹x + b¹ and a² = W²a¹ + b².

    Parameters
    ----------
    W1, W2, b1, b2 : float
        Weights and biases of the hidden and the output neuron.
    x : float
        The input, a⁰.

    Returns
    -------
    a1, a2 : float
        Hidden and output activations (both neurons are linear: a = z).

    Examples
    --------
    >>> chain_forward(1.5, 2.0, 0.5, -1.0, 2.0)    # a¹ = 1.5·2 + 0.5, a² = 2·3.5 − 1
    (3.5, 6.0)
    """
    W1, W2, b1, b2, x = (_scalar(v, n) for v, n in zip((W1, W2, b1, b2, x), ("W1", "W2", "b1", "b2", "x")))
    a1 = W1 * x + b1
    a2 = W2 * a1 + b2
    return a1, a2


@implements("eq-chain-loss", chapter="02_two_neurons")
def chain_loss(a2, y):
    """The two-neuron tutorial's cost for one sample, C = (y − a²)²  (eq-chain-loss, chapter 02; no ½ there).

    Parameters
    ----------
    a2 : float   output of the chain
    y : float    target

    Returns
    -------
    float

    Examples
    --------
    >>> chain_loss(1.0, 4.0)
    9.0
    """
    a2, y = _scalar(a2, "a2"), _scalar(y, "y")
    return (y - a2) * (y - a2)  # a product, not ** 2: a huge value gives inf, not OverflowError


@implements("eq-chain-delta2", chapter="02_two_neurons")
def chain_output_delta(a2, y):
    """Error of the output neuron, δ² = ∂C/∂z² = 2(a² − y)  (eq-chain-delta2, chapter 02).

    Positive when the output is too large: subtracting a positive multiple of it moves a² towards y.
    (The two-neuron tutorial's text writes 2(y − a²), the opposite sign; its code uses a² − y.)

    Parameters
    ----------
    a2 : float   output of the chain
    y : float    target

    Returns
    -------
    float

    Examples
    --------
    >>> chain_output_delta(5.0, 3.0)
    4.0
    """
    a2, y = _scalar(a2, "a2"), _scalar(y, "y")
    return 2.0 * (a2 - y)


@implements("eq-chain-delta1", chapter="02_two_neurons")
def chain_hidden_delta(delta2, W2):
    """Error of the hidden neuron, δ¹ = ∂C/∂z¹ = δ² W²  (eq-chain-delta1, chapter 02).

    The scalar case of the general hidden delta eq-bp2 (chapter 04): a 1×1 weight matrix, and an
    identity activation whose derivative is 1.

    Parameters
    ----------
    delta2 : float   the output error δ²
    W2 : float       the weight that carried a¹ forward to a²

    Returns
    -------
    float

    Examples
    --------
    >>> chain_hidden_delta(4.0, 0.5)
    2.0
    """
    return _scalar(delta2, "delta2") * _scalar(W2, "W2")


class ChainGradients(NamedTuple):
    """The four derivatives of C with respect to the parameters of the chain."""

    dW1: float
    dW2: float
    db1: float
    db2: float

    def __repr__(self) -> str:
        return (f"ChainGradients(dW1={self.dW1:.6g}, dW2={self.dW2:.6g}, db1={self.db1:.6g}, "
                f"db2={self.db2:.6g})")


@implements("eq-chain-grads", chapter="02_two_neurons")
def chain_backward(W1, W2, b1, b2, x, y) -> ChainGradients:
    """The four derivatives of C = (y − a²)² for one sample, by backpropagation  (eq-chain-grads,
    chapter 02).

    Forward pass (eq-chain-forward), then δ² = 2(a² − y) (eq-chain-delta2), δ¹ = δ² W²
    (eq-chain-delta1), and

        ∂C/∂W² = δ² a¹,   ∂C/∂b² = δ²,   ∂C/∂W¹ = δ¹ x,   ∂C/∂b¹ = δ¹.

    Parameters
    ----------
    W1, W2, b1, b2 : float   parameters
    x, y : float             one sample and its target

    Returns
    -------
    ChainGradients(dW1, dW2, db1, db2), floats

    Examples
    --------
    >>> chain_backward(1.0, 1.0, 0.0, 0.0, 1.0, 0.0)   # a¹ = a² = 1, so δ² = 2 and δ¹ = 2
    ChainGradients(dW1=2, dW2=2, db1=2, db2=2)
    """
    a1, a2 = chain_forward(W1, W2, b1, b2, x)
    delta2 = chain_output_delta(a2, y)
    delta1 = chain_hidden_delta(delta2, W2)
    return ChainGradients(dW1=delta1 * float(x), dW2=delta2 * a1, db1=delta1, db2=delta2)


@dataclass(frozen=True, eq=False)
class ChainTraining:
    """What :func:`train_chain` returns.

    Attributes
    ----------
    errors : ndarray, shape (epochs_completed,)
        Error (y − a²)² of the last sample of each completed epoch, measured before that sample's
        update (what the tutorial prints).
    params : ndarray, shape (epochs_completed + 1, 4)
        (W¹, W², b¹, b²) before training (row 0) and after each completed epoch.
    lr : float
        The learning rate used.
    diverged : bool
        True if training stopped because an error exceeded ``MAX_ERROR`` (1e12) or was not finite.
    diverged_epoch : int or None
        The (1-based) epoch in which it stopped.
    message : str
        One line saying how training ended.
    """

    errors: np.ndarray
    params: np.ndarray
    lr: float
    diverged: bool
    diverged_epoch: int | None
    message: str

    @property
    def W1(self) -> float:
        return float(self.params[-1, 0])

    @property
    def W2(self) -> float:
        return float(self.params[-1, 1])

    @property
    def b1(self) -> float:
        return float(self.params[-1, 2])

    @property
    def b2(self) -> float:
        return float(self.params[-1, 3])

    @property
    def slope(self) -> float:
        """Slope of the learned line a² = (W²W¹) x + (W²b¹ + b²)."""
        return self.W2 * self.W1

    @property
    def intercept(self) -> float:
        """Intercept of the learned line, W²b¹ + b²."""
        return self.W2 * self.b1 + self.b2

    def __repr__(self) -> str:
        return self.message


def train_chain(W1, W2, b1, b2, xs, ys, lr, epochs) -> ChainTraining:
    """Train the chain by per-sample gradient descent on C = (y − a²)², samples in the given order.

    For each sample in turn: forward pass, the four derivatives of :func:`chain_backward`
    (δ¹ uses W² before its update), then θ ← θ − lr·∂C/∂θ for all four parameters (eq-gd-update).
    The two-neuron tutorial's code does the same with β(a² − y) in place of 2(a² − y): its β is 2·lr.

    Training stops early, without warnings, as soon as a squared error exceeds 1e12 (or is not
    finite); the result then says so in ``diverged`` and ``message``.

    Parameters
    ----------
    W1, W2, b1, b2 : float
        Initial parameters.
    xs, ys : array_like, shape (m,)
        Inputs and targets, visited in this order every epoch.
    lr : float, > 0
        Learning rate η applied to the gradient of C = (y − a²)².
    epochs : int, ≥ 1

    Returns
    -------
    ChainTraining

    Examples
    --------
    >>> run = train_chain(1.15, 0.35, 0.0, 0.0, [0.0, 1.0, 2.0], [3.0, 8.0, 13.0], lr=0.02, epochs=2000)
    >>> round(run.slope, 6), round(run.intercept, 6)
    (5.0, 3.0)
    """
    W1, W2, b1, b2 = (_scalar(v, n) for v, n in zip((W1, W2, b1, b2), ("W1", "W2", "b1", "b2")))
    xs, ys = _samples(xs, "xs"), _samples(ys, "ys")
    if xs.shape != ys.shape:
        raise ValueError(f"xs and ys must have the same shape (m,), got xs {xs.shape} and ys {ys.shape}")
    lr = positive_number(lr, "lr")
    epochs = _epochs(epochs)
    samples = list(zip(xs.tolist(), ys.tolist()))  # Python floats: no numpy overflow warnings
    errors, params = [], [(W1, W2, b1, b2)]
    for epoch in range(1, epochs + 1):
        for i, (x, y) in enumerate(samples, 1):
            a1 = W1 * x + b1
            a2 = W2 * a1 + b2
            error = (y - a2) * (y - a2)
            if not error <= MAX_ERROR:  # also catches nan
                message = (f"diverged in epoch {epoch}: the squared error of sample {i} reached "
                           f"{error:.3g} (> {MAX_ERROR:.0e}) with lr = {lr:g}")
                return ChainTraining(np.array(errors), np.array(params), lr, True, epoch, message)
            delta2 = 2.0 * (a2 - y)          # eq-chain-delta2
            delta1 = delta2 * W2             # eq-chain-delta1, with the old W²
            W2 -= lr * delta2 * a1           # eq-chain-grads and eq-gd-update
            b2 -= lr * delta2
            W1 -= lr * delta1 * x
            b1 -= lr * delta1
        errors.append(error)
        params.append((W1, W2, b1, b2))
    message = (f"trained {epochs} epochs with lr = {lr:g}: last-sample error {errors[-1]:.3g}, "
               f"learned line {W2 * W1:.6f} x + {W2 * b1 + b2:.6f}")
    return ChainTraining(np.array(errors), np.array(params), lr, False, None, message)


@dataclass(frozen=True, eq=False)
class LearningRateSweep:
    """What :func:`sweep_chain_lr` returns: the outcome of one training run per learning rate.

    Attributes
    ----------
    lrs : ndarray, shape (k,)
        The learning rates, increasing.
    diverged : ndarray of bool, shape (k,)
        Whether each run diverged (see :func:`train_chain`).
    final_errors : ndarray, shape (k,)
        Last-sample error of the last epoch of each run; ``inf`` for a run that diverged.
    slopes, intercepts : ndarray, shape (k,)
        The learned line W²W¹ x + (W²b¹ + b²) of each run; ``nan`` for a run that diverged.
    """

    lrs: np.ndarray
    diverged: np.ndarray
    final_errors: np.ndarray
    slopes: np.ndarray
    intercepts: np.ndarray

    def line_errors(self, slope: float, intercept: float) -> np.ndarray:
        """``max(|learned slope − slope|, |learned intercept − intercept|)`` per run (``inf`` if diverged)."""
        gap = np.maximum(np.abs(self.slopes - float(slope)), np.abs(self.intercepts - float(intercept)))
        return np.where(self.diverged, np.inf, gap)

    @property
    def first_diverging(self) -> float | None:
        """The smallest learning rate whose run diverged (None if none did)."""
        hits = np.flatnonzero(self.diverged)
        return float(self.lrs[hits[0]]) if hits.size else None

    @property
    def last_converging(self) -> float | None:
        """The largest learning rate whose run did not diverge (None if all did)."""
        hits = np.flatnonzero(~self.diverged)
        return float(self.lrs[hits[-1]]) if hits.size else None

    @property
    def edge(self) -> float | None:
        """The threshold that best splits the runs into "converges below, diverges above".

        The learning rate c of the grid that minimises the number of runs on the wrong side
        (diverged below c plus not diverged at or above c); None if no run diverged.
        """
        if not self.diverged.any():
            return None
        d = self.diverged.astype(int)
        below = np.concatenate([[0], np.cumsum(d)[:-1]])            # diverged strictly below i
        above = np.cumsum((1 - d)[::-1])[::-1]                        # converged at or above i
        return float(self.lrs[int(np.argmin(below + above))])


def sweep_chain_lr(lrs, W1=SEED_000["W1"], W2=SEED_000["W2"], b1=SEED_000["b1"], b2=SEED_000["b2"],
                   xs=SEED_000["xs"], ys=SEED_000["ys"], epochs=SEED_000["epochs"]) -> LearningRateSweep:
    """Train the chain once per learning rate and record which runs diverge.

    Parameters
    ----------
    lrs : array_like, shape (k,), increasing positive learning rates
    W1, W2, b1, b2, xs, ys, epochs : the setting (default: the two-neuron tutorial's experiment, 154 epochs)

    Returns
    -------
    LearningRateSweep

    Examples
    --------
    >>> sweep = sweep_chain_lr([0.001, 0.0015, 0.003])
    >>> sweep.diverged.tolist(), sweep.edge
    ([False, False, True], 0.003)
    """
    lrs = _samples(lrs, "lrs")
    if np.any(lrs <= 0) or np.any(np.diff(lrs) <= 0):
        raise ValueError(f"lrs: expected increasing positive learning rates, got shape {lrs.shape}")
    runs = [train_chain(W1, W2, b1, b2, xs, ys, lr, epochs) for lr in lrs.tolist()]
    diverged = np.array([run.diverged for run in runs])
    final = np.array([np.inf if run.diverged else float(run.errors[-1]) for run in runs])
    slopes = np.array([np.nan if run.diverged else run.slope for run in runs])
    intercepts = np.array([np.nan if run.diverged else run.intercept for run in runs])
    return LearningRateSweep(lrs, diverged, final, slopes, intercepts)


#: the grid on which :func:`check_chain_divergence_lr` locates the edge: 0.0015 … 0.0025, step 1e-6.
EDGE_GRID = 0.0015 + 1e-6 * np.arange(1001)


@lru_cache(maxsize=1)
def _seed_000_sweep() -> LearningRateSweep:
    return sweep_chain_lr(EDGE_GRID)


def check_chain_divergence_lr(answer, rtol: float = 0.03) -> CheckResult:
    """Check the reader's estimate of the learning rate at which the two-neuron tutorial's training diverges.

    On the two-neuron tutorial's setting (154 epochs) the reference is :attr:`LearningRateSweep.edge` of a sweep
    over :data:`EDGE_GRID` (spacing 1e-6), about 0.00197.  Near the edge a few isolated runs
    behave unlike their neighbours, so an answer within ``rtol`` (3 %) of the edge is right.

    Parameters
    ----------
    answer : float, > 0
        Your estimate of η (the learning rate on C = (y − a²)²; the tutorial's β is 2η).
    rtol : float, > 0

    Returns
    -------
    CheckResult

    Examples
    --------
    >>> check_chain_divergence_lr(0.00195).ok
    True
    """
    try:
        answer = positive_number(answer, "answer")
    except (TypeError, ValueError) as exc:
        return CheckResult(False, f"Not yet: {exc}.")
    rtol = positive_number(rtol, "rtol")
    sweep = _seed_000_sweep()
    edge = sweep.edge
    if abs(answer - edge) <= rtol * edge:
        return CheckResult(True, f"Right: training diverges from η ≈ {edge:.4g} on (β = 2η ≈ "
                                 f"{2 * edge:.4g}); yours is {answer:.4g}. Near the edge single runs "
                                 f"break ranks: the first blows up at η = {sweep.first_diverging:.4g}, "
                                 f"the last one that does not is at η = {sweep.last_converging:.4g}.")
    if abs(answer - 2 * edge) <= rtol * 2 * edge:
        return CheckResult(False, f"Not yet: {answer:.4g} is about twice the edge. Is it β = 2η, the "
                                  f"tutorial's convention? The slider and bp.train_chain use η = β/2.")
    if answer > 2 * edge:
        return CheckResult(False, f"Not yet: {answer:.4g} is far too large: training diverges well below it.")
    # judge by what training actually does at the reader's rate: near the edge single runs break ranks
    diverges = train_chain(SEED_000["W1"], SEED_000["W2"], SEED_000["b1"], SEED_000["b2"], SEED_000["xs"],
                           SEED_000["ys"], answer, SEED_000["epochs"]).diverged
    if answer < edge and diverges:
        hint = (f"Not quite: training does diverge at {answer:.4g}, but that rate is an isolated case; "
                f"slightly larger rates still train. Look for the rate from which almost every larger "
                f"one diverges.")
    elif answer < edge:
        hint = f"Not yet: {answer:.4g} is too small: training still converges there; try larger values."
    elif diverges:
        hint = (f"Not yet: {answer:.4g} is too large: training diverges there, but so do most rates a "
                f"little below it; try smaller values.")
    else:
        hint = (f"Not quite: at {answer:.4g} this one run happens to survive, but most rates around it "
                f"diverge; the edge lies lower.")
    return CheckResult(False, hint)

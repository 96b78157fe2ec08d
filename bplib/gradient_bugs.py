"""Planted bugs: backward passes of a tiny network, one correct and several with one mistake each.

The tiny network (chapter 05) has one tanh hidden layer and a sigmoid output layer, and is judged
by the squared error averaged over the batch:

    Z1 = X W1ᵀ + b1,  A1 = tanh(Z1),  Z2 = A1 W2ᵀ + b2,  A2 = σ(Z2),
    C = (1/2m) Σ_x ‖a2 − y‖².

Every backward pass has the signature ``backward(W1, b1, W2, b2, X, Y) -> (dW1, db1, dW2, db2)``.
:func:`tiny_net_backward` is right; each function in :data:`PLANTED_BUGS` differs from it in exactly
one line (compare their sources).  :func:`backward_errors` gradient-checks any such function, and
:func:`check_backward` turns that into a verdict for the reader's own backward pass.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from .gradcheck import PASS_THRESHOLD, format_relative_error, numerical_gradient, relative_error
from .metrics import CheckResult

__all__ = [
    "PARAMETER_NAMES", "tiny_net_problem", "tiny_net_forward", "tiny_net_loss", "tiny_net_backward",
    "backward_without_activation_derivative", "backward_with_wrong_transpose",
    "backward_with_sigmoid_derivative_for_tanh", "backward_with_wrong_sign",
    "backward_without_batch_mean", "backward_with_wrong_activation_in_weight_gradient",
    "PLANTED_BUGS", "backward_errors", "check_backward",
]

#: names of the parameters, in the order of the arguments and of the returned gradients.
PARAMETER_NAMES = ("W1", "b1", "W2", "b2")


def tiny_net_problem(sizes=(3, 3, 3), m: int = 5, seed: int = 0):
    """Random parameters and data for the tiny network.

    Parameters
    ----------
    sizes : (n0, n1, n2)
        Inputs, hidden units, outputs.  The default (3, 3, 3) makes every weight matrix square,
        so that a transposed matrix still has the right shape and only a gradient check can
        notice it.
    m : int, ≥ 1
        Batch size.
    seed : int

    Returns
    -------
    params : tuple (W1, b1, W2, b2) of shapes (n1, n0), (n1,), (n2, n1), (n2,), entries N(0, 1)
    X : ndarray, shape (m, n0), entries N(0, 1)
    Y : ndarray, shape (m, n2), entries uniform in [0, 1]

    Examples
    --------
    >>> (W1, b1, W2, b2), X, Y = tiny_net_problem((2, 4, 3), m=6)
    >>> W1.shape, W2.shape, X.shape, Y.shape
    ((4, 2), (3, 4), (6, 2), (6, 3))
    """
    n0, n1, n2 = (int(n) for n in sizes)
    if min(n0, n1, n2, int(m)) < 1:
        raise ValueError(f"sizes and m must be ≥ 1, got sizes={tuple(sizes)} and m={m}")
    rng = np.random.default_rng(seed)
    params = (rng.standard_normal((n1, n0)), rng.standard_normal(n1),
              rng.standard_normal((n2, n1)), rng.standard_normal(n2))
    X = rng.standard_normal((int(m), n0))
    Y = rng.uniform(0.0, 1.0, (int(m), n2))
    return params, X, Y


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # σ(z) without overflow


def tiny_net_forward(W1, b1, W2, b2, X):
    """Forward pass of the tiny network.

    Parameters
    ----------
    W1 : (n1, n0),  b1 : (n1,),  W2 : (n2, n1),  b2 : (n2,),  X : (m, n0)

    Returns
    -------
    Z1, A1 : ndarray, shape (m, n1)   hidden pre-activations and tanh activations
    Z2, A2 : ndarray, shape (m, n2)   output pre-activations and sigmoid outputs
    """
    Z1 = X @ W1.T + b1
    A1 = np.tanh(Z1)
    Z2 = A1 @ W2.T + b2
    A2 = _sigmoid(Z2)
    return Z1, A1, Z2, A2


def tiny_net_loss(W1, b1, W2, b2, X, Y) -> float:
    """Cost of the tiny network, C = (1/2m) Σ_x ‖a2 − y‖² (the ½ convention, eq-mse).

    Examples
    --------
    >>> params, X, Y = tiny_net_problem()
    >>> round(tiny_net_loss(*params, X, Y), 6) > 0
    True
    """
    A2 = tiny_net_forward(W1, b1, W2, b2, X)[3]
    return float(0.5 * np.sum((A2 - Y) ** 2) / X.shape[0])


# ---------------------------------------------------------------------------- backward passes
def tiny_net_backward(W1, b1, W2, b2, X, Y):
    """The correct backward pass of the tiny network (the four equations of chapter 04).

    Returns
    -------
    dW1 : (n1, n0),  db1 : (n1,),  dW2 : (n2, n1),  db2 : (n2,)

    Examples
    --------
    >>> params, X, Y = tiny_net_problem()
    >>> [g.shape for g in tiny_net_backward(*params, X, Y)]
    [(3, 3), (3,), (3, 3), (3,)]
    """
    Z1, A1, Z2, A2 = tiny_net_forward(W1, b1, W2, b2, X)
    m = X.shape[0]
    delta2 = (A2 - Y) / m * A2 * (1 - A2)      # (BP1): ∂C/∂A2 ⊙ σ'(Z2)
    delta1 = (delta2 @ W2) * (1 - A1 ** 2)     # (BP2): tanh'(Z1) = 1 − A1²
    dW2 = delta2.T @ A1                        # (BP4)
    dW1 = delta1.T @ X                         # (BP4)
    return dW1, delta1.sum(axis=0), dW2, delta2.sum(axis=0)   # (BP3) for the biases


def backward_without_activation_derivative(W1, b1, W2, b2, X, Y):
    """Planted bug: the hidden delta forgets the factor tanh'(Z1) of eq-bp2."""
    Z1, A1, Z2, A2 = tiny_net_forward(W1, b1, W2, b2, X)
    m = X.shape[0]
    delta2 = (A2 - Y) / m * A2 * (1 - A2)      # (BP1): ∂C/∂A2 ⊙ σ'(Z2)
    delta1 = delta2 @ W2                       # BUG: tanh'(Z1) dropped
    dW2 = delta2.T @ A1                        # (BP4)
    dW1 = delta1.T @ X                         # (BP4)
    return dW1, delta1.sum(axis=0), dW2, delta2.sum(axis=0)   # (BP3) for the biases


def backward_with_wrong_transpose(W1, b1, W2, b2, X, Y):
    """Planted bug: the hidden delta uses W2ᵀ where W2 belongs (shapes agree for square W2)."""
    Z1, A1, Z2, A2 = tiny_net_forward(W1, b1, W2, b2, X)
    m = X.shape[0]
    delta2 = (A2 - Y) / m * A2 * (1 - A2)      # (BP1): ∂C/∂A2 ⊙ σ'(Z2)
    delta1 = (delta2 @ W2.T) * (1 - A1 ** 2)   # BUG: W2 transposed
    dW2 = delta2.T @ A1                        # (BP4)
    dW1 = delta1.T @ X                         # (BP4)
    return dW1, delta1.sum(axis=0), dW2, delta2.sum(axis=0)   # (BP3) for the biases


def backward_with_sigmoid_derivative_for_tanh(W1, b1, W2, b2, X, Y):
    """Planted bug: the tanh hidden layer gets the sigmoid derivative a(1 − a) (a slip of the moons tutorial)."""
    Z1, A1, Z2, A2 = tiny_net_forward(W1, b1, W2, b2, X)
    m = X.shape[0]
    delta2 = (A2 - Y) / m * A2 * (1 - A2)      # (BP1): ∂C/∂A2 ⊙ σ'(Z2)
    delta1 = (delta2 @ W2) * A1 * (1 - A1)     # BUG: σ' = a(1 − a) used for tanh
    dW2 = delta2.T @ A1                        # (BP4)
    dW1 = delta1.T @ X                         # (BP4)
    return dW1, delta1.sum(axis=0), dW2, delta2.sum(axis=0)   # (BP3) for the biases


def backward_with_wrong_sign(W1, b1, W2, b2, X, Y):
    """Planted bug: ∂C/∂A2 written as (Y − A2)/m, the sign slip of seeds 000 and 004."""
    Z1, A1, Z2, A2 = tiny_net_forward(W1, b1, W2, b2, X)
    m = X.shape[0]
    delta2 = (Y - A2) / m * A2 * (1 - A2)      # BUG: y − a instead of a − y
    delta1 = (delta2 @ W2) * (1 - A1 ** 2)     # (BP2): tanh'(Z1) = 1 − A1²
    dW2 = delta2.T @ A1                        # (BP4)
    dW1 = delta1.T @ X                         # (BP4)
    return dW1, delta1.sum(axis=0), dW2, delta2.sum(axis=0)   # (BP3) for the biases


def backward_without_batch_mean(W1, b1, W2, b2, X, Y):
    """Planted bug: the 1/m of the batch mean is missing from ∂C/∂A2."""
    Z1, A1, Z2, A2 = tiny_net_forward(W1, b1, W2, b2, X)
    m = X.shape[0]
    delta2 = (A2 - Y) * A2 * (1 - A2)          # BUG: no division by m
    delta1 = (delta2 @ W2) * (1 - A1 ** 2)     # (BP2): tanh'(Z1) = 1 − A1²
    dW2 = delta2.T @ A1                        # (BP4)
    dW1 = delta1.T @ X                         # (BP4)
    return dW1, delta1.sum(axis=0), dW2, delta2.sum(axis=0)   # (BP3) for the biases


def backward_with_wrong_activation_in_weight_gradient(W1, b1, W2, b2, X, Y):
    """Planted bug: ∂C/∂W2 uses the layer's own output A2 where A1 belongs (a slip of the moons tutorial)."""
    Z1, A1, Z2, A2 = tiny_net_forward(W1, b1, W2, b2, X)
    m = X.shape[0]
    delta2 = (A2 - Y) / m * A2 * (1 - A2)      # (BP1): ∂C/∂A2 ⊙ σ'(Z2)
    delta1 = (delta2 @ W2) * (1 - A1 ** 2)     # (BP2): tanh'(Z1) = 1 − A1²
    dW2 = delta2.T @ A2                        # BUG: A2 instead of A1
    dW1 = delta1.T @ X                         # (BP4)
    return dW1, delta1.sum(axis=0), dW2, delta2.sum(axis=0)   # (BP3) for the biases


#: description -> backward pass with exactly that one mistake.
PLANTED_BUGS: dict[str, Callable] = {
    "dropped activation derivative": backward_without_activation_derivative,
    "wrong transpose": backward_with_wrong_transpose,
    "sigmoid derivative used for tanh": backward_with_sigmoid_derivative_for_tanh,
    "wrong sign": backward_with_wrong_sign,
    "missing 1/m": backward_without_batch_mean,
    "wrong activation in weight gradient": backward_with_wrong_activation_in_weight_gradient,
}


# ---------------------------------------------------------------------------- checking
def _numerical_gradients(params, X, Y, eps):
    grads = []
    for i, p in enumerate(params):
        def cost(value, i=i):
            trial = list(params)
            trial[i] = value
            return tiny_net_loss(*trial, X, Y)
        grads.append(numerical_gradient(cost, p, eps))
    return grads


def _returned_gradients(backward, params, X, Y):
    """Call ``backward`` and validate what it returns; ValueError with a reader-facing message."""
    try:
        out = backward(*(p.copy() for p in params), X.copy(), Y.copy())
    except Exception as exc:  # the reader's code: report any failure as a message
        raise ValueError(f"calling your function raised {type(exc).__name__}: {exc} (no matrix of this "
                         f"network is square, so a transposed matrix shows up as such an error)") from exc
    if not isinstance(out, (tuple, list)) or len(out) != 4:
        raise ValueError("it must return four arrays (dW1, db1, dW2, db2)")
    grads = []
    for name, p, g in zip(PARAMETER_NAMES, params, out):
        g = np.asarray(g)
        if g.dtype.kind not in "biuf":
            raise ValueError(f"d{name} must be a numeric array, got dtype {g.dtype}")
        if g.shape != p.shape:
            raise ValueError(f"d{name} must have the shape of {name}, {p.shape}; got shape {g.shape}")
        grads.append(g.astype(np.float64))
    return grads


def backward_errors(backward: Callable, sizes=(3, 3, 3), m: int = 5, seed: int = 0, eps: float = 1e-6):
    """Gradient-check a backward pass of the tiny network: relative error per parameter.

    Compares ``backward(W1, b1, W2, b2, X, Y)`` with central differences of
    :func:`tiny_net_loss` (eq-central-difference, eq-relative-error) on
    ``tiny_net_problem(sizes, m, seed)``.

    Parameters
    ----------
    backward : callable (W1, b1, W2, b2, X, Y) -> (dW1, db1, dW2, db2)
    sizes, m, seed : the problem, see :func:`tiny_net_problem`
    eps : float, the central-difference step

    Returns
    -------
    dict with keys "W1", "b1", "W2", "b2" (each parameter) and "all" (all gradients together),
    values float in [0, 1]

    Examples
    --------
    >>> errors = backward_errors(tiny_net_backward)
    >>> all(e < 1e-7 for e in errors.values())
    True
    """
    params, X, Y = tiny_net_problem(sizes, m, seed)
    claimed = _returned_gradients(backward, params, X, Y)
    numeric = _numerical_gradients(params, X, Y, eps)
    errors = {name: relative_error(c, n) for name, c, n in zip(PARAMETER_NAMES, claimed, numeric)}
    errors["all"] = relative_error(claimed, numeric)
    return errors


def check_backward(backward: Callable) -> CheckResult:
    """Tell the reader whether their backward pass of the tiny network is right.

    Runs :func:`backward_errors` on two problems: a (2, 4, 3) network with 6 examples (no
    matrix is square, so a transposition shows up as a shape error) and a (3, 3, 3) network with
    5 examples (every matrix is square, so only the numbers can reveal it).  Right when every
    parameter's relative error is below :data:`~bplib.PASS_THRESHOLD` (1e-7) on both.

    Parameters
    ----------
    backward : callable (W1, b1, W2, b2, X, Y) -> (dW1, db1, dW2, db2)

    Returns
    -------
    CheckResult, whose message lists the relative error of each parameter.

    Examples
    --------
    >>> check_backward(tiny_net_backward).ok
    True
    """
    if not callable(backward):
        return CheckResult(False, f"Not yet: pass your function itself, got {type(backward).__name__}.")
    worst: dict[str, float] = {}
    for sizes, m in (((2, 4, 3), 6), ((3, 3, 3), 5)):
        try:
            errors = backward_errors(backward, sizes, m)
        except ValueError as exc:
            return CheckResult(False, f"Not yet, on a {sizes} network with m = {m}: {exc}.")
        for name in PARAMETER_NAMES:
            worst[name] = max(worst.get(name, 0.0), errors[name])
    table = ", ".join(f"{name} {format_relative_error(err)}" for name, err in worst.items())
    wrong = [name for name, err in worst.items() if err >= PASS_THRESHOLD]
    if not wrong:
        return CheckResult(True, f"Right: every gradient passes the check (relative errors: {table}).")
    return CheckResult(False, f"Not yet: relative errors {table}. {_backward_hint(backward, wrong)}")


def _backward_hint(backward: Callable, wrong: list[str]) -> str:
    """The likely slip behind a failing backward pass, read off its gradients on the square problem."""
    m = 5
    params, X, Y = tiny_net_problem((3, 3, 3), m)
    claimed = _returned_gradients(backward, params, X, Y)
    true = tiny_net_backward(*params, X, Y)

    def all_close(factor):
        return all(np.allclose(c, factor * t, rtol=1e-6, atol=1e-12) for c, t in zip(claimed, true))

    if all(not np.any(c) for c in claimed):
        return "Your function returns zeros: fill in the gradients, starting with the output delta (BP1)."
    if all_close(-1.0):
        return "Every gradient has the wrong sign: the output delta starts from A2 − Y, not Y − A2."
    if all_close(float(m)):
        return ("Every gradient is m times too large (m is the batch size, 6 and 5 in the two problems): "
                "the cost is the mean over the batch, so the output delta carries a factor 1/m.")
    if len(wrong) == len(PARAMETER_NAMES):
        return "Every gradient is off: start with the output delta (BP1), which all of them inherit."
    if set(wrong) == {"W1", "b1"}:
        return ("The output layer is right, the hidden layer is not: check the hidden delta (BP2), "
                "Δ1 = (Δ2 W2) ⊙ tanh'(Z1) with tanh'(Z1) = 1 − A1², and W2 not transposed.")
    if wrong in (["W1"], ["W2"]):
        layer = wrong[0][1]
        below = "X" if layer == "1" else "A1"
        return (f"Only dW{layer} is wrong, so its delta is right: (BP4) multiplies the transposed delta "
                f"with the activation of the layer below, {below}.")
    if all(name.startswith("b") for name in wrong):
        return "Only bias gradients are wrong: (BP3) sums the delta over the rows of the batch."
    return (f"Wrong: {', '.join(wrong)}. A wrong delta spoils its own layer's gradients and "
            f"those of every layer before it.")

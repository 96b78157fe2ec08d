"""The experiments of chapter 14: deep plain and residual networks on the digits, over seeds.

- :func:`residual_gradient_profile`: ‖∂C/∂W^l‖ for every layer of a freshly initialised
  :class:`bplib.ResidualMLP` (what the chapter's widget draws).
- :func:`depth_comparison`: train the same architecture plain, residual and normalised from the
  same initial weights, over several seeds; record costs and held-out accuracies.
- :func:`check_bn_input_gradient`: the exercise check of chapter 14 (a batch-norm gradient by hand).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validate import as_matrix, positive_int

from .metrics import CheckResult
from .normalisation import batch_norm_backward
from .residual import ResidualMLP

__all__ = ["residual_gradient_profile", "DepthResult", "depth_comparison", "VARIANTS", "check_bn_input_gradient"]

#: the variants compared in chapter 14: name -> (skip, norm)
VARIANTS = {"plain": (False, None), "residual": (True, None), "residual + batch norm": (True, "batch"),
            "plain + batch norm": (False, "batch"), "residual + layer norm": (True, "layer"),
            "plain + layer norm": (False, "layer")}


def residual_gradient_profile(X, Y, n_blocks: int = 18, hidden: str = "sigmoid", skip: bool = True,
                              norm=None, width: int = 16, init="xavier", seed: int = 0) -> np.ndarray:
    """Per-layer weight-gradient norms ‖∂C/∂W^l‖, l = 1 … L, of a new :class:`bplib.ResidualMLP`.

    Parameters
    ----------
    X : ndarray, shape (m, n_0)
    Y : ndarray, shape (m, n_out), one-hot
    n_blocks : int ≥ 0, so that L = n_blocks + 2
    hidden, skip, norm, width, init, seed : as for :class:`bplib.ResidualMLP`

    Returns
    -------
    ndarray, shape (n_blocks + 2,); entry l−1 for layer l (1 = next to the input)

    Examples
    --------
    >>> import bplib as bp
    >>> X = np.random.default_rng(0).random((8, 4)); Y = bp.one_hot(np.arange(8) % 3, 3)
    >>> residual_gradient_profile(X, Y, n_blocks=3, width=5).shape
    (5,)
    """
    X = as_matrix(X, "X")
    Y = as_matrix(Y, "Y")
    net = ResidualMLP(X.shape[1], width, n_blocks, Y.shape[1], hidden=hidden, skip=skip, norm=norm,
                      init=init, seed=seed)
    return net.weight_gradient_norms(X, Y)


@dataclass
class DepthResult:
    """Outcome of :func:`depth_comparison` for one variant.

    Attributes
    ----------
    seeds : list of int
    costs : ndarray, shape (n_seeds, epochs + 1), training cost before and after every epoch
    accuracy : ndarray, shape (n_seeds,), held-out accuracy after training
    initial_norms : ndarray, shape (n_seeds, L), ‖∂C/∂W^l‖ at initialisation on the training set
    """

    seeds: list
    costs: np.ndarray
    accuracy: np.ndarray
    initial_norms: np.ndarray


def depth_comparison(X_train, Y_train, X_test, labels_test, variants=("plain", "residual"), seeds=(0, 1, 2),
                     n_blocks: int = 18, width: int = 16, hidden: str = "sigmoid", init="xavier",
                     lr: float = 0.6, epochs: int = 8, batch_size: int = 32) -> dict:
    """Train each variant of :data:`VARIANTS` from each seed's initial weights; same data, same
    learning rate, same epochs, same batches (shuffled by the same seed) for every variant.

    Held-out accuracy with batch normalisation uses the statistics of the test set as one batch.

    Returns
    -------
    dict variant name -> :class:`DepthResult`
    """
    X_train, Y_train = as_matrix(X_train, "X_train"), as_matrix(Y_train, "Y_train")
    X_test = as_matrix(X_test, "X_test", cols=X_train.shape[1])
    labels_test = np.asarray(labels_test)
    if labels_test.shape != (X_test.shape[0],):
        raise ValueError(f"labels_test: expected shape ({X_test.shape[0]},), got shape {labels_test.shape}")
    epochs = positive_int(epochs, "epochs")
    results = {}
    for name in variants:
        if name not in VARIANTS:
            raise ValueError(f"variants: unknown name {name!r}; valid names are {', '.join(map(repr, VARIANTS))}")
        skip, norm = VARIANTS[name]
        costs, accs, norms = [], [], []
        for seed in seeds:
            net = ResidualMLP(X_train.shape[1], width, n_blocks, Y_train.shape[1], hidden=hidden, skip=skip,
                              norm=norm, init=init, seed=seed)
            norms.append(net.weight_gradient_norms(X_train, Y_train))
            costs.append(net.train(X_train, Y_train, lr=lr, epochs=epochs, batch_size=batch_size, seed=seed))
            accs.append(float(np.mean(net.predict(X_test) == labels_test)))
        results[name] = DepthResult(list(seeds), np.array(costs), np.array(accs), np.array(norms))
    return results


def check_bn_input_gradient(answer, x=(1.0, 2.0, 6.0), gamma: float = 2.0, dy=(1.0, 0.0, 0.0)):
    """Check a hand-computed batch-norm input gradient ∂C/∂x for one feature (chapter 14's exercise).

    The batch is the column ``x`` (m examples, one feature), ``gamma`` its scale and ``dy`` the
    upstream gradient ∂C/∂y.  The reference is :func:`bplib.batch_norm_backward` with ε = 1e-12
    (a hand calculation has no ε); an answer within 1.5 % of its largest entry passes, so a hand
    answer rounded to two decimals is accepted.  Answers that match a likely slip (the mean and
    variance treated as constants, the mean path without the variance path, the unbiased
    variance, the factor γ left out) are named in the hint.

    Parameters
    ----------
    answer : array_like, shape (m,)
    x, dy : sequences of m numbers;  gamma : float

    Returns
    -------
    CheckResult

    Examples
    --------
    >>> check_bn_input_gradient([0.0, 0.0, 0.0]).ok
    False
    """
    x = np.asarray(x, dtype=np.float64).reshape(-1, 1)
    dy = np.asarray(dy, dtype=np.float64).reshape(-1, 1)
    if x.shape != dy.shape:
        raise ValueError(f"x and dy: expected the same length, got {x.shape[0]} and {dy.shape[0]}")
    g = np.array([float(gamma)])
    expected = batch_norm_backward(dy, x, g, np.zeros(1), eps=1e-12)[0][:, 0]
    try:
        given = np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError):
        return CheckResult(False, f"Not yet: expected {x.shape[0]} numbers, got {answer!r}.")
    if given.shape != expected.shape:
        return CheckResult(False, f"Not yet: expected {expected.shape[0]} numbers, one per example, "
                                  f"got shape {given.shape}.")
    if not np.isfinite(given).all():
        return CheckResult(False, "Not yet: every entry should be a finite number, got NaN or inf.")
    if not np.any(given):
        return CheckResult(False, "Not yet: replace the zeros with your numbers.")
    tol = 1.5e-2 * np.abs(expected).max()          # two-decimal rounding is off by at most 0.005
    if np.all(np.abs(given - expected) <= tol):
        return CheckResult(True, f"Right: dx = {np.array2string(expected, precision=4)}; its entries sum to "
                                 f"zero, as they must.")
    m = x.shape[0]
    sigma = x.std()
    slips = [
        (g * dy / sigma, "that is γ dy/σ, with μ and σ² treated as constants. Both depend on every x_i: "
                         "add the paths through μ and through σ²."),
        (g / sigma * (dy - dy.mean()), "you kept the path through μ but not the one through σ²: "
                                       "the term −x̂ · mean(dy ⊙ x̂) is missing."),
        (batch_norm_backward(dy, x, g, np.zeros(1), eps=1e-12)[0] * np.sqrt((m - 1) / m),
         "this is the answer with the unbiased variance (divide by m − 1); batch norm divides by m."),
        (expected[:, None] / g, "these are the right numbers divided by γ: the upstream gradient of x̂ is "
                                "γ dy, so every path carries the factor γ."),
    ]
    for wrong, hint in slips:
        if np.all(np.abs(given - wrong[:, 0]) <= tol):
            return CheckResult(False, "Not yet: " + hint)
    if abs(given.sum()) > tol:
        return CheckResult(False, f"Not yet: your entries sum to {given.sum():.4g}, but a batch-norm input "
                                  f"gradient sums to zero over the batch. Check the mean path.")
    return CheckResult(False, "Not yet: the entries sum to zero, so the mean path is there; check the "
                              "variance path, −x̂_i · (1/m) Σ_k dy_k x̂_k, and the factor γ/σ.")

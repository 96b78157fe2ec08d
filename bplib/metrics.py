"""Classification: how often a network is right, where it is wrong, and the few helpers that
chapters 07 (moons) and 08 (digits) compute with.

Labels are 1-D integer arrays of shape (m,) holding class indices 0 … k−1.  A 2-D array
(one-hot rows or probabilities) where labels are expected is an error, never silently
reduced: pass ``Y.argmax(axis=1)``.

- :func:`accuracy`, :func:`error_rate`: the fraction of examples classified right / wrong.
- :func:`confusion_matrix`: counts C[i, j] of examples of true class i predicted as class j.
- :func:`misclassified`: indices of the examples a classifier gets wrong.
- :func:`class_probability_grid`: a network's class probabilities on a grid over the plane
  (what a decision-boundary figure draws).
- :func:`train_classifier`: a one-hidden-layer tanh + softmax network trained on labelled points,
  recording the misclassified fraction after every iteration (chapter 07's experiment and widget).
- :func:`layer_activations`: every layer's activations for a batch (chapter 08's widget).
- ``check_*``: answer checkers for the exercises; each returns a :class:`CheckResult`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validate import as_matrix, as_float_array, positive_int
from .activations import softmax
from .losses import one_hot
from .mlp import MLP
from .registry import implements
from .training import History, train

__all__ = [
    "accuracy", "error_rate", "confusion_matrix", "misclassified",
    "class_probability_grid", "train_classifier", "layer_activations",
    "CheckResult", "check_softmax_delta", "check_per_class_recall",
    "sigmoid_mse_delta", "sigmoid_mse_weight_gradient",
]


# ---------------------------------------------------------------------------- label checks
def _labels(y, name: str) -> np.ndarray:
    """``y`` as a 1-D int64 array of class labels; ValueError/TypeError naming ``name`` otherwise."""
    if isinstance(y, (str, bytes)) or y is None:
        raise TypeError(f"{name}: expected a 1-D array of integer class labels, got {type(y).__name__}")
    arr = np.asarray(y)
    if arr.ndim != 1:
        hint = (" (for one-hot rows or probabilities pass Y.argmax(axis=1))" if arr.ndim == 2 else "")
        raise ValueError(f"{name}: expected a 1-D array of class labels of shape (m,), "
                         f"got shape {arr.shape}{hint}")
    if arr.dtype.kind == "b" or arr.dtype.kind not in "iuf":
        raise TypeError(f"{name}: expected integer class labels, got dtype {arr.dtype}")
    if arr.dtype.kind == "f":
        if not (np.all(np.isfinite(arr)) and np.all(arr == np.round(arr))):
            raise TypeError(f"{name}: expected integer class labels, got non-integer floats "
                            f"(shape {arr.shape})")
    arr = arr.astype(np.int64)
    if arr.size and arr.min() < 0:
        raise ValueError(f"{name}: class labels must be ≥ 0, got a minimum of {arr.min()} "
                         f"(shape {arr.shape})")
    return arr


def _label_pair(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    y_true, y_pred = _labels(y_true, "y_true"), _labels(y_pred, "y_pred")
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred must have the same length, "
                         f"got y_true {y_true.shape} and y_pred {y_pred.shape}")
    if y_true.size == 0:
        raise ValueError("y_true: need at least one example, got shape (0,)")
    return y_true, y_pred


# ---------------------------------------------------------------------------- metrics
def accuracy(y_true, y_pred) -> float:
    """Fraction of examples whose predicted label equals the true label.

    Parameters
    ----------
    y_true : array_like of int, shape (m,)
        True class labels.
    y_pred : array_like of int, shape (m,)
        Predicted class labels (e.g. ``net.predict(X)``).

    Returns
    -------
    float in [0, 1]

    Examples
    --------
    >>> accuracy([0, 1, 2, 2], [0, 1, 1, 2])
    0.75
    """
    y_true, y_pred = _label_pair(y_true, y_pred)
    return float(np.mean(y_true == y_pred))


def error_rate(y_true, y_pred) -> float:
    """Misclassified fraction, 1 − :func:`accuracy`.

    Parameters
    ----------
    y_true, y_pred : array_like of int, shape (m,)

    Returns
    -------
    float in [0, 1]

    Examples
    --------
    >>> error_rate([0, 1, 2, 2], [0, 1, 1, 2])
    0.25
    """
    y_true, y_pred = _label_pair(y_true, y_pred)
    return float(np.mean(y_true != y_pred))


def confusion_matrix(y_true, y_pred, n_classes: int | None = None) -> np.ndarray:
    """Counts of (true class, predicted class) pairs.

    Parameters
    ----------
    y_true, y_pred : array_like of int, shape (m,)
        Labels in 0 … n_classes − 1.
    n_classes : int, optional
        Number of classes k; by default one more than the largest label seen.

    Returns
    -------
    ndarray of int64, shape (k, k)
        ``C[i, j]`` is the number of examples of true class i predicted as class j (rows: truth,
        columns: prediction, as in scikit-learn).  The diagonal holds the correct ones, so
        ``trace(C) / C.sum()`` is the accuracy and ``C.sum(axis=1)`` counts each class.

    Examples
    --------
    >>> confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2]).tolist()
    [[1, 0, 0], [0, 1, 1], [0, 0, 1]]
    """
    y_true, y_pred = _label_pair(y_true, y_pred)
    largest = int(max(y_true.max(), y_pred.max()))
    if n_classes is None:
        n_classes = largest + 1
    n_classes = positive_int(n_classes, "n_classes")
    for arr, name in ((y_true, "y_true"), (y_pred, "y_pred")):
        if arr.max() >= n_classes:
            raise ValueError(f"{name}: labels must lie in 0 … {n_classes - 1} for n_classes={n_classes}, "
                             f"got values in [{arr.min()}, {arr.max()}] (shape {arr.shape})")
    counts = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(counts, (y_true, y_pred), 1)
    return counts


def misclassified(y_true, y_pred) -> np.ndarray:
    """Indices of the examples whose prediction is wrong, in increasing order.

    Parameters
    ----------
    y_true, y_pred : array_like of int, shape (m,)

    Returns
    -------
    ndarray of int64, shape (n_wrong,)

    Examples
    --------
    >>> misclassified([0, 1, 2, 2], [0, 1, 1, 0]).tolist()
    [2, 3]
    """
    y_true, y_pred = _label_pair(y_true, y_pred)
    return np.flatnonzero(y_true != y_pred).astype(np.int64)


# ---------------------------------------------------------------------------- helpers
def class_probability_grid(net, X, resolution: int = 200, margin: float = 0.5):
    """A network's class probabilities on a regular grid covering 2-D points X.

    Parameters
    ----------
    net : MLP with 2 inputs
    X : ndarray, shape (m, 2)
        The points the grid must cover (the grid extends ``margin`` beyond them).
    resolution : int, ≥ 2
        Grid points per axis.
    margin : float, ≥ 0

    Returns
    -------
    xx, yy : ndarray, shape (resolution, resolution)   grid coordinates (``np.meshgrid`` order)
    P : ndarray, shape (resolution, resolution, k)      net outputs at every grid point

    Examples
    --------
    >>> net = MLP([2, 3, 2], hidden="tanh", output="softmax", loss="cross_entropy", seed=0)
    >>> xx, yy, P = class_probability_grid(net, np.array([[0.0, 0.0], [1.0, 1.0]]), resolution=5)
    >>> P.shape
    (5, 5, 2)
    """
    if net.sizes[0] != 2:
        raise ValueError(f"net: a probability grid over the plane needs a network with 2 inputs, "
                         f"got sizes {net.sizes}")
    X = as_matrix(X, "X", cols=2)
    if isinstance(resolution, bool) or int(resolution) != resolution or resolution < 2:
        raise ValueError(f"resolution: must be an integer ≥ 2, got {resolution!r}")
    if not (np.isfinite(margin) and margin >= 0):
        raise ValueError(f"margin: must be a finite number ≥ 0, got {margin!r}")
    resolution = int(resolution)
    lo, hi = X.min(axis=0) - margin, X.max(axis=0) + margin
    xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    P = net.forward(np.column_stack([xx.ravel(), yy.ravel()]))
    return xx, yy, P.reshape(resolution, resolution, -1)


def train_classifier(X, labels, hidden_units: int = 10, l2: float = 0.0, iterations: int = 1000,
                     lr: float = 1.0, seed: int = 0, hidden: str = "tanh", init="xavier",
                     batch_size: int | None = None, held_out=None) -> tuple[MLP, History]:
    """Train a one-hidden-layer network with a softmax output on labelled points.

    The network is ``MLP([n_0, hidden_units, k], hidden=hidden, output="softmax",
    loss="cross_entropy", l2=l2)``, trained by :func:`bplib.train` (full batch by default, so one
    iteration is one gradient step).  The misclassified fraction on the training points is
    recorded before training and after every iteration.

    Parameters
    ----------
    X : ndarray, shape (m, n_0)
    labels : array_like of int, shape (m,)   classes 0 … k−1 (k ≥ 2)
    hidden_units : int, ≥ 1
    l2 : float, ≥ 0        the L2 penalty λ (eq-l2-gradient)
    iterations : int, ≥ 1  epochs of :func:`bplib.train`
    lr : float, > 0
    seed : int             seeds the initial weights and the shuffling
    hidden : str           hidden activation
    init : str or float    weight initialisation (see :class:`MLP`)
    batch_size : int or None
    held_out : (X_test, labels_test), optional
        Points not trained on, shapes (m', n_0) and (m',); their misclassified fraction is
        recorded too, as ``history.metrics["held_out_error_rate"]``.

    Returns
    -------
    net : MLP
    history : History
        ``history.metrics["error_rate"]`` (and ``"held_out_error_rate"``) have
        ``iterations + 1`` entries.

    Examples
    --------
    >>> X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    >>> net, hist = train_classifier(X, [0, 0, 1, 1], hidden_units=4, iterations=300, lr=2.0)
    >>> len(hist.metrics["error_rate"]), hist.metrics["error_rate"][-1]
    (301, 0.0)
    """
    X = as_matrix(X, "X")
    labels = _labels(labels, "labels")
    if labels.shape[0] != X.shape[0]:
        raise ValueError(f"X and labels must have the same number of rows, got X {X.shape} "
                         f"and labels {labels.shape}")
    hidden_units = positive_int(hidden_units, "hidden_units")
    k = max(int(labels.max()) + 1, 2)
    track = {"error_rate": lambda n: error_rate(labels, n.predict(X))}
    if held_out is not None:
        X_test, labels_test = held_out
        X_test = as_matrix(X_test, "X_test", cols=X.shape[1])
        labels_test = _labels(labels_test, "labels_test")
        if labels_test.shape[0] != X_test.shape[0]:
            raise ValueError(f"X_test and labels_test must have the same number of rows, got X_test "
                             f"{X_test.shape} and labels_test {labels_test.shape}")
        track["held_out_error_rate"] = lambda n: error_rate(labels_test, n.predict(X_test))
    net = MLP([X.shape[1], int(hidden_units), k], hidden=hidden, output="softmax",
              loss="cross_entropy", l2=l2, init=init, seed=seed)
    history = train(net, X, one_hot(labels, k), lr=lr, epochs=iterations, batch_size=batch_size,
                    seed=seed, track=track)
    return net, history


def layer_activations(net, X) -> list[np.ndarray]:
    """The activations of every layer after the input, for a batch.

    Parameters
    ----------
    net : MLP
    X : ndarray, shape (m, n_0)

    Returns
    -------
    list of ndarray, entry i of shape (m, n_{i+1}); the last entry is the output (for a
    softmax network, the class probabilities).

    Examples
    --------
    >>> net = MLP([4, 3, 2], hidden="tanh", output="softmax", loss="cross_entropy", seed=0)
    >>> [A.shape for A in layer_activations(net, np.zeros((1, 4)))]
    [(1, 3), (1, 2)]
    """
    return [A.copy() for A in net.forward_pass(X)[1][1:]]


# ---------------------------------------------------------------------------- chapter 08's equations
def _outputs_and_targets(A, Y):
    A = as_matrix(A, "A")
    Y = as_matrix(Y, "Y")
    if A.shape != Y.shape:
        raise ValueError(f"Y: expected the shape of A, {A.shape}, got shape {Y.shape}")
    return A, Y


@implements("eq-digits-mse-delta", chapter="08_digits")
def sigmoid_mse_delta(A, Y) -> np.ndarray:
    """Per-example output delta of sigmoid outputs with the squared error  (eq-digits-mse-delta, chapter 08).

    δ_j = ∂C_x/∂z_j = (a_j − y_j) a_j (1 − a_j) for C_x = ½‖a − y‖², a = σ(z): the factor
    a_j (1 − a_j) = σ'(z_j) vanishes when an output saturates.  (The cross-entropy's delta a − y
    of softmax outputs is eq-ce-softmax-delta, :func:`bplib.softmax_cross_entropy_delta`.)

    Parameters
    ----------
    A : ndarray, shape (m, k)   sigmoid outputs, one example per row
    Y : ndarray, shape (m, k)   targets

    Returns
    -------
    ndarray, shape (m, k): row i is the delta of example i (not divided by m).

    Examples
    --------
    >>> sigmoid_mse_delta(np.array([[0.5, 0.5]]), np.array([[1.0, 0.0]]))
    array([[-0.125,  0.125]])
    """
    A, Y = _outputs_and_targets(A, Y)
    return (A - Y) * A * (1.0 - A)


@implements("eq-digits-sigmoid-mse-gradient", chapter="08_digits")
def sigmoid_mse_weight_gradient(A, Y, X) -> np.ndarray:
    """∂C/∂W of a network without hidden layer, sigmoid outputs and the squared error  (eq-digits-sigmoid-mse-gradient, chapter 08).

    Per example ∂C_x/∂w_jk = (a_j − y_j) a_j (1 − a_j) x_k; for a batch of m examples the cost is
    the mean, so ∂C/∂W = (1/m) Σ_x δ_x x^T = Δ^T X with Δ = sigmoid_mse_delta(A, Y) / m.

    Parameters
    ----------
    A : ndarray, shape (m, k)     the outputs σ(X W^T + b)
    Y : ndarray, shape (m, k)     targets
    X : ndarray, shape (m, n)     inputs

    Returns
    -------
    ndarray, shape (k, n), the shape of W.

    Examples
    --------
    >>> sigmoid_mse_weight_gradient(np.array([[0.5]]), np.array([[1.0]]), np.array([[2.0, 0.0]]))
    array([[-0.25,  0.  ]])
    """
    A, Y = _outputs_and_targets(A, Y)
    X = as_matrix(X, "X")
    if X.shape[0] != A.shape[0]:
        raise ValueError(f"X: expected {A.shape[0]} rows, one per row of A, got shape {X.shape}")
    return (sigmoid_mse_delta(A, Y) / A.shape[0]).T @ X


# ---------------------------------------------------------------------------- exercise checks
@dataclass(frozen=True)
class CheckResult:
    """The verdict of a ``check_*`` function: ``ok`` and a message for the reader.

    It is truthy when the answer is right, and displays as its message in a notebook.
    """

    ok: bool
    message: str

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        return self.message


HAND_ATOL = 0.006
"""Absolute tolerance for answers computed by hand to two or three decimals."""


def _compare(answer, expected, what: str, rtol: float = 1e-6, atol: float | None = None) -> CheckResult:
    answer = as_float_array(answer, "answer", finite=False)
    if answer.shape != expected.shape:
        return CheckResult(False, f"Not yet: {what} has shape {expected.shape}, your answer has "
                                  f"shape {answer.shape}.")
    if not np.all(np.isfinite(answer)):
        return CheckResult(False, "Not yet: your answer contains NaN or infinite values.")
    worst = int(np.argmax(np.abs(answer - expected).reshape(-1)))
    if atol is None:
        atol = 1e-4 * max(1.0, float(np.abs(expected).max()))
    if np.allclose(answer, expected, rtol=rtol, atol=atol):
        return CheckResult(True, f"Correct: that is {what}.")
    where = ", ".join(str(int(i)) for i in np.unravel_index(worst, expected.shape))
    return CheckResult(False, f"Not yet: entry [{where}] is off (yours {answer.reshape(-1)[worst]:.6g}); "
                              f"the others may be too.")


def check_softmax_delta(answer, z, label: int) -> CheckResult:
    """Check a hand-computed output delta a − y of softmax + cross-entropy for one example.

    Every entry may be off by up to 0.006 (an answer rounded to two decimals passes).  A wrong
    answer that matches a common slip (the probabilities a without − y, y − a, the 1 of y at the
    wrong entry or at every entry, a normaliser that makes a not sum to 1) is named in the hint.

    Parameters
    ----------
    answer : array_like, shape (k,)
        Your δ = ∂C_x/∂z for logits ``z`` and true class ``label`` (eq-ce-softmax-delta, m = 1).
    z : array_like, shape (k,)
    label : int in 0 … k−1

    Returns
    -------
    CheckResult

    Examples
    --------
    >>> check_softmax_delta([0.5, -0.5], [0.0, 0.0], 1).ok
    True
    """
    z = as_float_array(z, "z")
    if z.ndim != 1:
        raise ValueError(f"z: expected a 1-D vector of logits of shape (k,), got shape {z.shape}")
    label = int(_labels([label], "label")[0])
    if label >= z.shape[0]:
        raise ValueError(f"label: must lie in 0 … {z.shape[0] - 1} for {z.shape[0]} logits, got {label}")
    a = softmax(z[None, :])[0]
    y = one_hot([label], z.shape[0])[0]
    expected = a - y
    try:
        given = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        given = None
    # A hand answer carries two or three decimals: accept it when every entry is within 0.006.
    if given is not None and given.shape == expected.shape and np.all(np.isfinite(given)):
        if np.all(np.abs(given - expected) <= HAND_ATOL):
            return CheckResult(True, "Correct: that is δ = softmax(z) − y.")
        slips = [(a, "these are the probabilities a = softmax(z); the delta is a − y: subtract 1 "
                     f"at the true class {label}."),
                 (y - a, "that is y − a, the negative of the delta: δ = ∂C/∂z = a − y."),
                 (a - 1.0, "you subtracted 1 from every entry; y is 1 only at the true class "
                           f"{label} and 0 elsewhere.")]
        slips += [(a - one_hot([k], z.shape[0])[0], f"you subtracted the 1 at entry {k}; the true "
                                                    f"class is {label}.")
                  for k in range(z.shape[0]) if k != label]
        for wrong, hint in slips:
            if np.all(np.abs(given - wrong) <= HAND_ATOL):
                return CheckResult(False, "Not yet: " + hint)
        if abs(given.sum()) > HAND_ATOL * z.shape[0]:
            return CheckResult(False, f"Not yet: your entries sum to {given.sum():.3g}, but a − y sums "
                                      "to 0 (a sums to 1, y too); check the normaliser Σ_i e^{z_i}.")
    return _compare(answer, expected, "δ = softmax(z) − y", atol=HAND_ATOL)


def check_per_class_recall(answer, C) -> CheckResult:
    """Check per-class recall computed from a confusion matrix.

    Recall of class i is the fraction of its examples predicted as i: C[i, i] / Σ_j C[i, j].
    Every entry may be off by up to 0.0006 (an answer rounded to three decimals passes).

    Parameters
    ----------
    answer : array_like, shape (k,)
    C : array_like of int, shape (k, k)   rows: true class, columns: predicted class

    Returns
    -------
    CheckResult

    Examples
    --------
    >>> check_per_class_recall([0.5, 1.0], [[1, 1], [0, 3]]).ok
    True
    """
    C = as_matrix(C, "C")
    if C.shape[0] != C.shape[1]:
        raise ValueError(f"C: expected a square confusion matrix of shape (k, k), got shape {C.shape}")
    counts = C.sum(axis=1)
    if np.any(counts == 0):
        raise ValueError(f"C: every class needs at least one example; row sums are {counts.tolist()}")
    # a hand answer rounded to three decimals is off by up to 0.0005: accept it
    result = _compare(answer, np.diag(C) / counts, "the recall of every class", atol=6e-4)
    precision = np.diag(C) / np.maximum(C.sum(axis=0), 1)
    if (not result.ok and np.shape(answer) == precision.shape
            and np.allclose(np.asarray(answer, dtype=float), precision, atol=6e-4)):
        return CheckResult(False, "Not yet: you divided by column sums (predicted counts), which gives "
                                  "the precision; recall divides by row sums (true counts).")
    return result

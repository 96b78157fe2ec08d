"""Looking inside a deep network: per-layer gradients, activations, dead units, initial scales (chapter 09).

- :func:`activation_derivative_bound`: the largest value of ``|f′|`` (¼ for the sigmoid).
- :func:`delta_norm_bounds`: the product bound on ‖Δ^l‖ that makes gradients vanish.
- :func:`xavier_std`, :func:`he_std`: standard deviations of the initial weights.
- :func:`layer_deltas`, :func:`delta_norms`, :func:`weight_gradient_norms`: what backpropagation
  sends to each layer.
- :func:`activation_statistics`, :func:`dead_units`, :func:`dead_unit_fraction`: what each layer
  sends forward.
- :func:`gradient_norm_profile`, :func:`layer_learning_speed`, :func:`dead_unit_history`: the
  experiments of chapter 09, as functions the notebook, the widget and the tests call.

Layers are numbered as in the book: layer l = 1 … L has weights ``net.weights[l-1]``.
"""
from __future__ import annotations

import numpy as np

from ._validate import as_matrix, positive_int, positive_number
from .activations import ACTIVATIONS, LEAKY_SLOPE, softmax_backward
from .equations import hidden_delta, output_delta
from .losses import get_loss, sigmoid_binary_cross_entropy_delta, softmax_cross_entropy_delta
from .mlp import MLP, init_scale
from .registry import implements
from .training import train

__all__ = [
    "activation_derivative_bound", "delta_norm_bounds", "xavier_std", "he_std",
    "layer_deltas", "delta_norms", "weight_gradient_norms", "activation_statistics",
    "dead_units", "dead_unit_fraction", "with_hidden_activation", "gradient_norm_profile",
    "layer_learning_speed", "dead_unit_history", "check_leaky_he_std",
]

#: sup_z |f'(z)| for each elementwise activation of bplib.
_DERIVATIVE_BOUNDS = {"sigmoid": 0.25, "tanh": 1.0, "relu": 1.0, "leaky_relu": 1.0, "identity": 1.0}


@implements("eq-sigmoid-derivative-bound", chapter="09_vanishing_gradients")
def activation_derivative_bound(name: str) -> float:
    """The largest value of ``|f′(z)|`` over all z  (eq-sigmoid-derivative-bound, chapter 09).

    σ′(z) = σ(z)(1 − σ(z)) ≤ ¼ with equality at z = 0; tanh′ ≤ 1 (at 0); ReLU′, Leaky ReLU′ and
    the identity's derivative are at most 1.

    Parameters
    ----------
    name : str, one of "sigmoid", "tanh", "relu", "leaky_relu", "identity"

    Returns
    -------
    float

    Examples
    --------
    >>> activation_derivative_bound("sigmoid")
    0.25
    """
    if name not in _DERIVATIVE_BOUNDS:
        valid = ", ".join(map(repr, _DERIVATIVE_BOUNDS))
        raise ValueError(f"name: unknown activation {name!r}; valid names are {valid}")
    return _DERIVATIVE_BOUNDS[name]


@implements("eq-gradient-product-bound", chapter="09_vanishing_gradients")
def delta_norm_bounds(weights, output_delta_norm: float, derivative_bound: float) -> np.ndarray:
    """Upper bounds on ‖Δ^l‖ for every layer, from the output delta backwards
    (eq-gradient-product-bound, chapter 09).

    From eq-bp2, Δ^l = (Δ^{l+1} W^{l+1}) ⊙ f′(Z^l), so ‖Δ^l‖ ≤ γ ‖W^{l+1}‖₂ ‖Δ^{l+1}‖ with
    ``γ = sup |f′|`` and ‖·‖₂ the spectral norm (largest singular value).  Repeating,

        ‖Δ^l‖ ≤ ‖Δ^L‖ · Π_{k=l+1}^{L} γ ‖W^k‖₂ .

    The norms of Δ are Frobenius norms over the batch (for one example, Euclidean norms).

    Parameters
    ----------
    weights : list of ndarray, weights[i] of shape (n_{i+1}, n_i), i = 0 … L−1
    output_delta_norm : float ≥ 0, ‖Δ^L‖
    derivative_bound : float > 0, γ (e.g. ¼ for sigmoid hidden layers)

    Returns
    -------
    ndarray, shape (L,): entry l−1 bounds ‖Δ^l‖; the last entry is ``output_delta_norm`` itself.

    Examples
    --------
    >>> W = [np.eye(2), 2 * np.eye(2), np.eye(2)]
    >>> delta_norm_bounds(W, 1.0, 0.25).tolist()
    [0.125, 0.25, 1.0]
    """
    if not isinstance(weights, (list, tuple)) or not weights:
        raise TypeError(f"weights: expected a non-empty list of 2-D arrays, got {type(weights).__name__}")
    Ws = [as_matrix(W, f"weights[{i}]") for i, W in enumerate(weights)]
    for i in range(1, len(Ws)):
        if Ws[i].shape[1] != Ws[i - 1].shape[0]:
            raise ValueError(f"weights[{i}]: expected {Ws[i - 1].shape[0]} columns to follow weights[{i - 1}] "
                             f"of shape {Ws[i - 1].shape}, got shape {Ws[i].shape}")
    norm = float(output_delta_norm)
    if not (np.isfinite(norm) and norm >= 0):
        raise ValueError(f"output_delta_norm: must be a finite number ≥ 0, got {output_delta_norm!r}")
    gamma = positive_number(derivative_bound, "derivative_bound")
    bounds = np.empty(len(Ws))
    bounds[-1] = norm
    for i in range(len(Ws) - 2, -1, -1):
        bounds[i] = bounds[i + 1] * gamma * np.linalg.norm(Ws[i + 1], 2)
    return bounds


@implements("eq-init-xavier", chapter="09_vanishing_gradients")
def xavier_std(n_in: int, n_out: int) -> float:
    """Standard deviation of Xavier/Glorot initial weights, √(2 / (n_in + n_out))
    (eq-init-xavier, chapter 09).

    Keeps the variance of the pre-activations (forward) and of the deltas (backward) roughly
    constant through layers whose activation behaves like the identity near 0 (tanh, sigmoid
    centred).  The same value as ``bp.init_scale("xavier", n_in, n_out)``.

    Examples
    --------
    >>> xavier_std(100, 300)
    0.07071067811865475
    """
    n_in, n_out = _fan(n_in, "n_in"), _fan(n_out, "n_out")
    return float(np.sqrt(2.0 / (n_in + n_out)))


@implements("eq-init-he", chapter="09_vanishing_gradients")
def he_std(n_in: int) -> float:
    """Standard deviation of He initial weights for ReLU layers, √(2 / n_in)  (eq-init-he, chapter 09).

    A ReLU passes on half of the second moment of a symmetric input, E[relu(z)²] = ½ Var z, and
    the factor 2 restores it, so Var z stays constant from layer to layer.

    Examples
    --------
    >>> he_std(50)
    0.2
    """
    return float(np.sqrt(2.0 / _fan(n_in, "n_in")))


def _fan(n, name):
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"{name}: expected a number of units ≥ 1, got {n!r}")
    return int(n)


# ---------------------------------------------------------------------------- per-layer quantities
def _net(net):
    if not isinstance(net, MLP):
        raise TypeError(f"net: expected a bplib MLP, got {type(net).__name__}")
    return net


def layer_deltas(net, X, Y) -> list:
    """The deltas Δ^l = ∂C/∂Z^l of every layer for a batch (eq-bp1 then eq-bp2 backwards).

    ``bias_gradient(Δ^l)`` of these equals ``net.gradients(X, Y)[1][l-1]``.  The L2 penalty, if
    any, does not enter the deltas.

    Parameters
    ----------
    net : MLP
    X : ndarray, shape (m, n_0)
    Y : ndarray, shape (m, n_L)

    Returns
    -------
    list of L ndarray, entry l−1 of shape (m, n_l)
    """
    net = _net(net)
    X = net._check_X(X)
    Y = net._check_Y(Y, X.shape[0])
    Zs, As = net.forward_pass(X)
    A = As[-1]
    if net.output == "softmax" and net.loss_name == "cross_entropy":
        delta = softmax_cross_entropy_delta(A, Y)
    elif net.output == "sigmoid" and net.loss_name == "binary_cross_entropy":
        delta = sigmoid_binary_cross_entropy_delta(A, Y)
    elif net.output == "softmax":
        delta = softmax_backward(A, get_loss(net.loss_name).grad(A, Y))
    else:
        delta = output_delta(get_loss(net.loss_name).grad(A, Y), ACTIVATIONS[net.output].df(Zs[-1]))
    deltas = [delta]
    df = ACTIVATIONS[net.hidden].df
    for i in range(net.n_layers - 1, 0, -1):
        delta = hidden_delta(delta, net.weights[i], df(Zs[i - 1]))
        deltas.append(delta)
    return deltas[::-1]


def delta_norms(net, X, Y) -> np.ndarray:
    """Frobenius norms ‖Δ^l‖ of the deltas of layers 1 … L; shape (L,)."""
    return np.array([np.linalg.norm(d) for d in layer_deltas(net, X, Y)])


def weight_gradient_norms(net, X, Y) -> np.ndarray:
    """Frobenius norms ‖∂C/∂W^l‖ of the weight gradients of layers 1 … L.

    Parameters
    ----------
    net : MLP
    X : ndarray, shape (m, n_0)
    Y : ndarray, shape (m, n_L)

    Returns
    -------
    ndarray, shape (L,); entry l−1 belongs to layer l (the first entry is the layer next to the input).

    Examples
    --------
    >>> import bplib as bp
    >>> net = bp.MLP([2, 3, 3, 1], seed=0)
    >>> weight_gradient_norms(net, np.ones((4, 2)), np.ones((4, 1))).shape
    (3,)
    """
    dWs, _ = _net(net).gradients(X, Y)
    return np.array([np.linalg.norm(dW) for dW in dWs])


def activation_statistics(net, X) -> dict:
    """Per-layer statistics of the forward pass of a batch.

    Parameters
    ----------
    net : MLP
    X : ndarray, shape (m, n_0)

    Returns
    -------
    dict of ndarray
        Each of shape (L,), entry l−1 for layer l: ``"z_std"``, the standard deviation of the
        pre-activations Z^l (over examples and units); ``"a_mean"`` and ``"a_std"``, the mean and
        standard deviation of the activations A^l; ``"zero"``, the fraction of entries of A^l that
        are exactly 0 (ReLU's silent entries); ``"saturated"``, the fraction of entries whose
        activation derivative is below 1 % of its largest value (the sigmoid and tanh flat tails).
    """
    net = _net(net)
    Zs, As = net.forward_pass(X)
    out = {k: [] for k in ("z_std", "a_mean", "a_std", "zero", "saturated")}
    for i, (Z, A) in enumerate(zip(Zs, As[1:])):
        name = net.hidden if i < net.n_layers - 1 else net.output
        out["z_std"].append(Z.std())
        out["a_mean"].append(A.mean())
        out["a_std"].append(A.std())
        out["zero"].append(np.mean(A == 0))
        if name in ("sigmoid", "tanh"):
            df = ACTIVATIONS[name].df(Z)
            out["saturated"].append(np.mean(df < 0.01 * activation_derivative_bound(name)))
        else:
            out["saturated"].append(0.0)
    return {k: np.array(v, dtype=float) for k, v in out.items()}


@implements("eq-dead-unit", chapter="09_vanishing_gradients")
def dead_units(net, X) -> list:
    """Which hidden units are dead on a data set  (eq-dead-unit, chapter 09).

    Unit j of hidden layer l is dead on X when z^l_j(x) ≤ 0 for every example x of X.  With ReLU
    it then outputs 0 and has f′ = 0 on all of X, so every gradient of its incoming weights and its
    bias is exactly 0.  (With Leaky ReLU the same condition only means "silent": f′ = slope > 0.)

    Parameters
    ----------
    net : MLP
    X : ndarray, shape (m, n_0)

    Returns
    -------
    list of L−1 boolean ndarray, entry l−1 of shape (n_l,) for hidden layer l

    Examples
    --------
    >>> import bplib as bp
    >>> net = bp.MLP([2, 3, 1], hidden="relu", seed=0)
    >>> net.biases[0][:] = [-100.0, 0.0, 0.0]
    >>> dead_units(net, np.ones((5, 2)))[0].tolist()[0]
    True
    """
    net = _net(net)
    Zs, _ = net.forward_pass(X)
    return [np.all(Z <= 0, axis=0) for Z in Zs[:-1]]


def dead_unit_fraction(net, X) -> np.ndarray:
    """Fraction of dead units (see :func:`dead_units`) in each hidden layer; shape (L−1,)."""
    return np.array([mask.mean() for mask in dead_units(net, X)], dtype=float)


def with_hidden_activation(net, hidden: str):
    """A copy of ``net`` with the same sizes, output, loss and parameters but another hidden activation.

    Parameters
    ----------
    net : MLP
    hidden : str, "sigmoid", "tanh", "relu", "leaky_relu" or "identity"

    Returns
    -------
    MLP
    """
    net = _net(net)
    other = MLP(net.sizes, hidden=hidden, output=net.output, loss=net.loss_name, l2=net.l2,
                dtype=net.dtype, seed=0)
    other.set_params(net.get_params())
    return other


# ---------------------------------------------------------------------------- experiments
def gradient_norm_profile(X, Y, depth: int, hidden: str = "sigmoid", init="xavier", gain: float = 1.0,
                          width: int = 32, seed: int = 0) -> np.ndarray:
    """Per-layer weight-gradient norms of a freshly initialised deep network (chapter 09's widget).

    Builds ``MLP([n_0] + [width] * (depth − 1) + [n_L], hidden=hidden, output="softmax",
    loss="cross_entropy", init=init, seed=seed)``, multiplies every initial weight by ``gain`` and
    returns :func:`weight_gradient_norms` on (X, Y).

    Parameters
    ----------
    X : ndarray, shape (m, n_0)
    Y : ndarray, shape (m, n_L), one-hot rows (n_L ≥ 2)
    depth : int ≥ 2, number of weight layers L
    hidden : str, hidden activation
    init : "standard", "xavier", "he" or a number σ
    gain : float > 0, multiplies the initial standard deviation
    width : int ≥ 1, units per hidden layer
    seed : int

    Returns
    -------
    ndarray, shape (depth,), entry l−1 for layer l

    Examples
    --------
    >>> import bplib as bp
    >>> X = np.random.default_rng(0).random((8, 4)); Y = bp.one_hot(np.arange(8) % 2, 2)
    >>> norms = gradient_norm_profile(X, Y, depth=10, hidden="sigmoid")
    >>> bool(norms[0] < norms[-1] / 100)
    True
    """
    X = as_matrix(X, "X")
    Y = as_matrix(Y, "Y")
    if Y.shape[1] < 2 or Y.shape[0] != X.shape[0]:
        raise ValueError(f"Y: expected one-hot rows of shape ({X.shape[0]}, k) with k ≥ 2, got shape {Y.shape}")
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 2:
        raise ValueError(f"depth: expected an integer number of weight layers ≥ 2, got {depth!r}")
    gain = positive_number(gain, "gain")
    sizes = [X.shape[1]] + [int(width)] * (int(depth) - 1) + [Y.shape[1]]
    net = MLP(sizes, hidden=hidden, output="softmax", loss="cross_entropy", init=init, seed=seed)
    net.weights = [W * gain for W in net.weights]
    return weight_gradient_norms(net, X, Y)


def layer_learning_speed(net, X, Y, lr: float, epochs: int, batch_size: int = 32, seed: int = 0):
    """Train ``net`` in place and record how fast each layer's weights move.

    After every epoch of mini-batch gradient descent (``bp.train`` with seed ``seed + epoch``) the
    relative change ‖W^l_new − W^l_old‖ / ‖W^l_old‖ of every layer is recorded.

    Parameters
    ----------
    net : MLP
    X : ndarray, shape (m, n_0)
    Y : ndarray, shape (m, n_L)
    lr : float > 0
    epochs : int ≥ 1
    batch_size : int
    seed : int

    Returns
    -------
    speeds : ndarray, shape (epochs, L); row e−1, column l−1: relative change of W^l in epoch e
    losses : ndarray, shape (epochs + 1,); the training cost before training and after each epoch
    """
    net = _net(net)
    epochs = positive_int(epochs, "epochs")
    speeds, losses = [], [net.loss(X, Y)]
    for epoch in range(int(epochs)):
        before = [W.copy() for W in net.weights]
        history = train(net, X, Y, lr=lr, epochs=1, batch_size=batch_size, seed=seed + epoch)
        speeds.append([np.linalg.norm(W - W0) / np.linalg.norm(W0) for W, W0 in zip(net.weights, before)])
        losses.append(history.loss[-1])
    return np.array(speeds), np.array(losses)


def dead_unit_history(net, X, Y, lr: float, epochs: int, batch_size: int = 32, seed: int = 0,
                      X_test=None, labels_test=None) -> dict:
    """Train ``net`` in place, recording its dead (or, for Leaky ReLU, silent) units after every epoch.

    Parameters
    ----------
    net : MLP
    X : ndarray, shape (m, n_0)      the data on which units are tested (see :func:`dead_units`)
    Y : ndarray, shape (m, n_L)
    lr, epochs, batch_size, seed : as for ``bp.train`` (epoch e uses seed ``seed + e``)
    X_test, labels_test : optional held-out data; their accuracy is recorded too

    Returns
    -------
    dict
        ``"dead"``: ndarray of bool, shape (epochs + 1, n_1), the dead units of the first hidden
        layer before training and after each epoch; ``"fraction"``: ndarray, shape
        (epochs + 1, L − 1), the dead fraction of every hidden layer; ``"accuracy"``: ndarray,
        shape (epochs + 1,), only with X_test and labels_test.
    """
    net = _net(net)
    epochs = positive_int(epochs, "epochs")

    def record(out):
        masks = dead_units(net, X)
        out["dead"].append(masks[0])
        out["fraction"].append([mask.mean() for mask in masks])
        if X_test is not None:
            out["accuracy"].append(np.mean(net.predict(X_test) == np.asarray(labels_test)))

    out = {"dead": [], "fraction": [], "accuracy": []}
    record(out)
    for epoch in range(int(epochs)):
        train(net, X, Y, lr=lr, epochs=1, batch_size=batch_size, seed=seed + epoch)
        record(out)
    result = {"dead": np.array(out["dead"]), "fraction": np.array(out["fraction"], dtype=float)}
    if X_test is not None:
        result["accuracy"] = np.array(out["accuracy"], dtype=float)
    return result


def check_leaky_he_std(answer, n_in: int, slope: float = LEAKY_SLOPE):
    """Check the He standard deviation for Leaky ReLU layers (chapter 09's exercise).

    The right answer is √(2 / ((1 + slope²) n_in)) (He et al., 2015); an answer within 0.2 % of it
    passes (three significant digits).  With slope 0.01 this differs from He's ReLU value
    √(2 / n_in) by 0.005 %, so the two cannot be told apart; the exercise uses slope 0.2.  Wrong
    answers that match a likely slip (He's ReLU value, the variance, slope for slope², a lost
    factor 2, n_in outside the root) are named in the hint.

    Parameters
    ----------
    answer : float
    n_in : int ≥ 1
    slope : float ≥ 0

    Returns
    -------
    CheckResult

    Examples
    --------
    >>> check_leaky_he_std(np.sqrt(2 / 100), 100, slope=0.0).ok
    True
    """
    from .metrics import CheckResult

    n_in = _fan(n_in, "n_in")
    slope = float(slope)
    if not (np.isfinite(slope) and slope >= 0):
        raise ValueError(f"slope: must be a finite number ≥ 0, got {slope!r}")
    expected = float(np.sqrt(2.0 / ((1.0 + slope ** 2) * n_in)))
    try:
        given = float(answer)
    except (TypeError, ValueError):
        return CheckResult(False, f"Not yet: expected a number, got {answer!r}.")
    # A hand answer carries three or four significant digits: accept 0.2 % either way.
    if np.isclose(given, expected, rtol=2e-3, atol=0.0):
        return CheckResult(True, f"Right: s = {expected:.4g} keeps Var z constant through Leaky ReLU "
                                 f"layers with slope {slope:g} and fan-in {n_in}.")
    slips = [(he_std(n_in), "that is He's ReLU value √(2/n_in). For z < 0 the unit still passes "
                            "slope·z; what does the negative half add to E[f(z)²]?"),
             (expected ** 2, "that is the variance s²; the question asks for the standard deviation s."),
             (float(np.sqrt(2.0 / ((1.0 + slope) * n_in))), "the negative half contributes slope² · v/2, "
                                                           "not slope · v/2: f(z)² squares the slope too."),
             (float(np.sqrt(1.0 / ((1.0 + slope ** 2) * n_in))), "you lost the factor 2: each half of the "
                                                                "line carries only half of E[z²] = v."),
             (float(np.sqrt(2.0 / (1.0 + slope ** 2))) / n_in, "divide by n_in under the square root: "
                                                              "Var z = n_in s² E[f(z)²] fixes s², not s.")]
    for wrong, hint in slips:
        if np.isclose(given, wrong, rtol=2e-3) and not np.isclose(wrong, expected, rtol=2e-3):
            return CheckResult(False, "Not yet: " + hint)
    return CheckResult(False, f"Not yet: {given:.6g} is too {'large' if given > expected else 'small'}. "
                              f"Compute E[f(z)²] for z ~ N(0, v) on both halves of the line.")

"""Backpropagation in index form: one example, one neuron, one weight at a time (chapter 03).

These functions are deliberately simple: explicit Python loops over examples and indices, each
line a transcription of one equation of chapter 03.  They are slow on purpose and exist to be
read and compared with the batch (matrix) form of :mod:`bplib.equations`, which computes the same
numbers with a few matrix products (chapter 04).

Indices follow the book: layers are numbered 0 … L (layer 0 is the input), so the weights of
layer ``l`` are ``net.weights[l - 1]``; neurons are numbered from 0 in code (the book's
w^l_jk with j, k from 1 is ``net.weights[l - 1][j - 1, k - 1]``).  The cost of one example is
the squared error C_x = ½ Σ_j (a^L_j − y_j)², and C = (1/m) Σ_x C_x.

- :func:`index_forward`: z^l_j = Σ_k w^l_jk a^{l−1}_k + b^l_j, a^l_j = f(z^l_j)  (eq-index-forward).
- :func:`index_output_delta`: δ^L_j = (a^L_j − y_j) f'(z^L_j)  (eq-index-output-delta).
- :func:`index_hidden_delta`: δ^l_j = f'(z^l_j) Σ_q w^{l+1}_qj δ^{l+1}_q  (eq-index-hidden-delta).
- :func:`index_weight_gradient`: ∂C_x/∂w^l_jk = a^{l−1}_k δ^l_j  (eq-index-weight-gradient).
- :func:`index_bias_gradient`: ∂C_x/∂b^l_j = δ^l_j  (eq-index-bias-gradient).
- :func:`index_form_gradients`: the mean of the per-example gradients over a batch
  (eq-index-batch-mean), returned like :meth:`bplib.MLP.gradients`.
- :func:`path_terms` and :func:`path_sum_gradient`: the derivative of one weight written as a
  sum over every path from that weight to the output (eq-index-path-sum), before the summation
  swap turns it into the recursion.
- :func:`check_delta` and :func:`check_weight_derivative`: exercise checks.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from ._validate import as_float_array, as_matrix
from .activations import get_activation
from .metrics import CheckResult
from .registry import implements

__all__ = [
    "index_forward", "index_output_delta", "index_hidden_delta", "index_weight_gradient",
    "index_bias_gradient", "index_backward", "index_form_gradients",
    "PathTerms", "path_terms", "path_sum_gradient", "check_delta", "check_batch_delta",
    "check_weight_derivative",
]


# ---------------------------------------------------------------------------- checks
def _check_net(net) -> None:
    """The index form covers elementwise activations, the squared error and no L2 term."""
    if not hasattr(net, "weights") or not hasattr(net, "biases") or not hasattr(net, "sizes"):
        raise TypeError(f"net: expected a bplib.MLP, got {type(net).__name__}")
    if net.output == "softmax":
        raise ValueError("net: the index form of chapter 03 needs an elementwise output activation, "
                         "got output='softmax' (chapter 07 derives the softmax case)")
    if net.loss_name != "mse":
        raise ValueError(f"net: the index form of chapter 03 is derived for the squared error, "
                         f"got loss={net.loss_name!r} (use loss='mse')")
    if net.l2:
        raise ValueError(f"net: the index form has no L2 term, got l2={net.l2:g} (use l2=0)")


def _vector(v, name: str, length: int | None = None) -> np.ndarray:
    """``v`` as a 1-D float64 vector (one example), optionally of a given length."""
    arr = as_float_array(v, name).astype(np.float64)
    if arr.ndim != 1:
        raise ValueError(f"{name}: expected a 1-D vector of shape ({length if length is not None else 'n'},) "
                         f"(one example), got shape {arr.shape}")
    if length is not None and arr.shape[0] != length:
        raise ValueError(f"{name}: expected shape ({length},), got shape {arr.shape}")
    return arr


def _layer(net, layer) -> int:
    L = len(net.weights)
    if isinstance(layer, bool) or not isinstance(layer, (int, np.integer)) or not 1 <= layer <= L:
        raise ValueError(f"layer: expected an integer from 1 to L = {L} (the layer of the weight), "
                         f"got {layer!r}")
    return int(layer)


def _neuron(index, name: str, size: int) -> int:
    if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or not 0 <= index < size:
        raise ValueError(f"{name}: expected a neuron index from 0 to {size - 1}, got {index!r}")
    return int(index)


def _activations(net):
    """The activation (f, f') of each layer 1 … L, as a list of L entries."""
    hidden = get_activation(net.hidden)
    output = get_activation(net.output)
    return [hidden] * (len(net.weights) - 1) + [output]


# ---------------------------------------------------------------------------- forward
@implements("eq-index-forward", chapter="03_deltas_by_layer")
def index_forward(net, x):
    """Forward pass of one example, neuron by neuron  (eq-index-forward, chapter 03).

    z^l_j = Σ_k w^l_jk a^{l−1}_k + b^l_j  and  a^l_j = f^l(z^l_j), for l = 1 … L.

    Parameters
    ----------
    net : MLP
    x : ndarray, shape (n_0,)
        One input example (a 1-D vector).

    Returns
    -------
    zs : list of L ndarrays, zs[l-1] of shape (n_l,)          weighted inputs z^1 … z^L
    activations : list of L+1 ndarrays, activations[l] of shape (n_l,)   a^0 = x, a^1 … a^L

    Examples
    --------
    >>> from bplib import MLP
    >>> zs, acts = index_forward(MLP([2, 3, 1], seed=0), np.array([0.0, 1.0]))
    >>> [z.shape for z in zs], [a.shape for a in acts]
    ([(3,), (1,)], [(2,), (3,), (1,)])
    """
    if net.output == "softmax":
        raise ValueError("net: the index form needs an elementwise output activation, got output='softmax'")
    x = _vector(x, "x", net.sizes[0])
    acts = _activations(net)
    zs, activations = [], [x]
    for l in range(1, len(net.weights) + 1):
        W, b, a_prev = net.weights[l - 1], net.biases[l - 1], activations[l - 1]
        n_l, n_prev = W.shape
        z = np.zeros(n_l)
        a = np.zeros(n_l)
        for j in range(n_l):
            total = 0.0
            for k in range(n_prev):
                total += W[j, k] * a_prev[k]
            z[j] = total + b[j]
            a[j] = acts[l - 1].f(z[j])
        zs.append(z)
        activations.append(a)
    return zs, activations


# ---------------------------------------------------------------------------- the four equations
@implements("eq-index-output-delta", chapter="03_deltas_by_layer")
def index_output_delta(a, y, df_z):
    """Output delta of one example, δ^L_j = (a^L_j − y_j) f'(z^L_j)  (eq-index-output-delta, chapter 03).

    For the squared error C_x = ½ Σ_j (a^L_j − y_j)², whose derivative is ∂C_x/∂a^L_j = a^L_j − y_j.

    Parameters
    ----------
    a : ndarray, shape (n_L,)      output activations a^L
    y : ndarray, shape (n_L,)      target
    df_z : ndarray, shape (n_L,)   f'(z^L), the output activation's derivative at z^L

    Returns
    -------
    ndarray, shape (n_L,)

    Examples
    --------
    >>> index_output_delta(np.array([0.75, 0.5]), np.array([1.0, 0.0]), np.array([0.25, 0.5])).tolist()
    [-0.0625, 0.25]
    """
    a = _vector(a, "a")
    y = _vector(y, "y", a.shape[0])
    df_z = _vector(df_z, "df_z", a.shape[0])
    delta = np.zeros(a.shape[0])
    for j in range(a.shape[0]):
        delta[j] = (a[j] - y[j]) * df_z[j]
    return delta


@implements("eq-index-hidden-delta", chapter="03_deltas_by_layer")
def index_hidden_delta(delta_next, W_next, df_z):
    """Hidden delta of one example, δ^l_j = f'(z^l_j) Σ_q w^{l+1}_qj δ^{l+1}_q  (eq-index-hidden-delta, chapter 03).

    Parameters
    ----------
    delta_next : ndarray, shape (n_{l+1},)   δ^{l+1}
    W_next : ndarray, shape (n_{l+1}, n_l)   W^{l+1}; entry [q, j] is w^{l+1}_qj
    df_z : ndarray, shape (n_l,)              f'(z^l)

    Returns
    -------
    ndarray, shape (n_l,)

    Examples
    --------
    >>> index_hidden_delta(np.array([1.0]), np.array([[2.0, 3.0]]), np.array([0.5, 0.5])).tolist()
    [1.0, 1.5]
    """
    delta_next = _vector(delta_next, "delta_next")
    W_next = as_matrix(W_next, "W_next", rows=delta_next.shape[0])
    df_z = _vector(df_z, "df_z", W_next.shape[1])
    n_next, n_l = W_next.shape
    delta = np.zeros(n_l)
    for j in range(n_l):
        total = 0.0
        for q in range(n_next):
            total += W_next[q, j] * delta_next[q]
        delta[j] = df_z[j] * total
    return delta


@implements("eq-index-weight-gradient", chapter="03_deltas_by_layer")
def index_weight_gradient(delta, a_prev):
    """Weight derivatives of one example, ∂C_x/∂w^l_jk = a^{l−1}_k δ^l_j  (eq-index-weight-gradient, chapter 03).

    Parameters
    ----------
    delta : ndarray, shape (n_l,)        δ^l
    a_prev : ndarray, shape (n_{l-1},)   a^{l−1}

    Returns
    -------
    ndarray, shape (n_l, n_{l-1}), the shape of W^l

    Examples
    --------
    >>> index_weight_gradient(np.array([1.0, 2.0]), np.array([3.0, 0.5])).tolist()
    [[3.0, 0.5], [6.0, 1.0]]
    """
    delta = _vector(delta, "delta")
    a_prev = _vector(a_prev, "a_prev")
    grad = np.zeros((delta.shape[0], a_prev.shape[0]))
    for j in range(delta.shape[0]):
        for k in range(a_prev.shape[0]):
            grad[j, k] = a_prev[k] * delta[j]
    return grad


@implements("eq-index-bias-gradient", chapter="03_deltas_by_layer")
def index_bias_gradient(delta):
    """Bias derivatives of one example, ∂C_x/∂b^l_j = δ^l_j  (eq-index-bias-gradient, chapter 03).

    Parameters
    ----------
    delta : ndarray, shape (n_l,)

    Returns
    -------
    ndarray, shape (n_l,), a new array

    Examples
    --------
    >>> index_bias_gradient(np.array([0.5, -1.0])).tolist()
    [0.5, -1.0]
    """
    delta = _vector(delta, "delta")
    grad = np.zeros(delta.shape[0])
    for j in range(delta.shape[0]):
        grad[j] = delta[j]
    return grad


# ---------------------------------------------------------------------------- whole network
def index_backward(net, x, y):
    """Gradients of the cost C_x of one example, δ by δ from the output backwards (chapter 03).

    Runs :func:`index_forward`, then eq-index-output-delta for layer L and eq-index-hidden-delta
    for layers L−1 … 1, and reads off every derivative with eq-index-weight-gradient and
    eq-index-bias-gradient.

    Parameters
    ----------
    net : MLP   elementwise activations, loss "mse", l2 = 0
    x : ndarray, shape (n_0,)
    y : ndarray, shape (n_L,)

    Returns
    -------
    dWs : list of ndarray, dWs[l-1] of shape (n_l, n_{l-1})   ∂C_x/∂W^l
    dbs : list of ndarray, dbs[l-1] of shape (n_l,)           ∂C_x/∂b^l
    deltas : list of ndarray, deltas[l-1] of shape (n_l,)     δ^l

    Examples
    --------
    >>> from bplib import MLP
    >>> dWs, dbs, deltas = index_backward(MLP([2, 2, 1], seed=0), np.array([1.0, 0.0]), np.array([1.0]))
    >>> [dW.shape for dW in dWs]
    [(2, 2), (1, 2)]
    """
    _check_net(net)
    y = _vector(y, "y", net.sizes[-1])
    zs, activations = index_forward(net, x)
    acts = _activations(net)
    L = len(net.weights)
    deltas = [None] * L
    deltas[L - 1] = index_output_delta(activations[L], y, acts[L - 1].df(zs[L - 1]))
    for l in range(L - 1, 0, -1):
        deltas[l - 1] = index_hidden_delta(deltas[l], net.weights[l], acts[l - 1].df(zs[l - 1]))
    dWs = [index_weight_gradient(deltas[l - 1], activations[l - 1]) for l in range(1, L + 1)]
    dbs = [index_bias_gradient(deltas[l - 1]) for l in range(1, L + 1)]
    return dWs, dbs, deltas


@implements("eq-index-batch-mean", chapter="03_deltas_by_layer")
def index_form_gradients(net, X, Y):
    """∂C/∂W^l and ∂C/∂b^l of the batch cost C = (1/m) Σ_x C_x, example by example  (eq-index-batch-mean, chapter 03).

    The same numbers as :meth:`bplib.MLP.gradients` (the matrix form), computed with explicit
    loops: the mean over the examples of :func:`index_backward`.

    Parameters
    ----------
    net : MLP   elementwise activations, loss "mse", l2 = 0
    X : ndarray, shape (m, n_0)
    Y : ndarray, shape (m, n_L)

    Returns
    -------
    dWs : list of ndarray, dWs[i] of shape (n_{i+1}, n_i), like ``net.weights``
    dbs : list of ndarray, dbs[i] of shape (n_{i+1},), like ``net.biases``

    Examples
    --------
    >>> from bplib import MLP, half_adder
    >>> net = MLP([2, 2, 2, 2], seed=0)
    >>> X, Y = half_adder()
    >>> dWs, dbs = index_form_gradients(net, X, Y)
    >>> mWs, mbs = net.gradients(X, Y)
    >>> max(float(np.abs(a - b).max()) for a, b in zip(dWs + dbs, mWs + mbs)) < 1e-15
    True
    """
    _check_net(net)
    X = as_matrix(X, "X", cols=net.sizes[0], dtype=np.float64)
    Y = as_matrix(Y, "Y", cols=net.sizes[-1], dtype=np.float64)
    if X.shape[0] != Y.shape[0]:
        raise ValueError(f"X and Y must have the same number of rows, got X {X.shape} and Y {Y.shape}")
    m = X.shape[0]
    dWs = [np.zeros(W.shape) for W in net.weights]
    dbs = [np.zeros(b.shape) for b in net.biases]
    for i in range(m):
        dWs_x, dbs_x, _ = index_backward(net, X[i], Y[i])
        for l in range(len(net.weights)):
            dWs[l] += dWs_x[l] / m
            dbs[l] += dbs_x[l] / m
    return dWs, dbs


# ---------------------------------------------------------------------------- sum over paths
@dataclass(frozen=True)
class PathTerms:
    """The terms of ∂C_x/∂w^l_jk, one per path from the weight to an output neuron.

    Attributes
    ----------
    layer, j, k : int        the weight w^l_jk (layer numbered from 1, neurons from 0)
    paths : list of tuple    neurons visited in layers l, l+1, …, L (the first entry is j)
    terms : ndarray, shape (n_paths,)   the product of factors along each path
    """

    layer: int
    j: int
    k: int
    paths: list
    terms: np.ndarray

    @property
    def total(self) -> float:
        """The derivative: the sum of all path terms."""
        return float(np.sum(self.terms))


def path_terms(net, x, y, layer: int, j: int, k: int) -> PathTerms:
    """Every path term of ∂C_x/∂w^l_jk, without the recursion of δ (chapter 03, eq-index-path-sum).

    The weight w^l_jk changes z^l_j, which changes every z^{l+1}_p, which changes every
    z^{l+2}_q, … up to the outputs.  The chain rule adds one product per path
    (j = p_l, p_{l+1}, …, p_L):

        a^{l−1}_k f'(z^l_j) · Π_{r=l+1..L} w^r_{p_r p_{r−1}} f'(z^r_{p_r}) · (a^L_{p_L} − y_{p_L}).

    There are n_{l+1} n_{l+2} ⋯ n_L paths.

    Parameters
    ----------
    net : MLP   elementwise activations, loss "mse", l2 = 0
    x : ndarray, shape (n_0,)
    y : ndarray, shape (n_L,)
    layer : int, 1 … L
    j : int, 0 … n_layer − 1        the neuron the weight feeds
    k : int, 0 … n_{layer−1} − 1    the neuron the weight comes from

    Returns
    -------
    PathTerms

    Examples
    --------
    >>> from bplib import MLP
    >>> result = path_terms(MLP([2, 2, 2, 2], seed=0), np.array([0.0, 1.0]), np.array([1.0, 0.0]), 1, 0, 1)
    >>> len(result.paths)
    4
    """
    _check_net(net)
    layer = _layer(net, layer)
    j = _neuron(j, "j", net.sizes[layer])
    k = _neuron(k, "k", net.sizes[layer - 1])
    y = _vector(y, "y", net.sizes[-1])
    zs, activations = index_forward(net, x)
    acts = _activations(net)
    L = len(net.weights)
    later = [range(net.sizes[r]) for r in range(layer + 1, L + 1)]
    paths, terms = [], []
    for rest in itertools.product(*later):
        path = (j,) + tuple(rest)
        term = activations[layer - 1][k] * acts[layer - 1].df(zs[layer - 1][j])
        for r in range(layer + 1, L + 1):
            here, before = path[r - layer], path[r - layer - 1]
            term = term * net.weights[r - 1][here, before] * acts[r - 1].df(zs[r - 1][here])
        term = term * (activations[L][path[-1]] - y[path[-1]])
        paths.append(path)
        terms.append(float(term))
    return PathTerms(layer, j, k, paths, np.array(terms))


@implements("eq-index-path-sum", chapter="03_deltas_by_layer")
def path_sum_gradient(net, x, y, layer: int, j: int, k: int) -> float:
    """∂C_x/∂w^l_jk as a plain sum over paths, no δ and no recursion  (eq-index-path-sum, chapter 03).

    For a weight of layer L−2 this is the double sum over q (layer L) and p (layer L−1) of
    chapter 03; for any layer it is the sum of :func:`path_terms`.

    Parameters
    ----------
    net : MLP
    x : ndarray, shape (n_0,)
    y : ndarray, shape (n_L,)
    layer : int, 1 … L
    j, k : int   neuron indices from 0

    Returns
    -------
    float

    Examples
    --------
    >>> from bplib import MLP
    >>> net = MLP([2, 2, 2, 2], seed=0)
    >>> x, y = np.array([1.0, 0.0]), np.array([1.0, 0.0])
    >>> bool(abs(path_sum_gradient(net, x, y, 1, 1, 0) - index_backward(net, x, y)[0][0][1, 0]) < 1e-15)
    True
    """
    return path_terms(net, x, y, layer, j, k).total


# ---------------------------------------------------------------------------- exercise checks
def check_delta(answer, net, x, y, layer: int, rtol: float = 5e-3) -> CheckResult:
    """Tell the reader whether ``answer`` is the vector δ^l of one example.

    Parameters
    ----------
    answer : array_like, shape (n_l,)
    net : MLP
    x : ndarray, shape (n_0,)
    y : ndarray, shape (n_L,)
    layer : int, 1 … L
    rtol : float
        Allowed relative error per entry (5e-3 accepts answers rounded to 3 significant digits,
        and the rounding that builds up when a hand computation uses rounded intermediate values;
        every slip it names is off by far more).

    Returns
    -------
    CheckResult

    Examples
    --------
    >>> from bplib import MLP
    >>> net = MLP([2, 2, 1], seed=0)
    >>> x, y = np.array([1.0, 1.0]), np.array([0.0])
    >>> check_delta(index_backward(net, x, y)[2][1], net, x, y, layer=2).ok
    True
    """
    layer = _layer(net, layer)
    expected = index_backward(net, x, y)[2][layer - 1]
    try:
        answer = _vector(answer, "answer", expected.shape[0])
    except (TypeError, ValueError) as exc:
        return CheckResult(False, f"Not yet: {exc}.")
    scale = max(float(np.abs(expected).max()), 1e-12)
    wrong = np.abs(answer - expected) > rtol * np.maximum(np.abs(expected), 1e-3 * scale)
    if not wrong.any():
        return CheckResult(True, f"Right: δ^{layer} = {np.array2string(expected, precision=6)}.")
    first = int(np.argmax(wrong))
    hint = ""
    for slip, message in _delta_slips(net, x, y, layer):
        if np.all(np.abs(answer - slip) <= rtol * np.maximum(np.abs(slip), 1e-3 * scale)):
            hint = " " + message
            break
    else:
        if layer < len(net.weights):
            hint = " Did you multiply by f'(z) of this layer, and sum over the neurons of the next layer?"
    return CheckResult(False, f"Not yet: entry {first} of δ^{layer} is off (yours {answer[first]:.6g})."
                              f"{hint}")


def _delta_slips(net, x, y, layer: int) -> list[tuple[np.ndarray, str]]:
    """The δ^l a student gets from the likely slips, each with the hint that names it."""
    zs, activations = index_forward(net, x)
    df = _activations(net)[layer - 1].df(zs[layer - 1])
    L = len(net.weights)
    if layer == L:
        y = _vector(y, "y", net.sizes[-1])
        a = activations[L]
        return [((y - a) * df, "Check the sign: ∂C/∂a^L = a^L − y, not y − a^L."),
                (a - y, "You left out the factor f'(z^L_j) of the output layer.")]
    delta_next = index_backward(net, x, y)[2][layer]
    W_next = net.weights[layer]
    slips = [(W_next.T @ delta_next, "You left out the factor f'(z^l_j) of this layer.")]
    if W_next.shape[0] == W_next.shape[1]:
        slips.insert(0, ((W_next @ delta_next) * df,
                         f"You used row j of W^{layer + 1} (the weights entering neuron j of layer "
                         f"{layer + 1}); the sum runs over column j, w^{layer + 1}_qj, the weights leaving "
                         f"neuron j of layer {layer}."))
    return slips


def check_batch_delta(answer, net, X, Y, layer: int, rtol: float = 5e-3) -> CheckResult:
    """Tell the reader whether ``answer`` is the batch delta Δ^l = ∂C/∂Z^l (chapter 04).

    Row i of Δ^l is δ^l(x_i)/m: the per-example error of chapter 03 divided by the batch size,
    because C is the mean of the per-example costs.

    Parameters
    ----------
    answer : array_like, shape (m, n_l)
    net : MLP   elementwise activations, loss "mse", l2 = 0
    X : ndarray, shape (m, n_0)
    Y : ndarray, shape (m, n_L)
    layer : int, 1 … L
    rtol : float   allowed relative error per entry (0.5 %: answers rounded to three digits pass)

    Returns
    -------
    CheckResult

    Examples
    --------
    >>> from bplib import MLP, xor
    >>> X, Y = xor()
    >>> check_batch_delta(np.zeros((4, 1)), MLP([2, 3, 1], seed=0), X, Y, layer=2).ok
    False
    """
    _check_net(net)
    layer = _layer(net, layer)
    X = as_matrix(X, "X", cols=net.sizes[0], dtype=np.float64)
    Y = as_matrix(Y, "Y", cols=net.sizes[-1], rows=X.shape[0], dtype=np.float64)
    m = X.shape[0]
    expected = np.stack([index_backward(net, X[i], Y[i])[2][layer - 1] / m for i in range(m)])
    try:
        answer = as_matrix(answer, "answer", rows=m, cols=expected.shape[1], dtype=np.float64)
    except (TypeError, ValueError) as exc:
        return CheckResult(False, f"Not yet: {exc}.")
    scale = max(float(np.abs(expected).max()), 1e-12)

    def near(a, target):
        return np.abs(a - target) <= rtol * np.maximum(np.abs(target), 1e-3 * scale)

    def close(a):
        return bool(np.all(near(a, expected)))

    # the output delta without the factor f'(Z^L) of (BP1)
    slip = None
    if layer == len(net.weights):
        slip = (net.forward_pass(X)[1][-1] - Y) / m
    if close(answer):
        return CheckResult(True, f"Right: Δ^{layer} has shape {expected.shape}; row i is δ^{layer}(x_i)/{m}.")
    if close(answer / m):
        if slip is not None and np.all(near(answer, slip)):
            return CheckResult(False, f"Not yet: your Δ^{layer} is {m} times too large. Two factors are the "
                                      f"same size here, the 1/m = 1/{m} of the mean cost and f'(Z^{layer}); "
                                      f"is each of them in? Δ^{layer} = (A^{layer} − Y)/m ⊙ f'(Z^{layer}).")
        return CheckResult(False, f"Not yet: your Δ^{layer} is {m} times too large. The cost is the mean over "
                                  f"the batch, so every row carries a factor 1/m = 1/{m}.")
    if close(-answer):
        return CheckResult(False, f"Not yet: your Δ^{layer} has the wrong sign. ∂C/∂A^L is (A^L − Y)/m, "
                                  f"not (Y − A^L)/m.")
    if slip is not None and np.all(near(answer, slip)):
        return CheckResult(False, f"Not yet: you left out the factor f'(Z^{layer}) of (BP1): for the squared "
                                  f"error Δ^{layer} = (A^{layer} − Y)/m ⊙ f'(Z^{layer}).")
    if slip is not None and np.all(near(answer, m * slip)):
        return CheckResult(False, f"Not yet: both the 1/m = 1/{m} of the mean cost and the factor "
                                  f"f'(Z^{layer}) of (BP1) are missing: Δ^{layer} = (A^{layer} − Y)/m ⊙ "
                                  f"f'(Z^{layer}).")
    off = [int(i) + 1 for i in np.flatnonzero(~np.all(near(answer, expected), axis=1))]
    return CheckResult(False, f"Not yet: Δ^{layer} = ∂C/∂Z^{layer} has shape {expected.shape}, and row(s) "
                              f"{', '.join(map(str, off))} (counted from 1) are off. Row i is the error "
                              f"δ^{layer}(x_i) of example i divided by m = {m}.")


def check_weight_derivative(answer, net, x, y, layer: int, j: int, k: int, rtol: float = 5e-3) -> CheckResult:
    """Tell the reader whether ``answer`` is ∂C_x/∂w^l_jk for one example.

    Compared with the index-form derivative a^{l−1}_k δ^l_j; an answer within a relative error
    of ``rtol`` is right.

    Parameters
    ----------
    answer : float
    net : MLP
    x : ndarray, shape (n_0,)
    y : ndarray, shape (n_L,)
    layer : int, 1 … L
    j, k : int   neuron indices from 0 (the book's w^l_{12} is j = 0, k = 1)
    rtol : float

    Returns
    -------
    CheckResult

    Examples
    --------
    >>> from bplib import MLP
    >>> net = MLP([2, 2, 1], seed=0)
    >>> x, y = np.array([1.0, 1.0]), np.array([0.0])
    >>> check_weight_derivative(0.0, net, x, y, layer=1, j=0, k=0).ok
    False
    """
    layer = _layer(net, layer)
    j = _neuron(j, "j", net.sizes[layer])
    k = _neuron(k, "k", net.sizes[layer - 1])
    dWs, _, deltas = index_backward(net, x, y)
    expected = float(dWs[layer - 1][j, k])
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return CheckResult(False, f"Not yet: expected a number, got {answer!r}.")
    if not np.isfinite(value):
        return CheckResult(False, f"Not yet: expected a finite number, got {answer!r}.")
    if abs(value - expected) <= rtol * abs(expected) or value == expected:
        return CheckResult(True, f"Right: ∂C/∂w^{layer}_{j + 1}{k + 1} = {expected:.6g} "
                                 f"(indices from 1 as in the text).")
    swapped = None
    if j < net.sizes[layer - 1] and k < net.sizes[layer]:
        swapped = float(index_backward(net, x, y)[2][layer - 1][k] * index_forward(net, x)[1][layer - 1][j])
    if swapped is not None and abs(value - swapped) <= rtol * abs(swapped) and abs(swapped - expected) > rtol * abs(expected):
        hint = (f" You swapped j and k: w^{layer}_jk goes to neuron j of layer {layer} from neuron k of "
                f"layer {layer - 1}, so it is a^{layer - 1}_k δ^{layer}_j.")
    elif np.sign(value) == -np.sign(expected) != 0:
        hint = " Check the sign."
    else:
        hint = " It is a^{l-1}_k times δ^l_j: which activation and which delta did you use?"
    return CheckResult(False, f"Not yet: {value:.6g} is off by a relative error of "
                              f"{abs(value - expected) / max(abs(expected), 1e-300):.2g}.{hint}")

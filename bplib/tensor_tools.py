"""Chapter 11's helpers around the tensor engine: gradient checks, an MLP built from engine
operations, and training it on the digits.

These are experiments *with* :mod:`bplib.tensor`, not part of it: the engine knows nothing about
networks.  :func:`tensor_gradients` builds the cost of an :class:`~bplib.MLP` from the engine's
operations (matmul, add, an activation, a loss) and returns the engine's gradients, an independent
check of the matrix-form backward pass of chapter 04.
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from ._validate import as_float_array, as_matrix, callable_, network, positive_int, positive_number, seed as _seed
from .gradcheck import relative_error
from .tensor import Tensor, no_grad

__all__ = ["tensor_numerical_gradients", "check_tensor_function", "check_vjp", "mlp_cost_tensor",
           "tensor_gradients", "tensor_mlp_params", "tensor_mlp_logits", "train_tensor_mlp",
           "TensorTrainingResult"]


def _as_inputs(arrays, name="arrays") -> list:
    if isinstance(arrays, np.ndarray) or not isinstance(arrays, Sequence):
        raise TypeError(f"{name}: expected a list of arrays, got {type(arrays).__name__}")
    out = []
    for i, a in enumerate(arrays):
        a = a.value if isinstance(a, Tensor) else as_float_array(a, f"{name}[{i}]")
        out.append(np.array(a, dtype=np.float64))  # a fresh copy
    return out


def tensor_numerical_gradients(f: Callable, arrays, eps: float = 1e-6) -> list:
    """Central-difference gradients of ``f(*tensors)`` (a scalar Tensor) at ``arrays``.

    (f(x + ε e_i) − f(x − ε e_i)) / 2ε for every entry of every input, in float64
    (eq-central-difference of chapter 05); evaluated under :func:`~bplib.no_grad`.

    Parameters
    ----------
    f : callable
        Takes one Tensor per array, returns a Tensor with one entry.
    arrays : list of array_like
    eps : float, > 0

    Returns
    -------
    list of ndarray, shaped like ``arrays``

    Examples
    --------
    >>> g, = tensor_numerical_gradients(lambda x: (x * x).sum(), [np.array([1.0, 2.0])])
    >>> np.round(g, 6)
    array([2., 4.])
    """
    eps, f = positive_number(eps, "eps"), callable_(f, "f")
    xs = _as_inputs(arrays)

    def value(vals):
        with no_grad():
            out = f(*[Tensor(v) for v in vals])
        if not isinstance(out, Tensor) or out.size != 1:
            raise ValueError(f"f: must return a Tensor with one entry, got "
                             f"{getattr(out, 'shape', type(out).__name__)}")
        return float(out.value.reshape(()))

    grads = []
    for k, x in enumerate(xs):
        g = np.zeros_like(x)
        for i in np.ndindex(x.shape):
            vals = [v.copy() for v in xs]
            vals[k][i] = x[i] + eps
            up = value(vals)
            vals[k][i] = x[i] - eps
            down = value(vals)
            g[i] = (up - down) / (2.0 * eps)
        grads.append(g)
    return grads


def check_tensor_function(f: Callable, arrays, eps: float = 1e-6) -> float:
    """Relative error between the engine's gradients of ``f`` and central differences.

    Parameters
    ----------
    f : callable, Tensors -> scalar Tensor
    arrays : list of array_like, the point of evaluation (each becomes a Tensor)

    Returns
    -------
    float, eq-relative-error over all inputs' gradients

    Examples
    --------
    >>> check_tensor_function(lambda x: x.tanh().sum(), [np.array([[0.5, -1.0]])]) < 1e-8
    True
    """
    xs, f = _as_inputs(arrays), callable_(f, "f")
    tensors = [Tensor(x) for x in xs]
    out = f(*tensors)
    out.backward()
    analytic = [t.grad if t.grad is not None else np.zeros_like(t.value) for t in tensors]
    return relative_error(analytic, tensor_numerical_gradients(f, xs, eps))


def check_vjp(f: Callable, arrays, g, vjp_result, eps: float = 1e-6) -> float:
    """Relative error of a VJP against central differences: is ``vjp_result`` = Jᵀg?

    Jᵀg is the gradient of the scalar ⟨g, f(x)⟩ = Σ g ⊙ f(x) with respect to each input, which
    central differences give without forming J.

    Parameters
    ----------
    f : callable, Tensors -> Tensor of the shape of ``g``
    arrays : list of array_like, the inputs
    g : ndarray, the upstream gradient ȳ
    vjp_result : sequence of ndarray, the VJP's output, one per input

    Returns
    -------
    float

    Examples
    --------
    >>> from bplib.tensor import mul_vjp
    >>> x, y, g = np.array([1.0, 2.0]), np.array([3.0, -1.0]), np.array([0.5, 2.0])
    >>> check_vjp(lambda a, b: a * b, [x, y], g, mul_vjp(g, x, y)) < 1e-9
    True
    """
    g = as_float_array(g, "g").astype(np.float64)
    xs, f = _as_inputs(arrays), callable_(f, "f")
    with no_grad():
        out_shape = np.shape(f(*[Tensor(x) for x in xs]))
    if g.shape != out_shape:  # ⟨g, f(x)⟩ would broadcast g silently
        raise ValueError(f"g: expected the shape of f's output {out_shape}, got shape {g.shape}")
    result = [np.asarray(r, dtype=np.float64) for r in vjp_result]
    if len(result) != len(xs):
        raise ValueError(f"vjp_result: expected one gradient per input ({len(xs)}), got {len(result)}")
    for i, (r, x) in enumerate(zip(result, xs)):
        if r.shape != x.shape:
            raise ValueError(f"vjp_result[{i}]: expected the input's shape {x.shape}, got shape {r.shape}")
    numeric = tensor_numerical_gradients(lambda *ts: (f(*ts) * g).sum(), xs, eps)
    return relative_error(result, numeric)


# ---------------------------------------------------------------------------- an MLP from engine ops
_HIDDEN = ("sigmoid", "tanh", "relu", "identity")


def _activate(z: Tensor, name: str) -> Tensor:
    return z if name == "identity" else getattr(z, name)()


def mlp_cost_tensor(net, X, Y):
    """The cost of ``net`` on a batch, built from tensor-engine operations.

    Layer l computes Z = A Wᵀ + b (matmul, transpose, add with the bias broadcast over the rows)
    and its activation; the cost is (1/2m)‖A^L − Y‖² for "mse", the fused softmax cross-entropy
    for "cross_entropy" and the logit form of binary cross-entropy for "binary_cross_entropy";
    (λ/2) Σ‖W‖² is added when ``net.l2 > 0``.

    Parameters
    ----------
    net : MLP
        Hidden sigmoid, tanh, relu or identity.
    X : ndarray (m, n_0)
    Y : ndarray (m, n_L)

    Returns
    -------
    cost : Tensor, shape ()
    Ws, bs : lists of Tensor, the weights and biases as leaves

    Examples
    --------
    >>> import bplib as bp
    >>> net = bp.MLP([2, 3, 2], hidden="tanh", output="softmax", loss="cross_entropy", seed=0)
    >>> C, Ws, bs = mlp_cost_tensor(net, np.ones((4, 2)), np.eye(2)[[0, 1, 1, 0]])
    >>> round(float(C.value), 10) == round(net.loss(np.ones((4, 2)), np.eye(2)[[0, 1, 1, 0]]), 10)
    True
    """
    if network(net).hidden not in _HIDDEN:
        raise ValueError(f"net: hidden activation must be one of {', '.join(map(repr, _HIDDEN))}, "
                         f"got {net.hidden!r}")
    X = as_matrix(X, "X", cols=net.sizes[0])
    Y = as_matrix(Y, "Y", cols=net.sizes[-1])
    if X.shape[0] != Y.shape[0]:
        raise ValueError(f"X and Y must have the same number of rows, got X {X.shape} and Y {Y.shape}")
    Ws = [Tensor(W, label=f"W{i + 1}") for i, W in enumerate(net.weights)]
    bs = [Tensor(b, label=f"b{i + 1}") for i, b in enumerate(net.biases)]
    A = Tensor(X, requires_grad=False)
    L = len(Ws)
    for i, (W, b) in enumerate(zip(Ws, bs)):
        Z = A @ W.T + b
        if i < L - 1:
            A = _activate(Z, net.hidden)
    m = X.shape[0]
    if net.loss_name == "cross_entropy":
        cost = Z.cross_entropy(Y)
    elif net.loss_name == "binary_cross_entropy":
        # log(1 + e^{−|z|}) + max(z, 0) − y z, with |z| = relu(z) + relu(−z)
        absz = Z.relu() + (-Z).relu()
        cost = ((((-absz).exp() + 1.0).log() + Z.relu() - Z * Y).sum()) * (1.0 / m)
    elif net.loss_name == "mse":
        if net.output not in _HIDDEN:
            raise ValueError(f"net: with loss 'mse' the output must be one of "
                             f"{', '.join(map(repr, _HIDDEN))}, got {net.output!r}")
        cost = ((_activate(Z, net.output) - Y) ** 2).sum() * (0.5 / m)
    else:
        raise ValueError(f"net: unsupported loss {net.loss_name!r}; valid names are "
                         f"'mse', 'cross_entropy', 'binary_cross_entropy'")
    if net.l2:
        cost = cost + sum(((W * W).sum() for W in Ws), Tensor(0.0, requires_grad=False)) * (net.l2 / 2.0)
    return cost, Ws, bs


def tensor_gradients(net, X, Y):
    """∂C/∂W^l and ∂C/∂b^l of an MLP computed by the tensor engine.

    Returns
    -------
    dWs, dbs : lists of ndarray shaped like ``net.weights`` and ``net.biases``, like
        :meth:`MLP.gradients`.

    Examples
    --------
    >>> import bplib as bp
    >>> net = bp.MLP([2, 3, 1], hidden="tanh", output="sigmoid", seed=0)
    >>> X, Y = np.array([[0.5, -1.0]]), np.array([[1.0]])
    >>> bp.relative_error(tensor_gradients(net, X, Y), net.gradients(X, Y)) < 1e-12
    True
    """
    cost, Ws, bs = mlp_cost_tensor(net, X, Y)
    cost.backward()
    return [W.grad for W in Ws], [b.grad for b in bs]


# ---------------------------------------------------------------------------- training on the digits
def tensor_mlp_params(sizes, seed: int) -> tuple:
    """Weights (Xavier-scaled normal, as :class:`~bplib.MLP`) and zero biases as Tensors.

    Examples
    --------
    >>> Ws, bs = tensor_mlp_params([4, 3, 2], seed=0)
    >>> [W.shape for W in Ws], [b.shape for b in bs]
    ([(3, 4), (2, 3)], [(3,), (2,)])
    """
    sizes = [positive_int(s, "sizes") for s in sizes]
    if len(sizes) < 2:
        raise ValueError(f"sizes: need at least an input and an output layer, got {sizes}")
    rng = np.random.default_rng(_seed(seed))
    Ws = [Tensor(rng.standard_normal((n_out, n_in)) * np.sqrt(1.0 / n_in), label=f"W{i + 1}")
          for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]))]
    bs = [Tensor(np.zeros(n_out), label=f"b{i + 1}") for i, n_out in enumerate(sizes[1:])]
    return Ws, bs


def tensor_mlp_logits(Ws, bs, X, hidden: str = "relu") -> Tensor:
    """Logits of an MLP given as Tensors: Z = A Wᵀ + b per layer, ``hidden`` between layers.

    Examples
    --------
    >>> Ws, bs = tensor_mlp_params([4, 3, 2], seed=0)
    >>> tensor_mlp_logits(Ws, bs, np.ones((5, 4))).shape
    (5, 2)
    """
    if hidden not in _HIDDEN:
        raise ValueError(f"hidden: unknown activation {hidden!r}; valid names are "
                         f"{', '.join(map(repr, _HIDDEN))}")
    A = X if isinstance(X, Tensor) else Tensor(as_matrix(X, "X", cols=Ws[0].shape[1]), requires_grad=False)
    for i, (W, b) in enumerate(zip(Ws, bs)):
        Z = A @ W.T + b
        A = _activate(Z, hidden) if i < len(Ws) - 1 else Z
    return Z


class TensorTrainingResult:
    """What :func:`train_tensor_mlp` returns: final parameters, cost per epoch, held-out accuracy."""

    def __init__(self, Ws, bs, costs, test_accuracy):
        self.Ws, self.bs, self.costs, self.test_accuracy = Ws, bs, costs, test_accuracy

    def __repr__(self) -> str:
        return (f"TensorTrainingResult(epochs={len(self.costs)}, "
                f"test_accuracy={self.test_accuracy:.4f})")


def train_tensor_mlp(X_train, Y_train, X_test, y_test, hidden_sizes=(64,), hidden: str = "relu",
                     epochs: int = 30, batch_size: int = 32, lr: float = 0.1, seed: int = 0):
    """Train a softmax MLP with mini-batch gradient descent, every gradient from the tensor engine.

    Parameters
    ----------
    X_train : ndarray (m, n_0);  Y_train : ndarray (m, k) one-hot
    X_test : ndarray (m_test, n_0);  y_test : ndarray (m_test,) integer labels
    hidden_sizes : sequence of int
    hidden : activation between layers
    epochs, batch_size : int;  lr : float;  seed : int (initialisation and shuffling)

    Returns
    -------
    TensorTrainingResult

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((40, 3)); y = (X[:, 0] > 0).astype(int); Y = np.eye(2)[y]
    >>> r = train_tensor_mlp(X, Y, X, y, hidden_sizes=(8,), epochs=20, lr=0.5)
    >>> r.test_accuracy > 0.9
    True
    """
    X_train = as_matrix(X_train, "X_train")
    Y_train = as_matrix(Y_train, "Y_train", rows=X_train.shape[0])
    X_test = as_matrix(X_test, "X_test", cols=X_train.shape[1])
    y_test = np.asarray(y_test)
    if y_test.shape != (X_test.shape[0],):
        raise ValueError(f"y_test: expected shape ({X_test.shape[0]},), got shape {y_test.shape}")
    epochs, batch_size = positive_int(epochs, "epochs"), positive_int(batch_size, "batch_size")
    lr = positive_number(lr, "lr")
    sizes = [X_train.shape[1], *hidden_sizes, Y_train.shape[1]]
    Ws, bs = tensor_mlp_params(sizes, seed)
    rng = np.random.default_rng(seed + 1)
    m = X_train.shape[0]
    costs = []
    for _ in range(epochs):
        order = rng.permutation(m)
        total = 0.0
        for start in range(0, m, batch_size):
            rows = order[start:start + batch_size]
            cost = tensor_mlp_logits(Ws, bs, X_train[rows], hidden).cross_entropy(Y_train[rows])
            cost.backward()
            for p in (*Ws, *bs):
                p.value = p.value - lr * p.grad
            total += float(cost.value) * len(rows)
        costs.append(total / m)
    with no_grad():
        logits = tensor_mlp_logits(Ws, bs, X_test, hidden).value
    accuracy = float(np.mean(logits.argmax(axis=1) == y_test))
    return TensorTrainingResult(Ws, bs, np.array(costs), accuracy)

"""A tiny scalar reverse-mode automatic differentiation engine (chapter 10).

Every arithmetic operation on :class:`Value` objects creates a new node of a computational graph
that stores, next to its forward value, the *local derivative* of its result with respect to each
of its inputs.  :func:`backpropagate` then visits the graph once, in reverse topological order,
and accumulates every node's adjoint  v̄ = ∂(output)/∂v  as the sum over the nodes that use v
(eq-graph-adjoint).  This is backpropagation with the layers taken away: the same rule for any
expression.

Inputs that need no derivative (data, targets) are plain Python floats; they become constants
of the graph and cost nothing in the backward pass.

:func:`count_operations` records how many nodes of each kind the forward pass creates and how many
multiply-adds the backward pass performs, which chapter 10 compares with the counts of
:mod:`bplib.opcount`.  :func:`engine_gradients` builds an :class:`~bplib.MLP`'s cost from scalar
operations and returns its gradients, an independent check of the matrix-form backward pass.

Examples
--------
>>> x, y = Value(2.0), Value(3.0)
>>> f = x * y + x.tanh()
>>> f.backward()
>>> round(x.grad, 6), y.grad          # ∂f/∂x = y + 1 − tanh²(x),  ∂f/∂y = x
(3.070651, 2.0)
"""
from __future__ import annotations

import contextlib
import contextvars
import math
from collections import Counter
from numbers import Real

import numpy as np

from ._validate import as_matrix, network
from .activations import LEAKY_SLOPE
from .registry import implements

__all__ = ["Value", "backpropagate", "topological_order", "OperationCounter", "count_operations",
           "mlp_cost_graph", "engine_gradients", "network_adjoints"]

#: the counter that is recording operations, or None (see :func:`count_operations`).
_ACTIVE_COUNTER: contextvars.ContextVar = contextvars.ContextVar("bplib_engine_counter", default=None)


def _number(x, name: str) -> float:
    """``x`` as a finite Python float; TypeError/ValueError naming ``name`` otherwise."""
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (Real, np.integer, np.floating)):
        raise TypeError(f"{name}: expected a real number (int or float), got {type(x).__name__}")
    value = float(x)
    if not math.isfinite(value):
        raise ValueError(f"{name}: expected a finite number, got {value!r}")
    return value


class Value:
    """A scalar node of a computational graph: a forward value, its adjoint and local derivatives.

    Parameters
    ----------
    data : float
        The forward value.
    parents : tuple of Value
        The nodes this one was computed from (empty for a leaf).
    local_grads : tuple of float
        ∂(this node)/∂(parent) for each parent, evaluated at the forward values.
    op : str
        Name of the operation that made the node ("" for a leaf), used for counting and plots.
    label : str
        Optional name shown in graph plots, e.g. "W1".

    Attributes
    ----------
    grad : float
        The adjoint ∂(output)/∂(this node), filled in by :meth:`backward`.

    Examples
    --------
    A new operation needs only its value and its local derivative:

    >>> import math
    >>> def sin(v):
    ...     return Value(math.sin(v.data), parents=(v,), local_grads=(math.cos(v.data),), op="sin")
    >>> x = Value(0.5)
    >>> y = sin(x * x)
    >>> y.backward()
    >>> round(x.grad, 12) == round(math.cos(0.25) * 2 * 0.5, 12)
    True
    """

    __slots__ = ("data", "grad", "_parents", "_local_grads", "op", "label")
    __array_ufunc__ = None  # numpy scalars defer to Value's reflected operators

    def __init__(self, data, parents=(), local_grads=(), op: str = "", label: str = ""):
        self.data = _number(data, "data")
        self.grad = 0.0
        parents, local_grads = tuple(parents), tuple(local_grads)
        if len(parents) != len(local_grads):
            raise ValueError(f"parents and local_grads must have the same length, got "
                             f"{len(parents)} parents and {len(local_grads)} local derivatives")
        for p in parents:
            if not isinstance(p, Value):
                raise TypeError(f"parents: expected Value objects, got {type(p).__name__}")
        self._parents = parents
        self._local_grads = tuple(_number(g, "local_grads") for g in local_grads)
        self.op = str(op)
        self.label = str(label)
        counter = _ACTIVE_COUNTER.get()
        if counter is not None and parents:
            counter.forward[self.op] += 1

    # ------------------------------------------------------------------ graph access
    @property
    def parents(self) -> tuple:
        """The nodes this one was computed from."""
        return self._parents

    @property
    def local_grads(self) -> tuple:
        """∂(this node)/∂(parent) for each parent, stored at forward time."""
        return self._local_grads

    def __repr__(self) -> str:
        name = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g}{name})"

    # ------------------------------------------------------------------ binary operations
    @staticmethod
    def _lift(other, op: str):
        """(Value or None, float): a Value operand, or None and the constant it stands for."""
        if isinstance(other, Value):
            return other, other.data
        if isinstance(other, (bool, np.bool_)) or not isinstance(other, (Real, np.integer, np.floating)):
            return None, None
        return None, _number(other, f"{op} operand")

    def _binary(self, other, op, value, d_self, d_other, reflected=False):
        node, data = self._lift(other, op)
        if data is None:
            return NotImplemented
        out = value(self.data, data) if not reflected else value(data, self.data)
        ds = d_self(self.data, data)
        if node is None:  # a constant: one parent
            return Value(out, (self,), (ds,), op)
        return Value(out, (self, node), (ds, d_other(self.data, data)), op)

    def __add__(self, other):
        return self._binary(other, "add", lambda a, b: a + b, lambda a, b: 1.0, lambda a, b: 1.0)

    __radd__ = __add__

    def __sub__(self, other):
        return self._binary(other, "sub", lambda a, b: a - b, lambda a, b: 1.0, lambda a, b: -1.0)

    def __rsub__(self, other):  # other − self, other a constant
        return self._binary(other, "sub", lambda a, b: a - b, lambda a, b: -1.0, None, reflected=True)

    def __mul__(self, other):
        return self._binary(other, "mul", lambda a, b: a * b, lambda a, b: b, lambda a, b: a)

    __rmul__ = __mul__

    def __truediv__(self, other):
        node, data = self._lift(other, "div")
        if data is None:
            return NotImplemented
        if data == 0.0:
            raise ZeroDivisionError(f"div: division of {self.data:.6g} by zero")
        return self._binary(other, "div", lambda a, b: a / b, lambda a, b: 1.0 / b,
                            lambda a, b: -a / (b * b))

    def __rtruediv__(self, other):  # other / self, other a constant
        if self._lift(other, "div")[1] is None:
            return NotImplemented
        if self.data == 0.0:
            raise ZeroDivisionError("div: division by a Value equal to zero")
        return self._binary(other, "div", lambda a, b: a / b, lambda a, b: -b / (a * a), None,
                            reflected=True)

    def __neg__(self):
        return Value(-self.data, (self,), (-1.0,), "neg")

    def __pow__(self, exponent):
        if isinstance(exponent, Value):
            raise TypeError("pow: the exponent must be a number, not a Value "
                            "(write exp(y * log(x)) for a variable exponent)")
        p = _number(exponent, "exponent")
        if self.data < 0 and not float(p).is_integer():
            raise ValueError(f"pow: a negative base {self.data:.6g} needs an integer exponent, got {p!r}")
        if self.data == 0 and p < 1 and p != 0:
            raise ValueError(f"pow: 0 ** {p!r} has no finite derivative")
        return Value(self.data ** p, (self,), (p * self.data ** (p - 1) if p != 0 else 0.0,), "pow")

    def __rpow__(self, base):
        raise TypeError("pow: the exponent must be a number, not a Value "
                        "(write exp(y * log(x)) for a variable exponent)")

    # ------------------------------------------------------------------ unary functions
    def exp(self):
        """e^x; local derivative e^x."""
        try:
            e = math.exp(self.data)
        except OverflowError:
            raise ValueError(f"exp: overflow at x = {self.data:.6g} (result above 1.8e308)") from None
        return Value(e, (self,), (e,), "exp")

    def log(self):
        """Natural logarithm; local derivative 1/x.  ValueError for x ≤ 0."""
        if self.data <= 0:
            raise ValueError(f"log: argument must be > 0, got {self.data:.6g}")
        return Value(math.log(self.data), (self,), (1.0 / self.data,), "log")

    def tanh(self):
        """tanh x; local derivative 1 − tanh² x (eq-tanh-derivative)."""
        t = math.tanh(self.data)
        return Value(t, (self,), (1.0 - t * t,), "tanh")

    def sigmoid(self):
        """σ(x) = 1/(1 + e^{−x}), computed without overflow; local derivative σ(1 − σ)."""
        x = self.data
        e = math.exp(-abs(x))
        s = 1.0 / (1.0 + e) if x >= 0 else e / (1.0 + e)
        return Value(s, (self,), (s * (1.0 - s),), "sigmoid")

    def relu(self):
        """max(0, x); local derivative 1 for x > 0, else 0 (eq-relu-derivative)."""
        return Value(max(self.data, 0.0), (self,), (1.0 if self.data > 0 else 0.0,), "relu")

    def leaky_relu(self, slope: float = LEAKY_SLOPE):
        """x for x > 0, slope·x otherwise; local derivative 1 or slope (eq-leaky-relu-derivative)."""
        slope = _number(slope, "slope")
        d = 1.0 if self.data > 0 else slope
        return Value(self.data * d, (self,), (d,), "leaky_relu")

    def identity(self):
        """The identity, as a node (so that every layer has an activation node)."""
        return Value(self.data, (self,), (1.0,), "identity")

    def backward(self) -> None:
        """Fill in ``grad`` of every node this one depends on (see :func:`backpropagate`)."""
        backpropagate(self)


def topological_order(root: Value) -> list:
    """Every node ``root`` depends on, each after all of its parents (``root`` last).

    Iterative depth-first search, so deep graphs do not hit Python's recursion limit.

    Parameters
    ----------
    root : Value

    Returns
    -------
    list of Value

    Examples
    --------
    >>> a = Value(1.0, label="a")
    >>> [v.label or v.op for v in topological_order((a + 1.0) * a)]
    ['a', 'add', 'mul']
    """
    if not isinstance(root, Value):
        raise TypeError(f"root: expected a Value, got {type(root).__name__}")
    order, visited = [], set()
    stack = [(root, False)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
            continue
        if id(node) in visited:
            continue
        visited.add(id(node))
        stack.append((node, True))
        for parent in reversed(node._parents):
            if id(parent) not in visited:
                stack.append((parent, False))
    return order


@implements("eq-graph-adjoint", chapter="10_reverse_mode")
def backpropagate(root: Value) -> None:
    """Reverse-mode accumulation of adjoints on the graph of ``root``  (eq-graph-adjoint, chapter 10).

    Sets ``root.grad = 1`` and, visiting the nodes in reverse topological order, adds to each
    parent p of a node c the product c̄ · ∂c/∂p, so that every node ends with

        v̄ = Σ_{c uses v} c̄ · ∂c/∂v,

    the derivative of ``root`` with respect to v.  A node's adjoint is complete when it is
    visited, because every node that uses it comes later in the topological order.  Previous
    adjoints are reset first, so calling it twice gives the same result.  Each (node, parent)
    pair costs one multiply-add, counted by :func:`count_operations`.

    Parameters
    ----------
    root : Value
        The output; usually a scalar cost.

    Examples
    --------
    >>> x = Value(3.0)
    >>> f = x * x + x          # x is used twice: the adjoints from both uses are summed
    >>> backpropagate(f)
    >>> x.grad
    7.0
    """
    order = topological_order(root)
    for node in order:
        node.grad = 0.0
    root.grad = 1.0
    counter = _ACTIVE_COUNTER.get()
    for node in reversed(order):
        for parent, local in zip(node._parents, node._local_grads):
            parent.grad += local * node.grad
        if counter is not None and node._parents:
            counter.backward[node.op] += len(node._parents)


class OperationCounter:
    """What :func:`count_operations` records.

    Attributes
    ----------
    forward : collections.Counter
        op name -> number of nodes of that kind created (one scalar operation each).
    backward : collections.Counter
        op name -> number of multiply-adds ``parent.grad += local * node.grad`` performed at
        nodes of that kind (one per parent that is a Value; constants cost nothing).
    """

    def __init__(self):
        self.forward = Counter()
        self.backward = Counter()

    def __repr__(self) -> str:
        return f"OperationCounter(forward={dict(self.forward)}, backward={dict(self.backward)})"


@contextlib.contextmanager
def count_operations():
    """Count the operations the engine performs inside a ``with`` block.

    Yields
    ------
    OperationCounter

    Examples
    --------
    >>> with count_operations() as ops:
    ...     w, a = Value(2.0), Value(3.0)
    ...     c = w * a + 1.0
    ...     c.backward()
    >>> ops.forward["mul"], ops.backward["mul"]
    (1, 2)
    """
    counter = OperationCounter()
    token = _ACTIVE_COUNTER.set(counter)
    try:
        yield counter
    finally:
        _ACTIVE_COUNTER.reset(token)


# ---------------------------------------------------------------------------- an MLP as a graph
_ENGINE_HIDDEN = ("sigmoid", "tanh", "relu", "leaky_relu", "identity")
_ENGINE_LOSSES = ("mse", "cross_entropy")


def _activate(z: Value, name: str) -> Value:
    return getattr(z, name)()


def _check_batch(net, X, Y):
    net = network(net, "net")
    X = as_matrix(X, "X", cols=net.sizes[0])
    Y = as_matrix(Y, "Y", cols=net.sizes[-1])
    if X.shape[0] != Y.shape[0]:
        raise ValueError(f"X and Y must have the same number of rows, got X {X.shape} and Y {Y.shape}")
    return X, Y


def mlp_cost_graph(net, X, Y):
    """Build the cost of ``net`` on a batch as a graph of scalar :class:`Value` operations.

    Every weight and bias becomes a leaf Value; the inputs X and targets Y are constants.  Layer l
    computes z_j = Σ_k w_jk a_k + b_j with one ``mul`` node per product and ``add`` nodes for the
    sum, then the activation; the cost is the batch mean of ½‖a − y‖² ("mse") or of
    −Σ_j y_j log softmax(z)_j ("cross_entropy", with log-sum-exp shifted by the largest logit,
    a constant).  An L2 term (λ/2) Σ w² is added when ``net.l2 > 0``.

    Parameters
    ----------
    net : MLP
        Hidden activation sigmoid, tanh, relu, leaky_relu or identity; output any of those with
        loss "mse", or softmax with loss "cross_entropy".
    X : ndarray, shape (m, n_0)
    Y : ndarray, shape (m, n_L)

    Returns
    -------
    cost : Value
    W : list of lists of lists of Value, W[i][j][k] is weight w^{i+1}_jk
    b : list of lists of Value, b[i][j] is bias b^{i+1}_j
    """
    net = network(net, "net")
    if net.loss_name not in _ENGINE_LOSSES:
        raise ValueError(f"net: the engine supports the losses {', '.join(map(repr, _ENGINE_LOSSES))}, "
                         f"got {net.loss_name!r}")
    if net.hidden not in _ENGINE_HIDDEN:
        raise ValueError(f"net: unsupported hidden activation {net.hidden!r}")
    if net.loss_name == "mse" and net.output not in _ENGINE_HIDDEN:
        raise ValueError(f"net: with loss 'mse' the output must be one of {', '.join(_ENGINE_HIDDEN)}, "
                         f"got {net.output!r}")
    X, Y = _check_batch(net, X, Y)
    m = X.shape[0]
    W = [[[Value(w, label=f"w{i + 1}_{j}{k}") for k, w in enumerate(row)] for j, row in enumerate(Wl)]
         for i, Wl in enumerate(net.weights)]
    b = [[Value(bj, label=f"b{i + 1}_{j}") for j, bj in enumerate(bl)] for i, bl in enumerate(net.biases)]
    L = len(W)
    total = None
    for x, y in zip(X, Y):
        a = [float(v) for v in x]
        for i in range(L):
            z = []
            for j, row in enumerate(W[i]):
                s = b[i][j]
                for w_jk, a_k in zip(row, a):
                    s = s + w_jk * a_k
                z.append(s)
            if i < L - 1:
                a = [_activate(zj, net.hidden) for zj in z]
            elif net.loss_name == "cross_entropy":
                shift = max(zj.data for zj in z)                       # a constant
                log_norm = sum((zj - shift).exp() for zj in z).log() + shift
                # −Σ_j y_j log a_j with log a_j = z_j − log Σ e^z; a one-hot target needs no product
                cost_x = sum((log_norm - zj) if yj == 1.0 else (log_norm - zj) * float(yj)
                             for zj, yj in zip(z, y) if yj != 0.0)
            else:
                a = [_activate(zj, net.output) for zj in z]
                cost_x = sum((aj - float(yj)) ** 2 for aj, yj in zip(a, y)) / 2.0
        total = cost_x if total is None else total + cost_x
    cost = total / float(m)
    if net.l2:
        cost = cost + sum(w * w for Wl in W for row in Wl for w in row) * (net.l2 / 2.0)
    return cost, W, b


def engine_gradients(net, X, Y):
    """∂C/∂W^l and ∂C/∂b^l of an MLP computed by the scalar engine (an independent backward pass).

    Parameters
    ----------
    net : MLP      (see :func:`mlp_cost_graph` for the supported activations and losses)
    X : ndarray, shape (m, n_0)
    Y : ndarray, shape (m, n_L)

    Returns
    -------
    dWs, dbs : lists of ndarray shaped like ``net.weights`` and ``net.biases``, like
        :meth:`MLP.gradients`.

    Examples
    --------
    >>> import bplib as bp
    >>> net = bp.MLP([2, 3, 1], hidden="tanh", output="sigmoid", seed=0)
    >>> X, Y = np.array([[0.5, -1.0]]), np.array([[1.0]])
    >>> dWs, dbs = engine_gradients(net, X, Y)
    >>> bp.relative_error(dWs, net.gradients(X, Y)[0]) < 1e-12
    True
    """
    cost, W, b = mlp_cost_graph(net, X, Y)
    cost.backward()
    dWs = [np.array([[w.grad for w in row] for row in Wl]) for Wl in W]
    dbs = [np.array([bj.grad for bj in bl]) for bl in b]
    return dWs, dbs


def network_adjoints(net, X, Y) -> dict:
    """Forward values and adjoints of every unit of ``net`` for one example, by the scalar engine.

    Builds the per-unit graph a^0 → z^1 → a^1 → … → z^L → a^L → C of one example with
    C = ½‖a^L − y‖² ("mse" networks only), differentiates it with :func:`backpropagate`
    (eq-graph-adjoint), and reads each node's value and adjoint: the numbers that chapter 10's
    figure of an MLP's computational graph shows.  The adjoint of z^l is the delta
    δ^l = ∂C/∂z^l, so ``delta`` can be compared with the matrix backward pass.

    Parameters
    ----------
    net : MLP with loss "mse", ``l2 = 0``, hidden and output activations supported by the engine
    X : ndarray, shape (1, n_0)   one example, as a row
    Y : ndarray, shape (1, n_L)

    Returns
    -------
    dict with
        "a" : list of L+1 arrays, a[l] of shape (n_l,), activations (a[0] = the input)
        "z" : list of L arrays, z[l-1] of shape (n_l,), pre-activations of layers 1 … L
        "a_bar" : list of L arrays, a_bar[l-1] = ∂C/∂a^l of shape (n_l,), layers 1 … L
        "delta" : list of L arrays, delta[l-1] = ∂C/∂z^l of shape (n_l,)
        "local" : list of L arrays, local[l-1] = f'(z^l), the local derivatives a ← z
        "weights" : list of L arrays, copies of ``net.weights`` (the local derivatives z ← a)
        "y" : array of shape (n_L,), "cost" : float

    Examples
    --------
    >>> import bplib as bp
    >>> net = bp.MLP([2, 2, 1], hidden="tanh", output="sigmoid", seed=0)
    >>> g = network_adjoints(net, np.array([[0.5, -1.0]]), np.array([[1.0]]))
    >>> dWs, _ = net.gradients(np.array([[0.5, -1.0]]), np.array([[1.0]]))
    >>> bool(np.allclose(np.outer(g["delta"][-1], g["a"][-2]), dWs[-1]))
    True
    """
    X, Y = _check_batch(net, X, Y)
    if net.loss_name != "mse":
        raise ValueError(f"net: network_adjoints draws the squared-error cost, expected loss 'mse', "
                         f"got {net.loss_name!r}")
    if net.l2:
        raise ValueError(f"net: expected l2 = 0, got l2={net.l2:g}")
    for name, act in (("hidden", net.hidden), ("output", net.output)):
        if act not in _ENGINE_HIDDEN:
            raise ValueError(f"net: unsupported {name} activation {act!r}; the engine knows "
                             f"{', '.join(_ENGINE_HIDDEN)}")
    if X.shape[0] != 1:
        raise ValueError(f"X: expected one example, shape (1, {net.sizes[0]}), got shape {X.shape}")
    L = len(net.weights)
    a = [float(v) for v in X[0]]
    z_nodes, a_nodes = [], []
    for i, (Wl, bl) in enumerate(zip(net.weights, net.biases)):
        z = []
        for j, row in enumerate(Wl):
            s = Value(float(bl[j]))
            for w_jk, a_k in zip(row, a):
                s = s + float(w_jk) * a_k
            z.append(s)
        a = [_activate(zj, net.hidden if i < L - 1 else net.output) for zj in z]
        z_nodes.append(z)
        a_nodes.append(a)
    cost = sum((aj - float(yj)) ** 2 for aj, yj in zip(a, Y[0])) / 2.0
    cost.backward()
    return {"a": [X[0].copy()] + [np.array([v.data for v in layer]) for layer in a_nodes],
            "z": [np.array([v.data for v in layer]) for layer in z_nodes],
            "a_bar": [np.array([v.grad for v in layer]) for layer in a_nodes],
            "delta": [np.array([v.grad for v in layer]) for layer in z_nodes],
            "local": [np.array([v.local_grads[0] for v in layer]) for layer in a_nodes],
            "weights": [W.copy() for W in net.weights], "y": Y[0].copy(), "cost": float(cost.data)}

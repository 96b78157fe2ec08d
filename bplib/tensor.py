"""A small tensor reverse-mode engine: every operation is a forward function plus its VJP (chapter 11).

Chapter 10's scalar engine (:mod:`bplib.engine`) stores, at every node, one local derivative per
parent.  With arrays the local derivative is a Jacobian, far too large to store (a 100 × 100
matrix product has a 10⁴ × 10⁴ Jacobian per argument).  The backward pass never needs it: it only
needs the *vector-Jacobian product* (VJP)

    x̄ = J_f(x)ᵀ ȳ ,        ȳ = ∂C/∂y the upstream gradient, shape of y; x̄ the shape of x,

which for every operation of this module is a cheap array expression derived in chapter 11
(eq-vjp-add … eq-vjp-cross-entropy).  A :class:`Tensor` produced by an operation keeps its parents,
the VJP function and the arrays that function needs (``saved``, counted by :mod:`bplib.memory`);
:func:`backpropagate_tensors` visits the graph once in reverse topological order and sums each
tensor's incoming VJPs (eq-vjp-chain), exactly as chapter 10 sums adjoints.

In the spirit of micrograd, each operation's VJP sits next to its forward function below.

Examples
--------
>>> import numpy as np
>>> W = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]]))
>>> x = Tensor(np.array([[1.0, -1.0]]), requires_grad=False)
>>> C = (x @ W.T).tanh().sum()
>>> C.backward()
>>> W.grad.shape
(2, 2)
"""
from __future__ import annotations

import contextlib
import contextvars
from numbers import Real

import numpy as np

from . import _validate
from .registry import implements

__all__ = ["Tensor", "where", "stack", "concatenate", "no_grad", "record_operations",
           "backpropagate_tensors", "unbroadcast", "add_vjp", "mul_vjp", "pow_vjp",
           "elementwise_vjp", "relu_vjp", "max_vjp", "where_vjp", "matmul_vjp", "transpose_vjp",
           "reshape_vjp", "index_vjp", "concatenate_vjp", "sum_vjp", "log_softmax_vjp",
           "cross_entropy_vjp"]

_CHAPTER = "11_layers_and_vjps"

#: False inside :func:`no_grad`: operations then build no graph and keep nothing.
_GRAD_ENABLED: contextvars.ContextVar = contextvars.ContextVar("bplib_tensor_grad", default=True)
#: a list collecting every operation node created, or None (see :func:`record_operations`).
_RECORDER: contextvars.ContextVar = contextvars.ContextVar("bplib_tensor_recorder", default=None)


@contextlib.contextmanager
def no_grad():
    """Inside the block operations compute values only: no parents, no VJP, nothing saved.

    Examples
    --------
    >>> x = Tensor([1.0, 2.0])
    >>> with no_grad():
    ...     y = (x * x).sum()
    >>> y.requires_grad
    False
    """
    token = _GRAD_ENABLED.set(False)
    try:
        yield
    finally:
        _GRAD_ENABLED.reset(token)


@contextlib.contextmanager
def record_operations():
    """Collect every operation node created inside the block (in creation order).

    Yields
    ------
    list of Tensor
        Filled as operations run; ``len`` of it counts forward operations.

    Examples
    --------
    >>> x = Tensor([1.0, 2.0])
    >>> with record_operations() as ops:
    ...     y = (x * x).sum()
    >>> [t.op for t in ops]
    ['mul', 'sum']
    """
    nodes: list = []
    token = _RECORDER.set(nodes)
    try:
        yield nodes
    finally:
        _RECORDER.reset(token)


def _as_array(value, name: str) -> np.ndarray:
    if isinstance(value, Tensor):
        return value.value
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name}: expected a number, an array or a Tensor, got {type(value).__name__}")
    arr = _validate._array(value, name, "a number, an array or a Tensor")
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name}: expected a numeric array, got dtype {arr.dtype}")
    arr = np.array(arr, dtype=np.float64)  # always a fresh float64 copy
    if not np.isfinite(arr).all():
        bad = int(arr.size - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name}: contains {bad} NaN or infinite value(s) (shape {arr.shape})")
    return arr


def _upstream(g, shape: tuple, op: str) -> np.ndarray:
    """The upstream gradient ``g`` as an array; raise unless it has the forward output's shape."""
    g = _validate._array(g, "g", f"an array of the {op} output's shape")
    if g.shape != tuple(shape):
        raise ValueError(f"g: expected the shape of the {op} output, {tuple(shape)}, got shape "
                         f"{g.shape} (nothing is broadcast)")
    return g


def _broadcast_target(g, *shapes) -> tuple:
    # g's shape if the shapes broadcast to it (an add inside a larger broadcast sum), else their
    # own broadcast shape, which _upstream then reports as the expected one
    out = np.broadcast_shapes(*map(tuple, shapes))
    try:
        return np.shape(g) if np.broadcast_shapes(out, np.shape(g)) == np.shape(g) else out
    except ValueError:
        return out


class Tensor:
    """A float64 array with a gradient, and, if an operation made it, the VJP back to its inputs.

    Parameters
    ----------
    value : array_like
        Copied into a float64 ndarray (any shape, finite).
    requires_grad : bool
        False for constants (data, targets): the backward pass computes nothing for them.
    label : str
        Optional name, e.g. ``"W1"``.

    Attributes
    ----------
    value : ndarray of float64
    grad : ndarray or None
        ∂C/∂(this tensor), same shape as ``value``, filled by :meth:`backward`.
    op : str
        The operation that produced the tensor ("" for a leaf).

    The properties ``parents`` and ``saved`` give the tensors it was computed from and
    what its VJP keeps from the forward pass.

    Examples
    --------
    >>> x = Tensor([[1.0, 2.0, 3.0]])
    >>> y = (x * x).sum()           # C = Σ x²
    >>> y.backward()
    >>> x.grad                      # ∂C/∂x = 2x
    array([[2., 4., 6.]])
    """

    __slots__ = ("value", "grad", "requires_grad", "_parents", "_vjp", "_saved", "op", "label")
    __array_ufunc__ = None  # ndarray ⊕ Tensor defers to Tensor's reflected operators

    def __init__(self, value, requires_grad: bool = True, label: str = ""):
        if not isinstance(requires_grad, (bool, np.bool_)):
            raise TypeError(f"requires_grad: expected True or False, got {requires_grad!r}")
        self.value = _as_array(value, "value").copy() if isinstance(value, Tensor) else _as_array(value, "value")
        self.grad = None
        self.requires_grad = bool(requires_grad)
        self._parents: tuple = ()
        self._vjp = None
        self._saved: tuple = ()
        self.op = ""
        self.label = str(label)

    @classmethod
    def _node(cls, value: np.ndarray, parents: tuple, vjp, saved: tuple, op: str) -> "Tensor":
        """The result of an operation: keeps parents, VJP and saved arrays only if needed."""
        out = cls.__new__(cls)
        out.value = value
        out.grad = None
        out.op = op
        out.label = ""
        needs = _GRAD_ENABLED.get() and any(p.requires_grad for p in parents)
        out.requires_grad = needs
        out._parents = tuple(parents) if needs else ()
        out._vjp = vjp if needs else None
        out._saved = tuple(saved) if needs else ()
        recorder = _RECORDER.get()
        if recorder is not None:
            recorder.append(out)
        return out

    @classmethod
    def from_vjp(cls, value, parents, vjp, saved=(), op: str = "custom") -> "Tensor":
        """A new operation: its result ``value``, its ``parents`` and its VJP.

        ``vjp(g, *saved)`` must return one gradient (or None) per parent, each of its parent's
        shape.  This is how every operation of this module is built.

        Parameters
        ----------
        value : array_like, the forward result
        parents : sequence of Tensor
        vjp : callable ``(g, *saved) -> tuple``
        saved : tuple, what the VJP needs from the forward pass
        op : str, a name for the operation

        Examples
        --------
        >>> def sin(x):
        ...     return Tensor.from_vjp(np.sin(x.value), (x,), lambda g, v: (g * np.cos(v),),
        ...                            saved=(x.value,), op="sin")
        >>> x = Tensor([0.0, 1.0])
        >>> sin(x).sum().backward()
        >>> np.allclose(x.grad, np.cos([0.0, 1.0]))
        True
        """
        if not isinstance(parents, (list, tuple)):
            raise TypeError(f"parents: expected a list of Tensors, got {type(parents).__name__}")
        parents = tuple(parents)
        for i, p in enumerate(parents):
            if not isinstance(p, Tensor):
                raise TypeError(f"parents[{i}]: expected a Tensor, got {type(p).__name__}")
        if not callable(vjp):
            raise TypeError(f"vjp: expected a callable, got {type(vjp).__name__}")
        return cls._node(_as_array(value, "value"), parents, vjp, tuple(saved), str(op))

    # ------------------------------------------------------------------ plain attributes
    @property
    def shape(self) -> tuple:
        """Shape of ``value``."""
        return self.value.shape

    @property
    def ndim(self) -> int:
        """Number of axes of ``value``."""
        return self.value.ndim

    @property
    def size(self) -> int:
        """Number of entries of ``value``."""
        return self.value.size

    @property
    def parents(self) -> tuple:
        """The tensors this one was computed from (empty for leaves and constants)."""
        return self._parents

    @property
    def saved(self) -> tuple:
        """What this node's VJP keeps from the forward pass."""
        return self._saved

    def __repr__(self) -> str:
        op = f", op={self.op!r}" if self.op else ""
        name = f", label={self.label!r}" if self.label else ""
        return f"Tensor(shape={self.shape}{op}{name})"

    def numpy(self) -> np.ndarray:
        """A copy of ``value``."""
        return self.value.copy()

    # ------------------------------------------------------------------ operators
    def __add__(self, other):
        return _add(self, _lift(other, "add"))

    def __radd__(self, other):
        return _add(_lift(other, "add"), self)

    def __sub__(self, other):
        return _sub(self, _lift(other, "sub"))

    def __rsub__(self, other):
        return _sub(_lift(other, "sub"), self)

    def __neg__(self):
        return _sub(_lift(0.0, "neg"), self)

    def __mul__(self, other):
        return _mul(self, _lift(other, "mul"))

    def __rmul__(self, other):
        return _mul(_lift(other, "mul"), self)

    def __truediv__(self, other):
        return _mul(self, _lift(other, "div") ** -1.0)

    def __rtruediv__(self, other):
        return _mul(_lift(other, "div"), self ** -1.0)

    def __pow__(self, exponent):
        return _pow(self, exponent)

    def __rpow__(self, base):
        raise TypeError("pow: the exponent must be a number, not a Tensor "
                        "(write (y * x.log()).exp() for a variable exponent)")

    def __matmul__(self, other):
        return _matmul(self, _lift(other, "matmul"))

    def __rmatmul__(self, other):
        return _matmul(_lift(other, "matmul"), self)

    def __getitem__(self, index):
        return _index(self, index)

    # ------------------------------------------------------------------ layout
    @property
    def T(self) -> "Tensor":
        """All axes reversed (the matrix transpose for 2-D)."""
        return self.transpose()

    def transpose(self, *axes) -> "Tensor":
        """Permute the axes as ``np.transpose``; no axes reverses them (eq-vjp-transpose)."""
        return _transpose(self, axes)

    def reshape(self, *shape) -> "Tensor":
        """Same entries, new shape (one -1 allowed) (eq-vjp-reshape)."""
        return _reshape(self, shape)

    # ------------------------------------------------------------------ elementwise
    def exp(self) -> "Tensor":
        """eˣ elementwise (eq-vjp-elementwise)."""
        return _elementwise(self, "exp")

    def log(self) -> "Tensor":
        """Natural logarithm elementwise; every entry must be > 0 (eq-vjp-elementwise)."""
        return _elementwise(self, "log")

    def tanh(self) -> "Tensor":
        """tanh elementwise (eq-vjp-elementwise)."""
        return _elementwise(self, "tanh")

    def sigmoid(self) -> "Tensor":
        """σ(x) = 1/(1 + e^{−x}) elementwise, without overflow (eq-vjp-elementwise)."""
        return _elementwise(self, "sigmoid")

    def sqrt(self) -> "Tensor":
        """√x elementwise; every entry must be > 0 (eq-vjp-elementwise)."""
        return _elementwise(self, "sqrt")

    def relu(self) -> "Tensor":
        """max(0, x) elementwise (eq-vjp-relu)."""
        return _relu(self)

    # ------------------------------------------------------------------ reductions
    def sum(self, axis=None, keepdims: bool = False) -> "Tensor":
        """Sum over ``axis`` (int, tuple or None for all), as ``np.sum`` (eq-vjp-sum)."""
        return _sum(self, axis, keepdims)

    def mean(self, axis=None, keepdims: bool = False) -> "Tensor":
        """Mean over ``axis``: the sum times 1/n, so it needs no VJP of its own."""
        axes = _normalise_axis(axis, self.ndim, "axis")
        n = int(np.prod([self.shape[a] for a in axes])) if axes else 1
        if n == 0:
            raise ValueError(f"mean: axis {axis!r} of a tensor of shape {self.shape} has no entries")
        return _sum(self, axis, keepdims) * (1.0 / n)

    def max(self, axis=None, keepdims: bool = False) -> "Tensor":
        """Largest entry over ``axis``; the gradient goes to the maximum (eq-vjp-max)."""
        return _max(self, axis, keepdims)

    def log_softmax(self, axis: int = -1) -> "Tensor":
        """log softmax along ``axis``, through log-sum-exp (eq-vjp-log-softmax)."""
        return _log_softmax(self, axis)

    def softmax(self, axis: int = -1) -> "Tensor":
        """softmax along ``axis``, as exp(log_softmax): two operations, no VJP of its own."""
        return _log_softmax(self, axis).exp()

    def cross_entropy(self, Y) -> "Tensor":
        """Mean over rows of −Σ_j y_j log softmax(z)_j for logits ``self`` (m, k), Y (m, k)
        (eq-vjp-cross-entropy)."""
        return _cross_entropy(self, Y)

    # ------------------------------------------------------------------ backward
    def backward(self) -> None:
        """Fill ``grad`` of every tensor that requires one and that this scalar depends on.

        Raises
        ------
        ValueError
            If this tensor is not a scalar (one entry) or does not depend on any tensor that
            requires a gradient.
        """
        if self.size != 1:
            raise ValueError(f"backward: the output must be a scalar Tensor (one entry), got shape "
                             f"{self.shape}; reduce it first, e.g. with .sum() or .mean()")
        if not self.requires_grad:
            raise ValueError("backward: this Tensor does not depend on any Tensor with "
                             "requires_grad=True (built inside no_grad, or from constants only)")
        backpropagate_tensors(self, np.ones_like(self.value))


def _lift(x, op: str) -> Tensor:
    """A Tensor operand: Tensors pass through, numbers and arrays become constants."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (bool, np.bool_)):
        raise TypeError(f"{op}: a bool operand is ambiguous; convert it to a number first")
    return Tensor(_as_array(x, f"{op} operand"), requires_grad=False)


# ============================================================================ the backward pass
def topological_order(root: Tensor) -> list:
    """Every tensor ``root`` depends on through operations, each after its parents (iterative DFS)."""
    order, visited = [], set()
    stack = [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
            continue
        if id(node) in visited:
            continue
        visited.add(id(node))
        stack.append((node, True))
        for parent in reversed(node._parents):
            if id(parent) not in visited and parent.requires_grad:
                stack.append((parent, False))
    return order


@implements("eq-vjp-chain", chapter=_CHAPTER)
def backpropagate_tensors(root: Tensor, seed) -> None:
    """Reverse-mode accumulation of VJPs from ``root`` with upstream gradient ``seed`` (eq-vjp-chain).

    Visits the graph once in reverse topological order; at each node v with upstream gradient v̄
    it calls the node's VJP and adds the result to each parent's gradient, so that every tensor
    ends with  x̄ = Σ_{v uses x} J_v(x)ᵀ v̄  (chapter 11).  Gradients of earlier calls are reset.

    Parameters
    ----------
    root : Tensor
    seed : ndarray, shape ``root.shape``
        ∂C/∂root; ones for a scalar cost (what :meth:`Tensor.backward` passes).

    Examples
    --------
    >>> x = Tensor([1.0, 2.0])
    >>> y = x * x
    >>> backpropagate_tensors(y, np.array([1.0, 10.0]))   # x̄ = 2x ⊙ ȳ
    >>> x.grad
    array([ 2., 40.])
    """
    if not isinstance(root, Tensor):
        raise TypeError(f"root: expected a Tensor, got {type(root).__name__}")
    seed = np.asarray(seed, dtype=np.float64)
    if seed.shape != root.shape:
        raise ValueError(f"seed: expected the shape of root {root.shape}, got shape {seed.shape}")
    order = topological_order(root)
    grads = {id(root): seed}
    for node in reversed(order):
        g = grads.pop(id(node), None)
        if g is None:
            g = np.zeros_like(node.value)
        node.grad = np.array(g, dtype=np.float64)  # own, writable, contiguous
        if not node._parents:
            continue
        parent_grads = node._vjp(node.grad, *node._saved)
        for parent, pg in zip(node._parents, parent_grads):
            if pg is None or not parent.requires_grad:
                continue
            if pg.shape != parent.shape:  # a VJP must return the shape of its input
                raise RuntimeError(f"{node.op}: VJP returned shape {pg.shape} for an input of "
                                   f"shape {parent.shape}")
            key = id(parent)
            grads[key] = pg if key not in grads else grads[key] + pg


# ============================================================================ broadcasting
@implements("eq-vjp-unbroadcast", chapter=_CHAPTER)
def unbroadcast(g: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum ``g`` over the axes along which an input of ``shape`` was broadcast (eq-vjp-unbroadcast).

    Broadcasting copies an entry to many positions of the output; the VJP of a copy is a sum, so
    the gradient of a broadcast input is the upstream gradient summed over the added leading axes
    and over every axis where the input had length 1 (chapter 11).

    Parameters
    ----------
    g : ndarray, the broadcast output's shape
    shape : tuple, the input's shape (numpy-broadcastable to ``g.shape``)

    Returns
    -------
    ndarray of shape ``shape``

    Examples
    --------
    >>> unbroadcast(np.ones((4, 3)), (3,))        # a bias added to 4 rows
    array([4., 4., 4.])
    >>> unbroadcast(np.ones((4, 3)), (4, 1)).ravel()
    array([3., 3., 3., 3.])
    """
    if not isinstance(shape, (tuple, list)):
        raise TypeError(f"shape: expected a tuple of ints, got {type(shape).__name__} {shape!r}")
    shape = tuple(shape)
    g = _validate._array(g, "g", "an array")
    if g.shape == shape:
        return g
    extra = g.ndim - len(shape)
    if extra < 0 or any(s not in (1, gs) for s, gs in zip(shape, g.shape[extra:])):
        raise ValueError(f"shape: {shape} does not broadcast to the gradient's shape {g.shape}")
    axes = tuple(range(extra)) + tuple(extra + i for i, s in enumerate(shape)
                                       if s == 1 and g.shape[extra + i] != 1)
    return np.asarray(g.sum(axis=axes)).reshape(shape) if axes else g.reshape(shape)


def _broadcast_shape(x: Tensor, y: Tensor, op: str) -> tuple:
    try:
        return np.broadcast_shapes(x.shape, y.shape)
    except ValueError:
        raise ValueError(f"{op}: shapes {x.shape} and {y.shape} do not broadcast "
                         f"(numpy rules: trailing axes equal or 1)") from None


# ============================================================================ add, sub
@implements("eq-vjp-add", chapter=_CHAPTER)
def add_vjp(g, x_shape, y_shape, sign: float = 1.0):
    """VJP of z = x + y (``sign`` = 1) or z = x − y (``sign`` = −1)  (eq-vjp-add, chapter 11).

    Addition copies the upstream gradient to both inputs: x̄ = z̄, ȳ = ±z̄, each summed back to its
    input's shape if it was broadcast (eq-vjp-unbroadcast).

    Parameters
    ----------
    g : ndarray, shape of z (or a larger shape that z was broadcast to, summed back as well)
    x_shape, y_shape : tuple
    sign : float, 1.0 or -1.0

    Returns
    -------
    (x̄, ȳ) : ndarrays of shapes ``x_shape``, ``y_shape``

    Examples
    --------
    >>> gx, gy = add_vjp(np.ones((2, 3)), (2, 3), (3,))
    >>> gy
    array([2., 2., 2.])
    """
    g = _upstream(g, _broadcast_target(g, x_shape, y_shape), "add")  # g may be broadcast further
    return unbroadcast(g, x_shape), unbroadcast(sign * g, y_shape)


def _add(x: Tensor, y: Tensor) -> Tensor:
    _broadcast_shape(x, y, "add")
    return Tensor._node(x.value + y.value, (x, y), add_vjp, (x.shape, y.shape), "add")


def _sub(x: Tensor, y: Tensor) -> Tensor:
    _broadcast_shape(x, y, "sub")
    return Tensor._node(x.value - y.value, (x, y), add_vjp, (x.shape, y.shape, -1.0), "sub")


# ============================================================================ mul
@implements("eq-vjp-mul", chapter=_CHAPTER)
def mul_vjp(g, x, y):
    """VJP of the elementwise product z = x ⊙ y  (eq-vjp-mul, chapter 11).

    Multiplication swaps: x̄ = z̄ ⊙ y and ȳ = z̄ ⊙ x, each un-broadcast to its input's shape.

    Parameters
    ----------
    g : ndarray, shape of z
    x, y : ndarray, the forward inputs (broadcastable)

    Returns
    -------
    (x̄, ȳ) : ndarrays shaped like x and y

    Examples
    --------
    >>> mul_vjp(np.array([1.0, 1.0]), np.array([2.0, 3.0]), np.array([5.0, 7.0]))
    (array([5., 7.]), array([2., 3.]))
    """
    g = _upstream(g, np.broadcast_shapes(np.shape(x), np.shape(y)), "mul")
    return unbroadcast(g * y, np.shape(x)), unbroadcast(g * x, np.shape(y))


def _mul(x: Tensor, y: Tensor) -> Tensor:
    _broadcast_shape(x, y, "mul")
    return Tensor._node(x.value * y.value, (x, y), mul_vjp, (x.value, y.value), "mul")


# ============================================================================ pow
@implements("eq-vjp-pow", chapter=_CHAPTER)
def pow_vjp(g, x, p: float):
    """VJP of z = x^p elementwise, p a number  (eq-vjp-pow, chapter 11): x̄ = z̄ ⊙ p x^{p−1}.

    Parameters
    ----------
    g, x : ndarray, same shape
    p : float

    Returns
    -------
    (x̄,)

    Examples
    --------
    >>> pow_vjp(np.ones(2), np.array([2.0, 3.0]), 2.0)
    (array([4., 6.]),)
    """
    g, p = _upstream(g, np.shape(x), "pow"), _validate.finite_number(p, "p")
    return (g * (p * x ** (p - 1.0)) if p != 0 else np.zeros_like(x),)


def _pow(x: Tensor, exponent) -> Tensor:
    if isinstance(exponent, Tensor):
        raise TypeError("pow: the exponent must be a number, not a Tensor "
                        "(write (y * x.log()).exp() for a variable exponent)")
    if isinstance(exponent, (bool, np.bool_)) or not isinstance(exponent, (Real, np.integer, np.floating)):
        raise TypeError(f"exponent: expected a real number, got {type(exponent).__name__}")
    p = float(exponent)
    if not np.isfinite(p):
        raise ValueError(f"exponent: expected a finite number, got {p!r}")
    if not p.is_integer() and (x.value < 0).any():
        raise ValueError(f"pow: a negative base needs an integer exponent, got exponent {p!r} and "
                         f"{int((x.value < 0).sum())} negative entries (shape {x.shape})")
    if p < 1 and p != 0 and (x.value == 0).any():
        raise ValueError(f"pow: 0 ** {p!r} has no finite derivative ({int((x.value == 0).sum())} "
                         f"zero entries, shape {x.shape})")
    return Tensor._node(x.value ** p, (x,), pow_vjp, (x.value, p), "pow")


# ============================================================================ elementwise functions
def _stable_sigmoid(x):
    with np.errstate(under="ignore"):
        e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


#: name -> (forward f(x), f' from (x, y = f(x)), which of x, y the VJP keeps)
_ELEMENTWISE = {
    "exp": (np.exp, lambda x, y: y, "y"),
    "log": (np.log, lambda x, y: 1.0 / x, "x"),
    "tanh": (np.tanh, lambda x, y: 1.0 - y * y, "y"),
    "sigmoid": (_stable_sigmoid, lambda x, y: y * (1.0 - y), "y"),
    "sqrt": (np.sqrt, lambda x, y: 0.5 / y, "y"),
}


@implements("eq-vjp-elementwise", chapter=_CHAPTER)
def elementwise_vjp(g, name: str, kept):
    """VJP of y = f(x) applied entry by entry  (eq-vjp-elementwise, chapter 11): x̄ = ȳ ⊙ f′(x).

    The Jacobian is diagonal, so its transpose times ȳ is an entrywise product.  f′ is computed
    from what the forward pass kept, the output where that is enough:
    exp: y;  log: 1/x;  tanh: 1 − y²;  sigmoid: y(1 − y);  sqrt: 1/(2y).

    Parameters
    ----------
    g : ndarray, shape of y
    name : {"exp", "log", "tanh", "sigmoid", "sqrt"}
    kept : ndarray, shape of y: x for log, y for the others

    Returns
    -------
    (x̄,)

    Examples
    --------
    >>> elementwise_vjp(np.ones(2), "tanh", np.array([0.0, 0.5]))
    (array([1.  , 0.75]),)
    """
    if name not in _ELEMENTWISE:
        raise ValueError(f"name: unknown function {name!r}; valid names are "
                         f"{', '.join(map(repr, _ELEMENTWISE))}")
    _, fprime, which = _ELEMENTWISE[name]
    g = _upstream(g, np.shape(kept), name)
    d = fprime(kept, None) if which == "x" else fprime(None, kept)
    return (g * d,)


def _elementwise(x: Tensor, name: str) -> Tensor:
    f, _, which = _ELEMENTWISE[name]
    if name in ("log", "sqrt") and (x.value <= 0).any():
        raise ValueError(f"{name}: every entry must be > 0, got {int((x.value <= 0).sum())} entries "
                         f"≤ 0 (shape {x.shape}, smallest {x.value.min():.6g})")
    with np.errstate(over="raise", under="ignore"):
        try:
            y = f(x.value)
        except FloatingPointError:
            raise ValueError(f"{name}: overflow at the largest entry {x.value.max():.6g} "
                             f"(shape {x.shape})") from None
    return Tensor._node(y, (x,), elementwise_vjp, (name, x.value if which == "x" else y), name)


# ============================================================================ routing: relu, max, where
@implements("eq-vjp-relu", chapter=_CHAPTER)
def relu_vjp(g, y):
    """VJP of y = max(0, x) entrywise  (eq-vjp-relu, chapter 11): x̄ = ȳ ⊙ [x > 0].

    ReLU routes: the gradient passes where the input was positive and stops elsewhere
    (the derivative at 0 is taken as 0).  Since y > 0 exactly where x > 0, the forward pass keeps
    the output y, the array the next layer's matmul keeps anyway.

    Parameters
    ----------
    g : ndarray, shape of y
    y : ndarray, the forward output max(0, x)

    Examples
    --------
    >>> relu_vjp(np.array([5.0, 5.0]), np.array([0.0, 2.0]))
    (array([0., 5.]),)
    """
    g = _upstream(g, np.shape(y), "relu")
    return (g * (y > 0),)


def _relu(x: Tensor) -> Tensor:
    y = np.maximum(x.value, 0.0)
    return Tensor._node(y, (x,), relu_vjp, (y,), "relu")


def _normalise_axis(axis, ndim: int, name: str) -> tuple:
    """axis (None, int or tuple of ints) as a sorted tuple of non-negative axes."""
    if axis is None:
        return tuple(range(ndim))
    axes = axis if isinstance(axis, tuple) else (axis,)
    out = []
    for a in axes:
        if isinstance(a, (bool, np.bool_)) or not isinstance(a, (int, np.integer)):
            raise TypeError(f"{name}: expected an int, a tuple of ints or None, got {axis!r}")
        if not -ndim <= a < ndim:
            raise ValueError(f"{name}: {a} is out of range for a tensor with {ndim} axes")
        out.append(int(a) % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"{name}: repeated axis in {axis!r}")
    return tuple(sorted(out))


def _expand(g, shape, axes, keepdims):
    """Re-insert the reduced ``axes`` (length 1) into ``g`` unless they were kept."""
    if keepdims:
        return g
    kept_shape = tuple(1 if i in axes else s for i, s in enumerate(shape))
    return np.reshape(g, kept_shape)


@implements("eq-vjp-max", chapter=_CHAPTER)
def max_vjp(g, x, y, axes: tuple, keepdims: bool):
    """VJP of y = max of x over ``axes``  (eq-vjp-max, chapter 11).

    Max routes: x̄_i = ȳ if x_i is the maximum of its group, else 0; when several entries tie
    for the maximum the gradient is shared equally among them (as the ``autograd`` package does).

    Parameters
    ----------
    g : ndarray, shape of y
    x : ndarray, the forward input
    y : ndarray, the forward output
    axes : tuple of int, the reduced axes
    keepdims : bool, as in the forward call

    Returns
    -------
    (x̄,) of the shape of x

    Examples
    --------
    >>> max_vjp(np.array(1.0), np.array([1.0, 3.0, 2.0]), np.array(3.0), (0,), False)
    (array([0., 1., 0.]),)
    """
    g = _upstream(g, np.shape(y), "max")
    y = _expand(y, x.shape, axes, keepdims)
    g = _expand(g, x.shape, axes, keepdims)
    winners = (x == y)
    return (g * winners / winners.sum(axis=axes, keepdims=True),)


def _max(x: Tensor, axis, keepdims) -> Tensor:
    axes = _normalise_axis(axis, x.ndim, "axis")
    if x.size == 0:
        raise ValueError(f"max: tensor of shape {x.shape} has no entries")
    y = x.value.max(axis=axes, keepdims=bool(keepdims)) if axes else x.value.copy()
    return Tensor._node(y, (x,), max_vjp, (x.value, y, axes, bool(keepdims)), "max")


@implements("eq-vjp-where", chapter=_CHAPTER)
def where_vjp(g, cond, x_shape, y_shape):
    """VJP of z = where(cond, x, y)  (eq-vjp-where, chapter 11): x̄ = z̄ ⊙ cond, ȳ = z̄ ⊙ (1 − cond),
    each un-broadcast to its input's shape; the branch not chosen gets nothing.

    Examples
    --------
    >>> where_vjp(np.ones(3), np.array([True, False, True]), (3,), ())
    (array([1., 0., 1.]), array(1.))
    """
    g = _upstream(g, np.shape(cond), "where")
    return unbroadcast(np.where(cond, g, 0.0), x_shape), unbroadcast(np.where(cond, 0.0, g), y_shape)


def where(cond, x, y) -> Tensor:
    """Entrywise ``x`` where ``cond`` is True, else ``y`` (numpy broadcasting)  (eq-vjp-where).

    Parameters
    ----------
    cond : ndarray of bool
    x, y : Tensor, array or number

    Returns
    -------
    Tensor of the broadcast shape

    Examples
    --------
    >>> x = Tensor([-1.0, 2.0])
    >>> where(x.value > 0, x, 0.0).value
    array([0., 2.])
    """
    if isinstance(cond, Tensor):
        raise TypeError("cond: expected a bool ndarray, got a Tensor (use e.g. x.value > 0)")
    cond = np.asarray(cond)
    if cond.dtype != np.bool_:
        raise TypeError(f"cond: expected a bool ndarray, got dtype {cond.dtype}")
    x, y = _lift(x, "where"), _lift(y, "where")
    try:
        shape = np.broadcast_shapes(cond.shape, x.shape, y.shape)
    except ValueError:
        raise ValueError(f"where: shapes cond {cond.shape}, x {x.shape} and y {y.shape} do not "
                         f"broadcast") from None
    cond = np.broadcast_to(cond, shape).copy()
    return Tensor._node(np.where(cond, x.value, y.value), (x, y), where_vjp, (cond, x.shape, y.shape),
                        "where")


# ============================================================================ matmul
def _swap(a):
    return np.swapaxes(a, -1, -2)


@implements("eq-vjp-matmul", chapter=_CHAPTER)
def matmul_vjp(g, x, y):
    """VJP of Z = X Y (2-D, or batched as ``np.matmul``)  (eq-vjp-matmul, chapter 11).

    X̄ = Z̄ Yᵀ and Ȳ = Xᵀ Z̄ (transposes of the last two axes); when one factor is 2-D and the
    other batched, that factor was shared by the whole batch and its gradient is summed over it.

    Parameters
    ----------
    g : ndarray, shape of Z: (m, n) or (B, m, n)
    x : ndarray, (m, k) or (B, m, k)
    y : ndarray, (k, n) or (B, k, n)

    Returns
    -------
    (X̄, Ȳ) shaped like x and y

    Examples
    --------
    >>> X, Y = np.arange(6.0).reshape(2, 3), np.ones((3, 2))
    >>> gx, gy = matmul_vjp(np.ones((2, 2)), X, Y)
    >>> gx.shape, gy.shape
    ((2, 3), (3, 2))
    """
    x, y = _validate._array(x, "x", "a 2-D or 3-D array"), _validate._array(y, "y", "a 2-D or 3-D array")
    if x.ndim < 2 or y.ndim < 2:
        raise ValueError(f"x, y: expected 2-D or batched 3-D arrays, got shapes {x.shape} and {y.shape}")
    g = _upstream(g, np.broadcast_shapes(x.shape[:-2], y.shape[:-2]) + (x.shape[-2], y.shape[-1]), "matmul")
    return unbroadcast(g @ _swap(y), x.shape), unbroadcast(_swap(x) @ g, y.shape)


def _matmul(x: Tensor, y: Tensor) -> Tensor:
    for name, t in (("x", x), ("y", y)):
        if t.ndim not in (2, 3):
            raise ValueError(f"matmul: {name} must be 2-D (m, k) or batched 3-D (B, m, k), got shape "
                             f"{t.shape} (1-D is never promoted: reshape it to a row or a column)")
    if x.shape[-1] != y.shape[-2]:
        raise ValueError(f"matmul: x has shape {x.shape} and y has shape {y.shape}: x's last axis "
                         f"({x.shape[-1]}) must equal y's second-to-last ({y.shape[-2]})")
    if x.ndim == 3 and y.ndim == 3 and x.shape[0] != y.shape[0]:
        raise ValueError(f"matmul: batch sizes differ, x has shape {x.shape} and y has shape {y.shape}")
    return Tensor._node(x.value @ y.value, (x, y), matmul_vjp, (x.value, y.value), "matmul")


# ============================================================================ transpose, reshape, index
@implements("eq-vjp-transpose", chapter=_CHAPTER)
def transpose_vjp(g, axes: tuple):
    """VJP of a permutation of axes  (eq-vjp-transpose, chapter 11): permute back with the inverse.

    Examples
    --------
    >>> transpose_vjp(np.zeros((4, 2, 3)), (1, 2, 0))[0].shape
    (3, 4, 2)
    """
    g = _validate._array(g, "g", "an array")
    if g.ndim != len(axes) or sorted(axes) != list(range(g.ndim)):
        raise ValueError(f"g: expected {len(axes)} axes to match axes={tuple(axes)}, got shape {g.shape}")
    return (np.transpose(g, np.argsort(axes)),)


def _transpose(x: Tensor, axes) -> Tensor:
    if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
        axes = tuple(axes[0])
    if not axes:
        axes = tuple(range(x.ndim))[::-1]
    if any(not isinstance(a, (int, np.integer)) or not -x.ndim <= a < x.ndim for a in axes) \
            or sorted(int(a) % x.ndim for a in axes) != list(range(x.ndim)):
        raise ValueError(f"axes: expected a permutation of 0 … {x.ndim - 1} for a tensor of shape "
                         f"{x.shape}, got {axes}")
    axes = tuple(int(a) % x.ndim for a in axes)
    return Tensor._node(np.transpose(x.value, axes), (x,), transpose_vjp, (axes,), "transpose")


@implements("eq-vjp-reshape", chapter=_CHAPTER)
def reshape_vjp(g, shape: tuple):
    """VJP of a reshape  (eq-vjp-reshape, chapter 11): the same entries, so reshape back.

    Examples
    --------
    >>> reshape_vjp(np.arange(6.0), (2, 3))[0].shape
    (2, 3)
    """
    g = _validate._array(g, "g", "an array")
    if g.size != int(np.prod(shape)):
        raise ValueError(f"g: expected {int(np.prod(shape))} entries to reshape to {tuple(shape)}, "
                         f"got shape {g.shape}")
    return (np.reshape(g, shape),)


def _reshape(x: Tensor, shape) -> Tensor:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    try:
        value = np.reshape(x.value, shape)
    except (ValueError, TypeError):
        raise ValueError(f"reshape: cannot reshape a tensor of shape {x.shape} ({x.size} entries) "
                         f"into shape {tuple(shape)}") from None
    return Tensor._node(value, (x,), reshape_vjp, (x.shape,), "reshape")


@implements("eq-vjp-index", chapter=_CHAPTER)
def index_vjp(g, shape: tuple, index):
    """VJP of y = x[index]  (eq-vjp-index, chapter 11): scatter-add ȳ into zeros of x's shape.

    An entry picked k times receives the sum of its k upstream gradients (``np.add.at``), the
    same "copies add" rule as broadcasting.

    Examples
    --------
    >>> index_vjp(np.array([1.0, 2.0, 3.0]), (2,), np.array([0, 1, 0]))
    (array([4., 2.]),)
    """
    g = _upstream(g, np.broadcast_to(np.empty(()), shape)[index].shape, "index")
    out = np.zeros(shape)
    np.add.at(out, index, g)
    return (out,)


def _index(x: Tensor, index) -> Tensor:
    if isinstance(index, Tensor) or (isinstance(index, tuple) and any(isinstance(i, Tensor) for i in index)):
        raise TypeError("index: use integer arrays or slices, not Tensors (index with t.value.astype(int))")
    try:
        value = x.value[index]
    except IndexError as err:
        raise ValueError(f"index: {err} (tensor of shape {x.shape})") from None
    value = np.array(value)  # a copy, never a view into the input
    return Tensor._node(value, (x,), index_vjp, (x.shape, index), "index")


# ============================================================================ concatenate, stack
@implements("eq-vjp-concatenate", chapter=_CHAPTER)
def concatenate_vjp(g, sizes: tuple, axis: int):
    """VJP of concatenation along ``axis``  (eq-vjp-concatenate, chapter 11): cut ȳ back into the
    pieces, piece i getting the slice that its entries were copied to.

    Examples
    --------
    >>> [p.shape for p in concatenate_vjp(np.zeros((2, 5)), (2, 3), 1)]
    [(2, 2), (2, 3)]
    """
    g = _validate._array(g, "g", "an array")
    if not -g.ndim <= axis < g.ndim or g.shape[axis] != sum(sizes):
        raise ValueError(f"g: expected {sum(sizes)} entries along axis {axis} (the pieces' sizes "
                         f"{tuple(sizes)}), got shape {g.shape}")
    return tuple(np.split(g, np.cumsum(sizes)[:-1], axis=axis))


def concatenate(tensors, axis: int = 0) -> Tensor:
    """Join tensors along an existing axis, as ``np.concatenate`` (eq-vjp-concatenate).

    Parameters
    ----------
    tensors : sequence of Tensor (or arrays, taken as constants), same shape except along ``axis``
    axis : int

    Examples
    --------
    >>> concatenate([Tensor(np.ones((2, 2))), Tensor(np.zeros((2, 1)))], axis=1).shape
    (2, 3)
    """
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(f"tensors: expected a list of Tensors, got {type(tensors).__name__}")
    tensors = [_lift(t, "concatenate") for t in tensors]
    if not tensors:
        raise ValueError("tensors: need at least one tensor to concatenate")
    ndim = tensors[0].ndim
    if ndim == 0 or any(t.ndim != ndim for t in tensors):
        raise ValueError(f"tensors: need tensors with the same number (≥ 1) of axes, got shapes "
                         f"{[t.shape for t in tensors]}")
    (ax,) = _normalise_axis(axis, ndim, "axis")
    rest = {t.shape[:ax] + t.shape[ax + 1:] for t in tensors}
    if len(rest) != 1:
        raise ValueError(f"tensors: shapes must agree except along axis {ax}, got "
                         f"{[t.shape for t in tensors]}")
    sizes = tuple(t.shape[ax] for t in tensors)
    value = np.concatenate([t.value for t in tensors], axis=ax)
    return Tensor._node(value, tuple(tensors), concatenate_vjp, (sizes, ax), "concatenate")


def stack(tensors, axis: int = 0) -> Tensor:
    """Join same-shape tensors along a new axis, as ``np.stack``: a reshape of each, then
    :func:`concatenate` (so it needs no VJP of its own).

    Examples
    --------
    >>> stack([Tensor(np.ones(3)), Tensor(np.zeros(3))], axis=0).shape
    (2, 3)
    """
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(f"tensors: expected a list of Tensors, got {type(tensors).__name__}")
    tensors = [_lift(t, "stack") for t in tensors]
    if not tensors:
        raise ValueError("tensors: need at least one tensor to stack")
    shapes = {t.shape for t in tensors}
    if len(shapes) != 1:
        raise ValueError(f"tensors: stack needs equal shapes, got {[t.shape for t in tensors]}")
    ndim = tensors[0].ndim + 1
    (ax,) = _normalise_axis(axis, ndim, "axis")
    shape = tensors[0].shape
    new = shape[:ax] + (1,) + shape[ax:]
    return concatenate([t.reshape(new) for t in tensors], axis=ax)


# ============================================================================ sum
@implements("eq-vjp-sum", chapter=_CHAPTER)
def sum_vjp(g, shape: tuple, axes: tuple, keepdims: bool):
    """VJP of a sum over ``axes``  (eq-vjp-sum, chapter 11): every summand gets the gradient of its
    sum, i.e. ȳ broadcast back to the input's shape (the mirror image of eq-vjp-unbroadcast).

    Examples
    --------
    >>> sum_vjp(np.array([1.0, 2.0]), (2, 3), (1,), False)[0]
    array([[1., 1., 1.],
           [2., 2., 2.]])
    """
    g = _upstream(g, tuple(1 if i in axes else s for i, s in enumerate(shape) if keepdims or i not in axes),
                  "sum")
    return (np.broadcast_to(_expand(g, shape, axes, keepdims), shape),)


def _sum(x: Tensor, axis, keepdims) -> Tensor:
    axes = _normalise_axis(axis, x.ndim, "axis")
    y = np.sum(x.value, axis=axes, keepdims=bool(keepdims))
    return Tensor._node(np.asarray(y, dtype=np.float64), (x,), sum_vjp, (x.shape, axes, bool(keepdims)),
                        "sum")


# ============================================================================ log-softmax, cross-entropy
@implements("eq-vjp-log-softmax", chapter=_CHAPTER)
def log_softmax_vjp(g, y, axis: int):
    """VJP of y = log softmax(x) along ``axis``  (eq-vjp-log-softmax, chapter 11):
    x̄ = ȳ − softmax(x) Σ ȳ, with softmax(x) = e^y recovered from the kept output.

    Examples
    --------
    >>> y = np.log(np.array([[0.25, 0.75]]))
    >>> log_softmax_vjp(np.array([[1.0, 0.0]]), y, -1)[0]
    array([[ 0.75, -0.75]])
    """
    g = _upstream(g, np.shape(y), "log_softmax")
    with np.errstate(under="ignore"):
        return (g - np.exp(y) * g.sum(axis=axis, keepdims=True),)


def _log_softmax(x: Tensor, axis: int) -> Tensor:
    if x.ndim == 0:
        raise ValueError("log_softmax: needs at least one axis, got a scalar Tensor")
    (ax,) = _normalise_axis(axis, x.ndim, "axis")
    shifted = x.value - x.value.max(axis=ax, keepdims=True)
    with np.errstate(under="ignore"):
        y = shifted - np.log(np.exp(shifted).sum(axis=ax, keepdims=True))
    return Tensor._node(y, (x,), log_softmax_vjp, (y, ax), "log_softmax")


@implements("eq-vjp-cross-entropy", chapter=_CHAPTER)
def cross_entropy_vjp(g, p, Y):
    """VJP of C = −(1/m) Σ_rows Σ_j y_j log softmax(z)_j with respect to the logits Z
    (eq-vjp-cross-entropy, chapter 11): Z̄ = C̄ (P ⊙ s − Y)/m, s the row sums of Y, which is
    C̄ (P − Y)/m for one-hot or probability rows (chapter 07's fused delta).

    Parameters
    ----------
    g : ndarray, shape ()
    p : ndarray (m, k), softmax(Z) kept by the forward pass
    Y : ndarray (m, k), targets

    Examples
    --------
    >>> cross_entropy_vjp(np.array(1.0), np.array([[0.25, 0.75]]), np.array([[0.0, 1.0]]))
    (array([[ 0.25, -0.25]]),)
    """
    g = _upstream(g, (), "cross_entropy")
    _validate.same_shape(np.asarray(p), "p", np.asarray(Y), "Y")
    return (g * (p * Y.sum(axis=1, keepdims=True) - Y) / Y.shape[0],)


def _cross_entropy(z: Tensor, Y) -> Tensor:
    if z.ndim != 2:
        raise ValueError(f"cross_entropy: logits must be 2-D (m, k), got shape {z.shape}")
    if isinstance(Y, Tensor):
        Y = Y.value
    Y = _as_array(Y, "Y")
    if Y.shape != z.shape:
        raise ValueError(f"Y: expected the logits' shape {z.shape}, got shape {Y.shape}")
    if Y.size and (Y.min() < 0 or Y.max() > 1):
        raise ValueError(f"Y: targets must lie in [0, 1], got values in [{Y.min():.6g}, {Y.max():.6g}]")
    shifted = z.value - z.value.max(axis=1, keepdims=True)
    with np.errstate(under="ignore"):
        e = np.exp(shifted)
    logp = shifted - np.log(e.sum(axis=1, keepdims=True))
    value = np.asarray(-np.sum(Y * logp) / z.shape[0])
    p = e / e.sum(axis=1, keepdims=True)
    return Tensor._node(value, (z,), cross_entropy_vjp, (p, Y), "cross_entropy")

"""What a backward pass keeps from the forward pass, and gradient checkpointing (chapter 11).

Every operation of :mod:`bplib.tensor` keeps, in ``Tensor.saved``, exactly the arrays its VJP
needs.  :func:`saved_bytes` adds up those arrays over a graph, counting an array once however
many operations keep it (the output of one layer's tanh *is* the input the next matmul keeps),
and attributing views to the array that owns the memory.  :func:`layer_memory` does this layer by
layer for an MLP.

:func:`checkpoint` trades that memory for recomputation: a block of operations runs without
building a graph, keeping only its inputs; its VJP re-runs the block with a graph and
backpropagates through it.  Counted with :func:`bplib.record_operations`, the extra cost is one
more forward pass of every checkpointed block.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from ._validate import as_matrix, network, positive_int
from .tensor import Tensor, backpropagate_tensors, no_grad, record_operations
from .tensor_tools import _activate, _HIDDEN

__all__ = ["saved_bytes", "graph_bytes", "layer_memory", "checkpoint", "mlp_cost_checkpointed",
           "checkpoint_costs", "CheckpointCosts", "checkpoint_profile"]


def _owner(a: np.ndarray) -> np.ndarray:
    """The array that owns the memory of ``a`` (a view's base, followed to the end)."""
    while isinstance(a.base, np.ndarray):
        a = a.base
    return a


def _arrays_in(item):
    if isinstance(item, np.ndarray):
        yield item
    elif isinstance(item, Tensor):
        yield item.value
    elif isinstance(item, (tuple, list)):
        for x in item:
            yield from _arrays_in(x)


def _nodes_of(graph) -> list:
    if isinstance(graph, Tensor):
        from .tensor import topological_order
        return topological_order(graph)
    if not isinstance(graph, (list, tuple)) or not all(isinstance(t, Tensor) for t in graph):
        raise TypeError(f"graph: expected a Tensor or a list of Tensors, got {type(graph).__name__}")
    return list(graph)


def _check_layers(Ws, bs) -> None:
    # one weight and one bias Tensor per layer, at least one layer
    for name, ts in (("Ws", Ws), ("bs", bs)):
        if not isinstance(ts, (list, tuple)) or not ts or not all(isinstance(t, Tensor) for t in ts):
            raise TypeError(f"{name}: expected a non-empty list of Tensors, got {type(ts).__name__}")
    if len(Ws) != len(bs):
        raise ValueError(f"Ws, bs: expected one bias per weight matrix, got {len(Ws)} and {len(bs)}")


def saved_bytes(graph, exclude=()) -> int:
    """Bytes of the distinct arrays that the VJPs of ``graph`` keep for the backward pass.

    Parameters
    ----------
    graph : Tensor or sequence of Tensor
        A result (its whole graph is visited) or a list of operation nodes, e.g. from
        :func:`~bplib.record_operations`.
    exclude : sequence of Tensor
        Tensors whose values are not counted (e.g. the parameters, which exist anyway).

    Returns
    -------
    int

    Examples
    --------
    >>> x = Tensor(np.ones((4, 3)))
    >>> saved_bytes(x.tanh().sum())          # tanh keeps its output: 12 floats; sum keeps a shape
    96
    >>> saved_bytes((x + 1.0).sum())         # add keeps only shapes
    0
    """
    skip = {id(_owner(t.value)) for t in exclude}
    seen, total = set(), 0
    for node in _nodes_of(graph):
        for a in _arrays_in(node.saved):
            own = _owner(a)
            if id(own) in seen or id(own) in skip:
                continue
            seen.add(id(own))
            total += own.nbytes
    return total


def graph_bytes(root: Tensor, exclude=()) -> int:
    """Bytes of every distinct array a graph holds: each node's value and what its VJP keeps.

    This engine keeps every intermediate result alive (a node refers to its parents), so that a
    reader can inspect ``Z.value`` and ``Z.grad``; a production engine frees the values no VJP
    needs, and holds only :func:`saved_bytes`.

    Parameters
    ----------
    root : Tensor
    exclude : sequence of Tensor, whose values are not counted

    Returns
    -------
    int

    Examples
    --------
    >>> x = Tensor(np.ones((4, 3)), requires_grad=False)
    >>> w = Tensor(np.ones(3))
    >>> C = ((x + w).tanh()).sum()
    >>> saved_bytes(C), graph_bytes(C, exclude=[x, w])   # tanh keeps its output; add's value is held too
    (96, 200)
    """
    if not isinstance(root, Tensor):
        raise TypeError(f"root: expected a Tensor, got {type(root).__name__}")
    from .tensor import topological_order
    skip = {id(_owner(t.value)) for t in exclude}
    seen, total = set(), 0
    for node in topological_order(root):
        for a in (node.value, *_arrays_in(node.saved)):
            own = _owner(a)
            if id(own) in seen or id(own) in skip:
                continue
            seen.add(id(own))
            total += own.nbytes
    return total


def layer_memory(net_or_params, X, Y, hidden: str | None = None) -> list:
    """Bytes each layer's operations keep for the backward pass of a softmax cross-entropy MLP.

    Each array is counted once, at the first layer whose operations keep it; parameters are not
    counted.  The input X, kept by layer 1's matmul, is counted in layer 1; the softmax
    probabilities and the targets, kept by the loss, are the last entry.

    Parameters
    ----------
    net_or_params : MLP or (Ws, bs) lists of Tensor
    X : ndarray (m, n_0);  Y : ndarray (m, n_L)
    hidden : activation name (taken from the MLP if one is given)

    Returns
    -------
    list of int, one per layer, then one for the loss

    Examples
    --------
    >>> from bplib.tensor_tools import tensor_mlp_params
    >>> Ws, bs = tensor_mlp_params([3, 5, 2], seed=0)
    >>> layer_memory((Ws, bs), np.ones((4, 3)), np.eye(2)[[0, 1, 0, 1]], hidden="tanh")
    [256, 0, 128]
    """
    if isinstance(net_or_params, tuple):
        Ws, bs = net_or_params
        hidden = hidden or "relu"
    else:
        net = network(net_or_params, "net_or_params")
        Ws = [Tensor(W) for W in net.weights]
        bs = [Tensor(b) for b in net.biases]
        hidden = hidden or net.hidden
    _check_layers(Ws, bs)
    if hidden not in _HIDDEN:
        raise ValueError(f"hidden: unknown activation {hidden!r}; valid names are "
                         f"{', '.join(map(repr, _HIDDEN))}")
    X = as_matrix(X, "X", cols=Ws[0].shape[1])
    Y = as_matrix(Y, "Y", rows=X.shape[0], cols=Ws[-1].shape[0])
    params = [*Ws, *bs]
    skip = {id(_owner(p.value)) for p in params}
    seen: set = set()
    out = []

    def count(nodes):
        total = 0
        for node in nodes:
            for a in _arrays_in(node.saved):
                own = _owner(a)
                if id(own) not in seen and id(own) not in skip:
                    seen.add(id(own))
                    total += own.nbytes
        return total

    A = Tensor(X, requires_grad=False)
    L = len(Ws)
    for i, (W, b) in enumerate(zip(Ws, bs)):
        with record_operations() as ops:
            Z = A @ W.T + b
            A = _activate(Z, hidden) if i < L - 1 else Z
        out.append(count(ops))
    with record_operations() as ops:
        A.cross_entropy(Y)
    out.append(count(ops))
    return out


# ---------------------------------------------------------------------------- checkpointing
def _checkpoint_vjp(g, fn, inputs):
    """Recompute ``fn`` on fresh leaves holding the inputs' values, then backpropagate ``g``."""
    fresh = []
    for t in inputs:
        leaf = Tensor.__new__(Tensor)
        leaf.value, leaf.grad, leaf.requires_grad = t.value, None, t.requires_grad
        leaf._parents, leaf._vjp, leaf._saved, leaf.op, leaf.label = (), None, (), "", t.label
        fresh.append(leaf)
    out = fn(*fresh)
    backpropagate_tensors(out, g)
    return tuple(f.grad if f.requires_grad else None for f in fresh)


def checkpoint(fn: Callable, *inputs) -> Tensor:
    """Run ``fn(*inputs)`` keeping only its inputs; recompute it during the backward pass.

    The forward pass runs under :func:`~bplib.no_grad`, so none of the block's intermediate
    arrays is kept; the result is one node whose VJP re-runs ``fn`` with a graph and
    backpropagates the upstream gradient through it.  Gradients are exactly those without
    checkpointing; the price is a second forward pass of the block.

    Parameters
    ----------
    fn : callable
        Maps the input Tensors to one Tensor, using only Tensor operations; it must be a pure
        function of its inputs (parameters are passed as inputs, not captured).
    *inputs : Tensor

    Returns
    -------
    Tensor

    Examples
    --------
    >>> x, W = Tensor(np.ones((2, 3))), Tensor(np.full((3, 3), 0.1))
    >>> y = checkpoint(lambda a, w: (a @ w).tanh() @ w, x, W)
    >>> y.sum().backward()
    >>> W.grad.shape
    (3, 3)
    """
    if not callable(fn):
        raise TypeError(f"fn: expected a callable, got {type(fn).__name__}")
    for i, t in enumerate(inputs):
        if not isinstance(t, Tensor):
            raise TypeError(f"inputs[{i}]: expected a Tensor, got {type(t).__name__}")
    with no_grad():
        out = fn(*inputs)
    if not isinstance(out, Tensor):
        raise TypeError(f"fn: must return a Tensor, got {type(out).__name__}")
    return Tensor._node(out.value, tuple(inputs), _checkpoint_vjp, (fn, tuple(inputs)), "checkpoint")


def _layers(first: int, last: int, hidden: str, L: int):
    def block(A, *params):
        for j, i in enumerate(range(first, last)):
            W, b = params[2 * j], params[2 * j + 1]
            Z = A @ W.T + b
            A = _activate(Z, hidden) if i < L - 1 else Z
        return A
    return block


def mlp_cost_checkpointed(Ws, bs, X, Y, hidden: str = "tanh", every: int | None = None) -> Tensor:
    """Softmax cross-entropy of an MLP, its layers checkpointed in blocks of ``every`` layers.

    ``every=None`` builds the ordinary graph; ``every=k`` wraps layers 1…k, k+1…2k, … each in
    :func:`checkpoint`, so that only the blocks' inputs are kept between the passes.

    Parameters
    ----------
    Ws, bs : lists of Tensor (W^l of shape (n_l, n_{l−1}), b^l of shape (n_l,))
    X : ndarray (m, n_0);  Y : ndarray (m, n_L)
    hidden : activation between layers
    every : int ≥ 1 or None

    Returns
    -------
    Tensor, shape ()

    Examples
    --------
    >>> from bplib.tensor_tools import tensor_mlp_params
    >>> Ws, bs = tensor_mlp_params([3, 4, 4, 2], seed=0)
    >>> X, Y = np.ones((5, 3)), np.eye(2)[[0, 1, 0, 1, 1]]
    >>> float(mlp_cost_checkpointed(Ws, bs, X, Y, every=2).value) == \\
    ...     float(mlp_cost_checkpointed(Ws, bs, X, Y).value)
    True
    """
    _check_layers(Ws, bs)
    if hidden not in _HIDDEN:
        raise ValueError(f"hidden: unknown activation {hidden!r}; valid names are "
                         f"{', '.join(map(repr, _HIDDEN))}")
    X = as_matrix(X, "X", cols=Ws[0].shape[1])
    Y = as_matrix(Y, "Y", rows=X.shape[0], cols=Ws[-1].shape[0])
    L = len(Ws)
    step = L if every is None else positive_int(every, "every")
    A = Tensor(X, requires_grad=False)
    for first in range(0, L, step):
        last = min(first + step, L)
        block = _layers(first, last, hidden, L)
        params = [p for i in range(first, last) for p in (Ws[i], bs[i])]
        A = block(A, *params) if every is None else checkpoint(block, A, *params)
    return A.cross_entropy(Y)


class CheckpointCosts:
    """What :func:`checkpoint_costs` measures for one setting of ``every``.

    Attributes
    ----------
    every : int or None
    kept_bytes : int        arrays kept from the forward pass until the backward pass (no parameters)
    peak_bytes : int        kept_bytes plus the largest block's recomputed arrays during the backward
    forward_ops : int       operations of the forward pass
    recomputed_ops : int    operations re-run during the backward pass
    """

    def __init__(self, every, kept_bytes, peak_bytes, forward_ops, recomputed_ops):
        self.every, self.kept_bytes, self.peak_bytes = every, kept_bytes, peak_bytes
        self.forward_ops, self.recomputed_ops = forward_ops, recomputed_ops

    def __repr__(self) -> str:
        return (f"CheckpointCosts(every={self.every}, kept_bytes={self.kept_bytes}, "
                f"peak_bytes={self.peak_bytes}, forward_ops={self.forward_ops}, "
                f"recomputed_ops={self.recomputed_ops})")


def checkpoint_costs(Ws, bs, X, Y, hidden: str = "tanh", every: int | None = None):
    """Measure kept bytes, peak bytes and forward/recomputed operations of one backward pass.

    Returns
    -------
    CheckpointCosts, and the gradients (dWs, dbs) as lists of ndarray

    Examples
    --------
    >>> from bplib.tensor_tools import tensor_mlp_params
    >>> Ws, bs = tensor_mlp_params([3, 4, 4, 2], seed=0)
    >>> X, Y = np.ones((5, 3)), np.eye(2)[[0, 1, 0, 1, 1]]
    >>> costs, _ = checkpoint_costs(Ws, bs, X, Y, every=1)
    >>> costs.forward_ops, costs.recomputed_ops     # 4 operations per layer, 3 in the last; the loss
    (12, 11)
    """
    params = [*Ws, *bs]
    with record_operations() as fwd:
        cost = mlp_cost_checkpointed(Ws, bs, X, Y, hidden, every)
    kept = saved_bytes(cost, exclude=params)
    forward_ops = sum(1 for n in fwd if n.op != "checkpoint")
    with record_operations() as bwd:
        cost.backward()
    recomputed = len(bwd)
    # the largest block's own graph, alive while that block is backpropagated
    block_bytes = 0
    if every is not None:
        L = len(Ws)
        A = Tensor(X, requires_grad=False)
        for first in range(0, L, every):
            last = min(first + every, L)
            block = _layers(first, last, hidden, L)
            ps = [p for i in range(first, last) for p in (Ws[i], bs[i])]
            out = block(A, *ps)
            inner = saved_bytes(out, exclude=[*params, A])
            block_bytes = max(block_bytes, inner)
            A = Tensor(out.value, requires_grad=out.requires_grad)  # as in the real backward
    grads = ([W.grad for W in Ws], [b.grad for b in bs])
    return CheckpointCosts(every, kept, kept + block_bytes, forward_ops, recomputed), grads


def checkpoint_profile(depth: int, width: int, batch: int, n_in: int = 64, n_out: int = 10,
                       hidden: str = "tanh", seed: int = 0) -> dict:
    """Kept and peak bytes and recomputed operations for every block size of a deep MLP.

    The network has ``depth`` weight layers: n_in → width → … → width → n_out, random weights
    and a random batch (both from ``seed``); :func:`checkpoint_costs` is measured without
    checkpointing and for every block size k = 1 … depth.

    Parameters
    ----------
    depth, width, batch, n_in, n_out : int ≥ 1 (depth ≥ 2)
    hidden : activation between layers
    seed : int

    Returns
    -------
    dict with "every" (ndarray 1 … depth), "kept", "peak", "recomputed" (ndarrays, one entry per
    block size), "plain_kept" and "forward_ops" (ints, without checkpointing)

    Examples
    --------
    >>> prof = checkpoint_profile(depth=4, width=8, batch=2)
    >>> prof["plain_kept"], prof["kept"].tolist()   # X: 1024 bytes, each hidden layer 128, loss 320
    (1728, [1728, 1472, 1472, 1344])
    """
    from .tensor_tools import tensor_mlp_params
    depth = positive_int(depth, "depth")
    if depth < 2:
        raise ValueError(f"depth: need at least 2 weight layers, got {depth}")
    width, batch = positive_int(width, "width"), positive_int(batch, "batch")
    n_in, n_out = positive_int(n_in, "n_in"), positive_int(n_out, "n_out")
    if n_out < 2:
        raise ValueError(f"n_out: a softmax output needs at least 2 units, got {n_out}")
    sizes = [n_in] + [width] * (depth - 1) + [n_out]
    Ws, bs = tensor_mlp_params(sizes, seed)
    rng = np.random.default_rng(seed + 1)
    X = rng.standard_normal((batch, n_in))
    Y = np.eye(n_out)[rng.integers(0, n_out, batch)]
    plain, _ = checkpoint_costs(Ws, bs, X, Y, hidden, None)
    rows = [checkpoint_costs(Ws, bs, X, Y, hidden, k)[0] for k in range(1, depth + 1)]
    return {"every": np.arange(1, depth + 1),
            "kept": np.array([r.kept_bytes for r in rows]),
            "peak": np.array([r.peak_bytes for r in rows]),
            "recomputed": np.array([r.recomputed_ops for r in rows]),
            "plain_kept": plain.kept_bytes, "forward_ops": plain.forward_ops}

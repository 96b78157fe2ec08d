"""Training loops: full-batch, stochastic (one example at a time) and mini-batch gradient descent.

- :func:`minibatch_step`: one update θ ← θ − η ∇C_B on a batch B  (eq-minibatch-update, chapter 06).
- :func:`minibatches`, :func:`updates_per_epoch`: how an epoch is cut into batches.
- :func:`train`: the loop over epochs, with per-epoch shuffling from a seeded generator, a
  :class:`History` of the cost, and a clean :class:`TrainingDiverged` instead of a stream of NaNs.
- :func:`training_run`: :func:`train` on a copy of a network, reporting divergence instead of
  raising it (what the chapter 06 widget calls).
- :func:`train_many`, :func:`train_seeds`: full-batch training of many independent networks at
  once (one block-diagonal network), for success rates over many seeds (chapter 04).
- :func:`gradient_norm`, :func:`batch_gradient_spread`, :func:`largest_stable_lr`
  (eq-gd-stability-limit): measurements used by chapters 04 and 06.
- :func:`check_update_count`: exercise check of chapter 06.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from ._validate import (CountTypeError, as_matrix, callable_, generator, network, positive_int,
                        positive_number)
from ._validate import seed as _check_seed
from .registry import implements

__all__ = ["History", "TrainingDiverged", "train", "minibatches", "updates_per_epoch", "minibatch_step",
           "TrainingRun", "training_run", "format_cost", "train_many", "SeedTrials", "train_seeds", "gradient_norm",
           "batch_gradient_spread", "largest_stable_lr", "check_largest_stable_lr", "check_update_count"]

#: a cost above this multiple of the initial cost counts as divergence.
EXPLOSION_FACTOR = 1e6


class TrainingDiverged(ArithmeticError):
    """Raised when the cost becomes non-finite or explodes; ``.history`` holds what was recorded."""

    def __init__(self, message: str, history: "History"):
        super().__init__(message)
        self.history = history


@dataclass
class History:
    """What :func:`train` records: one entry per epoch (index 0 is before training).

    Attributes
    ----------
    epochs : list of int          0, 1, …
    loss : list of float          cost on the whole training set after each epoch
    examples_seen : list of int   cumulative number of examples used for updates
    metrics : dict of name -> list of float, from the ``track`` callables
    updates : list of int         cumulative number of parameter updates (steps)
    """

    epochs: list = field(default_factory=list)
    loss: list = field(default_factory=list)
    examples_seen: list = field(default_factory=list)
    metrics: dict = field(default_factory=dict)
    updates: list = field(default_factory=list)

    def _record(self, epoch, loss, seen, net, track, updates=0):
        self.epochs.append(epoch)
        self.loss.append(loss)
        self.examples_seen.append(seen)
        self.updates.append(updates)
        for name, fn in track.items():
            self.metrics.setdefault(name, []).append(float(fn(net)))


def minibatches(m: int, batch_size: int, rng: np.random.Generator | None):
    """Index arrays covering 0 … m−1 once, in order (rng None) or shuffled by ``rng``.

    Parameters
    ----------
    m : int               number of examples
    batch_size : int ≥ 1  the last batch is smaller when batch_size does not divide m
    rng : numpy Generator or None
        Draws one permutation per call: called once per epoch, it reshuffles every epoch.

    Returns
    -------
    list of ndarray of int, ⌈m / batch_size⌉ index arrays

    Examples
    --------
    >>> [b.tolist() for b in minibatches(5, 2, None)]
    [[0, 1], [2, 3], [4]]
    """
    m, batch_size = positive_int(m, "m"), positive_int(batch_size, "batch_size")
    rng = generator(rng, "rng")
    order = np.arange(m) if rng is None else rng.permutation(m)
    return [order[i:i + batch_size] for i in range(0, m, batch_size)]


def updates_per_epoch(m: int, batch_size: int | None) -> int:
    """Number of parameter updates in one epoch over m examples: ⌈m / batch_size⌉ (1 for full batch).

    Examples
    --------
    >>> updates_per_epoch(200, None), updates_per_epoch(200, 1), updates_per_epoch(200, 32)
    (1, 200, 7)
    """
    m = positive_int(m, "m")
    if batch_size is None:
        return 1
    batch_size = positive_int(batch_size, "batch_size")
    return math.ceil(m / min(batch_size, m))


def _step(net, Xb, Yb, lr):
    # the update of eq-minibatch-update without argument checks (train checks once, up front)
    Zs, As = net._forward(Xb)
    dWs, dbs = net.backward(Zs, As, Yb)
    net._apply_update(dWs, dbs, lr)


@implements("eq-minibatch-update", chapter="06_training_loops")
def minibatch_step(net, X_batch, Y_batch, lr: float) -> None:
    """One gradient-descent update on a batch, θ ← θ − η ∇_θ C_B  (eq-minibatch-update, chapter 06).

    ``C_B = (1/|B|) Σ_{x ∈ B} C_x`` is the mean cost of the batch, so ∇C_B is the mean of the
    per-example gradients.  A batch of one example is a stochastic step, the whole training set
    a full-batch step.  The network is updated in place.

    Parameters
    ----------
    net : MLP
    X_batch : ndarray, shape (b, n_0)
    Y_batch : ndarray, shape (b, n_L)
    lr : float, > 0

    Examples
    --------
    >>> from bplib import MLP, xor
    >>> net = MLP([2, 3, 1], seed=0)
    >>> X, Y = xor()
    >>> before = net.loss(X[:2], Y[:2])
    >>> minibatch_step(net, X[:2], Y[:2], lr=0.5)
    >>> net.loss(X[:2], Y[:2]) < before
    True
    """
    net = network(net, "net")
    lr = positive_number(lr, "lr")
    dWs, dbs = net.gradients(X_batch, Y_batch)
    net.update(dWs, dbs, lr)


def train(net, X, Y, lr: float, epochs: int, batch_size: int | None = None, seed: int | None = 0,
          shuffle: bool = True, track: dict[str, Callable] | None = None) -> History:
    """Train ``net`` in place by gradient descent and return its :class:`History`.

    Every epoch cuts the training set into batches (:func:`minibatches`, reshuffled each epoch
    by one generator ``np.random.default_rng(seed)``) and makes one :func:`minibatch_step` per
    batch; then it records the cost on the whole training set.

    Parameters
    ----------
    net : MLP
    X : ndarray, shape (m, n_0)
    Y : ndarray, shape (m, n_L)
    lr : float, > 0
        Learning rate η in W ← W − η ∂C/∂W.
    epochs : int, ≥ 1
    batch_size : int or None
        None: full batch (one update per epoch); 1: stochastic; otherwise mini-batches.
    seed : int or None
        Seed of the generator that shuffles the examples every epoch.
    shuffle : bool
        Shuffle the order of examples every epoch (ignored for full batch).  False visits the
        examples in their stored order, as the two-neuron tutorial's loop does.
    track : dict name -> callable(net) -> float, optional
        Extra quantities recorded after every epoch (e.g. accuracy).

    Returns
    -------
    History

    Raises
    ------
    TrainingDiverged
        If the cost becomes NaN/inf or exceeds 1e6 × its initial value; the message names the
        epoch, the learning rate and the batch size.  No overflow warnings are emitted on the way.

    Examples
    --------
    >>> from bplib import MLP, xor
    >>> X, Y = xor()
    >>> history = train(MLP([2, 3, 1], init="standard", seed=0), X, Y, lr=0.5, epochs=10, batch_size=1)
    >>> history.examples_seen[-1], history.updates[-1]
    (40, 40)
    """
    net = network(net, "net")
    lr = positive_number(lr, "lr")
    epochs = positive_int(epochs, "epochs")
    seed = _check_seed(seed, "seed")
    if not isinstance(shuffle, (bool, np.bool_)):
        raise TypeError(f"shuffle: expected True or False, got {shuffle!r}")
    if track is not None and not isinstance(track, dict):
        raise TypeError(f"track: expected a dict of name -> callable(net), got {type(track).__name__}")
    for name, fn in (track or {}).items():
        callable_(fn, f"track[{name!r}]")
    X = net._check_X(X)
    Y = net._check_Y(Y, X.shape[0])
    m = X.shape[0]
    if batch_size is None:
        batch_size = m
    if isinstance(batch_size, (bool, np.bool_)) or not isinstance(batch_size, (int, np.integer)):
        raise CountTypeError(f"batch_size: must be an integer ≥ 1 or None, got {batch_size!r}")
    if batch_size < 1:
        raise ValueError(f"batch_size: must be an integer ≥ 1 or None, got {batch_size!r}")
    batch_size = min(int(batch_size), m)
    rng = np.random.default_rng(seed) if (shuffle and batch_size < m) else None
    track = dict(track or {})
    history = History()
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        start = net.loss(X, Y)
        history._record(0, start, 0, net, track, 0)
        seen = updates = 0
        for epoch in range(1, int(epochs) + 1):
            failure = None
            try:
                for idx in minibatches(m, batch_size, rng):
                    Xb, Yb = (X, Y) if batch_size == m else (X[idx], Y[idx])
                    _step(net, Xb, Yb, lr)
                    seen += len(idx)
                    updates += 1
            except ValueError as exc:
                # inputs were checked up front: a ValueError here means the outputs stopped being
                # finite in the middle of an epoch (the loss functions reject inf and NaN), with
                # non-finite parameters or by overflow from finite ones; the cost reports it below
                failure = exc
            cost = _safe_loss(net, X, Y)
            if not np.isfinite(cost) or cost > EXPLOSION_FACTOR * max(start, 1e-12):
                history._record(epoch, cost, seen, net, {}, updates)
                size = "full batch" if batch_size == m else f"batch size {batch_size}"
                raise TrainingDiverged(
                    f"training diverged at epoch {epoch} with learning rate lr={lr:g} ({size}): the cost "
                    f"went from {start:.4g} to {cost:.4g}; try a smaller lr", history)
            if failure is not None:  # not expected: the failing batch makes the cost non-finite
                raise failure
            history._record(epoch, cost, seen, net, track, updates)
    return history


def _finite_parameters(net) -> bool:
    return all(np.isfinite(W).all() for W in net.weights) and all(np.isfinite(b).all() for b in net.biases)


def _safe_loss(net, X, Y) -> float:
    if not _finite_parameters(net):
        return float("nan")
    try:
        return float(net.loss(X, Y))
    except ValueError:  # non-finite values inside the cost
        return float("nan")


# ---------------------------------------------------------------------------- one run, reported
@dataclass(frozen=True)
class TrainingRun:
    """The outcome of :func:`training_run`.

    Attributes
    ----------
    net : MLP            the trained copy (as far as training got)
    history : History    recorded cost; ends at the diverging epoch if training diverged
    diverged : bool
    message : str        a one-line summary, or the :class:`TrainingDiverged` message
    """

    net: object
    history: History
    diverged: bool
    message: str


def training_run(net, X, Y, lr: float, epochs: int, batch_size: int | None = None, seed: int | None = 0,
                 shuffle: bool = True) -> TrainingRun:
    """Train a copy of ``net`` with :func:`train`; report divergence instead of raising it.

    ``net`` itself is not modified.  Arguments as for :func:`train`.

    Returns
    -------
    TrainingRun

    Examples
    --------
    >>> from bplib import MLP, xor
    >>> X, Y = xor()
    >>> run = training_run(MLP([2, 3, 1], seed=0), X, Y, lr=0.5, epochs=5)
    >>> run.diverged, len(run.history.loss)
    (False, 6)
    """
    copy = network(net, "net").copy()
    try:
        history = train(copy, X, Y, lr=lr, epochs=epochs, batch_size=batch_size, seed=seed, shuffle=shuffle)
    except TrainingDiverged as exc:
        return TrainingRun(copy, exc.history, True, str(exc))
    message = (f"{history.epochs[-1]} epochs, {history.updates[-1]} updates: cost {format_cost(history.loss[0])} "
               f"→ {format_cost(history.loss[-1])}")
    return TrainingRun(copy, history, False, message)


def format_cost(cost: float) -> str:
    """A cost as text for printing: 4 significant digits, or the bound ``"< 1e-12"`` below 1e-12.

    Costs that small are rounding noise whose digits change from one machine to another.

    Examples
    --------
    >>> format_cost(0.012345), format_cost(3e-19)
    ('0.01235', '< 1e-12')
    """
    cost = float(cost)
    return "< 1e-12" if 0 <= cost < 1e-12 else f"{cost:.4g}"


# ---------------------------------------------------------------------------- many networks at once
_SEPARABLE_LOSSES = ("mse", "binary_cross_entropy")


def _check_same_architecture(nets) -> None:
    if not isinstance(nets, (list, tuple)) or not nets:
        raise TypeError(f"nets: expected a non-empty list of MLPs, got {type(nets).__name__}")
    first = nets[0]
    for i, net in enumerate(nets):
        if not hasattr(net, "weights") or not hasattr(net, "sizes"):
            raise TypeError(f"nets[{i}]: expected a bplib.MLP, got {type(net).__name__}")
        same = (net.sizes, net.hidden, net.output, net.loss_name, net.dtype) == \
               (first.sizes, first.hidden, first.output, first.loss_name, first.dtype)
        if not same:
            raise ValueError(f"nets[{i}]: every network must have the architecture of nets[0] "
                             f"({first!r}), got {net!r}")
    if first.loss_name not in _SEPARABLE_LOSSES or first.output == "softmax":
        raise ValueError(f"nets: train_many needs a loss that is a sum over output units "
                         f"({', '.join(map(repr, _SEPARABLE_LOSSES))}) and an elementwise output, got "
                         f"loss={first.loss_name!r}, output={first.output!r}")
    if any(net.l2 for net in nets):
        raise ValueError("nets: train_many does not support an L2 penalty (use l2=0)")


def _block_diagonal(blocks):
    rows = sum(B.shape[0] for B in blocks)
    cols = sum(B.shape[1] for B in blocks)
    out = np.zeros((rows, cols), dtype=blocks[0].dtype)
    r = c = 0
    for B in blocks:
        out[r:r + B.shape[0], c:c + B.shape[1]] = B
        r, c = r + B.shape[0], c + B.shape[1]
    return out


def _per_net_cost(net, Z, A, Y, k):
    """Cost of each of the k side-by-side networks from the stacked logits/outputs."""
    m = Y.shape[0]
    if net.loss_name == "mse":
        per_entry = 0.5 * (A - Y) ** 2
    else:  # binary cross-entropy from the logits, as MLP.loss computes it
        per_entry = np.maximum(Z, 0) - Z * Y + np.log1p(np.exp(-np.abs(Z)))
    return per_entry.reshape(m, k, -1).sum(axis=(0, 2)) / m


def train_many(nets, X, Y, lr: float, epochs: int) -> np.ndarray:
    """Full-batch gradient descent on k independent networks at once; each is updated in place.

    The k networks (same architecture) are placed side by side as one network whose weight
    matrices are block diagonal, fed k copies of the input.  Because the cost is a sum over
    output units, the big network's cost is the sum of the k costs and each block of its gradient
    (computed by :meth:`bplib.MLP.backward`, eq-bp1 … eq-bp4) is exactly the gradient of its own
    network; the off-diagonal blocks are kept at zero.  The result is the same as k calls of
    :func:`train` with ``batch_size=None`` (to rounding), in about the time of one.

    Parameters
    ----------
    nets : list of MLP
        Same sizes, activations and loss ("mse" or "binary_cross_entropy"), l2 = 0.
    X : ndarray, shape (m, n_0)
    Y : ndarray, shape (m, n_L)
    lr : float, > 0
    epochs : int, ≥ 1

    Returns
    -------
    ndarray, shape (k, epochs + 1)
        The cost of each network before training and after every epoch.

    Raises
    ------
    TrainingDiverged
        If a cost becomes non-finite (possible only with an unbounded output activation).

    Examples
    --------
    >>> from bplib import MLP, xor
    >>> X, Y = xor()
    >>> costs = train_many([MLP([2, 3, 1], seed=s) for s in range(5)], X, Y, lr=0.5, epochs=100)
    >>> costs.shape
    (5, 101)
    """
    _check_same_architecture(nets)
    lr = positive_number(lr, "lr")
    epochs = positive_int(epochs, "epochs")
    first = nets[0]
    X = first._check_X(X)
    Y = first._check_Y(Y, X.shape[0])
    k = len(nets)
    big = first.copy()
    big.sizes = [n * k for n in first.sizes]
    big.weights = [_block_diagonal([net.weights[i] for net in nets]) for i in range(first.n_layers)]
    big.biases = [np.concatenate([net.biases[i] for net in nets]) for i in range(first.n_layers)]
    masks = [_block_diagonal([np.ones_like(net.weights[i]) for net in nets]) for i in range(first.n_layers)]
    Xk, Yk = np.tile(X, k), np.tile(Y, k)
    costs = np.empty((k, epochs + 1))
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        for epoch in range(epochs + 1):
            Zs, As = big._forward(Xk)
            costs[:, epoch] = _per_net_cost(first, Zs[-1], As[-1], Yk, k)
            if not np.isfinite(costs[:, epoch]).all():
                bad = int(np.argmin(np.isfinite(costs[:, epoch])))
                raise TrainingDiverged(f"training diverged at epoch {epoch} with learning rate lr={lr:g} "
                                       f"(full batch): the cost of network {bad} is not finite", History())
            if epoch == epochs:
                break
            dWs, dbs = big.backward(Zs, As, Yk)
            big.update([dW * M for dW, M in zip(dWs, masks)], dbs, lr)
    for s, net in enumerate(nets):
        for i in range(first.n_layers):
            n_out, n_in = first.weights[i].shape
            net.weights[i][...] = big.weights[i][s * n_out:(s + 1) * n_out, s * n_in:(s + 1) * n_in]
            net.biases[i][...] = big.biases[i][s * n_out:(s + 1) * n_out]
    return costs


@dataclass(frozen=True)
class SeedTrials:
    """Full-batch training of one setting from several random initialisations (:func:`train_seeds`).

    Attributes
    ----------
    seeds : tuple of int
    init, lr, epochs, loss : the setting
    costs : ndarray, shape (k, epochs + 1)       cost of each run per epoch
    outputs : ndarray, shape (k, m, n_L)         final outputs of each run on X
    targets : ndarray, shape (m, n_L)
    start_gradient_norms, end_gradient_norms : ndarray, shape (k,)   ‖∇C‖ before and after
    nets : tuple of MLP                          the trained networks
    """

    seeds: tuple
    init: object
    lr: float
    epochs: int
    loss: str
    costs: np.ndarray
    outputs: np.ndarray
    targets: np.ndarray
    start_gradient_norms: np.ndarray
    end_gradient_norms: np.ndarray
    nets: tuple = ()

    @property
    def right_side(self) -> np.ndarray:
        """Per run: every output on the same side of 0.5 as its 0/1 target (shape (k,))."""
        return np.all((self.outputs > 0.5) == (self.targets > 0.5), axis=(1, 2))

    def within(self, tol: float = 0.1) -> np.ndarray:
        """Per run: every output within ``tol`` of its target (shape (k,))."""
        return np.all(np.abs(self.outputs - self.targets) < tol, axis=(1, 2))

    def first_epoch_below(self, threshold: float) -> np.ndarray:
        """Per run: the first epoch whose cost is below ``threshold``, or −1 if none (shape (k,))."""
        below = self.costs < threshold
        return np.where(below.any(axis=1), below.argmax(axis=1), -1)

    def summary(self, tol: float = 0.1) -> str:
        """One line: how many runs put every output on the right side of 0.5 / within ``tol``."""
        k = len(self.seeds)
        return (f"init={self.init}, lr={self.lr:g}, {self.epochs} epochs, loss={self.loss}: "
                f"right side of 0.5 in {int(self.right_side.sum())}/{k} runs, "
                f"within {tol:g} in {int(self.within(tol).sum())}/{k}")


def train_seeds(X, Y, sizes: Sequence[int], init, lr: float, epochs: int, seeds=range(20),
                hidden: str = "sigmoid", output: str = "sigmoid", loss: str = "mse") -> SeedTrials:
    """Train ``MLP(sizes, init=init, seed=s)`` full-batch for every seed s (with :func:`train_many`).

    Parameters
    ----------
    X : ndarray, shape (m, n_0)
    Y : ndarray, shape (m, n_L)
    sizes : sequence of int
    init : str or float      as for :class:`bplib.MLP` ("standard" is N(0, 1); 0.1 is N(0, 0.1²))
    lr : float, > 0
    epochs : int, ≥ 1
    seeds : iterable of int
    hidden, output, loss : str   as for :class:`bplib.MLP` (loss "mse" or "binary_cross_entropy")

    Returns
    -------
    SeedTrials

    Examples
    --------
    >>> from bplib import xor
    >>> X, Y = xor()
    >>> trials = train_seeds(X, Y, [2, 3, 1], init="standard", lr=0.5, epochs=50, seeds=range(3))
    >>> trials.outputs.shape
    (3, 4, 1)
    """
    from .mlp import MLP

    seeds = tuple(int(s) for s in seeds)
    if not seeds:
        raise ValueError("seeds: need at least one seed")
    nets = [MLP(sizes, hidden=hidden, output=output, loss=loss, init=init, seed=s) for s in seeds]
    X = nets[0]._check_X(X)
    Y = nets[0]._check_Y(Y, X.shape[0])
    start = np.array([gradient_norm(net, X, Y) for net in nets])
    costs = train_many(nets, X, Y, lr, epochs)
    outputs = np.stack([net.forward(X) for net in nets])
    end = np.array([gradient_norm(net, X, Y) for net in nets])
    return SeedTrials(seeds, init, float(lr), int(epochs), loss, costs, outputs, Y.copy(), start, end, tuple(nets))


# ---------------------------------------------------------------------------- measurements
def gradient_norm(net, X, Y) -> float:
    """Euclidean norm of the whole gradient, ‖∇C‖ = sqrt(Σ_l ‖∂C/∂W^l‖² + ‖∂C/∂b^l‖²).

    Parameters
    ----------
    net : MLP
    X : ndarray, shape (m, n_0)
    Y : ndarray, shape (m, n_L)

    Examples
    --------
    >>> from bplib import MLP, xor
    >>> X, Y = xor()
    >>> gradient_norm(MLP([2, 3, 1], seed=0), X, Y) > 0
    True
    """
    return float(np.linalg.norm(network(net, "net").flat_gradients(X, Y)))


def batch_gradient_spread(net, X, Y, batch_sizes, epochs: int = 20, seed: int = 0) -> np.ndarray:
    """How far mini-batch gradients stray from the full-batch gradient, per batch size.

    For each batch size b, the examples are shuffled ``epochs`` times and cut into batches of b;
    the result is the root mean square over all batches of ‖∇C_B − ∇C‖ / ‖∇C‖.  (Batches
    smaller than b at the end of an epoch are left out.)

    Parameters
    ----------
    net : MLP
    X : ndarray, shape (m, n_0)
    Y : ndarray, shape (m, n_L)
    batch_sizes : sequence of int, each in 1 … m
    epochs : int, ≥ 1
    seed : int

    Returns
    -------
    ndarray, shape (len(batch_sizes),)

    Examples
    --------
    >>> from bplib import MLP, xor
    >>> X, Y = xor()
    >>> spread = batch_gradient_spread(MLP([2, 3, 1], seed=0), X, Y, [1, 4])
    >>> bool(spread[0] > 0.5), bool(spread[1] < 1e-12)
    (True, True)
    """
    net = network(net, "net")
    seed = _check_seed(seed, "seed")
    X = net._check_X(X)
    Y = net._check_Y(Y, X.shape[0])
    m = X.shape[0]
    sizes = [positive_int(b, "batch_sizes") for b in batch_sizes]
    if any(b > m for b in sizes):
        raise ValueError(f"batch_sizes: every batch size must lie in 1 … m = {m}, got {list(batch_sizes)}")
    epochs = positive_int(epochs, "epochs")
    full = net.flat_gradients(X, Y)
    norm = np.linalg.norm(full)
    rng = np.random.default_rng(seed)
    spread = []
    for b in sizes:
        squares = []
        for _ in range(epochs):
            for idx in minibatches(m, b, rng):
                if len(idx) == b:
                    squares.append((np.linalg.norm(net.flat_gradients(X[idx], Y[idx]) - full) / norm) ** 2)
        spread.append(math.sqrt(float(np.mean(squares))))
    return np.array(spread)


@implements("eq-gd-stability-limit", chapter="06_training_loops")
def largest_stable_lr(X) -> float:
    """Largest stable full-batch learning rate of a linear neuron with squared error, 2/λ_max(H)  (eq-gd-stability-limit, chapter 06).

    For a(x) = w·x + b and C = (1/2m) Σ (a − y)², the cost is quadratic with Hessian
    H = (1/m) X̃ᵀ X̃, where X̃ is X with a column of ones appended.  Full-batch gradient descent
    converges for every start when η < 2/λ_max(H) and diverges from almost every start when
    η > 2/λ_max(H).

    Parameters
    ----------
    X : ndarray, shape (m, n_0)

    Returns
    -------
    float

    Examples
    --------
    >>> round(largest_stable_lr(np.array([[0.0], [1.0], [2.0]])), 6)
    0.837722
    """
    return float(2.0 / np.linalg.eigvalsh(_linear_neuron_hessian(X))[-1])


def _linear_neuron_hessian(X) -> np.ndarray:
    # H = (1/m) X̃ᵀ X̃ of C = (1/2m) Σ (w·x + b − y)², with X̃ = X and a column of ones for b
    X = as_matrix(X, "X", dtype=np.float64)
    Xt = np.hstack([X, np.ones((X.shape[0], 1))])
    return Xt.T @ Xt / X.shape[0]


def check_largest_stable_lr(answer, X, rtol: float = 0.01):
    """Tell the reader whether ``answer`` is 2/λ_max(H) for a linear neuron on inputs X (chapter 06).

    Parameters
    ----------
    answer : float
    X : ndarray, shape (m, n_0)   the inputs (a column of ones for the bias is added here)
    rtol : float                  allowed relative error (1 % by default)

    Returns
    -------
    CheckResult

    Examples
    --------
    >>> check_largest_stable_lr(0.8377, np.array([[0.0], [1.0], [2.0]])).ok
    True
    """
    from .metrics import CheckResult  # metrics imports this module: import lazily

    expected = largest_stable_lr(X)
    try:
        value = positive_number(answer, "answer")
    except (TypeError, ValueError) as exc:
        return CheckResult(False, f"Not yet: {exc}.")
    if abs(value - expected) <= rtol * expected:
        return CheckResult(True, f"Right: full-batch gradient descent is stable for η < {expected:.4g}.")
    smallest = float(2.0 / np.linalg.eigvalsh(_linear_neuron_hessian(X))[0])
    if abs(value - smallest) <= rtol * smallest:
        return CheckResult(False, "Not yet: that is 2/λ_min. The step must be stable along every "
                                  "eigenvector, so the largest eigenvalue sets the limit.")
    if abs(value - expected / 2) <= rtol * expected / 2:
        return CheckResult(False, "Not yet: that is 1/λ_max. The error along an eigenvector is multiplied "
                                  "by 1 − ηλ per step; it grows once |1 − ηλ| > 1, i.e. η > 2/λ.")
    X = as_matrix(X, "X")
    m = X.shape[0]
    if m > 1 and abs(value - expected / m) <= rtol * expected / m:
        return CheckResult(False, f"Not yet: that is 2/λ_max of X̃ᵀX̃, the sum over the {m} examples; the "
                                  "cost is their mean, so H = (1/m) X̃ᵀX̃: divide by m.")
    no_bias = 2.0 / float(np.max(np.linalg.eigvalsh(X.T @ X / m)))
    if abs(value - no_bias) <= rtol * no_bias:
        return CheckResult(False, "Not yet: that leaves out the bias. Extend each input by a 1, "
                                  "x̃ = (x, 1), so H has a row and a column for b as well.")
    return CheckResult(False, f"Not yet: {value:.4g} is not 2/λ_max of H = (1/m) X̃ᵀX̃ "
                              f"(X̃ is X with a column of ones).")


def check_update_count(answer, m: int, batch_size: int | None, epochs: int):
    """Tell the reader whether ``answer`` is the number of updates of ``epochs`` epochs.

    Parameters
    ----------
    answer : int
    m : int               training-set size
    batch_size : int or None (full batch)
    epochs : int

    Returns
    -------
    CheckResult

    Examples
    --------
    >>> check_update_count(350, 200, 32, 50).ok
    True
    """
    from .metrics import CheckResult  # metrics imports this module: import lazily

    per_epoch = updates_per_epoch(m, batch_size)
    epochs = positive_int(epochs, "epochs")
    expected = per_epoch * epochs
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return CheckResult(False, f"Not yet: expected a whole number, got {answer!r}.")
    if value == expected:
        return CheckResult(True, f"Right: {per_epoch} update(s) per epoch × {epochs} epochs = {expected}.")
    hint = ""
    if batch_size is not None and value == epochs * (m // batch_size):
        hint = " Don't forget the last, smaller batch of each epoch."
    elif value == epochs * m:
        hint = " That is the number of examples seen, not the number of updates."
    return CheckResult(False, f"Not yet: {answer} is not the number of updates.{hint}")

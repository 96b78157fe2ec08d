"""Training loops: full-batch, stochastic (one example at a time) and mini-batch gradient descent."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ._validate import positive_number

__all__ = ["History", "TrainingDiverged", "train", "minibatches"]

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
    """

    epochs: list = field(default_factory=list)
    loss: list = field(default_factory=list)
    examples_seen: list = field(default_factory=list)
    metrics: dict = field(default_factory=dict)

    def _record(self, epoch, loss, seen, net, track):
        self.epochs.append(epoch)
        self.loss.append(loss)
        self.examples_seen.append(seen)
        for name, fn in track.items():
            self.metrics.setdefault(name, []).append(float(fn(net)))


def minibatches(m: int, batch_size: int, rng: np.random.Generator | None):
    """Index arrays covering 0 … m−1 once, in order (rng None) or shuffled by ``rng``."""
    order = np.arange(m) if rng is None else rng.permutation(m)
    return [order[i:i + batch_size] for i in range(0, m, batch_size)]


def train(net, X, Y, lr: float, epochs: int, batch_size: int | None = None, seed: int | None = 0,
          shuffle: bool = True, track: dict[str, Callable] | None = None) -> History:
    """Train ``net`` in place by gradient descent and return its :class:`History`.

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
        Shuffle the order of examples every epoch (ignored for full batch).
    track : dict name -> callable(net) -> float, optional
        Extra quantities recorded after every epoch (e.g. accuracy).

    Raises
    ------
    TrainingDiverged
        If the cost becomes NaN/inf or exceeds 1e6 × its initial value; the message names the
        epoch and the learning rate.  No overflow warnings are emitted on the way.
    """
    lr = positive_number(lr, "lr")
    if int(epochs) != epochs or epochs < 1:
        raise ValueError(f"epochs: must be a positive integer, got {epochs!r}")
    X = net._check_X(X)
    Y = net._check_Y(Y, X.shape[0])
    m = X.shape[0]
    if batch_size is None:
        batch_size = m
    if isinstance(batch_size, bool) or int(batch_size) != batch_size or not 1 <= batch_size:
        raise ValueError(f"batch_size: must be an integer ≥ 1 or None, got {batch_size!r}")
    batch_size = min(int(batch_size), m)
    rng = np.random.default_rng(seed) if (shuffle and batch_size < m) else None
    track = dict(track or {})
    history = History()
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        start = net.loss(X, Y)
        history._record(0, start, 0, net, track)
        seen = 0
        for epoch in range(1, int(epochs) + 1):
            for idx in minibatches(m, batch_size, rng):
                Xb, Yb = (X, Y) if batch_size == m else (X[idx], Y[idx])
                Zs, As = net._forward(Xb)
                dWs, dbs = net.backward(Zs, As, Yb)
                net.update(dWs, dbs, lr)
                seen += len(idx)
            cost = _safe_loss(net, X, Y)
            if not np.isfinite(cost) or cost > EXPLOSION_FACTOR * max(start, 1e-12):
                history._record(epoch, cost, seen, net, {})
                raise TrainingDiverged(
                    f"training diverged at epoch {epoch} with learning rate lr={lr:g}: the cost went from "
                    f"{start:.4g} to {cost:.4g}; try a smaller lr", history)
            history._record(epoch, cost, seen, net, track)
    return history


def _safe_loss(net, X, Y) -> float:
    if not all(np.isfinite(W).all() for W in net.weights):
        return float("nan")
    try:
        return float(net.loss(X, Y))
    except ValueError:  # non-finite values inside the cost
        return float("nan")

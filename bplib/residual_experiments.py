"""The experiments of chapter 14: deep plain and residual networks on the digits, over seeds.

- :func:`residual_gradient_profile`: ‖∂C/∂W^l‖ for every layer of a freshly initialised
  :class:`bplib.ResidualMLP` (what the chapter's widget draws).
- :func:`depth_comparison`: train the same architecture plain, residual and normalised from the
  same initial weights, over several seeds; record costs and held-out accuracies.
- :func:`check_bn_sum_answer`: the exercise check of chapter 14.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validate import as_matrix, positive_int

from .residual import ResidualMLP

__all__ = ["residual_gradient_profile", "DepthResult", "depth_comparison", "VARIANTS"]

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

"""Figures for chapter 15 (attention).

Each function draws on a given or new Axes, labels its axes and returns the Axes (or Figure);
none calls ``plt.show()``.  The numbers come from :mod:`bplib.attention` and :mod:`bplib.retrieval`.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ._common import axes_or_new

__all__ = ["plot_attention_map", "plot_attention_maps", "plot_saturation", "plot_retrieval_training",
           "plot_attention_bars"]


def _matrix(P, name):
    P = np.asarray(P, dtype=float)
    if P.ndim != 2:
        raise ValueError(f"{name}: expected a 2-D array of shape (T_q, T_k), got shape {P.shape}")
    return P


def plot_attention_map(P, query_labels=None, key_labels=None, ax=None, title=None, annotate=True,
                       mask=None):
    """Attention weights of one example as a grid: a row per query, a column per key.

    Parameters
    ----------
    P : ndarray, shape (T_q, T_k)   weights, each row summing to 1
    query_labels, key_labels : sequences of str, optional   tick labels
    mask : ndarray of bool, shape (T_q, T_k), optional   masked cells are hatched
    annotate : bool   print each weight (two decimals) in its cell

    Returns
    -------
    matplotlib Axes
    """
    P = _matrix(P, "P")
    T_q, T_k = P.shape
    ax = axes_or_new(ax, (0.5 * T_k + 2.0, 0.5 * T_q + 1.5))
    im = ax.imshow(P, cmap="Blues", vmin=0.0, vmax=1.0, aspect="auto")
    if mask is not None:
        for i, j in zip(*np.nonzero(~np.asarray(mask, dtype=bool))):
            ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, hatch="///",
                                       edgecolor="0.6", linewidth=0))
    if annotate:
        for i in range(T_q):
            for j in range(T_k):
                ax.text(j, i, f"{P[i, j]:.2f}", ha="center", va="center", fontsize=7,
                        color="white" if P[i, j] > 0.6 else "black")
    ax.set_xticks(range(T_k))
    ax.set_yticks(range(T_q))
    if key_labels is not None:
        ax.set_xticklabels(key_labels)
    if query_labels is not None:
        ax.set_yticklabels(query_labels)
    ax.set_xlabel("key")
    ax.set_ylabel("query")
    if title:
        ax.set_title(title, fontsize=10)
    plt.colorbar(im, ax=ax, fraction=0.046, pad=0.04, label="attention weight")
    return ax


def plot_attention_maps(weights, task, indices, key_symbols, titles=None):
    """Attention maps of several retrieval examples side by side.

    Key columns are labelled ``key:value`` (e.g. ``C:7``), query rows ``query→target``.

    Parameters
    ----------
    weights : ndarray, shape (m, T_q, T_k)   the model's attention weights on ``task``
    task : RetrievalTask
    indices : sequence of int   which examples to draw
    key_symbols : str   names of the key symbols

    Returns
    -------
    matplotlib Figure
    """
    weights = np.asarray(weights, dtype=float)
    if weights.ndim != 3:
        raise ValueError(f"weights: expected shape (m, T_q, T_k), got shape {weights.shape}")
    fig, axes = plt.subplots(1, len(indices), figsize=(6.2 * len(indices), 3.2))
    axes = np.atleast_1d(axes)
    for n, (ax, i) in enumerate(zip(axes, indices)):
        keys = [f"{key_symbols[k]}:{v}" for k, v in zip(task.keys[i], task.values[i])]
        queries = [f"{key_symbols[q]}→{y}" for q, y in zip(task.queries[i], task.targets[i])]
        plot_attention_map(weights[i], queries, keys, ax=ax, annotate=False,
                           title=titles[n] if titles else f"example {i}")
        ax.tick_params(axis="x", labelrotation=90, labelsize=8)
    fig.tight_layout()
    return fig


def plot_saturation(dims, scaled, unscaled):
    """Mean largest softmax weight and mean Jacobian norm against d, with and without 1/√d.

    Parameters
    ----------
    dims : sequence of int
    scaled, unscaled : dicts from :func:`bplib.softmax_saturation` (``scale=True`` / ``False``)

    Returns
    -------
    matplotlib Figure with two panels
    """
    dims = np.asarray(dims, dtype=float)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10.0, 3.8))
    for res, label, style in ((unscaled, "scores q·k", "o-"), (scaled, "scores q·k/√d", "s-")):
        left.plot(dims, res["max_weight"], style, label=label)
        right.plot(dims, res["jacobian_norm"], style, label=label)
    left.set_xscale("log", base=2)
    right.set_xscale("log", base=2)
    right.set_yscale("log")
    left.set_ylim(0, 1.02)
    left.set_xlabel("width d of queries and keys")
    right.set_xlabel("width d of queries and keys")
    left.set_ylabel("mean largest attention weight")
    right.set_ylabel("mean ‖softmax Jacobian‖ (Frobenius)")
    left.legend()
    right.legend()
    fig.tight_layout()
    return fig


def plot_retrieval_training(histories, labels=None, ax=None, **line_kwargs):
    """Held-out accuracy of the retrieval model against the training step, one line per run.

    Parameters
    ----------
    histories : sequence of RetrievalHistory
    labels : sequence of str (or None entries), optional
    ax : matplotlib Axes, optional    draw on it (e.g. a second group of runs)
    **line_kwargs : passed to ``ax.plot`` (e.g. ``color``, ``linestyle``)

    Returns
    -------
    matplotlib Axes
    """
    ax = axes_or_new(ax, (6.0, 3.6))
    line_kwargs.setdefault("marker", ".")
    for n, h in enumerate(histories):
        ax.plot(h.steps, h.accuracy, label=labels[n] if labels else None, **line_kwargs)
    ax.axhline(0.95, color="0.5", linestyle="--", linewidth=1)
    ax.set_xlabel("gradient-descent step (batch of 64 examples)")
    ax.set_ylabel("held-out accuracy")
    ax.set_ylim(0, 1.02)
    if labels and any(labels):
        ax.legend(fontsize=8)
    return ax


def plot_attention_bars(weights, ax=None, title=None):
    """The attention weights of one query over its keys as bars.

    Returns
    -------
    matplotlib Axes
    """
    w = np.asarray(weights, dtype=float)
    if w.ndim != 1:
        raise ValueError(f"weights: expected a 1-D array of shape (T_k,), got shape {w.shape}")
    ax = axes_or_new(ax, (5.5, 3.2))
    ax.bar(np.arange(len(w)), w, color="#2e86ab")
    ax.set_ylim(0, 1.02)
    ax.set_xticks(range(len(w)))
    ax.set_xlabel("key j")
    ax.set_ylabel("attention weight p_j")
    if title:
        ax.set_title(title, fontsize=10)
    return ax

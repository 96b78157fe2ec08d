"""Figures for recurrent networks (chapter 13).

Each function draws on a given or new Axes (or makes a Figure with several panels), labels its
axes and returns the Axes or Figure; none calls ``plt.show()``.  The numbers come from
:mod:`bplib.recurrent` and :mod:`bplib.sequences`.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from ._common import axes_or_new

__all__ = ["plot_unrolled_rnn", "plot_lstm_cell", "plot_jacobian_norms", "plot_clipping_runs", "plot_recall_accuracy"]

CELL_COLOURS = {"rnn": "#d1495b", "lstm": "#2e86ab"}


def _box(ax, xy, text, colour):
    x, y = xy
    ax.add_patch(FancyBboxPatch((x - 0.32, y - 0.22), 0.64, 0.44, boxstyle="round,pad=0.04",
                                fc=colour, ec="k", lw=1))
    ax.text(x, y, text, ha="center", va="center", fontsize=11)


def _arrow(ax, start, end, colour="k", style="-|>", ls="-", text=None, offset=(0.0, 0.12)):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=12, color=colour, lw=1.3,
                                 ls=ls, shrinkA=16, shrinkB=16))
    if text:
        ax.text((start[0] + end[0]) / 2 + offset[0], (start[1] + end[1]) / 2 + offset[1], text,
                ha="center", va="center", fontsize=9, color=colour)


def plot_unrolled_rnn(T: int = 4, ax=None):
    """The RNN unrolled over ``T`` steps: inputs x_t, states h_t, the cost at the end; the same W_x
    and W_h on every step (forward arrows, black) and the gradient flowing back (red, dashed).

    Returns
    -------
    matplotlib Axes
    """
    if isinstance(T, bool) or not isinstance(T, (int, np.integer)) or not 1 <= T <= 8:
        raise ValueError(f"T: must be an integer from 1 to 8, got {T!r}")
    ax = axes_or_new(ax, (1.6 * (T + 2), 3.2))
    for t in range(T + 1):
        _box(ax, (1.5 * t, 1.0), f"$h_{t}$", "#f2e3c6")
        if t > 0:
            _box(ax, (1.5 * t, -0.2), f"$x_{t}$", "#dbe9f6")
            _arrow(ax, (1.5 * t, -0.2), (1.5 * t, 1.0), text="$W_x$", offset=(0.25, 0.0))
            _arrow(ax, (1.5 * (t - 1), 1.1), (1.5 * t, 1.1), text="$W_h$", offset=(0.0, 0.14))
            _arrow(ax, (1.5 * t, 0.9), (1.5 * (t - 1), 0.9), colour="#c0392b", ls="--",
                   text=r"$\partial h_{%d}/\partial h_{%d}$" % (t, t - 1), offset=(0.0, -0.2))
    _box(ax, (1.5 * (T + 1), 1.0), "$C$", "#e6d3ee")
    _arrow(ax, (1.5 * T, 1.1), (1.5 * (T + 1), 1.1))
    _arrow(ax, (1.5 * (T + 1), 0.9), (1.5 * T, 0.9), colour="#c0392b", ls="--",
           text=r"$\partial C/\partial h_{%d}$" % T, offset=(0.0, -0.2))
    ax.set_xlim(-0.6, 1.5 * (T + 1) + 0.6)
    ax.set_ylim(-0.7, 1.6)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("forward: the same $W_x$, $W_h$, $b$ at every step;  backward (dashed): "
                 "one Jacobian per step", fontsize=10)
    return ax


def plot_lstm_cell(ax=None):
    """One LSTM step (eq-lstm-cell) with its two backward paths into c_{t−1} and h_t.

    The cell state runs along the top: c_{t−1} is multiplied by f_t and i_t ⊙ g_t is added, giving
    c_t; below, h_t = o_t ⊙ tanh(c_t); the four gates are computed from x_t and h_{t−1}.  Dashed red
    arrows: the gradient along the cell state (multiplied only by f_t) and from h_t into c_t.

    Returns
    -------
    matplotlib Axes
    """
    ax = axes_or_new(ax, (9.0, 4.2))
    state, node, gate = "#f2e3c6", "#ffffff", "#dbe9f6"
    _box(ax, (0.0, 2.0), "$c_{t-1}$", state)
    _box(ax, (1.8, 2.0), r"$\times$", node)
    _box(ax, (3.6, 2.0), "$+$", node)
    _box(ax, (5.4, 2.0), "$c_t$", state)
    _box(ax, (5.4, 0.9), r"$\tanh$", node)
    _box(ax, (5.4, -0.2), r"$\times$", node)
    _box(ax, (7.2, -0.2), "$h_t$", state)
    _box(ax, (0.0, -0.2), "$h_{t-1}$", state)
    _box(ax, (0.0, -1.3), "$x_t$", "#dbe9f6")
    ax.add_patch(FancyBboxPatch((1.3, -0.45), 2.8, 0.5, boxstyle="round,pad=0.04", fc=gate, ec="k", lw=1))
    ax.text(2.7, -0.2, "gates $i_t, f_t, g_t, o_t$ from $z_t$", ha="center", va="center", fontsize=10)
    _arrow(ax, (0.0, 2.1), (1.8, 2.1))
    _arrow(ax, (1.8, 2.1), (3.6, 2.1))
    _arrow(ax, (3.6, 2.1), (5.4, 2.1))
    _arrow(ax, (5.4, 2.1), (7.4, 2.1), text="to step $t+1$", offset=(0.3, 0.18))
    _arrow(ax, (1.8, 0.05), (1.8, 2.0), text="$f_t$", offset=(-0.25, 0.0))
    _arrow(ax, (3.6, 0.05), (3.6, 2.0), text=r"$i_t \odot g_t$", offset=(-0.45, 0.0))
    _arrow(ax, (5.4, 2.0), (5.4, 0.9))
    _arrow(ax, (5.4, 0.9), (5.4, -0.2))
    _arrow(ax, (4.1, -0.2), (5.4, -0.2), text="$o_t$", offset=(0.0, 0.15))
    _arrow(ax, (5.4, -0.2), (7.2, -0.2))
    _arrow(ax, (0.0, -0.2), (1.3, -0.2), style="-|>")
    _arrow(ax, (0.0, -1.3), (1.6, -0.45))
    _arrow(ax, (5.4, 2.35), (0.0, 2.35), colour="#c0392b", ls="--",
           text=r"$\bar c_{t-1} \leftarrow \bar c_t \odot f_t$: no $W_h$, no $\tanh'$", offset=(0.0, 0.2))
    _arrow(ax, (7.35, 0.0), (5.6, 1.85), colour="#c0392b", ls="--",
           text=r"$\bar h_t \odot o_t \odot (1 - \tanh^2 c_t)$", offset=(1.1, 0.1))
    ax.set_xlim(-0.6, 8.6)
    ax.set_ylim(-1.7, 2.9)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("one LSTM step: forward (black) and the gradient into the cell state (red, dashed)", fontsize=10)
    return ax


def plot_jacobian_norms(norms_by_radius: dict, ax=None, title: str | None = None):
    """‖∂h_T/∂h_{T−k}‖₂ against the lag k on a log axis, one line per spectral radius.

    Parameters
    ----------
    norms_by_radius : dict
        spectral radius ρ -> ndarray of shape (T + 1,), the norms at lags 0 … T.

    Returns
    -------
    matplotlib Axes
    """
    ax = axes_or_new(ax, (6.0, 4.0))
    radii = sorted(norms_by_radius)
    for rho in radii:
        norms = np.asarray(norms_by_radius[rho], dtype=float)
        if norms.ndim != 1:
            raise ValueError(f"norms_by_radius[{rho}]: expected a 1-D array of norms, got shape {norms.shape}")
        lags = np.arange(norms.size)
        shown = np.where(norms > 0, norms, np.nan)
        colour = "#2e86ab" if rho < 1 else ("k" if rho == 1 else "#d1495b")
        ax.semilogy(lags, shown, lw=2, color=colour, label=f"ρ(W_h) = {rho:g}",
                    ls="-" if rho != 1 else "--")
    ax.axhline(1.0, color="k", lw=0.7, ls=":")
    ax.set_xlabel("lag k = T − t (steps)")
    ax.set_ylabel("‖∂h_T/∂h_t‖₂ (log scale)")
    if title:
        ax.set_title(title, fontsize=10)
    ax.legend(fontsize=9)
    return ax


def plot_clipping_runs(histories: dict, axes=None, title_suffix: str = ""):
    """Cost and gradient norm per step of runs that differ only in the clipping threshold.

    Parameters
    ----------
    histories : dict
        threshold τ (``None`` for no clipping) -> history of :func:`bplib.train_sequence_model`
        (keys "cost", "grad_norm", "diverged").

    Returns
    -------
    matplotlib Figure
    """
    if axes is None:
        fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
    else:
        fig = axes[0].figure
    colours = ["#d1495b", "#2e86ab", "#66a182", "#edae49"]
    for colour, (clip, h) in zip(colours, histories.items()):
        label = "no clipping" if clip is None else f"clipped at τ = {clip:g}"
        if h["diverged"]:
            label += f" (diverged at step {len(h['cost'])})"
        steps = np.arange(1, len(h["cost"]) + 1)
        axes[0].semilogy(steps, np.minimum(h["cost"], 1e7), color=colour, lw=1.3, label=label)
        axes[1].semilogy(steps, h["grad_norm"], color=colour, lw=1.0, label=label)
        if clip is not None:
            axes[1].axhline(clip, color=colour, lw=0.8, ls=":")
    axes[0].set_xlabel("step")
    axes[0].set_ylabel("cost C on the mini-batch (log scale)")
    axes[1].set_xlabel("step")
    axes[1].set_ylabel("‖g‖ before clipping (log scale)")
    axes[0].set_title("cost" + title_suffix, fontsize=10)
    axes[1].set_title("gradient norm" + title_suffix, fontsize=10)
    axes[0].legend(fontsize=9)
    fig.tight_layout()
    return fig


def plot_recall_accuracy(lags, accuracy: dict, chance: float | None = None, ax=None):
    """Held-out accuracy on the recall task against the lag: one dot per seed, a line through the means.

    Parameters
    ----------
    lags : sequence of int
    accuracy : dict
        cell name -> ndarray of shape (len(lags), n_seeds); a row of NaN marks a lag that was not
        run for that model (nothing is drawn there).  "rnn" and "lstm" get the chapter's colours and
        are shown in capitals; any other name (e.g. "RNN of 35 units") is shown as given.
    chance : float, optional
        Chance level, drawn as a dotted line.

    Returns
    -------
    matplotlib Axes
    """
    ax = axes_or_new(ax, (6.0, 4.0))
    lags = np.asarray(lags)
    for j, (cell, acc) in enumerate(accuracy.items()):
        acc = np.asarray(acc, dtype=float)
        if acc.ndim != 2 or acc.shape[0] != lags.size:
            raise ValueError(f"accuracy[{cell!r}]: expected shape ({lags.size}, n_seeds), got shape {acc.shape}")
        colour = CELL_COLOURS.get(cell, f"C{j + 2}")
        name = cell.upper() if cell in CELL_COLOURS else cell
        shift = (j - 0.5 * (len(accuracy) - 1)) * 1.2
        n_seeds = acc.shape[1]
        run = np.isfinite(acc).all(axis=1)         # the lags this model was trained at
        for s in range(n_seeds):                   # seeds side by side, so that equal values stay visible
            ax.plot(lags[run] + shift + 0.35 * (s - 0.5 * (n_seeds - 1)), acc[run, s], "o", color=colour,
                    alpha=0.6, ms=5)
        ax.plot(lags[run] + shift, acc[run].mean(axis=1), "-", marker="_", ms=14, mew=2, color=colour, lw=2,
                label=f"{name} (dots: {n_seeds} seeds, line/bar: mean)")
    if chance is not None:
        ax.axhline(chance, color="k", lw=0.8, ls=":", label="chance")
    ax.set_xlabel("lag k (steps between the symbol and the query)")
    ax.set_ylabel("held-out accuracy")
    ax.set_ylim(0, 1.05)
    ax.set_xticks(lags)
    ax.legend(fontsize=9, loc="lower left")
    return ax

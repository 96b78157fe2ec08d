"""Figures of chapter 02: the two-neuron chain learning a straight line.

The numbers come from :func:`bplib.train_chain` (a :class:`bplib.ChainTraining`) and
:func:`bplib.sweep_chain_lr` (a :class:`bplib.LearningRateSweep`); these functions only draw them.
Each labels its axes and returns the Axes; none calls ``plt.show()``.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from ..chain import ChainTraining, LearningRateSweep
from ._common import axes_or_new

__all__ = ["plot_chain_errors", "plot_chain_fit", "plot_chain_params", "plot_lr_sweep"]

RUN_COLOURS = ("#2e86ab", "#d1495b", "#edae49", "#66a182", "#8d6a9f")


#: size in inches of a figure drawn without a given ``ax``
FIGSIZE = (6.0, 4.0)


def _runs(runs) -> dict:
    if isinstance(runs, ChainTraining):
        return {None: runs}
    if isinstance(runs, dict) and runs and all(isinstance(r, ChainTraining) for r in runs.values()):
        return runs
    raise TypeError("runs: expected a ChainTraining or a non-empty dict label -> ChainTraining")


def plot_chain_errors(runs, ax=None, threshold: float | None = None, title=None):
    """Last-sample error (y − a²)² per epoch on a logarithmic axis.

    Parameters
    ----------
    runs : ChainTraining or dict label -> ChainTraining
    ax : matplotlib Axes, optional
    threshold : float, optional
        Drawn as a dashed horizontal line (e.g. the 1e-8 of the headline result).
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    runs = _runs(runs)
    ax = axes_or_new(ax, FIGSIZE)
    for (label, run), colour in zip(runs.items(), RUN_COLOURS * 3):
        errors = run.errors
        epochs = np.arange(1, errors.shape[0] + 1)
        keep = errors > 0
        text = label if label is not None else f"η = {run.lr:g}"
        if run.diverged:
            text += f" (diverged in epoch {run.diverged_epoch})"
        ax.semilogy(epochs[keep], errors[keep], "-", color=colour, lw=1.4, label=text)
        if run.diverged:
            ax.axvline(run.diverged_epoch, color=colour, ls=":", lw=1.2)
    if threshold is not None:
        ax.axhline(threshold, color="k", ls="--", lw=0.9, label=f"{threshold:g}")
    ax.set_xlabel("epoch")
    ax.set_ylabel("last-sample error $(y - a^2)^2$")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    return ax


def plot_chain_fit(run: ChainTraining, xs, ys, ax=None, title=None):
    """The training points, the chain's line before training and the learned line.

    Parameters
    ----------
    run : ChainTraining
    xs, ys : array_like, shape (m,)
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    if not isinstance(run, ChainTraining):
        raise TypeError(f"run: expected a ChainTraining, got {type(run).__name__}")
    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    ax = axes_or_new(ax, FIGSIZE)
    grid = np.linspace(xs.min(), xs.max(), 50)
    W1, W2, b1, b2 = run.params[0]
    ax.plot(grid, W2 * W1 * grid + W2 * b1 + b2, "--", color="0.5",
            label=f"before: {W2 * W1:.4g} x + {W2 * b1 + b2:.4g}")
    ax.plot(grid, run.slope * grid + run.intercept, "-", color=RUN_COLOURS[0], lw=2,
            label=f"after: {run.slope:.6f} x + {run.intercept:.6f}")
    ax.plot(xs, ys, "o", color=RUN_COLOURS[1], ms=5, label="training points")
    pad = 0.25 * float(ys.max() - ys.min() or 1.0)
    ax.set_ylim(float(ys.min()) - pad, float(ys.max()) + pad)  # a diverged line stays readable
    ax.set_xlabel("input x")
    ax.set_ylabel("output $a^2$")
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    return ax


def plot_chain_params(run: ChainTraining, ax=None, title=None):
    """The four parameters and the learned slope W²W¹ after each epoch.

    Parameters
    ----------
    run : ChainTraining
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    if not isinstance(run, ChainTraining):
        raise TypeError(f"run: expected a ChainTraining, got {type(run).__name__}")
    ax = axes_or_new(ax, FIGSIZE)
    epochs = np.arange(run.params.shape[0])
    for column, name, colour in zip(run.params.T, ("$W^1$", "$W^2$", "$b^1$", "$b^2$"), RUN_COLOURS):
        ax.plot(epochs, column, "-", color=colour, lw=1.4, label=name)
    ax.plot(epochs, run.params[:, 1] * run.params[:, 0], "--", color="k", lw=1.2, label="slope $W^2W^1$")
    ax.axhline(0.0, color="0.8", lw=0.8)
    ax.set_xlabel("epoch (0 = before training)")
    ax.set_ylabel("value")
    ax.legend(fontsize=8, ncol=3)
    if title:
        ax.set_title(title)
    return ax


def plot_lr_sweep(sweep: LearningRateSweep, ax=None, target_line=None, threshold=None, marks=None,
                  title=None):
    """One dot per training run against its learning rate; runs that diverged as ticks on top.

    Without ``target_line`` the dots are the last-sample error after the last epoch; with
    ``target_line=(slope, intercept)`` they are the distance of the learned line from it,
    ``max(|slope error|, |intercept error|)``.

    Parameters
    ----------
    sweep : LearningRateSweep
    ax : matplotlib Axes, optional
    target_line : (float, float), optional
    threshold : float, optional
        Drawn as a dashed horizontal line.
    marks : dict label -> learning rate, optional
        Vertical lines, e.g. the learning rate the chapter uses and the edge.
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    if not isinstance(sweep, LearningRateSweep):
        raise TypeError(f"sweep: expected a LearningRateSweep, got {type(sweep).__name__}")
    ax = axes_or_new(ax, (7.0, 4.0))
    if target_line is None:
        values, what = sweep.final_errors, "last-sample error $(y - a^2)^2$"
    else:
        values = sweep.line_errors(*target_line)
        what = f"distance from {target_line[0]:g}x + {target_line[1]:g}"
    ok = ~sweep.diverged & (values > 0)
    ax.semilogy(sweep.lrs[ok], values[ok], ".", ms=2.5, color=RUN_COLOURS[0], label="runs that did not diverge")
    top = float(values[ok].max()) * 30 if ok.any() else 1.0
    if sweep.diverged.any():
        ax.semilogy(sweep.lrs[sweep.diverged], np.full(int(sweep.diverged.sum()), top), "|",
                    ms=10, color=RUN_COLOURS[1], label="runs that diverged")
    if threshold is not None:
        ax.axhline(threshold, color="k", ls="--", lw=0.9, label=f"{threshold:g}")
    for (label, lr), colour in zip((marks or {}).items(), ("k", "0.45", "0.7")):
        ax.axvline(lr, color=colour, ls=":", lw=1.2, label=label)
    ax.set_xlabel("learning rate η")
    ax.set_ylabel(what)
    ax.legend(fontsize=8, loc="lower left")
    if title:
        ax.set_title(title)
    return ax

"""Figures of chapters 03, 04 and 06: path terms, many training runs, training loops.

The numbers come from :mod:`bplib.index_form` (:class:`bplib.PathTerms`) and
:mod:`bplib.training` (:class:`bplib.History`, :class:`bplib.SeedTrials`,
:func:`bplib.batch_gradient_spread`); these functions only draw them.  Each labels its axes and
returns the Axes; none calls ``plt.show()``.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ..index_form import PathTerms
from ..training import History, SeedTrials
from ._common import axes_or_new

__all__ = ["plot_path_terms", "plot_loss_curves", "plot_seed_costs", "plot_seed_outputs",
           "plot_gradient_spread"]

COLOURS = ("#2e86ab", "#d1495b", "#edae49", "#66a182", "#8d6a9f", "#3b3b3b")

_X_AXES = {"epochs": "epoch", "examples_seen": "examples seen", "updates": "parameter updates"}


#: size in inches of a figure drawn without a given ``ax``
FIGSIZE = (6.0, 4.0)


def plot_path_terms(result: PathTerms, ax=None, reference: float | None = None, title: str | None = None):
    """Bars for the terms of ∂C_x/∂w^l_jk, one per path, and the running sum.

    Parameters
    ----------
    result : PathTerms    from :func:`bplib.path_terms`
    ax : matplotlib Axes, optional
    reference : float, optional
        A value to compare the sum with (e.g. a^{l−1}_k δ^l_j from backpropagation), drawn as a
        dashed line.
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    if not isinstance(result, PathTerms):
        raise TypeError(f"result: expected a PathTerms, got {type(result).__name__}")
    ax = axes_or_new(ax, FIGSIZE)
    n = len(result.terms)
    positions = np.arange(n)
    names = ["→".join(str(p + 1) for p in path) for path in result.paths]
    positive = result.terms >= 0
    if positive.any():
        ax.bar(positions[positive], result.terms[positive], color=COLOURS[0], width=0.6, label="positive term")
    if (~positive).any():
        ax.bar(positions[~positive], result.terms[~positive], color=COLOURS[1], width=0.6, label="negative term")
    ax.plot(positions, np.cumsum(result.terms), "o-", color=COLOURS[5], ms=4, lw=1.2, label="running sum")
    if reference is not None:
        ax.axhline(reference, color=COLOURS[3], ls="--", lw=1.4, label=f"$a_k\\,\\delta_j$ = {reference:.4g}")
    ax.axhline(0.0, color="0.6", lw=0.8)
    ax.set_xticks(positions)
    ax.set_xticklabels(names, rotation=45 if n > 8 else 0, fontsize=8)
    ax.set_xlabel(f"path: neuron of layer {result.layer}" + (f" → … → layer {result.layer + len(result.paths[0]) - 1}"
                                                           if len(result.paths[0]) > 1 else ""))
    ax.set_ylabel(f"term of $\\partial C_x / \\partial w^{{{result.layer}}}_{{{result.j + 1}{result.k + 1}}}$")
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def plot_loss_curves(histories: dict, ax=None, x: str = "epochs", logy: bool = True, title: str | None = None):
    """The training cost of several runs against epochs, examples seen or updates.

    Parameters
    ----------
    histories : dict label -> History
    ax : matplotlib Axes, optional
    x : {"epochs", "examples_seen", "updates"}
    logy : bool   logarithmic cost axis
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    if x not in _X_AXES:
        raise ValueError(f"x: expected one of {', '.join(map(repr, _X_AXES))}, got {x!r}")
    if not isinstance(histories, dict) or not histories or \
            not all(isinstance(h, History) for h in histories.values()):
        raise TypeError("histories: expected a non-empty dict label -> History")
    ax = axes_or_new(ax, FIGSIZE)
    for (label, history), colour in zip(histories.items(), COLOURS * 3):
        xs = np.asarray(getattr(history, x), dtype=float)
        ys = np.asarray(history.loss, dtype=float)
        if x != "epochs":  # the point before training sits at 0: leave it out of a log axis
            xs, ys = xs[1:], ys[1:]
        ax.plot(xs, ys, "-", color=colour, lw=1.5, label=label)
    if logy:
        ax.set_yscale("log")
    if x != "epochs":
        ax.set_xscale("log")
    ax.set_xlabel(_X_AXES[x])
    ax.set_ylabel("training cost $C$")
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def plot_seed_costs(trials: SeedTrials, ax=None, colour: str = COLOURS[0], label: str | None = None,
                    title: str | None = None):
    """The cost of every run of a :class:`bplib.SeedTrials` against epochs (one thin line per seed).

    Parameters
    ----------
    trials : SeedTrials
    ax : matplotlib Axes, optional
    colour : str
    label : str, optional   legend entry (given once for all runs)
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    if not isinstance(trials, SeedTrials):
        raise TypeError(f"trials: expected a SeedTrials, got {type(trials).__name__}")
    ax = axes_or_new(ax, FIGSIZE)
    epochs = np.arange(trials.costs.shape[1])
    for i, costs in enumerate(trials.costs):
        ax.plot(epochs[1:], costs[1:], "-", color=colour, lw=0.8, alpha=0.6,
                label=label if i == 0 and label else None)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("training cost $C$")
    if label:
        ax.legend(fontsize=8)
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def plot_seed_outputs(trials: SeedTrials, ax=None, input_names=None, tol: float = 0.1, colour: str | None = None,
                      label: str | None = None, title: str | None = None):
    """Final outputs of every run, one column of dots per training example (single output unit).

    Targets are drawn as black bars, the threshold 0.5 as a dashed line and the band within
    ``tol`` of each target is shaded.  Runs with every output on the right side of 0.5 are dots,
    the others crosses.  Call it twice on the same Axes to compare two settings.

    Parameters
    ----------
    trials : SeedTrials    with one output unit
    ax : matplotlib Axes, optional
    input_names : list of str, optional   tick labels (default: example numbers)
    tol : float
    colour : str, optional   one colour for all runs (default: blue dots, red crosses)
    label : str, optional    legend entry for the runs
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    if not isinstance(trials, SeedTrials):
        raise TypeError(f"trials: expected a SeedTrials, got {type(trials).__name__}")
    if trials.outputs.shape[2] != 1:
        raise ValueError(f"trials: expected one output unit, got outputs of shape {trials.outputs.shape}")
    ax = axes_or_new(ax, FIGSIZE)
    k, m, _ = trials.outputs.shape
    offsets = np.linspace(-0.25, 0.25, k) if k > 1 else np.zeros(1)
    good = trials.right_side
    first_call = not getattr(ax, "_bplib_targets_drawn", False)
    good_colour, bad_colour = (colour, colour) if colour else (COLOURS[0], COLOURS[1])
    good_label = label or "every output on the right side of 0.5"
    bad_label = (label + " (not solved)") if label else "other runs"
    for i in range(m):
        target = float(trials.targets[i, 0])
        if first_call:
            ax.fill_between([i - 0.35, i + 0.35], target - tol, target + tol, color=COLOURS[3], alpha=0.2, lw=0)
            ax.plot([i - 0.35, i + 0.35], [target, target], "-", color="k", lw=2,
                    label="target" if i == 0 else None)
        ax.scatter(i + offsets[good], trials.outputs[good, i, 0], s=14, color=good_colour, marker="o",
                   label=good_label if i == 0 and good.any() else None)
        ax.scatter(i + offsets[~good], trials.outputs[~good, i, 0], s=14, color=bad_colour, marker="x",
                   label=bad_label if i == 0 and (~good).any() else None)
    if first_call:
        ax.axhline(0.5, color="0.4", ls="--", lw=0.9)
        ax._bplib_targets_drawn = True
    ax.set_xticks(np.arange(m))
    ax.set_xticklabels(input_names if input_names is not None else [str(i) for i in range(m)])
    ax.set_ylim(-0.05, 1.05)
    ax.set_xlabel("input")
    ax.set_ylabel("output $a^L$ after training")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(0.0, 0.93))
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def plot_gradient_spread(batch_sizes, spread, m: int | None = None, ax=None, title: str | None = None):
    """Relative deviation of mini-batch gradients from the full gradient against the batch size.

    Parameters
    ----------
    batch_sizes : sequence of int
    spread : ndarray, shape (len(batch_sizes),)   from :func:`bplib.batch_gradient_spread`
    m : int, optional
        Training-set size: adds the sampling-without-replacement prediction
        s₁ sqrt((m − b) / (b (m − 1))) scaled to the measured value at b = 1.
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    b = np.asarray(batch_sizes, dtype=float)
    s = np.asarray(spread, dtype=float)
    if b.ndim != 1 or s.shape != b.shape:
        raise ValueError(f"batch_sizes and spread must be 1-D of the same length, got {b.shape} and {s.shape}")
    ax = axes_or_new(ax, FIGSIZE)
    keep = s > 0
    ax.loglog(b[keep], s[keep], "o", color=COLOURS[0], ms=6, label="measured")
    if m is not None and b[0] == 1:
        grid = np.unique(np.concatenate([np.geomspace(1, m - 1, 60), b[b < m]]))
        ax.loglog(grid, s[0] * np.sqrt((m - grid) / (grid * (m - 1))), "-", color=COLOURS[1], lw=1.2,
                  label=r"$s_1\sqrt{(m-b)/(b(m-1))}$")
        ax.loglog(grid, s[0] / np.sqrt(grid), ":", color="0.4", lw=1.2, label=r"$s_1/\sqrt{b}$")
    ax.set_xlabel("batch size $b$")
    ax.set_ylabel(r"rms of $\Vert\nabla C_B - \nabla C\Vert / \Vert\nabla C\Vert$")
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title, fontsize=10)
    return ax

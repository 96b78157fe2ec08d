"""Figures of chapter 01: gradient-descent trajectories on a curve and on a contour plot, and the
value of the function against the step.

The trajectories come from :func:`bplib.gradient_descent` (a :class:`bplib.Descent` each); these
functions only draw them.  Each labels its axes and returns the Axes; none calls ``plt.show()``.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ..descent import Descent
from ._common import axes_or_new

__all__ = ["plot_descent_curve", "plot_descent_contours", "plot_descent_values"]

#: colours of successive runs.
RUN_COLOURS = ("#2e86ab", "#d1495b", "#edae49", "#66a182", "#8d6a9f")


#: size in inches of a figure drawn without a given ``ax``
FIGSIZE = (6.0, 4.0)


def _runs(runs):
    if isinstance(runs, Descent):
        return [runs]
    runs = list(runs)
    if not runs or not all(isinstance(r, Descent) for r in runs):
        raise TypeError("runs: expected a Descent or a non-empty sequence of Descent results")
    return runs


def _label(run: Descent) -> str:
    return f"η = {run.lr:g}" + (" (diverged)" if run.diverged else "")


def plot_descent_curve(f, runs, x_range, ax=None, title=None):
    """Draw a function of one variable and gradient-descent trajectories on it.

    Each run's points (x_k, f(x_k)) are joined in order, so an overshooting run zig-zags across
    the valley.

    Parameters
    ----------
    f : callable
        The function, elementwise on arrays.
    runs : Descent or sequence of Descent
        Trajectories of scalar points (``points`` of shape (k + 1,)).
    x_range : (float, float)
        Interval over which to draw f.
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    runs = _runs(runs)
    for run in runs:
        if run.points.ndim != 1:
            raise ValueError(f"runs: expected scalar trajectories of shape (k + 1,), got shape {run.points.shape}")
    ax = axes_or_new(ax, FIGSIZE)
    grid = np.linspace(x_range[0], x_range[1], 400)
    ax.plot(grid, f(grid), color="0.3", lw=1.5, label="f(x)")
    for run, colour in zip(runs, RUN_COLOURS * 3):
        x = run.points
        ax.plot(x, f(x), "-o", color=colour, ms=4, lw=0.9, alpha=0.9, label=_label(run))
        ax.plot(x[:1], f(x[:1]), "s", color=colour, ms=7)
    ax.set_xlim(*x_range)
    ax.set_xlabel("x")
    ax.set_ylabel("f(x)")
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    return ax


def plot_descent_contours(f, runs, xlim, ylim, ax=None, levels=None, minimum=None, title=None):
    """Contour lines of a function of two variables with gradient-descent trajectories on top.

    Parameters
    ----------
    f : callable
        Maps points of shape (..., 2) to values of shape (...), e.g. ``QuadraticBowl.value``.
    runs : Descent or sequence of Descent
        Trajectories of 2-D points (``points`` of shape (k + 1, 2)).
    xlim, ylim : (float, float)
        The window drawn.
    ax : matplotlib Axes, optional
    levels : sequence of float, optional
        Contour levels (default: 12 levels spaced evenly in the square root of f's range).
    minimum : array_like of shape (2,), optional
        Marked with a star.
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    runs = _runs(runs)
    for run in runs:
        if run.points.ndim != 2 or run.points.shape[1] != 2:
            raise ValueError(f"runs: expected 2-D trajectories of shape (k + 1, 2), got shape {run.points.shape}")
    ax = axes_or_new(ax, (6.0, 4.5))
    xx, yy = np.meshgrid(np.linspace(*xlim, 300), np.linspace(*ylim, 240))
    values = f(np.stack([xx, yy], axis=-1))
    if levels is None:
        top = float(values.max())
        levels = np.linspace(0.0, np.sqrt(top), 13)[1:] ** 2 + float(values.min())
    ax.contour(xx, yy, values, levels=levels, colors="0.65", linewidths=0.8)
    for run, colour in zip(runs, RUN_COLOURS * 3):
        p = run.points
        ax.plot(p[:, 0], p[:, 1], "-o", color=colour, ms=3.5, lw=1.0, label=_label(run))
        ax.plot(p[:1, 0], p[:1, 1], "s", color=colour, ms=7)
    if minimum is not None:
        ax.plot(*np.asarray(minimum, dtype=float), "*", color="k", ms=12, label="minimum")
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.legend(fontsize=8, loc="upper right")
    if title:
        ax.set_title(title)
    return ax


def plot_descent_values(f, runs, ax=None, f_min: float = 0.0, title=None):
    """f(x_k) − f_min against the step k on a logarithmic axis, one line per run.

    A run that diverged ends in a cross where it stopped.

    Parameters
    ----------
    f : callable
        Maps one point of a trajectory (or an array of them along axis 0) to its value.
    runs : Descent or sequence of Descent
    ax : matplotlib Axes, optional
    f_min : float
        The minimum value of f, subtracted so that the curves fall towards zero.
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    runs = _runs(runs)
    ax = axes_or_new(ax, FIGSIZE)
    for run, colour in zip(runs, RUN_COLOURS * 3):
        gap = np.asarray(f(run.points), dtype=float) - f_min
        steps = np.arange(gap.shape[0])
        keep = gap > 0  # an exact 0 has no logarithm
        ax.semilogy(steps[keep], gap[keep], "-", color=colour, lw=1.6, label=_label(run))
        if run.diverged and keep[-1]:
            ax.semilogy(steps[-1], gap[-1], "x", color=colour, ms=9, mew=2)
    ax.set_xlabel("step k")
    ax.set_ylabel("$f(x_k) - f_{\\min}$")
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    return ax

"""Figures of chapter 05 (gradient checking): error against step size, and a summary of checks.

The numbers come from :mod:`bplib.gradcheck`; these functions only draw them.
"""
from __future__ import annotations

import numpy as np

from ..gradcheck import (FAIL_THRESHOLD, PASS_THRESHOLD, SMOOTH_FUNCTIONS, difference_quotient,
                         optimal_step, relative_error, step_size_error_model, step_size_errors)
from ._common import axes_or_new

__all__ = ["plot_error_curves", "plot_step_size_curve", "plot_check_summary"]

_SCHEME_COLOURS = {"central": "tab:blue", "forward": "tab:orange"}


#: size in inches of a figure drawn without a given ``ax``
FIGSIZE = (6.4, 4.2)


def plot_error_curves(steps, curves, ax=None, slopes=None, threshold=None, title=None):
    """Relative errors against the step size h on log-log axes, one line per curve.

    Parameters
    ----------
    steps : array_like, shape (k,)
    curves : dict label -> array_like of shape (k,)
    ax : matplotlib Axes, optional
    slopes : dict label -> float, optional
        Fitted log-log slopes, shown in the legend next to their curve.
    threshold : float, optional
        Draws a dashed horizontal line (e.g. the pass threshold 1e-7).
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = axes_or_new(ax, FIGSIZE)
    steps = np.asarray(steps, dtype=float)
    markers = iter("os^vD<>")
    for label, errors in curves.items():
        text = label if not slopes or label not in slopes else f"{label} (slope {slopes[label]:.2f})"
        ax.loglog(steps, np.asarray(errors, dtype=float), marker=next(markers, "o"), ms=4, label=text)
    if threshold is not None:
        ax.axhline(threshold, color="0.3", ls="--", lw=1, label=f"pass threshold {threshold:.0e}")
    ax.set_xlabel("step size h")
    ax.set_ylabel("relative error")
    if title:
        ax.set_title(title)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=9)
    return ax


def plot_step_size_curve(name: str = "exp", x0: float = 1.0, scheme: str = "central", dtype="float64",
                         ax=None, h=None, steps=None, title=None):
    """The U-curve of one difference quotient: measured error, error model and best step.

    Draws :func:`bplib.step_size_errors` (dots), :func:`bplib.step_size_error_model` (dashed)
    and :func:`bplib.optimal_step` (dotted vertical line) for one scheme and precision.  With
    ``h`` given, marks the error at that step with a large cross.

    Parameters
    ----------
    name : {"exp", "sin", "tanh"}
    x0 : float
    scheme : {"central", "forward"}
    dtype : "float16", "float32" or "float64"
    ax : matplotlib Axes, optional
    h : float, optional      a step to highlight
    steps : array_like, optional   (default: 1 … 1e-15, five per decade)
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = axes_or_new(ax, FIGSIZE)
    colour = _SCHEME_COLOURS.get(scheme, "tab:green")
    hs, errors = step_size_errors(name, x0, steps, scheme, dtype)
    _, model = step_size_error_model(name, x0, hs, scheme, dtype)
    best = optimal_step(name, x0, scheme, dtype)
    ax.loglog(hs, np.maximum(errors, 1e-15), "o", ms=3.5, color=colour, label=f"{scheme}: measured")
    ax.loglog(hs, model, "--", color=colour, lw=1.2, label=f"{scheme}: model")
    ax.axvline(best, color=colour, ls=":", lw=1.2, label=f"{scheme}: model's best h ≈ {best:.1g}")
    if h is not None:
        err = relative_error(difference_quotient(name, x0, h, scheme, dtype),
                             _exact_derivative(name, x0))
        ax.loglog([h], [max(err, 1e-15)], "X", ms=12, color="black", zorder=5,
                  label=f"h = {h:.1g}: error {err:.1g}")
    ax.set_xlabel("step size h")
    ax.set_ylabel("relative error of the derivative")
    ax.set_ylim(1e-15, 3.0)
    ax.set_title(title if title is not None else f"{name}'({x0:g}) in {np.dtype(dtype).name}")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=8, loc="lower left")
    return ax


def _exact_derivative(name, x0):
    return float(SMOOTH_FUNCTIONS[name].derivatives[0](np.float64(x0)))


def plot_check_summary(labels, errors, ax=None, title=None):
    """Horizontal bars of relative errors (log scale) against the pass and fail thresholds.

    Bars below :data:`bplib.PASS_THRESHOLD` are green, above :data:`bplib.FAIL_THRESHOLD` red,
    in between orange.  Errors below 1e-16 are drawn at 1e-16.

    Parameters
    ----------
    labels : sequence of str, length k
    errors : array_like of float, shape (k,)
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    errors = np.maximum(np.asarray(errors, dtype=float), 1e-16)
    if len(labels) != errors.shape[0]:
        raise ValueError(f"labels and errors must have the same length, got {len(labels)} and "
                         f"{errors.shape[0]}")
    ax = axes_or_new(ax, (7.5, 0.32 * len(labels) + 1.2))
    colours = ["tab:green" if e < PASS_THRESHOLD else "tab:red" if e > FAIL_THRESHOLD else "tab:orange"
               for e in errors]
    y = np.arange(len(labels))[::-1]
    # bars start at 1e-16 and end at the error, so longer bars are worse
    ax.barh(y, errors - 1e-16, left=1e-16, color=colours, height=0.7)
    ax.set_xscale("log")
    ax.set_xlim(1e-16, 3.0)
    ax.axvline(PASS_THRESHOLD, color="0.25", ls="--", lw=1, label=f"pass below {PASS_THRESHOLD:.0e}")
    ax.axvline(FAIL_THRESHOLD, color="0.25", ls=":", lw=1, label=f"wrong above {FAIL_THRESHOLD:.0e}")
    ax.set_yticks(y)
    ax.set_yticklabels(labels, fontsize=8)
    ax.set_xlabel("relative error (log scale)")
    ax.set_ylabel("gradient checked")
    if title:
        ax.set_title(title)
    ax.legend(fontsize=8, loc="upper right")
    return ax

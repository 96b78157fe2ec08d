"""Figures of chapter 11: what the backward pass keeps, and what checkpointing trades."""
from __future__ import annotations

import numpy as np

from ._common import axes_or_new

__all__ = ["plot_layer_memory", "plot_checkpoint_tradeoff"]


def plot_layer_memory(measured, predicted, labels, ax=None):
    """Bars of the bytes each layer keeps for the backward pass (measured), with the formula's
    value as a marker on each bar.

    Parameters
    ----------
    measured, predicted : sequences of int, bytes per entry
    labels : sequence of str, one per entry (e.g. "layer 1", …, "loss")
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    measured, predicted = np.asarray(measured, float), np.asarray(predicted, float)
    if measured.shape != predicted.shape or measured.shape != (len(labels),):
        raise ValueError(f"measured, predicted and labels must have equal lengths, got "
                         f"{measured.shape}, {predicted.shape} and {len(labels)}")
    ax = axes_or_new(ax, (7.0, 3.6))
    x = np.arange(len(labels))
    ax.bar(x, measured / 1024, color="tab:blue", alpha=0.7, label="measured (arrays the VJPs keep)")
    ax.plot(x, predicted / 1024, "k_", markersize=22, markeredgewidth=2, label="formula 8·m·n")
    ax.set_xticks(x)
    ax.set_xticklabels(labels)
    ax.set_ylabel("kept for the backward pass [KiB]")
    ax.set_xlabel("where the array is first kept")
    ax.legend(frameon=False)
    return ax


def plot_checkpoint_tradeoff(profile: dict, ax=None):
    """Kept and peak bytes against the block size of checkpointing, with the recomputed operations.

    Parameters
    ----------
    profile : dict from :func:`bplib.checkpoint_profile`
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    k = np.asarray(profile["every"])
    ax = axes_or_new(ax, (7.0, 3.8))
    ax.plot(k, np.asarray(profile["kept"]) / 1024, "o-", color="tab:blue",
            label="kept between the passes")
    ax.plot(k, np.asarray(profile["peak"]) / 1024, "s-", color="tab:red",
            label="peak: kept + one block recomputed")
    ax.axhline(profile["plain_kept"] / 1024, color="k", linestyle=":",
               label="no checkpointing")
    best = int(k[np.argmin(profile["peak"])])
    ax.axvline(best, color="tab:red", linestyle="--", linewidth=1)
    ax.set_xlabel("block size k (layers per checkpoint)")
    ax.set_ylabel("activation memory [KiB]")
    extra = int(profile["recomputed"][0])
    ax.set_title(f"every k recomputes {extra} of {profile['forward_ops']} forward operations; "
                 f"lowest peak at k = {best}", fontsize=10)
    ax.set_xticks(k)
    ax.set_ylim(bottom=0)
    ax.legend(frameon=False, fontsize=9)
    return ax

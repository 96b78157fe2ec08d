"""Figures for normalisation and residual connections (chapter 14).

Each function draws on a given or new Axes (or makes a Figure with several panels), labels its
axes and returns the Axes or Figure; none calls ``plt.show()``.  The numbers come from
:mod:`bplib.normalisation`, :mod:`bplib.residual` and :mod:`bplib.residual_experiments`.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyBboxPatch

from ._common import axes_or_new
from .deep import plot_layer_norms

__all__ = ["plot_batch_norm_graph", "plot_depth_comparison", "VARIANT_COLOURS"]

#: one colour per network variant of chapter 14
VARIANT_COLOURS = {"plain": "#d1495b", "residual": "#2e86ab", "residual + batch norm": "#66a182",
                   "plain + batch norm": "#edae49", "residual + layer norm": "#8d6a9f",
                   "plain + layer norm": "#999999"}

# node -> (x, y, label); edges follow the forward pass of eq-bn-forward
_BN_NODES = {
    "X": (0.0, 1.0, "$X$"), "mu": (1.6, 2.2, r"$\mu = \frac{1}{m}\sum_i X_i$"),
    "xc": (3.4, 1.0, r"$X_c = X - \mu$"), "sq": (5.2, 2.2, r"$S = X_c^2$"),
    "var": (7.2, 2.2, r"$\sigma^2 = \frac{1}{m}\sum_i S_i$"), "std": (9.2, 2.2, r"$s = \sqrt{\sigma^2 + \varepsilon}$"),
    "inv": (11.2, 2.2, r"$r = 1/s$"), "xhat": (11.2, 1.0, r"$\hat X = X_c\, r$"),
    "y": (13.2, 1.0, r"$Y = \gamma \hat X + \beta$"), "gamma": (13.2, 2.2, r"$\gamma,\ \beta$"),
}
_BN_EDGES = [("X", "mu"), ("X", "xc"), ("mu", "xc"), ("xc", "sq"), ("sq", "var"), ("var", "std"),
             ("std", "inv"), ("inv", "xhat"), ("xc", "xhat"), ("xhat", "y"), ("gamma", "y")]


def plot_batch_norm_graph(ax=None):
    """The computational graph of batch normalisation (eq-bn-forward) as eight elementary nodes.

    The two places where a value feeds two nodes, X (into μ and X_c) and X_c (into S and X̂), are
    drawn in red: there the backward pass adds two gradients.

    Returns
    -------
    matplotlib Axes
    """
    ax = axes_or_new(ax, (13.0, 3.2))
    forks = {"X", "xc"}
    half_w, half_h = 0.76, 0.34          # a little outside the boxes drawn below

    def on_border(x, y, dx, dy):
        # where the ray from a box centre (x, y) in direction (dx, dy) leaves the box
        t = min(half_w / abs(dx) if dx else np.inf, half_h / abs(dy) if dy else np.inf)
        return x + t * dx, y + t * dy

    for a, b in _BN_EDGES:
        (x0, y0, _), (x1, y1, _) = _BN_NODES[a], _BN_NODES[b]
        start = on_border(x0, y0, x1 - x0, y1 - y0)
        end = on_border(x1, y1, x0 - x1, y0 - y1)
        ax.annotate("", xy=end, xytext=start,
                    arrowprops=dict(arrowstyle="->", lw=1.4, color="#d1495b" if a in forks else "0.4",
                                    shrinkA=0, shrinkB=0))
    for name, (x, y, label) in _BN_NODES.items():
        leaf = name in ("X", "gamma")
        ax.add_patch(FancyBboxPatch((x - 0.72, y - 0.3), 1.44, 0.6, boxstyle="round,pad=0.04",
                                    fc="#dbe9f4" if leaf else "#f6e7c8", ec="0.3", lw=0.9))
        ax.text(x, y, label, ha="center", va="center", fontsize=9)
    ax.set_xlim(-0.9, 14.1)
    ax.set_ylim(0.4, 2.8)
    ax.set_xlabel("forward pass: left to right; the backward pass runs right to left "
                  "(red: a value used twice, its two gradients are added)")
    ax.set_ylabel("")
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    return ax


def plot_depth_comparison(results: dict, title: str | None = None):
    """Two panels for chapter 14's experiment: per-layer gradient norms at initialisation (the
    median over seeds, log scale) and the training cost per epoch (one line per seed).

    Parameters
    ----------
    results : dict variant name -> :class:`bplib.DepthResult`
    title : str, optional, above the figure

    Returns
    -------
    matplotlib Figure
    """
    fig, (left, right) = plt.subplots(1, 2, figsize=(11.5, 4.2))
    profiles = {name: np.median(r.initial_norms, axis=0) for name, r in results.items()}
    plot_layer_norms(profiles, ax=left, colours=VARIANT_COLOURS,
                     title="gradient norms at initialisation (median over seeds)")
    for name, r in results.items():
        epochs = np.arange(r.costs.shape[1])
        for k, costs in enumerate(r.costs):
            right.plot(epochs, costs, color=VARIANT_COLOURS.get(name), lw=1.4, alpha=0.85,
                       label=name if k == 0 else None)
    right.axhline(np.log(10), color="k", lw=0.8, ls=":")
    right.annotate("ln 10: chance", xy=(0.1, np.log(10) + 0.05), fontsize=8)
    right.set_xlabel("epoch")
    right.set_ylabel("training cost $C$ (cross-entropy)")
    right.set_title("training, one line per seed")
    right.grid(True, alpha=0.3)
    right.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig

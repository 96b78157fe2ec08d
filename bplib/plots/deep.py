"""Figures for deep networks and for the cost of gradients (chapters 09 and 10).

Each function draws on a given or new Axes (or makes a Figure with several panels), labels its
axes and returns the Axes or Figure; none calls ``plt.show()``.  The numbers come from
:mod:`bplib.diagnostics`, :mod:`bplib.opcount` and :mod:`bplib.engine`.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyBboxPatch

from ..activations import ACTIVATIONS
from ..engine import Value, topological_order
from ._common import axes_or_new

__all__ = [
    "plot_activation_derivatives", "plot_layer_norms", "plot_gradient_norm_grid", "plot_delta_bounds",
    "plot_layer_speed", "plot_dead_units", "plot_expression_graph", "plot_gradient_costs",
    "plot_gradient_timings",
]

#: one colour per hidden activation, used in every figure of chapter 09.
ACTIVATION_COLOURS = {"sigmoid": "#d1495b", "tanh": "#edae49", "relu": "#2e86ab",
                      "leaky_relu": "#66a182", "identity": "#8d6a9f"}


#: size in inches of a figure drawn without a given ``ax``
FIGSIZE = (5.5, 4.0)


def _vector(x, name):
    arr = np.asarray(x, dtype=float)
    if arr.ndim != 1:
        raise ValueError(f"{name}: expected a 1-D array with one value per layer, got shape {arr.shape}")
    return arr


def plot_activation_derivatives(ax=None, z_range=(-6.0, 6.0)):
    """The derivatives of sigmoid, tanh, ReLU and Leaky ReLU, with the sigmoid's bound ¼ marked.

    Returns
    -------
    matplotlib Axes
    """
    ax = axes_or_new(ax, (6.0, 3.8))
    z = np.linspace(*z_range, 1201)
    for name in ("sigmoid", "tanh", "relu", "leaky_relu"):
        dz = ACTIVATIONS[name].df(z)
        if name in ("relu", "leaky_relu"):  # draw the jump at 0 as a jump, not a steep line
            dz = np.where(np.isclose(z, 0.0), np.nan, dz)
        ax.plot(z, dz, color=ACTIVATION_COLOURS[name], lw=2, label=f"{name}′(z)",
                ls="--" if name == "leaky_relu" else "-")
    ax.axhline(0.25, color="k", lw=0.8, ls=":")
    ax.annotate("¼ = largest value of σ′", xy=(z_range[0] + 0.2, 0.27), fontsize=9)
    ax.set_xlabel("pre-activation z")
    ax.set_ylabel("derivative f′(z)")
    ax.set_ylim(-0.05, 1.1)
    ax.legend(loc="center right", fontsize=9)
    return ax


def plot_layer_norms(profiles: dict, ax=None, ylabel: str = r"$\Vert\partial C/\partial W^l\Vert$ (Frobenius norm)", title: str | None = None,
                     colours: dict | None = None):
    """One line per network: a per-layer quantity (e.g. a gradient norm) on a log scale.

    Parameters
    ----------
    profiles : dict label -> array of shape (L,), entry l−1 for layer l
    ax : Axes, optional
    ylabel, title : str
    colours : dict label -> colour, optional (defaults to the activation colours when labels are
        activation names)

    Returns
    -------
    matplotlib Axes
    """
    ax = axes_or_new(ax, FIGSIZE)
    for label, values in profiles.items():
        values = _vector(values, f"profiles[{label!r}]")
        colour = (colours or {}).get(label, ACTIVATION_COLOURS.get(label))
        ax.plot(np.arange(1, values.size + 1), values, marker="o", ms=4, lw=1.6, label=str(label), color=colour)
    ax.set_yscale("log")
    ax.set_xlabel(r"layer $l$ (1 = next to the input)")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=8)
    return ax


def plot_gradient_norm_grid(profiles: dict, inits=None, titles: dict | None = None):
    """Panels of per-layer gradient norms, one panel per initialisation, one line per activation.

    Parameters
    ----------
    profiles : dict (init, activation) -> array of shape (L,)
    inits : list of init names in panel order (default: the order in ``profiles``)
    titles : dict init -> panel title, optional

    Returns
    -------
    matplotlib Figure
    """
    inits = inits or list(dict.fromkeys(init for init, _ in profiles))
    fig, axes = plt.subplots(1, len(inits), figsize=(4.2 * len(inits), 3.9), sharey=True)
    axes = np.atleast_1d(axes)
    for ax, init in zip(axes, inits):
        panel = {act: norms for (i, act), norms in profiles.items() if i == init}
        plot_layer_norms(panel, ax=ax, title=(titles or {}).get(init, f"init: {init}"))
        if ax is not axes[0]:
            ax.set_ylabel("")
    fig.tight_layout()
    return fig


def plot_delta_bounds(measured, bounds, ax=None, title: str | None = None):
    """Measured ‖Δ^l‖ against the product bound of eq-gradient-product-bound, per layer, log scale.

    Parameters
    ----------
    measured, bounds : arrays of shape (L,)

    Returns
    -------
    matplotlib Axes
    """
    measured, bounds = _vector(measured, "measured"), _vector(bounds, "bounds")
    if measured.shape != bounds.shape:
        raise ValueError(f"measured and bounds must have the same shape, got {measured.shape} and {bounds.shape}")
    ax = axes_or_new(ax, FIGSIZE)
    layers = np.arange(1, measured.size + 1)
    ax.plot(layers, bounds, "k--", marker="v", ms=5, label=r"bound $\Vert\Delta^L\Vert \prod_{k>l} \gamma \Vert W^k\Vert_2$")
    ax.plot(layers, measured, color=ACTIVATION_COLOURS["sigmoid"], marker="o", ms=5, label=r"measured $\Vert\Delta^l\Vert$")
    ax.fill_between(layers, measured, bounds, color="0.9")
    ax.set_yscale("log")
    ax.set_xlabel(r"layer $l$ (1 = next to the input)")
    ax.set_ylabel(r"norm of the deltas of layer $l$")
    if title:
        ax.set_title(title)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=9)
    return ax


def plot_layer_speed(speeds, ax=None, title: str | None = None):
    """Relative weight change of every layer in every epoch: one line per epoch, log scale.

    Parameters
    ----------
    speeds : ndarray, shape (epochs, L), from :func:`bplib.layer_learning_speed`

    Returns
    -------
    matplotlib Axes
    """
    speeds = np.asarray(speeds, dtype=float)
    if speeds.ndim != 2:
        raise ValueError(f"speeds: expected shape (epochs, L), got {speeds.shape}")
    ax = axes_or_new(ax, FIGSIZE)
    colours = plt.cm.viridis(np.linspace(0.0, 0.9, speeds.shape[0]))
    layers = np.arange(1, speeds.shape[1] + 1)
    for e, (row, colour) in enumerate(zip(speeds, colours), 1):
        ax.plot(layers, row, marker="o", ms=3, lw=1.3, color=colour, label=f"epoch {e}")
    ax.set_yscale("log")
    ax.set_xlabel(r"layer $l$ (1 = next to the input)")
    ax.set_ylabel(r"$\Vert W^l_{\mathrm{after}} - W^l_{\mathrm{before}}\Vert \,/\, \Vert W^l_{\mathrm{before}}\Vert$ per epoch")
    if title:
        ax.set_title(title)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7, ncol=2)
    return ax


def plot_dead_units(histories: dict, n_units: int):
    """Dead (ReLU) or silent (Leaky ReLU) units and test accuracy after every epoch.

    Parameters
    ----------
    histories : dict label -> dict from :func:`bplib.dead_unit_history` (with "accuracy")
    n_units : int, units in the first hidden layer

    Returns
    -------
    matplotlib Figure
    """
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    for label, h in histories.items():
        colour = ACTIVATION_COLOURS.get(label)
        epochs = np.arange(len(h["dead"]))
        left.plot(epochs, h["dead"].sum(axis=1), marker="o", ms=3, color=colour, label=label)
        right.plot(epochs, h["accuracy"], marker="o", ms=3, color=colour, label=label)
    left.axhline(n_units, color="k", lw=0.8, ls=":")
    left.set_xlabel("epoch of recovery training")
    left.set_ylabel(f"units with z ≤ 0 on every image (of {n_units})")
    left.set_ylim(0, n_units + 1)
    right.set_xlabel("epoch of recovery training")
    right.set_ylabel("test accuracy")
    right.set_ylim(0, 1)
    for ax in (left, right):
        ax.grid(True, alpha=0.3)
        ax.legend()
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------------------- chapter 10
def _levels(order):
    """Column of every node: operations by their longest path from the leaves; each leaf one column
    before the first operation that uses it, so that inputs sit next to where they enter."""
    level = {}
    for node in order:
        level[id(node)] = 1 + max((level[id(p)] for p in node.parents), default=-1)
    first_use = {}
    for node in order:
        for p in node.parents:
            if not p.parents:
                first_use[id(p)] = min(first_use.get(id(p), level[id(node)]), level[id(node)])
    for key, col in first_use.items():
        level[key] = col - 1
    return level


def plot_expression_graph(root: Value, ax=None, names: dict | None = None, show_grad: bool = True):
    """Draw the computational graph of ``root``: every node with its value and its adjoint.

    Nodes are placed left to right by depth (leaves first); arrows go from an input to the
    operation that uses it and are labelled with the stored local derivative.

    Parameters
    ----------
    root : Value
    ax : Axes, optional
    names : dict Value -> str, optional display names (default: the node's label or its op)
    show_grad : bool, print the adjoint ``grad`` under the value

    Returns
    -------
    matplotlib Axes
    """
    if not isinstance(root, Value):
        raise TypeError(f"root: expected a Value, got {type(root).__name__}")
    order = topological_order(root)
    level = _levels(order)
    columns: dict[int, list] = {}
    for node in order:  # operations first in each column, then the leaves above them
        columns.setdefault(level[id(node)], []).append(node)
    pos = {}
    for col, nodes in columns.items():
        nodes.sort(key=lambda v: not v.parents)
        for row, node in enumerate(nodes):
            pos[id(node)] = (col * 2.2, row * 1.5)
    n_cols = max(columns) - min(columns) + 1
    ax = axes_or_new(ax, (max(6.0, 1.9 * n_cols), 2.2 + 1.1 * max(len(c) for c in columns.values())))
    symbols = {"add": "+", "sub": "−", "mul": "×", "div": "÷", "pow": "^", "neg": "−"}
    names = names or {}
    for node in order:
        x1, y1 = pos[id(node)]
        for parent, local in zip(node.parents, node.local_grads):
            x0, y0 = pos[id(parent)]
            ax.annotate("", xy=(x1 - 0.55, y1), xytext=(x0 + 0.55, y0),
                        arrowprops=dict(arrowstyle="->", color="0.45", lw=1.0))
            ax.text((x0 + x1) / 2, (y0 + y1) / 2 + 0.12, f"{local:.3g}", fontsize=7, color="0.35",
                    ha="center")
    for node in order:
        x, y = pos[id(node)]
        name = names.get(node) or node.label or symbols.get(node.op, node.op)
        leaf = not node.parents
        box = FancyBboxPatch((x - 0.55, y - 0.45), 1.1, 0.9, boxstyle="round,pad=0.03",
                             fc="#dbe9f4" if leaf else "#f6e7c8", ec="0.3", lw=0.9)
        ax.add_patch(box)
        text = f"{name}\n{node.data:.4g}"
        if show_grad:
            text += f"\nadj {node.grad:.4g}"
        ax.text(x, y, text, ha="center", va="center", fontsize=8)
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    ax.set_xlim(min(xs) - 0.8, max(xs) + 0.8)
    ax.set_ylim(min(ys) - 0.8, max(ys) + 0.8)
    ax.set_xlabel("depth in the graph (inputs on the left, the output on the right)")
    ax.set_ylabel("inputs enter from above")
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return ax


def plot_gradient_costs(costs: dict, ax=None, title: str | None = None):
    """Bars of multiply-adds (log scale): forward, backward, forward + backward, central differences.

    Parameters
    ----------
    costs : dict from :func:`bplib.gradient_costs`

    Returns
    -------
    matplotlib Axes
    """
    ax = axes_or_new(ax, (6.0, 3.8))
    keys = ["forward", "backward", "backprop", "finite_differences"]
    labels = ["forward\npass", "backward\npass", "backprop\n(fwd + bwd)", "central\ndifferences"]
    colours = ["#8d99ae", "#2e86ab", "#1b4965", "#d1495b"]
    values = [costs[k] for k in keys]
    bars = ax.bar(labels, values, color=colours)
    for bar, v in zip(bars, values):
        ax.text(bar.get_x() + bar.get_width() / 2, v * 1.15, f"{v:.3g}", ha="center", fontsize=8)
    ax.set_yscale("log")
    ax.set_ylim(min(values) / 3, max(values) * 8)
    ax.set_ylabel("multiply-adds")
    if title:
        ax.set_title(title)
    return ax


def plot_gradient_timings(parameters, backprop, finite_differences, forward=None, ax=None):
    """Seconds per gradient against the number of parameters, log-log.

    Parameters
    ----------
    parameters : array of shape (k,)
    backprop, finite_differences : arrays of shape (k,), seconds
    forward : optional array of shape (k,), seconds of one cost evaluation

    Returns
    -------
    matplotlib Axes
    """
    P = _vector(parameters, "parameters")
    ax = axes_or_new(ax, (6.0, 4.2))
    ax.loglog(P, _vector(finite_differences, "finite_differences"), "o-", color="#d1495b",
              label="central differences (2P cost evaluations)")
    ax.loglog(P, _vector(backprop, "backprop"), "s-", color="#1b4965", label="backpropagation")
    if forward is not None:
        ax.loglog(P, _vector(forward, "forward"), "^:", color="#8d99ae", label="one cost evaluation")
    ax.set_xlabel("number of parameters P")
    ax.set_ylabel("seconds per gradient")
    ax.grid(True, which="both", alpha=0.25)
    ax.legend(fontsize=9)
    return ax

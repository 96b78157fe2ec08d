"""Chapter 10: the computational graph of a small network, unit by unit, with the numbers of one
forward and one backward pass on it."""
from __future__ import annotations

import numpy as np
from matplotlib.patches import FancyBboxPatch

from ._common import axes_or_new

__all__ = ["plot_network_graph"]

_KEYS = ("a", "z", "a_bar", "delta", "local", "weights", "y", "cost")
_HIGHLIGHT = "#c0392b"


def _sub(l: int, j: int | None = None) -> str:
    return f"{l}" if j is None else f"{l}_{{{j}}}"


def plot_network_graph(values: dict, ax=None, highlight: int | None = 0, decimals: int = 3):
    """Draw an MLP's computational graph for one example, with values and adjoints on every node.

    Columns from left to right: the inputs a^0, then z^l and a^l for every layer, then the cost
    C.  Each node shows its name, its forward value and its adjoint (δ^l_j = ∂C/∂z^l_j under a
    pre-activation, ∂C/∂a^l_j under an activation).  Every arrow carries the local derivative the
    backward pass multiplies by: w^l_jk from a^{l−1}_k to z^l_j, f'(z^l_j) from z^l_j to a^l_j,
    a^L_j − y_j into C.  The activation a^1_k with k = ``highlight`` feeds every unit of layer 2;
    its arrows are drawn in red and the sum that gives its adjoint (eq-graph-adjoint) is written
    under the graph.

    Parameters
    ----------
    values : dict returned by :func:`bplib.network_adjoints`
    ax : Axes, optional
    highlight : int or None, the hidden unit k of layer 1 whose fan-out is traced (needs L ≥ 2)
    decimals : int, digits after the point in the printed numbers

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import numpy as np, bplib as bp
    >>> net = bp.MLP([2, 2, 2], hidden="tanh", output="sigmoid", seed=0)
    >>> ax = plot_network_graph(bp.network_adjoints(net, np.array([[0.5, -1.0]]), np.array([[1.0, 0.0]])))
    """
    if not isinstance(values, dict) or any(k not in values for k in _KEYS):
        raise TypeError("values: expected the dict returned by bplib.network_adjoints, with keys "
                        f"{', '.join(_KEYS)}")
    L = len(values["weights"])
    if highlight is not None and not (L >= 2 and 0 <= int(highlight) < len(values["a"][1])):
        raise ValueError(f"highlight: expected a unit of hidden layer 1 (0 … {len(values['a'][1]) - 1}) "
                         f"in a network with at least two weight layers, got {highlight!r}")
    sizes = [len(a) for a in values["a"]]
    dx, dy = 3.9, 1.6
    fmt = f"{{:.{decimals}f}}"
    ax = axes_or_new(ax, (0.6 * ((2 * L + 1) * dx + 1.8), 1.8 + 1.35 * max(sizes)))

    def y_of(n: int, j: int) -> float:
        return (max(sizes) - 1) * dy / 2 - (j - (n - 1) / 2) * dy

    pos = {("a", 0, k): (0.0, y_of(sizes[0], k)) for k in range(sizes[0])}
    for l in range(1, L + 1):
        for j in range(sizes[l]):
            pos[("z", l, j)] = ((2 * l - 1) * dx, y_of(sizes[l], j))
            pos[("a", l, j)] = (2 * l * dx, y_of(sizes[l], j))
    pos[("C",)] = ((2 * L + 1) * dx, y_of(1, 0))
    w_box, h_box = 1.35, 1.1

    def edge(src, dst, label, hot=False, at=0.3):
        (x0, y0), (x1, y1) = pos[src], pos[dst]
        colour = _HIGHLIGHT if hot else "0.45"
        ax.annotate("", xy=(x1 - w_box / 2, y1), xytext=(x0 + w_box / 2, y0),
                    arrowprops=dict(arrowstyle="->", color=colour, lw=1.6 if hot else 0.9))
        xa, xb = x0 + w_box / 2, x1 - w_box / 2
        if abs(y1 - y0) > 1e-9:            # a slanted arrow: label it near its start, to its right
            at, ha = 0.2, "left"
        else:
            ha = "center"
        ax.text(xa + at * (xb - xa), y0 + at * (y1 - y0), label, fontsize=7.5, color=colour,
                ha=ha, va="center", bbox=dict(fc="white", ec="none", pad=0.5, alpha=0.85))

    hot_k = None if highlight is None else int(highlight)
    for l in range(1, L + 1):
        W = values["weights"][l - 1]
        for j in range(sizes[l]):
            for k in range(sizes[l - 1]):
                hot = l == 2 and k == hot_k
                edge(("a", l - 1, k), ("z", l, j), f"$w^{{{l}}}_{{{j}{k}}}$ = " + fmt.format(W[j, k]),
                     hot=hot, at=0.55)
            edge(("z", l, j), ("a", l, j), "$f'$ = " + fmt.format(values["local"][l - 1][j]), at=0.5)
    for j in range(sizes[L]):
        diff = values["a"][L][j] - values["y"][j]
        edge(("a", L, j), ("C",), f"$a^{{{L}}}_{{{j}}} - y_{{{j}}}$ = " + fmt.format(diff), at=0.45)

    def node(key, title, value, adjoint_name, adjoint, leaf=False, hot=False):
        x, y = pos[key]
        ax.add_patch(FancyBboxPatch((x - w_box / 2, y - h_box / 2), w_box, h_box,
                                    boxstyle="round,pad=0.03", fc="#dbe9f4" if leaf else "#f6e7c8",
                                    ec=_HIGHLIGHT if hot else "0.3", lw=2.0 if hot else 0.9))
        lines = [title, fmt.format(value)]
        if adjoint_name:
            lines.append(f"{adjoint_name} " + fmt.format(adjoint))
        ax.text(x, y, "\n".join(lines), ha="center", va="center", fontsize=8.5)

    for k in range(sizes[0]):
        node(("a", 0, k), f"$a^0_{{{k}}}$", values["a"][0][k], "", 0.0, leaf=True)
    for l in range(1, L + 1):
        for j in range(sizes[l]):
            node(("z", l, j), f"$z^{{{l}}}_{{{j}}}$", values["z"][l - 1][j], "δ =", values["delta"][l - 1][j])
            node(("a", l, j), f"$a^{{{l}}}_{{{j}}}$", values["a"][l][j], r"$\bar a$ =",
                 values["a_bar"][l - 1][j], hot=(l == 1 and j == hot_k))
    node(("C",), "$C$ (cost)", values["cost"], r"$\bar C$ =", 1.0)

    bottom = min(p[1] for p in pos.values()) - h_box / 2
    if hot_k is not None:
        W2, d2 = values["weights"][1], values["delta"][1]
        terms = " + ".join(f"$\\delta^2_{{{j}}} w^2_{{{j}{hot_k}}}$" for j in range(len(d2)))
        numbers = " + ".join(f"({fmt.format(d2[j])})({fmt.format(W2[j, hot_k])})" for j in range(len(d2)))
        ax.text(pos[("a", 1, hot_k)][0], bottom - 0.35,
                f"$\\partial C/\\partial a^1_{{{hot_k}}}$ = {terms} = {numbers} = "
                + fmt.format(values["a_bar"][0][hot_k]),
                ha="left", va="top", fontsize=8.5, color=_HIGHLIGHT)
        bottom -= 0.75
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    ax.set_xlim(min(xs) - 0.9, max(xs) + 0.9)
    ax.set_ylim(bottom - 0.3, max(ys) + h_box / 2 + 0.45)
    ax.set_xticks([(2 * l) * dx for l in range(L + 1)] + [(2 * l - 1) * dx for l in range(1, L + 1)]
                  + [(2 * L + 1) * dx])
    ax.set_xticklabels([f"layer {l}" for l in range(L + 1)] + [""] * L + [""])
    ax.set_yticks([])
    ax.set_xlabel("forward pass: left to right (values); backward pass: right to left (adjoints)")
    ax.set_ylabel("units of a layer")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return ax

"""A drawn network: neurons as circles, weights as arrows labelled w^l_jk (notation, chapter 03).

The figure shows the book's index convention: w^l_jk is the weight **to** neuron j of layer l
**from** neuron k of layer l − 1 (indices counted from 1, as in the text).  Optionally one weight
is highlighted together with every path by which it reaches the cost, the paths whose terms
chapter 03 adds up in eq-index-path-sum.
"""
from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Circle, FancyArrowPatch

from ._common import axes_or_new

__all__ = ["plot_network_diagram", "network_path_edges", "save_notation_figure", "NOTATION_FIGURE"]

#: where book/notation.md finds its drawn network (regenerate with ``python -m bplib.plots.network_diagram``)
NOTATION_FIGURE = Path(__file__).resolve().parents[2] / "book" / "figures" / "notation_network.png"

_EDGE = "0.55"
_WEIGHT = "#d1495b"
_PATH = "#2e86ab"
_RADIUS = 0.2


def _sizes(sizes) -> list[int]:
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__"):
        raise TypeError(f"sizes: expected a list of layer sizes such as [2, 3, 1], got {type(sizes).__name__}")
    out = []
    for n in sizes:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"sizes: expected positive integers, got {list(sizes)}")
        out.append(int(n))
    if len(out) < 2:
        raise ValueError(f"sizes: expected at least two layers (input and output), got {out}")
    return out


def _weight(sizes: list[int], weight, name: str) -> tuple[int, int, int]:
    try:
        layer, j, k = (int(v) for v in weight)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: expected (layer, j, k) with indices from 1, got {weight!r}") from None
    L = len(sizes) - 1
    if not 1 <= layer <= L:
        raise ValueError(f"{name}: layer must be 1 … {L}, got {layer}")
    if not 1 <= j <= sizes[layer]:
        raise ValueError(f"{name}: j must be 1 … {sizes[layer]} (neurons of layer {layer}), got {j}")
    if not 1 <= k <= sizes[layer - 1]:
        raise ValueError(f"{name}: k must be 1 … {sizes[layer - 1]} (neurons of layer {layer - 1}), got {k}")
    return layer, j, k


def network_path_edges(sizes, weight) -> list[tuple[int, int, int]]:
    """The weights w^r_qp on the paths from the weight w^l_jk to the outputs (indices from 1).

    These are the edges from neuron j of layer l onwards: every weight of layer l + 1 leaving
    neuron j, and every weight of the layers after it.  Each path through them is one term of
    ∂C/∂w^l_jk (chapter 03, eq-index-path-sum).

    Parameters
    ----------
    sizes : list of int, length L + 1
    weight : tuple (layer, j, k), indices from 1

    Returns
    -------
    list of tuple (r, q, p), sorted, not including the weight itself

    Examples
    --------
    >>> network_path_edges([2, 2, 1], (1, 1, 2))
    [(2, 1, 1)]
    """
    sizes = _sizes(sizes)
    layer, j, _ = _weight(sizes, weight, "weight")
    edges = [(layer + 1, q, j) for q in range(1, sizes[layer + 1] + 1)] if layer < len(sizes) - 1 else []
    for r in range(layer + 2, len(sizes)):
        edges += [(r, q, p) for q in range(1, sizes[r] + 1) for p in range(1, sizes[r - 1] + 1)]
    return sorted(edges)


def _positions(sizes: list[int]) -> list[np.ndarray]:
    top = max(sizes)
    return [np.array([(top - 1) / 2 - i for i in range(n)], dtype=float) for n in sizes]


def plot_network_diagram(sizes, ax=None, label_weights="all", highlight=None, show_paths: bool = False,
                         title: str | None = None):
    """Draw a layered network with its neurons a^l_j and its weights w^l_jk.

    Layers run from left (layer 0, the input) to right (layer L, the output); neuron j of a
    layer is drawn j-th from the top.  Each weight is an arrow from neuron k of layer l − 1 to
    neuron j of layer l, labelled $w^l_{jk}$ (indices from 1, as in the text).

    Parameters
    ----------
    sizes : list of int, length L + 1, e.g. [2, 3, 1]
    ax : matplotlib Axes, optional
    label_weights : "all", "none", or a list of (layer, j, k)
        Which arrows carry a label.  With a highlight, "all" labels only the highlighted weight
        and its path edges, to keep the figure legible.
    highlight : tuple (layer, j, k), optional
        A weight drawn thick and red.
    show_paths : bool
        With ``highlight``: also draw in blue every edge on a path from that weight to the
        outputs, the paths whose terms add up to ∂C/∂w^l_jk (chapter 03).
    title : str, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> ax = plot_network_diagram([2, 3, 1])
    >>> "$w^{1}_{31}$" in [t.get_text() for t in ax.texts]
    True
    """
    sizes = _sizes(sizes)
    if highlight is not None:
        highlight = _weight(sizes, highlight, "highlight")
    elif show_paths:
        raise ValueError("show_paths: needs a weight to start from; pass highlight=(layer, j, k)")
    path = set(network_path_edges(sizes, highlight)) if (highlight is not None and show_paths) else set()
    all_edges = [(l, j, k) for l in range(1, len(sizes))
                 for j in range(1, sizes[l] + 1) for k in range(1, sizes[l - 1] + 1)]
    if isinstance(label_weights, str):
        if label_weights == "all":
            labelled = ({highlight} | path) if highlight is not None else set(all_edges)
        elif label_weights == "none":
            labelled = set()
        else:
            raise ValueError(f"label_weights: expected 'all', 'none' or a list of (layer, j, k), got {label_weights!r}")
    else:
        labelled = {_weight(sizes, w, "label_weights") for w in label_weights}

    L = len(sizes) - 1
    ys = _positions(sizes)
    ax = axes_or_new(ax, (2.6 * L + 1.6, 1.1 * max(sizes) + 1.4))
    ax.set_aspect("equal")
    gap = 2.4                                                   # horizontal distance of layers
    bottom = min(float(y.min()) for y in ys)
    for l, j, k in all_edges:
        start = np.array([(l - 1) * gap, ys[l - 1][k - 1]])
        end = np.array([l * gap, ys[l][j - 1]])
        if (l, j, k) == highlight:
            colour, width, z = _WEIGHT, 2.6, 3
        elif (l, j, k) in path:
            colour, width, z = _PATH, 2.0, 2
        else:
            colour, width, z = _EDGE, 0.9, 1
        ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=9, color=colour, lw=width,
                                     shrinkA=_RADIUS * 72 * 0.9, shrinkB=_RADIUS * 72 * 0.9, zorder=z))
        if (l, j, k) in labelled:
            # each arrow of a layer gets its own distance along the way, so that labels never share a spot
            slot = (j - 1) * sizes[l - 1] + (k - 1)
            t = 0.17 + 0.66 * (slot + 0.5) / (sizes[l] * sizes[l - 1])
            where = start + t * (end - start)
            angle = np.degrees(np.arctan2(*(end - start)[::-1]))
            ax.text(*where, f"$w^{{{l}}}_{{{j}{k}}}$", fontsize=9, ha="center", va="center", rotation=angle,
                    rotation_mode="anchor", color=colour if colour != _EDGE else "0.15", zorder=5,
                    bbox=dict(boxstyle="round,pad=0.08", fc="white", ec="none", alpha=0.9))
    for l, n in enumerate(sizes):
        for j in range(1, n + 1):
            centre = (l * gap, ys[l][j - 1])
            on_path = highlight is not None and ((l == highlight[0] and j == highlight[1])
                                                 or (show_paths and l > highlight[0]))
            ax.add_patch(Circle(centre, _RADIUS, fc="#fff3d6" if on_path else "white",
                                ec=_PATH if on_path else "0.2", lw=1.4, zorder=4))
            ax.text(*centre, f"$a^{{{l}}}_{{{j}}}$", fontsize=8, ha="center", va="center", zorder=6)
        name = "input" if l == 0 else ("output" if l == L else "hidden")
        ax.text(l * gap, bottom - 0.5, f"layer {l}\n({name})", fontsize=9, ha="center", va="top")
    ax.set_xlim(-0.6, L * gap + 0.6)
    ax.set_ylim(bottom - 1.3, max(float(y.max()) for y in ys) + 0.5)
    ax.set_axis_off()
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def save_notation_figure(path=NOTATION_FIGURE) -> Path:
    """Draw the figure of book/notation.md, a [2, 3, 1] network with every weight labelled, to ``path``.

    notation.md is a page without code cells, so its figure is stored as a PNG drawn by this
    function; tests/test_network_diagram.py checks that the stored file is what it draws.

    Parameters
    ----------
    path : str or Path   a .png file

    Returns
    -------
    Path
    """
    path = Path(path)
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    plot_network_diagram([2, 3, 1], ax=ax)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(fig)
    return path


if __name__ == "__main__":          # pragma: no cover
    print(save_notation_figure())

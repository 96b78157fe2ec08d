"""Tests of bplib.plots.network_diagram, the drawn network with labelled weights (Agg backend)."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.image as mpimg  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import Circle, FancyArrowPatch  # noqa: E402

import bplib.plots as bpp  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def labels(ax):
    return [t.get_text() for t in ax.texts]


def arrows(ax):
    return [p for p in ax.patches if isinstance(p, FancyArrowPatch)]


def test_every_neuron_and_weight_is_drawn_and_labelled_to_j_from_k():
    ax = bpp.plot_network_diagram([2, 3, 1])
    assert sum(isinstance(p, Circle) for p in ax.patches) == 6
    assert len(arrows(ax)) == 2 * 3 + 3 * 1
    weight_labels = sorted(t for t in labels(ax) if t.startswith("$w"))
    expected = sorted([f"$w^{{1}}_{{{j}{k}}}$" for j in (1, 2, 3) for k in (1, 2)]
                      + [f"$w^{{2}}_{{1{k}}}$" for k in (1, 2, 3)])
    assert weight_labels == expected
    assert "$a^{0}_{2}$" in labels(ax) and "$a^{2}_{1}$" in labels(ax)
    assert any(t.startswith("layer 0") for t in labels(ax))


def test_label_of_w_jk_sits_on_the_arrow_from_k_to_j():
    """w^1_31 (to neuron 3 of layer 1 from neuron 1 of layer 0) lies between those two neurons."""
    ax = bpp.plot_network_diagram([2, 3, 1])
    centres = {t.get_text(): t.get_position() for t in ax.texts}
    src, dst = np.array(centres["$a^{0}_{1}$"]), np.array(centres["$a^{1}_{3}$"])
    where = np.array(centres["$w^{1}_{31}$"])
    # on the segment: collinear and between the ends
    cross = (dst - src)[0] * (where - src)[1] - (dst - src)[1] * (where - src)[0]
    assert abs(cross) < 1e-9
    assert 0 < np.dot(where - src, dst - src) < np.dot(dst - src, dst - src)


def test_highlight_and_path_edges():
    assert bpp.network_path_edges([2, 2, 2, 2], (1, 1, 2)) == [(2, 1, 1), (2, 2, 1), (3, 1, 1), (3, 1, 2),
                                                               (3, 2, 1), (3, 2, 2)]
    assert bpp.network_path_edges([2, 3, 1], (2, 1, 3)) == []
    ax = bpp.plot_network_diagram([2, 2, 2, 2], highlight=(1, 1, 2), show_paths=True)
    widths = sorted(a.get_linewidth() for a in arrows(ax))
    # one weight, six path edges and five other edges
    assert widths.count(max(widths)) == 1 and len(widths) == 12
    assert sum(w == min(widths) for w in widths) == 12 - 1 - 6
    # only the highlighted weight and its path edges are labelled
    assert sorted(t for t in labels(ax) if t.startswith("$w")) == sorted(
        ["$w^{1}_{12}$", "$w^{2}_{11}$", "$w^{2}_{21}$", "$w^{3}_{11}$", "$w^{3}_{12}$", "$w^{3}_{21}$",
         "$w^{3}_{22}$"])
    plain = bpp.plot_network_diagram([2, 2, 2, 2], highlight=(1, 1, 2))
    assert sorted(a.get_linewidth() for a in arrows(plain)).count(min(widths)) == 11


def test_bad_inputs_name_the_argument():
    with pytest.raises(ValueError, match="sizes: expected at least two layers"):
        bpp.plot_network_diagram([3])
    with pytest.raises(ValueError, match="sizes: expected positive integers"):
        bpp.plot_network_diagram([2, 0, 1])
    with pytest.raises(TypeError, match="sizes"):
        bpp.plot_network_diagram("231")
    with pytest.raises(ValueError, match=r"highlight: j must be 1 … 3"):
        bpp.plot_network_diagram([2, 3, 1], highlight=(1, 4, 1))
    with pytest.raises(ValueError, match=r"highlight: layer must be 1 … 2"):
        bpp.plot_network_diagram([2, 3, 1], highlight=(0, 1, 1))
    with pytest.raises(ValueError, match="show_paths"):
        bpp.plot_network_diagram([2, 3, 1], show_paths=True)
    with pytest.raises(ValueError, match="label_weights"):
        bpp.plot_network_diagram([2, 3, 1], label_weights="some")


def test_stored_notation_figure_is_what_bplib_draws(tmp_path):
    """book/notation.md shows a stored PNG; it must be the one save_notation_figure draws."""
    assert bpp.NOTATION_FIGURE.exists(), "run `python -m bplib.plots.network_diagram`"
    fresh = bpp.save_notation_figure(tmp_path / "network.png")
    stored, drawn = mpimg.imread(bpp.NOTATION_FIGURE), mpimg.imread(fresh)
    assert stored.shape == drawn.shape
    assert np.abs(stored - drawn).mean() < 1e-3, "stale figure: run `python -m bplib.plots.network_diagram`"

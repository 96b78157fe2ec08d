"""Sliders for chapter 15: the width d and the 1/√d of attention scores.

The computation is :func:`bplib.attention_demo` (numpy, tested directly); the widget only connects
the sliders to it and to :func:`bplib.plots.attention.plot_attention_bars`.
"""
from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt

from .._validate import positive_int, seed as _seed
from ..retrieval import attention_demo
from ..plots.attention import plot_attention_bars

__all__ = ["attention_scale_widget"]


def attention_scale_widget(d: int = 16, n_keys: int = 8, seed: int = 0):
    """Sliders for log₂ d, the scaling on or off, and the seed of one random query and its keys.

    Each change redraws the weights ``attention_demo(d, scale, n_keys, seed)`` as bars; the title
    gives the largest weight.

    Returns
    -------
    ipywidgets.VBox
    """
    d, n_keys = positive_int(d, "d"), positive_int(n_keys, "n_keys")
    seed = _seed(seed) or 0
    style = {"description_width": "initial"}
    log_d = widgets.IntSlider(value=min(12, d.bit_length() - 1), min=0, max=12, step=1,
                              description="log₂ d", continuous_update=False, style=style)
    scaled = widgets.Checkbox(value=True, description="divide scores by √d")
    draw = widgets.IntSlider(value=min(seed, 20), min=0, max=20, step=1, description="random draw",
                             continuous_update=False, style=style)

    def redraw(log_d, scaled, draw):
        w = attention_demo(2 ** log_d, scale=scaled, n_keys=n_keys, seed=draw)
        _, ax = plt.subplots(figsize=(5.5, 3.2))
        plot_attention_bars(w, ax=ax, title=f"d = {2 ** log_d}: largest weight {w.max():.3f}")
        plt.show()

    out = widgets.interactive_output(redraw, {"log_d": log_d, "scaled": scaled, "draw": draw})
    return widgets.VBox([widgets.HBox([log_d, scaled, draw]), out])

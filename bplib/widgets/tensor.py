"""Slider for chapter 11: the memory a backward pass keeps, with and without checkpointing.

The computation is :func:`bplib.checkpoint_profile` (tested directly and called with fixed inputs
in the chapter); the widget only connects sliders to it and to
:func:`bplib.plots.plot_checkpoint_tradeoff`.
"""
from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt

from ..memory import checkpoint_profile
from ..plots.tensor import plot_checkpoint_tradeoff

__all__ = ["checkpoint_widget"]

_STYLE = {"description_width": "initial"}


def checkpoint_widget(depth: int = 9, width: int = 128, batch: int = 64, seed: int = 0):
    """Sliders for depth, width and batch size; redraws kept and peak bytes for every block size.

    Parameters
    ----------
    depth, width, batch : initial values of the sliders
    seed : int, weights and batch (fixed)

    Returns
    -------
    ipywidgets.VBox
    """
    depth_slider = widgets.IntSlider(value=depth, min=2, max=25, step=1, description="weight layers L",
                                     continuous_update=False, style=_STYLE)
    width_slider = widgets.IntSlider(value=width, min=8, max=512, step=8, description="hidden width",
                                     continuous_update=False, style=_STYLE)
    batch_slider = widgets.IntSlider(value=batch, min=1, max=256, step=1, description="batch m",
                                     continuous_update=False, style=_STYLE)

    def redraw(depth, width, batch):
        profile = checkpoint_profile(depth, width, batch, seed=seed)
        ax = plot_checkpoint_tradeoff(profile)
        ax.figure.set_size_inches(7.0, 4.0)
        plt.show()

    out = widgets.interactive_output(redraw, {"depth": depth_slider, "width": width_slider,
                                              "batch": batch_slider})
    return widgets.VBox([widgets.HBox([depth_slider, width_slider, batch_slider]), out])

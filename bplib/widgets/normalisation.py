"""Sliders for chapter 14.

The computation is :func:`bplib.residual_gradient_profile` (numpy, tested directly and called with
fixed inputs in the chapter); the widget only connects controls to it and to
:func:`bplib.plots.plot_layer_norms`.
"""
from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt

from ..plots.deep import plot_layer_norms
from ..plots.normalisation import VARIANT_COLOURS
from ..residual_experiments import residual_gradient_profile

__all__ = ["residual_profile_widget"]

_STYLE = {"description_width": "initial"}


def residual_profile_widget(X, Y, n_blocks: int = 18, hidden: str = "sigmoid", norm=None,
                            width: int = 16, seed: int = 0):
    """Controls for depth, activation and normalisation; redraws the per-layer gradient norms of
    the plain and the residual network of :func:`bplib.residual_gradient_profile`, same weights.

    Parameters
    ----------
    X : ndarray, shape (m, n_0)
    Y : ndarray, shape (m, n_out), one-hot
    n_blocks, hidden, norm : initial values of the controls (L = n_blocks + 2)
    width : int, units per hidden layer (fixed)
    seed : int, initial weights (fixed)

    Returns
    -------
    ipywidgets.VBox
    """
    depth_slider = widgets.IntSlider(value=n_blocks + 2, min=3, max=60, step=1, description="layers L",
                                     continuous_update=False, style=_STYLE)
    hidden_menu = widgets.Dropdown(options=["sigmoid", "tanh", "relu"], value=hidden,
                                   description="activation", style=_STYLE)
    norm_menu = widgets.Dropdown(options=[("none", None), ("batch norm", "batch"), ("layer norm", "layer")],
                                 value=norm, description="normalisation", style=_STYLE)

    def redraw(depth, hidden, norm):
        profiles, colours = {}, {}
        for skip, name in ((False, "plain"), (True, "residual")):
            label = name if norm is None else f"{name} + {norm} norm"
            profiles[label] = residual_gradient_profile(X, Y, n_blocks=depth - 2, hidden=hidden, skip=skip,
                                                        norm=norm, width=width, seed=seed)
            colours[label] = VARIANT_COLOURS.get(label, VARIANT_COLOURS[name])
        ratios = ", ".join(f"{k}: {v[-1] / v[0]:.3g}" for k, v in profiles.items())
        ax = plot_layer_norms(profiles, colours=colours, title=f"{hidden}, L = {depth}; last / first layer: {ratios}")
        ax.figure.set_size_inches(8.0, 4.2)
        plt.show()

    out = widgets.interactive_output(redraw, {"depth": depth_slider, "hidden": hidden_menu, "norm": norm_menu})
    return widgets.VBox([widgets.HBox([depth_slider, hidden_menu, norm_menu]), out])

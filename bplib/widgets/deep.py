"""Sliders for chapters 09 and 10.

The computations are :func:`bplib.gradient_norm_profile` and :func:`bplib.gradient_costs`
(numpy, tested directly and called with fixed inputs in the chapters); the widgets only connect
controls to them and to the figures of :mod:`bplib.plots.deep`.
"""
from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt

from ..diagnostics import gradient_norm_profile
from ..opcount import gradient_costs
from ..plots.deep import plot_gradient_costs, plot_layer_norms

__all__ = ["gradient_profile_widget", "gradient_cost_widget"]

_STYLE = {"description_width": "initial"}


def gradient_profile_widget(X, Y, depth: int = 10, hidden: str = "sigmoid", init: str = "xavier",
                            gain: float = 1.0, width: int = 32, seed: int = 0):
    """Controls for depth, hidden activation, initialisation and its scale; redraws the per-layer
    gradient norms of :func:`bplib.gradient_norm_profile` (log scale).

    Parameters
    ----------
    X : ndarray, shape (m, n_0)
    Y : ndarray, shape (m, n_L), one-hot
    depth, hidden, init, gain : initial values of the controls
    width : int, units per hidden layer (fixed)
    seed : int, initial weights (fixed)

    Returns
    -------
    ipywidgets.VBox
    """
    depth_slider = widgets.IntSlider(value=depth, min=2, max=40, step=1, description="depth L",
                                     continuous_update=False, style=_STYLE)
    hidden_menu = widgets.Dropdown(options=["sigmoid", "tanh", "relu", "leaky_relu"], value=hidden,
                                   description="activation", style=_STYLE)
    init_menu = widgets.Dropdown(options=["standard", "xavier", "he"], value=init,
                                 description="initialisation", style=_STYLE)
    gain_slider = widgets.FloatLogSlider(value=gain, base=2, min=-3, max=3, step=0.25,
                                         description="scale × σ_init", continuous_update=False,
                                         style=_STYLE)

    def redraw(depth, hidden, init, gain):
        norms = gradient_norm_profile(X, Y, depth=depth, hidden=hidden, init=init, gain=gain,
                                      width=width, seed=seed)
        ratio = norms[-1] / norms[0] if norms[0] > 0 else float("inf")
        ax = plot_layer_norms({hidden: norms},
                              title=f"{hidden}, {init} × {gain:.3g}: last / first layer = {ratio:.3g}")
        ax.figure.set_size_inches(7.0, 4.0)
        plt.show()

    out = widgets.interactive_output(redraw, {"depth": depth_slider, "hidden": hidden_menu,
                                              "init": init_menu, "gain": gain_slider})
    controls = widgets.VBox([widgets.HBox([depth_slider, gain_slider]), widgets.HBox([hidden_menu, init_menu])])
    return widgets.VBox([controls, out])


def gradient_cost_widget(width: int = 100, depth: int = 3, batch: int = 32, n_in: int = 64, n_out: int = 10):
    """Sliders for hidden width, number of weight layers and batch size; redraws the multiply-add
    counts of :func:`bplib.gradient_costs` for ``[n_in] + [width] * (depth − 1) + [n_out]``.

    Returns
    -------
    ipywidgets.VBox
    """
    width_slider = widgets.IntSlider(value=width, min=1, max=1000, step=1, description="hidden width",
                                     continuous_update=False, style=_STYLE)
    depth_slider = widgets.IntSlider(value=depth, min=1, max=20, step=1, description="weight layers L",
                                     continuous_update=False, style=_STYLE)
    batch_slider = widgets.IntSlider(value=batch, min=1, max=256, step=1, description="batch m",
                                     continuous_update=False, style=_STYLE)

    def redraw(width, depth, batch):
        sizes = [n_in] + [width] * (depth - 1) + [n_out]
        c = gradient_costs(sizes, batch)
        title = (f"P = {c['parameters']:,}: backward / forward = {c['backward_over_forward']:.3f}, "
                 f"differences / backprop = {c['finite_differences_over_backprop']:.3g}")
        ax = plot_gradient_costs(c, title=title)
        ax.figure.set_size_inches(7.5, 4.0)
        plt.show()

    out = widgets.interactive_output(redraw, {"width": width_slider, "depth": depth_slider,
                                              "batch": batch_slider})
    return widgets.VBox([widgets.HBox([width_slider, depth_slider, batch_slider]), out])

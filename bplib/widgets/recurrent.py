"""Sliders for chapter 13.

The computation is :func:`bplib.jacobian_norms_by_lag` (numpy, tested directly and called with
fixed inputs in the chapter); the widget only connects sliders to it and to
:func:`bplib.plots.plot_jacobian_norms`.
"""
from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt

from ..plots.recurrent import plot_jacobian_norms
from ..sequences import jacobian_norms_by_lag

__all__ = ["jacobian_norm_widget"]

_STYLE = {"description_width": "initial"}


def jacobian_norm_widget(radius: float = 1.0, input_scale: float = 0.01, lag: int = 20, T: int = 50,
                         n_h: int = 32, seed: int = 0):
    """Sliders for the spectral radius of W_h, the size of the inputs and a lag k; redraws
    ‖∂h_T/∂h_{T−k}‖₂ against the lag (:func:`bplib.jacobian_norms_by_lag`) and prints its value at k.

    Parameters
    ----------
    radius, input_scale, lag : initial values of the sliders
    T, n_h, seed : fixed length of the sequences, number of units and random weights

    Returns
    -------
    ipywidgets.VBox
    """
    radius_slider = widgets.FloatSlider(value=radius, min=0.5, max=1.5, step=0.05, description="ρ(W_h)",
                                        continuous_update=False, style=_STYLE)
    scale_slider = widgets.FloatLogSlider(value=input_scale, base=10, min=-3, max=1, step=0.25,
                                          description="input scale", continuous_update=False, style=_STYLE)
    lag_slider = widgets.IntSlider(value=lag, min=1, max=T, step=1, description="lag k",
                                   continuous_update=False, style=_STYLE)

    def redraw(radius, input_scale, lag):
        norms = jacobian_norms_by_lag(radius, n_h=n_h, T=T, input_scale=input_scale, seed=seed)
        ax = plot_jacobian_norms({radius: norms},
                                 title=f"input scale {input_scale:.3g}: ‖∂h_T/∂h_(T−{lag})‖ = {norms[lag]:.3g}")
        ax.axvline(lag, color="k", lw=0.8, ls="--")
        ax.figure.set_size_inches(7.0, 4.0)
        plt.show()

    out = widgets.interactive_output(redraw, {"radius": radius_slider, "input_scale": scale_slider,
                                              "lag": lag_slider})
    return widgets.VBox([widgets.HBox([radius_slider, scale_slider, lag_slider]), out])

"""Sliders for chapter 05: the step size, the precision, the scheme and the function of a
difference quotient.

The computation is :func:`bplib.difference_quotient`, :func:`bplib.step_size_errors` and
:func:`bplib.optimal_step` (numpy, tested directly); the widget only connects sliders to them and
to :func:`bplib.plots.plot_step_size_curve`.
"""
from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from ..gradcheck import (PRECISIONS, SCHEMES, SMOOTH_FUNCTIONS, difference_quotient, optimal_step,
                         relative_error)
from ..plots.gradcheck import plot_step_size_curve

__all__ = ["step_size_widget"]


def step_size_widget(name: str = "exp", x0: float = 1.0, log10_h: float = -6.0, dtype: str = "float64",
                     scheme: str = "central"):
    """Sliders for log₁₀ h, the precision and the scheme, and a menu for the function.

    Every change redraws the U-curve of :func:`bplib.plots.plot_step_size_curve` for the chosen
    function, precision and scheme, marks the chosen h, and prints its relative error next to the
    model's best step.

    Parameters
    ----------
    name : {"exp", "sin", "tanh"}   initial function
    x0 : float                      point of differentiation (fixed)
    log10_h : float                 initial log₁₀ of the step
    dtype : "float16", "float32" or "float64"   initial precision
    scheme : "forward" or "central"             initial scheme

    Returns
    -------
    ipywidgets.VBox
    """
    style = {"description_width": "initial"}
    step = widgets.FloatSlider(value=log10_h, min=-15.0, max=0.0, step=0.25, readout_format=".2f",
                               description="log₁₀ h", continuous_update=False, style=style)
    precision = widgets.SelectionSlider(options=list(PRECISIONS), value=dtype, description="precision",
                                        continuous_update=False, style=style)
    kind = widgets.SelectionSlider(options=list(SCHEMES)[::-1], value=scheme, description="scheme",
                                   continuous_update=False, style=style)
    function = widgets.Dropdown(options=list(SMOOTH_FUNCTIONS), value=name, description="function",
                                style=style)

    def redraw(log10_h, dtype, scheme, name):
        h = float(10.0 ** log10_h)
        exact = float(SMOOTH_FUNCTIONS[name].derivatives[0](np.float64(x0)))
        best = optimal_step(name, x0, scheme, dtype)
        try:
            err = relative_error(difference_quotient(name, x0, h, scheme, dtype), exact)
        except ValueError as exc:  # the step underflows to 0 in this precision
            print(f"{exc}: choose a larger step")
            h = None
        else:
            print(f"h = {h:.3g}: relative error {err:.2g}   (model's best step h* ≈ {best:.2g})")
        fig, ax = plt.subplots(figsize=(7, 4.3))
        plot_step_size_curve(name, x0, scheme, dtype, ax=ax, h=h)
        fig.tight_layout()
        plt.show()

    out = widgets.interactive_output(redraw, {"log10_h": step, "dtype": precision, "scheme": kind,
                                              "name": function})
    return widgets.VBox([widgets.HBox([step, precision]), widgets.HBox([kind, function]), out])

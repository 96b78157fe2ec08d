"""Slider for chapter 01: the learning rate of gradient descent on a quadratic bowl.

The computation is :func:`bplib.gradient_descent` on a :class:`bplib.QuadraticBowl` (numpy,
tested directly); the widget only connects a slider to it and to the figures of
:mod:`bplib.plots.descent`.
"""
from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt

from ..descent import QuadraticBowl, gradient_descent
from ..plots.descent import plot_descent_contours, plot_descent_values

__all__ = ["learning_rate_widget"]


def learning_rate_widget(bowl: QuadraticBowl, x0, lr: float = 0.1, steps: int = 40,
                         xlim=(-5.0, 5.0), ylim=(-2.5, 2.5), lr_max: float = 0.25):
    """A learning-rate slider for gradient descent on a 2-D quadratic bowl.

    Every change reruns ``gradient_descent(bowl.gradient, x0, lr, steps)`` and redraws the
    trajectory on the contour plot and f(x_k) against k; the title says how the run ended.

    Parameters
    ----------
    bowl : QuadraticBowl with 2 variables
    x0 : array_like, shape (2,)   starting point (fixed)
    lr : float                    initial slider value
    steps : int                   steps per run (fixed)
    xlim, ylim : window of the contour plot
    lr_max : float                right end of the slider

    Returns
    -------
    ipywidgets.VBox
    """
    slider = widgets.FloatSlider(value=lr, min=0.005, max=lr_max, step=0.001, readout_format=".3f",
                                 description="learning rate η", continuous_update=False,
                                 style={"description_width": "initial"},
                                 layout=widgets.Layout(width="60%"))

    def redraw(lr):
        run = gradient_descent(bowl.gradient, x0, lr, steps)
        fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
        plot_descent_contours(bowl.value, run, xlim, ylim, ax=left, minimum=bowl.minimum)
        plot_descent_values(bowl.value, run, ax=right)
        final = float(bowl.value(run.final))
        status = run.message if run.diverged else f"after {run.steps} steps f = {final:.3g}"
        fig.suptitle(f"η = {lr:.3f}: {status}", fontsize=10)
        fig.tight_layout()
        plt.show()

    out = widgets.interactive_output(redraw, {"lr": slider})
    return widgets.VBox([slider, out])

"""Slider for chapter 02: the learning rate of the two-neuron chain learning 5x + 3.

The computation is :func:`bplib.train_chain` (numpy-free Python floats, tested directly); the
widget only connects a slider to it and to the figures of :mod:`bplib.plots.chain`.
"""
from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt

from ..chain import SEED_000, train_chain
from ..plots.chain import plot_chain_errors, plot_chain_fit

__all__ = ["chain_learning_rate_widget"]


def chain_learning_rate_widget(lr: float = 0.0018, epochs: int = SEED_000["epochs"], lr_max: float = 0.0025,
                               setting: dict | None = None):
    """A learning-rate slider for per-sample training of the chain on the two-neuron tutorial's data.

    Every change reruns ``train_chain`` from the two-neuron tutorial's initial parameters and redraws the
    last-sample error per epoch and the learned line; the title says how training ended.

    Parameters
    ----------
    lr : float        initial slider value (η on L = (y − a²)²)
    epochs : int      epochs per run (fixed)
    lr_max : float    right end of the slider
    setting : dict, optional
        Overrides of the two-neuron tutorial's W1, W2, b1, b2, xs, ys.

    Returns
    -------
    ipywidgets.VBox
    """
    s = {k: SEED_000[k] for k in ("W1", "W2", "b1", "b2", "xs", "ys")}
    s.update(setting or {})
    slider = widgets.FloatSlider(value=lr, min=0.00005, max=lr_max, step=0.00001, readout_format=".5f",
                                 description="learning rate η", continuous_update=False,
                                 style={"description_width": "initial"},
                                 layout=widgets.Layout(width="60%"))

    def redraw(lr):
        run = train_chain(s["W1"], s["W2"], s["b1"], s["b2"], s["xs"], s["ys"], lr, epochs)
        fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
        plot_chain_errors(run, ax=left, threshold=1e-8)
        plot_chain_fit(run, s["xs"], s["ys"], ax=right)
        fig.suptitle(run.message, fontsize=10)
        fig.tight_layout()
        plt.show()

    out = widgets.interactive_output(redraw, {"lr": slider})
    return widgets.VBox([slider, out])

"""Sliders for chapters 03, 04 and 06.

- :func:`path_terms_widget` (chapter 03): pick a weight and an example, watch the path terms of
  its derivative add up; the computation is :func:`bplib.path_terms`.
- :func:`xor_setting_widget` (chapter 04): the initial weight scale and the learning rate of the
  XOR network; the computation is :func:`bplib.train_seeds`.
- :func:`training_loop_widget` (chapter 06): learning rate and batch size on a classification
  data set; the computation is :func:`bplib.training_run`.

Each factory only wires sliders to those functions and to :mod:`bplib.plots.training`.
"""
from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from ..index_form import index_backward, path_terms
from ..metrics import accuracy
from ..training import train_seeds, training_run
from ..plots.classification import plot_decision_boundary
from ..plots.training import plot_loss_curves, plot_path_terms, plot_seed_costs, plot_seed_outputs

__all__ = ["path_terms_widget", "xor_setting_widget", "training_loop_widget"]

_STYLE = {"description_width": "initial"}


def path_terms_widget(net, X, Y, layer: int = 1):
    """Sliders for the example and the weight w^l_jk; bars for the path terms of ∂C_x/∂w^l_jk.

    Parameters
    ----------
    net : MLP    elementwise activations, loss "mse"
    X : ndarray, shape (m, n_0)
    Y : ndarray, shape (m, n_L)
    layer : int  initial layer of the weight (1 … L)

    Returns
    -------
    ipywidgets.VBox
    """
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    L = len(net.weights)
    example = widgets.IntSlider(value=0, min=0, max=X.shape[0] - 1, description="example",
                                continuous_update=False, style=_STYLE)
    layer_s = widgets.IntSlider(value=layer, min=1, max=L, description="layer l", continuous_update=False,
                                style=_STYLE)
    j_s = widgets.IntSlider(value=1, min=1, max=max(net.sizes[1:]), description="j (to, from 1)",
                            continuous_update=False, style=_STYLE)
    k_s = widgets.IntSlider(value=1, min=1, max=max(net.sizes[:-1]), description="k (from, from 1)",
                            continuous_update=False, style=_STYLE)

    def redraw(example, layer, j, k):
        j, k = min(j, net.sizes[layer]) - 1, min(k, net.sizes[layer - 1]) - 1
        x, y = X[example], Y[example]
        result = path_terms(net, x, y, layer, j, k)
        backprop = float(index_backward(net, x, y)[0][layer - 1][j, k])
        fig, ax = plt.subplots(figsize=(7.5, 4.0))
        plot_path_terms(result, ax=ax, reference=backprop,
                        title=f"x = {x.tolist()}: {len(result.terms)} path(s), sum {result.total:.6g}, "
                              f"backpropagation {backprop:.6g}")
        fig.tight_layout()
        plt.show()

    out = widgets.interactive_output(redraw, {"example": example, "layer": layer_s, "j": j_s, "k": k_s})
    return widgets.VBox([widgets.HBox([example, layer_s]), widgets.HBox([j_s, k_s]), out])


def xor_setting_widget(X, Y, sizes=(2, 3, 1), init: float = 0.1, lr: float = 0.1, epochs: int = 10_000,
                       seeds=range(10), loss: str = "mse"):
    """Sliders for the initial weight scale σ (weights ~ N(0, σ²)) and the learning rate.

    Each change trains one network per seed with :func:`bplib.train_seeds` and draws every run's
    cost and final outputs; the title counts the runs that solved the task.

    Parameters
    ----------
    X : ndarray, shape (m, n_0)
    Y : ndarray, shape (m, 1)
    sizes : sequence of int
    init, lr : float    initial slider values
    epochs : int
    seeds : iterable of int
    loss : str          "mse" or "binary_cross_entropy"

    Returns
    -------
    ipywidgets.VBox
    """
    seeds = tuple(seeds)
    init_s = widgets.FloatLogSlider(value=init, base=10, min=-2, max=0.5, step=0.05, readout_format=".3g",
                                    description="initial weight scale σ", continuous_update=False,
                                    style=_STYLE, layout=widgets.Layout(width="60%"))
    lr_s = widgets.FloatLogSlider(value=lr, base=10, min=-2, max=1, step=0.05, readout_format=".3g",
                                  description="learning rate η", continuous_update=False, style=_STYLE,
                                  layout=widgets.Layout(width="60%"))

    def redraw(init, lr):
        trials = train_seeds(X, Y, list(sizes), init=init, lr=lr, epochs=epochs, seeds=seeds, loss=loss)
        fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.0))
        plot_seed_costs(trials, ax=left, label=f"{len(seeds)} seeds")
        plot_seed_outputs(trials, ax=right, input_names=["".join(str(int(v)) for v in row) for row in X])
        fig.suptitle(trials.summary(), fontsize=10)
        fig.tight_layout()
        plt.show()

    out = widgets.interactive_output(redraw, {"init": init_s, "lr": lr_s})
    return widgets.VBox([init_s, lr_s, out])


def training_loop_widget(net, X, labels, lr: float = 1.0, batch_size: int = 10, epochs: int = 100,
                         batch_sizes=(1, 2, 5, 10, 20, 50, 100, 200), seed: int = 0):
    """Sliders for the learning rate and the batch size of :func:`bplib.training_run` on a 2-D data set.

    Every change trains a copy of ``net`` from the same start and draws the cost per epoch and the
    decision boundary; the title gives the accuracy or the divergence message.

    Parameters
    ----------
    net : MLP with 2 inputs and one sigmoid output
    X : ndarray, shape (m, 2)
    labels : ndarray of int, shape (m,)   classes 0 and 1
    lr : float, batch_size : int          initial slider values
    epochs : int
    batch_sizes : sequence of int         positions of the batch-size slider (values > m mean full batch)
    seed : int                            shuffling seed

    Returns
    -------
    ipywidgets.VBox
    """
    labels = np.asarray(labels)
    Y = labels.reshape(-1, 1).astype(float)
    lr_s = widgets.FloatLogSlider(value=lr, base=10, min=-2, max=2, step=0.1, readout_format=".3g",
                                  description="learning rate η", continuous_update=False, style=_STYLE,
                                  layout=widgets.Layout(width="60%"))
    size_s = widgets.SelectionSlider(options=list(batch_sizes), value=batch_size, description="batch size b",
                                     continuous_update=False, style=_STYLE, layout=widgets.Layout(width="60%"))

    def redraw(lr, batch_size):
        run = training_run(net, X, Y, lr=lr, epochs=epochs, batch_size=batch_size, seed=seed)
        fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
        plot_loss_curves({f"η = {lr:.3g}, b = {batch_size}": run.history}, ax=left)
        if run.diverged:
            right.text(0.5, 0.5, "diverged: no boundary to draw", ha="center", va="center")
            right.set_axis_off()
            fig.suptitle(run.message, fontsize=9)
        else:
            acc = accuracy(labels, run.net.predict(X))
            plot_decision_boundary(run.net, X, labels, ax=right)
            fig.suptitle(f"{run.message}; training accuracy {acc:.1%}", fontsize=10)
        fig.tight_layout()
        plt.show()

    out = widgets.interactive_output(redraw, {"lr": lr_s, "batch_size": size_s})
    return widgets.VBox([lr_s, size_s, out])

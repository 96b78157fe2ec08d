"""Sliders for chapters 07 and 08.

The computations are :func:`bplib.train_classifier`, :func:`bplib.accuracy` and
:func:`bplib.layer_activations` (numpy, tested directly); the widgets only connect sliders to
them and to the figures of :mod:`bplib.plots.classification`.
"""
from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from ..metrics import accuracy, layer_activations, train_classifier
from ..plots.classification import plot_decision_boundary, plot_digit_prediction, plot_error_curve

__all__ = ["decision_boundary_widget", "digit_probabilities_widget"]


def decision_boundary_widget(X, labels, X_test=None, labels_test=None, lr: float = 1.0, seed: int = 0,
                             hidden_units: int = 10, l2: float = 1e-3, iterations: int = 1000):
    """Sliders for the hidden units, the L2 penalty λ and the iterations of a 2-D classifier.

    Every change retrains ``train_classifier(X, labels, hidden_units, l2, iterations, lr, seed)``
    (full batch, tanh hidden layer, softmax output) and redraws its decision boundary and its
    misclassified fraction per iteration; the title reports training (and held-out) accuracy.

    Parameters
    ----------
    X : ndarray, shape (m, 2)
    labels : ndarray of int, shape (m,)
    X_test, labels_test : optional held-out points, shapes (m', 2) and (m',)
    lr : float        learning rate (fixed)
    seed : int        initial weights (fixed)
    hidden_units, l2, iterations : initial slider values

    Returns
    -------
    ipywidgets.VBox
    """
    units = widgets.IntSlider(value=hidden_units, min=1, max=30, step=1, description="hidden units",
                              continuous_update=False, style={"description_width": "initial"})
    lam = widgets.FloatSlider(value=l2, min=0.0, max=0.05, step=0.001, readout_format=".3f",
                              description="λ (L2)", continuous_update=False,
                              style={"description_width": "initial"})
    iters = widgets.IntSlider(value=iterations, min=50, max=3000, step=50, description="iterations",
                              continuous_update=False, style={"description_width": "initial"})

    def redraw(hidden_units, l2, iterations):
        net, history = train_classifier(X, labels, hidden_units=hidden_units, l2=l2,
                                        iterations=iterations, lr=lr, seed=seed)
        title = f"training accuracy {accuracy(labels, net.predict(X)):.3f}"
        if X_test is not None:
            title += f", held-out {accuracy(labels_test, net.predict(X_test)):.3f}"
        fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), gridspec_kw={"width_ratios": [1.2, 1]})
        plot_decision_boundary(net, X, labels, ax=left, resolution=120, title=title)
        plot_error_curve(history.metrics["error_rate"], ax=right)
        fig.tight_layout()
        plt.show()

    out = widgets.interactive_output(redraw, {"hidden_units": units, "l2": lam, "iterations": iters})
    return widgets.VBox([widgets.HBox([units, lam, iters]), out])


def digit_probabilities_widget(net, X, labels, index: int = 0, image_shape=(8, 8)):
    """A slider that picks an image and shows it, the hidden activations and the probabilities.

    Parameters
    ----------
    net : MLP   a trained classifier (softmax output)
    X : ndarray, shape (m, h·w)    images as rows
    labels : ndarray of int, shape (m,)
    index : int   initial image
    image_shape : (h, w)

    Returns
    -------
    ipywidgets.VBox
    """
    X = np.asarray(X, dtype=float)
    labels = np.asarray(labels)
    picker = widgets.IntSlider(value=index, min=0, max=X.shape[0] - 1, step=1, description="test image",
                               continuous_update=False, style={"description_width": "initial"})

    def redraw(index):
        activations = layer_activations(net, X[index:index + 1])
        hidden = activations[0][0] if len(activations) > 1 else None
        plot_digit_prediction(X[index], activations[-1][0], hidden=hidden, true_label=int(labels[index]),
                              image_shape=image_shape)
        plt.show()

    out = widgets.interactive_output(redraw, {"index": picker})
    return widgets.VBox([picker, out])

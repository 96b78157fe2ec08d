"""Figures for classifiers (chapters 07 and 08).

Each function labels its axes and returns the Axes (or the Figure, for multi-panel figures);
none of them calls ``plt.show()``.  The numbers they draw come from :mod:`bplib.metrics`.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from ..metrics import class_probability_grid
from ._common import axes_or_new

__all__ = [
    "plot_decision_boundary", "plot_error_curve", "plot_learning_curves",
    "plot_confusion_matrix", "plot_weight_images", "plot_image_gallery", "plot_misclassified",
    "plot_probability_bars", "plot_digit_prediction",
]

#: colours of the classes in the plane (class 0, class 1, ...).
CLASS_COLOURS = ("#d1495b", "#2e86ab", "#edae49", "#66a182", "#8d6a9f")


#: size in inches of a figure drawn without a given ``ax``
FIGSIZE = (5.0, 4.0)


def _labels_1d(labels, name):
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise ValueError(f"{name}: expected a 1-D array of class labels of shape (m,), got shape {labels.shape}")
    return labels.astype(np.int64)


def plot_decision_boundary(net, X, labels, ax=None, resolution: int = 200, margin: float = 0.5,
                           title: str | None = None):
    """Shade the plane by the network's probability of class 1 and draw the points on top.

    The decision boundary (probability 0.5 for two classes, the argmax switching for more) is
    drawn as a black line; misclassified points are ringed in black.

    Parameters
    ----------
    net : MLP with 2 inputs and a softmax (or single sigmoid) output
    X : ndarray, shape (m, 2)
    labels : ndarray of int, shape (m,)
    ax : matplotlib Axes, optional
    resolution : int   grid points per axis of the shading
    margin : float     how far the shading extends beyond the points
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    labels = _labels_1d(labels, "labels")
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2 or X.shape[0] != labels.shape[0]:
        raise ValueError(f"X: expected shape ({labels.shape[0]}, 2) to match labels {labels.shape}, "
                         f"got {X.shape}")
    ax = axes_or_new(ax, FIGSIZE)
    xx, yy, P = class_probability_grid(net, X, resolution=resolution, margin=margin)
    if P.shape[2] == 1:
        p1 = P[..., 0]
    else:
        p1 = P[..., 1] if P.shape[2] == 2 else P.argmax(axis=2).astype(float)
    if P.shape[2] <= 2:
        shade = ax.contourf(xx, yy, p1, levels=np.linspace(0, 1, 11), cmap="RdBu", alpha=0.55)
        ax.contour(xx, yy, p1, levels=[0.5], colors="k", linewidths=1.2)
        plt.colorbar(shade, ax=ax, label="probability of class 1")
    else:
        ax.contourf(xx, yy, p1, levels=np.arange(P.shape[2] + 1) - 0.5, cmap="tab10", alpha=0.35)
    predicted = net.predict(X)
    for c in np.unique(labels):
        pts = X[labels == c]
        ax.scatter(pts[:, 0], pts[:, 1], s=16, color=CLASS_COLOURS[c % len(CLASS_COLOURS)],
                   edgecolors="white", linewidths=0.4, label=f"class {c}")
    wrong = predicted != labels
    if wrong.any():
        ax.scatter(X[wrong, 0], X[wrong, 1], s=70, facecolors="none", edgecolors="k", linewidths=1.2,
                   label="misclassified")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.legend(loc="lower left", fontsize=8, framealpha=0.9)
    if title:
        ax.set_title(title)
    return ax


def plot_error_curve(errors, ax=None, label: str | None = None, xlabel: str = "iteration",
                     log_y: bool = False):
    """The misclassified fraction after every iteration (entry 0 is before training).

    Parameters
    ----------
    errors : sequence of float, length T + 1   (e.g. ``history.metrics["error_rate"]``)
    ax : matplotlib Axes, optional
    label : str, optional     legend entry
    xlabel : str
    log_y : bool              logarithmic y axis

    Returns
    -------
    matplotlib Axes
    """
    errors = np.asarray(errors, dtype=float)
    if errors.ndim != 1:
        raise ValueError(f"errors: expected a 1-D sequence of shape (T+1,), got shape {errors.shape}")
    ax = axes_or_new(ax, (6.0, 3.5))
    ax.plot(np.arange(errors.shape[0]), errors, label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("misclassified fraction")
    if log_y:
        ax.set_yscale("log")
    else:
        ax.set_ylim(0, max(0.05, float(errors.max()) * 1.05))
    ax.grid(alpha=0.3)
    if label is not None:
        ax.legend()
    return ax


def plot_learning_curves(curves: dict, ax=None, xlabel: str = "epoch", ylabel: str = "test accuracy",
                         ylim=None):
    """One line per named curve, e.g. test accuracy per epoch for several models.

    Parameters
    ----------
    curves : dict name -> sequence of float
        Each sequence has one value per epoch, entry 0 before training.
    ax : matplotlib Axes, optional
    xlabel, ylabel : str
    ylim : (float, float), optional

    Returns
    -------
    matplotlib Axes
    """
    if not curves:
        raise ValueError("curves: expected at least one named curve, got none")
    ax = axes_or_new(ax, (6.5, 3.8))
    for name, values in curves.items():
        values = np.asarray(values, dtype=float)
        if values.ndim != 1:
            raise ValueError(f"curves[{name!r}]: expected a 1-D sequence, got shape {values.shape}")
        ax.plot(np.arange(values.shape[0]), values, label=name)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.grid(alpha=0.3)
    ax.legend()
    return ax


def plot_confusion_matrix(C, ax=None, class_names=None):
    """The confusion matrix as a grid of counts (rows: true class, columns: predicted class).

    The colour scale shows the off-diagonal errors; the diagonal (correct) counts are written in
    bold and left white so that they do not swamp the colours.

    Parameters
    ----------
    C : array_like of int, shape (k, k)
    ax : matplotlib Axes, optional
    class_names : sequence of str, length k, optional

    Returns
    -------
    matplotlib Axes
    """
    C = np.asarray(C)
    if C.ndim != 2 or C.shape[0] != C.shape[1]:
        raise ValueError(f"C: expected a square matrix of shape (k, k), got shape {C.shape}")
    k = C.shape[0]
    names = [str(i) for i in range(k)] if class_names is None else [str(n) for n in class_names]
    if len(names) != k:
        raise ValueError(f"class_names: expected {k} names, got {len(names)}")
    ax = axes_or_new(ax, (5.5, 4.8))
    errors = np.where(np.eye(k, dtype=bool), 0, C).astype(float)
    top = max(1.0, errors.max())
    image = ax.imshow(errors, cmap="Reds", vmin=0, vmax=top)
    bar = plt.colorbar(image, ax=ax, label="misclassified examples")
    bar.locator = MaxNLocator(integer=True)
    bar.update_ticks()
    for i in range(k):
        for j in range(k):
            if C[i, j] or i == j:
                ax.text(j, i, str(int(C[i, j])), ha="center", va="center", fontsize=8,
                        fontweight="bold" if i == j else "normal",
                        color="white" if errors[i, j] > 0.6 * top else "black")
    ax.set_xticks(range(k), names)
    ax.set_yticks(range(k), names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    return ax


def _grid(n, ncols, size=1.3):
    ncols = max(1, min(ncols, n))
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows + 0.3), squeeze=False)
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    return fig, axes.ravel()[:n]


def plot_weight_images(W, image_shape=(8, 8), ncols: int = 5, titles=None):
    """Each row of a weight matrix drawn as an image (weights into one output unit).

    Red is positive, blue negative, on one symmetric colour scale shared by all panels, so
    that the panels can be compared.

    Parameters
    ----------
    W : ndarray, shape (k, h·w)    e.g. the weights of a 64 → 10 layer
    image_shape : (h, w)
    ncols : int
    titles : sequence of str, length k, optional (default "unit 0", "unit 1", ...)

    Returns
    -------
    matplotlib Figure
    """
    W = np.asarray(W, dtype=float)
    h, w = image_shape
    if W.ndim != 2 or W.shape[1] != h * w:
        raise ValueError(f"W: expected shape (k, {h * w}) for images of shape {image_shape}, got {W.shape}")
    titles = [f"unit {i}" for i in range(W.shape[0])] if titles is None else list(titles)
    if len(titles) != W.shape[0]:
        raise ValueError(f"titles: expected {W.shape[0]} titles, got {len(titles)}")
    limit = float(np.abs(W).max()) or 1.0
    fig, axes = _grid(W.shape[0], ncols, size=1.5)
    for ax, row, title in zip(axes, W, titles):
        image = ax.imshow(row.reshape(h, w), cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_title(title, fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.colorbar(image, ax=list(axes), shrink=0.8, label="weight")
    return fig


def plot_image_gallery(X, titles=None, image_shape=(8, 8), ncols: int = 10, suptitle: str | None = None):
    """Images given as row vectors, drawn in a grid (dark = ink).

    Parameters
    ----------
    X : ndarray, shape (n, h·w)   one image per row, values ≥ 0
    titles : sequence of str, length n, optional
    image_shape : (h, w)          each row is reshaped row-major: pixel (r, c) is entry r·w + c
    ncols : int
    suptitle : str, optional

    Returns
    -------
    matplotlib Figure
    """
    X = np.asarray(X, dtype=float)
    h, w = image_shape
    if X.ndim != 2 or X.shape[1] != h * w:
        raise ValueError(f"X: expected shape (n, {h * w}) for images of shape {image_shape}, got {X.shape}")
    if X.shape[0] == 0:
        raise ValueError("X: expected at least one image, got shape (0, ...)")
    titles = [None] * X.shape[0] if titles is None else list(titles)
    if len(titles) != X.shape[0]:
        raise ValueError(f"titles: expected {X.shape[0]} titles, got {len(titles)}")
    fig, axes = _grid(X.shape[0], ncols)
    top = max(1.0, float(X.max()))
    for ax, row, title in zip(axes, X, titles):
        ax.imshow(row.reshape(h, w), cmap="gray_r", vmin=0, vmax=top)
        if title is not None:
            ax.set_title(title, fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    if suptitle:
        fig.suptitle(suptitle, fontsize=10)
    return fig


def plot_misclassified(X, y_true, y_pred, image_shape=(8, 8), max_images: int = 12, ncols: int = 6,
                       probabilities=None):
    """A gallery of the examples a classifier gets wrong, titled "true → predicted".

    Parameters
    ----------
    X : ndarray, shape (m, h·w)   images as row vectors
    y_true, y_pred : ndarray of int, shape (m,)
    image_shape : (h, w)
    max_images : int   at most this many (the first ones, in index order)
    ncols : int
    probabilities : ndarray, shape (m, k), optional
        If given, the title also shows the probability of the predicted class.

    Returns
    -------
    matplotlib Figure
    """
    X = np.asarray(X, dtype=float)
    y_true, y_pred = _labels_1d(y_true, "y_true"), _labels_1d(y_pred, "y_pred")
    h, w = image_shape
    if X.ndim != 2 or X.shape[1] != h * w:
        raise ValueError(f"X: expected shape (m, {h * w}) for images of shape {image_shape}, got {X.shape}")
    if not (X.shape[0] == y_true.shape[0] == y_pred.shape[0]):
        raise ValueError(f"X, y_true and y_pred must have the same number of rows, got X {X.shape}, "
                         f"y_true {y_true.shape} and y_pred {y_pred.shape}")
    if probabilities is not None:
        probabilities = np.asarray(probabilities, dtype=float)
        if probabilities.ndim != 2 or probabilities.shape[0] != X.shape[0]:
            raise ValueError(f"probabilities: expected shape ({X.shape[0]}, k), got {probabilities.shape}")
    wrong = np.flatnonzero(y_true != y_pred)[:max_images]
    if wrong.size == 0:
        fig, ax = plt.subplots(figsize=(4, 1))
        ax.text(0.5, 0.5, "no misclassified examples", ha="center", va="center")
        ax.set_axis_off()
        return fig
    titles = [f"{y_true[i]} → {y_pred[i]}" + ("" if probabilities is None else
                                               f" ({probabilities[i, y_pred[i]]:.2f})") for i in wrong]
    return plot_image_gallery(X[wrong], titles, image_shape=image_shape, ncols=ncols,
                              suptitle="true → predicted" + ("" if probabilities is None else
                                                             " (probability of the prediction)"))


def plot_probability_bars(p, true_label: int | None = None, ax=None, class_names=None):
    """Bar chart of one example's class probabilities; the true class's bar is green.

    Parameters
    ----------
    p : array_like, shape (k,)
    true_label : int, optional
    ax : matplotlib Axes, optional
    class_names : sequence of str, length k, optional

    Returns
    -------
    matplotlib Axes
    """
    p = np.asarray(p, dtype=float)
    if p.ndim != 1:
        raise ValueError(f"p: expected a 1-D vector of class probabilities of shape (k,), got shape {p.shape}")
    k = p.shape[0]
    names = [str(i) for i in range(k)] if class_names is None else [str(n) for n in class_names]
    ax = axes_or_new(ax, (4.5, 3.0))
    colours = ["#9aa5b1"] * k
    if true_label is not None:
        colours[int(true_label)] = "#3c9d5d"
    ax.bar(range(k), p, color=colours)
    ax.set_xticks(range(k), names)
    ax.set_ylim(0, 1)
    ax.set_xlabel("class")
    ax.set_ylabel("probability")
    return ax


def plot_digit_prediction(x, probabilities, hidden=None, true_label: int | None = None,
                          image_shape=(8, 8)):
    """One image, the hidden layer's activations (if any) and the output probabilities.

    Parameters
    ----------
    x : array_like, shape (h·w,)           the image as a vector
    probabilities : array_like, shape (k,)
    hidden : array_like, shape (n_1,), optional   hidden activations
    true_label : int, optional
    image_shape : (h, w)

    Returns
    -------
    matplotlib Figure
    """
    x = np.asarray(x, dtype=float)
    h, w = image_shape
    if x.shape != (h * w,):
        raise ValueError(f"x: expected a 1-D image vector of shape ({h * w},), got shape {x.shape}")
    panels = 3 if hidden is not None else 2
    fig, axes = plt.subplots(1, panels, figsize=(3.2 * panels, 2.8),
                             gridspec_kw={"width_ratios": [1] + [1.6] * (panels - 1)})
    axes[0].imshow(x.reshape(h, w), cmap="gray_r", vmin=0, vmax=max(1.0, float(x.max())))
    axes[0].set_title("input" + (f" (true {true_label})" if true_label is not None else ""), fontsize=10)
    axes[0].set_xticks([])
    axes[0].set_yticks([])
    if hidden is not None:
        hidden = np.asarray(hidden, dtype=float)
        if hidden.ndim != 1:
            raise ValueError(f"hidden: expected a 1-D vector of shape (n_1,), got shape {hidden.shape}")
        axes[1].bar(range(hidden.shape[0]), hidden, color="#8d6a9f")
        axes[1].set_ylim(min(-1.05, float(hidden.min())), max(1.05, float(hidden.max())))
        axes[1].set_xlabel("hidden unit")
        axes[1].set_ylabel("activation")
        axes[1].set_title("hidden layer", fontsize=10)
    plot_probability_bars(probabilities, true_label=true_label, ax=axes[-1])
    axes[-1].set_title(f"output: predicted {int(np.argmax(probabilities))}", fontsize=10)
    fig.tight_layout()
    return fig

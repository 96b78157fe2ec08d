"""Figures of chapter 12: kernels, feature maps, which pixels a kernel gradient sees, and the
accuracy of two models on shifted digits."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from ._common import axes_or_new

__all__ = ["plot_kernels", "plot_feature_maps", "plot_kernel_footprint", "plot_shift_accuracy"]


def _panels(n, ncols, size):
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows), squeeze=False)
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    return fig, list(axes.ravel()[:n])


def plot_kernels(W, ncols: int = 6, titles=None):
    """Every kernel of a one-channel convolution as a small image (red positive, blue negative,
    one colour scale for all), with its weights written in the cells.

    Parameters
    ----------
    W : ndarray, shape (C_out, 1, k, k)
    ncols : int
    titles : sequence of str, optional (default "kernel 0", ...)

    Returns
    -------
    matplotlib Figure
    """
    W = np.asarray(W, dtype=float)
    if W.ndim != 4 or W.shape[1] != 1:
        raise ValueError(f"W: expected shape (C_out, 1, k, k), got shape {W.shape}")
    titles = [f"kernel {o}" for o in range(W.shape[0])] if titles is None else list(titles)
    limit = float(np.abs(W).max()) or 1.0
    fig, axes = _panels(W.shape[0], ncols, 1.7)
    ncols = min(ncols, W.shape[0])
    for index, (ax, kernel, title) in enumerate(zip(axes, W[:, 0], titles)):
        image = ax.imshow(kernel, cmap="RdBu_r", vmin=-limit, vmax=limit)
        for (r, c), value in np.ndenumerate(kernel):
            ax.text(c, r, f"{value:.1f}", ha="center", va="center", fontsize=6)
        ax.set_title(title, fontsize=9)
        ax.set_xticks(range(kernel.shape[1]))
        ax.set_yticks(range(kernel.shape[0]))
        ax.tick_params(labelsize=6)
        if index % ncols == 0:
            ax.set_ylabel("p (row)", fontsize=7)
        if index + ncols >= len(axes):
            ax.set_xlabel("q (column)", fontsize=7)
    fig.subplots_adjust(hspace=0.45, wspace=0.3)
    fig.colorbar(image, ax=axes, shrink=0.8, label="weight")
    return fig


def plot_feature_maps(image, maps, pooled=None, ncols: int = 6, title_prefix: str = "map"):
    """An input image and the feature maps a convolution (and optionally the pooling) makes of it.

    Parameters
    ----------
    image : ndarray, shape (h, w)
    maps : ndarray, shape (C, h', w')    e.g. ReLU(conv2d(...))[n]
    pooled : ndarray, shape (C, h'', w''), optional   drawn in a second row per map
    ncols : int

    Returns
    -------
    matplotlib Figure
    """
    image, maps = np.asarray(image, dtype=float), np.asarray(maps, dtype=float)
    if image.ndim != 2 or maps.ndim != 3:
        raise ValueError(f"image, maps: expected shapes (h, w) and (C, h', w'), got {image.shape} and {maps.shape}")
    rows = [("input", image)] + [(f"{title_prefix} {c}", m) for c, m in enumerate(maps)]
    if pooled is not None:
        pooled = np.asarray(pooled, dtype=float)
        rows += [(f"pooled {c}", p) for c, p in enumerate(pooled)]
    fig, axes = _panels(len(rows), ncols, 1.5)
    top = float(maps.max()) or 1.0
    for ax, (title, m) in zip(axes, rows):
        cmap, vmax = ("gray_r", 1.0) if title == "input" else ("viridis", top)
        ax.imshow(m, cmap=cmap, vmin=0.0, vmax=vmax)
        ax.set_title(title, fontsize=8)
        ax.set_xticks([])
        ax.set_yticks([])
    axes[0].set_xlabel("column", fontsize=8)
    axes[0].set_ylabel("row", fontsize=8)
    fig.subplots_adjust(hspace=0.45)
    return fig


def plot_kernel_footprint(counts, padding: int, out_size: int, p: int, q: int, ax=None):
    """Which pixels of the padded input enter ∂C/∂W[p, q] (from :func:`bplib.kernel_gradient_footprint`).

    Shaded: pixels used, once per output position; the dashed frame is the padding.
    """
    counts = np.asarray(counts)
    ax = axes_or_new(ax, (4.2, 4.2))
    ax.imshow(counts > 0, cmap="Oranges", vmin=0, vmax=1.6)
    size = counts.shape[0]
    if padding:
        ax.add_patch(Rectangle((padding - 0.5, padding - 0.5), size - 2 * padding, size - 2 * padding,
                               fill=False, linestyle="--", linewidth=1.5, edgecolor="k"))
    ax.set_xticks(range(size))
    ax.set_yticks(range(size))
    ax.tick_params(labelsize=7)
    ax.set_xlabel("column of the padded input")
    ax.set_ylabel("row of the padded input")
    used = int((counts > 0).sum())
    ax.set_title(f"∂C/∂W[{p}, {q}] sees {used} pixels; output {out_size}×{out_size}", fontsize=9)
    return ax


def plot_shift_accuracy(results: dict, ax=None):
    """Test accuracy of several models on the original and on shifted test images.

    Parameters
    ----------
    results : dict  model name -> dict condition -> array of accuracies (one per seed)
        Bars show the mean, whiskers the smallest and largest value over the seeds.
    """
    ax = axes_or_new(ax, (7.0, 3.8))
    names = list(results)
    conditions = list(results[names[0]])
    width = 0.8 / len(names)
    x = np.arange(len(conditions))
    for k, name in enumerate(names):
        accs = [np.asarray(results[name][c], dtype=float) for c in conditions]
        mean = np.array([a.mean() for a in accs])
        low = mean - np.array([a.min() for a in accs])
        high = np.array([a.max() for a in accs]) - mean
        ax.bar(x + (k - (len(names) - 1) / 2) * width, mean, width, yerr=[low, high], capsize=3, label=name)
    ax.set_xticks(x)
    ax.set_xticklabels(conditions, fontsize=8)
    ax.set_ylim(0, 1)
    ax.set_xlabel("test images")
    ax.set_ylabel("accuracy")
    ax.legend(fontsize=8, loc="lower left")
    return ax

"""What the figure modules of bplib.plots share."""
from __future__ import annotations

import matplotlib.pyplot as plt


def axes_or_new(ax, figsize):
    """``ax`` if one is given, else the axes of a new figure of ``figsize`` inches."""
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax

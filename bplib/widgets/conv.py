"""Sliders for chapter 12: input size, kernel size, stride and padding, the output shape, and
which input pixels the gradient of one kernel weight sees.

The computation is :func:`bplib.kernel_gradient_footprint` (numpy, tested directly and called
with fixed inputs in the chapter); the widget only connects the sliders to it and to
:func:`bplib.plots.conv.plot_kernel_footprint`.
"""
from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt

from ..cnn import kernel_gradient_footprint
from ..plots.conv import plot_kernel_footprint

__all__ = ["kernel_footprint_widget"]

_STYLE = {"description_width": "initial"}


def kernel_footprint_widget(n: int = 8, k: int = 3, stride: int = 1, padding: int = 1, p: int = 0, q: int = 0):
    """Sliders for n, k, stride, padding and the kernel entry (p, q); redraws the padded input
    with the pixels that enter ∂C/∂W[p, q] shaded and prints the output size.

    Returns
    -------
    ipywidgets.VBox
    """
    def slider(value, low, high, name):
        return widgets.IntSlider(value=value, min=low, max=high, step=1, description=name,
                                 continuous_update=False, style=_STYLE)

    n_s, k_s = slider(n, 3, 12, "input size n"), slider(k, 1, 5, "kernel size K")
    s_s, pad_s = slider(stride, 1, 4, "stride s"), slider(padding, 0, 3, "padding P")
    p_s, q_s = slider(p, 0, 4, "kernel row"), slider(q, 0, 4, "kernel column")

    def redraw(n, k, stride, padding, p, q):
        if k > n + 2 * padding:
            print(f"kernel {k} is larger than the padded input {n + 2 * padding}: no output")
            return
        p, q = min(p, k - 1), min(q, k - 1)
        counts, out = kernel_gradient_footprint(n, k, stride, padding, p, q)
        unused = (n + 2 * padding) - ((out - 1) * stride + k)
        print(f"output {out}×{out} = floor(({n} + 2·{padding} − {k}) / {stride}) + 1;"
              f" rows/columns of the padded input that no window reaches: {unused}")
        plot_kernel_footprint(counts, padding, out, p, q)
        plt.show()

    out = widgets.interactive_output(redraw, {"n": n_s, "k": k_s, "stride": s_s, "padding": pad_s,
                                              "p": p_s, "q": q_s})
    controls = widgets.VBox([widgets.HBox([n_s, k_s]), widgets.HBox([s_s, pad_s]), widgets.HBox([p_s, q_s])])
    return widgets.VBox([controls, out])

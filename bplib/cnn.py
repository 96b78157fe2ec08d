"""Chapter 12's helpers: a small convolutional network for the digits, its training loop,
shifted test images, the exercise checkers and the slips the pitfall boxes plant.

The mathematics lives in :mod:`bplib.conv`; this module only calls it.
"""
from __future__ import annotations

import numpy as np

from ._validate import _real, as_float_array, as_matrix, positive_int, positive_number, seed as _seed
from .activations import relu, softmax
from .conv import (_array, _check_dY, _conv_args, conv2d, conv2d_bias_grad, conv2d_input_grad_flipped, conv2d_kernel_grad, conv_output_size,
                   im2col, max_pool2d, max_pool2d_backward)
from .losses import cross_entropy_from_logits, softmax_cross_entropy_delta

__all__ = [
    "SmallCNN", "train_cnn", "shift_images", "as_images",
    "kernel_gradient_footprint", "check_conv_output_size", "check_correlate1d_gradients",
    "input_grad_unflipped", "kernel_grad_overwritten", "kernel_grad_transposed_im2col",
]


def as_images(X, size: int = 8) -> np.ndarray:
    """Digits as images: (m, size²) rows → (m, 1, size, size); (m, 1, size, size) is returned as is."""
    arr = np.asarray(as_float_array(X, "X"), dtype=np.float64)  # text, masked entries, NaN/inf
    if arr.ndim == 2 and arr.shape[1] == size * size:
        return arr.reshape(arr.shape[0], 1, size, size)
    if arr.ndim == 4 and arr.shape[1:] == (1, size, size):
        return arr
    raise ValueError(f"X: expected shape (m, {size * size}) or (m, 1, {size}, {size}), got shape {arr.shape}")


def shift_images(X, rows: int = 0, cols: int = 0, size: int = 8) -> np.ndarray:
    """Move every image by ``rows`` pixels down and ``cols`` pixels right, filling with zeros.

    Parameters
    ----------
    X : ndarray, shape (m, size²)   images stored as rows, as :func:`bplib.digits_split` returns
    rows, cols : int   shift (negative: up / left)

    Returns
    -------
    ndarray, shape (m, size²)

    Examples
    --------
    >>> shift_images(np.arange(4.0).reshape(1, 4), cols=1, size=2)
    array([[0., 0., 0., 2.]])
    """
    X = as_matrix(X, "X", cols=size * size)
    for value, name in ((rows, "rows"), (cols, "cols")):
        if _real(value, name, "an integer number of pixels") != int(value):
            raise TypeError(f"{name}: expected an integer number of pixels, got {value!r}")
    images = X.reshape(-1, size, size)
    out = np.zeros_like(images)
    src_r = slice(max(0, -rows), size - max(0, rows))
    dst_r = slice(max(0, rows), size - max(0, -rows))
    src_c = slice(max(0, -cols), size - max(0, cols))
    dst_c = slice(max(0, cols), size - max(0, -cols))
    out[:, dst_r, dst_c] = images[:, src_r, src_c]
    return out.reshape(X.shape)


class SmallCNN:
    """conv (1 → ``channels``, k×k, padding k//2) → ReLU → max-pool 2×2 → dense → softmax.

    Every gradient comes from the backward functions of :mod:`bplib.conv` and the four
    equations' batch forms: ``conv2d_kernel_grad``, ``conv2d_bias_grad``, ``max_pool2d_backward``, the ReLU's 0/1
    derivative and the fused softmax + cross-entropy delta (A − Y)/m of chapter 07.

    Parameters
    ----------
    channels : int   number of kernels (feature maps)
    kernel : int     kernel size k (odd, so that padding k//2 keeps the image size)
    image_size : int
    n_classes : int
    seed : int       He-initialised kernels, Xavier-initialised dense weights, zero biases

    Examples
    --------
    >>> net = SmallCNN(channels=8, seed=0)
    >>> net.n_params
    1370
    >>> net.forward(np.zeros((3, 64))).shape
    (3, 10)
    """

    pool = 2

    def __init__(self, channels: int = 8, kernel: int = 3, image_size: int = 8, n_classes: int = 10,
                 seed: int = 0):
        self.channels, self.kernel = positive_int(channels, "channels"), positive_int(kernel, "kernel")
        self.image_size, self.n_classes = positive_int(image_size, "image_size"), positive_int(n_classes, "n_classes")
        if kernel % 2 == 0:
            raise ValueError(f"kernel: must be odd so that padding kernel // 2 keeps the image size, got {kernel}")
        self.padding = kernel // 2
        rng = np.random.default_rng(_seed(seed))
        n_flat = channels * (image_size // self.pool) ** 2
        self.W1 = rng.normal(0.0, np.sqrt(2.0 / kernel ** 2), size=(channels, 1, kernel, kernel))
        self.b1 = np.zeros(channels)
        self.W2 = rng.normal(0.0, np.sqrt(1.0 / n_flat), size=(n_classes, n_flat))
        self.b2 = np.zeros(n_classes)

    @property
    def params(self) -> list[np.ndarray]:
        return [self.W1, self.b1, self.W2, self.b2]

    @property
    def n_params(self) -> int:
        return int(sum(p.size for p in self.params))

    def forward_pass(self, X):
        """All intermediate values: dict with X (images), Z1, A1, P (pooled), F (flat), Z2, A2."""
        X4 = as_images(X, self.image_size)
        Z1 = conv2d(X4, self.W1, self.b1, stride=1, padding=self.padding)
        A1 = relu(Z1)
        P = max_pool2d(A1, self.pool)
        F = P.reshape(P.shape[0], -1)
        Z2 = F @ self.W2.T + self.b2
        return dict(X=X4, Z1=Z1, A1=A1, P=P, F=F, Z2=Z2, A2=softmax(Z2))

    def forward(self, X) -> np.ndarray:
        """Class probabilities, shape (m, n_classes)."""
        return self.forward_pass(X)["A2"]

    def predict(self, X) -> np.ndarray:
        return self.forward_pass(X)["Z2"].argmax(axis=1)

    def loss(self, X, Y) -> float:
        """Mean cross-entropy of the batch."""
        return cross_entropy_from_logits(self.forward_pass(X)["Z2"], Y)

    def gradients(self, X, Y) -> list[np.ndarray]:
        """[∂C/∂W1, ∂C/∂b1, ∂C/∂W2, ∂C/∂b2] for the mean cross-entropy C of the batch."""
        c = self.forward_pass(X)
        delta2 = softmax_cross_entropy_delta(c["A2"], Y)          # (m, n_classes), eq-ce-softmax-delta
        dW2, db2 = delta2.T @ c["F"], delta2.sum(axis=0)          # eq-bp4, eq-bp3
        dP = (delta2 @ self.W2).reshape(c["P"].shape)             # back through the flattening
        dA1 = max_pool2d_backward(dP, c["A1"], self.pool)          # routes to the maxima
        dZ1 = dA1 * (c["Z1"] > 0)                                  # ReLU
        # the images are inputs, not parameters: like chapter 10's engine, skip their gradient
        dW1 = conv2d_kernel_grad(dZ1, c["X"], self.W1, stride=1, padding=self.padding)
        db1 = conv2d_bias_grad(dZ1)
        return [dW1, db1, dW2, db2]

    def get_params(self) -> np.ndarray:
        return np.concatenate([p.ravel() for p in self.params])

    def set_params(self, theta) -> None:
        theta = np.asarray(as_float_array(theta, "theta"), dtype=np.float64)  # NaN/inf rejected
        if theta.shape != (self.n_params,):
            raise ValueError(f"theta: expected shape ({self.n_params},), got shape {theta.shape}")
        start, new = 0, []
        for p in self.params:
            new.append(theta[start:start + p.size].reshape(p.shape).copy())
            start += p.size
        self.W1, self.b1, self.W2, self.b2 = new

    def loss_at(self, theta, X, Y) -> float:
        """The loss with the parameters replaced by the flat vector ``theta`` (for gradient checks)."""
        saved = self.get_params()
        self.set_params(theta)
        try:
            return self.loss(X, Y)
        finally:
            self.set_params(saved)

    def flat_gradients(self, X, Y) -> np.ndarray:
        return np.concatenate([g.ravel() for g in self.gradients(X, Y)])


def train_cnn(net: SmallCNN, X, Y, lr: float = 0.1, epochs: int = 20, batch_size: int = 32, seed: int = 0):
    """Mini-batch gradient descent on ``net`` in place; returns the training cost after every epoch.

    Parameters
    ----------
    net : SmallCNN
    X : ndarray, shape (m, 64)
    Y : ndarray, shape (m, n_classes)   one-hot
    lr : float, > 0
    epochs, batch_size : int, ≥ 1
    seed : int   seed of the generator that shuffles the examples every epoch

    Returns
    -------
    list of float, length epochs + 1 (the cost before training first)
    """
    if not isinstance(net, SmallCNN):
        raise TypeError(f"net: expected a bplib.SmallCNN, got {type(net).__name__}")
    lr, epochs = positive_number(lr, "lr"), positive_int(epochs, "epochs")
    batch_size = positive_int(batch_size, "batch_size")
    X = as_images(X, net.image_size)
    Y = as_matrix(Y, "Y", rows=X.shape[0], cols=net.n_classes)
    rng = np.random.default_rng(_seed(seed))
    costs = [net.loss(X, Y)]
    for _ in range(epochs):
        order = rng.permutation(X.shape[0])
        for start in range(0, X.shape[0], batch_size):
            idx = order[start:start + batch_size]
            grads = net.gradients(X[idx], Y[idx])
            net.W1, net.b1, net.W2, net.b2 = [p - lr * g for p, g in zip(net.params, grads)]
        costs.append(net.loss(X, Y))
    return costs


# ---------------------------------------------------------------------------- exercises
def kernel_gradient_footprint(n: int, k: int, stride: int = 1, padding: int = 0, p: int = 0, q: int = 0):
    """How often each pixel of the padded n×n input enters ∂C/∂W[p, q] (eq-conv2d-kernel-grad).

    ∂C/∂W[p, q] = Σ_{i, j} dY[i, j] X̃[s·i + p, s·j + q]: the pixels X̃[s·i + p, s·j + q] for every
    output position (i, j), once each.  Returns an integer array of shape (n + 2·padding,) * 2,
    together with the output size.

    Examples
    --------
    >>> counts, out = kernel_gradient_footprint(4, 3, stride=1, padding=0, p=0, q=0)
    >>> out, int(counts.sum())
    (2, 4)
    """
    out = conv_output_size(n, k, stride, padding)
    if not (0 <= p < k and 0 <= q < k):
        raise ValueError(f"p, q: kernel entry must lie in 0 … {k - 1}, got ({p}, {q})")
    size = n + 2 * padding
    counts = np.zeros((size, size), dtype=int)
    for i in range(out):
        for j in range(out):
            counts[stride * i + p, stride * j + q] += 1
    return counts, out


def check_conv_output_size(answer, n: int, k: int, stride: int = 1, padding: int = 0) -> str:
    """Tell a reader whether ``answer`` is the output size of an n-pixel input (eq-conv-output-size)."""
    right = conv_output_size(n, k, stride, padding)
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return f"Not yet: the answer should be a whole number, got {answer!r}."
    if value == right:
        return f"Right: {n} pixels, kernel {k}, stride {stride}, padding {padding} give {right} outputs."
    hints = []
    if value == (n + padding - k) // stride + 1:
        hints.append("the padding is added on both sides, so the padded length is n + 2P")
    if value == (n + 2 * padding - k) // stride:
        hints.append("count the first window too: (n + 2P − k)/s windows fit after it, so add 1")
    if value == -(-(n + 2 * padding - k) // stride) + 1 and value != right:
        hints.append("round down: a window that would stick out of the padded input is not used")
    if value == (n + 2 * padding - k) / stride + 1:
        hints.append("round (n + 2P − k)/s down before adding 1")
    hint = "; ".join(hints) if hints else ("count the windows: the first starts at 0, each next one s further, "
                                           "the last must end inside the padded input")
    return f"Not yet: {hint}."


def check_correlate1d_gradients(dx, dw, dy, x, w) -> str:
    """Tell a reader whether (dx, dw) are the gradients of y = correlate1d(x, w) for upstream dy (eq-conv1d-vjp)."""
    from .conv import correlate1d_backward

    right_dx, right_dw = correlate1d_backward(dy, x, w)
    try:
        dx, dw = np.asarray(dx, dtype=float), np.asarray(dw, dtype=float)
    except (TypeError, ValueError):
        return f"Not yet: dx and dw should be arrays of numbers, got {dx!r} and {dw!r}."
    if not (np.isfinite(dx).all() and np.isfinite(dw).all()):
        return "Not yet: dx and dw should hold finite numbers, got NaN or inf."
    notes = []
    if dx.shape != right_dx.shape:
        notes.append(f"dx has one entry per input, shape {right_dx.shape}, got {dx.shape}")
    elif not np.allclose(dx, right_dx, atol=1e-6):
        unflipped = np.convolve(np.asarray(dy, float), np.asarray(w, float)[::-1], mode="full")
        if np.allclose(dx, unflipped, atol=1e-6):
            notes.append("dx: x_j meets w_k in y_{j−k}, so the kernel runs backwards over dy (flip it)")
        else:
            notes.append("dx: collect, for every x_j, each output y_i it entered, times the weight it met there")
    if dw.shape != right_dw.shape:
        notes.append(f"dw has one entry per weight, shape {right_dw.shape}, got {dw.shape}")
    elif not np.allclose(dw, right_dw, atol=1e-6):
        notes.append("dw: w_k is used at every output position i, so sum dy_i · x_{i+k} over all of them")
    if notes:
        return "Not yet: " + "; ".join(notes) + "."
    return "Right: both gradients match eq-conv1d-vjp."


# ---------------------------------------------------------------------------- planted slips
def _slip_args(X, W, dY, stride, padding):
    X, W, dY = (_array(X, "X", 4, "(m, C_in, H, W)"), _array(W, "W", 4, "(C_out, C_in, kh, kw)"),
                _array(dY, "dY", 4, "(m, C_out, H_out, W_out)"))
    _check_dY(dY, _conv_args(X, W, None, stride, padding, need_b=False)[-1])  # the slip, not the shapes
    return X, W, dY


def input_grad_unflipped(dY, X, W, stride: int = 1, padding: int = 0):
    """A slip: the input gradient as a full correlation with the kernel *not* flipped."""
    W = _array(W, "W", 4, "(C_out, C_in, kh, kw)")
    return conv2d_input_grad_flipped(dY, X, W[:, :, ::-1, ::-1], stride, padding)


def kernel_grad_overwritten(dY, X, W, stride: int = 1, padding: int = 0):
    """A slip: the loop assigns (``=``) each position's contribution to ∂C/∂W instead of adding it."""
    X, W, dY = _slip_args(X, W, dY, stride, padding)
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    kh, kw = W.shape[2:]
    s = stride
    dW = np.zeros_like(W)
    for o in range(dY.shape[1]):
        for i in range(dY.shape[2]):
            for j in range(dY.shape[3]):
                dW[o] = np.einsum("n,nchw->chw", dY[:, o, i, j], Xp[:, :, s * i:s * i + kh, s * j:s * j + kw])
    return dW


def kernel_grad_transposed_im2col(dY, X, W, stride: int = 1, padding: int = 0):
    """A slip: ∂C/∂W from an im2col matrix whose windows are flattened column by column
    (kernel column index first), while ``W.reshape`` flattens row by row."""
    X, W, dY = _slip_args(X, W, dY, stride, padding)
    C_out, C_in, kh, kw = W.shape
    cols = im2col(X, kh, kw, stride, padding).reshape(C_in, kh, kw, -1)
    cols_t = cols.transpose(0, 2, 1, 3).reshape(C_in * kh * kw, -1)    # windows flattened column-major
    dY_rows = dY.transpose(1, 0, 2, 3).reshape(C_out, -1)
    return (dY_rows @ cols_t.T).reshape(W.shape)

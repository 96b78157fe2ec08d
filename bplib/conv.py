"""Convolutions and max-pooling with their backward passes (chapter 12).

Shapes follow PyTorch: images ``X`` of shape (m, C_in, H, W), kernels ``W`` of shape
(C_out, C_in, kh, kw), biases ``b`` of shape (C_out,).  What deep-learning libraries call a
convolution is a **cross-correlation** (the kernel is not flipped), and so is :func:`conv2d`,
exactly as ``torch.nn.Conv2d`` computes it.  Every backward function takes the upstream gradient
(shaped like the forward's output) followed by the forward's own arguments and returns the
gradient of every array argument, in order.

Two implementations of each operation live here: plain loops (``*_loops``), written to be read
next to the equations of chapter 12, and vectorised versions (im2col and numpy's sliding-window
views) that the book and the small CNN use.  They agree to rounding error.
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ._validate import CountTypeError, as_float_array, positive_int
from .registry import implements

__all__ = [
    "correlate1d", "correlate1d_backward",
    "conv_output_size", "conv2d", "conv2d_loops", "im2col",
    "conv2d_input_grad", "conv2d_input_grad_flipped", "conv2d_kernel_grad", "conv2d_bias_grad",
    "conv2d_backward", "conv2d_backward_loops",
    "max_pool2d", "max_pool2d_backward", "max_pool2d_loops", "max_pool2d_backward_loops",
]


# ---------------------------------------------------------------------------- argument checks
def _array(x, name: str, ndim: int, what: str) -> np.ndarray:
    arr = as_float_array(x, name)
    if arr.ndim != ndim:
        raise ValueError(f"{name}: expected a {ndim}-D array of shape {what}, got shape {arr.shape}")
    return arr


def _nonempty(X):
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"X: empty batch, expected at least one image with at least one channel, "
                         f"got shape {X.shape}")
    return X


def _padding(padding) -> int:
    if isinstance(padding, (bool, np.bool_)) or not isinstance(padding, (int, np.integer)):
        raise CountTypeError(f"padding: must be an integer ≥ 0, got {padding!r}")
    if padding < 0:
        raise ValueError(f"padding: must be an integer ≥ 0, got {padding!r}")
    return int(padding)


def _conv_args(X, W, b, stride, padding, need_b=True):
    """Check the arguments of conv2d and its backward; return them and the output shape."""
    X = _nonempty(_array(X, "X", 4, "(m, C_in, H, W)"))
    W = _array(W, "W", 4, "(C_out, C_in, kh, kw)")
    stride = positive_int(stride, "stride")
    padding = _padding(padding)
    if X.shape[1] != W.shape[1]:
        raise ValueError(f"W: expected C_in = {X.shape[1]} input channels to match X of shape {X.shape}, "
                         f"got W of shape {W.shape} (C_in = {W.shape[1]})")
    if need_b:
        b = _array(b, "b", 1, f"({W.shape[0]},)")
        if b.shape != (W.shape[0],):
            raise ValueError(f"b: expected shape ({W.shape[0]},), one bias per output channel of W "
                             f"with shape {W.shape}, got shape {b.shape}")
    Hp, Wp = X.shape[2] + 2 * padding, X.shape[3] + 2 * padding
    kh, kw = W.shape[2:]
    if kh < 1 or kw < 1:
        raise ValueError(f"W: expected a kernel of at least 1×1, got size ({kh}, {kw}) "
                         f"(W of shape {W.shape})")
    if kh > Hp or kw > Wp:
        raise ValueError(f"W: kernel of size ({kh}, {kw}) (W of shape {W.shape}) is larger than the padded "
                         f"input of size ({Hp}, {Wp}) (X of shape {X.shape}, padding {padding})")
    out = (X.shape[0], W.shape[0], (Hp - kh) // stride + 1, (Wp - kw) // stride + 1)
    return X, W, b, stride, padding, out


def _check_dY(dY, expected):
    dY = _array(dY, "dY", 4, str(expected))
    if dY.shape != expected:
        raise ValueError(f"dY: expected the shape of the forward output {expected}, got shape {dY.shape}")
    return dY


# ---------------------------------------------------------------------------- one dimension
def _vector(x, name):
    return _array(x, name, 1, "(n,)")


@implements("eq-conv1d", chapter="12_convolutions")
def correlate1d(x, w):
    """Valid 1-D cross-correlation y_i = Σ_k x_{i+k} w_k  (eq-conv1d, chapter 12).

    Parameters
    ----------
    x : ndarray, shape (n,)
    w : ndarray, shape (k,), k ≤ n

    Returns
    -------
    y : ndarray, shape (n − k + 1,)

    Examples
    --------
    >>> correlate1d(np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.0, -1.0]))
    array([-1., -1., -1.])
    """
    x, w = _vector(x, "x"), _vector(w, "w")
    if not 1 <= w.shape[0] <= x.shape[0]:
        raise ValueError(f"w: kernel of shape {w.shape} must be non-empty and no longer than x of shape {x.shape}")
    return sliding_window_view(x, w.shape[0]) @ w


@implements("eq-conv1d-vjp", chapter="12_convolutions")
def correlate1d_backward(dy, x, w):
    """Gradients of a 1-D cross-correlation  (eq-conv1d-vjp, chapter 12).

    ∂C/∂x_j = Σ_k (∂C/∂y_{j−k}) w_k: a *full* correlation of the zero-padded upstream gradient
    with the flipped kernel; ∂C/∂w_k = Σ_i (∂C/∂y_i) x_{i+k}: a valid correlation of the input
    with the upstream gradient.

    Parameters
    ----------
    dy : ndarray, shape (n − k + 1,)   ∂C/∂y
    x : ndarray, shape (n,)
    w : ndarray, shape (k,)

    Returns
    -------
    dx : ndarray, shape (n,)
    dw : ndarray, shape (k,)

    Examples
    --------
    >>> dx, dw = correlate1d_backward(np.array([1.0, 0.0]), np.array([1.0, 2.0, 3.0]), np.array([2.0, 5.0]))
    >>> dx, dw
    (array([2., 5., 0.]), array([1., 2.]))
    """
    x, w, dy = _vector(x, "x"), _vector(w, "w"), _vector(dy, "dy")
    k = w.shape[0]
    if not 1 <= k <= x.shape[0]:
        raise ValueError(f"w: kernel of shape {w.shape} must be non-empty and no longer than x of shape {x.shape}")
    if dy.shape != (x.shape[0] - k + 1,):
        raise ValueError(f"dy: expected shape ({x.shape[0] - k + 1},) like the output, got shape {dy.shape}")
    dx = sliding_window_view(np.pad(dy, (k - 1, k - 1)), k) @ w[::-1]
    dw = sliding_window_view(x, dy.shape[0]) @ dy
    return dx, dw


# ---------------------------------------------------------------------------- two dimensions
@implements("eq-conv-output-size", chapter="12_convolutions")
def conv_output_size(n: int, k: int, stride: int = 1, padding: int = 0) -> int:
    """Output length ⌊(n + 2p − k)/s⌋ + 1 of a convolution or pooling  (eq-conv-output-size, chapter 12).

    Parameters
    ----------
    n : int   input length (height or width)
    k : int   kernel length
    stride : int, ≥ 1
    padding : int, ≥ 0

    Examples
    --------
    >>> conv_output_size(8, 3, stride=1, padding=1), conv_output_size(8, 3, stride=2)
    (8, 3)
    """
    n, k, stride, padding = positive_int(n, "n"), positive_int(k, "k"), positive_int(stride, "stride"), _padding(padding)
    if k > n + 2 * padding:
        raise ValueError(f"k: kernel length {k} is larger than the padded input length {n + 2 * padding} "
                         f"(n = {n}, padding {padding})")
    return (n + 2 * padding - k) // stride + 1


def _pad(X, padding):
    if padding == 0:
        return X
    m, C, H, W = X.shape
    Xp = np.zeros((m, C, H + 2 * padding, W + 2 * padding))
    Xp[:, :, padding:padding + H, padding:padding + W] = X
    return Xp


@implements("eq-im2col", chapter="12_convolutions")
def im2col(X, kh: int, kw: int, stride: int = 1, padding: int = 0):
    """The im2col matrix: one column per output position, one row per kernel entry  (eq-im2col, chapter 12).

    Column ``(e·H_out + i)·W_out + j`` holds the window of example ``e`` that produces output
    pixel ``(i, j)``, flattened in the order (channel, kernel row, kernel column), the order of
    ``W.reshape(C_out, -1)``.  Then :func:`conv2d` is one matrix product, ``W.reshape(C_out, -1) @ cols``.
    It is built one kernel entry at a time: row (c, p, q) is the padded input shifted by (p, q)
    and sampled with the stride.

    Parameters
    ----------
    X : ndarray, shape (m, C, H, W)
    kh, kw : int   kernel height and width
    stride : int, ≥ 1
    padding : int, ≥ 0

    Returns
    -------
    ndarray, shape (C · kh · kw, m · H_out · W_out)

    Examples
    --------
    >>> im2col(np.arange(9.0).reshape(1, 1, 3, 3), 2, 2)
    array([[0., 1., 3., 4.],
           [1., 2., 4., 5.],
           [3., 4., 6., 7.],
           [4., 5., 7., 8.]])
    """
    X = _array(X, "X", 4, "(m, C, H, W)")
    kh, kw = positive_int(kh, "kh"), positive_int(kw, "kw")
    _, _, _, stride, padding, _ = _conv_args(X, np.empty((1, X.shape[1], kh, kw)), None, stride, padding,
                                             need_b=False)
    return _im2col(X, kh, kw, stride, padding)


def _im2col(X, kh, kw, s, padding):
    m, C, H, W = X.shape
    Ho, Wo = (H + 2 * padding - kh) // s + 1, (W + 2 * padding - kw) // s + 1
    Xt = _pad(X, padding).transpose(1, 0, 2, 3)              # (C, m, H_p, W_p), a view
    cols = np.empty((C, kh, kw, m, Ho, Wo))
    for p in range(kh):
        for q in range(kw):
            cols[:, p, q] = Xt[:, :, p:p + s * (Ho - 1) + 1:s, q:q + s * (Wo - 1) + 1:s]
    return cols.reshape(C * kh * kw, m * Ho * Wo)


def _col2im(cols, X_shape, kh, kw, s, padding):
    """The adjoint of im2col: add every column back onto the window it came from."""
    m, C, H, W = X_shape
    Ho, Wo = (H + 2 * padding - kh) // s + 1, (W + 2 * padding - kw) // s + 1
    cols = cols.reshape(C, kh, kw, m, Ho, Wo)
    dXt = np.zeros((C, m, H + 2 * padding, W + 2 * padding))
    for p in range(kh):
        for q in range(kw):
            dXt[:, :, p:p + s * (Ho - 1) + 1:s, q:q + s * (Wo - 1) + 1:s] += cols[:, p, q]
    return dXt[:, :, padding:padding + H, padding:padding + W].transpose(1, 0, 2, 3)


def _conv2d(X, W, b, stride, padding):
    m, _, H, Wd = X.shape
    C_out, _, kh, kw = W.shape
    Ho, Wo = (H + 2 * padding - kh) // stride + 1, (Wd + 2 * padding - kw) // stride + 1
    Y = W.reshape(C_out, -1) @ _im2col(X, kh, kw, stride, padding)       # (C_out, m·Ho·Wo)
    if b is not None:
        Y += b[:, None]
    return np.ascontiguousarray(Y.reshape(C_out, m, Ho, Wo).transpose(1, 0, 2, 3))


@implements("eq-conv2d", chapter="12_convolutions")
def conv2d(X, W, b, stride: int = 1, padding: int = 0):
    """2-D cross-correlation with channels, stride and zero padding, as ``torch.nn.Conv2d``  (eq-conv2d, chapter 12).

    Y[e, o, i, j] = b_o + Σ_{c, p, q} W[o, c, p, q] · X̃[e, c, s·i + p, s·j + q], where X̃ is X
    zero-padded by ``padding`` on every side.  Computed as one matrix product with :func:`im2col`.

    Parameters
    ----------
    X : ndarray, shape (m, C_in, H, W)
    W : ndarray, shape (C_out, C_in, kh, kw)
    b : ndarray, shape (C_out,)
    stride : int, ≥ 1
    padding : int, ≥ 0

    Returns
    -------
    Y : ndarray, shape (m, C_out, H_out, W_out), H_out = ⌊(H + 2p − kh)/s⌋ + 1 (eq-conv-output-size)

    Examples
    --------
    >>> X = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> conv2d(X, np.ones((1, 1, 2, 2)), np.zeros(1), stride=2)
    array([[[[10., 18.],
             [42., 50.]]]])
    """
    X, W, b, stride, padding, _ = _conv_args(X, W, b, stride, padding)
    return _conv2d(X, W, b, stride, padding)


@implements("eq-conv2d", chapter="12_convolutions")
def conv2d_loops(X, W, b, stride: int = 1, padding: int = 0):
    """:func:`conv2d` written as plain loops over examples, output channels and positions  (eq-conv2d, chapter 12).

    Slow and readable: one line per term of the equation.  Same arguments and result as :func:`conv2d`.

    Examples
    --------
    >>> X = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> conv2d_loops(X, np.ones((1, 1, 2, 2)), np.zeros(1), stride=2)[0, 0]
    array([[10., 18.],
           [42., 50.]])
    """
    X, W, b, s, padding, (m, C_out, Ho, Wo) = _conv_args(X, W, b, stride, padding)
    Xp = _pad(X, padding)
    kh, kw = W.shape[2:]
    Y = np.zeros((m, C_out, Ho, Wo))
    for e in range(m):
        for o in range(C_out):
            for i in range(Ho):
                for j in range(Wo):
                    window = Xp[e, :, s * i:s * i + kh, s * j:s * j + kw]   # (C_in, kh, kw)
                    Y[e, o, i, j] = np.sum(W[o] * window) + b[o]
    return Y


# ---------------------------------------------------------------------------- the three VJPs
def _dY_rows(dY):
    return dY.transpose(1, 0, 2, 3).reshape(dY.shape[1], -1)        # (C_out, m·Ho·Wo)


@implements("eq-conv2d-input-grad", chapter="12_convolutions")
def conv2d_input_grad(dY, X, W, stride: int = 1, padding: int = 0):
    """∂C/∂X of :func:`conv2d`: a full correlation of dY with the flipped kernel  (eq-conv2d-input-grad, chapter 12).

    ∂C/∂X̃[e, c, u, v] = Σ_{o, p, q} dY↑[e, o, u − p, v − q] · W[o, c, p, q], where dY↑ is dY with
    s − 1 zeros between its entries (stride s) and zero outside its range; the padding rows and
    columns are then cut off.  The sum is computed grouped by kernel entry (p, q): the matrix
    ``W.reshape(C_out, -1).T @ dY`` holds every term, and each of its kh·kw blocks is added onto
    the input shifted by (p, q), the adjoint of :func:`im2col` (col2im).
    :func:`conv2d_input_grad_flipped` computes the same sum literally, as a correlation.

    Parameters
    ----------
    dY : ndarray, shape (m, C_out, H_out, W_out)
    X : ndarray, shape (m, C_in, H, W)   (only its shape is used)
    W : ndarray, shape (C_out, C_in, kh, kw)
    stride, padding : int

    Returns
    -------
    dX : ndarray, shape (m, C_in, H, W)

    Examples
    --------
    >>> dX = conv2d_input_grad(np.ones((1, 1, 2, 2)), np.zeros((1, 1, 3, 3)), np.ones((1, 1, 2, 2)))
    >>> dX[0, 0]
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    """
    X, W, _, stride, padding, out = _conv_args(X, W, None, stride, padding, need_b=False)
    dY = _check_dY(dY, out)
    return _input_grad(_dY_rows(dY), X.shape, W, stride, padding)


def _input_grad(dY_rows, X_shape, W, stride, padding):
    C_out, _, kh, kw = W.shape
    return _col2im(W.reshape(C_out, -1).T @ dY_rows, X_shape, kh, kw, stride, padding)


@implements("eq-conv2d-input-grad", chapter="12_convolutions")
def conv2d_input_grad_flipped(dY, X, W, stride: int = 1, padding: int = 0):
    """∂C/∂X of :func:`conv2d`, computed literally as eq-conv2d-input-grad says (chapter 12).

    Spread dY onto the stride-1 grid (s − 1 zeros between entries), pad it by k − 1 on every
    side, correlate it (:func:`conv2d`, stride 1) with the kernel flipped in both spatial axes and
    with input and output channels swapped, and cut off the padding of X.  Same arguments and
    result as :func:`conv2d_input_grad`.

    Examples
    --------
    >>> dX = conv2d_input_grad_flipped(np.ones((1, 1, 2, 2)), np.zeros((1, 1, 3, 3)), np.ones((1, 1, 2, 2)))
    >>> dX[0, 0]
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    """
    X, W, _, s, padding, out = _conv_args(X, W, None, stride, padding, need_b=False)
    dY = _check_dY(dY, out)
    m, C_out, Ho, Wo = out
    H, Wd = X.shape[2:]
    kh, kw = W.shape[2:]
    spread = np.zeros((m, C_out, (Ho - 1) * s + 1, (Wo - 1) * s + 1))
    spread[:, :, ::s, ::s] = dY
    extra_h, extra_w = H + 2 * padding - ((Ho - 1) * s + kh), Wd + 2 * padding - ((Wo - 1) * s + kw)
    spread = np.pad(spread, ((0, 0), (0, 0), (kh - 1, kh - 1 + extra_h), (kw - 1, kw - 1 + extra_w)))
    W_flipped = W[:, :, ::-1, ::-1].transpose(1, 0, 2, 3)          # (C_in, C_out, kh, kw)
    dXp = _conv2d(spread, np.ascontiguousarray(W_flipped), None, 1, 0)
    return dXp[:, :, padding:padding + H, padding:padding + Wd]


@implements("eq-conv2d-kernel-grad", chapter="12_convolutions")
def conv2d_kernel_grad(dY, X, W, stride: int = 1, padding: int = 0):
    """∂C/∂W of :func:`conv2d`: the input correlated with the upstream gradient  (eq-conv2d-kernel-grad, chapter 12).

    ∂C/∂W[o, c, p, q] = Σ_{e, i, j} dY[e, o, i, j] · X̃[e, c, s·i + p, s·j + q]: every position at
    which the shared weight is used contributes, so the contributions are summed.  With the
    im2col matrix this is one product, ``dY_rows @ im2col(X).T``.

    Parameters
    ----------
    dY : ndarray, shape (m, C_out, H_out, W_out)
    X : ndarray, shape (m, C_in, H, W)
    W : ndarray, shape (C_out, C_in, kh, kw)   (only its shape is used)
    stride, padding : int

    Returns
    -------
    dW : ndarray, shape (C_out, C_in, kh, kw)

    Examples
    --------
    >>> X = np.arange(9.0).reshape(1, 1, 3, 3)
    >>> conv2d_kernel_grad(np.ones((1, 1, 2, 2)), X, np.zeros((1, 1, 2, 2)))[0, 0]
    array([[ 8., 12.],
           [20., 24.]])
    """
    X, W, _, stride, padding, out = _conv_args(X, W, None, stride, padding, need_b=False)
    dY = _check_dY(dY, out)
    kh, kw = W.shape[2:]
    return (_dY_rows(dY) @ _im2col(X, kh, kw, stride, padding).T).reshape(W.shape)


@implements("eq-conv2d-bias-grad", chapter="12_convolutions")
def conv2d_bias_grad(dY):
    """∂C/∂b of :func:`conv2d`: the upstream gradient summed over examples and positions  (eq-conv2d-bias-grad, chapter 12).

    Parameters
    ----------
    dY : ndarray, shape (m, C_out, H_out, W_out)

    Returns
    -------
    db : ndarray, shape (C_out,)

    Examples
    --------
    >>> conv2d_bias_grad(np.ones((2, 3, 4, 4)))
    array([32., 32., 32.])
    """
    dY = _array(dY, "dY", 4, "(m, C_out, H_out, W_out)")
    return dY.sum(axis=(0, 2, 3))


def conv2d_backward(dY, X, W, b, stride: int = 1, padding: int = 0):
    """The three gradients of :func:`conv2d`  (eq-conv2d-input-grad, eq-conv2d-kernel-grad, eq-conv2d-bias-grad, chapter 12).

    Calls what :func:`conv2d_input_grad`, :func:`conv2d_kernel_grad` and :func:`conv2d_bias_grad`
    compute, checking the arguments once and sharing the reshaped dY.

    Parameters
    ----------
    dY : ndarray, shape (m, C_out, H_out, W_out)   ∂C/∂Y
    X, W, b, stride, padding : the arguments of the forward call

    Returns
    -------
    dX : ndarray, shape (m, C_in, H, W)
    dW : ndarray, shape (C_out, C_in, kh, kw)
    db : ndarray, shape (C_out,)

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X, W, b = rng.normal(size=(2, 3, 5, 5)), rng.normal(size=(4, 3, 3, 3)), np.zeros(4)
    >>> dX, dW, db = conv2d_backward(np.ones((2, 4, 3, 3)), X, W, b)
    >>> dX.shape, dW.shape, db.shape
    ((2, 3, 5, 5), (4, 3, 3, 3), (4,))
    """
    X, W, b, stride, padding, out = _conv_args(X, W, b, stride, padding)
    dY = _check_dY(dY, out)
    kh, kw = W.shape[2:]
    dY_rows = _dY_rows(dY)
    dX = _input_grad(dY_rows, X.shape, W, stride, padding)
    dW = (dY_rows @ _im2col(X, kh, kw, stride, padding).T).reshape(W.shape)
    db = dY_rows.sum(axis=1)
    return dX, dW, db


def conv2d_backward_loops(dY, X, W, b, stride: int = 1, padding: int = 0):
    """:func:`conv2d_backward` as plain loops: the chain rule applied to every term of eq-conv2d (chapter 12).

    Each output Y[e, o, i, j] = b_o + Σ W[o] · window sends its gradient dY[e, o, i, j] back to
    everything it was computed from: to the window of X̃ (times W[o]), to W[o] (times the window)
    and to b_o.  A weight is used at every position, so its gradient is a sum (``+=``) over them.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X, W, b = rng.normal(size=(1, 2, 4, 4)), rng.normal(size=(3, 2, 2, 2)), np.zeros(3)
    >>> dY = rng.normal(size=(1, 3, 3, 3))
    >>> all(np.allclose(u, v) for u, v in zip(conv2d_backward_loops(dY, X, W, b), conv2d_backward(dY, X, W, b)))
    True
    """
    X, W, b, s, padding, out = _conv_args(X, W, b, stride, padding)
    dY = _check_dY(dY, out)
    m, C_out, Ho, Wo = out
    kh, kw = W.shape[2:]
    Xp = _pad(X, padding)
    dXp, dW, db = np.zeros_like(Xp), np.zeros_like(W), np.zeros_like(b)
    for e in range(m):
        for o in range(C_out):
            for i in range(Ho):
                for j in range(Wo):
                    g = dY[e, o, i, j]
                    rows, cols = slice(s * i, s * i + kh), slice(s * j, s * j + kw)
                    dXp[e, :, rows, cols] += g * W[o]
                    dW[o] += g * Xp[e, :, rows, cols]
                    db[o] += g
    H, Wd = X.shape[2:]
    return dXp[:, :, padding:padding + H, padding:padding + Wd], dW, db


# ---------------------------------------------------------------------------- max-pooling
def _pool_args(X, size):
    X = _nonempty(_array(X, "X", 4, "(m, C, H, W)"))
    size = positive_int(size, "size")
    if size > X.shape[2] or size > X.shape[3]:
        raise ValueError(f"size: pooling window {size}×{size} is larger than the image of X with shape {X.shape}")
    return X, size, (X.shape[0], X.shape[1], X.shape[2] // size, X.shape[3] // size)


def _blocks(X, size, Ho, Wo):
    """View (m, C, Ho, size, Wo, size) of the pooling windows: entry [e, c, i, p, j, q] is
    X[e, c, size·i + p, size·j + q].  Rows and columns past the last whole window are dropped,
    as torch.nn.MaxPool2d does."""
    m, C = X.shape[:2]
    return X[:, :, :Ho * size, :Wo * size].reshape(m, C, Ho, size, Wo, size)


def _pool_max(B, size):
    Y = B[:, :, :, 0, :, 0].copy()
    for p in range(size):
        for q in range(size):
            if p or q:
                np.maximum(Y, B[:, :, :, p, :, q], out=Y)
    return Y


@implements("eq-maxpool", chapter="12_convolutions")
def max_pool2d(X, size: int = 2):
    """Max-pooling over non-overlapping size×size windows, as ``torch.nn.MaxPool2d(size)``  (eq-maxpool, chapter 12).

    Y[e, c, i, j] = max_{0 ≤ p, q < size} X[e, c, size·i + p, size·j + q].

    Parameters
    ----------
    X : ndarray, shape (m, C, H, W)
    size : int, ≥ 1

    Returns
    -------
    Y : ndarray, shape (m, C, ⌊H/size⌋, ⌊W/size⌋)

    Examples
    --------
    >>> max_pool2d(np.arange(16.0).reshape(1, 1, 4, 4))[0, 0]
    array([[ 5.,  7.],
           [13., 15.]])
    """
    X, size, (m, C, Ho, Wo) = _pool_args(X, size)
    return _pool_max(_blocks(X, size, Ho, Wo), size)


@implements("eq-maxpool-backward", chapter="12_convolutions")
def max_pool2d_backward(dY, X, size: int = 2):
    """∂C/∂X of :func:`max_pool2d`: each window's gradient goes to its maximum, zero elsewhere  (eq-maxpool-backward, chapter 12).

    On a tie the first maximum in row-major order of the window receives the gradient (as PyTorch).

    Parameters
    ----------
    dY : ndarray, shape (m, C, ⌊H/size⌋, ⌊W/size⌋)
    X : ndarray, shape (m, C, H, W)
    size : int

    Returns
    -------
    dX : ndarray, shape (m, C, H, W)

    Examples
    --------
    >>> X = np.array([[[[1.0, 3.0], [2.0, 0.0]]]])
    >>> max_pool2d_backward(np.array([[[[5.0]]]]), X)[0, 0]
    array([[0., 5.],
           [0., 0.]])
    """
    X, size, out = _pool_args(X, size)
    dY = _check_dY(dY, out)
    m, C, Ho, Wo = out
    B = _blocks(X, size, Ho, Wo)
    Y = _pool_max(B, size)
    dX = np.zeros(X.shape)
    dB = _blocks(dX, size, Ho, Wo)                 # a view (only axes are split): writing into it fills dX
    routed = np.zeros(Y.shape, dtype=bool)         # windows whose gradient has found its maximum
    for p in range(size):
        for q in range(size):
            winner = (B[:, :, :, p, :, q] == Y) & ~routed
            dB[:, :, :, p, :, q] = np.where(winner, dY, 0.0)
            routed |= winner
    return dX


@implements("eq-maxpool", chapter="12_convolutions")
def max_pool2d_loops(X, size: int = 2):
    """:func:`max_pool2d` as plain loops  (eq-maxpool, chapter 12).

    Examples
    --------
    >>> max_pool2d_loops(np.arange(16.0).reshape(1, 1, 4, 4))[0, 0]
    array([[ 5.,  7.],
           [13., 15.]])
    """
    X, s, (m, C, Ho, Wo) = _pool_args(X, size)
    Y = np.zeros((m, C, Ho, Wo))
    for e in range(m):
        for c in range(C):
            for i in range(Ho):
                for j in range(Wo):
                    Y[e, c, i, j] = X[e, c, s * i:s * i + s, s * j:s * j + s].max()
    return Y


@implements("eq-maxpool-backward", chapter="12_convolutions")
def max_pool2d_backward_loops(dY, X, size: int = 2):
    """:func:`max_pool2d_backward` as plain loops: route each gradient to its window's maximum  (eq-maxpool-backward, chapter 12).

    Examples
    --------
    >>> X = np.array([[[[1.0, 3.0], [2.0, 0.0]]]])
    >>> max_pool2d_backward_loops(np.array([[[[5.0]]]]), X)[0, 0]
    array([[0., 5.],
           [0., 0.]])
    """
    X, s, out = _pool_args(X, size)
    dY = _check_dY(dY, out)
    m, C, Ho, Wo = out
    dX = np.zeros_like(X)
    for e in range(m):
        for c in range(C):
            for i in range(Ho):
                for j in range(Wo):
                    window = X[e, c, s * i:s * i + s, s * j:s * j + s]
                    p, q = np.unravel_index(np.argmax(window), window.shape)
                    dX[e, c, s * i + p, s * j + q] += dY[e, c, i, j]
    return dX

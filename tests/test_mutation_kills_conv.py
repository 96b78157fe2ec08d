"""Tests written for mutants of bplib.conv (chapter 12) that the other tests let survive (issue 13).

Each test states a property a reader of the book relies on; the mutant it was written for is
named in its docstring.  Run the mutation study with ``tests/mutation/run.sh``.
"""
import numpy as np
import pytest

import bplib as bp


# ------------------------------------------------------------------ one dimension
def test_correlate1d_names_each_argument_of_the_wrong_rank():
    """conv._vector / correlate1d / correlate1d_backward: the names "x", "w", "dy" and "(n,)"."""
    vec, mat = np.ones(3), np.ones((2, 2))
    for name, call in [("x", lambda: bp.correlate1d(mat, vec)),
                       ("w", lambda: bp.correlate1d(vec, mat)),
                       ("x", lambda: bp.correlate1d_backward(vec, mat, vec)),
                       ("w", lambda: bp.correlate1d_backward(vec, vec, mat)),
                       ("dy", lambda: bp.correlate1d_backward(mat, vec, vec))]:
        with pytest.raises(ValueError, match=rf"^{name}: expected a 1-D array of shape \(n,\), "
                                             rf"got shape \(2, 2\)$"):
            call()


def test_correlate1d_backward_rejects_a_kernel_longer_than_the_input():
    """conv.correlate1d_backward: the message of the k ≤ n check (raise ValueError(None))."""
    with pytest.raises(ValueError, match=r"^w: kernel of shape \(4,\) must be non-empty and no "
                                         r"longer than x of shape \(3,\)$"):
        bp.correlate1d_backward(np.ones(0), np.ones(3), np.ones(4))


# ------------------------------------------------------------------ the checks of conv2d
def _conv_message(X, W, b, **kwargs):
    """The messages of conv2d and of conv2d_backward (dY of the right shape when there is one)."""
    messages = []
    for call in (lambda: bp.conv2d(X, W, b, **kwargs),
                 lambda: bp.conv2d_backward(np.zeros((2, 4, 4, 4)), X, W, b, **kwargs)):
        with pytest.raises(ValueError) as info:
            call()
        messages.append(str(info.value))
    assert messages[0] == messages[1]
    return messages[0]


X_GOOD, W_GOOD, B_GOOD = np.zeros((2, 3, 6, 6)), np.zeros((4, 3, 3, 3)), np.zeros(4)


def test_conv2d_states_the_expected_shape_of_each_argument_of_the_wrong_rank():
    """conv._conv_args: the shapes "(m, C_in, H, W)", "(C_out, C_in, kh, kw)", "(C_out,)" in the
    messages, and the name "stride"."""
    assert _conv_message(X_GOOD[0], W_GOOD, B_GOOD) == (
        "X: expected a 4-D array of shape (m, C_in, H, W), got shape (3, 6, 6)")
    assert _conv_message(X_GOOD, W_GOOD[0], B_GOOD) == (
        "W: expected a 4-D array of shape (C_out, C_in, kh, kw), got shape (3, 3, 3)")
    assert _conv_message(X_GOOD, W_GOOD, B_GOOD[:, None]) == (
        "b: expected a 1-D array of shape (4,), got shape (4, 1)")
    assert _conv_message(X_GOOD, W_GOOD, B_GOOD, stride=0) == (
        "stride: must be an integer ≥ 1, got 0")


def test_conv2d_channel_mismatch_message_counts_channels():
    """conv._conv_args: C_in is axis 1 of X and of W, not axis 2."""
    assert _conv_message(X_GOOD, np.zeros((4, 2, 3, 3)), B_GOOD) == (
        "W: expected C_in = 3 input channels to match X of shape (2, 3, 6, 6), "
        "got W of shape (4, 2, 3, 3) (C_in = 2)")


@pytest.mark.parametrize("kh, kw", [(0, 2), (2, 0)])
def test_conv2d_rejects_an_empty_kernel(kh, kw):
    """conv._conv_args: kh < 1 or kw < 1 (`and`); an empty kernel is not called "larger"."""
    assert _conv_message(X_GOOD, np.zeros((4, 3, kh, kw)), B_GOOD) == (
        f"W: expected a kernel of at least 1×1, got size ({kh}, {kw}) "
        f"(W of shape (4, 3, {kh}, {kw}))")


@pytest.mark.parametrize("kh, kw", [(7, 2), (2, 7)])
def test_conv2d_rejects_a_kernel_larger_than_the_input_in_one_direction(kh, kw):
    """conv._conv_args: kh > H_p or kw > W_p (`and`)."""
    assert _conv_message(X_GOOD, np.zeros((4, 3, kh, kw)), B_GOOD) == (
        f"W: kernel of size ({kh}, {kw}) (W of shape (4, 3, {kh}, {kw})) is larger than the padded "
        f"input of size (6, 6) (X of shape (2, 3, 6, 6), padding 0)")


def test_gradients_state_the_shape_dY_must_have():
    """conv._check_dY: a dY of the wrong rank is told the forward output's shape."""
    for grad in (bp.conv2d_input_grad, bp.conv2d_input_grad_flipped, bp.conv2d_kernel_grad):
        with pytest.raises(ValueError, match=r"^dY: expected a 4-D array of shape \(2, 4, 4, 4\), "
                                             r"got shape \(2, 4, 4\)$"):
            grad(np.zeros((2, 4, 4)), X_GOOD, W_GOOD)


@pytest.mark.parametrize("pool", [bp.max_pool2d, bp.max_pool2d_loops])
def test_images_without_channels_are_an_empty_batch(pool):
    """conv._nonempty: zero channels (axis 1, not axis 2) is an empty batch."""
    with pytest.raises(ValueError, match=r"^X: empty batch, expected at least one image with at "
                                         r"least one channel, got shape \(1, 0, 4, 4\)$"):
        pool(np.zeros((1, 0, 4, 4)))


# ------------------------------------------------------------------ output size
def test_conv_output_size_defaults_to_stride_one_and_names_its_arguments():
    """conv.conv_output_size: stride 1 by default; the names "n", "k", "stride"; the check
    k ≤ n + 2p (3·p) and its message."""
    assert bp.conv_output_size(5, 3) == 3
    for kwargs, name in [(dict(n=0, k=1), "n"), (dict(n=3, k=0), "k"),
                         (dict(n=3, k=1, stride=0), "stride")]:
        with pytest.raises(ValueError, match=rf"^{name}: must be an integer ≥ 1, got 0$"):
            bp.conv_output_size(**kwargs)
    with pytest.raises(ValueError, match=r"^k: kernel length 5 is larger than the padded input "
                                         r"length 4 \(n = 2, padding 1\)$"):
        bp.conv_output_size(2, 5, padding=1)


# ------------------------------------------------------------------ conv2d and its gradients
def test_conv2d_loops_has_stride_one_by_default():
    """conv.conv2d_loops: the default stride is 1, as for conv2d (stride: int = 2)."""
    X = np.arange(16.0).reshape(1, 1, 4, 4)
    W, b = np.ones((1, 1, 2, 2)), np.zeros(1)
    Y = bp.conv2d_loops(X, W, b)
    assert Y.shape == (1, 1, 3, 3)
    np.testing.assert_array_equal(Y, bp.conv2d(X, W, b))


def test_bias_gradient_names_dY_of_the_wrong_rank():
    """conv.conv2d_bias_grad: the name "dY" and the shape "(m, C_out, H_out, W_out)"."""
    with pytest.raises(ValueError, match=r"^dY: expected a 4-D array of shape "
                                         r"\(m, C_out, H_out, W_out\), got shape \(2, 3\)$"):
        bp.conv2d_bias_grad(np.ones((2, 3)))


@pytest.mark.parametrize("padding", ["1", 1.0, True, None])
def test_a_padding_that_is_not_an_integer_is_a_type_error(padding):
    """conv._padding: the wrong type is a CountTypeError (a TypeError and a ValueError), as for
    stride; a negative padding a ValueError; both messages start with "padding"."""
    X, W, b = np.zeros((1, 1, 3, 3)), np.zeros((1, 1, 2, 2)), np.zeros(1)
    with pytest.raises(TypeError, match=rf"^padding: must be an integer ≥ 0, got {padding!r}$"):
        bp.conv2d(X, W, b, padding=padding)
    with pytest.raises(ValueError, match=r"^padding: must be an integer ≥ 0, got -1$"):
        bp.conv_output_size(3, 2, padding=-1)


# ------------------------------------------------------------------ im2col
def test_im2col_names_its_arguments():
    """conv.im2col: the names "X", "kh", "kw" and the shape "(m, C, H, W)" in its messages."""
    X = np.zeros((1, 1, 3, 3))
    with pytest.raises(ValueError, match=r"^X: expected a 4-D array of shape \(m, C, H, W\), "
                                         r"got shape \(3, 3\)$"):
        bp.im2col(np.zeros((3, 3)), 2, 2)
    with pytest.raises(ValueError, match=r"^kh: must be an integer ≥ 1, got 0$"):
        bp.im2col(X, 0, 2)
    with pytest.raises(ValueError, match=r"^kw: must be an integer ≥ 1, got 0$"):
        bp.im2col(X, 2, 0)


# ------------------------------------------------------------------ max-pooling
def test_max_pool_names_its_arguments():
    """conv._pool_args: the name "X" with "(m, C, H, W)", the name "size"."""
    for pool in (bp.max_pool2d, bp.max_pool2d_loops):
        with pytest.raises(ValueError, match=r"^X: expected a 4-D array of shape \(m, C, H, W\), "
                                             r"got shape \(4, 4\)$"):
            pool(np.zeros((4, 4)))
        with pytest.raises(ValueError, match=r"^size: must be an integer ≥ 1, got 0$"):
            pool(np.zeros((1, 1, 4, 4)), 0)


def test_a_pooling_window_taller_than_the_image_is_rejected_even_if_it_fits_its_width():
    """conv._pool_args: size > H or size > W (`and`, and W checked twice)."""
    with pytest.raises(ValueError, match=r"^size: pooling window 3×3 is larger than the image of X "
                                         r"with shape \(1, 1, 2, 5\)$"):
        bp.max_pool2d(np.zeros((1, 1, 2, 5)), 3)

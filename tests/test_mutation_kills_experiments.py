"""Tests written for mutants of Part V's experiment modules: bplib.cnn, sequences,
residual_experiments and retrieval (chapters 12–15) that the other tests let survive (issue 13).

Each test states a property a reader of the book relies on; the mutant it was written for is
named in its docstring.  Run the mutation study with ``tests/mutation/run.sh``.
"""
import inspect

import numpy as np
import pytest

import bplib as bp
from bplib.retrieval import RetrievalModel


def _defaults(f):
    return {k: v.default for k, v in inspect.signature(f).parameters.items()
            if v.default is not inspect.Parameter.empty}


def test_the_experiments_keep_the_defaults_the_chapters_rely_on():
    """Default-value mutants of train_cnn, input_grad_unflipped, check_conv_output_size,
    recall_experiment, input_gradient_by_lag, attention_demo, check_masked_gradient_rows
    (the chapters call these with their defaults and print the results)."""
    assert _defaults(bp.train_cnn) == dict(lr=0.1, epochs=20, batch_size=32, seed=0)
    assert _defaults(bp.input_grad_unflipped) == dict(stride=1, padding=0)
    assert _defaults(bp.check_conv_output_size) == dict(stride=1, padding=0)
    assert _defaults(bp.recall_experiment) == dict(
        cells=("rnn", "lstm"), n_hidden=16, steps=400, lr=0.01, batch_size=32, clip=1.0, n_train=1000,
        n_test=500, n_symbols=4, n_distractors=4, forget_bias=3.0, stop_cost=0.01)
    assert _defaults(bp.input_gradient_by_lag) == dict(cells=("rnn", "lstm"), n_hidden=16, seed=0, n=200,
                                                       forget_bias=3.0)
    assert _defaults(bp.attention_demo) == dict(d=16, scale=True, n_keys=8, seed=0)
    assert _defaults(bp.check_masked_gradient_rows) == dict(T=5, query=2)


# ------------------------------------------------------------------ cnn: SmallCNN and train_cnn
def _tiny_cnn_data(m, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, 16))
    Y = np.eye(3)[rng.integers(0, 3, size=m)]
    return X, Y


def test_small_cnn_predicts_one_class_per_image():
    """cnn.SmallCNN.predict: argmax over the classes of each row (axis=1, of Z2)."""
    net = bp.SmallCNN(channels=2, image_size=4, n_classes=3, seed=0)
    X, _ = _tiny_cnn_data(5)
    pred = net.predict(X)
    assert pred.shape == (5,)
    np.testing.assert_array_equal(pred, net.forward(X).argmax(axis=1))


def test_train_cnn_is_shuffled_minibatch_gradient_descent():
    """cnn.train_cnn: every batch of one shuffled pass is used once (range(0, m, batch_size)),
    on images of the network's own size (as_images(X, net.image_size))."""
    X, Y = _tiny_cnn_data(4)
    net = bp.SmallCNN(channels=1, image_size=4, n_classes=3, seed=0)
    ref = bp.SmallCNN(channels=1, image_size=4, n_classes=3, seed=0)
    costs = bp.train_cnn(net, X, Y, lr=0.5, epochs=1, batch_size=2, seed=3)
    order = np.random.default_rng(3).permutation(4)
    for idx in (order[:2], order[2:]):
        grads = ref.gradients(X[idx], Y[idx])
        ref.W1, ref.b1, ref.W2, ref.b2 = [p - 0.5 * g for p, g in zip(ref.params, grads)]
    np.testing.assert_allclose(net.get_params(), ref.get_params(), rtol=1e-12)
    assert len(costs) == 2 and costs[1] == pytest.approx(ref.loss(X, Y), rel=1e-12)


def test_train_cnn_names_its_bad_arguments():
    """cnn.train_cnn: the names "lr", "epochs", "batch_size", "Y", type(net) and a checked seed."""
    X, Y = _tiny_cnn_data(4)
    net = bp.SmallCNN(channels=1, image_size=4, n_classes=3, seed=0)
    with pytest.raises(TypeError, match=r"^net: expected a bplib.SmallCNN, got str$"):
        bp.train_cnn("cnn", X, Y)
    for kw, name in ((dict(lr=0.0), "lr"), (dict(epochs=0), "epochs"), (dict(batch_size=0), "batch_size"),
                     (dict(seed=-1), "seed")):
        with pytest.raises(ValueError, match=rf"^{name}: "):
            bp.train_cnn(net, X, Y, **kw)
    with pytest.raises(ValueError, match=r"^Y: "):
        bp.train_cnn(net, X, Y[:3])
    with pytest.raises(ValueError, match=r"^Y: "):
        bp.train_cnn(net, X, np.eye(4)[[0, 1, 2, 3]])
    before = net.get_params()
    with pytest.raises(TypeError, match=r"^seed: "):
        bp.train_cnn(net, X, Y, seed=1.5)
    np.testing.assert_array_equal(net.get_params(), before)


# ------------------------------------------------------------------ cnn: the exercise checkers
def test_check_conv_output_size_names_each_slip():
    """cnn.check_conv_output_size: every hint (padding once, no +1, rounding up, no rounding) and
    the exact wording the reader sees."""
    c = bp.check_conv_output_size
    assert c(4, 8, 3, stride=2, padding=1) == "Right: 8 pixels, kernel 3, stride 2, padding 1 give 4 outputs."
    assert c(5, 7, 3) == "Right: 7 pixels, kernel 3, stride 1, padding 0 give 5 outputs."
    assert c(8, 8, 3, padding=2) == (
        "Not yet: the padding is added on both sides, so the padded length is n + 2P.")
    assert c(3, 8, 3, stride=2, padding=1) == (
        "Not yet: count the first window too: (n + 2P − k)/s windows fit after it, so add 1.")
    assert c(5, 8, 3, stride=2, padding=1) == (
        "Not yet: round down: a window that would stick out of the padded input is not used.")
    assert c(4.5, 8, 3, stride=2, padding=1) == "Not yet: round (n + 2P − k)/s down before adding 1."
    assert c(9, 8, 3, stride=2, padding=1) == (
        "Not yet: count the windows: the first starts at 0, each next one s further, "
        "the last must end inside the padded input.")
    assert c(3, 7, 3, stride=2, padding=1) == (
        "Not yet: the padding is added on both sides, so the padded length is n + 2P; "
        "count the first window too: (n + 2P − k)/s windows fit after it, so add 1.")
    assert c("four", 8, 3) == "Not yet: the answer should be a whole number, got 'four'."


def test_check_correlate1d_gradients_explains_each_slip():
    """cnn.check_correlate1d_gradients: the NaN answer, the unflipped kernel, a wrong dx, a wrong
    dw (the and/or, atol and message mutants)."""
    x, w, dy = np.array([1.0, 2.0, -1.0, 3.0]), np.array([0.5, -2.0]), np.array([1.0, -1.0, 2.0])
    dx, dw = bp.correlate1d_backward(dy, x, w)
    c = bp.check_correlate1d_gradients
    assert c(dx, dw, dy, x, w) == "Right: both gradients match eq-conv1d-vjp."
    assert c(list(dx), list(dw), list(dy), list(x), list(w)) == "Right: both gradients match eq-conv1d-vjp."
    nan = "Not yet: dx and dw should hold finite numbers, got NaN or inf."
    assert c(dx, np.full(2, np.nan), dy, x, w) == nan and c(dx * np.inf, dw, dy, x, w) == nan
    unflipped = np.convolve(dy, w[::-1], mode="full")
    assert c(unflipped, dw, dy, x, w) == (
        "Not yet: dx: x_j meets w_k in y_{j−k}, so the kernel runs backwards over dy (flip it).")
    assert c(dx + 0.5, dw + 0.5, dy, x, w) == (
        "Not yet: dx: collect, for every x_j, each output y_i it entered, times the weight it met there; "
        "dw: w_k is used at every output position i, so sum dy_i · x_{i+k} over all of them.")
    assert c(dx + 1e-4, dw, dy, x, w).startswith("Not yet: dx: collect")
    assert c(dx, dw + 1e-4, dy, x, w).startswith("Not yet: dw: w_k")
    assert c(dx[:3], dw, dy, x, w) == "Not yet: dx has one entry per input, shape (4,), got (3,)."
    assert c(dx, [True, False], dy, x, w).startswith("Not yet: dw:")
    assert c("dx", dw, dy, x, w) == "Not yet: dx and dw should be arrays of numbers, got 'dx' and " + repr(dw) + "."


# ------------------------------------------------------------------ cnn: the planted slips
def test_the_planted_slips_keep_the_documented_shapes_defaults_and_errors():
    """cnn._slip_args, input_grad_unflipped, kernel_grad_transposed_im2col: W's shape is kept,
    the defaults are stride 1 / padding 0, and bad ranks name the argument and its layout."""
    rng = np.random.default_rng(0)
    X, W = rng.normal(size=(2, 3, 5, 5)), rng.normal(size=(4, 3, 3, 2))
    dY = rng.normal(size=(2, 4, 3, 4))
    assert bp.kernel_grad_transposed_im2col(dY, X, W).shape == W.shape
    assert bp.kernel_grad_overwritten(dY, X, W).shape == W.shape
    np.testing.assert_array_equal(bp.input_grad_unflipped(dY, X, W),
                                  bp.conv2d_input_grad_flipped(dY, X, W[:, :, ::-1, ::-1], 1, 0))
    for f in (bp.kernel_grad_overwritten, bp.kernel_grad_transposed_im2col):
        with pytest.raises(ValueError, match=r"^X: expected a 4-D array of shape \(m, C_in, H, W\), got"):
            f(dY, X[0], W)
        with pytest.raises(ValueError, match=r"^W: expected a 4-D array of shape \(C_out, C_in, kh, kw\), got"):
            f(dY, X, W[0])
        with pytest.raises(ValueError, match=r"^dY: expected a 4-D array of shape \(m, C_out, H_out, W_out\), "):
            f(dY[0], X, W)
    with pytest.raises(ValueError, match=r"^W: expected a 4-D array of shape \(C_out, C_in, kh, kw\), got"):
        bp.input_grad_unflipped(dY, X, W[0])


def test_kernel_grad_overwritten_keeps_only_the_last_output_position():
    """cnn.kernel_grad_overwritten: with ``=`` the last position (H_out − 1, W_out − 1) wins;
    range(dY.shape[2]) over the rows (a non-square output tells rows from columns)."""
    rng = np.random.default_rng(1)
    X, W = rng.normal(size=(2, 1, 4, 6)), rng.normal(size=(1, 1, 2, 2))
    dY = rng.normal(size=(2, 1, 3, 5))
    last = np.einsum("n,nchw->chw", dY[:, 0, 2, 4], X[:, :, 2:4, 4:6])
    np.testing.assert_allclose(bp.kernel_grad_overwritten(dY, X, W)[0], last, rtol=1e-12)

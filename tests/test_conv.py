"""bplib.conv: convolutions, max-pooling and their backward passes (chapter 12).

Unit values, loops against vectorised code, hypothesis property tests against central
differences, the autograd oracle, chapter 11's tensor engine, and bad input.
"""
from __future__ import annotations

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.signal import correlate, correlate2d

import bplib as bp

RNG = np.random.default_rng


# ---------------------------------------------------------------------------- unit values
def test_correlate1d_matches_numpy_and_hand_values():
    x, w = np.array([1.0, 2.0, 0.0, -1.0, 3.0]), np.array([1.0, 0.0, -2.0])
    np.testing.assert_allclose(bp.correlate1d(x, w), [1.0, 4.0, -6.0])
    np.testing.assert_allclose(bp.correlate1d(x, w), np.correlate(x, w, "valid"), rtol=1e-14)


def test_correlate1d_backward_hand_example_of_the_exercise():
    dx, dw = bp.correlate1d_backward(np.array([1.0, 0.0, 3.0]), np.array([1.0, 2.0, 0.0, -1.0]), np.array([2.0, -1.0]))
    np.testing.assert_array_equal(dx, [2.0, -1.0, 6.0, -3.0])
    np.testing.assert_array_equal(dw, [1.0, -1.0])


def test_correlate1d_backward_is_full_correlation_with_flipped_kernel():
    rng = RNG(0)
    x, w, dy = rng.normal(size=9), rng.normal(size=4), rng.normal(size=6)
    dx, dw = bp.correlate1d_backward(dy, x, w)
    np.testing.assert_allclose(dx, np.convolve(dy, w, "full"), rtol=1e-13)   # convolve = correlate with flip
    np.testing.assert_allclose(dw, np.correlate(x, dy, "valid"), rtol=1e-13)


@pytest.mark.parametrize("n, k, s, p, expected", [(8, 3, 1, 0, 6), (8, 3, 1, 1, 8), (8, 3, 2, 1, 4), (7, 3, 2, 0, 3),
                                                    (5, 5, 1, 0, 1), (1, 3, 1, 1, 1), (8, 5, 3, 2, 3)])
def test_conv_output_size(n, k, s, p, expected):
    assert bp.conv_output_size(n, k, s, p) == expected
    assert bp.conv2d(np.zeros((1, 1, n, n)), np.zeros((1, 1, k, k)), np.zeros(1), s, p).shape == (1, 1, expected, expected)


def test_conv2d_hand_example():
    X = np.arange(16.0).reshape(1, 1, 4, 4)
    Y = bp.conv2d(X, np.ones((1, 1, 2, 2)), np.array([1.0]), stride=2)
    np.testing.assert_array_equal(Y[0, 0], [[11.0, 19.0], [43.0, 51.0]])
    Y = bp.conv2d(X, np.ones((1, 1, 3, 3)), np.zeros(1), padding=1)
    assert Y[0, 0, 0, 0] == 0 + 1 + 4 + 5                     # the top-left window sees padding zeros


def test_conv2d_matches_scipy_with_channels_stride_padding():
    rng = RNG(1)
    X, W, b = rng.normal(size=(2, 3, 7, 6)), rng.normal(size=(4, 3, 3, 2)), rng.normal(size=4)
    s, p = 2, 1
    Xp = np.pad(X, ((0, 0), (0, 0), (p, p), (p, p)))
    expected = np.array([[correlate(Xp[n], W[o], "valid")[0][::s, ::s] + b[o] for o in range(4)] for n in range(2)])
    np.testing.assert_allclose(bp.conv2d(X, W, b, s, p), expected, rtol=1e-12, atol=1e-12)


def test_conv2d_one_channel_matches_correlate2d():
    rng = RNG(2)
    X, W = rng.normal(size=(1, 1, 6, 5)), rng.normal(size=(1, 1, 2, 3))
    np.testing.assert_allclose(bp.conv2d(X, W, np.zeros(1))[0, 0], correlate2d(X[0, 0], W[0, 0], "valid"), rtol=1e-12)


def test_im2col_columns_are_windows_in_kernel_order():
    X = np.arange(2 * 3 * 3.0).reshape(1, 2, 3, 3)
    cols = bp.im2col(X, 2, 2)
    assert cols.shape == (2 * 2 * 2, 4)
    np.testing.assert_array_equal(cols[:, 1], X[0, :, 0:2, 1:3].ravel())   # window of output (0, 1)
    np.testing.assert_array_equal(cols[:, 2], X[0, :, 1:3, 0:2].ravel())   # window of output (1, 0)


def test_bias_gradient_is_the_sum_over_examples_and_positions():
    dY = RNG(3).normal(size=(3, 2, 4, 5))
    np.testing.assert_allclose(bp.conv2d_bias_grad(dY), dY.sum(axis=(0, 2, 3)))


def test_max_pool_hand_example_and_routing():
    X = np.array([[[[1.0, 3.0, 0.0, 0.0], [2.0, 0.0, 5.0, 4.0], [0.0, 0.0, 1.0, 1.0], [-1.0, 7.0, 1.0, 1.0]]]])
    np.testing.assert_array_equal(bp.max_pool2d(X)[0, 0], [[3.0, 5.0], [7.0, 1.0]])
    dX = bp.max_pool2d_backward(np.array([[[[10.0, 20.0], [30.0, 40.0]]]]), X)
    expected = np.zeros((4, 4))
    expected[0, 1], expected[1, 2], expected[3, 1], expected[2, 2] = 10.0, 20.0, 30.0, 40.0   # tie: first in reading order
    np.testing.assert_array_equal(dX[0, 0], expected)


def test_max_pool_drops_partial_windows_like_torch():
    X = RNG(4).normal(size=(1, 2, 5, 7))
    assert bp.max_pool2d(X, 2).shape == (1, 2, 2, 3)
    dX = bp.max_pool2d_backward(np.ones((1, 2, 2, 3)), X, 2)
    assert np.all(dX[:, :, 4, :] == 0) and np.all(dX[:, :, :, 6] == 0)
    assert dX.sum() == 12


def test_max_pool_backward_on_non_contiguous_input():
    X = RNG(5).normal(size=(4, 6, 2, 3)).transpose(2, 3, 0, 1)          # a strided view, shape (2, 3, 4, 6)
    assert not X.flags.c_contiguous
    dY = RNG(6).normal(size=(2, 3, 2, 3))
    np.testing.assert_allclose(bp.max_pool2d_backward(dY, X), bp.max_pool2d_backward_loops(dY, X), rtol=0, atol=0)


def test_functions_do_not_modify_their_inputs():
    rng = RNG(7)
    X, W, b = rng.normal(size=(2, 2, 5, 5)), rng.normal(size=(3, 2, 3, 3)), rng.normal(size=3)
    dY = rng.normal(size=(2, 3, 3, 3))
    copies = [a.copy() for a in (X, W, b, dY)]
    bp.conv2d(X, W, b, 2, 1)
    bp.conv2d_backward(dY, X, W, b, 2, 1)
    bp.max_pool2d_backward(rng.normal(size=(2, 2, 2, 2)), X)
    for a, c in zip((X, W, b, dY), copies):
        np.testing.assert_array_equal(a, c)


# ---------------------------------------------------------------------------- loops vs vectorised
CASES = [((2, 3, 7, 6), (4, 3, 3, 2), 2, 1), ((3, 1, 8, 8), (5, 1, 3, 3), 1, 1), ((1, 2, 9, 9), (2, 2, 4, 4), 3, 0),
         ((2, 2, 5, 5), (3, 2, 5, 5), 1, 2), ((1, 1, 6, 6), (1, 1, 2, 2), 3, 0), ((1, 1, 4, 4), (1, 1, 4, 4), 1, 0),
         ((32, 1, 8, 8), (12, 1, 3, 3), 1, 1)]


def case_arrays(x_shape, w_shape, s, p, seed=0):
    rng = RNG(seed)
    X, W, b = rng.normal(size=x_shape), rng.normal(size=w_shape), rng.normal(size=w_shape[0])
    dY = rng.normal(size=bp.conv2d(X, W, b, s, p).shape)
    return X, W, b, dY


@pytest.mark.parametrize("x_shape, w_shape, s, p", CASES)
def test_loops_and_vectorised_agree_to_1e_12(x_shape, w_shape, s, p):
    X, W, b, dY = case_arrays(x_shape, w_shape, s, p)
    assert bp.relative_error(bp.conv2d(X, W, b, s, p), bp.conv2d_loops(X, W, b, s, p)) < 1e-12
    fast, loops = bp.conv2d_backward(dY, X, W, b, s, p), bp.conv2d_backward_loops(dY, X, W, b, s, p)
    for name, u, v in zip(("dX", "dW", "db"), fast, loops):
        assert u.shape == v.shape
        assert bp.relative_error(u, v) < 1e-12, name


@pytest.mark.parametrize("x_shape, w_shape, s, p", CASES)
def test_separate_gradient_functions_equal_conv2d_backward(x_shape, w_shape, s, p):
    X, W, b, dY = case_arrays(x_shape, w_shape, s, p)
    dX, dW, db = bp.conv2d_backward(dY, X, W, b, s, p)
    assert bp.relative_error(bp.conv2d_input_grad(dY, X, W, s, p), dX) < 1e-14
    assert bp.relative_error(bp.conv2d_input_grad_flipped(dY, X, W, s, p), dX) < 1e-12
    assert bp.relative_error(bp.conv2d_kernel_grad(dY, X, W, s, p), dW) < 1e-14
    assert bp.relative_error(bp.conv2d_bias_grad(dY), db) < 1e-14


@pytest.mark.parametrize("shape, size", [((2, 3, 6, 6), 2), ((1, 2, 7, 9), 3), ((2, 1, 4, 4), 1), ((1, 1, 5, 4), 2)])
def test_max_pool_loops_and_vectorised_agree(shape, size):
    rng = RNG(8)
    X = rng.normal(size=shape)
    Y = bp.max_pool2d(X, size)
    dY = rng.normal(size=Y.shape)
    np.testing.assert_array_equal(Y, bp.max_pool2d_loops(X, size))
    np.testing.assert_array_equal(bp.max_pool2d_backward(dY, X, size), bp.max_pool2d_backward_loops(dY, X, size))


# ---------------------------------------------------------------------------- hypothesis vs central differences
@st.composite
def conv_problem(draw):
    m, c_in, c_out = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    s, p = draw(st.integers(1, 3)), draw(st.integers(0, 2))
    H, W = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    assume(kh <= H + 2 * p and kw <= W + 2 * p)
    seed = draw(st.integers(0, 2 ** 16))
    rng = RNG(seed)
    X, Wt, b = rng.normal(size=(m, c_in, H, W)), rng.normal(size=(c_out, c_in, kh, kw)), rng.normal(size=c_out)
    dY = rng.normal(size=(m, c_out, bp.conv_output_size(H, kh, s, p), bp.conv_output_size(W, kw, s, p)))
    return X, Wt, b, dY, s, p


@settings(max_examples=30)
@given(problem=conv_problem())
def test_conv2d_backward_matches_central_differences(problem):
    X, W, b, dY, s, p = problem
    dX, dW, db = bp.conv2d_backward(dY, X, W, b, s, p)
    assert bp.relative_error(dX, bp.numerical_gradient(lambda v: np.sum(dY * bp.conv2d(v, W, b, s, p)), X)) < 1e-7
    assert bp.relative_error(dW, bp.numerical_gradient(lambda v: np.sum(dY * bp.conv2d(X, v, b, s, p)), W)) < 1e-7
    assert bp.relative_error(db, bp.numerical_gradient(lambda v: np.sum(dY * bp.conv2d(X, W, v, s, p)), b)) < 1e-7


@settings(max_examples=30)
@given(problem=conv_problem())
def test_conv2d_loops_and_vectorised_agree_on_random_shapes(problem):
    X, W, b, dY, s, p = problem
    assert bp.relative_error(bp.conv2d(X, W, b, s, p), bp.conv2d_loops(X, W, b, s, p)) < 1e-12
    assert bp.relative_error(bp.conv2d_backward(dY, X, W, b, s, p), bp.conv2d_backward_loops(dY, X, W, b, s, p)) < 1e-12


@settings(max_examples=25)
@given(m=st.integers(1, 2), c=st.integers(1, 3), h=st.integers(1, 7), w=st.integers(1, 7), size=st.integers(1, 3),
       seed=st.integers(0, 2 ** 16))
def test_max_pool_backward_matches_central_differences(m, c, h, w, size, seed):
    assume(size <= h and size <= w)
    rng = RNG(seed)
    X = rng.normal(size=(m, c, h, w))              # continuous values: no ties, no kinks
    dY = rng.normal(size=(m, c, h // size, w // size))
    numeric = bp.numerical_gradient(lambda v: np.sum(dY * bp.max_pool2d(v, size)), X)
    assert bp.relative_error(bp.max_pool2d_backward(dY, X, size), numeric) < 1e-7


@settings(max_examples=25)
@given(n=st.integers(1, 9), k=st.integers(1, 9), seed=st.integers(0, 2 ** 16))
def test_correlate1d_backward_matches_central_differences(n, k, seed):
    assume(k <= n)
    rng = RNG(seed)
    x, w, dy = rng.normal(size=n), rng.normal(size=k), rng.normal(size=n - k + 1)
    dx, dw = bp.correlate1d_backward(dy, x, w)
    assert bp.relative_error(dx, bp.numerical_gradient(lambda v: dy @ bp.correlate1d(v, w), x)) < 1e-7
    assert bp.relative_error(dw, bp.numerical_gradient(lambda v: dy @ bp.correlate1d(x, v), w)) < 1e-7


# ---------------------------------------------------------------------------- autograd oracle
def oracle_conv2d(X, W, b, s, p):
    """conv2d in autograd.numpy, by shifted slices of the padded input (no im2col, no loops over positions)."""
    m, c, H, Wd = X.shape
    o, _, kh, kw = W.shape
    Ho, Wo = (H + 2 * p - kh) // s + 1, (Wd + 2 * p - kw) // s + 1
    Xp = anp.concatenate([anp.zeros((m, c, p, Wd)), X, anp.zeros((m, c, p, Wd))], axis=2) if p else X
    Xp = anp.concatenate([anp.zeros((m, c, H + 2 * p, p)), Xp, anp.zeros((m, c, H + 2 * p, p))], axis=3) if p else Xp
    Y = 0.0
    for i in range(kh):
        for j in range(kw):
            window = Xp[:, :, i:i + s * (Ho - 1) + 1:s, j:j + s * (Wo - 1) + 1:s]     # (m, c, Ho, Wo)
            Y = Y + anp.einsum("nchw,oc->nohw", window, W[:, :, i, j])
    return Y + b[None, :, None, None]


def oracle_max_pool(X, size):
    m, c, H, W = X.shape
    Ho, Wo = H // size, W // size
    blocks = anp.reshape(X[:, :, :Ho * size, :Wo * size], (m, c, Ho, size, Wo, size))
    return anp.max(anp.max(blocks, axis=5), axis=3)


@settings(max_examples=20)
@given(problem=conv_problem())
def test_conv2d_and_backward_agree_with_autograd(problem):
    X, W, b, dY, s, p = problem
    assert bp.relative_error(bp.conv2d(X, W, b, s, p), oracle_conv2d(X, W, b, s, p)) < 1e-12
    cost = lambda X_, W_, b_: anp.sum(dY * oracle_conv2d(X_, W_, b_, s, p))
    oracle = [grad(cost, i)(X, W, b) for i in range(3)]
    for name, ours, theirs in zip(("dX", "dW", "db"), bp.conv2d_backward(dY, X, W, b, s, p), oracle):
        assert bp.relative_error(ours, theirs) < 1e-12, name


@pytest.mark.parametrize("shape, size", [((2, 3, 6, 6), 2), ((1, 2, 7, 9), 3), ((3, 1, 8, 8), 2)])
def test_max_pool_backward_agrees_with_autograd(shape, size):
    rng = RNG(9)
    X = rng.normal(size=shape)
    dY = rng.normal(size=(shape[0], shape[1], shape[2] // size, shape[3] // size))
    np.testing.assert_array_equal(bp.max_pool2d(X, size), oracle_max_pool(X, size))
    theirs = grad(lambda v: anp.sum(dY * oracle_max_pool(v, size)))(X)
    assert bp.relative_error(bp.max_pool2d_backward(dY, X, size), theirs) < 1e-14


# ---------------------------------------------------------------------------- chapter 11's tensor engine
def engine_conv2d(Xt, Wt, bt, X_shape, W_shape, s, p):
    """conv2d from the engine's operations: padding by a 0/1 matrix product, im2col by an index
    array, one matrix product, as the tensor contract suggests."""
    m, c, H, Wd = X_shape
    o, _, kh, kw = W_shape
    Hp, Wp = H + 2 * p, Wd + 2 * p
    Ho, Wo = (Hp - kh) // s + 1, (Wp - kw) // s + 1
    embed = np.zeros((H * Wd, Hp * Wp))                         # pixel (u, v) -> padded (u + p, v + p)
    for u in range(H):
        for v in range(Wd):
            embed[u * Wd + v, (u + p) * Wp + v + p] = 1.0
    padded = (Xt.reshape(m * c, H * Wd) @ embed).reshape(m * c * Hp * Wp)
    n_i, i_i, j_i, c_i, p_i, q_i = np.ix_(range(m), range(Ho), range(Wo), range(c), range(kh), range(kw))
    idx = ((n_i * c + c_i) * Hp + s * i_i + p_i) * Wp + s * j_i + q_i          # (m, Ho, Wo, c, kh, kw)
    cols = padded[idx.reshape(m * Ho * Wo, c * kh * kw)]
    Y_rows = cols @ Wt.reshape(o, c * kh * kw).T + bt           # (m·Ho·Wo, o)
    return Y_rows, (m, Ho, Wo, o)


@settings(max_examples=15)
@given(problem=conv_problem())
def test_conv2d_backward_agrees_with_tensor_engine(problem):
    X, W, b, dY, s, p = problem
    Xt, Wt, bt = bp.Tensor(X), bp.Tensor(W), bp.Tensor(b)
    Y_rows, (m, Ho, Wo, o) = engine_conv2d(Xt, Wt, bt, X.shape, W.shape, s, p)
    assert bp.relative_error(Y_rows.value.reshape(m, Ho, Wo, o).transpose(0, 3, 1, 2), bp.conv2d(X, W, b, s, p)) < 1e-12
    (Y_rows * dY.transpose(0, 2, 3, 1).reshape(-1, o)).sum().backward()
    for name, ours, theirs in zip(("dX", "dW", "db"), bp.conv2d_backward(dY, X, W, b, s, p), (Xt.grad, Wt.grad, bt.grad)):
        assert bp.relative_error(ours, theirs) < 1e-12, name


def test_max_pool_backward_agrees_with_tensor_engine():
    rng = RNG(10)
    X = rng.normal(size=(2, 3, 6, 6))
    dY = rng.normal(size=(2, 3, 3, 3))
    Xt = bp.Tensor(X)
    blocks = Xt.reshape(2, 3, 3, 2, 3, 2).transpose(0, 1, 2, 4, 3, 5).reshape(2, 3, 3, 3, 4)
    pooled = blocks.max(axis=4)
    np.testing.assert_array_equal(pooled.value, bp.max_pool2d(X))
    (pooled * dY).sum().backward()
    assert bp.relative_error(bp.max_pool2d_backward(dY, X), Xt.grad) < 1e-14


# ---------------------------------------------------------------------------- the planted slips really are wrong
def test_planted_slips_fail_the_gradient_check():
    X, W, b, dY = case_arrays((2, 2, 6, 6), (3, 2, 3, 3), 1, 1, seed=11)
    dX, dW, _ = bp.conv2d_backward(dY, X, W, b, 1, 1)
    assert bp.relative_error(bp.input_grad_unflipped(dY, X, W, 1, 1), dX) > 0.1
    assert bp.relative_error(bp.kernel_grad_overwritten(dY, X, W, 1, 1), dW) > 0.1
    assert bp.relative_error(bp.kernel_grad_transposed_im2col(dY, X, W, 1, 1), dW) > 0.1
    sym = W + W[:, :, ::-1, ::-1]                                   # a kernel symmetric under the flip hides the first slip
    assert bp.relative_error(bp.input_grad_unflipped(dY, X, sym, 1, 1), bp.conv2d_input_grad(dY, X, sym, 1, 1)) < 1e-14


# ---------------------------------------------------------------------------- bad input
GOOD = dict(X=np.zeros((2, 3, 6, 6)), W=np.zeros((4, 3, 3, 3)), b=np.zeros(4))


@pytest.mark.parametrize("change, argument, shapes", [
    (dict(W=np.zeros((4, 2, 3, 3))), "W", ["(2, 3, 6, 6)", "(4, 2, 3, 3)"]),          # channel mismatch
    (dict(W=np.zeros((4, 3, 7, 7))), "W", ["(4, 3, 7, 7)", "(2, 3, 6, 6)"]),          # kernel larger than the input
    (dict(b=np.zeros(3)), "b", ["(4,)", "(3,)"]),                                      # bias of the wrong length
    (dict(b=np.zeros((4, 1))), "b", ["(4, 1)"]),
    (dict(X=np.zeros((3, 6, 6))), "X", ["(3, 6, 6)"]),                                 # 3-D X
    (dict(X=np.zeros((2, 3, 6, 6, 1))), "X", ["(2, 3, 6, 6, 1)"]),
    (dict(W=np.zeros((3, 3, 3))), "W", ["(3, 3, 3)"]),
])
def test_conv2d_bad_shapes_raise_value_error_naming_argument_and_shapes(change, argument, shapes):
    args = {**GOOD, **change}
    for call in (lambda: bp.conv2d(args["X"], args["W"], args["b"]),
                 lambda: bp.conv2d_loops(args["X"], args["W"], args["b"]),
                 lambda: bp.conv2d_backward(np.zeros((2, 4, 4, 4)), args["X"], args["W"], args["b"])):
        with pytest.raises(ValueError) as info:
            call()
        message = str(info.value)
        assert message.startswith(f"{argument}:"), message
        for shape in shapes:
            assert shape in message, message


def test_kernel_larger_than_padded_input_but_fits_with_padding():
    assert bp.conv2d(np.zeros((1, 1, 2, 2)), np.zeros((1, 1, 4, 4)), np.zeros(1), padding=1).shape == (1, 1, 1, 1)
    with pytest.raises(ValueError, match=r"W: .*\(4, 4\).*padded input of size \(3, 3\)"):
        bp.conv2d(np.zeros((1, 1, 1, 1)), np.zeros((1, 1, 4, 4)), np.zeros(1), padding=1)


@pytest.mark.parametrize("stride", [0, -1, 1.5, True, "2"])
def test_bad_stride_raises(stride):
    with pytest.raises(ValueError, match="stride"):
        bp.conv2d(GOOD["X"], GOOD["W"], GOOD["b"], stride=stride)
    with pytest.raises(ValueError, match="stride"):
        bp.conv2d_backward(np.zeros((2, 4, 4, 4)), GOOD["X"], GOOD["W"], GOOD["b"], stride=stride)


@pytest.mark.parametrize("padding", [-1, 0.5, True])
def test_bad_padding_raises(padding):
    with pytest.raises(ValueError, match="padding"):
        bp.conv2d(GOOD["X"], GOOD["W"], GOOD["b"], padding=padding)


@pytest.mark.parametrize("dY_shape", [(2, 4, 3, 3), (2, 4, 4), (1, 4, 4, 4), (2, 3, 4, 4)])
def test_dY_of_the_wrong_shape_raises(dY_shape):
    for call in (lambda dY: bp.conv2d_backward(dY, GOOD["X"], GOOD["W"], GOOD["b"]),
                 lambda dY: bp.conv2d_backward_loops(dY, GOOD["X"], GOOD["W"], GOOD["b"]),
                 lambda dY: bp.conv2d_input_grad(dY, GOOD["X"], GOOD["W"]),
                 lambda dY: bp.conv2d_kernel_grad(dY, GOOD["X"], GOOD["W"])):
        with pytest.raises(ValueError) as info:
            call(np.zeros(dY_shape))
        message = str(info.value)
        assert message.startswith("dY:") and str(dY_shape) in message, message
        if len(dY_shape) == 4:
            assert "(2, 4, 4, 4)" in message, message


def test_max_pool_bad_input():
    with pytest.raises(ValueError, match=r"X: .*\(3, 4, 4\)"):
        bp.max_pool2d(np.zeros((3, 4, 4)))
    with pytest.raises(ValueError, match=r"size: .*\(1, 1, 2, 2\)"):
        bp.max_pool2d(np.zeros((1, 1, 2, 2)), size=3)
    with pytest.raises(ValueError, match="size"):
        bp.max_pool2d(np.zeros((1, 1, 4, 4)), size=0)
    with pytest.raises(ValueError, match=r"dY: .*\(1, 1, 2, 2\).*\(1, 1, 3, 3\)"):
        bp.max_pool2d_backward(np.zeros((1, 1, 3, 3)), np.zeros((1, 1, 4, 4)))


def test_correlate1d_bad_input():
    with pytest.raises(ValueError, match=r"x: .*\(1, 4\)"):
        bp.correlate1d(np.zeros((1, 4)), np.zeros(2))
    with pytest.raises(ValueError, match=r"w: .*\(5,\).*\(4,\)"):
        bp.correlate1d(np.zeros(4), np.zeros(5))
    with pytest.raises(ValueError, match=r"dy: .*\(3,\).*\(2,\)"):
        bp.correlate1d_backward(np.zeros(2), np.zeros(4), np.zeros(2))


def test_non_finite_and_non_numeric_input():
    X = np.zeros((1, 1, 3, 3))
    X[0, 0, 1, 1] = np.nan
    with pytest.raises(ValueError, match="X"):
        bp.conv2d(X, np.zeros((1, 1, 2, 2)), np.zeros(1))
    with pytest.raises(TypeError):
        bp.conv2d("image", np.zeros((1, 1, 2, 2)), np.zeros(1))


# ---------------------------------------------------------------------------- docstrings
@pytest.mark.parametrize("name", ["conv", "cnn"])
def test_docstring_examples_run(name):
    import doctest
    import importlib

    module = importlib.import_module(f"bplib.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, report=False)
    assert result.attempted > 0 and result.failed == 0, f"{result.failed} of {result.attempted} examples fail"

"""bplib.cnn: chapter 12's small CNN, shifted images, exercise checkers and the planted slips."""
from __future__ import annotations

import numpy as np
import pytest

import bplib as bp


def digits(n=6, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.random((n, 64))
    return X, bp.one_hot(rng.integers(0, 10, n), 10)


@pytest.mark.parametrize("channels, kernel", [(3, 3), (2, 5), (4, 1)])
def test_small_cnn_gradients_match_central_differences(channels, kernel):
    net = bp.SmallCNN(channels=channels, kernel=kernel, seed=1)
    net.b1 = np.linspace(-0.3, 0.3, channels) + 0.05          # away from ReLU's kink
    X, Y = digits()
    numeric = bp.numerical_gradient(lambda t: net.loss_at(t, X, Y), net.get_params())
    assert bp.relative_error(net.flat_gradients(X, Y), numeric) < 1e-7


def test_small_cnn_gradients_use_conv2d_backward_pieces():
    net = bp.SmallCNN(channels=2, seed=0)
    X, Y = digits(4)
    c = net.forward_pass(X)
    assert c["Z1"].shape == (4, 2, 8, 8) and c["P"].shape == (4, 2, 4, 4) and c["Z2"].shape == (4, 10)
    assert [g.shape for g in net.gradients(X, Y)] == [p.shape for p in net.params]


def test_small_cnn_parameter_count_below_the_chapter_08_mlp():
    assert bp.SmallCNN(channels=12).n_params == 12 * 9 + 12 + 10 * 192 + 10 == 2050 < bp.parameter_count([64, 32, 10])


def test_train_cnn_lowers_the_cost_and_is_seeded():
    X, Y = digits(40, seed=3)
    nets = [bp.SmallCNN(channels=2, seed=0) for _ in range(2)]
    costs = [bp.train_cnn(net, X, Y, lr=0.1, epochs=3, batch_size=8, seed=5) for net in nets]
    assert costs[0][-1] < costs[0][0]
    assert costs[0] == costs[1]


def test_set_params_round_trip_and_bad_length():
    net = bp.SmallCNN(channels=2, seed=0)
    theta = net.get_params()
    net.set_params(theta * 2)
    np.testing.assert_array_equal(net.get_params(), theta * 2)
    with pytest.raises(ValueError, match=r"theta: .*\(" + str(net.n_params) + r",\)"):
        net.set_params(theta[:-1])


def test_small_cnn_bad_arguments():
    with pytest.raises(ValueError, match="kernel"):
        bp.SmallCNN(kernel=2)
    with pytest.raises(ValueError, match=r"X: .*\(5, 63\)"):
        bp.SmallCNN().forward(np.zeros((5, 63)))


def test_shift_images():
    X = np.arange(64.0).reshape(1, 64)
    down = bp.shift_images(X, rows=1).reshape(8, 8)
    np.testing.assert_array_equal(down[0], 0)
    np.testing.assert_array_equal(down[1:], X.reshape(8, 8)[:-1])
    left = bp.shift_images(X, cols=-1).reshape(8, 8)
    np.testing.assert_array_equal(left[:, -1], 0)
    np.testing.assert_array_equal(left[:, :-1], X.reshape(8, 8)[:, 1:])
    np.testing.assert_array_equal(bp.shift_images(X), X)
    with pytest.raises(ValueError, match=r"X: .*\(64,\)"):
        bp.shift_images(np.zeros(64))


def test_kernel_gradient_footprint():
    counts, out = bp.kernel_gradient_footprint(8, 3, stride=2, padding=0, p=1, q=2)
    assert out == 3 and counts.shape == (8, 8) and counts.sum() == 9
    assert {tuple(ix) for ix in np.argwhere(counts)} == {(1 + 2 * i, 2 + 2 * j) for i in range(3) for j in range(3)}
    with pytest.raises(ValueError, match="p, q"):
        bp.kernel_gradient_footprint(8, 3, p=3)


@pytest.mark.parametrize("answer, verdict", [(4, "Right"), (4.0, "Right"), (5, "Not yet"), (3, "Not yet"),
                                             (4.5, "Not yet"), ("four", "Not yet")])
def test_check_conv_output_size(answer, verdict):
    assert bp.check_conv_output_size(answer, 8, 3, stride=2, padding=1).startswith(verdict)


def test_check_conv_output_size_hints_name_the_slip():
    assert "both sides" in bp.check_conv_output_size(7, 8, 3, stride=1, padding=1)   # n + p − k + 1
    assert "add 1" in bp.check_conv_output_size(3, 8, 3, stride=2, padding=1)


def test_check_correlate1d_gradients():
    dy, x, w = [1, 0, 3], [1, 2, 0, -1], [2, -1]
    assert bp.check_correlate1d_gradients([2, -1, 6, -3], [1, -1], dy, x, w).startswith("Right")
    assert bp.check_correlate1d_gradients([2.0000001, -1, 6, -3], [1, -1], dy, x, w).startswith("Right")
    assert "flip" in bp.check_correlate1d_gradients([-1, 2, -3, 6], [1, -1], dy, x, w)
    assert "sum" in bp.check_correlate1d_gradients([2, -1, 6, -3], [1, 0], dy, x, w)
    assert "shape" in bp.check_correlate1d_gradients([2, -1, 6], [1, -1], dy, x, w)

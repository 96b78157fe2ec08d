"""Counting the work of a gradient (bplib.opcount): the formulas against two instruments (the scalar
engine's operation counter, and a matrix-level backpropagation whose every product is counted),
the 2P cost evaluations of central differences, the timing helper's bookkeeping, and bad inputs."""
import matplotlib
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import bplib as bp

matplotlib.use("Agg")

sizes_strategy = st.lists(st.integers(1, 5), min_size=2, max_size=5)


# ---------------------------------------------------------------- the formulas, by hand
def test_formulas_on_hand_counted_networks():
    # [2, 3, 1], m = 4: forward 4·(2·3 + 3·1) = 36; backward 36 + 4·(3·1) = 48; P = 9 + 4 = 13
    assert bp.parameter_count([2, 3, 1]) == 13
    assert bp.forward_multiply_adds([2, 3, 1], 4) == 36
    assert bp.backward_multiply_adds([2, 3, 1], 4) == 48
    assert bp.finite_difference_multiply_adds([2, 3, 1], 4) == 2 * 13 * 36
    # one layer: no delta to pass down, so the backward pass costs exactly the forward pass
    assert bp.backward_multiply_adds([5, 7], 3) == bp.forward_multiply_adds([5, 7], 3) == 105
    # seed 004's MNIST network
    assert bp.forward_multiply_adds([784, 100, 10]) == 79_400
    assert bp.backward_multiply_adds([784, 100, 10]) == 80_400
    assert bp.elementwise_operations([2, 3, 1], 4) == 4 * 4 * 4


@given(sizes=sizes_strategy, m=st.integers(1, 64))
def test_backward_is_at_most_twice_forward(sizes, m):
    F, B = bp.forward_multiply_adds(sizes, m), bp.backward_multiply_adds(sizes, m)
    assert B == 2 * F - m * sizes[0] * sizes[1]
    assert F <= B <= 2 * F
    c = bp.gradient_costs(sizes, m)
    assert c["backprop"] == F + B and c["backprop_over_forward"] <= 3
    assert c["finite_differences"] == 2 * c["parameters"] * F
    assert c["finite_differences_over_backprop"] >= 2 * c["parameters"] / 3
    assert c["parameters"] == bp.MLP(sizes, seed=0).n_params


# ---------------------------------------------------------------- instrument 1: the scalar engine
@given(sizes=st.lists(st.integers(1, 4), min_size=2, max_size=4), m=st.integers(1, 3),
       hidden=st.sampled_from(["tanh", "relu", "sigmoid"]), softmax=st.booleans())
@settings(max_examples=30)
def test_engine_counts_equal_the_formulas(sizes, m, hidden, softmax):
    rng = np.random.default_rng(0)
    if softmax:
        sizes = sizes[:-1] + [max(sizes[-1], 2)]
        net = bp.MLP(sizes, hidden=hidden, output="softmax", loss="cross_entropy", seed=1)
        Y = bp.one_hot(rng.integers(0, sizes[-1], m), sizes[-1])
    else:
        net = bp.MLP(sizes, hidden=hidden, output="sigmoid", loss="mse", seed=1)
        Y = rng.random((m, sizes[-1]))
    X = rng.normal(size=(m, sizes[0]))
    counted = bp.counted_multiply_adds(net, X, Y)
    assert counted["forward"] == bp.forward_multiply_adds(sizes, m)
    assert counted["backward"] == bp.backward_multiply_adds(sizes, m)


# ---------------------------------------------------------------- instrument 2: counted matrix products
class MatmulCounter:
    """A matrix product that counts its multiply-adds: (a, b) @ (b, c) costs a·b·c."""

    def __init__(self):
        self.count = 0

    def __call__(self, A, B):
        self.count += A.shape[0] * A.shape[1] * B.shape[1]
        return A @ B


def counted_backprop(net, X, Y, mm):
    """Forward and backward pass of an MSE network written with the counting product ``mm``."""
    f = bp.ACTIVATIONS[net.hidden]
    out = bp.ACTIVATIONS[net.output]
    As, Zs = [X], []
    for i, (W, b) in enumerate(zip(net.weights, net.biases)):
        Zs.append(mm(As[-1], W.T) + b)
        As.append(out.f(Zs[-1]) if i == net.n_layers - 1 else f.f(Zs[-1]))
    forward = mm.count
    delta = (As[-1] - Y) / X.shape[0] * out.df(Zs[-1])
    dWs = [None] * net.n_layers
    for i in range(net.n_layers - 1, -1, -1):
        dWs[i] = mm(delta.T, As[i])
        if i > 0:
            delta = mm(delta, net.weights[i]) * f.df(Zs[i - 1])
    return dWs, forward, mm.count - forward


@given(sizes=sizes_strategy, m=st.integers(1, 8))
@settings(max_examples=30)
def test_counted_matrix_products_equal_the_formulas(sizes, m):
    rng = np.random.default_rng(2)
    net = bp.MLP(sizes, hidden="tanh", output="sigmoid", loss="mse", seed=3)
    X, Y = rng.normal(size=(m, sizes[0])), rng.random((m, sizes[-1]))
    dWs, forward, backward = counted_backprop(net, X, Y, MatmulCounter())
    assert bp.relative_error(dWs, net.gradients(X, Y)[0]) < 1e-12   # it is a real backward pass
    assert forward == bp.forward_multiply_adds(sizes, m)
    assert backward == bp.backward_multiply_adds(sizes, m)


# ---------------------------------------------------------------- central differences: 2P evaluations
@given(sizes=st.lists(st.integers(1, 4), min_size=2, max_size=3))
@settings(max_examples=20)
def test_central_differences_evaluate_the_cost_2P_times(sizes):
    net = bp.MLP(sizes, seed=0)
    rng = np.random.default_rng(4)
    X, Y = rng.normal(size=(3, sizes[0])), rng.random((3, sizes[-1]))
    calls = []

    def cost(theta):
        calls.append(1)
        return net.loss_at(theta, X, Y)

    g = bp.numerical_gradient(cost, net.get_params())
    assert len(calls) == 2 * bp.parameter_count(sizes)
    assert bp.relative_error(g, net.flat_gradients(X, Y)) < 1e-7


# ---------------------------------------------------------------- timings (bookkeeping only, never speed)
def test_time_gradient_methods_reports_positive_times_and_extrapolates():
    rng = np.random.default_rng(0)
    net = bp.MLP([6, 5, 1], seed=0)
    X, Y = rng.normal(size=(4, 6)), rng.random((4, 1))
    before = net.get_params()
    t = bp.time_gradient_methods(net, X, Y, n_coordinates=7, repeats=2)
    assert t["parameters"] == 41 and t["coordinates_timed"] == 7
    assert all(t[k] > 0 for k in ("forward", "backprop", "finite_differences_per_coordinate"))
    assert t["finite_differences"] == pytest.approx(41 * t["finite_differences_per_coordinate"])
    assert np.array_equal(net.get_params(), before)
    small = bp.time_gradient_methods(bp.MLP([1, 1], seed=0), X[:, :1], Y, n_coordinates=40, repeats=1)
    assert small["coordinates_timed"] == 2     # all of them when P is small


# ---------------------------------------------------------------- the exercise check, the figure, the widget
def test_check_multiply_adds():
    assert bp.check_multiply_adds(79_400, [784, 100, 10], which="forward").ok
    assert bp.check_multiply_adds(80_400, [784, 100, 10], which="backward").ok
    wrong = bp.check_multiply_adds(2 * 79_400, [784, 100, 10], which="backward")
    assert not wrong.ok and "2F" in repr(wrong) and "input layer" in repr(wrong)
    assert "too many" in repr(bp.check_multiply_adds(200_000, [784, 100, 10], which="backward"))
    # the likely slips are named
    assert "weight gradients alone" in bp.check_multiply_adds(79_400, [784, 100, 10], which="backward").message
    assert "biases" in bp.check_multiply_adds(79_510, [784, 100, 10], which="forward").message
    assert "multiply by m = 4" in bp.check_multiply_adds(79_400, [784, 100, 10], m=4, which="forward").message
    assert bp.check_multiply_adds(4 * 79_400, [784, 100, 10], m=4, which="forward").ok
    assert not bp.check_multiply_adds("many", [2, 1]).ok


def test_cost_plot_and_widget_build():
    import matplotlib.pyplot as plt

    import bplib.plots as bpp
    import bplib.widgets as bpw

    ax = bpp.plot_gradient_costs(bp.gradient_costs([4, 8, 2], 3))
    assert ax.get_ylabel() == "multiply-adds" and ax.get_yscale() == "log" and len(ax.patches) == 4
    ax = bpp.plot_gradient_timings([10, 100], [1e-5, 2e-5], [1e-4, 1e-2], forward=[5e-6, 8e-6])
    assert ax.get_xlabel() and ax.get_ylabel() and len(ax.lines) == 3
    box = bpw.gradient_cost_widget(width=5, depth=2, batch=2)
    assert [c.description for c in box.children[0].children] == ["hidden width", "weight layers L", "batch m"]
    plt.close("all")


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize("sizes,exc,match", [
    ([3], ValueError, r"sizes: need at least 2 layer sizes \(input and output\), got \[3\]"),
    ([3, 0, 1], ValueError, r"sizes: every size must be ≥ 1, got \[3, 0, 1\]"),
    ([3, 2.5], TypeError, r"sizes: every size must be an integer, got \[3, 2.5\]"),
    ([3, True], TypeError, r"sizes: every size must be an integer"),
    (5, TypeError, r"sizes: expected a sequence of layer sizes like \[2, 3, 1\], got 5"),
])
def test_counts_reject_bad_sizes(sizes, exc, match):
    for fn in (bp.parameter_count, bp.forward_multiply_adds, bp.backward_multiply_adds,
               bp.finite_difference_multiply_adds, bp.gradient_costs):
        with pytest.raises(exc, match=match):
            fn(sizes)


@pytest.mark.parametrize("m", [0, -3, 2.0, True, "4"])
def test_counts_reject_bad_batch_sizes(m):
    with pytest.raises(ValueError, match=r"m: must be an integer ≥ 1, got"):
        bp.forward_multiply_adds([2, 3], m)
    with pytest.raises(ValueError, match=r"m: must be an integer ≥ 1, got"):
        bp.backward_multiply_adds([2, 3], m)


def test_other_bad_inputs():
    with pytest.raises(ValueError, match=r"which: unknown count 'sideways'; valid names are 'forward', 'backward', "
                                         r"'finite_differences'"):
        bp.check_multiply_adds(1, [2, 1], which="sideways")
    net = bp.MLP([2, 2, 1], l2=0.1, seed=0)
    with pytest.raises(ValueError, match=r"net: counting needs l2 = 0 .* got l2=0.1"):
        bp.counted_multiply_adds(net, np.zeros((1, 2)), np.zeros((1, 1)))
    net = bp.MLP([2, 2, 1], seed=0)
    with pytest.raises(ValueError, match=r"n_coordinates: must be an integer ≥ 1, got 0"):
        bp.time_gradient_methods(net, np.zeros((1, 2)), np.zeros((1, 1)), n_coordinates=0)
    with pytest.raises(ValueError, match=r"X: expected 2 columns, shape \(m, 2\), got shape \(1, 3\)"):
        bp.time_gradient_methods(net, np.zeros((1, 3)), np.zeros((1, 1)))

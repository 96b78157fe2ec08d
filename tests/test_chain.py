"""Tests of bplib.chain: the chain rule (chapter 01) and the two-neuron chain of seed 000
(chapter 02), with SymPy, central differences and autograd as independent references."""
from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

import autograd  # noqa: E402
import autograd.numpy as anp  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import sympy as sp  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import bplib as bp  # noqa: E402

SEED = bp.SEED_000
finite = st.floats(-3.0, 3.0, allow_nan=False)


# ---------------------------------------------------------------------------- chain rule, one variable
def test_chain_rule_derivative_matches_sympy():
    x = sp.symbols("x", real=True)
    exact = sp.lambdify(x, sp.diff(sp.sin(x ** 2 + 1), x), "numpy")
    points = np.linspace(-2.0, 2.0, 9)
    ours = bp.chain_rule_derivative(np.cos, lambda t: t ** 2 + 1, lambda t: 2 * t, points)
    assert ours.shape == points.shape
    assert bp.relative_error(ours, exact(points)) < 1e-14


@settings(max_examples=40)
@given(x=finite)
def test_chain_rule_derivative_matches_central_differences(x):
    def h(t):
        return float(np.tanh(np.exp(np.sin(t))))

    def dtanh(u):
        return 1 - np.tanh(u) ** 2

    ours = float(bp.chain_rule_derivative(dtanh, lambda t: np.exp(np.sin(t)),
                                          lambda t: np.exp(np.sin(t)) * np.cos(t), x))
    numeric = float(bp.numerical_gradient(lambda v: h(float(v)), np.array(x)))
    assert abs(ours - numeric) <= 1e-7 * (abs(ours) + abs(numeric)) + 1e-10


def test_outer_derivative_is_evaluated_at_the_inner_value():
    # f(u) = u², g(x) = x + 1: (f∘g)'(1) = 2·g(1)·1 = 4, not 2·1 = 2
    assert float(bp.chain_rule_derivative(lambda u: 2 * u, lambda t: t + 1, np.ones_like, 1.0)) == 4.0


@pytest.mark.parametrize("args, error, match", [
    ((None, np.sin, np.cos, 1.0), TypeError, "outer_derivative: expected a callable"),
    ((np.cos, "sin", np.cos, 1.0), TypeError, "inner: expected a callable"),
    ((np.cos, np.sin, 3.0, 1.0), TypeError, "inner_derivative: expected a callable"),
    ((np.cos, np.sin, np.cos, "1"), TypeError, "x: expected a numeric array"),
    ((np.cos, np.sum, np.cos, [1.0, 2.0]), ValueError, r"must act elementwise: x has shape \(2,\)"),
])
def test_chain_rule_derivative_rejects_bad_input(args, error, match):
    with pytest.raises(error, match=match):
        bp.chain_rule_derivative(*args)


# ---------------------------------------------------------------------------- chain rule, paths
@settings(max_examples=40)
@given(k=st.integers(1, 5), n=st.integers(1, 5), seed=st.integers(0, 10_000))
def test_chain_rule_gradient_matches_central_differences(k, n, seed):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((k, n))
    c = rng.standard_normal(k)
    x = rng.standard_normal(n)

    def u(v):                      # u = tanh(A v), Jacobian diag(1 − u²) A
        return np.tanh(A @ v)

    def f(v):                      # f = Σ c_k u_k²
        return float(np.sum(c * u(v) ** 2))

    grad_u = 2 * c * u(x)
    J = (1 - u(x) ** 2)[:, None] * A
    ours = bp.chain_rule_gradient(grad_u, J)
    numeric = bp.numerical_gradient(f, x)
    assert ours.shape == (n,)
    if np.linalg.norm(numeric) > 1e-3:
        assert bp.relative_error(ours, numeric) < 1e-7
    else:  # a tiny gradient (saturated tanh): round-off of the differences dominates, ~1e-16/eps
        assert np.abs(ours - numeric).max() < 1e-9


def test_chain_rule_gradient_sums_over_all_paths():
    # f = u1 + 2 u2 with u1 = 3x, u2 = x²: df/dx = 3 + 4x
    assert bp.chain_rule_gradient([1.0, 2.0], [[3.0], [2.0 * 1.5]]).tolist() == [9.0]


@pytest.mark.parametrize("g, J, match", [
    ([[1.0, 2.0]], [[1.0], [1.0]], r"grad_outer: expected a 1-D array of shape \(k,\), got shape \(1, 2\)"),
    ([1.0, 2.0], [1.0, 2.0], r"jacobian_inner: expected shape \(2, n\) to match grad_outer \(2,\), got shape \(2,\)"),
    ([1.0, 2.0], np.ones((3, 2)), r"jacobian_inner: expected shape \(2, n\) to match grad_outer \(2,\), got shape \(3, 2\)"),
])
def test_chain_rule_gradient_rejects_bad_shapes(g, J, match):
    with pytest.raises(ValueError, match=match):
        bp.chain_rule_gradient(g, J)


def test_check_derivative():
    h = lambda t: np.exp(np.sin(3 * t))   # noqa: E731
    exact = 3 * np.cos(1.5) * np.exp(np.sin(1.5))
    assert bp.check_derivative(exact, h, 0.5).ok
    assert bp.check_derivative(round(exact, 4), h, 0.5).ok
    wrong = bp.check_derivative(-exact, h, 0.5)
    assert not wrong and "sign" in wrong.message
    assert not bp.check_derivative(3 * np.cos(0.5) * np.exp(np.sin(1.5)), h, 0.5)
    # a careful hand answer: every intermediate value rounded to four digits on a calculator
    assert bp.check_derivative(3 * 0.0707 * 2.711, h, 0.5).ok
    assert bp.check_derivative(0.5750, h, 0.5).ok
    # the hints name the slip: a missing inner factor, a doubled one, a near miss
    assert "1/3 of the derivative" in bp.check_derivative(exact / 3, h, 0.5).message
    assert "2 times the derivative" in bp.check_derivative(2 * exact, h, 0.5).message
    assert "Close" in bp.check_derivative(0.57, h, 0.5).message
    assert "inner value" in bp.check_derivative(3 * np.cos(0.5) * np.exp(np.sin(1.5)), h, 0.5).message
    assert not bp.check_derivative("0.57", h, 0.5)
    assert not bp.check_derivative(np.array([0.5, 0.5]), h, 0.5)


# ---------------------------------------------------------------------------- the chain: forward
def test_forward_computes_the_line():
    a1, a2 = bp.chain_forward(1.5, 2.0, 0.5, -1.0, 2.0)
    assert (a1, a2) == (3.5, 6.0)
    assert bp.chain_loss(6.0, 9.0) == 9.0


@pytest.mark.parametrize("bad, error, match", [
    (np.array([1.0, 2.0]), ValueError, r"x: expected a scalar \(shape \(\)\), got an array of shape \(2,\)"),
    ("1", TypeError, "x: expected a real number, got str"),
    (True, TypeError, "x: expected a real number, got bool"),
    (float("nan"), ValueError, "x: must be finite"),
    (None, TypeError, "x: expected a real number, got NoneType"),
])
def test_forward_rejects_non_scalars(bad, error, match):
    with pytest.raises(error, match=match):
        bp.chain_forward(1.0, 1.0, 0.0, 0.0, bad)


def test_forward_accepts_numpy_scalars():
    assert bp.chain_forward(np.float32(1.0), np.int64(2), np.array(0.0), 0, 3.0) == (3.0, 6.0)


# ---------------------------------------------------------------------------- the chain: deltas
def test_output_delta_has_the_sign_of_the_gradient():
    assert bp.chain_output_delta(5.0, 3.0) == 4.0       # output too large: positive
    assert bp.chain_output_delta(1.0, 3.0) == -4.0      # output too small: negative


def test_hidden_delta_is_the_general_hidden_delta_for_one_by_one_matrices():
    d2, W2 = -116.34, 0.35
    general = bp.hidden_delta(np.array([[d2]]), np.array([[W2]]), np.ones((1, 1)))
    assert bp.chain_hidden_delta(d2, W2) == general[0, 0]


SYMBOLS = sp.symbols("W1 W2 b1 b2 x y", real=True)


def sympy_gradients(values):
    W1, W2, b1, b2, x, y = SYMBOLS
    L = (y - (W2 * (W1 * x + b1) + b2)) ** 2
    point = dict(zip(SYMBOLS, values))
    return np.array([float(sp.diff(L, p).subs(point)) for p in (W1, W2, b1, b2)])


@pytest.mark.parametrize("values", [
    (1.15, 0.35, 0.0, 0.0, 12.0, 63.0),
    (-0.7, 1.3, 0.25, -2.0, -1.5, 0.4),
])
def test_backward_matches_sympy(values):
    ours = np.array(bp.chain_backward(*values))
    assert bp.relative_error(ours, sympy_gradients(values)) < 1e-14


def loss_of(theta, x, y):
    return bp.chain_loss(bp.chain_forward(*theta, x)[1], y)


@settings(max_examples=40)
@given(params=st.tuples(finite, finite, finite, finite), x=finite, y=finite)
def test_backward_matches_central_differences(params, x, y):
    theta = np.array(params)
    ours = np.array(bp.chain_backward(*params, x, y))
    numeric = bp.numerical_gradient(lambda t: loss_of(t, x, y), theta)
    scale = np.abs(ours).max() + np.abs(numeric).max()
    if scale < 1e-6:               # at a stationary point both vanish; relative error means nothing
        assert np.abs(ours - numeric).max() < 1e-8
    else:
        assert bp.relative_error(ours, numeric) < 1e-7


@settings(max_examples=40)
@given(params=st.tuples(finite, finite, finite, finite), x=finite, y=finite)
def test_backward_matches_autograd(params, x, y):
    def loss(theta):
        a1 = theta[0] * x + theta[2]
        a2 = theta[1] * a1 + theta[3]
        return (y - a2) ** 2

    oracle = autograd.grad(loss)(anp.array(params, dtype=float))
    ours = np.array(bp.chain_backward(*params, x, y))
    np.testing.assert_allclose(ours, oracle, rtol=1e-10, atol=1e-10)


def test_gradients_are_twice_those_of_the_mlp_with_the_half_convention():
    net = bp.MLP([1, 1, 1], hidden="identity", output="identity", loss="mse")
    net.weights[0][...] = 1.15
    net.weights[1][...] = 0.35
    dWs, dbs = net.gradients(np.array([[12.0]]), np.array([[63.0]]))
    mlp = np.array([dWs[0][0, 0], dWs[1][0, 0], dbs[0][0], dbs[1][0]])
    np.testing.assert_allclose(np.array(bp.chain_backward(1.15, 0.35, 0.0, 0.0, 12.0, 63.0)), 2 * mlp,
                               rtol=1e-14)


def test_the_seed_texts_sign_fails_a_gradient_check():
    theta = np.array([1.15, 0.35, 0.0, 0.0])
    right = np.array(bp.chain_backward(*theta, 12.0, 63.0))
    assert bp.check_gradient(lambda t: loss_of(t, 12.0, 63.0), theta, right) < 1e-7
    assert bp.check_gradient(lambda t: loss_of(t, 12.0, 63.0), theta, -right) == pytest.approx(1.0)


# ---------------------------------------------------------------------------- training
def seed_loop(beta, epochs=154):
    """Seed 000's update, transcribed: δ² = a² − y without the 2, δ¹ with the old W²."""
    W1, W2, b1, b2 = 1.15, 0.35, 0.0, 0.0
    for _ in range(epochs):
        for x in range(13):
            y = 5 * x + 3
            a1 = W1 * x + b1
            a2 = W2 * a1 + b2
            d2 = a2 - y
            d1 = W2 * d2
            b2 -= beta * d2
            b1 -= beta * d1
            W2 -= beta * d2 * a1
            W1 -= beta * d1 * x
    return W1, W2, b1, b2


def train_seed(lr, epochs=154):
    return bp.train_chain(SEED["W1"], SEED["W2"], SEED["b1"], SEED["b2"], SEED["xs"], SEED["ys"], lr, epochs)


def test_seed_000_headline():
    run = train_seed(0.0018)
    assert not run.diverged and run.errors.shape == (154,) and run.params.shape == (155, 4)
    assert run.errors[-1] < 1e-8
    assert abs(run.slope - 5) < 5e-5 and abs(run.intercept - 3) < 5e-5
    assert run.params[0].tolist() == [1.15, 0.35, 0.0, 0.0]


def test_training_is_the_seeds_update_with_half_its_learning_rate():
    run = train_seed(0.0018)
    assert (run.W1, run.W2, run.b1, run.b2) == seed_loop(0.0036)


def test_a_smaller_learning_rate_misses_the_intercept():
    run = train_seed(0.0015)
    assert run.errors[-1] < 1e-8 and abs(run.intercept - 3) > 5e-5


def test_divergence_stops_cleanly_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = train_seed(0.0025)
        huge = bp.train_chain(1.0, 1.0, 0.0, 0.0, [1e100], [0.0], 1.0, 5)
    assert run.diverged and run.diverged_epoch == 2 and "diverged in epoch 2" in run.message
    assert run.errors.shape == (1,) and run.params.shape == (2, 4) and np.all(np.isfinite(run.params))
    assert huge.diverged and huge.diverged_epoch == 1 and huge.errors.shape == (0,)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(xs=[[0.0, 1.0]]), ValueError, r"xs: expected a non-empty 1-D array of samples, shape \(m,\), got shape \(1, 2\)"),
    (dict(xs=[]), ValueError, r"xs: expected a non-empty 1-D array"),
    (dict(ys=[1.0, 2.0, 3.0]), ValueError, r"xs and ys must have the same shape \(m,\), got xs \(2,\) and ys \(3,\)"),
    (dict(lr=0.0), ValueError, "lr: must be a finite number > 0"),
    (dict(epochs=0), ValueError, "epochs: must be ≥ 1"),
    (dict(epochs=2.0), TypeError, "epochs: expected an integer"),
    (dict(W1=np.ones(2)), ValueError, r"W1: expected a scalar \(shape \(\)\), got an array of shape \(2,\)"),
    (dict(ys=[1.0, np.inf]), ValueError, "ys: contains NaN or infinite values"),
])
def test_training_rejects_bad_input(kwargs, error, match):
    args = dict(W1=1.0, W2=1.0, b1=0.0, b2=0.0, xs=[0.0, 1.0], ys=[3.0, 8.0], lr=0.01, epochs=3)
    args.update(kwargs)
    with pytest.raises(error, match=match):
        bp.train_chain(**args)


# ---------------------------------------------------------------------------- learning-rate sweep
def test_sweep_with_fixed_inputs():
    """The widget's computation (train_chain) on a few fixed rates, through the sweep."""
    sweep = bp.sweep_chain_lr([0.001, 0.0018, 0.0025])
    assert sweep.diverged.tolist() == [False, False, True]
    assert sweep.final_errors[2] == np.inf and np.isnan(sweep.slopes[2])
    assert sweep.final_errors[1] == train_seed(0.0018).errors[-1]
    assert sweep.line_errors(5.0, 3.0)[1] < 5e-5 < sweep.line_errors(5.0, 3.0)[0]
    assert sweep.edge == sweep.first_diverging == 0.0025 and sweep.last_converging == 0.0018


def test_edge_is_the_best_single_threshold():
    n = 7
    sweep = bp.LearningRateSweep(np.arange(1.0, n + 1), np.array([0, 0, 1, 0, 1, 1, 1], dtype=bool),
                                 np.zeros(n), np.zeros(n), np.zeros(n))
    assert sweep.edge == 3.0 and sweep.first_diverging == 3.0 and sweep.last_converging == 4.0
    calm = bp.LearningRateSweep(np.arange(1.0, 3.0), np.zeros(2, dtype=bool), np.zeros(2), np.zeros(2), np.zeros(2))
    assert calm.edge is None and calm.first_diverging is None


def test_sweep_rejects_unordered_rates():
    with pytest.raises(ValueError, match="lrs: expected increasing positive learning rates"):
        bp.sweep_chain_lr([0.002, 0.001])


def test_check_of_the_divergence_rate():
    assert bp.check_chain_divergence_lr(0.00197).ok
    assert bp.check_chain_divergence_lr(0.00192).ok and bp.check_chain_divergence_lr(0.002).ok
    low = bp.check_chain_divergence_lr(0.0019)           # still learns the line: not the edge
    assert not low and "too small" in low.message
    assert "far too large" in bp.check_chain_divergence_lr(0.005).message
    assert not bp.check_chain_divergence_lr(0.0021)


def test_check_chain_divergence_lr_judges_by_what_training_does_near_the_edge():
    """Near the ragged edge the verdict must match the run at the reader's rate."""
    sweep = bp.sweep_chain_lr([0.001831, 0.0021, 0.002225])
    assert sweep.diverged.tolist() == [True, True, False]
    isolated = bp.check_chain_divergence_lr(0.001831)     # diverges, below the edge
    assert not isolated and "too small" not in isolated.message and "does diverge" in isolated.message
    survivor = bp.check_chain_divergence_lr(0.002225)     # converges, above the edge
    assert not survivor and "diverges there" not in survivor.message and "survive" in survivor.message
    above = bp.check_chain_divergence_lr(0.0021)
    assert "too large" in above.message
    beta = bp.check_chain_divergence_lr(2 * 0.00197)       # β = 2η of the tutorial's convention
    assert not beta and "β = 2η" in beta.message
    assert not bp.check_chain_divergence_lr("soon")


# ---------------------------------------------------------------------------- figures and widget
def test_figures_draw_and_label_their_axes():
    import bplib.plots as bpp

    good, bad = train_seed(0.0018), train_seed(0.0025)
    ax = bpp.plot_chain_errors({"good": good, "bad": bad}, threshold=1e-8)
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "epoch"
    assert any("diverged in epoch 2" in t.get_text() for t in ax.get_legend().get_texts())
    ax = bpp.plot_chain_fit(good, SEED["xs"], SEED["ys"])
    assert ax.get_xlabel() == "input x"
    ax = bpp.plot_chain_params(good)
    assert len(ax.get_lines()) == 6
    sweep = bp.sweep_chain_lr([0.001, 0.0018, 0.0025])
    ax = bpp.plot_lr_sweep(sweep, target_line=(5.0, 3.0), threshold=5e-5, marks={"chosen": 0.0018})
    assert "5x + 3" in ax.get_ylabel()
    with pytest.raises(TypeError, match="runs: expected a ChainTraining"):
        bpp.plot_chain_errors([good])
    plt.close("all")


def test_widget_has_a_described_learning_rate_slider():
    import ipywidgets
    import bplib.widgets as bpw

    box = bpw.chain_learning_rate_widget(lr=0.0018)
    slider = box.children[0]
    assert isinstance(slider, ipywidgets.FloatSlider) and slider.description
    assert slider.value == 0.0018 and not slider.continuous_update
    plt.close("all")


def test_two_neuron_tutorial_is_the_chapter_02_setting():
    assert bp.TWO_NEURON_TUTORIAL is bp.SEED_000
    assert bp.TWO_NEURON_TUTORIAL["epochs"] == 154 and bp.TWO_NEURON_TUTORIAL["W1"] == 1.15

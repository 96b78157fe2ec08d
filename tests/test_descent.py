"""Tests of bplib.descent (chapter 01): the gradient-descent step and loop, the quadratic bowl and
its stability threshold, the exercise check, and the figures and widget built on them."""
from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import bplib as bp  # noqa: E402


def random_spd(n: int, seed: int, kappa: float):
    """A symmetric positive definite matrix with eigenvalues from 1 to kappa, random eigenvectors."""
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    lam = np.linspace(1.0, kappa, n)
    return (Q * lam) @ Q.T, Q, lam


# ---------------------------------------------------------------------------- the step
def test_step_is_x_minus_lr_times_gradient_and_returns_a_new_array():
    x = np.array([1.0, 2.0])
    new = bp.gradient_descent_step(x, np.array([0.5, -1.0]), 0.1)
    np.testing.assert_allclose(new, [0.95, 2.1], rtol=0, atol=1e-15)
    assert new is not x and x.tolist() == [1.0, 2.0]


def test_step_is_registered_for_eq_gd_update():
    assert bp.gradient_descent_step.__equation__ == "eq-gd-update"
    assert any(i.function is bp.gradient_descent_step for i in bp.EQUATIONS["eq-gd-update"])


@pytest.mark.parametrize("x, grad, lr, error, match", [
    ([1.0, 2.0], [1.0], 0.1, ValueError, r"grad: expected the shape of x, \(2,\), got shape \(1,\)"),
    ([1.0], [1.0], 0.0, ValueError, "lr: must be a finite number > 0"),
    ([1.0], [1.0], -0.1, ValueError, "lr: must be a finite number > 0"),
    ([1.0], [1.0], "fast", TypeError, "lr: expected a positive number"),
    ([np.nan], [1.0], 0.1, ValueError, "x: contains NaN"),
    ("abc", [1.0], 0.1, TypeError, "x: expected a numeric array"),
])
def test_step_rejects_bad_input(x, grad, lr, error, match):
    with pytest.raises(error, match=match):
        bp.gradient_descent_step(x, grad, lr)


# ---------------------------------------------------------------------------- the loop
def test_descent_on_a_parabola_halves_the_point_each_step():
    run = bp.gradient_descent(lambda x: 2 * x, 1.0, lr=0.25, steps=4)
    assert run.points.shape == (5,)
    assert run.points.tolist() == [1.0, 0.5, 0.25, 0.125, 0.0625]
    assert not run.diverged and run.steps == 4 and run.lr == 0.25 and run.final == 0.0625


def test_descent_keeps_the_shape_of_a_vector_start():
    run = bp.gradient_descent(lambda x: 2 * x, [1.0, -2.0, 4.0], lr=0.25, steps=3)
    assert run.points.shape == (4, 3)
    np.testing.assert_array_equal(run.points[-1], [0.125, -0.25, 0.5])


def test_zero_steps_gives_only_the_start():
    run = bp.gradient_descent(lambda x: 2 * x, [1.0, 2.0], 0.1, 0)
    assert run.points.shape == (1, 2) and run.steps == 0 and not run.diverged


def test_divergence_stops_cleanly_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = bp.gradient_descent(lambda x: 2 * x, 1.0, lr=1.5, steps=1000)
        # a gradient that overflows to inf and then gives nan, still without warnings
        wild = bp.gradient_descent(lambda x: np.exp(x ** 2), 2.0, lr=1.0, steps=50)
    assert run.diverged and "diverged" in run.message and "lr = 1.5" in run.message
    assert run.steps < 1000 and np.all(np.isfinite(run.points))
    assert np.all(np.abs(run.points) <= bp.descent.MAX_NORM)
    assert wild.diverged and np.all(np.isfinite(wild.points))


def test_a_nan_gradient_counts_as_divergence():
    run = bp.gradient_descent(lambda x: np.full_like(x, np.nan), [1.0, 1.0], 0.1, 5)
    assert run.diverged and run.steps == 0


def test_max_norm_sets_where_divergence_is_declared():
    run = bp.gradient_descent(lambda x: -2 * x, 1.0, lr=0.5, steps=100, max_norm=10.0)  # x doubles
    assert run.diverged and run.points.tolist() == [1.0, 2.0, 4.0, 8.0]


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(grad=None), TypeError, "grad: expected a callable"),
    (dict(x0=np.zeros((2, 2))), ValueError, r"x0: expected a scalar or a 1-D array of shape \(n,\), got shape \(2, 2\)"),
    (dict(steps=-1), ValueError, "steps: must be ≥ 0"),
    (dict(steps=2.5), TypeError, "steps: expected an integer"),
    (dict(steps=True), TypeError, "steps: expected an integer"),
    (dict(lr=0), ValueError, "lr: must be a finite number > 0"),
    (dict(grad=lambda x: np.zeros(3)), ValueError, r"grad: must return the shape of x0, \(2,\), got shape \(3,\)"),
    (dict(max_norm=-1.0), ValueError, "max_norm: must be a finite number > 0"),
])
def test_descent_rejects_bad_input(kwargs, error, match):
    args = dict(grad=lambda x: 2 * x, x0=[1.0, 1.0], lr=0.1, steps=3)
    args.update(kwargs)
    with pytest.raises(error, match=match):
        bp.gradient_descent(**args)


# ---------------------------------------------------------------------------- the bowl
@settings(max_examples=30)
@given(n=st.integers(1, 4), seed=st.integers(0, 10_000), kappa=st.floats(1.0, 50.0))
def test_bowl_gradient_matches_central_differences(n, seed, kappa):
    H, _, _ = random_spd(n, seed, kappa)
    rng = np.random.default_rng(seed + 1)
    bowl = bp.QuadraticBowl(H, minimum=rng.standard_normal(n))
    x = rng.standard_normal(n)
    numeric = bp.numerical_gradient(lambda v: float(bowl.value(v)), x)
    assert bp.relative_error(bowl.gradient(x), numeric) < 1e-7


def test_bowl_value_and_gradient_work_on_batches_of_points():
    bowl = bp.QuadraticBowl(np.diag([1.0, 10.0]), minimum=[1.0, -1.0])
    X = np.array([[[1.0, -1.0], [2.0, -1.0]], [[1.0, 0.0], [0.0, 0.0]]])   # shape (2, 2, 2)
    np.testing.assert_allclose(bowl.value(X), [[0.0, 0.5], [5.0, 5.5]])
    np.testing.assert_allclose(bowl.gradient(X)[1, 1], [-1.0, 10.0])
    assert bowl.dim == 2 and bowl.minimum.tolist() == [1.0, -1.0]


def test_bowl_arrays_cannot_be_changed_behind_its_back():
    bowl = bp.QuadraticBowl(np.eye(2))
    with pytest.raises(ValueError):
        bowl.hessian[0, 0] = 5.0


@pytest.mark.parametrize("H, minimum, match", [
    ([[1.0, 2.0], [0.0, 1.0]], None, "hessian: must be symmetric"),
    ([[1.0, 0.0], [0.0, -1.0]], None, "hessian: must be positive definite"),
    ([1.0, 2.0], None, r"hessian: expected a square 2-D array of shape \(n, n\), got shape \(2,\)"),
    (np.eye(2), [0.0, 0.0, 0.0], r"minimum: expected shape \(2,\) to match hessian \(2, 2\), got shape \(3,\)"),
])
def test_bowl_rejects_bad_input(H, minimum, match):
    with pytest.raises(ValueError, match=match):
        bp.QuadraticBowl(H, minimum)


def test_bowl_rejects_points_of_the_wrong_dimension():
    with pytest.raises(ValueError, match=r"x: expected shape \(\.\.\., 2\), got shape \(3,\)"):
        bp.QuadraticBowl(np.eye(2)).value([1.0, 2.0, 3.0])


# ---------------------------------------------------------------------------- the threshold
def test_threshold_of_a_diagonal_bowl_is_two_over_the_largest_curvature():
    assert bp.largest_stable_learning_rate(np.diag([1.0, 10.0])) == 0.2
    assert bp.QuadraticBowl(np.diag([4.0, 2.0])).largest_stable_lr == 0.5


@settings(max_examples=30)
@given(n=st.integers(1, 4), seed=st.integers(0, 10_000), kappa=st.floats(1.0, 20.0))
def test_descent_converges_below_the_threshold_and_diverges_above(n, seed, kappa):
    H, Q, lam = random_spd(n, seed, kappa)
    bowl = bp.QuadraticBowl(H)
    edge = bp.largest_stable_learning_rate(H)
    assert edge == pytest.approx(2 / lam.max(), rel=1e-12)
    x0 = Q @ np.ones(n)                       # a start with a component along every eigenvector
    below = bp.gradient_descent(bowl.gradient, x0, 0.9 * edge, 800)
    above = bp.gradient_descent(bowl.gradient, x0, 1.1 * edge, 800)
    assert not below.diverged and np.linalg.norm(below.final) < 1e-6 * np.linalg.norm(x0)
    assert above.diverged


def test_descent_matches_the_closed_form_on_a_diagonal_bowl():
    """The widget's computation with fixed inputs: x_k = (1 − ηλ)^k x_0 coordinate by coordinate."""
    bowl = bp.QuadraticBowl(np.diag([1.0, 10.0]))
    run = bp.gradient_descent(bowl.gradient, [-4.5, 2.0], 0.15, 30)
    k = np.arange(31)[:, None]
    expected = np.array([-4.5, 2.0]) * (1 - 0.15 * np.array([1.0, 10.0])) ** k
    np.testing.assert_allclose(run.points, expected, rtol=1e-12, atol=1e-15)


def test_check_of_the_threshold():
    H = [[5.5, 4.5], [4.5, 5.5]]
    assert bp.check_largest_stable_learning_rate(0.2, H).ok
    assert bp.check_largest_stable_learning_rate(0.198, H).ok          # within 2 %
    too_big = bp.check_largest_stable_learning_rate(0.25, H)
    assert not too_big and "too large" in too_big.message
    too_small = bp.check_largest_stable_learning_rate(0.15, H)
    assert not too_small and "too small" in too_small.message
    assert not bp.check_largest_stable_learning_rate("fast", H)
    assert not bp.check_largest_stable_learning_rate(-0.2, H)


def test_check_largest_stable_learning_rate_accepts_slider_readings_and_names_slips():
    H = np.array([[5.5, 4.5], [4.5, 5.5]])                 # eigenvalues 1 and 10: threshold 0.2
    for careful in (0.19, 0.199, 0.2, 0.203):               # two significant digits off a slider
        assert bp.check_largest_stable_learning_rate(careful, H).ok, careful
    assert not bp.check_largest_stable_learning_rate(0.21, H)    # diverges there
    assert not bp.check_largest_stable_learning_rate(0.18, H)
    diagonal = bp.check_largest_stable_learning_rate(2 / 5.5, H)
    assert not diagonal and "diagonal entry" in diagonal.message
    assert "1/λ_max" in bp.check_largest_stable_learning_rate(0.1, H).message
    assert "2/λ_min" in bp.check_largest_stable_learning_rate(2.0, H).message
    assert "fastest" in bp.check_largest_stable_learning_rate(2 / 11, H).message


# ---------------------------------------------------------------------------- figures and widget
def test_figures_draw_and_label_their_axes():
    import bplib.plots as bpp

    bowl = bp.QuadraticBowl(np.diag([1.0, 10.0]))
    runs = [bp.gradient_descent(bowl.gradient, [-4.5, 2.0], lr, 20) for lr in (0.05, 0.21)]
    ax = bpp.plot_descent_contours(bowl.value, runs, (-5, 5), (-2.5, 2.5), minimum=bowl.minimum)
    assert ax.get_xlabel() and ax.get_ylabel() and len(ax.get_legend().get_texts()) == 3
    ax = bpp.plot_descent_values(bowl.value, runs)
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "step k"
    run_1d = bp.gradient_descent(lambda x: 4 * x * (x ** 2 - 2), 0.3, 0.1, 20)
    ax = bpp.plot_descent_curve(lambda x: (x ** 2 - 2) ** 2, run_1d, (0.0, 2.0))
    assert ax.get_xlabel() == "x" and ax.get_ylabel() == "f(x)"
    with pytest.raises(ValueError, match="runs: expected 2-D trajectories"):
        bpp.plot_descent_contours(bowl.value, run_1d, (-1, 1), (-1, 1))
    with pytest.raises(TypeError, match="runs: expected a Descent"):
        bpp.plot_descent_values(bowl.value, [1, 2])
    plt.close("all")


def test_widget_has_a_described_learning_rate_slider():
    import ipywidgets
    import bplib.widgets as bpw

    box = bpw.learning_rate_widget(bp.QuadraticBowl(np.diag([1.0, 10.0])), [-4.5, 2.0], lr=0.1)
    slider = box.children[0]
    assert isinstance(box, ipywidgets.VBox) and isinstance(slider, ipywidgets.FloatSlider)
    assert slider.description and slider.value == 0.1 and not slider.continuous_update
    plt.close("all")

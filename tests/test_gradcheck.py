"""Tests of bplib.gradcheck: finite differences, the relative error, the thresholds and the
step-size study of chapter 05; plus smoke tests of its figure and widget."""
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings, strategies as st  # noqa: E402
from hypothesis.extra.numpy import arrays  # noqa: E402

import bplib as bp  # noqa: E402
import bplib.plots as bpp  # noqa: E402
import bplib.widgets as bpw  # noqa: E402

esc = re.escape
finite = st.floats(-3.0, 3.0, allow_nan=False, allow_infinity=False)


def vectors(n_min=1, n_max=6):
    return st.integers(n_min, n_max).flatmap(lambda n: arrays(np.float64, n, elements=finite))


# ------------------------------------------------------------------ central differences
def test_central_difference_is_exact_on_quadratics():
    """f''' = 0, so the only error left is round-off."""
    rng = np.random.default_rng(0)
    A, b, x = rng.standard_normal((4, 4)), rng.standard_normal(4), rng.standard_normal(4)
    grad = bp.numerical_gradient(lambda v: float(v @ A @ v + b @ v), x, eps=1e-3)
    assert bp.relative_error(grad, (A + A.T) @ x + b) < 1e-11


def test_central_difference_error_on_a_cubic_is_exactly_h_squared():
    """((x+h)³ − (x−h)³)/(2h) = 3x² + h²: the truncation term h²f'''/6 with f''' = 6."""
    x = np.array([-1.5, 0.0, 0.5, 2.0])
    for h in (1e-1, 1e-2):
        grad = bp.numerical_gradient(lambda v: float(np.sum(v ** 3)), x, eps=h)
        np.testing.assert_allclose(grad - 3 * x ** 2, h ** 2, rtol=1e-6)


def test_central_difference_error_falls_like_h_squared():
    x = np.array([0.3, 1.1])
    exact = np.cos(x)
    errors = [np.abs(bp.numerical_gradient(lambda v: float(np.sum(np.sin(v))), x, eps=h) - exact).max()
              for h in (1e-2, 1e-3)]
    assert 80 < errors[0] / errors[1] < 120      # ten times smaller h, a hundred times smaller error


def test_forward_difference_error_on_a_square_is_exactly_h():
    """((x+h)² − x²)/h = 2x + h."""
    x = np.array([-1.0, 0.25, 3.0])
    grad = bp.forward_difference_gradient(lambda v: float(np.sum(v ** 2)), x, eps=1e-2)
    np.testing.assert_allclose(grad - 2 * x, 1e-2, rtol=1e-8)


def test_numerical_gradient_of_a_matrix_keeps_its_shape_and_is_float64():
    W = np.arange(6, dtype=np.float32).reshape(2, 3)
    grad = bp.numerical_gradient(lambda M: float(np.sum(M ** 2)), W)
    assert grad.shape == (2, 3) and grad.dtype == np.float64
    np.testing.assert_allclose(grad, 2 * W, rtol=1e-6)


@pytest.mark.parametrize("compute", [
    lambda f, x: bp.numerical_gradient(f, x),
    lambda f, x: bp.forward_difference_gradient(f, x),
    lambda f, x: bp.finite_difference_gradient(f, x, dtype="float32"),
], ids=["central", "forward", "float32"])
def test_the_callers_array_is_never_modified_not_even_during_the_calls(compute):
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    original = x.copy()
    seen = []

    def f(v):
        seen.append(np.array_equal(x, original))   # the caller's x, while f runs
        return float(np.sum(v ** 2))

    compute(f, x)
    assert all(seen) and np.array_equal(x, original)


def test_finite_difference_gradient_evaluates_in_the_requested_precision():
    dtypes = []
    bp.finite_difference_gradient(lambda v: dtypes.append(v.dtype) or float(np.sum(v)), np.ones(2),
                                  dtype=np.float32)
    assert set(dtypes) == {np.dtype(np.float32)}


def test_float32_differences_are_much_less_accurate_than_float64():
    x = np.array([0.7, -0.2, 1.3])
    exact = np.cos(x)
    err64 = bp.relative_error(bp.finite_difference_gradient(lambda v: float(np.sum(np.sin(v))), x, 1e-6), exact)
    err32 = bp.relative_error(bp.finite_difference_gradient(lambda v: float(np.sum(np.sin(v))), x, 1e-6,
                                                            dtype="float32"), exact)
    assert err64 < 1e-9 and err32 > 1e-3


@given(vectors(), st.integers(0, 10_000))
@settings(max_examples=40)
def test_property_numerical_gradient_of_random_smooth_functions(x, seed):
    """Σ w·sin(x) + (v·x)² has the gradient w·cos(x) + 2(v·x)v; float64, relative error < 1e-7."""
    rng = np.random.default_rng(seed)
    w, v = rng.standard_normal(x.shape), rng.standard_normal(x.shape)
    exact = w * np.cos(x) + 2 * (v @ x) * v
    grad = bp.numerical_gradient(lambda t: float(np.sum(w * np.sin(t)) + (v @ t) ** 2), x)
    assert bp.relative_error(grad, exact) < 1e-7 or np.abs(grad - exact).max() < 1e-8


# ------------------------------------------------------------------ argument checks
@pytest.mark.parametrize("function", [bp.numerical_gradient, bp.forward_difference_gradient,
                                      bp.finite_difference_gradient])
@pytest.mark.parametrize("eps, error, message", [
    (0.0, ValueError, "eps: must be a finite number > 0, got 0.0"),
    (-1e-6, ValueError, "eps: must be a finite number > 0, got -1e-06"),
    (float("inf"), ValueError, "eps: must be a finite number > 0, got inf"),
    ("small", TypeError, "eps: expected a positive number, got 'small'"),
])
def test_eps_is_validated(function, eps, error, message):
    with pytest.raises(error, match=esc(message)):
        function(np.sum, np.zeros(2), eps=eps)


def test_scheme_and_dtype_are_validated():
    with pytest.raises(ValueError, match=esc("scheme: unknown name 'backward'; valid names are 'central', 'forward'")):
        bp.finite_difference_gradient(np.sum, np.zeros(2), scheme="backward")
    with pytest.raises(ValueError, match=esc("dtype: expected float16, float32 or float64, got int64")):
        bp.finite_difference_gradient(np.sum, np.zeros(2), dtype=np.int64)
    with pytest.raises(ValueError, match=esc("dtype: unknown name 'float8'")):
        bp.difference_quotient("exp", 1.0, 1e-3, dtype="float8")


def test_nan_point_is_rejected():
    with pytest.raises(ValueError, match=esc("x: contains NaN or infinite values (shape (2,))")):
        bp.numerical_gradient(np.sum, np.array([1.0, np.nan]))


def test_check_gradient_wants_matching_shapes():
    with pytest.raises(ValueError, match=esc("grad: expected the shape of x, (2, 3), got shape (3, 2)")):
        bp.check_gradient(np.sum, np.zeros((2, 3)), np.zeros((3, 2)))


# ------------------------------------------------------------------ relative error
def test_relative_error_special_values():
    g = np.array([3.0, -4.0])
    assert bp.relative_error(g, g) == 0.0
    assert bp.relative_error(np.zeros(2), np.zeros(2)) == 0.0
    assert bp.relative_error(g, -g) == 1.0
    assert bp.relative_error(g, np.zeros(2)) == 1.0
    assert bp.relative_error(5 * g, g) == pytest.approx(4 / 6, abs=1e-15)


def test_relative_error_of_tiny_and_huge_vectors():
    """The squares inside the norms would underflow (1e-170² = 0) or overflow (1e170² = inf)."""
    for scale in (1e-310, 1e-170, 1e170):
        assert bp.relative_error(scale * np.array([1.0, 2.0]), -scale * np.array([1.0, 2.0])) == 1.0
        assert bp.relative_error(scale * np.ones(3), 2 * scale * np.ones(3)) == pytest.approx(1 / 3)


def test_relative_error_flattens_nested_sequences():
    a = [np.ones((2, 2)), [np.zeros(3)]]
    b = [np.ones((2, 2)), [np.full(3, 2.0)]]
    assert bp.relative_error(a, b) == bp.relative_error(np.r_[np.ones(4), np.zeros(3)], np.r_[np.ones(4), np.full(3, 2.0)])


@given(vectors(), vectors(), st.floats(1e-3, 1e3))
@settings(max_examples=50)
def test_property_relative_error_is_symmetric_bounded_and_scale_free(a, b, scale):
    if a.shape != b.shape:
        with pytest.raises(ValueError, match="a and b must have the same number of entries"):
            bp.relative_error(a, b)
        return
    r = bp.relative_error(a, b)
    assert 0.0 <= r <= 1.0 + 1e-15
    assert r == bp.relative_error(b, a)
    assert bp.relative_error(scale * a, scale * b) == pytest.approx(r, rel=1e-9, abs=1e-12)


@given(vectors(), st.floats(0.01, 100.0))
@settings(max_examples=50)
def test_property_relative_error_of_a_scaled_gradient(g, c):
    """rel(c·g, g) = |c − 1| / (|c| + 1) for any g ≠ 0 (chapter 05's exercise)."""
    if not np.any(g):
        return
    assert bp.relative_error(c * g, g) == pytest.approx(abs(c - 1) / (c + 1), rel=1e-9, abs=1e-12)
    assert bp.relative_error(-c * g, c * g) == pytest.approx(1.0, abs=1e-12)


def test_check_gradient_passes_right_and_fails_wrong_gradients():
    x = np.array([0.3, -0.8, 1.5])
    f = lambda v: float(np.sum(np.exp(v)))  # noqa: E731
    assert bp.check_gradient(f, x, np.exp(x)) < bp.PASS_THRESHOLD
    assert bp.check_gradient(f, x, 0.5 * np.exp(x)) > bp.FAIL_THRESHOLD


def test_check_network_gradient_on_a_right_and_a_broken_network():
    net = bp.MLP([3, 4, 2], hidden="tanh", seed=0)
    rng = np.random.default_rng(1)
    X, Y = rng.standard_normal((5, 3)), rng.uniform(0, 1, (5, 2))
    assert bp.check_network_gradient(net, X, Y) < bp.PASS_THRESHOLD

    class Halved(bp.MLP):
        def flat_gradients(self, X, Y):
            return 0.5 * super().flat_gradients(X, Y)

    broken = Halved([3, 4, 2], hidden="tanh", seed=0)
    assert bp.check_network_gradient(broken, X, Y) == pytest.approx(1 / 3, rel=1e-6)


@pytest.mark.parametrize("error, verdict", [(0.0, "pass"), (9.9e-8, "pass"), (1e-7, "suspicious"),
                                            (1e-4, "suspicious"), (1.01e-4, "wrong"), (1.0, "wrong")])
def test_gradcheck_verdict_thresholds(error, verdict):
    assert bp.gradcheck_verdict(error) == verdict


def test_gradcheck_verdict_rejects_negative_and_nan():
    for bad in (-1e-3, float("nan")):
        with pytest.raises(ValueError, match="error: expected a relative error ≥ 0"):
            bp.gradcheck_verdict(bad)


def test_format_relative_error():
    assert [bp.format_relative_error(e) for e in (0.0, 3e-11, 9.99e-9, 1e-8, 1.234e-5, 0.5)] == \
        ["< 1e-08", "< 1e-08", "< 1e-08", "1e-08", "1.2e-05", "0.5"]


# ------------------------------------------------------------------ kinks
def test_min_distance_to_kink():
    relu = bp.MLP([2, 3, 1], hidden="relu", seed=0)
    assert bp.min_distance_to_kink(relu, np.zeros((2, 2))) == 0.0
    X = np.array([[1.0, -2.0]])
    assert bp.min_distance_to_kink(relu, X) == pytest.approx(np.abs(X @ relu.weights[0].T).min())
    assert bp.min_distance_to_kink(bp.MLP([2, 3, 1], hidden="tanh", seed=0), X) == float("inf")
    relu_out = bp.MLP([2, 3, 1], hidden="tanh", output="relu", seed=0)
    assert bp.min_distance_to_kink(relu_out, X) == pytest.approx(abs(relu_out.forward_pass(X)[0][-1][0, 0]))


def test_a_relu_network_on_its_kink_fails_and_passes_off_it():
    rng = np.random.default_rng(3)
    X, Y = rng.standard_normal((5, 3)), rng.uniform(0, 1, (5, 2))
    X[2] = 0.0
    net = bp.MLP([3, 4, 2], hidden="relu", seed=0, init="he")
    assert bp.check_network_gradient(net, X, Y) > bp.FAIL_THRESHOLD
    assert bp.check_network_gradient(net, X[[0, 1, 3, 4]], Y[[0, 1, 3, 4]]) < bp.PASS_THRESHOLD


# ------------------------------------------------------------------ the step-size study
def test_difference_quotient_values():
    assert bp.difference_quotient("sin", 0.0, 1e-3) == pytest.approx(np.sin(1e-3) / 1e-3, rel=1e-12)
    assert bp.difference_quotient("exp", 0.0, 1e-3, "forward") == pytest.approx(np.expm1(1e-3) / 1e-3, rel=1e-9)
    # in float32 the step 1e-8 vanishes next to 1: the quotient is exactly 0
    assert bp.difference_quotient("exp", 1.0, 1e-8, dtype="float32") == 0.0


def test_difference_quotient_rejects_steps_that_underflow():
    with pytest.raises(ValueError, match=esc("h: 1e-10 underflows to 0 in float16")):
        bp.difference_quotient("exp", 1.0, 1e-10, dtype="float16")
    with pytest.raises(ValueError, match=esc("name: unknown name 'cos'")):
        bp.difference_quotient("cos", 1.0, 1e-3)


@pytest.mark.parametrize("name", list(bp.SMOOTH_FUNCTIONS))
def test_smooth_functions_know_their_derivatives(name):
    fn = bp.SMOOTH_FUNCTIONS[name]
    x = np.array([0.3, 1.0, 1.7])
    for lower, higher in zip((fn.f, *fn.derivatives[:-1]), fn.derivatives):
        numeric = bp.numerical_gradient(lambda v: float(np.sum(lower(v))), x, eps=1e-5)
        assert bp.relative_error(numeric, higher(x)) < 1e-8


@pytest.mark.parametrize("scheme, order", [("central", 2.0), ("forward", 1.0)])
@pytest.mark.parametrize("name", list(bp.SMOOTH_FUNCTIONS))
def test_truncation_error_has_the_order_of_the_scheme(scheme, order, name):
    steps = np.logspace(-1.5, -3.5, 9)
    _, errors = bp.step_size_errors(name, 1.0, steps, scheme)
    assert bp.loglog_slope(steps, errors) == pytest.approx(order, abs=0.05)


@pytest.mark.parametrize("dtype", ["float64", "float32", "float16"])
@pytest.mark.parametrize("scheme", ["central", "forward"])
def test_optimal_step_minimises_the_model(scheme, dtype):
    best = bp.optimal_step("exp", 1.0, scheme, dtype)
    steps = best * np.logspace(-0.5, 0.5, 101)
    _, model = bp.step_size_error_model("exp", 1.0, steps, scheme, dtype)
    assert steps[np.argmin(model)] == pytest.approx(best, rel=0.03)
    eps = np.finfo(dtype).eps
    assert 0.3 < best / eps ** (1 / 3 if scheme == "central" else 1 / 2) < 5


def test_the_measured_u_curve():
    for dtype, floor in (("float64", 1e-9), ("float32", 1e-4)):
        hs, errors = bp.step_size_errors("exp", 1.0, scheme="central", dtype=dtype)
        best = hs[np.argmin(errors)]
        assert errors.min() < floor
        assert errors[0] > 100 * errors.min() and errors[-1] > 100 * errors.min()   # a U, not a line
        assert 0.1 < best / bp.optimal_step("exp", 1.0, "central", dtype) < 10
    _, err32 = bp.step_size_errors("exp", 1.0, dtype="float32")
    assert err32.min() > bp.PASS_THRESHOLD            # float32 never passes the strict threshold


def test_default_steps_skip_those_that_underflow():
    hs, errors = bp.step_size_errors("exp", 1.0, dtype="float16")
    assert np.all(hs.astype(np.float16) > 0) and hs.min() > 2.98e-8 and np.all(np.isfinite(errors))
    assert hs.size < bp.step_size_errors("exp", 1.0, dtype="float64")[0].size


def test_loglog_slope_and_its_checks():
    h = np.array([1.0, 0.1, 0.01])
    assert bp.loglog_slope(h, 7 * h ** 3) == pytest.approx(3.0)
    with pytest.raises(ValueError, match="steps and errors must be positive"):
        bp.loglog_slope(h, np.array([1.0, 0.0, 1.0]))
    with pytest.raises(ValueError, match=esc("steps and errors must be 1-D of the same length ≥ 2")):
        bp.loglog_slope(h, h[:2])


def test_check_optimal_step():
    assert bp.check_optimal_step(7e-3, "float32", "central").ok
    assert bp.check_optimal_step(np.finfo(np.float32).eps ** (1 / 3), "float32").ok
    too_small = bp.check_optimal_step(1e-6, "float32", "central")
    assert not too_small.ok and "round-off dominates" in too_small.message
    too_large = bp.check_optimal_step(0.5, "float32", "central")
    assert not too_large.ok and "truncation dominates" in too_large.message
    assert bp.check_optimal_step(1e-8, "float64", "forward").ok and not bp.check_optimal_step(1e-5, "float64", "forward").ok
    assert not bp.check_optimal_step(-1.0).ok and not bp.check_optimal_step("tiny").ok


def test_check_optimal_step_names_the_likely_slip():
    forward_step = bp.optimal_step("exp", 1.0, "forward", "float32")
    wrong_scheme = bp.check_optimal_step(forward_step, "float32", "central")
    assert not wrong_scheme and "forward differences" in wrong_scheme.message
    float64_step = bp.optimal_step("exp", 1.0, "central", "float64")
    wrong_precision = bp.check_optimal_step(float64_step, "float32", "central")
    assert not wrong_precision and "float64" in wrong_precision.message and "float32" in wrong_precision.message


# ------------------------------------------------------------------ figure and widget
def test_plots_draw_labelled_axes():
    ax = bpp.plot_step_size_curve("sin", 0.5, "central", "float32", h=1e-3)
    assert ax.get_xlabel() == "step size h" and ax.get_ylabel() and ax.get_xscale() == "log"
    ax = bpp.plot_error_curves([1e-1, 1e-2], {"central": [1e-3, 1e-5]}, slopes={"central": 2.0}, threshold=1e-7)
    assert "slope 2.00" in ax.get_legend().get_texts()[0].get_text()
    ax = bpp.plot_check_summary(["right", "bug"], [1e-10, 0.5])
    assert len(ax.patches) == 2 and ax.get_xlabel()
    with pytest.raises(ValueError, match="labels and errors must have the same length"):
        bpp.plot_check_summary(["one"], [1e-3, 1e-4])
    plt.close("all")


def test_widget_has_described_controls():
    box = bpw.step_size_widget(dtype="float16", log10_h=-12.0)   # a step that underflows: no error
    controls = [w for row in box.children[:2] for w in row.children]
    assert [c.description for c in controls] == ["log₁₀ h", "precision", "scheme", "function"]
    assert all(not getattr(c, "continuous_update", False) for c in controls)
    plt.close("all")


# ---------------------------------------------------------------- the chapters' one-line reports
def test_format_relative_error_with_several_bounds_uses_the_smallest_it_is_below():
    bounds = (1e-12, 1e-8)
    assert [bp.format_relative_error(e, bounds=bounds) for e in (0.0, 5e-13, 2e-12, 9e-9, 3e-7)] == \
        ["< 1e-12", "< 1e-12", "< 1e-08", "< 1e-08", "3e-07"]


def test_format_check_shows_the_bound_and_the_verdict_against_tol(capsys):
    assert bp.format_check("engine vs SymPy", 2e-16, width=20) == \
        "engine vs SymPy      relative error < 1e-12  passes"
    assert bp.format_check("sign error", 1.0, width=20).endswith("relative error       1  FAILS")
    assert bp.format_check("x", 5e-10, tol=1e-12).endswith("< 1e-08  FAILS")
    bp.show_check("x", 5e-10, width=1)
    assert capsys.readouterr().out == "x relative error < 1e-08  passes\n"


# ---------------------------------------------------------------- one layer's numerical gradient
@pytest.mark.parametrize("layer", [1, 2, 3])
@pytest.mark.parametrize("bias", [False, True])
def test_numerical_layer_gradient_matches_that_layer_of_the_analytic_gradient(layer, bias):
    net = bp.MLP([3, 4, 2, 2], hidden="tanh", output="softmax", loss="cross_entropy", seed=3)
    X = np.random.default_rng(0).standard_normal((5, 3))
    Y = bp.one_hot([0, 1, 1, 0, 1], 2)
    dWs, dbs = net.gradients(X, Y)
    numeric = bp.numerical_layer_gradient(net, X, Y, layer, bias=bias)
    analytic = (dbs if bias else dWs)[layer - 1]
    assert numeric.shape == analytic.shape
    assert bp.relative_error(numeric, analytic) < 1e-7
    assert np.array_equal(net.get_params(), bp.MLP([3, 4, 2, 2], hidden="tanh", output="softmax",
                                                   loss="cross_entropy", seed=3).get_params())


@pytest.mark.parametrize("layer", [0, 3, -1, 1.0, True])
def test_numerical_layer_gradient_rejects_a_layer_the_network_does_not_have(layer):
    net = bp.MLP([2, 3, 1], seed=0)
    X, Y = bp.xor()
    with pytest.raises(ValueError, match=r"layer: expected an integer from 1 to 2"):
        bp.numerical_layer_gradient(net, X, Y, layer)

"""Tests written for mutants of bplib's core that the other tests let survive (issue 13).

Each test states a property a reader of the book relies on; the mutant it was written for is
named in its docstring.  Run the mutation study with ``tests/mutation/run.sh``.
"""
import numpy as np
import pytest

import bplib as bp
from bplib.engine import Value


# ------------------------------------------------------------------ losses
def test_cross_entropy_gradient_clips_probabilities_above_one_to_one():
    """losses.cross_entropy_grad: clip(Y_hat, EPS, 1.0) → clip(…, None) or clip(…, 2.0)."""
    Y = np.array([[1.0, 0.0]])
    at_one = bp.cross_entropy_grad(np.array([[1.0, 0.0]]), Y)
    above_one = bp.cross_entropy_grad(np.array([[1.5, 0.0]]), Y)  # a rounding error above 1
    np.testing.assert_array_equal(above_one, at_one)
    assert at_one[0, 0] == -1.0


def test_binary_cross_entropy_is_finite_at_saturated_outputs_in_float32():
    """losses.binary_cross_entropy(_grad): the clip uses max(EPS, float32 eps), not EPS alone."""
    Y = np.array([[1.0, 0.0]], dtype=np.float32)
    A = np.array([[1.0, 0.0]], dtype=np.float32)
    assert np.isfinite(bp.binary_cross_entropy(A, Y))
    assert np.isfinite(bp.binary_cross_entropy_grad(1 - A, Y)).all()


# ------------------------------------------------------------------ activations
def test_identity_derivative_is_one_everywhere_and_names_its_argument():
    """activations.identity_prime: the name "z" and finite=False passed to as_float_array."""
    np.testing.assert_array_equal(bp.identity_prime(np.array([np.nan, np.inf, -3.0])), [1.0, 1.0, 1.0])
    with pytest.raises(TypeError, match=r"^z: expected a numeric array, got str"):
        bp.identity_prime("z")
    with pytest.raises(TypeError, match=r"^z: expected a numeric array, got str"):
        bp.identity("z")


# ------------------------------------------------------------------ the scalar engine
def test_reflected_operations_record_their_operation_name():
    """engine.Value.__rsub__/__rtruediv__: the op name "sub"/"div" (counted per name in chapter 10)."""
    v = Value(4.0)
    assert (2 - v).op == "sub" and (2 - v).data == -2.0
    assert (2 / v).op == "div" and (2 / v).data == 0.5
    with bp.count_operations() as ops:
        w = Value(2.0)
        (1 - w) / (3 / w)
    assert ops.forward["sub"] == 1 and ops.forward["div"] == 2


def test_reflected_operations_explain_their_errors():
    """engine.Value.__rtruediv__/__rpow__: the messages that tell the student what went wrong."""
    with pytest.raises(ZeroDivisionError, match=r"^div: division by a Value equal to zero$"):
        1.0 / Value(0.0)
    with pytest.raises(ValueError, match=r"^div operand: expected a finite number"):
        float("inf") / Value(2.0)
    with pytest.raises(TypeError, match=r"^pow: the exponent must be a number, not a Value "
                                        r"\(write exp\(y \* log\(x\)\) for a variable exponent\)$"):
        2.0 ** Value(3.0)


# ------------------------------------------------------------------ gradient checks
def test_a_relative_error_exactly_at_the_threshold_fails():
    """gradcheck.format_check: passes only strictly below tol (< vs <=)."""
    assert bp.format_check("x", 1e-7, tol=1e-7).endswith("FAILS")
    assert bp.format_check("x", 0.99e-7, tol=1e-7).endswith("passes")


# ------------------------------------------------------------------ training
def test_batch_gradient_spread_is_seeded_and_names_bad_batch_sizes():
    """training.batch_gradient_spread: rng = default_rng(seed) (not None, not unseeded), names."""
    X, Y = bp.xor()
    net = bp.MLP([2, 3, 1], seed=0)
    a = bp.batch_gradient_spread(net, X, Y, [2], epochs=3, seed=0)
    np.testing.assert_array_equal(a, bp.batch_gradient_spread(net, X, Y, [2], epochs=3, seed=0))
    assert not np.array_equal(a, bp.batch_gradient_spread(net, X, Y, [2], epochs=3, seed=1))
    with pytest.raises(ValueError, match=r"^batch_sizes: must be an integer ≥ 1, got 0"):
        bp.batch_gradient_spread(net, X, Y, [0])
    with pytest.raises(ValueError, match=r"^epochs: must be an integer ≥ 1, got 0"):
        bp.batch_gradient_spread(net, X, Y, [1], epochs=0)


# ------------------------------------------------------------------ gradient checks (continued)
def _cube(v):
    return float(np.sum(np.asarray(v) ** 3))


def test_check_gradient_uses_the_step_it_is_given_and_names_its_arguments():
    """gradcheck.check_gradient: eps passed on; "x"/"grad" in messages; a NaN claim fails, not raises."""
    exact = bp.check_gradient(_cube, [1.0], [3.0])
    coarse = bp.check_gradient(_cube, [1.0], [3.0], eps=1e-2)  # central error eps² = 1e-4 on 3
    assert exact < 1e-9 and 1e-6 < coarse < 1e-4
    with pytest.raises(TypeError, match=r"^x: expected a numeric array, got str"):
        bp.check_gradient(_cube, "x", [3.0])
    with pytest.raises(TypeError, match=r"^grad: expected a numeric array, got str"):
        bp.check_gradient(_cube, [1.0], "g")
    assert not bp.check_gradient(_cube, [1.0], [np.nan]) < bp.PASS_THRESHOLD


def test_network_and_layer_checks_use_the_step_they_are_given():
    """gradcheck.check_network_gradient / numerical_layer_gradient: eps passed on; weights by default."""
    X, Y = bp.xor()
    net = bp.MLP([2, 3, 1], hidden="tanh", seed=0, init="standard")
    assert bp.check_network_gradient(net, X, Y) < 1e-7
    assert bp.check_network_gradient(net, X, Y, eps=0.5) > 1e-5
    fine = bp.numerical_layer_gradient(net, X, Y, 1)
    coarse = bp.numerical_layer_gradient(net, X, Y, 1, eps=0.5)
    assert fine.shape == net.weights[0].shape           # W^1, not b^1, unless bias=True
    assert bp.relative_error(fine, net.gradients(X, Y)[0][0]) < 1e-7
    assert bp.relative_error(coarse, fine) > 1e-5


def test_loglog_slope_needs_two_positive_points_and_names_its_arguments():
    """gradcheck.loglog_slope: size < 2 (two points are enough), steps <= 0, the names."""
    assert bp.loglog_slope([1e-1, 1e-2], [1e-2, 1e-4]) == pytest.approx(2.0)
    with pytest.raises(ValueError, match=r"^steps and errors must be 1-D of the same length ≥ 2"):
        bp.loglog_slope([1e-1], [1e-2])
    with pytest.raises(ValueError, match=r"^steps and errors must be positive to take logarithms$"):
        bp.loglog_slope([0.0, 1e-2], [1e-2, 1e-4])
    with pytest.raises(TypeError, match=r"^steps: expected a numeric array"):
        bp.loglog_slope("s", [1.0, 2.0])
    with pytest.raises(TypeError, match=r"^errors: expected a numeric array"):
        bp.loglog_slope([1.0, 2.0], "e")


def test_min_distance_to_kink_names_a_wrong_network_argument():
    """gradcheck.min_distance_to_kink: the name "net" in network(net, "net")."""
    with pytest.raises(TypeError, match=r"^net: expected a bplib.MLP network, got str$"):
        bp.min_distance_to_kink("net", np.zeros((1, 2)))


def test_one_line_reports_line_up_in_a_58_character_column(capsys):
    """gradcheck.format_check / show_check: the default width 58 that aligns the chapters' reports."""
    line = bp.format_check("x", 1e-9)
    assert line.index(" relative error") == 58
    bp.show_check("x", 1e-9)
    assert capsys.readouterr().out == line + "\n"


def test_leaky_relu_takes_any_finite_slope_and_rejects_an_infinite_one():
    """_validate.finite_number (via the slope of leaky_relu)."""
    assert bp.leaky_relu(np.array([-1.0]), slope=0.2)[0] == pytest.approx(-0.2)
    assert bp.leaky_relu_prime(np.array([-1.0]), slope=0.2)[0] == pytest.approx(0.2)
    with pytest.raises(ValueError, match=r"^slope: must be a finite number, got inf$"):
        bp.leaky_relu(np.array([-1.0]), slope=np.inf)


# ------------------------------------------------------------------ the chapter 06 checker
X_LINE = np.array([[0.0], [1.0], [2.0]])


def test_largest_stable_lr_checker_names_each_likely_slip():
    """training.check_largest_stable_lr: verdicts (False, not None) and the hint for each slip."""
    expected = bp.largest_stable_lr(X_LINE)
    eigenvalues = np.linalg.eigvalsh(np.hstack([X_LINE, np.ones((3, 1))]).T
                                     @ np.hstack([X_LINE, np.ones((3, 1))]) / 3)
    assert expected == pytest.approx(2 / eigenvalues[-1])
    right = bp.check_largest_stable_lr(expected * 1.005, X_LINE)
    assert right.ok is True and right.message.startswith("Right:") and f"{expected:.4g}" in right.message
    assert bp.check_largest_stable_lr(expected * 1.02, X_LINE).ok is False          # outside 1 %
    too_small = bp.check_largest_stable_lr(2 / eigenvalues[0], X_LINE)
    assert too_small.ok is False and too_small.message.startswith("Not yet: that is 2/λ_min.")
    assert too_small.message.endswith("every eigenvector, so the largest eigenvalue sets the limit.")
    assert bp.check_largest_stable_lr(2 / eigenvalues[0] * 1.005, X_LINE).message.startswith(
        "Not yet: that is 2/λ_min.")                                                # within 1 % of it
    half = bp.check_largest_stable_lr(expected / 2, X_LINE)
    assert half.ok is False and half.message.startswith("Not yet: that is 1/λ_max.")
    assert half.message.endswith("it grows once |1 − ηλ| > 1, i.e. η > 2/λ.")
    assert bp.check_largest_stable_lr(expected / 2 * 1.008, X_LINE).message.startswith("Not yet: that is 1/λ_max.")
    for answer in (expected / 2 * 1.03, expected / 2 + 0.005):  # outside 1 % of 1/λ_max: no hint
        assert bp.check_largest_stable_lr(answer, X_LINE).message.startswith("Not yet: 0.")
    other = bp.check_largest_stable_lr(5.0, X_LINE)
    assert other.ok is False and other.message.startswith("Not yet: 5 is not 2/λ_max of H = (1/m) X̃ᵀX̃")
    assert other.message.endswith("(X̃ is X with a column of ones).")
    text = bp.check_largest_stable_lr("0.8", X_LINE)
    assert text.ok is False and text.message.startswith("Not yet: answer: expected a positive number")


def test_update_count_checker_names_each_likely_slip():
    """training.check_update_count: verdicts (False, not None) and hints; the name "epochs"."""
    right = bp.check_update_count(350, 200, 32, 50)        # ⌈200/32⌉ = 7 updates per epoch
    assert right.ok is True and right.message == "Right: 7 update(s) per epoch × 50 epochs = 350."
    forgot = bp.check_update_count(300, 200, 32, 50)
    assert forgot.ok is False
    assert forgot.message == "Not yet: 300 is not the number of updates. Don't forget the last, smaller batch of each epoch."
    seen = bp.check_update_count(10_000, 200, 32, 50)
    assert seen.ok is False
    assert seen.message == ("Not yet: 10000 is not the number of updates. "
                            "That is the number of examples seen, not the number of updates.")
    other = bp.check_update_count(123, 200, 32, 50)
    assert other.ok is False and other.message == "Not yet: 123 is not the number of updates."
    full_batch = bp.check_update_count(7, 200, None, 50)    # full batch: one update per epoch
    assert full_batch.ok is False and full_batch.message == "Not yet: 7 is not the number of updates."
    text = bp.check_update_count("many", 200, 32, 50)
    assert text.ok is False and text.message == "Not yet: expected a whole number, got 'many'."
    with pytest.raises(ValueError, match=r"^epochs: must be an integer ≥ 1, got 0$"):
        bp.check_update_count(0, 200, 32, 0)


def test_optimal_step_checker_defaults_to_float32_central_differences_of_exp_at_1():
    """gradcheck.check_optimal_step: defaults dtype="float32", x0=1.0; the model error it quotes."""
    best = bp.optimal_step("exp", 1.0, "central", "float32")
    right = bp.check_optimal_step(best)
    assert right.ok is True
    assert "central differences in float32 on exp at x0 = 1 " in right.message
    model_error = float(bp.step_size_error_model("exp", 1.0, [best], "central", "float32")[1][0])
    assert f"relative error there ≈ {model_error:.1g})" in right.message
    text = bp.check_optimal_step("small")
    assert text.ok is False and text.message.startswith("Not yet: answer: expected a positive number")


def test_batch_gradient_spread_defaults_and_argument_names():
    """training.batch_gradient_spread: defaults epochs=20, seed=0; the names "net" and "seed"."""
    X, Y = bp.xor()
    net = bp.MLP([2, 3, 1], seed=0)
    np.testing.assert_array_equal(bp.batch_gradient_spread(net, X, Y, [2]),
                                  bp.batch_gradient_spread(net, X, Y, [2], epochs=20, seed=0))
    assert not np.array_equal(bp.batch_gradient_spread(net, X, Y, [2]),
                              bp.batch_gradient_spread(net, X, Y, [2], epochs=21, seed=0))
    with pytest.raises(TypeError, match=r"^net: expected a bplib.MLP network, got str$"):
        bp.batch_gradient_spread("net", X, Y, [2])
    with pytest.raises(TypeError, match=r"^seed: expected None or an integer ≥ 0, got 'a'$"):
        bp.batch_gradient_spread(net, X, Y, [2], seed="a")


def test_as_matrix_checks_a_fixed_number_of_rows():
    """_validate.as_matrix with rows=: the row check and its message."""
    from bplib._validate import as_matrix

    with pytest.raises(ValueError, match=r"^A: expected 3 rows, shape \(3, n\), got shape \(2, 3\)$"):
        as_matrix(np.zeros((2, 3)), "A", rows=3)
    with pytest.raises(ValueError, match=r"^A: expected a 2-D array of shape \(3, n\), got shape \(3,\)"):
        as_matrix(np.zeros(3), "A", rows=3)
    assert as_matrix(np.zeros((3, 2)), "A", rows=3).shape == (3, 2)


def test_optimal_step_checker_names_each_likely_slip():
    """gradcheck.check_optimal_step: the 3× window (inclusive), the two slips and their hints."""
    best = bp.optimal_step("exp", 1.0, "central", "float32")
    forward = bp.optimal_step("exp", 1.0, "forward", "float32")
    best64 = bp.optimal_step("exp", 1.0, "central", "float64")
    setting = "central differences in float32 on exp at x0 = 1"
    assert bp.check_optimal_step(3 * best).ok is True and bp.check_optimal_step(best / 3).ok is True
    assert bp.check_optimal_step(3.5 * best).ok is False and bp.check_optimal_step(best / 3.5).ok is False
    slip = bp.check_optimal_step(forward / 3)
    assert slip.ok is False and slip.message == (
        f"Not yet: {forward / 3:.2g} is too small: round-off dominates for {setting}: it is about the best "
        f"step of forward differences; the error of central differences falls like h², so the balance "
        f"lands elsewhere.")
    assert bp.check_optimal_step(forward / 3.5).message.endswith("Balance the two terms of the error model.")
    assert bp.check_optimal_step(3 * forward).message.endswith("so the balance lands elsewhere.")
    assert bp.check_optimal_step(3.2 * forward).message.endswith("Balance the two terms of the error model.")
    in64 = bp.check_optimal_step(best64)
    assert in64.message == (f"Not yet: {best64:.2g} is too small: round-off dominates for {setting}: it is "
                            f"about the best step in float64; use the machine epsilon of float32, 1.2e-07.")
    large = bp.check_optimal_step(100 * best)
    assert large.ok is False and large.message == (
        f"Not yet: {100 * best:.2g} is too large: truncation dominates for {setting}. Balance the two terms "
        f"of the error model.")
    small = bp.check_optimal_step(best / 100)
    assert small.message.startswith(f"Not yet: {best / 100:.2g} is too small: round-off dominates for")
    # in float64 the float64 slip is the right answer, so only the other scheme is a slip
    fwd64 = bp.optimal_step("exp", 1.0, "forward", "float64")
    assert bp.check_optimal_step(fwd64, "float64").message.endswith("so the balance lands elsewhere.")
    forward_scheme = bp.check_optimal_step(bp.optimal_step("exp", 1.0, "central", "float32"), "float32", "forward")
    assert "the error of forward differences falls like h, so" in forward_scheme.message


# ------------------------------------------------------------------ losses and activations: names, edges
@pytest.mark.parametrize("loss", [bp.cross_entropy_from_logits, bp.binary_cross_entropy_from_logits])
def test_losses_from_logits_name_their_arguments(loss):
    """losses.*_from_logits: the names "Z" and "Y" in as_matrix and same_shape."""
    with pytest.raises(TypeError, match=r"^Z: expected a 2-D numeric array, got str$"):
        loss("logits", np.zeros((1, 2)))
    with pytest.raises(TypeError, match=r"^Y: expected a 2-D numeric array, got str$"):
        loss(np.zeros((1, 2)), "targets")
    with pytest.raises(ValueError, match=r"^Z and Y must have the same shape, got Z \(1, 2\) and Y \(1, 3\)$"):
        loss(np.zeros((1, 2)), np.zeros((1, 3)))


def test_loss_and_softmax_backward_name_their_arguments():
    """losses._pair ("Y"), activations.softmax_backward ("A", "G")."""
    with pytest.raises(TypeError, match=r"^Y: expected a 2-D numeric array, got str$"):
        bp.mse(np.zeros((1, 2)), "targets")
    with pytest.raises(TypeError, match=r"^A: expected a 2-D numeric array, got str$"):
        bp.softmax_backward("a", np.zeros((1, 2)))
    with pytest.raises(TypeError, match=r"^G: expected a 2-D numeric array, got str$"):
        bp.softmax_backward(np.full((1, 2), 0.5), "g")


def test_targets_outside_zero_one_are_rejected_on_either_side():
    """losses._probabilities: min < 0 or max > 1 (not "and", not max > 2)."""
    with pytest.raises(ValueError, match=r"^Y: targets must lie in \[0, 1\], got values in \[-0.5, 1\]"):
        bp.cross_entropy(np.full((1, 2), 0.5), np.array([[-0.5, 1.0]]))
    with pytest.raises(ValueError, match=r"^Y: targets must lie in \[0, 1\], got values in \[0, 1.5\]"):
        bp.cross_entropy(np.full((1, 2), 0.5), np.array([[0.0, 1.5]]))


def test_l2_penalty_names_bad_weights_and_ignores_underflow():
    """regularization.l2_penalty: the type check, the names, errstate(under="ignore")."""
    with pytest.raises(TypeError, match=r"^weights: expected a list of weight matrices, got int$"):
        bp.l2_penalty(5, 0.1)
    with pytest.raises(TypeError, match=r"^weights\[0\]: expected a numeric array, got str$"):
        bp.l2_penalty(["W"], 0.1)
    with np.errstate(all="raise"):
        assert bp.l2_penalty([np.full((1, 1), 1e-200)], 1.0) == 0.0
        G = np.full((1, 2), 3e-308)                 # G ⊙ A is below the smallest normal float
        assert np.all(np.abs(bp.softmax_backward(np.full((1, 2), 0.3), G)) < 1e-300)


def test_softmax_converts_integers_and_passes_nan_through():
    """activations._float_matrix: integer arrays are converted; NaN is not an error (finite=False)."""
    np.testing.assert_array_equal(bp.softmax(np.array([[1, 2]])), bp.softmax(np.array([[1.0, 2.0]])))
    assert np.isnan(bp.softmax([[np.nan, 0.0]])).all()


def test_one_hot_of_no_labels_is_an_empty_matrix():
    """losses.one_hot: empty labels of any dtype give shape (0, n_classes)."""
    assert bp.one_hot(np.array([]), 3).shape == (0, 3)


@pytest.mark.parametrize("delta_fn", [bp.mse_grad, bp.softmax_cross_entropy_delta,
                                      bp.sigmoid_binary_cross_entropy_delta])
def test_fused_deltas_check_like_the_losses(delta_fn):
    """losses._difference: its shortcut takes only 2-D float ndarrays of equal shape; all else is checked."""
    expected = delta_fn(np.array([[0.5, 0.5]]), np.array([[1.0, 0.0]]))
    np.testing.assert_array_equal(delta_fn([[0.5, 0.5]], np.array([[1.0, 0.0]])), expected)   # a list
    np.testing.assert_array_equal(delta_fn(np.array([[0.5, 0.5]]), [[1.0, 0.0]]), expected)
    np.testing.assert_array_equal(delta_fn(np.array([[1, 0]]), np.array([[1.0, 0.0]])),
                                  delta_fn(np.array([[1.0, 0.0]]), np.array([[1.0, 0.0]])))  # integers
    np.testing.assert_array_equal(delta_fn(np.array([[0.5, 0.5]]), np.array([[1, 0]])), expected)
    with pytest.raises(ValueError, match=r"^Y_hat and Y must have the same shape"):
        delta_fn(np.zeros((2, 2)), np.zeros((1, 2)))                                  # no broadcast
    with pytest.raises(ValueError, match=r"^Y_hat: expected a 2-D array"):
        delta_fn(np.zeros((1, 2, 2)), np.zeros((1, 2, 2)))


def test_equations_take_only_2d_batches_and_return_floats():
    """equations._matrix: 3-D arrays are rejected; integer input gives a float result."""
    with pytest.raises(ValueError, match=r"^delta: expected a 2-D array \(a batch of rows\), got shape \(2, 2, 2\)$"):
        bp.bias_gradient(np.zeros((2, 2, 2)))
    assert bp.bias_gradient(np.array([[1, 2], [3, 4]])).dtype.kind == "f"


def test_activations_pass_nan_through_for_lists_too_and_equations_keep_small_floats():
    """activations._float_array (finite=False on the list path); equations._matrix result_type."""
    assert np.isnan(bp.sigmoid([np.nan, 0.0])[0]) and np.isnan(bp.tanh([np.nan])[0])
    # int8 fits in float32 exactly: nothing is upcast to float64
    assert bp.bias_gradient(np.ones((2, 3), np.int8)).dtype == np.float32


# ------------------------------------------------------------------ the MLP class (mlp.py)
def _one_output_net(w, b=0.0, **kw):
    """A [1, 1] network with a sigmoid output whose output is sigmoid(w·x + b)."""
    net = bp.MLP([1, 1], **kw)
    net.set_params(np.array([w, b]))
    return net


def test_predict_with_one_output_unit_thresholds_at_one_half():
    """mlp.MLP.predict: one unit → class 1 where the output is > 0.5, class 0 at or below it,
    as integer labels comparable with y (mutants: shape test == 2, > 1.5, >= 0.5, astype(None))."""
    net = _one_output_net(1.0)
    X = np.array([[-2.0], [0.0], [3.0]])            # outputs sigmoid(-2) < 0.5, exactly 0.5, sigmoid(3)
    labels = net.predict(X)
    np.testing.assert_array_equal(labels, [0, 0, 1])   # a tie goes to class 0, as argmax's does
    assert labels.dtype == np.int64
    two = bp.MLP([1, 2], output="softmax", loss="cross_entropy")
    two.set_params(np.array([-1.0, 1.0, 0.0, 0.0]))
    np.testing.assert_array_equal(two.predict(X), [0, 0, 1])


def _identity_net(sizes, theta):
    net = bp.MLP(sizes, hidden="identity", output="identity")
    net.set_params(np.asarray(theta, dtype=float))
    return net


def test_tiny_outputs_give_zero_cost_and_weight_gradient_not_an_underflow_error_under_errstate_raise():
    """mlp.MLP.loss/gradients: errstate(under="ignore") around the forward and backward passes
    (mutants: under=None or dropped); (1e-200)² underflows to 0, which is the right answer."""
    net = _identity_net([1, 1], [1.0, 0.0])
    with np.errstate(all="raise"):
        assert net.loss(np.array([[1e-200]]), np.array([[0.0]])) == 0.0
    # subnormal inputs: the products in the forward pass underflow; the gradients are those
    # numpy gives with its default error handling
    net, X, Y = bp.MLP([2, 3, 1], seed=0), np.full((2, 2), 1e-310), np.array([[1.0], [0.0]])
    expected = net.flat_gradients(X, Y)
    with np.errstate(all="raise"):
        np.testing.assert_array_equal(net.flat_gradients(X, Y), expected)


def test_targets_of_the_wrong_width_are_rejected_even_as_ready_float_arrays():
    """mlp.MLP._check_Y: the shortcut for ready arrays checks the output width sizes[-1], not the
    hidden width sizes[1] (mutant) — a (4, 3) float64 Y for a [2, 3, 1] network is an error naming Y."""
    net = bp.MLP([2, 3, 1], seed=0)
    for method in (net.loss, net.gradients):
        with pytest.raises(ValueError, match=r"^Y: expected 1 columns, shape \(m, 1\), got shape \(4, 3\)$"):
            method(np.zeros((4, 2)), np.zeros((4, 3)))


def test_update_names_the_gradient_that_is_not_numeric():
    """mlp.MLP.update: a text gradient is named by its position, dWs[1] (mutant: name None)."""
    net = bp.MLP([2, 3, 1], seed=0)
    with pytest.raises(TypeError, match=r"^dWs\[1\]: expected a numeric array, got dtype <U1$"):
        net.update([np.zeros((3, 2)), np.array(["a", "b", "c"])], [np.zeros(3), np.zeros(1)], lr=0.1)


@pytest.mark.parametrize("method", ["loss", "gradients"])
@pytest.mark.parametrize("x, sizes, theta", [
    (1e200, [1, 1, 1], [1.0, 0.0, 1.0, 0.0]),                      # (1e200)² overflows in the cost
    (1e308, [1, 2, 1], [10.0, -10.0, 0.0, 0.0, 1.0, 1.0, 0.0]),    # inf − inf in the forward pass
    (1e308, [1, 1, 1], [1.0, 0.0, 10.0, 0.0]),                     # finite hidden layer, output inf
])
def test_overflow_and_inf_minus_inf_give_the_x_message_under_errstate_raise(method, x, sizes, theta):
    """mlp.MLP.loss/gradients: over= and invalid="ignore" in the errstate (mutants: None or dropped).
    Either the cost overflows, or hidden units reach +inf and −inf and the output unit adds them
    (inf − inf = NaN); the student gets the message naming X, not numpy's FloatingPointError nor
    one about Y_hat, an argument they never passed (a bug this test found)."""
    net = _identity_net(sizes, theta)
    with np.errstate(all="raise"):
        with pytest.raises(ValueError, match=rf"^X: the cost or its gradient overflows float64 \(largest \|X\| {x:.0e}"
                                             .replace("+", r"\+")):
            getattr(net, method)(np.array([[x]]), np.array([[0.0]]))


@pytest.mark.parametrize("where", ["weights", "biases"])
@pytest.mark.parametrize("method", ["loss", "gradients"])
def test_non_finite_parameters_set_behind_set_params_back_are_named(where, method):
    """mlp.MLP._overflowed/_finite_params: NaN in a weight or (only) in a bias is reported as the
    network's fault, with its full message (mutants: message None or upper-cased, and → or)."""
    net = bp.MLP([2, 3, 1], seed=0)
    getattr(net, where)[0][0] = np.nan
    with pytest.raises(ValueError, match=r"^the network's weights or biases contain NaN or inf; reset them with "
                                         r"set_params or build a new MLP$"):
        getattr(net, method)(np.ones((2, 2)), np.zeros((2, 1)))


def test_default_seed_is_zero_and_the_network_records_its_init():
    """mlp.MLP.__init__: seed=0 by default, so MLP(sizes) is reproducible and equals seed=0
    (mutant: default 1); the init name is kept on the network and its copies (mutant: None)."""
    np.testing.assert_array_equal(bp.MLP([2, 3, 1]).get_params(), bp.MLP([2, 3, 1], seed=0).get_params())
    net = bp.MLP([2, 3, 1], init="he")
    assert net.init == "he" and net.copy().init == "he"


def test_sigmoid_with_binary_cross_entropy_works_from_the_logits():
    """mlp.MLP.__init__: (sigmoid, binary_cross_entropy) is fused (mutants: misspelt names).
    A confidently wrong output with logit 40: the cost is 40 (not a clipped log), and ∂C/∂b is
    σ(40) − 0 = 1 (the unfused chain rule through σ′ would give 0: a vanishing gradient)."""
    net = _one_output_net(40.0, loss="binary_cross_entropy")
    X, Y = np.array([[1.0]]), np.array([[0.0]])
    assert net.loss(X, Y) == pytest.approx(40.0, rel=1e-12)
    dWs, dbs = net.gradients(X, Y)
    assert dbs[0][0] == pytest.approx(1.0, rel=1e-12)


def test_bad_x_is_named_x_from_the_start_of_the_message():
    """mlp.MLP._check_X: the message starts with "X:" (mutant: "XXXXX:", which an unanchored
    search for "X: …" would still find)."""
    net = bp.MLP([2, 3, 1], seed=0)
    with pytest.raises(ValueError, match=r"^X: expected 2 columns"):
        net.forward(np.zeros((4, 3)))


# ------------------------------------------------------------------ finite differences (gradcheck.py)
def test_finite_difference_default_step_is_small_enough_for_six_digits():
    """gradcheck.finite_difference_gradient: the default ε is 1e-6 (mutant: 1.000001, which gives
    (2³ − 0³)/2 = 4 for d(x³)/dx = 3 at x = 1)."""
    g = bp.finite_difference_gradient(lambda v: float(v[0] ** 3), [1.0])
    assert g[0] == pytest.approx(3.0, rel=1e-8)
    g = bp.finite_difference_gradient(lambda v: float(v[0] ** 3), [1.0], scheme="forward")
    assert g[0] == pytest.approx(3.0, rel=1e-5)       # forward: error 3ε


def test_finite_difference_dtype_that_is_no_dtype_lists_the_names():
    """gradcheck._dtype: a value numpy cannot read as a dtype gets the message listing the names
    (mutants: message None, names joined wrongly or missing)."""
    with pytest.raises(TypeError, match=r"^dtype: expected a float dtype or one of 'float16', 'float32', "
                                        r"'float64', got 1\.5$"):
        bp.finite_difference_gradient(lambda v: float(v.sum()), [1.0], dtype=1.5)


def test_step_sizes_and_h_are_checked_and_named():
    """gradcheck._steps / difference_quotient: a zero step, a 2-D grid or text is an error naming
    steps (or h) (mutants: or → and, <= → <, any(None), names None or misspelt)."""
    for bad in ([0.0], [[1e-3]], []):
        with pytest.raises(ValueError, match=r"^steps: expected a non-empty 1-D array of positive step sizes, "
                                             r"got shape"):
            bp.step_size_errors("exp", 1.0, steps=bad)
    with pytest.raises(TypeError, match=r"^steps: "):
        bp.step_size_errors("exp", 1.0, steps=["a"])
    with pytest.raises(ValueError, match=r"^h: "):
        bp.difference_quotient("exp", 1.0, h=-1e-3)



# ------------------------------------------------------------------ core helpers (round 2)
def test_l2_gradient_names_its_arguments():
    """regularization.l2_gradient: the names "dW" and "W" in as_float_array (mutants: None,
    misspelt, upper/lower case)."""
    W = np.ones((2, 2))
    with pytest.raises(TypeError, match=r"^dW: expected a numeric array, got str$"):
        bp.l2_gradient("x", W, 0.1)
    with pytest.raises(TypeError, match=r"^W: expected a numeric array, got str$"):
        bp.l2_gradient(W, "x", 0.1)


def test_l2_gradient_passes_nan_and_inf_through_like_numpy():
    """regularization.l2_gradient: finite=False for dW and W (mutants: finite=True or dropped);
    an equation is plain arithmetic, so NaN in either argument gives NaN out, not an error."""
    ones = np.ones((1, 2))
    assert np.isnan(bp.l2_gradient(np.array([[np.nan, 1.0]]), ones, 0.1)[0, 0])
    assert np.isnan(bp.l2_gradient(ones, np.array([[np.nan, 1.0]]), 0.1)[0, 0])
    assert bp.l2_gradient(ones, np.array([[np.inf, 1.0]]), 0.1)[0, 0] == np.inf


def test_l2_gradient_with_lam_zero_is_the_data_gradient_exactly():
    """regularization.l2_gradient: lam = 0 returns a copy of dW (mutant: `lam or True`, which adds
    0·W, NaN where W is inf); the copy is a new array."""
    dW = np.array([[1.0, -2.0]])
    out = bp.l2_gradient(dW, np.array([[np.inf, 3.0]]), 0.0)
    np.testing.assert_array_equal(out, dW)
    assert out is not dW


def test_leaky_relu_derivative_checks_a_slope_it_is_given():
    """activations.leaky_relu_prime: a slope other than the default is validated and named
    (mutants: `slope is LEAKY_SLOPE`, name None or misspelt)."""
    with pytest.raises(ValueError, match=r"^slope: must be a finite number, got inf$"):
        bp.leaky_relu_prime(np.array([-1.0]), slope=np.inf)
    with pytest.raises(TypeError, match=r"^slope: expected a finite number, got '0.1'$"):
        bp.leaky_relu_prime(np.array([-1.0]), slope="0.1")


def test_softmax_jacobian_names_z_and_passes_nan_through():
    """activations.softmax_jacobian: the name "z" (mutants: None, "Z", "XXzXX"), finite=False
    (mutants: True or dropped) and the message for no logits."""
    with pytest.raises(TypeError, match=r"^z: expected a numeric array, got str$"):
        bp.softmax_jacobian("z")
    with pytest.raises(ValueError, match=r"^z: expected at least one logit, got shape \(0,\)$"):
        bp.softmax_jacobian(np.zeros(0))
    J = bp.softmax_jacobian(np.array([np.nan, 0.0]))
    assert J.shape == (2, 2) and np.isnan(J).all()


def test_cross_entropy_of_a_probability_rounded_above_one_is_zero_not_negative():
    """losses.cross_entropy: clip(Y_hat, EPS, 1.0) (mutants: upper bound None or 2.0), so a
    softmax output one ulp above 1 costs 0, as 1 does, and a cost is never negative."""
    above_one = np.nextafter(1.0, 2.0)
    assert bp.cross_entropy(np.array([[above_one, 0.0]]), np.array([[1.0, 0.0]])) == 0.0
    assert bp.cross_entropy(np.array([[1.5, 0.0]]), np.array([[1.0, 0.0]])) == 0.0


def test_forward_differences_default_step_is_one_millionth():
    """gradcheck.forward_difference_gradient: default ε = 1e-6 (mutant: 1.000001); the forward
    error is about 3ε on d(x³)/dx = 3 at x = 1."""
    g = bp.forward_difference_gradient(lambda v: float(v[0] ** 3), [1.0])
    assert g[0] == pytest.approx(3.0 + 3e-6, rel=1e-7)


def test_step_size_study_defaults_to_exp_at_one_central_float64():
    """gradcheck.step_size_errors / step_size_error_model / optimal_step: the defaults name="exp",
    x0=1.0, scheme="central", dtype="float64" (mutants: misspelt, upper-cased or changed)."""
    full = ("exp", 1.0, None, "central", "float64")
    for default, explicit in zip(bp.step_size_errors(), bp.step_size_errors(*full)):
        np.testing.assert_array_equal(default, explicit)
    for default, explicit in zip(bp.step_size_error_model(), bp.step_size_error_model(*full)):
        np.testing.assert_array_equal(default, explicit)
    assert bp.optimal_step() == bp.optimal_step("exp", 1.0, "central", "float64")
    assert bp.optimal_step("sin") == bp.optimal_step("sin", 1.0)   # for exp, h* does not depend on x0
    assert bp.optimal_step("sin") != bp.optimal_step("sin", 2.0)
    assert f"{bp.optimal_step():.2g}" == "8.7e-06"


def test_default_steps_run_from_one_to_1e_minus_15_five_per_decade():
    """gradcheck._steps: logspace(0, -15, 76) (mutants: start 10, end 1e-16, 77 points); in
    float16 the steps that underflow to 0 are dropped, in the model as in the measured errors
    (mutants: dtype None or dropped in step_size_error_model)."""
    steps, _ = bp.step_size_errors()
    assert steps.size == 76 and steps[0] == 1.0 and steps[-1] == pytest.approx(1e-15, rel=1e-12)
    assert steps[1] == pytest.approx(10 ** -0.2, rel=1e-12)
    h16, _ = bp.step_size_errors(dtype="float16")
    model16, _ = bp.step_size_error_model(dtype="float16")
    np.testing.assert_array_equal(model16, h16)
    assert (h16.astype(np.float16) > 0).all() and h16.size < 76


def test_step_size_error_model_is_a_relative_error():
    """gradcheck.step_size_error_model: the absolute error is divided by 2|f'(x0)| (mutants: times,
    2/|f'|, 3|f'|); for exp at 1 the central model is h²/12 + ε/(2h)."""
    machine_eps = np.finfo(np.float64).eps
    _, model = bp.step_size_error_model("exp", 1.0, [1e-2, 1e-6])
    np.testing.assert_allclose(model, [1e-4 / 12 + machine_eps / 2e-2, 1e-12 / 12 + machine_eps / 2e-6],
                               rtol=1e-12)


def test_optimal_step_exists_exactly_where_the_model_has_a_minimum():
    """gradcheck.optimal_step: the vanishing-derivative checks are d3 == 0 and d2 == 0 (mutants:
    == 1, which rejects exp at 0 where f''' = f'' = 1 and lets a zero divide); their messages."""
    machine_eps = np.finfo(np.float64).eps
    assert bp.optimal_step("exp", 0.0) == pytest.approx((3 * machine_eps) ** (1 / 3), rel=1e-12)
    assert bp.optimal_step("exp", 0.0, "forward") == pytest.approx(2 * np.sqrt(machine_eps), rel=1e-12)
    with pytest.raises(ValueError, match=r"^x0: f''' of tanh vanishes at x0=20.0; the model has no optimum there$"):
        bp.optimal_step("tanh", 20.0)          # tanh(20) is 1.0 in float64: every derivative is 0
    with pytest.raises(ValueError, match=r"^x0: f'' of sin vanishes at x0=0.0; the model has no optimum there$"):
        bp.optimal_step("sin", 0.0, "forward")


def test_log_softmax_passes_nan_and_minus_inf_through():
    """activations.log_softmax: finite=False (mutants: finite=True or dropped); a logit of −inf
    (a masked class) gets log-probability −inf and the others are unaffected."""
    assert np.isnan(bp.log_softmax(np.array([[np.nan, 0.0]]))).all()
    np.testing.assert_array_equal(bp.log_softmax(np.array([[-np.inf, 0.0]])), [[-np.inf, 0.0]])


def test_relative_error_names_its_arguments_also_inside_nested_sequences():
    """gradcheck.relative_error / _flatten: the names "a" and "b", passed down into nested
    sequences such as the (dWs, dbs) pair (mutants: None, misspelt, upper-cased)."""
    with pytest.raises(TypeError, match=r"^a: expected a numeric array, got str$"):
        bp.relative_error("x", [1.0])
    with pytest.raises(TypeError, match=r"^b: expected a numeric array, got str$"):
        bp.relative_error([1.0], "x")
    with pytest.raises(TypeError, match=r"^a: expected a numeric array, got str$"):
        bp.relative_error([[np.zeros(2)], ["x"]], [[np.zeros(2)], [np.zeros(1)]])


def test_relative_error_of_no_entries_is_zero():
    """gradcheck.relative_error / _flatten: two empty gradients agree, whether given as arrays
    or as empty lists (mutants: max(initial=None), which fails on no entries; an empty list
    flattened to one entry, to None, or concatenated)."""
    assert bp.relative_error(np.zeros(0), np.zeros(0)) == 0.0
    assert bp.relative_error([], np.zeros(0)) == 0.0
    assert bp.relative_error(([], []), ([], [])) == 0.0


@pytest.mark.parametrize("equation, args, bad", [
    (bp.output_delta, 2, 0), (bp.output_delta, 2, 1),
    (bp.hidden_delta, 3, 0), (bp.hidden_delta, 3, 1), (bp.hidden_delta, 3, 2),
    (bp.bias_gradient, 1, 0), (bp.weight_gradient, 2, 0), (bp.weight_gradient, 2, 1),
])
def test_the_four_equations_name_each_argument(equation, args, bad):
    """equations.*: each argument's name starts the message for text (mutants: name None in _matrix)."""
    import inspect

    name = list(inspect.signature(equation).parameters)[bad]
    good = [np.ones((1, 1))] * args
    good[bad] = "text"
    with pytest.raises(TypeError, match=rf"^{name}: expected a 2-D numeric array, got str$"):
        equation(*good)


def test_hidden_delta_promotes_mixed_precisions_like_numpy():
    """equations.hidden_delta: float32 deltas and weights with a float64 f'(Z) give the float64
    product numpy gives (mutants: the dtype test inverted, which multiplies in place into the
    float32 array; / instead of * on the mixed path); equal dtypes keep theirs."""
    delta_next = np.array([[1.0, 2.0]], np.float32)
    W_next = np.array([[0.1], [0.3]], np.float32)
    df_z = np.array([[0.7]])
    mixed = bp.hidden_delta(delta_next, W_next, df_z)
    assert mixed.dtype == np.float64
    np.testing.assert_array_equal(mixed, (delta_next @ W_next) * df_z)
    assert bp.hidden_delta(delta_next, W_next, df_z.astype(np.float32)).dtype == np.float32


def test_a_zero_dimensional_array_counts_as_a_number_and_a_one_element_vector_does_not():
    """_validate._real: a 0-d float or integer array (what np.array(0.2) or a reduction of an
    array gives) is a number; a 1-D array of one entry is not (mutants: ndim != 0, ndim == 1,
    kind not in "iuf")."""
    z = np.array([-1.0])
    assert bp.leaky_relu(z, slope=np.array(0.2))[0] == pytest.approx(-0.2)
    assert bp.leaky_relu(z, slope=np.array(2))[0] == -2.0
    with pytest.raises(TypeError, match=r"^slope: expected a finite number, got array\(\[0\.2\]\)$"):
        bp.leaky_relu(z, slope=np.array([0.2]))

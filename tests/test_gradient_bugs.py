"""Tests of bplib.gradient_bugs: the correct backward pass of the tiny network agrees with autograd
and with central differences; every planted bug differs from it in one line and is caught; and
check_backward accepts right backward passes and rejects wrong ones with a useful message."""
import difflib
import inspect

import autograd
import autograd.numpy as anp
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import bplib as bp

BUGS = list(bp.PLANTED_BUGS.items())
BUG_IDS = [name for name, _ in BUGS]
#: bugs that only make sense (or only stay silent) when the weight matrices are square
NEEDS_SQUARE = {"wrong transpose", "wrong activation in weight gradient"}


def body(function):
    return inspect.getsource(function).split('"""')[-1].strip("\n").splitlines()


def autograd_gradients(W1, b1, W2, b2, X, Y):
    """An independent oracle: autograd differentiates the same cost, written with autograd.numpy."""
    def cost(W1, b1, W2, b2):
        A1 = anp.tanh(anp.dot(X, W1.T) + b1)
        A2 = 1.0 / (1.0 + anp.exp(-(anp.dot(A1, W2.T) + b2)))
        return 0.5 * anp.sum((A2 - Y) ** 2) / X.shape[0]
    return [autograd.grad(cost, i)(W1, b1, W2, b2) for i in range(4)]


# ------------------------------------------------------------------ the tiny network
def test_tiny_net_problem_shapes_and_determinism():
    (W1, b1, W2, b2), X, Y = bp.tiny_net_problem((2, 4, 3), m=6, seed=3)
    assert [a.shape for a in (W1, b1, W2, b2, X, Y)] == [(4, 2), (4,), (3, 4), (3,), (6, 2), (6, 3)]
    again = bp.tiny_net_problem((2, 4, 3), m=6, seed=3)
    assert np.array_equal(again[1], X) and np.array_equal(again[0][2], W2)
    assert Y.min() >= 0 and Y.max() <= 1
    with pytest.raises(ValueError, match=r"sizes and m must be ≥ 1, got sizes=\(2, 0, 3\) and m=4"):
        bp.tiny_net_problem((2, 0, 3), m=4)


def test_tiny_net_loss_is_half_the_mean_squared_error():
    params, X, Y = bp.tiny_net_problem()
    A2 = bp.tiny_net_forward(*params, X)[3]
    assert bp.tiny_net_loss(*params, X, Y) == pytest.approx(bp.mse(A2, Y), rel=1e-14)
    assert np.allclose(A2, bp.sigmoid(bp.tiny_net_forward(*params, X)[2]), rtol=1e-14)


@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 4), st.integers(1, 6), st.integers(0, 10_000))
@settings(max_examples=30)
def test_property_reference_backward_matches_autograd_and_differences(n0, n1, n2, m, seed):
    params, X, Y = bp.tiny_net_problem((n0, n1, n2), m, seed)
    ours = bp.tiny_net_backward(*params, X, Y)
    assert bp.relative_error(list(ours), autograd_gradients(*params, X, Y)) <= 1e-10
    assert max(bp.backward_errors(bp.tiny_net_backward, (n0, n1, n2), m, seed).values()) < bp.PASS_THRESHOLD


# ------------------------------------------------------------------ planted bugs
@pytest.mark.parametrize("name, buggy", BUGS, ids=BUG_IDS)
def test_each_bug_differs_from_the_reference_in_exactly_one_line(name, buggy):
    changed = [line for line in difflib.ndiff(body(bp.tiny_net_backward), body(buggy))
               if line.startswith(("- ", "+ "))]
    assert len(changed) == 2 and "BUG" in changed[1], changed


@pytest.mark.parametrize("name, buggy", BUGS, ids=BUG_IDS)
def test_each_bug_runs_returns_the_right_shapes_and_is_caught(name, buggy):
    params, X, Y = bp.tiny_net_problem()
    grads = buggy(*params, X, Y)
    assert [g.shape for g in grads] == [p.shape for p in params]       # silent: shapes are fine
    errors = bp.backward_errors(buggy)
    assert errors["all"] > 1e-2, errors
    assert not bp.check_backward(buggy).ok


@given(st.integers(2, 4), st.integers(2, 6), st.integers(0, 10_000), st.sampled_from(BUG_IDS))
@settings(max_examples=30)
def test_property_every_bug_is_caught_on_random_square_problems(n, m, seed, name):
    errors = bp.backward_errors(bp.PLANTED_BUGS[name], (n, n, n), m, seed)
    assert errors["all"] > bp.FAIL_THRESHOLD, (name, errors)


@pytest.mark.parametrize("name", sorted(NEEDS_SQUARE))
def test_shape_bugs_raise_on_a_non_square_network(name):
    with pytest.raises(ValueError):
        bp.backward_errors(bp.PLANTED_BUGS[name], (2, 4, 3), 6)


def test_which_blocks_each_bug_spoils():
    """Output-delta bugs spoil every block, hidden-delta bugs only layer 1, the dW2 bug only W2."""
    spoiled = {name: {p for p, e in bp.backward_errors(fn).items() if p != "all" and e > bp.FAIL_THRESHOLD}
               for name, fn in BUGS}
    assert spoiled == {
        "dropped activation derivative": {"W1", "b1"},
        "wrong transpose": {"W1", "b1"},
        "sigmoid derivative used for tanh": {"W1", "b1"},
        "wrong sign": {"W1", "b1", "W2", "b2"},
        "missing 1/m": {"W1", "b1", "W2", "b2"},
        "wrong activation in weight gradient": {"W2"},
    }


@pytest.mark.parametrize("m", [1, 2, 5, 9])
def test_predicted_relative_errors_of_the_output_delta_bugs(m):
    sign = bp.backward_errors(bp.PLANTED_BUGS["wrong sign"], m=m)["all"]
    mean = bp.backward_errors(bp.PLANTED_BUGS["missing 1/m"], m=m)["all"]
    assert sign == pytest.approx(1.0, abs=1e-12)
    assert mean == pytest.approx((m - 1) / (m + 1), abs=1e-9)     # m = 1: the bug is invisible


# ------------------------------------------------------------------ check_backward
def via_the_four_equations(W1, b1, W2, b2, X, Y):
    """Another correct backward pass, built from bplib's four equations."""
    Z1, A1, Z2, A2 = bp.tiny_net_forward(W1, b1, W2, b2, X)
    delta2 = bp.output_delta(bp.mse_grad(A2, Y), bp.sigmoid_prime(Z2))
    delta1 = bp.hidden_delta(delta2, W2, bp.tanh_prime(Z1))
    return (bp.weight_gradient(delta1, X), bp.bias_gradient(delta1),
            bp.weight_gradient(delta2, A1), bp.bias_gradient(delta2))


@pytest.mark.parametrize("backward", [bp.tiny_net_backward, via_the_four_equations,
                                      lambda *args: autograd_gradients(*args)],
                         ids=["reference", "four equations", "autograd"])
def test_check_backward_accepts_right_backward_passes(backward):
    result = bp.check_backward(backward)
    assert result.ok and bool(result) and result.message.startswith("Right")


def test_check_backward_does_not_modify_the_problem():
    def mutating(W1, b1, W2, b2, X, Y):
        grads = bp.tiny_net_backward(W1, b1, W2, b2, X, Y)
        W1 += 1.0
        X *= 0.0
        return grads
    assert bp.check_backward(mutating).ok      # it is handed copies


def zeros(W1, b1, W2, b2, X, Y):
    return np.zeros_like(W1), np.zeros_like(b1), np.zeros_like(W2), np.zeros_like(b2)


def only_layer_one_wrong(W1, b1, W2, b2, X, Y):
    dW1, db1, dW2, db2 = bp.tiny_net_backward(W1, b1, W2, b2, X, Y)
    return 2 * dW1, db1, dW2, db2


@pytest.mark.parametrize("backward, expected", [
    (zeros, "returns zeros"),
    (only_layer_one_wrong, "Only dW1 is wrong"),
    (bp.PLANTED_BUGS["wrong sign"], "wrong sign: the output delta starts from A2 − Y"),
    (bp.PLANTED_BUGS["missing 1/m"], "m times too large"),
    (bp.PLANTED_BUGS["sigmoid derivative used for tanh"], "check the hidden delta (BP2)"),
    (lambda *args: bp.tiny_net_backward(*args)[:3], "it must return four arrays (dW1, db1, dW2, db2)"),
    (lambda W1, b1, W2, b2, X, Y: (W1.T, b1, W2, b2), "dW1 must have the shape of W1, (4, 2); got shape (2, 4)"),
    (lambda W1, b1, W2, b2, X, Y: ("a", b1, W2, b2), "dW1 must be a numeric array, got dtype <U1"),
    (lambda *args: 1 / 0, "calling your function raised ZeroDivisionError"),
    (bp.PLANTED_BUGS["wrong transpose"], "no matrix of this network is square"),
    ("my_backward", "pass your function itself, got str"),
], ids=["zeros", "one block", "bug: sign", "bug: 1/m", "bug: sigmoid derivative", "three outputs", "transposed", "text", "raises", "bug: transpose", "not callable"])
def test_check_backward_rejects_wrong_backward_passes_with_a_message(backward, expected):
    result = bp.check_backward(backward)
    assert not result.ok and not bool(result)
    assert result.message.startswith("Not yet") and expected in result.message, result.message


def test_check_backward_message_lists_every_block():
    message = bp.check_backward(bp.PLANTED_BUGS["dropped activation derivative"]).message
    for name in bp.PARAMETER_NAMES:
        assert f"{name} " in message
    assert "W2 < 1e-08" in message and "the hidden layer is not" in message

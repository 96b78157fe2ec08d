"""Tests of bplib.index_form: the loop (index) form of backpropagation of chapter 03.

Three independent references: the matrix form (bp.MLP.gradients, chapter 04), central
differences in float64, and autograd's reverse mode on a re-implementation of the network.
"""
import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad
from hypothesis import given, settings
from hypothesis import strategies as st

import bplib as bp

SMOOTH = ["sigmoid", "tanh", "identity"]


def max_abs_difference(first, second):
    return max(float(np.abs(a - b).max()) for a, b in zip(first, second))


def flat(dWs, dbs):
    return np.concatenate([np.concatenate([dW.ravel(), db]) for dW, db in zip(dWs, dbs)])


@st.composite
def small_problems(draw, activations=SMOOTH):
    """A random small MLP with the squared error, and a batch (X, Y) for it."""
    sizes = draw(st.lists(st.integers(1, 4), min_size=2, max_size=5))
    hidden = draw(st.sampled_from(activations))
    output = draw(st.sampled_from(activations))
    seed = draw(st.integers(0, 10_000))
    m = draw(st.integers(1, 5))
    net = bp.MLP(sizes, hidden=hidden, output=output, init="standard", seed=seed)
    rng = np.random.default_rng(seed + 1)
    for b in net.biases:
        b[...] = rng.normal(size=b.shape)
    return net, rng.normal(size=(m, sizes[0])), rng.normal(size=(m, sizes[-1]))


# ---------------------------------------------------------------- the three references
@settings(max_examples=40)
@given(small_problems(activations=SMOOTH + ["relu", "leaky_relu"]))
def test_index_form_equals_matrix_form(problem):
    net, X, Y = problem
    index = bp.index_form_gradients(net, X, Y)
    matrix = net.gradients(X, Y)
    assert max_abs_difference(index[0] + index[1], matrix[0] + matrix[1]) < 1e-12


@settings(max_examples=30)
@given(small_problems())
def test_index_form_equals_central_differences(problem):
    net, X, Y = problem
    dWs, dbs = bp.index_form_gradients(net, X, Y)
    numeric = bp.numerical_gradient(lambda t: net.loss_at(t, X, Y), net.get_params())
    assert bp.relative_error(flat(dWs, dbs), numeric) < 1e-7


ORACLE = {"sigmoid": lambda z: 1.0 / (1.0 + anp.exp(-z)), "tanh": anp.tanh, "identity": lambda z: z}


def oracle_cost(params, net, X, Y):
    """The squared-error cost of ``net`` written from scratch in autograd.numpy."""
    A = X
    L = len(net.weights)
    for i in range(L):
        W, b = params[2 * i], params[2 * i + 1]
        f = ORACLE[net.output if i == L - 1 else net.hidden]
        A = f(anp.dot(A, W.T) + b)
    return 0.5 * anp.sum((A - Y) ** 2) / Y.shape[0]


@settings(max_examples=30)
@given(small_problems())
def test_index_form_equals_autograd(problem):
    net, X, Y = problem
    params = [p for W, b in zip(net.weights, net.biases) for p in (W, b)]
    auto = grad(oracle_cost)(params, net, X, Y)
    dWs, dbs = bp.index_form_gradients(net, X, Y)
    ours = [p for dW, db in zip(dWs, dbs) for p in (dW, db)]
    assert bp.relative_error(ours, auto) <= 1e-10


@settings(max_examples=25)
@given(small_problems())
def test_sum_over_paths_equals_the_recursion(problem):
    net, X, Y = problem
    x, y = X[0], Y[0]
    dWs, _, _ = bp.index_backward(net, x, y)
    for layer in range(1, net.n_layers + 1):
        n_out, n_in = net.weights[layer - 1].shape
        for j in range(n_out):
            for k in range(n_in):
                result = bp.path_terms(net, x, y, layer, j, k)
                assert len(result.terms) == int(np.prod(net.sizes[layer + 1:]))
                assert abs(result.total - dWs[layer - 1][j, k]) <= 1e-12 * max(1.0, abs(dWs[layer - 1][j, k]))


# ---------------------------------------------------------------- the single equations
def test_index_forward_equals_matrix_forward():
    net = bp.MLP([3, 4, 2], hidden="tanh", output="sigmoid", init="standard", seed=3)
    x = np.array([0.5, -1.0, 2.0])
    zs, acts = bp.index_forward(net, x)
    Zs, As = net.forward_pass(x.reshape(1, -1))
    for z, Z in zip(zs, Zs):
        np.testing.assert_allclose(z, Z[0], rtol=0, atol=1e-15)
    for a, A in zip(acts, As):
        np.testing.assert_allclose(a, A[0], rtol=0, atol=1e-15)


def test_equations_on_hand_computed_numbers():
    assert bp.index_output_delta([0.75, 0.5], [1.0, 0.0], [0.25, 0.5]).tolist() == [-0.0625, 0.25]
    # delta_j = f'(z_j) * sum_q w_qj delta_q: column j of W, not row j
    W = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert bp.index_hidden_delta([1.0, 10.0], W, [1.0, 0.5]).tolist() == [31.0, 21.0]
    assert bp.index_weight_gradient([1.0, 2.0], [3.0, 0.5]).tolist() == [[3.0, 0.5], [6.0, 1.0]]
    delta = np.array([0.5, -1.0])
    out = bp.index_bias_gradient(delta)
    assert out.tolist() == [0.5, -1.0] and out is not delta


def test_half_adder_headline():
    net = bp.MLP([2, 2, 2, 2], init="standard", seed=0)
    X, Y = bp.half_adder()
    index = bp.index_form_gradients(net, X, Y)
    matrix = net.gradients(X, Y)
    assert max_abs_difference(index[0] + index[1], matrix[0] + matrix[1]) < 1e-12


# ---------------------------------------------------------------- bad inputs
NET = bp.MLP([2, 3, 1], seed=0)


@pytest.mark.parametrize("call, error, pattern", [
    (lambda: bp.index_forward(NET, np.zeros((1, 2))), ValueError, r"x: expected a 1-D vector of shape \(2,\).*got shape \(1, 2\)"),
    (lambda: bp.index_forward(NET, np.zeros(3)), ValueError, r"x: expected shape \(2,\), got shape \(3,\)"),
    (lambda: bp.index_output_delta([1.0, 2.0], [1.0], [1.0, 1.0]), ValueError, r"y: expected shape \(2,\), got shape \(1,\)"),
    (lambda: bp.index_hidden_delta([1.0], np.zeros((2, 3)), np.zeros(3)), ValueError, r"W_next: expected 1 rows"),
    (lambda: bp.index_hidden_delta([1.0], np.zeros(3), np.zeros(3)), ValueError, r"W_next: expected a 2-D array"),
    (lambda: bp.index_weight_gradient(np.zeros((2, 1)), [1.0]), ValueError, r"delta: expected a 1-D vector"),
    (lambda: bp.index_form_gradients(NET, np.zeros(2), np.zeros((1, 1))), ValueError, r"X: expected a 2-D array"),
    (lambda: bp.index_form_gradients(NET, np.zeros((3, 2)), np.zeros((2, 1))), ValueError,
     r"X and Y must have the same number of rows, got X \(3, 2\) and Y \(2, 1\)"),
    (lambda: bp.index_form_gradients(bp.MLP([2, 2], output="softmax", loss="cross_entropy"), np.zeros((1, 2)),
                                     np.array([[1.0, 0.0]])), ValueError, r"output='softmax'"),
    (lambda: bp.index_form_gradients(bp.MLP([2, 1], loss="binary_cross_entropy"), np.zeros((1, 2)), np.zeros((1, 1))),
     ValueError, r"loss='binary_cross_entropy'"),
    (lambda: bp.index_form_gradients(bp.MLP([2, 1], l2=0.1), np.zeros((1, 2)), np.zeros((1, 1))), ValueError, r"l2=0.1"),
    (lambda: bp.path_terms(NET, np.zeros(2), np.zeros(1), 3, 0, 0), ValueError, r"layer: expected an integer from 1 to L = 2"),
    (lambda: bp.path_terms(NET, np.zeros(2), np.zeros(1), 1, 3, 0), ValueError, r"j: expected a neuron index from 0 to 2"),
    (lambda: bp.path_terms(NET, np.zeros(2), np.zeros(1), 1, 0, -1), ValueError, r"k: expected a neuron index from 0 to 1"),
    (lambda: bp.index_form_gradients("net", np.zeros((1, 2)), np.zeros((1, 1))), TypeError, r"net: expected a bplib.MLP"),
])
def test_bad_inputs_are_rejected_with_a_precise_message(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()


# ---------------------------------------------------------------- exercise checks
def test_checks_accept_right_and_reject_wrong_answers():
    net = bp.MLP([2, 2, 2, 2], init="standard", seed=0)
    x, y = np.array([1.0, 0.0]), np.array([1.0, 0.0])
    dWs, _, deltas = bp.index_backward(net, x, y)
    assert bp.check_delta(deltas[2], net, x, y, layer=3).ok
    assert bp.check_delta(np.round(deltas[1], 6), net, x, y, layer=2).ok
    assert not bp.check_delta(net.weights[2] @ deltas[2], net, x, y, layer=2).ok
    assert not bp.check_delta([1.0], net, x, y, layer=2).ok          # wrong shape: a message, no exception
    assert bp.check_weight_derivative(dWs[1][0, 1], net, x, y, layer=2, j=0, k=1).ok
    assert not bp.check_weight_derivative(dWs[1][1, 0], net, x, y, layer=2, j=0, k=1).ok
    wrong_sign = bp.check_weight_derivative(-dWs[1][0, 1], net, x, y, layer=2, j=0, k=1)
    assert not wrong_sign.ok and "sign" in wrong_sign.message
    assert not bp.check_weight_derivative("a lot", net, x, y, layer=2, j=0, k=1).ok


def test_checks_accept_hand_rounding_and_name_the_likely_slip():
    net = bp.MLP([2, 2, 2, 2], init="standard", seed=0)
    x, y = np.array([1.0, 0.0]), np.array([1.0, 0.0])
    dWs, _, deltas = bp.index_backward(net, x, y)
    zs, acts = bp.index_forward(net, x)
    for digits in (3, 4):                                    # significant digits, by hand
        rounded = np.array([float(f"{v:.{digits}g}") for v in deltas[1]])
        assert bp.check_delta(rounded, net, x, y, layer=2).ok, digits
        assert bp.check_weight_derivative(float(f"{dWs[1][0, 1]:.{digits}g}"), net, x, y, layer=2, j=0, k=1).ok
    df2 = acts[2] * (1 - acts[2])
    row = bp.check_delta(net.weights[2] @ deltas[2] * df2, net, x, y, layer=2)
    assert not row and "column j" in row.message
    no_df = bp.check_delta(net.weights[2].T @ deltas[2], net, x, y, layer=2)
    assert not no_df and "left out the factor f'" in no_df.message
    a3 = acts[3]
    sign = bp.check_delta((y - a3) * a3 * (1 - a3), net, x, y, layer=3)
    assert not sign and "sign" in sign.message
    assert "left out" in bp.check_delta(a3 - y, net, x, y, layer=3).message
    swapped = bp.check_weight_derivative(deltas[1][1] * acts[1][0], net, x, y, layer=2, j=0, k=1)
    assert not swapped and "swapped j and k" in swapped.message
    X, Y = bp.xor()
    xor_net = bp.MLP([2, 3, 1], init="standard", seed=0)
    Zs, As = xor_net.forward_pass(X)
    right = bp.output_delta((As[-1] - Y) / 4, bp.sigmoid_prime(Zs[-1]))
    assert "wrong sign" in bp.check_batch_delta(-right, xor_net, X, Y, layer=2).message
    assert "left out the factor" in bp.check_batch_delta((As[-1] - Y) / 4, xor_net, X, Y, layer=2).message


def test_batch_delta_check_names_the_missing_one_over_m():
    X, Y = bp.xor()
    net = bp.MLP([2, 3, 1], init="standard", seed=0)
    Zs, As = net.forward_pass(X)
    right = bp.output_delta((As[-1] - Y) / 4, bp.sigmoid_prime(Zs[-1]))
    assert bp.check_batch_delta(right, net, X, Y, layer=2).ok
    too_big = bp.check_batch_delta(4 * right, net, X, Y, layer=2)
    assert not too_big.ok and "1/m" in too_big.message
    assert not bp.check_batch_delta(right[:2], net, X, Y, layer=2).ok


def test_batch_delta_check_accepts_three_digits_and_names_the_slip_at_the_zero_network():
    X, Y = bp.xor()
    zero = bp.MLP([2, 3, 1], init="standard", seed=0)
    for W, b in zip(zero.weights, zero.biases):
        W[...] = 0.0
        b[...] = 0.0
    signs = np.array([[1.0], [-1.0], [-1.0], [1.0]])
    assert bp.check_batch_delta(0.0313 * signs, zero, X, Y, layer=2).ok          # 1/32 to three digits
    assert not bp.check_batch_delta(0.031 * signs, zero, X, Y, layer=2).ok
    # here 1/m and σ'(0) are both 1/4: a delta 4 times too large may lack either, the hint names both
    four = bp.check_batch_delta(0.125 * signs, zero, X, Y, layer=2).message
    assert "1/m" in four and "f'(Z^2)" in four
    both = bp.check_batch_delta(0.5 * signs, zero, X, Y, layer=2).message
    assert "both" in both
    one_row = bp.check_batch_delta(0.03125 * signs * [[1], [1], [-1], [1]], zero, X, Y, layer=2).message
    assert "row(s) 3 " in one_row

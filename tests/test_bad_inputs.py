"""Bad inputs at bplib's public entry points: each raises ValueError or TypeError with a message
that names the argument and, where there are arrays, the expected and the received shapes."""
import re

import numpy as np
import pytest

import bplib as bp


def esc(text):
    return re.escape(text)


NET = bp.MLP([2, 3, 1], seed=0)
SOFTMAX_NET = bp.MLP([2, 3, 3], hidden="tanh", output="softmax", loss="cross_entropy", seed=0)
X = np.zeros((4, 2))
Y = np.zeros((4, 1))
X_NAN = X.copy()
X_NAN[1, 0] = np.nan
X_INF = X.copy()
X_INF[2, 1] = np.inf
Y_NAN = Y.copy()
Y_NAN[0, 0] = np.nan
Y_CE_BAD = bp.one_hot([0, 1, 2, 1], 3)
Y_CE_BAD[0, 0] = 2.0
VALID_ACTIVATIONS = "'sigmoid', 'tanh', 'relu', 'leaky_relu', 'identity'"
VALID_LOSSES = "'mse', 'cross_entropy', 'binary_cross_entropy'"

CASES = [
    # ---------------------------------------------------------- the network's data
    ("1-D X", lambda: NET.forward(np.zeros(2)), ValueError,
     esc("X: expected a 2-D array of shape (m, 2), got shape (2,)")),
    ("wrong feature count", lambda: NET.forward(np.zeros((4, 3))), ValueError,
     esc("X: expected 2 columns, shape (m, 2), got shape (4, 3)")),
    ("X/Y row mismatch", lambda: NET.gradients(X, np.zeros((3, 1))), ValueError,
     r"X and Y must have the same number of rows, got X with 4 rows and Y \(3, 1\)"),
    ("wrong Y width", lambda: NET.loss(X, np.zeros((4, 2))), ValueError,
     esc("Y: expected 1 columns, shape (m, 1), got shape (4, 2)")),
    ("1-D Y", lambda: NET.gradients(X, np.zeros(4)), ValueError,
     esc("Y: expected a 2-D array of shape (m, 1), got shape (4,)")),
    ("NaN in X", lambda: NET.forward(X_NAN), ValueError,
     esc("X: contains 1 NaN or infinite value(s) (shape (4, 2))")),
    ("inf in X", lambda: NET.gradients(X_INF, Y), ValueError,
     esc("X: contains 1 NaN or infinite value(s) (shape (4, 2))")),
    ("NaN in Y", lambda: NET.loss(X, Y_NAN), ValueError,
     esc("Y: contains 1 NaN or infinite value(s) (shape (4, 1))")),
    ("string X", lambda: NET.forward("data"), TypeError,
     esc("X: expected a 2-D numeric array, got str")),
    ("object X", lambda: NET.forward(np.array([[None, 1]], dtype=object)), TypeError,
     esc("X: expected a 2-D numeric array, got dtype object")),
    ("one-hot Y of the wrong width", lambda: SOFTMAX_NET.gradients(X, bp.one_hot([0, 1, 2, 3], 4)), ValueError,
     esc("Y: expected 3 columns, shape (m, 3), got shape (4, 4)")),
    ("Y outside [0, 1] for cross-entropy", lambda: SOFTMAX_NET.loss(X, Y_CE_BAD), ValueError,
     esc("Y: cross_entropy targets must lie in [0, 1], got values in [0, 2] (shape (4, 3))")),
    ("Y outside [0, 1] for binary cross-entropy",
     lambda: bp.MLP([2, 1], loss="binary_cross_entropy").gradients(X, Y - 1), ValueError,
     esc("Y: binary_cross_entropy targets must lie in [0, 1], got values in [-1, -1] (shape (4, 1))")),
    ("theta of the wrong length", lambda: NET.copy().set_params(np.zeros(12)), ValueError,
     esc("theta: expected shape (13,), got (12,)")),
    # ---------------------------------------------------------- the network's construction
    ("unknown hidden activation", lambda: bp.MLP([2, 1], hidden="sigmoidd"), ValueError,
     esc(f"hidden: unknown activation 'sigmoidd'; valid names are {VALID_ACTIVATIONS}")),
    ("unknown output activation", lambda: bp.MLP([2, 1], output="softplus"), ValueError,
     esc(f"output: unknown activation 'softplus'; valid names are {VALID_ACTIVATIONS}, 'softmax'")),
    ("unknown activation by name", lambda: bp.get_activation("swish"), ValueError,
     esc(f"activation: unknown name 'swish'; valid names are {VALID_ACTIVATIONS}")),
    ("unknown loss name", lambda: bp.MLP([2, 1], loss="hinge"), ValueError,
     esc(f"loss: unknown name 'hinge'; valid names are {VALID_LOSSES}")),
    ("unknown loss by name", lambda: bp.get_loss("l1"), ValueError,
     esc(f"loss: unknown name 'l1'; valid names are {VALID_LOSSES}")),
    ("cross-entropy with a sigmoid output", lambda: bp.MLP([2, 2], output="sigmoid", loss="cross_entropy"),
     ValueError, esc("loss: 'cross_entropy' needs output='softmax', got output='sigmoid'")),
    ("binary cross-entropy with a softmax output",
     lambda: bp.MLP([2, 2], output="softmax", loss="binary_cross_entropy"), ValueError,
     esc("loss: 'binary_cross_entropy' needs output='sigmoid', got output='softmax'")),
    ("softmax output with one unit", lambda: bp.MLP([2, 1], output="softmax"), ValueError,
     esc("sizes: a softmax output needs at least 2 units, got sizes=[2, 1]")),
    ("layer sizes too short", lambda: bp.MLP([3]), ValueError,
     esc("sizes: need at least 2 layer sizes (input and output), got [3]")),
    ("non-positive layer size", lambda: bp.MLP([2, 0, 1]), ValueError,
     esc("sizes: every size must be ≥ 1, got [2, 0, 1]")),
    ("negative layer size", lambda: bp.MLP([2, -3, 1]), ValueError,
     esc("sizes: every size must be ≥ 1, got [2, -3, 1]")),
    ("non-integer layer size", lambda: bp.MLP([2, 2.5, 1]), TypeError,
     esc("sizes: every size must be an integer, got [2, 2.5, 1]")),
    ("sizes not a sequence", lambda: bp.MLP(3), TypeError,
     esc("sizes: expected a sequence of layer sizes like [2, 3, 1], got 3")),
    ("negative l2", lambda: bp.MLP([2, 1], l2=-0.1), ValueError, esc("l2: must be a finite number ≥ 0, got -0.1")),
    ("float16 dtype", lambda: bp.MLP([2, 1], dtype=np.float16), ValueError,
     esc("dtype: expected float32 or float64, got float16")),
    ("unknown init", lambda: bp.MLP([2, 1], init="glorot"), ValueError,
     esc("init: unknown name 'glorot'; valid names are 'standard', 'xavier', 'he'")),
    ("non-positive init scale", lambda: bp.MLP([2, 1], init=0.0), ValueError,
     esc("init: expected one of 'standard', 'xavier', 'he' or a number > 0, got 0.0")),
    # ---------------------------------------------------------- one_hot
    ("label above the range", lambda: bp.one_hot([0, 3], 3), ValueError,
     esc("labels: must lie in 0 … 2 for n_classes=3, got values in [0, 3] (shape (2,))")),
    ("negative label", lambda: bp.one_hot([-1, 1], 3), ValueError,
     esc("labels: must lie in 0 … 2 for n_classes=3, got values in [-1, 1] (shape (2,))")),
    ("2-D labels", lambda: bp.one_hot([[0, 1]], 2), ValueError,
     esc("labels: expected a 1-D array of shape (m,), got shape (1, 2)")),
    ("zero classes", lambda: bp.one_hot([0], 0), ValueError, esc("n_classes: must be an integer ≥ 1, got 0")),
    # ---------------------------------------------------------- the four equations
    ("output_delta shapes", lambda: bp.output_delta(np.zeros((2, 3)), np.zeros((2, 2))), ValueError,
     esc("grad_a and df_z must have the same shape (m, n_L), got grad_a (2, 3) and df_z (2, 2)")),
    ("output_delta 1-D grad_a", lambda: bp.output_delta(np.zeros(3), np.zeros((1, 3))), ValueError,
     esc("grad_a: expected a 2-D array (a batch of rows), got shape (3,)")),
    ("hidden_delta W_next", lambda: bp.hidden_delta(np.zeros((5, 3)), np.zeros((2, 4)), np.zeros((5, 4))),
     ValueError, esc("W_next: expected shape (3, n_l) to match delta_next (5, 3), got W_next (2, 4)")),
    ("hidden_delta df_z", lambda: bp.hidden_delta(np.zeros((5, 3)), np.zeros((3, 4)), np.zeros((5, 3))),
     ValueError, esc("df_z: expected shape (5, 4) from delta_next (5, 3) and W_next (3, 4), got df_z (5, 3)")),
    ("hidden_delta df_z rows", lambda: bp.hidden_delta(np.zeros((5, 3)), np.zeros((3, 4)), np.zeros((4, 4))),
     ValueError, esc("df_z: expected shape (5, 4) from delta_next (5, 3) and W_next (3, 4), got df_z (4, 4)")),
    ("bias_gradient 1-D delta", lambda: bp.bias_gradient(np.zeros(3)), ValueError,
     esc("delta: expected a 2-D array (a batch of rows), got shape (3,)")),
    ("weight_gradient rows", lambda: bp.weight_gradient(np.zeros((4, 2)), np.zeros((3, 5))), ValueError,
     esc("delta and A_prev must have the same number of rows m, got delta (4, 2) and A_prev (3, 5)")),
    ("weight_gradient 1-D A_prev", lambda: bp.weight_gradient(np.zeros((4, 2)), np.zeros(4)), ValueError,
     esc("A_prev: expected a 2-D array (a batch of rows), got shape (4,)")),
    ("equation with text", lambda: bp.bias_gradient([["a", "b"]]), TypeError,
     r"delta: expected a 2-D numeric array, got dtype <U1"),
    # ---------------------------------------------------------- activations, losses, gradcheck, L2
    ("softmax 1-D", lambda: bp.softmax(np.zeros(3)), ValueError,
     esc("Z: expected a 2-D array of shape (m, n), got shape (3,)")),
    ("softmax_jacobian 2-D", lambda: bp.softmax_jacobian(np.zeros((1, 3))), ValueError,
     esc("z: expected a 1-D vector of logits of shape (k,), got shape (1, 3)")),
    ("softmax_backward shapes", lambda: bp.softmax_backward(np.zeros((2, 3)), np.zeros((2, 4))), ValueError,
     esc("A and G must have the same shape, got A (2, 3) and G (2, 4)")),
    ("loss shapes", lambda: bp.mse(np.zeros((2, 3)), np.zeros((2, 2))), ValueError,
     esc("Y_hat and Y must have the same shape, got Y_hat (2, 3) and Y (2, 2)")),
    ("loss 1-D", lambda: bp.mse_grad(np.zeros(3), np.zeros(3)), ValueError,
     esc("Y_hat: expected a 2-D array of shape (m, n), got shape (3,)")),
    ("cross_entropy targets", lambda: bp.cross_entropy(np.full((1, 2), 0.5), np.array([[-0.5, 1.5]])), ValueError,
     esc("Y: targets must lie in [0, 1], got values in [-0.5, 1.5] (shape (1, 2))")),
    ("zero eps", lambda: bp.numerical_gradient(np.sum, np.zeros(2), eps=0.0), ValueError,
     esc("eps: must be a finite number > 0, got 0.0")),
    ("negative eps", lambda: bp.numerical_gradient(np.sum, np.zeros(2), eps=-1e-6), ValueError,
     esc("eps: must be a finite number > 0, got -1e-06")),
    ("text eps", lambda: bp.numerical_gradient(np.sum, np.zeros(2), eps="small"), TypeError,
     esc("eps: expected a positive number, got 'small'")),
    ("NaN point", lambda: bp.numerical_gradient(np.sum, np.array([np.nan])), ValueError,
     esc("x: contains NaN or infinite values (shape (1,))")),
    ("relative_error sizes", lambda: bp.relative_error(np.zeros(3), np.zeros((2, 2))), ValueError,
     esc("a and b must have the same number of entries, got a (3,) and b (4,)")),
    ("l2_gradient shapes", lambda: bp.l2_gradient(np.zeros((2, 3)), np.zeros((3, 2)), 0.1), ValueError,
     esc("dW and W must have the same shape, got dW (2, 3) and W (3, 2)")),
    ("negative lam", lambda: bp.l2_penalty([np.zeros((2, 2))], -1.0), ValueError,
     esc("lam: must be a finite number ≥ 0, got -1.0")),
    # ---------------------------------------------------------- training
    ("zero learning rate", lambda: bp.train(NET.copy(), X, Y, lr=0.0, epochs=1), ValueError,
     esc("lr: must be a finite number > 0, got 0.0")),
    ("zero epochs", lambda: bp.train(NET.copy(), X, Y, lr=0.1, epochs=0), ValueError,
     esc("epochs: must be an integer ≥ 1, got 0")),
    ("zero batch size", lambda: bp.train(NET.copy(), X, Y, lr=0.1, epochs=1, batch_size=0), ValueError,
     esc("batch_size: must be an integer ≥ 1 or None, got 0")),
    ("training data of the wrong width", lambda: bp.train(NET.copy(), np.zeros((4, 3)), Y, lr=0.1, epochs=1),
     ValueError, esc("X: expected 2 columns, shape (m, 2), got shape (4, 3)")),
]


@pytest.mark.parametrize("call, error, pattern", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_rejected_with_a_precise_message(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()


def test_there_are_enough_bad_input_cases():
    assert len(CASES) >= 15


def test_rejected_calls_leave_the_network_unchanged():
    net = NET.copy()
    before = net.get_params()
    for call in (lambda: net.gradients(X, np.zeros((3, 1))), lambda: net.set_params(np.zeros(12))):
        with pytest.raises(ValueError):
            call()
    np.testing.assert_array_equal(net.get_params(), before)

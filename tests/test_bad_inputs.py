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
X0 = np.zeros((0, 2))
Y0 = np.zeros((0, 1))
EMPTY_X = esc("X: empty batch, expected at least one row (one example), got shape (0, 2)")
IDENTITY_NET = bp.MLP([2, 3, 1], hidden="identity", output="identity", seed=0)
INF_GRADS = ([np.zeros((3, 2)), np.zeros((1, 3))], [np.zeros(3), np.zeros(1)])
INF_GRADS[0][0][1, 1] = np.inf
NAN_GRADS = ([np.zeros((3, 2)), np.zeros((1, 3))], [np.zeros(3), np.array([np.nan])])
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
    # ---------------------------------------------------------- issue 13: an empty batch, one answer
    ("empty batch: loss", lambda: NET.loss(X0, Y0), ValueError, EMPTY_X),
    ("empty batch: gradients", lambda: NET.gradients(X0, Y0), ValueError, EMPTY_X),
    ("empty batch: forward", lambda: NET.forward(X0), ValueError, EMPTY_X),
    ("empty batch: train", lambda: bp.train(NET.copy(), X0, Y0, lr=0.1, epochs=1), ValueError, EMPTY_X),
    ("empty batch: minibatch_step", lambda: bp.minibatch_step(NET.copy(), X0, Y0, lr=0.1), ValueError, EMPTY_X),
    ("empty batch: engine", lambda: bp.engine_gradients(NET, X0, Y0), ValueError, EMPTY_X),
    ("empty batch: cross-entropy", lambda: bp.cross_entropy(np.zeros((0, 3)), np.zeros((0, 3))), ValueError,
     esc("Y_hat: empty batch, expected at least one row (one example), got shape (0, 3)")),
    ("empty batch: mse_grad", lambda: bp.mse_grad(np.zeros((0, 1)), np.zeros((0, 1))), ValueError,
     esc("Y_hat: empty batch, expected at least one row (one example), got shape (0, 1)")),
    ("empty batch: fused delta", lambda: bp.softmax_cross_entropy_delta(np.zeros((0, 3)), np.zeros((0, 3))),
     ValueError, esc("Y_hat: empty batch")),
    ("empty batch: bias_gradient", lambda: bp.bias_gradient(np.zeros((0, 3))), ValueError,
     esc("delta: empty batch, expected at least one row (one example), got shape (0, 3)")),
    ("empty batch: weight_gradient", lambda: bp.weight_gradient(np.zeros((0, 2)), np.zeros((0, 3))), ValueError,
     esc("delta: empty batch")),
    ("softmax of zero width", lambda: bp.softmax(np.zeros((2, 0))), ValueError,
     esc("Z: expected at least one column, got shape (2, 0)")),
    ("log_softmax of zero width", lambda: bp.log_softmax(np.zeros((2, 0))), ValueError,
     esc("Z: expected at least one column, got shape (2, 0)")),
    ("softmax_jacobian of no logits", lambda: bp.softmax_jacobian(np.zeros(0)), ValueError,
     esc("z: expected at least one logit, got shape (0,)")),
    # ---------------------------------------------------------- issue 13: hyper-parameters
    ("l2 as text", lambda: bp.MLP([2, 1], l2="0.1"), TypeError, esc("l2: expected a number ≥ 0, got '0.1'")),
    ("l2 None", lambda: bp.MLP([2, 1], l2=None), TypeError, esc("l2: expected a number ≥ 0, got None")),
    ("l2 infinite", lambda: bp.MLP([2, 1], l2=np.inf), ValueError, esc("l2: must be a finite number ≥ 0, got inf")),
    ("seed as text", lambda: bp.MLP([2, 1], seed="0"), TypeError,
     esc("seed: expected None or an integer ≥ 0, got '0'")),
    ("negative seed", lambda: bp.MLP([2, 1], seed=-1), ValueError,
     esc("seed: expected None or an integer ≥ 0, got -1")),
    ("fractional seed", lambda: bp.MLP([2, 1], seed=1.5), TypeError,
     esc("seed: expected None or an integer ≥ 0, got 1.5")),
    ("train seed as text", lambda: bp.train(NET.copy(), X, Y, lr=0.1, epochs=1, batch_size=2, seed="a"),
     TypeError, esc("seed: expected None or an integer ≥ 0, got 'a'")),
    ("unknown dtype name", lambda: bp.MLP([2, 1], dtype="float65"), ValueError,
     esc("dtype: expected float32 or float64 (a numpy dtype or its name), got 'float65'")),
    ("rng not a Generator", lambda: bp.MLP([2, 1], rng=np.random.RandomState(0)), TypeError,
     esc("rng: expected a numpy Generator such as np.random.default_rng(0) or None, got RandomState")),
    ("init=True", lambda: bp.MLP([2, 1], init=True), TypeError,
     esc("init: expected one of 'standard', 'xavier', 'he' or a number > 0, got bool True")),
    ("init None", lambda: bp.MLP([2, 1], init=None), TypeError,
     esc("init: expected one of 'standard', 'xavier', 'he' or a number > 0, got NoneType None")),
    ("lr as text", lambda: bp.train(NET.copy(), X, Y, lr="0.1", epochs=1), TypeError,
     esc("lr: expected a positive number, got '0.1'")),
    ("lr True", lambda: bp.train(NET.copy(), X, Y, lr=True, epochs=1), TypeError,
     esc("lr: expected a positive number, got True")),
    ("lr NaN", lambda: bp.train(NET.copy(), X, Y, lr=np.nan, epochs=1), ValueError,
     esc("lr: must be a finite number > 0, got nan")),
    ("negative lr", lambda: bp.minibatch_step(NET.copy(), X, Y, lr=-0.1), ValueError,
     esc("lr: must be a finite number > 0, got -0.1")),
    ("update with text lr", lambda: NET.copy().update(*NET.gradients(X, Y), lr="big"), TypeError,
     esc("lr: expected a positive number, got 'big'")),
    ("fractional batch size", lambda: bp.train(NET.copy(), X, Y, lr=0.1, epochs=1, batch_size=2.0), TypeError,
     esc("batch_size: must be an integer ≥ 1 or None, got 2.0")),
    ("shuffle as text", lambda: bp.train(NET.copy(), X, Y, lr=0.1, epochs=1, shuffle="no"), TypeError,
     esc("shuffle: expected True or False, got 'no'")),
    ("track callback not callable", lambda: bp.train(NET.copy(), X, Y, lr=0.1, epochs=1, track={"acc": 0.5}),
     TypeError, esc("track['acc']: expected a callable (a function), got float 0.5")),
    ("track not a dict", lambda: bp.train(NET.copy(), X, Y, lr=0.1, epochs=1, track=[len]), TypeError,
     esc("track: expected a dict of name -> callable(net), got list")),
    ("train on a non-network", lambda: bp.train([2, 3, 1], X, Y, lr=0.1, epochs=1), TypeError,
     esc("net: expected a bplib.MLP network, got list")),
    ("minibatch_step on a non-network", lambda: bp.minibatch_step("net", X, Y, lr=0.1), TypeError,
     esc("net: expected a bplib.MLP network, got str")),
    ("training_run on a non-network", lambda: bp.training_run(None, X, Y, lr=0.1, epochs=1), TypeError,
     esc("net: expected a bplib.MLP network, got NoneType")),
    ("gradient_norm on a non-network", lambda: bp.gradient_norm({}, X, Y), TypeError,
     esc("net: expected a bplib.MLP network, got dict")),
    ("engine on a non-network", lambda: bp.engine_gradients(3, X, Y), TypeError,
     esc("net: expected a bplib.MLP network, got int")),
    ("gradient check on a non-network", lambda: bp.check_network_gradient("net", X, Y), TypeError,
     esc("net: expected a bplib.MLP (or an object with get_params, loss_at and flat_gradients), got str")),
    ("layer gradient of a non-network", lambda: bp.numerical_layer_gradient(None, X, Y, 1), TypeError,
     esc("net: expected a bplib.MLP network, got NoneType")),
    ("f not callable", lambda: bp.numerical_gradient(3.0, np.zeros(2)), TypeError,
     esc("f: expected a callable (a function), got float 3.0")),
    ("check_gradient f not callable", lambda: bp.check_gradient("f", np.zeros(2), np.zeros(2)), TypeError,
     esc("f: expected a callable (a function), got str 'f'")),
    ("lam as text", lambda: bp.l2_gradient(np.zeros((2, 2)), np.zeros((2, 2)), "0.1"), TypeError,
     esc("lam: expected a number ≥ 0, got '0.1'")),
    ("leaky slope as text", lambda: bp.leaky_relu(np.zeros(2), slope="0.1"), TypeError,
     esc("slope: expected a finite number, got '0.1'")),
    ("minibatches rng not a Generator", lambda: bp.minibatches(4, 2, 0), TypeError,
     esc("rng: expected a numpy Generator such as np.random.default_rng(0) or None, got int")),
    # ---------------------------------------------------------- issue 13: parameters and gradients
    ("set_params with NaN", lambda: NET.copy().set_params(np.full(NET.n_params, np.nan)), ValueError,
     esc("theta: contains 13 NaN or infinite value(s) (shape (13,))")),
    ("set_params with inf", lambda: NET.copy().set_params(np.r_[np.inf, np.zeros(12)]), ValueError,
     esc("theta: contains 1 NaN or infinite value(s) (shape (13,))")),
    ("set_params with text", lambda: NET.copy().set_params(["a"] * 13), TypeError,
     r"theta: expected a numeric array, got dtype <U1"),
    ("update with inf gradient", lambda: NET.copy().update(*INF_GRADS, lr=0.1), ValueError,
     esc("dWs[0]: contains 1 NaN or infinite value(s) (shape (3, 2))")),
    ("update with a NaN bias gradient", lambda: NET.copy().update(NAN_GRADS[0], NAN_GRADS[1], lr=0.1), ValueError,
     esc("dbs[1]: contains 1 NaN or infinite value(s) (shape (1,))")),
    ("update with one array", lambda: NET.copy().update(np.zeros((3, 2)), [np.zeros(3), np.zeros(1)], lr=0.1),
     TypeError, esc("dWs: expected a list of 2 arrays, one per layer, got ndarray")),
    # ---------------------------------------------------------- issue 13: masked arrays, overflow
    ("masked X", lambda: NET.forward(np.ma.masked_array(X, mask=X > -1)), TypeError,
     esc("X: got a masked array with 8 masked value(s); bplib does not skip masked entries")),
    ("masked Z for softmax", lambda: bp.softmax(np.ma.masked_array([[1.0, 2.0]], mask=[[0, 1]])), TypeError,
     esc("Z: got a masked array with 1 masked value(s)")),
    ("masked z for an activation", lambda: bp.sigmoid(np.ma.masked_array([1.0, 2.0], mask=[0, 1])), TypeError,
     esc("z: got a masked array with 1 masked value(s)")),
    ("identity network on 1e200: gradients", lambda: IDENTITY_NET.gradients(np.full((2, 2), 1e200), np.zeros((2, 1))),
     ValueError, esc("X: the cost or its gradient overflows float64 (largest |X| 1e+200")),
    ("identity network on 1e200: loss", lambda: IDENTITY_NET.loss(np.full((2, 2), 1e200), np.zeros((2, 1))),
     ValueError, esc("X: the cost or its gradient overflows float64")),
    ("epochs as text", lambda: bp.train(NET.copy(), X, Y, lr=0.1, epochs="10"), TypeError,
     esc("epochs: must be an integer ≥ 1, got '10'")),
    ("fractional epochs", lambda: bp.train(NET.copy(), X, Y, lr=0.1, epochs=1.5), TypeError,
     esc("epochs: must be an integer ≥ 1, got 1.5")),
    ("complex X", lambda: NET.forward(np.zeros((4, 2), dtype=complex)), TypeError,
     esc("X: expected a 2-D numeric array, got dtype complex128")),
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


# ------------------------------------------------------------------ issue 13: what is accepted
def test_lists_and_integer_or_bool_arrays_are_accepted_and_converted_like_floats():
    X_list, Y_list = [[0, 1], [1, 0], [1, 1], [0, 0]], [[1], [1], [0], [0]]
    X_f, Y_f = np.array(X_list, float), np.array(Y_list, float)
    expected = NET.gradients(X_f, Y_f)
    for X_in, Y_in in ((X_list, Y_list), (np.array(X_list), np.array(Y_list)),
                       (np.array(X_list, bool), np.array(Y_list, bool))):
        got = NET.gradients(X_in, Y_in)
        assert bp.relative_error(got, expected) == 0.0
    assert bp.mse(Y_list, [[0.5]] * 4) == bp.mse(Y_f, np.full((4, 1), 0.5))
    np.testing.assert_array_equal(bp.sigmoid([0, 1]), bp.sigmoid(np.array([0.0, 1.0])))


def test_a_masked_array_without_masked_entries_is_plain_data():
    np.testing.assert_array_equal(NET.forward(np.ma.masked_array(X + 1.0)), NET.forward(X + 1.0))


def test_elementwise_activations_accept_empty_arrays_and_propagate_nan():
    # elementwise functions are numpy-like: any shape, empty included; NaN in, NaN out
    for act in bp.ACTIVATIONS.values():
        assert act.f(np.zeros((0, 3))).shape == (0, 3)
        assert np.isnan(act.f(np.array([np.nan]))).all()


def test_no_underflow_error_even_inside_errstate_raise():
    tiny = np.array([1e-200, -1e-200, 1e-310, -1e-310, 0.0, -800.0, 800.0])
    rows = np.array([[1e-200, -1e-200], [1e-300, 1e-310]])
    with np.errstate(all="raise"):
        for act in bp.ACTIVATIONS.values():
            act.f(tiny), act.df(tiny), act.df_from_output(act.f(tiny))
        assert bp.tanh_prime(np.array([1e-200]))[0] == 1.0
        assert -1e-300 < bp.leaky_relu(np.array([-1e-300]))[0] <= 0.0
        for hidden in bp.ACTIVATIONS:
            net = bp.MLP([2, 3, 1], hidden=hidden, seed=0)
            net.loss(rows, np.array([[1e-200], [0.0]]))
            net.gradients(rows, np.array([[1e-200], [0.0]]))
        small = np.full((1, 2), 1e-200)
        bp.output_delta(small, small)
        bp.hidden_delta(small, np.full((2, 2), 1e-200), small)
        bp.weight_gradient(small, small)
        bp.l2_gradient(small, small, 1e-200)
        bp.softmax_backward(bp.softmax(rows), np.full((2, 2), 1e-300))


def test_overflow_is_an_error_not_a_warning_and_leaves_the_network_alone():
    net = IDENTITY_NET.copy()
    before = net.get_params()
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning on the way to the ValueError
        with pytest.raises(ValueError, match="rescale X and Y"):
            net.gradients(np.full((2, 2), 1e200), np.zeros((2, 1)))
    np.testing.assert_array_equal(net.get_params(), before)
    # 1e100 squares to 1e200 at most: finite, so it is computed, not rejected
    assert np.isfinite(bp.flatten_params(*net.gradients(np.full((2, 2), 1e100), np.zeros((2, 1))))).all()


def test_rejected_set_params_and_update_leave_the_network_unchanged():
    net = NET.copy()
    before = net.get_params()
    for call in (lambda: net.set_params(np.r_[np.zeros(12), np.nan]),
                 lambda: net.update(*NAN_GRADS, lr=0.1),
                 lambda: net.update(*INF_GRADS, lr=0.1),
                 lambda: net.update(*net.gradients(X, Y), lr=-1.0)):
        with pytest.raises((ValueError, TypeError)):
            call()
    np.testing.assert_array_equal(net.get_params(), before)


def _snapshot(args):
    return [np.array(a, copy=True) if isinstance(a, np.ndarray) else
            [np.array(p, copy=True) for p in a] if isinstance(a, list) else a for a in args]


def _same(a, b):
    if isinstance(a, np.ndarray):
        np.testing.assert_array_equal(a, b)
    elif isinstance(a, list):
        for p, q in zip(a, b):
            np.testing.assert_array_equal(p, q)


def test_no_public_function_modifies_its_inputs():
    rng = np.random.default_rng(0)
    Xr, Yr = rng.normal(size=(5, 2)), rng.uniform(size=(5, 1))
    P = bp.softmax(rng.normal(size=(5, 3)))
    T = bp.one_hot([0, 1, 2, 0, 1], 3)
    Z = rng.normal(size=(5, 3))
    net = bp.MLP([2, 3, 1], hidden="tanh", seed=1)
    dWs, dbs = net.gradients(Xr, Yr)
    theta = net.get_params()
    labels = np.array([0, 1, 2, 0, 1])
    calls = [
        (net.forward, (Xr,)), (net.loss, (Xr, Yr)), (net.gradients, (Xr, Yr)),
        (net.copy().set_params, (theta,)), (net.copy().update, (dWs, dbs, 0.1)),
        (lambda X_, Y_: bp.train(net.copy(), X_, Y_, lr=0.1, epochs=2, batch_size=2), (Xr, Yr)),
        (lambda X_, Y_: bp.minibatch_step(net.copy(), X_, Y_, lr=0.1), (Xr, Yr)),
        (bp.engine_gradients, (net, Xr, Yr)),
        (bp.softmax, (Z,)), (bp.log_softmax, (Z,)), (bp.softmax_backward, (P, Z)),
        (bp.softmax_jacobian, (Z[0],)),
        (bp.mse, (P, T)), (bp.mse_grad, (P, T)), (bp.cross_entropy, (P, T)), (bp.cross_entropy_grad, (P, T)),
        (bp.binary_cross_entropy, (P, T)), (bp.binary_cross_entropy_grad, (P, T)),
        (bp.cross_entropy_from_logits, (Z, T)), (bp.binary_cross_entropy_from_logits, (Z, T)),
        (bp.softmax_cross_entropy_delta, (P, T)), (bp.sigmoid_binary_cross_entropy_delta, (P, T)),
        (bp.one_hot, (labels, 3)),
        (bp.output_delta, (Z, P)), (bp.hidden_delta, (Z, rng.normal(size=(3, 4)), rng.normal(size=(5, 4)))),
        (bp.bias_gradient, (Z,)), (bp.weight_gradient, (Z, Xr)),
        (bp.l2_gradient, (dWs[0], net.weights[0], 0.1)), (bp.l2_penalty, (net.weights, 0.1)),
        (bp.numerical_gradient, (lambda v: float(np.sum(v ** 2)), Z)),
        (bp.check_gradient, (lambda v: float(np.sum(v ** 2)), Z, 2 * Z)),
        (bp.relative_error, (dWs, dWs)), (bp.flatten_params, (dWs, dbs)),
    ] + [(fn, (Z,)) for act in bp.ACTIVATIONS.values() for fn in (act.f, act.df, act.df_from_output)]
    params_before = net.get_params()
    for fn, args in calls:
        before = _snapshot(args)
        fn(*args)
        for a, b in zip(args, before):
            _same(a, b)
    np.testing.assert_array_equal(net.get_params(), params_before)


@pytest.mark.parametrize("call", [
    lambda X: bp.MLP([2, 3, 1], seed=0).forward(X),
    lambda X: bp.conv2d(X, np.ones((1, 1, 1, 1)), np.zeros(1)),
    lambda X: bp.batch_norm(X, np.ones(2), np.zeros(2)),
], ids=["MLP.forward", "conv2d", "batch_norm"])
def test_a_ragged_list_is_named_not_a_numpy_error(call):
    with pytest.raises(ValueError, match=r"^X: expected .*ragged"):
        call([[1.0, 2.0], [3.0]])

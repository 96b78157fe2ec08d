"""Bad input to the Part V modules (tensor engine, convolutions, recurrent networks, normalisation,
residual networks, attention, memory, tensor tools) is answered as the "Input handling" table of
the bplib package docstring says: a ValueError or TypeError whose message names the argument the
caller passed; never a numpy error from inside, never a silent broadcast.  The cases below are the
ones that were answered otherwise before issue 13's Part V sweep.
"""
import importlib

import numpy as np
import pytest

import bplib as bp
from bplib import tensor as T

cnn = importlib.import_module("bplib.cnn")
rec = importlib.import_module("bplib.recurrent")
seq = importlib.import_module("bplib.sequences")
norm = importlib.import_module("bplib.normalisation")
res = importlib.import_module("bplib.residual")
tt = importlib.import_module("bplib.tensor_tools")
conv = importlib.import_module("bplib.conv")

RNG = np.random.default_rng(0)
X23, Y23 = RNG.normal(size=(2, 3)), RNG.normal(size=(2, 3))
P23 = np.full((2, 3), 1 / 3)


def _raises(exc, name, fn):
    """``fn()`` raises ``exc`` and the message starts with the argument's name."""
    with pytest.raises(exc) as info:
        fn()
    assert str(info.value).startswith(f"{name}:") or str(info.value).startswith(f"{name} "), str(info.value)
    return str(info.value)


# ============================================================================ tensor.py: the VJPs
# an upstream gradient g that is not of the forward output's shape: numpy broadcast it silently or
# failed deep inside ("cannot reshape", "operands could not be broadcast", gufunc messages)
WRONG_G = {
    "add_vjp": lambda g: T.add_vjp(g, (2, 3), (3,)),
    "mul_vjp": lambda g: T.mul_vjp(g, X23, Y23),
    "pow_vjp": lambda g: T.pow_vjp(g, X23, 2.0),
    "elementwise_vjp": lambda g: T.elementwise_vjp(g, "tanh", X23),
    "relu_vjp": lambda g: T.relu_vjp(g, X23),
    "max_vjp": lambda g: T.max_vjp(g, X23, X23.max(axis=1), (1,), False),
    "where_vjp": lambda g: T.where_vjp(g, X23 > 0, (2, 3), ()),
    "matmul_vjp": lambda g: T.matmul_vjp(g, X23, np.ones((3, 4))),
    "index_vjp": lambda g: T.index_vjp(g, (2,), np.array([0, 1, 0])),
    "sum_vjp": lambda g: T.sum_vjp(g, (2, 3), (1,), False),
    "log_softmax_vjp": lambda g: T.log_softmax_vjp(g, np.log(P23), -1),
    "cross_entropy_vjp": lambda g: T.cross_entropy_vjp(g, P23, np.eye(3)[:2]),
}


@pytest.mark.parametrize("name", sorted(WRONG_G))
def test_vjp_rejects_upstream_gradient_that_would_broadcast(name):
    # (1, 1, 1, ...) broadcasts against every output: before the check most VJPs accepted it
    msg = _raises(ValueError, "g", lambda: WRONG_G[name](np.ones((1, 1, 1))))
    assert "got shape (1, 1, 1)" in msg


@pytest.mark.parametrize("name", sorted(WRONG_G))
def test_vjp_rejects_upstream_gradient_of_wrong_size(name):
    msg = _raises(ValueError, "g", lambda: WRONG_G[name](np.ones((4, 5))))
    assert "(4, 5)" in msg


@pytest.mark.parametrize("name", sorted(WRONG_G))
@pytest.mark.parametrize("bad", [None, "g", np.array([object()])], ids=["None", "str", "object"])
def test_vjp_rejects_upstream_gradient_of_wrong_type(name, bad):
    _raises(TypeError, "g", lambda: WRONG_G[name](bad))


def test_vjp_upstream_gradient_as_list_is_accepted():
    gx, gy = T.add_vjp(np.ones((2, 3)).tolist(), (2, 3), (3,))
    assert gy.tolist() == [2.0, 2.0, 2.0] and gx.shape == (2, 3)
    gx, gy = T.matmul_vjp(np.ones((2, 4)), X23.tolist(), np.ones((3, 4)).tolist())
    assert gx.shape == (2, 3) and gy.shape == (3, 4)


def test_shape_only_vjps_reject_upstream_gradient_that_does_not_fit():
    assert "3 axes" in _raises(ValueError, "g", lambda: T.transpose_vjp(np.ones((2, 3)), (1, 2, 0)))
    assert "6 entries" in _raises(ValueError, "g", lambda: T.reshape_vjp(np.ones(5), (2, 3)))
    # a gradient one column short would be cut into pieces of the wrong sizes without a word
    assert "5 entries along axis 1" in _raises(ValueError, "g",
                                               lambda: T.concatenate_vjp(np.ones((2, 4)), (2, 3), 1))


def test_vjp_hyper_parameters_of_wrong_type():
    _raises(TypeError, "p", lambda: T.pow_vjp(np.ones((2, 3)), X23, "2"))
    _raises(TypeError, "p", lambda: T.pow_vjp(np.ones((2, 3)), X23, True))
    _raises(ValueError, "name", lambda: T.elementwise_vjp(np.ones((2, 3)), "cos", X23))
    _raises(TypeError, "shape", lambda: T.unbroadcast(np.ones((2, 3)), 3))
    _raises(TypeError, "g", lambda: T.unbroadcast("abc", (3,)))
    _raises(TypeError, "g", lambda: T.unbroadcast(None, (3,)))
    _raises(ValueError, "p and Y", lambda: T.cross_entropy_vjp(np.array(1.0), P23, np.eye(3)))


def test_vjps_unchanged_on_good_input():
    g = RNG.normal(size=(2, 3))
    gx, gy = T.mul_vjp(g, X23, Y23)
    assert np.array_equal(gx, g * Y23) and np.array_equal(gy, g * X23)
    (gx,) = T.sum_vjp(np.array([1.0, 2.0]), (2, 3), (1,), False)
    assert gx.tolist() == [[1.0] * 3, [2.0] * 3]
    (gx,) = T.sum_vjp(np.array(2.0), (2, 3), (0, 1), False)
    assert np.array_equal(gx, np.full((2, 3), 2.0))
    (gx,) = T.sum_vjp(np.ones((1, 1)), (2, 3), (0, 1), True)
    assert gx.shape == (2, 3)


# ============================================================================ tensor.py: Tensor(...)
def test_tensor_rejects_masked_and_ragged_values():
    assert "masked" in _raises(TypeError, "value", lambda: T.Tensor(np.ma.masked_array([1.0, 2.0], mask=[1, 0])))
    assert "ragged" in _raises(ValueError, "value", lambda: T.Tensor([[1.0, 2.0], [3.0]]))
    assert T.Tensor(np.ma.masked_array([1.0, 2.0], mask=[0, 0])).value.tolist() == [1.0, 2.0]


# ============================================================================ conv.py, cnn.py
def test_conv_and_pool_reject_an_empty_batch():
    W, b = RNG.normal(size=(3, 1, 3, 3)), np.zeros(3)
    assert "empty batch" in _raises(ValueError, "X", lambda: conv.conv2d(np.ones((0, 1, 5, 5)), W, b))
    assert "empty batch" in _raises(ValueError, "X", lambda: conv.max_pool2d(np.ones((0, 1, 4, 4)), 2))


@pytest.mark.parametrize("slip", ["kernel_grad_overwritten", "kernel_grad_transposed_im2col"])
def test_cnn_slips_check_dY_like_the_real_gradients(slip):
    X, W = np.ones((2, 1, 5, 5)), np.ones((3, 1, 3, 3))
    msg = _raises(ValueError, "dY", lambda: getattr(cnn, slip)(np.ones((2, 3, 2, 3)), X, W))
    assert "(2, 3, 3, 3)" in msg


def test_small_cnn_bad_inputs():
    net = cnn.SmallCNN(seed=0)
    X, Y = RNG.random((3, 64)), np.eye(10)[[0, 1, 2]]
    masked = np.ma.masked_array(X, mask=X > 0.9)
    _raises(TypeError, "X", lambda: net.loss(masked, Y))
    before = net.get_params()
    _raises(ValueError, "theta", lambda: net.set_params(before * np.nan))
    assert np.array_equal(net.get_params(), before)
    _raises(TypeError, "seed", lambda: cnn.SmallCNN(seed="a"))
    _raises(TypeError, "net", lambda: cnn.train_cnn("net", X, Y))
    _raises(TypeError, "rows", lambda: cnn.shift_images(X, rows=1.5))
    _raises(TypeError, "cols", lambda: cnn.shift_images(X, cols=True))


# ============================================================================ recurrent.py, sequences.py
M, TT, N_IN, N_H = 2, 4, 3, 5
XR = RNG.normal(size=(M, TT, N_IN))
RNN_ARGS = (np.zeros((M, N_H)), RNG.normal(size=(N_H, N_IN)), 0.5 * RNG.normal(size=(N_H, N_H)), np.zeros(N_H))


def test_rnn_rejects_masked_and_empty_input():
    masked = np.ma.masked_array(XR, mask=XR > 1)
    assert "masked" in _raises(TypeError, "X", lambda: rec.rnn(masked, *RNN_ARGS))
    assert "empty batch" in _raises(ValueError, "X", lambda: rec.rnn(XR[:0], np.zeros((0, N_H)), *RNN_ARGS[1:]))


def test_rnn_counts_of_wrong_type_are_count_type_errors():
    H = rec.rnn(XR, *RNN_ARGS)
    _raises(bp.CountTypeError if hasattr(bp, "CountTypeError") else TypeError, "t, T",
            lambda: rec.rnn_states_jacobian(H, RNN_ARGS[0], RNN_ARGS[2], True))
    _raises(TypeError, "chunk", lambda: rec.truncated_rnn_backward(np.ones((M, TT, N_H)), XR, *RNN_ARGS, chunk=2.0))
    _raises(ValueError, "t, T", lambda: rec.rnn_states_jacobian(H, RNN_ARGS[0], RNN_ARGS[2], 99))


def test_clip_by_norm_bad_inputs():
    _raises(TypeError, "max_norm", lambda: rec.clip_by_norm([np.ones(3)], "1"))
    _raises(TypeError, "max_norm", lambda: rec.clip_by_norm([np.ones(3)], True))
    _raises(TypeError, "grads[0]", lambda: rec.clip_by_norm(["a"], 1.0))
    _raises(ValueError, "grads[1]", lambda: rec.clip_by_norm([np.ones(2), np.array([np.nan])], 1.0))
    clipped, n = rec.clip_by_norm([[3.0], [[4]]], 1.0)  # lists accepted
    assert n == 5.0 and clipped[1].tolist() == [[0.8]]


def test_sequence_model_bad_inputs():
    p = seq.init_sequence_model("rnn", 2, 3, 2)
    X, Y = RNG.normal(size=(4, 5, 2)), np.eye(2)[[0, 1, 0, 1]]
    assert "rows" in _raises(ValueError, "Y", lambda: seq.sequence_model_gradients("rnn", p, X, Y[:2]))
    _raises(ValueError, "X", lambda: seq.sequence_model_gradients("rnn", p, X * np.nan, Y))
    _raises(TypeError, "X", lambda: seq.sequence_model_predict("rnn", p, np.ma.masked_array(X, mask=X > 1)))
    _raises(ValueError, "W", lambda: seq.spectral_radius(np.full((2, 2), np.nan)))


# ============================================================================ normalisation.py
@pytest.mark.parametrize("fn", ["batch_norm_backward", "batch_norm_backward_graph", "layer_norm_backward"])
def test_norm_backward_dY_none_is_named(fn):
    X = RNG.normal(size=(4, 3))
    _raises(TypeError, "dY", lambda: getattr(norm, fn)(None, X, np.ones(3), np.zeros(3)))


def test_norm_gamma_masked():
    X = RNG.normal(size=(4, 3))
    gamma = np.ma.masked_array(np.ones(3), mask=[1, 0, 0])
    _raises(TypeError, "gamma", lambda: norm.batch_norm(X, gamma, np.zeros(3)))


# ============================================================================ residual.py
def test_residual_mlp_bad_inputs():
    _raises(TypeError, "n_blocks", lambda: res.ResidualMLP(3, 4, True, 2))
    _raises(TypeError, "skip", lambda: res.ResidualMLP(3, 4, 1, 2, skip="no"))
    net = res.ResidualMLP(3, 4, 1, 2, norm="batch")
    X, Y = RNG.normal(size=(5, 3)), np.eye(2)[[0, 1, 0, 1, 0]]
    grads = net.gradients(X, Y)
    before = net.get_params()
    _raises(TypeError, "lr", lambda: net.update(grads, "0.1"))
    _raises(TypeError, "grads", lambda: net.update(None, 0.1))
    bad = dict(grads, W=[g * np.nan for g in grads["W"]])
    _raises(ValueError, "grads['W'][0]", lambda: net.update(bad, 0.1))
    bad = dict(grads, gamma=grads["gamma"][:1])
    _raises(ValueError, "grads['gamma']", lambda: net.update(bad, 0.1))
    _raises(ValueError, "theta", lambda: net.set_params(before * np.nan))
    assert np.array_equal(net.get_params(), before)  # a rejected call leaves the network unchanged
    net.update(grads, 0.1)
    assert not np.array_equal(net.get_params(), before)


# ============================================================================ tensor_tools.py
def test_tensor_tools_bad_inputs():
    # g broadcast against f's output gave a relative error for a different problem
    _raises(ValueError, "g", lambda: tt.check_vjp(lambda a, b: a * b, [X23, Y23], np.ones((1, 3)),
                                                  (np.ones((2, 3)), np.ones((2, 3)))))
    _raises(TypeError, "f", lambda: tt.check_vjp(None, [X23], X23, (X23,)))
    _raises(TypeError, "arrays[0]", lambda: tt.tensor_numerical_gradients(lambda a: a.sum(), ["1.5"]))
    _raises(ValueError, "arrays[0]", lambda: tt.tensor_numerical_gradients(lambda a: a.sum(), [[np.nan]]))
    _raises(TypeError, "f", lambda: tt.check_tensor_function(5, [X23]))
    _raises(TypeError, "seed", lambda: tt.tensor_mlp_params([2, 3], "a"))
    _raises(TypeError, "net", lambda: tt.mlp_cost_tensor("net", X23, Y23))
    _raises(TypeError, "net", lambda: tt.tensor_gradients(None, X23, Y23))


# ============================================================================ memory.py, retrieval.py
def test_memory_bad_inputs():
    mem = importlib.import_module("bplib.memory")
    Ws, bs = tt.tensor_mlp_params([3, 4, 2], 0)
    X, Y = np.ones((2, 3)), np.eye(2)
    _raises(TypeError, "graph", lambda: mem.saved_bytes(None))
    assert "2 and 1" in _raises(ValueError, "Ws, bs", lambda: mem.mlp_cost_checkpointed(Ws, bs[:1], X, Y))
    _raises(TypeError, "Ws", lambda: mem.mlp_cost_checkpointed([W.value for W in Ws], bs, X, Y))
    _raises(TypeError, "net_or_params", lambda: mem.layer_memory("net", X, Y))


def test_retrieval_bad_inputs():
    rt = importlib.import_module("bplib.retrieval")
    _raises(TypeError, "scale", lambda: rt.RetrievalModel.create(scale="yes"))
    _raises(TypeError, "task", lambda: rt.RetrievalModel.create(seed=0).loss("task"))


def test_tensor_sequences_of_wrong_type_are_named():
    _raises(TypeError, "tensors", lambda: T.concatenate(5))
    _raises(TypeError, "tensors", lambda: T.stack(T.Tensor(X23)))
    _raises(TypeError, "parents", lambda: T.Tensor.from_vjp(np.ones(2), 5, lambda g: (g,)))


def test_answer_checkers_answer_nonsense_with_a_hint():
    rx = importlib.import_module("bplib.residual_experiments")
    result = rx.check_bn_input_gradient([np.nan] * 3)
    assert not result.ok and "finite" in result.message
    msg = cnn.check_correlate1d_gradients("a", "b", np.ones(3), np.ones(5), np.ones(3))
    assert msg.startswith("Not yet") and "arrays of numbers" in msg


def test_sequence_model_cell_and_params_are_named():
    p = seq.init_sequence_model("rnn", 2, 3, 2)
    X = np.ones((2, 3, 2))
    _raises(ValueError, "cell", lambda: seq.sequence_model_predict("gru", p, X))
    _raises(TypeError, "params", lambda: seq.sequence_model_predict("rnn", {}, X))

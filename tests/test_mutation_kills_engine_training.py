"""Tests written for mutants of bplib.engine and bplib.training (chapters 04, 06 and 10) that the
other tests let survive (issue 13).

Each test states a property a reader of the book relies on; the mutant it was written for is
named in its docstring.  Run the mutation study with ``tests/mutation/run.sh``.
"""
import types

import numpy as np
import pytest

import bplib as bp
from bplib.engine import Value

INF = float("inf")


# ------------------------------------------------------------------ Value: operations and nodes
def _one_of_each(x, y):
    return {"add": x + y, "sub": x - y, "mul": x * y, "div": x / y, "neg": -x, "pow": x ** 2,
            "exp": x.exp(), "log": x.log(), "tanh": x.tanh(), "sigmoid": x.sigmoid(),
            "relu": x.relu(), "leaky_relu": x.leaky_relu(), "identity": x.identity()}


def test_every_operation_names_its_node_and_is_counted_under_that_name():
    """engine.Value: the op names ("sub", "neg", "pow", "exp", "log", "tanh", "sigmoid", "relu",
    "leaky_relu", "identity") that chapter 10 counts per kind and prints under each node."""
    with bp.count_operations() as ops:
        nodes = _one_of_each(Value(2.0), Value(3.0))
        constant = Value(2.0) - 1.0
    assert {name: node.op for name, node in nodes.items()} == {name: name for name in nodes}
    assert constant.op == "sub"
    assert dict(ops.forward) == {**{name: 1 for name in nodes}, "sub": 2}


def test_a_leaf_has_no_operation_and_prints_its_label_only_if_it_has_one():
    """engine.Value.__init__ (defaults op="" and label="", label=str(label)) and Value.__repr__."""
    leaf, named = Value(2.0), Value(2.5, label="w1")
    assert leaf.op == "" and leaf.label == "" and named.label == "w1"
    assert repr(leaf) == "Value(data=2, grad=0)"
    assert repr(named) == "Value(data=2.5, grad=0, label='w1')"
    assert [v.label or v.op for v in bp.topological_order(named * leaf)] == ["w1", "", "mul"]


def test_operation_counter_prints_both_counts():
    """engine.OperationCounter.__repr__: what a notebook shows for `ops`."""
    with bp.count_operations() as ops:
        w = Value(2.0)
        (w * 3.0).backward()
    assert repr(ops) == "OperationCounter(forward={'mul': 1}, backward={'mul': 1})"


def test_a_bad_operand_is_named_after_its_operation():
    """engine.Value._binary/__sub__/__truediv__/__pow__/leaky_relu/__init__: the argument names
    ("add operand", "sub operand", "div operand", "exponent", "slope", "local_grads")."""
    x = Value(1.0)
    for op, make in (("add", lambda: x + INF), ("sub", lambda: x - INF), ("mul", lambda: x * INF),
                     ("div", lambda: x / INF)):
        with pytest.raises(ValueError, match=rf"^{op} operand: expected a finite number, got inf$"):
            make()
    with pytest.raises(ValueError, match=r"^exponent: expected a finite number, got inf$"):
        x ** INF
    with pytest.raises(ValueError, match=r"^slope: expected a finite number, got nan$"):
        x.leaky_relu(slope=float("nan"))
    with pytest.raises(ValueError, match=r"^local_grads: expected a finite number, got inf$"):
        Value(1.0, parents=(x,), local_grads=(INF,))
    with pytest.raises(TypeError, match=r"^pow: the exponent must be a number, not a Value "
                                        r"\(write exp\(y \* log\(x\)\) for a variable exponent\)$"):
        x ** Value(2.0)


@pytest.mark.parametrize("base,p,value,slope", [
    (0.0, 0, 1.0, 0.0),      # x⁰ = 1 is a constant, even at 0
    (3.0, 0, 1.0, 0.0),
    (0.0, 1, 0.0, 1.0),      # x¹ = x
    (2.0, 1, 2.0, 1.0),
    (0.0, 1.5, 0.0, 0.0),    # 1.5 x^0.5 → 0
    (0.0, 2, 0.0, 0.0),
    (-2.0, 3, -8.0, 12.0),   # a negative base with an integer exponent
])
def test_powers_have_the_calculus_derivative_including_at_zero(base, p, value, slope):
    """engine.Value.__pow__: 0 ** p allowed for p = 0 and p ≥ 1 (p < 1, p != 0), d(x^0)/dx = 0
    (not 1, no 0 ** -1), d(x^1)/dx = 1, and the node's value."""
    x = Value(base)
    y = x ** p
    y.backward()
    assert y.data == value and x.grad == slope


def test_powers_without_a_finite_derivative_say_why():
    """engine.Value.__pow__: base < 0 (not ≤ 0) needs an integer exponent; 0 ** p for 0 < p < 1
    or p < 0 has no finite derivative."""
    for p in (0.5, -1):
        with pytest.raises(ValueError, match=rf"^pow: 0 \*\* {float(p)!r} has no finite deriv"):
            Value(0.0) ** p
    with pytest.raises(ValueError, match=r"^pow: a negative base -2 needs an integer exponent"):
        Value(-2.0) ** 0.5


def test_log_of_zero_is_rejected_by_the_engine_not_by_math():
    """engine.Value.log: x <= 0 (not < 0) is rejected with the engine's message."""
    with pytest.raises(ValueError, match=r"^log: argument must be > 0, got 0$"):
        Value(0.0).log()


# ------------------------------------------------------------------ an MLP as a graph
def test_cost_graph_leaves_are_named_like_the_book_weights():
    """engine.mlp_cost_graph: labels w{l}_{jk} and b{l}_{j} with l counted from 1."""
    net = bp.MLP([2, 3, 1], seed=0)
    _, W, b = bp.mlp_cost_graph(net, np.array([[0.5, -1.0]]), np.array([[1.0]]))
    assert [W[0][2][1].label, W[1][0][2].label] == ["w1_21", "w2_02"]
    assert [b[0][2].label, b[1][0].label] == ["b1_2", "b2_0"]
    assert W[1][0][2].data == net.weights[1][0, 2] and b[0][2].data == net.biases[0][2]


def test_cost_graph_has_one_mul_per_weight_product_for_one_hot_targets():
    """engine.mlp_cost_graph: a one-hot target term is log Σe^z − z_j, without a product by y_j
    (yj == 1.0), so counted_multiply_adds counts only the weight products."""
    net = bp.MLP([3, 4, 2], output="softmax", loss="cross_entropy", seed=0)
    X = np.arange(15.0).reshape(5, 3) / 10
    Y = np.eye(2)[[0, 1, 1, 0, 1]]
    counted = bp.counted_multiply_adds(net, X, Y)
    assert counted["forward"] == bp.forward_multiply_adds([3, 4, 2], 5) == 100
    dWs, dbs = bp.engine_gradients(net, X, Y)
    dWs_matrix, dbs_matrix = net.gradients(X, Y)
    assert bp.relative_error(dWs + dbs, list(dWs_matrix) + list(dbs_matrix)) < 1e-12


def test_engine_names_the_wrong_argument():
    """engine._check_batch / mlp_cost_graph: the names X and Y, Y's width checked (cols), and the
    list of supported outputs."""
    net = bp.MLP([2, 2, 2], seed=0)
    with pytest.raises(ValueError, match=r"^X: expected 2 columns, shape \(m, 2\), got shape"):
        bp.engine_gradients(net, np.zeros((1, 3)), np.zeros((1, 2)))
    with pytest.raises(ValueError, match=r"^Y: expected 2 columns, shape \(m, 2\), got shape"):
        bp.engine_gradients(net, np.zeros((1, 2)), np.zeros((1, 3)))
    with pytest.raises(TypeError, match=r"^Y: expected a 2-D numeric array, got str$"):
        bp.engine_gradients(net, np.zeros((1, 2)), "Y")
    softmax_mse = bp.MLP([2, 2, 2], output="softmax", loss="mse", seed=0)
    with pytest.raises(ValueError, match=r"^net: with loss 'mse' the output must be one of "
                                         r"sigmoid, tanh, relu, leaky_relu, identity, got "
                                         r"'softmax'$"):
        bp.engine_gradients(softmax_mse, np.zeros((1, 2)), np.zeros((1, 2)))


# ------------------------------------------------------------------ network_adjoints (chapter 10)
X_ONE = np.array([[0.5, -1.0, 2.0]])
Y_ONE = np.array([[1.0, 0.25]])


def test_network_adjoints_are_the_matrix_forward_and_backward_pass():
    """engine.network_adjoints: every entry of the dict (a, z, a_bar, delta, local, weights, y,
    cost) for a network with two hidden layers (hidden ≠ output activation), y ≠ 0."""
    net = bp.MLP([3, 4, 3, 2], hidden="tanh", output="sigmoid", loss="mse", seed=1)
    g = bp.network_adjoints(net, X_ONE, Y_ONE)
    Zs, As = net.forward_pass(X_ONE)
    _, dbs = net.gradients(X_ONE, Y_ONE)
    assert sorted(g) == ["a", "a_bar", "cost", "delta", "local", "weights", "y", "z"]
    close = dict(rtol=1e-12, atol=1e-15)
    assert len(g["a"]) == 4
    assert len(g["z"]) == len(g["a_bar"]) == len(g["delta"]) == len(g["local"]) == 3
    for l in range(4):
        np.testing.assert_allclose(g["a"][l], As[l][0], **close)
    for l in range(3):
        np.testing.assert_allclose(g["z"][l], Zs[l][0], **close)
        np.testing.assert_allclose(g["delta"][l], dbs[l], **close)                  # δ^l = ∂C/∂b^l
        f = bp.ACTIVATIONS["tanh" if l < 2 else "sigmoid"]
        np.testing.assert_allclose(g["local"][l], f.df(Zs[l])[0], **close)
        np.testing.assert_allclose(g["a_bar"][l] * g["local"][l], g["delta"][l], **close)
    for l in range(2):
        np.testing.assert_allclose(g["a_bar"][l], net.weights[l + 1].T @ g["delta"][l + 1], **close)
    np.testing.assert_allclose(g["a_bar"][2], As[3][0] - Y_ONE[0], **close)        # ½‖a − y‖²
    assert g["cost"] == pytest.approx(0.5 * np.sum((As[3][0] - Y_ONE[0]) ** 2), rel=1e-13)
    assert g["cost"] == pytest.approx(net.loss(X_ONE, Y_ONE), rel=1e-13)
    np.testing.assert_array_equal(g["y"], Y_ONE[0])
    assert all(np.array_equal(W, Wn) and W is not Wn for W, Wn in zip(g["weights"], net.weights))


def test_network_adjoints_reject_what_the_figure_cannot_draw():
    """engine.network_adjoints: a non-network (TypeError, checked first), loss other than "mse",
    an output the engine lacks (named, with the list), more than one example (n_0 in the
    message)."""
    with pytest.raises(TypeError, match=r"^net: expected a bplib.MLP network, got str$"):
        bp.network_adjoints("net", X_ONE, Y_ONE)
    ce = bp.MLP([3, 2], output="softmax", loss="cross_entropy", seed=0)
    with pytest.raises(ValueError, match=r"^net: network_adjoints draws the squared-error cost, "
                                         r"expected loss 'mse', got 'cross_entropy'$"):
        bp.network_adjoints(ce, X_ONE, Y_ONE)
    with pytest.raises(ValueError, match=r"^net: expected l2 = 0, got l2=0.1$"):
        bp.network_adjoints(bp.MLP([3, 2], output="sigmoid", l2=0.1, seed=0), X_ONE, Y_ONE)
    softmax = bp.MLP([3, 2], output="softmax", loss="mse", seed=0)
    with pytest.raises(ValueError, match=r"^net: unsupported output activation 'softmax'; "
                                         r"the engine knows sigmoid, tanh, relu, leaky_relu, "
                                         r"identity$"):
        bp.network_adjoints(softmax, X_ONE, Y_ONE)
    net = bp.MLP([3, 5, 2], output="sigmoid", seed=0)
    with pytest.raises(ValueError, match=r"^X: expected one example, shape \(1, 3\), got shape "
                                         r"\(2, 3\)$"):
        bp.network_adjoints(net, np.vstack([X_ONE, X_ONE]), np.vstack([Y_ONE, Y_ONE]))
    with pytest.raises(ValueError, match=r"^Y: expected 2 columns"):
        bp.network_adjoints(net, X_ONE, np.ones((1, 3)))


# ------------------------------------------------------------------ training_run (chapter 06)
def _losses_of_train(net, **kwargs):
    X, Y = bp.xor()
    return bp.train(net.copy(), X, Y, lr=0.5, epochs=3, **kwargs).loss


def test_training_run_trains_exactly_as_train_does():
    """training.training_run: batch_size, seed (default 0) and shuffle (default True) passed on."""
    X, Y = bp.xor()
    net = bp.MLP([2, 3, 1], seed=0)
    for kwargs in ({"batch_size": 2}, {"batch_size": 2, "seed": 1},
                   {"batch_size": 2, "shuffle": False},
                   {"batch_size": 1, "seed": 0, "shuffle": True}):
        run = bp.training_run(net, X, Y, lr=0.5, epochs=3, **kwargs)
        assert run.history.loss == _losses_of_train(net, **kwargs), kwargs
    assert len(set(map(tuple, [_losses_of_train(net, batch_size=2, seed=s, shuffle=sh)
                                for s, sh in ((0, True), (1, True), (0, False))]))) == 3


def test_training_run_reports_epochs_updates_and_first_and_last_cost():
    """training.training_run: the message "E epochs, U updates: cost C0 → C_end", diverged False."""
    X, Y = bp.xor()
    net = bp.MLP([2, 3, 1], seed=0)
    run = bp.training_run(net, X, Y, lr=0.5, epochs=3, batch_size=2)
    loss = run.history.loss
    assert len({bp.format_cost(c) for c in loss}) == 4          # every epoch prints differently
    first, last = bp.format_cost(loss[0]), bp.format_cost(loss[3])
    assert run.message == f"3 epochs, 6 updates: cost {first} → {last}"
    assert run.diverged is False and run.net is not net


def test_a_diverged_training_run_keeps_the_trained_copy_and_its_history():
    """training.training_run: TrainingRun(copy, exc.history, True, message) on divergence."""
    X, Y = bp.xor()
    net = bp.MLP([2, 3, 1], output="identity", seed=0)
    before = [W.copy() for W in net.weights]
    run = bp.training_run(net, X * 100, Y, lr=10, epochs=3)
    assert run.diverged is True
    assert run.message.startswith("training diverged at epoch 3 with learning rate lr=10")
    assert isinstance(run.net, bp.MLP) and run.net is not net
    assert not np.array_equal(run.net.weights[0], before[0])
    assert all(np.array_equal(W, W0) for W, W0 in zip(net.weights, before))
    assert run.history.epochs == [0, 1, 2, 3] and run.history.loss[-1] > 1e5


def test_format_cost_writes_the_bound_only_below_1e_12():
    """training.format_cost: 0 <= cost < 1e-12 (zero is below the bound; 1e-12 itself is not)."""
    assert bp.format_cost(0.0) == "< 1e-12"
    assert bp.format_cost(1e-12) == "1e-12"
    assert bp.format_cost(9.9e-13) == "< 1e-12"


# ------------------------------------------------------------------ SeedTrials
def _trials(costs, outputs, targets):
    k = len(costs)
    return bp.SeedTrials(seeds=tuple(range(k)), init="standard", lr=0.5, epochs=len(costs[0]) - 1,
                         loss="mse", costs=np.array(costs), outputs=np.array(outputs),
                         targets=np.array(targets), start_gradient_norms=np.ones(k),
                         end_gradient_norms=np.ones(k))


def test_first_epoch_below_is_strictly_below_and_minus_one_if_never():
    """training.SeedTrials.first_epoch_below: costs < threshold (not <=), −1 when never below."""
    trials = _trials([[0.5, 0.2, 0.1], [0.5, 0.4, 0.3]], np.zeros((2, 1, 1)), np.zeros((1, 1)))
    np.testing.assert_array_equal(trials.first_epoch_below(0.2), [2, -1])
    np.testing.assert_array_equal(trials.first_epoch_below(0.35), [1, 2])


def test_seed_trials_summary_counts_runs_out_of_k():
    """training.SeedTrials.summary: the default tol 0.1 and k = the number of seeds."""
    targets = [[0.0], [1.0]]
    outputs = [[[0.05], [0.95]], [[0.3], [0.7]], [[0.6], [0.4]]]  # within 0.1, right side, wrong
    trials = _trials([[0.5, 0.1]] * 3, outputs, targets)
    assert trials.summary() == ("init=standard, lr=0.5, 1 epochs, loss=mse: "
                                "right side of 0.5 in 2/3 runs, within 0.1 in 1/3")
    assert trials.summary(tol=0.5).endswith("within 0.5 in 2/3")


# ------------------------------------------------------------------ the stability limit
def test_largest_stable_lr_uses_the_largest_eigenvalue_in_float64():
    """training.largest_stable_lr / _linear_neuron_hessian: eigenvalue [-1] (not [1], which is the
    same for one feature), float32 data gives the float64 answer, and the name X."""
    X = np.array([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0], [3.0, 1.0]])
    Xt = np.hstack([X, np.ones((4, 1))])
    eigenvalues = np.linalg.eigvalsh(Xt.T @ Xt / 4)
    assert eigenvalues[1] < eigenvalues[-1]
    assert bp.largest_stable_lr(X) == pytest.approx(2 / eigenvalues[-1], rel=1e-12)
    assert bp.largest_stable_lr(X.astype(np.float32)) == bp.largest_stable_lr(X)
    with pytest.raises(TypeError, match=r"^X: expected a 2-D numeric array, got str$"):
        bp.largest_stable_lr("X")


X_SMALL = np.array([[0.1], [0.2], [0.3]])   # 2/λ_min, 2/λ_max without the bias far from 2/λ_max


def _limits(X):
    m = X.shape[0]
    Xt = np.hstack([X, np.ones((m, 1))])
    smallest = float(2.0 / np.linalg.eigvalsh(Xt.T @ Xt / m)[0])
    no_bias = 2.0 / float(np.max(np.linalg.eigvalsh(X.T @ X / m)))
    return bp.largest_stable_lr(X), smallest, no_bias


def test_every_hint_window_includes_its_edge():
    """training.check_largest_stable_lr: rtol is the allowed relative error, so an answer exactly
    rtol·target away still gets the verdict or hint (<=, not <) for all five targets."""
    expected, smallest, no_bias = _limits(X_SMALL)
    def check(answer):
        return bp.check_largest_stable_lr(answer, X_SMALL, rtol=0.5).message

    assert check(expected / 2).startswith("Right:")
    assert check(smallest / 2).startswith("Not yet: that is 2/λ_min.")
    assert check(expected / 4).startswith("Not yet: that is 1/λ_max.")
    assert check(expected / 6).startswith("Not yet: that is 2/λ_max of X̃ᵀX̃, the sum over the 3")
    assert check(no_bias / 2).startswith("Not yet: that leaves out the bias.")


def test_sum_and_no_bias_hints_have_a_one_percent_window_and_full_text():
    """training.check_largest_stable_lr: the windows rtol·expected/m and rtol·no_bias (not ·m, not
    /expected, not /no_bias) and the two messages."""
    expected, _, no_bias = _limits(X_SMALL)
    def check(answer):
        return bp.check_largest_stable_lr(answer, X_SMALL).message

    assert check(expected / 3 * 1.008) == (
        "Not yet: that is 2/λ_max of X̃ᵀX̃, the sum over the 3 examples; the cost is their mean, "
        "so H = (1/m) X̃ᵀX̃: divide by m.")
    assert check(expected / 3 * 1.012).startswith("Not yet: 0.6486 is not 2/λ_max")
    assert check(no_bias * 1.008) == ("Not yet: that leaves out the bias. Extend each input by a "
                                      "1, x̃ = (x, 1), so H has a row and a column for b as well.")
    assert check(no_bias * 1.012).startswith("Not yet: 43.37 is not 2/λ_max")


# ------------------------------------------------------------------ train
def test_train_shuffles_with_seed_zero_by_default():
    """training.train: the default seed is 0."""
    X, Y = bp.xor()
    net = bp.MLP([2, 3, 1], seed=0)
    default = bp.train(net.copy(), X, Y, lr=0.5, epochs=3, batch_size=1).loss
    assert default == bp.train(net.copy(), X, Y, lr=0.5, epochs=3, batch_size=1, seed=0).loss
    assert default != bp.train(net.copy(), X, Y, lr=0.5, epochs=3, batch_size=1, seed=1).loss


def test_track_records_each_quantity_of_the_current_network_every_epoch():
    """training.History._record / train: track values fn(net) of the network being trained,
    stored under their names, before training and after every epoch."""
    X, Y = bp.xor()
    net = bp.MLP([2, 3, 1], seed=0)
    track = {"cost": lambda n: n.loss(X, Y), "first weight": lambda n: n.weights[0][0, 0]}
    history = bp.train(net, X, Y, lr=0.5, epochs=3, batch_size=2, track=track)
    assert sorted(history.metrics) == ["cost", "first weight"]
    assert history.metrics["cost"] == history.loss
    assert history.metrics["first weight"][-1] == net.weights[0][0, 0]
    assert all(type(v) is float for v in history.metrics["first weight"])
    assert len(set(history.metrics["first weight"])) == 4


def _growing_linear_neuron():
    """A linear neuron whose error doubles in size each step (η = 3/λ_max): cost 1e-3 · 4^epoch."""
    net = bp.MLP([1, 1], output="identity", loss="mse", seed=0)
    X = np.ones((2, 1))
    return net, X, net.forward(X) - np.sqrt(2e-3)


def test_divergence_is_judged_relative_to_the_initial_cost():
    """training.train: diverged once cost > 1e6 × start (not 1e6 / start, not 1e6 × max(start, 1)),
    and the diverging epoch is recorded with its cost, examples seen and updates."""
    net, X, Y = _growing_linear_neuron()
    with pytest.raises(bp.TrainingDiverged, match=r"^training diverged at epoch 10 with learning "
                                                  r"rate lr=1.5 \(full batch\): the cost went from "
                                                  r"0.001 to 1049;"):
        bp.train(net, X, Y, lr=1.5, epochs=12)
    net, X, Y = _growing_linear_neuron()
    with pytest.raises(bp.TrainingDiverged) as info:
        bp.train(net, X, Y, lr=1.5, epochs=12)
    history = info.value.history
    assert history.epochs[-1] == 10 and history.loss[-1] == pytest.approx(1e-3 * 4 ** 10, rel=1e-9)
    assert history.examples_seen[-1] == 20 and history.updates[-1] == 10


def test_a_large_but_falling_cost_is_not_divergence():
    """training.train: the threshold 1e6 × start (1e6 / start would flag costs above 50)."""
    net = bp.MLP([1, 1], output="identity", loss="mse", seed=0)
    X, Y = np.ones((2, 1)), np.full((2, 1), 200.0)
    history = bp.train(net, X, Y, lr=0.1, epochs=2)
    assert 1e3 < history.loss[-1] < history.loss[0]


def test_overflow_in_the_middle_of_an_epoch_is_reported_as_divergence():
    """training.train (bug fixed here: it re-raised the loss's "Y_hat: contains … inf" ValueError
    when the parameters were still finite) and _safe_loss (NaN when the cost overflows)."""
    net = bp.MLP([1, 1, 1], hidden="identity", output="identity", seed=0)
    X, Y = np.array([[1.0], [2.0]]), np.array([[1.0], [0.0]])
    with pytest.raises(bp.TrainingDiverged, match=r"^training diverged at epoch 1 .*\(batch size "
                                                  r"1\): the cost went from 0.2586 to nan;"):
        bp.train(net, X, Y, lr=1e200, epochs=3, batch_size=1, shuffle=False)
    assert all(np.isfinite(W).all() for W in net.weights)
    net = bp.MLP([1, 1, 1], hidden="identity", output="identity", seed=0)
    with pytest.raises(bp.TrainingDiverged, match=r"to nan; try a smaller lr$"):   # full batch
        bp.train(net, X, Y, lr=1e100, epochs=3)
    assert all(np.isfinite(W).all() for W in net.weights)


def test_a_bias_that_overflows_is_divergence_even_if_the_cost_stays_finite():
    """training._finite_parameters: weights *and* biases finite (a sigmoid hides b = inf)."""
    net = bp.MLP([1, 1], output="sigmoid", seed=0)
    X, Y = np.zeros((2, 1)), np.full((2, 1), 1e10)
    with pytest.raises(bp.TrainingDiverged, match=r"the cost went from 5e\+19 to nan"):
        bp.train(net, X, Y, lr=1e300, epochs=2)
    assert np.isfinite(net.weights[0]).all() and not np.isfinite(net.biases[0]).all()


def test_a_cost_of_exactly_a_million_times_the_start_is_not_yet_divergence():
    """training.train: diverged when the cost *exceeds* 1e6 × start (> not >=); the error of this
    linear neuron is multiplied by exactly −10 per step (η = 5.5, λ = 2), so the cost by 100."""
    net = bp.MLP([1, 1], output="identity", loss="mse", seed=0)
    net.weights[0][...], net.biases[0][...] = 0.5, 0.25
    history = bp.train(net, np.ones((1, 1)), np.array([[0.71875]]), lr=5.5, epochs=3)
    assert history.loss == [2.0 ** -11, 2.0 ** -11 * 1e2, 2.0 ** -11 * 1e4, 2.0 ** -11 * 1e6]


def test_train_neither_raises_nor_warns_on_underflow_or_invalid_values_inside_errstate_raise():
    """training.train: errstate(invalid="ignore", under="ignore") around the loop; tiny inputs
    underflow to 0 silently, and a forward pass that overflows to inf − inf is divergence."""
    net = bp.MLP([1, 2, 1], hidden="identity", output="identity", seed=0)
    X = np.array([[1e-307], [2e-307]])
    with np.errstate(all="raise"):
        history = bp.train(net, X, np.array([[1.0], [0.0]]), lr=0.5, epochs=2)
    assert len(history.loss) == 3
    net = bp.MLP([1, 2, 1], hidden="tanh", output="identity", seed=0)
    with np.errstate(all="raise"), pytest.raises(bp.TrainingDiverged, match=r"to nan; try a "):
        bp.train(net, np.array([[1.0], [2.0]]), np.array([[1.0], [0.0]]), lr=1e200, epochs=2,
                 batch_size=1)


def test_minibatches_name_their_arguments():
    """training.minibatches: the names m and batch_size."""
    with pytest.raises(ValueError, match=r"^m: must be an integer ≥ 1, got 0$"):
        bp.minibatches(0, 2, None)
    with pytest.raises(ValueError, match=r"^batch_size: must be an integer ≥ 1, got 0$"):
        bp.minibatches(3, 0, None)


# ------------------------------------------------------------------ train_seeds and SeedTrials
def test_seed_trials_within_is_per_run_and_strict():
    """training.SeedTrials.within: one verdict per run (axis=(1, 2)), |a − y| < tol, default 0.1."""
    trials = _trials([[0.5, 0.1]] * 3, [[[0.0], [0.75]], [[0.0], [0.95]], [[0.5], [1.0]]],
                     [[0.0], [1.0]])
    np.testing.assert_array_equal(trials.within(), [False, True, False])
    np.testing.assert_array_equal(trials.within(0.25), [False, True, False])  # 0.25 away: not in
    np.testing.assert_array_equal(trials.within(0.5), [True, True, False])


def test_train_seeds_trains_the_seeded_networks_and_needs_a_seed():
    """training.train_seeds: MLP(..., seed=s) for each s (not unseeded); "seeds" named."""
    X, Y = bp.xor()
    trials = bp.train_seeds(X, Y, [2, 2, 1], init="standard", lr=0.5, epochs=2, seeds=[3, 4])
    start = [bp.MLP([2, 2, 1], init="standard", seed=s).loss(X, Y) for s in (3, 4)]
    np.testing.assert_allclose(trials.costs[:, 0], start, rtol=1e-12)
    with pytest.raises(ValueError, match=r"^seeds: need at least one seed$"):
        bp.train_seeds(X, Y, [2, 2, 1], init="standard", lr=0.5, epochs=2, seeds=[])


def test_train_seeds_builds_each_network_from_the_setting_and_records_it():
    """training.train_seeds: hidden, output and loss passed to MLP; one seed is enough (nets[0]);
    the SeedTrials fields init, epochs, loss, gradient norms before/after and the nets."""
    X, Y = bp.xor()
    trials = bp.train_seeds(X, Y, [2, 2, 1], init=0.5, lr=0.5, epochs=2, seeds=[3],
                            hidden="tanh", output="identity")
    net = trials.nets[0]
    assert (net.hidden, net.output, net.loss_name) == ("tanh", "identity", "mse")
    assert (trials.init, trials.epochs, trials.loss, trials.lr) == (0.5, 2, "mse", 0.5)
    fresh = bp.MLP([2, 2, 1], hidden="tanh", output="identity", init=0.5, seed=3)
    np.testing.assert_allclose(trials.start_gradient_norms, [bp.gradient_norm(fresh, X, Y)],
                               rtol=1e-12)
    np.testing.assert_allclose(trials.end_gradient_norms, [bp.gradient_norm(net, X, Y)], rtol=1e-12)
    assert trials.end_gradient_norms[0] != trials.start_gradient_norms[0]
    bce = bp.train_seeds(X, Y, [2, 2, 1], init=0.5, lr=0.5, epochs=2, seeds=[3],
                         loss="binary_cross_entropy")
    assert bce.nets[0].loss_name == "binary_cross_entropy" and bce.loss == "binary_cross_entropy"
    start = bp.MLP([2, 2, 1], init=0.5, seed=3, loss="binary_cross_entropy").loss(X, Y)
    assert bce.costs[0, 0] == pytest.approx(start, rel=1e-12)


# ------------------------------------------------------------------ train_many
def test_train_many_of_one_network_is_exactly_full_batch_train():
    """training.train_many / _block_diagonal: nets[0] (not nets[1]), blocks[0].dtype (float32
    networks stay float32 throughout), the logits Zs[-1] for the cross-entropy, so one network
    gives train's result to the last bit."""
    X, Y = bp.xor()
    for dtype, sizes, kwargs in (("float32", [2, 3, 1], {}), ("float64", [2, 3, 1], {}),
                                 ("float64", [2, 3, 2, 1], {"loss": "binary_cross_entropy"})):
        net = bp.MLP(sizes, seed=0, dtype=dtype, **kwargs)
        alone = net.copy()
        costs = bp.train_many([net], X, Y, lr=0.5, epochs=5)
        history = bp.train(alone, X, Y, lr=0.5, epochs=5)
        np.testing.assert_array_equal(costs[0], history.loss)
        for p, q in zip(net.weights + net.biases, alone.weights + alone.biases):
            np.testing.assert_array_equal(p, q)
            assert p.dtype == dtype


def test_train_many_rejects_what_it_cannot_split_and_names_it():
    """training._check_same_architecture / train_many: the messages for a lone MLP, a non-MLP
    entry (one with weights but no sizes too), a softmax output, an L2 penalty, and lr."""
    X, Y = bp.xor()
    net = bp.MLP([2, 2, 1], seed=0)
    with pytest.raises(TypeError, match=r"^nets: expected a non-empty list of MLPs, got MLP$"):
        bp.train_many(net, X, Y, 0.5, 2)
    with pytest.raises(TypeError, match=r"^nets\[1\]: expected a bplib.MLP, got str$"):
        bp.train_many([net, "net"], X, Y, 0.5, 2)
    with pytest.raises(TypeError, match=r"^nets\[1\]: expected a bplib.MLP, got SimpleNamespace$"):
        bp.train_many([net, types.SimpleNamespace(weights=net.weights)], X, Y, 0.5, 2)
    softmax = bp.MLP([2, 2, 2], output="softmax", loss="mse", seed=0)
    with pytest.raises(ValueError, match=r"^nets: train_many needs a loss that is a sum over "
                                         r"output units \('mse', 'binary_cross_entropy'\) and an "
                                         r"elementwise output, got loss='mse', output='softmax'$"):
        bp.train_many([softmax], X, np.eye(2)[[0, 1, 1, 0]], 0.5, 2)
    with pytest.raises(ValueError, match=r"^nets: train_many does not support an L2 penalty "
                                         r"\(use l2=0\)$"):
        bp.train_many([bp.MLP([2, 2, 1], l2=0.1, seed=0)], X, Y, 0.5, 2)
    with pytest.raises(ValueError, match=r"^lr: must be a finite number > 0, got 0$"):
        bp.train_many([net], X, Y, 0, 2)


def test_train_many_reports_divergence_cleanly_inside_errstate_raise():
    """training.train_many: errstate(over/invalid/under="ignore") around the loop, and the
    TrainingDiverged message naming the epoch, lr and the first network whose cost is not finite
    (argmin of isfinite); tiny inputs underflow silently."""
    X, Y = bp.xor()
    bce = [bp.MLP([2, 3, 1], hidden="identity", loss="binary_cross_entropy", seed=s)
           for s in (0, 1)]
    with np.errstate(all="raise"), pytest.raises(bp.TrainingDiverged) as info:
        bp.train_many(bce, X, Y, lr=1e100, epochs=3)
    assert str(info.value) == ("training diverged at epoch 2 with learning rate lr=1e+100 "
                               "(full batch): the cost of network 0 is not finite")
    assert info.value.history.loss == []
    identity = [bp.MLP([2, 3, 1], hidden="identity", output="identity", seed=s) for s in (0, 1)]
    with np.errstate(all="raise"), pytest.raises(bp.TrainingDiverged, match=r"^training diverged "
                                                                            r"at epoch 1 "):
        bp.train_many(identity, X, Y, lr=1e100, epochs=3)
    calm, wild = (bp.MLP([2, 3, 1], hidden="identity", output="identity", init=scale, seed=s)
                  for scale, s in ((0.001, 0), (10.0, 1)))
    with pytest.raises(bp.TrainingDiverged, match=r"^training diverged at epoch 5 .* network 1 is"):
        bp.train_many([calm, wild], X, Y, lr=0.1, epochs=20)                # the first bad one
    identity = [bp.MLP([2, 3, 1], hidden="identity", output="identity", seed=0)]
    with np.errstate(all="raise"):
        assert bp.train_many(identity, X * 1e-307, Y, lr=0.5, epochs=2).shape == (1, 3)

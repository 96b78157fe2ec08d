"""Tests written for mutants of bplib.tensor_tools and bplib.memory (chapter 11) that the other
tests let survive (issue 13).

Each test states a property a reader of the book relies on; the mutant it was written for is
named in its docstring.  Run the mutation study with ``tests/mutation/run.sh``.
"""
import numpy as np
import pytest

import bplib as bp
from bplib.tensor import Tensor


def _tiny_data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((8, 3))
    y = (X[:, 0] > 0).astype(int)
    return X, np.eye(2)[y], y


# ------------------------------------------------------------------ check_vjp
def test_check_vjp_uses_a_small_default_step_and_the_step_it_is_given():
    """tensor_tools.check_vjp: default eps 1e-6 (not 1.000001) and the eps argument passed on."""
    x, g = np.array([1.0, 2.0]), np.array([1.0, 1.0])
    exact = [3 * x ** 2 * g]
    assert bp.check_vjp(lambda a: a ** 3, [x], g, exact) < 1e-8
    assert bp.check_vjp(lambda a: a ** 3, [x], g, exact, eps=0.5) > 1e-3  # error ε² of x³


def test_check_vjp_names_its_bad_arguments():
    """tensor_tools.check_vjp: the names "g" and the count message of vjp_result."""
    x = np.ones(2)
    with pytest.raises(TypeError, match=r"^g: expected a numeric array, got str"):
        bp.check_vjp(lambda a: a * 2.0, [x], "g", [x])
    with pytest.raises(ValueError,
                       match=r"^vjp_result: expected one gradient per input \(1\), got 2$"):
        bp.check_vjp(lambda a: a * 2.0, [x], x, [x, x])


# ------------------------------------------------------------------ mlp_cost_tensor
def test_mlp_cost_tensor_names_bad_networks_and_data():
    """tensor_tools.mlp_cost_tensor: each message, argument name and column check."""
    net = bp.MLP([2, 3, 2], hidden="tanh", output="softmax", loss="cross_entropy", seed=0)
    X, Y = np.ones((4, 2)), np.eye(2)[[0, 1, 1, 0]]
    with pytest.raises(ValueError, match=r"^X: expected 2 columns"):
        bp.mlp_cost_tensor(net, np.ones((4, 3)), Y)
    with pytest.raises(ValueError, match=r"^Y: expected 2 columns"):
        bp.mlp_cost_tensor(net, X, np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"^X and Y must have the same number of rows, "
                                         r"got X \(4, 2\) and Y \(3, 2\)$"):
        bp.mlp_cost_tensor(net, X, Y[:3])
    leaky = bp.MLP([2, 3, 2], hidden="leaky_relu", output="softmax", loss="cross_entropy", seed=0)
    with pytest.raises(ValueError, match=r"^net: hidden activation must be one of 'sigmoid', "
                                         r"'tanh', 'relu', 'identity', got 'leaky_relu'$"):
        bp.mlp_cost_tensor(leaky, X, Y)
    mse = bp.MLP([2, 3, 2], hidden="tanh", output="softmax", loss="mse", seed=0)
    with pytest.raises(ValueError, match=r"^net: with loss 'mse' the output must be one of "
                                         r"'sigmoid', 'tanh', 'relu', 'identity', got 'softmax'$"):
        bp.mlp_cost_tensor(mse, X, Y)
    net.loss_name = "hinge"
    with pytest.raises(ValueError, match=r"^net: unsupported loss 'hinge'; valid names are 'mse', "
                                         r"'cross_entropy', 'binary_cross_entropy'$"):
        bp.mlp_cost_tensor(net, X, Y)


def test_mlp_cost_tensor_labels_parameters_by_layer():
    """tensor_tools.mlp_cost_tensor: leaves labelled W1, W2, b1, b2 (the graph drawings' names)."""
    net = bp.MLP([2, 3, 2], seed=0)
    _, Ws, bs = bp.mlp_cost_tensor(net, np.ones((1, 2)), np.ones((1, 2)))
    assert [W.label for W in Ws] == ["W1", "W2"]
    assert [b.label for b in bs] == ["b1", "b2"]


# ------------------------------------------------------------------ tensor_mlp_logits
def test_tensor_mlp_logits_are_affine_maps_with_the_activation_between_layers_only():
    """tensor_tools.tensor_mlp_logits: Z = A Wᵀ + b (not − b); no activation on the last layer."""
    rng = np.random.default_rng(0)
    Ws = [Tensor(rng.standard_normal((3, 4))), Tensor(rng.standard_normal((2, 3)))]
    bs = [Tensor(rng.standard_normal(3)), Tensor(rng.standard_normal(2) - 5.0)]
    X = rng.standard_normal((5, 4))
    H = np.tanh(X @ Ws[0].value.T + bs[0].value)
    expected = H @ Ws[1].value.T + bs[1].value
    np.testing.assert_allclose(bp.tensor_mlp_logits(Ws, bs, X, "tanh").value, expected, rtol=1e-12)
    relu = np.maximum(X @ Ws[0].value.T + bs[0].value, 0) @ Ws[1].value.T + bs[1].value
    assert (relu < 0).any()
    default = bp.tensor_mlp_logits(Ws, bs, X).value
    np.testing.assert_allclose(default, relu, rtol=1e-12)


def test_tensor_mlp_logits_checks_the_data_and_names_it():
    """tensor_tools.tensor_mlp_logits: X named "X", Ws[0]'s columns; hidden."""
    Ws, bs = bp.tensor_mlp_params([4, 3, 2], seed=0)
    with pytest.raises(ValueError, match=r"^X: expected 4 columns"):
        bp.tensor_mlp_logits(Ws, bs, np.ones((5, 3)))
    with pytest.raises(ValueError, match=r"^hidden: unknown activation 'soft'; valid names are "
                                         r"'sigmoid', 'tanh', 'relu', 'identity'$"):
        bp.tensor_mlp_logits(Ws, bs, np.ones((5, 4)), hidden="soft")
    X = Tensor(np.ones((5, 4)), requires_grad=False)
    assert bp.tensor_mlp_logits(Ws, bs, X).shape == (5, 2)


# ------------------------------------------------------------------ train_tensor_mlp
def test_train_tensor_mlp_names_bad_arguments():
    """tensor_tools.train_tensor_mlp: the names X_train, Y_train, X_test, epochs, batch_size, lr."""
    X, Y, y = _tiny_data()
    with pytest.raises(TypeError, match=r"^X_train: expected a 2-D numeric array"):
        bp.train_tensor_mlp("x", Y, X, y)
    with pytest.raises(ValueError, match=r"^Y_train: expected 8 rows"):
        bp.train_tensor_mlp(X, Y[:5], X, y)
    with pytest.raises(ValueError, match=r"^X_test: expected 3 columns"):
        bp.train_tensor_mlp(X, Y, X[:, :2], y)
    with pytest.raises(ValueError, match=r"^epochs: must be an integer ≥ 1, got 0"):
        bp.train_tensor_mlp(X, Y, X, y, epochs=0)
    with pytest.raises(ValueError, match=r"^batch_size: must be an integer ≥ 1, got 0"):
        bp.train_tensor_mlp(X, Y, X, y, batch_size=0)
    with pytest.raises(ValueError, match=r"^lr: must be a finite number > 0, got 0"):
        bp.train_tensor_mlp(X, Y, X, y, lr=0)


def test_train_tensor_mlp_defaults_are_the_documented_ones():
    """tensor_tools.train_tensor_mlp: epochs=30, batch_size=32, lr=0.1, seed=0 by default."""
    X, Y, y = _tiny_data()
    X = np.tile(X, (5, 1))
    Y = np.tile(Y, (5, 1))
    default = bp.train_tensor_mlp(X, Y, X[:8], y, hidden_sizes=(4,))
    explicit = bp.train_tensor_mlp(X, Y, X[:8], y, hidden_sizes=(4,), hidden="relu", epochs=30,
                                   batch_size=32, lr=0.1, seed=0)
    assert len(default.costs) == 30
    np.testing.assert_array_equal(default.costs, explicit.costs)


def test_train_tensor_mlp_records_the_mean_cost_over_the_epoch():
    """tensor_tools.train_tensor_mlp: costs[e] = Σ batch cost · rows / m (from 0)."""
    X, Y, y = _tiny_data()
    Ws, bs = bp.tensor_mlp_params([3, 4, 2], seed=0)
    start = float(bp.tensor_mlp_logits(Ws, bs, X, "tanh").cross_entropy(Y).value)
    for batch_size in (8, 4, 3):  # one batch, two equal batches, unequal batches
        r = bp.train_tensor_mlp(X, Y, X, y, hidden_sizes=(4,), hidden="tanh", epochs=1,
                                batch_size=batch_size, lr=1e-12)
        assert r.costs[0] == pytest.approx(start, rel=1e-9)


def test_train_tensor_mlp_is_plain_minibatch_descent_with_the_documented_seeds():
    """tensor_tools.train_tensor_mlp: batches from default_rng(seed + 1), hidden used, all rows."""
    X, Y, y = _tiny_data()
    r = bp.train_tensor_mlp(X, Y, X, y, hidden_sizes=(4,), hidden="tanh", epochs=2, batch_size=3,
                            lr=0.5, seed=0)
    Ws, bs = bp.tensor_mlp_params([3, 4, 2], seed=0)
    rng = np.random.default_rng(1)
    costs = []
    for _ in range(2):
        order, total = rng.permutation(8), 0.0
        for start in range(0, 8, 3):
            rows = order[start:start + 3]
            cost = bp.tensor_mlp_logits(Ws, bs, X[rows], "tanh").cross_entropy(Y[rows])
            cost.backward()
            for p in (*Ws, *bs):
                p.value = p.value - 0.5 * p.grad
            total += float(cost.value) * len(rows)
        costs.append(total / 8)
    np.testing.assert_allclose(r.costs, costs, rtol=1e-12)
    for mine, theirs in zip((*Ws, *bs), (*r.Ws, *r.bs)):
        np.testing.assert_allclose(theirs.value, mine.value, rtol=1e-12)


def test_train_tensor_mlp_test_accuracy_is_that_of_the_returned_network():
    """tensor_tools.train_tensor_mlp: accuracy from the final Ws, bs with the given hidden."""
    X, Y, y = _tiny_data()
    r = bp.train_tensor_mlp(X, Y, X, y, hidden_sizes=(4,), hidden="tanh", epochs=3, batch_size=4,
                            lr=0.5)
    logits = bp.tensor_mlp_logits(r.Ws, r.bs, X, "tanh").value
    assert r.test_accuracy == np.mean(logits.argmax(axis=1) == y)
    assert len(r.Ws) == len(r.bs) == 2


# ------------------------------------------------------------------ graph_bytes
def test_graph_bytes_counts_a_constant_kept_after_an_array_already_counted():
    """memory.graph_bytes: a repeated array is skipped, the node's other arrays count."""
    x = Tensor(np.ones((2, 2)))
    C = (x * np.full((2, 2), 3.0)).sum()   # x, x·c and the constant c: 32 bytes each; the sum 8
    assert bp.graph_bytes(C) == 104
    with pytest.raises(TypeError, match=r"^root: expected a Tensor, got int$"):
        bp.graph_bytes(3)


# ------------------------------------------------------------------ layer_memory
def test_layer_memory_checks_the_data_and_names_it():
    """memory.layer_memory: X and Y checked as matrices named "X"/"Y" with the layers' widths."""
    Ws, bs = bp.tensor_mlp_params([4, 3, 2], seed=0)
    with pytest.raises(ValueError, match=r"^X: expected 4 columns"):
        bp.layer_memory((Ws, bs), np.ones((5, 3)), np.ones((5, 2)))
    with pytest.raises(ValueError, match=r"^Y: expected 2 columns"):
        bp.layer_memory((Ws, bs), np.ones((5, 4)), np.ones((5, 3)))
    with pytest.raises(ValueError, match=r"^hidden: unknown activation 'soft'; valid names are "
                                         r"'sigmoid', 'tanh', 'relu', 'identity'$"):
        bp.layer_memory((Ws, bs), np.ones((5, 4)), np.ones((5, 2)), hidden="soft")


def test_layer_memory_of_a_frozen_network_is_zero():
    """memory.layer_memory: the data is a constant; with frozen parameters nothing is kept."""
    Ws = [Tensor(np.ones((3, 4)), requires_grad=False),
          Tensor(np.ones((2, 3)), requires_grad=False)]
    bs = [Tensor(np.zeros(3), requires_grad=False), Tensor(np.zeros(2), requires_grad=False)]
    assert bp.layer_memory((Ws, bs), np.ones((5, 4)), np.eye(2)[[0, 1, 0, 1, 0]]) == [0, 0, 0]


# ------------------------------------------------------------------ numerical gradients
def test_tensor_numerical_gradients_names_its_bad_arguments():
    """tensor_tools.tensor_numerical_gradients/_as_inputs: the messages and argument names."""
    x = [np.ones(2)]
    with pytest.raises(ValueError, match=r"^f: must return a Tensor with one entry, got \(2,\)$"):
        bp.tensor_numerical_gradients(lambda a: a, x)
    with pytest.raises(ValueError, match=r"^f: must return a Tensor with one entry, got float$"):
        bp.tensor_numerical_gradients(lambda a: 1.0, x)
    with pytest.raises(TypeError, match=r"^arrays: expected a list of arrays, got ndarray$"):
        bp.tensor_numerical_gradients(lambda a: a.sum(), np.ones(2))
    with pytest.raises(TypeError, match=r"^arrays\[1\]: expected a numeric array, got str"):
        bp.tensor_numerical_gradients(lambda a, b: a.sum(), [np.ones(2), "b"])
    with pytest.raises(ValueError, match=r"^eps: must be a finite number > 0, got 0"):
        bp.tensor_numerical_gradients(lambda a: a.sum(), x, eps=0)
    with pytest.raises(TypeError, match=r"^f: expected a callable"):
        bp.tensor_numerical_gradients(3, x)


def test_tensor_numerical_gradients_are_central_differences_of_every_entry_of_every_input():
    """tensor_tools.tensor_numerical_gradients: (f(x+ε)−f(x−ε))/2ε per entry, inputs kept."""
    x, w = np.array([[1.0, -2.0], [0.5, 3.0]]), np.array([2.0, -1.0])
    x0, w0 = x.copy(), w.copy()
    gx, gw = bp.tensor_numerical_gradients(lambda a, b: ((a * b) ** 2).sum(), [x, Tensor(w)])
    np.testing.assert_allclose(gx, 2 * x * w ** 2, rtol=1e-8)
    np.testing.assert_allclose(gw, (2 * x ** 2 * w).sum(axis=0), rtol=1e-8)
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(w, w0)
    g, = bp.tensor_numerical_gradients(lambda a: (a ** 3).sum(), [np.array([1.0])], eps=0.5)
    assert g[0] == pytest.approx(3.25)  # ((1.5)³ − (0.5)³) / 1: the ε given, a central difference
    g, = bp.tensor_numerical_gradients(lambda a: (a ** 3).sum(), [np.array([1.0])])
    assert g[0] == pytest.approx(3.0, abs=1e-8)
    g, = bp.tensor_numerical_gradients(lambda a: (a * 2.0).sum(), [np.array([1, 2])])  # integers
    np.testing.assert_allclose(g, [2.0, 2.0], rtol=1e-8)



def test_tensor_numerical_gradients_work_in_float64_and_accept_any_one_entry_output():
    """tensor_tools._as_inputs (float64 copies, not float32) and value() (a (1, 1) output)."""
    g, = bp.tensor_numerical_gradients(lambda a: (a ** 3).sum(), [np.array([1.0, 2.0], np.float32)])
    assert g.dtype == np.float64
    np.testing.assert_allclose(g, [3.0, 12.0], rtol=1e-8)
    g, = bp.tensor_numerical_gradients(lambda a: a @ a.T, [np.array([[1.0, 2.0]])])
    np.testing.assert_allclose(g, [[2.0, 4.0]], rtol=1e-8)
    with pytest.raises(TypeError, match=r"^arrays: expected a list of arrays, got int$"):
        bp.tensor_numerical_gradients(lambda a: a.sum(), 5)

def test_check_tensor_function_is_small_for_right_gradients_and_counts_unused_inputs():
    """tensor_tools.check_tensor_function: engine vs differences, eps, unused inputs."""
    x = np.array([[0.5, -1.0]])
    assert bp.check_tensor_function(lambda a: (a ** 3).sum(), [x]) < 1e-8
    assert bp.check_tensor_function(lambda a: (a ** 3).sum(), [x], eps=0.5) > 1e-3
    assert bp.check_tensor_function(lambda a, b: (a * a).sum(), [x, np.ones(3)]) < 1e-8
    with pytest.raises(TypeError, match=r"^f: expected a callable"):
        bp.check_tensor_function(5, [x])
    with pytest.raises(TypeError, match=r"^arrays: expected a list of arrays, got ndarray$"):
        bp.check_tensor_function(lambda a: a.sum(), x)


def test_tensor_mlp_params_are_xavier_normal_with_zero_biases():
    """tensor_tools.tensor_mlp_params: W ~ N(0, 1/n_in) from default_rng(seed), labels, b = 0."""
    Ws, bs = bp.tensor_mlp_params([4, 3, 2], seed=5)
    rng = np.random.default_rng(5)
    np.testing.assert_array_equal(Ws[0].value, rng.standard_normal((3, 4)) * np.sqrt(1 / 4))
    np.testing.assert_array_equal(Ws[1].value, rng.standard_normal((2, 3)) * np.sqrt(1 / 3))
    np.testing.assert_array_equal(bs[0].value, np.zeros(3))
    np.testing.assert_array_equal(bs[1].value, np.zeros(2))
    assert [t.label for t in (*Ws, *bs)] == ["W1", "W2", "b1", "b2"]
    assert all(t.requires_grad for t in (*Ws, *bs))
    with pytest.raises(ValueError, match=r"^sizes: must be an integer ≥ 1, got 0"):
        bp.tensor_mlp_params([3, 0], 0)
    with pytest.raises(ValueError,
                       match=r"^sizes: need at least an input and an output layer, got \[3\]$"):
        bp.tensor_mlp_params([3], 0)
    with pytest.raises(ValueError, match=r"^seed: expected None or an integer ≥ 0, got -1"):
        bp.tensor_mlp_params([3, 2], -1)


# ------------------------------------------------------------------ memory: bad input
def test_checkpoint_names_its_bad_arguments():
    """memory.checkpoint: inputs[i], fn not callable, fn not returning a Tensor."""
    t = Tensor(np.ones(2))
    with pytest.raises(TypeError, match=r"^inputs\[1\]: expected a Tensor, got ndarray$"):
        bp.checkpoint(lambda a, b: a, t, np.ones(2))
    with pytest.raises(TypeError, match=r"^fn: expected a callable, got int$"):
        bp.checkpoint(3, t)
    with pytest.raises(TypeError, match=r"^fn: must return a Tensor, got float$"):
        bp.checkpoint(lambda a: 1.0, t)


def test_checkpoint_profile_names_its_bad_arguments():
    """memory.checkpoint_profile: depth, width, batch, n_in, n_out, each by name."""
    cases = [((1, 8, 2), r"^depth: need at least 2 weight layers, got 1$"),
             ((0, 8, 2), r"^depth: must be an integer ≥ 1, got 0"),
             ((3, 0, 2), r"^width: must be an integer ≥ 1, got 0"),
             ((3, 8, 0), r"^batch: must be an integer ≥ 1, got 0"),
             ((3, 8, 2, 0), r"^n_in: must be an integer ≥ 1, got 0"),
             ((3, 8, 2, 4, 0), r"^n_out: must be an integer ≥ 1, got 0"),
             ((3, 8, 2, 4, 1), r"^n_out: a softmax output needs at least 2 units, got 1$")]
    for args, message in cases:
        with pytest.raises(ValueError, match=message):
            bp.checkpoint_profile(*args)


def test_mlp_cost_checkpointed_names_its_bad_arguments():
    """memory.mlp_cost_checkpointed/_check_layers: Ws, bs, X, Y, hidden, every by name."""
    Ws, bs = bp.tensor_mlp_params([3, 4, 2], 0)
    X, Y = np.ones((5, 3)), np.eye(2)[[0, 1, 0, 1, 1]]
    f = bp.mlp_cost_checkpointed
    with pytest.raises(ValueError, match=r"^X: expected 3 columns"):
        f(Ws, bs, np.ones((5, 4)), Y)
    with pytest.raises(ValueError, match=r"^Y: expected 5 rows"):
        f(Ws, bs, X, Y[:4])
    with pytest.raises(ValueError, match=r"^Y: expected 2 columns"):
        f(Ws, bs, X, np.ones((5, 3)))
    with pytest.raises(ValueError, match=r"^every: must be an integer ≥ 1, got 0"):
        f(Ws, bs, X, Y, every=0)
    with pytest.raises(ValueError, match=r"^hidden: unknown activation 'soft'; valid names are "
                                         r"'sigmoid', 'tanh', 'relu', 'identity'$"):
        f(Ws, bs, X, Y, hidden="soft")
    with pytest.raises(ValueError,
                       match=r"^Ws, bs: expected one bias per weight matrix, got 2 and 1$"):
        f(Ws, bs[:1], X, Y)
    with pytest.raises(TypeError, match=r"^Ws: expected a non-empty list of Tensors, got list$"):
        f([W.value for W in Ws], bs, X, Y)
    with pytest.raises(TypeError, match=r"^bs: expected a non-empty list of Tensors, got list$"):
        f(Ws, [], X, Y)
    with pytest.raises(TypeError, match=r"^bs: expected a non-empty list of Tensors, got str$"):
        f(Ws, "bs", X, Y)
    assert float(f(tuple(Ws), tuple(bs), X, Y).value) > 0


def test_saved_bytes_and_layer_memory_name_their_bad_arguments():
    """memory.saved_bytes/_nodes_of, layer_memory: "graph" and "net_or_params"."""
    with pytest.raises(TypeError,
                       match=r"^graph: expected a Tensor or a list of Tensors, got NoneType$"):
        bp.saved_bytes(None)
    with pytest.raises(TypeError,
                       match=r"^graph: expected a Tensor or a list of Tensors, got list$"):
        bp.saved_bytes([Tensor(1.0), 3])
    with pytest.raises(TypeError, match=r"^net_or_params: expected a bplib.MLP network, got str"):
        bp.layer_memory("net", np.ones((5, 3)), np.ones((5, 2)))


# ------------------------------------------------------------------ checkpointing costs
def test_checkpoint_profile_peak_is_kept_plus_the_largest_recomputed_block():
    """memory.checkpoint_profile/checkpoint_costs: every, peak, recomputed (the figure).

    Depth 4, width 8, batch 2 (n_in 64, n_out 10 by default): each tanh keeps 128 bytes, so the
    peak adds 128 (k = 1), 256 (k = 2: two of the four layers), 384 (k = 3, 4) to the kept bytes.
    """
    prof = bp.checkpoint_profile(4, 8, 2)
    assert prof["every"].tolist() == [1, 2, 3, 4]
    assert prof["peak"].tolist() == [1856, 1728, 1856, 1728]
    assert prof["recomputed"].tolist() == [15, 15, 15, 15]
    small = bp.checkpoint_profile(4, 8, 2, n_in=3, n_out=2, hidden="relu", seed=3)
    assert small["plain_kept"] == 48 + 3 * 128 + 64   # X, three relu outputs, softmax and Y
    assert small["kept"].tolist() == [496, 240, 240, 112]
    assert small["peak"].tolist() == [624, 496, 624, 496]
    linear = bp.checkpoint_profile(3, 8, 2, n_in=3, n_out=2, hidden="identity")
    assert linear["forward_ops"] == 10 and linear["recomputed"].tolist() == [9, 9, 9]
    assert linear["peak"].tolist() == [368, 368, 368]


def test_checkpoint_costs_of_two_blocks_of_two_layers():
    """memory.checkpoint_costs: kept X, A² and the loss's arrays; the peak adds block 1's A¹, A²."""
    Ws, bs = bp.tensor_mlp_params([3, 4, 4, 2], seed=0)
    X, Y = np.ones((5, 3)), np.eye(2)[[0, 1, 0, 1, 1]]
    costs, (dWs, dbs) = bp.checkpoint_costs(Ws, bs, X, Y, every=2)
    assert (costs.every, costs.kept_bytes, costs.peak_bytes) == (2, 120 + 160 + 160, 440 + 320)
    assert (costs.forward_ops, costs.recomputed_ops) == (12, 11)
    fresh_Ws, fresh_bs = bp.tensor_mlp_params([3, 4, 4, 2], seed=0)
    bp.mlp_cost_checkpointed(fresh_Ws, fresh_bs, X, Y).backward()
    assert bp.relative_error([*dWs, *dbs], [t.grad for t in (*fresh_Ws, *fresh_bs)]) == 0.0
    assert "kept_bytes=440" in repr(costs)



def test_saved_bytes_skips_an_excluded_array_but_counts_the_rest_of_the_node():
    """memory.saved_bytes: an excluded array is skipped, the rest still counts."""
    x = Tensor(np.ones((2, 2)))
    assert bp.saved_bytes((x * np.full((2, 2), 3.0)).sum(), exclude=[x]) == 32
    assert bp.saved_bytes((x * np.full((2, 2), 3.0)).sum()) == 64


def test_saved_bytes_of_the_recorded_operations_equals_that_of_the_result():
    """memory._nodes_of: a list of operation nodes (record_operations) is accepted as the graph."""
    x = Tensor(np.ones((4, 3)))
    with bp.record_operations() as ops:
        C = (x.tanh() * 2.0).sum()
    assert bp.saved_bytes(ops) == bp.saved_bytes(C) == 104   # tanh's output, mul's y and constant
    assert bp.saved_bytes(tuple(ops[:1])) == 96


def test_checkpointed_layers_add_the_bias():
    """memory._layers: Z = A Wᵀ + b inside a block, the same cost as the plain tensor MLP."""
    rng = np.random.default_rng(0)
    Ws, bs = bp.tensor_mlp_params([3, 4, 4, 2], seed=0)
    for b in bs:
        b.value = rng.standard_normal(b.shape)
    X, Y = rng.standard_normal((5, 3)), np.eye(2)[[0, 1, 0, 1, 1]]
    plain = float(bp.tensor_mlp_logits(Ws, bs, X, "tanh").cross_entropy(Y).value)
    for every in (None, 1, 2):
        cost = bp.mlp_cost_checkpointed(Ws, bs, X, Y, every=every)
        assert float(cost.value) == pytest.approx(plain, rel=1e-12)


def test_a_checkpoint_is_one_node_named_checkpoint():
    """memory.checkpoint: the node's op is "checkpoint", as record_operations shows."""
    x = Tensor(np.ones((2, 3)))
    assert bp.checkpoint(lambda a: a.tanh(), x).op == "checkpoint"


def test_checkpoint_profile_of_the_shallowest_network():
    """memory.checkpoint_profile: depth 2 is allowed (depth < 2, not ≤ 2, is rejected)."""
    prof = bp.checkpoint_profile(2, 8, 2)
    assert prof["kept"].tolist() == [1472, 1344]


@pytest.mark.parametrize("frozen,peak", [((), 432 + 256), ((1,), 432 + 256), ((0, 1), 320)])
def test_checkpoint_peak_counts_what_a_frozen_block_recomputes_for_earlier_layers(frozen, peak):
    """memory.checkpoint_costs: a block's input requires grad exactly when its output did.

    Layers 3 → 4 → 16 → 2, batch 2, one layer per block: the 16-wide tanh keeps 256 bytes.  A frozen
    layer 2 still recomputes and keeps it (layer 1's gradient passes through it); with layers 1
    and 2 frozen nothing before layer 3 is recomputed.
    """
    Ws, bs = bp.tensor_mlp_params([3, 4, 16, 2], seed=0)
    for i in frozen:
        Ws[i].requires_grad = bs[i].requires_grad = False
    costs, _ = bp.checkpoint_costs(Ws, bs, np.ones((2, 3)), np.eye(2)[[0, 1]], every=1)
    assert costs.peak_bytes == peak

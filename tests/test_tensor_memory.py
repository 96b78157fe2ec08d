"""Chapter 11's helpers: bytes kept for the backward pass, gradient checkpointing, check_vjp,
training with the engine, and the figure/widget computations."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st, HealthCheck

import bplib as bp
from bplib.tensor import Tensor


def batch(sizes, m, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((m, sizes[0])), np.eye(sizes[-1])[rng.integers(0, sizes[-1], m)]


# ---------------------------------------------------------------- saved bytes
def test_saved_bytes_counts_each_array_once_and_views_by_owner():
    x = Tensor(np.ones((4, 3)))
    assert bp.saved_bytes((x + 1.0).sum()) == 0                    # add keeps shapes only
    assert bp.saved_bytes(x.tanh().sum()) == 12 * 8                # tanh keeps its output
    y = x.tanh()
    assert bp.saved_bytes((y * y).sum()) == 12 * 8                 # the same array kept by tanh and mul
    assert bp.saved_bytes((x.T @ x).sum(), exclude=[x]) == 0       # x.T is a view of x: excluded with x
    assert bp.saved_bytes((x.T @ x).sum()) == 12 * 8


@pytest.mark.parametrize("hidden", ["tanh", "sigmoid", "relu"])
@pytest.mark.parametrize("sizes,m", [([5, 7, 3], 4), ([64, 128, 128, 10], 16), ([3, 4, 4, 4, 2], 1)])
def test_layer_memory_is_one_activation_per_layer(hidden, sizes, m):
    Ws, bs = bp.tensor_mlp_params(sizes, seed=1)
    X, Y = batch(sizes, m)
    L = len(sizes) - 1
    expected = [8 * m * (sizes[0] + sizes[1])] + [8 * m * sizes[l] for l in range(2, L)] + [0, 16 * m * sizes[L]]
    if L == 1:
        expected = [8 * m * sizes[0], 16 * m * sizes[1]]
    assert bp.layer_memory((Ws, bs), X, Y, hidden=hidden) == expected


def test_layer_memory_accepts_an_mlp():
    net = bp.MLP([4, 6, 3], hidden="tanh", output="softmax", loss="cross_entropy", seed=0)
    X, Y = batch([4, 6, 3], 5)
    assert bp.layer_memory(net, X, Y) == [8 * 5 * (4 + 6), 0, 16 * 5 * 3]


# ---------------------------------------------------------------- checkpointing
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(1, 6), min_size=2, max_size=6), st.integers(1, 6), st.integers(1, 8),
       st.sampled_from(["tanh", "sigmoid", "relu", "identity"]), st.integers(0, 1000))
def test_checkpointing_gives_identical_gradients(hidden_sizes, every, m, hidden, seed):
    sizes = [3] + hidden_sizes[:-1] + [max(2, hidden_sizes[-1])]
    Ws, bs = bp.tensor_mlp_params(sizes, seed=seed)
    X, Y = batch(sizes, m, seed)
    plain, g_plain = bp.checkpoint_costs(Ws, bs, X, Y, hidden, None)
    ckpt, g_ckpt = bp.checkpoint_costs(Ws, bs, X, Y, hidden, every)
    assert bp.relative_error(g_ckpt, g_plain) == 0.0
    assert ckpt.recomputed_ops == plain.forward_ops - 1 and plain.recomputed_ops == 0
    assert ckpt.kept_bytes <= plain.kept_bytes


def test_checkpointed_gradients_match_central_differences():
    sizes = [3, 4, 4, 2]
    Ws, bs = bp.tensor_mlp_params(sizes, seed=0)
    X, Y = batch(sizes, 5)

    def cost(*params):
        return bp.mlp_cost_checkpointed(list(params[:3]), list(params[3:]), X, Y, "tanh", every=2)

    assert bp.check_tensor_function(cost, [*(W.value for W in Ws), *(b.value for b in bs)]) < 1e-7


def test_checkpoint_profile_minimum_near_sqrt_depth():
    prof = bp.checkpoint_profile(16, 32, 8)
    assert int(prof["every"][np.argmin(prof["peak"])]) == 4
    assert (prof["recomputed"] == prof["forward_ops"] - 1).all()
    assert prof["kept"][-1] < prof["kept"][0] == prof["plain_kept"]


def test_checkpoint_profile_fixed_values():
    prof = bp.checkpoint_profile(depth=4, width=8, batch=2)
    assert prof["plain_kept"] == 1728
    assert prof["kept"].tolist() == [1728, 1472, 1472, 1344]
    assert prof["forward_ops"] == 16


def test_checkpoint_with_constant_inputs():
    x, W = Tensor(np.ones((2, 3)), requires_grad=False), Tensor(np.full((3, 3), 0.1))
    y = bp.checkpoint(lambda a, w: (a @ w).tanh() @ w, x, W)
    y.sum().backward()
    W2 = Tensor(np.full((3, 3), 0.1))
    ((x @ W2).tanh() @ W2).sum().backward()
    assert x.grad is None
    np.testing.assert_array_equal(W.grad, W2.grad)


# ---------------------------------------------------------------- check_vjp catches a wrong VJP
def test_check_vjp_passes_right_and_fails_wrong():
    rng = np.random.default_rng(0)
    X, Y, G = rng.normal(size=(4, 4)), rng.normal(size=(4, 4)), rng.normal(size=(4, 4))
    assert bp.check_vjp(lambda a, b: a @ b, [X, Y], G, bp.matmul_vjp(G, X, Y)) < 1e-8
    assert bp.check_vjp(lambda a, b: a @ b, [X, Y], G, (G @ Y, X.T @ G)) > 0.1
    b = rng.normal(size=4)
    assert bp.check_vjp(lambda a, c: a + c, [X, b], G, (G, G[0])) > 0.1


# ---------------------------------------------------------------- training
def test_train_tensor_mlp_learns_and_is_deterministic():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 3))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    r1 = bp.train_tensor_mlp(X, np.eye(2)[y], X, y, hidden_sizes=(8,), epochs=15, lr=0.3, seed=2)
    r2 = bp.train_tensor_mlp(X, np.eye(2)[y], X, y, hidden_sizes=(8,), epochs=15, lr=0.3, seed=2)
    assert r1.test_accuracy >= 0.9 and r1.costs[-1] < r1.costs[0]
    np.testing.assert_array_equal(r1.costs, r2.costs)


def test_engine_training_step_equals_mlp_step():
    """One SGD step with engine gradients is one step of bp.MLP with its own gradients."""
    net = bp.MLP([5, 6, 3], hidden="relu", output="softmax", loss="cross_entropy", seed=4)
    X, Y = batch([5, 6, 3], 7)
    dWs, dbs = bp.tensor_gradients(net, X, Y)
    ref = net.copy()
    ref.update(*ref.gradients(X, Y), lr=0.1)
    net.update(dWs, dbs, lr=0.1)
    assert bp.relative_error(net.weights, ref.weights) < 1e-14


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize("make,exc,words", [
    (lambda: bp.checkpoint(lambda a: a, np.ones(2)), TypeError, ["inputs[0]", "Tensor"]),
    (lambda: bp.checkpoint(3, Tensor(np.ones(2))), TypeError, ["fn"]),
    (lambda: bp.checkpoint(lambda a: 1.0, Tensor(np.ones(2))), TypeError, ["fn", "Tensor"]),
    (lambda: bp.checkpoint_profile(1, 8, 2), ValueError, ["depth", "2"]),
    (lambda: bp.checkpoint_profile(3, 0, 2), ValueError, ["width"]),
    (lambda: bp.mlp_cost_checkpointed(*bp.tensor_mlp_params([3, 2], 0), np.ones((4, 5)), np.ones((4, 2))),
     ValueError, ["X", "3 columns", "(4, 5)"]),
    (lambda: bp.mlp_cost_checkpointed(*bp.tensor_mlp_params([3, 2], 0), np.ones((4, 3)), np.ones((4, 2)),
                                      every=0), ValueError, ["every"]),
    (lambda: bp.layer_memory(bp.tensor_mlp_params([3, 2], 0), np.ones((4, 3)), np.ones((5, 2))),
     ValueError, ["Y", "4 rows", "(5, 2)"]),
    (lambda: bp.layer_memory(bp.tensor_mlp_params([3, 2], 0), np.ones((4, 3)), np.ones((4, 2)), hidden="bad"),
     ValueError, ["hidden", "'bad'"]),
    (lambda: bp.check_vjp(lambda a: a, [np.ones(2)], np.ones(2), (np.ones(3),)), ValueError,
     ["vjp_result[0]", "(2,)", "(3,)"]),
    (lambda: bp.train_tensor_mlp(np.ones((4, 3)), np.ones((4, 2)), np.ones((2, 3)), np.ones(3)),
     ValueError, ["y_test", "(2,)", "(3,)"]),
    (lambda: bp.tensor_mlp_params([3], 0), ValueError, ["sizes"]),
    (lambda: Tensor.from_vjp(np.ones(2), (np.ones(2),), lambda g, *s: (g,)), TypeError, ["parents[0]"]),
])
def test_bad_input(make, exc, words):
    with pytest.raises(exc) as info:
        make()
    for w in words:
        assert w in str(info.value), f"{w!r} not in {info.value}"


# ---------------------------------------------------------------- figures and widget
def test_plots_and_widget_build():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import bplib.plots as bpp
    import bplib.widgets as bpw
    ax = bpp.plot_layer_memory([1024, 0], [1024, 0], ["layer 1", "loss"])
    assert ax.get_ylabel() and ax.get_xlabel()
    ax = bpp.plot_checkpoint_tradeoff(bp.checkpoint_profile(4, 8, 2))
    assert "lowest peak" in ax.get_title() and ax.get_ylabel()
    with pytest.raises(ValueError):
        bpp.plot_layer_memory([1, 2], [1], ["a", "b"])
    plt.close("all")
    assert bpw.checkpoint_widget(depth=3, width=8, batch=2) is not None
    plt.close("all")


def test_graph_bytes_counts_intermediate_values_too():
    sizes, m = [5, 6, 3], 4
    Ws, bs = bp.tensor_mlp_params(sizes, seed=0)
    X, Y = batch(sizes, m)
    cost = bp.tensor_mlp_logits(Ws, bs, X, hidden="tanh").cross_entropy(Y)
    needed = bp.saved_bytes(cost, exclude=[*Ws, *bs])
    held = bp.graph_bytes(cost, exclude=[*Ws, *bs])
    assert needed == 8 * m * (5 + 6) + 16 * m * 3
    # plus each layer's product and Z (tanh's output is kept anyway), and the scalar cost
    assert held == needed + 8 * m * (6 + 6) + 8 * m * (3 + 3) + 8
    with pytest.raises(TypeError, match="root"):
        bp.graph_bytes(np.ones(2))

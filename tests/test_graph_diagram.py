"""bplib.network_adjoints (the numbers of chapter 10's network graph) and bplib.plots.graph_diagram."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import bplib as bp  # noqa: E402
import bplib.plots as bpp  # noqa: E402

X1 = np.array([[0.5, -1.0]])
Y1 = np.array([[1.0, 0.0]])


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize("sizes,hidden,output", [([2, 2, 2], "tanh", "sigmoid"),
                                                 ([2, 3, 4, 2], "relu", "identity"),
                                                 ([2, 1, 2], "sigmoid", "sigmoid")])
def test_network_adjoints_agree_with_the_matrix_backward_pass(sizes, hidden, output):
    net = bp.MLP(sizes, hidden=hidden, output=output, loss="mse", seed=3)
    g = bp.network_adjoints(net, X1, Y1)
    Zs, As = net.forward_pass(X1)
    _, dbs = net.gradients(X1, Y1)
    L = len(net.weights)
    for l in range(L):
        np.testing.assert_allclose(g["z"][l], Zs[l][0], rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(g["a"][l + 1], As[l + 1][0], rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(g["delta"][l], dbs[l], rtol=1e-12, atol=1e-15)     # δ^l = ∂C/∂b^l
        np.testing.assert_allclose(g["delta"][l], g["a_bar"][l] * g["local"][l], rtol=1e-13, atol=1e-15)
    for l in range(L - 1):                                                          # ā^l = (W^{l+1})ᵀ δ^{l+1}
        np.testing.assert_allclose(g["a_bar"][l], net.weights[l + 1].T @ g["delta"][l + 1], rtol=1e-12,
                                   atol=1e-15)
    np.testing.assert_allclose(g["a_bar"][-1], g["a"][-1] - Y1[0], rtol=1e-13, atol=1e-15)
    assert g["cost"] == pytest.approx(net.loss(X1, Y1), rel=1e-13)
    assert g["a"][0] is not X1 and np.array_equal(g["a"][0], X1[0])


def test_network_adjoints_do_not_change_the_network():
    net = bp.MLP([2, 2, 2], hidden="tanh", output="sigmoid", seed=0)
    before = [W.copy() for W in net.weights]
    g = bp.network_adjoints(net, X1, Y1)
    g["weights"][0][0, 0] = 99.0
    assert all(np.array_equal(W, W0) for W, W0 in zip(net.weights, before))


@pytest.mark.parametrize("kwargs,X,Y,match", [
    (dict(loss="cross_entropy", output="softmax"), X1, Y1, r"net: .* expected loss 'mse', got 'cross_entropy'"),
    (dict(l2=0.1), X1, Y1, r"net: expected l2 = 0, got l2=0.1"),
    ({}, np.vstack([X1, X1]), np.vstack([Y1, Y1]), r"X: expected one example, shape \(1, 2\), got shape \(2, 2\)"),
    ({}, X1[0], Y1, r"X"),
])
def test_network_adjoints_reject_bad_input(kwargs, X, Y, match):
    net = bp.MLP([2, 2, 2], **{"hidden": "tanh", "output": "sigmoid", **kwargs}, seed=0)
    with pytest.raises(ValueError, match=match):
        bp.network_adjoints(net, X, Y)


def test_network_graph_draws_every_node_and_traces_the_fan_out():
    net = bp.MLP([2, 3, 2], hidden="tanh", output="sigmoid", seed=1)
    g = bp.network_adjoints(net, X1, Y1)
    ax = bpp.plot_network_graph(g, highlight=1)
    assert ax.get_xlabel() and ax.get_ylabel()
    assert len(ax.patches) == 2 + 2 * 3 + 2 * 2 + 1                    # inputs, z and a per unit, C
    texts = [t.get_text() for t in ax.texts]
    trace = [t for t in texts if t.startswith(r"$\partial C/\partial a^1_{1}$")]
    assert len(trace) == 1 and trace[0].endswith(f"= {g['a_bar'][0][1]:.3f}")
    assert sum("$w^{2}_{" in t for t in texts) == 3 * 2                 # one label per weight of layer 2
    assert any(f"{g['delta'][1][0]:.3f}" in t for t in texts)


def test_network_graph_rejects_bad_input():
    net = bp.MLP([2, 2, 2], hidden="tanh", output="sigmoid", seed=0)
    g = bp.network_adjoints(net, X1, Y1)
    with pytest.raises(TypeError, match=r"values: expected the dict returned by bplib.network_adjoints"):
        bpp.plot_network_graph({"a": []})
    with pytest.raises(ValueError, match=r"highlight: expected a unit of hidden layer 1 \(0 … 1\)"):
        bpp.plot_network_graph(g, highlight=2)
    one_layer = bp.network_adjoints(bp.MLP([2, 2], output="sigmoid", seed=0), X1, Y1)
    with pytest.raises(ValueError, match=r"at least two weight layers"):
        bpp.plot_network_graph(one_layer)
    assert bpp.plot_network_graph(one_layer, highlight=None).get_xlabel()

"""Smoke tests of bplib.plots.classification and bplib.widgets.classification (Agg backend)."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import bplib as bp  # noqa: E402
import bplib.plots as bpp  # noqa: E402
import bplib.widgets as bpw  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def moons_net():
    X, labels = bp.moons(40, 0.2, seed=0)
    net, history = bp.train_classifier(X, labels, hidden_units=5, iterations=50, lr=1.0, seed=0)
    return X, labels, net, history


@pytest.fixture(scope="module")
def digits_net():
    X_train, X_test, y_train, y_test = bp.digits_split(0.25, seed=0)
    net = bp.MLP([64, 8, 10], hidden="tanh", output="softmax", loss="cross_entropy", seed=0)
    bp.train(net, X_train, bp.one_hot(y_train, 10), lr=0.3, epochs=3, batch_size=64, seed=0)
    return X_test[:60], y_test[:60], net


def test_decision_boundary(moons_net):
    X, labels, net, _ = moons_net
    ax = bpp.plot_decision_boundary(net, X, labels, resolution=30, title="moons")
    assert ax.get_xlabel() == "$x_1$" and ax.get_ylabel() == "$x_2$" and ax.get_title() == "moons"
    assert len(ax.collections) >= 3          # shading, boundary line, points
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts[:2] == ["class 0", "class 1"]
    with pytest.raises(ValueError, match=r"X: expected shape \(40, 2\)"):
        bpp.plot_decision_boundary(net, X[:10], labels)
    with pytest.raises(ValueError, match=r"labels: expected a 1-D"):
        bpp.plot_decision_boundary(net, X, bp.one_hot(labels, 2))


def test_error_curve_and_learning_curves(moons_net):
    *_, history = moons_net
    ax = bpp.plot_error_curve(history.metrics["error_rate"], label="training")
    assert ax.get_ylabel() == "misclassified fraction" and ax.get_xlabel() == "iteration"
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), history.metrics["error_rate"])
    ax = bpp.plot_learning_curves({"a": [0.1, 0.5, 0.9], "b": [0.2, 0.4]}, ylabel="test accuracy")
    assert [line.get_label() for line in ax.get_lines()] == ["a", "b"]
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "test accuracy"
    with pytest.raises(ValueError, match=r"errors: expected a 1-D sequence"):
        bpp.plot_error_curve(np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"curves: expected at least one named curve"):
        bpp.plot_learning_curves({})


def test_confusion_matrix_plot():
    C = bp.confusion_matrix([0, 1, 2, 2], [0, 2, 2, 1], n_classes=3)
    ax = bpp.plot_confusion_matrix(C)
    assert ax.get_xlabel() == "predicted class" and ax.get_ylabel() == "true class"
    written = sorted(t.get_text() for t in ax.texts)
    assert written == ["0", "1", "1", "1", "1"]      # the diagonal (1, 0, 1) and the two errors
    with pytest.raises(ValueError, match=r"C: expected a square matrix of shape \(k, k\), got shape \(2, 3\)"):
        bpp.plot_confusion_matrix(np.zeros((2, 3)))


def test_weight_images_and_galleries(digits_net):
    X, y, net = digits_net
    W = np.random.default_rng(0).normal(size=(10, 64))
    fig = bpp.plot_weight_images(W, titles=[f"digit {d}" for d in range(10)])
    panels = [ax for ax in fig.axes if ax.get_title()]
    assert len(panels) == 10 and panels[3].get_title() == "digit 3"
    np.testing.assert_array_equal(panels[3].images[0].get_array(), W[3].reshape(8, 8))
    with pytest.raises(ValueError, match=r"W: expected shape \(k, 64\)"):
        bpp.plot_weight_images(np.zeros((10, 63)))

    fig = bpp.plot_image_gallery(X[:5], [str(d) for d in y[:5]], ncols=3)
    assert [ax.get_title() for ax in fig.axes if ax.get_visible()] == [str(d) for d in y[:5]]

    predicted = net.predict(X)
    wrong = np.flatnonzero(predicted != y)
    assert wrong.size > 0
    fig = bpp.plot_misclassified(X, y, predicted, probabilities=net.forward(X), max_images=4)
    titles = [ax.get_title() for ax in fig.axes if ax.get_visible()]
    assert len(titles) == min(4, wrong.size)
    assert titles[0].startswith(f"{y[wrong[0]]} → {predicted[wrong[0]]} (")
    fig = bpp.plot_misclassified(X, y, y)
    assert fig.axes[0].texts[0].get_text() == "no misclassified examples"
    with pytest.raises(ValueError, match=r"X, y_true and y_pred must have the same number of rows"):
        bpp.plot_misclassified(X, y[:5], predicted)


def test_probability_bars_and_digit_prediction(digits_net):
    X, y, net = digits_net
    hidden, probabilities = bp.layer_activations(net, X[:1])
    ax = bpp.plot_probability_bars(probabilities[0], true_label=int(y[0]))
    assert ax.get_xlabel() == "class" and ax.get_ylabel() == "probability"
    heights = [p.get_height() for p in ax.patches]
    np.testing.assert_allclose(heights, probabilities[0])
    fig = bpp.plot_digit_prediction(X[0], probabilities[0], hidden=hidden[0], true_label=int(y[0]))
    assert len(fig.axes) == 3 and fig.axes[1].get_xlabel() == "hidden unit"
    assert fig.axes[2].get_title() == f"output: predicted {int(np.argmax(probabilities[0]))}"
    assert len(bpp.plot_digit_prediction(X[0], probabilities[0]).axes) == 2
    with pytest.raises(ValueError, match=r"p: expected a 1-D vector"):
        bpp.plot_probability_bars(probabilities)
    with pytest.raises(ValueError, match=r"x: expected a 1-D image vector of shape \(64,\), got shape \(1, 64\)"):
        bpp.plot_digit_prediction(X[:1], probabilities[0])


def test_decision_boundary_widget_builds_and_redraws(moons_net):
    X, labels, *_ = moons_net
    widget = bpw.decision_boundary_widget(X, labels, X, labels, iterations=50)
    sliders = widget.children[0].children
    assert [s.description for s in sliders] == ["hidden units", "λ (L2)", "iterations"]
    assert all(s.continuous_update is False for s in sliders)
    plt.close("all")
    sliders[0].value = 2                       # triggers a redraw (outside IPython, errors propagate)
    assert len(plt.get_fignums()) == 1
    assert [ax.get_ylabel() for ax in plt.gcf().axes][:2] == ["$x_2$", "misclassified fraction"]


def test_digit_probabilities_widget_builds_and_redraws(digits_net):
    X, y, net = digits_net
    widget = bpw.digit_probabilities_widget(net, X, y, index=3)
    picker = widget.children[0]
    assert picker.description == "test image" and picker.max == len(X) - 1 and picker.value == 3
    assert picker.continuous_update is False
    plt.close("all")
    picker.value = 5                           # triggers a redraw
    fig = plt.gcf()
    assert len(plt.get_fignums()) == 1 and fig.axes[0].get_title() == f"input (true {y[5]})"

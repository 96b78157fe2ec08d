"""Tests of bplib.metrics: accuracy, confusion matrix, helpers of chapters 07-08, exercise checks."""
from __future__ import annotations

import numpy as np
import pytest
import sklearn.metrics
from hypothesis import given, settings
from hypothesis import strategies as st

import bplib as bp


@st.composite
def label_pairs(draw):
    k = draw(st.integers(1, 6))
    m = draw(st.integers(1, 40))
    labels = st.lists(st.integers(0, k - 1), min_size=m, max_size=m)
    return np.array(draw(labels)), np.array(draw(labels)), k


# ---------------------------------------------------------------------------- accuracy
def test_accuracy_and_error_rate_by_hand():
    y_true = [0, 1, 2, 2, 1]
    y_pred = [0, 2, 2, 1, 1]           # right at 0, 2, 4
    assert bp.accuracy(y_true, y_pred) == 0.6
    assert bp.error_rate(y_true, y_pred) == pytest.approx(0.4, abs=1e-15)
    assert bp.accuracy([3], [3]) == 1.0
    assert bp.error_rate([3], [4]) == 1.0


@settings(max_examples=40, deadline=None)
@given(label_pairs())
def test_accuracy_matches_sklearn(pair):
    y_true, y_pred, _ = pair
    assert bp.accuracy(y_true, y_pred) == pytest.approx(sklearn.metrics.accuracy_score(y_true, y_pred), abs=1e-15)
    assert bp.accuracy(y_true, y_pred) + bp.error_rate(y_true, y_pred) == pytest.approx(1.0, abs=1e-15)


def test_accuracy_accepts_integral_floats_and_net_predictions():
    assert bp.accuracy(np.array([0.0, 1.0]), np.array([0, 1])) == 1.0
    X, labels = bp.moons(20, 0.1, seed=0)
    net = bp.MLP([2, 3, 2], hidden="tanh", output="softmax", loss="cross_entropy", seed=0)
    assert bp.accuracy(labels, net.predict(X)) == np.mean(net.predict(X) == labels)


# ---------------------------------------------------------------------------- confusion matrix
def test_confusion_matrix_by_hand():
    C = bp.confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2])
    expected = np.array([[1, 1, 0],
                         [0, 1, 0],
                         [1, 0, 2]])
    np.testing.assert_array_equal(C, expected)
    assert C.dtype == np.int64


def test_confusion_matrix_pads_to_n_classes():
    C = bp.confusion_matrix([0, 1], [1, 1], n_classes=4)
    assert C.shape == (4, 4)
    assert C[0, 1] == 1 and C[1, 1] == 1 and C.sum() == 2


@pytest.mark.filterwarnings("ignore:A single label was found")   # sklearn's notice when k = 1
@settings(max_examples=40, deadline=None)
@given(label_pairs())
def test_confusion_matrix_matches_sklearn_and_accuracy(pair):
    y_true, y_pred, k = pair
    C = bp.confusion_matrix(y_true, y_pred, n_classes=k)
    np.testing.assert_array_equal(C, sklearn.metrics.confusion_matrix(y_true, y_pred, labels=list(range(k))))
    assert np.trace(C) / C.sum() == pytest.approx(bp.accuracy(y_true, y_pred), abs=1e-15)
    np.testing.assert_array_equal(C.sum(axis=1), np.bincount(y_true, minlength=k))
    np.testing.assert_array_equal(C.sum(axis=0), np.bincount(y_pred, minlength=k))


def test_misclassified_indices():
    np.testing.assert_array_equal(bp.misclassified([0, 1, 2, 2], [0, 2, 2, 0]), [1, 3])
    assert bp.misclassified([1, 1], [1, 1]).shape == (0,)


# ---------------------------------------------------------------------------- bad inputs
def test_label_out_of_range_is_an_error():
    with pytest.raises(ValueError, match=r"y_true: labels must lie in 0 … 2 for n_classes=3, got values in \[0, 3\]"):
        bp.confusion_matrix([0, 3], [0, 1], n_classes=3)
    with pytest.raises(ValueError, match=r"y_pred: labels must lie in 0 … 1 for n_classes=2"):
        bp.confusion_matrix([0, 1], [0, 5], n_classes=2)
    with pytest.raises(ValueError, match=r"y_pred: class labels must be ≥ 0, got a minimum of -1"):
        bp.accuracy([0, 1], [0, -1])


def test_two_dimensional_labels_are_an_error_with_a_hint():
    Y = bp.one_hot([0, 1, 1], 2)
    with pytest.raises(ValueError, match=r"y_true: expected a 1-D array of class labels of shape \(m,\), "
                                         r"got shape \(3, 2\).*argmax"):
        bp.accuracy(Y, [0, 1, 1])
    with pytest.raises(ValueError, match=r"y_pred: expected a 1-D .* got shape \(3, 1\)"):
        bp.confusion_matrix([0, 1, 1], np.array([[0], [1], [1]]))
    with pytest.raises(ValueError, match=r"y_true: expected a 1-D .* got shape \(\)"):
        bp.error_rate(1, [1])


def test_length_mismatch_is_an_error():
    with pytest.raises(ValueError, match=r"y_true and y_pred must have the same length, got y_true \(3,\) and y_pred \(2,\)"):
        bp.accuracy([0, 1, 1], [0, 1])
    with pytest.raises(ValueError, match=r"same length"):
        bp.confusion_matrix([0], [0, 1])
    with pytest.raises(ValueError, match=r"same length"):
        bp.misclassified([0, 1], [0])


def test_other_bad_labels():
    with pytest.raises(TypeError, match=r"y_true: expected integer class labels, got non-integer floats"):
        bp.accuracy([0.5, 1.0], [0, 1])
    with pytest.raises(TypeError, match=r"y_pred: expected integer class labels, got dtype bool"):
        bp.accuracy([0, 1], np.array([False, True]))
    with pytest.raises(TypeError, match=r"y_true: expected a 1-D array of integer class labels, got str"):
        bp.accuracy("01", [0, 1])
    with pytest.raises(ValueError, match=r"y_true: need at least one example"):
        bp.accuracy([], [])
    with pytest.raises(ValueError, match=r"n_classes: must be an integer ≥ 1, got 0"):
        bp.confusion_matrix([0], [0], n_classes=0)


# ---------------------------------------------------------------------------- helpers
def small_net(seed=0):
    return bp.MLP([2, 4, 2], hidden="tanh", output="softmax", loss="cross_entropy", seed=seed)


def test_class_probability_grid_covers_the_points_and_matches_forward():
    X = np.array([[-1.0, 0.0], [2.0, 1.0]])
    net = small_net()
    xx, yy, P = bp.class_probability_grid(net, X, resolution=7, margin=0.5)
    assert xx.shape == yy.shape == (7, 7) and P.shape == (7, 7, 2)
    assert xx.min() == -1.5 and xx.max() == 2.5 and yy.min() == -0.5 and yy.max() == 1.5
    # np.meshgrid order: x varies along columns, y along rows
    assert np.all(np.diff(xx, axis=1) > 0) and np.all(np.diff(xx, axis=0) == 0)
    assert np.all(np.diff(yy, axis=0) > 0) and np.all(np.diff(yy, axis=1) == 0)
    np.testing.assert_allclose(P.sum(axis=2), 1.0, atol=1e-12)
    np.testing.assert_allclose(P[3, 5], net.forward(np.array([[xx[3, 5], yy[3, 5]]]))[0], rtol=0, atol=1e-15)


def test_class_probability_grid_bad_inputs():
    with pytest.raises(ValueError, match=r"net: .* 2 inputs, got sizes \[3, 2\]"):
        bp.class_probability_grid(bp.MLP([3, 2], output="softmax", loss="cross_entropy"), np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"X: expected 2 columns"):
        bp.class_probability_grid(small_net(), np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"resolution: must be an integer ≥ 2, got 1"):
        bp.class_probability_grid(small_net(), np.zeros((4, 2)), resolution=1)


def test_train_classifier_records_error_per_iteration_and_learns():
    X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    net, history = bp.train_classifier(X, [0, 0, 1, 1], hidden_units=4, iterations=300, lr=2.0, seed=0,
                                       held_out=(X, [0, 0, 1, 1]))
    errors = history.metrics["error_rate"]
    assert len(errors) == 301 and errors[-1] == 0.0
    assert history.metrics["held_out_error_rate"] == errors
    assert net.sizes == [2, 4, 2] and net.hidden == "tanh" and net.output == "softmax"
    assert errors[0] == bp.error_rate([0, 0, 1, 1], bp.MLP([2, 4, 2], hidden="tanh", output="softmax",
                                                          loss="cross_entropy", seed=0).predict(X))


def test_train_classifier_is_mlp_plus_train_with_the_given_seed():
    X, labels = bp.moons(30, 0.2, seed=4)
    net, history = bp.train_classifier(X, labels, hidden_units=3, l2=0.01, iterations=20, lr=0.5, seed=7)
    manual = bp.MLP([2, 3, 2], hidden="tanh", output="softmax", loss="cross_entropy", l2=0.01, seed=7)
    manual_history = bp.train(manual, X, bp.one_hot(labels, 2), lr=0.5, epochs=20, seed=7)
    for W, W_manual in zip(net.weights + net.biases, manual.weights + manual.biases):
        np.testing.assert_array_equal(W, W_manual)
    assert history.loss == manual_history.loss


def test_train_classifier_reaches_the_chapter_07_headline():
    """Chapter 07: 200 moons points, 10 tanh units, lr 1, lambda 1e-3, 1000 full-batch iterations."""
    X, labels = bp.moons(200, 0.2, seed=0)
    net, history = bp.train_classifier(X, labels, hidden_units=10, l2=1e-3, iterations=1000, lr=1.0, seed=0)
    assert bp.accuracy(labels, net.predict(X)) >= 0.97
    assert np.all(np.diff(history.loss) < 0)


def test_train_classifier_bad_inputs():
    X = np.zeros((4, 2))
    with pytest.raises(ValueError, match=r"X and labels must have the same number of rows, got X \(4, 2\) and labels \(3,\)"):
        bp.train_classifier(X, [0, 1, 0])
    with pytest.raises(ValueError, match=r"hidden_units: must be an integer ≥ 1, got 0"):
        bp.train_classifier(X, [0, 1, 0, 1], hidden_units=0)
    with pytest.raises(ValueError, match=r"X_test: expected 2 columns"):
        bp.train_classifier(X, [0, 1, 0, 1], iterations=1, held_out=(np.zeros((2, 3)), [0, 1]))
    with pytest.raises(ValueError, match=r"X_test and labels_test must have the same number of rows"):
        bp.train_classifier(X, [0, 1, 0, 1], iterations=1, held_out=(np.zeros((2, 2)), [0, 1, 1]))


def test_layer_activations():
    net = bp.MLP([4, 3, 2], hidden="tanh", output="softmax", loss="cross_entropy", seed=1)
    X = np.random.default_rng(0).normal(size=(5, 4))
    H, P = bp.layer_activations(net, X)
    assert H.shape == (5, 3) and P.shape == (5, 2)
    np.testing.assert_allclose(H, np.tanh(X @ net.weights[0].T + net.biases[0]), rtol=0, atol=1e-15)
    np.testing.assert_array_equal(P, net.forward(X))
    with pytest.raises(ValueError, match=r"X: expected 4 columns"):
        bp.layer_activations(net, np.zeros((1, 3)))


# ---------------------------------------------------------------------------- exercise checks
def test_check_softmax_delta():
    z = np.array([2.0, 1.0, -1.0])
    right = bp.softmax(z[None, :])[0] - np.array([1.0, 0.0, 0.0])
    result = bp.check_softmax_delta(right, z, 0)
    assert result.ok and bool(result) and repr(result).startswith("Correct")
    assert not bp.check_softmax_delta(-right, z, 0)                               # seed-004-style sign slip
    assert not bp.check_softmax_delta(bp.softmax(z[None, :])[0], z, 0)            # forgot to subtract y
    assert "shape (3,)" in bp.check_softmax_delta(right[:2], z, 0).message
    # the hand answers of the chapter's solution, to three and to two decimals, pass
    assert bp.check_softmax_delta([-0.295, 0.259, 0.035], z, 0).ok
    assert bp.check_softmax_delta([-0.29, 0.26, 0.04], z, 0).ok
    assert not bp.check_softmax_delta([-0.28, 0.26, 0.02], z, 0).ok               # 0.015 off: wrong
    # the likely slips are named
    assert "subtract 1 at the true class 0" in bp.check_softmax_delta([0.705, 0.259, 0.035], z, 0).message
    assert "y − a" in bp.check_softmax_delta([0.295, -0.259, -0.035], z, 0).message
    assert "at entry 1" in bp.check_softmax_delta([0.705, -0.741, 0.035], z, 0).message
    assert "every entry" in bp.check_softmax_delta(right - np.array([0.0, 1.0, 1.0]), z, 0).message
    assert "sum to" in bp.check_softmax_delta([-0.3, 0.2, 0.03], z, 0).message
    assert "NaN" in bp.check_softmax_delta([np.nan, 0, 0], z, 0).message
    with pytest.raises(ValueError, match=r"label: must lie in 0 … 2 for 3 logits, got 3"):
        bp.check_softmax_delta(right, z, 3)
    with pytest.raises(ValueError, match=r"z: expected a 1-D vector of logits of shape \(k,\), got shape \(1, 3\)"):
        bp.check_softmax_delta(right, z[None, :], 0)


def test_check_per_class_recall():
    C = np.array([[3, 1], [2, 4]])
    assert bp.check_per_class_recall([0.75, 4 / 6], C).ok
    assert bp.check_per_class_recall([0.75, 0.667], C).ok          # rounded by hand to three decimals
    assert bp.check_per_class_recall([0.75, 0.67], C).ok is False   # two decimals: 0.0033 off
    precision = np.diag(C) / C.sum(axis=0)
    verdict = bp.check_per_class_recall(precision, C)
    assert not verdict.ok and "precision" in verdict.message
    assert not bp.check_per_class_recall([0.75, 0.5], C).ok
    with pytest.raises(ValueError, match=r"C: expected a square confusion matrix of shape \(k, k\), got shape \(2, 3\)"):
        bp.check_per_class_recall([1, 1], np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"C: every class needs at least one example"):
        bp.check_per_class_recall([1, 1], np.array([[1, 0], [0, 0]]))


# ---------------------------------------------------------------------------- chapter 08's equations
def test_sigmoid_mse_weight_gradient_matches_central_differences_and_the_mlp():
    rng = np.random.default_rng(8)
    net = bp.MLP([6, 4], output="sigmoid", loss="mse", seed=2)
    X, Y = rng.random((7, 6)), bp.one_hot(rng.integers(0, 4, 7), 4)
    analytic = bp.sigmoid_mse_weight_gradient(net.forward(X), Y, X)
    numeric = bp.numerical_layer_gradient(net, X, Y, 1)
    assert bp.relative_error(analytic, numeric) < 1e-7
    assert bp.relative_error(analytic, net.gradients(X, Y)[0][0]) < 1e-12
    assert bp.relative_error(bp.sigmoid_mse_weight_gradient(net.forward(X), Y, X), -numeric) > 0.99   # sign matters


def test_sigmoid_mse_delta_is_dC_dz_and_vanishes_when_saturated():
    z = np.array([-6.0, 0.3, 6.0])
    y = np.array([1.0, 0.0, 0.0])

    def cost(v):
        return 0.5 * float(np.sum((bp.sigmoid(v) - y) ** 2))

    delta = bp.sigmoid_mse_delta(bp.sigmoid(z)[None, :], y[None, :])[0]
    assert bp.relative_error(delta, bp.numerical_gradient(cost, z)) < 1e-8
    assert abs(delta[0]) < 0.003                      # confidently wrong, yet almost no gradient


def test_chapter_08_equations_reject_bad_shapes():
    with pytest.raises(ValueError, match=r"Y: expected the shape of A, \(2, 3\), got shape \(2, 2\)"):
        bp.sigmoid_mse_delta(np.zeros((2, 3)), np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"X: expected 2 rows, one per row of A, got shape \(3, 4\)"):
        bp.sigmoid_mse_weight_gradient(np.zeros((2, 3)), np.zeros((2, 3)), np.zeros((3, 4)))
    with pytest.raises(ValueError, match=r"A"):
        bp.sigmoid_mse_delta(np.zeros(3), np.zeros(3))

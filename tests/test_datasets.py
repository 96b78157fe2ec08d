"""Unit tests of bplib.datasets: shapes, values, determinism, scaling and stratification."""
import numpy as np
import pytest

import bplib as bp


# ------------------------------------------------------------------ truth tables
def test_half_adder_is_sum_and_carry():
    X, Y = bp.half_adder()
    assert X.shape == (4, 2) and Y.shape == (4, 2) and X.dtype == Y.dtype == np.float64
    a, b = X[:, 0].astype(int), X[:, 1].astype(int)
    np.testing.assert_array_equal(Y[:, 0], a ^ b)  # sum bit
    np.testing.assert_array_equal(Y[:, 1], a & b)  # carry bit
    assert {tuple(row) for row in X} == {(0, 0), (0, 1), (1, 0), (1, 1)}


def test_xor_truth_table():
    X, Y = bp.xor()
    assert X.shape == (4, 2) and Y.shape == (4, 1)
    np.testing.assert_array_equal(Y[:, 0], X[:, 0].astype(int) ^ X[:, 1].astype(int))


def test_tables_are_fresh_arrays():
    X, _ = bp.xor()
    X[0, 0] = 7.0
    assert bp.xor()[0][0, 0] == 0.0


# ------------------------------------------------------------------ the line of chapter 02
def test_linear_samples_default_is_seed_000_line():
    x, y = bp.linear_samples()
    np.testing.assert_array_equal(x, np.arange(13.0))
    np.testing.assert_array_equal(y, 5 * np.arange(13.0) + 3)
    assert x.shape == y.shape == (13,) and x.dtype == np.float64


def test_linear_samples_parameters():
    x, y = bp.linear_samples(slope=-2.0, intercept=0.5, xs=[0, 1, 4])
    np.testing.assert_array_equal(x, [0.0, 1.0, 4.0])
    np.testing.assert_array_equal(y, [0.5, -1.5, -7.5])


# ------------------------------------------------------------------ moons
def test_moons_shapes_and_classes():
    X, labels = bp.moons()
    assert X.shape == (200, 2) and X.dtype == np.float64
    assert labels.shape == (200,) and labels.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(labels), [100, 100])


def test_moons_are_deterministic_per_seed():
    X1, l1 = bp.moons(seed=3)
    X2, l2 = bp.moons(seed=3)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(l1, l2)
    assert not np.array_equal(X1, bp.moons(seed=4)[0])


def test_noiseless_moons_lie_on_two_half_circles():
    X, labels = bp.moons(n_samples=50, noise=0.0)
    upper, lower = X[labels == 0], X[labels == 1]
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0, rtol=1e-12)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0, rtol=1e-12)
    assert np.all(upper[:, 1] >= -1e-12) and np.all(lower[:, 1] <= 0.5 + 1e-12)


# ------------------------------------------------------------------ digits
@pytest.fixture(scope="module")
def digits():
    return bp.digits_split()


def test_digits_shapes_and_types(digits):
    X_train, X_test, y_train, y_test = digits
    assert X_train.shape == (1347, 64) and X_test.shape == (450, 64)
    assert y_train.shape == (1347,) and y_test.shape == (450,)
    assert X_train.dtype == X_test.dtype == np.float64
    assert y_train.dtype == y_test.dtype == np.int64
    assert set(np.unique(y_train)) == set(np.unique(y_test)) == set(range(10))


def test_digits_are_scaled_to_the_unit_interval(digits):
    X_train, X_test, _, _ = digits
    for X in (X_train, X_test):
        assert X.min() == 0.0 and X.max() == 1.0
        np.testing.assert_array_equal(X * 16, np.round(X * 16))  # pixels 0 … 16 divided by 16


def test_digits_split_is_stratified(digits):
    _, _, y_train, y_test = digits
    counts = np.bincount(np.concatenate([y_train, y_test]), minlength=10)
    assert counts.sum() == 1797
    # each class's share of the test set is a quarter of that class, to within one image
    assert np.all(np.abs(np.bincount(y_test, minlength=10) - 0.25 * counts) <= 1)


def test_digits_split_is_deterministic_per_seed(digits):
    again = bp.digits_split()
    for a, b in zip(digits, again):
        np.testing.assert_array_equal(a, b)
    other = bp.digits_split(seed=1)
    assert not np.array_equal(digits[1], other[1])


def test_digits_split_test_size():
    X_train, X_test, _, _ = bp.digits_split(test_size=0.5)
    assert X_test.shape[0] in (898, 899) and X_train.shape[0] + X_test.shape[0] == 1797

"""The book's data sets: small generated tables and scikit-learn's bundled data (no downloads)."""
from __future__ import annotations

import numpy as np

__all__ = ["half_adder", "xor", "linear_samples", "moons", "digits_split"]


def half_adder():
    """The half adder of the half-adder tutorial: inputs (a, b) → outputs (sum, carry) = (a XOR b, a AND b).

    Returns
    -------
    X : ndarray, shape (4, 2)
    Y : ndarray, shape (4, 2)   columns: sum, carry
    """
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    Y = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    return X, Y


def xor():
    """XOR truth table.  Returns X of shape (4, 2) and Y of shape (4, 1)."""
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    Y = np.array([[0.0], [1.0], [1.0], [0.0]])
    return X, Y


def linear_samples(slope: float = 5.0, intercept: float = 3.0, xs=range(13)):
    """Samples of the line y = slope·x + intercept (the two-neuron tutorial: y = 5x + 3 at x = 0 … 12).

    Returns
    -------
    x, y : ndarray, shape (n,)   (1-D: the scalar chain of chapter 02 takes one number at a time)
    """
    x = np.asarray(list(xs), dtype=np.float64)
    return x, slope * x + intercept


def moons(n_samples: int = 200, noise: float = 0.2, seed: int = 0):
    """scikit-learn's two interleaving half circles (the moons tutorial).

    Returns
    -------
    X : ndarray, shape (n_samples, 2)
    labels : ndarray of int, shape (n_samples,)   class 0 or 1
    """
    from sklearn.datasets import make_moons

    X, labels = make_moons(n_samples=n_samples, noise=noise, random_state=seed)
    return X.astype(np.float64), labels.astype(np.int64)


def digits_split(test_size: float = 0.25, seed: int = 0):
    """scikit-learn's 8×8 handwritten digits (1 797 images, shipped with the package).

    Pixels (0 … 16) are scaled to [0, 1]; the split is stratified and fixed by ``seed``.

    Returns
    -------
    X_train : ndarray, shape (m_train, 64)
    X_test : ndarray, shape (m_test, 64)
    y_train, y_test : ndarray of int, shapes (m_train,), (m_test,)
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    data = load_digits()
    X = data.data.astype(np.float64) / 16.0
    return tuple(train_test_split(X, data.target.astype(np.int64), test_size=test_size,
                                  random_state=seed, stratify=data.target))

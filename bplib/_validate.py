"""Argument checks shared by bplib's public entry points.

Every check raises ``ValueError`` (a value of the right kind that is not allowed: wrong shape,
empty, NaN/inf, out of range, unknown name) or ``TypeError`` (a value of the wrong kind: text,
objects, a bool where a number is meant, a non-callable, a masked array) with a message that
starts with the name of the argument the caller passed and says what it accepts.  Nothing is
reshaped, broadcast or modified in place; lists and other array-likes are converted to new
float arrays.  The policy, category by category, is the "Input handling" section of the
:mod:`bplib` package docstring.
"""
from __future__ import annotations

import numbers

import numpy as np

__all__: list[str] = []


class CountTypeError(TypeError, ValueError):
    """A count (epochs, a batch size, a number of classes …) that is not a whole number.

    A TypeError, as every wrong type is; also a ValueError, because bplib 1.0 raised
    ValueError here and code written against it may catch that.
    """


def _array(x, name: str, what: str) -> np.ndarray:
    # the shared first step of as_matrix / as_float_array: reject text, None, masked arrays and
    # non-numeric dtypes; return an ndarray (a view of x when x already is one)
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name}: expected {what}, got {type(x).__name__}")
    if isinstance(x, np.ma.MaskedArray):
        if np.ma.is_masked(x):
            raise TypeError(f"{name}: got a masked array with {int(np.ma.count_masked(x))} masked "
                            f"value(s); bplib does not skip masked entries, so pass "
                            f"{name}.filled(value) or drop the masked rows first")
        x = x.data
    try:
        arr = np.asarray(x)
    except ValueError as exc:  # a ragged list such as [[1, 2], [3]]
        raise ValueError(f"{name}: expected {what}, got a ragged sequence whose rows differ "
                         f"in length ({exc})") from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name}: expected {what}, got dtype {arr.dtype}")
    return arr


def as_matrix(x, name: str, *, cols: int | None = None, rows: int | None = None,
              finite: bool = True, dtype=None, empty: bool = False) -> np.ndarray:
    """Return ``x`` as a 2-D float array; raise if it is not 2-D or has the wrong size.

    ``cols``/``rows`` fix the expected number of columns/rows; ``finite`` rejects NaN/inf;
    ``empty=False`` (the default) rejects arrays with no rows or no columns: a batch is never
    empty.  A bool or integer array is converted to float64.
    """
    arr = _array(x, name, "a 2-D numeric array")
    if arr.ndim != 2:
        want = f"({rows if rows is not None else 'm'}, {cols if cols is not None else 'n'})"
        raise ValueError(f"{name}: expected a 2-D array of shape {want}, got shape {arr.shape} "
                         f"(1-D input is never reshaped: use x.reshape(1, -1) for one example "
                         f"or x.reshape(-1, 1) for one feature)")
    if cols is not None and arr.shape[1] != cols:
        raise ValueError(f"{name}: expected {cols} columns, shape (m, {cols}), got shape {arr.shape}")
    if rows is not None and arr.shape[0] != rows:
        raise ValueError(f"{name}: expected {rows} rows, shape ({rows}, n), got shape {arr.shape}")
    if not empty:
        check_not_empty(arr, name)
    if arr.dtype.kind != "f":
        arr = arr.astype(np.float64)
    if dtype is not None and arr.dtype != dtype:
        arr = arr.astype(dtype)
    if finite:
        check_finite(arr, name)
    return arr


def check_not_empty(arr: np.ndarray, name: str) -> None:
    """Raise unless the 2-D array ``arr`` has at least one row and one column."""
    if arr.shape[0] == 0:
        raise ValueError(f"{name}: empty batch, expected at least one row (one example), "
                         f"got shape {arr.shape}")
    if arr.shape[1] == 0:
        raise ValueError(f"{name}: expected at least one column, got shape {arr.shape}")


def check_finite(arr: np.ndarray, name: str) -> None:
    """Raise unless every entry of the float array ``arr`` is finite."""
    if not np.isfinite(arr).all():
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name}: contains {bad} NaN or infinite value(s) (shape {arr.shape})")


def as_float_array(x, name: str, *, finite: bool = True) -> np.ndarray:
    """Return ``x`` as a float array of any shape (for elementwise functions)."""
    arr = _array(x, name, "a numeric array")
    if arr.dtype.kind != "f":
        arr = arr.astype(np.float64)
    if finite and not np.isfinite(arr).all():
        raise ValueError(f"{name}: contains NaN or infinite values (shape {arr.shape})")
    return arr


def same_shape(a: np.ndarray, a_name: str, b: np.ndarray, b_name: str) -> None:
    """Raise unless ``a`` and ``b`` have identical shapes."""
    if a.shape != b.shape:
        raise ValueError(f"{a_name} and {b_name} must have the same shape, "
                         f"got {a_name} {a.shape} and {b_name} {b.shape}")


def _real(x, name: str, what: str) -> float:
    # a real number that is not a bool and not text: int, float, numpy scalar or 0-d array
    if isinstance(x, np.ndarray) and x.ndim == 0 and x.dtype.kind in "iuf":
        x = x.item()
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name}: expected {what}, got {x!r}")
    return float(x)


def positive_number(x, name: str) -> float:
    """Return ``x`` as a float; raise unless it is a real number (not text, not a bool),
    finite and > 0."""
    value = _real(x, name, "a positive number")
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name}: must be a finite number > 0, got {x!r}")
    return value


def finite_number(x, name: str) -> float:
    """Return ``x`` as a float; raise unless it is a real number (not text, not a bool), finite."""
    value = _real(x, name, "a finite number")
    if not np.isfinite(value):
        raise ValueError(f"{name}: must be a finite number, got {x!r}")
    return value


def nonnegative_number(x, name: str) -> float:
    """Return ``x`` as a float; raise unless it is a real number, finite and ≥ 0."""
    value = _real(x, name, "a number ≥ 0")
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name}: must be a finite number ≥ 0, got {x!r}")
    return value


def positive_int(x, name: str) -> int:
    """Return ``x`` as an int; raise unless it is an integer ≥ 1 (a bool or 2.0 is not)."""
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, np.integer)):
        raise CountTypeError(f"{name}: must be an integer ≥ 1, got {x!r}")
    if x < 1:
        raise ValueError(f"{name}: must be an integer ≥ 1, got {x!r}")
    return int(x)


def seed(x, name: str = "seed"):
    """Return ``x`` unchanged if it is None or an integer ≥ 0 (what ``np.random.default_rng``
    should be given); raise otherwise (text, a bool, a float, a negative number)."""
    if x is None:
        return None
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, np.integer)):
        raise TypeError(f"{name}: expected None or an integer ≥ 0, got {x!r}")
    if x < 0:
        raise ValueError(f"{name}: expected None or an integer ≥ 0, got {x!r}")
    return int(x)


def generator(x, name: str = "rng"):
    """Return ``x`` if it is None or a ``numpy.random.Generator``; raise TypeError otherwise."""
    if x is not None and not isinstance(x, np.random.Generator):
        raise TypeError(f"{name}: expected a numpy Generator such as np.random.default_rng(0) "
                        f"or None, got {type(x).__name__}")
    return x


def callable_(x, name: str):
    """Return ``x`` if it is callable; raise TypeError naming the argument otherwise."""
    if not callable(x):
        raise TypeError(f"{name}: expected a callable (a function), got {type(x).__name__} {x!r}")
    return x


def float_dtype(x, name: str = "dtype") -> np.dtype:
    """``np.dtype(x)`` if it is float32 or float64; raise naming ``name`` otherwise."""
    try:
        dtype = np.dtype(x)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: expected float32 or float64 (a numpy dtype or its name), "
                         f"got {x!r}") from None
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"{name}: expected float32 or float64, got {dtype}")
    return dtype


def network(x, name: str = "net"):
    """Return ``x`` if it is a :class:`bplib.MLP`; raise TypeError naming the argument otherwise."""
    from .mlp import MLP  # imported here: mlp imports this module

    if not isinstance(x, MLP):
        raise TypeError(f"{name}: expected a bplib.MLP network, got {type(x).__name__}")
    return x


def lookup(table: dict, name, what: str):
    """``table[name]`` with an error listing the valid names."""
    try:
        return table[name]
    except (KeyError, TypeError):
        valid = ", ".join(repr(k) for k in table)
        raise ValueError(f"{what}: unknown name {name!r}; valid names are {valid}") from None

"""Argument checks shared by bplib's public entry points.

Every check raises ``ValueError`` (or ``TypeError`` for non-arrays) with a message that
names the argument, the expected and the received shape.  Nothing is reshaped or broadcast.
"""
from __future__ import annotations

import numpy as np

__all__: list[str] = []


def as_matrix(x, name: str, *, cols: int | None = None, rows: int | None = None,
              finite: bool = True, dtype=None) -> np.ndarray:
    """Return ``x`` as a 2-D float array; raise if it is not 2-D or has the wrong size.

    ``cols``/``rows`` fix the expected number of columns/rows; ``finite`` rejects NaN/inf.
    """
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name}: expected a 2-D numeric array, got {type(x).__name__}")
    arr = np.asarray(x)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name}: expected a 2-D numeric array, got dtype {arr.dtype}")
    if arr.ndim != 2:
        want = f"({rows if rows is not None else 'm'}, {cols if cols is not None else 'n'})"
        raise ValueError(f"{name}: expected a 2-D array of shape {want}, got shape {arr.shape} "
                         f"(1-D input is never reshaped: use x.reshape(1, -1) for one example "
                         f"or x.reshape(-1, 1) for one feature)")
    if cols is not None and arr.shape[1] != cols:
        raise ValueError(f"{name}: expected {cols} columns, shape (m, {cols}), got shape {arr.shape}")
    if rows is not None and arr.shape[0] != rows:
        raise ValueError(f"{name}: expected {rows} rows, shape ({rows}, n), got shape {arr.shape}")
    if arr.dtype.kind != "f":
        arr = arr.astype(np.float64)
    if dtype is not None and arr.dtype != dtype:
        arr = arr.astype(dtype)
    if finite and not np.isfinite(arr).all():
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name}: contains {bad} NaN or infinite value(s) (shape {arr.shape})")
    return arr


def as_float_array(x, name: str, *, finite: bool = True) -> np.ndarray:
    """Return ``x`` as a float array of any shape (for elementwise functions)."""
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name}: expected a numeric array, got {type(x).__name__}")
    arr = np.asarray(x)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name}: expected a numeric array, got dtype {arr.dtype}")
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


def positive_number(x, name: str) -> float:
    """Return ``x`` as a float; raise unless it is finite and > 0."""
    try:
        value = float(x)
    except (TypeError, ValueError):
        raise TypeError(f"{name}: expected a positive number, got {x!r}") from None
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name}: must be a finite number > 0, got {x!r}")
    return value


def positive_int(x, name: str) -> int:
    """Return ``x`` as an int; raise unless it is an integer ≥ 1 (a bool or 2.0 is not)."""
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, np.integer)) or x < 1:
        raise ValueError(f"{name}: must be an integer ≥ 1, got {x!r}")
    return int(x)


def lookup(table: dict, name, what: str):
    """``table[name]`` with an error listing the valid names."""
    try:
        return table[name]
    except (KeyError, TypeError):
        valid = ", ".join(repr(k) for k in table)
        raise ValueError(f"{what}: unknown name {name!r}; valid names are {valid}") from None

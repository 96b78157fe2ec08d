"""What a gradient costs: multiply-adds of forward and backward passes, and of finite differences.

For an MLP with layer sizes n_0, …, n_L and a batch of m examples (chapter 10):

==============================  ===========================================  ===============
quantity                        multiply-adds (matrix products only)         label
==============================  ===========================================  ===============
parameters P                    Σ_l n_l (n_{l−1} + 1)
forward pass F                  m Σ_l n_l n_{l−1}            (Z = A Wᵀ)      eq-forward-cost
backward pass B                 m Σ_l n_l n_{l−1}  (Δᵀ A, weight gradients)  eq-backward-cost
                                + m Σ_{l≥2} n_l n_{l−1}  (Δ W, deltas)
                                = 2F − m n_1 n_0  ≤ 2F
central differences             2P · F                                       eq-finite-difference-cost
==============================  ===========================================  ===============

Everything else (adding biases, evaluating activations and their derivatives, summing Δ over the
batch for the bias gradients, the cost) is elementwise: O(m Σ_l n_l) operations, one order lower.

:func:`counted_multiply_adds` measures the same counts by running the scalar engine of
:mod:`bplib.engine` with its operation counter, and :func:`time_gradient_methods` times
backpropagation against central differences (chapter 10 shows the timings, never asserts them).
"""
from __future__ import annotations

import time
from typing import Sequence

import numpy as np

from ._validate import positive_int
from .engine import count_operations, mlp_cost_graph
from .registry import implements

__all__ = ["parameter_count", "forward_multiply_adds", "backward_multiply_adds",
           "finite_difference_multiply_adds", "elementwise_operations", "gradient_costs",
           "counted_multiply_adds", "time_gradient_methods", "check_multiply_adds"]


def _sizes(sizes) -> list[int]:
    try:
        sizes = list(sizes)
    except TypeError:
        raise TypeError(f"sizes: expected a sequence of layer sizes like [2, 3, 1], got {sizes!r}") from None
    if len(sizes) < 2:
        raise ValueError(f"sizes: need at least 2 layer sizes (input and output), got {sizes}")
    for s in sizes:
        if isinstance(s, (bool, np.bool_)) or not isinstance(s, (int, np.integer)):
            raise TypeError(f"sizes: every size must be an integer, got {sizes}")
        if s < 1:
            raise ValueError(f"sizes: every size must be ≥ 1, got {sizes}")
    return [int(s) for s in sizes]


def _batch(m) -> int:
    return positive_int(m, "m")


def _products(sizes):
    return [n_out * n_in for n_in, n_out in zip(sizes[:-1], sizes[1:])]


def parameter_count(sizes: Sequence[int]) -> int:
    """Number of weights and biases, P = Σ_l n_l (n_{l−1} + 1).

    Parameters
    ----------
    sizes : sequence of int, length L+1 ≥ 2

    Returns
    -------
    int

    Examples
    --------
    >>> parameter_count([2, 3, 1])
    13
    """
    sizes = _sizes(sizes)
    return sum(n_out * (n_in + 1) for n_in, n_out in zip(sizes[:-1], sizes[1:]))


@implements("eq-forward-cost", chapter="10_reverse_mode")
def forward_multiply_adds(sizes: Sequence[int], m: int = 1) -> int:
    """Multiply-adds of the matrix products of one forward pass (eq-forward-cost, chapter 10).

    F = m Σ_l n_l n_{l−1}: Z^l = A^{l−1} (W^l)ᵀ multiplies an (m, n_{l−1}) by an (n_{l−1}, n_l)
    matrix.

    Parameters
    ----------
    sizes : sequence of int, length L+1 ≥ 2
    m : int ≥ 1, the batch size

    Returns
    -------
    int

    Examples
    --------
    >>> forward_multiply_adds([2, 3, 1], m=4)
    36
    """
    return _batch(m) * sum(_products(_sizes(sizes)))


@implements("eq-backward-cost", chapter="10_reverse_mode")
def backward_multiply_adds(sizes: Sequence[int], m: int = 1) -> int:
    """Multiply-adds of the matrix products of one backward pass (eq-backward-cost, chapter 10).

    ``B = m Σ_{l=1}^{L} n_l n_{l−1} + m Σ_{l=2}^{L} n_l n_{l−1}``: the first sum for the weight
    gradients (Δ^l)ᵀ A^{l−1} (eq-bp4), the second for the deltas Δ^l W^l of the layer below
    (eq-bp2).  That is B = 2F − m n_1 n_0 ≤ 2F: no delta is needed for the input layer.

    Parameters
    ----------
    sizes : sequence of int, length L+1 ≥ 2
    m : int ≥ 1, the batch size

    Returns
    -------
    int

    Examples
    --------
    >>> backward_multiply_adds([2, 3, 1], m=4)   # 4·(6 + 3) + 4·3
    48
    """
    sizes, m = _sizes(sizes), _batch(m)
    products = _products(sizes)
    return m * sum(products) + m * sum(products[1:])


@implements("eq-finite-difference-cost", chapter="10_reverse_mode")
def finite_difference_multiply_adds(sizes: Sequence[int], m: int = 1) -> int:
    """Multiply-adds of a full central-difference gradient (eq-finite-difference-cost, chapter 10).

    Two forward passes per parameter: 2P · F, with P from :func:`parameter_count` and F from
    :func:`forward_multiply_adds`.

    Parameters
    ----------
    sizes : sequence of int, length L+1 ≥ 2
    m : int ≥ 1, the batch size

    Returns
    -------
    int

    Examples
    --------
    >>> finite_difference_multiply_adds([2, 3, 1], m=4)   # 2 · 13 · 36
    936
    """
    return 2 * parameter_count(sizes) * forward_multiply_adds(sizes, m)


def elementwise_operations(sizes: Sequence[int], m: int = 1) -> int:
    """The lower-order work of one forward and one backward pass: m Σ_l n_l per elementwise step.

    Counts four steps per unit and example: add the bias and apply the activation (forward),
    multiply by the activation's derivative and sum Δ over the batch for the bias gradient
    (backward); 4 m Σ_{l≥1} n_l in all.  It grows like the number of units, not of weights.

    Examples
    --------
    >>> elementwise_operations([2, 3, 1], m=4)
    64
    """
    sizes, m = _sizes(sizes), _batch(m)
    return 4 * m * sum(sizes[1:])


def gradient_costs(sizes: Sequence[int], m: int = 1) -> dict:
    """Every count of this module for one network and batch size, and the ratios between them.

    This is the computation behind chapter 10's slider exercise.

    Parameters
    ----------
    sizes : sequence of int, length L+1 ≥ 2
    m : int ≥ 1

    Returns
    -------
    dict with int entries "parameters", "forward", "backward", "backprop" (= forward + backward),
    "finite_differences", "elementwise", and float entries "backward_over_forward",
    "backprop_over_forward", "finite_differences_over_backprop".

    Examples
    --------
    >>> c = gradient_costs([784, 100, 10], m=1)
    >>> c["forward"], c["backward"], round(c["backprop_over_forward"], 4)
    (79400, 80400, 2.0126)
    """
    P = parameter_count(sizes)
    F = forward_multiply_adds(sizes, m)
    B = backward_multiply_adds(sizes, m)
    FD = finite_difference_multiply_adds(sizes, m)
    return {"parameters": P, "forward": F, "backward": B, "backprop": F + B,
            "finite_differences": FD, "elementwise": elementwise_operations(sizes, m),
            "backward_over_forward": B / F, "backprop_over_forward": (F + B) / F,
            "finite_differences_over_backprop": FD / (F + B)}


def counted_multiply_adds(net, X, Y) -> dict:
    """Count the multiply-adds of the weight products by running the scalar engine on ``net``.

    The cost is built by :func:`bplib.mlp_cost_graph` inside :func:`bplib.count_operations` and
    differentiated by :func:`bplib.backpropagate`.  Its ``mul`` nodes are exactly the products
    w_jk · a_k (activations, the cost and the bias additions use other operations), so

    - forward: the number of ``mul`` nodes created;
    - backward: the multiply-adds done at ``mul`` nodes: two for w·a when a is itself computed
      (one towards w, one towards a), one when a is an input (a constant).

    Parameters
    ----------
    net : MLP with ``l2 = 0`` (the penalty would add products w·w)
    X : ndarray, shape (m, n_0)
    Y : ndarray, shape (m, n_L)

    Returns
    -------
    dict with int entries "forward" and "backward", plus "forward_ops" and "backward_ops": the
    full per-operation counts (op name -> count) for the curious.

    Examples
    --------
    >>> import bplib as bp
    >>> net = bp.MLP([2, 3, 1], seed=0)
    >>> c = counted_multiply_adds(net, np.ones((4, 2)), np.ones((4, 1)))
    >>> c["forward"], c["backward"]
    (36, 48)
    """
    if net.l2:
        raise ValueError(f"net: counting needs l2 = 0 (the penalty adds products w·w), got l2={net.l2:g}")
    with count_operations() as ops:
        cost, _, _ = mlp_cost_graph(net, X, Y)
        cost.backward()
    return {"forward": int(ops.forward["mul"]), "backward": int(ops.backward["mul"]),
            "forward_ops": dict(ops.forward), "backward_ops": dict(ops.backward)}


def time_gradient_methods(net, X, Y, n_coordinates: int = 40, repeats: int = 3) -> dict:
    """Wall-clock seconds of one backpropagated gradient and of central differences.

    Central differences over all P parameters take 2P cost evaluations; for a large network that
    is slow, so only ``n_coordinates`` parameters (evenly spaced over the parameter vector, all of
    them when P is smaller) are differentiated, and the total is extrapolated as P times the mean
    time per coordinate.  Every measurement (one cost evaluation, one backpropagated gradient, the
    loop over the chosen coordinates) is the best of ``repeats`` runs, which filters out
    interruptions by other processes.  Timings depend on the machine: show them, do not assert them.

    Parameters
    ----------
    net : MLP          (not modified: central differences perturb a copy)
    X : ndarray, shape (m, n_0)
    Y : ndarray, shape (m, n_L)
    n_coordinates : int ≥ 1
    repeats : int ≥ 1

    Returns
    -------
    dict with "parameters", "coordinates_timed", and seconds: "forward" (one cost evaluation),
    "backprop" (one call of ``net.gradients``), "finite_differences_per_coordinate" and
    "finite_differences" (extrapolated to all P coordinates).
    """
    n_coordinates, repeats = positive_int(n_coordinates, "n_coordinates"), positive_int(repeats, "repeats")
    X, Y = net._check_X(X), net._check_Y(Y, np.shape(X)[0])

    def best(fn):
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return min(times)

    forward = best(lambda: net.loss(X, Y))
    backprop = best(lambda: net.gradients(X, Y))

    other = net.copy()
    arrays = [a for W, b in zip(other.weights, other.biases) for a in (W, b)]
    P = sum(a.size for a in arrays)
    chosen = np.unique(np.linspace(0, P - 1, min(int(n_coordinates), P)).round().astype(int))
    where, offsets = [], np.cumsum([0] + [a.size for a in arrays])
    for i in chosen:
        k = int(np.searchsorted(offsets, i, side="right") - 1)
        where.append((arrays[k].reshape(-1), int(i - offsets[k])))
    eps = 1e-6

    def differences():
        for flat, j in where:
            old = flat[j]
            flat[j] = old + eps
            plus = other.loss(X, Y)
            flat[j] = old - eps
            minus = other.loss(X, Y)
            flat[j] = old
            _ = (plus - minus) / (2 * eps)

    per_coordinate = best(differences) / len(where)
    return {"parameters": P, "coordinates_timed": len(where), "forward": forward, "backprop": backprop,
            "finite_differences_per_coordinate": per_coordinate,
            "finite_differences": per_coordinate * P}


_WHICH = {"forward": forward_multiply_adds, "backward": backward_multiply_adds,
          "finite_differences": finite_difference_multiply_adds}


def check_multiply_adds(answer, sizes: Sequence[int], m: int = 1, which: str = "backward"):
    """Check a hand count of multiply-adds (chapter 10's exercise).

    Parameters
    ----------
    answer : int
    sizes : sequence of int
    m : int ≥ 1
    which : "forward", "backward" or "finite_differences"

    Returns
    -------
    CheckResult (truthy when right; displays a message)

    Examples
    --------
    >>> check_multiply_adds(9, [2, 3, 1], m=1, which="forward").ok
    True
    """
    from .metrics import CheckResult

    if which not in _WHICH:
        raise ValueError(f"which: unknown count {which!r}; valid names are {', '.join(map(repr, _WHICH))}")
    expected = _WHICH[which](sizes, m)
    try:
        given = float(answer)
    except (TypeError, ValueError):
        return CheckResult(False, f"Not yet: expected a number, got {answer!r}.")
    if given == expected:
        return CheckResult(True, f"Right: the {which.replace('_', ' ')} pass of {list(sizes)} with m = {m} "
                                 f"costs {expected:,} multiply-adds.")
    sizes_list = _sizes(sizes)
    F = forward_multiply_adds(sizes_list, m)
    first = m * sizes_list[0] * sizes_list[1]
    slips = [(expected / m, "that is the count for a single example; every example of the batch "
                            f"repeats it, so multiply by m = {m}.") if m > 1 else None,
             (parameter_count(sizes_list) * m, "that counts the biases too; adding a bias is "
                                               "elementwise, not a multiply-add.")]
    if which == "backward":
        slips += [(2 * F, "that is 2F: no delta is needed for the input layer, so the product "
                          f"Δ¹W¹ ({first:,} multiply-adds) is never computed."),
                  (F, "those are the weight gradients alone; every layer above the first also "
                      "needs Δ^l W^l to start the delta of the layer below.")]
    for wrong, hint in (s for s in slips if s is not None):
        if given == wrong and wrong != expected:
            return CheckResult(False, "Not yet: " + hint)
    hint = "too many" if given > expected else "too few"
    return CheckResult(False, f"Not yet: {given:,.0f} is {hint}. Count one multiply-add per entry of "
                              f"each weight matrix and per example; which products does the input layer skip?")

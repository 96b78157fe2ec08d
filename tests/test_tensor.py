"""The tensor engine of chapter 11: every operation's VJP against float64 central differences
(fixed and hypothesis-drawn shapes, with broadcasting), against the `autograd` package, the
MLP built from engine operations against MLP.gradients, and bad input."""
from __future__ import annotations

import autograd
import autograd.numpy as anp
from autograd.scipy.special import logsumexp
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st, HealthCheck

import bplib as bp
from bplib.tensor import Tensor

TOL = 1e-7
rng0 = np.random.default_rng(0)


def R(*shape, seed=0, low=None):
    r = np.random.default_rng(seed).standard_normal(shape)
    if low is not None:  # positive entries (log, sqrt, pow with fractional exponent)
        r = low + np.abs(r)
    return r


def distinct(*shape, seed=0):
    """Entries far apart, so that max's winner does not change under a 1e-6 step."""
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    return (rng.permutation(n) * 0.37 - n * 0.1).reshape(shape)


# a weight per output entry, so that a sum does not hide wrong gradients that add to zero
def weighted(t, seed=99):
    return (t * np.random.default_rng(seed).standard_normal(t.shape)).sum()


OPS = {
    "add": (lambda x, y: weighted(x + y), [R(3, 4), R(3, 4, seed=1)]),
    "add broadcast row": (lambda x, y: weighted(x + y), [R(3, 4), R(4, seed=1)]),
    "add broadcast column": (lambda x, y: weighted(x + y), [R(3, 1), R(1, 4, seed=1)]),
    "sub broadcast": (lambda x, y: weighted(x - y), [R(2, 3, 4), R(3, 1, seed=1)]),
    "neg": (lambda x: weighted(-x), [R(3, 4)]),
    "rsub constant": (lambda x: weighted(2.0 - x), [R(3, 4)]),
    "mul": (lambda x, y: weighted(x * y), [R(3, 4), R(3, 4, seed=1)]),
    "mul broadcast": (lambda x, y: weighted(x * y), [R(5, 3, 4), R(4, seed=1)]),
    "mul scalar tensor": (lambda x, y: weighted(x * y), [R(3, 4), R(seed=1)]),
    "div": (lambda x, y: weighted(x / y), [R(3, 4), R(3, 4, seed=1, low=0.5)]),
    "rdiv constant": (lambda x: weighted(1.0 / x), [R(3, 4, low=0.5)]),
    "pow 3": (lambda x: weighted(x ** 3.0), [R(3, 4)]),
    "pow 0.5": (lambda x: weighted(x ** 0.5), [R(3, 4, low=0.5)]),
    "pow -2": (lambda x: weighted(x ** -2), [R(3, 4, low=0.5)]),
    "matmul": (lambda x, y: weighted(x @ y), [R(3, 4), R(4, 2, seed=1)]),
    "matmul batched": (lambda x, y: weighted(x @ y), [R(2, 3, 4), R(2, 4, 5, seed=1)]),
    "matmul batched @ 2-D": (lambda x, y: weighted(x @ y), [R(2, 3, 4), R(4, 5, seed=1)]),
    "matmul 2-D @ batched": (lambda x, y: weighted(x @ y), [R(3, 4), R(2, 4, 5, seed=1)]),
    "transpose": (lambda x: weighted(x.T @ x), [R(3, 4)]),
    "transpose axes": (lambda x: weighted(x.transpose(1, 2, 0)), [R(2, 3, 4)]),
    "reshape": (lambda x: weighted(x.reshape(6, 2)), [R(3, 4)]),
    "reshape -1": (lambda x: weighted(x.reshape(2, -1)), [R(2, 3, 2)]),
    "index slice": (lambda x: weighted(x[1:, ::2]), [R(3, 4)]),
    "index repeated rows": (lambda x: weighted(x[np.array([0, 2, 0, 0])]), [R(3, 4)]),
    "index im2col-like": (lambda x: weighted(x[:, np.array([[0, 1], [1, 2], [2, 3]])]), [R(2, 4)]),
    "index column": (lambda x: weighted(x[:, 1]), [R(3, 4)]),
    "index bool mask": (lambda x: weighted(x[np.array([True, False, True])]), [R(3, 4)]),
    "exp": (lambda x: weighted(x.exp()), [R(3, 4)]),
    "log": (lambda x: weighted(x.log()), [R(3, 4, low=0.2)]),
    "tanh": (lambda x: weighted(x.tanh()), [R(3, 4)]),
    "sigmoid": (lambda x: weighted(x.sigmoid()), [R(3, 4) * 3]),
    "sqrt": (lambda x: weighted(x.sqrt()), [R(3, 4, low=0.2)]),
    "relu": (lambda x: weighted(x.relu()), [distinct(3, 4)]),
    "sum all": (lambda x: x.sum() * 1.7, [R(3, 4)]),
    "sum axis 0": (lambda x: weighted(x.sum(axis=0)), [R(3, 4)]),
    "sum axes keepdims": (lambda x: weighted(x.sum(axis=(0, 2), keepdims=True)), [R(2, 3, 4)]),
    "mean": (lambda x: weighted(x.mean(axis=-1)), [R(3, 4)]),
    "mean all": (lambda x: (x * x).mean(), [R(3, 4)]),
    "max all": (lambda x: x.max() * 2.0, [distinct(3, 4)]),
    "max axis 1": (lambda x: weighted(x.max(axis=1)), [distinct(3, 4)]),
    "max axis 0 keepdims": (lambda x: weighted(x.max(axis=0, keepdims=True)), [distinct(3, 4)]),
    "log_softmax": (lambda x: weighted(x.log_softmax()), [R(3, 4)]),
    "log_softmax axis 0": (lambda x: weighted(x.log_softmax(axis=0)), [R(3, 4)]),
    "softmax": (lambda x: weighted(x.softmax()), [R(3, 4)]),
    "softmax 3-D": (lambda x: weighted(x.softmax(axis=-1)), [R(2, 3, 4)]),
    "where": (lambda x, y: weighted(bp.where(np.array([[True, False, True, False]] * 3), x, y)),
              [R(3, 4), R(3, 4, seed=1)]),
    "where broadcast": (lambda x, y: weighted(bp.where(np.array([True, False, True, False]), x, y)),
                        [R(3, 4), R(3, 1, seed=1)]),
    "stack": (lambda x, y: weighted(bp.stack([x, y, x], axis=1)), [R(3, 4), R(3, 4, seed=1)]),
    "concatenate": (lambda x, y: weighted(bp.concatenate([x, y], axis=1)), [R(3, 4), R(3, 2, seed=1)]),
    "cross_entropy one-hot": (lambda z: z.cross_entropy(np.eye(4)[[0, 3, 1]]), [R(3, 4)]),
    "cross_entropy soft": (lambda z: z.cross_entropy(np.full((3, 4), 0.25)), [R(3, 4)]),
    "chain of everything": (lambda x, w, b: ((x @ w + b).tanh() * 2.0 - 1.0).log_softmax().mean(),
                            [R(5, 3), R(3, 4, seed=1), R(4, seed=2)]),
}


@pytest.mark.parametrize("name", list(OPS))
def test_every_op_matches_central_differences(name):
    f, arrays = OPS[name]
    assert bp.check_tensor_function(f, arrays) < TOL


@pytest.mark.parametrize("name", list(OPS))
def test_gradients_have_the_shape_of_the_inputs_and_inputs_are_unchanged(name):
    f, arrays = OPS[name]
    copies = [a.copy() for a in arrays]
    ts = [Tensor(a) for a in arrays]
    f(*ts).backward()
    for t, a, c in zip(ts, arrays, copies):
        assert t.grad.shape == t.value.shape == a.shape
        np.testing.assert_array_equal(a, c)


# ---------------------------------------------------------------- hypothesis: random shapes
dims = st.integers(1, 4)


@st.composite
def broadcast_pair(draw):
    """Two shapes that broadcast: a full shape and a version with axes dropped or set to 1."""
    n = draw(st.integers(1, 3))
    full = tuple(draw(dims) for _ in range(n))
    k = draw(st.integers(0, n))                 # keep the last k axes
    other = tuple(1 if draw(st.booleans()) else s for s in full[n - k:])
    if draw(st.booleans()):
        return full, other
    return other, full


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(broadcast_pair(), st.sampled_from(["add", "sub", "mul", "div"]), st.integers(0, 10**6))
def test_hypothesis_broadcasting_binary_ops(shapes, op, seed):
    sx, sy = shapes
    x = R(*sx, seed=seed)
    y = R(*sy, seed=seed + 1, low=0.5) if op == "div" else R(*sy, seed=seed + 1)
    f = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b,
         "mul": lambda a, b: a * b, "div": lambda a, b: a / b}[op]
    assert bp.check_tensor_function(lambda a, b: weighted(f(a, b), seed), [x, y]) < TOL


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 4), st.sampled_from([0, 1, 2]),
       st.integers(0, 10**6))
def test_hypothesis_matmul(m, k, n, batch, seed):
    xs = (batch, m, k) if batch else (m, k)
    ys = (batch, k, n) if batch and seed % 2 else (k, n)
    assert bp.check_tensor_function(lambda a, b: weighted(a @ b, seed), [R(*xs, seed=seed),
                                                                         R(*ys, seed=seed + 1)]) < TOL


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(dims, min_size=1, max_size=3), st.sampled_from(["sum", "mean", "max", "log_softmax"]),
       st.booleans(), st.integers(0, 10**6), st.data())
def test_hypothesis_reductions(shape, op, keepdims, seed, data):
    shape = tuple(shape)
    axis = data.draw(st.sampled_from([None] + list(range(-len(shape), len(shape)))))
    x = distinct(*shape, seed=seed)
    if op == "log_softmax":
        f = lambda a: weighted(a.log_softmax(axis=-1 if axis is None else axis), seed)  # noqa: E731
    else:
        f = lambda a: weighted(getattr(a, op)(axis=axis, keepdims=keepdims) * 1.0, seed)  # noqa: E731
    assert bp.check_tensor_function(f, [x]) < TOL


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(dims, min_size=1, max_size=3), st.sampled_from(["exp", "tanh", "sigmoid", "log", "sqrt",
                                                                 "relu", "transpose", "reshape"]),
       st.integers(0, 10**6))
def test_hypothesis_unary_ops(shape, op, seed):
    shape = tuple(shape)
    x = distinct(*shape, seed=seed) * 0.3 if op == "relu" else R(*shape, seed=seed,
                                                                     low=0.2 if op in ("log", "sqrt") else None)
    if op == "transpose":
        f = lambda a: weighted(a.transpose(), seed)  # noqa: E731
    elif op == "reshape":
        f = lambda a: weighted(a.reshape(-1), seed)  # noqa: E731
    else:
        f = lambda a: weighted(getattr(a, op)(), seed)  # noqa: E731
    assert bp.check_tensor_function(f, [x]) < TOL


# ---------------------------------------------------------------- against the autograd package
AUTOGRAD = [
    (lambda x, w, b: (anp.tanh(anp.dot(x, w) + b) ** 2).sum(),
     lambda x, w, b: ((x @ w + b).tanh() ** 2).sum(), [R(5, 3), R(3, 4, seed=1), R(4, seed=2)]),
    (lambda x, y: (anp.exp(x) * anp.log(y) / (1.0 + y)).mean(),
     lambda x, y: (x.exp() * y.log() / (1.0 + y)).mean(), [R(3, 4), R(3, 4, seed=1, low=0.5)]),
    (lambda x: (anp.max(x, axis=1) - anp.sum(anp.maximum(x, 0.0), axis=0).mean()).sum(),
     lambda x: (x.max(axis=1) - x.relu().sum(axis=0).mean()).sum(), [distinct(4, 5)]),
    (lambda z: -(np.eye(3)[[0, 1, 2, 1]] * (z - logsumexp(z, axis=1, keepdims=True))
                 ).sum() / 4.0,
     lambda z: z.cross_entropy(np.eye(3)[[0, 1, 2, 1]]), [R(4, 3)]),
    (lambda q, k: (anp.matmul(anp.exp(anp.matmul(q, anp.swapaxes(k, 1, 2))), k) ** 2).sum(),
     lambda q, k: ((q @ k.transpose(0, 2, 1)).exp() @ k) ** 2.0, [R(2, 3, 4) * 0.3, R(2, 5, 4, seed=1) * 0.3]),
    (lambda x: (anp.reshape(x, (6, 2))[anp.array([0, 3, 3, 5])] * anp.sqrt(x[0, 0] ** 2 + 1.0)).sum(),
     lambda x: (x.reshape(6, 2)[np.array([0, 3, 3, 5])] * ((x[0, 0] ** 2.0 + 1.0).sqrt())).sum(), [R(3, 4)]),
]


@pytest.mark.parametrize("case", range(len(AUTOGRAD)))
def test_against_autograd(case):
    fa, ft, arrays = AUTOGRAD[case]
    ts = [Tensor(a) for a in arrays]
    out = ft(*ts)
    if out.size != 1:
        out = out.sum()
    out.backward()
    expected = autograd.grad(lambda *xs: fa(*xs), argnum=list(range(len(arrays))))(*arrays) \
        if len(arrays) > 1 else [autograd.grad(fa)(*arrays)]
    assert np.isclose(float(out.value), float(fa(*arrays)), rtol=1e-12)
    assert bp.relative_error([t.grad for t in ts], list(expected)) < 1e-12


# ---------------------------------------------------------------- the MLP from engine operations
@pytest.mark.parametrize("hidden,output,loss,l2", [
    ("sigmoid", "sigmoid", "mse", 0.0), ("tanh", "softmax", "cross_entropy", 0.0),
    ("relu", "identity", "mse", 0.1), ("tanh", "sigmoid", "binary_cross_entropy", 0.0),
    ("identity", "tanh", "mse", 0.0), ("relu", "softmax", "cross_entropy", 0.05)])
@pytest.mark.parametrize("sizes", [[4, 3], [4, 6, 3], [4, 5, 7, 5, 3]])
def test_engine_mlp_equals_mlp_gradients(hidden, output, loss, l2, sizes):
    net = bp.MLP(sizes, hidden=hidden, output=output, loss=loss, l2=l2, seed=3)
    rng = np.random.default_rng(4)
    X = rng.standard_normal((9, sizes[0]))
    Y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], 9)]
    cost, _, _ = bp.mlp_cost_tensor(net, X, Y)
    assert abs(float(cost.value) - net.loss(X, Y)) <= 1e-12 * max(1.0, abs(net.loss(X, Y)))
    assert bp.relative_error(bp.tensor_gradients(net, X, Y), net.gradients(X, Y)) <= 1e-12


# ---------------------------------------------------------------- engine behaviour
def test_backward_resets_and_accumulates_over_uses():
    x = Tensor([1.0, 2.0])
    y = (x * x + x).sum()          # x used three times
    y.backward()
    np.testing.assert_allclose(x.grad, [3.0, 5.0])
    y.backward()                   # a second call gives the same, not double
    np.testing.assert_allclose(x.grad, [3.0, 5.0])


def test_constants_get_no_gradient_and_no_grad_builds_no_graph():
    x, c = Tensor([1.0, 2.0]), Tensor([3.0, 4.0], requires_grad=False)
    (x * c).sum().backward()
    assert c.grad is None
    np.testing.assert_allclose(x.grad, [3.0, 4.0])
    with bp.no_grad():
        y = (x * c).sum()
    assert not y.requires_grad and y.parents == () and y.saved == ()


def test_value_is_a_copy_and_numpy_on_the_left_works():
    a = np.array([1.0, 2.0])
    t = Tensor(a)
    a[0] = 99.0
    assert t.value[0] == 1.0
    out = np.array([10.0, 20.0]) - t
    assert isinstance(out, Tensor)
    np.testing.assert_allclose(out.value, [9.0, 18.0])
    out.sum().backward()
    np.testing.assert_allclose(t.grad, [-1.0, -1.0])


def test_max_ties_share_the_gradient():
    x = Tensor([[1.0, 3.0, 3.0]])
    x.max().backward()
    np.testing.assert_allclose(x.grad, [[0.0, 0.5, 0.5]])


def test_stable_numerics_at_large_inputs():
    z = Tensor(np.array([[1000.0, -1000.0, 0.0]]))
    with np.errstate(all="raise"):
        c = z.cross_entropy(np.array([[0.0, 1.0, 0.0]]))
        s = z.sigmoid().sum() + z.log_softmax().sum() + z.softmax().sum()
    assert np.isfinite(c.value) and np.isfinite(s.value)
    c.backward()
    np.testing.assert_allclose(z.grad, [[1.0, -1.0, 0.0]], atol=1e-300)


def test_record_operations_counts_nodes():
    x = Tensor(np.ones((2, 2)))
    with bp.record_operations() as ops:
        ((x @ x).tanh() + 1.0).sum()
    assert [t.op for t in ops] == ["matmul", "tanh", "add", "sum"]


def test_every_vjp_is_registered_for_chapter_11():
    labels = {label for label, impls in bp.EQUATIONS.items()
              if any(i.chapter == "11_layers_and_vjps" for i in impls)}
    for label in ["eq-vjp-chain", "eq-vjp-add", "eq-vjp-unbroadcast", "eq-vjp-mul", "eq-vjp-pow",
                  "eq-vjp-elementwise", "eq-vjp-relu", "eq-vjp-max", "eq-vjp-where", "eq-vjp-matmul",
                  "eq-vjp-transpose", "eq-vjp-reshape", "eq-vjp-index", "eq-vjp-concatenate",
                  "eq-vjp-sum", "eq-vjp-log-softmax", "eq-vjp-cross-entropy"]:
        assert label in labels


def test_unbroadcast_sums_over_added_and_unit_axes():
    g = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_allclose(bp.unbroadcast(g, (3, 1)), g.sum(axis=(0, 2)).reshape(3, 1))
    np.testing.assert_allclose(bp.unbroadcast(g, ()), g.sum())
    assert bp.unbroadcast(g, (2, 3, 4)) is g


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize("make,exc,words", [
    (lambda: Tensor(np.ones((2, 3))) @ Tensor(np.ones((4, 2))), ValueError, ["(2, 3)", "(4, 2)"]),
    (lambda: Tensor(np.ones(3)) @ Tensor(np.ones((3, 2))), ValueError, ["x", "(3,)", "2-D"]),
    (lambda: Tensor(np.ones((2, 3, 4))) @ Tensor(np.ones((3, 4, 2))), ValueError, ["batch", "(2, 3, 4)"]),
    (lambda: Tensor(np.ones((2, 3))) + Tensor(np.ones((3, 2))), ValueError, ["(2, 3)", "(3, 2)"]),
    (lambda: Tensor(np.ones((2, 3))) * np.ones(2), ValueError, ["(2, 3)", "(2,)"]),
    (lambda: (Tensor(np.ones((2, 3))) * 2.0).backward(), ValueError, ["scalar", "(2, 3)"]),
    (lambda: Tensor(np.ones(2), requires_grad=False).sum().backward(), ValueError, ["requires_grad"]),
    (lambda: Tensor(np.ones((2, 3))).reshape(4, 2), ValueError, ["(2, 3)", "(4, 2)"]),
    (lambda: Tensor(np.ones((2, 3))).transpose(0, 0), ValueError, ["axes", "(2, 3)"]),
    (lambda: Tensor(np.ones((2, 3))).sum(axis=2), ValueError, ["axis", "2"]),
    (lambda: Tensor(-np.ones(3)).log(), ValueError, ["log", "> 0"]),
    (lambda: Tensor(np.zeros(3)).sqrt(), ValueError, ["sqrt", "> 0"]),
    (lambda: Tensor(-np.ones(3)) ** 0.5, ValueError, ["negative", "0.5"]),
    (lambda: Tensor(np.ones(3)) ** Tensor(2.0), TypeError, ["exponent"]),
    (lambda: 2.0 ** Tensor(np.ones(3)), TypeError, ["exponent"]),
    (lambda: Tensor(np.ones((2, 3))).cross_entropy(np.ones((2, 4))), ValueError, ["Y", "(2, 3)", "(2, 4)"]),
    (lambda: Tensor(np.ones(3)).cross_entropy(np.ones(3)), ValueError, ["2-D", "(3,)"]),
    (lambda: Tensor(np.ones((2, 2))).cross_entropy(2 * np.ones((2, 2))), ValueError, ["Y", "[0, 1]"]),
    (lambda: bp.where(np.ones(3), Tensor(np.ones(3)), 0.0), TypeError, ["cond", "bool"]),
    (lambda: bp.where(np.ones(3, bool), Tensor(np.ones(2)), 0.0), ValueError, ["(3,)", "(2,)"]),
    (lambda: bp.concatenate([Tensor(np.ones((2, 3))), Tensor(np.ones((3, 3)))], axis=1),
     ValueError, ["(2, 3)", "(3, 3)"]),
    (lambda: bp.stack([Tensor(np.ones(2)), Tensor(np.ones(3))]), ValueError, ["(2,)", "(3,)"]),
    (lambda: bp.concatenate([]), ValueError, ["tensors"]),
    (lambda: Tensor(np.array([1.0, np.nan])), ValueError, ["value", "NaN"]),
    (lambda: Tensor("abc"), TypeError, ["value"]),
    (lambda: Tensor(np.ones(3))[5], ValueError, ["index", "(3,)"]),
    (lambda: Tensor(np.array([1000.0])).exp(), ValueError, ["exp", "overflow"]),
    (lambda: bp.backpropagate_tensors(Tensor(np.ones(2)) * 2.0, np.ones(3)), ValueError, ["seed", "(2,)", "(3,)"]),
])
def test_bad_input_raises_naming_argument_and_shapes(make, exc, words):
    with pytest.raises(exc) as info:
        make()
    for w in words:
        assert w in str(info.value), f"{w!r} not in {info.value}"

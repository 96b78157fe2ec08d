"""The scalar reverse-mode engine (bplib.engine): every operation's local derivative against central
differences, random expressions against central differences and against autograd, the MLP graph
against MLP.gradients, the operation counter, and bad inputs."""
import math

import autograd.numpy as anp
import matplotlib
import numpy as np
import pytest
from autograd import grad
from hypothesis import given, settings
from hypothesis import strategies as st

import bplib as bp
from bplib import Value

matplotlib.use("Agg")

TOL_FD = 1e-7       # engine vs float64 central differences
TOL_ORACLE = 1e-10  # engine vs autograd (both exact up to rounding)


def central(f, x, eps=1e-6):
    """Central-difference gradient of a function of a float vector (bplib's own, float64)."""
    return bp.numerical_gradient(lambda v: float(f(v)), np.asarray(x, dtype=float), eps=eps)


def engine_grad(f, x):
    """Gradient by the engine: f takes a list of Values and returns a Value."""
    vs = [Value(float(v)) for v in x]
    out = f(vs)
    out.backward()
    return np.array([v.grad for v in vs]), out.data


# ---------------------------------------------------------------- each operation
# (name, function of a list of Values or floats, a point away from any kink or pole)
UNARY = {
    "neg": lambda v: -v[0],
    "exp": lambda v: v[0].exp() if isinstance(v[0], Value) else math.exp(v[0]),
    "log": lambda v: v[0].log() if isinstance(v[0], Value) else math.log(v[0]),
    "tanh": lambda v: v[0].tanh() if isinstance(v[0], Value) else math.tanh(v[0]),
    "sigmoid": lambda v: v[0].sigmoid() if isinstance(v[0], Value) else 1 / (1 + math.exp(-v[0])),
    "relu": lambda v: v[0].relu() if isinstance(v[0], Value) else max(v[0], 0.0),
    "leaky_relu": lambda v: v[0].leaky_relu() if isinstance(v[0], Value) else (v[0] if v[0] > 0 else 0.01 * v[0]),
    "identity": lambda v: v[0].identity() if isinstance(v[0], Value) else v[0],
    "square": lambda v: v[0] ** 2,
    "cube": lambda v: v[0] ** 3,
    "sqrt": lambda v: v[0] ** 0.5,
    "reciprocal_pow": lambda v: v[0] ** -1,
    "add_const": lambda v: v[0] + 2.5,
    "radd_const": lambda v: 2.5 + v[0],
    "sub_const": lambda v: v[0] - 2.5,
    "rsub_const": lambda v: 2.5 - v[0],
    "mul_const": lambda v: v[0] * -1.5,
    "rmul_const": lambda v: -1.5 * v[0],
    "div_const": lambda v: v[0] / 4.0,
    "rdiv_const": lambda v: 4.0 / v[0],
}
BINARY = {
    "add": lambda v: v[0] + v[1],
    "sub": lambda v: v[0] - v[1],
    "mul": lambda v: v[0] * v[1],
    "div": lambda v: v[0] / v[1],
}


@pytest.mark.parametrize("name", sorted(UNARY))
@pytest.mark.parametrize("x", [-1.7, -0.4, 0.3, 1.2, 2.9])
def test_unary_operation_matches_central_differences(name, x):
    if name in ("log", "sqrt"):
        x = abs(x)
    g, value = engine_grad(UNARY[name], [x])
    assert value == pytest.approx(UNARY[name]([x]), rel=1e-14, abs=1e-300)
    assert bp.relative_error(g, central(UNARY[name], [x])) < TOL_FD


@pytest.mark.parametrize("name", sorted(BINARY))
@given(x=st.floats(-3, 3), y=st.floats(0.2, 3), flip=st.booleans())
@settings(max_examples=30)
def test_binary_operation_matches_central_differences(name, x, y, flip):
    point = [y * (-1 if flip else 1), x] if name != "div" else [x, y * (-1 if flip else 1)]
    g, value = engine_grad(BINARY[name], point)
    assert value == pytest.approx(BINARY[name](point), rel=1e-14, abs=1e-300)
    assert bp.relative_error(g, central(BINARY[name], point)) < TOL_FD


def test_relu_and_leaky_local_derivatives_follow_the_book_convention():
    # eq-relu-derivative and eq-leaky-relu-derivative, including the subgradient 0 at z = 0
    for z, relu_d, leaky_d in [(-2.0, 0.0, 0.01), (0.0, 0.0, 0.01), (1.5, 1.0, 1.0)]:
        assert Value(z).relu().local_grads == (relu_d,)
        assert Value(z).leaky_relu().local_grads == (leaky_d,)
        assert float(bp.relu_prime(z)) == relu_d and float(bp.leaky_relu_prime(z)) == leaky_d


def test_sigmoid_is_stable_far_from_zero():
    for z in (-800.0, 800.0):
        s = Value(z).sigmoid()
        assert 0.0 <= s.data <= 1.0 and s.local_grads[0] == pytest.approx(0.0, abs=1e-300)


# ---------------------------------------------------------------- the adjoint rule
def test_adjoints_of_a_reused_value_are_summed():
    x = Value(3.0)
    f = x * x + x           # df/dx = 2x + 1
    f.backward()
    assert x.grad == 7.0


def test_backward_twice_gives_the_same_gradients():
    x, y = Value(0.5), Value(-1.25)
    f = (x * y).tanh() + x.exp() / (1.0 + y * y)
    f.backward()
    first = (x.grad, y.grad)
    f.backward()
    assert (x.grad, y.grad) == first


def test_topological_order_puts_parents_first_and_root_last():
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d = c + a
    e = (d * c).tanh()
    order = bp.topological_order(e)
    assert order[-1] is e and len(order) == len({id(v) for v in order}) == 6
    position = {id(v): i for i, v in enumerate(order)}
    for node in order:
        for p in node.parents:
            assert position[id(p)] < position[id(node)]


def test_a_deep_chain_needs_no_recursion():
    x = Value(0.1)
    y = x
    for _ in range(5000):
        y = y * 1.0001 + 0.0
    y.backward()
    assert x.grad == pytest.approx(1.0001 ** 5000, rel=1e-9)


def test_a_custom_operation_needs_only_its_local_derivative():
    def sin(v):
        return Value(math.sin(v.data), parents=(v,), local_grads=(math.cos(v.data),), op="sin")

    g, _ = engine_grad(lambda v: sin(v[0] * v[1]) + v[0] ** 2, [0.7, -1.3])
    assert bp.relative_error(g, central(lambda v: math.sin(v[0] * v[1]) + v[0] ** 2, [0.7, -1.3])) < TOL_FD


# ---------------------------------------------------------------- random expressions
class _Engine:
    exp = staticmethod(lambda v: v.exp())
    log = staticmethod(lambda v: v.log())
    tanh = staticmethod(lambda v: v.tanh())
    sigmoid = staticmethod(lambda v: v.sigmoid())


class _Autograd:
    exp = staticmethod(anp.exp)
    log = staticmethod(anp.log)
    tanh = staticmethod(anp.tanh)
    sigmoid = staticmethod(lambda v: 1.0 / (1.0 + anp.exp(-v)))


class _Float:
    exp = staticmethod(math.exp)
    log = staticmethod(math.log)
    tanh = staticmethod(math.tanh)
    sigmoid = staticmethod(lambda v: 1.0 / (1.0 + math.exp(-v)))


OPS = ["add", "sub", "mul", "div", "square", "neg", "exp", "log", "tanh", "sigmoid", "scale"]


def run(program, inputs, lib):
    """Evaluate a random straight-line program; every op keeps values finite (exp of tanh,
    log of 1 + x², division by 1 + y²)."""
    stack = list(inputs)
    for op, i, j in program:
        a, b = stack[i % len(stack)], stack[j % len(stack)]
        if op == "add":
            r = a + b
        elif op == "sub":
            r = a - b
        elif op == "mul":
            r = a * b
        elif op == "div":
            r = a / (1.0 + b * b)
        elif op == "square":
            r = a ** 2
        elif op == "neg":
            r = -a
        elif op == "exp":
            r = lib.exp(lib.tanh(a))
        elif op == "log":
            r = lib.log(1.0 + a * a)
        elif op == "tanh":
            r = lib.tanh(a)
        elif op == "sigmoid":
            r = lib.sigmoid(a)
        else:
            r = 0.5 * a + 1.0
        stack.append(r)
    out = stack[-1]
    for extra in stack[len(inputs):-1]:   # every intermediate result reaches the output
        out = out + 0.1 * extra
    return out


programs = st.lists(st.tuples(st.sampled_from(OPS), st.integers(0, 20), st.integers(0, 20)),
                    min_size=1, max_size=7)
points = st.lists(st.floats(-2.0, 2.0), min_size=3, max_size=3)


@given(program=programs, x=points)
@settings(max_examples=50)
def test_random_expression_matches_central_differences(program, x):
    g, value = engine_grad(lambda v: run(program, v, _Engine), x)
    assert value == pytest.approx(run(program, x, _Float), rel=1e-12, abs=1e-12)
    fd = central(lambda v: run(program, list(v), _Float), x)
    assert bp.relative_error(g, fd) < TOL_FD or np.allclose(g, fd, rtol=0, atol=1e-8)


@given(program=programs, x=points)
@settings(max_examples=50)
def test_random_expression_matches_autograd(program, x):
    g, _ = engine_grad(lambda v: run(program, v, _Engine), x)
    auto = grad(lambda v: run(program, [v[0], v[1], v[2]], _Autograd))(np.array(x, dtype=float))
    assert bp.relative_error(g, auto) <= TOL_ORACLE


# ---------------------------------------------------------------- an MLP as a graph
ENGINE_CASES = [("sigmoid", "sigmoid", "mse"), ("tanh", "identity", "mse"), ("relu", "softmax", "cross_entropy"),
                ("leaky_relu", "softmax", "cross_entropy"), ("identity", "tanh", "mse")]


@pytest.mark.parametrize("hidden,output,loss", ENGINE_CASES)
@given(data=st.data())
@settings(max_examples=8)
def test_engine_gradients_match_mlp_gradients(hidden, output, loss, data):
    sizes = data.draw(st.lists(st.integers(1, 4), min_size=2, max_size=4), label="sizes")
    k = max(sizes[-1], 2) if output == "softmax" else sizes[-1]
    sizes = sizes[:-1] + [k]
    m = data.draw(st.integers(1, 4), label="m")
    l2 = data.draw(st.sampled_from([0.0, 0.05]), label="l2")
    rng = np.random.default_rng(data.draw(st.integers(0, 1000), label="seed"))
    net = bp.MLP(sizes, hidden=hidden, output=output, loss=loss, l2=l2, rng=rng)
    X = rng.normal(size=(m, sizes[0]))
    Y = bp.one_hot(rng.integers(0, k, m), k) if loss == "cross_entropy" else rng.random((m, k))
    cost, W, b = bp.mlp_cost_graph(net, X, Y)
    assert cost.data == pytest.approx(net.loss(X, Y), rel=1e-12)
    assert [len(row) for row in W[0]] == [sizes[0]] * sizes[1] and len(b[-1]) == k
    dWs, dbs = bp.engine_gradients(net, X, Y)
    assert bp.relative_error([dWs, dbs], list(net.gradients(X, Y))) < 1e-12


def test_engine_handles_soft_cross_entropy_targets():
    rng = np.random.default_rng(3)
    net = bp.MLP([3, 4, 3], hidden="tanh", output="softmax", loss="cross_entropy", seed=1)
    X, Y = rng.normal(size=(4, 3)), bp.softmax(rng.normal(size=(4, 3)))
    assert bp.relative_error(bp.engine_gradients(net, X, Y), net.gradients(X, Y)) < 1e-12


# ---------------------------------------------------------------- counting
def test_counter_counts_nodes_and_multiply_adds_only_inside_the_block():
    w, a = Value(2.0), Value(3.0)
    with bp.count_operations() as ops:
        c = w * a + 1.0          # mul with two Value parents, add with one
        d = c * 2.0              # mul with one Value parent
        d.backward()
    assert dict(ops.forward) == {"mul": 2, "add": 1}
    assert dict(ops.backward) == {"mul": 3, "add": 1}
    (w * a).backward()           # outside: nothing is recorded
    assert dict(ops.forward) == {"mul": 2, "add": 1}


def test_leaves_are_not_counted_and_counters_nest():
    with bp.count_operations() as outer:
        Value(1.0)
        with bp.count_operations() as inner:
            Value(1.0) * Value(2.0)
        Value(1.0) + Value(2.0)
    assert dict(inner.forward) == {"mul": 1}
    assert dict(outer.forward) == {"add": 1}


# ---------------------------------------------------------------- figure
def test_expression_graph_plot_labels_its_axes():
    import matplotlib.pyplot as plt

    import bplib.plots as bpp

    w = Value(1.15, label="W1")
    out = (13.0 - w * 2.0) ** 2
    out.backward()
    ax = bpp.plot_expression_graph(out)
    assert ax.get_xlabel() and ax.get_ylabel() and len(ax.patches) == len(bp.topological_order(out))
    plt.close("all")


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize("bad,exc,match", [
    ("1.0", TypeError, r"data: expected a real number \(int or float\), got str"),
    (None, TypeError, r"data: expected a real number .* got NoneType"),
    (True, TypeError, r"data: expected a real number .* got bool"),
    (np.array([1.0, 2.0]), TypeError, r"data: expected a real number .* got ndarray"),
    (float("nan"), ValueError, r"data: expected a finite number, got nan"),
    (float("inf"), ValueError, r"data: expected a finite number, got inf"),
])
def test_value_rejects_bad_data(bad, exc, match):
    with pytest.raises(exc, match=match):
        Value(bad)


def test_value_rejects_inconsistent_parents():
    with pytest.raises(ValueError, match=r"parents and local_grads must have the same length, got 1 parents and 2"):
        Value(1.0, parents=(Value(0.0),), local_grads=(1.0, 2.0))
    with pytest.raises(TypeError, match=r"parents: expected Value objects, got float"):
        Value(1.0, parents=(0.5,), local_grads=(1.0,))


def test_operations_reject_bad_operands():
    x = Value(2.0)
    with pytest.raises(TypeError, match=r"unsupported operand"):
        x + "a"
    with pytest.raises(TypeError, match=r"unsupported operand"):
        {} * x
    with pytest.raises(TypeError, match=r"pow: the exponent must be a number, not a Value"):
        x ** Value(2.0)
    with pytest.raises(TypeError, match=r"pow: the exponent must be a number, not a Value"):
        2.0 ** x
    with pytest.raises(ValueError, match=r"pow: a negative base -2 needs an integer exponent, got 0.5"):
        Value(-2.0) ** 0.5
    with pytest.raises(ValueError, match=r"pow: 0 \*\* -1.0 has no finite derivative"):
        Value(0.0) ** -1
    with pytest.raises(ValueError, match=r"log: argument must be > 0, got -1"):
        Value(-1.0).log()
    with pytest.raises(ValueError, match=r"exp: overflow at x = 1000"):
        Value(1000.0).exp()
    with pytest.raises(ZeroDivisionError, match=r"div: division of 2 by zero"):
        x / 0.0
    with pytest.raises(ZeroDivisionError, match=r"div: division by a Value equal to zero"):
        1.0 / Value(0.0)
    with pytest.raises(ValueError, match=r"operand: expected a finite number, got nan"):
        x * float("nan")


def test_graph_functions_reject_bad_input():
    with pytest.raises(TypeError, match=r"root: expected a Value, got float"):
        bp.topological_order(1.0)
    with pytest.raises(TypeError, match=r"root: expected a Value, got float"):
        bp.backpropagate(1.0)
    net = bp.MLP([3, 2, 2], hidden="tanh", output="sigmoid", loss="binary_cross_entropy", seed=0)
    with pytest.raises(ValueError, match=r"net: the engine supports the losses 'mse', 'cross_entropy', "
                                         r"got 'binary_cross_entropy'"):
        bp.engine_gradients(net, np.zeros((2, 3)), np.zeros((2, 2)))
    net = bp.MLP([3, 2, 2], hidden="tanh", output="softmax", loss="mse", seed=0)
    with pytest.raises(ValueError, match=r"net: with loss 'mse' the output must be one of .* got 'softmax'"):
        bp.engine_gradients(net, np.zeros((2, 3)), np.zeros((2, 2)))
    net = bp.MLP([3, 2, 1], seed=0)
    with pytest.raises(ValueError, match=r"X: expected 3 columns, shape \(m, 3\), got shape \(2, 4\)"):
        bp.engine_gradients(net, np.zeros((2, 4)), np.zeros((2, 1)))
    with pytest.raises(ValueError, match=r"X: expected a 2-D array .* got shape \(3,\)"):
        bp.engine_gradients(net, np.zeros(3), np.zeros((1, 1)))
    with pytest.raises(ValueError, match=r"X and Y must have the same number of rows, got X \(2, 3\) and Y \(3, 1\)"):
        bp.engine_gradients(net, np.zeros((2, 3)), np.zeros((3, 1)))

"""Tests for mutants of bplib.tensor (chapter 11) that the other tests let survive (issue 13).

Each test states a property a reader of the book relies on; the mutant it was written for is
named in its docstring.  Run the mutation study with ``tests/mutation/run.sh``.
"""
import re

import numpy as np
import pytest

import bplib as bp
from bplib.tensor import Tensor


# ------------------------------------------------------------------ operation names
def test_every_operation_records_its_own_name():
    """_sub/_pow/_relu/_max/where/_reshape/_index/concatenate/_log_softmax/_cross_entropy: op name.

    The names are what record_operations lists and bplib.memory counts per operation.
    """
    x, w = Tensor(np.ones((2, 3))), Tensor(np.ones((3, 2)))
    with bp.record_operations() as ops:
        x - 1.0
        x ** 2
        x.relu()
        x.max()
        bp.where(x.value > 0, x, 0.0)
        x.reshape(3, 2)
        x[0]
        bp.concatenate([x, x])
        x.log_softmax()
        x.cross_entropy(np.full((2, 3), 1 / 3))
        x @ w
        x.T
        x.sum()
        x.exp()
    assert [t.op for t in ops] == ["sub", "pow", "relu", "max", "where", "reshape", "index",
                                   "concatenate", "log_softmax", "cross_entropy", "matmul",
                                   "transpose", "sum", "exp"]


# ------------------------------------------------------------------ operators with a constant
def test_a_number_or_array_on_the_left_gives_the_right_value_and_gradient():
    """Tensor.__rmul__/__rmatmul__/__rtruediv__ (no test called them; rtruediv's exponent −1)."""
    x = Tensor([[1.0, 2.0], [4.0, 5.0]])
    A = np.array([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal((3.0 * x).value, [[3.0, 6.0], [12.0, 15.0]])
    np.testing.assert_array_equal((A @ x).value, A @ x.value)
    np.testing.assert_array_equal((2.0 / x).value, [[2.0, 1.0], [0.5, 0.4]])
    (3.0 * x).sum().backward()
    np.testing.assert_array_equal(x.grad, np.full((2, 2), 3.0))
    (A @ x).sum().backward()
    np.testing.assert_array_equal(x.grad, A.T @ np.ones((2, 2)))
    (2.0 / x).sum().backward()
    np.testing.assert_allclose(x.grad, -2.0 / x.value ** 2, rtol=1e-15)


@pytest.mark.parametrize("make,op", [
    (lambda x: x + "a", "add"), (lambda x: "a" + x, "add"),
    (lambda x: x - "a", "sub"), (lambda x: "a" - x, "sub"),
    (lambda x: x * "a", "mul"), (lambda x: "a" * x, "mul"),
    (lambda x: x / "a", "div"), (lambda x: "a" / x, "div"),
    (lambda x: x @ "a", "matmul"), (lambda x: "a" @ x, "matmul"),
])
def test_a_text_operand_is_named_after_its_operation(make, op):
    """Tensor.__add__ … __rmatmul__: the op name passed to _lift appears in the message."""
    with pytest.raises(TypeError, match=rf"^{op} operand: expected a number, an array or a "
                                        rf"Tensor, got str$"):
        make(Tensor(np.ones((2, 2))))


def test_a_nan_operand_is_rejected_with_its_operation_and_count():
    """Tensor.__rsub__/__radd__ etc.: "sub operand: contains 1 NaN …" (policy: data are finite)."""
    with pytest.raises(ValueError, match=r"^sub operand: contains 2 NaN or infinite value\(s\) "
                                         r"\(shape \(3,\)\)$"):
        np.array([np.nan, 1.0, np.inf]) - Tensor(np.ones(3))


def test_a_tensor_exponent_is_refused_with_the_way_to_write_it():
    """Tensor.__rpow__ and _pow: the message that shows how to write a variable exponent."""
    hint = (r"^pow: the exponent must be a number, not a Tensor "
            r"\(write \(y \* x\.log\(\)\)\.exp\(\) for a variable exponent\)$")
    with pytest.raises(TypeError, match=hint):
        2.0 ** Tensor(np.ones(3))
    with pytest.raises(TypeError, match=hint):
        Tensor(np.ones(3)) ** Tensor(2.0)


# ------------------------------------------------------------------ from_vjp, repr
def _sin(x, **kw):
    return Tensor.from_vjp(np.sin(x.value), [x], lambda g, v: (g * np.cos(v),),
                           saved=[x.value], **kw)


def test_a_custom_operation_built_with_from_vjp_keeps_value_parents_vjp_and_saved():
    """Tensor.from_vjp: value, parents, vjp, saved and op passed on; the default name "custom"."""
    x = Tensor([0.0, 1.0])
    y = _sin(x)
    assert y.op == "custom" and _sin(x, op="sin").op == "sin"
    np.testing.assert_array_equal(y.value, np.sin([0.0, 1.0]))
    assert y.parents == (x,) and isinstance(y.saved, tuple)
    np.testing.assert_array_equal(y.saved[0], [0.0, 1.0])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, np.cos([0.0, 1.0]))


def test_from_vjp_rejects_bad_parents_vjp_and_value_naming_each():
    """Tensor.from_vjp: the type names in the messages, callable check, the name "value"."""
    x = Tensor([1.0])
    with pytest.raises(TypeError, match=r"^parents: expected a list of Tensors, got Tensor$"):
        Tensor.from_vjp([1.0], x, lambda g: (g,))
    with pytest.raises(TypeError, match=r"^parents\[1\]: expected a Tensor, got ndarray$"):
        Tensor.from_vjp([1.0], [x, np.ones(1)], lambda g: (g, g))
    with pytest.raises(TypeError, match=r"^vjp: expected a callable, got str$"):
        Tensor.from_vjp([1.0], [x], "vjp")
    with pytest.raises(ValueError, match=r"^value: contains 1 NaN or infinite value\(s\)"):
        Tensor.from_vjp([np.nan], [x], lambda g: (g,))


def test_repr_shows_shape_operation_and_label():
    """Tensor.__repr__: op and label only when set."""
    assert repr(Tensor(np.ones((2, 3)))) == "Tensor(shape=(2, 3))"
    assert repr(Tensor([1.0], label="W1")) == "Tensor(shape=(1,), label='W1')"
    assert repr(Tensor([1.0]) * 2.0) == "Tensor(shape=(1,), op='mul')"


# ------------------------------------------------------------------ reductions
@pytest.mark.parametrize("reduce", [
    lambda t, a: t.mean(axis=a), lambda t, a: t.max(axis=a), lambda t, a: t.sum(axis=a),
    lambda t, a: t.log_softmax(axis=a), lambda t, a: t.softmax(axis=a),
    lambda t, a: bp.concatenate([t, t], axis=a), lambda t, a: bp.stack([t, t], axis=a + 1),
])
def test_an_axis_out_of_range_is_named_axis(reduce):
    """mean/_max/_sum/_log_softmax/concatenate/stack: the name "axis" given to _normalise_axis."""
    with pytest.raises(ValueError, match=r"^axis: (2|3) is out of range for a tensor with (2|3) "
                                         r"axes$"):
        reduce(Tensor(np.ones((2, 3))), 2)


def test_mean_and_max_of_a_single_number_are_that_number():
    """Tensor.mean: n = 1 when no axis is reduced (not 2); _max: the value is an ndarray copy."""
    t = Tensor(3.0)
    assert t.mean().value == 3.0
    assert Tensor(np.ones((2, 2))).mean(axis=()).value.tolist() == [[1.0, 1.0], [1.0, 1.0]]
    m = t.max()
    assert isinstance(m.value, np.ndarray) and m.value == 3.0 and m.value is not t.value


def test_max_keeps_the_reduced_axis_when_asked():
    """Tensor.max: keepdims passed on (not None)."""
    x = Tensor(np.arange(6.0).reshape(2, 3))
    y = x.max(axis=0, keepdims=True)
    assert y.shape == (1, 3)
    (y * np.array([[1.0, 2.0, 3.0]])).sum().backward()
    np.testing.assert_array_equal(x.grad, [[0.0, 0.0, 0.0], [1.0, 2.0, 3.0]])


def test_mean_and_max_of_no_entries_are_refused():
    """Tensor.mean/_max: the messages for an empty reduction."""
    with pytest.raises(ValueError, match=r"^mean: axis 0 of a tensor of shape \(0, 3\) has no "
                                         r"entries$"):
        Tensor(np.ones((0, 3))).mean(axis=0)
    with pytest.raises(ValueError, match=r"^max: tensor of shape \(0, 3\) has no entries$"):
        Tensor(np.ones((0, 3))).max()


# ------------------------------------------------------------------ pow
def test_powers_at_zero_have_their_true_derivative():
    """_pow: zero bases are refused only for 0 < p < 1 or p < 0; pow_vjp: p = 0 and p = 1."""
    for p, value, grad in [(1.5, [0.0, 8.0], [0.0, 3.0]), (1, [0.0, 4.0], [1.0, 1.0]),
                           (2, [0.0, 16.0], [0.0, 8.0]), (0, [1.0, 1.0], [0.0, 0.0])]:
        x = Tensor([0.0, 4.0])
        y = x ** p
        np.testing.assert_array_equal(y.value, value)
        y.sum().backward()
        np.testing.assert_array_equal(x.grad, grad)
    np.testing.assert_array_equal(bp.pow_vjp(np.ones(2), np.array([0.0, 2.0]), 0)[0], [0.0, 0.0])


def test_pow_refuses_zero_and_negative_bases_it_cannot_differentiate_with_counts():
    """_pow: the conditions and messages (counts of negative and of zero entries)."""
    with pytest.raises(ValueError, match=r"^pow: a negative base needs an integer exponent, got "
                                         r"exponent 0\.5 and 1 negative entries \(shape \(3,\)\)$"):
        Tensor([-1.0, 0.0, 2.0]) ** 0.5
    with pytest.raises(ValueError, match=r"^pow: 0 \*\* 0\.5 has no finite derivative \(2 zero "
                                         r"entries, shape \(3,\)\)$"):
        Tensor([0.0, 0.0, 2.0]) ** 0.5
    with pytest.raises(ValueError, match=r"^pow: 0 \*\* -1\.0 has no finite derivative"):
        Tensor([0.0, 1.0]) ** -1


def test_pow_needs_a_real_finite_exponent():
    """_pow: text and bools are not exponents (or vs and); the messages."""
    x = Tensor([1.0, 2.0])
    with pytest.raises(TypeError, match=r"^exponent: expected a real number, got str$"):
        x ** "2"
    with pytest.raises(TypeError, match=r"^exponent: expected a real number, got bool$"):
        x ** True
    with pytest.raises(ValueError, match=r"^exponent: expected a finite number, got inf$"):
        x ** np.inf


# ------------------------------------------------------------------ elementwise
def test_log_and_sqrt_count_the_entries_they_refuse():
    """_elementwise: the count of entries ≤ 0 (not < 0, not ≤ 1)."""
    with pytest.raises(ValueError, match=r"^log: every entry must be > 0, got 2 entries ≤ 0 "
                                         r"\(shape \(4,\), smallest -1\)$"):
        Tensor([-1.0, 0.0, 0.5, 2.0]).log()


def test_elementwise_vjp_lists_the_valid_names():
    """elementwise_vjp: the list of names joined by ", "."""
    with pytest.raises(ValueError, match=r"^name: unknown function 'cos'; valid names are 'exp', "
                                         r"'log', 'tanh', 'sigmoid', 'sqrt'$"):
        bp.elementwise_vjp(np.ones(2), "cos", np.ones(2))


# ------------------------------------------------------------------ upstream gradients of the VJPs
@pytest.mark.parametrize("call,op", [
    (lambda g: bp.pow_vjp(g, np.ones(2), 2.0), "pow"),
    (lambda g: bp.elementwise_vjp(g, "tanh", np.ones(2)), "tanh"),
    (lambda g: bp.relu_vjp(g, np.ones(2)), "relu"),
    (lambda g: bp.max_vjp(g, np.ones((3, 2)), np.ones(2), (0,), False), "max"),
    (lambda g: bp.where_vjp(g, np.ones(2, bool), (2,), (2,)), "where"),
    (lambda g: bp.index_vjp(g, (5,), slice(0, 2)), "index"),
    (lambda g: bp.log_softmax_vjp(g, np.ones(2), -1), "log_softmax"),
    (lambda g: bp.mul_vjp(g, np.ones(2), np.ones(2)), "mul"),
    (lambda g: bp.add_vjp(g, (2,), (2,)), "add"),
])
def test_a_wrong_upstream_gradient_names_the_operation_and_both_shapes(call, op):
    """pow_vjp/elementwise_vjp/relu_vjp/max_vjp/where_vjp/index_vjp/log_softmax_vjp: op name."""
    with pytest.raises(ValueError, match=rf"^g: expected the shape of the {op} output, \(2,\), "
                                         rf"got shape \(3,\) \(nothing is broadcast\)$"):
        call(np.ones(3))


def test_cross_entropy_vjp_needs_a_scalar_upstream_gradient():
    """cross_entropy_vjp: the op name in the message."""
    with pytest.raises(ValueError, match=r"^g: expected the shape of the cross_entropy output, "
                                         r"\(\), got shape \(1,\)"):
        bp.cross_entropy_vjp(np.ones(1), np.full((1, 2), 0.5), np.array([[0.0, 1.0]]))


# ------------------------------------------------------------------ sub, where
def test_sub_names_itself_when_shapes_do_not_broadcast():
    """_sub: "sub" given to _broadcast_shape."""
    with pytest.raises(ValueError, match=r"^sub: shapes \(2, 3\) and \(3, 2\) do not broadcast"):
        Tensor(np.ones((2, 3))) - np.ones((3, 2))


def test_where_broadcasts_condition_and_both_branches():
    """where: the broadcast shape includes cond, x and y (each dropped by a mutant)."""
    for cond, x, y, value, gx, gy in [
            (np.array([True, False]), Tensor(5.0), Tensor(7.0), [5.0, 7.0], 1.0, 10.0),
            (np.array(True), Tensor([1.0, 2.0]), Tensor(7.0), [1.0, 2.0], [1.0, 10.0], 0.0),
            (np.array(False), Tensor(5.0), Tensor([1.0, 2.0]), [1.0, 2.0], 0.0, [1.0, 10.0])]:
        z = bp.where(cond, x, y)
        np.testing.assert_array_equal(z.value, value)
        (z * np.array([1.0, 10.0])).sum().backward()
        np.testing.assert_array_equal(x.grad, gx)
        np.testing.assert_array_equal(y.grad, gy)


def test_where_explains_a_tensor_condition_and_names_text_branches():
    """where: the message for a Tensor cond; "where" given to _lift for x and for y."""
    with pytest.raises(TypeError, match=r"^cond: expected a bool ndarray, got a Tensor "
                                        r"\(use e\.g\. x\.value > 0\)$"):
        bp.where(Tensor([1.0]), 1.0, 0.0)
    with pytest.raises(TypeError, match=r"^where operand: expected a number, an array or a Tensor"):
        bp.where(np.array([True]), "x", 0.0)
    with pytest.raises(TypeError, match=r"^where operand: expected a number, an array or a Tensor"):
        bp.where(np.array([True]), 0.0, "y")


# ------------------------------------------------------------ index, reshape, concatenate, stack
def test_indexing_with_a_tensor_is_refused_with_the_way_to_do_it():
    """_index: a Tensor index, alone or inside a tuple (or vs and); the message."""
    x = Tensor(np.ones((2, 3)))
    hint = (r"^index: use integer arrays or slices, not Tensors "
            r"\(index with t\.value\.astype\(int\)\)$")
    with pytest.raises(TypeError, match=hint):
        x[Tensor([0.0])]
    with pytest.raises(TypeError, match=hint):
        x[0, Tensor(1.0)]


@pytest.mark.parametrize("vjp", [lambda g: bp.reshape_vjp(g, (2,)),
                                 lambda g: bp.concatenate_vjp(g, (1, 1), 0),
                                 lambda g: bp.transpose_vjp(g, (0,))])
def test_layout_vjps_name_a_text_gradient(vjp):
    """reshape_vjp/concatenate_vjp/transpose_vjp: "g" and "an array" given to _validate._array."""
    with pytest.raises(TypeError, match=r"^g: expected an array, got str$"):
        vjp("g")


def test_concatenate_vjp_takes_negative_axes_and_rejects_one_past_the_last():
    """concatenate_vjp: -ndim ≤ axis < ndim (both bounds)."""
    pieces = bp.concatenate_vjp(np.arange(10.0).reshape(5, 2), (2, 3), -2)
    assert [p.shape for p in pieces] == [(2, 2), (3, 2)]
    np.testing.assert_array_equal(pieces[1], [[4.0, 5.0], [6.0, 7.0], [8.0, 9.0]])
    with pytest.raises(ValueError, match=r"^g: expected 5 entries along axis 2 \(the pieces' sizes "
                                         r"\(2, 3\)\), got shape \(2, 5\)$"):
        bp.concatenate_vjp(np.zeros((2, 5)), (2, 3), 2)


def test_concatenate_and_stack_default_to_the_first_axis_and_take_one_tensor():
    """concatenate/stack: default axis 0; tensors[0] (a single tensor has no tensors[1])."""
    a, b = Tensor(np.ones((2, 2))), Tensor(np.zeros((1, 2)))
    assert bp.concatenate([a, b]).shape == (3, 2)
    assert bp.stack([a, a, a]).shape == (3, 2, 2)
    np.testing.assert_array_equal(bp.concatenate([b]).value, b.value)
    assert bp.stack([b]).shape == (1, 1, 2)
    assert bp.concatenate([Tensor([1.0]), Tensor([2.0, 3.0])]).value.tolist() == [1.0, 2.0, 3.0]


def test_stack_along_the_last_axis_matches_numpy():
    """stack: the new tensor has ndim + 1 axes, so axis=-1 is the new last axis."""
    u, v = Tensor([1.0, 2.0, 3.0]), Tensor([4.0, 5.0, 6.0])
    s = bp.stack([u, v], axis=-1)
    np.testing.assert_array_equal(s.value, np.stack([u.value, v.value], axis=-1))
    (s * np.array([1.0, 10.0])).sum().backward()
    np.testing.assert_array_equal(v.grad, [10.0, 10.0, 10.0])


@pytest.mark.parametrize("join", [bp.concatenate, bp.stack])
def test_concatenate_and_stack_name_their_bad_arguments(join):
    """concatenate/stack: type name of `tensors`, the op given to _lift, the empty-list message."""
    name = join.__name__
    with pytest.raises(TypeError, match=r"^tensors: expected a list of Tensors, got int$"):
        join(5)
    with pytest.raises(TypeError, match=rf"^{name} operand: expected a number, an array or a "
                                        rf"Tensor, got str$"):
        join([Tensor([1.0]), "a"])
    with pytest.raises(ValueError, match=rf"^tensors: need at least one tensor to {name}$"):
        join([])


def test_concatenate_explains_which_shapes_do_not_fit():
    """concatenate: scalars and mixed ranks (or vs and), the axis left out of the comparison."""
    with pytest.raises(ValueError, match=r"^tensors: need tensors with the same number \(≥ 1\) of "
                                         r"axes, got shapes \[\(\), \(\)\]$"):
        bp.concatenate([Tensor(1.0), Tensor(2.0)])
    with pytest.raises(ValueError, match=r"^tensors: need tensors with the same number \(≥ 1\) of "
                                         r"axes, got shapes \[\(2,\), \(2, 2\)\]$"):
        bp.concatenate([Tensor(np.ones(2)), Tensor(np.ones((2, 2)))])
    with pytest.raises(ValueError, match=r"^tensors: shapes must agree except along axis 1, got "
                                         r"\[\(2, 3, 4\), \(2, 3, 5\)\]$"):
        bp.concatenate([Tensor(np.ones((2, 3, 4))), Tensor(np.ones((2, 3, 5)))], axis=1)


# ------------------------------------------------------------------ log-softmax, cross-entropy
def test_log_softmax_of_a_scalar_is_refused():
    """_log_softmax: the message."""
    with pytest.raises(ValueError, match=r"^log_softmax: needs at least one axis, got a scalar "
                                         r"Tensor$"):
        Tensor(3.0).log_softmax()


def test_log_softmax_backward_ignores_underflow_even_when_errors_are_raised():
    """log_softmax_vjp: errstate(under="ignore") (policy: underflow is never an error)."""
    z = Tensor([[0.0, -1000.0]])
    with np.errstate(all="raise"):
        y = z.log_softmax()
        (y * np.array([[1.0, 2.0]])).sum().backward()
    np.testing.assert_array_equal(z.grad, [[-2.0, 2.0]])


def test_cross_entropy_gradient_for_targets_whose_rows_do_not_sum_to_one():
    """cross_entropy_vjp: Z̄ = (P ⊙ s − Y)/m with s the row sums of Y (times, not divided by)."""
    Z = np.array([[0.0, np.log(3.0)]])                   # softmax [0.25, 0.75]
    z = Tensor(Z)
    z.cross_entropy(np.array([[1.0, 1.0]])).backward()  # s = 2
    np.testing.assert_allclose(z.grad, [[0.25 * 2 - 1.0, 0.75 * 2 - 1.0]], rtol=1e-15)


def test_cross_entropy_takes_tensor_targets_and_names_bad_ones():
    """_cross_entropy: a Tensor Y is read through .value; the name "Y" given to _as_array."""
    z = Tensor([[0.0, 1.0]])
    c = z.cross_entropy(Tensor([[0.0, 1.0]]))
    assert c.value == pytest.approx(np.log1p(np.exp(-1.0)))
    with pytest.raises(ValueError, match=r"^Y: contains 1 NaN or infinite value\(s\) "
                                         r"\(shape \(1, 2\)\)$"):
        z.cross_entropy([[np.nan, 1.0]])


def test_cross_entropy_shifts_each_row_by_its_own_maximum():
    """_cross_entropy: max over axis 1 (rows of very different scales stay finite)."""
    z = Tensor([[1000.0, 1000.0], [0.0, 0.0]])
    c = z.cross_entropy(np.array([[1.0, 0.0], [1.0, 0.0]]))
    assert c.value == pytest.approx(np.log(2.0), rel=1e-15)
    c.backward()
    np.testing.assert_allclose(z.grad, [[-0.25, 0.25], [-0.25, 0.25]], rtol=1e-15)


# ------------------------------------------------------------------ transpose
def test_transpose_takes_axes_as_arguments_or_as_one_sequence():
    """_transpose: one tuple or list of axes is unpacked (len(axes) == 1, axes[0])."""
    x = Tensor(np.arange(24.0).reshape(2, 3, 4))
    for y in (x.transpose((1, 2, 0)), x.transpose([1, 2, 0]), x.transpose(1, 2, 0),
              x.transpose(-2, -1, -3)):
        np.testing.assert_array_equal(y.value, np.transpose(x.value, (1, 2, 0)))
    x.transpose([2, 0, 1]).sum().backward()
    assert x.grad.shape == (2, 3, 4)


@pytest.mark.parametrize("axes", [(2, 1), (1.0, 0), (0, 0), (0,), (-3, 0)])
def test_transpose_refuses_anything_but_a_permutation_of_the_axes(axes):
    """_transpose: axes out of range are not wrapped (a bug fixed for issue 13), non-integers
    are refused; the message gives the valid range 0 … ndim − 1."""
    with pytest.raises(ValueError, match=r"^axes: expected a permutation of 0 … 1 for a tensor of "
                                         rf"shape \(2, 3\), got {re.escape(str(axes))}$"):
        Tensor(np.ones((2, 3))).transpose(*axes)


def test_transpose_vjp_needs_a_permutation():
    """transpose_vjp: a repeated axis is refused even when the count of axes matches (or vs and)."""
    np.testing.assert_array_equal(bp.transpose_vjp(np.arange(6.0).reshape(3, 2), (1, 0))[0],
                                  np.arange(6.0).reshape(3, 2).T)
    with pytest.raises(ValueError, match=r"^g: expected 2 axes to match axes=\(0, 0\), got shape "
                                         r"\(2, 3\)$"):
        bp.transpose_vjp(np.zeros((2, 3)), (0, 0))


# ------------------------------------------------------------------ add
@pytest.mark.parametrize("op", ["add", "mul"])
def test_add_and_mul_name_themselves_when_shapes_do_not_broadcast(op):
    """_add/_mul: "add"/"mul" given to _broadcast_shape."""
    x = Tensor(np.ones((2, 3)))
    with pytest.raises(ValueError, match=rf"^{op}: shapes \(2, 3\) and \(3, 2\) do not broadcast"):
        x + np.ones((3, 2)) if op == "add" else x * np.ones((3, 2))


def test_add_vjp_sums_an_upstream_gradient_of_a_larger_broadcast_shape():
    """add_vjp/_broadcast_target: g may have a shape that x + y broadcasts to (summed back)."""
    gx, gy = bp.add_vjp(np.ones((4, 3)), (3,), (1,))
    np.testing.assert_array_equal(gx, [4.0, 4.0, 4.0])
    np.testing.assert_array_equal(gy, [12.0])
    gx, gy = bp.add_vjp(np.ones((2, 3)), (), (), -1.0)
    assert gx == 6.0 and gy == -6.0


@pytest.mark.parametrize("x_shape,y_shape", [((2, 3), (3,)), ((3,), (2, 3))])
def test_add_vjp_expects_the_broadcast_shape_of_both_inputs(x_shape, y_shape):
    """add_vjp: the expected shape comes from x_shape and y_shape together."""
    with pytest.raises(ValueError, match=r"^g: expected the shape of the add output, \(2, 3\), got "
                                         r"shape \(3,\) \(nothing is broadcast\)$"):
        bp.add_vjp(np.ones(3), x_shape, y_shape)


# ------------------------------------------------------------------ sum and the axis argument
def test_sum_keeps_the_reduced_axis_when_asked():
    """Tensor.sum: keepdims passed on (not None)."""
    x = Tensor(np.arange(6.0).reshape(2, 3))
    y = x.sum(axis=1, keepdims=True)
    np.testing.assert_array_equal(y.value, [[3.0], [12.0]])
    (y * np.array([[1.0], [2.0]])).sum().backward()
    np.testing.assert_array_equal(x.grad, [[1.0, 1.0, 1.0], [2.0, 2.0, 2.0]])


def test_sum_vjp_names_its_operation():
    """sum_vjp: the op name in the upstream-gradient message."""
    with pytest.raises(ValueError, match=r"^g: expected the shape of the sum output, \(2,\), got "
                                         r"shape \(3,\) \(nothing is broadcast\)$"):
        bp.sum_vjp(np.ones(3), (2, 3), (1,), False)


def test_an_axis_must_be_an_int_and_not_repeated():
    """_normalise_axis: a bool is not an axis (or vs and); the two messages."""
    x = Tensor(np.ones((2, 3)))
    what = r"^axis: expected an int, a tuple of ints or None, got "
    with pytest.raises(TypeError, match=what + r"True$"):
        x.sum(axis=True)
    with pytest.raises(TypeError, match=what + r"1\.0$"):
        x.max(axis=1.0)
    with pytest.raises(ValueError, match=r"^axis: repeated axis in \(0, -2\)$"):
        x.sum(axis=(0, -2))


# ------------------------------------------------------------------ matmul
def test_matmul_vjp_names_bad_factors_and_a_bad_upstream_gradient():
    """matmul_vjp: the names "x", "y" and what they accept; 1-D refused for either (or vs and)."""
    g = np.ones((2, 2))
    with pytest.raises(TypeError, match=r"^x: expected a 2-D or 3-D array, got str$"):
        bp.matmul_vjp(g, "x", np.ones((2, 2)))
    with pytest.raises(TypeError, match=r"^y: expected a 2-D or 3-D array, got str$"):
        bp.matmul_vjp(g, np.ones((2, 2)), "y")
    for x, y in [(np.ones(3), np.ones((3, 2))), (np.ones((2, 3)), np.ones(3))]:
        shapes = re.escape(f"{x.shape} and {y.shape}")
        with pytest.raises(ValueError, match=rf"^x, y: expected 2-D or batched 3-D arrays, got "
                                             rf"shapes {shapes}$"):
            bp.matmul_vjp(g, x, y)
    with pytest.raises(ValueError, match=r"^g: expected the shape of the matmul output, \(2, 2\), "
                                         r"got shape \(3, 3\)"):
        bp.matmul_vjp(np.ones((3, 3)), np.ones((2, 3)), np.ones((3, 2)))


def test_matmul_names_the_factor_that_is_not_a_matrix_and_the_axes_that_differ():
    """_matmul: "x"/"y" in the rank message; x's last axis (not its first or second-to-last)."""
    x, v = Tensor(np.ones((2, 3))), Tensor(np.ones(3))
    with pytest.raises(ValueError, match=r"^matmul: y must be 2-D \(m, k\) or batched 3-D"):
        x @ v
    with pytest.raises(ValueError, match=r"^matmul: x must be 2-D \(m, k\) or batched 3-D"):
        v @ x
    with pytest.raises(ValueError, match=r"^matmul: x has shape \(2, 3, 4\) and y has shape "
                                         r"\(5, 2\): x's last axis \(4\) must equal y's "
                                         r"second-to-last \(5\)$"):
        Tensor(np.ones((2, 3, 4))) @ Tensor(np.ones((5, 2)))


# ------------------------------------------------------------------ the backward pass
def test_backpropagate_tensors_names_a_root_that_is_not_a_tensor():
    """backpropagate_tensors: the message with the root's type."""
    with pytest.raises(TypeError, match=r"^root: expected a Tensor, got ndarray$"):
        bp.backpropagate_tensors(np.ones(2), np.ones(2))


def test_gradients_are_float64_even_for_an_integer_seed_or_vjp():
    """backpropagate_tensors: every grad is a float64 array (np.array(g, dtype=float64))."""
    x = Tensor([1.0, 2.0])
    y = x * x
    bp.backpropagate_tensors(y, [1, 10])
    assert y.grad.dtype == np.float64 and x.grad.dtype == np.float64
    np.testing.assert_array_equal(y.grad, [1.0, 10.0])
    np.testing.assert_array_equal(x.grad, [2.0, 40.0])
    total = Tensor.from_vjp(x.value.sum(), [x], lambda g: (np.ones(2, dtype=int),), op="total")
    total.backward()                                   # a VJP written in integers
    assert x.grad.dtype == np.float64
    np.testing.assert_array_equal(x.grad, [1.0, 1.0])


def test_a_parent_whose_vjp_returns_none_gets_a_zero_gradient():
    """backpropagate_tensors: a tensor that receives no VJP gets zeros of its shape (pop default)."""
    x, y = Tensor([1.0, 2.0]), Tensor(np.ones((2, 2)))
    first = Tensor.from_vjp(x.value.copy(), [x, y], lambda g: (g, None))
    first.sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0, 1.0])
    np.testing.assert_array_equal(y.grad, np.zeros((2, 2)))
    assert y.grad.shape == (2, 2)


def test_a_vjp_that_returns_the_wrong_shape_is_reported():
    """backpropagate_tensors: the RuntimeError names the operation and both shapes."""
    x = Tensor([1.0, 2.0])
    y = Tensor.from_vjp(x.value, [x], lambda g: (np.ones(3),), op="bad")
    with pytest.raises(RuntimeError, match=r"^bad: VJP returned shape \(3,\) for an input of "
                                           r"shape \(2,\)$"):
        y.sum().backward()


def test_backward_from_a_one_entry_tensor_of_any_rank():
    """Tensor.backward: the seed is ones of the output's own shape, here (1, 1)."""
    x, w = Tensor([[1.0, 2.0]]), Tensor([[3.0], [4.0]])
    c = x @ w
    c.backward()
    np.testing.assert_array_equal(c.grad, [[1.0]])
    np.testing.assert_array_equal(w.grad, [[1.0], [2.0]])


def test_backward_of_constants_only_explains_why_there_is_nothing_to_do():
    """Tensor.backward: the message; _lift: numbers and arrays become constants."""
    c = Tensor([1.0, 2.0], requires_grad=False)
    y = (c * 2.0 + np.ones(2)).sum()
    assert not y.requires_grad and y.parents == ()
    with pytest.raises(ValueError, match=r"^backward: this Tensor does not depend on any Tensor with "
                                         r"requires_grad=True \(built inside no_grad, or from "
                                         r"constants only\)$"):
        y.backward()


def test_a_bool_operand_is_refused_as_ambiguous():
    """_lift: the message for a bool operand."""
    with pytest.raises(TypeError, match=r"^add: a bool operand is ambiguous; convert it to a number "
                                        r"first$"):
        Tensor([1.0]) + True


# ------------------------------------------------------------------ unbroadcast
def test_unbroadcast_sums_unit_axes_after_the_added_ones():
    """unbroadcast: axis extra + i of g (not extra − i) for a unit axis of the input."""
    g = np.arange(6.0).reshape(1, 2, 3)
    np.testing.assert_array_equal(bp.unbroadcast(g, (2, 1)), [[3.0], [12.0]])


def test_unbroadcast_names_bad_arguments():
    """unbroadcast: both checks (or vs and) and their messages, the type names."""
    with pytest.raises(TypeError, match=r"^g: expected an array, got str$"):
        bp.unbroadcast("g", (2,))
    with pytest.raises(TypeError, match=r"^shape: expected a tuple of ints, got int 3$"):
        bp.unbroadcast(np.ones(3), 3)
    for shape in [(2,), (1, 3)]:
        with pytest.raises(ValueError, match=rf"^shape: {re.escape(str(shape))} does not broadcast "
                                             rf"to the gradient's shape \(3,\)$"):
            bp.unbroadcast(np.ones(3), shape)


def test_an_operation_result_starts_without_gradient_or_label():
    """Tensor._node: grad None (not "") and label "" (not None) until set."""
    y = Tensor([1.0, 2.0]) * 2.0
    assert y.grad is None and y.label == "" and y.op == "mul"


# ------------------------------------------------------------------ the Tensor constructor
def test_integer_and_bool_values_become_float64():
    """_as_array: np.array(arr, dtype=float64) (policy: bool or integer arrays → float64)."""
    for value in ([1, 2], np.array([True, False]), np.arange(3, dtype=np.int8)):
        assert Tensor(value).value.dtype == np.float64
    np.testing.assert_array_equal(Tensor([True, False]).value, [1.0, 0.0])


def test_values_that_are_not_real_arrays_are_refused_naming_value():
    """_as_array: what a value may be, in the messages for complex and ragged input."""
    what = r"^value: expected a number, an array or a Tensor, got "
    with pytest.raises(TypeError, match=what + r"dtype complex128$"):
        Tensor([1j])
    with pytest.raises(ValueError, match=what + r"a ragged sequence whose rows differ in length \("):
        Tensor([[1.0, 2.0], [3.0]])


def test_a_text_upstream_gradient_is_refused_saying_what_shape_it_needs():
    """_upstream: the description "an array of the tanh output's shape"."""
    with pytest.raises(TypeError, match=r"^g: expected an array of the tanh output's shape, got str$"):
        bp.elementwise_vjp("g", "tanh", np.ones(2))


def test_a_tensor_made_from_a_tensor_is_an_independent_leaf():
    """Tensor.__init__: the value of a Tensor argument is copied, not shared."""
    t = Tensor([1.0, 2.0])
    u = Tensor(t, requires_grad=False)
    np.testing.assert_array_equal(u.value, [1.0, 2.0])
    u.value[0] = 5.0
    assert t.value[0] == 1.0
    assert u.op == "" and u.parents == () and u.saved == () and not u.requires_grad


def test_requires_grad_must_be_a_bool():
    """Tensor.__init__: the message."""
    with pytest.raises(TypeError, match=r"^requires_grad: expected True or False, got 1$"):
        Tensor([1.0], requires_grad=1)

"""Unit tests of bplib.losses: values by hand, gradients by central differences, fused deltas,
one_hot and the LOSSES table."""
import numpy as np
import pytest

import bplib as bp

RTOL = 1e-7


def probabilities(m=4, k=3, seed=0):
    """Softmax rows well inside (0, 1), so that no clipping happens."""
    Z = np.random.default_rng(seed).standard_normal((m, k))
    return bp.softmax(Z)


def targets(name, m=4, k=3, seed=1):
    rng = np.random.default_rng(seed)
    if name == "cross_entropy":
        return bp.one_hot(rng.integers(0, k, m), k)
    if name == "binary_cross_entropy":
        return rng.uniform(0.0, 1.0, (m, k))  # soft targets are allowed
    return rng.standard_normal((m, k))


# ------------------------------------------------------------------ values by hand
def test_mse_by_hand():
    Y_hat = np.array([[1.0, 2.0], [3.0, 4.0]])
    Y = np.array([[0.0, 0.0], [1.0, 1.0]])
    # C = (1/m) Σ_x ½‖a − y‖² = ½ · ½ · (1 + 4 + 4 + 9)
    assert bp.mse(Y_hat, Y) == 4.5
    assert isinstance(bp.mse(Y_hat, Y), float)
    np.testing.assert_array_equal(bp.mse_grad(Y_hat, Y), [[0.5, 1.0], [1.0, 1.5]])


def test_cross_entropy_by_hand():
    Y_hat = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]])
    Y = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    assert bp.cross_entropy(Y_hat, Y) == pytest.approx(-(np.log(0.7) + np.log(0.8)) / 2, rel=1e-15)
    np.testing.assert_allclose(bp.cross_entropy_grad(Y_hat, Y),
                               [[-1 / 1.4, 0, 0], [0, -1 / 1.6, 0]], rtol=1e-15)


def test_binary_cross_entropy_by_hand():
    Y_hat = np.array([[0.9], [0.2]])
    Y = np.array([[1.0], [0.0]])
    assert bp.binary_cross_entropy(Y_hat, Y) == pytest.approx(-(np.log(0.9) + np.log(0.8)) / 2, rel=1e-15)
    # (a − y) / (m a (1 − a))
    np.testing.assert_allclose(bp.binary_cross_entropy_grad(Y_hat, Y),
                               [[-0.1 / (2 * 0.09)], [0.2 / (2 * 0.16)]], rtol=1e-14)


def test_losses_are_zero_at_a_perfect_answer():
    Y = bp.one_hot([0, 2, 1], 3)
    assert bp.mse(Y, Y) == 0.0
    assert bp.cross_entropy(Y, Y) == 0.0
    assert bp.binary_cross_entropy(Y, Y) == pytest.approx(0.0, abs=1e-10)


def test_losses_from_logits_equal_losses_of_probabilities():
    Z = np.random.default_rng(3).standard_normal((5, 3)) * 2
    Y = bp.one_hot([0, 1, 2, 2, 1], 3)
    assert bp.cross_entropy_from_logits(Z, Y) == pytest.approx(bp.cross_entropy(bp.softmax(Z), Y), rel=1e-13)
    Yb = np.random.default_rng(4).uniform(0, 1, (5, 3))
    assert bp.binary_cross_entropy_from_logits(Z, Yb) == pytest.approx(
        bp.binary_cross_entropy(bp.sigmoid(Z), Yb), rel=1e-13)


def test_cross_entropy_is_clipped_not_infinite():
    Y_hat = np.array([[1.0, 0.0]])
    Y = np.array([[0.0, 1.0]])
    assert bp.cross_entropy(Y_hat, Y) == pytest.approx(-np.log(bp.EPS))
    assert np.all(np.isfinite(bp.cross_entropy_grad(Y_hat, Y)))
    assert bp.binary_cross_entropy(Y_hat, Y) == pytest.approx(-2 * np.log(bp.EPS), rel=1e-3)


# ------------------------------------------------------------------ gradients
@pytest.mark.parametrize("name", ["mse", "cross_entropy", "binary_cross_entropy"])
def test_loss_gradient_matches_central_differences(name):
    loss = bp.LOSSES[name]
    Y_hat, Y = probabilities(), targets(name)
    numeric = bp.numerical_gradient(lambda P: loss.value(P, Y), Y_hat)
    analytic = loss.grad(Y_hat, Y)
    assert analytic.shape == Y_hat.shape
    assert bp.relative_error(analytic, numeric) < RTOL


@pytest.mark.parametrize("name", ["mse", "cross_entropy", "binary_cross_entropy"])
def test_loss_gradient_carries_one_over_m(name):
    loss = bp.LOSSES[name]
    Y_hat, Y = probabilities(m=1), targets(name, m=1)
    # the same example stacked 4 times: same cost, a quarter of the gradient per row
    Y_hat4, Y4 = np.repeat(Y_hat, 4, axis=0), np.repeat(Y, 4, axis=0)
    assert loss.value(Y_hat4, Y4) == pytest.approx(loss.value(Y_hat, Y), rel=1e-14)
    np.testing.assert_allclose(loss.grad(Y_hat4, Y4), np.repeat(loss.grad(Y_hat, Y), 4, axis=0) / 4,
                               rtol=1e-14)


@pytest.mark.parametrize("name", ["mse", "cross_entropy", "binary_cross_entropy"])
def test_loss_gradient_keeps_float32(name):
    loss = bp.LOSSES[name]
    Y_hat, Y = probabilities().astype(np.float32), targets(name).astype(np.float32)
    assert loss.grad(Y_hat, Y).dtype == np.float32


# ------------------------------------------------------------------ fused deltas
def test_softmax_cross_entropy_delta_is_the_chain_through_the_jacobian():
    Z = np.random.default_rng(5).standard_normal((4, 3))
    Y = targets("cross_entropy")
    A = bp.softmax(Z)
    fused = bp.softmax_cross_entropy_delta(A, Y)
    np.testing.assert_allclose(fused, (A - Y) / 4, rtol=1e-15)
    chained = bp.softmax_backward(A, bp.cross_entropy_grad(A, Y))  # J^T ∂C/∂A per row
    np.testing.assert_allclose(fused, chained, rtol=1e-10, atol=1e-16)
    numeric = bp.numerical_gradient(lambda V: bp.cross_entropy_from_logits(V, Y), Z)
    assert bp.relative_error(fused, numeric) < RTOL


def test_sigmoid_binary_cross_entropy_delta_is_grad_times_sigmoid_prime():
    Z = np.random.default_rng(6).standard_normal((4, 3))
    Y = targets("binary_cross_entropy")
    A = bp.sigmoid(Z)
    fused = bp.sigmoid_binary_cross_entropy_delta(A, Y)
    np.testing.assert_allclose(fused, (A - Y) / 4, rtol=1e-15)
    chained = bp.output_delta(bp.binary_cross_entropy_grad(A, Y), bp.sigmoid_prime(Z))
    np.testing.assert_allclose(fused, chained, rtol=1e-12, atol=1e-16)
    numeric = bp.numerical_gradient(lambda V: bp.binary_cross_entropy_from_logits(V, Y), Z)
    assert bp.relative_error(fused, numeric) < RTOL


def test_mse_delta_through_sigmoid_is_not_the_fused_delta():
    """The seed-002 pitfall: (A − Y)/m is the BCE delta, not the squared-error one."""
    Z = np.random.default_rng(7).standard_normal((4, 2))
    Y = np.random.default_rng(8).uniform(0, 1, (4, 2))
    A = bp.sigmoid(Z)
    mse_delta = bp.output_delta(bp.mse_grad(A, Y), bp.sigmoid_prime(Z))
    numeric = bp.numerical_gradient(lambda V: bp.mse(bp.sigmoid(V), Y), Z)
    assert bp.relative_error(mse_delta, numeric) < RTOL
    assert bp.relative_error(bp.sigmoid_binary_cross_entropy_delta(A, Y), numeric) > 0.1


# ------------------------------------------------------------------ one_hot
def test_one_hot_values():
    out = bp.one_hot([0, 2, 1, 2], 3)
    np.testing.assert_array_equal(out, [[1, 0, 0], [0, 0, 1], [0, 1, 0], [0, 0, 1]])
    assert out.dtype == np.float64 and out.shape == (4, 3)


def test_one_hot_round_trips_through_argmax():
    labels = np.random.default_rng(9).integers(0, 10, 50)
    out = bp.one_hot(labels, 10)
    np.testing.assert_array_equal(out.argmax(axis=1), labels)
    np.testing.assert_array_equal(out.sum(axis=1), 1.0)


def test_one_hot_accepts_integral_floats_and_empty_input():
    np.testing.assert_array_equal(bp.one_hot(np.array([1.0, 0.0]), 2), [[0, 1], [1, 0]])
    assert bp.one_hot(np.array([], dtype=np.int64), 3).shape == (0, 3)


def test_one_hot_rejects_non_integer_labels():
    with pytest.raises(TypeError, match=r"labels: expected integer class indices, got dtype float64"):
        bp.one_hot([0.5, 1.0], 2)


# ------------------------------------------------------------------ the table
def test_loss_table_has_the_contract_entries():
    assert list(bp.LOSSES) == ["mse", "cross_entropy", "binary_cross_entropy"]
    for name, loss in bp.LOSSES.items():
        assert isinstance(loss, bp.Loss) and loss.name == name and repr(loss) == f"Loss({name!r})"
        assert bp.get_loss(name) is loss
    assert bp.LOSSES["mse"].value is bp.mse and bp.LOSSES["mse"].grad is bp.mse_grad
    with pytest.raises(KeyError, match=r"loss: unknown name 'hinge'; valid names are 'mse', "
                                       r"'cross_entropy', 'binary_cross_entropy'"):
        bp.LOSSES["hinge"]


def test_losses_do_not_modify_their_inputs():
    Y_hat, Y = probabilities(), targets("cross_entropy")
    before = Y_hat.copy(), Y.copy()
    for loss in bp.LOSSES.values():
        loss.value(Y_hat, Y), loss.grad(Y_hat, Y)
    bp.softmax_cross_entropy_delta(Y_hat, Y), bp.sigmoid_binary_cross_entropy_delta(Y_hat, Y)
    np.testing.assert_array_equal(Y_hat, before[0])
    np.testing.assert_array_equal(Y, before[1])

"""Tests of bplib.training: the loops of chapter 06 and the many-seed training of chapter 04."""
import re
import warnings

import matplotlib
import numpy as np
import pytest

import bplib as bp

matplotlib.use("Agg")

X_XOR, Y_XOR = bp.xor()


def xor_net(seed=0, **kw):
    return bp.MLP([2, 3, 1], init="standard", seed=seed, **kw)


def line_data():
    x, y = bp.linear_samples()
    return x.reshape(-1, 1), y.reshape(-1, 1)


# ---------------------------------------------------------------- update counts
@pytest.mark.parametrize("batch_size, per_epoch", [(None, 1), (1, 4), (2, 2), (3, 2), (4, 1), (10, 1)])
def test_updates_and_examples_per_epoch(batch_size, per_epoch):
    history = bp.train(xor_net(), X_XOR, Y_XOR, lr=0.5, epochs=3, batch_size=batch_size)
    assert history.epochs == [0, 1, 2, 3]
    assert history.updates == [0, per_epoch, 2 * per_epoch, 3 * per_epoch]
    assert history.examples_seen == [0, 4, 8, 12]
    assert bp.updates_per_epoch(4, batch_size) == per_epoch
    assert len(history.loss) == 4


def test_updates_per_epoch_rounds_up():
    assert bp.updates_per_epoch(200, 32) == 7
    assert bp.updates_per_epoch(200, 1) == 200
    assert bp.updates_per_epoch(200, None) == 1


def test_full_batch_is_one_gradient_step_per_epoch():
    net, reference = xor_net(), xor_net()
    bp.train(net, X_XOR, Y_XOR, lr=0.5, epochs=2)
    for _ in range(2):
        dWs, dbs = reference.gradients(X_XOR, Y_XOR)
        reference.update(dWs, dbs, 0.5)
    for W, V in zip(net.weights + net.biases, reference.weights + reference.biases):
        np.testing.assert_array_equal(W, V)


def test_minibatch_step_is_the_mean_gradient_update():
    net, reference = xor_net(), xor_net()
    bp.minibatch_step(net, X_XOR[1:3], Y_XOR[1:3], lr=0.3)
    per_example = [reference.gradients(X_XOR[i:i + 1], Y_XOR[i:i + 1]) for i in (1, 2)]
    for i, W in enumerate(reference.weights):
        mean = (per_example[0][0][i] + per_example[1][0][i]) / 2
        np.testing.assert_allclose(net.weights[i], W - 0.3 * mean, rtol=0, atol=1e-15)


# ---------------------------------------------------------------- shuffling
def test_minibatches_cover_every_example_once():
    rng = np.random.default_rng(0)
    for b in (1, 3, 7, 10):
        batches = bp.minibatches(10, b, rng)
        assert sorted(np.concatenate(batches).tolist()) == list(range(10))
        assert [len(x) for x in batches[:-1]] == [b] * (len(batches) - 1)
    assert [x.tolist() for x in bp.minibatches(5, 2, None)] == [[0, 1], [2, 3], [4]]


def test_every_epoch_is_reshuffled_and_seeded_runs_repeat():
    rng = np.random.default_rng(0)
    first, second = (np.concatenate(bp.minibatches(20, 5, rng)) for _ in range(2))
    assert first.tolist() != second.tolist()
    X, labels = bp.moons(40, 0.2, seed=0)
    Y = labels.reshape(-1, 1).astype(float)
    runs = [bp.train(bp.MLP([2, 5, 1], seed=0), X, Y, lr=1.0, epochs=4, batch_size=5, seed=s).loss
            for s in (7, 7, 8)]
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def test_stochastic_training_follows_one_permutation_per_epoch():
    """bp.train with batch_size=1 equals a hand loop over rng.permutation(m) drawn every epoch."""
    net, reference = xor_net(), xor_net()
    bp.train(net, X_XOR, Y_XOR, lr=0.5, epochs=3, batch_size=1, seed=11)
    rng = np.random.default_rng(11)
    for _ in range(3):
        for i in rng.permutation(4):
            bp.minibatch_step(reference, X_XOR[i:i + 1], Y_XOR[i:i + 1], 0.5)
    for W, V in zip(net.weights + net.biases, reference.weights + reference.biases):
        np.testing.assert_array_equal(W, V)


def test_no_shuffle_visits_the_examples_in_order():
    net, reference = xor_net(), xor_net()
    bp.train(net, X_XOR, Y_XOR, lr=0.5, epochs=2, batch_size=1, shuffle=False, seed=123)
    for _ in range(2):
        for i in range(4):
            bp.minibatch_step(reference, X_XOR[i:i + 1], Y_XOR[i:i + 1], 0.5)
    for W, V in zip(net.weights, reference.weights):
        np.testing.assert_array_equal(W, V)


def test_full_batch_does_not_depend_on_the_seed():
    runs = [bp.train(xor_net(), X_XOR, Y_XOR, lr=0.5, epochs=5, seed=s).loss for s in (0, 1)]
    assert runs[0] == runs[1]


# ---------------------------------------------------------------- divergence
@pytest.mark.parametrize("batch_size, lr", [(None, 0.05), (1, 0.05), (1, 1e3), (None, 1e8), (1, 1e30), (4, 1e200)])
def test_divergence_raises_a_clear_error_without_warnings(batch_size, lr):
    X, Y = line_data()
    net = bp.MLP([1, 1], output="identity", init="standard", seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(bp.TrainingDiverged) as info:
            bp.train(net, X, Y, lr=lr, epochs=500, batch_size=batch_size)
    message = str(info.value)
    size = "full batch" if batch_size is None else f"batch size {batch_size}"
    expected = rf"diverged at epoch \d+ with learning rate {re.escape(f'lr={lr:g} ({size})')}"
    assert re.search(expected, message), message
    history = info.value.history
    assert history.epochs[-1] == int(re.search(r"epoch (\d+)", message).group(1))
    assert np.isfinite(history.loss[0])


def test_training_below_the_stability_limit_converges_and_above_diverges():
    X, Y = line_data()
    limit = bp.largest_stable_lr(X)
    net = bp.MLP([1, 1], output="identity", init="standard", seed=0)
    below = bp.train(net.copy(), X, Y, lr=0.98 * limit, epochs=3000)
    assert below.loss[-1] < 1e-6
    with pytest.raises(bp.TrainingDiverged):
        bp.train(net.copy(), X, Y, lr=1.02 * limit, epochs=3000)


def test_largest_stable_lr_is_two_over_the_largest_eigenvalue():
    X, _ = line_data()
    x = X[:, 0]
    H = np.array([[np.mean(x ** 2), np.mean(x)], [np.mean(x), 1.0]])
    tr, det = np.trace(H), np.linalg.det(H)
    lam = 0.5 * (tr + np.sqrt(tr ** 2 - 4 * det))
    assert bp.largest_stable_lr(X) == pytest.approx(2 / lam, rel=1e-12)


def test_training_run_reports_instead_of_raising_and_leaves_the_net_alone():
    X, Y = line_data()
    net = bp.MLP([1, 1], output="identity", init="standard", seed=0)
    before = [W.copy() for W in net.weights]
    run = bp.training_run(net, X, Y, lr=0.05, epochs=100)
    assert run.diverged and "diverged at epoch" in run.message
    ok = bp.training_run(net, X, Y, lr=0.02, epochs=3000)
    assert not ok.diverged and "< 1e-12" in ok.message
    for W, V in zip(net.weights, before):
        np.testing.assert_array_equal(W, V)


# ---------------------------------------------------------------- bad inputs
NET = xor_net()


@pytest.mark.parametrize("kwargs, error, pattern", [
    (dict(lr=0.0), ValueError, r"lr: must be a finite number > 0, got 0.0"),
    (dict(lr=-1.0), ValueError, r"lr: must be a finite number > 0"),
    (dict(lr="fast"), TypeError, r"lr: expected a positive number, got 'fast'"),
    (dict(epochs=0), ValueError, r"epochs: must be an integer ≥ 1, got 0"),
    (dict(epochs=1.5), ValueError, r"epochs: must be an integer ≥ 1, got 1.5"),
    (dict(batch_size=0), ValueError, r"batch_size: must be an integer ≥ 1 or None, got 0"),
    (dict(batch_size=True), ValueError, r"batch_size: must be an integer ≥ 1 or None, got True"),
    (dict(batch_size=2.5), ValueError, r"batch_size: must be an integer ≥ 1 or None, got 2.5"),
    (dict(X=np.zeros((4, 3))), ValueError, r"X: expected 2 columns, shape \(m, 2\), got shape \(4, 3\)"),
    (dict(X=np.zeros(2)), ValueError, r"X: expected a 2-D array"),
    (dict(Y=np.zeros((3, 1))), ValueError, r"X and Y must have the same number of rows"),
])
def test_train_rejects_bad_inputs(kwargs, error, pattern):
    args = dict(X=X_XOR, Y=Y_XOR, lr=0.1, epochs=1)
    args.update(kwargs)
    with pytest.raises(error, match=pattern):
        bp.train(NET.copy(), args.pop("X"), args.pop("Y"), **args)


@pytest.mark.parametrize("call, error, pattern", [
    (lambda: bp.updates_per_epoch(0, 1), ValueError, r"m: must be an integer ≥ 1, got 0"),
    (lambda: bp.updates_per_epoch(10, 0), ValueError, r"batch_size: must be an integer ≥ 1, got 0"),
    (lambda: bp.minibatch_step(NET.copy(), X_XOR, Y_XOR, lr=0), ValueError, r"lr: must be a finite number > 0"),
    (lambda: bp.minibatch_step(NET.copy(), X_XOR[0], Y_XOR[0], lr=0.1), ValueError, r"X: expected a 2-D array"),
    (lambda: bp.train_many([], X_XOR, Y_XOR, 0.1, 1), TypeError, r"nets: expected a non-empty list of MLPs"),
    (lambda: bp.train_many([xor_net(), bp.MLP([2, 4, 1])], X_XOR, Y_XOR, 0.1, 1), ValueError,
     r"nets\[1\]: every network must have the architecture of nets\[0\]"),
    (lambda: bp.train_many([bp.MLP([2, 2], output="softmax", loss="cross_entropy")], X_XOR,
                           np.array([[1.0, 0.0]] * 4), 0.1, 1), ValueError, r"a loss that is a sum over output units"),
    (lambda: bp.train_many([xor_net(l2=0.1)], X_XOR, Y_XOR, 0.1, 1), ValueError, r"L2 penalty"),
    (lambda: bp.train_many([xor_net()], X_XOR, Y_XOR, 0.1, 0), ValueError, r"epochs: must be an integer ≥ 1, got 0"),
    (lambda: bp.batch_gradient_spread(NET, X_XOR, Y_XOR, [5]), ValueError, r"batch_sizes: every batch size must lie in 1 … m = 4"),
    (lambda: bp.largest_stable_lr(np.zeros(3)), ValueError, r"X: expected a 2-D array"),
])
def test_helpers_reject_bad_inputs(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()


# ---------------------------------------------------------------- many networks at once
@pytest.mark.parametrize("sizes, loss, hidden", [([2, 3, 1], "mse", "sigmoid"), ([2, 2, 2, 2], "mse", "tanh"),
                                                  ([2, 4, 1], "binary_cross_entropy", "sigmoid")])
def test_train_many_equals_separate_full_batch_runs(sizes, loss, hidden):
    X, Y = (X_XOR, Y_XOR) if sizes[-1] == 1 else bp.half_adder()
    nets = [bp.MLP(sizes, hidden=hidden, loss=loss, init="standard", seed=s) for s in range(4)]
    separate = [net.copy() for net in nets]
    costs = bp.train_many(nets, X, Y, lr=0.7, epochs=300)
    for i, (net, ref) in enumerate(zip(nets, separate)):
        history = bp.train(ref, X, Y, lr=0.7, epochs=300)
        np.testing.assert_allclose(costs[i], history.loss, rtol=1e-9, atol=1e-13)
        for W, V in zip(net.weights + net.biases, ref.weights + ref.biases):
            np.testing.assert_allclose(W, V, rtol=1e-9, atol=1e-12)


def test_train_seeds_counts_and_first_epochs():
    trials = bp.train_seeds(X_XOR, Y_XOR, [2, 3, 1], init="standard", lr=0.5, epochs=2000, seeds=range(3))
    assert trials.outputs.shape == (3, 4, 1) and trials.costs.shape == (3, 2001)
    manual_right = [all((o > 0.5) == (t > 0.5) for o, t in zip(out[:, 0], Y_XOR[:, 0])) for out in trials.outputs]
    assert trials.right_side.tolist() == manual_right
    assert trials.within(1.0).all() and not trials.within(0.0).any()
    first = trials.first_epoch_below(0.1)
    for costs, e in zip(trials.costs, first):
        if e >= 0:
            assert costs[e] < 0.1 and (costs[:e] >= 0.1).all()
        else:
            assert (costs >= 0.1).all()
    assert "right side of 0.5" in trials.summary()


def test_seed_002_setting_stalls_and_the_change_solves_xor():
    stalled = bp.train_seeds(X_XOR, Y_XOR, [2, 3, 1], init=0.1, lr=0.1, epochs=10_000, seeds=range(10))
    assert stalled.right_side.sum() == 0
    assert np.abs(stalled.costs[:, -1] - 0.125).max() < 1e-4
    solved = bp.train_seeds(X_XOR, Y_XOR, [2, 3, 1], init="standard", lr=0.5, epochs=10_000, seeds=range(10))
    assert solved.within(0.1).all()


# ---------------------------------------------------------------- measurements and checks
def test_gradient_spread():
    net = xor_net()
    spread = bp.batch_gradient_spread(net, X_XOR, Y_XOR, [1, 2, 4], epochs=5)
    assert spread[2] < 1e-12                      # the whole set: no spread
    g = net.flat_gradients(X_XOR, Y_XOR)
    singles = [np.linalg.norm(net.flat_gradients(X_XOR[i:i + 1], Y_XOR[i:i + 1]) - g) / np.linalg.norm(g)
               for i in range(4)]
    assert spread[0] == pytest.approx(np.sqrt(np.mean(np.square(singles))), rel=1e-12)
    assert spread[0] > spread[1] > spread[2]


def test_exercise_checks():
    assert bp.check_update_count(350, 200, 32, 50).ok
    wrong = bp.check_update_count(300, 200, 32, 50)
    assert not wrong.ok and "last, smaller batch" in wrong.message
    assert not bp.check_update_count(10_000, 200, 32, 50).ok
    X, _ = line_data()
    assert bp.check_largest_stable_lr(bp.largest_stable_lr(X), X).ok
    half = bp.check_largest_stable_lr(bp.largest_stable_lr(X) / 2, X)
    assert not half.ok and "1/λ_max" in half.message
    assert not bp.check_largest_stable_lr(-1, X).ok


def test_format_cost():
    assert bp.format_cost(3e-19) == "< 1e-12"
    assert bp.format_cost(0.25) == "0.25"


# ---------------------------------------------------------------- figures and widgets (smoke)
def test_plots_draw_labelled_axes():
    import matplotlib.pyplot as plt
    import bplib.plots as bpp

    history = bp.train(xor_net(), X_XOR, Y_XOR, lr=0.5, epochs=5, batch_size=2)
    for x in ("epochs", "examples_seen", "updates"):
        ax = bpp.plot_loss_curves({"run": history}, x=x)
        assert ax.get_xlabel() and ax.get_ylabel()
    trials = bp.train_seeds(X_XOR, Y_XOR, [2, 3, 1], init="standard", lr=0.5, epochs=5, seeds=range(2))
    assert bpp.plot_seed_costs(trials).get_xlabel() == "epoch"
    ax = bpp.plot_seed_outputs(trials, input_names=["00", "01", "10", "11"])
    bpp.plot_seed_outputs(trials, ax=ax, colour="k", label="again")
    net = bp.MLP([2, 2, 2, 2], seed=0)
    result = bp.path_terms(net, np.zeros(2), np.zeros(2), 1, 0, 0)
    assert bpp.plot_path_terms(result, reference=0.0).get_ylabel()
    assert bpp.plot_gradient_spread([1, 2, 4], [1.0, 0.6, 0.0], m=4).get_xlabel() == "batch size $b$"
    with pytest.raises(ValueError, match="x: expected one of"):
        bpp.plot_loss_curves({"run": history}, x="seconds")
    plt.close("all")


def test_widgets_build():
    import ipywidgets
    import matplotlib.pyplot as plt
    import bplib.widgets as bpw

    X, labels = bp.moons(20, 0.2, seed=0)
    widget = bpw.training_loop_widget(bp.MLP([2, 3, 1], seed=0), X, labels, epochs=2, batch_sizes=(1, 10, 20))
    assert isinstance(widget, ipywidgets.VBox)
    assert isinstance(bpw.xor_setting_widget(X_XOR, Y_XOR, epochs=5, seeds=range(2)), ipywidgets.VBox)
    Xh, Yh = bp.half_adder()
    assert isinstance(bpw.path_terms_widget(bp.MLP([2, 2, 2, 2], seed=0), Xh, Yh), ipywidgets.VBox)
    plt.close("all")


def test_check_largest_stable_lr_names_the_forgotten_mean_and_bias():
    """Two slips of a hand computation: H summed instead of averaged, and H without the bias."""
    X = np.arange(13.0).reshape(-1, 1) / 12
    expected = bp.largest_stable_lr(X)
    summed = bp.check_largest_stable_lr(expected / 13, X)
    assert summed.ok is False and "divide by m" in summed.message
    no_bias = bp.check_largest_stable_lr(2 / float(np.mean(X ** 2)), X)
    assert no_bias.ok is False and "bias" in no_bias.message
    assert bp.check_largest_stable_lr(1.57, X).ok               # rounded by hand

"""Tests of chapter 13's helpers (bplib.sequences), figures and widget: the recall task, the small
recurrent models' gradients, the training loop with clipping, the measurements, the two planted
slips, and the docstring examples of bplib.recurrent and bplib.sequences."""
from __future__ import annotations

import doctest

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import bplib as bp  # noqa: E402
import bplib.plots as bpp  # noqa: E402

TOL = 1e-7


@pytest.mark.parametrize("module", ["recurrent", "sequences"])
def test_docstring_examples_run(module):
    import importlib

    mod = importlib.import_module(f"bplib.{module}")
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS, report=False)
    assert result.attempted > 0 and result.failed == 0


def test_recall_task_layout():
    X, labels = bp.recall_task(50, lag=7, n_symbols=4, n_distractors=3, seed=2)
    assert X.shape == (50, 8, 8)
    assert np.all(X.sum(axis=2) == 1)                          # one-hot at every step
    assert np.array_equal(X[:, 0, :4].argmax(axis=1), labels)  # the symbol first
    assert np.all((X[:, 1:7].argmax(axis=2) >= 4) & (X[:, 1:7].argmax(axis=2) < 7))  # distractors
    assert np.all(X[:, 7, 7] == 1)                              # the query last
    X2, labels2 = bp.recall_task(50, lag=7, n_symbols=4, n_distractors=3, seed=2)
    assert np.array_equal(X, X2) and np.array_equal(labels, labels2)
    with pytest.raises(ValueError, match="lag"):
        bp.recall_task(5, lag=0)


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_sequence_model_gradients_match_central_differences(cell, loss):
    X, labels = bp.recall_task(6, lag=4, seed=0)
    Y = np.eye(4)[labels]
    p = bp.init_sequence_model(cell, X.shape[2], 3, 4, seed=1)
    cost, grads = bp.sequence_model_gradients(cell, p, X, Y, loss=loss)
    for name in p:
        def f(v, name=name):
            q = dict(p)
            q[name] = v
            return bp.sequence_model_gradients(cell, q, X, Y, loss=loss)[0]
        assert bp.relative_error(grads[name], bp.numerical_gradient(f, p[name])) < TOL, name


def test_truncated_model_gradient_uses_truncated_bptt():
    X, labels = bp.recall_task(6, lag=5, seed=0)
    Y = np.eye(4)[labels]
    p = bp.init_sequence_model("rnn", X.shape[2], 3, 4, seed=1)
    _, full = bp.sequence_model_gradients("rnn", p, X, Y)
    _, same = bp.sequence_model_gradients("rnn", p, X, Y, truncate=6)
    _, short = bp.sequence_model_gradients("rnn", p, X, Y, truncate=2)
    assert bp.relative_error(full["Wh"], same["Wh"]) < 1e-13
    assert bp.relative_error(full["Wh"], short["Wh"]) > 1e-3


def test_init_sequence_model_shapes_forget_bias_and_radius():
    p = bp.init_sequence_model("lstm", 9, 16, 4, seed=0, forget_bias=3.0)
    assert p["Wx"].shape == (64, 9) and p["Wh"].shape == (64, 16) and p["V"].shape == (4, 16)
    assert np.all(p["b"][16:32] == 3.0)
    q = bp.init_sequence_model("rnn", 9, 16, 4, seed=0, recurrent_radius=2.0)
    assert bp.spectral_radius(q["Wh"]) == pytest.approx(2.0)
    with pytest.raises(ValueError, match="cell"):
        bp.init_sequence_model("gru", 9, 16, 4)


def test_short_lag_is_learned_by_both_cells():
    X, labels = bp.recall_task(300, lag=3, seed=5)
    Y = np.eye(4)[labels]
    for cell in ["rnn", "lstm"]:
        p, h = bp.train_sequence_model(cell, X, Y, n_hidden=8, steps=150, lr=0.03, clip=1.0, seed=0,
                                       forget_bias=3.0)
        acc = np.mean(np.argmax(bp.sequence_model_predict(cell, p, X), axis=1) == labels)
        assert acc > 0.95 and h["cost"][-10:].mean() < h["cost"][:10].mean() / 5


def test_clipping_turns_a_diverging_run_into_a_converging_one():
    runs = bp.clipping_experiment(clips=(None, 0.5), seed=0)
    assert runs[None]["diverged"] and len(runs[None]["cost"]) < 50
    assert not runs[0.5]["diverged"] and runs[0.5]["cost"][-20:].mean() < 0.15


def test_train_sequence_model_rejects_bad_settings():
    X, labels = bp.recall_task(10, lag=2)
    Y = np.eye(4)[labels]
    with pytest.raises(ValueError, match="optimizer"):
        bp.train_sequence_model("rnn", X, Y, optimizer="rmsprop")
    with pytest.raises(ValueError, match="X"):
        bp.sequence_model_predict("rnn", bp.init_sequence_model("rnn", 9, 4, 4), X[:, 0])


def test_input_gradient_reaches_further_in_the_lstm():
    reach = bp.input_gradient_by_lag([5, 30], n_hidden=8, seed=0)
    assert reach["rnn"][1] < 1e-3 * reach["rnn"][0]
    assert reach["lstm"][1] > 0.05 * reach["lstm"][0]


def test_planted_slips_are_wrong_where_they_should_be():
    rng = np.random.default_rng(0)
    X, h0, Wx, Wh, b = (rng.normal(size=(2, 5, 3)), rng.normal(size=(2, 4)), rng.normal(size=(4, 3)),
                        0.6 * rng.normal(size=(4, 4)), rng.normal(size=4))
    dH = rng.normal(size=(2, 5, 4))
    right, wrong = bp.rnn_backward(dH, X, h0, Wx, Wh, b), bp.rnn_backward_overwriting_weights(dH, X, h0, Wx, Wh, b)
    assert bp.relative_error(right[0], wrong[0]) < 1e-14 and bp.relative_error(right[1], wrong[1]) < 1e-14
    assert all(bp.relative_error(r, w) > 1e-2 for r, w in zip(right[2:], wrong[2:]))
    c0 = rng.normal(size=(2, 4))
    Wx4, Wh4, b4 = rng.normal(size=(16, 3)), rng.normal(size=(16, 4)), rng.normal(size=16)
    right = bp.lstm_backward(dH, X, h0, c0, Wx4, Wh4, b4)
    wrong = bp.lstm_backward_without_forget_path(dH, X, h0, c0, Wx4, Wh4, b4)
    assert bp.relative_error(right[2], wrong[2]) > 1e-2 and bp.relative_error(right[4], wrong[4]) > 1e-2
    one_step = [a[:, :1] if a.ndim == 3 else a for a in (dH, X)]   # a single step: nothing to pass back
    r1 = bp.lstm_backward(one_step[0], one_step[1], h0, c0, Wx4, Wh4, b4)
    w1 = bp.lstm_backward_without_forget_path(one_step[0], one_step[1], h0, c0, Wx4, Wh4, b4)
    assert bp.relative_error(r1[3], w1[3]) < 1e-14


def test_jacobian_norm_checker():
    assert bp.check_jacobian_norm(0.9 ** 12, 0.9, 12).ok
    assert bp.check_jacobian_norm(0.2825, 0.9, 12).ok           # four digits by hand
    assert not bp.check_jacobian_norm(0.9 * 12, 0.9, 12).ok
    assert "multiply" in bp.check_jacobian_norm(0.9 * 12, 0.9, 12).message
    assert not bp.check_jacobian_norm("abc", 0.9, 12).ok
    assert bp.check_jacobian_norm(0.28, 0.9, 12).ok             # two digits by hand
    for off_by_one in (0.9 ** 11, 0.9 ** 13):                   # one factor too few or too many
        result = bp.check_jacobian_norm(off_by_one, 0.9, 12)
        assert not result.ok and "Count the factors" in result.message


def test_jacobian_norms_by_lag_is_deterministic_and_checks_arguments():
    a = bp.jacobian_norms_by_lag(1.1, n_h=8, T=10, seed=3)
    assert np.array_equal(a, bp.jacobian_norms_by_lag(1.1, n_h=8, T=10, seed=3)) and a.shape == (11,)
    with pytest.raises(ValueError, match="input_scale"):
        bp.jacobian_norms_by_lag(1.0, input_scale=-1)
    with pytest.raises(ValueError, match="radius"):
        bp.jacobian_norms_by_lag(0.0)


def test_plots_draw_labelled_axes():
    ax = bpp.plot_jacobian_norms({0.8: np.array([1.0, 0.5, 0.25]), 1.2: np.array([1.0, 1.2, 1.44])})
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_yscale() == "log"
    fig = bpp.plot_clipping_runs({None: {"cost": np.array([1.0, 10.0]), "grad_norm": np.array([1.0, 50.0]), "diverged": True},
                                  0.5: {"cost": np.array([1.0, 0.5]), "grad_norm": np.array([1.0, 0.7]), "diverged": False}})
    assert all(a.get_xlabel() and a.get_ylabel() for a in fig.axes)
    ax = bpp.plot_recall_accuracy([5, 20], {"rnn": np.array([[1.0, 0.9], [0.5, 0.4]])}, chance=0.25)
    assert ax.get_xlabel() and ax.get_ylabel()
    with pytest.raises(ValueError, match="accuracy"):
        bpp.plot_recall_accuracy([5, 20, 40], {"rnn": np.ones((2, 2))})
    ax = bpp.plot_recall_accuracy([5, 20], {"rnn": np.ones((2, 2)), "RNN of 35 units": np.array([[np.nan] * 2, [1.0, 0.5]])})
    extra = [line for line in ax.lines if line.get_label().startswith("RNN of 35 units")]
    assert len(extra) == 1 and extra[0].get_xdata().size == 1      # drawn only at the lag it was run at
    ax = bpp.plot_unrolled_rnn(3)
    ax = bpp.plot_lstm_cell()
    assert any("f_t" in t.get_text() for t in ax.texts)
    with pytest.raises(ValueError, match="T"):
        bpp.plot_unrolled_rnn(0)
    plt.close("all")


def test_widget_builds():
    import bplib.widgets as bpw

    w = bpw.jacobian_norm_widget(radius=0.9, input_scale=0.01, lag=10, T=20, n_h=8)
    assert len(w.children) == 2
    plt.close("all")

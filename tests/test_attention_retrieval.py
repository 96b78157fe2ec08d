"""Tests of bplib.retrieval (chapter 15's task, model and exercise checks) and the chapter's figures."""
import matplotlib
import numpy as np
import pytest

import bplib as bp

matplotlib.use("Agg")


def test_task_answers_are_the_stored_values():
    t = bp.generate_retrieval(50, seed=3)
    assert t.keys.shape == (50, 12) and t.queries.shape == t.targets.shape == (50, 4)
    for i in range(50):
        assert len(set(t.keys[i])) == 12
        lookup = dict(zip(t.keys[i], t.values[i]))
        assert [lookup[q] for q in t.queries[i]] == list(t.targets[i])
        assert len(set(t.queries[i])) == 4


def test_task_is_seeded():
    a, b = bp.generate_retrieval(5, seed=1), bp.generate_retrieval(5, seed=1)
    np.testing.assert_array_equal(a.keys, b.keys)
    np.testing.assert_array_equal(a.targets, b.targets)


@pytest.mark.parametrize("kwargs, match", [({"n_pairs": 30}, "n_pairs"), ({"n_queries": 13}, "n_queries"),
                                           ({"m": 0}, "m")])
def test_task_bad_arguments(kwargs, match):
    args = {"m": 4, **kwargs}
    with pytest.raises(ValueError, match=match):
        bp.generate_retrieval(**args)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"every": 0}, ValueError, "every: "), ({"seed": -1}, ValueError, "seed: "),
    ({"seed": 1.5}, TypeError, "seed: "), ({"scale": "no"}, TypeError, "scale: "),
    ({"test": [1, 2]}, TypeError, "test: "), ({"d": 0}, ValueError, "d: ")])
def test_train_retrieval_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        bp.train_retrieval(steps=2, **kwargs)


@pytest.mark.parametrize("scale", [True, False])
def test_model_gradients_match_central_differences(scale):
    t = bp.generate_retrieval(4, n_pairs=5, n_keys=7, n_values=4, n_queries=3, seed=2)
    model = bp.RetrievalModel.create(n_keys=7, n_values=4, d=3, d_v=4, seed=1, scale=scale)
    grads = model.gradients(t)
    for name, value in model.params.items():
        def cost(x, name=name):
            other = model.copy()
            other.params[name] = x
            return other.loss(t)
        assert bp.relative_error(grads[name], bp.numerical_gradient(cost, value)) < 1e-7, name


def test_training_reaches_95_percent_on_held_out_examples():
    test = bp.generate_retrieval(500, seed=12345)
    for seed in range(3):
        model, history = bp.train_retrieval(seed=seed, test=test)
        assert model.accuracy(test) >= 0.95
        assert history.loss[-1] < history.loss[0]


def test_unscaled_scores_are_q_dot_k():
    t = bp.generate_retrieval(3, seed=0)
    model = bp.RetrievalModel.create(seed=0, scale=False)
    Q = model.params["Wq"].T[t.queries]
    K = model.params["Wk"].T[t.keys]
    S = Q @ K.transpose(0, 2, 1)
    P = np.exp(S - S.max(axis=2, keepdims=True))
    np.testing.assert_allclose(model.weights(t), P / P.sum(axis=2, keepdims=True), rtol=1e-12, atol=1e-300)
    assert model.copy().scale is False


def test_trained_model_attends_to_the_matching_key():
    test = bp.generate_retrieval(200, seed=99)
    model, _ = bp.train_retrieval(seed=0)
    P = model.weights(test)
    match = test.keys[:, None, :] == test.queries[:, :, None]           # (m, T_q, T_k), one True per row
    assert np.mean(P[match]) > 0.5                                      # 12 keys: uniform would be 1/12
    assert np.mean(np.argmax(P, axis=2) == np.argmax(match, axis=2)) > 0.99
    untrained = bp.RetrievalModel.create(seed=0).weights(test)
    assert np.mean(untrained[match]) < 0.2


def test_attention_demo():
    w = bp.attention_demo(16, scale=True, seed=0)
    assert w.shape == (8,) and w.sum() == pytest.approx(1.0)
    assert bp.attention_demo(4096, scale=False, seed=0).max() > 0.99
    assert bp.attention_demo(4096, scale=True, seed=0).max() < 0.9


def test_check_attention_output():
    assert bp.check_attention_output(1.6605)
    assert bp.check_attention_output([1.66])
    unscaled = bp.check_attention_output(1.5379)
    assert not unscaled and "1/√d" in unscaled.message
    assert not bp.check_attention_output(2.0)
    assert not bp.check_attention_output("x")
    assert bp.check_attention_output(1.66) and bp.check_attention_output(np.float32(1.661))
    assert "swapped" in bp.check_attention_output(2.3396).message
    assert "√d = √2" in bp.check_attention_output(1.7551).message
    assert "weighted mean" in bp.check_attention_output(0.6698).message


def test_check_masked_gradient_rows():
    assert bp.check_masked_gradient_rows([0, 1, 2])
    assert bp.check_masked_gradient_rows((2, 1, 0))
    assert bp.check_masked_gradient_rows(np.array([0.0, 1.0, 2.0])) and bp.check_masked_gradient_rows([0, 0, 1, 2])
    assert not bp.check_masked_gradient_rows([2])
    assert "not only to its own" in bp.check_masked_gradient_rows([2]).message
    assert "after position" in bp.check_masked_gradient_rows([0, 1, 2, 3]).message
    assert "count from 0" in bp.check_masked_gradient_rows([1, 2, 3]).message
    assert not bp.check_masked_gradient_rows([0.5, 1, 2])                  # not silently cast to [0, 1, 2]
    assert "integers" in bp.check_masked_gradient_rows("0, 1, 2").message
    with pytest.raises(ValueError, match="query: "):
        bp.check_masked_gradient_rows([0], T=3, query=3)


def test_figures_label_their_axes():
    import matplotlib.pyplot as plt
    import bplib.plots as bpp
    t = bp.generate_retrieval(3, seed=0)
    model = bp.RetrievalModel.create(seed=0)
    fig = bpp.plot_attention_maps(model.weights(t), t, [0, 1], bp.KEY_SYMBOLS)
    assert all(ax.get_xlabel() == "key" for ax in fig.axes[:2])
    res = bp.softmax_saturation([4, 16], samples=20)
    fig = bpp.plot_saturation([4, 16], res, res)
    assert all(ax.get_xlabel() for ax in fig.axes)
    ax = bpp.plot_attention_map(np.eye(3), mask=bp.causal_mask(3))
    assert ax.get_ylabel() == "query"
    with pytest.raises(ValueError, match="P: expected a 2-D"):
        bpp.plot_attention_map(np.ones(3))
    plt.close("all")


def test_attention_scale_widget_builds():
    import ipywidgets
    import matplotlib.pyplot as plt
    import bplib.widgets as bpw
    box = bpw.attention_scale_widget(d=64)
    assert isinstance(box, ipywidgets.VBox)
    log_d, scaled, draw = box.children[0].children
    assert log_d.value == 6 and scaled.value is True
    with pytest.raises(ValueError, match="d: "):
        bpw.attention_scale_widget(d=0)
    plt.close("all")

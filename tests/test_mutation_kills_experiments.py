"""Tests written for mutants of Part V's experiment modules: bplib.cnn, sequences,
residual_experiments and retrieval (chapters 12–15) that the other tests let survive (issue 13).

Each test states a property a reader of the book relies on; the mutant it was written for is
named in its docstring.  Run the mutation study with ``tests/mutation/run.sh``.
"""
import inspect

import numpy as np
import pytest

import bplib as bp
from bplib.retrieval import RetrievalModel


def _defaults(f):
    return {k: v.default for k, v in inspect.signature(f).parameters.items()
            if v.default is not inspect.Parameter.empty}


# ------------------------------------------------------------------ cnn: SmallCNN and train_cnn
def _tiny_cnn_data(m, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, 16))
    Y = np.eye(3)[rng.integers(0, 3, size=m)]
    return X, Y


def test_small_cnn_predicts_one_class_per_image():
    """cnn.SmallCNN.predict: argmax over the classes of each row (axis=1, of Z2)."""
    net = bp.SmallCNN(channels=2, image_size=4, n_classes=3, seed=0)
    X, _ = _tiny_cnn_data(5)
    pred = net.predict(X)
    assert pred.shape == (5,)
    np.testing.assert_array_equal(pred, net.forward(X).argmax(axis=1))


def test_train_cnn_is_shuffled_minibatch_gradient_descent():
    """cnn.train_cnn: every batch of one shuffled pass is used once (range(0, m, batch_size)),
    on images of the network's own size (as_images(X, net.image_size))."""
    X, Y = _tiny_cnn_data(4)
    net = bp.SmallCNN(channels=1, image_size=4, n_classes=3, seed=0)
    ref = bp.SmallCNN(channels=1, image_size=4, n_classes=3, seed=0)
    costs = bp.train_cnn(net, X, Y, lr=0.5, epochs=1, batch_size=2, seed=3)
    order = np.random.default_rng(3).permutation(4)
    for idx in (order[:2], order[2:]):
        grads = ref.gradients(X[idx], Y[idx])
        ref.W1, ref.b1, ref.W2, ref.b2 = [p - 0.5 * g for p, g in zip(ref.params, grads)]
    np.testing.assert_allclose(net.get_params(), ref.get_params(), rtol=1e-12)
    assert len(costs) == 2 and costs[1] == pytest.approx(ref.loss(X, Y), rel=1e-12)


def test_train_cnn_names_its_bad_arguments():
    """cnn.train_cnn: the names "lr", "epochs", "batch_size", "Y", type(net) and a checked seed."""
    X, Y = _tiny_cnn_data(4)
    net = bp.SmallCNN(channels=1, image_size=4, n_classes=3, seed=0)
    with pytest.raises(TypeError, match=r"^net: expected a bplib.SmallCNN, got str$"):
        bp.train_cnn("cnn", X, Y)
    for kw, name in ((dict(lr=0.0), "lr"), (dict(epochs=0), "epochs"), (dict(batch_size=0), "batch_size"),
                     (dict(seed=-1), "seed")):
        with pytest.raises(ValueError, match=rf"^{name}: "):
            bp.train_cnn(net, X, Y, **kw)
    with pytest.raises(ValueError, match=r"^Y: "):
        bp.train_cnn(net, X, Y[:3])
    with pytest.raises(ValueError, match=r"^Y: "):
        bp.train_cnn(net, X, np.eye(4)[[0, 1, 2, 3]])
    before = net.get_params()
    with pytest.raises(TypeError, match=r"^seed: "):
        bp.train_cnn(net, X, Y, seed=1.5)
    np.testing.assert_array_equal(net.get_params(), before)


# ------------------------------------------------------------------ cnn: the exercise checkers
def test_check_conv_output_size_names_each_slip():
    """cnn.check_conv_output_size: every hint (padding once, no +1, rounding up, no rounding) and
    the exact wording the reader sees."""
    c = bp.check_conv_output_size
    assert c(4, 8, 3, stride=2, padding=1) == "Right: 8 pixels, kernel 3, stride 2, padding 1 give 4 outputs."
    assert c(5, 7, 3) == "Right: 7 pixels, kernel 3, stride 1, padding 0 give 5 outputs."
    assert c(8, 8, 3, padding=2) == (
        "Not yet: the padding is added on both sides, so the padded length is n + 2P.")
    assert c(3, 8, 3, stride=2, padding=1) == (
        "Not yet: count the first window too: (n + 2P − k)/s windows fit after it, so add 1.")
    assert c(5, 8, 3, stride=2, padding=1) == (
        "Not yet: round down: a window that would stick out of the padded input is not used.")
    assert c(4.5, 8, 3, stride=2, padding=1) == "Not yet: round (n + 2P − k)/s down before adding 1."
    assert c(9, 8, 3, stride=2, padding=1) == (
        "Not yet: count the windows: the first starts at 0, each next one s further, "
        "the last must end inside the padded input.")
    assert c(3, 7, 3, stride=2, padding=1) == (
        "Not yet: the padding is added on both sides, so the padded length is n + 2P; "
        "count the first window too: (n + 2P − k)/s windows fit after it, so add 1.")
    first = "Not yet: count the first window too: (n + 2P − k)/s windows fit after it, so add 1."
    assert c(9, 8, 3, padding=2) == first and c(4, 7, 3) == first
    assert c(6, 8, 3, stride=2, padding=2) == (
        "Not yet: round down: a window that would stick out of the padded input is not used.")
    assert c(5.5, 8, 3, stride=2, padding=2) == "Not yet: round (n + 2P − k)/s down before adding 1."
    assert c("four", 8, 3) == "Not yet: the answer should be a whole number, got 'four'."


def test_check_correlate1d_gradients_explains_each_slip():
    """cnn.check_correlate1d_gradients: the NaN answer, the unflipped kernel, a wrong dx, a wrong
    dw (the and/or, atol and message mutants)."""
    x, w, dy = np.array([1.0, 2.0, -1.0, 3.0]), np.array([0.5, -2.0]), np.array([1.0, -1.0, 2.0])
    dx, dw = bp.correlate1d_backward(dy, x, w)
    c = bp.check_correlate1d_gradients
    assert c(dx, dw, dy, x, w) == "Right: both gradients match eq-conv1d-vjp."
    assert c(list(dx), list(dw), list(dy), list(x), list(w)) == "Right: both gradients match eq-conv1d-vjp."
    nan = "Not yet: dx and dw should hold finite numbers, got NaN or inf."
    assert c(dx, np.full(2, np.nan), dy, x, w) == nan and c(dx * np.inf, dw, dy, x, w) == nan
    unflipped = np.convolve(dy, w[::-1], mode="full")
    assert c(unflipped, dw, dy, x, w) == (
        "Not yet: dx: x_j meets w_k in y_{j−k}, so the kernel runs backwards over dy (flip it).")
    assert c(dx + 0.5, dw + 0.5, dy, x, w) == (
        "Not yet: dx: collect, for every x_j, each output y_i it entered, times the weight it met there; "
        "dw: w_k is used at every output position i, so sum dy_i · x_{i+k} over all of them.")
    assert c(dx + 1e-4, dw, dy, x, w).startswith("Not yet: dx: collect")
    assert c(dx, dw + 1e-4, dy, x, w).startswith("Not yet: dw: w_k")
    assert c(dx[:3], dw, dy, x, w) == "Not yet: dx has one entry per input, shape (4,), got (3,)."
    assert c(dx, [True, False], dy, x, w).startswith("Not yet: dw:")
    assert c("dx", dw, dy, x, w) == "Not yet: dx and dw should be arrays of numbers, got 'dx' and " + repr(dw) + "."


# ------------------------------------------------------------------ cnn: the planted slips
def test_the_planted_slips_keep_the_documented_shapes_defaults_and_errors():
    """cnn._slip_args, input_grad_unflipped, kernel_grad_transposed_im2col: W's shape is kept,
    the defaults are stride 1 / padding 0, and bad ranks name the argument and its layout."""
    rng = np.random.default_rng(0)
    X, W = rng.normal(size=(2, 3, 5, 5)), rng.normal(size=(4, 3, 3, 2))
    dY = rng.normal(size=(2, 4, 3, 4))
    assert bp.kernel_grad_transposed_im2col(dY, X, W).shape == W.shape
    assert bp.kernel_grad_overwritten(dY, X, W).shape == W.shape
    np.testing.assert_array_equal(bp.input_grad_unflipped(dY, X, W),
                                  bp.conv2d_input_grad_flipped(dY, X, W[:, :, ::-1, ::-1], 1, 0))
    for f in (bp.kernel_grad_overwritten, bp.kernel_grad_transposed_im2col):
        with pytest.raises(ValueError, match=r"^X: expected a 4-D array of shape \(m, C_in, H, W\), got"):
            f(dY, X[0], W)
        with pytest.raises(ValueError, match=r"^W: expected a 4-D array of shape \(C_out, C_in, kh, kw\), got"):
            f(dY, X, W[0])
        with pytest.raises(ValueError, match=r"^dY: expected a 4-D array of shape \(m, C_out, H_out, W_out\), "):
            f(dY[0], X, W)
    with pytest.raises(ValueError, match=r"^W: expected a 4-D array of shape \(C_out, C_in, kh, kw\), got"):
        bp.input_grad_unflipped(dY, X, W[0])


def test_kernel_grad_overwritten_keeps_only_the_last_output_position():
    """cnn.kernel_grad_overwritten: with ``=`` the last position (H_out − 1, W_out − 1) wins;
    range(dY.shape[2]) over the rows (a non-square output tells rows from columns)."""
    rng = np.random.default_rng(1)
    X, W = rng.normal(size=(2, 1, 4, 6)), rng.normal(size=(1, 1, 2, 2))
    dY = rng.normal(size=(2, 1, 3, 5))
    last = np.einsum("n,nchw->chw", dY[:, 0, 2, 4], X[:, :, 2:4, 4:6])
    np.testing.assert_allclose(bp.kernel_grad_overwritten(dY, X, W)[0], last, rtol=1e-12)


# ------------------------------------------------------------------ sequences
def _mean_cross_entropy(cell, p, X, Y):
    Z = bp.sequence_model_predict(cell, p, X)
    Z = Z - Z.max(axis=1, keepdims=True)
    logp = Z - np.log(np.exp(Z).sum(axis=1, keepdims=True))
    return -(Y * logp).sum() / X.shape[0]


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_input_gradient_by_lag_is_the_gradient_that_reaches_the_first_step(cell):
    """sequences.input_gradient_by_lag: ‖∂C/∂X[:, 0]‖ against central differences of the mean
    cross-entropy (the data seed 3000 + lag, the model seed, d_out = (A − Y)/n, dH at the last
    step, dX = the first return, the first step)."""
    n, n_hidden, seed, fb = 3, 3, 1, 0.5
    got = bp.input_gradient_by_lag([2, 3], cells=(cell,), n_hidden=n_hidden, seed=seed, n=n, forget_bias=fb)
    for a, lag in enumerate([2, 3]):
        X, lab = bp.recall_task(n, lag, seed=3000 + lag)
        Y = np.eye(4)[lab]
        p = bp.init_sequence_model(cell, X.shape[2], n_hidden, 4, seed=seed, forget_bias=fb)
        g = np.zeros_like(X[:, 0])
        h = 1e-6
        for idx in np.ndindex(g.shape):
            Xp, Xm = X.copy(), X.copy()
            Xp[(idx[0], 0, idx[1])] += h
            Xm[(idx[0], 0, idx[1])] -= h
            g[idx] = (_mean_cross_entropy(cell, p, Xp, Y) - _mean_cross_entropy(cell, p, Xm, Y)) / (2 * h)
        assert got[cell][a] == pytest.approx(np.linalg.norm(g), rel=1e-5)


def test_input_gradient_by_lag_names_a_bad_lag():
    """sequences.input_gradient_by_lag: positive_int(lag, "lags")."""
    with pytest.raises(ValueError, match=r"^lags: "):
        bp.input_gradient_by_lag([0], cells=("rnn",), n=2)


def test_recall_experiment_reports_held_out_accuracy_per_lag_and_seed():
    """sequences.recall_experiment (no test ran it): the training/test data seeds 1000 + lag and
    2000 + lag, every setting passed to train_sequence_model, accuracy = mean(argmax == label)."""
    kw = dict(n_hidden=3, steps=5, lr=0.5, batch_size=4, clip=0.5, forget_bias=2.0, stop_cost=None)
    acc = bp.recall_experiment([2, 3], [0, 4], cells=("rnn", "lstm"), n_train=8, n_test=100, n_symbols=3,
                               n_distractors=2, **kw)
    assert set(acc) == {"rnn", "lstm"}
    for cell in ("rnn", "lstm"):
        assert acc[cell].shape == (2, 2)
        for a, lag in enumerate([2, 3]):
            X, lab = bp.recall_task(8, lag, 3, 2, seed=1000 + lag)
            Xt, lab_t = bp.recall_task(100, lag, 3, 2, seed=2000 + lag)
            for s, seed in enumerate([0, 4]):
                p, _ = bp.train_sequence_model(cell, X, np.eye(3)[lab], seed=seed, **kw)
                want = np.mean(bp.sequence_model_predict(cell, p, Xt).argmax(axis=1) == lab_t)
                assert acc[cell][a, s] == want
    assert len({acc["rnn"][a, s] for a in range(2) for s in range(2)}) > 1
    with pytest.raises(ValueError, match=r"^lags: "):
        bp.recall_experiment([0], [0], cells=("rnn",), n_train=4, n_test=4, steps=1)


def test_overwriting_bptt_keeps_only_the_first_steps_weight_term():
    """sequences.rnn_backward_overwriting_weights (a pitfall, wrong on purpose): dX and dh0 are
    right, and ∂C/∂W_h is δ_1 h_0ᵀ, the term of the step processed last (h_prev = h0 at t = 1)."""
    rng = np.random.default_rng(0)
    X, h0 = rng.normal(size=(1, 4, 2)), rng.normal(size=(1, 3))
    Wx, Wh, b = rng.normal(size=(3, 2)), 0.5 * rng.normal(size=(3, 3)), rng.normal(size=3)
    dH = rng.normal(size=(1, 4, 3))
    dX, dh0, dWx, dWh, db = bp.rnn_backward_overwriting_weights(dH, X, h0, Wx, Wh, b)
    right = bp.rnn_backward(dH, X, h0, Wx, Wh, b)
    np.testing.assert_allclose(dX, right[0], rtol=1e-12)
    np.testing.assert_allclose(dh0, right[1], rtol=1e-12)
    np.testing.assert_allclose(dWh, np.outer(db, h0[0]), rtol=1e-12)
    np.testing.assert_allclose(dWx, np.outer(db, X[0, 0]), rtol=1e-12)
    assert not np.allclose(dWh, right[3])


def test_lstm_pitfall_is_right_when_every_forget_gate_is_one():
    """sequences.lstm_backward_without_forget_path (a pitfall): the only slip is the dropped f_t on
    the cell path, so with f ≡ 1 (forget bias 40) it equals lstm_backward (h_prev, dh, dWh, db,
    dX and the loop mutants)."""
    rng = np.random.default_rng(2)
    n_h = 3
    X, h0, c0 = rng.normal(size=(2, 4, 2)), rng.normal(size=(2, n_h)), rng.normal(size=(2, n_h))
    Wx, Wh, b = rng.normal(size=(4 * n_h, 2)), rng.normal(size=(4 * n_h, n_h)), rng.normal(size=4 * n_h)
    Wx[n_h:2 * n_h], Wh[n_h:2 * n_h], b[n_h:2 * n_h] = 0.0, 0.0, 40.0
    dH = rng.normal(size=(2, 4, n_h))
    slip = bp.lstm_backward_without_forget_path(dH, X, h0, c0, Wx, Wh, b)
    right = bp.lstm_backward(dH, X, h0, c0, Wx, Wh, b)
    assert len(slip) == len(right)
    for s, r in zip(slip, right):
        assert s.dtype == np.float64 and s.shape == r.shape
        np.testing.assert_allclose(s, r, rtol=1e-9, atol=1e-12)
    b[n_h:2 * n_h] = 0.0
    slip = bp.lstm_backward_without_forget_path(dH, X, h0, c0, Wx, Wh, b)
    right = bp.lstm_backward(dH, X, h0, c0, Wx, Wh, b)
    assert not np.allclose(slip[0], right[0])


# ------------------------------------------------------------------ retrieval
def test_attention_demo_is_the_softmax_of_scaled_random_scores():
    """retrieval.attention_demo: q then the keys drawn from default_rng(seed), q of shape (d,),
    weights softmax(k·q/√d); bad d and n_keys are named."""
    d, n_keys, seed = 5, 6, 3
    rng = np.random.default_rng(seed)
    q, k = rng.normal(size=d), rng.normal(size=(n_keys, d))
    s = k @ q / np.sqrt(d)
    w = np.exp(s - s.max())
    np.testing.assert_allclose(bp.attention_demo(d, True, n_keys, seed), w / w.sum(), rtol=1e-12)
    with pytest.raises(ValueError, match=r"^d: "):
        bp.attention_demo(0)
    with pytest.raises(ValueError, match=r"^n_keys: "):
        bp.attention_demo(4, n_keys=0)
    with pytest.raises(ValueError, match=r"^seed: "):
        bp.attention_demo(4, seed=-1)


def test_a_retrieval_task_has_one_entry_per_example():
    """retrieval.RetrievalTask.__len__: the number of examples m, not of key-value pairs."""
    assert len(bp.generate_retrieval(4, n_pairs=5, n_keys=7, n_values=4, n_queries=3, seed=2)) == 4


def test_a_copied_retrieval_model_does_not_share_its_parameters():
    """retrieval.RetrievalModel.copy: a deep copy (copy.copy would share the arrays)."""
    model = RetrievalModel.create(n_keys=5, n_values=3, d=4, d_v=4, seed=0)
    twin = model.copy()
    for name, value in model.params.items():
        saved = twin.params[name].copy()
        value += 1.0
        np.testing.assert_array_equal(twin.params[name], saved)


def test_check_attention_output_names_each_slip():
    """retrieval.check_attention_output: the verdict and wording of every branch, and the edges
    of the "a weight" window 0 < o < 1."""
    c = bp.check_attention_output
    generic = "Not yet: compute the scores q·k_j/√2, their softmax, then the weighted mean of the values."
    cases = {
        1.6605: (True, "Correct: o = 1.6605."),
        1.538: (False, "Not yet: that is the output without the 1/√d; divide the scores by √2 first."),
        2.0: (False, "Not yet: equal weights 1/2 would need equal scores; q·k_1 = 1 and q·k_2 = 0."),
        2.3396: (False, "Not yet: the larger weight belongs to v_1 = 1 (key k_1 matches q), "
                        "so o = p_1·1 + p_2·3; the weights were swapped."),
        1.7551: (False, "Not yet: that divides the scores by d = 2; divide by √d = √2 ≈ 1.414."),
        0.5: (False, "Not yet: that looks like a weight; the output is the weighted mean "
                     "p_1·1 + p_2·3 of the values, a number between 1 and 3."),
        -2.0: (False, generic), 0.0: (False, generic), 1.0: (False, generic), 1.5: (False, generic),
        "x": (False, "Not yet: the output o is a single number."),
        (1.66, 2.0): (False, "Not yet: the output o is a single number."),
    }
    for answer, (ok, message) in cases.items():
        result = c(answer)
        assert (result.ok, result.message) == (ok, message), answer
    assert c([[1.66]]).ok


def test_check_masked_gradient_rows_names_each_slip_and_bad_settings():
    """retrieval.check_masked_gradient_rows: the verdict and wording of every branch, the names
    T and query, and query = 0 (the first position) allowed."""
    c = bp.check_masked_gradient_rows
    after = "Not yet: a key after position 2 has weight 0 for query 2, so its gradient is 0 too."
    missing = ("Not yet: every key the query may attend to (including its own position) has a nonzero "
               "weight, and so a nonzero gradient.")
    cases = [
        ([2, 1, 0, 0], True, "Correct: positions [0, 1, 2], the keys query 2 may attend to."),
        ([1, 2, 3], False, "Not yet: positions count from 0 here, so the first position is 0."),
        ([0, 1, 3], False, after), ([0, 1, 2, 3], False, after),
        ([0, 2], False, missing), ([], False, missing),
        ([0.5], False, "Not yet: give the positions as a list of integers, e.g. [0, 1]."),
        ("x", False, "Not yet: give the positions as a list of integers, e.g. [0, 1]."),
    ]
    for answer, ok, message in cases:
        result = c(answer)
        assert (result.ok, result.message) == (ok, message), answer
    assert c([0], T=3, query=0).ok
    with pytest.raises(ValueError, match=r"^T: "):
        c([0], T=0)
    with pytest.raises(ValueError, match=r"^query: expected an integer position 0 … 4, got 5$"):
        c([0], query=5)
    with pytest.raises(ValueError, match=r"^query: expected an integer position 0 … 4, got True$"):
        c([0, 1], query=True)


def _bn_input_gradient(x, dy, gamma):
    x, dy = np.asarray(x, float), np.asarray(dy, float)
    x_hat = (x - x.mean()) / x.std()
    return gamma / x.std() * (dy - dy.mean() - x_hat * np.mean(dy * x_hat))


def test_check_bn_input_gradient_names_each_slip():
    """residual_experiments.check_bn_input_gradient: the verdict and wording of every branch,
    each slip recognised (the unbiased variance with m = len(x)), the tolerance relative to the
    largest entry, ε = 1e-12 (a batch with a tiny variance), the bad answers and lengths."""
    x, dy, gamma = np.array([1.0, 2.0, 6.0]), np.array([1.0, 0.0, 0.0]), 2.0
    right = _bn_input_gradient(x, dy, gamma)
    sigma = x.std()
    c = bp.check_bn_input_gradient
    cases = [
        (right, True, "Right: dx = [ 0.3527 -0.4409  0.0882]; its entries sum to zero, as they must."),
        (gamma * dy / sigma, False, "Not yet: that is γ dy/σ, with μ and σ² treated as constants. Both "
                                    "depend on every x_i: add the paths through μ and through σ²."),
        (gamma / sigma * (dy - dy.mean()), False, "Not yet: you kept the path through μ but not the one "
                                                  "through σ²: the term −x̂ · mean(dy ⊙ x̂) is missing."),
        (right * np.sqrt(2 / 3), False, "Not yet: this is the answer with the unbiased variance (divide by "
                                        "m − 1); batch norm divides by m."),
        (right / gamma, False, "Not yet: these are the right numbers divided by γ: the upstream gradient of "
                               "x̂ is γ dy, so every path carries the factor γ."),
        ([1.0, 0.0, 0.0], False, "Not yet: your entries sum to 1, but a batch-norm input gradient sums to "
                                 "zero over the batch. Check the mean path."),
        (right + [0.3, -0.3, 0.0], False, "Not yet: the entries sum to zero, so the mean path is there; check "
                                          "the variance path, −x̂_i · (1/m) Σ_k dy_k x̂_k, and the factor γ/σ."),
        ([0.0, 0.0, 0.0], False, "Not yet: replace the zeros with your numbers."),
        ([np.nan, 0.0, 0.0], False, "Not yet: every entry should be a finite number, got NaN or inf."),
        ([1.0, 2.0], False, "Not yet: expected 3 numbers, one per example, got shape (2,)."),
        (["a", "b", "c"], False, "Not yet: expected 3 numbers, got ['a', 'b', 'c']."),
    ]
    for answer, ok, message in cases:
        result = c(answer)
        assert (result.ok, result.message) == (ok, message), answer
    tiny = np.array([0.0, 1e-3, 3e-3])
    assert c(_bn_input_gradient(tiny, dy, gamma) * 1.01, x=tiny).ok
    with pytest.raises(ValueError, match=r"^x and dy: expected the same length, got 3 and 2$"):
        c(right, dy=[1.0, 0.0])


def test_lstm_pitfall_weight_gradients_are_right_when_the_slip_meets_zero_inputs():
    """sequences.lstm_backward_without_forget_path (a pitfall): the slip changes only what reaches
    step 1; with x_1 = 0, h_0 = 0 and no upstream gradient there, ∂C/∂W_x and ∂C/∂W_h are still
    right (c_prev = c_1 at step 2, not c_0), while the bias and input gradients are not."""
    rng = np.random.default_rng(3)
    n_h = 2
    X, h0, c0 = rng.normal(size=(2, 2, 3)), np.zeros((2, n_h)), rng.normal(size=(2, n_h))
    X[:, 0] = 0.0
    Wx, Wh, b = rng.normal(size=(4 * n_h, 3)), rng.normal(size=(4 * n_h, n_h)), rng.normal(size=4 * n_h)
    dH = rng.normal(size=(2, 2, n_h))
    dH[:, 0] = 0.0
    slip = bp.lstm_backward_without_forget_path(dH, X, h0, c0, Wx, Wh, b)
    right = bp.lstm_backward(dH, X, h0, c0, Wx, Wh, b)
    np.testing.assert_allclose(slip[3], right[3], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(slip[4], right[4], rtol=1e-12, atol=1e-15)
    assert not np.allclose(slip[5], right[5])


@pytest.mark.parametrize("cell, extra", [("rnn", dict(recurrent_radius=0.9)), ("lstm", dict(forget_bias=3.0))])
def test_train_sequence_model_is_adam_on_clipped_minibatch_gradients(cell, extra):
    """sequences.train_sequence_model: the initial model (seed, recurrent_radius, forget_bias for
    the LSTM), batches drawn without replacement from default_rng(seed), the clipped Adam step with
    its bias corrections, the number of steps and the history's "cost" and "grad_norm"."""
    X, lab = bp.recall_task(6, 2, n_symbols=3, n_distractors=2, seed=0)
    Y = np.eye(3)[lab]
    kw = dict(n_hidden=3, steps=4, lr=0.05, batch_size=4, clip=0.5, seed=2, **extra)
    params, hist = bp.train_sequence_model(cell, X, Y, **kw)
    p = bp.init_sequence_model(cell, X.shape[2], 3, 3, seed=2, **extra)
    m1 = {k: np.zeros_like(v) for k, v in p.items()}
    m2 = {k: np.zeros_like(v) for k, v in p.items()}
    rng = np.random.default_rng(2)
    costs, norms = [], []
    for step in range(1, 5):
        rows = rng.choice(6, size=4, replace=False)
        cost, grads = bp.sequence_model_gradients(cell, p, X[rows], Y[rows])
        g = [grads[k] for k in p]
        costs.append(cost)
        norms.append(np.sqrt(sum(np.sum(a * a) for a in g)))
        g, _ = bp.clip_by_norm(g, 0.5)
        for k, gk in zip(list(p), g):
            m1[k] = 0.9 * m1[k] + 0.1 * gk
            m2[k] = 0.999 * m2[k] + 0.001 * gk * gk
            p[k] = p[k] - 0.05 * (m1[k] / (1 - 0.9 ** step)) / (np.sqrt(m2[k] / (1 - 0.999 ** step)) + 1e-8)
    assert set(hist) == {"cost", "grad_norm", "diverged"} and hist["diverged"] is False
    np.testing.assert_allclose(hist["cost"], costs, rtol=1e-12)
    np.testing.assert_allclose(hist["grad_norm"], norms, rtol=1e-12)
    for k in p:
        assert params[k].dtype == np.float64
        np.testing.assert_allclose(params[k], p[k], rtol=1e-10, atol=1e-14)


def test_train_sequence_model_stops_and_diverges_quietly():
    """sequences.train_sequence_model: stop_cost ends the run after 10 steps (not 11, not None
    returned); a diverging SGD run stops without a RuntimeWarning; bad counts are named."""
    X, lab = bp.recall_task(6, 2, n_symbols=3, n_distractors=2, seed=0)
    Y = np.eye(3)[lab]
    params, hist = bp.train_sequence_model("rnn", X, Y, n_hidden=3, steps=30, stop_cost=1e9)
    assert len(hist["cost"]) == 10 and set(params) == {"Wx", "Wh", "b", "V", "c"}
    with np.errstate(all="raise"):
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            _, hist = bp.train_sequence_model("rnn", np.ones((4, 3, 1)), np.eye(2)[[0, 1, 0, 1]],
                                              n_hidden=2, steps=5, optimizer="sgd", lr=1e300, loss="mse")
    assert hist["diverged"] is True
    for kw, name in ((dict(steps=0), "steps"), (dict(batch_size=0), "batch_size"), (dict(lr=0.0), "lr")):
        with pytest.raises(ValueError, match=rf"^{name}: "):
            bp.train_sequence_model("rnn", X, Y, **kw)


def test_jacobian_norms_by_lag_is_the_documented_rnn():
    """sequences.jacobian_norms_by_lag and recurrent_weights: W_h from recurrent_weights(n_h,
    radius, seed), inputs input_scale · N(0, 1) from seed + 1, input_scale = 0 allowed; names."""
    n_h, T, m, seed, r = 3, 4, 2, 2, 0.8
    W = np.random.default_rng(seed).normal(size=(n_h, n_h))
    Wh = W * (r / bp.spectral_radius(W))
    np.testing.assert_allclose(bp.recurrent_weights(n_h, r, seed), Wh, rtol=1e-12)
    X = 0.3 * np.random.default_rng(seed + 1).normal(size=(m, T, n_h))
    h0 = np.zeros((m, n_h))
    H = bp.rnn(X, h0, np.eye(n_h), Wh, np.zeros(n_h))
    np.testing.assert_allclose(bp.jacobian_norms_by_lag(r, n_h=n_h, T=T, input_scale=0.3, m=m, seed=seed),
                               bp.state_jacobian_norms(H, h0, Wh), rtol=1e-12)
    assert np.isfinite(bp.jacobian_norms_by_lag(r, n_h=n_h, T=T, input_scale=0.0, m=m)).all()
    for kw, name in ((dict(n_h=0), "n_h"), (dict(T=0), "T"), (dict(m=0), "m")):
        with pytest.raises(ValueError, match=rf"^{name}: "):
            bp.jacobian_norms_by_lag(r, **kw)
    with pytest.raises(ValueError, match=r"^n_h: "):
        bp.recurrent_weights(0, r)
    with pytest.raises(ValueError, match=r"^radius: "):
        bp.recurrent_weights(3, 0.0)
    for kw, name in ((dict(n=0, T=2), "n"), (dict(n=2, T=0), "T")):
        with pytest.raises(ValueError, match=rf"^{name}: "):
            bp.sum_task(**kw)


def test_clipping_experiment_runs_the_same_sgd_with_and_without_clipping():
    """sequences.clipping_experiment: sum_task(500, T, seed + 100), then train_sequence_model
    with every setting forwarded (n_hidden, steps, batch 32, sgd, mse, seed, radius)."""
    out = bp.clipping_experiment(clips=(None, 0.2), T=3, n_hidden=2, steps=3, lr=0.1, radius=1.5, seed=1)
    X, Y = bp.sum_task(500, 3, seed=101)
    assert set(out) == {None, 0.2}
    for clip in (None, 0.2):
        _, hist = bp.train_sequence_model("rnn", X, Y, n_hidden=2, steps=3, lr=0.1, batch_size=32,
                                          optimizer="sgd", clip=clip, loss="mse", seed=1, recurrent_radius=1.5)
        np.testing.assert_allclose(out[clip]["cost"], hist["cost"], rtol=1e-12)
    assert not np.allclose(out[None]["cost"], out[0.2]["cost"])


def test_sequence_model_read_out_adds_its_bias_and_checks_y():
    """sequences.sequence_model_predict (+ c, not − c) and sequence_model_gradients (Y's width)."""
    X, lab = bp.recall_task(3, 2, seed=0)
    p = bp.init_sequence_model("rnn", X.shape[2], 3, 4, seed=0)
    q = dict(p, c=p["c"] + 1.0)
    np.testing.assert_allclose(bp.sequence_model_predict("rnn", q, X) - bp.sequence_model_predict("rnn", p, X),
                               1.0, rtol=1e-12)
    with pytest.raises(ValueError, match=r"^Y: "):
        bp.sequence_model_gradients("rnn", p, X, np.eye(3)[[0, 1, 2]])


def test_shift_images_moves_pixels_both_ways_and_names_bad_input():
    """cnn.shift_images: shifts up and left (negative) as well as down and right, several
    images at once; X's width and the shift's type are checked by name."""
    X = np.arange(18.0).reshape(2, 9)
    up_left = bp.shift_images(X, rows=-1, cols=-2, size=3)
    want = np.zeros((2, 3, 3))
    want[:, :2, :1] = X.reshape(2, 3, 3)[:, 1:, 2:]
    np.testing.assert_array_equal(up_left, want.reshape(2, 9))
    down = bp.shift_images(X, rows=2, size=3)
    want = np.zeros((2, 3, 3))
    want[:, 2:] = X.reshape(2, 3, 3)[:, :1]
    np.testing.assert_array_equal(down, want.reshape(2, 9))
    with pytest.raises(ValueError, match=r"^X: "):
        bp.shift_images(np.zeros((2, 5)), size=3)
    with pytest.raises(TypeError, match=r"^rows: expected an integer number of pixels"):
        bp.shift_images(X, rows="a", size=3)


def test_the_depth_experiments_forward_their_settings_and_name_bad_input():
    """residual_experiments.residual_gradient_profile / depth_comparison: hidden, norm, init and
    seed reach the network; accuracy is the fraction right; X/Y names and labels_test's length."""
    rng = np.random.default_rng(0)
    X, lab = rng.random((6, 3)), np.arange(6) % 2
    Y = np.eye(2)[lab]
    kw = dict(n_blocks=1, hidden="tanh", skip=False, norm="layer", width=3, init="he", seed=4)
    net = bp.ResidualMLP(3, 3, 1, 2, hidden="tanh", skip=False, norm="layer", init="he", seed=4)
    np.testing.assert_allclose(bp.residual_gradient_profile(X, Y, **kw), net.weight_gradient_norms(X, Y),
                               rtol=1e-12)
    with pytest.raises(TypeError, match=r"^X: "):
        bp.residual_gradient_profile("x", Y)
    with pytest.raises(TypeError, match=r"^Y: "):
        bp.residual_gradient_profile(X, "y")
    res = bp.depth_comparison(X, Y, X, lab, variants=("plain + layer norm",), seeds=(2,), n_blocks=1, width=3,
                              hidden="tanh", init="he", lr=0.3, epochs=2, batch_size=4)["plain + layer norm"]
    net = bp.ResidualMLP(3, 3, 1, 2, hidden="tanh", skip=False, norm="layer", init="he", seed=2)
    norms = net.weight_gradient_norms(X, Y)
    costs = net.train(X, Y, lr=0.3, epochs=2, batch_size=4, seed=2)
    assert res.seeds == [2]
    np.testing.assert_allclose(res.initial_norms[0], norms, rtol=1e-12)
    np.testing.assert_allclose(res.costs[0], costs, rtol=1e-12)
    assert res.accuracy[0] == np.mean(net.predict(X) == lab) == 5 / 6
    for args, name in (((X, Y, X, lab[:5]), r"labels_test: expected shape \(6,\), got shape \(5,\)$"),
                       (("x", Y, X, lab), "X_train: "), ((X, "y", X, lab), "Y_train: "),
                       ((X, Y, X[:, :2], lab), "X_test: ")):
        with pytest.raises((TypeError, ValueError), match=rf"^{name}"):
            bp.depth_comparison(*args, n_blocks=1, width=3, epochs=1)
    with pytest.raises(ValueError, match=r"^epochs: "):
        bp.depth_comparison(X, Y, X, lab, n_blocks=1, width=3, epochs=0)
    with pytest.raises(ValueError, match=r"^variants: unknown name 'deep'; valid names are 'plain', 'residual', "):
        bp.depth_comparison(X, Y, X, lab, variants=("deep",), n_blocks=1, width=3, epochs=1)


def test_check_jacobian_norm_names_each_slip():
    """sequences.check_jacobian_norm: the verdict and wording of every branch, the 1 % windows
    (rtol, atol = 0), the off-by-one hints only for k ± 1 ≥ 1, and the names radius and lag."""
    c = bp.check_jacobian_norm
    generic = ("The Jacobian over k steps is a product of k copies of W_h; what is the norm of ρQ for an "
               "orthogonal Q?")
    cases = [
        ((0.9 ** 10, 0.9, 10), True, "Right: ρ^k = 0.9^10 = 0.3487."),
        ((9.05, 0.9, 10), False, "Not yet: the k factors multiply, they do not add."),
        ((0.9 ** 9 * 1.005, 0.9, 10), False, "Not yet: that is ρ^9. Count the factors: going back k = 10 "
                                             "steps, from h_T to h_(T−10), multiplies exactly 10 Jacobians."),
        ((0.9, 0.9, 2), False, "Not yet: that is ρ^1. Count the factors: going back k = 2 steps, from h_T "
                               "to h_(T−2), multiplies exactly 2 Jacobians."),
        ((1.0, 0.9, 1), False, "Not yet: 1 is too large. " + generic),
        ((0.9 ** 9 * 1.5, 0.9, 10), False, "Not yet: 0.5811 is too large. " + generic),
        ((0.01, 0.9, 10), False, "Not yet: 0.01 is too small. " + generic),
        ((0.0, 0.01, 5), False, "Not yet: 0 is too small. " + generic),
        (("x", 0.9, 3), False, "Not yet: expected a number, got 'x'."),
    ]
    for args, ok, message in cases:
        result = c(*args)
        assert (result.ok, result.message) == (ok, message), args
    with pytest.raises(ValueError, match=r"^radius: "):
        c(1.0, 0.0, 3)
    with pytest.raises(ValueError, match=r"^lag: "):
        c(1.0, 0.9, 0)


def test_kernel_gradient_footprint_counts_the_padded_input():
    """cnn.kernel_gradient_footprint: the defaults, padding in the output size and the padded
    grid, integer counts, q = k rejected with the valid range."""
    assert _defaults(bp.kernel_gradient_footprint) == dict(stride=1, padding=0, p=0, q=0)
    counts, out = bp.kernel_gradient_footprint(4, 3, padding=1, p=2, q=1)
    assert out == 4 and counts.shape == (6, 6) and counts.dtype.kind == "i"
    want = np.zeros((6, 6), dtype=int)
    want[2:6, 1:5] = 1
    np.testing.assert_array_equal(counts, want)
    with pytest.raises(ValueError, match=r"^p, q: kernel entry must lie in 0 … 2, got \(0, 3\)$"):
        bp.kernel_gradient_footprint(4, 3, q=3)


def test_train_retrieval_is_sgd_on_fresh_batches_with_a_recorded_history():
    """retrieval.train_retrieval: the model from create(…, seed, scale), batches seeded from
    default_rng([seed, 1]), the history every ``every`` steps and at the last; names."""
    kw = dict(d=4, d_v=3, n_pairs=3, n_keys=6, n_values=3, n_queries=2)
    test = bp.generate_retrieval(5, n_pairs=3, n_keys=6, n_values=3, n_queries=2, seed=9)
    model, hist = bp.train_retrieval(steps=6, batch_size=3, lr=0.5, seed=3, test=test, every=4, scale=False, **kw)
    ref = RetrievalModel.create(6, 3, 4, 3, 3, False)
    rng = np.random.default_rng([3, 1])
    steps, loss, acc = [], [], []
    for step in range(6):
        batch = bp.generate_retrieval(3, 3, 6, 3, 2, seed=int(rng.integers(2 ** 32)))
        grads = ref.gradients(batch)
        if step in (0, 4, 5):
            steps.append(step)
            loss.append(ref.loss(batch))
            acc.append(ref.accuracy(test))
        for name, g in grads.items():
            ref.params[name] = ref.params[name] - 0.5 * g
    assert hist.steps == steps == [0, 4, 5]
    np.testing.assert_allclose(hist.loss, loss, rtol=1e-12)
    np.testing.assert_allclose(hist.accuracy, acc, rtol=1e-12)
    for name in ref.params:
        np.testing.assert_allclose(model.params[name], ref.params[name], rtol=1e-12)
    assert _defaults(bp.train_retrieval) == dict(steps=400, batch_size=64, lr=1.0, d=16, d_v=16, n_pairs=12,
                                                 n_keys=26, n_values=10, n_queries=4, seed=0, test=None,
                                                 every=50, scale=True)
    for kw2, name in ((dict(steps=0), "steps"), (dict(batch_size=0), "batch_size"), (dict(lr=0.0), "lr")):
        with pytest.raises(ValueError, match=rf"^{name}: "):
            bp.train_retrieval(**kw2)
    with pytest.raises(TypeError, match=r"^test: expected a RetrievalTask from generate_retrieval or None, "
                                        r"got str$"):
        bp.train_retrieval(steps=1, test="test")


def test_small_cnn_initialisation_and_names():
    """cnn.SmallCNN.__init__: He-scaled N(0, 2/k²) kernels and N(0, 1/n_flat) dense weights from
    default_rng(seed), the documented defaults, and every count named."""
    net = bp.SmallCNN(channels=2, kernel=3, image_size=4, n_classes=3, seed=5)
    rng = np.random.default_rng(5)
    np.testing.assert_array_equal(net.W1, rng.normal(0.0, np.sqrt(2.0 / 9), size=(2, 1, 3, 3)))
    np.testing.assert_array_equal(net.W2, rng.normal(0.0, np.sqrt(1.0 / 8), size=(3, 8)))
    assert _defaults(bp.SmallCNN) == dict(channels=8, kernel=3, image_size=8, n_classes=10, seed=0)
    for kw, name in ((dict(channels=0), "channels"), (dict(kernel=0), "kernel"), (dict(image_size=0), "image_size"),
                     (dict(n_classes=0), "n_classes")):
        with pytest.raises(ValueError, match=rf"^{name}: "):
            bp.SmallCNN(**kw)


def test_small_cnn_relu_derivative_is_zero_at_zero():
    """cnn.SmallCNN.gradients: the ReLU factor is (Z1 > 0), so blank images (Z1 = 0 exactly, zero
    biases) send no gradient to the conv biases."""
    net = bp.SmallCNN(channels=2, image_size=4, n_classes=3, seed=0)
    grads = net.gradients(np.zeros((2, 16)), np.eye(3)[[0, 1]])
    np.testing.assert_array_equal(grads[1], 0.0)


def test_recall_task_uses_every_symbol_and_distractor():
    """sequences.recall_task: labels 0 … n_symbols − 1, one distractor per middle step drawn from
    all n_distractors (lag = 2 has one), the query marker last; names."""
    X, lab = bp.recall_task(200, 3, n_symbols=3, n_distractors=2, seed=0)
    assert set(lab) == {0, 1, 2}
    middle = X[:, 1:3]
    np.testing.assert_array_equal(middle.sum(axis=2), 1.0)
    assert set(np.argmax(middle, axis=2).ravel()) == {3, 4}
    X2, _ = bp.recall_task(5, 2, seed=1)
    np.testing.assert_array_equal(X2[:, 1].sum(axis=1), 1.0)
    assert _defaults(bp.recall_task) == dict(n_symbols=4, n_distractors=4, seed=0)
    for args, name in (((0, 2), "n"), ((2, 0), "lag"), ((2, 2, 0), "n_symbols"), ((2, 2, 2, 0), "n_distractors")):
        with pytest.raises(ValueError, match=rf"^{name}: "):
            bp.recall_task(*args)


def test_init_sequence_model_draws_uniform_weights_in_plus_minus_one_over_sqrt_n():
    """sequences.init_sequence_model: every entry in U(−1/√n_h, 1/√n_h), both signs present; the
    defaults; names; recurrent_radius only for the RNN."""
    p = bp.init_sequence_model("rnn", 5, 4, 3, seed=0)
    for name, value in p.items():
        assert np.abs(value).max() <= 0.5 and value.min() < 0 < value.max(), name
    assert _defaults(bp.init_sequence_model) == dict(seed=0, recurrent_radius=None, forget_bias=1.0)
    for args, name in ((("rnn", 0, 2, 2), "n_in"), (("rnn", 2, 0, 2), "n_hidden"), (("rnn", 2, 2, 0), "n_out")):
        with pytest.raises(ValueError, match=rf"^{name}: "):
            bp.init_sequence_model(*args)
    with pytest.raises(ValueError, match=r"^recurrent_radius: only for cell='rnn'$"):
        bp.init_sequence_model("lstm", 2, 2, 2, recurrent_radius=0.5)
    with pytest.raises(ValueError, match=r"^recurrent_radius: "):
        bp.init_sequence_model("rnn", 2, 2, 2, recurrent_radius=0.0)


def test_sequence_model_gradients_stay_finite_and_keep_their_names():
    """sequences.sequence_model_gradients: probabilities clipped away from 0 before the log, the
    truncated RNN's gradients under the parameter names, truncate rejected for the LSTM."""
    X, lab = bp.recall_task(3, 3, seed=0)
    Y = np.eye(4)[lab]
    p = bp.init_sequence_model("rnn", X.shape[2], 3, 4, seed=0)
    p["c"] = np.array([2000.0, -2000.0, -2000.0, -2000.0])
    cost, _ = bp.sequence_model_gradients("rnn", p, X, Y)
    assert np.isfinite(cost)
    _, grads = bp.sequence_model_gradients("rnn", p, X, Y, truncate=2)
    assert set(grads) == set(p)
    q = bp.init_sequence_model("lstm", X.shape[2], 3, 4, seed=0)
    with pytest.raises(ValueError, match=r"^truncate: only implemented for cell='rnn'$"):
        bp.sequence_model_gradients("lstm", q, X, Y, truncate=2)
    with pytest.raises(ValueError, match=r"^loss: unknown name 'bce'; valid names are "
                                         r"'cross_entropy', 'mse'$"):  # mutant 70
        bp.sequence_model_gradients("rnn", p, X, Y, loss="bce")


def test_small_cnn_works_in_float64_whatever_it_is_given():
    """cnn.as_images and SmallCNN.set_params: float32 images and parameters become float64 (the
    gradient checks of chapter 12 need float64), and as_images names the shapes it accepts."""
    net = bp.SmallCNN(channels=1, image_size=4, n_classes=3, seed=0)
    net.set_params(net.get_params().astype(np.float32))
    assert all(p.dtype == np.float64 for p in net.params)
    assert bp.as_images(np.zeros((2, 16), dtype=np.float32), 4).dtype == np.float64
    assert bp.as_images(np.zeros((2, 1, 4, 4), dtype=np.float32), 4).dtype == np.float64
    assert _defaults(bp.as_images) == dict(size=8)
    with pytest.raises(ValueError, match=r"^X: expected shape \(m, 16\) or \(m, 1, 4, 4\), got shape \(2, 2, 4, 4\)$"):
        bp.as_images(np.zeros((2, 2, 4, 4)), 4)


def test_the_sequence_models_name_their_bad_inputs():
    """sequences._sequences, _states, spectral_radius: the messages for text, an empty batch, a
    sequence of length 0, float32 data (computed in float64), wrong params, a non-square W."""
    p = bp.init_sequence_model("rnn", 2, 3, 2, seed=0)
    with pytest.raises(TypeError, match=r"^X: expected a 3-D numeric array of shape \(m, T, n_in\), got"):
        bp.sequence_model_predict("rnn", p, "abc")
    with pytest.raises(ValueError, match=r"^X: empty batch, expected at least one sequence, got shape \(0, 2, 2\)$"):
        bp.sequence_model_predict("rnn", p, np.zeros((0, 2, 2)))
    one = bp.sequence_model_predict("rnn", p, np.ones((1, 2, 2), dtype=np.float32))
    assert one.shape == (1, 2) and one.dtype == np.float64
    with pytest.raises(TypeError, match=r"^params: expected the dict of init_sequence_model \(keys Wx, Wh, b, V, "
                                        r"c\), got dict \['Wh', 'Wx'\]$"):
        bp.sequence_model_predict("rnn", {"Wx": p["Wx"], "Wh": p["Wh"]}, np.ones((1, 2, 2)))
    with pytest.raises(TypeError, match=r"^params: expected the dict of init_sequence_model \(keys Wx, Wh, b, V, "
                                        r"c\), got list $"):
        bp.sequence_model_predict("rnn", [1], np.ones((1, 2, 2)))
    with pytest.raises(ValueError, match=r"^W: expected a square matrix, shape \(n, n\), got shape \(2, 3\)$"):
        bp.spectral_radius(np.zeros((2, 3)))


def test_retrieval_model_creation_and_tasks_follow_the_documented_recipe():
    """retrieval.RetrievalModel.create and generate_retrieval: N(0, 1) embeddings, a read-out
    scaled by 1/√d_v, zero biases, from default_rng(seed); the defaults; every count named;
    values include 0; n_pairs = n_keys and n_queries = n_pairs allowed."""
    model = RetrievalModel.create(n_keys=5, n_values=3, d=4, d_v=2, seed=7, scale=False)
    rng = np.random.default_rng(7)
    want = {"Wq": rng.normal(size=(4, 5)), "Wk": rng.normal(size=(4, 5)), "Wv": rng.normal(size=(2, 3)),
            "Wo": rng.normal(size=(3, 2)) / np.sqrt(2)}
    for name, value in want.items():
        np.testing.assert_array_equal(model.params[name], value)
    np.testing.assert_array_equal(model.params["bo"], 0.0)
    assert _defaults(RetrievalModel.create) == dict(n_keys=26, n_values=10, d=16, d_v=16, seed=0, scale=True)
    assert RetrievalModel.create().scale is True
    for kw, name in ((dict(d=0), "d"), (dict(d_v=0), "d_v"), (dict(n_keys=0), "n_keys"),
                     (dict(n_values=0), "n_values"), (dict(seed=-1), "seed")):
        with pytest.raises(ValueError, match=rf"^{name}: "):
            RetrievalModel.create(**kw)
    task = bp.generate_retrieval(50, n_pairs=3, n_keys=3, n_values=3, n_queries=3, seed=1)
    assert set(task.values.ravel()) == {0, 1, 2}
    assert _defaults(bp.generate_retrieval) == dict(n_pairs=12, n_keys=26, n_values=10, n_queries=4, seed=0)
    for kw, name in ((dict(m=0), "m"), (dict(m=1, n_pairs=0), "n_pairs"), (dict(m=1, n_keys=0), "n_keys"),
                     (dict(m=1, n_values=0), "n_values"), (dict(m=1, n_queries=0), "n_queries")):
        with pytest.raises(ValueError, match=rf"^{name}: "):
            bp.generate_retrieval(**kw)
    with pytest.raises(TypeError, match=r"^task: expected a RetrievalTask from generate_retrieval, got str$"):
        model.loss("task")


def test_retrieval_gradients_match_differences_with_a_nonzero_output_bias():
    """retrieval.RetrievalModel.gradients/loss: logits = O W_oᵀ + b_o (b_o ≠ 0 here) and the
    gradients of the mean cross-entropy against central differences; large logits stay finite."""
    model = RetrievalModel.create(n_keys=5, n_values=3, d=2, d_v=2, seed=1)
    model.params["bo"] = np.array([0.5, -1.0, 2.0])
    task = bp.generate_retrieval(3, n_pairs=3, n_keys=5, n_values=3, n_queries=2, seed=4)
    grads = model.gradients(task)
    for name, value in model.params.items():
        num = np.zeros_like(value)
        for idx in np.ndindex(value.shape):
            old = value[idx]
            value[idx] = old + 1e-6
            up = model.loss(task)
            value[idx] = old - 1e-6
            down = model.loss(task)
            value[idx] = old
            num[idx] = (up - down) / 2e-6
        np.testing.assert_allclose(grads[name], num, rtol=1e-5, atol=1e-8, err_msg=name)
    model.params["Wo"] = model.params["Wo"] * 1e3
    assert np.isfinite(model.loss(task))


def test_called_with_their_defaults_the_experiments_match_the_documented_values():
    """Default-value mutants of train_cnn, attention_demo and recall_experiment (mutmut keeps the
    signature, so the defaults must be seen in what the functions return)."""
    X, Y = _tiny_cnn_data(34)
    nets = [bp.SmallCNN(channels=1, image_size=4, n_classes=3, seed=0) for _ in range(2)]
    assert bp.train_cnn(nets[0], X, Y) == bp.train_cnn(nets[1], X, Y, lr=0.1, epochs=20, batch_size=32, seed=0)
    np.testing.assert_array_equal(bp.attention_demo(), bp.attention_demo(16, True, 8, 0))
    few = dict(lags=[2], seeds=[0], cells=("lstm",), steps=3)
    assert bp.recall_experiment(**few)["lstm"] == bp.recall_experiment(
        **few, n_hidden=16, lr=0.01, batch_size=32, clip=1.0, n_train=1000, n_test=500, n_symbols=4,
        n_distractors=4, forget_bias=3.0, stop_cost=0.01)["lstm"]
    small = dict(lags=[1], seeds=[0], cells=("rnn",), n_hidden=2, n_train=8, n_test=50, stop_cost=None)
    assert bp.recall_experiment(**small)["rnn"] == bp.recall_experiment(**small, steps=400)["rnn"]


def test_check_correlate1d_gradients_tolerates_rounding_near_zero_and_names_dw_shape():
    """cnn.check_correlate1d_gradients: atol = 1e-6 for dx and dw (an all-zero gradient answered
    with 5e-7 is right), and a dw of the wrong shape is named."""
    x, w, dy = np.array([1.0, 2.0, -1.0, 3.0]), np.array([0.5, -2.0]), np.zeros(3)
    c = bp.check_correlate1d_gradients
    assert c(np.full(4, 5e-7), np.full(2, 5e-7), dy, x, w) == "Right: both gradients match eq-conv1d-vjp."
    assert c(np.zeros(4), np.zeros(1), dy, x, w) == "Not yet: dw has one entry per weight, shape (2,), got (1,)."


def _same(a, b):
    if isinstance(a, tuple) or (isinstance(a, list) and a and isinstance(a[0], np.ndarray)):
        for x, y in zip(a, b, strict=True):
            _same(x, y)
    elif isinstance(a, dict):
        assert set(a) == set(b)
        for k in a:
            _same(a[k], b[k])
    elif hasattr(a, "__dataclass_fields__"):
        _same(vars(a), vars(b))
    elif isinstance(a, bp.CheckResult):
        assert (a.ok, a.message) == (b.ok, b.message)
    else:
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


_rng = np.random.default_rng(0)
_X6, _lab6 = _rng.random((6, 3)), np.arange(6) % 2
_dY, _Xc, _Wc = _rng.normal(size=(1, 1, 4, 4)), _rng.normal(size=(1, 1, 5, 5)), _rng.normal(size=(1, 1, 2, 2))
_DEFAULT_CALLS = {
    "input_grad_unflipped": (lambda: bp.input_grad_unflipped(_dY, _Xc, _Wc),
                             lambda: bp.input_grad_unflipped(_dY, _Xc, _Wc, 1, 0)),
    "check_conv_output_size": (lambda: bp.check_conv_output_size(5, 7, 3),
                               lambda: bp.check_conv_output_size(5, 7, 3, 1, 0)),
    "check_masked_gradient_rows": (lambda: bp.check_masked_gradient_rows([0, 1, 2]),
                                   lambda: bp.check_masked_gradient_rows([0, 1, 2], T=5, query=2)),
    "kernel_gradient_footprint": (lambda: bp.kernel_gradient_footprint(5, 3),
                                  lambda: bp.kernel_gradient_footprint(5, 3, 1, 0, 0, 0)),
    "input_gradient_by_lag": (lambda: bp.input_gradient_by_lag([2]),
                              lambda: bp.input_gradient_by_lag([2], ("rnn", "lstm"), 16, 0, 200, 3.0)),
    "recurrent_weights": (lambda: bp.recurrent_weights(3, 0.5), lambda: bp.recurrent_weights(3, 0.5, 0)),
    "sum_task": (lambda: bp.sum_task(3, 2), lambda: bp.sum_task(3, 2, 0)),
    "recall_task": (lambda: bp.recall_task(5, 3), lambda: bp.recall_task(5, 3, 4, 4, 0)),
    "jacobian_norms_by_lag": (lambda: bp.jacobian_norms_by_lag(0.9),
                              lambda: bp.jacobian_norms_by_lag(0.9, 32, 50, 0.01, 8, 0)),
    "init_sequence_model": (lambda: bp.init_sequence_model("lstm", 2, 3, 2),
                            lambda: bp.init_sequence_model("lstm", 2, 3, 2, 0, None, 1.0)),
    "train_sequence_model": (
        lambda: bp.train_sequence_model("lstm", *bp.sum_task(40, 2), loss="mse"),
        lambda: bp.train_sequence_model("lstm", *bp.sum_task(40, 2), 16, 300, 0.01, 32, "adam", None, "mse", 0,
                                        None, 1.0, None, None)),
    "clipping_experiment": (lambda: bp.clipping_experiment(clips=(0.5,), T=2, n_hidden=2, steps=20),
                            lambda: bp.clipping_experiment((0.5,), 2, 2, 20, 0.6, 2.0, 0)),
    "clipping_experiment_sizes": (lambda: bp.clipping_experiment(clips=(0.5,), lr=0.1, steps=2),
                                  lambda: bp.clipping_experiment((0.5,), 10, 16, 2, 0.1)),
    "residual_gradient_profile": (lambda: bp.residual_gradient_profile(_X6, np.eye(2)[_lab6]),
                                  lambda: bp.residual_gradient_profile(_X6, np.eye(2)[_lab6], 18, "sigmoid", True,
                                                                       None, 16, "xavier", 0)),
    "depth_comparison": (lambda: bp.depth_comparison(_X6, np.eye(2)[_lab6], _X6, _lab6),
                         lambda: bp.depth_comparison(_X6, np.eye(2)[_lab6], _X6, _lab6, ("plain", "residual"),
                                                     (0, 1, 2), 18, 16, "sigmoid", "xavier", 0.6, 8, 32)),
    "generate_retrieval": (lambda: bp.generate_retrieval(3), lambda: bp.generate_retrieval(3, 12, 26, 10, 4, 0)),
    "create": (lambda: RetrievalModel.create().params,
               lambda: RetrievalModel.create(26, 10, 16, 16, 0, True).params),
    "train_retrieval": (lambda: bp.train_retrieval(steps=2, batch_size=2)[1],
                        lambda: bp.train_retrieval(2, 2, 1.0, 16, 16, 12, 26, 10, 4, 0, None, 50, True)[1]),
    "train_retrieval_counts": (lambda: bp.train_retrieval(steps=51, batch_size=1, d=1, d_v=1, n_pairs=2,
                                                          n_queries=1)[1],
                               lambda: bp.train_retrieval(51, 1, 1.0, 1, 1, 2, 26, 10, 1, 0, None, 50, True)[1]),
    "SmallCNN": (lambda: bp.SmallCNN().params, lambda: bp.SmallCNN(8, 3, 8, 10, 0).params),
    "as_images": (lambda: bp.as_images(np.zeros((1, 64))), lambda: bp.as_images(np.zeros((1, 64)), 8)),
}


@pytest.mark.parametrize("name", list(_DEFAULT_CALLS))
def test_called_with_its_defaults_a_function_behaves_as_documented(name):
    """Default-value mutants (mutmut keeps the signature, so a default is seen only in what the
    function returns): the call with defaults equals the call with the documented values."""
    with_defaults, explicit = _DEFAULT_CALLS[name]
    _same(with_defaults(), explicit())

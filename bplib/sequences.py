"""Experiments of chapter 13: generated sequences, small recurrent models, their training loops
and the measurement of ‖∂h_T/∂h_t‖ against the lag.

The mathematics (the RNN and LSTM forward and backward passes, clipping, truncation) lives in
:mod:`bplib.recurrent`; this module only calls it.
"""
from __future__ import annotations

import numpy as np

from ._validate import _array, as_matrix, check_finite, positive_int, positive_number
from .activations import softmax
from .recurrent import (_check, _lstm_bptt, _lstm_forward, _rnn_bptt, _rnn_forward, clip_by_norm, lstm_backward,
                        rnn, rnn_backward, state_jacobian_norms, truncated_rnn_backward)

__all__ = [
    "spectral_radius", "recurrent_weights", "jacobian_norms_by_lag", "recall_task",
    "init_sequence_model", "sequence_model_gradients", "sequence_model_predict",
    "train_sequence_model", "recall_experiment", "sum_task", "clipping_experiment",
    "check_jacobian_norm", "input_gradient_by_lag", "rnn_backward_overwriting_weights",
    "lstm_backward_without_forget_path",
]

CELLS = ("rnn", "lstm")


def spectral_radius(W) -> float:
    """Largest absolute eigenvalue of a square matrix.

    Examples
    --------
    >>> spectral_radius(np.array([[0.0, 2.0], [0.5, 0.0]]))
    1.0
    """
    W = as_matrix(W, "W")  # text, masked entries, NaN/inf, 1-D and empty are errors
    if W.shape[0] != W.shape[1]:
        raise ValueError(f"W: expected a square matrix, shape (n, n), got shape {W.shape}")
    return float(np.max(np.abs(np.linalg.eigvals(W))))


def recurrent_weights(n_h: int, radius: float, seed: int = 0) -> np.ndarray:
    """A random Gaussian (n_h, n_h) matrix rescaled to spectral radius ``radius``.

    Examples
    --------
    >>> round(spectral_radius(recurrent_weights(8, 0.9, seed=1)), 12)
    0.9
    """
    n_h = positive_int(n_h, "n_h")
    radius = positive_number(radius, "radius")
    W = np.random.default_rng(seed).normal(size=(n_h, n_h))
    return W * (radius / spectral_radius(W))


def jacobian_norms_by_lag(radius: float, n_h: int = 32, T: int = 50, input_scale: float = 0.01,
                          m: int = 8, seed: int = 0) -> np.ndarray:
    """‖∂h_T/∂h_{T−k}‖₂ for k = 0 … T in a tanh RNN with recurrent weights of a given spectral radius.

    The RNN has ``n_h`` units, recurrent weights :func:`recurrent_weights` ``(n_h, radius, seed)``,
    identity input weights, zero bias and zero initial state; its inputs are Gaussian with
    standard deviation ``input_scale`` (small inputs keep the units near the linear regime of tanh,
    large ones saturate them).  The norms are geometric means over ``m`` sequences
    (:func:`bplib.state_jacobian_norms`).

    Returns
    -------
    ndarray, shape (T + 1,)

    Examples
    --------
    >>> norms = jacobian_norms_by_lag(0.5, n_h=4, T=3, seed=0)
    >>> norms.shape, bool(norms[3] < norms[1] < 1.0)
    ((4,), True)
    """
    n_h, T, m = positive_int(n_h, "n_h"), positive_int(T, "T"), positive_int(m, "m")
    input_scale = float(input_scale)
    if not np.isfinite(input_scale) or input_scale < 0:
        raise ValueError(f"input_scale: must be a finite number ≥ 0, got {input_scale!r}")
    Wh = recurrent_weights(n_h, radius, seed)
    X = input_scale * np.random.default_rng(seed + 1).normal(size=(m, T, n_h))
    h0 = np.zeros((m, n_h))
    H = rnn(X, h0, np.eye(n_h), Wh, np.zeros(n_h))
    return state_jacobian_norms(H, h0, Wh)


def check_jacobian_norm(answer, radius: float, lag: int) -> "CheckResult":  # noqa: F821
    """Check a prediction of ‖∂h_T/∂h_{T−k}‖ for a linear RNN whose W_h is ρ times an orthogonal matrix.

    In the linear regime (tanh′ = 1) the Jacobian is W_h^k = ρ^k Q^k, whose spectral norm is ρ^k.
    Accepts answers within 1 % of ρ^k.

    Examples
    --------
    >>> check_jacobian_norm(0.9 ** 10, 0.9, 10).ok
    True
    """
    from .metrics import CheckResult

    radius = positive_number(radius, "radius")
    lag = positive_int(lag, "lag")
    expected = radius ** lag
    try:
        given = float(answer)
    except (TypeError, ValueError):
        return CheckResult(False, f"Not yet: expected a number, got {answer!r}.")
    if np.isclose(given, expected, rtol=1e-2, atol=0.0):
        return CheckResult(True, f"Right: ρ^k = {radius:g}^{lag} = {expected:.4g}.")
    if np.isclose(given, radius * lag, rtol=1e-2, atol=0.0):
        return CheckResult(False, "Not yet: the k factors multiply, they do not add.")
    for off in (lag - 1, lag + 1):
        if off >= 1 and np.isclose(given, radius ** off, rtol=1e-2, atol=0.0):
            return CheckResult(False, f"Not yet: that is ρ^{off}. Count the factors: going back k = {lag} "
                                      f"steps, from h_T to h_(T−{lag}), multiplies exactly {lag} Jacobians.")
    return CheckResult(False, f"Not yet: {given:.4g} is too {'large' if given > expected else 'small'}. "
                              f"The Jacobian over k steps is a product of k copies of W_h; what is the "
                              f"norm of ρQ for an orthogonal Q?")


# ---------------------------------------------------------------------------- tasks
def recall_task(n: int, lag: int, n_symbols: int = 4, n_distractors: int = 4, seed: int = 0):
    """The long-lag recall task: remember the symbol of the first step until a query ``lag`` steps later.

    Each sequence has T = lag + 1 steps of one-hot inputs over ``n_symbols + n_distractors + 1``
    channels: step 0 shows one of the ``n_symbols`` symbols, steps 1 … lag − 1 show random
    distractor symbols, and step ``lag`` shows the query marker (the last channel).  The target
    is the symbol of step 0; chance accuracy is 1 / n_symbols.

    Returns
    -------
    X : ndarray, shape (n, lag + 1, n_symbols + n_distractors + 1)
    labels : ndarray of int, shape (n,)

    Examples
    --------
    >>> X, labels = recall_task(2, lag=3, seed=0)
    >>> X.shape, bool(np.all(X[np.arange(2), 0, labels] == 1)), X[:, -1, -1].tolist()
    ((2, 4, 9), True, [1.0, 1.0])
    """
    n, lag = positive_int(n, "n"), positive_int(lag, "lag")
    n_symbols, n_distractors = positive_int(n_symbols, "n_symbols"), positive_int(n_distractors, "n_distractors")
    rng = np.random.default_rng(seed)
    n_in = n_symbols + n_distractors + 1
    X = np.zeros((n, lag + 1, n_in))
    labels = rng.integers(0, n_symbols, size=n)
    X[np.arange(n), 0, labels] = 1.0
    if lag > 1:
        noise = n_symbols + rng.integers(0, n_distractors, size=(n, lag - 1))
        X[np.arange(n)[:, None], np.arange(1, lag)[None, :], noise] = 1.0
    X[:, lag, n_in - 1] = 1.0
    return X, labels


def sum_task(n: int, T: int, seed: int = 0):
    """A regression target that needs the whole sequence: y = Σ_t x_t for scalar Gaussian inputs,
    scaled by 1/√T so that it has unit variance.

    Returns
    -------
    X : ndarray, shape (n, T, 1)
    Y : ndarray, shape (n, 1)

    Examples
    --------
    >>> X, Y = sum_task(3, 5)
    >>> X.shape, Y.shape, bool(np.allclose(Y[:, 0], X.sum(axis=(1, 2)) / np.sqrt(5)))
    ((3, 5, 1), (3, 1), True)
    """
    n, T = positive_int(n, "n"), positive_int(T, "T")
    X = np.random.default_rng(seed).normal(size=(n, T, 1))
    return X, X.sum(axis=1) / np.sqrt(T)


# ---------------------------------------------------------------------------- the models
def _sequences(X) -> np.ndarray:
    X = _array(X, "X", "a 3-D numeric array of shape (m, T, n_in)")  # text, None, masked, objects
    if X.ndim != 3:
        raise ValueError(f"X: expected a 3-D array of shape (m, T, n_in), got shape {X.shape}")
    if X.shape[0] == 0:
        raise ValueError(f"X: empty batch, expected at least one sequence, got shape {X.shape}")
    X = X.astype(np.float64)
    check_finite(X, "X")
    return X


def init_sequence_model(cell: str, n_in: int, n_hidden: int, n_out: int, seed: int = 0,
                        recurrent_radius: float | None = None, forget_bias: float = 1.0) -> dict:
    """Parameters of a recurrent layer (``"rnn"`` or ``"lstm"``) followed by a dense read-out of the last state.

    Weights are drawn uniformly from ±1/√n_hidden, as PyTorch's ``nn.RNN``/``nn.LSTM``/``nn.Linear``
    do; the LSTM's forget-gate bias starts at 1 (a common choice that makes the cell remember by
    default).  ``recurrent_radius`` rescales the RNN's W_h to that spectral radius.

    Returns
    -------
    dict with "Wx", "Wh", "b" (the recurrent layer), "V" (n_out, n_hidden), "c" (n_out,)
    """
    if cell not in CELLS:
        raise ValueError(f"cell: unknown name {cell!r}; valid names are 'rnn', 'lstm'")
    n_in, n_hidden, n_out = positive_int(n_in, "n_in"), positive_int(n_hidden, "n_hidden"), positive_int(n_out, "n_out")
    rng = np.random.default_rng(seed)
    k = 1.0 / np.sqrt(n_hidden)
    rows = n_hidden if cell == "rnn" else 4 * n_hidden
    p = {"Wx": rng.uniform(-k, k, size=(rows, n_in)), "Wh": rng.uniform(-k, k, size=(rows, n_hidden)),
         "b": rng.uniform(-k, k, size=rows), "V": rng.uniform(-k, k, size=(n_out, n_hidden)),
         "c": rng.uniform(-k, k, size=n_out)}
    if cell == "lstm":
        p["b"][n_hidden:2 * n_hidden] = float(forget_bias)
    if recurrent_radius is not None:
        if cell != "rnn":
            raise ValueError("recurrent_radius: only for cell='rnn'")
        p["Wh"] = p["Wh"] * (positive_number(recurrent_radius, "recurrent_radius") / spectral_radius(p["Wh"]))
    return p


def _states(cell, p, X):
    """Hidden states from zero initial states, and what the backward pass needs."""
    if cell not in ("rnn", "lstm"):
        raise ValueError(f"cell: unknown name {cell!r}; valid names are 'rnn', 'lstm'")
    if not isinstance(p, dict) or not {"Wx", "Wh", "b", "V", "c"} <= set(p):
        raise TypeError(f"params: expected the dict of init_sequence_model (keys Wx, Wh, b, V, c), "
                        f"got {type(p).__name__} {sorted(p) if isinstance(p, dict) else ''}")
    m = X.shape[0]
    n_h = p["Wh"].shape[1]
    h0 = np.zeros((m, n_h))
    if cell == "rnn":
        H = _rnn_forward(X, h0, p["Wx"], p["Wh"], p["b"])
        return H, h0, (H,)
    H, C, gates = _lstm_forward(X, h0, h0, p["Wx"], p["Wh"], p["b"])
    return H, h0, (H, C, gates)


def sequence_model_predict(cell: str, params: dict, X) -> np.ndarray:
    """Outputs of the model for every sequence: the read-out of the last hidden state, shape (m, n_out)."""
    X = _sequences(X)
    H = _states(cell, params, X)[0]
    return H[:, -1] @ params["V"].T + params["c"]


def sequence_model_gradients(cell: str, params: dict, X, Y, loss: str = "cross_entropy",
                             truncate: int | None = None):
    """Cost and gradients of a recurrent model whose last hidden state is read out.

    ``loss="cross_entropy"``: softmax of the outputs against one-hot ``Y`` (mean over the batch);
    ``loss="mse"``: ½‖output − Y‖² averaged over the batch.  ``truncate`` (RNN only) uses
    :func:`bplib.truncated_rnn_backward` with chunks of that many steps.

    Returns
    -------
    cost : float
    grads : dict, keys and shapes as ``params``
    """
    X = _sequences(X)
    H, h0, stored = _states(cell, params, X)
    out = H[:, -1] @ params["V"].T + params["c"]
    m = X.shape[0]
    Y = as_matrix(Y, "Y", rows=m, cols=out.shape[1])  # never broadcast against the outputs
    if loss == "cross_entropy":
        P = softmax(out)
        cost = float(-np.sum(Y * np.log(np.clip(P, 1e-300, None))) / m)
        d_out = (P - Y) / m
    elif loss == "mse":
        cost = float(0.5 * np.sum((out - Y) ** 2) / m)
        d_out = (out - Y) / m
    else:
        raise ValueError(f"loss: unknown name {loss!r}; valid names are 'cross_entropy', 'mse'")
    dH = np.zeros_like(H)
    dH[:, -1] = d_out @ params["V"]
    grads = {"V": d_out.T @ H[:, -1], "c": d_out.sum(axis=0)}
    if cell == "rnn":
        if truncate is None:
            _, _, grads["Wx"], grads["Wh"], grads["b"] = _rnn_bptt(dH, X, h0, params["Wx"], params["Wh"], *stored)
        else:
            grads["Wx"], grads["Wh"], grads["b"] = truncated_rnn_backward(dH, X, h0, params["Wx"], params["Wh"],
                                                                          params["b"], chunk=truncate)
    else:
        if truncate is not None:
            raise ValueError("truncate: only implemented for cell='rnn'")
        _, _, _, grads["Wx"], grads["Wh"], grads["b"] = _lstm_bptt(dH, X, h0, h0, params["Wx"], params["Wh"],
                                                                   *stored)
    return cost, grads


def train_sequence_model(cell: str, X, Y, n_hidden: int = 16, steps: int = 300, lr: float = 0.01,
                         batch_size: int = 32, optimizer: str = "adam", clip: float | None = None,
                         loss: str = "cross_entropy", seed: int = 0, recurrent_radius: float | None = None,
                         forget_bias: float = 1.0, params: dict | None = None, stop_cost: float | None = None):
    """Train a recurrent model by mini-batch gradient descent (plain ``"sgd"`` or ``"adam"``).

    Each step draws a mini-batch of ``batch_size`` rows with ``np.random.default_rng(seed)``,
    computes :func:`sequence_model_gradients`, optionally clips them jointly with
    :func:`bplib.clip_by_norm` (threshold ``clip``), and updates.  A run stops early if the cost
    becomes non-finite or exceeds 10⁶ (it has diverged), and, if ``stop_cost`` is given, once the
    mean cost of the last 10 mini-batches is below it (it has learned the task).

    Returns
    -------
    params : dict, the trained parameters
    history : dict with "cost" (per step, before the update), "grad_norm" (before clipping) and
        "diverged" (bool)
    """
    if optimizer not in ("sgd", "adam"):
        raise ValueError(f"optimizer: unknown name {optimizer!r}; valid names are 'sgd', 'adam'")
    steps, batch_size = positive_int(steps, "steps"), positive_int(batch_size, "batch_size")
    lr = positive_number(lr, "lr")
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    if params is None:
        params = init_sequence_model(cell, X.shape[2], n_hidden, Y.shape[1], seed=seed,
                                     recurrent_radius=recurrent_radius,
                                     forget_bias=forget_bias if cell == "lstm" else 1.0)
    params = {k: v.copy() for k, v in params.items()}
    rng = np.random.default_rng(seed)
    names = list(params)
    m1 = {k: np.zeros_like(v) for k, v in params.items()}
    m2 = {k: np.zeros_like(v) for k, v in params.items()}
    costs, norms, diverged = [], [], False
    for step in range(1, steps + 1):
        rows = rng.choice(X.shape[0], size=min(batch_size, X.shape[0]), replace=False)
        with np.errstate(over="ignore", invalid="ignore"):
            cost, grads = sequence_model_gradients(cell, params, X[rows], Y[rows], loss=loss)
            g = [grads[k] for k in names]
            gnorm = float(np.sqrt(sum(float(np.sum(a * a)) for a in g)))  # inf when it diverges
        costs.append(cost)
        norms.append(gnorm)
        if not np.isfinite(cost) or cost > 1e6 or not np.isfinite(gnorm):
            diverged = True
            break
        if stop_cost is not None and step >= 10 and np.mean(costs[-10:]) < stop_cost:
            break
        if clip is not None:
            g, _ = clip_by_norm(g, clip)
        for k, gk in zip(names, g):
            if optimizer == "sgd":
                params[k] = params[k] - lr * gk
            else:
                m1[k] = 0.9 * m1[k] + 0.1 * gk
                m2[k] = 0.999 * m2[k] + 0.001 * gk * gk
                params[k] = params[k] - lr * (m1[k] / (1 - 0.9 ** step)) / (np.sqrt(m2[k] / (1 - 0.999 ** step)) + 1e-8)
    return params, {"cost": np.array(costs), "grad_norm": np.array(norms), "diverged": diverged}


def recall_experiment(lags, seeds, cells=CELLS, n_hidden: int = 16, steps: int = 400, lr: float = 0.01,
                      batch_size: int = 32, clip: float | None = 1.0, n_train: int = 1000,
                      n_test: int = 500, n_symbols: int = 4, n_distractors: int = 4,
                      forget_bias: float = 3.0, stop_cost: float | None = 0.01) -> dict:
    """Train each cell on the recall task at each lag with each seed; return held-out accuracies.

    For every lag, the training and test sequences are drawn with :func:`recall_task` (seeds 1000 + lag
    and 2000 + lag, the same for every cell and seed); ``seed`` sets the initial weights and the
    mini-batches.  Everything else is the same for both cells: hidden width, optimizer (Adam),
    learning rate, number of steps (a run stops early once its cost is below ``stop_cost``),
    batch size and clipping.

    Returns
    -------
    dict : cell -> ndarray of shape (len(lags), len(seeds)) of test accuracies
    """
    lags, seeds = [positive_int(k, "lags") for k in lags], list(seeds)
    acc = {cell: np.zeros((len(lags), len(seeds))) for cell in cells}
    for a, lag in enumerate(lags):
        X, lab = recall_task(n_train, lag, n_symbols, n_distractors, seed=1000 + lag)
        Xt, lab_t = recall_task(n_test, lag, n_symbols, n_distractors, seed=2000 + lag)
        Y = np.eye(n_symbols)[lab]
        for cell in cells:
            for s, seed in enumerate(seeds):
                p, _ = train_sequence_model(cell, X, Y, n_hidden=n_hidden, steps=steps, lr=lr,
                                            batch_size=batch_size, clip=clip, seed=seed, forget_bias=forget_bias,
                                            stop_cost=stop_cost)
                acc[cell][a, s] = np.mean(np.argmax(sequence_model_predict(cell, p, Xt), axis=1) == lab_t)
    return acc


def clipping_experiment(clips=(None, 0.5), T: int = 10, n_hidden: int = 16, steps: int = 300,
                        lr: float = 0.6, radius: float = 2.0, seed: int = 0) -> dict:
    """Train the same RNN on :func:`sum_task` by plain gradient descent, with and without clipping.

    Everything is identical between the runs (initial weights with recurrent spectral radius
    ``radius``, mini-batches, learning rate) except the clipping threshold.

    Returns
    -------
    dict : clip (None for no clipping) -> history of :func:`train_sequence_model`
    """
    X, Y = sum_task(500, T, seed=seed + 100)
    out = {}
    for clip in clips:
        _, out[clip] = train_sequence_model("rnn", X, Y, n_hidden=n_hidden, steps=steps, lr=lr, batch_size=32,
                                            optimizer="sgd", clip=clip, loss="mse", seed=seed,
                                            recurrent_radius=radius)
    return out


def input_gradient_by_lag(lags, cells=CELLS, n_hidden: int = 16, seed: int = 0, n: int = 200,
                          forget_bias: float = 3.0) -> dict:
    """‖∂C/∂x_1‖, the gradient that reaches the symbol of the recall task (``X[:, 0]``), for untrained models.

    For every lag, ``n`` sequences of :func:`recall_task` go through a model freshly initialised by
    :func:`init_sequence_model` (``seed``); the cost is the cross-entropy of the read-out of the last
    state, and ∂C/∂x_1 comes from :func:`bplib.rnn_backward` or :func:`bplib.lstm_backward`.

    Returns
    -------
    dict : cell -> ndarray of shape (len(lags),), the Frobenius norm of ∂C/∂X[:, 0] over the batch
    """
    out = {cell: np.zeros(len(lags)) for cell in cells}
    for a, lag in enumerate(lags):
        X, lab = recall_task(n, positive_int(lag, "lags"), seed=3000 + lag)
        Y = np.eye(4)[lab]
        for cell in cells:
            p = init_sequence_model(cell, X.shape[2], n_hidden, 4, seed=seed, forget_bias=forget_bias)
            H, h0, _ = _states(cell, p, X)
            d_out = (softmax(H[:, -1] @ p["V"].T + p["c"]) - Y) / n
            dH = np.zeros_like(H)
            dH[:, -1] = d_out @ p["V"]
            if cell == "rnn":
                dX = rnn_backward(dH, X, h0, p["Wx"], p["Wh"], p["b"])[0]
            else:
                dX = lstm_backward(dH, X, h0, h0, p["Wx"], p["Wh"], p["b"])[0]
            out[cell][a] = np.linalg.norm(dX[:, 0])
    return out


# ---------------------------------------------------------------------------- two classic slips
def rnn_backward_overwriting_weights(dH, X, h0, Wx, Wh, b):
    """A WRONG BPTT, for the chapter's pitfall: the weight gradients are overwritten at every step
    (``dWh = …`` instead of ``dWh += …``), so only the term of the step processed last, t = 1,
    survives.  The deltas, dX and dh0 are right.  Same signature and returns as
    :func:`bplib.rnn_backward`.
    """
    X, h0, Wx, Wh, b = _check(X, h0, Wx, Wh, b, gates=1)
    H = _rnn_forward(X, h0, Wx, Wh, b)
    m, T, _ = X.shape
    dX = np.empty_like(X)
    dh_next = np.zeros_like(h0)
    for t in range(T - 1, -1, -1):
        h_prev = H[:, t - 1] if t > 0 else h0
        delta = (dH[:, t] + dh_next) * (1.0 - H[:, t] ** 2)
        dWx = delta.T @ X[:, t]                  # the slip: = instead of +=
        dWh = delta.T @ h_prev
        db = delta.sum(axis=0)
        dX[:, t] = delta @ Wx
        dh_next = delta @ Wh
    return dX, dh_next, dWx, dWh, db


def lstm_backward_without_forget_path(dH, X, h0, c0, Wx, Wh, b):
    """A WRONG LSTM backward, for the chapter's pitfall: the cell-state gradient is passed back
    unchanged, ċ_{t−1} = ċ_t, instead of ċ_t ⊙ f_t (the forget-gate factor is dropped).
    Same signature and returns as :func:`bplib.lstm_backward`.
    """
    X, h0, c0, Wx, Wh, b = _check(X, h0, Wx, Wh, b, gates=4, c0=c0)
    H, C, gates = _lstm_forward(X, h0, c0, Wx, Wh, b)
    m, T, _ = X.shape
    n_h = h0.shape[1]
    dX = np.empty_like(X)
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
    dh_next, dc_next = np.zeros_like(h0), np.zeros_like(c0)
    for t in range(T - 1, -1, -1):
        G = gates[:, t]
        i, f, g, o = G[:, :n_h], G[:, n_h:2 * n_h], G[:, 2 * n_h:3 * n_h], G[:, 3 * n_h:]
        c_prev = C[:, t - 1] if t > 0 else c0
        h_prev = H[:, t - 1] if t > 0 else h0
        tanh_c = np.tanh(C[:, t])
        dh = dH[:, t] + dh_next
        dc = dc_next + dh * o * (1.0 - tanh_c ** 2)
        dA = np.concatenate([dc * g * i * (1 - i), dc * c_prev * f * (1 - f), dc * i * (1 - g ** 2),
                             dh * tanh_c * o * (1 - o)], axis=1)
        dWx, dWh, db = dWx + dA.T @ X[:, t], dWh + dA.T @ h_prev, db + dA.sum(axis=0)
        dX[:, t] = dA @ Wx
        dh_next = dA @ Wh
        dc_next = dc                             # the slip: ċ_t passed back without the factor f_t
    return dX, dh_next, dc_next, dWx, dWh, db

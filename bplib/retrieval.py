"""The key–value retrieval task of chapter 15 and a one-layer attention model that learns it.

Each example is a small dictionary: ``n_pairs`` distinct keys (letters) with a value each
(digits), and ``n_queries`` queries, each one of the example's keys.  The answer to a query is
the value stored under that key.  Nothing in a key says where it sits, and the pairs are shuffled,
so the model has to compare the query with every key: exactly what attention does.

The model (:class:`RetrievalModel`) embeds query symbols with W_q, keys with W_k and values with
W_v, mixes the values with :func:`bplib.attention`, and reads the class of the mixed value with
W_o and a softmax.  Its gradient (:meth:`RetrievalModel.gradients`) goes through
:func:`bplib.softmax_cross_entropy_delta` and :func:`bplib.attention_backward`;
:func:`train_retrieval` runs mini-batch gradient descent on freshly generated batches.

Also here: the exercise checks of chapter 15 (:func:`check_attention_output`,
:func:`check_masked_gradient_rows`) and the slider computation :func:`attention_demo`.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field

import numpy as np

from ._validate import positive_int, positive_number, seed as _seed
from .activations import softmax
from .attention import attention, attention_backward, attention_weights, causal_mask
from .losses import softmax_cross_entropy_delta
from .metrics import CheckResult

__all__ = ["RetrievalTask", "generate_retrieval", "RetrievalModel", "RetrievalHistory", "train_retrieval",
           "KEY_SYMBOLS", "attention_demo", "check_attention_output", "check_masked_gradient_rows"]

#: the names of the key symbols in figures: A, B, C, ...
KEY_SYMBOLS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass(frozen=True)
class RetrievalTask:
    """A batch of retrieval examples (all arrays of int).

    keys (m, n_pairs): distinct key symbols per example; values (m, n_pairs): the value of each
    key; queries (m, n_queries): keys to look up; targets (m, n_queries): their values.
    """

    keys: np.ndarray
    values: np.ndarray
    queries: np.ndarray
    targets: np.ndarray
    n_keys: int
    n_values: int

    def __len__(self) -> int:
        return self.keys.shape[0]


def generate_retrieval(m: int, n_pairs: int = 12, n_keys: int = 26, n_values: int = 10,
                       n_queries: int = 4, seed: int = 0) -> RetrievalTask:
    """Generate m retrieval examples.

    Parameters
    ----------
    m : int            number of examples
    n_pairs : int      key–value pairs per example (T_k), ≤ n_keys
    n_keys : int       size of the key alphabet (keys of one example are distinct)
    n_values : int     number of value classes (values may repeat)
    n_queries : int    queries per example (T_q), distinct keys of the example, ≤ n_pairs
    seed : int         seed of ``np.random.default_rng``

    Returns
    -------
    RetrievalTask

    Examples
    --------
    >>> t = generate_retrieval(2, n_pairs=3, n_keys=5, n_values=4, n_queries=2, seed=0)
    >>> t.keys.shape, t.queries.shape
    ((2, 3), (2, 2))
    >>> bool(all(t.values[i][list(t.keys[i]).index(q)] == y
    ...          for i in range(2) for q, y in zip(t.queries[i], t.targets[i])))
    True
    """
    m, n_pairs, n_keys = positive_int(m, "m"), positive_int(n_pairs, "n_pairs"), positive_int(n_keys, "n_keys")
    n_values, n_queries = positive_int(n_values, "n_values"), positive_int(n_queries, "n_queries")
    if n_pairs > n_keys:
        raise ValueError(f"n_pairs: keys of one example are distinct, so n_pairs ≤ n_keys = {n_keys}, got {n_pairs}")
    if n_queries > n_pairs:
        raise ValueError(f"n_queries: queries are distinct keys of the example, so n_queries ≤ n_pairs = {n_pairs}, "
                         f"got {n_queries}")
    rng = np.random.default_rng(_seed(seed))
    keys = np.argsort(rng.random((m, n_keys)), axis=1)[:, :n_pairs]       # distinct keys per row
    values = rng.integers(0, n_values, size=(m, n_pairs))
    where = np.argsort(rng.random((m, n_pairs)), axis=1)[:, :n_queries]   # which pairs are asked for
    rows = np.arange(m)[:, None]
    return RetrievalTask(keys, values, keys[rows, where], values[rows, where], n_keys, n_values)


def _one_hot(idx, n):
    return np.eye(n)[idx]


@dataclass
class RetrievalModel:
    """One attention layer with learned embeddings for the retrieval task.

    Q = W_q[:, query], K = W_k[:, key], V = W_v[:, value] (columns of the embedding matrices),
    O = attention(Q, K, V), logits = O W_oᵀ + b_o, cost C = mean cross-entropy over all queries.

    Parameters are W_q, W_k (d, n_keys), W_v (d_v, n_values), W_o (n_values, d_v), b_o (n_values,).
    With ``scale=False`` the scores are Q Kᵀ without the 1/√d (for chapter 15's comparison),
    computed as attention(√d Q, K, V), and the chain rule multiplies ∂C/∂W_q by √d.

    Examples
    --------
    >>> task = generate_retrieval(5, seed=0)
    >>> model = RetrievalModel.create(seed=0)
    >>> model.forward(task).shape, model.weights(task).shape
    ((5, 4, 10), (5, 4, 12))
    >>> sorted(model.gradients(task)) == sorted(model.params)
    True
    """

    params: dict = field(default_factory=dict)
    scale: bool = True

    @classmethod
    def create(cls, n_keys: int = 26, n_values: int = 10, d: int = 16, d_v: int = 16, seed: int = 0,
               scale: bool = True):
        """Random N(0, 1) embeddings (unit-variance entries, as in the 1/√d argument) and a
        Xavier-scaled read-out."""
        d, d_v = positive_int(d, "d"), positive_int(d_v, "d_v")
        n_keys, n_values = positive_int(n_keys, "n_keys"), positive_int(n_values, "n_values")
        if not isinstance(scale, (bool, np.bool_)):
            raise TypeError(f"scale: expected True or False, got {scale!r}")
        rng = np.random.default_rng(_seed(seed))
        return cls({"Wq": rng.normal(size=(d, n_keys)), "Wk": rng.normal(size=(d, n_keys)),
                    "Wv": rng.normal(size=(d_v, n_values)),
                    "Wo": rng.normal(size=(n_values, d_v)) / np.sqrt(d_v), "bo": np.zeros(n_values)},
                   bool(scale))

    def _query_factor(self) -> float:
        # attention divides by √d; multiplying Q by √d first leaves the scores Q Kᵀ unscaled
        return 1.0 if self.scale else float(np.sqrt(self.params["Wq"].shape[0]))

    def _embed(self, task: RetrievalTask):
        if not isinstance(task, RetrievalTask):
            raise TypeError(f"task: expected a RetrievalTask from generate_retrieval, got {type(task).__name__}")
        p = self.params
        Q = p["Wq"].T[task.queries] * self._query_factor()   # (m, T_q, d)
        K = p["Wk"].T[task.keys]             # (m, T_k, d)
        V = p["Wv"].T[task.values]           # (m, T_k, d_v)
        return Q, K, V

    def forward(self, task: RetrievalTask):
        """Logits of shape (m, T_q, n_values)."""
        Q, K, V = self._embed(task)
        return attention(Q, K, V) @ self.params["Wo"].T + self.params["bo"]

    def weights(self, task: RetrievalTask) -> np.ndarray:
        """Attention weights (m, T_q, T_k): how much each query looks at each key."""
        Q, K, _ = self._embed(task)
        return attention_weights(Q, K)

    def predict(self, task: RetrievalTask) -> np.ndarray:
        """Predicted values (m, T_q)."""
        return self.forward(task).argmax(axis=2)

    def accuracy(self, task: RetrievalTask) -> float:
        """Fraction of queries answered with the right value."""
        return float(np.mean(self.predict(task) == task.targets))

    def loss(self, task: RetrievalTask) -> float:
        """Mean cross-entropy over every query of every example."""
        logits = self.forward(task).reshape(-1, task.n_values)
        z = logits - logits.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return float(-logp[np.arange(len(logp)), task.targets.reshape(-1)].mean())

    def gradients(self, task: RetrievalTask) -> dict:
        """∂C/∂θ for every parameter, by backpropagation through the attention layer."""
        p = self.params
        Q, K, V = self._embed(task)
        O = attention(Q, K, V)
        m, T_q, d_v = O.shape
        logits = O @ p["Wo"].T + p["bo"]
        Y = _one_hot(task.targets.reshape(-1), task.n_values)
        dZ = softmax_cross_entropy_delta(softmax(logits.reshape(-1, task.n_values)), Y)   # (m·T_q, n_values)
        grads = {"Wo": dZ.T @ O.reshape(-1, d_v), "bo": dZ.sum(axis=0)}
        dO = (dZ @ p["Wo"]).reshape(m, T_q, d_v)
        dQ, dK, dV = attention_backward(dO, Q, K, V)
        # an embedding is a one-hot row times Wᵀ, so its gradient scatter-adds into columns
        grads["Wq"] = (dQ.reshape(-1, Q.shape[2]).T @ _one_hot(task.queries.reshape(-1), task.n_keys)
                       * self._query_factor())
        grads["Wk"] = dK.reshape(-1, K.shape[2]).T @ _one_hot(task.keys.reshape(-1), task.n_keys)
        grads["Wv"] = dV.reshape(-1, d_v).T @ _one_hot(task.values.reshape(-1), task.n_values)
        return grads

    def copy(self) -> "RetrievalModel":
        return RetrievalModel(copy.deepcopy(self.params), self.scale)


@dataclass
class RetrievalHistory:
    """Cost and held-out accuracy recorded every ``every`` steps."""

    steps: list = field(default_factory=list)
    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)


def train_retrieval(steps: int = 400, batch_size: int = 64, lr: float = 1.0, d: int = 16, d_v: int = 16,
                    n_pairs: int = 12, n_keys: int = 26, n_values: int = 10, n_queries: int = 4,
                    seed: int = 0, test: RetrievalTask | None = None, every: int = 50, scale: bool = True):
    """Train a :class:`RetrievalModel` by mini-batch gradient descent on fresh batches.

    Every step draws a new batch from :func:`generate_retrieval` (seeded from ``seed``) and takes
    θ ← θ − η ∂C/∂θ.  The same ``seed`` also initialises the model.

    Parameters
    ----------
    steps : int          gradient-descent steps (one fresh batch each)
    batch_size : int     examples per batch
    lr : float           learning rate η
    d, d_v : int         width of queries and keys, of values
    n_pairs, n_keys, n_values, n_queries : int   the task, as in :func:`generate_retrieval`
    seed : int           initial weights and the sequence of batches
    test : RetrievalTask, optional   held-out examples to measure accuracy on
    every : int          record the history every ``every`` steps (and at the last)
    scale : bool         divide the scores by √d (``False`` only to measure what the factor does)

    Returns
    -------
    (RetrievalModel, RetrievalHistory)  the history holds the batch cost and, if ``test`` is given,
    the accuracy on it, every ``every`` steps.

    Examples
    --------
    >>> model, history = train_retrieval(steps=3, every=1)
    >>> len(history.loss), model.params["Wq"].shape
    (3, (16, 26))
    """
    steps, batch_size = positive_int(steps, "steps"), positive_int(batch_size, "batch_size")
    every, seed = positive_int(every, "every"), _seed(seed)
    lr = positive_number(lr, "lr")
    if not isinstance(scale, (bool, np.bool_)):
        raise TypeError(f"scale: expected True or False, got {scale!r}")
    if test is not None and not isinstance(test, RetrievalTask):
        raise TypeError(f"test: expected a RetrievalTask from generate_retrieval or None, got {type(test).__name__}")
    model = RetrievalModel.create(n_keys, n_values, d, d_v, seed, scale)
    data_rng = np.random.default_rng([seed, 1])
    history = RetrievalHistory()
    for step in range(steps):
        batch = generate_retrieval(batch_size, n_pairs, n_keys, n_values, n_queries,
                                   seed=int(data_rng.integers(2 ** 32)))
        grads = model.gradients(batch)
        if step % every == 0 or step == steps - 1:
            history.steps.append(step)
            history.loss.append(model.loss(batch))
            history.accuracy.append(model.accuracy(test) if test is not None else np.nan)
        for name, g in grads.items():
            model.params[name] = model.params[name] - lr * g
    return model, history


# ---------------------------------------------------------------------------- exercises
def attention_demo(d: int = 16, scale: bool = True, n_keys: int = 8, seed: int = 0) -> np.ndarray:
    """The attention weights of one random query over ``n_keys`` random keys of width d.

    Entries of q and the keys are N(0, 1); the scores are divided by √d when ``scale``.  The
    computation behind chapter 15's slider exercise.

    Returns
    -------
    ndarray, shape (n_keys,), the weights (summing to 1).
    """
    d, n_keys = positive_int(d, "d"), positive_int(n_keys, "n_keys")
    rng = np.random.default_rng(_seed(seed))
    q = rng.normal(size=(1, 1, d))
    k = rng.normal(size=(1, n_keys, d))
    return attention_weights(q, k, scale=scale)[0, 0]


def check_attention_output(answer) -> CheckResult:
    """Check the hand computation of chapter 15's first exercise.

    One query q = (1, 0), keys k_1 = (1, 0) and k_2 = (0, 1), values 1 and 3, width d = 2: the
    answer is the output o (a number), accepted within 0.005 of 1.6605.  The hints name the likely
    slips: 1.5379 (scores not divided by √2), 1.7551 (divided by d = 2), 2.3396 (weights swapped
    between the values), 2 (equal weights) and a number between 0 and 1 (a weight, not the output).

    Examples
    --------
    >>> bool(check_attention_output(1.66)), bool(check_attention_output(1.538))
    (True, False)
    """
    Q = np.array([[[1.0, 0.0]]])
    K = np.array([[[1.0, 0.0], [0.0, 1.0]]])
    V = np.array([[[1.0], [3.0]]])
    expected = attention(Q, K, V)[0, 0, 0]
    try:
        value = float(np.asarray(answer, dtype=float).reshape(-1)[0]) if np.size(answer) == 1 else None
    except (TypeError, ValueError):
        value = None
    if value is None:
        return CheckResult(False, "Not yet: the output o is a single number.")
    if abs(value - expected) <= 5e-3:
        return CheckResult(True, f"Correct: o = {expected:.4f}.")
    unscaled = 1.0 + 2.0 / (1.0 + np.e)
    if abs(value - unscaled) <= 5e-3:
        return CheckResult(False, "Not yet: that is the output without the 1/√d; divide the scores by √2 first.")
    if abs(value - 2.0) <= 5e-3:
        return CheckResult(False, "Not yet: equal weights 1/2 would need equal scores; q·k_1 = 1 and q·k_2 = 0.")
    p1 = 1.0 / (1.0 + np.exp(-1.0 / np.sqrt(2.0)))
    if abs(value - (3.0 * p1 + (1.0 - p1))) <= 5e-3:
        return CheckResult(False, "Not yet: the larger weight belongs to v_1 = 1 (key k_1 matches q), "
                                  "so o = p_1·1 + p_2·3; the weights were swapped.")
    p1_d = 1.0 / (1.0 + np.exp(-0.5))
    if abs(value - (p1_d + 3.0 * (1.0 - p1_d))) <= 5e-3:
        return CheckResult(False, "Not yet: that divides the scores by d = 2; divide by √d = √2 ≈ 1.414.")
    if 0.0 < value < 1.0:
        return CheckResult(False, "Not yet: that looks like a weight; the output is the weighted mean "
                                  "p_1·1 + p_2·3 of the values, a number between 1 and 3.")
    return CheckResult(False, "Not yet: compute the scores q·k_j/√2, their softmax, then the weighted mean of the values.")


def check_masked_gradient_rows(answer, T: int = 5, query: int = 2) -> CheckResult:
    """Check which keys get a nonzero gradient when only one query's output is used (causal mask).

    With a causal mask over T positions and a cost that depends only on the output of query
    ``query`` (0-based), the keys and values that receive gradient are those that query may
    attend to: positions 0 … ``query``.  ``answer`` is a list of those positions, in any order;
    hints name the likely slips (positions counted from 1, the query's own position alone, keys
    after the query).

    Examples
    --------
    >>> bool(check_masked_gradient_rows([2, 1, 0])), bool(check_masked_gradient_rows([1, 2, 3]))
    (True, False)
    """
    T = positive_int(T, "T")
    if isinstance(query, (bool, np.bool_)) or not isinstance(query, (int, np.integer)) or not 0 <= query < T:
        raise ValueError(f"query: expected an integer position 0 … {T - 1}, got {query!r}")
    query = int(query)
    expected = np.flatnonzero(causal_mask(T)[query])
    try:
        raw = np.asarray(answer, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        raw = None
    if raw is None or not np.all(np.isfinite(raw)) or not np.all(raw == np.round(raw)):
        return CheckResult(False, "Not yet: give the positions as a list of integers, e.g. [0, 1].")
    got = np.unique(raw.astype(int))
    if got.shape == expected.shape and np.array_equal(got, expected):
        return CheckResult(True, f"Correct: positions {expected.tolist()}, the keys query {query} may attend to.")
    if got.shape == expected.shape and np.array_equal(got, expected + 1):
        return CheckResult(False, "Not yet: positions count from 0 here, so the first position is 0.")
    if np.array_equal(got, [query]):
        return CheckResult(False, f"Not yet: query {query} attends to every key up to its own position, "
                                  f"not only to its own; each of them has a nonzero weight.")
    if got.size and got.max() > query:
        return CheckResult(False, f"Not yet: a key after position {query} has weight 0 for query {query}, "
                                  f"so its gradient is 0 too.")
    return CheckResult(False, "Not yet: every key the query may attend to (including its own position) "
                              "has a nonzero weight, and so a nonzero gradient.")

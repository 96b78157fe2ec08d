"""A multilayer perceptron built from the four equations of :mod:`bplib.equations`.

Shapes (batch in rows):  X (m, n_0);  weights[i] (n_{i+1}, n_i);  biases[i] (n_{i+1},);
Z^l = A^{l-1} (W^l)ᵀ + b^l,  A^l = f^l(Z^l).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from ._validate import (as_float_array, as_matrix, check_finite, float_dtype, generator, lookup,
                        nonnegative_number, positive_number, seed as _check_seed)
from .activations import get_activation, softmax, softmax_backward
from .equations import bias_gradient, hidden_delta, output_delta, weight_gradient
from .regularization import l2_gradient, l2_penalty
from .losses import (binary_cross_entropy_from_logits, cross_entropy_from_logits, get_loss,
                     sigmoid_binary_cross_entropy_delta, softmax_cross_entropy_delta)

__all__ = ["MLP", "init_scale", "INITS", "flatten_params"]

#: initialisation name -> standard deviation of N(0, σ²) as a function of (n_in, n_out).
INITS = {
    "standard": lambda n_in, n_out: 1.0,                          # N(0, 1)
    "xavier": lambda n_in, n_out: np.sqrt(2.0 / (n_in + n_out)),  # Glorot & Bengio (2010)
    "he": lambda n_in, n_out: np.sqrt(2.0 / n_in),                # He et al. (2015)
}

_OUTPUTS = ("sigmoid", "tanh", "relu", "leaky_relu", "identity", "softmax")
_HIDDEN = ("sigmoid", "tanh", "relu", "leaky_relu", "identity")


def init_scale(init, n_in: int, n_out: int) -> float:
    """Standard deviation of the initial weights of a layer with fan-in n_in and fan-out n_out.

    ``init`` is a name in :data:`INITS` ("standard", "xavier", "he") or a positive number σ.
    """
    if isinstance(init, str):
        return float(lookup(INITS, init, "init")(n_in, n_out))
    if isinstance(init, (bool, np.bool_)) or not isinstance(init, (int, float, np.integer, np.floating)):
        raise TypeError(f"init: expected one of {', '.join(map(repr, INITS))} or a number > 0, "
                        f"got {type(init).__name__} {init!r}")
    if np.isfinite(init) and init > 0:
        return float(init)
    raise ValueError(f"init: expected one of {', '.join(map(repr, INITS))} or a number > 0, got {init!r}")


def flatten_params(Ws, bs) -> np.ndarray:
    """Weights and biases (or their gradients) as one float64 vector, in the order W^1, b^1, W^2, …

    This is the order of :meth:`MLP.get_params`, so ``flatten_params(*net.gradients(X, Y))``
    lines up entry by entry with a finite-difference gradient of :meth:`MLP.loss_at`.

    Parameters
    ----------
    Ws : sequence of L ndarray, entry l−1 of shape (n_l, n_{l−1})
    bs : sequence of L ndarray, entry l−1 of shape (n_l,)

    Returns
    -------
    ndarray, shape (Σ_l n_l (n_{l−1} + 1),)

    Examples
    --------
    >>> flatten_params([np.array([[1.0, 2.0]])], [np.array([3.0])]).tolist()
    [1.0, 2.0, 3.0]
    """
    if len(Ws) != len(bs):
        raise ValueError(f"Ws and bs: expected one bias per weight matrix, got {len(Ws)} and {len(bs)}")
    return np.concatenate([np.concatenate([np.ravel(W), np.ravel(b)])
                           for W, b in zip(Ws, bs)]).astype(np.float64)


class MLP:
    """A fully connected feed-forward network trained by backpropagation.

    Parameters
    ----------
    sizes : sequence of int, length L+1 ≥ 2
        Neurons per layer, input first, e.g. ``[2, 3, 1]``.
    hidden : str
        Activation of the hidden layers: "sigmoid", "tanh", "relu", "leaky_relu", "identity".
    output : str
        Activation of the output layer: any of the above or "softmax".
    loss : str
        "mse" (any output), "cross_entropy" (softmax output) or "binary_cross_entropy"
        (sigmoid output).  The last two use the fused delta (A − Y)/m.
    seed : int or None
        Seed of ``np.random.default_rng`` for the initial weights (ignored if ``rng`` is given).
    init : str or float
        Weight initialisation: "standard" N(0, 1), "xavier" N(0, 2/(n_in+n_out)),
        "he" N(0, 2/n_in), or a number σ for N(0, σ²).  Biases start at zero.
    l2 : float, ≥ 0
        L2 penalty λ: the cost gains (λ/2) Σ_l ‖W^l‖², the weight gradients gain λ W^l
        (eq-l2-gradient); biases are not regularised.
    dtype : numpy float dtype
        float64 (default) or float32; inputs are cast to it, nothing is upcast.
    rng : numpy Generator, optional
        Used instead of ``seed`` when given.

    Examples
    --------
    >>> net = MLP([2, 3, 1], seed=0)
    >>> [W.shape for W in net.weights]
    [(3, 2), (1, 3)]
    """

    def __init__(self, sizes: Sequence[int], hidden: str = "sigmoid", output: str = "sigmoid",
                 loss: str = "mse", seed: int | None = 0, init="xavier", l2: float = 0.0,
                 dtype=np.float64, rng: np.random.Generator | None = None):
        sizes = self._check_sizes(sizes)
        if hidden not in _HIDDEN:
            raise ValueError(f"hidden: unknown activation {hidden!r}; valid names are "
                             f"{', '.join(map(repr, _HIDDEN))}")
        if output not in _OUTPUTS:
            raise ValueError(f"output: unknown activation {output!r}; valid names are "
                             f"{', '.join(map(repr, _OUTPUTS))}")
        loss_fn = get_loss(loss)
        if loss == "cross_entropy" and output != "softmax":
            raise ValueError(f"loss: 'cross_entropy' needs output='softmax', got output={output!r} "
                             f"(use 'binary_cross_entropy' with a sigmoid output)")
        if loss == "binary_cross_entropy" and output != "sigmoid":
            raise ValueError(f"loss: 'binary_cross_entropy' needs output='sigmoid', got output={output!r}")
        if output == "softmax" and sizes[-1] < 2:
            raise ValueError(f"sizes: a softmax output needs at least 2 units, got sizes={sizes}")
        l2 = nonnegative_number(l2, "l2")
        dtype = float_dtype(dtype, "dtype")
        rng = generator(rng, "rng")
        if rng is None:
            seed = _check_seed(seed, "seed")
        init_scale(init, 1, 1)  # an unknown name or a bad scale fails here, before any weight

        self.sizes = sizes
        self.hidden, self.output, self.loss_name = hidden, output, loss
        self.l2 = float(l2)
        self.dtype = dtype
        self.init = init
        self._hidden_act = get_activation(hidden)
        self._output_act = None if output == "softmax" else get_activation(output)
        self._loss = loss_fn
        self._fused = (output, loss) in (("softmax", "cross_entropy"), ("sigmoid", "binary_cross_entropy"))
        rng = rng if rng is not None else np.random.default_rng(seed)
        self.weights = [(rng.standard_normal((n_out, n_in)) * init_scale(init, n_in, n_out)).astype(dtype)
                        for n_in, n_out in zip(sizes[:-1], sizes[1:])]
        self.biases = [np.zeros(n_out, dtype=dtype) for n_out in sizes[1:]]

    # ------------------------------------------------------------------ checks
    @staticmethod
    def _check_sizes(sizes):
        try:
            sizes = [s for s in sizes]
        except TypeError:
            raise TypeError(f"sizes: expected a sequence of layer sizes like [2, 3, 1], got {sizes!r}") from None
        if len(sizes) < 2:
            raise ValueError(f"sizes: need at least 2 layer sizes (input and output), got {sizes}")
        for s in sizes:
            if isinstance(s, bool) or not isinstance(s, (int, np.integer)):
                raise TypeError(f"sizes: every size must be an integer, got {sizes}")
            if s < 1:
                raise ValueError(f"sizes: every size must be ≥ 1, got {sizes}")
        return [int(s) for s in sizes]

    def _is_ready(self, A, cols):
        # True for a finite 2-D ndarray of the network's dtype with ``cols`` columns: exactly the
        # arrays as_matrix would return unchanged, recognised without its Python overhead
        return (type(A) is np.ndarray and A.dtype == self.dtype and A.ndim == 2
                and A.shape[1] == cols and A.shape[0] > 0 and bool(np.isfinite(A).all()))

    def _check_X(self, X):
        if self._is_ready(X, self.sizes[0]):
            return X
        return as_matrix(X, "X", cols=self.sizes[0], dtype=self.dtype)

    def _check_Y(self, Y, m):
        if not self._is_ready(Y, self.sizes[-1]):
            Y = as_matrix(Y, "Y", cols=self.sizes[-1], dtype=self.dtype)
        if Y.shape[0] != m:
            raise ValueError(f"X and Y must have the same number of rows, got X with {m} rows "
                             f"and Y {Y.shape}")
        if self.loss_name != "mse" and (Y.min() < 0 or Y.max() > 1):
            raise ValueError(f"Y: {self.loss_name} targets must lie in [0, 1], got values in "
                             f"[{Y.min():.6g}, {Y.max():.6g}] (shape {Y.shape})")
        if self.loss_name == "cross_entropy":
            # the fused delta (A − Y)/m is the gradient only for rows that sum to 1
            sums = Y.sum(axis=1)
            if np.abs(sums - 1.0).max() > 1e-6:
                raise ValueError(f"Y: cross_entropy targets must sum to 1 in every row (one-hot or "
                                 f"probabilities), got row sums in [{sums.min():.6g}, {sums.max():.6g}] "
                                 f"(shape {Y.shape})")
        return Y

    # ------------------------------------------------------------------ forward
    @property
    def n_layers(self) -> int:
        """L, the number of layers with weights."""
        return len(self.weights)

    @property
    def n_params(self) -> int:
        """Number of trainable parameters (weights and biases)."""
        return sum(W.size + b.size for W, b in zip(self.weights, self.biases))

    def _activate_output(self, Z):
        return softmax(Z) if self.output == "softmax" else self._output_act.f(Z)

    def forward_pass(self, X):
        """Run the network and keep what backpropagation needs.

        Parameters
        ----------
        X : ndarray, shape (m, n_0)

        Returns
        -------
        Zs : list of ndarray, Zs[i] of shape (m, n_{i+1})   pre-activations of layers 1 … L
        As : list of ndarray, As[0] = X, As[i] of shape (m, n_i)   activations of layers 0 … L
        """
        X = self._check_X(X)
        return self._forward(X)

    def _forward(self, X, activate_output: bool = True):
        # activate_output=False stops at the logits Z^L (the fused losses start from them) and
        # leaves As one shorter; every activation is computed exactly once
        Zs, As = [], [X]
        A = X
        hidden_f = self._hidden_act.f
        last = len(self.weights) - 1
        for i, (W, b) in enumerate(zip(self.weights, self.biases)):
            Z = A @ W.T        # W.T is a view: BLAS reads W transposed, nothing is copied
            Z += b             # in place on the fresh product
            Zs.append(Z)
            if i < last:
                A = hidden_f(Z)
            elif activate_output:
                A = self._activate_output(Z)
            else:
                break
            As.append(A)
        return Zs, As

    def forward(self, X):
        """Output activations A^L for a batch X of shape (m, n_0); returns shape (m, n_L)."""
        return self.forward_pass(X)[1][-1]

    __call__ = forward

    def predict(self, X):
        """Predicted class per row: argmax of the outputs (or output > 0.5 for one output unit)."""
        A = self.forward(X)
        if A.shape[1] == 1:
            return (A[:, 0] > 0.5).astype(np.int64)
        return A.argmax(axis=1)

    # ------------------------------------------------------------------ cost
    def loss(self, X, Y) -> float:
        """Batch cost C = (1/m) Σ_x C_x (+ (λ/2) Σ‖W‖² when l2 > 0).

        Parameters
        ----------
        X : ndarray, shape (m, n_0)
        Y : ndarray, shape (m, n_L)
        """
        X = self._check_X(X)
        Y = self._check_Y(Y, X.shape[0])
        with np.errstate(under="ignore", over="ignore", invalid="ignore"):  # reported below
            Zs, As = self._forward(X, activate_output=not self._fused)  # fused: from the logits
            if self._fused and self.output == "softmax":
                data = cross_entropy_from_logits(Zs[-1], Y)
            elif self._fused:
                data = binary_cross_entropy_from_logits(Zs[-1], Y)
            elif not np.isfinite(As[-1]).all():
                data = np.inf  # the forward pass overflowed: reported below as X's fault, not Y_hat's
            else:
                data = self._loss.value(As[-1], Y)
            cost = data + self.l2_penalty()
        if not np.isfinite(cost):
            self._overflowed(X, Y)
        return cost

    def l2_penalty(self) -> float:
        """(λ/2) Σ_l ‖W^l‖²_F; zero when l2 = 0."""
        return l2_penalty(self.weights, self.l2) if self.l2 else 0.0

    # ------------------------------------------------------------------ backward
    def _output_delta(self, Z, A, Y):
        if self.output == "softmax" and self._fused:
            return softmax_cross_entropy_delta(A, Y)
        if self._fused:
            return sigmoid_binary_cross_entropy_delta(A, Y)
        grad_a = self._loss.grad(A, Y)
        if self.output == "softmax":
            return softmax_backward(A, grad_a)
        return output_delta(grad_a, self._output_act.df_from_output(A))

    def backward(self, Zs, As, Y):
        """Gradients from a forward pass's cache (see :meth:`forward_pass`) and targets Y.

        Returns
        -------
        dWs, dbs : lists shaped like ``weights`` and ``biases``
        """
        L = self.n_layers
        dWs, dbs = [None] * L, [None] * L
        delta = self._output_delta(Zs[-1], As[-1], Y)                          # eq-bp1
        for i in range(L - 1, -1, -1):
            dWs[i] = weight_gradient(delta, As[i])                             # eq-bp4
            dbs[i] = bias_gradient(delta)                                      # eq-bp3
            if self.l2:
                dWs[i] = l2_gradient(dWs[i], self.weights[i], self.l2)         # eq-l2-gradient
            if i > 0:
                df = self._hidden_act.df_from_output(As[i])
                delta = hidden_delta(delta, self.weights[i], df)               # eq-bp2
        return dWs, dbs

    def gradients(self, X, Y):
        """∂C/∂W^l and ∂C/∂b^l for a batch, by backpropagation.

        Parameters
        ----------
        X : ndarray, shape (m, n_0)
        Y : ndarray, shape (m, n_L)

        Returns
        -------
        dWs : list of ndarray, dWs[i] shaped like weights[i] (n_{i+1}, n_i)
        dbs : list of ndarray, dbs[i] shaped like biases[i] (n_{i+1},)
        """
        X = self._check_X(X)
        Y = self._check_Y(Y, X.shape[0])
        with np.errstate(under="ignore", over="ignore", invalid="ignore"):  # reported below
            Zs, As = self._forward(X)
            if not np.isfinite(As[-1]).all():  # overflowed forward: X's fault, not Y_hat's
                self._overflowed(X, Y)
            dWs, dbs = self.backward(Zs, As, Y)
        if not (all(np.isfinite(dW).all() for dW in dWs) and all(np.isfinite(db).all() for db in dbs)):
            self._overflowed(X, Y)
        return dWs, dbs

    def _overflowed(self, X, Y):
        # finite inputs, non-finite result: the arithmetic left the float range (or the
        # parameters were made non-finite behind set_params' back)
        if not self._finite_params():
            raise ValueError("the network's weights or biases contain NaN or inf; reset them with "
                             "set_params or build a new MLP")
        raise ValueError(f"X: the cost or its gradient overflows {self.dtype.name} (largest |X| "
                         f"{float(np.abs(X).max()):.3g}, largest |Y| {float(np.abs(Y).max()):.3g}, "
                         f"largest |weight| {max(float(np.abs(W).max()) for W in self.weights):.3g}); "
                         f"rescale X and Y, e.g. standardise their columns")

    def _finite_params(self):
        return all(np.isfinite(W).all() for W in self.weights) and all(np.isfinite(b).all() for b in self.biases)

    def update(self, dWs, dbs, lr: float) -> None:
        """Gradient-descent step in place: W ← W − lr·dW, b ← b − lr·db (eq-gd-update).

        ``lr`` must be a finite number > 0 and every gradient finite, with the shape of its
        parameter; a rejected step leaves the network unchanged.
        """
        lr = positive_number(lr, "lr")
        checked = {}
        for name, grads, params in (("dWs", dWs, self.weights), ("dbs", dbs, self.biases)):
            if isinstance(grads, (str, bytes, np.ndarray)) or not hasattr(grads, "__len__"):
                raise TypeError(f"{name}: expected a list of {len(params)} arrays, one per layer, "
                                f"got {type(grads).__name__}")
            if len(grads) != len(params):
                raise ValueError(f"{name}: expected {len(params)} arrays, one per layer, got {len(grads)}")
            checked[name] = []
            for i, (g, p) in enumerate(zip(grads, params)):
                g = as_float_array(g, f"{name}[{i}]", finite=False)
                if g.shape != p.shape:
                    raise ValueError(f"{name}[{i}]: expected shape {p.shape}, got shape {g.shape}")
                check_finite(g, f"{name}[{i}]")
                checked[name].append(g)
        self._apply_update(checked["dWs"], checked["dbs"], lr)

    def _apply_update(self, dWs, dbs, lr):
        # the step itself, without checks (train checks its inputs once, up front)
        if isinstance(lr, np.generic):
            lr = lr.item()  # a Python number: a float32 network's lr·dW then stays float32
        for W, dW, b, db in zip(self.weights, dWs, self.biases, dbs):
            W -= lr * dW
            b -= lr * db

    # ------------------------------------------------------------------ parameters as a vector
    def get_params(self):
        """All weights and biases as one float64 vector of length ``n_params`` (a copy)."""
        return flatten_params(self.weights, self.biases)

    def set_params(self, theta) -> None:
        """Load a vector produced by :meth:`get_params` into the weights and biases (in place).

        ``theta`` must be numeric and finite; a rejected vector leaves the network unchanged.
        """
        theta = as_float_array(theta, "theta", finite=False)
        if theta.shape != (self.n_params,):
            raise ValueError(f"theta: expected shape ({self.n_params},), got {theta.shape}")
        check_finite(theta, "theta")
        pos = 0
        for W, b in zip(self.weights, self.biases):
            W[...] = theta[pos:pos + W.size].reshape(W.shape)
            pos += W.size
            b[...] = theta[pos:pos + b.size]
            pos += b.size

    def flat_gradients(self, X, Y):
        """:meth:`gradients` flattened in the order of :meth:`get_params` (float64)."""
        return flatten_params(*self.gradients(X, Y))

    def copy(self) -> "MLP":
        """An independent copy (same architecture, copied parameters)."""
        new = object.__new__(MLP)
        new.__dict__.update(self.__dict__)
        new.weights = [W.copy() for W in self.weights]
        new.biases = [b.copy() for b in self.biases]
        return new

    def loss_at(self, theta, X, Y) -> float:
        """Cost with parameters ``theta`` (for gradient checks); the network is not modified."""
        other = self.copy()
        other.set_params(theta)
        return other.loss(X, Y)

    def __repr__(self) -> str:
        return (f"MLP({self.sizes}, hidden={self.hidden!r}, output={self.output!r}, "
                f"loss={self.loss_name!r}, l2={self.l2:g}, dtype={self.dtype.name})")

"""Residual connections: a block z + F(z), its Jacobian I + F′, and a deep residual MLP (chapter 14).

A residual block adds its input to what its layer computes.  In the per-example notation of the
book, with the skip around each layer's activation and weights,

    z^l = z^{l−1} + W^l f(z^{l−1}) + b^l        instead of the plain   z^l = W^l f(z^{l−1}) + b^l ,

so the plain network is exactly :class:`bplib.MLP` (its pre-activations z^l), and the residual
one adds the identity path z^{l−1} → z^l.  The skip carries pre-activations and nothing acts on
the sum (the "pre-activation" ordering of He et al. 2016b): an activation applied after the sum,
as in the original ResNet, would make the block Jacobian diag(f′)(I + F′) and multiply the
identity path by f′ ≤ 1/4 again for sigmoid units.

- :func:`residual_block_jacobian` (eq-residual-jacobian): ∂z^l/∂z^{l−1} = I + W^l diag(f′(z^{l−1})).
- :func:`residual_delta` (eq-residual-backward): δ^{l−1} = δ^l + ((W^l)ᵀ δ^l) ⊙ f′(z^{l−1}),
  the hidden-delta equation eq-bp2 plus the upstream delta carried unchanged by the identity.
- :class:`ResidualMLP`: a classifier of L weight layers (input layer, L − 2 blocks of one width,
  softmax output), plain or residual, with an optional batch or layer normalisation N before
  each activation, f(N(z)).  Its backward pass is built from the four equations of
  :mod:`bplib.equations`, chapter 07's fused softmax + cross-entropy delta and the backward
  passes of :mod:`bplib.normalisation`.

Layers are numbered as in the book: layer l = 1 … L has weights ``net.weights[l-1]``.
"""
from __future__ import annotations

import numpy as np

from ._validate import CountTypeError, as_float_array, as_matrix, positive_int, positive_number
from .activations import get_activation, softmax
from .equations import bias_gradient, hidden_delta, weight_gradient
from .losses import cross_entropy_from_logits, softmax_cross_entropy_delta
from .mlp import MLP, flatten_params
from .normalisation import _norm_backward, _norm_forward
from .registry import implements
from .training import minibatches

__all__ = ["residual_block_jacobian", "residual_delta", "ResidualMLP", "NORMS"]

#: normalisation name -> the axis its statistics are taken over (batch norm: rows, layer norm:
#: columns); the network calls the kernels of :func:`bplib.batch_norm_backward` and
#: :func:`bplib.layer_norm_backward` directly, its arrays being checked once per batch.
NORMS = {None: None, "batch": 0, "layer": 1}


@implements("eq-residual-jacobian", chapter="14_normalisation_and_residuals")
def residual_block_jacobian(z, W, b, hidden: str = "tanh"):
    """Jacobian of one residual block z ↦ z + W f(z) + b at one example  (eq-residual-jacobian, chapter 14).

    ∂(z + F(z))/∂z = I + F′(z) = I + W diag(f′(z)): the identity from the skip plus the Jacobian
    of the block's own layer.

    Parameters
    ----------
    z : ndarray, shape (1, n)
        One example's pre-activations, as a row.
    W : ndarray, shape (n, n)
    b : ndarray, shape (n,)
    hidden : str
        Activation f ("sigmoid", "tanh", "relu", "leaky_relu", "identity").

    Returns
    -------
    ndarray, shape (n, n); entry (j, k) is ∂(output)_j/∂z_k.

    Examples
    --------
    >>> residual_block_jacobian(np.zeros((1, 2)), np.array([[1.0, 2.0], [0.0, 1.0]]), np.zeros(2)).tolist()
    [[2.0, 2.0], [0.0, 2.0]]
    """
    z = as_matrix(z, "z", rows=1)
    n = z.shape[1]
    W = as_matrix(W, "W", rows=n, cols=n)
    b = as_float_array(b, "b")
    if b.shape != (n,):
        raise ValueError(f"b: expected shape ({n},), got shape {b.shape}")
    return np.eye(n) + W * get_activation(hidden).df(z[0])[None, :]


@implements("eq-residual-backward", chapter="14_normalisation_and_residuals")
def residual_delta(delta_next, W_next, df_z):
    """Delta of the layer below a residual block, Δ^{l−1} = Δ^l + (Δ^l W^l) ⊙ f′(Z^{l−1})
    (eq-residual-backward, chapter 14).

    The second term is eq-bp2 (:func:`bplib.hidden_delta`); the first is the identity path,
    which hands the upstream delta down unchanged.

    Parameters
    ----------
    delta_next : ndarray, shape (m, n)
        Δ^l, the deltas of the block's output.
    W_next : ndarray, shape (n, n)
        W^l, the block's (square) weights.
    df_z : ndarray, shape (m, n)
        f′ at the block's input Z^{l−1}.

    Returns
    -------
    ndarray, shape (m, n)

    Examples
    --------
    >>> residual_delta(np.array([[1.0, 0.0]]), np.array([[2.0, 3.0], [0.0, 0.0]]), np.full((1, 2), 0.5)).tolist()
    [[2.0, 1.5]]
    """
    if not (type(delta_next) is np.ndarray and delta_next.ndim == 2 and delta_next.dtype.kind == "f"):
        delta_next = as_matrix(delta_next, "delta_next", finite=False)   # NaN passes, as in eq-bp2
    if not (type(W_next) is np.ndarray and W_next.ndim == 2 and W_next.dtype.kind == "f"):
        W_next = as_matrix(W_next, "W_next", finite=False)
    if W_next.shape != (delta_next.shape[1], delta_next.shape[1]):
        n = delta_next.shape[1]
        raise ValueError(f"W_next: a residual block needs square weights of shape ({n}, {n}) to match "
                         f"delta_next {delta_next.shape}, got W_next {W_next.shape}")
    return delta_next + hidden_delta(delta_next, W_next, df_z)


class ResidualMLP:
    """A deep classifier with hidden layers of one width, plain or residual, optionally normalised.

    Per example, with N the identity (``norm=None``), :func:`bplib.batch_norm` or
    :func:`bplib.layer_norm` (its own γ^l, β^l, initially 1 and 0, in every hidden layer):
    z^1 = W^1 x + b^1; for the blocks l = 2 … L−1, z^l = z^{l−1} + W^l f(N(z^{l−1})) + b^l when
    ``skip`` (residual) or z^l = W^l f(N(z^{l−1})) + b^l without; the output layer
    z^L = W^L f(N(z^{L−1})) + b^L feeds a softmax trained with cross-entropy.  Without skips and
    normalisation this is exactly :class:`bplib.MLP` with the same weights.

    Parameters
    ----------
    n_in, width, n_out : int ≥ 1
    n_blocks : int ≥ 0
        Blocks between the input layer and the output layer: L = n_blocks + 2 weight layers.
    hidden : str
        Hidden activation f.
    skip : bool
        Residual blocks (True) or plain layers (False).
    norm : None, "batch" or "layer"
    init : str or float
        As for :class:`bplib.MLP`; the weights are those of ``MLP([n_in] + [width] * (L − 1) + [n_out],
        init=init, seed=seed)``, so networks that differ only in ``skip`` or ``norm`` start from the
        same weights.
    seed : int
    eps : float, > 0, of the normalisation

    Examples
    --------
    >>> net = ResidualMLP(4, 3, 2, 2, hidden="tanh", seed=0)
    >>> net.n_layers, net.forward(np.ones((5, 4))).shape
    (4, (5, 2))
    """

    def __init__(self, n_in: int, width: int, n_blocks: int, n_out: int, hidden: str = "sigmoid",
                 skip: bool = True, norm=None, init="xavier", seed: int = 0, eps: float = 1e-5):
        n_in, width, n_out = (positive_int(v, name) for v, name in ((n_in, "n_in"), (width, "width"), (n_out, "n_out")))
        if isinstance(n_blocks, (bool, np.bool_)) or not isinstance(n_blocks, (int, np.integer)):
            raise CountTypeError(f"n_blocks: must be an integer ≥ 0, got {n_blocks!r}")
        if n_blocks < 0:
            raise ValueError(f"n_blocks: must be an integer ≥ 0, got {n_blocks!r}")
        if not isinstance(skip, (bool, np.bool_)):
            raise TypeError(f"skip: expected True or False, got {skip!r}")
        if n_out < 2:
            raise ValueError(f"n_out: a softmax output needs at least 2 units, got {n_out}")
        if norm not in NORMS:
            raise ValueError(f"norm: unknown name {norm!r}; valid names are None, 'batch', 'layer'")
        self.sizes = [n_in] + [width] * (int(n_blocks) + 1) + [n_out]
        base = MLP(self.sizes, hidden=hidden, output="softmax", loss="cross_entropy", init=init, seed=seed)
        self.hidden, self.skip, self.norm, self.eps = hidden, bool(skip), norm, positive_number(eps, "eps")
        self._act = get_activation(hidden)
        self.weights, self.biases = base.weights, base.biases
        n_hidden = len(self.sizes) - 2
        self.gammas = [np.ones(width) for _ in range(n_hidden)] if norm else []
        self.betas = [np.zeros(width) for _ in range(n_hidden)] if norm else []

    @property
    def n_layers(self) -> int:
        """L, the number of weight layers."""
        return len(self.weights)

    def _check_X(self, X):
        X = as_matrix(X, "X", cols=self.sizes[0])
        if self.norm == "batch" and X.shape[0] < 2:
            raise ValueError(f"X: batch normalisation needs a batch of at least 2 rows, got shape {X.shape}")
        return X

    def _check_Y(self, Y, m):
        Y = as_matrix(Y, "Y", cols=self.sizes[-1])
        if Y.shape[0] != m:
            raise ValueError(f"X and Y must have the same number of rows, got X with {m} rows and Y {Y.shape}")
        return Y

    # ------------------------------------------------------------------ forward
    def forward_pass(self, X):
        """Run the network and keep what the backward pass needs.

        Returns
        -------
        Zs : list of L ndarray, Zs[l−1] = Z^l: (m, width) for l < L, the logits (m, n_out) for l = L
        Ns : list of L−1 ndarray, Ns[l−1] = N(Z^l), the normalised Z^l (Z^l itself without normalisation)
        As : list of L ndarray, As[0] = X and As[l] = f(N(Z^l)) for l = 1 … L−1
        """
        X = self._check_X(X)
        Zs, Ns, As = [], [], [X]
        L = self.n_layers
        for i, (W, b) in enumerate(zip(self.weights, self.biases)):
            Z = As[-1] @ W.T + b                                # W^l a^{l−1} + b^l, in rows
            if self.skip and 0 < i < L - 1:
                Z = Z + Zs[-1]                                  # the identity path
            Zs.append(Z)
            if i == L - 1:
                break
            N = _norm_forward(Z, self.gammas[i], self.betas[i], self.eps, NORMS[self.norm]) if self.norm else Z
            Ns.append(N)
            As.append(self._act.f(N))
        return Zs, Ns, As

    def forward(self, X):
        """Class probabilities, shape (m, n_out).  With batch normalisation X is one batch."""
        return softmax(self.forward_pass(X)[0][-1])

    def predict(self, X):
        """Predicted class per row, shape (m,)."""
        return self.forward_pass(X)[0][-1].argmax(axis=1)

    def loss(self, X, Y) -> float:
        """Mean cross-entropy C over the batch; Y one-hot, shape (m, n_out)."""
        X = self._check_X(X)
        Y = self._check_Y(Y, X.shape[0])
        return float(cross_entropy_from_logits(self.forward_pass(X)[0][-1], Y))

    # ------------------------------------------------------------------ backward
    def gradients(self, X, Y):
        """∂C/∂W^l, ∂C/∂b^l (and ∂C/∂γ^l, ∂C/∂β^l with normalisation) by backpropagation.

        Returns
        -------
        dict with lists "W", "b" (shaped like ``weights`` and ``biases``), "gamma", "beta"
        (shaped like ``gammas`` and ``betas``, empty without normalisation) and "delta", the
        deltas Δ^l = ∂C/∂Z^l of layers 1 … L.
        """
        X = self._check_X(X)
        Y = self._check_Y(Y, X.shape[0])
        Zs, Ns, As = self.forward_pass(X)
        L = self.n_layers
        dW, db, deltas = [None] * L, [None] * L, [None] * L
        dgam, dbet = [None] * len(self.gammas), [None] * len(self.betas)
        delta = softmax_cross_entropy_delta(softmax(Zs[-1]), Y)        # chapter 07: (A − Y)/m
        for i in range(L - 1, -1, -1):
            deltas[i] = delta
            dW[i], db[i] = weight_gradient(delta, As[i]), bias_gradient(delta)   # eq-bp4, eq-bp3
            if i == 0:
                break
            df = self._act.df_from_output(As[i])                       # f′ at N(Z^{l−1})
            skip = self.skip and i < L - 1
            if self.norm:
                dN = hidden_delta(delta, self.weights[i], df)          # eq-bp2 up to N(Z^{l−1})
                branch, dgam[i - 1], dbet[i - 1] = _norm_backward(
                    dN, Zs[i - 1], self.gammas[i - 1], self.eps, NORMS[self.norm])
                delta = delta + branch if skip else branch
            elif skip:
                delta = residual_delta(delta, self.weights[i], df)     # eq-residual-backward
            else:
                delta = hidden_delta(delta, self.weights[i], df)       # eq-bp2
        return {"W": dW, "b": db, "gamma": dgam, "beta": dbet, "delta": deltas}

    def weight_gradient_norms(self, X, Y) -> np.ndarray:
        """Frobenius norms ‖∂C/∂W^l‖ of layers 1 … L; shape (L,)."""
        return np.array([np.linalg.norm(g) for g in self.gradients(X, Y)["W"]])

    # ------------------------------------------------------------------ parameters
    def _params(self):
        return [*self.weights, *self.biases, *self.gammas, *self.betas]

    def get_params(self) -> np.ndarray:
        """Every parameter as one float64 vector: W^1, b^1, …, W^L, b^L, then γ's and β's (a copy)."""
        extra = [np.concatenate([*self.gammas, *self.betas])] if self.norm else []
        return np.concatenate([flatten_params(self.weights, self.biases), *extra])

    def flat_gradients(self, X, Y) -> np.ndarray:
        """:meth:`gradients` in the order of :meth:`get_params`."""
        g = self.gradients(X, Y)
        extra = [np.concatenate([*g["gamma"], *g["beta"]])] if self.norm else []
        return np.concatenate([flatten_params(g["W"], g["b"]), *extra])

    def set_params(self, theta) -> None:
        """Load a vector of :meth:`get_params` (in place)."""
        theta = np.asarray(as_float_array(theta, "theta"), dtype=np.float64)  # NaN/inf rejected
        n = sum(p.size for p in self._params())
        if theta.shape != (n,):
            raise ValueError(f"theta: expected shape ({n},), got {theta.shape}")
        pos = 0
        for W, b in zip(self.weights, self.biases):
            W[...] = theta[pos:pos + W.size].reshape(W.shape)
            pos += W.size
            b[...] = theta[pos:pos + b.size]
            pos += b.size
        for p in [*self.gammas, *self.betas]:
            p[...] = theta[pos:pos + p.size]
            pos += p.size

    def copy(self) -> "ResidualMLP":
        """An independent copy."""
        new = object.__new__(ResidualMLP)
        new.__dict__.update(self.__dict__)
        for name in ("weights", "biases", "gammas", "betas"):
            setattr(new, name, [p.copy() for p in getattr(self, name)])
        return new

    def loss_at(self, theta, X, Y) -> float:
        """Cost with parameters ``theta`` (for gradient checks); the network is not modified."""
        other = self.copy()
        other.set_params(theta)
        return other.loss(X, Y)

    # ------------------------------------------------------------------ training
    def update(self, grads, lr: float) -> None:
        """Gradient-descent step in place: every parameter p ← p − lr ∂C/∂p."""
        lr = positive_number(lr, "lr")
        if not isinstance(grads, dict):
            raise TypeError(f"grads: expected the dict that gradients() returns, got {type(grads).__name__}")
        checked = {}   # every array checked before any parameter changes; lists become arrays
        for name, params in (("W", self.weights), ("b", self.biases), ("gamma", self.gammas), ("beta", self.betas)):
            given = grads.get(name, [])   # "gamma" and "beta" may be left out without normalisation
            if len(given) != len(params):
                raise ValueError(f"grads[{name!r}]: expected {len(params)} arrays, got {len(given)}")
            checked[name] = [as_float_array(g, f"grads[{name!r}][{i}]")
                             for i, g in enumerate(given)]
            for i, (p, g) in enumerate(zip(params, checked[name])):
                if g.shape != p.shape:
                    raise ValueError(f"grads[{name!r}][{i}]: expected shape {p.shape}, got shape {g.shape}")
        self._step(checked, lr)

    def _step(self, grads, lr: float) -> None:
        # the unchecked step of train(), which may meet non-finite gradients and stops after the epoch
        for name, params in (("W", self.weights), ("b", self.biases), ("gamma", self.gammas), ("beta", self.betas)):
            for p, g in zip(params, grads[name]):
                p -= lr * g

    def train(self, X, Y, lr: float, epochs: int, batch_size: int = 32, seed: int = 0,
              decay: bool = True) -> np.ndarray:
        """Mini-batch gradient descent in place, reshuffled every epoch by ``default_rng(seed)``.

        With ``decay`` the learning rate falls linearly over the epochs, lr (1 − (e − 1)/epochs) in
        epoch e = 1 … epochs, so that the last epochs take small, steadying steps.

        Returns
        -------
        ndarray, shape (epochs + 1,): the cost on all of (X, Y) before training and after each epoch
        (NaN from the first epoch whose cost is not finite; training stops there).
        """
        lr = positive_number(lr, "lr")
        epochs = positive_int(epochs, "epochs")
        batch_size = positive_int(batch_size, "batch_size")
        X = self._check_X(X)
        Y = self._check_Y(Y, X.shape[0])
        rng = np.random.default_rng(seed)
        costs = np.full(epochs + 1, np.nan)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            costs[0] = self.loss(X, Y)
            for epoch in range(1, epochs + 1):
                step = lr * (1.0 - (epoch - 1) / epochs) if decay else lr
                for idx in minibatches(X.shape[0], batch_size, rng):
                    if self.norm == "batch" and len(idx) < 2:
                        continue                                   # batch norm needs two rows
                    self._step(self.gradients(X[idx], Y[idx]), step)
                if not all(np.isfinite(p).all() for p in self._params()):
                    break
                Z = self.forward_pass(X)[0][-1]
                cost = cross_entropy_from_logits(Z, Y) if np.isfinite(Z).all() else np.nan
                if not np.isfinite(cost):
                    break                               # finite parameters, overflowing logits
                costs[epoch] = cost
        return costs

    def __repr__(self) -> str:
        return (f"ResidualMLP(sizes={self.sizes}, hidden={self.hidden!r}, skip={self.skip}, "
                f"norm={self.norm!r})")

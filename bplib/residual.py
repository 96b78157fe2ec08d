"""Residual connections: a block x + F(x), its Jacobian I + F′, and a deep residual MLP (chapter 14).

- :func:`residual_block_jacobian` (eq-residual-jacobian): ∂(h + f(h Wᵀ + b))/∂h = I + diag(f′(z)) W.
- :func:`residual_input_gradient` (eq-residual-backward): the batch form of the same rule,
  ∂C/∂H^{l−1} = ∂C/∂H^l + Δ^l W^l: the identity path adds the upstream gradient unchanged.
- :class:`ResidualMLP`: a classifier of L weight layers, an input layer, L − 2 hidden blocks of
  equal width and a softmax output layer; each block is plain, h ↦ f(N(h Wᵀ + b)), or residual,
  h ↦ h + f(N(h Wᵀ + b)), with N an optional batch or layer normalisation.  Its backward pass is
  built from the four equations of :mod:`bplib.equations`, chapter 07's fused softmax +
  cross-entropy delta and the backward passes of :mod:`bplib.normalisation`.  Without skips and
  normalisation it is exactly :class:`bplib.MLP` with hidden layers of one width.

Layers are numbered as in the book: layer l = 1 … L has weights ``net.weights[l-1]``.
"""
from __future__ import annotations

import numpy as np

from ._validate import as_matrix, lookup, positive_int, positive_number
from .activations import get_activation, softmax
from .equations import bias_gradient, output_delta, weight_gradient
from .losses import cross_entropy_from_logits, softmax_cross_entropy_delta
from .mlp import MLP, flatten_params
from .normalisation import batch_norm, batch_norm_backward, layer_norm, layer_norm_backward
from .registry import implements
from .training import minibatches

__all__ = ["residual_block_jacobian", "residual_input_gradient", "ResidualMLP", "NORMS"]

#: normalisation name -> (forward, backward); None means no normalisation.
NORMS = {None: None, "batch": (batch_norm, batch_norm_backward), "layer": (layer_norm, layer_norm_backward)}


@implements("eq-residual-jacobian", chapter="14_normalisation_and_residuals")
def residual_block_jacobian(h, W, b, hidden: str = "tanh"):
    """Jacobian of one residual block y = h + f(W h + b) at one example  (eq-residual-jacobian, chapter 14).

    ∂y/∂h = I + diag(f′(z)) W with z = W h + b: the identity from the skip plus the block's own
    Jacobian F′.

    Parameters
    ----------
    h : ndarray, shape (1, n)
        One example, as a row.
    W : ndarray, shape (n, n)
    b : ndarray, shape (n,)
    hidden : str
        Activation f ("sigmoid", "tanh", "relu", "leaky_relu", "identity").

    Returns
    -------
    ndarray, shape (n, n); entry (j, k) is ∂y_j/∂h_k.

    Examples
    --------
    >>> residual_block_jacobian(np.zeros((1, 2)), np.array([[1.0, 2.0], [0.0, 1.0]]), np.zeros(2)).tolist()
    [[2.0, 2.0], [0.0, 2.0]]
    """
    h = as_matrix(h, "h", rows=1)
    n = h.shape[1]
    W = as_matrix(W, "W", rows=n, cols=n)
    b = np.asarray(b, dtype=np.float64)
    if b.shape != (n,):
        raise ValueError(f"b: expected shape ({n},), got shape {b.shape}")
    act = get_activation(hidden)
    z = h[0] @ W.T + b
    return np.eye(n) + act.df(z)[:, None] * W


@implements("eq-residual-backward", chapter="14_normalisation_and_residuals")
def residual_input_gradient(grad_out, delta, W):
    """Gradient at the input of a residual block, ∂C/∂H^{l−1} = ∂C/∂H^l + Δ^l W^l
    (eq-residual-backward, chapter 14).

    The first term is the identity path; the second is the path through the block's weights,
    eq-bp2 without its factor f′ (that factor is already inside Δ^l = ∂C/∂Z^l).

    Parameters
    ----------
    grad_out : ndarray, shape (m, n)
        ∂C/∂H^l, the gradient at the block's output.
    delta : ndarray, shape (m, n)
        Δ^l, the gradient at the block's pre-activation (linear output) U^l = H^{l−1} (W^l)ᵀ + b^l.
    W : ndarray, shape (n, n)

    Returns
    -------
    ndarray, shape (m, n)

    Examples
    --------
    >>> residual_input_gradient(np.ones((1, 2)), np.array([[1.0, 0.0]]), np.array([[2.0, 3.0], [0.0, 0.0]])).tolist()
    [[3.0, 4.0]]
    """
    grad_out = as_matrix(grad_out, "grad_out")
    delta = as_matrix(delta, "delta")
    W = as_matrix(W, "W")
    if delta.shape[0] != grad_out.shape[0] or W.shape != (delta.shape[1], grad_out.shape[1]):
        raise ValueError(f"grad_out, delta and W: expected shapes (m, n), (m, k), (k, n), got grad_out "
                         f"{grad_out.shape}, delta {delta.shape} and W {W.shape}")
    return grad_out + delta @ W


class ResidualMLP:
    """A deep classifier with hidden layers of one width, optionally residual and normalised.

    Layer 1 maps the input to ``width`` units, H^1 = f(N(X (W^1)ᵀ + b^1)); layers l = 2 … L−1 are
    blocks, H^l = H^{l−1} + f(N(U^l)) with U^l = H^{l−1} (W^l)ᵀ + b^l when ``skip`` (residual), or
    H^l = f(N(U^l)) without; layer L is a softmax output trained with cross-entropy.
    N is the identity (``norm=None``), :func:`bplib.batch_norm` or :func:`bplib.layer_norm` with
    its own γ^l, β^l (initially 1 and 0) in every hidden layer.

    Parameters
    ----------
    n_in, width, n_out : int ≥ 1
    n_blocks : int ≥ 0
        Hidden blocks between the input layer and the output layer: L = n_blocks + 2 weight layers.
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

    def __init__(self, n_in: int, width: int, n_blocks: int, n_out: int, hidden: str = "tanh",
                 skip: bool = True, norm=None, init="xavier", seed: int = 0, eps: float = 1e-5):
        n_in, width, n_out = (positive_int(v, name) for v, name in ((n_in, "n_in"), (width, "width"), (n_out, "n_out")))
        if isinstance(n_blocks, bool) or not isinstance(n_blocks, (int, np.integer)) or n_blocks < 0:
            raise ValueError(f"n_blocks: must be an integer ≥ 0, got {n_blocks!r}")
        if n_out < 2:
            raise ValueError(f"n_out: a softmax output needs at least 2 units, got {n_out}")
        lookup(NORMS, norm, "norm")
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
        return as_matrix(X, "X", cols=self.sizes[0])

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
        Hs : list of L ndarray: Hs[0] = X (m, n_in), Hs[l] = H^l (m, width) for l = 1 … L−1
        Us : list of L ndarray: Us[l−1] = U^l, the linear outputs (Us[-1] are the logits, (m, n_out))
        Zs : list of L−1 ndarray: Zs[l−1] = N(U^l), what the activation is applied to
        """
        X = self._check_X(X)
        Hs, Us, Zs = [X], [], []
        last = self.n_layers - 1
        for i, (W, b) in enumerate(zip(self.weights, self.biases)):
            U = Hs[-1] @ W.T + b
            Us.append(U)
            if i == last:
                break
            Z = NORMS[self.norm][0](U, self.gammas[i], self.betas[i], self.eps) if self.norm else U
            Zs.append(Z)
            A = self._act.f(Z)
            Hs.append(Hs[-1] + A if (self.skip and i > 0) else A)
        return Hs, Us, Zs

    def forward(self, X):
        """Class probabilities, shape (m, n_out).  With batch normalisation X is one batch."""
        return softmax(self.forward_pass(X)[1][-1])

    def predict(self, X):
        """Predicted class per row, shape (m,)."""
        return self.forward_pass(X)[1][-1].argmax(axis=1)

    def loss(self, X, Y) -> float:
        """Mean cross-entropy C over the batch; Y one-hot, shape (m, n_out)."""
        X = self._check_X(X)
        Y = self._check_Y(Y, X.shape[0])
        return float(cross_entropy_from_logits(self.forward_pass(X)[1][-1], Y))

    # ------------------------------------------------------------------ backward
    def gradients(self, X, Y):
        """∂C/∂W^l, ∂C/∂b^l (and ∂C/∂γ^l, ∂C/∂β^l with normalisation) by backpropagation.

        Returns
        -------
        dict with lists "W", "b" (shaped like ``weights`` and ``biases``), "gamma", "beta"
        (shaped like ``gammas`` and ``betas``, empty without normalisation) and "H", where
        "H"[l−1] = ∂C/∂H^l for l = 1 … L−1 (the gradient reaching each hidden layer's output).
        """
        X = self._check_X(X)
        Y = self._check_Y(Y, X.shape[0])
        Hs, Us, Zs = self.forward_pass(X)
        L = self.n_layers
        dW, db = [None] * L, [None] * L
        dgam, dbet = [None] * len(self.gammas), [None] * len(self.betas)
        dH = [None] * (L - 1)
        delta = softmax_cross_entropy_delta(softmax(Us[-1]), Y)        # chapter 07: (A − Y)/m
        dW[-1], db[-1] = weight_gradient(delta, Hs[-1]), bias_gradient(delta)   # eq-bp4, eq-bp3
        G = delta @ self.weights[-1]                                   # ∂C/∂H^{L−1}
        for i in range(L - 2, -1, -1):
            dH[i] = G
            A = self._act.f(Zs[i])
            dZ = output_delta(G, self._act.df_from_output(A))         # G ⊙ f′(Z), as eq-bp1
            if self.norm:
                delta, dgam[i], dbet[i] = NORMS[self.norm][1](dZ, Us[i], self.gammas[i], self.betas[i], self.eps)
            else:
                delta = dZ                                             # Δ^l = ∂C/∂U^l
            dW[i], db[i] = weight_gradient(delta, Hs[i]), bias_gradient(delta)   # eq-bp4, eq-bp3
            if i > 0:
                G = residual_input_gradient(G, delta, self.weights[i]) if self.skip else delta @ self.weights[i]
        return {"W": dW, "b": db, "gamma": dgam, "beta": dbet, "H": dH}

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
        theta = np.asarray(theta, dtype=np.float64)
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
        for name, params in (("W", self.weights), ("b", self.biases), ("gamma", self.gammas), ("beta", self.betas)):
            for p, g in zip(params, grads[name]):
                p -= lr * g

    def train(self, X, Y, lr: float, epochs: int, batch_size: int = 32, seed: int = 0) -> np.ndarray:
        """Mini-batch gradient descent in place, reshuffled every epoch by ``default_rng(seed)``.

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
                for idx in minibatches(X.shape[0], batch_size, rng):
                    if self.norm == "batch" and len(idx) < 2:
                        continue                                   # batch norm needs two rows
                    self.update(self.gradients(X[idx], Y[idx]), lr)
                if not all(np.isfinite(p).all() for p in self._params()):
                    break
                costs[epoch] = self.loss(X, Y)
        return costs

    def __repr__(self) -> str:
        return (f"ResidualMLP(sizes={self.sizes}, hidden={self.hidden!r}, skip={self.skip}, "
                f"norm={self.norm!r})")

#!/usr/bin/env python
"""Time one epoch of mini-batch SGD: bplib, a bare numpy loop and PyTorch (CPU).

Every implementation trains the same architecture from the same initial weights on the same
batches in the same dtype with the same number of BLAS threads, each in its own process.  The
parent process runs the workers in interleaved rounds (the order rotates every round, so that a
burst of load on a shared machine hits every implementation alike) and reports, per
implementation, the median epoch time over all rounds with its interquartile range.

Cases
-----
(a) the book's digits network: 64-32-10, sigmoid hidden, softmax + cross-entropy,
    batch 32, float64, scikit-learn's digits (training split of ``bplib.digits_split``).
(b) an MNIST-sized network: 784-256-256-10, ReLU hidden, softmax + cross-entropy,
    batch 128, float32, synthetic data (N(0, 1) pixels, labels from a random linear teacher).
(c) bplib against per-example loops in the style of seed 001 (full-batch gradient descent,
    sigmoid + squared error, one update per epoch) on the half adder and on the digits.
(d) bplib's achieved GFLOP/s on (b) against numpy's float32 matrix-multiply peak measured on
    this machine with the same thread count.

Besides timing, the parent checks that every implementation has the same parameters as bplib
(to rounding) after the warm-up epoch, so that the comparison is between equal computations; it
exits with status 1 if they disagree.

Usage (from the repository root; benchmarks/README.md has the results and the machine)::

    python benchmarks/run.py --rounds 9      # full run: needs PyTorch (pip install torch)
    python benchmarks/run.py --threads 2     # two BLAS / PyTorch threads per worker
    python benchmarks/run.py --openblas-coretype auto   # let OpenBLAS pick its kernels
    python benchmarks/run.py --quick         # CI smoke run: small, no PyTorch, ~7 s

The last lines printed are ``ratio bplib/torch (case): X`` and ``ratio bplib/numpy (case): X``.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.abspath(__file__)

# ---------------------------------------------------------------------------------------------
# The problems.  The parent builds each case's data once and hands the same file to every worker.
# ---------------------------------------------------------------------------------------------
CASES = {
    "a": dict(title="digits 64-32-10, batch 32, float64", sizes=[64, 32, 10], hidden="sigmoid",
              output="softmax", loss="cross_entropy", batch=32, dtype="float64", data="digits",
              lr=0.5),
    "b": dict(title="784-256-256-10, batch 128, float32", sizes=[784, 256, 256, 10],
              hidden="relu", output="softmax", loss="cross_entropy", batch=128, dtype="float32",
              data="synthetic", m=8192, lr=0.05),
    "c-half-adder": dict(title="half adder 2-2-2-2, full batch (m = 4), float64",
                         sizes=[2, 2, 2, 2], hidden="sigmoid", output="sigmoid", loss="mse",
                         batch=None, dtype="float64", data="half_adder", lr=0.5),
    "c-digits": dict(title="digits 64-32-10 sigmoid + MSE, full batch (m = 1347), float64",
                     sizes=[64, 32, 10], hidden="sigmoid", output="sigmoid", loss="mse",
                     batch=None, dtype="float64", data="digits", lr=0.5),
}
QUICK_M = {"b": 1024}  # --quick uses fewer synthetic examples for (b)


def make_data(case, quick=False):
    """X (m, n_0), one-hot or target Y (m, n_L) and integer labels (or None), in the case's dtype."""
    dtype = np.dtype(case["dtype"])
    if case["data"] == "digits":
        from bplib.datasets import digits_split  # data only: the same arrays the book uses
        X, _, labels, _ = digits_split()
        Y = np.eye(10)[labels]
    elif case["data"] == "half_adder":
        from bplib.datasets import half_adder
        X, Y = half_adder()
        labels = None
    else:
        rng = np.random.default_rng(1)
        m = QUICK_M["b"] if quick else case["m"]
        X = rng.standard_normal((m, case["sizes"][0]))
        teacher = rng.standard_normal((case["sizes"][0], case["sizes"][-1]))
        labels = (X @ teacher).argmax(axis=1)
        Y = np.eye(case["sizes"][-1])[labels]
    if case["batch"] is not None:  # shuffle once; every epoch then uses the same batches
        order = np.random.default_rng(2).permutation(X.shape[0])
        X, Y = X[order], Y[order]
        labels = labels[order] if labels is not None else None
    X = np.ascontiguousarray(X, dtype=dtype)
    Y = np.ascontiguousarray(Y, dtype=dtype)
    return X, Y, labels


def initial_params(case):
    """Xavier-normal weights of shape (n_out, n_in) from default_rng(0) (bplib's default), zero biases."""
    dtype = np.dtype(case["dtype"])
    rng = np.random.default_rng(0)
    sizes = case["sizes"]
    Ws = [(rng.standard_normal((n_out, n_in)) * np.sqrt(2.0 / (n_in + n_out))).astype(dtype)
          for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    bs = [np.zeros(n_out, dtype=dtype) for n_out in sizes[1:]]
    return Ws, bs


def batch_slices(m, batch):
    if batch is None:
        return [slice(0, m)]
    return [slice(i, min(i + batch, m)) for i in range(0, m, batch)]


def epoch_flops(case, m):
    """Multiply-add FLOPs (2 per multiply-add) of the matrix products of one epoch.

    Forward Z = A Wᵀ and weight gradients Δᵀ A for every layer, hidden deltas Δ W for every
    layer but the first (no delta is needed for the input).  Elementwise work is not counted.
    """
    sizes = case["sizes"]
    macs = [n_in * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    return 2.0 * m * (2 * sum(macs) + sum(macs[1:]))


# ---------------------------------------------------------------------------------------------
# Workers: each loads its problem, runs one warm-up epoch, writes its parameters at that point to
# ``out`` (an .npz) for the parent's equality check, then times ``epochs`` epochs.
# ---------------------------------------------------------------------------------------------
def worker_bplib(case, X, Y, labels, epochs, out):
    import bplib as bp

    net = bp.MLP(case["sizes"], hidden=case["hidden"], output=case["output"], loss=case["loss"],
                 dtype=np.dtype(case["dtype"]), seed=0)
    Ws, bs = initial_params(case)
    for W, W0, b, b0 in zip(net.weights, Ws, net.biases, bs):
        W[...] = W0
        b[...] = b0
    lr = case["lr"]
    batches = [(X[s], Y[s]) for s in batch_slices(X.shape[0], case["batch"])]

    def epoch():
        for Xb, Yb in batches:
            dWs, dbs = net.gradients(Xb, Yb)     # forward pass + backpropagation
            net.update(dWs, dbs, lr)             # W ← W − η ∂C/∂W, b ← b − η ∂C/∂b

    times = timed(epoch, epochs, after_warmup=lambda: save(out, net.weights, net.biases))
    return times


def worker_bplib_train(case, X, Y, labels, epochs, out):
    """One call of bplib.train over 1 + ``epochs`` epochs, timed per epoch from inside.

    A ``track`` callable records the clock after every epoch, so each epoch's time includes what
    train adds to the (gradients, update) loop: slicing the batches out of X and Y, and the cost
    on all of X that it records in its History after every epoch.
    """
    import bplib as bp

    net = bp.MLP(case["sizes"], hidden=case["hidden"], output=case["output"], loss=case["loss"],
                 dtype=np.dtype(case["dtype"]), seed=0)
    Ws, bs = initial_params(case)
    for W, W0, b, b0 in zip(net.weights, Ws, net.biases, bs):
        W[...] = W0
        b[...] = b0
    clock = []

    def tick(net):  # called by train before the first epoch and after every epoch
        clock.append(time.perf_counter())
        if len(clock) == 2:  # after the warm-up epoch: the parameters for the equality check
            save(out, net.weights, net.biases)
        return 0.0

    bp.train(net, X, Y, lr=case["lr"], epochs=1 + epochs, batch_size=case["batch"], shuffle=False,
             track={"clock": tick})
    return list(np.diff(clock)[1:])  # epoch times, without the warm-up epoch


class BareNumpy:
    """The fastest mini-batch SGD step numpy allows: every buffer allocated once, ufuncs with out=.

    Same mathematics as bplib: Z = A Wᵀ + b, sigmoid or ReLU hidden units, softmax output with
    the fused cross-entropy delta (A − Y)/m, or a sigmoid output with squared error.
    """

    def __init__(self, case, Ws, bs, batch_sizes):
        self.case, self.Ws, self.bs = case, Ws, bs
        dtype = Ws[0].dtype
        sizes = case["sizes"]
        self.buf = {}
        for m in set(batch_sizes):
            self.buf[m] = dict(
                Z=[np.empty((m, n), dtype) for n in sizes[1:]],
                A=[np.empty((m, n), dtype) for n in sizes[1:]],
                D=[np.empty((m, n), dtype) for n in sizes[1:]],
                T=[np.empty((m, n), dtype) for n in sizes[1:]],
                mask=[np.empty((m, n), bool) for n in sizes[1:]],
                rowmax=np.empty((m, 1), dtype), rowsum=np.empty((m, 1), dtype))
        self.dW = [np.empty_like(W) for W in Ws]
        self.db = [np.empty_like(b) for b in bs]

    def step(self, X, Y, lr):
        m = X.shape[0]
        B = self.buf[m]
        Z, A, D, T, mask = B["Z"], B["A"], B["D"], B["T"], B["mask"]
        Ws, bs, dW, db = self.Ws, self.bs, self.dW, self.db
        L = len(Ws)
        hidden, output = self.case["hidden"], self.case["output"]
        prev = X
        for i in range(L):                                   # forward
            np.matmul(prev, Ws[i].T, out=Z[i])
            Z[i] += bs[i]
            kind = output if i == L - 1 else hidden
            if kind == "relu":
                np.maximum(Z[i], 0, out=A[i])
            elif kind == "sigmoid":                          # 1/(1+e^{-z}); e^{-z} may overflow to inf
                np.negative(Z[i], out=A[i])
                np.exp(A[i], out=A[i])
                A[i] += 1
                np.reciprocal(A[i], out=A[i])
            else:                                            # softmax, max-shifted
                np.max(Z[i], axis=1, keepdims=True, out=B["rowmax"])
                np.subtract(Z[i], B["rowmax"], out=A[i])
                np.exp(A[i], out=A[i])
                np.sum(A[i], axis=1, keepdims=True, out=B["rowsum"])
                A[i] /= B["rowsum"]
            prev = A[i]
        np.subtract(A[-1], Y, out=D[-1])                      # output delta
        D[-1] *= 1.0 / m
        if output == "sigmoid":                              # squared error: ⊙ σ'(z) = a(1 − a)
            np.subtract(1, A[-1], out=T[-1])
            T[-1] *= A[-1]
            D[-1] *= T[-1]
        for i in range(L - 1, -1, -1):                       # backward
            np.matmul(D[i].T, X if i == 0 else A[i - 1], out=dW[i])
            np.sum(D[i], axis=0, out=db[i])
            if i > 0:
                np.matmul(D[i], Ws[i], out=D[i - 1])
                if hidden == "relu":
                    np.greater(A[i - 1], 0, out=mask[i - 1])
                    np.multiply(D[i - 1], mask[i - 1], out=D[i - 1])
                else:
                    np.subtract(1, A[i - 1], out=T[i - 1])
                    T[i - 1] *= A[i - 1]
                    D[i - 1] *= T[i - 1]
        for i in range(L):                                   # update, in place
            dW[i] *= lr
            Ws[i] -= dW[i]
            db[i] *= lr
            bs[i] -= db[i]


def worker_numpy(case, X, Y, labels, epochs, out):
    Ws, bs = initial_params(case)
    slices = batch_slices(X.shape[0], case["batch"])
    batches = [(X[s], Y[s]) for s in slices]
    net = BareNumpy(case, Ws, bs, [Xb.shape[0] for Xb, _ in batches])
    lr = case["lr"]

    def epoch():
        with np.errstate(over="ignore"):  # e^{-z} → inf gives σ = 0, which is right
            for Xb, Yb in batches:
                net.step(Xb, Yb, lr)

    times = timed(epoch, epochs, after_warmup=lambda: save(out, Ws, bs))
    return times


def worker_torch(case, X, Y, labels, epochs, out, threads):
    import torch

    torch.set_num_threads(threads)
    dtype = {"float32": torch.float32, "float64": torch.float64}[case["dtype"]]
    Ws, bs = initial_params(case)
    layers = []
    for i, (W, b) in enumerate(zip(Ws, bs)):
        lin = torch.nn.Linear(W.shape[1], W.shape[0], dtype=dtype)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(W))
            lin.bias.copy_(torch.from_numpy(b))
        layers.append(lin)
        if i < len(Ws) - 1:
            layers.append(torch.nn.Sigmoid() if case["hidden"] == "sigmoid" else torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    opt = torch.optim.SGD(model.parameters(), lr=case["lr"])
    loss_fn = torch.nn.CrossEntropyLoss()  # log-softmax + NLL, mean over the batch
    Xt, yt = torch.from_numpy(X), torch.from_numpy(labels)
    batches = [(Xt[s], yt[s]) for s in batch_slices(X.shape[0], case["batch"])]

    def epoch():
        for Xb, yb in batches:
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(Xb), yb)
            loss.backward()
            opt.step()

    lins = [layer for layer in model if isinstance(layer, torch.nn.Linear)]

    def save_params():
        save(out, [lin.weight.detach().numpy() for lin in lins], [lin.bias.detach().numpy() for lin in lins])

    times = timed(epoch, epochs, after_warmup=save_params)
    return times


def _sigmoid_vectorized(z):
    # seed 001 applies exp through np.vectorize, one Python call per element
    return 1 / (1 + np.vectorize(np.exp)(-z))


def _seed_style_forward(Ws, bs, x):
    a = x
    for W, b in zip(Ws, bs):
        a = _sigmoid_vectorized(np.dot(W, a) + b)
    return a


def worker_per_example_seed(case, X, Y, labels, epochs, out):
    """Per-example gradient accumulation as seed 001 writes it (its costs, our code).

    One example at a time as 1-D vectors; σ through np.vectorize; σ'(z) = σ(z)(1 − σ(z)) with σ
    evaluated twice; ∂C_x/∂a from a second forward pass; outer products summed, divided by m,
    one update per epoch.
    """
    Ws, bs = initial_params(case)
    lr, m, L = case["lr"], X.shape[0], len(Ws)

    def sigma_prime(z):
        return _sigmoid_vectorized(z) * (1 - _sigmoid_vectorized(z))

    def epoch():
        gW = [np.zeros_like(W) for W in Ws]
        gb = [np.zeros_like(b) for b in bs]
        for x, y in zip(X, Y):
            zs, acts = [], [x]
            for W, b in zip(Ws, bs):
                zs.append(np.dot(W, acts[-1]) + b)
                acts.append(_sigmoid_vectorized(zs[-1]))
            d = (_seed_style_forward(Ws, bs, x) - y) * sigma_prime(zs[-1])
            for i in range(L - 1, -1, -1):
                gW[i] += np.outer(d, acts[i])
                gb[i] += d
                if i > 0:
                    d = np.dot(Ws[i].T, d) * sigma_prime(zs[i - 1])
        for i in range(L):
            Ws[i] -= lr * gW[i] / m
            bs[i] -= lr * gb[i] / m

    times = timed(epoch, epochs, after_warmup=lambda: save(out, Ws, bs))
    return times


def worker_per_example_lean(case, X, Y, labels, epochs, out):
    """The same per-example loop without seed 001's extra costs: np.exp, σ' from the cached a."""
    Ws, bs = initial_params(case)
    lr, m, L = case["lr"], X.shape[0], len(Ws)

    def epoch():
        gW = [np.zeros_like(W) for W in Ws]
        gb = [np.zeros_like(b) for b in bs]
        for x, y in zip(X, Y):
            acts = [x]
            for W, b in zip(Ws, bs):
                acts.append(1 / (1 + np.exp(-(W @ acts[-1] + b))))
            a = acts[-1]
            d = (a - y) * a * (1 - a)
            for i in range(L - 1, -1, -1):
                gW[i] += np.outer(d, acts[i])
                gb[i] += d
                if i > 0:
                    a = acts[i]
                    d = (Ws[i].T @ d) * a * (1 - a)
        for i in range(L):
            Ws[i] -= lr * gW[i] / m
            bs[i] -= lr * gb[i] / m

    times = timed(epoch, epochs, after_warmup=lambda: save(out, Ws, bs))
    return times


def worker_peak(case, X, Y, labels, epochs, out, quick=False):
    """numpy matmul throughput in the case's dtype: a square product, and (b)'s own products."""
    dtype = np.dtype(case["dtype"])
    rng = np.random.default_rng(3)
    n = 512 if quick else 2048
    A = rng.standard_normal((n, n)).astype(dtype)
    B = rng.standard_normal((n, n)).astype(dtype)
    C = np.empty((n, n), dtype)
    square = timed(lambda: np.matmul(A, B, out=C), max(epochs, 5))
    # the products of one epoch of (b) alone, into preallocated outputs: the matmul-only floor
    # (fixed random inputs, so that no value feeds back into the next product)
    Ws, _ = initial_params(case)
    sizes, m_b = case["sizes"], case["batch"]
    acts = [rng.standard_normal((m_b, n)).astype(dtype) for n in sizes]
    deltas = [rng.standard_normal((m_b, n)).astype(dtype) for n in sizes]
    out_acts = [np.empty((m_b, n), dtype) for n in sizes]
    out_deltas = [np.empty((m_b, n), dtype) for n in sizes]
    dWs = [np.empty_like(W) for W in Ws]
    n_batches = X.shape[0] // m_b

    def products():
        for _ in range(n_batches):
            for i, W in enumerate(Ws):                       # Z = A Wᵀ
                np.matmul(acts[i], W.T, out=out_acts[i + 1])
            for i in range(len(Ws) - 1, -1, -1):
                np.matmul(deltas[i + 1].T, acts[i], out=dWs[i])  # Δᵀ A
                if i > 0:
                    np.matmul(deltas[i + 1], Ws[i], out=out_deltas[i])  # Δ W

    shaped = timed(products, epochs)
    return {"square_n": n, "square": square, "shaped": shaped,
            "shaped_flops": epoch_flops(case, n_batches * m_b)}


def timed(fn, epochs, warmup=1, after_warmup=None):
    """Run ``fn`` ``warmup`` times, call ``after_warmup``, then time ``epochs`` runs of ``fn``."""
    for _ in range(warmup):
        fn()
    if after_warmup is not None:
        after_warmup()
    times = []
    for _ in range(epochs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def save(path, Ws, bs):
    if path:
        np.savez(path, *[np.asarray(p, dtype=np.float64) for p in list(Ws) + list(bs)])


# Largest max|Δθ|/max|θ| between an implementation and bplib after the warm-up epoch that still
# counts as "the same computation, rounded differently".  In float32, summation orders that differ
# between BLAS libraries (OpenBLAS vs MKL) flip the odd ReLU near z = 0 and SGD carries that on:
# after (b)'s 64 steps torch and bplib differ by 3e-7 with OpenBLAS's AVX2 kernels and by up to
# 1e-3 with its AVX-512 kernels.  So the float32 check catches wrong formulas (a dropped ReLU
# derivative: 2e-2 after the 8 steps of --quick), the float64 checks also subtle slips (a bias
# gradient off by 1e-4 relative: 1.5e-5 in (a)).
TOLERANCE = {"float64": 1e-9, "float32": 5e-3}

# In a process that has imported little more than numpy, glibc's malloc hands the memory of a
# large full-batch forward cache back to the system when bplib's fresh arrays are freed, and
# page-faults it in again on the next call (~470 faults per call on the digits).  The second
# bplib row of case (c) runs the same code with malloc told to keep freed memory, which shows how
# much of its time is these faults.  (Mini-batch arrays are small and not affected.)
KEEP_MEMORY = {"MALLOC_TRIM_THRESHOLD_": str(256 << 20), "MALLOC_MMAP_THRESHOLD_": str(32 << 20)}
IMPL_ENV = {"bplib, malloc keeps memory": KEEP_MEMORY}
EXTRA_ENV = {}  # for every worker, from --openblas-coretype (None: remove the variable)

WORKERS = {"bplib": worker_bplib, "bplib, malloc keeps memory": worker_bplib, "bplib.train": worker_bplib_train, "numpy": worker_numpy,
           "torch": worker_torch, "per-example (seed 001)": worker_per_example_seed,
           "per-example (lean)": worker_per_example_lean, "peak": worker_peak}


def run_worker(args):
    case = CASES[args.case]
    with np.load(args.data) as data:  # written once by the parent: every worker gets the same arrays
        X, Y = data["X"], data["Y"]
        labels = data["labels"] if "labels" in data.files else None
    fn = WORKERS[args.impl]
    kwargs = {}
    if args.impl == "torch":
        kwargs["threads"] = args.threads
    if args.impl == "peak":
        kwargs["quick"] = args.quick
    result = fn(case, X, Y, labels, args.epochs, args.out, **kwargs)
    info = {"result": result, "blas_threads": blas_threads()}
    print(json.dumps(info))


def blas_threads():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    return sorted({(p["internal_api"], p["num_threads"], p.get("architecture") or "")
                   for p in threadpool_info()})


# ---------------------------------------------------------------------------------------------
# Parent: interleaved rounds of workers, the equality check, the report.
# ---------------------------------------------------------------------------------------------
THREAD_VARS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS",
               "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")


def spawn(case_name, impl, epochs, threads, quick, data, out=None):
    env = dict(os.environ)
    for var in THREAD_VARS:
        env[var] = str(threads)
    for var, value in {**EXTRA_ENV, **IMPL_ENV.get(impl, {})}.items():
        if value is None:
            env.pop(var, None)
        else:
            env[var] = value
    cmd = [sys.executable, HERE, "--worker", "--case", case_name, "--impl", impl,
           "--epochs", str(epochs), "--threads", str(threads), "--data", data]
    if quick:
        cmd.append("--quick")
    if out:
        cmd += ["--out", out]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"worker {impl} on case {case_name} failed (exit {proc.returncode})")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def measure(case_name, impls, rounds, epochs, threads, quick, tmp):
    """Interleaved rounds; returns {impl: [epoch times]} and {impl: final-params path}.

    ``epochs`` is a number of timed epochs per worker, or a dict impl -> number.
    """
    times = {impl: [] for impl in impls if impl != "peak"}
    params = {}
    X, Y, labels = make_data(CASES[case_name], quick=quick)
    data = os.path.join(tmp, f"{case_name}-data.npz")
    arrays = dict(X=X, Y=Y) if labels is None else dict(X=X, Y=Y, labels=labels)
    np.savez(data, **arrays)
    for r in range(rounds):
        order = impls[r % len(impls):] + impls[:r % len(impls)]
        for impl in order:
            out = None
            if r == 0:
                out = os.path.join(tmp, f"{case_name}-{impl.replace(' ', '_')}.npz")
                params[impl] = out
            n = epochs[impl] if isinstance(epochs, dict) else epochs
            info = spawn(case_name, impl, n, threads, quick, data, out)
            if impl == "peak":
                for key in ("square", "shaped"):
                    times.setdefault(f"peak {key}", []).extend(info["result"][key])
                times["_peak"] = info["result"]
                continue
            times[impl] += info["result"]
            if r == 0 and info.get("blas_threads"):
                times.setdefault("_threads", {})[impl] = info["blas_threads"]
    return times, params


def max_rel_diff(path_a, path_b):
    a, b = np.load(path_a), np.load(path_b)
    pa = np.concatenate([a[k].ravel() for k in a.files])
    pb = np.concatenate([b[k].ravel() for k in b.files])
    return float(np.max(np.abs(pa - pb)) / np.max(np.abs(pb)))


def stats(ts):
    ts = np.asarray(ts)
    q25, med, q75 = np.percentile(ts, [25, 50, 75])
    return med, q25, q75


def fmt_time(t):
    return f"{t * 1e3:9.3f} ms" if t < 10 else f"{t:9.3f} s "


def report(case_name, impls, times, params, medians, tol, n_batches=None, speedup=False):
    """Print one row per implementation; return False if one ended with other parameters."""
    ok = True
    head = f"    {'implementation':<28}{'median epoch':>13}{'interquartile range':>30}  {'n':>3}"
    head += f"  {'per batch':>10}" if n_batches else f"  {'vs bplib':>10}"
    print(head + "   max|Δθ|/max|θ| vs bplib")
    for impl in impls:
        med, q25, q75 = stats(times[impl])
        medians[(case_name, impl)] = med
        diff = max_rel_diff(params[impl], params["bplib"])
        same = diff <= tol
        ok &= same
        if n_batches:
            extra = f"{med / n_batches * 1e6:8.1f} µs"
        else:
            extra = f"{med / medians[(case_name, 'bplib')]:9.1f}x"
        print(f"    {impl:<28}{fmt_time(med):>13}   [{fmt_time(q25)}, {fmt_time(q75)}]  "
              f"{len(times[impl]):>3}  {extra}   {diff:.1e}"
              f"{'' if same else f' > {tol:g}: NOT THE SAME COMPUTATION'}")
    return ok


def machine_info():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    cfg = np.show_config(mode="dicts")
    blas = cfg["Build Dependencies"]["blas"]
    lines = [f"machine: {cpu}, {os.cpu_count()} logical CPUs, {platform.system()} {platform.release()}",
             f"python {platform.python_version()}, numpy {np.__version__} "
             f"(BLAS: {blas.get('name')} {blas.get('version')})"]
    try:
        load = os.getloadavg()
        lines.append(f"load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    except OSError:
        pass
    return lines


def torch_version():
    try:
        proc = subprocess.run([sys.executable, "-c", "import torch; print(torch.__version__)"],
                              capture_output=True, text=True)
    except OSError:
        return None
    return proc.stdout.strip() if proc.returncode == 0 else None


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true",
                   help="CI smoke run: fewer rounds and examples, no PyTorch")
    p.add_argument("--threads", type=int, default=1, help="BLAS / PyTorch threads per worker (default 1)")
    p.add_argument("--rounds", type=int, default=None, help="interleaved rounds (default 5, quick 1)")
    p.add_argument("--epochs", type=int, default=None,
                   help="timed epochs per worker after one warm-up epoch (default 3, quick 5)")
    p.add_argument("--no-torch", action="store_true", help="skip the PyTorch column")
    p.add_argument("--cases", default="a,b,c,d", help="comma-separated subset of a,b,c,d")
    p.add_argument("--openblas-coretype", default=None, metavar="NAME",
                   help="OPENBLAS_CORETYPE for every worker: a kernel family such as Haswell (AVX2) "
                        "or SkylakeX (AVX-512), or 'auto' to remove the variable and let OpenBLAS "
                        "detect the CPU; default: the environment's setting")
    # internal: one worker process
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--case", help=argparse.SUPPRESS)
    p.add_argument("--impl", help=argparse.SUPPRESS)
    p.add_argument("--out", help=argparse.SUPPRESS)
    p.add_argument("--data", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.worker:
        args.epochs = args.epochs or 3
        return run_worker(args)

    if args.openblas_coretype:
        auto = args.openblas_coretype.lower() == "auto"
        EXTRA_ENV["OPENBLAS_CORETYPE"] = None if auto else args.openblas_coretype
    rounds = args.rounds or (1 if args.quick else 5)
    epochs = args.epochs or (5 if args.quick else 3)
    wanted = set(args.cases.split(","))
    use_torch = not (args.quick or args.no_torch)
    tv = torch_version() if use_torch else None
    if use_torch and tv is None:
        print("PyTorch is not installed: skipping the torch column (pip install torch to include it)")
        use_torch = False
    if not use_torch:
        print("PyTorch column skipped" + (" (--quick never uses PyTorch)" if args.quick else ""))

    print("\n".join(machine_info()))
    if tv:
        print(f"torch {tv}")
    print(f"threads per worker: {args.threads} (OMP/MKL/OPENBLAS_NUM_THREADS"
          f"{' and torch.set_num_threads' if use_torch else ''}); "
          f"{rounds} interleaved round(s) x {epochs} timed epochs after 1 warm-up epoch"
          f"{'; quick mode' if args.quick else ''}")
    blas_env = {var: os.environ[var] for var in sorted(os.environ) if var.startswith("OPENBLAS_")
                and var != "OPENBLAS_NUM_THREADS"}
    for var, value in EXTRA_ENV.items():
        if value is None:
            blas_env.pop(var, None)
        else:
            blas_env[var] = value
    print(f"OpenBLAS settings in the workers' environment: "
          f"{' '.join(f'{k}={v}' for k, v in blas_env.items()) or 'none'}"
          f"{' (OPENBLAS_CORETYPE removed: OpenBLAS detects the CPU)' if EXTRA_ENV.get('OPENBLAS_CORETYPE', 0) is None else ''}")

    ok = True
    ratios, medians = {}, {}
    t_start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("a", "b"):
            if name not in wanted and not (name == "b" and "d" in wanted):
                continue
            case = CASES[name]
            impls = ["bplib", "numpy"] + (["torch"] if use_torch else [])
            if not args.quick:
                impls.append("bplib.train")
            if name == "b" and "d" in wanted:
                impls.append("peak")  # measured in the same interleaved rounds
            times, params = measure(name, impls, rounds, epochs, args.threads, args.quick, tmp)
            m = QUICK_M["b"] if (args.quick and name == "b") else (case.get("m") or 1347)
            n_batches = len(batch_slices(m, case["batch"]))
            print(f"\n({name}) {case['title']}, {case['hidden']} hidden, {case['output']} + "
                  f"{case['loss']}, {m} examples = {n_batches} batches per epoch")
            ok &= report(name, [i for i in impls if i != "peak"], times, params, medians,
                         tol=TOLERANCE[case["dtype"]], n_batches=n_batches)
            print(f"    BLAS (library, threads, kernels) seen in the bplib worker: "
                  f"{times['_threads'].get('bplib')}")
            ratios[name] = {other: medians[(name, "bplib")] / medians[(name, other)]
                            for other in ("numpy", "torch") if (name, other) in medians}
            if "bplib.train" in impls:
                extra = medians[(name, "bplib.train")] / medians[(name, "bplib")]
                print(f"    bplib.train epoch / (gradients, update) loop epoch: {extra:.2f}x (train also "
                      f"slices the batches and records the cost on all {m} examples every epoch)")
            if name == "b" and "d" in wanted:
                flops = epoch_flops(case, m)
                peak = times["_peak"]
                square = 2.0 * peak["square_n"] ** 3 / np.median(times["peak square"]) / 1e9
                shaped = peak["shaped_flops"] / np.median(times["peak shaped"]) / 1e9
                achieved = flops / medians[("b", "bplib")] / 1e9
                print(f"\n(d) throughput on (b), float32, {args.threads} thread(s): "
                      f"{flops / 1e9:.2f} GFLOP of matrix products per epoch")
                print(f"    numpy matmul peak, {peak['square_n']}x{peak['square_n']} square:"
                      f"{square:9.1f} GFLOP/s (median of {len(times['peak square'])})")
                print(f"    numpy matmul, (b)'s products alone:{shaped:9.1f} GFLOP/s "
                      f"(median of {len(times['peak shaped'])} epochs' worth)")
                for impl in ("bplib", "numpy", "torch"):
                    if ("b", impl) in medians:
                        g = flops / medians[("b", impl)] / 1e9
                        print(f"    {impl + ', one epoch of (b):':<35}{g:9.1f} GFLOP/s = {g / square:4.0%} of "
                              f"the square peak, {g / shaped:4.0%} of (b)'s products alone")
                ratios["d"] = achieved / square

        if "c" in wanted:
            for name in ("c-half-adder", "c-digits"):
                case = CASES[name]
                slow = name == "c-digits"  # the per-example loops take ~0.1 s per epoch here
                impls = ["bplib"] + (["bplib, malloc keeps memory"] if slow else []) + \
                    ["numpy", "per-example (seed 001)", "per-example (lean)"]
                # the per-example loops on the digits take ~0.13 s per epoch: fewer epochs for them
                n_epochs = {impl: (2 if slow and impl.startswith("per-example") else 4 * epochs)
                            for impl in impls}
                times, params = measure(name, impls, rounds, n_epochs, args.threads, args.quick, tmp)
                print(f"\n({name}) {case['title']}, sigmoid + MSE, one update per epoch")
                ok &= report(name, impls, times, params, medians, tol=1e-9, speedup=True)
                ratios[name] = {(mine, impl): medians[(name, impl)] / medians[(name, mine)]
                                for mine in impls if mine.startswith("bplib")
                                for impl in impls if impl.startswith("per-example")}

    print(f"\nbenchmark wall time: {time.perf_counter() - t_start:.1f} s")
    try:
        print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    except OSError:
        pass
    if not ok:
        print("ERROR: an implementation ended with different parameters than bplib (see above)")
    for name in ("c-half-adder", "c-digits"):
        if name in ratios:
            for (mine, impl), r in ratios[name].items():
                print(f"speed-up {mine} vs {impl} ({name}): {r:.1f}")
    if "d" in ratios:
        print(f"fraction of numpy matmul peak, bplib (b): {ratios['d']:.2f}")
    for name in ("a", "b"):
        if name in ratios:
            t = ratios[name].get("torch")
            print(f"ratio bplib/torch ({name}): " + (f"{t:.2f}" if t is not None else "skipped (no PyTorch)"))
            print(f"ratio bplib/numpy ({name}): {ratios[name]['numpy']:.2f}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

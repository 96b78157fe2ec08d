#!/usr/bin/env python
"""Time one forward + backward pass of a convolutional layer: bplib, bplib's loops, PyTorch (CPU).

The layer is the one chapter 12's small CNN trains: a batch of 32 digits of 8×8 pixels, 1 input
and 12 output channels, 3×3 kernels, stride 1, padding 1, float64 (case ``cnn``); a second case
with more channels (8 → 16) shows how the gap behaves when the matrix products grow (``wide``).
One step is ``Y = conv2d(X, W, b)`` followed by the gradients of ``sum(Y * G)`` with respect to
X, W and b for a fixed upstream gradient G:

- ``bplib``: ``bp.conv2d`` then ``bp.conv2d_backward`` (im2col, vectorised);
- ``loops``: ``bp.conv2d_loops`` then ``bp.conv2d_backward_loops`` (the chapter's readable loops);
- ``torch``: ``torch.nn.functional.conv2d`` then ``Y.backward(G)`` (autograd), same dtype.

Every implementation runs in its own process with one BLAS / PyTorch thread.  The parent runs the
workers in interleaved rounds (the order rotates every round, so that a burst of load on a
shared machine hits every implementation alike) and reports per implementation the median time
per step over all rounds, with the interquartile range.  Before timing it checks that PyTorch's
and the loops' outputs and gradients equal bplib's (relative error < 1e-12); it exits with
status 1 if they do not.

Usage (from the repository root; benchmarks/README.md has the results and the machine)::

    python benchmarks/conv.py --rounds 7      # full run: needs PyTorch (pip install torch)
    python benchmarks/conv.py --quick         # smoke run: no PyTorch, a few seconds

The last line printed is the one-line summary.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.abspath(__file__)

CASES = {
    "cnn": dict(title="chapter 12's layer: batch 32, 1 -> 12 channels, 8x8, 3x3, padding 1, float64",
                m=32, c_in=1, c_out=12, size=8, k=3, stride=1, padding=1),
    "wide": dict(title="batch 32, 8 -> 16 channels, 8x8, 3x3, padding 1, float64",
                 m=32, c_in=8, c_out=16, size=8, k=3, stride=1, padding=1),
}
TARGET_TORCH, TARGET_LOOPS = 3.0, 50.0


def problem(case):
    c = CASES[case]
    rng = np.random.default_rng(0)
    X = rng.random((c["m"], c["c_in"], c["size"], c["size"]))
    W = rng.normal(0.0, 0.3, size=(c["c_out"], c["c_in"], c["k"], c["k"]))
    b = rng.normal(size=c["c_out"])
    out = (c["size"] + 2 * c["padding"] - c["k"]) // c["stride"] + 1
    G = rng.normal(size=(c["m"], c["c_out"], out, out))
    return X, W, b, G, c["stride"], c["padding"]


# ---------------------------------------------------------------------------------------------
# Workers: one implementation, one case, one process.
# ---------------------------------------------------------------------------------------------
def make_step(impl, case):
    X, W, b, G, s, p = problem(case)
    if impl in ("bplib", "loops"):
        import bplib as bp

        forward, backward = ((bp.conv2d, bp.conv2d_backward) if impl == "bplib"
                             else (bp.conv2d_loops, bp.conv2d_backward_loops))

        def step():
            Y = forward(X, W, b, s, p)
            return (Y,) + tuple(backward(G, X, W, b, s, p))
        return step
    if impl == "torch":
        import torch
        import torch.nn.functional as F

        torch.set_num_threads(1)
        Xt, Wt, bt = (torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in (X, W, b))
        Gt = torch.tensor(G, dtype=torch.float64)

        def step():
            for t in (Xt, Wt, bt):
                t.grad = None
            Y = F.conv2d(Xt, Wt, bt, stride=s, padding=p)
            Y.backward(Gt)
            return Y.detach().numpy(), Xt.grad.numpy(), Wt.grad.numpy(), bt.grad.numpy()
        return step
    raise ValueError(f"impl: unknown implementation {impl!r}")


def worker(impl, case, seconds, out_path):
    step = make_step(impl, case)
    results = step()                                   # warm-up, and the values to compare
    np.savez(out_path + ".npz", *[np.asarray(r) for r in results])
    start = time.perf_counter()
    step()
    one = time.perf_counter() - start
    inner = max(1, int(0.02 / max(one, 1e-9)))         # calls per sample: about 20 ms of work
    samples = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(samples) < 3:
        start = time.perf_counter()
        for _ in range(inner):
            step()
        samples.append((time.perf_counter() - start) / inner)
    with open(out_path, "w") as f:
        json.dump({"impl": impl, "case": case, "samples": samples, "inner": inner}, f)


# ---------------------------------------------------------------------------------------------
# Parent: rounds of separate processes, correctness check, medians.
# ---------------------------------------------------------------------------------------------
def run_worker(impl, case, seconds, tmp):
    out = os.path.join(tmp, f"{impl}-{case}.json")
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    subprocess.run([sys.executable, HERE, "--worker", impl, "--case", case, "--seconds", str(seconds),
                    "--out", out], check=True, env=env)
    with open(out) as f:
        return json.load(f)["samples"], out + ".npz"


def relative_error(a, b):
    a, b = np.asarray(a, dtype=np.float64).ravel(), np.asarray(b, dtype=np.float64).ravel()
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


def fmt(seconds):
    return f"{seconds * 1e3:.2f} ms" if seconds >= 1e-3 else f"{seconds * 1e6:.0f} µs"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--seconds", type=float, default=1.0, help="timing per worker and round")
    parser.add_argument("--quick", action="store_true", help="2 short rounds, no PyTorch (CI smoke run)")
    parser.add_argument("--worker")
    parser.add_argument("--case", default="cnn")
    parser.add_argument("--out")
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker, args.case, args.seconds, args.out)
        return 0

    rounds, seconds = (2, 0.2) if args.quick else (args.rounds, args.seconds)
    try:
        import torch  # noqa: F401
        have_torch = not args.quick
    except ImportError:
        have_torch = False
        print("PyTorch is not installed: timing bplib and its loops only")
    plan = [("cnn", ["bplib", "loops"] + (["torch"] if have_torch else []))]
    if not args.quick:
        plan.append(("wide", ["bplib"] + (["torch"] if have_torch else [])))

    samples = {}
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        for case, impls in plan:
            print(f"case {case}: {CASES[case]['title']}", flush=True)
            for r in range(rounds):
                order = impls[r % len(impls):] + impls[:r % len(impls)]
                line = []
                for impl in order:
                    got, values = run_worker(impl, case, seconds, tmp)
                    samples.setdefault((case, impl), []).extend(got)
                    line.append(f"{impl} {fmt(float(np.median(got)))}")
                    if r == 0 and impl != "bplib":          # round 0 runs bplib first
                        ref = np.load(os.path.join(tmp, f"bplib-{case}.json.npz"))
                        theirs = np.load(values)
                        errors = [relative_error(ref[key], theirs[key]) for key in ref.files]
                        ok = max(errors) < 1e-12
                        failed |= not ok
                        print(f"  {impl} vs bplib: Y, dX, dW, db relative errors "
                              + ", ".join(f"{e:.1e}" for e in errors) + ("  ok" if ok else "  DISAGREE"), flush=True)
                print(f"  round {r + 1}/{rounds}: " + ", ".join(line), flush=True)

    print()
    print(f"{'case':<6} {'implementation':<15} {'median':>10} {'IQR':>21} {'samples':>8}")
    medians = {}
    for (case, impl), s in samples.items():
        q1, med, q3 = np.percentile(s, [25, 50, 75])
        medians[(case, impl)] = med
        print(f"{case:<6} {impl:<15} {fmt(med):>10} {fmt(q1) + ' - ' + fmt(q3):>21} {len(s):>8}")
    parts = []
    for case, _ in plan:
        if (case, "torch") in medians:
            ratio = medians[(case, "bplib")] / medians[(case, "torch")]
            print(f"ratio bplib/torch ({case}): {ratio:.2f}")
            if case == "cnn":
                parts.append(f"bplib/torch {ratio:.2f} (target <= {TARGET_TORCH:g}: "
                             f"{'met' if ratio <= TARGET_TORCH else 'MISSED'})")
    speedup = medians[("cnn", "loops")] / medians[("cnn", "bplib")]
    print(f"ratio loops/bplib (cnn): {speedup:.0f}")
    parts.append(f"loops/vectorised {speedup:.0f}x (target >= {TARGET_LOOPS:g}x: "
                 f"{'met' if speedup >= TARGET_LOOPS else 'MISSED'})")
    print(f"summary: conv2d forward+backward, chapter 12's layer, median of {rounds} rounds: bplib "
          f"{fmt(medians[('cnn', 'bplib')])}; " + "; ".join(parts)
          + ("; GRADIENTS DISAGREE" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Performance properties of bplib that can be tested without a stopwatch.

- float32 stays float32 end to end: every array that enters or leaves a step of the forward pass,
  of backpropagation, of the update and of ``train`` has the network's dtype (no silent upcast);
- no activation is computed twice: one ``gradients`` call evaluates each layer's activation once
  and its derivative once, from the stored output (never ``f'(z)``, which would recompute ``f``);
- the benchmark's quick mode (what CI runs) works without PyTorch, and nothing in bplib imports it.

Timings themselves are not asserted (the machines are shared); ``benchmarks/run.py`` measures them.
"""
import functools
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

import bplib as bp
import bplib.mlp

ROOT = pathlib.Path(__file__).resolve().parents[1]
HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu", "identity"]
OUTPUTS = [("sigmoid", "mse"), ("identity", "mse"), ("softmax", "mse"),
           ("softmax", "cross_entropy"), ("sigmoid", "binary_cross_entropy")]
# the functions of the backward pass that MLP calls, by the names it imports them under
MLP_STEPS = ["output_delta", "hidden_delta", "bias_gradient", "weight_gradient", "l2_gradient",
             "softmax", "softmax_backward", "softmax_cross_entropy_delta",
             "sigmoid_binary_cross_entropy_delta"]


def problem(sizes, output, loss, m=7, seed=3):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((m, sizes[0]))
    if loss == "cross_entropy":
        Y = bp.one_hot(rng.integers(0, sizes[-1], m), sizes[-1])
    else:
        Y = rng.uniform(0, 1, (m, sizes[-1]))
    return X, Y


class Spy:
    """Wraps a function; counts its calls and records the dtype of every array in or out."""

    def __init__(self, fn, log):
        self.fn, self.log, self.calls = fn, log, 0
        functools.update_wrapper(self, fn)

    def __call__(self, *args, **kwargs):
        self.calls += 1
        out = self.fn(*args, **kwargs)
        name = self.fn.__name__
        for arg in args:
            if isinstance(arg, np.ndarray):
                self.log.append((name, "in", arg.dtype))
        if isinstance(out, np.ndarray):
            self.log.append((name, "out", out.dtype))
        return out


def spy_on_activations(monkeypatch, log):
    """Replace every entry of ACTIVATIONS by spies (before an MLP is built, which looks them up)."""
    spies = {}
    for name, act in list(bp.ACTIVATIONS.items()):
        f, df, dfo = Spy(act.f, log), Spy(act.df, log), Spy(act.df_from_output, log)
        monkeypatch.setitem(bp.ACTIVATIONS, name, bp.Activation(name, f, df, dfo))
        spies[name] = (f, df, dfo)
    return spies


def spy_on_mlp_steps(monkeypatch, log):
    spies = {}
    for name in MLP_STEPS:
        spies[name] = Spy(getattr(bplib.mlp, name), log)
        monkeypatch.setattr(bplib.mlp, name, spies[name])
    return spies


# ------------------------------------------------------------------ float32 end to end
@pytest.mark.parametrize("output, loss", OUTPUTS)
@pytest.mark.parametrize("hidden", HIDDEN)
def test_float32_stays_float32_through_every_step(monkeypatch, hidden, output, loss):
    log = []
    spy_on_activations(monkeypatch, log)
    spy_on_mlp_steps(monkeypatch, log)
    net = bp.MLP([4, 5, 3, 2], hidden=hidden, output=output, loss=loss, l2=0.01,
                 dtype=np.float32, seed=0)
    X, Y = problem(net.sizes, output, loss)  # float64 data: the network casts it once, at entry
    Zs, As = net.forward_pass(X)
    dWs, dbs = net.gradients(X, Y)
    net.update(dWs, dbs, lr=np.float64(0.1))  # a float64 learning rate must not upcast either
    net.loss(X, Y)
    bp.train(net, X, Y, lr=0.1, epochs=2, batch_size=3)
    assert log, "the spies saw no call"
    upcast = sorted({entry for entry in log if entry[2] != np.float32})
    assert not upcast, f"arrays of another dtype than float32: {upcast}"
    for arr in Zs + As + dWs + dbs + net.weights + net.biases:
        assert arr.dtype == np.float32


def test_float32_update_is_float32_arithmetic():
    # a float64 learning rate (np.float64, e.g. from np.linspace) must not turn lr·dW into float64
    net = bp.MLP([20, 30, 10], hidden="tanh", dtype=np.float32, seed=0)
    X, Y = problem(net.sizes, "sigmoid", "mse", m=50)
    dWs, dbs = net.gradients(X, Y)
    before = [p.copy() for p in net.weights + net.biases]
    lr = np.float64(0.3)
    net.update(dWs, dbs, lr)
    for p, p0, dp in zip(net.weights + net.biases, before, dWs + dbs):
        # float32 arithmetic throughout; with lr·dp in float64, hundreds of entries round differently
        np.testing.assert_array_equal(p, p0 - np.float32(lr) * dp)


# ------------------------------------------------------------------ no activation computed twice
@pytest.mark.parametrize("output, loss", OUTPUTS)
@pytest.mark.parametrize("hidden", HIDDEN)
def test_one_gradients_call_computes_each_activation_once(monkeypatch, hidden, output, loss):
    acts = spy_on_activations(monkeypatch, [])
    steps = spy_on_mlp_steps(monkeypatch, [])
    sizes = [4, 5, 6, 3, 2]
    n_hidden = len(sizes) - 2
    net = bp.MLP(sizes, hidden=hidden, output=output, loss=loss, seed=0)
    X, Y = problem(sizes, output, loss)
    net.gradients(X, Y)

    f_calls = {name: spies[0].calls for name, spies in acts.items()}
    dfo_calls = {name: spies[2].calls for name, spies in acts.items()}
    expected_f = {name: n_hidden * (name == hidden) + (name == output) for name in acts}
    # the derivative is taken from the stored output: f'(z), which recomputes f, is never called
    expected_dfo = {name: n_hidden * (name == hidden)
                    + (name == output and loss == "mse") for name in acts}
    assert f_calls == expected_f
    assert dfo_calls == expected_dfo
    assert all(spies[1].calls == 0 for spies in acts.values())
    assert steps["softmax"].calls == (output == "softmax")
    assert steps["weight_gradient"].calls == steps["bias_gradient"].calls == len(sizes) - 1
    assert steps["hidden_delta"].calls == n_hidden


@pytest.mark.parametrize("output, loss", [("softmax", "cross_entropy"), ("sigmoid", "binary_cross_entropy")])
def test_fused_loss_starts_from_the_logits(monkeypatch, output, loss):
    # the fused costs are computed from Z^L (log-sum-exp), so the output activation is not needed
    acts = spy_on_activations(monkeypatch, [])
    steps = spy_on_mlp_steps(monkeypatch, [])
    net = bp.MLP([4, 5, 2], hidden="tanh", output=output, loss=loss, seed=0)
    X, Y = problem(net.sizes, output, loss)
    value = net.loss(X, Y)
    assert acts["tanh"][0].calls == 1
    assert steps["softmax"].calls == 0 and acts["sigmoid"][0].calls == 0
    A = net.forward(X)
    direct = bp.LOSSES[loss].value(A, Y)
    assert value == pytest.approx(direct, rel=1e-12)


# ------------------------------------------------------------------ the benchmark without PyTorch
@pytest.fixture
def no_torch(tmp_path):
    """An environment in which ``import torch`` fails (installed or not) and leaves a trace.

    A stub package first on PYTHONPATH creates the file ``env["TORCH_ATTEMPTED"]`` and raises
    ImportError, so a test sees both whether the code works without torch and whether it tried.
    """
    stub = tmp_path / "stub" / "torch"
    stub.mkdir(parents=True)
    (stub / "__init__.py").write_text(
        "import os, pathlib\n"
        "pathlib.Path(os.environ['TORCH_ATTEMPTED']).touch()\n"
        "raise ImportError('torch is blocked in this test')\n")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(stub.parent)] + [p for p in [env.get("PYTHONPATH")] if p])
    env["TORCH_ATTEMPTED"] = str(tmp_path / "torch-attempted")
    return env


def test_bplib_never_imports_torch(no_torch):
    code = ("import importlib, pkgutil, bplib\n"
            "for mod in pkgutil.walk_packages(bplib.__path__, 'bplib.'):\n"
            "    importlib.import_module(mod.name)\n"
            "import sys; assert 'torch' not in sys.modules\n")
    proc = subprocess.run([sys.executable, "-c", code], env=no_torch, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert not os.path.exists(no_torch["TORCH_ATTEMPTED"])


def test_benchmark_quick_mode_runs_without_torch(no_torch):
    cmd = [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--epochs", "1"]
    proc = subprocess.run(cmd, env=no_torch, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert "PyTorch column skipped (--quick never uses PyTorch)" in out
    assert not os.path.exists(no_torch["TORCH_ATTEMPTED"]), "quick mode tried to import torch"
    assert "NOT THE SAME COMPUTATION" not in out  # bplib and the bare numpy loop agree
    last = out.strip().splitlines()[-4:]
    assert last[0] == "ratio bplib/torch (a): skipped (no PyTorch)"
    assert last[1].startswith("ratio bplib/numpy (a): ") and float(last[1].split(": ")[1]) > 0
    assert last[2] == "ratio bplib/torch (b): skipped (no PyTorch)"
    assert last[3].startswith("ratio bplib/numpy (b): ") and float(last[3].split(": ")[1]) > 0
    for case in ("c-half-adder", "c-digits"):
        assert f"speed-up bplib vs per-example (seed 001) ({case}): " in out
    assert "fraction of numpy matmul peak, bplib (b): " in out

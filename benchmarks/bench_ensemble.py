"""Side-by-side benchmark of ensemble generation: initax against what users would write.

Every (workload, peer) pair runs in its own subprocess, so first-call time
(trace + compile + run) and peak memory are measured from a clean process.
In each subprocess:

1. first call: wall time of the first call, block_until_ready (trace, compile, run);
2. memory: the output is dropped, the kernel's peak-RSS mark is reset
   (``/proc/self/clear_refs``), the call runs again, and the peak RSS above the
   RSS just before the call is reported against the output's size.

Steady state is then measured side by side in one more process per workload:
every peer is built and warmed up, and the rounds are interleaved (round r
calls every peer once, the order rotated by r), so that load from other
processes on a shared machine hits all peers alike; the table reports the median over ``--rounds``. (Peers
that take seconds per call, the Python loops, get one round.)

Ratios are to the raw-PRNG limit: one ``jax.random.normal`` (threefry) of the
same element count. Usage::

    python benchmarks/bench_ensemble.py                 # full run, ~10 min on 2 cores
    python benchmarks/bench_ensemble.py --quick         # smaller workloads
    python benchmarks/bench_ensemble.py --json out.json

Peers that are not installed (flax, equinox, torch) are skipped and listed.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

WORKLOADS = {
    "mlp": {"dims": [784, 256, 256, 10], "n": 256},
    "tiny": {"dims": [3, 4, 2], "n": 100_000},
    "wide": {"dims": [8192, 8192], "n": 1},
    "depth8": {"dims": [256] * 9, "n": 1},
    "depth32": {"dims": [256] * 33, "n": 1},
    "depth128": {"dims": [256] * 129, "n": 1},
    "depth512": {"dims": [256] * 513, "n": 1},
}
QUICK = {
    "mlp": {"dims": [784, 256, 256, 10], "n": 32},
    "tiny": {"dims": [3, 4, 2], "n": 10_000},
    "wide": {"dims": [2048, 2048], "n": 1},
    "depth8": {"dims": [64] * 9, "n": 1},
    "depth128": {"dims": [64] * 129, "n": 1},
}
ENSEMBLE_PEERS = ["raw", "initax", "initax_chunk8", "jit_vmap", "flax", "equinox",
                  "numpy_loop", "numpy_batched", "torch_loop", "torch_batched"]
WIDE_PEERS = ["raw", "initax", "initax_flax", "jit_vmap", "flax", "numpy_batched",
              "torch_batched"]
DEPTH_PEERS = ["raw", "initax", "jit_loop"]
SLOW = {"numpy_loop", "torch_loop"}  # one timed round: they take seconds per call


# ----------------------------------------------------------------- peers


def n_elements(dims, n):
    return n * sum(dims[i] * dims[i + 1] + dims[i + 1] for i in range(len(dims) - 1))


def make_peer(peer, dims, n):
    """Return a zero-argument callable that generates the ensemble (He init)."""
    L = len(dims) - 1
    if peer.startswith(("raw", "initax", "jit", "flax", "equinox")):
        import jax
        import jax.numpy as jnp

        key = jax.random.key(0)
    if peer == "raw":
        f = jax.jit(lambda k: jax.random.normal(k, (n_elements(dims, n),)))
        return lambda: f(key)
    if peer.startswith("initax"):
        import initax

        if n == 1:
            layout = "flax" if peer == "initax_flax" else "seed"
            return lambda: initax.init(key, dims, "he", layout=layout)
        chunk = 8 if peer == "initax_chunk8" else None
        return lambda: initax.ensemble(key, n, dims, "he", chunk_size=chunk)
    if peer in ("jit_vmap", "jit_loop"):
        # The straightforward way: a Python loop over layers, one normal per layer.
        def init_one(k):
            ks = jax.random.split(k, L)
            out = {}
            for i in range(L):
                std = math.sqrt(2.0 / dims[i])
                out[f"W{i + 1}"] = jax.random.normal(ks[i], (dims[i + 1], dims[i])) * std
                out[f"b{i + 1}"] = jnp.zeros((dims[i + 1], 1))
            return out

        if n == 1:
            f = jax.jit(init_one)
            return lambda: f(key)
        f = jax.jit(jax.vmap(init_one))
        return lambda: f(jax.random.split(key, n))
    if peer == "flax":
        import flax.linen as nn

        class MLP(nn.Module):
            @nn.compact
            def __call__(self, x):
                for i, w in enumerate(dims[1:]):
                    x = nn.Dense(w, kernel_init=nn.initializers.he_normal())(x)
                    if i < L - 1:
                        x = nn.relu(x)
                return x

        model = MLP()
        x = jnp.zeros((1, dims[0]))
        if n == 1:
            f = jax.jit(model.init)
            return lambda: f(key, x)
        f = jax.jit(jax.vmap(model.init, in_axes=(0, None)))
        return lambda: f(jax.random.split(key, n), x)
    if peer == "equinox":
        import equinox as eqx

        widths = set(dims[1:-1])
        if len(widths) > 1:
            raise SystemExit("skip: eqx.nn.MLP needs equal hidden widths")
        width = dims[1] if L > 1 else dims[-1]

        def make(k):
            return eqx.nn.MLP(dims[0], dims[-1], width, L - 1, key=k)

        f = eqx.filter_jit(eqx.filter_vmap(make))
        return lambda: f(jax.random.split(key, n))
    if peer.startswith("numpy"):
        import numpy as np

        rng = np.random.default_rng(0)
        if peer == "numpy_loop":  # the classic recipe, once per member
            def loop():
                out = []
                for _ in range(n):
                    p = {}
                    for i in range(L):
                        p[f"W{i + 1}"] = np.random.randn(dims[i + 1], dims[i]) * np.sqrt(
                            2.0 / dims[i])
                        p[f"b{i + 1}"] = np.zeros((dims[i + 1], 1))
                    out.append(p)
                return out
            return loop

        def batched():
            out = {}
            for i in range(L):
                w = rng.standard_normal((n, dims[i + 1], dims[i]), dtype=np.float32)
                w *= np.float32(math.sqrt(2.0 / dims[i]))
                out[f"W{i + 1}"] = w
                out[f"b{i + 1}"] = np.zeros((n, dims[i + 1], 1), np.float32)
            return out
        return batched
    if peer.startswith("torch"):
        import torch

        torch.set_grad_enabled(False)
        if peer == "torch_loop":  # torch.func.stack_module_state over a loop of modules
            from torch.func import stack_module_state

            def loop():
                mods = []
                for _ in range(n):
                    layers = []
                    for i in range(L):
                        lin = torch.nn.Linear(dims[i], dims[i + 1])
                        torch.nn.init.kaiming_normal_(lin.weight, nonlinearity="relu")
                        torch.nn.init.zeros_(lin.bias)
                        layers.append(lin)
                    mods.append(torch.nn.Sequential(*layers))
                return stack_module_state(mods)[0]
            return loop

        def batched():
            out = {}
            for i in range(L):
                out[f"W{i + 1}"] = torch.randn(n, dims[i + 1], dims[i]) * math.sqrt(2.0 / dims[i])
                out[f"b{i + 1}"] = torch.zeros(n, dims[i + 1], 1)
            return out
        return batched
    raise SystemExit(f"unknown peer {peer}")


def block(out):
    try:
        import jax

        return jax.block_until_ready(out)
    except ImportError:
        return out


def nbytes(out):
    import jax  # tree utilities only: handles dicts, lists and equinox modules

    total = 0
    for x in jax.tree.leaves(out):
        if hasattr(x, "element_size"):  # torch
            total += x.element_size() * x.nelement()
        elif hasattr(x, "nbytes"):
            total += int(x.nbytes)
    return total


def _status(field):
    return int(re.search(rf"{field}:\s+(\d+)", Path("/proc/self/status").read_text()).group(1))


def _spec(workload):
    return (QUICK if os.environ.get("BENCH_QUICK") else WORKLOADS)[workload]


def steady_worker(workload, peers, rounds):
    """Interleaved steady-state rounds for every peer of a workload, in one process."""
    spec = _spec(workload)
    fns = {}
    for peer in peers:
        try:
            fns[peer] = make_peer(peer, spec["dims"], spec["n"])
            block(fns[peer]())  # compile / warm up
        except (ImportError, SystemExit):
            fns.pop(peer, None)
    times = {p: [] for p in fns}
    order = list(fns)
    for r in range(rounds):
        # rotate the order each round, so that no peer always runs first or last
        for peer in order[r % len(order):] + order[: r % len(order)]:
            fn = fns[peer]
            if peer in SLOW and r > 0:
                continue
            t0 = time.perf_counter()
            out = block(fn())
            times[peer].append(time.perf_counter() - t0)
            del out
    print(json.dumps({p: statistics.median(t) for p, t in times.items()}))


def worker(peer, workload, rounds):
    spec = _spec(workload)
    try:
        fn = make_peer(peer, spec["dims"], spec["n"])
    except ImportError as err:
        print(json.dumps({"skip": f"not installed: {err.name}"}))
        return
    t0 = time.perf_counter()
    out = block(fn())
    first = time.perf_counter() - t0
    size = nbytes(out)
    del out
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak-RSS mark
    base = _status("VmRSS")
    out = block(fn())
    peak = _status("VmHWM")
    del out
    gc.collect()
    times = []
    for _ in range(1 if peer in SLOW else rounds):
        t0 = time.perf_counter()
        out = block(fn())
        times.append(time.perf_counter() - t0)
        del out
    print(json.dumps({
        "first_call_s": first, "steady_s": statistics.median(times), "rounds": len(times),
        "output_bytes": size, "peak_above_base_bytes": (peak - base) * 1024,
    }))


# ------------------------------------------------------------- the driver


def versions():
    out = {"python": platform.python_version(), "machine": platform.machine(),
           "cpus": os.cpu_count(), "processor": platform.processor() or "?"}
    for mod in ("jax", "jaxlib", "flax", "equinox", "numpy", "torch"):
        try:
            out[mod] = __import__(mod).__version__
        except ImportError:
            out[mod] = None
    try:
        import jax

        out["backend"] = jax.default_backend()
        out["device"] = str(jax.devices()[0].device_kind)
    except ImportError:
        pass
    return out


def run_one(peer, workload, rounds, quick, mode="--worker"):
    env = dict(os.environ)
    if quick:
        env["BENCH_QUICK"] = "1"
    args = [mode, peer, workload] if mode == "--worker" else [mode, workload, peer]
    res = subprocess.run([sys.executable, __file__, *args, "--rounds", str(rounds)],
                         capture_output=True, text=True, env=env, timeout=1800)
    lines = [ln for ln in res.stdout.splitlines() if ln.startswith("{")]
    if res.returncode != 0 or not lines:
        tail = (res.stdout + res.stderr).strip().splitlines()[-1:] or ["?"]
        return {"skip": tail[0][:120]}
    return json.loads(lines[-1])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--worker", nargs=2, metavar=("PEER", "WORKLOAD"))
    ap.add_argument("--steady", nargs=2, metavar=("WORKLOAD", "PEERS"))
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--json", default=None)
    ap.add_argument("--only", default=None, help="comma-separated workloads")
    args = ap.parse_args(argv)
    if args.worker:
        worker(*args.worker, args.rounds)
        return
    if args.steady:
        steady_worker(args.steady[0], args.steady[1].split(","), args.rounds)
        return
    table = WORKLOADS if not args.quick else QUICK
    names = args.only.split(",") if args.only else list(table)
    results = {"versions": versions(), "rounds": args.rounds, "quick": args.quick,
               "workloads": {}}
    print(json.dumps(results["versions"]))
    for w in names:
        spec = table[w]
        peers = (DEPTH_PEERS if w.startswith("depth") else WIDE_PEERS if w == "wide"
                 else ENSEMBLE_PEERS)
        rows = {}
        for p in peers:
            rows[p] = run_one(p, w, 1, args.quick)  # first call and memory
        ok = [p for p in peers if "skip" not in rows[p]]
        steady = run_one(",".join(ok), w, args.rounds, args.quick, mode="--steady")
        for p in ok:
            rows[p]["steady_s"] = steady.get(p, float("nan"))
            rows[p]["rounds"] = 1 if p in SLOW else args.rounds
        results["workloads"][w] = {"spec": spec, "elements": n_elements(spec["dims"], spec["n"]),
                                   "peers": rows}
        print(format_workload(w, results["workloads"][w]), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))


def format_workload(name, wl):
    rows = wl["peers"]
    raw = rows.get("raw", {})
    spec = wl["spec"]
    d = spec["dims"]
    dims = f"[{d[0]}] * {len(d)}" if len(set(d)) == 1 and len(d) > 4 else str(d)
    lines = [f"\n### {name}: dims {dims} x {spec['n']} members "
             f"({wl['elements'] / 1e6:.1f} M values)",
             "",
             "| peer | steady (s) | throughput vs raw | first call (s) | first call vs raw "
             "| peak RSS above base / output |",
             "|---|---|---|---|---|---|"]
    for p, r in rows.items():
        if "skip" in r:
            lines.append(f"| {p} | skipped: {r['skip']} | | | | |")
            continue
        thr = raw["steady_s"] / r["steady_s"] if "steady_s" in raw else float("nan")
        fc = r["first_call_s"] / raw["first_call_s"] if "first_call_s" in raw else float("nan")
        mem = r["peak_above_base_bytes"] / r["output_bytes"] if r["output_bytes"] else float("nan")
        lines.append(f"| {p} | {r['steady_s']:.4f} | {thr:.2f}x | {r['first_call_s']:.3f} | "
                     f"{fc:.2f}x | {mem:.2f}x |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()

"""Why initax compiles its own programs at LLVM -O1 on CPU: compile time and run time
of the same ensemble program at XLA's default backend optimization level and at 1,
side by side in one process, and whether the bits agree.

Usage: python benchmarks/bench_compile.py [--n 256] [--dims 784,256,256,10] [--rounds 5]
"""

import argparse
import statistics
import time

import jax
import numpy as np

from initax import _ensemble, _network


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=256)
    ap.add_argument("--dims", default="784,256,256,10")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args(argv)
    dims = [int(d) for d in args.dims.split(",")]
    key, schemes, biases, plan = _network.prepare(jax.random.key(0), dims, "he", None, "seed",
                                                  "float32")
    chunk = _ensemble.auto_chunk(plan, args.n)
    print(f"jax {jax.__version__}, {jax.default_backend()}; ensemble of {args.n} x {dims}, "
          f"chunk {chunk}")
    print("| XLA backend optimization level | compile (s) | steady run (s, median) |")
    print("|---|---|---|")
    outs = {}
    for label, opts in (("default (2)", None), ("1 (initax)", {"xla_backend_optimization_level": 1})):
        f = jax.jit(_ensemble._ensemble_unsharded, static_argnames=("plan", "chunk", "n"),
                    compiler_options=opts)
        t0 = time.perf_counter()
        compiled = f.lower(key, schemes, biases, plan, chunk, args.n).compile()
        compile_s = time.perf_counter() - t0
        outs[label] = jax.block_until_ready(compiled(key, schemes, biases))
        times = []
        for _ in range(args.rounds):
            t0 = time.perf_counter()
            jax.block_until_ready(compiled(key, schemes, biases))
            times.append(time.perf_counter() - t0)
        print(f"| {label} | {compile_s:.2f} | {statistics.median(times):.3f} |")
    a, b = (jax.tree.leaves(o) for o in outs.values())
    same = all(np.array_equal(np.asarray(x), np.asarray(y)) for x, y in zip(a, b, strict=True))
    print(f"bitwise identical outputs: {same}")


if __name__ == "__main__":
    main()

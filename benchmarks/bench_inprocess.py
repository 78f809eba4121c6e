"""Two side-by-side checks in one process, rounds interleaved (order rotated each round),
for the cases where separate-process timings were too noisy to trust:

- tiny layers: ``initax.ensemble`` against the hand-written ``jit(vmap(init))`` on
  ``[3, 4, 2]`` x 100,000 members;
- one wide layer: ``initax.init(key, [8192, 8192])`` against ``jax.random.normal``
  flat and 2-D, and the 2-D draw times a constant (what He adds).

Usage: python benchmarks/bench_inprocess.py [--rounds 9]
"""

import argparse
import math
import statistics
import time

import jax
import jax.numpy as jnp

import initax


def tiny_peers():
    k, n, dims = jax.random.key(0), 100_000, [3, 4, 2]

    def init_one(kk):
        ks = jax.random.split(kk, 2)
        return {f"W{i + 1}": jax.random.normal(ks[i], (dims[i + 1], dims[i]))
                * math.sqrt(2.0 / dims[i]) for i in range(2)}

    jv = jax.jit(jax.vmap(init_one))
    return {"initax.ensemble": lambda: initax.ensemble(k, n, dims),
            "jit(vmap(init))": lambda: jv(jax.random.split(k, n))}


def wide_peers():
    k = jax.random.key(0)
    flat = jax.jit(lambda k: jax.random.normal(k, (8192 * 8192,)))
    two_d = jax.jit(lambda k: jax.random.normal(k, (8192, 8192)))
    scaled = jax.jit(lambda k: jax.random.normal(k, (8192, 8192)) * jnp.float32(0.0156))
    return {"raw flat": lambda: flat(k), "raw 2-D": lambda: two_d(k),
            "raw 2-D * c": lambda: scaled(k), "initax.init": lambda: initax.init(k, [8192, 8192])}


def run(name, fns, rounds):
    for f in fns.values():
        jax.block_until_ready(f())
    times = {p: [] for p in fns}
    order = list(fns)
    for r in range(rounds):
        for p in order[r % len(order):] + order[: r % len(order)]:
            t0 = time.perf_counter()
            out = jax.block_until_ready(fns[p]())
            times[p].append(time.perf_counter() - t0)
            del out
    print(f"\n{name}\n\n| peer | median (ms) |\n|---|---|")
    for p, ts in times.items():
        print(f"| {p} | {1000 * statistics.median(ts):.1f} |")


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=9)
    args = ap.parse_args(argv)
    print(f"jax {jax.__version__}, {jax.default_backend()}, {args.rounds} interleaved rounds")
    run("tiny: [3, 4, 2] x 100,000", tiny_peers(), args.rounds)
    run("wide: one [8192, 8192] layer", wide_peers(), args.rounds)


if __name__ == "__main__":
    main()

"""Mark every target of the ensemble benchmark met or not, from its JSON output.

Usage: python benchmarks/report.py benchmarks/results_cpu.json
"""

import json
import sys


def main(path):
    r = json.load(open(path))["workloads"]

    def peer(w, p):
        return r.get(w, {}).get("peers", {}).get(p, {})

    def steady(w, p):
        return peer(w, p).get("steady_s", float("nan"))

    def first(w, p):
        return peer(w, p).get("first_call_s", float("nan"))

    def mem(w, p):
        x = peer(w, p)
        return x["peak_above_base_bytes"] / x["output_bytes"] if x.get("output_bytes") else float("nan")

    rows = []

    def target(name, value, ok, fmt="{:.2f}x"):
        rows.append((name, fmt.format(value), "met" if ok else "NOT met"))

    for w in ("mlp", "tiny"):
        v = steady(w, "raw") / steady(w, "initax")
        target(f"steady throughput >= 1.5x raw normal ({w})", v, v >= 1.5)
    v = steady("wide", "raw") / steady("wide", "initax")
    target("steady throughput >= 0.9x raw normal (wide [8192, 8192])", v, v >= 0.9)
    for w, peers in (("mlp", ("jit_vmap", "flax", "equinox")),
                     ("tiny", ("jit_vmap", "flax", "equinox")), ("wide", ("jit_vmap", "flax"))):
        best = min(steady(w, p) for p in peers)
        v = best / steady(w, "initax")
        target(f"faster than every JAX peer ({w}): fastest peer time / initax time", v, v > 1)
    for w in ("mlp", "tiny", "wide"):
        v = steady(w, "initax") / steady(w, "torch_batched")
        target(f"within 2x of batched PyTorch ({w}): initax time / torch time", v, v <= 2)
    for w in ("mlp", "tiny", "wide"):
        v = first(w, "initax") / first(w, "raw")
        target(f"first call <= 1.5x raw first call ({w})", v, v <= 1.5)
    v = first("depth512", "initax") / first("depth8", "initax")
    target("first call: depth 512 <= 2x depth 8", v, v <= 2)
    v = (first("depth512", "initax") - steady("depth512", "initax")) / (
        first("depth8", "initax") - steady("depth8", "initax"))
    target("(trace + compile, i.e. first call minus steady: depth 512 / depth 8)", v, v <= 2)
    v = first("depth512", "jit_loop") / first("depth512", "initax")
    target("first call >= 20x faster than the per-layer loop at depth 512", v, v >= 20)
    for w, p in (("mlp", "initax"), ("mlp", "initax_chunk8"), ("tiny", "initax"),
                 ("tiny", "initax_chunk8"), ("wide", "initax")):
        v = mem(w, p)
        target(f"peak memory <= 1.25x output ({w}, {p})", v, v <= 1.25)
    v = steady("tiny", "numpy_loop") / steady("tiny", "initax")
    target("steady >= 20x the classic NumPy loop (tiny)", v, v >= 20)

    print("| target | measured | verdict |")
    print("|---|---|---|")
    for name, value, verdict in rows:
        print(f"| {name} | {value} | {verdict} |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "benchmarks/results_cpu.json")

"""Peak memory of ``initax ensemble --out``: bounded by the chunk, not by the ensemble.

Runs the CLI in a subprocess three ways (to ``.npz``, to a directory of ``.npy``,
and in memory) and reports the child's peak resident memory (``ru_maxrss``)
next to the ensemble's size. Usage::

    python benchmarks/bench_stream.py [--n 2048] [--dims 784,256,256,10] [--dir-only]
"""

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def peak_of(cmd):
    t = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        raise SystemExit(res.stderr)
    # RUSAGE_CHILDREN is the largest child so far: run the smallest expected first
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, time.perf_counter() - t


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2048)
    ap.add_argument("--dims", default="784,256,256,10")
    ap.add_argument("--dir-only", action="store_true",
                    help="only the directory mode (for ensembles larger than memory)")
    args = ap.parse_args(argv)
    dims = [int(d) for d in args.dims.split(",")]
    size = 4 * args.n * sum(dims[i] * dims[i + 1] + dims[i + 1] for i in range(len(dims) - 1))
    base = [sys.executable, "-m", "initax", "ensemble", "--n", str(args.n), "--dims", args.dims,
            "--no-cache"]
    tmp = Path(tempfile.mkdtemp())
    print(f"ensemble: {args.n} x {dims}, {size / 2**20:.0f} MiB of float32")
    print("| mode | peak RSS of the process (MiB) | wall (s) |")
    print("|---|---|---|")
    try:
        modes = [("--out DIR (.npy files)", ["--out", str(tmp / "d")]),
                 ("--out FILE.npz", ["--out", str(tmp / "e.npz")]),
                 ("in memory", [])]
        for label, extra in modes[:1] if args.dir_only else modes:
            peak, wall = peak_of(base + extra)
            print(f"| {label} | {peak:.0f} | {wall:.1f} |")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

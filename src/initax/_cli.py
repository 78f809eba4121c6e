"""The ``initax`` command line: show, schemes, ensemble, compare, stats."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path


class CLIError(Exception):
    """A bad option: printed as ``initax: error: ...`` with exit status 2."""


def _dims(text: str) -> list[int]:
    try:
        dims = [int(x) for x in text.replace(" ", "").split(",") if x]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--dims must be comma-separated positive ints such as 3,4,2; got {text!r}"
        ) from None
    if len(dims) < 2 or min(dims) < 1:
        raise argparse.ArgumentTypeError(
            f"--dims must list at least two positive ints such as 3,4,2; got {text!r}"
        )
    return dims


def _schemes(text: str) -> list[str]:
    return [s.strip() for s in text.split(",") if s.strip()]


def _add_cache_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-cache", action="store_true",
                   help="do not use the persistent XLA compilation cache "
                        "(default dir: $INITAX_CACHE_DIR or ~/.cache/initax/xla)")


def main_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``initax`` command."""
    parser = argparse.ArgumentParser(
        prog="initax",
        description="Weight initialization for JAX: show, compare and generate initializations.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("show", help="print the parameters of one initialization")
    p.add_argument("--dims", type=_dims, default=[3, 4, 2], help="layer sizes, e.g. 3,4,2")
    p.add_argument("--scheme", default="he", help="scheme name, e.g. he, xavier, gaussian:10")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--layout", choices=["seed", "flax"], default="seed")
    p.add_argument("--dtype", default="float32")
    p.add_argument("--json", action="store_true", help="print JSON instead of arrays")
    _add_cache_flag(p)

    p = sub.add_parser("schemes", help="list the registered schemes")

    p = sub.add_parser("ensemble", help="generate n seeded initializations (optionally to disk)")
    p.add_argument("--n", type=int, required=True, help="number of members")
    p.add_argument("--dims", type=_dims, required=True)
    p.add_argument("--scheme", default="he")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--layout", choices=["seed", "flax"], default="seed")
    p.add_argument("--dtype", default="float32")
    p.add_argument("--chunk-size", type=int, default=None)
    p.add_argument("--out", default=None,
                   help="write to FILE.npz or to a directory of .npy files, chunk by chunk")
    _add_cache_flag(p)

    p = sub.add_parser("compare", help="train every scheme from many seeds and compare")
    p.add_argument("--dims", type=_dims, default=None,
                   help="layer sizes; default 2,10,5,1 (input/output set by the dataset)")
    p.add_argument("--schemes", type=_schemes,
                   default=["zeros", "gaussian:0.01", "gaussian:10", "xavier", "he"])
    p.add_argument("--seeds", type=int, default=32)
    p.add_argument("--steps", type=int, default=15000)
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--dataset", default="circles",
                   help="circles, moons, spirals or digits (needs scikit-learn)")
    p.add_argument("--hidden", default="relu", help="hidden activation")
    p.add_argument("--seed", type=int, default=0, help="master seed")
    p.add_argument("--plot", default="initax_compare.png", help="PNG path ('' for none)")
    p.add_argument("--json", default=None, help="write every figure to this JSON file")
    _add_cache_flag(p)

    p = sub.add_parser("stats", help="activation statistics against depth per scheme")
    p.add_argument("--depth", type=int, default=50)
    p.add_argument("--width", type=int, default=256)
    p.add_argument("--hidden", default="relu")
    p.add_argument("--schemes", type=_schemes,
                   default=["gaussian:0.01", "gaussian:1", "xavier", "he"])
    p.add_argument("--batch", type=int, default=1000, help="input examples")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--plot", default="initax_stats.png", help="PNG path ('' for none)")
    p.add_argument("--json", default=None)
    _add_cache_flag(p)
    return parser


def enable_compilation_cache() -> str:
    """Turn on JAX's persistent compilation cache; return its directory."""
    import jax

    path = os.environ.get("INITAX_CACHE_DIR") or str(Path.home() / ".cache" / "initax" / "xla")
    jax.config.update("jax_compilation_cache_dir", path)
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
    return path


def _show(args) -> int:
    import jax
    import numpy as np

    import initax
    from initax._io import leaf_names

    params = initax.init(jax.random.key(args.seed), args.dims, args.scheme,
                         layout=args.layout, dtype=args.dtype)
    named = leaf_names(params)
    if args.json:
        print(json.dumps({
            name: {"shape": list(v.shape), "dtype": str(v.dtype),
                   "values": np.asarray(v, np.float64).tolist()}
            for name, v in named
        }, indent=1))
        return 0
    with np.printoptions(precision=8, suppress=False, linewidth=100):
        for name, v in named:
            print(f"{name} = shape {tuple(v.shape)} {v.dtype}")
            print(np.asarray(v))
    return 0


def _schemes_cmd(args) -> int:
    import initax

    width = max(map(len, initax.SCHEMES))
    for name, desc in initax.SCHEMES.items():
        print(f"{name:<{width}}  {desc}")
    return 0


def _ensemble_cmd(args) -> int:
    import time

    import jax

    import initax
    from initax._io import leaf_names, save_ensemble

    key = jax.random.key(args.seed)
    t0 = time.perf_counter()
    kw = dict(layout=args.layout, dtype=args.dtype, chunk_size=args.chunk_size)
    if args.out:
        path = save_ensemble(args.out, key, args.n, args.dims, args.scheme, **kw)
        print(f"wrote {args.n} members to {path} in {time.perf_counter() - t0:.2f}s")
        return 0
    ens = jax.block_until_ready(initax.ensemble(key, args.n, args.dims, args.scheme, **kw))
    dt = time.perf_counter() - t0
    total = 0
    for name, v in leaf_names(ens):
        total += v.nbytes
        print(f"{name:<24} {tuple(v.shape)} {v.dtype}")
    print(f"{args.n} members, {total / 2**20:.1f} MiB in {dt:.2f}s")
    return 0


def _compare_cmd(args) -> int:
    from initax import _compare

    return _compare.run_cli(args)


def _stats_cmd(args) -> int:
    from initax import _stats

    return _stats.run_cli(args)


_COMMANDS = {
    "show": _show,
    "schemes": _schemes_cmd,
    "ensemble": _ensemble_cmd,
    "compare": _compare_cmd,
    "stats": _stats_cmd,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status (2 for bad options)."""
    parser = main_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "no_cache", True):
        enable_compilation_cache()
    try:
        return _COMMANDS[args.command](args)
    except (CLIError, ValueError, TypeError) as err:
        print(f"initax {args.command}: error: {err}", file=sys.stderr)
        return 2


def entrypoint() -> None:
    """Console-script entry point."""
    sys.exit(main())

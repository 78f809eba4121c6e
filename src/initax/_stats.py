"""``initax stats``: activation standard deviation against depth, per scheme."""

from __future__ import annotations

from typing import Any

import jax
import numpy as np

from initax import _registry, _report, mlp
from initax._validate import check_positive_int
from initax.diagnostics import depth_profile


def run(schemes: list[str], depth: int, width: int, hidden: str, batch: int = 1000,
        seed: int = 0) -> dict[str, Any]:
    """Per scheme, the per-layer statistics of a ``depth`` x ``width`` network at init.

    Args:
      schemes: scheme names (``"gaussian:1"`` style parameters allowed).
      depth: number of layers.
      width: units per layer.
      hidden: activation of every layer.
      batch: number of N(0, 1) input examples.
      seed: PRNG seed (the same key for every scheme).

    Returns:
      ``{"config": ..., "schemes": {name: {stat: list per layer}}}``.
    """
    depth = check_positive_int(depth, "depth")
    width = check_positive_int(width, "width")
    batch = check_positive_int(batch, "batch")
    mlp.activation(hidden, "hidden")
    if not schemes:
        raise ValueError("schemes must name at least one scheme.")
    inits = [s if s == "lsuv" else _registry.from_name(s, "schemes") for s in schemes]
    key = jax.random.key(seed)
    out: dict[str, Any] = {"config": {"depth": depth, "width": width, "hidden": hidden,
                                      "batch": batch, "seed": seed}, "schemes": {}}
    for name, init in zip(schemes, inits, strict=True):
        st = depth_profile(key, init, depth, width, hidden=hidden, batch=batch)
        # float32 overflow (inf) or 0 * inf (nan) is reported as None: "overflow"
        out["schemes"][name] = {
            k: _report.finite_list(v)
            for k, v in st.items()
        }
    return out


def _fmt(v: float | None) -> str:
    return "overflow" if v is None else f"{v:.3g}"


def format_table(result: dict[str, Any]) -> str:
    cfg = result["config"]
    d = cfg["depth"]
    picks = sorted({1, 2, 5, 10, 25, d // 2, d} & set(range(1, d + 1)))
    head = ["scheme"] + [f"layer {p}" for p in picks] + ["last/first"]
    rows = [head]
    for name, st in result["schemes"].items():
        a = st["a_std"]
        ratio = _fmt(a[-1] / a[0]) if a[0] and a[-1] is not None else "n/a"
        rows.append([name] + [_fmt(a[p - 1]) for p in picks] + [ratio])
    title = (f"initax stats: activation std by layer, depth {d}, width {cfg['width']}, "
             f"{cfg['hidden']}, {cfg['batch']} inputs ~ N(0, 1)")
    return title + "\n" + _report.table(rows)


def plot(result: dict[str, Any], path: str) -> str:
    plt = _report.pyplot()
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for name, st in result["schemes"].items():
        a = np.array([np.nan if v is None else v for v in st["a_std"]], float)
        a[a <= 0] = np.nan  # log scale: underflow to 0 is left out, like overflow
        ax.plot(np.arange(1, len(a) + 1), a, label=name, marker=".")
    ax.set_yscale("log")
    ax.set_xlabel("layer")
    ax.set_ylabel("activation standard deviation")
    cfg = result["config"]
    ax.set_title(f"{cfg['hidden']} network, width {cfg['width']}: signal against depth")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def run_cli(args) -> int:
    result = run(args.schemes, args.depth, args.width, args.hidden, args.batch, args.seed)
    return _report.emit("stats", format_table(result), result,
                        lambda path: plot(result, path), args.plot, args.json)

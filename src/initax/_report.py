"""Shared output of the ``compare`` and ``stats`` commands: tables, plots, JSON."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np


def finite_list(values: Any) -> list[float | None]:
    """Floats for JSON, with None where a value is NaN or infinite (strict JSON)."""
    return [float(x) if math.isfinite(x) else None for x in np.asarray(values, np.float64)]


def table(rows: Sequence[Sequence[str]]) -> str:
    """Left-aligned columns, a rule under the header row."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def pyplot():
    """matplotlib.pyplot on the Agg backend, or a clear error naming the extra."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as err:
        raise RuntimeError(
            "plotting needs matplotlib: pip install 'initax[plot]' (or pass --plot '')"
        ) from err
    return plt


def emit(command: str, text: str, data: dict[str, Any], plot: Callable[[str], str],
         plot_path: str | None, json_path: str | None) -> int:
    """Print ``text``, write the plot and the JSON when asked; the CLI's exit status."""
    print(text)
    if plot_path:
        try:
            print(f"plot: {plot(plot_path)}")
        except RuntimeError as err:
            print(f"initax {command}: {err}", file=sys.stderr)
    if json_path:
        with open(json_path, "w") as f:
            json.dump(data, f, indent=1, allow_nan=False)  # strict JSON: no NaN/Infinity
        print(f"json: {json_path}")
    return 0

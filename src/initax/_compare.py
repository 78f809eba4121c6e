r"""``initax compare``: train every scheme from many seeds at once and compare.

The classic experiment: a ``[2, 10, 5, 1]`` ReLU network with a sigmoid output,
binary cross-entropy (computed from logits), full-batch gradient descent with
learning rate 0.01 for 15,000 iterations on two circles. Every scheme is an
ensemble of seeds (member ``i`` of every scheme uses the same key
``split(key, seeds)[i]``); all members of all schemes train together under one
``jax.vmap`` inside ``jax.lax.scan``, compiled once.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import time
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from initax import _data, _registry, _report, mlp
from initax._ensemble import ensemble
from initax._lsuv import lsuv
from initax._progress import Progress
from initax.diagnostics import accuracy, distinct_units, loss_from_logits

TARGET_ACC = 0.9
DEFAULT_SCHEMES = ("zeros", "gaussian:0.01", "gaussian:10", "xavier", "he")
_SEGMENTS = 30  # progress updates (and host round trips) per training run


@dataclasses.dataclass(frozen=True)
class Config:
    """One comparison experiment (the defaults are the classic one)."""

    schemes: tuple[str, ...] = DEFAULT_SCHEMES
    dims: tuple[int, ...] | None = None  # None: [n_features, 10, 5, n_outputs]
    seeds: int = 32
    steps: int = 15000
    lr: float = 0.01
    dataset: str = "circles"
    hidden: str = "relu"
    seed: int = 0

    def validate(self) -> Config:
        if not self.schemes:
            raise ValueError("schemes must name at least one scheme.")
        for s in self.schemes:
            if s != "lsuv":
                _registry.from_name(s, "schemes")
        for name in ("seeds", "steps"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise ValueError(f"{name} must be an int >= 1; got {name}={v!r}.")
        if not (isinstance(self.lr, (int, float)) and math.isfinite(self.lr) and self.lr > 0):
            raise ValueError(f"lr must be a positive finite number; got lr={self.lr!r}.")
        if self.dataset not in _data.DATASETS:
            raise ValueError(
                f"dataset={self.dataset!r} is not known; accepted: {', '.join(_data.DATASETS)}."
            )
        mlp.activation(self.hidden, "hidden")
        return self


def _loss_name(y: np.ndarray) -> str:
    return "bce" if y.shape[0] == 1 else "ce"


@functools.partial(jax.jit, static_argnames=("hidden", "loss", "steps"))
def _segment(params, idx, x, y, xt, yt, lr, *, hidden, loss, steps):
    """Run steps ``idx`` (those >= ``steps`` are no-ops) for every member."""

    def objective(p):
        return loss_from_logits(mlp.apply(p, x, hidden), y, loss)

    def step(p, i):
        value, grads = jax.value_and_grad(objective)(p)
        test_acc = accuracy(mlp.apply(p, xt, hidden), yt)
        new = jax.tree.map(lambda a, g: a - lr * g, p, grads)
        p = jax.tree.map(lambda a, b: jnp.where(i < steps, a, b), new, p)
        return p, (value, test_acc)

    return jax.vmap(lambda p: jax.lax.scan(step, p, idx))(params)


@functools.partial(jax.jit, static_argnames=("hidden", "loss"))
def _evaluate(params, x, y, xt, yt, *, hidden, loss):
    def one(p):
        z, zt = mlp.apply(p, x, hidden), mlp.apply(p, xt, hidden)
        return loss_from_logits(z, y, loss), accuracy(z, y), accuracy(zt, yt)

    return jax.vmap(one)(params)


def _members(key, n, dims, scheme, x, hidden):
    """Member i of every scheme uses the key split(key, n)[i]; LSUV sees the training inputs."""
    if scheme == "lsuv":
        keys = jax.random.split(key, n)
        return jax.vmap(lambda k: lsuv(k, dims, jnp.asarray(x), hidden=hidden))(keys)
    return ensemble(key, n, dims, scheme)


def train(
    params: dict,
    data: tuple[np.ndarray, ...],
    *,
    steps: int,
    lr: float,
    hidden: str = "relu",
    progress: bool | None = None,
) -> dict[str, Any]:
    """Full-batch gradient descent for a stack of members (leading axis on every leaf).

    Args:
      params: classic-layout parameters with a leading member axis.
      data: ``(x_train, y_train, x_test, y_test)`` as from :func:`initax._data.load`.
      steps: gradient steps.
      lr: learning rate.
      hidden: hidden activation (the output layer is linear; the loss reads logits).
      progress: progress bar on stderr (None: when stderr is a terminal).

    Returns:
      ``params`` (trained), ``loss_curve`` and ``test_acc_curve`` (members x steps:
      the values before update i), and final ``loss``, ``train_acc``, ``test_acc``.
    """
    x, y, xt, yt = (jnp.asarray(a) for a in data)
    loss = _loss_name(y)
    seg = -(-steps // _SEGMENTS)
    losses, accs = [], []
    with Progress(steps, "training", enabled=progress) as bar:
        for start in range(0, steps, seg):
            idx = jnp.arange(start, start + seg)
            params, (lc, ac) = _segment(params, idx, x, y, xt, yt, lr, hidden=hidden,
                                        loss=loss, steps=steps)
            losses.append(lc)
            accs.append(ac)
            bar.update(min(seg, steps - start))
    final = _evaluate(params, x, y, xt, yt, hidden=hidden, loss=loss)
    return {
        "params": params,
        "loss_curve": np.concatenate([np.asarray(a) for a in losses], 1)[:, :steps],
        "test_acc_curve": np.concatenate([np.asarray(a) for a in accs], 1)[:, :steps],
        "loss": np.asarray(final[0]),
        "train_acc": np.asarray(final[1]),
        "test_acc": np.asarray(final[2]),
    }


def _first_reach(curve: np.ndarray, final: np.ndarray, steps: int) -> np.ndarray:
    """Per member, the first iteration whose test accuracy >= target (inf if never)."""
    full = np.concatenate([curve, final[:, None]], 1) >= TARGET_ACC
    first = np.argmax(full, axis=1).astype(float)
    first[~full.any(axis=1)] = np.inf
    return first


def _summary(v: np.ndarray) -> dict[str, float | None]:
    """Mean, sd, min, max, median over the seeds whose value is finite (None if none is)."""
    v = np.asarray(v, np.float64)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return dict.fromkeys(("mean", "std", "min", "max", "median"))
    return {"mean": float(v.mean()), "std": float(v.std()), "min": float(v.min()),
            "max": float(v.max()), "median": float(np.median(v))}


def run(config: Config, progress: bool | None = None) -> dict[str, Any]:
    """Run the experiment; returns every figure (JSON-ready) plus arrays for plotting.

    Args:
      config: the experiment.
      progress: progress bar (None: when stderr is a terminal).

    Returns:
      ``{"config", "schemes": {name: figures}, "_arrays": {...}}``; ``_arrays`` holds
      NumPy arrays (curves, median-seed parameters) and is not JSON.
    """
    config = config.validate()
    data = _data.load(config.dataset)
    n_in, n_out = data[0].shape[0], data[1].shape[0]
    dims = list(config.dims) if config.dims else [n_in, 10, 5, n_out]
    if dims[0] != n_in or dims[-1] != n_out:
        raise ValueError(
            f"dims={dims} does not fit dataset={config.dataset!r}: it needs {n_in} inputs "
            f"and {n_out} outputs (e.g. {[n_in, *dims[1:-1], n_out]})."
        )
    key = jax.random.key(config.seed)
    n = config.seeds
    per_scheme = [_members(key, n, dims, s, data[0], config.hidden) for s in config.schemes]
    params = jax.tree.map(lambda *a: jnp.concatenate(a), *per_scheme)
    before = np.asarray(distinct_units(params))
    t0 = time.perf_counter()
    res = train(params, data, steps=config.steps, lr=config.lr, hidden=config.hidden,
                progress=progress)
    seconds = time.perf_counter() - t0
    after = np.asarray(distinct_units(res["params"]))
    first = _first_reach(res["test_acc_curve"], res["test_acc"], config.steps)

    out: dict[str, Any] = {
        "config": {**dataclasses.asdict(config), "dims": dims, "schemes": list(config.schemes),
                   "target_accuracy": TARGET_ACC, "train_seconds": seconds,
                   "jax": jax.__version__, "backend": jax.default_backend()},
        "schemes": {},
    }
    arrays: dict[str, Any] = {"data": data, "dims": dims, "hidden": config.hidden}
    for j, name in enumerate(config.schemes):
        sl = slice(j * n, (j + 1) * n)
        test_acc = res["test_acc"][sl]
        reach = first[sl]
        med_iter = float(np.median(reach))
        order = np.argsort(test_acc, kind="stable")
        median_seed = int(order[(n - 1) // 2])
        lc = res["loss_curve"][sl]
        out["schemes"][name] = {
            "train_acc": _summary(res["train_acc"][sl]),
            "test_acc": _summary(test_acc),
            "final_loss": _summary(res["loss"][sl]),
            "frac_diverged": float(np.mean(~np.isfinite(res["loss"][sl]))),
            "initial_loss": _summary(lc[:, 0]),
            "frac_reach_target": float(np.mean(np.isfinite(reach))),
            "median_iter_to_target": None if math.isinf(med_iter) else med_iter,
            "distinct_units_before": np.median(before[sl], 0).tolist(),
            "distinct_units_after": np.median(after[sl], 0).tolist(),
            "hidden_units": dims[1:-1],
            "median_seed": median_seed,
            "per_seed": {
                "train_acc": res["train_acc"][sl].tolist(),
                "test_acc": test_acc.tolist(),
                "final_loss": _report.finite_list(res["loss"][sl]),
                "iter_to_target": [None if math.isinf(v) else float(v) for v in reach],
            },
            "loss_curve": _curve_quantiles(lc),
        }
        arrays[name] = {
            "loss_curve": lc,
            "median_params": jax.tree.map(lambda a, i=j * n + median_seed: np.asarray(a[i]),
                                          res["params"]),
        }
    out["_arrays"] = arrays
    return out


def _curve_quantiles(lc: np.ndarray, points: int = 200) -> dict[str, list[float]]:
    steps = lc.shape[1]
    idx = np.unique(np.linspace(0, steps - 1, min(points, steps)).astype(int))
    q = np.nanquantile(np.where(np.isfinite(lc[:, idx]), lc[:, idx], np.nan),
                       [0.25, 0.5, 0.75], axis=0)
    return {"iteration": idx.tolist(), "q25": _report.finite_list(q[0]),
            "median": _report.finite_list(q[1]), "q75": _report.finite_list(q[2])}


def _fmt(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.4g}"


def format_table(result: dict[str, Any]) -> str:
    """The per-scheme table as aligned text."""
    cfg = result["config"]
    head = ["scheme", "train acc % mean±sd [min,max]", "test acc % mean±sd [min,max]",
            "final loss (median)", f"≥{TARGET_ACC:.0%} test", "median iter",
            "distinct units (init→trained)"]
    rows = [head]
    for name, r in result["schemes"].items():
        tr, te = r["train_acc"], r["test_acc"]
        units = " ".join(
            f"{int(b)}→{int(a)}/{h}" for b, a, h in
            zip(r["distinct_units_before"], r["distinct_units_after"], r["hidden_units"],
                strict=True)
        )
        it = r["median_iter_to_target"]
        rows.append([
            name,
            f"{100 * tr['mean']:5.1f}±{100 * tr['std']:4.1f} [{100 * tr['min']:.0f},"
            f"{100 * tr['max']:.0f}]",
            f"{100 * te['mean']:5.1f}±{100 * te['std']:4.1f} [{100 * te['min']:.0f},"
            f"{100 * te['max']:.0f}]",
            _fmt(r["final_loss"]["median"]) + (
                f" ({100 * r['frac_diverged']:.0f}% diverged)" if r["frac_diverged"] else ""),
            f"{100 * r['frac_reach_target']:.0f}%",
            "never" if it is None else f"{int(it)}",
            units,
        ])
    title = (f"initax compare: {cfg['dataset']}, dims {cfg['dims']}, {cfg['hidden']} hidden, "
             f"{cfg['seeds']} seeds x {len(result['schemes'])} schemes, {cfg['steps']} steps of "
             f"GD, lr {cfg['lr']} ({cfg['train_seconds']:.1f}s training)")
    return title + "\n" + _report.table(rows)


def plot(result: dict[str, Any], path: str) -> str:
    """Loss curves (median and interquartile band, log scale) and decision boundaries."""
    plt = _report.pyplot()
    arrays = result["_arrays"]
    names = list(result["schemes"])
    two_d = arrays["data"][0].shape[0] == 2
    ncol = max(len(names), 1)
    fig = plt.figure(figsize=(3.2 * ncol, 7.5 if two_d else 4))
    grid = fig.add_gridspec(2 if two_d else 1, ncol, height_ratios=[1.1, 1] if two_d else [1])
    ax = fig.add_subplot(grid[0, :])
    for name in names:
        lc = arrays[name]["loss_curve"]
        it = np.arange(lc.shape[1])
        q25, med, q75 = np.quantile(lc, [0.25, 0.5, 0.75], axis=0)
        (line,) = ax.plot(it, med, label=name)
        ax.fill_between(it, q25, q75, color=line.get_color(), alpha=0.25)
    ax.set_yscale("log")
    ax.set_xlabel("iteration")
    ax.set_ylabel("training loss (median, IQR band)")
    ax.legend()
    cfg = result["config"]
    ax.set_title(f"{cfg['dataset']}: {cfg['seeds']} seeds per scheme, dims {cfg['dims']}")
    if two_d:
        xtr, ytr = arrays["data"][0], arrays["data"][1]
        lo, hi = xtr.min(1) - 0.25, xtr.max(1) + 0.25
        gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], 200), np.linspace(lo[1], hi[1], 200))
        pts = np.stack([gx.ravel(), gy.ravel()]).astype(np.float32)
        for j, name in enumerate(names):
            a = fig.add_subplot(grid[1, j])
            z = np.asarray(mlp.apply(arrays[name]["median_params"], pts, arrays["hidden"]))
            a.contourf(gx, gy, (z[0] > 0).reshape(gx.shape), levels=[-0.5, 0.5, 1.5],
                       cmap="coolwarm", alpha=0.35)
            a.scatter(xtr[0], xtr[1], c=ytr[0], cmap="coolwarm", s=6)
            r = result["schemes"][name]
            a.set_title(f"{name}\nmedian seed: test {100 * r['test_acc']['median']:.0f}%",
                        fontsize=9)
            a.set_xticks([])
            a.set_yticks([])
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def to_json(result: dict[str, Any]) -> dict[str, Any]:
    """The JSON-ready part of a result."""
    return {k: v for k, v in result.items() if not k.startswith("_")}


def run_cli(args) -> int:
    config = Config(
        schemes=tuple(args.schemes), dims=tuple(args.dims) if args.dims else None,
        seeds=args.seeds, steps=args.steps, lr=args.lr, dataset=args.dataset,
        hidden=args.hidden, seed=args.seed,
    )
    result = run(config)
    return _report.emit("compare", format_table(result), to_json(result),
                        lambda path: plot(result, path), args.plot, args.json)


"""Small classification data sets generated in NumPy from fixed seeds (no download)."""

from __future__ import annotations

import numpy as np

DATASETS = ("circles", "moons", "spirals", "digits")


def _circles(n: int, rng: np.random.Generator, noise: float, factor: float = 0.8):
    # As sklearn.datasets.make_circles: outer circle label 0, inner (radius `factor`) label 1.
    n_out = n // 2
    n_in = n - n_out
    t_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    t_in = np.linspace(0, 2 * np.pi, n_in, endpoint=False)
    x = np.concatenate([
        np.stack([np.cos(t_out), np.sin(t_out)], 1),
        factor * np.stack([np.cos(t_in), np.sin(t_in)], 1),
    ])
    y = np.concatenate([np.zeros(n_out), np.ones(n_in)])
    return x + rng.normal(0, noise, x.shape), y


def _moons(n: int, rng: np.random.Generator, noise: float):
    # As sklearn.datasets.make_moons.
    n_out = n // 2
    n_in = n - n_out
    t_out = np.linspace(0, np.pi, n_out)
    t_in = np.linspace(0, np.pi, n_in)
    x = np.concatenate([
        np.stack([np.cos(t_out), np.sin(t_out)], 1),
        np.stack([1 - np.cos(t_in), 1 - np.sin(t_in) - 0.5], 1),
    ])
    y = np.concatenate([np.zeros(n_out), np.ones(n_in)])
    return x + rng.normal(0, noise * 2, x.shape), y


def _spirals(n: int, rng: np.random.Generator, noise: float):
    # Two interleaved spirals of 1.5 turns, radius growing from 0.1 to 1.
    n0 = n // 2
    out_x, out_y = [], []
    for label, count in ((0, n0), (1, n - n0)):
        t = rng.uniform(0, 1, count)
        r = 0.1 + 0.9 * t
        theta = 3 * np.pi * t + label * np.pi
        out_x.append(np.stack([r * np.cos(theta), r * np.sin(theta)], 1))
        out_y.append(np.full(count, label, float))
    x = np.concatenate(out_x)
    return x + rng.normal(0, noise, x.shape), np.concatenate(out_y)


def load(name: str, n_train: int = 300, n_test: int = 100, noise: float = 0.05, seed: int = 1):
    """A data set in the classic column layout.

    Args:
      name: ``circles``, ``moons``, ``spirals`` (2-D, binary) or ``digits``
        (scikit-learn's bundled 8x8 digits, 64 features scaled to [0, 1], 10 classes).
      n_train: training points (2-D sets).
      n_test: test points (2-D sets).
      noise: standard deviation of the Gaussian noise (2-D sets).
      seed: NumPy seed; the test set uses ``seed + 1``.

    Returns:
      ``(x_train, y_train, x_test, y_test)`` with ``x`` of shape ``(n_features, m)``
      and ``y`` of shape ``(1, m)`` (binary, 0/1) or ``(n_classes, m)`` (one-hot).
    """
    if name == "digits":
        try:
            from sklearn.datasets import load_digits
        except ImportError as err:
            raise ValueError(
                "dataset='digits' needs scikit-learn: pip install 'initax[all]' or scikit-learn"
            ) from err
        d = load_digits()
        x = d.data.astype(np.float32) / 16.0
        y = np.eye(10, dtype=np.float32)[d.target]
        perm = np.random.default_rng(seed).permutation(len(x))
        cut = int(0.75 * len(x))
        tr, te = perm[:cut], perm[cut:]
        return x[tr].T, y[tr].T, x[te].T, y[te].T
    makers = {"circles": _circles, "moons": _moons, "spirals": _spirals}
    if name not in makers:
        raise ValueError(f"dataset={name!r} is not known; accepted: {', '.join(DATASETS)}.")
    xtr, ytr = makers[name](n_train, np.random.default_rng(seed), noise)
    xte, yte = makers[name](n_test, np.random.default_rng(seed + 1), noise)
    f = np.float32
    return xtr.T.astype(f), ytr[None].astype(f), xte.T.astype(f), yte[None].astype(f)

"""The examples run and show what they claim."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_classic_walkthrough():
    res = subprocess.run([sys.executable, str(ROOT / "examples" / "classic_walkthrough.py")],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert "W1 =" in out and "b2 =" in out
    assert "zeros: distinct hidden units per layer after 10 steps: [1, 1]" in out
    assert "he: distinct hidden units per layer after 10 steps: [10, 5]" in out


class _load:
    """Load an example module; its main() runs under standard dtype promotion
    (optax is not clean under the strict promotion the rest of the suite uses)."""

    def __init__(self, name):
        import importlib.util

        spec = importlib.util.spec_from_file_location(name, ROOT / "examples" / f"{name}.py")
        self.module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(self.module)

    def main(self, *args):
        import jax

        with jax.numpy_dtype_promotion("standard"):
            return self.module.main(*args)


def test_flax_digits_small():
    import pytest

    pytest.importorskip("optax")
    pytest.importorskip("sklearn")
    results = _load("flax_digits").main(["--steps", "40"])
    assert set(results) == {"he", "xavier", "glorot_uniform", "gaussian:1"}
    # 40 Adam steps already learn digits far above chance (10%) with a sane scale
    assert results["he"][0] > 0.6 and results["he"][1] > 0.6


def test_ensemble_digits_small():
    import pytest

    pytest.importorskip("optax")
    pytest.importorskip("sklearn")
    member_acc, ens_acc = _load("ensemble_digits").main(["--members", "4", "--steps", "40"])
    assert member_acc.shape == (4,)
    assert len(set(member_acc.tolist())) > 1 or member_acc.std() == 0  # members trained apart
    assert ens_acc > 0.6 and member_acc.min() > 0.5


def test_reinit_nnx_equinox_example():
    import numpy as np
    import pytest

    pytest.importorskip("equinox")
    model, mlp = _load("reinit_nnx_equinox").main()
    # 60,000 samples: the variance is within 4% of 2/fan_in (see test_reinit.py)
    assert abs(np.var(np.asarray(model.hidden.kernel[...])) / (2 / 300) - 1) < 0.04
    assert abs(np.var(np.asarray(mlp.layers[0].weight)) / (2 / 300) - 1) < 0.04

"""The show and ensemble commands, streaming to disk, and the compilation cache."""

import json
import os
import subprocess
import sys

import jax
import numpy as np
import pytest

import initax
from initax._cli import main
from initax._io import save_ensemble


def test_show_prints_the_classic_dict(capsys):
    assert main(["show", "--dims", "3,4,2", "--scheme", "he", "--seed", "0", "--no-cache"]) == 0
    out = capsys.readouterr().out
    assert out.index("W1 = shape (4, 3) float32") < out.index("b1 = shape (4, 1)") \
        < out.index("W2 = shape (2, 4)") < out.index("b2 = shape (2, 1)")
    assert "-0.46930605" in out  # the golden first value of W1


def test_show_json_flax(capsys):
    assert main(["show", "--dims", "3,4,2", "--layout", "flax", "--json", "--no-cache"]) == 0
    r = json.loads(capsys.readouterr().out)
    ref = initax.he(jax.random.key(0), [3, 4, 2], layout="flax")
    assert r["params/Dense_0/kernel"]["shape"] == [3, 4]
    np.testing.assert_array_equal(np.array(r["params/Dense_1/kernel"]["values"], np.float32),
                                  np.asarray(ref["params"]["Dense_1"]["kernel"]))


def test_show_bad_scheme(capsys):
    assert main(["show", "--scheme", "hee", "--no-cache"]) == 2
    assert "scheme='hee' is not a registered scheme" in capsys.readouterr().err


@pytest.mark.parametrize("target", ["ens.npz", "ens_dir"])
@pytest.mark.parametrize("chunk", [3, None])
def test_streaming_to_disk_equals_in_memory(tmp_path, target, chunk):
    key = jax.random.key(3)
    dims = [5, 8, 2]
    path = save_ensemble(tmp_path / target, key, 10, dims, "torch_linear", chunk_size=chunk,
                         layout="flax", progress=False)
    ref = initax.ensemble(key, 10, dims, "torch_linear", layout="flax")
    names = {"params/Dense_0/kernel": ref["params"]["Dense_0"]["kernel"],
             "params/Dense_1/bias": ref["params"]["Dense_1"]["bias"]}
    if target.endswith(".npz"):
        loaded = np.load(path)
        assert sorted(loaded.files) == sorted(
            f"params/Dense_{i}/{k}" for i in range(2) for k in ("kernel", "bias"))
        got = {n: loaded[n] for n in names}
    else:
        got = {n: np.load(path / (n.replace("/", ".") + ".npy"), mmap_mode="r") for n in names}
    for n, v in names.items():
        np.testing.assert_array_equal(np.asarray(got[n]), np.asarray(v))


def test_ensemble_command(tmp_path, capsys):
    out = tmp_path / "e.npz"
    assert main(["ensemble", "--n", "7", "--dims", "4,3", "--out", str(out), "--chunk-size", "2",
                 "--no-cache"]) == 0
    z = np.load(out)
    np.testing.assert_array_equal(z["W1"], np.asarray(
        initax.ensemble(jax.random.key(0), 7, [4, 3])["W1"]))
    assert main(["ensemble", "--n", "0", "--dims", "4,3", "--no-cache"]) == 2
    assert "n must be an int >= 1" in capsys.readouterr().err


def test_persistent_compilation_cache(tmp_path):
    env = dict(os.environ, INITAX_CACHE_DIR=str(tmp_path / "cache"), JAX_PLATFORMS="cpu")
    cmd = [sys.executable, "-m", "initax", "show", "--dims", "6,5,3", "--scheme", "xavier"]
    first = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    entries = list((tmp_path / "cache").iterdir())
    assert entries, "the first run wrote no compiled programs"
    second = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert second.stdout == first.stdout
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == sorted(
        p.name for p in entries)  # second run found everything in the cache
    off = subprocess.run([*cmd, "--no-cache"], env=dict(env, INITAX_CACHE_DIR=str(tmp_path / "x")),
                         capture_output=True, text=True, timeout=120)
    assert off.returncode == 0 and not (tmp_path / "x").exists()

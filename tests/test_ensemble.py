"""initax.ensemble: bit-exact members for every chunk size, sharding, errors."""

import os
import subprocess
import sys
from pathlib import Path

import jax
import numpy as np
import pytest
from conftest import assert_trees_equal

import initax

DIMS = [5, 16, 16, 3]


@pytest.mark.parametrize("chunk_size", [None, 1, 3, 7])
@pytest.mark.parametrize("scheme", ["he", "torch_linear", "orthogonal"])
def test_member_i_equals_single_init(key, chunk_size, scheme):
    n = 10
    ens = initax.ensemble(key, n, DIMS, scheme, chunk_size=chunk_size)
    keys = jax.random.split(key, n)
    assert all(v.shape[0] == n for v in ens.values())
    for i in range(n):
        member = jax.tree.map(lambda x, i=i: x[i], ens)
        assert_trees_equal(member, initax.init(keys[i], DIMS, scheme))


def test_flax_layout_dtype_and_legacy_key():
    key = jax.random.PRNGKey(4)
    ens = initax.ensemble(key, 4, DIMS, "he", layout="flax", dtype="bfloat16", chunk_size=3)
    keys = jax.random.split(jax.random.key(4), 4)
    assert ens["params"]["Dense_0"]["kernel"].shape == (4, 5, 16)
    assert_trees_equal(jax.tree.map(lambda x: x[2], ens),
                       initax.init(keys[2], DIMS, "he", layout="flax", dtype="bfloat16"))


def test_deep_ensemble_with_stacked_groups(key):
    dims = [4] + [8] * 20 + [2]  # 19 equal layers: returned stacked, sliced outside
    ens = initax.ensemble(key, 3, dims, "he", chunk_size=2)
    keys = jax.random.split(key, 3)
    assert_trees_equal(jax.tree.map(lambda x: x[1], ens), initax.init(keys[1], dims, "he"))


def test_members_differ_and_follow_the_scheme(key):
    ens = initax.ensemble(key, 64, [200, 50], "he")
    w = np.asarray(ens["W1"])
    assert not np.array_equal(w[0], w[1])
    # 640,000 samples: relative s.e. of the variance is 0.18%, 2% band is > 10 s.e.
    assert abs(w.var() / (2 / 200) - 1) < 0.02


@pytest.mark.parametrize("impl", ["rbg", "unsafe_rbg"])
def test_rbg_keys_statistical(impl):
    ens = initax.ensemble(jax.random.key(0, impl=impl), 32, [200, 50], "he", chunk_size=5)
    w = np.asarray(ens["W1"])
    assert abs(w.var() / (2 / 200) - 1) < 0.03
    assert len({w[i].tobytes() for i in range(32)}) == 32


@pytest.mark.parametrize("n,exc,match", [
    (0, ValueError, r"n must be an int >= 1 \(the number of ensemble members\); got n=0"),
    (-3, ValueError, "n=-3"),
    (2.5, TypeError, "n must be an int >= 1"),
    (True, TypeError, "got bool True"),
])
def test_bad_n(key, n, exc, match):
    with pytest.raises(exc, match=match):
        initax.ensemble(key, n, DIMS)


@pytest.mark.parametrize("chunk", [0, -1, 1.5])
def test_bad_chunk_size(key, chunk):
    with pytest.raises((ValueError, TypeError), match="chunk_size must be an int >= 1 or None"):
        initax.ensemble(key, 4, DIMS, chunk_size=chunk)


def test_bad_sharding(key):
    with pytest.raises(TypeError, match="sharding must be None, a jax.sharding.Mesh"):
        initax.ensemble(key, 4, DIMS, sharding="gpu")
    mesh = jax.make_mesh((1,), ("m",))
    from jax.sharding import NamedSharding, PartitionSpec
    with pytest.raises(ValueError, match="must partition its first"):
        initax.ensemble(key, 4, DIMS, sharding=NamedSharding(mesh, PartitionSpec()))
    with pytest.raises(ValueError, match="cannot be used inside jax.jit"):
        jax.jit(lambda k: initax.ensemble(k, 4, DIMS, sharding=mesh))(key)
    with pytest.raises(TypeError, match="unexpected keyword arguments"):
        initax.ensemble(key, 4, DIMS, chunksize=2)


def test_sharded_over_8_host_devices():
    env = dict(os.environ, XLA_FLAGS="--xla_force_host_platform_device_count=8",
               JAX_PLATFORMS="cpu")
    script = Path(__file__).with_name("sharded_check.py")
    res = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True,
                         timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "SHARDED OK" in res.stdout

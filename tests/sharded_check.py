"""Run in a subprocess with 8 host devices (see test_ensemble.py)."""

import jax
import numpy as np
from jax.sharding import NamedSharding, PartitionSpec

import initax
from initax import _ensemble, _network

assert jax.device_count() == 8, jax.devices()
key = jax.random.key(0)
dims = [5, 16, 16, 3]
mesh = jax.make_mesh((8,), ("members",))
plain = initax.ensemble(key, 32, dims, "torch_linear")
for sharding in (mesh, NamedSharding(mesh, PartitionSpec("members"))):
    for chunk in (None, 3):
        ens = initax.ensemble(key, 32, dims, "torch_linear", sharding=sharding, chunk_size=chunk)
        for name, leaf in ens.items():
            np.testing.assert_array_equal(np.asarray(leaf), np.asarray(plain[name]))
            # member i lives on device i // 4: the leading axis is split over all 8 devices
            assert len(leaf.sharding.device_set) == 8, leaf.sharding
            shards = sorted(leaf.addressable_shards, key=lambda s: s.index[0].start)
            assert [s.index[0] for s in shards] == [slice(4 * i, 4 * i + 4) for i in range(8)]
            assert all(s.data.shape[0] == 4 for s in shards)

# No generated weights cross devices: the compiled program has no collectives.
k2, schemes, biases, plan = _network.prepare(key, dims, "he", None, "seed", "float32")
keys = jax.random.split(k2, 32)
kd = jax.device_put(jax.random.key_data(keys), NamedSharding(mesh, PartitionSpec("members")))
hlo = _ensemble._jits(jax.default_backend())[1].lower(
    kd, schemes, biases, plan, 4, mesh, ("members",), jax.random.key_impl(keys)
).compile().as_text()
for op in ("all-gather", "all-reduce", "all-to-all", "collective-permute", "reduce-scatter"):
    assert op not in hlo, op

# errors
for bad, exc in ((30, ValueError),):
    try:
        initax.ensemble(key, bad, dims, sharding=mesh)
    except exc as e:
        assert "multiple of the 8 devices" in str(e), e
    else:
        raise AssertionError("n=30 over 8 devices was accepted")
print("SHARDED OK")

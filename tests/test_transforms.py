"""jit, vmap over keys and over sigma, and no re-trace on repeated calls."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from conftest import assert_trees_equal

import initax
from initax import _network
from initax import initializers as I

DIMS = [5, 8, 3]


def traces(fn):
    before = _network._trace_count
    fn()
    return _network._trace_count - before


@pytest.mark.parametrize("scheme", ["he", "torch_linear", "orthogonal", "gaussian:2"])
def test_vmap_over_keys_equals_loop(key, scheme):
    keys = jax.random.split(key, 6)
    batched = jax.vmap(lambda k: initax.init(k, DIMS, scheme))(keys)
    for i in range(6):
        single = initax.init(keys[i], DIMS, scheme)
        assert_trees_equal(jax.tree.map(lambda x, i=i: x[i], batched), single)


@pytest.mark.parametrize("scheme", ["he", "he_normal", "glorot_uniform", "orthogonal",
                                    "torch_linear", "gaussian:3"])
def test_under_user_jit_equals_direct_call(key, scheme):
    """initax compiles its own programs at LLVM -O1 on CPU; a user's jit uses the
    default level. The bits must not depend on it."""
    f = jax.jit(lambda k: initax.init(k, DIMS, scheme, layout="flax"))
    assert_trees_equal(f(key), initax.init(key, DIMS, scheme, layout="flax"))
    g = jax.jit(lambda k: initax.ensemble(k, 5, DIMS, scheme, chunk_size=2))
    assert_trees_equal(g(key), initax.ensemble(key, 5, DIMS, scheme, chunk_size=2))


def test_vmap_over_sigma(key):
    sigmas = jnp.array([0.5, 1.0, 10.0])
    batched = jax.vmap(lambda s: initax.gaussian(key, DIMS, sigma=s))(sigmas)
    assert batched["W1"].shape == (3, 8, 5)
    for i, s in enumerate([0.5, 1.0, 10.0]):
        np.testing.assert_allclose(
            np.asarray(batched["W1"][i]), np.asarray(initax.gaussian(key, DIMS, sigma=s)["W1"]),
            rtol=1e-6,
        )


def test_vmap_over_scale_hyperparameter(key):
    scales = jnp.array([1.0, 3.0])
    w = jax.vmap(lambda s: initax.init(key, [16, 16], I.orthogonal(s))["W1"])(scales)
    np.testing.assert_allclose(np.asarray(w[1]), 3 * np.asarray(w[0]), rtol=1e-5)


def test_repeated_equal_calls_never_retrace(key):
    initax.he(key, DIMS)
    assert traces(lambda: initax.he(key, DIMS)) == 0
    assert traces(lambda: initax.he(jax.random.key(9), DIMS)) == 0
    assert traces(lambda: initax.he(jax.random.PRNGKey(9), DIMS)) == 0
    initax.init(key, DIMS, I.he_normal())
    assert traces(lambda: initax.init(key, DIMS, I.he_normal())) == 0  # fresh but equal
    initax.gaussian(key, DIMS, sigma=0.1)
    assert traces(lambda: initax.gaussian(key, DIMS, sigma=0.3)) == 0  # sigma is traced
    assert traces(lambda: initax.init(key, DIMS, ["he", "he"])) == 0  # same plan as "he"
    # something that does change the program does trace
    assert traces(lambda: initax.he(key, [5, 8, 4])) == 1


def test_initializers_are_values():
    assert I.he_normal() == I.he_normal() and hash(I.he_normal()) == hash(I.he_normal())
    assert I.gaussian(0.1) == I.gaussian(0.1) and I.gaussian(0.1) != I.gaussian(0.2)
    assert I.he_normal() != I.lecun_normal()
    assert "gaussian" in repr(I.gaussian(0.1)) and "0.1" in repr(I.gaussian(0.1))
    assert "scale=2.0" in repr(I.he_normal()) and "fan_in" in repr(I.he_normal())
    assert I.kaiming_normal() == I.he_normal()


def test_array_initializer_jit_and_vmap():
    init = I.he_normal()
    k = jax.random.key(0)
    jitted = jax.jit(init, static_argnums=(1, 2))(k, (30, 20), jnp.float32)
    np.testing.assert_array_equal(np.asarray(jitted), np.asarray(init(k, (30, 20))))
    keys = jax.random.split(k, 4)
    batched = jax.jit(jax.vmap(lambda kk: init(kk, (30, 20))))(keys)
    for i in range(4):
        np.testing.assert_array_equal(
            np.asarray(batched[i]), np.asarray(jax.jit(lambda kk: init(kk, (30, 20)))(keys[i]))
        )

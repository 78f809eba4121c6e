"""Network level: shapes, dtypes, layouts, keys and the pinned key derivation."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from conftest import assert_trees_equal

import initax

DIMS = [3, 4, 2]
SHORTHANDS = [
    (initax.zeros, "zeros", {}),
    (initax.xavier, "xavier", {}),
    (initax.he, "he", {}),
]


def test_classic_shapes_and_dtype(key):
    p = initax.he(key, DIMS)
    assert list(p) == ["W1", "b1", "W2", "b2"]
    assert {k: v.shape for k, v in p.items()} == {
        "W1": (4, 3), "b1": (4, 1), "W2": (2, 4), "b2": (2, 1)
    }
    assert all(v.dtype == jnp.float32 for v in p.values())
    assert not np.any(np.asarray(p["b1"]))


@pytest.mark.parametrize("fn,name,extra", SHORTHANDS)
def test_shorthands_are_init_bit_for_bit(key, fn, name, extra):
    for kw in ({}, {"layout": "flax"}, {"dtype": jnp.bfloat16}, {"bias": 0.5}):
        assert_trees_equal(fn(key, DIMS, **kw), initax.init(key, DIMS, name, **kw))


def test_gaussian_shorthand_is_init_with_sigma(key):
    a = initax.gaussian(key, DIMS, sigma=3.0)
    assert_trees_equal(a, initax.init(key, DIMS, initax.initializers.gaussian(3.0)))
    assert_trees_equal(a, initax.init(key, DIMS, "gaussian:3"))
    assert_trees_equal(initax.gaussian(key, DIMS), initax.init(key, DIMS, "gaussian"))


def test_zeros_is_all_zero(key):
    p = initax.zeros(key, [5, 6, 3])
    assert all(not np.any(np.asarray(v)) for v in p.values())


def test_golden_key_derivation(key):
    """Pins the documented derivation: split(key, L)[l-1] -> split -> (k_W, k_b), and
    W_l drawn in the classic (n_l, n_{l-1}) orientation."""
    p = initax.he(key, [3, 4, 2])
    layer_keys = jax.random.split(key, 2)
    for l, (n_in, n_out) in enumerate([(3, 4), (4, 2)], start=1):
        k_w, _ = jax.random.split(layer_keys[l - 1])
        w = jax.jit(lambda k, n_in=n_in, n_out=n_out: jax.random.normal(
            k, (n_out, n_in)) * jnp.sqrt(jnp.float32(2.0 / n_in)))(k_w)
        np.testing.assert_array_equal(np.asarray(p[f"W{l}"]), np.asarray(w))


def test_golden_values(key):
    """The actual numbers for key(0), [3, 4, 2], he: a change here breaks user seeds."""
    w1 = np.array([
        [-0.46930605, 0.6530639, -0.21196812],
        [1.1674864, -0.4276829, -1.4247975],
        [-0.70900196, 0.17142487, -0.56323874],
        [-0.6516678, 0.21839927, 0.35433885],
    ], np.float32)
    np.testing.assert_allclose(np.asarray(initax.he(key, DIMS)["W1"]), w1, rtol=1e-6)


@pytest.mark.parametrize("scheme", ["he", "torch_linear", "orthogonal", "glorot_uniform"])
def test_flax_layout_is_a_view(key, scheme):
    seed = initax.init(key, [5, 7, 7, 3], scheme)
    flax = initax.init(key, [5, 7, 7, 3], scheme, layout="flax")
    assert list(flax) == ["params"]
    dense = flax["params"]
    assert list(dense) == ["Dense_0", "Dense_1", "Dense_2"]
    for i in range(3):
        k, b = dense[f"Dense_{i}"]["kernel"], dense[f"Dense_{i}"]["bias"]
        assert k.shape == seed[f"W{i + 1}"].shape[::-1] and b.ndim == 1
        np.testing.assert_array_equal(np.asarray(k), np.asarray(seed[f"W{i + 1}"]).T)
        np.testing.assert_array_equal(np.asarray(b), np.asarray(seed[f"b{i + 1}"]).ravel())


@pytest.mark.parametrize("dtype", [jnp.float32, jnp.bfloat16, jnp.float16])
@pytest.mark.parametrize("scheme", ["he", "orthogonal", "he_normal", "torch_linear", "gaussian:10"])
def test_dtypes_not_upcast_and_finite(key, dtype, scheme):
    p = initax.init(key, [1, 2048, 1], scheme, dtype=dtype)
    for v in p.values():
        assert v.dtype == dtype
        assert np.all(np.isfinite(np.asarray(v.astype(jnp.float32))))


def test_half_precision_matches_float32_draw(key):
    """Half precision is the float32 draw, cast (so tiny variances keep their digits)."""
    f32 = initax.he(key, [4096, 8])
    f16 = initax.he(key, [4096, 8], dtype=jnp.float16)
    np.testing.assert_array_equal(np.asarray(f16["W1"]), np.asarray(f32["W1"].astype(jnp.float16)))


def test_float64_under_x64_and_default_stays_float32(key):
    with jax.enable_x64(True):
        p64 = initax.he(key, DIMS, dtype=jnp.float64)
        p32 = initax.he(key, DIMS)
    assert p64["W1"].dtype == jnp.float64
    assert p32["W1"].dtype == jnp.float32
    # float64 draws from 64-bit random bits, so its values differ from float32's.
    assert p64["W1"].shape == (4, 3) and np.all(np.isfinite(np.asarray(p64["W1"])))


def test_legacy_and_typed_keys_agree():
    assert_trees_equal(initax.he(jax.random.PRNGKey(7), DIMS), initax.he(jax.random.key(7), DIMS))


@pytest.mark.parametrize("impl", ["threefry2x32", "rbg", "unsafe_rbg"])
def test_any_key_impl(impl):
    k = jax.random.key(3, impl=impl)
    p = initax.he(k, [64, 64])
    assert p["W1"].shape == (64, 64)
    assert 0.5 < float(jnp.var(p["W1"])) * 64 / 2 < 1.5
    assert_trees_equal(p, initax.he(k, [64, 64]))


def test_dims_of_one_and_wide_layers(key):
    p = initax.he(key, [1, 1, 1])
    assert p["W1"].shape == (1, 1) and np.isfinite(float(p["W1"][0, 0]))
    p = initax.xavier(key, [100_000, 2], dtype=jnp.float16)
    assert np.all(np.isfinite(np.asarray(p["W1"], np.float32)))
    assert np.any(np.asarray(p["W1"]) != 0)  # 1/fan_in did not underflow to zero


def test_per_layer_schemes(key):
    dims = [6, 8, 8, 3]
    mixed = initax.init(key, dims, ["he", "he", "xavier"])
    he = initax.init(key, dims, "he")
    xav = initax.init(key, dims, "xavier")
    for k in ("W1", "W2"):
        np.testing.assert_array_equal(np.asarray(mixed[k]), np.asarray(he[k]))
    np.testing.assert_array_equal(np.asarray(mixed["W3"]), np.asarray(xav["W3"]))


def test_bias_options(key):
    dims = [5, 6, 2]
    assert np.all(np.asarray(initax.he(key, dims, bias=0.1)["b1"]) == np.float32(0.1))
    own = initax.init(key, dims, "torch_linear")
    assert np.all(np.abs(np.asarray(own["b1"])) <= 1 / np.sqrt(5))
    assert np.any(np.asarray(own["b1"]) != 0)
    b = initax.init(key, dims, "he", bias=initax.initializers.normal(1.0))["b2"]
    assert b.shape == (2, 1) and np.any(np.asarray(b) != 0)


def test_deep_networks_group_layers_with_same_bits(key):
    """Equal-shaped layers are drawn together; the bits equal layer-by-layer draws."""
    dims = [7] + [16] * 40 + [3]
    p = initax.he(key, dims)
    layer_keys = jax.random.split(key, len(dims) - 1)
    for l in (1, 2, 20, 40, 41):
        k_w, _ = jax.random.split(layer_keys[l - 1])
        n_in, n_out = dims[l - 1], dims[l]
        ref = jax.jit(lambda k, a=n_in, b=n_out: jax.random.normal(k, (b, a)) *
                      jnp.sqrt(jnp.float32(2.0 / a)))(k_w)
        np.testing.assert_array_equal(np.asarray(p[f"W{l}"]), np.asarray(ref))


def test_schemes_listing():
    assert {"zeros", "gaussian", "xavier", "he", "torch_linear", "flax_dense",
            "keras_dense", "orthogonal", "he_normal", "glorot_normal"} <= set(initax.SCHEMES)
    assert all(isinstance(d, str) and d for d in initax.SCHEMES.values())
    for name in initax.SCHEMES:
        if name == "lsuv":  # data-dependent: initax.lsuv, tested in test_literature.py
            continue
        p = initax.init(jax.random.key(1), [4, 3], name)
        assert p["W1"].shape == (3, 4)


def test_deep_layers_survive_their_stacked_buffer(key):
    """Layers of a large group are cut from one stacked buffer (on CPU through a NumPy
    view); they must stay valid after every other reference is gone and the memory is
    reused, and they can be donated."""
    import gc

    dims = [16] * 30
    p = initax.he(key, dims)
    ref = {n: np.array(v) for n, v in p.items()}
    for _ in range(3):
        initax.he(jax.random.key(5), dims)
        gc.collect()
    junk = [jnp.full((16, 16), float(i)) for i in range(500)]
    assert all(np.array_equal(np.asarray(p[n]), ref[n]) for n in p)
    doubled = jax.jit(lambda x: x * 2, donate_argnums=0)(p["W7"])
    np.testing.assert_array_equal(np.asarray(doubled), 2 * ref["W7"])
    del junk

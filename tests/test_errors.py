"""Every bad input of DESIGN.md section 4 fails at call time with a clear message."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import initax
from initax import initializers as I

K = jax.random.key(0)


@pytest.mark.parametrize("dims,exc,match", [
    ([3], ValueError, r"at least two layer sizes.*\[3\]"),
    ([], ValueError, "at least two"),
    ([3, 0, 2], ValueError, r"layers_dims\[1\] must be a positive int; got 0"),
    ([3, -4, 2], ValueError, r"layers_dims\[1\].*-4"),
    ([3, 4.5, 2], ValueError, r"layers_dims\[1\] must be a positive int; got float 4.5"),
    ([3, True, 2], ValueError, r"layers_dims\[1\] must be a positive int; got bool True"),
    ("342", TypeError, "sequence of at least two positive ints"),
    (5, TypeError, "layers_dims must be a sequence"),
])
def test_bad_dims(dims, exc, match):
    with pytest.raises(exc, match=match):
        initax.he(K, dims)


def test_integral_floats_are_accepted():
    assert initax.he(K, [3.0, np.int64(4), 2])["W1"].shape == (4, 3)


def test_unknown_scheme_lists_names():
    with pytest.raises(ValueError, match=r"scheme='hee' is not a registered scheme.*he, he_normal"):
        initax.init(K, [3, 4], "hee")
    with pytest.raises(TypeError, match="scheme must be a scheme name"):
        initax.init(K, [3, 4], 3)
    with pytest.raises(ValueError, match="must be a number"):
        initax.init(K, [3, 4], "gaussian:big")


def test_per_layer_list_of_wrong_length():
    with pytest.raises(ValueError, match=r"exactly one entry per layer \(2 for these layer dims\); "
                                         r"got 3"):
        initax.init(K, [3, 4, 2], ["he", "he", "xavier"])
    with pytest.raises(ValueError, match=r"scheme\[1\]='nope'"):
        initax.init(K, [3, 4, 2], ["he", "nope"])


@pytest.mark.parametrize("sigma", [-0.1, float("nan")])
def test_negative_sigma(sigma):
    with pytest.raises(ValueError, match=r"sigma must be a non-negative real number; got sigma="):
        initax.gaussian(K, [3, 4], sigma=sigma)
    with pytest.raises(ValueError, match="sigma"):
        I.gaussian(sigma)


def test_negative_scales():
    with pytest.raises(ValueError, match="stddev=-1"):
        I.normal(-1)
    with pytest.raises(ValueError, match="scale=-2"):
        I.orthogonal(-2)
    with pytest.raises(ValueError, match="mode must be one of"):
        I.variance_scaling(1.0, "fan_all", "normal")
    with pytest.raises(ValueError, match="distribution must be one of"):
        I.variance_scaling(1.0, "fan_in", "cauchy")


@pytest.mark.parametrize("dtype", [jnp.int32, "int8", bool, jnp.complex64])
def test_non_floating_dtype(dtype):
    with pytest.raises(TypeError, match="dtype must be a floating dtype"):
        initax.he(K, [3, 4], dtype=dtype)


def test_float64_without_x64():
    if jax.config.jax_enable_x64:
        pytest.skip("x64 enabled globally")
    with pytest.raises(ValueError, match="jax_enable_x64"):
        initax.he(K, [3, 4], dtype=jnp.float64)


def test_bad_dtype_name():
    with pytest.raises(TypeError, match="dtype must be a floating dtype.*'floaty'"):
        initax.he(K, [3, 4], dtype="floaty")


def test_unknown_layout():
    with pytest.raises(ValueError, match=r"layout must be one of \('seed', 'flax'\); got "
                                         r"layout='torch'"):
        initax.he(K, [3, 4], layout="torch")


@pytest.mark.parametrize("key", [0, 42, 1.5, True, np.int32(3)])
def test_plain_int_key_refused(key):
    with pytest.raises(TypeError, match=r"jax\.random\.key"):
        initax.he(key, [3, 4])


def test_key_arrays_refused_outside_vmap():
    with pytest.raises(ValueError, match=r"single PRNG key of shape \(\).*jax.vmap"):
        initax.he(jax.random.split(K, 3), [3, 4])
    with pytest.raises(TypeError, match="PRNG key"):
        initax.he(jnp.zeros(2, jnp.float32), [3, 4])


def test_unknown_keyword():
    with pytest.raises(TypeError, match="layot"):
        initax.he(K, [3, 4], layot="flax")


def test_bad_bias():
    with pytest.raises(TypeError, match="bias must be"):
        initax.he(K, [3, 4], bias=True)
    with pytest.raises(ValueError, match="bias='nope'"):
        initax.he(K, [3, 4], bias="nope")


def test_gain_bad_param():
    with pytest.raises(ValueError, match="param must be a number"):
        I.gain("leaky_relu", "x")

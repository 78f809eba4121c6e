"""LSUV, ZerO, sparse, identity and orthogonal-with-gain: each on its defining property."""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import stats

import initax
from initax import initializers as I
from initax.diagnostics import depth_profile, layer_stats

# ------------------------------------------------------------------ LSUV


@pytest.mark.parametrize("hidden", ["relu", "tanh"])
@pytest.mark.parametrize("center", [False, True])
def test_lsuv_unit_variance_on_the_batch(hidden, center):
    dims = [20, 64, 64, 64, 10]
    x = jax.random.normal(jax.random.key(1), (20, 256))
    p, iters = initax.lsuv(jax.random.key(0), dims, x, hidden=hidden, tol=0.01, center=center,
                           return_iters=True)
    z_var = np.asarray(layer_stats(p, x, hidden=hidden)["z_std"]) ** 2
    assert np.all(np.abs(z_var - 1) < 0.01), z_var
    assert np.all(np.asarray(iters) >= 1) and np.all(np.asarray(iters) <= 10)
    if center:
        z1 = np.asarray(p["W1"]) @ np.asarray(x) + np.asarray(p["b1"])
        np.testing.assert_allclose(z1.mean(axis=1), 0, atol=1e-5)
    # A fresh batch from the same distribution: 64 units x 2048 examples per layer;
    # the sampling error of the variance is a few percent, so a 25% band is loose.
    fresh = jax.random.normal(jax.random.key(7), (20, 2048))
    z_var = np.asarray(layer_stats(p, fresh, hidden=hidden)["z_std"]) ** 2
    assert np.all(np.abs(z_var - 1) < 0.25), z_var


def test_lsuv_jit_vmap_and_layout():
    dims = [8, 32, 32, 4]
    x = jax.random.normal(jax.random.key(1), (8, 128))
    keys = jax.random.split(jax.random.key(0), 3)
    batched = jax.vmap(lambda k: initax.lsuv(k, dims, x))(keys)
    for i in range(3):
        one = initax.lsuv(keys[i], dims, x)
        for name in one:
            np.testing.assert_allclose(np.asarray(batched[name][i]), np.asarray(one[name]),
                                       rtol=1e-5, atol=1e-7)
    flax = initax.lsuv(keys[0], dims, x, layout="flax")
    seed = initax.lsuv(keys[0], dims, x)
    np.testing.assert_array_equal(np.asarray(flax["params"]["Dense_1"]["kernel"]),
                                  np.asarray(seed["W2"]).T)


def test_lsuv_errors():
    x = jnp.ones((8, 4))
    with pytest.raises(ValueError, match=r"x must have shape \(n_0, m\) = \(5, m\)"):
        initax.lsuv(jax.random.key(0), [5, 3], x)
    with pytest.raises(ValueError, match="tol must be a positive number"):
        initax.lsuv(jax.random.key(0), [8, 3], x, tol=0)
    with pytest.raises(ValueError, match="max_iters must be an int >= 1"):
        initax.lsuv(jax.random.key(0), [8, 3], x, max_iters=0)
    with pytest.raises(ValueError, match=r"data-dependent: call initax.lsuv"):
        initax.init(jax.random.key(0), [8, 3], "lsuv")


@pytest.mark.parametrize("hidden", ["tanh", "relu"])
def test_lsuv_keeps_signal_through_50_layers(hidden):
    st = depth_profile(jax.random.key(0), "lsuv", 50, 256, hidden=hidden, batch=1000)
    a = np.asarray(st["a_std"])
    assert 0.5 < a[-1] / a[0] < 2, a
    assert np.all(np.isfinite(a)) and a.min() > 0.1


# ------------------------------------------------------------------ ZerO

C2 = 2 ** -0.5  # c = 2^{-(m-1)/2} with m = 2


@pytest.mark.parametrize("shape,expected", [
    ((3, 3), np.eye(3)),
    ((2, 4), [[1, 0, 0, 0], [0, 1, 0, 0]]),
    ((4, 2), C2 * np.array([[1, 1], [1, -1], [1, 1], [1, -1]])),  # H_2[:4, :2]
    ((3, 2), C2 * np.array([[1, 1], [1, -1], [1, 1]])),  # m = ceil(log2 3) = 2
    ((5, 3), 0.5 * np.array([[1, 1, 1], [1, -1, 1], [1, 1, -1], [1, -1, -1],
                             [1, 1, 1]])),  # m = 3, c = 1/2, H_3 = [[H_2, H_2], [H_2, -H_2]]
])
def test_zero_matches_the_paper_by_hand(shape, expected):
    out, inp = shape
    p = initax.init(jax.random.key(0), [inp, out], "zero")
    np.testing.assert_allclose(np.asarray(p["W1"]), np.asarray(expected, np.float32), rtol=1e-6)
    assert not np.any(np.asarray(p["b1"]))
    k = I.zero()(jax.random.key(0), (inp, out))  # array level: the Flax kernel
    np.testing.assert_allclose(np.asarray(k), np.asarray(expected, np.float32).T, rtol=1e-6)


def test_zero_hadamard_block_is_sylvester():
    from initax._schemes import hadamard_block

    h = np.array([[1.0]])
    for _ in range(4):
        h = np.block([[h, h], [h, -h]])
    np.testing.assert_array_equal(np.asarray(hadamard_block(16, 16)), h)


def test_zero_ensemble_members_identical():
    ens = initax.ensemble(jax.random.key(0), 4, [3, 8, 2], "zero")
    assert np.all(np.asarray(ens["W1"]) == np.asarray(ens["W1"][0]))


# ---------------------------------------------------------------- sparse


def test_sparse_exactly_k_per_unit_and_normal_values():
    out, inp = 2000, 400
    w = np.asarray(initax.init(jax.random.key(0), [inp, out], "sparse")["W1"])  # (out, in)
    assert w.shape == (out, inp)
    assert np.all((w != 0).sum(axis=1) == 15)
    vals = w[w != 0]
    # 30,000 N(0, 1) values: KS p > 1e-4; variance s.e. 0.8%, band 5%
    assert stats.kstest(vals, "norm").pvalue > 1e-4
    assert abs(vals.var() - 1) < 0.05
    # positions uniform over inputs: 75 expected per input, chi-square test
    counts = (w != 0).sum(axis=0)
    assert stats.chisquare(counts).pvalue > 1e-4


def test_sparse_k_capped_and_param():
    w = np.asarray(initax.init(jax.random.key(0), [6, 50], "sparse")["W1"])
    assert np.all((w != 0).sum(axis=1) == 6)
    w = np.asarray(initax.init(jax.random.key(0), [40, 50], "sparse:3")["W1"])
    assert np.all((w != 0).sum(axis=1) == 3)
    with pytest.raises(ValueError, match="k must be a positive int"):
        I.sparse(2.5)


def test_torch_sparse_zeros_per_column():
    out, inp = 1000, 300
    w = np.asarray(initax.init(jax.random.key(0), [inp, out], "torch_sparse:0.3")["W1"])
    assert np.all((w == 0).sum(axis=0) == math.ceil(0.3 * out))
    vals = w[w != 0]
    assert stats.kstest(vals, stats.norm(0, 0.01).cdf).pvalue > 1e-4
    with pytest.raises(ValueError, match="sparsity must be a number in"):
        I.torch_sparse(1.5)


# ------------------------------------------------------ identity, orthogonal


@pytest.mark.parametrize("dims", [[4, 4], [3, 5], [5, 3]])
def test_identity_is_the_identity(dims):
    p = initax.init(jax.random.key(0), dims, "identity:2")
    np.testing.assert_array_equal(np.asarray(p["W1"]), 2 * np.eye(dims[1], dims[0]))
    f = initax.init(jax.random.key(0), dims, "identity", layout="flax")
    np.testing.assert_array_equal(np.asarray(f["params"]["Dense_0"]["kernel"]),
                                  np.eye(dims[0], dims[1]))
    x = jax.random.normal(jax.random.key(1), (4, 7))
    sq = initax.init(jax.random.key(0), [4, 4, 4], "identity")
    np.testing.assert_allclose(np.asarray(initax.mlp.apply(sq, x, hidden="linear")),
                               np.asarray(x))


@pytest.mark.parametrize("dims", [[64, 64], [32, 96], [96, 32]])
@pytest.mark.parametrize("gain", [1.0, 2.0])
def test_orthogonal_with_gain_at_network_level(dims, gain):
    w = np.asarray(initax.init(jax.random.key(0), dims, f"orthogonal:{gain}")["W1"], np.float64)
    short = w @ w.T if w.shape[0] <= w.shape[1] else w.T @ w
    np.testing.assert_allclose(short, gain**2 * np.eye(min(w.shape)), atol=1e-4 * gain**2)


def test_new_schemes_are_listed():
    for name in ("lsuv", "zero", "sparse", "torch_sparse", "identity", "orthogonal"):
        assert name in initax.SCHEMES

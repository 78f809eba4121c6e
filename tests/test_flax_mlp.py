"""initax params in Flax, and the classic forward pass."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import initax

nn = pytest.importorskip("flax.linen")


class MLP(nn.Module):
    widths: tuple

    @nn.compact
    def __call__(self, x):
        for i, w in enumerate(self.widths):
            x = nn.Dense(w)(x)
            if i < len(self.widths) - 1:
                x = nn.relu(x)
        return x


def test_flax_layout_runs_in_linen_mlp_like_mlp_apply(key):
    dims = [6, 16, 8, 3]
    model = MLP(tuple(dims[1:]))
    x = jax.random.normal(jax.random.key(1), (10, dims[0]))
    ref_vars = model.init(jax.random.key(2), x)
    variables = initax.init(key, dims, "he", layout="flax")
    assert jax.tree.structure(variables) == jax.tree.structure(ref_vars)
    assert jax.tree.map(jnp.shape, variables) == jax.tree.map(jnp.shape, ref_vars)
    y_flax = model.apply(variables, x)  # (m, n_L)
    y_seed = initax.mlp.apply(initax.init(key, dims, "he"), x.T, hidden="relu")  # (n_L, m)
    np.testing.assert_allclose(np.asarray(y_flax), np.asarray(y_seed).T, rtol=2e-5, atol=2e-6)
    # mlp.apply also takes the flax layout directly
    np.testing.assert_allclose(
        np.asarray(initax.mlp.apply(variables, x.T)), np.asarray(y_seed), rtol=1e-6
    )


def test_array_initializer_as_kernel_init():
    layer = nn.Dense(300, kernel_init=initax.initializers.he_normal())
    v = layer.init(jax.random.key(0), jnp.ones((1, 500)))
    k = np.asarray(v["params"]["kernel"])
    assert k.shape == (500, 300)
    assert abs(k.var() / (2 / 500) - 1) < 0.03  # variance 2/fan_in, see test_distributions
    torch_like = nn.Dense(
        300,
        kernel_init=initax.initializers.torch_linear(),
        bias_init=initax.initializers.torch_linear_bias(500),
    )
    v = torch_like.init(jax.random.key(0), jnp.ones((1, 500)))
    assert np.abs(np.asarray(v["params"]["bias"])).max() <= 1 / np.sqrt(500)
    assert np.asarray(v["params"]["bias"]).std() > 0


def test_mlp_apply_math(key):
    p = initax.he(key, [3, 4, 2])
    x = jax.random.normal(jax.random.key(3), (3, 5))
    a1 = np.maximum(np.asarray(p["W1"]) @ np.asarray(x) + np.asarray(p["b1"]), 0)
    z2 = np.asarray(p["W2"]) @ a1 + np.asarray(p["b2"])
    out = initax.mlp.apply(p, x, hidden="relu", output="sigmoid")
    np.testing.assert_allclose(np.asarray(out), 1 / (1 + np.exp(-z2)), rtol=1e-5)
    with pytest.raises(ValueError, match="hidden='rleu' is not a known activation"):
        initax.mlp.apply(p, x, hidden="rleu")


def test_layout_conversions_are_inverse(key):
    seed = initax.init(key, [5, 7, 3], "he")
    flax = initax.init(key, [5, 7, 3], "he", layout="flax")
    for a, b in ((initax.mlp.to_flax_layout(seed), flax),
                 (initax.mlp.to_seed_layout(flax), seed)):
        assert jax.tree.structure(a) == jax.tree.structure(b)
        for x, y in zip(jax.tree.leaves(a), jax.tree.leaves(b), strict=True):
            np.testing.assert_array_equal(np.asarray(x), np.asarray(y))

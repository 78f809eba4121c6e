"""initax.reinit on Flax linen/NNX, Equinox, Haiku-style and plain trees."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from conftest import assert_trees_equal

import initax

# Variance band: the selected leaves have >= 60,000 entries; the relative s.e. of a
# sample variance is sqrt(2/N) <= 0.6%, so +-4% is > 6 s.e. (false failure < 1e-9)
# while a swapped fan (300 vs 200: 33% off) or a 10% scale error (21%) fails.
BAND = 0.04


def var_ok(x, target):
    return abs(float(np.var(np.asarray(x, np.float64))) / target - 1) < BAND


def haiku_params():
    k = jax.random.split(jax.random.key(9), 4)
    return {
        "linear": {"w": jax.random.normal(k[0], (300, 200)), "b": jnp.ones(200)},
        "linear_1": {"w": jax.random.normal(k[1], (200, 400)), "b": jnp.ones(400)},
        "step": jnp.array(3, jnp.int32),
    }


def test_default_rules_on_haiku_dict(key):
    p = haiku_params()
    q = initax.reinit(key, p)
    assert jax.tree.structure(q) == jax.tree.structure(p)
    assert var_ok(q["linear"]["w"], 2 / 300) and var_ok(q["linear_1"]["w"], 2 / 200)
    assert not np.any(np.asarray(q["linear"]["b"]))
    assert q["step"] is p["step"]  # non-float leaves untouched


def test_rules_first_match_wins_and_others_untouched(key):
    p = haiku_params()
    q = initax.reinit(key, p, {"linear_1/*": "zeros", "*/w": "xavier"})
    assert not np.any(np.asarray(q["linear_1"]["w"]))
    assert not np.any(np.asarray(q["linear_1"]["b"]))
    assert var_ok(q["linear"]["w"], 1 / 300)
    assert q["linear"]["b"] is p["linear"]["b"]  # no rule selected it


def test_paths_are_stable_under_adding_a_layer(key):
    p = haiku_params()
    bigger = dict(p, linear_2={"w": jnp.ones((400, 5)), "b": jnp.ones(5)})
    q1 = initax.reinit(key, p)
    q2 = initax.reinit(key, bigger)
    for name in ("linear", "linear_1"):
        np.testing.assert_array_equal(np.asarray(q1[name]["w"]), np.asarray(q2[name]["w"]))


def test_jit_and_vmap_equal_eager(key):
    p = haiku_params()
    eager = initax.reinit(key, p)
    assert_trees_equal(jax.jit(initax.reinit)(key, p), eager)
    stacked = jax.tree.map(lambda x: jnp.stack([x, x, x]), p)
    keys = jax.random.split(key, 3)
    batched = jax.vmap(initax.reinit)(keys, stacked)
    for i in range(3):
        assert_trees_equal(jax.tree.map(lambda x, i=i: x[i], batched),
                           initax.reinit(keys[i], p))


def test_keeps_dtype_and_sharding(key):
    p = {"Dense_0": {"kernel": jnp.ones((64, 32), jnp.bfloat16), "bias": jnp.ones(32, jnp.float16)}}
    q = initax.reinit(key, p)
    assert q["Dense_0"]["kernel"].dtype == jnp.bfloat16
    assert q["Dense_0"]["bias"].dtype == jnp.float16
    assert q["Dense_0"]["kernel"].sharding == p["Dense_0"]["kernel"].sharding


def test_errors_name_paths(key):
    p = haiku_params()
    with pytest.raises(ValueError, match=r"\['\*/kernel'\] matched no floating leaf; the paths "
                                         r"are: \['linear/b', 'linear/w'"):
        initax.reinit(key, p, {"*/kernel": "he"})
    with pytest.raises(ValueError, match=r"cannot initialize 'linear/b'.*rank >= 2.*\(200,\)"):
        initax.reinit(key, p, {"*": "he"})
    with pytest.raises(ValueError, match="layout must be one of"):
        initax.reinit(key, p, layout="keras")
    with pytest.raises(ValueError, match="not a registered scheme"):
        initax.reinit(key, p, {"*/w": "hee"})
    with pytest.raises(TypeError, match="rules must be an ordered mapping"):
        initax.reinit(key, p, "he")


def test_flax_linen_variables(key):
    nn = pytest.importorskip("flax.linen")

    class MLP(nn.Module):
        @nn.compact
        def __call__(self, x):
            x = nn.relu(nn.Dense(200)(x))  # Dense_0 (created first)
            return nn.Dense(10)(x)  # Dense_1

    v = MLP().init(jax.random.key(1), jnp.ones((1, 300)))
    q = initax.reinit(key, v, {"params/Dense_0/kernel": "he", "*bias": 0.5})
    assert var_ok(q["params"]["Dense_0"]["kernel"], 2 / 300)
    assert q["params"]["Dense_1"]["kernel"] is v["params"]["Dense_1"]["kernel"]
    assert np.all(np.asarray(q["params"]["Dense_1"]["bias"]) == 0.5)
    MLP().apply(q, jnp.ones((2, 300)))  # still a valid variables dict


def test_flax_nnx_state(key):
    nnx = pytest.importorskip("flax.nnx")

    class M(nnx.Module):
        def __init__(self, rngs):
            self.a = nnx.Linear(300, 200, rngs=rngs)
            self.b = nnx.Linear(200, 400, rngs=rngs)

    m = M(nnx.Rngs(0))
    state = nnx.state(m, nnx.Param)
    new = initax.reinit(key, state)
    nnx.update(m, new)
    assert var_ok(m.a.kernel[...], 2 / 300) and var_ok(m.b.kernel[...], 2 / 200)
    assert not np.any(np.asarray(m.a.bias[...]))


def test_equinox_module(key):
    eqx = pytest.importorskip("equinox")
    mlp = eqx.nn.MLP(300, 400, 200, depth=1, key=jax.random.key(2))
    new = initax.reinit(key, mlp)
    assert isinstance(new, eqx.nn.MLP)
    # Equinox weights are (out, in): fans must come from axis 1
    assert new.layers[0].weight.shape == (200, 300)
    assert var_ok(new.layers[0].weight, 2 / 300) and var_ok(new.layers[1].weight, 2 / 200)
    assert not np.any(np.asarray(new.layers[1].bias))
    # explicit layout overrides the name: "jax" reads (200, 300) as (in, out)
    wrong = initax.reinit(key, mlp, layout="jax")
    assert var_ok(wrong.layers[0].weight, 2 / 200)


def test_seed_layout_and_conv_kernels(key):
    p = initax.he(jax.random.key(1), [300, 200, 400])
    q = initax.reinit(key, p, {"W*": "xavier"})  # W<n> is (out, in)
    assert var_ok(q["W1"], 1 / 300) and var_ok(q["W2"], 1 / 200)
    conv = {"Conv_0": {"kernel": jnp.zeros((3, 3, 64, 128))}}  # HWIO: fan_in = 9 * 64
    c = initax.reinit(key, conv)
    assert var_ok(c["Conv_0"]["kernel"], 2 / (9 * 64))


# ---- every supported tree kind: distribution, untouched leaves, stable paths, jit


def _haiku(extra):
    k = jax.random.split(jax.random.key(3), 3)
    t = {"linear": {"w": jax.random.normal(k[0], (300, 200)), "b": jnp.ones(200)},
         "linear_1": {"w": jax.random.normal(k[1], (200, 10)), "b": jnp.ones(10)}}
    if extra:
        t["linear_2"] = {"w": jax.random.normal(k[2], (10, 7)), "b": jnp.ones(7)}
    return t, "linear/w"


def _linen(extra):
    nn = pytest.importorskip("flax.linen")
    widths = (200, 10, 7) if extra else (200, 10)

    class MLP(nn.Module):
        @nn.compact
        def __call__(self, x):
            for w in widths:
                x = nn.Dense(w, bias_init=nn.initializers.ones)(x)
            return x

    return MLP().init(jax.random.key(3), jnp.ones((1, 300))), "params/Dense_0/kernel"


def _nnx(extra):
    nnx = pytest.importorskip("flax.nnx")

    class M(nnx.Module):
        def __init__(self, rngs):
            init_b = nnx.initializers.ones
            self.a = nnx.Linear(300, 200, bias_init=init_b, rngs=rngs)
            self.b = nnx.Linear(200, 10, bias_init=init_b, rngs=rngs)
            if extra:
                self.c = nnx.Linear(10, 7, bias_init=init_b, rngs=rngs)

    state = nnx.state(M(nnx.Rngs(3)), nnx.Param)
    path = next(initax._reinit.path_str(p) for p, _ in
                jax.tree_util.tree_flatten_with_path(state)[0]
                if initax._reinit.path_str(p).startswith("a/kernel"))
    return state, path


def _equinox(extra):
    eqx = pytest.importorskip("equinox")
    k = jax.random.split(jax.random.key(3), 3)

    class Net(eqx.Module):
        a: eqx.nn.Linear
        b: eqx.nn.Linear
        c: eqx.nn.Linear | None

        def __init__(self):
            self.a = eqx.nn.Linear(300, 200, key=k[0])
            self.b = eqx.nn.Linear(200, 10, key=k[1])
            self.c = eqx.nn.Linear(10, 7, key=k[2]) if extra else None

    return Net(), "a/weight"


def _seed(extra):
    return initax.init(jax.random.key(3), [300, 200, 10, 7] if extra else [300, 200, 10], "he",
                       bias=1.0), "W1"


KINDS = {"haiku": _haiku, "flax_linen": _linen, "flax_nnx": _nnx, "equinox": _equinox,
         "seed": _seed}


def _named(tree):
    return {initax._reinit.path_str(p): leaf
            for p, leaf in jax.tree_util.tree_flatten_with_path(tree)[0]}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_tree_kind(key, kind):
    small, first_weight = KINDS[kind](False)
    big, _ = KINDS[kind](True)
    rules = {"<weights>": "he"}  # weights only: every bias must stay as it was
    new = initax.reinit(key, small, rules)
    old_leaves, new_leaves = _named(small), _named(new)
    assert list(old_leaves) == list(new_leaves)
    for path, leaf in new_leaves.items():
        if initax._reinit._BIAS.fullmatch(initax._reinit._last(path)):
            np.testing.assert_array_equal(np.asarray(leaf), np.asarray(old_leaves[path]))
    # the selected weights: He with the true fan_in (300) whatever the layout
    assert var_ok(new_leaves[first_weight], 2 / 300)
    # paths, not positions, give the keys: adding a layer changes nothing else
    new_big = _named(initax.reinit(key, big, rules))
    for path, leaf in new_leaves.items():
        np.testing.assert_array_equal(np.asarray(new_big[path]), np.asarray(leaf))
    # under jit: the eager values
    jitted = _named(jax.jit(lambda k, t: initax.reinit(k, t, rules))(key, small))
    for path, leaf in new_leaves.items():
        np.testing.assert_array_equal(np.asarray(jitted[path]), np.asarray(leaf))
    # under vmap over a stack of two trees: each member's eager values
    keys = jax.random.split(key, 2)
    stacked = jax.tree.map(lambda x: jnp.stack([x, x]), small)
    batched = _named(jax.vmap(lambda k, t: initax.reinit(k, t, rules))(keys, stacked))
    second = _named(initax.reinit(keys[1], small, rules))
    for path, leaf in second.items():
        np.testing.assert_array_equal(np.asarray(batched[path][1]), np.asarray(leaf))

"""Flax linen MLP on scikit-learn's bundled digits (8x8 images, no download), trained
with Optax Adam, initialized two ways for each scheme:

1. initax array-level initializers as ``kernel_init`` (the model is built per scheme);
2. ``initax.reinit`` on the variables of one model (the model is built once).

Prints test accuracy per scheme. Run: python examples/flax_digits.py [--steps 300]
Needs: pip install "initax[all]" (flax, optax, scikit-learn).
"""

import argparse

import flax.linen as nn
import jax
import jax.numpy as jnp
import optax
from sklearn.datasets import load_digits

import initax

SCHEMES = {  # scheme name -> array-level initializer for kernel_init
    "he": initax.initializers.he(),
    "xavier": initax.initializers.xavier(),
    "glorot_uniform": initax.initializers.glorot_uniform(),
    "gaussian:1": initax.initializers.gaussian(1.0),
}


class MLP(nn.Module):
    kernel_init: object = nn.initializers.lecun_normal()

    @nn.compact
    def __call__(self, x):
        x = nn.relu(nn.Dense(128, kernel_init=self.kernel_init)(x))
        x = nn.relu(nn.Dense(64, kernel_init=self.kernel_init)(x))
        return nn.Dense(10, kernel_init=self.kernel_init)(x)


def data():
    d = load_digits()
    x = jnp.asarray(d.data / 16.0, jnp.float32)
    y = jnp.asarray(d.target)
    perm = jax.random.permutation(jax.random.key(0), len(x))
    cut = int(0.75 * len(x))
    return x[perm[:cut]], y[perm[:cut]], x[perm[cut:]], y[perm[cut:]]


def train(model, variables, xtr, ytr, xte, yte, steps, lr=1e-3):
    opt = optax.adam(lr)
    params = variables["params"]
    state = opt.init(params)

    def loss(p):
        logits = model.apply({"params": p}, xtr)
        return optax.softmax_cross_entropy_with_integer_labels(logits, ytr).mean()

    @jax.jit
    def step(carry, _):
        p, s = carry
        g = jax.grad(loss)(p)
        updates, s = opt.update(g, s, p)
        return (optax.apply_updates(p, updates), s), None

    (params, _), _ = jax.lax.scan(step, (params, state), None, length=steps)
    pred = model.apply({"params": params}, xte).argmax(-1)
    return float((pred == yte).mean())


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=300)
    args = ap.parse_args(argv)
    xtr, ytr, xte, yte = data()
    key = jax.random.key(0)
    results = {}
    base = MLP()
    base_vars = base.init(key, xtr[:1])
    for name, init in SCHEMES.items():
        model = MLP(kernel_init=init)
        acc_init = train(model, model.init(key, xtr[:1]), xtr, ytr, xte, yte, args.steps)
        # the same scheme through reinit on an existing variables tree
        re = initax.reinit(key, base_vars, {"*/kernel": name, "*/bias": "zeros"})
        acc_re = train(base, re, xtr, ytr, xte, yte, args.steps)
        results[name] = (acc_init, acc_re)
        print(f"{name:<15} test accuracy: kernel_init {100 * acc_init:5.1f}%   "
              f"reinit {100 * acc_re:5.1f}%")
    return results


if __name__ == "__main__":
    main()

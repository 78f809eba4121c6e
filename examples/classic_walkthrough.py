"""The classic initialization walkthrough, JAX-style.

1. The four classic schemes on layers_dims = [3, 4, 2], printed like the notebook.
2. The symmetry problem made visible: a few gradient steps from zeros leave every
   hidden unit of a layer identical; from He they all differ.

Run: python examples/classic_walkthrough.py
"""

import jax
import jax.numpy as jnp
import numpy as np

import initax
from initax._data import load
from initax.diagnostics import distinct_units, loss_from_logits

key = jax.random.key(0)
np.set_printoptions(precision=4, suppress=True)

print("== The four classic schemes, layers_dims = [3, 4, 2] ==")
for name, params in [
    ("zeros", initax.zeros(key, [3, 4, 2])),
    ("gaussian (sigma=0.01)", initax.gaussian(key, [3, 4, 2], sigma=0.01)),
    ("xavier  N(0, 1/fan_in)", initax.xavier(key, [3, 4, 2])),
    ("he      N(0, 2/fan_in)", initax.he(key, [3, 4, 2])),
]:
    print(f"\n-- {name}")
    for k, v in params.items():
        print(f"{k} =\n{np.asarray(v)}")

print("\n== The symmetry problem: 10 gradient steps on two circles, [2, 10, 5, 1] ==")
x, y, _, _ = load("circles")


@jax.jit
def step(p):
    grads = jax.grad(lambda q: loss_from_logits(initax.mlp.apply(q, x), y))(p)
    return jax.tree.map(lambda a, g: a - 0.5 * g, p, grads)


for scheme in ("zeros", "he"):
    p = initax.init(key, [2, 10, 5, 1], scheme)
    for _ in range(10):
        p = step(p)
    units = distinct_units(p).tolist()
    print(f"\n{scheme}: distinct hidden units per layer after 10 steps: {units} of [10, 5]")
    print(f"  W1 after training (rows are units):\n{np.asarray(p['W1'])[:4]} ...")
    if scheme == "zeros":
        same = bool(jnp.all(p["W2"] == p["W2"][0]))
        print(f"  every row of W2 identical: {same}; the 10 hidden units compute one function")

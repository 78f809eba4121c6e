"""Re-initialize Flax NNX and Equinox models with ``initax.reinit``.

NNX: take the state (``nnx.state(model)``), re-initialize it, put it back with
``nnx.update``. Equinox: ``reinit`` returns a new module (modules are pytrees).
The printout shows each weight's variance against the scheme's target 2/fan_in,
which needs the right fans: NNX kernels are (in, out), Equinox weights (out, in).

Run: python examples/reinit_nnx_equinox.py
Needs: pip install "initax[all]" (flax, equinox).
"""

import equinox as eqx
import jax
import numpy as np
from flax import nnx

import initax


class NNXMLP(nnx.Module):
    def __init__(self, rngs: nnx.Rngs):
        self.hidden = nnx.Linear(300, 200, rngs=rngs)
        self.out = nnx.Linear(200, 10, rngs=rngs)

    def __call__(self, x):
        return self.out(nnx.relu(self.hidden(x)))


def report(name, tree):
    for path, leaf in jax.tree_util.tree_flatten_with_path(tree)[0]:
        p = initax._reinit.path_str(path)
        if getattr(leaf, "ndim", 0) == 2:
            w = np.asarray(leaf)
            print(f"  {name} {p:<28} shape {w.shape}  var {w.var():.5f}")


def main():
    key = jax.random.key(0)

    model = NNXMLP(nnx.Rngs(0))
    state = nnx.state(model, nnx.Param)
    report("nnx before", state)
    new_state = initax.reinit(key, state)  # weights he (fans from (in, out)), biases zeros
    nnx.update(model, new_state)
    report("nnx after ", nnx.state(model, nnx.Param))
    print("  target 2/fan_in:", [round(2 / 300, 5), round(2 / 200, 5)])

    mlp = eqx.nn.MLP(300, 10, 200, depth=1, key=jax.random.key(1))
    report("eqx before", mlp)
    mlp2 = initax.reinit(key, mlp, {"*weight": "he", "*bias": "zeros"})
    report("eqx after ", mlp2)
    print("  target 2/fan_in:", [round(2 / 300, 5), round(2 / 200, 5)])
    return model, mlp2


if __name__ == "__main__":
    main()

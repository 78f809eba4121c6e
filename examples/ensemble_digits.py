"""An ensemble of 64 MLPs from ``initax.ensemble``, trained in parallel with
``jax.vmap`` and Optax Adam on scikit-learn's digits. Reports every member's test
accuracy (summary) and the accuracy of the averaged ensemble (mean of softmax).

Run: python examples/ensemble_digits.py [--members 64 --steps 300]
Needs: pip install "initax[all]".
"""

import argparse

import jax
import jax.numpy as jnp
import numpy as np
import optax
from sklearn.datasets import load_digits

import initax


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--members", type=int, default=64)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--scheme", default="he")
    args = ap.parse_args(argv)

    d = load_digits()
    x = (d.data / 16.0).astype(np.float32)
    y = d.target
    perm = np.random.default_rng(0).permutation(len(x))
    cut = int(0.75 * len(x))
    xtr, ytr = jnp.asarray(x[perm[:cut]].T), jnp.asarray(y[perm[:cut]])  # (64, m), classic layout
    xte, yte = jnp.asarray(x[perm[cut:]].T), jnp.asarray(y[perm[cut:]])

    dims = [64, 64, 32, 10]
    params = initax.ensemble(jax.random.key(0), args.members, dims, args.scheme)
    opt = optax.adam(3e-3)

    def loss(p):
        logits = initax.mlp.apply(p, xtr, hidden="relu")  # (10, m)
        return optax.softmax_cross_entropy_with_integer_labels(logits.T, ytr).mean()

    def train_one(p):
        def step(carry, _):
            p, s = carry
            updates, s = opt.update(jax.grad(loss)(p), s, p)
            return (optax.apply_updates(p, updates), s), None

        (p, _), _ = jax.lax.scan(step, (p, opt.init(p)), None, length=args.steps)
        return p

    trained = jax.jit(jax.vmap(train_one))(params)
    probs = jax.vmap(lambda p: jax.nn.softmax(initax.mlp.apply(p, xte), axis=0))(trained)
    member_acc = np.asarray((probs.argmax(1) == yte).mean(-1))
    ens_acc = float((probs.mean(0).argmax(0) == yte).mean())
    print(f"{args.members} members of {dims}, {args.scheme}, {args.steps} Adam steps each")
    print("member test accuracy: "
          f"mean {100 * member_acc.mean():.1f}%  sd {100 * member_acc.std():.1f}  "
          f"min {100 * member_acc.min():.1f}%  max {100 * member_acc.max():.1f}%")
    print("per member:", " ".join(f"{100 * a:.0f}" for a in member_acc))
    print(f"averaged ensemble test accuracy: {100 * ens_acc:.1f}%")
    return member_acc, ens_acc


if __name__ == "__main__":
    main()

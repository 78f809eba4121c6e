r"""Diagnostics at initialization: signal propagation, gradients, symmetry.

All functions take classic-layout parameters (``{"W1", "b1", ...}``; the Flax
layout is converted) and are pure and jit-compatible. For an ensemble (every
leaf with a leading member axis) they are vmapped automatically, so every
figure gets a leading member axis too.

Why it matters: with :math:`Z_l = W_l A_{l-1} + b_l`, a layer multiplies the
signal's variance by about :math:`n_{l-1}\,\mathrm{Var}[W_l]\,c`, with
:math:`c = 1/2` for ReLU (half the units are off) and :math:`c \approx 1` for
tanh near zero. Keeping that product at 1 gives :math:`\mathrm{Var}[W] = 2/n_{l-1}`
(He et al., 2015) for ReLU and :math:`1/n_{l-1}` (LeCun 1998; Glorot & Bengio
2010 average fan_in and fan_out) for tanh; anything else makes the signal
vanish or explode geometrically with depth.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from initax import mlp

LOSSES = ("bce", "ce", "mse")


def loss_from_logits(logits: jax.Array, y: jax.Array, loss: str = "bce") -> jax.Array:
    r"""A numerically stable loss computed from the last layer's pre-activations.

    - ``bce``: binary cross-entropy of :math:`\sigma(z)`, as
      :math:`\max(z, 0) - y z + \log(1 + e^{-|z|})` (never ``log(0)``).
    - ``ce``: softmax cross-entropy over axis 0 (``y`` one-hot), via ``log_softmax``.
    - ``mse``: :math:`\tfrac12 (z - y)^2`.

    Args:
      logits: ``Z_L`` of shape ``(n_L, m)``.
      y: targets of the same shape.
      loss: ``"bce"``, ``"ce"`` or ``"mse"``.

    Returns:
      The mean loss over examples (a scalar).
    """
    if loss == "bce":
        per = jnp.maximum(logits, 0) - y * logits + jnp.log1p(jnp.exp(-jnp.abs(logits)))
        return jnp.mean(jnp.sum(per, axis=0))
    if loss == "ce":
        return -jnp.mean(jnp.sum(y * jax.nn.log_softmax(logits, axis=0), axis=0))
    if loss == "mse":
        return 0.5 * jnp.mean(jnp.sum((logits - y) ** 2, axis=0))
    raise ValueError(f"loss={loss!r} is not known; accepted: {LOSSES}.")


def accuracy(logits: jax.Array, y: jax.Array) -> jax.Array:
    """Classification accuracy: ``z > 0`` for one output unit, argmax otherwise.

    Args:
      logits: ``(n_L, m)``.
      y: 0/1 labels ``(1, m)`` or one-hot ``(n_L, m)``.

    Returns:
      The fraction of correct examples.
    """
    if logits.shape[0] == 1:
        return jnp.mean((logits > 0) == (y > 0.5))
    return jnp.mean(jnp.argmax(logits, 0) == jnp.argmax(y, 0))


def _std(x: jax.Array) -> jax.Array:
    """Standard deviation without overflow: squaring 1e20 would give inf in float32."""
    m = jnp.max(jnp.abs(x))
    m = jnp.where((m > 0) & jnp.isfinite(m), m, 1.0)
    return m * jnp.std(x / m)


def _maybe_vmap(fn, params: dict, *args):
    p = mlp.to_seed_layout(params)
    if p["W1"].ndim == 3:
        return jax.vmap(lambda q: fn(q, *args))(p)
    return fn(p, *args)


def layer_stats(
    params: dict,
    x: jax.Array,
    y: jax.Array | None = None,
    *,
    hidden: Any = "relu",
    output: Any = "linear",
    loss: str = "bce",
) -> dict[str, jax.Array]:
    r"""Per-layer statistics of the forward and backward pass at these parameters.

    Args:
      params: one parameter set or an ensemble (leading member axis).
      x: inputs ``(n_0, m)``.
      y: targets for the gradient norms (``(n_L, m)``); None skips them.
      hidden: hidden activation.
      output: activation of the last layer for ``a_std`` (the loss always reads ``Z_L``).
      loss: loss for the gradients (see :func:`loss_from_logits`), computed on ``Z_L``.

    Returns:
      A dict of arrays of shape ``(L,)`` (``(n, L)`` for an ensemble):
      ``z_mean``, ``z_std`` (pre-activations), ``a_std`` (activations), ``dead_frac`` (fraction of units whose
      pre-activation is <= 0 for every example: dead for ReLU) and, with ``y``,
      ``grad_norm`` (Frobenius norm of :math:`\partial \mathcal{L} / \partial W_l`).
    """
    mlp.activation(hidden)  # validate early, outside tracing
    mlp.activation(output, "output")

    def one(p):
        layers = mlp.forward(p, x, hidden, output)
        out = {
            "z_mean": jnp.stack([jnp.mean(z) for z, _ in layers]),
            "z_std": jnp.stack([_std(z) for z, _ in layers]),
            "a_std": jnp.stack([_std(a) for _, a in layers]),
            "dead_frac": jnp.stack([jnp.mean(jnp.all(z <= 0, axis=1)) for z, _ in layers]),
        }
        if y is not None:
            grads = jax.grad(lambda q: loss_from_logits(mlp.apply(q, x, hidden), y, loss))(p)
            n = mlp.n_layers(p)
            out["grad_norm"] = jnp.stack(
                [jnp.linalg.norm(grads[f"W{l}"]) for l in range(1, n + 1)]
            )
        return out

    return _maybe_vmap(one, params)


def distinct_units(params: dict, rtol: float = 1e-5) -> jax.Array:
    r"""Number of distinct units per hidden layer (the symmetry problem).

    Unit :math:`i` of layer :math:`l` is its row :math:`[W_l[i, :], b_l[i]]`; two
    units are the same when their rows agree within ``rtol`` times the layer's
    largest absolute entry (plus a tiny absolute floor). A unit is counted when it
    equals no earlier unit. After zero initialization every hidden layer has one
    distinct unit, and gradient descent keeps it so.

    Args:
      params: one parameter set or an ensemble.
      rtol: relative tolerance.

    Returns:
      An int array of shape ``(L - 1,)`` (``(n, L - 1)`` for an ensemble): the
      count for each hidden layer (the output layer is not hidden).
    """

    def one(p):
        counts = []
        for l in range(1, mlp.n_layers(p)):
            rows = jnp.concatenate([p[f"W{l}"], p[f"b{l}"]], axis=1)
            scale = jnp.max(jnp.abs(rows))
            tol = rtol * scale + 1e-30
            close = jnp.all(jnp.abs(rows[:, None, :] - rows[None, :, :]) <= tol, axis=-1)
            earlier = jnp.tril(close, k=-1)
            counts.append(jnp.sum(~jnp.any(earlier, axis=1)))
        if not counts:
            return jnp.zeros((0,), jnp.int32)
        return jnp.stack(counts).astype(jnp.int32)

    return _maybe_vmap(one, params)


def depth_profile(
    key: jax.Array,
    scheme: Any,
    depth: int,
    width: int,
    *,
    hidden: str = "relu",
    batch: int = 1000,
) -> dict[str, jax.Array]:
    r"""Activation statistics against depth for a ``depth``-layer, ``width``-wide network.

    Inputs are :math:`x \sim \mathcal{N}(0, 1)` of shape ``(width, batch)``.

    Args:
      key: PRNG key (split into an init key and a data key).
      scheme: any scheme accepted by :func:`initax.init` (or a per-layer list), or
        ``"lsuv"`` (LSUV on this very batch, with ``hidden``).
      depth: number of layers.
      width: units per layer.
      hidden: activation of every layer, the last one included.
      batch: number of input examples.

    Returns:
      :func:`layer_stats` of the network (arrays of shape ``(depth,)``).
    """
    from initax._network import init

    k_init, k_x = jax.random.split(key)
    x = jax.random.normal(k_x, (width, batch))
    if isinstance(scheme, str) and scheme == "lsuv":
        from initax._lsuv import lsuv

        params = lsuv(k_init, [width] * (depth + 1), x, hidden=hidden)
    else:
        params = init(k_init, [width] * (depth + 1), scheme)
    g = mlp.activation(hidden)
    return layer_stats(params, x, hidden=g, output=g)


__all__ = ["accuracy", "depth_profile", "distinct_units", "layer_stats", "loss_from_logits"]

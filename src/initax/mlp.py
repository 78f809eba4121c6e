r"""A forward pass for the classic layout: :math:`Z_l = W_l A_{l-1} + b_l`, :math:`A_l = g(Z_l)`.

Inputs are column-major like the classic notebooks: ``x`` has shape ``(n_0, m)``
for ``m`` examples. Parameters in the Flax layout are accepted too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp

ACTIVATIONS: dict[str, Callable[[jax.Array], jax.Array]] = {
    "linear": lambda z: z,
    "identity": lambda z: z,
    "relu": jax.nn.relu,
    "leaky_relu": jax.nn.leaky_relu,
    "tanh": jnp.tanh,
    "sigmoid": jax.nn.sigmoid,
    "gelu": jax.nn.gelu,
    "elu": jax.nn.elu,
    "selu": jax.nn.selu,
    "softplus": jax.nn.softplus,
    "swish": jax.nn.swish,
    "softmax": lambda z: jax.nn.softmax(z, axis=0),
}


def activation(
    name: str | Callable[[jax.Array], jax.Array], argname: str = "hidden"
) -> Callable[[jax.Array], jax.Array]:
    """Look up an activation by name (or pass a callable through).

    Args:
      name: one of :data:`ACTIVATIONS` or a callable.
      argname: the argument name used in error messages.

    Returns:
      The activation function.
    """
    if callable(name):
        return name
    if name not in ACTIVATIONS:
        raise ValueError(
            f"{argname}={name!r} is not a known activation; accepted: {sorted(ACTIVATIONS)}."
        )
    return ACTIVATIONS[name]


def to_seed_layout(params: dict) -> dict:
    """Convert ``{"params": {"Dense_i": {"kernel", "bias"}}}`` to ``{"W1", "b1", ...}``.

    Args:
      params: parameters in either layout.

    Returns:
      The classic layout (a view: ``W = kernel.T``, ``b = bias[:, None]``).
    """
    if "params" not in params:
        return params
    dense = params["params"]
    out = {}
    for i in range(len(dense)):
        layer = dense[f"Dense_{i}"]
        out[f"W{i + 1}"] = jnp.swapaxes(layer["kernel"], -1, -2)
        out[f"b{i + 1}"] = layer["bias"][..., None]
    return out


def to_flax_layout(params: dict) -> dict:
    """Convert ``{"W1", "b1", ...}`` to ``{"params": {"Dense_i": {"kernel", "bias"}}}``.

    Args:
      params: the classic layout (``W_l`` of shape ``(n_l, n_{l-1})``, ``b_l`` of ``(n_l, 1)``).

    Returns:
      The Flax layout (a view: ``kernel = W.T``, ``bias = b[:, 0]``); the inverse of
      :func:`to_seed_layout`.
    """
    return {"params": {
        f"Dense_{i}": {"kernel": jnp.swapaxes(params[f"W{i + 1}"], -1, -2),
                       "bias": params[f"b{i + 1}"][..., 0]}
        for i in range(n_layers(params))
    }}


def n_layers(params: dict) -> int:
    """Number of layers ``L`` in a classic-layout parameter dict.

    Args:
      params: ``{"W1", "b1", ..., "WL", "bL"}``.

    Returns:
      ``L``, the number of weight matrices.
    """
    return sum(1 for k in params if k.startswith("W"))


def forward(
    params: dict, x: jax.Array, hidden: Any = "relu", output: Any = "linear"
) -> list[tuple[jax.Array, jax.Array]]:
    """All ``(Z_l, A_l)`` pairs of the forward pass (used by diagnostics).

    Args:
      params: classic or Flax layout.
      x: inputs of shape ``(n_0, m)``.
      hidden: activation of hidden layers (name or callable).
      output: activation of the last layer.

    Returns:
      A list of ``L`` pairs ``(Z_l, A_l)``, each of shape ``(n_l, m)``.
    """
    p = to_seed_layout(params)
    g_hidden = activation(hidden, "hidden")
    g_out = activation(output, "output")
    L = n_layers(p)
    a = x
    out = []
    for l in range(1, L + 1):  # noqa: E741 - the classic notation
        z = p[f"W{l}"] @ a + p[f"b{l}"]
        a = (g_out if l == L else g_hidden)(z)
        out.append((z, a))
    return out


def apply(params: dict, x: jax.Array, hidden: Any = "relu", output: Any = "linear") -> jax.Array:
    r"""Forward pass :math:`A_L` of the classic MLP.

    .. math:: Z_l = W_l A_{l-1} + b_l,\quad A_l = g_l(Z_l),\quad A_0 = x

    Args:
      params: ``{"W1", "b1", ...}`` (or the Flax layout).
      x: inputs of shape ``(n_0, m)``, one column per example.
      hidden: activation for layers ``1..L-1`` (``"relu"``, ``"tanh"``, ... or a callable).
      output: activation for layer ``L`` (``"linear"`` gives logits, ``"sigmoid"``,
        ``"softmax"`` over axis 0, ...).

    Returns:
      ``A_L`` of shape ``(n_L, m)``.
    """
    return forward(params, x, hidden, output)[-1][1]

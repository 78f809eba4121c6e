r"""LSUV: layer-sequential unit-variance initialization, data-dependent and compiled.

Mishkin & Matas, "All you need is a good init", ICLR 2016,
https://arxiv.org/abs/1511.06422, Algorithm 1:

1. pre-initialize every weight with an orthonormal matrix;
2. for each layer :math:`l = 1..L` in order, on a batch :math:`x`: compute the
   layer's output :math:`Z_l = W_l A_{l-1} + b_l` and, while
   :math:`|\mathrm{Var}(Z_l) - 1| \ge \text{tol}` and fewer than ``max_iters``
   steps were taken, rescale :math:`W_l \leftarrow W_l / \sqrt{\mathrm{Var}(Z_l)}`.

"Output" is the pre-activation :math:`Z_l` (the output of the linear layer, as in
the paper's per-layer blobs and common reimplementations). With ``center=True``
the bias is also set so that every unit's output has zero mean on the batch
(:math:`b_l \leftarrow -\overline{W_l A_{l-1}}`, per unit), before and after every
rescaling.

Everything runs inside ``jax.lax.while_loop``s, so ``lsuv`` compiles once, and
``jax.vmap`` over keys gives an ensemble of LSUV initializations in one call.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp

from initax import _network, mlp
from initax._validate import check_positive_int


@functools.partial(jax.jit, static_argnames=("hidden", "max_iters", "center", "layout"))
def _lsuv(params, x, tol, *, hidden, max_iters, center, layout):
    g = mlp.activation(hidden)
    p = mlp.to_seed_layout(params)
    n = mlp.n_layers(p)
    a = x.astype(p["W1"].dtype)
    iters = []
    for l in range(1, n + 1):
        w, b = p[f"W{l}"], p[f"b{l}"]

        def centered(w, b, a=a):
            # zero mean per unit on the batch: b = -mean(W a)
            return -jnp.mean(w @ a, axis=1, keepdims=True).astype(b.dtype) if center else b

        def var_of(w, b, a=a):
            return jnp.var((w @ a + b).astype(jnp.float32))

        def cond(state):
            w, b, v, i = state
            return (jnp.abs(v - 1.0) >= tol) & (i < max_iters)

        def body(state):
            w, b, v, i = state
            # a layer with no signal (v == 0) cannot be rescaled: leave it as it is
            scale = jnp.where(v > 0, jax.lax.rsqrt(jnp.maximum(v, 1e-30)), 1.0)
            w = (w * scale).astype(w.dtype)
            b = centered(w, b)
            return w, b, jnp.where(v > 0, var_of(w, b), 1.0), i + 1

        b = centered(w, b)
        w, b, _, it = jax.lax.while_loop(cond, body, (w, b, var_of(w, b), jnp.int32(0)))
        p[f"W{l}"], p[f"b{l}"] = w, b
        iters.append(it)
        a = g(w @ a + b) if l < n else a
    if layout == "flax":
        p = mlp.to_flax_layout(p)
    return p, jnp.stack(iters)


def lsuv(
    key: jax.Array,
    layers_dims: Sequence[int],
    x: jax.Array,
    *,
    hidden: str = "relu",
    tol: float = 0.01,
    max_iters: int = 10,
    center: bool = False,
    scheme: Any = "orthogonal",
    layout: str = "seed",
    dtype: Any = jnp.float32,
    return_iters: bool = False,
) -> Any:
    r"""LSUV initialization (Mishkin & Matas, 2016) of an MLP on a batch ``x``.

    .. math:: W_l \leftarrow W_l / \sqrt{\mathrm{Var}(W_l A_{l-1} + b_l)} \quad
              \text{until } |\mathrm{Var} - 1| < \text{tol}, \ l = 1..L

    Args:
      key: a PRNG key (for the orthogonal pre-initialization).
      layers_dims: layer sizes ``[n_0, ..., n_L]``.
      x: a batch of inputs, shape ``(n_0, m)`` (one column per example).
      hidden: hidden activation used to propagate the batch.
      tol: tolerance on the output variance, > 0.
      max_iters: at most this many rescalings per layer (>= 1).
      center: also set biases so that every unit's output has zero mean on ``x``.
      scheme: the pre-initialization (orthogonal in the paper).
      layout: ``"seed"`` or ``"flax"``.
      dtype: a floating dtype.
      return_iters: also return the number of rescalings per layer.

    Returns:
      The parameters in ``layout`` (and, with ``return_iters``, an int array of
      shape ``(L,)``).
    """
    params = _network.init(key, layers_dims, scheme, layout="seed", dtype=dtype)
    x = jnp.asarray(x)
    if x.ndim != 2 or x.shape[0] != layers_dims[0]:
        raise ValueError(
            f"x must have shape (n_0, m) = ({layers_dims[0]}, m), one column per example; "
            f"got shape {tuple(x.shape)}."
        )
    if not isinstance(tol, jax.core.Tracer) and not tol > 0:
        raise ValueError(f"tol must be a positive number; got tol={tol!r}.")
    max_iters = check_positive_int(max_iters, "max_iters")
    if layout not in _network.LAYOUTS:
        raise ValueError(f"layout must be one of {_network.LAYOUTS}; got layout={layout!r}.")
    mlp.activation(hidden)
    if not isinstance(hidden, str):
        raise TypeError(f"hidden must be an activation name; got {hidden!r}.")
    out, iters = _lsuv(params, x, tol, hidden=hidden, max_iters=max_iters,
                       center=bool(center), layout=layout)
    return (out, iters) if return_iters else out

r"""Network level: layer dims -> a pytree of W/b arrays, compiled.

Key derivation (stable; pinned by a golden test)
------------------------------------------------
For ``L = len(layers_dims) - 1`` layers and a key ``key``::

    layer_keys = jax.random.split(key, L)          # layer l (1-based) uses layer_keys[l-1]
    k_W, k_b   = jax.random.split(layer_keys[l-1]) # weight key, bias key

The weight of layer ``l`` is drawn in the classic orientation,
``W_l = init.draw_out_in(k_W, (n_l, n_{l-1}))`` with ``fan_in = n_{l-1}`` and
``fan_out = n_l`` (variance scaling and shape-free distributions draw directly
in that orientation; others, e.g. orthogonal or a plain JAX callable, draw the
kernel ``init(k_W, (n_{l-1}, n_l))`` and transpose it). The bias is drawn from
``k_b`` with shape ``(n_l,)`` (zeros unless the scheme or ``bias=`` says
otherwise) and stored as ``(n_l, 1)``. The Flax layout is the transposed view:
``kernel_l == W_{l+1}.T`` and ``bias_l == b_{l+1}.ravel()``, the same numbers.

Compilation
-----------
Layer dims, layout and dtype are static; the schemes are pytrees whose numeric
hyperparameters are traced, so repeated calls with equal arguments (or another
sigma) reuse one compiled program. Layers of equal shape and scheme are drawn
together with one ``jax.vmap`` over their keys, which gives the bits of drawing
them one by one but keeps compile time flat in depth.
"""

from __future__ import annotations

import dataclasses
import functools
import numbers
from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from initax import _registry
from initax._schemes import Constant, Initializer
from initax._validate import check_dims, check_float_dtype, check_single_key

LAYOUTS = ("seed", "flax")

# Groups up to this many layers are split into separate outputs inside the
# compiled program; larger groups come back stacked and are sliced outside, as
# splitting hundreds of outputs inside one program costs seconds of compile time.
_SPLIT_INSIDE = 8

_trace_count = 0  # incremented at trace time; tests use it to prove no re-trace


@dataclasses.dataclass(frozen=True)
class _Group:
    layers: tuple[int, ...]  # 0-based layer indices
    fan_in: int
    fan_out: int
    scheme: int  # index into the unique schemes
    bias: int  # index into the unique biases, -1 for "the scheme's own"

    @property
    def stacked(self) -> bool:
        return len(self.layers) > _SPLIT_INSIDE


@dataclasses.dataclass(frozen=True)
class Plan:
    """Static description of one network: what the compiled program depends on."""

    dims: tuple[int, ...]
    layout: str
    dtype: str
    groups: tuple[_Group, ...]


def _dedupe(objs: Sequence[Any]) -> tuple[list[Any], list[int]]:
    """Unique objects (by equality when hashable, else identity) and each one's index."""
    uniq: list[Any] = []
    index: list[int] = []
    seen: dict[Any, int] = {}
    for o in objs:
        try:
            i = seen.get(o)
            if i is None:
                seen[o] = i = len(uniq)
                uniq.append(o)
        except TypeError:  # traced hyperparameters are not hashable: use identity
            matches = [j for j, u in enumerate(uniq) if u is o]
            if matches:
                i = matches[0]
            else:
                i = len(uniq)
                uniq.append(o)
        index.append(i)
    return uniq, index


def _resolve_bias(bias: Any, n_layers: int) -> tuple[Initializer | None, ...]:
    if bias is None:
        return (None,) * n_layers

    def one(b: Any, name: str) -> Initializer:
        if isinstance(b, (bool, np.bool_)):
            raise TypeError(f"{name} must be None, a number, a scheme name or an initializer; "
                            f"got {b!r}.")
        if isinstance(b, numbers.Real) or (hasattr(b, "shape") and np.shape(b) == ()):
            return Constant(b, name="constant")
        return _registry.resolve(b, name)

    if isinstance(bias, Sequence) and not isinstance(bias, str):
        if len(bias) != n_layers:
            raise ValueError(
                f"bias as a per-layer list must have exactly one entry per layer ({n_layers}); "
                f"got {len(bias)}: {list(bias)!r}."
            )
        return tuple(None if b is None else one(b, f"bias[{i}]") for i, b in enumerate(bias))
    b = one(bias, "bias")
    return (b,) * n_layers


def prepare(
    key: Any, layers_dims: Any, scheme: Any, bias: Any, layout: Any, dtype: Any,
) -> tuple[jax.Array, tuple, tuple, Plan]:
    """Validate everything at call time and build the static plan."""
    dims = check_dims(layers_dims)
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}; got layout={layout!r}.")
    dt = check_float_dtype(dtype)
    n_layers = len(dims) - 1
    schemes = _registry.resolve_layers(scheme, n_layers)
    biases = _resolve_bias(bias, n_layers)
    key = check_single_key(key)
    uniq_s, s_idx = _dedupe(schemes)
    real_biases = [b for b in biases if b is not None]
    uniq_b, b_idx_real = _dedupe(real_biases)
    it = iter(b_idx_real)
    b_idx = [-1 if b is None else next(it) for b in biases]
    buckets: dict[tuple, list[int]] = {}
    for layer in range(n_layers):
        k = (dims[layer], dims[layer + 1], s_idx[layer], b_idx[layer])
        buckets.setdefault(k, []).append(layer)
    groups = tuple(
        _Group(tuple(layers), fi, fo, si, bi) for (fi, fo, si, bi), layers in buckets.items()
    )
    return key, tuple(uniq_s), tuple(uniq_b), Plan(dims, layout, dt.name, groups)


def generate(key: jax.Array, schemes: tuple, biases: tuple, plan: Plan) -> tuple:
    """The traced body: one entry ``(W, b)`` per group, in the final layout.

    Groups with ``stacked`` True return arrays with a leading group axis; the
    others return one ``(W, b)`` per layer.
    """
    global _trace_count
    _trace_count += 1
    dtype = jnp.dtype(plan.dtype)
    n_layers = len(plan.dims) - 1
    layer_keys = jax.random.split(key, n_layers)
    wb_keys = jax.vmap(jax.random.split)(layer_keys)  # (L, 2): weight key, bias key
    out = []
    for g in plan.groups:
        init = schemes[g.scheme]
        bias_fn = init.bias if g.bias < 0 else biases[g.bias].as_bias

        def layer(kw, kb, init=init, bias_fn=bias_fn, g=g):
            w = init.draw_out_in(kw, (g.fan_out, g.fan_in), dtype)
            b = bias_fn(kb, (g.fan_out,), dtype, g.fan_in)
            if plan.layout == "seed":
                return w, b[:, None]
            return w.T, b

        idx = np.asarray(g.layers)
        if len(idx) == 1:
            out.append((layer(wb_keys[idx[0], 0], wb_keys[idx[0], 1]),))
            continue
        w, b = jax.vmap(layer)(wb_keys[idx, 0], wb_keys[idx, 1])
        out.append((w, b) if g.stacked else tuple((w[i], b[i]) for i in range(len(idx))))
    return tuple(out)


def compiler_options() -> dict[str, int] | None:
    """XLA options for initax's own compiled programs.

    On CPU, LLVM at -O1 instead of the default -O2 compiles the threefry and
    erf_inv kernels about 3x faster with the same run time (see
    benchmarks/RESULTS.md); the results are bitwise identical (tests compare
    them with a plain ``jax.jit``). Other backends keep their defaults.
    """
    return {"xla_backend_optimization_level": 1} if jax.default_backend() == "cpu" else None


@functools.cache
def _generate_jit(backend: str, top_level: bool):
    opts = compiler_options() if top_level else None
    return jax.jit(generate, static_argnames=("plan",), compiler_options=opts)


def is_traced(*trees: Any) -> bool:
    """True when called under a transformation (jit, vmap, grad) of the caller.

    Compiler options are only allowed on a top-level jit; under a transformation
    the caller's compilation decides.
    """
    return any(isinstance(x, jax.core.Tracer) for x in jax.tree.leaves(trees))


def _unstack(x: jax.Array, lead: int) -> list[jax.Array]:
    """The slices of ``x`` along axis ``lead``.

    On CPU, for concrete arrays, through a NumPy view: ``jax.device_put`` of each
    slice is a memory copy at most (or an alias of the host buffer), about 7x
    faster than one dispatched ``x[i]`` per layer for hundreds of layers.
    Elsewhere (GPU/TPU, or under a transformation) plain indexing.
    """
    sl = (slice(None),) * lead
    count = x.shape[lead]
    if (not isinstance(x, jax.core.Tracer) and len(x.devices()) == 1
            and next(iter(x.devices())).platform == "cpu"):
        host = np.asarray(x)
        dev = next(iter(x.devices()))
        return [jax.device_put(host[(*sl, i)], dev) for i in range(count)]
    return [x[(*sl, i)] for i in range(count)]


def assemble(groups: tuple, plan: Plan, lead: int = 0) -> dict:
    """Name the arrays of :func:`generate` (``lead`` leading ensemble axes)."""
    n_layers = len(plan.dims) - 1
    layers: list[Any] = [None] * n_layers
    for g, res in zip(plan.groups, groups, strict=True):
        if g.stacked:
            ws, bs = (_unstack(a, lead) for a in res)
            for i, layer in enumerate(g.layers):
                layers[layer] = (ws[i], bs[i])
        else:
            for layer, wb in zip(g.layers, res, strict=True):
                layers[layer] = wb
    if plan.layout == "seed":
        params: dict[str, Any] = {}
        for i, (w, b) in enumerate(layers, start=1):
            params[f"W{i}"] = w
            params[f"b{i}"] = b
        return params
    return {
        "params": {f"Dense_{i}": {"kernel": w, "bias": b} for i, (w, b) in enumerate(layers)}
    }


def init(
    key: jax.Array,
    layers_dims: Sequence[int],
    scheme: Any = "he",
    *,
    bias: Any = None,
    layout: str = "seed",
    dtype: Any = jnp.float32,
) -> dict:
    r"""Initialize a multilayer network from its layer sizes.

    For layer :math:`l = 1..L` with :math:`n_{l-1}` inputs and :math:`n_l` outputs,
    the weight is drawn by the layer's scheme with ``fan_in = n_{l-1}`` and
    ``fan_out = n_l``; the bias is the scheme's own (zeros unless the scheme
    defines one, as ``torch_linear`` does) or ``bias=``. See the module docs for
    the key derivation, which is stable.

    Args:
      key: a PRNG key, ``jax.random.key(s)`` (any impl) or legacy ``jax.random.PRNGKey(s)``.
      layers_dims: layer sizes ``[n_0, n_1, ..., n_L]``, at least two positive ints.
      scheme: a name from :data:`initax.SCHEMES` (``"gaussian:10"`` sets sigma), an
        initializer from :mod:`initax.initializers`, or a sequence of those with
        exactly one entry per layer.
      bias: None (the scheme's own), a number, a scheme name or an initializer
        (called on shape ``(n_l,)``), or a per-layer sequence of those.
      layout: ``"seed"`` for ``{"W1": (n_1, n_0), "b1": (n_1, 1), ...}``, or
        ``"flax"`` for ``{"params": {"Dense_0": {"kernel": (n_0, n_1), "bias": (n_1,)}}}``.
      dtype: a floating dtype (float32 default, bfloat16, float16; float64 with x64).

    Returns:
      A dict of arrays in the chosen layout.

    Example:
      >>> import jax, initax
      >>> p = initax.init(jax.random.key(0), [3, 4, 2], "he")
      >>> {k: v.shape for k, v in p.items()}
      {'W1': (4, 3), 'b1': (4, 1), 'W2': (2, 4), 'b2': (2, 1)}
    """
    key, schemes, biases, plan = prepare(key, layers_dims, scheme, bias, layout, dtype)
    compiled = _generate_jit(jax.default_backend(), not is_traced(key, schemes, biases))
    return assemble(compiled(key, schemes, biases, plan=plan), plan)


def zeros(key: jax.Array, layers_dims: Sequence[int], **kw: Any) -> dict:
    """All weights and biases zero: ``init(key, layers_dims, "zeros", **kw)``.

    Every hidden unit of a layer computes the same function and receives the same
    gradient, so they stay identical through training (the symmetry problem).

    Args:
      key: a PRNG key (unused by the values, kept for a uniform signature).
      layers_dims: layer sizes.
      **kw: ``layout``, ``dtype``, ``bias``.

    Returns:
      The parameter dict.
    """
    return init(key, layers_dims, "zeros", **kw)


def gaussian(key: jax.Array, layers_dims: Sequence[int], sigma: Any = 0.01, **kw: Any) -> dict:
    r"""Plain normal weights :math:`W_l \sim \mathcal{N}(0, \sigma^2)`, zero biases.

    The classic "random initialization" (``np.random.randn(...) * sigma``).
    ``sigma`` is traceable: ``jax.vmap`` over it gives a sweep in one call.

    Args:
      key: a PRNG key.
      layers_dims: layer sizes.
      sigma: standard deviation, non-negative.
      **kw: ``layout``, ``dtype``, ``bias``.

    Returns:
      The parameter dict.
    """
    from initax.initializers import gaussian as g

    return init(key, layers_dims, g(sigma), **kw)


def xavier(key: jax.Array, layers_dims: Sequence[int], **kw: Any) -> dict:
    r"""The classic "Xavier": :math:`W_l \sim \mathcal{N}(0, 1/n_{l-1})`, zero biases.

    This is LeCun's normal (LeCun et al., "Efficient BackProp", 1998), untruncated;
    Glorot & Bengio's fan-average form (AISTATS 2010) is ``"glorot_normal"``.

    Args:
      key: a PRNG key.
      layers_dims: layer sizes.
      **kw: ``layout``, ``dtype``, ``bias``.

    Returns:
      The parameter dict.
    """
    return init(key, layers_dims, "xavier", **kw)


def he(key: jax.Array, layers_dims: Sequence[int], **kw: Any) -> dict:
    r"""He initialization: :math:`W_l \sim \mathcal{N}(0, 2/n_{l-1})`, zero biases.

    He et al., "Delving Deep into Rectifiers", ICCV 2015, https://arxiv.org/abs/1502.01852.

    Args:
      key: a PRNG key.
      layers_dims: layer sizes.
      **kw: ``layout``, ``dtype``, ``bias``.

    Returns:
      The parameter dict.
    """
    return init(key, layers_dims, "he", **kw)

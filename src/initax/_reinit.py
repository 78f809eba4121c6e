r"""Re-initialize any parameter tree: Flax linen/NNX, Equinox, Haiku, plain dicts.

``reinit(key, tree, rules)`` returns a tree of the same structure in which the
leaves selected by ``rules`` get new values and every other leaf is the same
object as before.

Paths. A leaf's path is its keys joined by ``/``: ``params/Dense_0/kernel``
(Flax linen), ``linear/w`` (Haiku), ``layers/0/weight`` (Equinox),
``Dense_0/kernel`` or ``Dense_0/kernel/value`` (Flax NNX state, depending on the
version), ``W1`` (initax's classic layout). Rules are ``fnmatch`` globs over the
whole path, tried in order; the first match wins.

Default rules. A floating leaf whose last path component is ``kernel``,
``weight``, ``w`` or ``W<n>`` and whose rank is at least 2 is a weight and
gets ``he``; one whose last component is ``bias``, ``b`` or ``b<n>`` is a bias
and gets zeros. Nothing else is touched.

Fans. ``kernel`` and ``w`` (Flax, Haiku) are ``(in, out)`` with the receptive
field first, JAX's convention; ``weight`` (Equinox, PyTorch) and ``W<n>``
(classic) are ``(out, in, *receptive field)``. ``layout`` overrides the name:
``"jax"`` (also ``"flax"``, ``"haiku"``) or ``"torch"`` (also ``"equinox"``,
``"seed"``). A leaf in ``(out, in, ...)`` layout is drawn with
``Initializer.draw_out_in``, so ``he`` means variance ``2/fan_in`` with the true
fan_in either way.

Keys. Leaf ``p`` is drawn with ``jax.random.fold_in(key, crc32(p))``: a key that
depends on the path only, not on the leaf's position, so adding or removing a
layer leaves every other layer's values unchanged (as long as their paths do
not change: Flax numbers unnamed layers ``Dense_0, Dense_1, ...`` in order, so
inserting one in the middle renames the later ones; name layers to be safe).
"""

from __future__ import annotations

import fnmatch
import functools
import numbers
import re
import zlib
from collections.abc import Mapping, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from initax import _registry
from initax._schemes import Constant, DeltaOrthogonal, Initializer, Normal, TruncatedNormal, Uniform
from initax._validate import check_single_key

_WEIGHT = re.compile(r"(kernel|weight|w|W\d+)")
_BIAS = re.compile(r"(bias|b|b\d+)")
_TORCH_NAMES = re.compile(r"(weight|W\d+)")
LAYOUTS = {"auto": None, "jax": "jax", "flax": "jax", "haiku": "jax",
           "torch": "torch", "equinox": "torch", "seed": "torch"}

DEFAULT_RULES: dict[str, str] = {"<weights>": "he", "<biases>": "zeros"}
"""The default rules: weights (see the module docs) get ``he``, biases zeros."""


def _key_str(entry: Any) -> str:
    for attr in ("key", "name", "idx"):
        if hasattr(entry, attr):
            return str(getattr(entry, attr))
    return str(entry)


def path_str(path: Sequence[Any]) -> str:
    """The ``/``-joined form of a JAX key path."""
    return "/".join(_key_str(e) for e in path)


def _last(path: str) -> str:
    parts = path.split("/")
    # NNX states may end in ".../kernel/value" or ".../kernel/raw_value"
    while len(parts) > 1 and parts[-1] in ("value", "raw_value"):
        parts.pop()
    return parts[-1]


def _is_float_array(x: Any) -> bool:
    return hasattr(x, "shape") and hasattr(x, "dtype") and jnp.issubdtype(x.dtype, jnp.floating)


def _matches(pattern: str, path: str, leaf: Any) -> bool:
    if pattern == "<weights>":
        return _WEIGHT.fullmatch(_last(path)) is not None and leaf.ndim >= 2
    if pattern == "<biases>":
        return _BIAS.fullmatch(_last(path)) is not None
    return fnmatch.fnmatchcase(path, pattern)


_ANY_RANK = (Constant, Normal, TruncatedNormal, Uniform)


def _check_rank(init: Initializer, path: str, shape: tuple[int, ...]) -> None:
    if isinstance(init, _ANY_RANK) or isinstance(init, _registry._Wrapped):
        return
    need = 3 if isinstance(init, DeltaOrthogonal) else 2
    if len(shape) < need:
        raise ValueError(
            f"scheme {init!r} cannot initialize {path!r}: it needs a weight of rank >= {need} to "
            f"know its fans, and this leaf has shape {shape}. Give this path a rule with a "
            "rank-free scheme (zeros, constant, normal, uniform, gaussian)."
        )


def _torch_layout(path: str, layout: str | None) -> bool:
    if layout is not None:
        return layout == "torch"
    return _TORCH_NAMES.fullmatch(_last(path)) is not None


def _draw(key, init: Initializer, shape: tuple[int, ...], dtype, torch_layout: bool):
    if not torch_layout or len(shape) < 2:
        return init(key, shape, dtype)
    return init.draw_out_in(key, shape, dtype)


@functools.partial(jax.jit, static_argnames=("specs",))
def _generate(key, schemes, specs):
    out = []
    for tag, shape, dtype, idx, torch_layout in specs:
        k = jax.random.fold_in(key, np.uint32(tag))
        out.append(_draw(k, schemes[idx], shape, jnp.dtype(dtype), torch_layout))
    return out


def _resolve_rules(rules: Any) -> list[tuple[str, Initializer]]:
    if isinstance(rules, Mapping):
        items = list(rules.items())
    elif isinstance(rules, Sequence) and not isinstance(rules, str):
        items = list(rules)
        if not all(isinstance(i, (tuple, list)) and len(i) == 2 for i in items):
            raise TypeError("rules as a sequence must hold (pattern, scheme) pairs.")
    else:
        raise TypeError(
            f"rules must be an ordered mapping {{pattern: scheme}} or a list of (pattern, scheme) "
            f"pairs; got {type(rules).__name__} {rules!r}."
        )
    out = []
    for pattern, scheme in items:
        if not isinstance(pattern, str):
            raise TypeError(f"rules: a pattern must be a str; got {pattern!r}.")
        if isinstance(scheme, numbers.Real) and not isinstance(scheme, bool):
            out.append((pattern, Constant(float(scheme), name="constant")))
        else:
            out.append((pattern, _registry.resolve(scheme, f"rules[{pattern!r}]")))
    return out


def reinit(key: jax.Array, tree: Any, rules: Any = None, *, layout: str = "auto") -> Any:
    r"""Re-initialize the leaves of any parameter tree that ``rules`` select.

    .. math:: \text{leaf}_p \leftarrow \text{scheme}_p(\text{fold\_in}(key, \text{crc32}(p)),
              \text{shape}_p)

    where :math:`p` is the leaf's ``/``-joined path and the scheme is that of the
    first rule whose glob matches :math:`p`. See the module docs for paths,
    default rules, fans and keys.

    Args:
      key: a PRNG key.
      tree: Flax linen ``variables``, a Flax NNX ``nnx.state(model)``, an Equinox
        module, Haiku params, or any dict/list of arrays.
      rules: ordered ``{pattern: scheme}`` (or ``[(pattern, scheme), ...]``); a
        scheme is a name, ``"name:param"``, an initializer or a number (a constant). None: the default
        rules (weights ``he``, biases zeros). ``"<weights>"`` and ``"<biases>"``
        may be used as patterns for the default classification.
      layout: ``"auto"`` (by leaf name), ``"jax"``/``"flax"``/``"haiku"`` (``(in, out)``)
        or ``"torch"``/``"equinox"``/``"seed"`` (``(out, in)``).

    Returns:
      A tree of the same structure; selected leaves are new arrays of the same
      shape, dtype and (for concrete arrays) sharding; other leaves are unchanged.

    Raises:
      ValueError: a user pattern matches no leaf (the message lists the paths), or
        a scheme cannot apply to a selected leaf's rank (the message names it).
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {sorted(LAYOUTS)}; got layout={layout!r}.")
    key = check_single_key(key)
    user = rules is not None
    resolved = _resolve_rules(DEFAULT_RULES if rules is None else rules)
    flat, treedef = jax.tree_util.tree_flatten_with_path(tree)
    leaves = [leaf for _, leaf in flat]
    paths = [path_str(p) for p, _ in flat]
    candidates = [p for p, leaf in zip(paths, leaves, strict=True) if _is_float_array(leaf)]
    used = [False] * len(resolved)
    selected: list[tuple[int, int]] = []
    for i, (path, leaf) in enumerate(zip(paths, leaves, strict=True)):
        if not _is_float_array(leaf):
            continue
        for j, (pattern, init) in enumerate(resolved):
            if _matches(pattern, path, leaf):
                used[j] = True
                _check_rank(init, path, tuple(leaf.shape))
                selected.append((i, j))
                break
    if user:
        missing = [pat for (pat, _), u in zip(resolved, used, strict=True) if not u]
        if missing:
            raise ValueError(
                f"rules pattern(s) {missing} matched no floating leaf; the paths are: "
                f"{candidates}."
            )
    uniq, index = [], {}
    for _, j in selected:
        if j not in index:
            index[j] = len(uniq)
            uniq.append(resolved[j][1])
    specs = tuple(
        (zlib.crc32(paths[i].encode()), tuple(leaves[i].shape), jnp.dtype(leaves[i].dtype).name,
         index[j], _torch_layout(paths[i], LAYOUTS[layout]))
        for i, j in selected
    )
    new = _generate(key, tuple(uniq), specs)
    out = list(leaves)
    for (i, _), value in zip(selected, new, strict=True):
        old = leaves[i]
        if isinstance(old, jax.Array) and not isinstance(old, jax.core.Tracer):
            value = jax.device_put(value, old.sharding)
        elif isinstance(old, np.ndarray):
            value = np.asarray(value)
        out[i] = value
    return jax.tree_util.tree_unflatten(treedef, out)

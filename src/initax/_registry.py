"""The scheme registry: names usable wherever a scheme is accepted."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import jax
import jax.numpy as jnp

from initax import initializers as I
from initax._schemes import Initializer

# name -> (factory taking optional positional float args, one-line description)
_REGISTRY: dict[str, tuple[Callable[..., Initializer], str]] = {
    "zeros": (lambda: I.zeros, "all zeros (shows the symmetry problem)"),
    "ones": (lambda: I.ones, "all ones"),
    "gaussian": (I.gaussian, "plain normal N(0, sigma^2), sigma=0.01 (gaussian:SIGMA sets it)"),
    "xavier": (I.xavier, "classic 'Xavier': plain normal N(0, 1/fan_in) (LeCun's normal)"),
    "he": (I.he, "He: plain normal N(0, 2/fan_in)"),
    "lecun_normal": (I.lecun_normal, "truncated normal, variance 1/fan_in (as jax.nn)"),
    "lecun_uniform": (I.lecun_uniform, "uniform, variance 1/fan_in (as jax.nn)"),
    "glorot_normal": (I.glorot_normal, "Glorot & Bengio: truncated normal, variance 2/(fan_in+fan_out)"),
    "glorot_uniform": (I.glorot_uniform, "Glorot & Bengio: uniform, variance 2/(fan_in+fan_out)"),
    "xavier_normal": (I.xavier_normal, "alias of glorot_normal (as jax.nn)"),
    "xavier_uniform": (I.xavier_uniform, "alias of glorot_uniform (as jax.nn)"),
    "he_normal": (I.he_normal, "truncated normal, variance 2/fan_in (as jax.nn)"),
    "he_uniform": (I.he_uniform, "uniform, variance 2/fan_in (as jax.nn)"),
    "kaiming_normal": (I.kaiming_normal, "alias of he_normal (as jax.nn)"),
    "kaiming_uniform": (I.kaiming_uniform, "alias of he_uniform (as jax.nn)"),
    "normal": (I.normal, "plain normal N(0, stddev^2), stddev=0.01 (as jax.nn)"),
    "truncated_normal": (I.truncated_normal, "normal truncated to 2 stddev, stddev=0.01 (as jax.nn)"),
    "uniform": (I.uniform, "uniform U[0, scale), scale=0.01 (as jax.nn)"),
    "orthogonal": (I.orthogonal, "random orthogonal matrix times scale (orthogonal:SCALE)"),
    "identity": (I.identity, "identity W = gain * I (partial identity if not square; identity:GAIN)"),
    "zero": (I.zero, "ZerO (Zhao et al. 2022): identity, partial identity or scaled Hadamard; "
                     "deterministic"),
    "sparse": (I.sparse, "Martens 2010: exactly k=15 N(0,1) non-zeros per unit (sparse:K)"),
    "torch_sparse": (
        I.torch_sparse, "PyTorch sparse_: N(0, 0.01^2), a fraction 0.1 of zeros per column "
        "(torch_sparse:S)"),
    "lsuv": (None, "LSUV (Mishkin & Matas 2015): orthogonal, then unit output variance per layer "
                   "on data; initax.lsuv(key, dims, x)"),
    "torch_linear": (I.torch_linear, "PyTorch nn.Linear: weight and bias U(-1/sqrt(fan_in), 1/sqrt(fan_in))"),
    "flax_dense": (I.flax_dense, "Flax nn.Dense: truncated lecun_normal, zero bias"),
    "keras_dense": (I.keras_dense, "Keras Dense: glorot_uniform, zero bias"),
}

SCHEMES: dict[str, str] = {name: desc for name, (_, desc) in _REGISTRY.items()}
"""Every registered scheme name with a one-line description."""


class _Wrapped(Initializer):
    """A plain callable with the JAX initializer signature (hashed by identity)."""

    name = "callable"

    def __init__(self, fn: Callable[..., Any]):
        self.fn = fn

    def __call__(self, key, shape, dtype=jnp.float32, out_sharding=None):
        return self.fn(key, tuple(shape), dtype)

    def __repr__(self):
        return f"initax.initializers.wrap({self.fn!r})"

    def __eq__(self, other):
        return isinstance(other, _Wrapped) and other.fn is self.fn

    def __hash__(self):
        return hash(id(self.fn))


def from_name(spec: str, argname: str = "scheme") -> Initializer:
    """Build the initializer a name denotes; ``"gaussian:10"`` passes 10 as first argument."""
    name, _, arg = spec.partition(":")
    name = name.strip()
    if name not in _REGISTRY:
        raise ValueError(
            f"{argname}={spec!r} is not a registered scheme; accepted names: "
            f"{', '.join(sorted(_REGISTRY))} (see initax.SCHEMES), or an initializer."
        )
    factory = _REGISTRY[name][0]
    if factory is None:
        raise ValueError(
            f"{argname}={spec!r} is data-dependent: call initax.lsuv(key, layers_dims, x) with a "
            "batch of inputs x (initax compare and initax stats accept it by name)."
        )
    if not arg:
        return factory()
    try:
        value = float(arg)
    except ValueError:
        raise ValueError(
            f"{argname}={spec!r}: the part after ':' must be a number, e.g. 'gaussian:10'."
        ) from None
    try:
        return factory(value)
    except TypeError:
        raise ValueError(f"{argname}={spec!r}: scheme {name!r} takes no parameter.") from None


def resolve(scheme: Any, argname: str = "scheme") -> Initializer:
    """Turn a name, an initax initializer or a JAX-style callable into an Initializer."""
    if isinstance(scheme, str):
        return from_name(scheme, argname)
    if isinstance(scheme, Initializer):
        return scheme
    if callable(scheme):
        return _Wrapped(scheme)
    raise TypeError(
        f"{argname} must be a scheme name ({', '.join(sorted(_REGISTRY))}), an initializer "
        f"from initax.initializers, or a sequence of those; got {type(scheme).__name__} "
        f"{scheme!r}."
    )


def resolve_layers(scheme: Any, n_layers: int, argname: str = "scheme") -> tuple[Initializer, ...]:
    """One initializer per layer: a single scheme is repeated, a sequence must match."""
    if isinstance(scheme, Sequence) and not isinstance(scheme, str):
        if len(scheme) != n_layers:
            raise ValueError(
                f"{argname} as a per-layer list must have exactly one entry per layer "
                f"({n_layers} for these layer dims); got {len(scheme)}: {list(scheme)!r}."
            )
        return tuple(resolve(s, f"{argname}[{i}]") for i, s in enumerate(scheme))
    return (resolve(scheme, argname),) * n_layers


jax.tree_util.register_pytree_node(
    _Wrapped, lambda w: ((), w.fn), lambda fn, _children: _Wrapped(fn)
)

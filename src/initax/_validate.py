"""Argument checks shared by the public API: fail fast, name the argument and the value."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np


def is_concrete(x: Any) -> bool:
    """True when ``x`` has a value now (not a tracer inside jit/vmap/grad)."""
    return not isinstance(x, jax.core.Tracer)


def check_key(key: Any, name: str = "key") -> jax.Array:
    """Return ``key`` as a typed PRNG key array.

    Accepts typed keys (``jax.random.key(s)``, any implementation) and legacy raw
    ``uint32`` keys (``jax.random.PRNGKey(s)``), which are wrapped with the default
    implementation so both give the same numbers for the same seed.
    """
    if isinstance(key, (bool, numbers.Number)) or (
        isinstance(key, np.ndarray | jax.Array) and key.ndim == 0
        and not jnp.issubdtype(key.dtype, jax.dtypes.prng_key)
    ):
        raise TypeError(
            f"{name} must be a JAX PRNG key such as jax.random.key(0) "
            f"(or legacy jax.random.PRNGKey(0)); got {type(key).__name__} {key!r}. "
            "Wrap a seed with jax.random.key(seed)."
        )
    if not hasattr(key, "dtype"):
        raise TypeError(
            f"{name} must be a JAX PRNG key such as jax.random.key(0); "
            f"got {type(key).__name__}."
        )
    if jnp.issubdtype(key.dtype, jax.dtypes.prng_key):
        return key
    if key.dtype == jnp.uint32:
        try:
            return jax.random.wrap_key_data(key)
        except (TypeError, ValueError) as err:
            raise TypeError(
                f"{name}: a raw uint32 key of shape {tuple(key.shape)} does not match the "
                "default PRNG implementation; pass a typed key from jax.random.key(seed)."
            ) from err
    raise TypeError(
        f"{name} must be a JAX PRNG key such as jax.random.key(0); got an array of "
        f"dtype {key.dtype} and shape {tuple(key.shape)}."
    )


def check_single_key(key: Any, name: str = "key") -> jax.Array:
    """Like :func:`check_key`, and the key must be a single key (shape ``()``)."""
    key = check_key(key, name)
    if key.shape != ():
        raise ValueError(
            f"{name} must be a single PRNG key of shape (); got a key array of shape "
            f"{tuple(key.shape)}. For many keys use jax.vmap, or initax.ensemble."
        )
    return key


def check_dims(layers_dims: Any, name: str = "layers_dims") -> tuple[int, ...]:
    """Validate layer sizes: a sequence of at least two positive integers."""
    if isinstance(layers_dims, (str, bytes)) or not isinstance(
        layers_dims, Sequence | np.ndarray
    ):
        raise TypeError(
            f"{name} must be a sequence of at least two positive ints such as [3, 4, 2]; "
            f"got {type(layers_dims).__name__} {layers_dims!r}."
        )
    dims = list(layers_dims)
    if len(dims) < 2:
        raise ValueError(
            f"{name} must list at least two layer sizes (input and output), e.g. [3, 4, 2]; "
            f"got {dims!r}."
        )
    out = []
    for i, d in enumerate(dims):
        if isinstance(d, (bool, np.bool_)) or not isinstance(d, numbers.Integral):
            if isinstance(d, numbers.Real) and not isinstance(d, (bool, np.bool_)) and float(
                d
            ).is_integer():
                d = int(d)
            else:
                raise ValueError(
                    f"{name}[{i}] must be a positive int; got {type(d).__name__} {d!r} "
                    f"in {name}={dims!r}."
                )
        if d < 1:
            raise ValueError(
                f"{name}[{i}] must be a positive int; got {d!r} in {name}={dims!r}."
            )
        out.append(int(d))
    return tuple(out)


def check_float_dtype(dtype: Any, name: str = "dtype") -> np.dtype:
    """Validate a floating dtype; float64 needs ``jax_enable_x64``."""
    try:
        dt = jnp.dtype(dtype)
    except TypeError as err:
        raise TypeError(
            f"{name} must be a floating dtype (float32, bfloat16, float16, float64); "
            f"got {dtype!r}."
        ) from err
    if not jnp.issubdtype(dt, jnp.floating):
        raise TypeError(
            f"{name} must be a floating dtype (float32, bfloat16, float16, float64); "
            f"got {dt.name}."
        )
    if dt.itemsize > 4 and not jax.config.jax_enable_x64:
        raise ValueError(
            f"{name}={dt.name} needs 64-bit mode: call "
            "jax.config.update('jax_enable_x64', True) first, or use float32."
        )
    return dt


def check_nonnegative(value: Any, name: str) -> None:
    """Refuse a negative (or NaN) concrete scale; traced values are checked by the user."""
    if not is_concrete(value):
        return
    try:
        arr = np.asarray(value)
    except Exception as err:  # noqa: BLE001 - anything not array-like
        raise TypeError(f"{name} must be a non-negative real number; got {value!r}.") from err
    if arr.dtype.kind not in "fiu" or arr.dtype == np.bool_:
        raise TypeError(f"{name} must be a non-negative real number; got {value!r}.")
    if np.any(np.isnan(arr)) or np.any(arr < 0):
        raise ValueError(f"{name} must be a non-negative real number; got {name}={value!r}.")


def check_positive_int(value: Any, name: str, hint: str = "") -> int:
    """Validate an int >= 1 (booleans refused)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int >= 1{hint}; got {type(value).__name__} {value!r}.")
    if value < 1:
        raise ValueError(f"{name} must be an int >= 1{hint}; got {name}={value!r}.")
    return int(value)

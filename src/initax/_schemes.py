"""Array-level initializers as values.

Every initializer is a frozen dataclass registered as a JAX pytree: its numeric
hyperparameters (scales, sigmas) are pytree leaves, so they can be traced and
vmapped, and its structural settings (mode, distribution, axes) are static
metadata. Two initializers with equal hyperparameters compare and hash equal, so
passing a fresh but equal one never triggers a recompile.

The sampling itself is delegated to :mod:`jax.nn.initializers` wherever JAX has
the distribution; names shared with JAX mean exactly JAX's distribution.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any, ClassVar

import jax
import jax.numpy as jnp
import numpy as np
from jax.nn import initializers as jinit

from initax._validate import check_float_dtype, check_nonnegative

Shape = Sequence[int]
Axis = int | tuple[int, ...]


def _compute_dtype(dtype: np.dtype) -> np.dtype:
    # Half precision is sampled in float32 and cast: QR (orthogonal) is refused
    # in half precision on CPU, and small variances such as 2/fan_in for wide
    # layers lose most of their digits as float16 subnormals.
    return np.dtype(jnp.float32) if dtype.itemsize < 4 else dtype


def _register(data: Sequence[str]):
    """Make ``cls`` a frozen dataclass and a pytree with ``data`` fields as leaves."""

    def wrap(cls):
        cls = dataclasses.dataclass(frozen=True, repr=False)(cls)
        names = [f.name for f in dataclasses.fields(cls)]
        meta = [n for n in names if n not in data]
        return jax.tree_util.register_dataclass(cls, data_fields=list(data), meta_fields=meta)

    return wrap


class Initializer:
    """Base class of initax initializers.

    An initializer is called as ``init(key, shape, dtype=jnp.float32)`` like any
    :class:`jax.nn.initializers.Initializer`, so it plugs into Flax as
    ``kernel_init=``. Fans follow JAX (``in_axis=-2``, ``out_axis=-1``, other axes
    form the receptive field).
    """

    name: ClassVar[str] = "initializer"

    def __call__(
        self,
        key: jax.Array,
        shape: Shape,
        dtype: Any = jnp.float32,
        out_sharding: Any = None,
    ) -> jax.Array:
        """Sample an array.

        Args:
          key: a PRNG key (typed or legacy).
          shape: the array shape.
          dtype: a floating dtype; half precision is sampled in float32 and cast.
          out_sharding: accepted for signature compatibility with JAX; must be None.

        Returns:
          An array of ``shape`` and ``dtype``.
        """
        if out_sharding is not None:
            raise NotImplementedError("initax initializers do not take out_sharding")
        shape = tuple(int(d) for d in shape)
        dt = check_float_dtype(jnp.float32 if dtype is None else dtype)
        return self._sample(key, shape, _compute_dtype(dt)).astype(dt)

    def _sample(self, key: jax.Array, shape: tuple[int, ...], dtype: np.dtype) -> jax.Array:
        raise NotImplementedError

    def bias(self, key: jax.Array, shape: Shape, dtype: Any, fan_in: int) -> jax.Array:
        """The scheme's own bias for a layer with ``fan_in`` inputs (zeros by default)."""
        return jnp.zeros(shape, check_float_dtype(dtype))

    def as_bias(self, key: jax.Array, shape: Shape, dtype: Any, fan_in: int) -> jax.Array:
        """Used when this initializer is passed as ``bias=``: sample ``shape`` directly."""
        return self(key, shape, dtype)

    def draw_out_in(self, key: jax.Array, shape: Shape, dtype: Any = jnp.float32) -> jax.Array:
        """Draw a weight in ``(out, in, *receptive field)`` layout (PyTorch, Equinox, classic).

        The distribution is that of ``self(key, (*rf, in, out))`` moved to
        ``(out, in, *rf)``. Shape-free distributions and variance scaling draw
        directly in that layout (no transpose); others draw in JAX's layout and
        transpose.

        Args:
          key: a PRNG key.
          shape: ``(out, in, *receptive field)``, at least 2-D.
          dtype: a floating dtype.

        Returns:
          An array of ``shape``.
        """
        shape = tuple(int(d) for d in shape)
        r = len(shape)
        kshape = (*shape[2:], shape[1], shape[0])
        return jnp.transpose(self(key, kshape, dtype), (r - 1, r - 2, *range(r - 2)))

    def __repr__(self) -> str:
        args = ", ".join(
            f"{f.name}={getattr(self, f.name)!r}"
            for f in dataclasses.fields(self)  # type: ignore[arg-type]
            if f.name != "name"
        )
        return f"initax.initializers.{getattr(self, 'name', type(self).__name__)}({args})"


@_register(data=("scale",))
class VarianceScaling(Initializer):
    r"""Variance scaling, exactly :func:`jax.nn.initializers.variance_scaling`.

    .. math:: \mathrm{Var}[W] = \frac{\text{scale}}{n},\quad
              n \in \{\text{fan\_in}, \text{fan\_out}, \tfrac{\text{fan\_in}+\text{fan\_out}}{2},
              \sqrt{\text{fan\_in}\,\text{fan\_out}}\}
    """

    scale: Any
    mode: str
    distribution: str
    in_axis: Axis = -2
    out_axis: Axis = -1
    batch_axis: Axis = ()
    name: str = "variance_scaling"

    def _sample(self, key, shape, dtype):
        if len(shape) < 2 and self.in_axis == -2:
            raise ValueError(
                f"{self.name} needs a weight shape with at least 2 dims to compute fans; "
                f"got shape={shape}."
            )
        f = jinit.variance_scaling(
            self.scale, self.mode, self.distribution, self.in_axis, self.out_axis,
            self.batch_axis,
        )
        return f(key, shape, dtype)

    def draw_out_in(self, key, shape, dtype=jnp.float32):
        if (self.in_axis, self.out_axis, self.batch_axis) != (-2, -1, ()):
            return super().draw_out_in(key, shape, dtype)
        return dataclasses.replace(self, in_axis=1, out_axis=0)(key, shape, dtype)


class _ShapeFree:
    """Mixin for distributions that ignore the shape: any layout draws directly."""

    def draw_out_in(self, key, shape, dtype=jnp.float32):
        return Initializer.__call__(self, key, shape, dtype)


@_register(data=("stddev",))
class Normal(_ShapeFree, Initializer):
    r"""Plain normal :math:`W \sim \mathcal{N}(0, \text{stddev}^2)` (``jax.nn.initializers.normal``)."""

    stddev: Any = 0.01
    name: str = "normal"

    def _sample(self, key, shape, dtype):
        return jinit.normal(self.stddev)(key, shape, dtype)


@_register(data=("stddev", "lower", "upper"))
class TruncatedNormal(_ShapeFree, Initializer):
    r"""``stddev * N(0, 1)`` truncated to ``(lower, upper)`` (``jax.nn.initializers.truncated_normal``)."""

    stddev: Any = 0.01
    lower: Any = -2.0
    upper: Any = 2.0
    name: str = "truncated_normal"

    def _sample(self, key, shape, dtype):
        return jinit.truncated_normal(self.stddev, lower=self.lower, upper=self.upper)(
            key, shape, dtype
        )


@_register(data=("scale",))
class Uniform(_ShapeFree, Initializer):
    r""":math:`W \sim U[0, \text{scale})` (``jax.nn.initializers.uniform``)."""

    scale: Any = 0.01
    name: str = "uniform"

    def _sample(self, key, shape, dtype):
        return jinit.uniform(self.scale)(key, shape, dtype)


@_register(data=("value",))
class Constant(_ShapeFree, Initializer):
    """Every entry equals ``value`` (``jax.nn.initializers.constant``)."""

    value: Any = 0.0
    name: str = "constant"

    def _sample(self, key, shape, dtype):
        return jnp.full(shape, self.value, dtype)

    def __call__(self, key=None, shape=None, dtype=jnp.float32, out_sharding=None):
        # ``zeros`` and ``ones`` are both initializers (JAX style, no call needed)
        # and factories (``zeros()`` returns itself), like every other name here.
        if key is None and shape is None:
            return self
        return super().__call__(key, shape, dtype, out_sharding)


@_register(data=("scale",))
class Orthogonal(Initializer):
    r"""Uniformly distributed (semi-)orthogonal matrix times ``scale``
    (``jax.nn.initializers.orthogonal``): :math:`W W^\top = \text{scale}^2 I` on the short side.

    Saxe et al., "Exact solutions to the nonlinear dynamics of learning in deep
    linear neural networks", 2014, https://arxiv.org/abs/1312.6120
    """

    scale: Any = 1.0
    column_axis: int = -1
    name: str = "orthogonal"

    def _sample(self, key, shape, dtype):
        return jinit.orthogonal(self.scale, self.column_axis)(key, shape, dtype)


@_register(data=("scale",))
class DeltaOrthogonal(Initializer):
    """Delta-orthogonal convolution kernels (``jax.nn.initializers.delta_orthogonal``).

    Xiao et al., "Dynamical Isometry and a Mean Field Theory of CNNs", 2018,
    https://arxiv.org/abs/1806.05393
    """

    scale: Any = 1.0
    column_axis: int = -1
    name: str = "delta_orthogonal"

    def _sample(self, key, shape, dtype):
        return jinit.delta_orthogonal(self.scale, self.column_axis)(key, shape, dtype)


@_register(data=())
class TorchLinear(Initializer):
    r"""PyTorch ``nn.Linear`` default: weight and bias
    :math:`U(-1/\sqrt{\text{fan\_in}}, 1/\sqrt{\text{fan\_in}})`.

    (PyTorch writes it as ``kaiming_uniform_(a=sqrt(5))``, which is the same bound.)
    The bias needs the layer's fan_in: a network-level call knows it; for Flax use
    :func:`initax.initializers.torch_linear_bias`.
    """

    name: str = "torch_linear"

    def _sample(self, key, shape, dtype):
        # variance 1/(3 fan_in) uniform has bound sqrt(3 * variance) = 1/sqrt(fan_in)
        return jinit.variance_scaling(1.0 / 3.0, "fan_in", "uniform")(key, shape, dtype)

    def draw_out_in(self, key, shape, dtype=jnp.float32):
        shape = tuple(int(d) for d in shape)
        fan_in = math.prod(shape[1:])
        return self.bias(key, shape, dtype, fan_in)

    def bias(self, key, shape, dtype, fan_in):
        dt = check_float_dtype(dtype)
        bound = 1.0 / math.sqrt(fan_in)
        cdt = _compute_dtype(dt)
        return jax.random.uniform(key, tuple(shape), cdt, -bound, bound).astype(dt)

    as_bias = bias


# --------------------------------------------------------------------------
# Factories (the public array-level API lives in initax.initializers)


def _axes(a: int | Sequence[int]) -> Axis:
    return a if isinstance(a, int) else tuple(int(x) for x in a)


_MODES = ("fan_in", "fan_out", "fan_avg", "fan_geo_avg")
_DISTRIBUTIONS = ("truncated_normal", "normal", "uniform")


def variance_scaling(
    scale: Any,
    mode: str,
    distribution: str,
    in_axis: int | Sequence[int] = -2,
    out_axis: int | Sequence[int] = -1,
    batch_axis: int | Sequence[int] = (),
    *,
    name: str = "variance_scaling",
) -> VarianceScaling:
    r"""Variance scaling: :math:`\mathrm{Var}[W] = \text{scale}/n` with ``n`` set by ``mode``.

    Same distribution as :func:`jax.nn.initializers.variance_scaling` (whose
    ``truncated_normal`` is truncated at 2 standard deviations and rescaled so the
    variance is exact).

    Args:
      scale: non-negative scale (traceable).
      mode: ``"fan_in"``, ``"fan_out"``, ``"fan_avg"`` or ``"fan_geo_avg"``.
      distribution: ``"truncated_normal"``, ``"normal"`` or ``"uniform"``.
      in_axis: input axis or axes.
      out_axis: output axis or axes.
      batch_axis: axes ignored for fans.
      name: the name shown by ``repr``.

    Returns:
      A :class:`VarianceScaling` initializer.
    """
    check_nonnegative(scale, "scale")
    if mode not in _MODES:
        raise ValueError(f"mode must be one of {_MODES}; got mode={mode!r}.")
    if distribution not in _DISTRIBUTIONS:
        raise ValueError(
            f"distribution must be one of {_DISTRIBUTIONS}; got distribution={distribution!r}."
        )
    return VarianceScaling(
        scale, mode, distribution, _axes(in_axis), _axes(out_axis), _axes(batch_axis), name
    )


# --------------------------------------------------------------------------
# Schemes defined on the classic (out, in) weight: ZerO, sparse, identity


class _OutInNative(Initializer):
    """Schemes defined on an ``(out, in)`` matrix; JAX's ``(in, out)`` is its transpose."""

    def _check_2d(self, shape):
        if len(shape) != 2:
            raise ValueError(
                f"{self.name} is defined for 2-D weight matrices; got shape={tuple(shape)}."
            )

    def _sample(self, key, shape, dtype):
        self._check_2d(shape)
        return self._out_in(key, (shape[1], shape[0]), dtype).T

    def draw_out_in(self, key, shape, dtype=jnp.float32):
        shape = tuple(int(d) for d in shape)
        self._check_2d(shape)
        dt = check_float_dtype(dtype)
        return self._out_in(key, shape, _compute_dtype(dt)).astype(dt)

    def _out_in(self, key, shape, dtype):
        raise NotImplementedError


def hadamard_block(rows: int, cols: int, dtype=jnp.float32) -> jax.Array:
    r"""The top-left ``rows x cols`` block of the Sylvester Hadamard matrix.

    :math:`H_0 = 1`, :math:`H_m = \begin{pmatrix} H_{m-1} & H_{m-1} \\ H_{m-1} & -H_{m-1}
    \end{pmatrix}`, whose entry ``(i, j)`` is :math:`(-1)^{\mathrm{popcount}(i \wedge j)}`;
    computed entrywise so that no full :math:`2^m \times 2^m` matrix is built.
    """
    i = jnp.arange(rows, dtype=jnp.uint32)[:, None]
    j = jnp.arange(cols, dtype=jnp.uint32)[None, :]
    parity = jax.lax.population_count(i & j) & jnp.uint32(1)
    return (1 - 2 * parity.astype(jnp.int32)).astype(dtype)


@_register(data=())
class ZerO(_OutInNative):
    r"""ZerO initialization (Zhao, Schäfer & Anandkumar, "ZerO Initialization:
    Initializing Neural Networks with only Zeros and Ones", TMLR 2022,
    https://arxiv.org/abs/2110.12661), Algorithm 1, for :math:`W \in
    \mathbb{R}^{P_l \times P_{l-1}}`:

    - :math:`P_l = P_{l-1}`: :math:`W = I`;
    - :math:`P_l < P_{l-1}`: :math:`W = I^*`, the partial identity ``(I, 0)``;
    - :math:`P_l > P_{l-1}`: :math:`W = c\, I^* H_m I^*`, with :math:`m = \lceil \log_2 P_l
      \rceil`, :math:`c = 2^{-(m-1)/2}` and :math:`H_m` the Sylvester Hadamard matrix,
      i.e. ``c * H_m[:P_l, :P_{l-1}]``.

    Deterministic: the key is not used, so every ensemble member is identical
    by design. Biases are zero.
    """

    name: str = "zero"

    def _out_in(self, key, shape, dtype):
        out, inp = shape
        if out <= inp:
            return jnp.eye(out, inp, dtype=dtype)
        m = math.ceil(math.log2(out))
        c = 2.0 ** (-(m - 1) / 2)
        return (c * hadamard_block(out, inp, jnp.float32)).astype(dtype)


@_register(data=("scale",))
class Sparse(_OutInNative):
    r"""Martens' sparse initialization (Martens, "Deep learning via Hessian-free
    optimization", ICML 2010): every unit (row of :math:`W \in \mathbb{R}^{out \times in}`)
    has exactly :math:`k` non-zero incoming weights, at positions chosen uniformly
    without replacement, drawn from :math:`\mathcal{N}(0, \text{scale}^2)`
    (``scale`` 1 in the paper); :math:`k` is capped at fan_in.

    The positions are the ``k`` largest of ``in`` uniform draws per unit
    (``jax.lax.top_k``), a uniformly random ``k``-subset.
    """

    scale: Any = 1.0
    k: int = 15
    name: str = "sparse"

    def _out_in(self, key, shape, dtype):
        out, inp = shape
        k = min(self.k, inp)
        k_pos, k_val = jax.random.split(key)
        _, idx = jax.lax.top_k(jax.random.uniform(k_pos, (out, inp)), k)
        vals = jax.random.normal(k_val, (out, k), dtype) * jnp.asarray(self.scale, dtype)
        rows = jnp.arange(out)[:, None]
        return jnp.zeros((out, inp), dtype).at[rows, idx].set(vals)


@_register(data=("std",))
class TorchSparse(_OutInNative):
    r"""PyTorch's ``torch.nn.init.sparse_(w, sparsity, std=0.01)`` on ``w: (out, in)``:
    normal :math:`\mathcal{N}(0, \text{std}^2)` entries, then in every column
    :math:`\lceil \text{sparsity} \cdot out \rceil` entries, chosen uniformly, are set to zero.

    (Not Martens' scheme, which fixes the number of non-zeros per unit: see ``sparse``.)
    """

    sparsity: float = 0.1
    std: Any = 0.01
    name: str = "torch_sparse"

    def _out_in(self, key, shape, dtype):
        out, inp = shape
        n_zero = math.ceil(self.sparsity * out)
        k_val, k_pos = jax.random.split(key)
        w = jax.random.normal(k_val, (out, inp), dtype) * jnp.asarray(self.std, dtype)
        # rank of each entry within its column under uniform noise: the n_zero lowest are zeroed
        u = jax.random.uniform(k_pos, (out, inp))
        rank = jnp.argsort(jnp.argsort(u, axis=0), axis=0)
        return jnp.where(rank < n_zero, jnp.zeros((), dtype), w)


@_register(data=("gain",))
class Identity(_OutInNative):
    r""":math:`W = \text{gain} \cdot I^*` (the (partial) identity ``eye(out, in)``, as
    ``torch.nn.init.eye_``); the Flax kernel is ``gain * eye(in, out)``.

    Keeps signals unchanged through equal-width linear layers (used by IRNN, Le
    et al., "A Simple Way to Initialize Recurrent Networks of Rectified Linear
    Units", 2015, https://arxiv.org/abs/1504.00941).
    """

    gain: Any = 1.0
    name: str = "identity"

    def _out_in(self, key, shape, dtype):
        return jnp.eye(*shape, dtype=dtype) * jnp.asarray(self.gain, dtype)

r"""Array-level initializers with the ``jax.nn.initializers`` signature.

Every factory here returns an initializer ``init(key, shape, dtype=jnp.float32)``
usable directly as Flax ``kernel_init=``. Names shared with
:mod:`jax.nn.initializers` mean exactly the same distribution there (sampling is
delegated to JAX); initax adds the classic plain-normal schemes (``gaussian``,
``xavier``, ``he``) and the framework defaults (``torch_linear``, ``flax_dense``,
``keras_dense``).

Example:
  >>> import jax, flax.linen as nn, initax
  >>> layer = nn.Dense(4, kernel_init=initax.initializers.he_normal())  # doctest: +SKIP
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import jax.numpy as jnp

from initax._schemes import (
    Constant,
    DeltaOrthogonal,
    Identity,
    Initializer,
    Normal,
    Orthogonal,
    Sparse,
    TorchLinear,
    TorchSparse,
    TruncatedNormal,
    Uniform,
    VarianceScaling,
    ZerO,
    variance_scaling,
)
from initax._validate import check_nonnegative

AxisArg = int | Sequence[int]

__all__ = [
    "Initializer",
    "constant",
    "delta_orthogonal",
    "flax_dense",
    "gaussian",
    "gain",
    "glorot_normal",
    "glorot_uniform",
    "he",
    "he_normal",
    "he_uniform",
    "identity",
    "kaiming_normal",
    "kaiming_uniform",
    "keras_dense",
    "lecun_normal",
    "lecun_uniform",
    "normal",
    "ones",
    "orthogonal",
    "sparse",
    "torch_linear",
    "torch_linear_bias",
    "torch_sparse",
    "truncated_normal",
    "uniform",
    "variance_scaling",
    "xavier",
    "xavier_normal",
    "xavier_uniform",
    "zero",
    "zeros",
]

# ---------------------------------------------------------------- constants

zeros: Constant = Constant(0.0, name="zeros")
"""All zeros. Usable as ``zeros`` (JAX style) or ``zeros()``."""

ones: Constant = Constant(1.0, name="ones")
"""All ones. Usable as ``ones`` (JAX style) or ``ones()``."""


def constant(value: Any) -> Constant:
    """Every entry equals ``value`` (``jax.nn.initializers.constant``).

    Args:
      value: the fill value (traceable).

    Returns:
      A :class:`~initax._schemes.Constant` initializer.
    """
    return Constant(value)


# ------------------------------------------------------ the classic schemes


def gaussian(sigma: Any = 0.01) -> Normal:
    r"""The classic "random" initialization: plain :math:`W \sim \mathcal{N}(0, \sigma^2)`.

    This is ``np.random.randn(n_l, n_{l-1}) * sigma`` of the classic recipe; it
    ignores the fans, so a small sigma makes signals vanish and a large one
    saturates sigmoid/tanh units.

    Args:
      sigma: standard deviation, non-negative and traceable (vmap over it for sweeps).

    Returns:
      A plain-normal initializer.
    """
    check_nonnegative(sigma, "sigma")
    return Normal(sigma, name="gaussian")


def xavier() -> VarianceScaling:
    r"""The classic recipe's "Xavier": plain :math:`\mathcal{N}(0, 1/\text{fan\_in})`.

    This is LeCun's normal (LeCun et al., "Efficient BackProp", 1998) without
    truncation, which the classic notebooks call Xavier. Glorot & Bengio's
    fan-average form, :math:`2/(\text{fan\_in}+\text{fan\_out})`, is
    :func:`glorot_normal` ("Understanding the difficulty of training deep
    feedforward neural networks", AISTATS 2010).

    Returns:
      A plain-normal variance-scaling initializer (scale 1, fan_in).
    """
    return VarianceScaling(1.0, "fan_in", "normal", name="xavier")


def he() -> VarianceScaling:
    r"""The classic He initialization: plain :math:`\mathcal{N}(0, 2/\text{fan\_in})`.

    He et al., "Delving Deep into Rectifiers", ICCV 2015,
    https://arxiv.org/abs/1502.01852. Unlike JAX's :func:`he_normal` (truncated),
    this is the untruncated normal of the classic recipe.

    Returns:
      A plain-normal variance-scaling initializer (scale 2, fan_in).
    """
    return VarianceScaling(2.0, "fan_in", "normal", name="he")


# ------------------------------------------------- jax.nn.initializers names


def _vs(scale: float, mode: str, dist: str, name: str, in_axis: AxisArg, out_axis: AxisArg,
        batch_axis: AxisArg) -> VarianceScaling:
    return variance_scaling(scale, mode, dist, in_axis, out_axis, batch_axis, name=name)


def lecun_normal(
    in_axis: AxisArg = -2, out_axis: AxisArg = -1, batch_axis: AxisArg = ()
) -> VarianceScaling:
    r"""Truncated normal with :math:`\mathrm{Var} = 1/\text{fan\_in}` (as JAX).

    LeCun et al., "Efficient BackProp", 1998.

    Args:
      in_axis: input axis or axes.
      out_axis: output axis or axes.
      batch_axis: axes ignored when computing fans.

    Returns:
      An initializer.
    """
    return _vs(1.0, "fan_in", "truncated_normal", "lecun_normal", in_axis, out_axis, batch_axis)


def lecun_uniform(
    in_axis: AxisArg = -2, out_axis: AxisArg = -1, batch_axis: AxisArg = ()
) -> VarianceScaling:
    r"""Uniform with :math:`\mathrm{Var} = 1/\text{fan\_in}` (as JAX). LeCun et al., 1998.

    Args:
      in_axis: input axis or axes.
      out_axis: output axis or axes.
      batch_axis: axes ignored when computing fans.

    Returns:
      An initializer.
    """
    return _vs(1.0, "fan_in", "uniform", "lecun_uniform", in_axis, out_axis, batch_axis)


def glorot_normal(
    in_axis: AxisArg = -2, out_axis: AxisArg = -1, batch_axis: AxisArg = ()
) -> VarianceScaling:
    r"""Truncated normal with :math:`\mathrm{Var} = 2/(\text{fan\_in}+\text{fan\_out})` (as JAX).

    Glorot & Bengio, "Understanding the difficulty of training deep feedforward
    neural networks", AISTATS 2010.

    Args:
      in_axis: input axis or axes.
      out_axis: output axis or axes.
      batch_axis: axes ignored when computing fans.

    Returns:
      An initializer.
    """
    return _vs(1.0, "fan_avg", "truncated_normal", "glorot_normal", in_axis, out_axis, batch_axis)


def glorot_uniform(
    in_axis: AxisArg = -2, out_axis: AxisArg = -1, batch_axis: AxisArg = ()
) -> VarianceScaling:
    r""":math:`U(-a, a)`, :math:`a = \sqrt{6/(\text{fan\_in}+\text{fan\_out})}` (as JAX).

    Glorot & Bengio, AISTATS 2010.

    Args:
      in_axis: input axis or axes.
      out_axis: output axis or axes.
      batch_axis: axes ignored when computing fans.

    Returns:
      An initializer.
    """
    return _vs(1.0, "fan_avg", "uniform", "glorot_uniform", in_axis, out_axis, batch_axis)


def he_normal(
    in_axis: AxisArg = -2, out_axis: AxisArg = -1, batch_axis: AxisArg = ()
) -> VarianceScaling:
    r"""Truncated normal with :math:`\mathrm{Var} = 2/\text{fan\_in}` (as JAX).

    He et al., "Delving Deep into Rectifiers", ICCV 2015.

    Args:
      in_axis: input axis or axes.
      out_axis: output axis or axes.
      batch_axis: axes ignored when computing fans.

    Returns:
      An initializer.
    """
    return _vs(2.0, "fan_in", "truncated_normal", "he_normal", in_axis, out_axis, batch_axis)


def he_uniform(
    in_axis: AxisArg = -2, out_axis: AxisArg = -1, batch_axis: AxisArg = ()
) -> VarianceScaling:
    r""":math:`U(-a, a)`, :math:`a = \sqrt{6/\text{fan\_in}}` (as JAX). He et al., 2015.

    Args:
      in_axis: input axis or axes.
      out_axis: output axis or axes.
      batch_axis: axes ignored when computing fans.

    Returns:
      An initializer.
    """
    return _vs(2.0, "fan_in", "uniform", "he_uniform", in_axis, out_axis, batch_axis)


xavier_normal = glorot_normal
xavier_uniform = glorot_uniform
kaiming_normal = he_normal
kaiming_uniform = he_uniform


def normal(stddev: Any = 0.01) -> Normal:
    r""":math:`\mathcal{N}(0, \text{stddev}^2)` (``jax.nn.initializers.normal``).

    Args:
      stddev: standard deviation (traceable).

    Returns:
      An initializer.
    """
    check_nonnegative(stddev, "stddev")
    return Normal(stddev)


def truncated_normal(stddev: Any = 0.01, lower: Any = -2.0, upper: Any = 2.0) -> TruncatedNormal:
    r"""``stddev`` times a standard normal truncated to ``(lower, upper)`` (as JAX).

    Args:
      stddev: scale of the untruncated normal (traceable).
      lower: lower truncation bound, in units of stddev.
      upper: upper truncation bound, in units of stddev.

    Returns:
      An initializer.
    """
    check_nonnegative(stddev, "stddev")
    return TruncatedNormal(stddev, lower, upper)


def uniform(scale: Any = 0.01) -> Uniform:
    r""":math:`U[0, \text{scale})` (``jax.nn.initializers.uniform``).

    Args:
      scale: upper bound (traceable).

    Returns:
      An initializer.
    """
    check_nonnegative(scale, "scale")
    return Uniform(scale)


def orthogonal(scale: Any = 1.0, column_axis: int = -1) -> Orthogonal:
    r"""Random (semi-)orthogonal matrix times ``scale`` (as JAX); :math:`W W^\top = s^2 I`.

    Saxe et al., 2014, https://arxiv.org/abs/1312.6120.

    Args:
      scale: the gain (traceable).
      column_axis: the axis whose columns are orthonormal.

    Returns:
      An initializer.
    """
    check_nonnegative(scale, "scale")
    return Orthogonal(scale, int(column_axis))


def delta_orthogonal(scale: Any = 1.0, column_axis: int = -1) -> DeltaOrthogonal:
    """Delta-orthogonal convolution kernel (as JAX). Xiao et al., ICML 2018.

    Args:
      scale: the gain (traceable).
      column_axis: the axis whose columns are orthonormal.

    Returns:
      An initializer.
    """
    check_nonnegative(scale, "scale")
    return DeltaOrthogonal(scale, int(column_axis))


# ------------------------------------------------- schemes from the literature


def zero() -> ZerO:
    r"""ZerO initialization: identity, partial identity or a scaled Hadamard block.

    Zhao, Schäfer & Anandkumar, "ZerO Initialization: Initializing Neural Networks
    with only Zeros and Ones", TMLR 2022, https://arxiv.org/abs/2110.12661. For
    :math:`W \in \mathbb{R}^{P_l 	imes P_{l-1}}`: :math:`I` if square, the partial
    identity :math:`(I, 0)` if :math:`P_l < P_{l-1}`, else
    :math:`2^{-(m-1)/2} H_m[:P_l, :P_{l-1}]` with :math:`m = \lceil \log_2 P_l 
ceil`.
    Deterministic (all ensemble members are identical by design).

    Returns:
      An initializer for 2-D weights.
    """
    return ZerO()


def sparse(k: int = 15, scale: Any = 1.0) -> Sparse:
    r"""Martens' sparse initialization: exactly ``k`` non-zero incoming weights per unit.

    Martens, "Deep learning via Hessian-free optimization", ICML 2010. The
    non-zeros are :math:`\mathcal{N}(0, 	ext{scale}^2)` at uniformly chosen
    positions; ``k`` is capped at fan_in.

    Args:
      k: non-zeros per unit (a positive int; ``sparse:K`` in scheme names).
      scale: standard deviation of the non-zeros (traceable).

    Returns:
      An initializer for 2-D weights.
    """
    if isinstance(k, bool) or not float(k).is_integer() or k < 1:
        raise ValueError(f"k must be a positive int; got k={k!r}.")
    check_nonnegative(scale, "scale")
    return Sparse(scale, int(k))


def torch_sparse(sparsity: float = 0.1, std: Any = 0.01) -> TorchSparse:
    r"""PyTorch's ``nn.init.sparse_``: normal(0, std) with a fraction of zeros per column.

    In every column of the ``(out, in)`` weight, :math:`\lceil 	ext{sparsity}\cdot out
    
ceil` entries are zero.

    Args:
      sparsity: fraction of zeros per column, in [0, 1] (``torch_sparse:S``).
      std: standard deviation of the non-zeros (traceable).

    Returns:
      An initializer for 2-D weights.
    """
    if not (isinstance(sparsity, (int, float)) and 0 <= sparsity <= 1):
        raise ValueError(f"sparsity must be a number in [0, 1]; got sparsity={sparsity!r}.")
    check_nonnegative(std, "std")
    return TorchSparse(float(sparsity), std)


def identity(gain: Any = 1.0) -> Identity:
    r"""Identity weights: :math:`W = 	ext{gain}\cdot I` (partial identity if not square).

    As ``torch.nn.init.eye_``; Le et al., "A Simple Way to Initialize Recurrent
    Networks of Rectified Linear Units", 2015, https://arxiv.org/abs/1504.00941.

    Args:
      gain: the scale (traceable; ``identity:GAIN``).

    Returns:
      An initializer for 2-D weights.
    """
    check_nonnegative(gain, "gain")
    return Identity(gain)


# ------------------------------------------------------- framework defaults


def torch_linear() -> TorchLinear:
    r"""PyTorch ``nn.Linear``: weight :math:`U(-1/\sqrt{\text{fan\_in}}, 1/\sqrt{\text{fan\_in}})`.

    At network level the bias follows the same bound; at array level use
    :func:`torch_linear_bias` for Flax's ``bias_init``.

    Returns:
      An initializer.
    """
    return TorchLinear()


def torch_linear_bias(fan_in: int) -> Any:
    r"""PyTorch ``nn.Linear`` bias: :math:`U(-1/\sqrt{\text{fan\_in}}, 1/\sqrt{\text{fan\_in}})`.

    Args:
      fan_in: the layer's number of inputs (Flax's ``bias_init`` does not get it).

    Returns:
      An initializer for 1-D bias shapes.
    """
    if isinstance(fan_in, bool) or not isinstance(fan_in, int) or fan_in < 1:
        raise ValueError(f"fan_in must be a positive int; got fan_in={fan_in!r}.")
    return _TorchBias(fan_in)


class _TorchBias:
    def __init__(self, fan_in: int):
        self.fan_in = fan_in

    def __call__(self, key, shape, dtype=jnp.float32, out_sharding=None):
        return TorchLinear().bias(key, shape, dtype, self.fan_in)

    def __repr__(self):
        return f"initax.initializers.torch_linear_bias(fan_in={self.fan_in})"

    def __eq__(self, other):
        return isinstance(other, _TorchBias) and other.fan_in == self.fan_in

    def __hash__(self):
        return hash(("torch_linear_bias", self.fan_in))


def flax_dense() -> VarianceScaling:
    r"""Flax ``nn.Dense`` default kernel: truncated normal, :math:`\mathrm{Var} = 1/\text{fan\_in}`.

    (``flax.linen.initializers.lecun_normal()``; zero bias.)

    Returns:
      An initializer.
    """
    return VarianceScaling(1.0, "fan_in", "truncated_normal", name="flax_dense")


def keras_dense() -> VarianceScaling:
    r"""Keras ``Dense`` default kernel: ``glorot_uniform``, zero bias.

    :math:`U(-a, a)`, :math:`a = \sqrt{6/(\text{fan\_in}+\text{fan\_out})}`.

    Returns:
      An initializer.
    """
    return VarianceScaling(1.0, "fan_avg", "uniform", name="keras_dense")


# ------------------------------------------------------------------- gain

_GAINS = {
    "linear": 1.0,
    "identity": 1.0,
    "conv1d": 1.0,
    "conv2d": 1.0,
    "conv3d": 1.0,
    "conv_transpose1d": 1.0,
    "conv_transpose2d": 1.0,
    "conv_transpose3d": 1.0,
    "sigmoid": 1.0,
    "tanh": 5.0 / 3.0,
    "relu": math.sqrt(2.0),
    "selu": 3.0 / 4.0,  # PyTorch's value, chosen for self-normalizing nets
}


def gain(activation: str, param: float | None = None) -> float:
    r"""Recommended gain for an activation, the values of PyTorch's ``calculate_gain``.

    ======================  =====================================
    activation              gain
    ======================  =====================================
    linear, conv*, sigmoid  1
    tanh                    5/3
    relu                    :math:`\sqrt{2}`
    leaky_relu              :math:`\sqrt{2/(1+\text{slope}^2)}`, slope 0.01 by default
    selu                    3/4
    ======================  =====================================

    Args:
      activation: the activation's name.
      param: the negative slope for ``leaky_relu``.

    Returns:
      The gain as a Python float.
    """
    if not isinstance(activation, str):
        raise TypeError(f"activation must be a str; got {activation!r}.")
    act = activation.lower()
    if act == "leaky_relu":
        slope = 0.01 if param is None else param
        if isinstance(slope, bool) or not isinstance(slope, (int, float)):
            raise ValueError(f"param must be a number (the negative slope); got param={param!r}.")
        return math.sqrt(2.0 / (1.0 + slope**2))
    if act not in _GAINS:
        raise ValueError(
            f"activation={activation!r} is not known; accepted: "
            f"{sorted([*_GAINS, 'leaky_relu'])}."
        )
    return _GAINS[act]

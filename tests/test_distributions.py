"""Every scheme follows its intended distribution (KS test and variance band).

Tolerances. Each check draws a (400, 250) weight, N = 100,000 samples.
- KS: we reject when the p-value is below 1e-4, so a correct implementation
  fails with probability 1e-4 per seed (and the seeds are fixed). For N = 1e5
  the KS statistic of a normal whose scale is off by 10% is about 0.022, while
  the 1e-4 critical value is about 0.0062: such an error fails reliably
  (``test_checks_catch_a_10_percent_scale_error`` proves it for every scheme).
- Variance: the relative standard error of a sample variance is at most
  sqrt(2/N) = 0.0045 here, so a band of +-3% is more than 6 standard errors wide
  (false failure < 1e-9), while a 10% error in scale (21% in variance) or in
  variance falls far outside it.
Fans are fan_in = 400, fan_out = 250: fan_in, fan_out and their average differ
by more than 20%, so a wrong fan mode fails the same checks.
"""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import stats

import initax
from initax import initializers as I

FAN_IN, FAN_OUT = 400, 250
KS_P = 1e-4
VAR_BAND = 0.03
T = 0.87962566103423978  # stddev of N(0, 1) truncated to (-2, 2)


def _tn(std):  # JAX's truncated variance scaling: N(0,1) truncated to (-2, 2), rescaled
    return stats.truncnorm(-2, 2, scale=std / T)


def _u(a):
    return stats.uniform(-a, 2 * a)


FI, FO, FA = FAN_IN, FAN_OUT, (FAN_IN + FAN_OUT) / 2
# scheme name -> the intended scipy distribution of the weights
EXPECTED = {
    "gaussian": stats.norm(0, 0.01),
    "gaussian:10": stats.norm(0, 10.0),
    "xavier": stats.norm(0, math.sqrt(1 / FI)),
    "he": stats.norm(0, math.sqrt(2 / FI)),
    "lecun_normal": _tn(math.sqrt(1 / FI)),
    "lecun_uniform": _u(math.sqrt(3 / FI)),
    "glorot_normal": _tn(math.sqrt(1 / FA)),
    "glorot_uniform": _u(math.sqrt(3 / FA)),
    "xavier_normal": _tn(math.sqrt(1 / FA)),
    "xavier_uniform": _u(math.sqrt(3 / FA)),
    "he_normal": _tn(math.sqrt(2 / FI)),
    "he_uniform": _u(math.sqrt(6 / FI)),
    "kaiming_normal": _tn(math.sqrt(2 / FI)),
    "kaiming_uniform": _u(math.sqrt(6 / FI)),
    "normal": stats.norm(0, 0.01),
    "truncated_normal": stats.truncnorm(-2, 2, scale=0.01),
    "uniform": stats.uniform(0, 0.01),
    "torch_linear": _u(1 / math.sqrt(FI)),
    "flax_dense": _tn(math.sqrt(1 / FI)),
    "keras_dense": _u(math.sqrt(6 / (FI + FO))),
}
# deterministic, structured or data-dependent schemes are tested on their defining
# property in test_literature.py (and orthogonal below)
RANDOM_SCHEMES = sorted(set(initax.SCHEMES) - {"zeros", "ones", "orthogonal", "zero", "identity",
                                               "sparse", "torch_sparse", "lsuv"})


def check(samples, dist):
    """The KS test and the variance band described in the module docstring."""
    x = np.asarray(samples, np.float64).ravel()
    p = stats.kstest(x, dist.cdf).pvalue
    assert p > KS_P, f"KS p-value {p:.2e}"
    assert abs(x.var() / dist.var() - 1) < VAR_BAND, f"variance ratio {x.var() / dist.var():.4f}"
    lo, hi = dist.support()
    assert x.min() >= lo and x.max() <= hi  # truncated/uniform bounds hold


def weights(name, use_jit, seed=0):
    def f(k):
        return initax.init(k, [FAN_IN, FAN_OUT], name)

    f = jax.jit(f) if use_jit else f
    return f(jax.random.key(seed))["W1"]


def test_every_random_scheme_has_an_expectation():
    assert set(RANDOM_SCHEMES) <= set(EXPECTED)


@pytest.mark.parametrize("use_jit", [False, True])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_network_level_distribution(name, use_jit):
    check(weights(name, use_jit), EXPECTED[name])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_checks_catch_a_10_percent_scale_error(name):
    w = np.asarray(weights(name, False), np.float64)
    for factor in (1.1, 0.9):
        with pytest.raises(AssertionError):
            check(w * factor, EXPECTED[name])
    # and a 10% error in the variance
    with pytest.raises(AssertionError):
        check(w * math.sqrt(1.1), EXPECTED[name])


def test_torch_linear_bias_distribution():
    b = initax.init(jax.random.key(0), [FAN_IN, 100_000], "torch_linear")["b1"]
    check(b, _u(1 / math.sqrt(FAN_IN)))
    fb = I.torch_linear_bias(FAN_IN)(jax.random.key(1), (100_000,))
    check(fb, _u(1 / math.sqrt(FAN_IN)))


@pytest.mark.parametrize("name", ["glorot_normal", "glorot_uniform", "he_normal", "he_uniform",
                                  "lecun_normal", "lecun_uniform", "xavier_normal",
                                  "xavier_uniform", "kaiming_normal", "kaiming_uniform",
                                  "normal", "truncated_normal", "uniform", "orthogonal"])
def test_shared_names_equal_jax(name):
    """Names shared with jax.nn.initializers: the same bits, hence the same distribution."""
    ours = getattr(I, name)()
    theirs = getattr(jax.nn.initializers, name)()
    k = jax.random.key(5)
    for shape in [(40, 25), (3, 3, 16, 8)]:
        np.testing.assert_array_equal(np.asarray(ours(k, shape)), np.asarray(theirs(k, shape)))
    # equality in distribution on independent keys (two-sample KS)
    if name != "orthogonal":
        a = np.asarray(ours(jax.random.key(1), (FAN_IN, FAN_OUT))).ravel()
        b = np.asarray(theirs(jax.random.key(2), (FAN_IN, FAN_OUT))).ravel()
        assert stats.ks_2samp(a, b).pvalue > KS_P


@pytest.mark.parametrize("shape", [(64, 64), (32, 96), (96, 32)])
@pytest.mark.parametrize("scale", [1.0, 2.5])
def test_orthogonal(shape, scale):
    w = np.asarray(I.orthogonal(scale)(jax.random.key(0), shape), np.float64)
    small = w @ w.T if shape[0] <= shape[1] else w.T @ w
    np.testing.assert_allclose(small, scale**2 * np.eye(min(shape)), atol=1e-4 * scale**2)
    p = initax.init(jax.random.key(0), [shape[0], shape[1]], I.orthogonal(scale))
    k = np.asarray(p["W1"], np.float64).T  # kernel orientation (fan_in, fan_out)
    small = k @ k.T if shape[0] <= shape[1] else k.T @ k
    np.testing.assert_allclose(small, scale**2 * np.eye(min(shape)), atol=1e-4 * scale**2)


def test_orthogonal_half_precision_computes_in_float32():
    w = initax.init(jax.random.key(0), [16, 16], "orthogonal", dtype=jnp.float16)["W1"]
    w = np.asarray(w, np.float64)
    np.testing.assert_allclose(w @ w.T, np.eye(16), atol=5e-3)


def test_constants():
    k = jax.random.key(0)
    assert not np.any(np.asarray(I.zeros(k, (3, 4))))
    assert I.zeros() is I.zeros  # usable bare (JAX style) or called
    assert np.all(np.asarray(I.ones(k, (3, 4))) == 1)
    assert np.all(np.asarray(I.constant(0.25)(k, (2,))) == np.float32(0.25))


def test_gain_matches_pytorch_calculate_gain():
    # values of torch.nn.init.calculate_gain
    assert I.gain("linear") == 1 and I.gain("sigmoid") == 1 and I.gain("conv2d") == 1
    assert I.gain("tanh") == pytest.approx(5 / 3)
    assert I.gain("relu") == pytest.approx(math.sqrt(2))
    assert I.gain("leaky_relu") == pytest.approx(math.sqrt(2 / (1 + 0.01**2)))
    assert I.gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04))
    assert I.gain("selu") == pytest.approx(0.75)
    assert initax.gain is I.gain
    with pytest.raises(ValueError, match="activation='swishy'.*accepted"):
        I.gain("swishy")

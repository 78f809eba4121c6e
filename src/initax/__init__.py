"""initax: pure-functional weight initialization for JAX.

The classic schemes (zeros, gaussian, xavier, he) as compiled, vmappable
functions of an explicit PRNG key; every ``jax.nn.initializers`` scheme plus
framework defaults as hashable Flax-ready initializers; ensembles of thousands
of seeded initializations in one call.
"""

from initax import diagnostics as diagnostics
from initax import initializers as initializers
from initax import mlp as mlp
from initax._ensemble import ensemble as ensemble
from initax._lsuv import lsuv as lsuv
from initax._network import gaussian as gaussian
from initax._network import he as he
from initax._network import init as init
from initax._network import xavier as xavier
from initax._network import zeros as zeros
from initax._registry import SCHEMES as SCHEMES
from initax._reinit import reinit as reinit
from initax.initializers import gain as gain

__version__ = "0.1.0"

__all__ = [
    "SCHEMES",
    "diagnostics",
    "ensemble",
    "gain",
    "gaussian",
    "he",
    "init",
    "initializers",
    "lsuv",
    "mlp",
    "reinit",
    "xavier",
    "zeros",
]

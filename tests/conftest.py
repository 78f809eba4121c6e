import jax
import numpy as np
import pytest

# Strict dtype promotion surfaces silent upcasts (equinox does the same).
jax.config.update("jax_numpy_dtype_promotion", "strict")


@pytest.fixture
def key():
    return jax.random.key(0)


def assert_trees_equal(a, b):
    """Bit-for-bit equality of two pytrees (structure, shapes, dtypes, values)."""
    la, ta = jax.tree.flatten(a)
    lb, tb = jax.tree.flatten(b)
    assert ta == tb
    for x, y in zip(la, lb, strict=True):
        assert x.shape == y.shape and x.dtype == y.dtype
        np.testing.assert_array_equal(np.asarray(x), np.asarray(y))

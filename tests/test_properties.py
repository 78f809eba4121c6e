"""Property tests: any valid layer dims give the classic shapes; invalid ones are refused."""

import jax
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import initax

DIMS = st.lists(st.integers(1, 6), min_size=2, max_size=4)


@settings(max_examples=12, deadline=None)
@given(dims=DIMS)
def test_any_valid_dims(dims):
    p = initax.he(jax.random.key(0), dims)
    assert len(p) == 2 * (len(dims) - 1)
    for l in range(1, len(dims)):
        assert p[f"W{l}"].shape == (dims[l], dims[l - 1])
        assert p[f"b{l}"].shape == (dims[l], 1)


@settings(max_examples=25, deadline=None)
@given(dims=st.lists(st.integers(-5, 5), min_size=2, max_size=4).filter(lambda d: min(d) < 1))
def test_non_positive_dims_refused(dims):
    with pytest.raises(ValueError, match=r"layers_dims\[\d\] must be a positive int"):
        initax.he(jax.random.key(0), dims)

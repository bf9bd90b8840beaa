"""Bubble values on tensors: against numpy.einsum, and invariance under O(N)/U(N) rotations."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import ortho_group, unitary_group

from tensornn.bubbles.enumerate import enumerate_bubbles
from tensornn.bubbles.evaluate import einsum_subscripts, evaluate_bubble
from tensornn.bubbles.families import melon, tetrahedron
from tensornn.errors import InvalidArgumentError


def _reference(bubble, t):
    ops = [np.conj(t) if k == "white" else t for k in bubble.kinds]
    return np.einsum(einsum_subscripts(bubble), *ops)


@pytest.mark.parametrize("field", ["complex", "real"])
def test_against_numpy_einsum(field):
    rng = np.random.default_rng(1)
    t = rng.normal(size=(2, 3, 2)) + (1j * rng.normal(size=(2, 3, 2)) if field == "complex" else 0)
    for b in enumerate_bubbles(3, 3, field):
        assert np.allclose(evaluate_bubble(b, t), _reference(b, t), rtol=1e-12, atol=1e-12)


def test_simple_values():
    t = np.arange(24.0).reshape(2, 3, 4)
    assert evaluate_bubble(melon(3, "real"), t) == pytest.approx((t**2).sum())
    z = t + 1j
    assert evaluate_bubble(melon(3), z) == pytest.approx((np.abs(z) ** 2).sum())
    with pytest.raises(InvalidArgumentError, match="axis"):
        evaluate_bubble(tetrahedron(), np.ones((2, 2)))


def _rotate(t, mats):
    for axis, m in enumerate(mats):
        t = np.moveaxis(np.tensordot(m, t, axes=([1], [axis])), 0, axis)
    return t


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), field=st.sampled_from(["complex", "real"]), n=st.integers(2, 3))
def test_invariance_under_rotations(seed, field, n):
    rng = np.random.default_rng(seed)
    shape = (2, 3, 3)
    group = unitary_group if field == "complex" else ortho_group
    mats = [group.rvs(dim, random_state=rng) for dim in shape]
    t = rng.normal(size=shape) + (1j * rng.normal(size=shape) if field == "complex" else 0)
    rotated = _rotate(t, mats)
    for b in enumerate_bubbles(3, n, field):
        assert np.allclose(evaluate_bubble(b, rotated), evaluate_bubble(b, t), rtol=1e-9, atol=1e-9)

"""Bubble values against numpy.einsum, invariance under index rotations, and the compiled cache."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import ortho_group, unitary_group

from tensornn import InvalidArgumentError
from tensornn.bubbles import enumerate_bubbles, evaluate_bubble, pillow, tetrahedron
from tensornn.bubbles.evaluate import bubble_equation, bubble_expression


def _rotate(tensor, matrices):
    for axis, m in enumerate(matrices):
        tensor = np.moveaxis(np.tensordot(m, tensor, axes=([1], [axis])), 0, axis)
    return tensor


def test_values_agree_with_numpy_einsum():
    rng = np.random.default_rng(1)
    real = rng.normal(size=(2, 3, 2))
    cplx = rng.normal(size=(2, 3, 2)) + 1j * rng.normal(size=(2, 3, 2))
    for field, tensor in (("real", real), ("complex", cplx)):
        for b in enumerate_bubbles(3, 3, field):
            operands = [np.conj(tensor) if k == "white" else tensor for k in b.kinds]
            expected = np.einsum(bubble_equation(b), *operands)
            assert evaluate_bubble(b, tensor) == pytest.approx(complex(expected), rel=1e-10)


def test_pillow_is_the_trace_of_the_squared_colour_matrix():
    rng = np.random.default_rng(2)
    t = rng.normal(size=(3, 4, 5))
    a = np.einsum("ibc,jbc->ij", t, t)  # colour-1 matrix A^1
    assert evaluate_bubble(pillow(3, 1, "real"), t) == pytest.approx(np.trace(a @ a))


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), index=st.integers(0, 4))
def test_values_are_invariant_under_rotations_of_each_index(seed, index):
    rng = np.random.default_rng(seed)
    shape = (2, 3, 2)
    real = rng.normal(size=shape)
    rotations = [ortho_group.rvs(n, random_state=rng) for n in shape]
    b = list(enumerate_bubbles(3, 2, "real"))[index]
    assert evaluate_bubble(b, _rotate(real, rotations)) == pytest.approx(evaluate_bubble(b, real), rel=1e-9, abs=1e-9)
    cplx = rng.normal(size=shape) + 1j * rng.normal(size=shape)
    unitaries = [unitary_group.rvs(n, random_state=rng) for n in shape]
    for b in enumerate_bubbles(3, 2, "complex"):
        rotated = evaluate_bubble(b, _rotate(cplx, unitaries))
        assert rotated == pytest.approx(evaluate_bubble(b, cplx), rel=1e-9, abs=1e-9)


def test_expression_is_compiled_once_per_shape():
    b = tetrahedron()
    first = bubble_expression(b, (3, 3, 3))
    assert bubble_expression(b, (3, 3, 3)) is first
    assert bubble_expression(b, (2, 3, 3)) is not first


def test_bad_tensors_are_refused():
    with pytest.raises(InvalidArgumentError, match="rank 3"):
        evaluate_bubble(tetrahedron(), np.ones((2, 2)))
    with pytest.raises(InvalidArgumentError, match="finite"):
        evaluate_bubble(tetrahedron(), np.full((2, 2, 2), np.nan))

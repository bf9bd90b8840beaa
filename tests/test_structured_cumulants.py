"""Exact cumulants of linear CP-structured networks against Monte Carlo and an explicit moment tensor.

MC tolerances: |MC - exact| < 3 standard errors per statistic, the standard errors being the spread
of 50-200 independent blocks of networks / sqrt(n_blocks). Seeds are fixed, so each check is
deterministic; 3 sigma leaves a ~0.3% chance per statistic that a correct formula fails on a new seed.
"""

import itertools

import numpy as np
import pytest

from tensornn.correlators.cp_cumulants import (
    contraction,
    linear_four_point,
    linear_two_point,
    pairing_tuples,
    tuple_weight,
)
from tensornn.networks import StructuredNetwork
from tensornn.structured import estimate_correlators

QUADRUPLES = np.array([[0, 1, 2, 3], [0, 0, 1, 1], [0, 1, 0, 1], [2, 2, 2, 2], [0, 1, 2, 2], [1, 3, 3, 3]])


def _inputs(sizes, seed=1, p=4):
    return np.random.default_rng(seed).standard_normal((p, *sizes))


def _pairing_delta(size, legs):
    """Sum over the 3 pairings of delta products for one colour: shape (size,)*4."""
    eye = np.eye(size)
    return (np.einsum("ab,cd->abcd", eye, eye) + np.einsum("ac,bd->abcd", eye, eye)
            + np.einsum("ad,bc->abcd", eye, eye))


def test_sum_of_contractions_equals_the_explicit_gaussian_moment_tensor():
    # Independent path: E[u_a u_b u_c u_d] per colour built as a dense array, multiplied across
    # colours as an outer product, then contracted with the four inputs.
    sizes = (2, 3)
    x = _inputs(sizes)
    m1, m2 = _pairing_delta(2, 4), _pairing_delta(3, 4)
    moment = np.einsum("abcd,efgh->aebfcgdh", m1, m2).reshape(6, 6, 6, 6)
    flat = x.reshape(4, 6)
    explicit = np.einsum("abcd,a,b,c,d->", moment, flat[0], flat[1], flat[2], flat[3])
    legs = [x[[i]] for i in range(4)]
    via_pairings = sum(contraction(pi, *legs)[0] for pi in pairing_tuples(2))
    assert via_pairings == pytest.approx(explicit, rel=1e-12)


def test_weights_reduce_to_theory_for_rank_one_and_vanish_off_diagonal_for_dense():
    assert [tuple_weight(pi) for pi in [(0, 0, 0), (0, 0, 1), (0, 1, 2)]] == [2.0, 3.0, 3.0]
    assert tuple_weight((0, 1, 2), cp_rank=4) == 0.75
    assert tuple_weight((1, 1), cp_rank=None) == 2.0 and tuple_weight((0, 1), cp_rank=None) == 0.0


def test_dense_equals_the_vector_model_of_the_flattened_input():
    # Dense weights on (2,2,2) inputs = a d = 1 network on the flattened vectors of size 8.
    x = _inputs((2, 2, 2))
    dense = StructuredNetwork((2, 2, 2), cp_rank=None, width=3, sigma_w=1.3, sigma_v=0.7)
    vector = StructuredNetwork((8,), cp_rank=1, width=3, sigma_w=1.3, sigma_v=0.7)
    np.testing.assert_allclose(linear_four_point(dense, x, QUADRUPLES),
                               linear_four_point(vector, x.reshape(4, 8), QUADRUPLES), rtol=1e-12)
    np.testing.assert_allclose(linear_two_point(dense, x), linear_two_point(vector, x.reshape(4, 8)), rtol=1e-12)


def test_large_rank_approaches_dense_as_one_over_rank():
    # Exact: G4c(R) - G4c(dense) = (3/R) (s^4/N) sum_{pi not all equal} I_pi.
    x = _inputs((2, 2, 2))
    dense = linear_four_point(StructuredNetwork((2, 2, 2), cp_rank=None, width=2), x, QUADRUPLES)
    gaps = [linear_four_point(StructuredNetwork((2, 2, 2), cp_rank=r, width=2), x, QUADRUPLES) - dense
            for r in (1, 10, 100, 1000)]
    for r, gap in zip((10, 100, 1000), gaps[1:]):
        np.testing.assert_allclose(gap * r, gaps[0], rtol=1e-10)
    assert np.max(np.abs(gaps[-1])) < 1e-2 * np.max(np.abs(dense))


@pytest.mark.parametrize(
    "sizes, rank, width, n_networks",
    [
        ((2,), 1, 2, 200_000),
        ((2, 3), 1, 2, 200_000),
        ((2, 2, 2), 1, 4, 600_000),  # heavy tails (products of 3 Gaussians): more networks and N = 4
        ((2, 2, 2), 3, 2, 300_000),
        ((2, 2, 2), 16, 2, 200_000),
        ((2, 2, 2), None, 2, 200_000),
    ],
)
def test_monte_carlo_reproduces_exact_g2_and_g4c(sizes, rank, width, n_networks):
    net = StructuredNetwork(sizes, cp_rank=rank, width=width, sigma_w=1.3, sigma_v=0.8)
    x = _inputs(sizes)
    est = estimate_correlators(net, x, QUADRUPLES, n_networks, seed=7, n_blocks=100, centred=False)
    z4 = (est.g4c - linear_four_point(net, x, QUADRUPLES)) / est.g4c_error
    z2 = (est.g2 - linear_two_point(net, x)) / est.g2_error
    assert np.max(np.abs(z4)) < 3.0, z4
    assert np.max(np.abs(z2)) < 3.0, z2
    # The test can fail: the exact G4c is resolved (several quadruples many standard errors from 0).
    assert np.sum(np.abs(linear_four_point(net, x, QUADRUPLES)) > 5 * est.g4c_error) >= 2


def test_monte_carlo_distinguishes_rank_one_from_dense():
    # Same inputs, R = 1: the dense formula is off by many standard errors, so the check has teeth.
    sizes = (2, 3)
    x = _inputs(sizes)
    cp = StructuredNetwork(sizes, cp_rank=1, width=2, sigma_w=1.3, sigma_v=0.8)
    est = estimate_correlators(cp, x, QUADRUPLES, 200_000, seed=11, n_blocks=100, centred=False)
    dense = linear_four_point(StructuredNetwork(sizes, cp_rank=None, width=2, sigma_w=1.3, sigma_v=0.8), x, QUADRUPLES)
    assert np.max(np.abs((est.g4c - dense) / est.g4c_error)) > 10.0


def test_exact_cumulants_refuse_nonlinear_networks():
    net = StructuredNetwork((2, 2), activation="erf", width=2)
    with pytest.raises(ValueError, match="activation='linear' without biases"):
        linear_four_point(net, _inputs((2, 2)), QUADRUPLES)


def test_pairing_tuples_count():
    assert [len(pairing_tuples(d)) for d in (1, 2, 3, 4)] == [3, 9, 27, 81]
    assert set(itertools.chain.from_iterable(pairing_tuples(2))) == {0, 1, 2}

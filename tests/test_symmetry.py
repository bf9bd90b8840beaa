"""The model-free symmetry test: rotations, the premise on exact G4c, verdicts, calibration, bad input.

Truths: the exact G4c of a dense layer is O(n)-invariant and that of the linear CP layer only O(n_1) x ... x O(n_d)
invariant (oracles, to rounding); Haar rotations are orthogonal with E g_ij^2 = 1/n; colour-wise rotations equal
the Kronecker product on the flattened input; under invariance the rate of p < alpha is alpha within its binomial
interval (many seeds).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import binom

from tensornn.data import synthetic_kronecker
from tensornn.errors import InvalidArgumentError, InvalidTypeError, UnsupportedReadingError
from tensornn.networks import BlockGaussNetwork, StructuredNetwork
from tensornn.readings import quadruple_design
from tensornn.readings.symmetry import SymmetryTest, haar_rotation, rotate_inputs, symmetry_test

DATA = synthetic_kronecker((2, 2, 2), 300, seed=0)


def small_design(seed=0, n_quadruples=12):
    return quadruple_design(DATA, n_points=6, n_quadruples=n_quadruples, seed=seed)


def test_haar_rotations_are_orthogonal_and_spread():
    rng = np.random.default_rng(0)
    gs = np.array([haar_rotation(5, rng) for _ in range(4000)])
    np.testing.assert_allclose(np.einsum("kij,klj->kil", gs, gs), np.broadcast_to(np.eye(5), gs.shape), atol=1e-12)
    # E g_ij^2 = 1/n, Var g_ij^2 = 2/(n(n+2)): the mean over 4000 draws within 5 standard errors
    se = math.sqrt(2 / (5 * 7) / 4000)
    assert np.all(np.abs((gs**2).mean(axis=0) - 0.2) < 5 * se)
    assert abs(np.mean(np.linalg.det(gs))) < 0.1  # both components of O(n), not only SO(n)


def test_colour_wise_rotation_is_the_kronecker_product():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((3, 2, 3, 4))
    gs = [haar_rotation(m, rng) for m in (2, 3, 4)]
    flat = x.reshape(3, -1) @ np.kron(np.kron(gs[0], gs[1]), gs[2]).T
    np.testing.assert_allclose(rotate_inputs(x, gs).reshape(3, -1), flat, atol=1e-13)


def test_the_premise_on_exact_g4c():
    """Dense layers: invariant under O(n); the linear CP layer: under the product group, not under O(n)."""
    design = small_design()
    rng = np.random.default_rng(2)
    full, colour = haar_rotation(8, rng), [haar_rotation(2, rng) for _ in range(3)]
    pairs = np.array([[0, 0, 0, 0], [0, 0, 1, 1], [1, 1, 1, 4], [2, 2, 5, 5]])  # rank <= 2: ReLU's exact rule
    for act, quads in (("relu", pairs), ("gauss", design.quadruples), ("linear", design.quadruples)):
        dense = StructuredNetwork((2, 2, 2), None, act, width=3)
        y = dense.exact_four_point(design.inputs, quads)
        np.testing.assert_allclose(dense.exact_four_point(rotate_inputs(design.inputs, full), quads), y,
                                   rtol=1e-9, atol=1e-12 * np.abs(y).max())
    cp = StructuredNetwork((2, 2, 2), 1, "linear", width=3)
    y = cp.exact_four_point(design.inputs, design.quadruples)
    np.testing.assert_allclose(cp.exact_four_point(rotate_inputs(design.inputs, colour), design.quadruples), y,
                               rtol=1e-10, atol=1e-12 * np.abs(y).max())
    moved = cp.exact_four_point(rotate_inputs(design.inputs, full), design.quadruples)
    assert np.linalg.norm(moved - y) > 0.1 * np.linalg.norm(y)


@pytest.mark.parametrize("activation", ["linear", "relu", "erf", "tanh", "gauss"])
def test_dense_layers_are_not_rejected(activation):
    test = symmetry_test(StructuredNetwork((2, 2, 2), None, activation, width=4), small_design(), n_networks=16384,
                         n_groups=32, n_rotations=1, seed=3)
    assert isinstance(test, SymmetryTest) and test.group == "O(n)" and test.dimensions == (8,)
    assert test.p_value >= 0.01 and test.invariant in (True, None)
    assert test.df1 == 12 and test.df2 == 31 - 12 + 1
    d = test.to_dict()
    assert d["invariant"] == test.invariant and d["reference"].startswith("F(12, 20)")


def test_the_cp_layer_is_rejected_under_o_n_and_not_colour_wise():
    net = StructuredNetwork((2, 2, 2), 1, "linear", width=4)
    design = small_design(seed=1, n_quadruples=16)
    full = symmetry_test(net, design, n_networks=1 << 16, n_groups=64, seed=0)
    assert full.invariant is False and full.p_value < 1e-4, full
    assert "not O(n)-invariant" in full.reason
    colour = symmetry_test(net, design, n_networks=1 << 16, n_groups=64, seed=0, group="colour-wise")
    assert colour.p_value >= 0.01 and colour.group == "O(n_1)x...xO(n_d)" and colour.dimensions == (2, 2, 2)


def test_block_networks_rotate_block_by_block():
    net = BlockGaussNetwork((2, 3), (0.8, 1.6), width=3)
    x = 0.3 * np.random.default_rng(0).standard_normal((80, 5))
    design = quadruple_design(x, n_points=6, n_quadruples=10, seed=0)
    test = symmetry_test(net, design, n_networks=8192, n_groups=32, n_rotations=1, group="colour-wise")
    assert test.dimensions == (2, 3) and test.p_value >= 0.01


def test_undecided_when_the_test_cannot_resolve_the_change():
    test = symmetry_test(StructuredNetwork((2, 2, 2), None, "relu", width=4), small_design(), n_networks=1024,
                         n_groups=16, n_rotations=1, seed=0, max_detectable=0.01)
    assert test.invariant is None and test.networks_needed > 1024 and "undecided" in test.reason


def test_undecided_when_g4c_itself_is_not_resolved():
    """A wide layer (G4c ~ 1/N) with few networks and the plain estimator: G4c is noise, so a relative yardstick would
    be meaningless; the test says undecided and why."""
    test = symmetry_test(StructuredNetwork((2, 2, 2), None, "linear", width=64), small_design(), n_networks=256,
                         n_groups=16, seed=0, estimator="outputs")
    assert test.g4c_p_value >= 0.01 and test.invariant is None and "not resolved" in test.reason
    assert test.estimator == "outputs" and test.to_dict()["g4c_p_value"] == test.g4c_p_value


def test_false_rejection_rate_is_alpha_within_its_binomial_interval():
    """60 seeds of a dense linear layer at alpha = 0.1: the count of p < alpha lies in the central 99.8% binomial
    interval of Binomial(60, 0.1) (0..15)."""
    net = StructuredNetwork((2, 2, 2), None, "linear", width=4)
    rejections = sum(symmetry_test(net, small_design(seed), n_networks=4096, n_groups=32, n_rotations=1, seed=seed,
                                   alpha=0.1).p_value < 0.1 for seed in range(60))
    lo, hi = binom.ppf(0.001, 60, 0.1), binom.ppf(0.999, 60, 0.1)
    assert lo <= rejections <= hi, rejections


def test_any_non_negative_seed_is_accepted_and_reproducible():
    net = StructuredNetwork((2, 2, 2), None, "relu", width=2)
    big = 5741515530665531126  # a 64-bit child seed, as tensornn._random.child_seed returns
    first, again = (symmetry_test(net, small_design(), n_networks=2048, n_groups=16, n_rotations=1, seed=big)
                    for _ in range(2))
    assert first.statistic == again.statistic and first.seed == big
    other = symmetry_test(net, small_design(), n_networks=2048, n_groups=16, n_rotations=1, seed=np.random.default_rng(1))
    assert other.seed is None and math.isfinite(other.statistic)


def test_moments_are_checked_before_sampling():
    with pytest.raises(UnsupportedReadingError, match="infinite"):
        symmetry_test(StructuredNetwork((2, 2, 2), 1, "gauss", width=2), small_design(), n_networks=4096,
                      n_groups=16)


def test_bad_input_names_the_argument():
    net = StructuredNetwork((2, 2, 2), None, "relu", width=2)
    with pytest.raises(InvalidArgumentError, match="group"):
        symmetry_test(net, small_design(), n_networks=4096, group="SO(n)")
    with pytest.raises(InvalidArgumentError, match="n_rotations"):
        symmetry_test(net, small_design(), n_networks=4096, n_groups=16, n_rotations=0)
    with pytest.raises(InvalidArgumentError, match="n_networks"):
        symmetry_test(net, small_design(), n_networks=100, n_groups=32)
    with pytest.raises(InvalidTypeError, match="QuadrupleDesign"):
        symmetry_test(net, np.ones((4, 2, 2, 2)), n_networks=4096)
    flat = StructuredNetwork((8,), None, "relu", width=2)
    design = quadruple_design(DATA.values.reshape(300, 8), n_points=6, n_quadruples=8)
    with pytest.raises(InvalidArgumentError, match="one"):
        symmetry_test(flat, design, n_networks=4096, n_groups=16, group="colour-wise")

"""Correlators: Wick sums, connected functions of known laws, jackknife errors, noise flags."""

import itertools
import math
import warnings

import numpy as np
import pytest

from tensornn import InvalidArgumentError, NoisyEstimateWarning
from tensornn.correlators import (
    correlator_table,
    four_point,
    measure,
    normalised_deviation,
    pairings,
    six_point,
    two_point,
    wick_sum,
)
from tensornn.networks.sampling import sample_ensemble

COV = np.array([[1.0, 0.5, 0.2], [0.5, 2.0, -0.3], [0.2, -0.3, 1.5]])
X3 = np.zeros((3, 1))  # placeholders: these laws ignore input values, only their number matters


class GaussianField:
    """f ~ N(0, COV): every connected function beyond 2 points vanishes."""

    def check_inputs(self, inputs):
        return np.asarray(inputs, dtype=float).reshape(len(COV), -1)

    def sample_outputs(self, inputs, n_networks, rng):
        return rng.multivariate_normal(np.zeros(len(COV)), COV, size=n_networks, method="cholesky")


class ScaleMixture(GaussianField):
    """f = g v with g ~ N(0, 1) independent of v ~ N(0, COV).

    Moments: E f^{2k} = E g^{2k} Wick_{2k}(COV), so G2 = COV, G4 = 3 W4, G6 = 15 W6, and the cumulants are
    G4c = 2 W4(COV) and G6c = 15 W6 - sum_{4|2} (2 W4) COV - W6 = 15 W6 - 6 W6 - W6 = 8 W6(COV)
    (each pairing appears 3 times among the 15 splits 4|2).
    """

    def sample_outputs(self, inputs, n_networks, rng):
        v = super().sample_outputs(inputs, n_networks, rng)
        return rng.standard_normal((n_networks, 1)) * v


def _brute_force_wick(K, idx):
    # Sum over all n! orderings of prod K[o0, o1] K[o2, o3] ..., divided by the 2^(n/2) (n/2)! orderings per pairing.
    n = len(idx)
    total = 0.0
    for perm in itertools.permutations(range(n)):
        total += np.prod([K[idx[perm[2 * i]], idx[perm[2 * i + 1]]] for i in range(n // 2)])
    return total / (2 ** (n // 2) * math.factorial(n // 2))


def test_pairing_counts():
    assert [len(pairings(n)) for n in (0, 2, 4, 6, 8, 3)] == [1, 1, 3, 15, 105, 0]
    for n in (4, 6, 8):
        for p in pairings(n):
            assert sorted(i for pair in p for i in pair) == list(range(n))
        assert len({frozenset(map(frozenset, p)) for p in pairings(n)}) == len(pairings(n))


@pytest.mark.parametrize("idx", [(0, 1), (0, 1, 2, 2), (0, 0, 0, 0), (0, 1, 2, 0, 1, 2), (2, 2, 1, 1, 0, 0)])
def test_wick_sum_matches_brute_force(idx):
    rng = np.random.default_rng(0)
    a = rng.normal(size=(3, 3))
    K = a @ a.T
    assert wick_sum(K, idx) == pytest.approx(_brute_force_wick(K, idx), rel=1e-12)
    assert wick_sum(K, (0, 0, 0, 0)) == pytest.approx(3 * K[0, 0] ** 2)
    batched = wick_sum(np.stack([K, 2 * K]), idx)
    assert batched[1] == pytest.approx(2 ** (len(idx) // 2) * batched[0])


def test_wick_sum_errors():
    with pytest.raises(InvalidArgumentError, match=r"shape \(\.\.\., P, P\)"):
        wick_sum(np.ones((2, 3)), (0, 1))
    with pytest.raises(InvalidArgumentError, match="out of range"):
        wick_sum(np.eye(2), (0, 5))


@pytest.fixture(scope="module")
def gaussian():
    return sample_ensemble(GaussianField(), X3, 200_000, seed=3, tuples=6, n_groups=40)


@pytest.fixture(scope="module")
def mixture():
    return sample_ensemble(ScaleMixture(), X3, 400_000, seed=4, tuples=6, n_groups=40)


def test_gaussian_connected_functions_vanish_within_errors(gaussian):
    # 3 standard errors per estimate; the G2 and full G4 must equal the Wick values.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NoisyEstimateWarning)
        for idx in [(0, 1, 2, 2), (0, 0, 1, 1), (1, 1, 1, 1)]:
            c = four_point(gaussian, idx, kernel_matrix=COV)
            assert c.gp == 0.0 and abs(c.value) < 3 * c.stderr, c
            full = four_point(gaussian, idx, connected=False, kernel_matrix=COV)
            assert abs(full.value - full.gp) < 3 * full.stderr, full
        for idx in [(0, 0, 1, 1, 2, 2), (0, 1, 2, 0, 1, 2), (2, 2, 2, 2, 2, 2)]:
            c = six_point(gaussian, idx, kernel_matrix=COV)
            assert abs(c.value) < 3 * c.stderr, c
        for a, b in [(0, 0), (0, 1), (1, 2)]:
            e = two_point(gaussian, (a, b), kernel_matrix=COV)
            assert abs(e.value - COV[a, b]) < 3 * e.stderr


def test_scale_mixture_cumulants_are_recovered(mixture):
    # Exact cumulants (see ScaleMixture): G4c = 2 W4, G6c = 8 W6; 3 standard errors each, and resolved (not noise).
    for idx in [(0, 0, 1, 1), (0, 1, 2, 2), (1, 1, 1, 1)]:
        e = four_point(mixture, idx, exact=2 * wick_sum(COV, idx))
        assert abs(e.z_exact) < 3 and not e.noise_dominated, e
    for idx in [(0, 0, 1, 1, 2, 2), (0, 0, 0, 0, 0, 0)]:
        e = six_point(mixture, idx, exact=8 * wick_sum(COV, idx))
        assert abs(e.z_exact) < 3 and not e.noise_dominated, e


def test_jackknife_error_of_a_mean_matches_the_naive_error():
    # For a linear statistic the jackknife error is the usual sigma/sqrt(n); with 40 groups its relative
    # precision is ~1/sqrt(2*39) = 11%, so 35% is a 3-sigma bound.
    rng_seed = 8
    m = sample_ensemble(GaussianField(), X3, 100_000, seed=rng_seed, tuples=2, n_groups=40)
    e = two_point(m, (1, 1))
    naive = math.sqrt(2 * COV[1, 1] ** 2 / m.n_networks)  # Var(f^2) = 2 sigma^4 for a Gaussian
    assert e.stderr == pytest.approx(naive, rel=0.35)


def test_noise_flag_and_warning(gaussian):
    with pytest.warns(NoisyEstimateWarning, match="within 2 standard errors"):
        e = four_point(gaussian, (0, 1, 2, 2))
    assert e.noise_dominated and "NOISE-DOMINATED" in repr(e)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not two_point(gaussian, (0, 0)).noise_dominated


def test_normalised_deviation_of_gaussian_is_background(gaussian, mixture):
    d = normalised_deviation(gaussian, (0, 0, 1, 1), COV)
    assert abs(d.value) < 3 * d.background and not d.significant, d
    # A non-Gaussian law: G4 = 3 W4, so delta = 2 exactly, far above the background.
    d = normalised_deviation(mixture, (0, 0, 1, 1), COV)
    assert abs(d.value - 2.0) < 3 * d.stderr and d.significant
    with pytest.raises(InvalidArgumentError, match="GP value .* is 0"):
        normalised_deviation(gaussian, (0, 1), np.eye(3))


def test_table_and_errors(mixture):
    with pytest.warns(NoisyEstimateWarning):
        table = correlator_table(
            sample_ensemble(GaussianField(), X3, 5_000, seed=1), COV, orders=(2, 4), exact=lambda idx: 0.0
        )
    assert {e.name for e in table} == {"G2", "G4c"} and all(e.exact == 0.0 for e in table if e.name == "G4c")
    with pytest.raises(InvalidArgumentError, match="2, 4 or 6 input indices"):
        measure(mixture, (0, 1, 2))
    with pytest.raises(InvalidArgumentError, match="orders must be among"):
        correlator_table(mixture, orders=(3,))


def test_gauss_net_connected_four_point_matches_exact_formula():
    # docs/theory/nn_qft.md: G4c = (sigma_w^4 / N) [3 E(h1 h2 h3 h4) - (C12 C34 + C13 C24 + C14 C23)], with
    # E(h1..h4) = exp(sum_{i<j} s_ij - sum_i s_ii / 2) for the Gauss-net; 3 standard errors.
    from tensornn.networks.scalar import ScalarNetwork

    # Small pre-activation variances (s_aa <= 0.13): h is log-normal and the variance of the G4 estimator
    # grows like exp(28 s_aa), so larger inputs give skewed, unreliable Monte-Carlo errors.
    sw, sb, width = 1.0, 0.3, 2
    x = np.array([0.2, -0.3, 0.1])
    net = ScalarNetwork("gauss", d_in=1, width=width, sigma_w=sw, sigma_b=sb)
    m = sample_ensemble(net, x, 300_000, seed=12)
    s = sb**2 + sw**2 * np.outer(x, x)
    C = np.exp(-(sw**2) * (x[:, None] - x[None, :]) ** 2 / 2)
    for idx in [(0, 1, 2, 2), (0, 0, 1, 1), (2, 2, 2, 2)]:
        e_h4 = np.exp(sum(s[idx[i], idx[j]] for i in range(4) for j in range(i + 1, 4)) - sum(s[a, a] for a in idx) / 2)
        exact = sw**4 / width * (3 * e_h4 - wick_sum(C, idx))
        e = four_point(m, idx, exact=exact, kernel_matrix=net.kernel_matrix(x))
        assert abs(e.z_exact) < 3 and not e.noise_dominated, e


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=40, deadline=None)
@given(st.permutations(range(6)), st.lists(st.integers(0, 2), min_size=6, max_size=6))
def test_wick_sum_is_symmetric_under_reordering(perm, idx):
    # A moment of commuting variables does not depend on the order of its arguments.
    assert wick_sum(COV, [idx[p] for p in perm]) == pytest.approx(float(wick_sum(COV, idx)), rel=1e-12)

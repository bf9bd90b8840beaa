"""Data with several indices: validation, the synthetic and digits sets, spectra and the Kronecker distance.

References: the Kronecker identities (product spectrum, partial traces) are exact, tested to 1e-12; the
distance of an exact Kronecker product is 0 (Van Loan-Pitsianis) to rounding; the known non-Kronecker
covariance I (x) I + t Z (x) Z (Z = diag(1, -1)) has distance t / sqrt(1 + t^2) in closed form (its
rearrangement has the two orthogonal rank-1 terms vec I vec I^T and t vec Z vec Z^T). Sampling: a
Kronecker population of P samples gives a distance at its noise floor sqrt((E|x|^4 - |Sigma|^2)/P)/|Sigma|,
which for n = 64 entries lies between 0.85 and 1 times the floor (the Kronecker manifold takes up little of
the noise); the tolerance band [0.7, 1.1] leaves room for the seed.
"""

import math
import sys

import numpy as np
import pytest

from tensornn.data import (
    TensorData,
    ar1_correlation,
    colour_covariances,
    colour_spectra,
    covariance_spectra,
    data_spectra,
    kronecker_distance,
    load_data,
    load_digits_data,
    load_npy,
    nearest_kronecker,
    partial_traces,
    rearrange,
    sample_covariance,
    summarise_data,
    synthetic_kronecker,
)
from tensornn.errors import InvalidArgumentError, InvalidTypeError, MissingDependencyError


def _kron(*factors):
    out = np.ones((1, 1))
    for f in factors:
        out = np.kron(out, f)
    return out


def _random_spd(n, rng):
    a = rng.standard_normal((n, n))
    return a @ a.T + n * np.eye(n)


# ------------------------------------------------------------------ TensorData and loading
def test_tensor_data_validates_its_array():
    with pytest.raises(InvalidArgumentError, match="at least 2 samples"):
        TensorData(np.ones((1, 3)))
    with pytest.raises(InvalidArgumentError, match="shape \\(P, n_1"):
        TensorData(np.ones(5))
    with pytest.raises(InvalidArgumentError, match="2 NaN or inf"):
        TensorData(np.array([[1.0, np.nan], [np.inf, 0.0]]))
    with pytest.raises(InvalidTypeError, match="complex"):
        TensorData(np.ones((3, 2), dtype=complex))
    with pytest.raises(InvalidArgumentError, match="covariance_factors"):
        TensorData(np.ones((3, 2, 2)), covariance_factors=(np.eye(2),))
    data = TensorData(np.arange(24.0).reshape(2, 3, 4), name="t")
    assert data.index_sizes == (3, 4) and data.order == 2 and data.n_components == 12
    assert data.flat().shape == (2, 12)


def test_load_npy_reads_arrays_and_names_bad_files(tmp_path):
    path = tmp_path / "x.npy"
    np.save(path, np.random.default_rng(0).standard_normal((6, 2, 3)))
    data = load_npy(path)
    assert data.index_sizes == (2, 3) and data.name == "x.npy"
    assert load_data(str(path)).n_samples == 6
    with pytest.raises(InvalidArgumentError, match="does not exist"):
        load_npy(tmp_path / "missing.npy")
    with pytest.raises(InvalidArgumentError, match="must end in .npy"):
        load_npy(tmp_path / "x.csv")
    bad = tmp_path / "bad.npy"
    bad.write_text("not numpy")
    with pytest.raises(InvalidArgumentError, match="cannot read"):
        load_npy(bad)
    np.save(tmp_path / "one.npy", np.ones((1, 4)))
    with pytest.raises(InvalidArgumentError, match="at least 2 samples"):
        load_npy(tmp_path / "one.npy")
    with pytest.raises(InvalidArgumentError, match="max_components"):
        load_npy(path, max_components=4)


def test_load_data_lists_the_valid_names():
    with pytest.raises(InvalidArgumentError, match="'synthetic', 'digits'"):
        load_data("mnist")


# ------------------------------------------------------------------ synthetic data
def test_synthetic_default_has_the_documented_shape_and_factors():
    data = synthetic_kronecker()
    assert data.index_sizes == (4, 4, 4) and data.n_samples == 10_000
    np.testing.assert_array_equal(data.covariance_factors[0], ar1_correlation(4, 0.7))
    assert np.array_equal(synthetic_kronecker(seed=0).values, data.values)  # a function of the seed
    assert not np.array_equal(synthetic_kronecker(seed=1).values, data.values)


def test_synthetic_sample_covariance_matches_the_kronecker_product():
    # Entry-wise sampling error of a unit-variance covariance ~ 1/sqrt(P) = 0.01; 5 sigma = 0.05.
    data = synthetic_kronecker((3, 2, 2), 10_000, seed=4)
    np.testing.assert_allclose(sample_covariance(data), data.population_covariance(), atol=0.05)


# ------------------------------------------------------------------ spectra
def test_spectra_of_an_exact_kronecker_covariance_are_the_product_spectrum():
    rng = np.random.default_rng(3)
    factors = [_random_spd(n, rng) for n in (2, 3, 4)]
    sigma = _kron(*factors)
    spec = covariance_spectra(sigma, (2, 3, 4))
    np.testing.assert_allclose(spec.full, spec.product, rtol=1e-12)
    assert spec.product_mismatch < 1e-12
    # each colour's covariance is its factor times mbar / m_c (module docstring of tensornn.data.spectra)
    mbar = np.trace(sigma) / 24
    for factor, colour, lam in zip(factors, partial_traces(sigma, (2, 3, 4)), spec.colours):
        m_c = np.trace(factor) / len(factor)
        np.testing.assert_allclose(colour, factor * mbar / m_c, rtol=1e-12)
        np.testing.assert_allclose(lam, np.sort(np.linalg.eigvalsh(factor))[::-1] * mbar / m_c, rtol=1e-12)


def test_unfolding_and_partial_trace_agree_on_data():
    data = np.random.default_rng(5).standard_normal((40, 2, 3, 2))
    for a, b in zip(colour_covariances(data), partial_traces(sample_covariance(data), (2, 3, 2))):
        np.testing.assert_allclose(a, b, atol=1e-13)
    legacy = colour_spectra(data)  # the old entry point keeps its meaning
    for lam, new in zip(legacy.eigenvalues, data_spectra(data).colours):
        np.testing.assert_allclose(lam, new, atol=1e-13)


def test_old_import_of_colour_spectra_still_works():
    with pytest.warns(DeprecationWarning, match="has moved to tensornn.data.spectra"):
        from tensornn.structured import ColourSpectra, colour_spectra as old

    assert old is colour_spectra and ColourSpectra.__module__ == "tensornn.data.spectra"


def test_rank_deficient_data_are_a_status():
    spec = data_spectra(np.random.default_rng(0).standard_normal((5, 3, 3)))
    assert not spec.success and spec.status == "rank-deficient" and "only 5 samples" in spec.message
    assert spec.rank == 4


# ------------------------------------------------------------------ Kronecker distance
@pytest.mark.parametrize("sizes", [(2, 3), (3, 2, 2), (2, 2, 2, 2)])
def test_exact_kronecker_product_has_distance_zero(sizes):
    rng = np.random.default_rng(1)
    factors = [_random_spd(n, rng) for n in sizes]
    sigma = _kron(*factors)
    fit = nearest_kronecker(sigma, sizes)
    assert fit.success and fit.distance < 1e-12 and max(fit.colour_distances) < 1e-12
    np.testing.assert_allclose(fit.approximation(), sigma, rtol=1e-10, atol=1e-12 * np.abs(sigma).max())
    assert all(np.trace(f) > 0 for f in fit.factors)


@pytest.mark.parametrize("t", [0.1, 0.5, 0.9])
@pytest.mark.parametrize("order", [2, 3])
def test_known_non_kronecker_covariance_has_the_closed_form_distance(t, order):
    z = np.diag([1.0, -1.0])
    sigma = _kron(*([np.eye(2)] * order)) + t * _kron(*([z] * order))
    fit = nearest_kronecker(sigma, (2,) * order)
    assert fit.distance == pytest.approx(t / math.sqrt(1 + t * t), rel=1e-10)
    assert all(v == pytest.approx(t / math.sqrt(1 + t * t), rel=1e-10) for v in fit.colour_distances)


def test_two_factor_splits_bound_the_d_factor_distance_and_find_the_broken_colour():
    # I (x) (I (x) I + t Z (x) Z): colour 1 splits off exactly, colours 2 and 3 do not.
    t = 0.6
    z = np.diag([1.0, -1.0])
    sigma = np.kron(np.eye(2), np.kron(np.eye(2), np.eye(2)) + t * np.kron(z, z))
    fit = nearest_kronecker(sigma, (2, 2, 2))
    assert fit.colour_distances[0] < 1e-12
    assert fit.colour_distances[1] == pytest.approx(t / math.sqrt(1 + t * t), rel=1e-10)
    assert fit.distance >= max(fit.colour_distances) - 1e-12


def test_rearrangement_is_an_isometry():
    sigma = _random_spd(6, np.random.default_rng(2))
    r = rearrange(sigma, (2, 3))
    assert r.shape == (4, 9) and np.sum(r**2) == pytest.approx(np.sum(sigma**2), rel=1e-14)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sampled_kronecker_data_sit_at_the_noise_floor(seed):
    data = synthetic_kronecker((4, 4, 4), 4000, seed=seed)
    fit = kronecker_distance(data)
    assert 0.7 < fit.distance / fit.noise_floor < 1.1, fit
    # for Gaussian data the floor is sqrt(((tr S)^2 + |S|^2) / P) / |S| to leading order
    s = data.population_covariance()
    gaussian = math.sqrt((np.trace(s) ** 2 + np.sum(s**2)) / data.n_samples / np.sum(s**2))
    assert fit.noise_floor == pytest.approx(gaussian, rel=0.1)


def test_summary_of_the_synthetic_data_calls_it_kronecker():
    summary = summarise_data(synthetic_kronecker((3, 3), 3000, seed=0))
    assert summary.kronecker_plausible and "consistent with a Kronecker covariance" in summary.text()
    d = summary.to_dict()
    assert d["kronecker"]["distance"] == summary.kronecker.distance and len(d["spectra"]["full"]) == 9


# ------------------------------------------------------------------ digits
def test_digits_need_scikit_learn_with_a_clear_message(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(MissingDependencyError, match=r'pip install "tensornn\[data\]"'):
        load_digits_data()


def test_digits_are_read_as_eight_by_eight_centred_and_scaled():
    pytest.importorskip("sklearn")
    data = load_digits_data()
    assert data.values.shape == (1797, 8, 8)
    np.testing.assert_allclose(data.values.mean(axis=0), 0.0, atol=1e-12)
    assert np.mean(data.values**2) == pytest.approx(1.0, rel=1e-12)
    summary = summarise_data(data)
    # always-blank border pixels: zero modes of the full covariance
    assert summary.spectra.status == "rank-deficient"
    assert summary.kronecker.distance > 5 * summary.kronecker.noise_floor


def test_colour_marginals_are_averages_over_the_other_indices():
    x = np.random.default_rng(7).standard_normal((3, 2, 3, 4))
    m = TensorData(x).colour_marginals()
    assert m.index_sizes == (9,)
    np.testing.assert_allclose(m.values[:, 2:5], x.mean(axis=(1, 3)))
    np.testing.assert_allclose(m.values[:, 5:], x.mean(axis=(1, 2)))

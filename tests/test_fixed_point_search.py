"""The guided fixed-point search of the scalar and O(N) presets: same exponents, fewer solves.

Oracles: the Wilson-Fisher exponents the presets gave with their multi-start search (48 random
starts besides the guided one) before the random starts became a fallback; the exhaustive search
run in the same test; closed forms of the lowest truncation; power-series identities.
"""

import numpy as np
import pytest

from tensornn.errors import InvalidArgumentError, InvalidTypeError
from tensornn.flow import find_fixed_points, make_preset
from tensornn.flow.potential import (
    MinimumPotential,
    SymmetricPotential,
    _first_order_start,
    _lowest_order_guesses,
    _reciprocal,
    _w_flow,
    litim_volume,
)

# nu and omega of the valid non-Gaussian root with one relevant direction, from
# make_preset(name, **options).fixed_points(seed=0) with the 48-start search that was the default
# before the guided search (the implementation of the parent commit of this test's introduction).
BEFORE = [
    ("scalar", dict(dim=3, order=2), 0.5427219337029727, 1.1758975230230186),
    ("scalar", dict(dim=3, order=4), 0.6307106994897824, 0.9564759341336811),
    ("scalar", dict(dim=3, order=6), 0.6548833458437437, 0.6613971443412235),
    ("scalar", dict(dim=3, order=4, expansion="minimum"), 0.6505737945092603, 0.5988638630457603),
    ("scalar", dict(dim=3, order=10, expansion="minimum"), 0.6495764657603509, 0.6557955344766344),
    ("on", dict(n_components=3, dim=3, order=2), 0.5587069089091272, 1.2443926607522067),
    ("on", dict(n_components=3, dim=3, order=4), 0.7267127712451802, 1.0940749445221702),
    ("on", dict(n_components=3, dim=3, order=8, expansion="minimum"), 0.7612585736201675, 0.7007447063004723),
    ("on", dict(n_components=2, dim=3, order=6, expansion="minimum"), 0.7071664061357843, 0.6734002739062124),
]


def _wilson_fisher(search):
    (fp,) = [fp for fp in search.valid if not fp.is_gaussian and fp.n_relevant == 1]
    return fp


@pytest.mark.parametrize("name, options, nu, omega", BEFORE)
def test_guided_search_keeps_nu_and_omega(name, options, nu, omega):
    # 1e-10: the roots are solved to a scaled residual of 1e-9 and polished by Newton steps; the
    # exponents of the same root from different starts agree to about 1e-12.
    search = make_preset(name, **options).fixed_points(seed=0)
    fp = _wilson_fisher(search)
    assert abs(fp.nu - nu) < 1e-10 and abs(fp.omega - omega) < 1e-10
    assert search.n_starts == 2  # the Gaussian point and the guided continuation, no random start


@pytest.mark.parametrize("name, options", [("scalar", dict(dim=3, order=4)), ("on", dict(n_components=3, order=2))])
def test_exhaustive_search_finds_the_same_wilson_fisher_point_and_maybe_more(name, options):
    preset = make_preset(name, **options)
    quick, full = preset.fixed_points(seed=0), preset.fixed_points(seed=0, exhaustive=True)
    default_random = 48 if len(preset.names) <= 3 else 8
    assert full.n_starts == 2 + default_random and len(full) >= len(quick)
    assert np.allclose(_wilson_fisher(quick).couplings, _wilson_fisher(full).couplings, rtol=1e-9)
    counted = preset.fixed_points(seed=0, n_starts=5)
    assert counted.n_starts == 2 + 5


def test_search_options_are_checked():
    preset = make_preset("scalar", dim=3, order=2)
    with pytest.raises(InvalidArgumentError, match="either n_starts"):
        preset.fixed_points(n_starts=4, exhaustive=True)
    with pytest.raises(InvalidTypeError, match="exhaustive must be True or False"):
        preset.fixed_points(exhaustive="yes")


def test_random_starts_return_when_the_guided_point_is_missing(monkeypatch):
    # Without a guided start (as when the continuation loses the fixed point) the random starts run.
    preset = make_preset("scalar", dim=3, order=2)
    monkeypatch.setattr(type(preset), "_guided_starts", lambda self: [])
    search = preset.fixed_points(seed=0)
    assert search.n_starts == 1 + 48
    assert 2 * _wilson_fisher(search).couplings[0] == pytest.approx(-1 / 13, rel=1e-10)


# ----------------------------------------------------------------------------- lowest truncation
@pytest.mark.parametrize("dim", [2.5, 3.0, 3.5])
@pytest.mark.parametrize("n_components", [1, 2, 3, 10])
def test_closed_form_lowest_truncation_is_a_root(dim, n_components):
    zero = SymmetricPotential(dim, n_components, 2)
    (guess,) = _lowest_order_guesses(dim, n_components, "zero")
    assert np.max(np.abs(zero.beta(guess))) < 1e-13 * (1 + np.max(np.abs(guess)))
    minimum = MinimumPotential(dim, n_components, 2)
    for guess in _lowest_order_guesses(dim, n_components, "minimum"):
        assert np.max(np.abs(minimum.beta(guess))) < 1e-12 * (1 + np.max(np.abs(guess)))


def test_closed_form_anchors():
    # theory anchor: m^2/k^2 = u2 = -1/13 in D = 3 (N = 1, phi^4 around 0); minimum expansion
    # (N = 1, D = 3): s = 1 + 2 kappa lambda2 = 3/2, kappa = 4 V_3 / 3.
    (zero,) = _lowest_order_guesses(3, 1, "zero")
    assert zero[0] == pytest.approx(-1 / 13, rel=1e-14)
    (minimum,) = _lowest_order_guesses(3, 1, "minimum")
    assert minimum[0] == pytest.approx(4 * litim_volume(3) / 3, rel=1e-14)
    assert 1 + 2 * minimum[0] * minimum[1] == pytest.approx(1.5, rel=1e-14)


@pytest.mark.parametrize("dim, n_components", [(3, 1), (3, 3), (3.5, 2), (2.5, 4)])
@pytest.mark.parametrize("expansion", ["zero", "minimum"])
def test_closed_form_start_is_the_point_the_multistart_search_finds(dim, n_components, expansion):
    system = (SymmetricPotential if expansion == "zero" else MinimumPotential)(dim, n_components, 2)
    if expansion == "zero":
        bounds = [(-0.9, 0.0), (0.0, 50.0 * n_components * system.vd + 1.0)]
    else:
        bounds = [(0.0, 2.0 * n_components * system.vd + 0.1), (0.0, 20.0)]
    searched = [fp for fp in find_fixed_points(system, n_starts=24, bounds=bounds, seed=0).valid
                if fp.n_relevant == 1 and not fp.is_gaussian]
    found = _first_order_start(dim, n_components, expansion, 0)
    assert searched and np.allclose(found.couplings, searched[0].couplings, rtol=1e-9)


# ----------------------------------------------------------------------------- series arithmetic
def test_reciprocal_series_identities():
    # 1/(1 - x) = sum x^j; 1/(1 + x)^2 = sum (-1)^j (j + 1) x^j; a batch of series at once.
    length = 12
    geometric = np.zeros(length)
    geometric[:2] = [1.0, -1.0]
    square = np.zeros(length)
    square[:3] = [1.0, 2.0, 1.0]
    both = _reciprocal(np.stack([geometric, square], axis=1))
    assert np.array_equal(both[:, 0], np.ones(length))
    assert np.array_equal(both[:, 1], [(-1) ** j * (j + 1) for j in range(length)])
    rng = np.random.default_rng(3)
    a = rng.normal(size=(9, 4, 5))
    a[0] += 4.0
    r = _reciprocal(a)
    product = np.array([[np.convolve(a[:, i, k], r[:, i, k])[:9] for k in range(5)] for i in range(4)])
    assert np.allclose(product[..., 0], 1.0, atol=1e-13) and np.allclose(product[..., 1:], 0.0, atol=1e-13)


def test_w_flow_batches_like_single_columns():
    # The radial and Goldstone series are inverted together; every column of a batch must equal
    # the same column computed alone (same operations, element by element).
    rng = np.random.default_rng(5)
    c = 0.1 * rng.normal(size=(6, 7))
    batch = _w_flow(c, 0.3, 3.0, 3.0, litim_volume(3))
    alone = np.stack([_w_flow(c[:, k], 0.3, 3.0, 3.0, litim_volume(3)) for k in range(7)], axis=1)
    assert np.allclose(batch, alone, rtol=1e-14, atol=1e-15)

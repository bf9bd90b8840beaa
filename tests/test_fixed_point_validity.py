"""Which roots are fixed points: the flags of spurious, unbounded, order-unstable and sub-mean-field roots, and the
search's status, against the functional LPA and closed forms."""

import math

import numpy as np
import pytest

from tensornn.flow import (
    SymmetricPotential,
    find_fixed_points,
    functional_fixed_point,
    make_preset,
    potential_fixed_point,
)
from tensornn.flow.fixed_point_checks import (
    FLAG_KINDS,
    boundedness_flag,
    check_potential_roots,
    mean_field_flag,
    potential_coefficients,
)
from tensornn.flow.functional_search import relevant_direction_counts
from tensornn.flow.presets import potential_to_engine

from _handwritten_flows import TensorMelonic


def test_scalar_d3_order12_only_gaussian_and_wilson_fisher_are_valid():
    # rho = 0 expansion, D = 3: the functional LPA has only the Gaussian and Wilson-Fisher points there
    # (docs/functional_lpa.md), so every other root of the truncation must carry a flag
    search = make_preset("scalar", dim=3, order=12).fixed_points(n_starts=16)
    valid = search.valid
    assert len(valid) == 2 and search.status == "complete"
    gaussian = [fp for fp in valid if fp.is_gaussian]
    wf = [fp for fp in valid if not fp.is_gaussian]
    assert len(gaussian) == 1 and len(wf) == 1
    # Wilson-Fisher at order 12 around zero (the order table of docs/fixed_points.md: 0.649776)
    assert wf[0].n_relevant == 1 and wf[0].nu == pytest.approx(0.649776, abs=1e-6)
    flagged = search.flagged
    assert len(flagged) >= 2
    for fp in flagged:
        kinds = set(fp.flag_kinds)
        assert kinds <= set(FLAG_KINDS)
        # with more than one relevant direction none of them matches a functional fixed point at D = 3
        assert "spurious" in kinds and fp.n_relevant > 1
    assert any("below mean field" in fp.flag_kinds for fp in flagged)
    assert any("unstable with order" in fp.flag_kinds for fp in flagged)


def test_engine_conversion_keeps_the_factorials_exact_at_high_order():
    # (2n)! above 2^63 (n >= 11) used to overflow: the order-12 Wilson-Fisher point then fell out of the engine
    u = np.array([float(math.factorial(2 * n)) for n in range(1, 13)])
    np.testing.assert_array_equal(potential_to_engine(u), np.ones(12))


def test_minimum_expansion_at_d25_loses_wilson_fisher_and_says_so():
    search = make_preset("scalar", dim=2.5, order=6, expansion="minimum").fixed_points()
    # no valid root below the mean-field 1/2 (the order-6 root has nu = 0.483), and the status says why
    assert not [fp for fp in search.valid if fp.nu < 0.5]
    assert any("below mean field" in fp.flag_kinds for fp in search)
    assert search.status == "incomplete"
    assert "Wilson-Fisher" in search.message and "--functional" in search.message
    # ... while the functional LPA has it (nu = 0.8652576358, docs/functional_lpa.md)
    assert functional_fixed_point(2.5, 1, check=False).nu == pytest.approx(0.8652576358, abs=1e-9)


def test_unbounded_tensor_root_is_flagged():
    # complex rank 3, s = 2, melonic LPA': the root mass 8.62, g4 -23.5 has a potential unbounded below
    search = make_preset("tensor", kinetic_power=2.0, eta=True).fixed_points()
    unbounded = [fp for fp in search if "unbounded" in fp.flag_kinds]
    assert len(unbounded) == 1
    fp = unbounded[0]
    np.testing.assert_allclose(fp.couplings, [8.6194383, -23.524644], rtol=1e-7)
    # the LPA' point (g4 > 0) stays valid, and the search is complete (tensors have no reference)
    kept = [fp for fp in search.valid if not fp.is_gaussian]
    assert len(kept) == 1 and kept[0].couplings[1] > 0 and search.status == "complete"


def test_boundedness_reads_the_top_and_the_quartic_coupling():
    system = SymmetricPotential(3, 1, 4)
    assert boundedness_flag(system, [0.1, 1.0, 0.0, -1.0]) is None  # u4 > 0 stabilises the expansion point
    flag = boundedness_flag(system, [0.1, -1.0, 0.0, -1.0])
    assert flag.startswith("unbounded:") and "u8" in flag
    assert boundedness_flag(system, [0.1, -1.0, 0.0, 2.0]) is None  # the top coupling bounds it
    # the hand-written tensor system declares its quartic coefficient d lambda/2 along a rank-one tensor
    names, local, top = potential_coefficients(TensorMelonic(d=3), [0.1, -2.0])
    assert local == top == -3.0
    # an engine flow is read from its truncation: one colour-symmetric g4 times the d pillows of its orbit
    preset = make_preset("tensor", kinetic_power=2.0, eta=True)
    _, local, top = potential_coefficients(preset.system, [0.1, -0.5])
    assert local == top == -1.5


def test_mean_field_flag_only_for_scalar_flows():
    assert mean_field_flag(SymmetricPotential(3, 1, 2), 0.45, 1, False).startswith("below mean field:")
    assert mean_field_flag(SymmetricPotential(3, 1, 2), 0.55, 1, False) is None
    assert mean_field_flag(SymmetricPotential(3, 1, 2), 0.45, 1, True) is None  # the Gaussian point itself
    assert mean_field_flag(TensorMelonic(d=3), 0.3, 1, False) is None  # tensors: no mean-field bound


def test_relevant_direction_counts_of_the_functional_spectrum():
    # phi^(2n) exists below D_n = 2n/(n - 1) with n - 1 relevant directions
    assert relevant_direction_counts(3.0) == (1,)
    assert relevant_direction_counts(2.5) == (1, 2, 3)  # phi^10 merges with the Gaussian exactly at 2.5
    assert relevant_direction_counts(3.9) == (1,)
    assert relevant_direction_counts(4.0) == ()
    assert relevant_direction_counts(2.0001) is None


def test_order_stability_and_status_on_the_series_form():
    system = SymmetricPotential(3, 1, 4)
    search = find_fixed_points(system, n_starts=0, starts=[np.zeros(4), potential_fixed_point(3, 1, 4,
                                                                                            expansion="zero").couplings])
    checked = check_potential_roots(search, system)
    wf = [fp for fp in checked.valid if not fp.is_gaussian][0]
    # nu moves from order 4 to 5 by |0.650547 - 0.630711| / 0.630711 = 3.1 % (the order table)
    assert wf.checks["order_change"] == pytest.approx(abs(0.650547 - 0.630711) / 0.630711, rel=1e-4)
    assert checked.status == "complete" and not checked.message
    gaussian_only = check_potential_roots(
        type(search)(tuple(fp for fp in search if fp.is_gaussian), 1, 1), system)
    assert gaussian_only.status == "incomplete"


@pytest.mark.parametrize("options", [dict(field="real"), pytest.param(dict(field="real", order=3), marks=pytest.mark.slow),
                                     dict(field="complex")])
def test_tensor_preset_finds_every_root_that_minpack_finds_from_its_starts(options):
    # Independent path: hybr and lm from every random start of the preset's box (the exhaustive search), against the
    # default search (batched Newton from the Gaussian point, the melonic-region grid and the same random starts).
    # Without the grid the real rank-3 LPA point (mu* = -0.3, g4* = 0.00254648) fell into the Gaussian basin.
    preset = make_preset("tensor", rank=3, kinetic_power=2, **options)
    default = preset.fixed_points()
    minpack = find_fixed_points(preset.system, n_starts=48, bounds=preset.bounds, starts=np.zeros(len(preset.names)),
                                seed=0, methods=("hybr", "lm"))
    wanted = [fp.couplings for fp in minpack.valid if not fp.is_gaussian]
    got = [fp.couplings for fp in default.valid if not fp.is_gaussian]
    assert wanted
    for g in wanted:
        assert any(np.allclose(g, h, rtol=1e-9, atol=1e-12) for h in got), g

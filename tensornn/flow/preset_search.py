"""What the presets' fixed-point searches add to :func:`~tensornn.flow.find_fixed_points`.

The guided Wilson-Fisher start of the scalar and O(N) presets (:func:`wilson_fisher_point`, computed once per
options), the grid of tensor starts where the melonic points lie (:func:`melonic_region_starts`), the merging of
roots that are the Gaussian point approached along a marginal coupling (:func:`merge_marginal_roots`), and the
Ward-identity notes on LPA' tensor roots (:func:`ward_notes`). :meth:`tensornn.flow.presets.FlowPreset.fixed_points`
uses them.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

import numpy as np

from .potential import potential_fixed_point
from .thresholds import ModeCount
from .ward import ward_check

__all__ = ["wilson_fisher_point", "melonic_region_starts", "merge_marginal_roots", "ward_notes",
           "MELONIC_REGION_MASSES", "MELONIC_REGION_QUARTICS", "MARGINAL_THETA", "MARGINAL_SIZE"]


@lru_cache(maxsize=32)
def wilson_fisher_point(dim, n_components, order, expansion, regulator):
    """The guided Wilson-Fisher point of a potential expansion (computed once per options; FixedPoint is frozen)."""
    return potential_fixed_point(dim, n_components, order, expansion=expansion, seed=0, regulator=regulator)


#: Where the tensor fixed points of the registry's truncations lie: the dimensionless mass between the pole of
#: the threshold denominators (-1) and 0, a small positive quartic coupling (every melonic LPA and LPA' point
#: has mu* in (-0.9, -0.1) and g4* in (1e-3, 2e-2)). A grid of starts there finds them, where Newton's method
#: from uniform random starts in the preset's box (g4 in (-3, 3)) mostly falls into the Gaussian point's basin.
MELONIC_REGION_MASSES = (-0.8, -0.6, -0.4, -0.2)
MELONIC_REGION_QUARTICS = (1e-3, 3e-3, 1e-2)


def melonic_region_starts(names) -> list:
    """Guided tensor starts on the grid MELONIC_REGION_MASSES x MELONIC_REGION_QUARTICS, other couplings 0."""
    if "mass" not in names or "g4" not in names:
        return []
    i, j = names.index("mass"), names.index("g4")
    starts = []
    for mass in MELONIC_REGION_MASSES:
        for quartic in MELONIC_REGION_QUARTICS:
            g = np.zeros(len(names))
            g[i], g[j] = mass, quartic
            starts.append(g)
    return starts


#: Exponents of the Gaussian point below this are marginal; roots with every |g| below MARGINAL_SIZE are then
#: the Gaussian point approached along the marginal direction.
MARGINAL_THETA = 1e-6
MARGINAL_SIZE = 1e-3


def merge_marginal_roots(search):
    """``search`` without the roots that are the Gaussian point approached along a marginal direction.

    When the Gaussian point has a marginal exponent (|theta| < MARGINAL_THETA), a non-Gaussian root with every
    coupling below MARGINAL_SIZE is dropped: near the Gaussian point beta = J g + O(g^2), and where J is regular 0
    is the only root nearby, so a tiny root lies along the kernel of J, where beta ~ g^2 and a solve stops wherever
    |beta| < tol (at |g| ~ sqrt(tol)).
    """
    if not any(fp.is_gaussian and np.any(np.abs(fp.exponents) < MARGINAL_THETA) for fp in search):
        return search
    kept = tuple(fp for fp in search if fp.is_gaussian or float(np.max(np.abs(fp.couplings))) >= MARGINAL_SIZE)
    return replace(search, fixed_points=kept)


def ward_notes(preset, search):
    """``search`` with a note on each valid LPA' root of the complex melonic quartic tensor preset: how it stands
    with the Ward identity of the unitary symmetry (:func:`~tensornn.flow.ward.ward_check`); other presets unchanged.
    """
    from .presets import tensor_preset  # the preset module builds the Ward-constrained flow
    o = preset.options
    if preset.name != "tensor" or o.get("ward") or not o["eta"] or not o["melonic"] or o["order"] != 2 \
            or o["field"] != "complex" or o["colours"] != "continuum" or not o["colour_symmetric"]:
        return search
    p = ModeCount(preset.theory.ordered_colours, range(1, o["rank"])).exponent
    if p >= 2.0:
        note = (f"Ward identity: its strand sums (N ~ k^(s p), p = (d - 1)/s = {p:g}) grow with the UV cutoff, "
                "so the identity fixes lambda I_0 = 1 only at lambda -> 0: no LPA' fixed point but the Gaussian "
                "is compatible with it")
        return replace(search, fixed_points=tuple(
            fp if fp.is_gaussian else replace(fp, notes=fp.notes + (note,)) for fp in search))
    ward = tensor_preset(**dict(o, ward=True)).system
    points = []
    for fp in search:
        if not fp.is_gaussian and fp.valid:
            check = ward_check(ward, fp.couplings, float(fp.eta))
            need = "1 - lambda I_0 = 0 (Z_0/Z_k -> infinity)" if fp.eta < 0 else "1 + lambda I_1 = 0 (Z_0/Z_k -> 0)"
            state = "satisfies" if check["compatible"] else "violates"
            note = (f"Ward identity: the point {state} it (eta = {float(fp.eta):.4g} needs {need}; here "
                    f"1 - lambda I_0 = {check['ward_minus']:.4g}, 1 + lambda I_1 = {check['ward_plus']:.4g}); "
                    "the Ward-constrained flow is ward=True")
            fp = replace(fp, notes=fp.notes + (note,), checks=dict(fp.checks, **{
                "ward_minus": check["ward_minus"], "ward_plus": check["ward_plus"],
                "ward_compatible": check["compatible"]}))
        points.append(fp)
    return replace(search, fixed_points=tuple(points))

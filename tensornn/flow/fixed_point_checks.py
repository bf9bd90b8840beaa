"""Is a root a fixed point? The checks beyond the range of validity.

A root of truncated beta functions can be an artefact of the truncation. Besides the range of validity
(:func:`~tensornn.flow.fixed_points.find_fixed_points` flags roots with a negative threshold
denominator or beyond the pole of eta) a root is flagged, with the reason, when

- **unbounded**: its potential is unbounded below in the truncation and not even locally stabilised.
  Along the direction phi = f e (a constant field along one component for the scalar and O(N) models; a
  rank-one tensor T = f a x b x ... with unit vectors for tensors) every interaction of 2n fields equals
  |f|^(2n), so the potential is sum_n c_n |f|^(2n) with c_n the sum of the couplings of the 2n-field
  interactions (times the size of their colour orbit). The root is flagged when the highest non-zero c_n is
  negative and the quartic c_2 is not positive ("g4 > 0 or the highest coupling positive"); for the
  expansion around the minimum the quartic's place is taken by lambda2, the curvature at the minimum;
- **below mean field**: a non-Gaussian scalar or O(N) root with nu < 1/2 (1/s for a kinetic term |p|^s),
  the value of the Gaussian point: the Wilson-Fisher point of the LPA has 1/2 < nu < 1/(D - 2) and the
  scalar multicritical points lie just above 1/2;
- **unstable with order** (polynomial truncations of the scalar and O(N) potential,
  :func:`check_order_stability`): continued to the next order (the new coupling from its own beta
  function, then one Newton solve) the root is lost, changes its number of relevant directions, or moves
  its nu by more than ``order_tol`` (relative);
- **spurious**: its number of relevant directions is not one of the functional LPA's
  (:func:`~tensornn.flow.functional_search.relevant_direction_counts`: n - 1 for the phi^(2n) point,
  which exists below D = 2n/(n - 1)).

Each flag starts with its kind and a colon ("unbounded: ...", "below mean field: ...", "unstable with
order: ...", "spurious: ..."); :attr:`FixedPoint.flag_kinds` lists them.

References
----------
Litim, hep-th/0203006 (bounds on nu in the LPA); Morris, hep-th/9405190 (spurious roots of polynomial
truncations).
"""

from __future__ import annotations

import numpy as np

from ..theory.colours import ContinuumColour, FlatColour

__all__ = [
    "FLAG_KINDS",
    "ORDER_TOL",
    "potential_coefficients",
    "boundedness_flag",
    "mean_field_nu",
    "mean_field_flag",
    "order_stability_flag",
    "spectrum_flag",
    "check_potential_roots",
]

#: The kinds of flag a root can carry, as the prefixes of its reasons.
FLAG_KINDS = ("outside the range of validity", "eta out of range", "pole", "unbounded", "below mean field",
              "unstable with order", "spurious")


def potential_coefficients(system, couplings):
    """(names, local, top) of the potential along the reference direction, or None when unknown.

    ``local`` is the coefficient that stabilises the expansion point (the quartic c_2, or lambda2 around
    the minimum) and ``top`` the highest non-zero c_n (module docstring); ``names`` label them. A system
    says it by a method ``potential_coefficients(g) -> (names, local, top)``; flows of the one-loop engine
    (with ``theory``) are read from their truncation.
    """
    g = np.asarray(couplings, dtype=float)
    own = getattr(system, "potential_coefficients", None)
    if callable(own):
        return own(g)
    flow = getattr(system, "flow", system)
    if getattr(flow, "theory", None) is None or not hasattr(flow, "n_legs"):
        return None
    legs = np.asarray(flow.n_legs, dtype=float)
    members = getattr(system, "members", None)
    if members is not None and flow is not system:  # one coupling per colour orbit
        names = tuple(system.names)
        weights = np.array([len(members[nm]) for nm in names], dtype=float)
        legs = np.array([legs[flow.names.index(members[nm][0])] for nm in names])
    else:
        names = tuple(flow.names)
        weights = np.ones(len(names))
    orders = legs / 2
    values = {}
    for order, weight, value in zip(orders, weights, g):
        values[order] = values.get(order, 0.0) + weight * value
    top_order = max((o for o, v in values.items() if v != 0.0), default=None)
    if top_order is None:
        return ("g4", "g4"), 0.0, 0.0
    local = values.get(2.0, 0.0)
    label = [nm for nm, o in zip(names, orders) if o == top_order]
    top_label = label[0] if len(label) == 1 else "+".join(label)
    return ("g4" if 2.0 in values else "quartic", top_label), float(local), float(values[top_order])


def boundedness_flag(system, couplings):
    """The "unbounded: ..." flag of a root, or None (bounded, or nothing known about the potential)."""
    found = potential_coefficients(system, couplings)
    if found is None:
        return None
    (local_name, top_name), local, top = found
    if top < 0 and not local > 0:
        return (f"unbounded: the potential is unbounded below ({local_name} = {local:.4g} <= 0 and the highest "
                f"coupling {top_name} = {top:.4g} < 0 along the reference direction)")
    return None


def mean_field_nu(system):
    """The mean-field (Gaussian) nu = 1/s of a scalar or O(N) flow, or None for other systems (tensors)."""
    own = getattr(system, "mean_field_nu", None)
    if own is not None:
        return float(own)
    theory = getattr(getattr(system, "flow", system), "theory", None)
    if theory is None:
        return None
    pairing_tensor = [c for c in theory.pairing_colours if not isinstance(c, FlatColour)]
    local = theory.local_colours
    if pairing_tensor or len(local) != 1 or not isinstance(local[0], ContinuumColour):
        return None
    return 1.0 / theory.power


def mean_field_flag(system, nu, n_relevant, is_gaussian):
    """The "below mean field: ..." flag of a non-Gaussian scalar or O(N) root with nu < 1/2 (1/s), or None.

    The Wilson-Fisher point of the LPA has 1/2 < nu < 1/(D - 2) (nu grows with N towards the spherical limit;
    Litim, hep-th/0203006), and the multicritical points of the scalar field lie just above 1/2 (theta_1 tends
    to 2 from below along their branches, docs/functional_lpa.md); a root of a polynomial truncation below the
    Gaussian value is an artefact of the truncation. (The bound is a property of these points, not a theorem:
    the functional LPA's phi^6 point of N = 10 at D = 2.5 has theta_1 = 2.36.)
    """
    bound = mean_field_nu(system)
    if bound is None or is_gaussian or n_relevant < 1 or not np.isfinite(nu):
        return None
    if nu < bound * (1 - 1e-9):
        return (f"below mean field: nu = {nu:.6g} < {bound:g}, the Gaussian value (Wilson-Fisher and the "
                "multicritical points of the scalar LPA lie above it)")
    return None


# ----------------------------------------------------------------------------- polynomial truncations

#: Largest relative change of nu from order n to n + 1 accepted for a root of a polynomial truncation.
ORDER_TOL = 0.5


def order_stability_flag(fp, system, *, order_tol: float = ORDER_TOL):
    """The "unstable with order: ..." flag of a root of a potential expansion, or None; and the change of nu.

    ``system`` is the :class:`~tensornn.flow.potential.SymmetricPotential` or
    :class:`~tensornn.flow.potential.MinimumPotential` the root solves; the root is continued to
    ``order + 1`` (:func:`~tensornn.flow.potential.extend_order`: the new coupling from its own beta
    function, then one Newton solve). It is flagged when it is lost there, when its number of relevant
    directions changes, or when nu moves by more than ``order_tol`` relative.

    Returns
    -------
    flag : str or None
    change : float
        |nu(order + 1) - nu(order)| / nu(order) (NaN when lost or not defined).
    """
    from .potential import extend_order

    if fp.is_gaussian or system.order >= 40:
        return None, float("nan")
    higher = type(system)(system.dim, system.n_components, system.order + 1, system.regulator)
    nxt = extend_order(higher, fp)
    if nxt is None or any(kind == "outside the range of validity" for kind in nxt.flag_kinds):
        return f"unstable with order: lost when continued to order {system.order + 1}", float("nan")
    change = abs(nxt.nu - fp.nu) / fp.nu if np.isfinite(fp.nu) and np.isfinite(nxt.nu) else float("nan")
    if nxt.n_relevant != fp.n_relevant:
        return (f"unstable with order: {fp.n_relevant} relevant direction(s) at order {system.order}, "
                f"{nxt.n_relevant} at order {system.order + 1}"), change
    if change > order_tol:
        return (f"unstable with order: nu moves from {fp.nu:.6g} to {nxt.nu:.6g} ({100 * change:.0f}%) at order "
                f"{system.order + 1}"), change
    return None, change


def spectrum_flag(fp, dim: float):
    """The "spurious: ..." flag of a scalar or O(N) root whose number of relevant directions no functional fixed point has."""
    from .functional_search import relevant_direction_counts

    counts = relevant_direction_counts(dim)
    if fp.is_gaussian or counts is None or fp.n_relevant in counts:
        return None
    have = ", ".join(str(c) for c in counts) if counts else "none"
    return (f"spurious: {fp.n_relevant} relevant direction(s), but the non-Gaussian fixed points of the functional "
            f"LPA at D = {dim:g} have {have} (the phi^(2n) point, which exists below D = 2n/(n - 1), has n - 1)")


def check_potential_roots(search, system, *, order_tol: float = ORDER_TOL, wilson_fisher: bool = True):
    """The search with the flags of the polynomial truncations added and its status set.

    Every root gets :func:`order_stability_flag` and :func:`spectrum_flag` (its ``checks`` record the
    change of nu with the order). With ``wilson_fisher`` (2 < D < 4) the status is ``"incomplete"``
    when no valid root is a non-Gaussian point with one relevant direction, and the message says so
    and points to the functional LPA.

    Parameters
    ----------
    search : FixedPointSearch
        Roots of ``system``.
    system : SymmetricPotential or MinimumPotential
    order_tol : float
    wilson_fisher : bool

    Returns
    -------
    FixedPointSearch
    """
    from dataclasses import replace

    points = []
    for fp in search:
        flags = list(fp.flags)
        order_flag, change = order_stability_flag(fp, system, order_tol=order_tol)
        for flag in (order_flag, spectrum_flag(fp, system.dim)):
            if flag is not None:
                flags.append(flag)
        points.append(replace(fp, flags=tuple(flags), checks=dict(fp.checks, order_change=change)))
    points.sort(key=lambda fp: (fp.spurious, fp.n_relevant, float(np.linalg.norm(fp.couplings))))
    status, message = "complete", ""
    if wilson_fisher and 2 < system.dim < 4 and not any(
            not fp.spurious and not fp.is_gaussian and fp.n_relevant == 1 for fp in points):
        expansion = "around the minimum" if type(system).__name__ == "MinimumPotential" else "around rho = 0"
        status = "incomplete"
        message = (f"the expansion {expansion} at order {system.order} has no valid Wilson-Fisher fixed point at "
                   f"D = {system.dim:g}, N = {system.n_components:g} (no valid non-Gaussian root with one relevant "
                   "direction): the polynomial truncation has lost it; the functional LPA finds it "
                   "(--functional, tensornn.flow.functional_fixed_point)")
    return replace(search, fixed_points=tuple(points), status=status, message=message)

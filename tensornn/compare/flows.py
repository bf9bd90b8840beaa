"""The flows of a reading: trajectories from the fitted (and exact) couplings with error bands, and fixed points.

Trajectories run the reading's theory (:mod:`tensornn.compare.theories`) from k_IR upward with
:func:`tensornn.flow.trajectory.run_from_ir` (LSODA, rtol 1e-6: the fitted couplings carry errors of percents, and
the counting functions of data spectra are step functions the integrator must cross). The band of the selected
reading propagates the fit's covariance to first order: for
each eigen-direction v_j of the couplings' covariance (variance w_j) the flow is rerun at lambda + sqrt(w_j) v_j,
and the standard error of u_n(k) is sqrt(sum_j (u_n(j) - u_n)^2) where every shifted flow reached k (nan beyond).
Fixed points and exponents come from the reading's continuum idealisation
(:func:`tensornn.flow.find_fixed_points`, with colour-symmetric starts).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._json import finite
from ..flow.betas import derive_flow
from ..flow.fixed_points import find_fixed_points
from ..flow.trajectory import run_from_ir
from .networks import sigma_w_map
from .theories import ReadingTheory

__all__ = ["ReadingFlow", "reading_flow", "idealised_fixed_points"]

_RTOL, _ATOL = 1e-6, 1e-10


@dataclass(frozen=True)
class ReadingFlow:
    """The flows of one reading of one network.

    Attributes
    ----------
    reading : str
    description : str
        The theory the trajectories run in.
    fits : bool
        Whether the reading passed its fit (a failed reading is still run, and flagged).
    selected : bool
        Whether the data selected this reading.
    trajectories : tuple of dict
        :meth:`tensornn.flow.FlowTrajectory.to_dict` records with ``ir_source`` ("fit" or "exact"), the
        band ``u2_error``/``u4_error`` (fit source of the selected reading), the weight-scale reading ``sigma_w``
        and ``mass_unit``, the infrared mass m in the units of k.
    fixed_points : tuple of dict
        :meth:`tensornn.flow.FixedPoint.to_dict` records of the continuum idealisation, valid ones first.
    idealisation : str
        What the idealisation is, or why the reading has none.
    """

    reading: str
    description: str
    fits: bool
    selected: bool
    trajectories: tuple
    fixed_points: tuple
    idealisation: str

    def non_gaussian(self) -> dict | None:
        """The valid fixed point with a nonzero quartic coupling and the fewest relevant directions."""
        cands = [fp for fp in self.fixed_points
                 if fp["valid"] and any(abs(v or 0.0) > 1e-8 for n, v in fp["couplings"].items() if n not in
                                        ("mass", "g2"))]
        return min(cands, key=lambda fp: (fp["n_relevant"], -(fp["nu"] or 0.0))) if cands else None

    def trajectory(self, source: str = "fit") -> dict | None:
        return next((t for t in self.trajectories if t["ir_source"] == source), None)

    def to_dict(self) -> dict:
        return {"reading": self.reading, "description": self.description, "fits": self.fits,
                "selected": self.selected, "idealisation": self.idealisation,
                "fixed_points": list(self.fixed_points), "non_gaussian": self.non_gaussian(),
                "trajectories": list(self.trajectories)}


def _run(theory: ReadingTheory, flow, couplings: dict, config, source: str):
    return run_from_ir(flow, theory.initial(couplings), k_ir=config.k_ir_ratio * theory.unit,
                       k_uv=config.k_uv_ratio * theory.unit, n_points=config.flow_points, rtol=_RTOL, atol=_ATOL,
                       source=source)


def _band(theory, flow, names, values, covariance, config, central):
    """Standard errors of u2(k) and u4(k) from the couplings' covariance (first order; nan where unreached)."""
    cov = np.asarray(covariance, dtype=float)
    if cov.size == 0 or not np.all(np.isfinite(cov)):
        return None
    w, v = np.linalg.eigh(0.5 * (cov + cov.T))
    var = {n: np.zeros(len(central.k)) for n in (2, 4)}
    for j in np.flatnonzero(w > 0):
        traj = _run(theory, flow, dict(zip(names, values + np.sqrt(w[j]) * v[:, j])), config, "band")
        for n in (2, 4):
            shifted = np.full(len(central.k), np.nan)
            u = traj.potential(n)[: len(central.k)]
            shifted[: len(u)] = u
            var[n] += (shifted - central.potential(n)) ** 2
    return {f"u{n}_error": [finite(x) for x in np.sqrt(var[n])] for n in (2, 4)}


def _record(traj, config, exponent, unit, band=None) -> dict:
    u2 = traj.potential(2)
    out = {"ir_source": traj.source, **traj.to_dict(), "mass_unit": unit,
           "sigma_w": [finite(x) for x in sigma_w_map(u2, config.sigma_w, exponent)]}
    if band is not None:
        out.update(band)
    return out


def _symmetric_starts(flow) -> np.ndarray:
    """Colour-symmetric starting points (all couplings with the same number of legs equal) on a small grid."""
    legs = np.asarray(flow.n_legs)
    starts = []
    for mass in (-0.3, -0.1, 0.0):
        for quartic in (0.05, 0.2, 0.5):
            g = np.zeros(legs.size)
            g[legs == 2] = mass
            g[legs == 4] = quartic
            starts.append(g)
    return np.array(starts)


def idealised_fixed_points(theory: ReadingTheory, config, cache: dict | None = None) -> tuple:
    """FixedPoint records of the reading's continuum idealisation, valid ones first (cached by theory)."""
    if theory.idealised is None:
        return ()
    key = (theory.reading, repr(theory.idealised), theory.idealised_projection, theory.idealised_eta)
    if cache is not None and key in cache:
        return cache[key]
    flow = derive_flow(theory.idealised, projection=theory.idealised_projection,
                       anomalous_dimension=theory.idealised_eta)
    out: tuple[dict, ...]
    if not flow.autonomous:
        out = ()
    else:
        search = find_fixed_points(flow, n_starts=config.fixed_point_starts, seed=config.seed,
                                   starts=_symmetric_starts(flow))
        out = tuple(sorted((fp.to_dict() for fp in search.fixed_points), key=lambda d: (not d["valid"], d["n_relevant"])))
    if cache is not None:
        cache[key] = out
    return out


def reading_flow(theory: ReadingTheory, fit, config, *, exponent: float, exact: dict | None = None,
                 selected: bool = False, cache: dict | None = None) -> ReadingFlow:
    """Run one reading: the trajectory from its fitted couplings (with the band), from the exact ones where
    known, and the fixed points of its idealisation.

    Parameters
    ----------
    theory : ReadingTheory
    fit : tensornn.readings.ReadingFit
        The reading's fit (couplings by class name with their covariance).
    config : CompareConfig
    exponent : float
        The mass exponent of the network (:func:`tensornn.compare.networks.sigma_w_map`).
    exact : dict, optional
        Exact couplings by class name (linear networks).
    selected : bool
    cache : dict, optional
        Shared between calls: fixed points of equal idealisations are searched once.
    """
    flow = derive_flow(theory.theory, projection=theory.projection)
    names = list(fit.couplings)
    values = np.array([fit.couplings[n].value for n in names])
    central = _run(theory, flow, dict(zip(names, values)), config, "fit")
    band = _band(theory, flow, names, values, fit.covariance, config, central) if selected else None
    records = [_record(central, config, exponent, theory.unit, band)]
    if exact is not None and all(exact.get(n) is not None for n in names):
        records.append(_record(_run(theory, flow, {n: exact[n] for n in names}, config, "exact"), config, exponent,
                               theory.unit))
    return ReadingFlow(theory.reading, theory.description, bool(fit.fits), selected, tuple(records),
                       idealised_fixed_points(theory, config, cache), theory.idealised_note)

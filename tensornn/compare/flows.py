"""The flows of a reading: trajectories from the fitted (and exact) couplings, their uncertainty, and fixed points.

Trajectories run the reading's theory (:mod:`tensornn.compare.theories`) from k_IR upward with
:func:`tensornn.flow.trajectory.run_from_ir_batch` (RK45, rtol 1e-6: the fitted couplings carry errors of percents,
and the counting functions of data spectra are step functions the integrator must cross): the flow from the fitted
couplings and, where the network has them, from the exact ones, in one batch. The selected reading carries its
uncertainty: the fit's covariance propagated by Monte Carlo (:mod:`tensornn.compare.uncertainty`: the fraction of
draws that reach k_UV, the distribution of the stopping scale, quantile bands among the completed draws).
Fixed points and exponents come from the reading's continuum idealisation
(:func:`tensornn.flow.find_fixed_points`, with colour-symmetric starts).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._json import finite
from ..flow.betas import derive_flow
from .networks import sigma_w_map
from .theories import ReadingTheory
from .idealisation import Idealisation, idealisation, non_gaussian, scheme_fixed_points
from .uncertainty import FlowUncertainty, flow_uncertainty, run_flow_batch

__all__ = ["ReadingFlow", "reading_flow", "idealised_fixed_points", "RTOL", "ATOL"]

#: Tolerances of every compare flow.
RTOL, ATOL = 1e-6, 1e-10


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
        weight-scale reading ``sigma_w`` (null at a stopping point: never read at a blow-up) and ``mass_unit``, the
        infrared mass m in the units of k.
    fixed_points : tuple of dict
        :meth:`tensornn.flow.FixedPoint.to_dict` records of the continuum idealisation, valid ones first.
    idealisation : str
        What the idealisation is, or why the reading has none.
    uncertainty : FlowUncertainty or None
        The Monte-Carlo draws of the flow over the fit's covariance (the selected reading).
    idealised : Idealisation or None
        The idealisation labelled by its truncation, its fixed point in every scheme, the comparison with the
        measured couplings.
    """

    reading: str
    description: str
    fits: bool
    selected: bool
    trajectories: tuple
    fixed_points: tuple
    idealisation: str
    uncertainty: FlowUncertainty | None = None
    idealised: Idealisation | None = None

    def non_gaussian(self) -> dict | None:
        """The valid fixed point with a nonzero quartic coupling and the fewest relevant directions."""
        return non_gaussian(self.fixed_points)

    def trajectory(self, source: str = "fit") -> dict | None:
        return next((t for t in self.trajectories if t["ir_source"] == source), None)

    def to_dict(self) -> dict:
        return {"reading": self.reading, "description": self.description, "fits": self.fits,
                "selected": self.selected, "idealisation": self.idealisation,
                "fixed_points": list(self.fixed_points), "non_gaussian": self.non_gaussian(),
                "trajectories": list(self.trajectories),
                "uncertainty": None if self.uncertainty is None else self.uncertainty.to_dict(),
                "idealised": None if self.idealised is None else self.idealised.to_dict()}


def _record(traj, config, exponent, unit) -> dict:
    """The trajectory's record with the sigma_W map, which is not read at a stopping point (a blow-up or pole)."""
    sw = sigma_w_map(traj.potential(2), config.sigma_w, exponent)
    if traj.status != "completed" and sw.size:
        sw[-1] = np.nan
    return {"ir_source": traj.source, **traj.to_dict(), "mass_unit": unit, "sigma_w": [finite(x) for x in sw]}


def idealised_fixed_points(theory: ReadingTheory, config, cache: dict | None = None) -> tuple:
    """FixedPoint records of the reading's continuum idealisation in the configured scheme, valid ones first
    (cached by theory)."""
    if theory.idealised is None:
        return ()
    return scheme_fixed_points(theory.idealised, theory.idealised_projection, theory.idealised_eta, "include", config,
                               cache)


def reading_flow(theory: ReadingTheory, fit, config, *, exponent: float, exact: dict | None = None,
                 selected: bool = False, cache: dict | None = None, seed: int | None = None) -> ReadingFlow:
    """Run one reading: the trajectory from its fitted couplings, from the exact ones where known (one batch), the
    Monte-Carlo draws over the fit's covariance when selected, and the fixed points of its idealisation.

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
    seed : int, optional
        Seed of the Monte-Carlo draws of the selected reading (default ``config.seed``).
    """
    flow = derive_flow(theory.theory, projection=theory.projection)
    names = list(fit.couplings)
    values = np.array([fit.couplings[n].value for n in names])
    starts = [dict(zip(names, values))]
    sources = ["fit"]
    if exact is not None and all(exact.get(n) is not None for n in names):
        starts.append({n: exact[n] for n in names})
        sources.append("exact")
    uncertainty = None
    if selected:  # one batch: the central flow, the exact one, the draws
        uncertainty, trajectories = flow_uncertainty(theory, flow, names, values, fit.covariance, config,
                                                     exponent=exponent, seed=config.seed if seed is None else seed,
                                                     extra=tuple(starts))
    else:
        trajectories = list(run_flow_batch(theory, flow, starts, config, "fit"))
    records = [_record(traj, config, exponent, theory.unit) | {"ir_source": source, "source": source}
               for traj, source in zip(trajectories, sources)]
    return ReadingFlow(theory.reading, theory.description, bool(fit.fits), selected, tuple(records),
                       idealised_fixed_points(theory, config, cache), theory.idealised_note, uncertainty,
                       idealisation(theory, config, dict(zip(names, values)), cache))

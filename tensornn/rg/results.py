"""Result objects of the active/passive RG experiment (:mod:`tensornn.rg.experiment`).

All couplings are those of the Z-normalised field ``phi = sqrt(Z) f`` of a Gauss-net, whose kinetic
term is ``p^2 + m^2`` (docs/theory/nn_qft.md): ``u4`` multiplies ``phi^4/4!`` and ``u6`` ``phi^6/6!``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .._json import finite
from ..couplings.fits import PowerLawFit
from .passive import PassiveFlow

__all__ = ["ActiveSeries", "ActivePassiveCase", "ActivePassiveResult"]

def _nums(a):
    return [finite(v) for v in np.ravel(a)]


@dataclass(frozen=True, repr=False)
class ActiveSeries:
    """Measured Gauss-net couplings on a grid of sigma_w at fixed rescaled inputs (active RG).

    Attributes
    ----------
    d_in, width : int
    sigma_ws : ndarray, shape (n,)
    u4, u4_error : ndarray, shape (n,)
        Monte-Carlo ``Z^-2 u4_f`` (``phi^4/4!``, field normalised to kinetic term ``p^2 + m^2``) and its
        jackknife standard error.
    u4_exact : ndarray, shape (n,)
        The exact finite-width value (same normalisation).
    z : ndarray, shape (n,)
        Z(sigma_w) used for the normalisation.
    fit : PowerLawFit or None
        Weighted log-log fit of the measured ``|u4|`` against sigma_w; None when impossible (message).
    predicted_slope : float
        ``d ln|u4_exact| / d ln sigma_w`` between the first and last grid points (4 - d_in, docs/theory/nn_qft.md).
    seeds : tuple of int
        The ensemble seed of every grid point (rerun one with :func:`tensornn.networks.sample_ensemble`).
    """

    d_in: int
    width: int
    sigma_ws: np.ndarray
    u4: np.ndarray
    u4_error: np.ndarray
    u4_exact: np.ndarray
    z: np.ndarray
    fit: PowerLawFit | None
    predicted_slope: float
    seeds: tuple
    message: str = ""

    @property
    def pulls(self) -> np.ndarray:
        """``(measured - exact)/stderr`` per grid point."""
        return (self.u4 - self.u4_exact) / self.u4_error

    def to_dict(self) -> dict:
        return {"d_in": self.d_in, "width": self.width, "sigma_ws": _nums(self.sigma_ws), "u4": _nums(self.u4),
                "u4_error": _nums(self.u4_error), "u4_exact": _nums(self.u4_exact), "Z": _nums(self.z),
                "fit": (None if self.fit is None else self.fit.to_dict()), "predicted_slope": finite(self.predicted_slope),
                "pulls_vs_exact": _nums(self.pulls), "seeds": list(self.seeds), "message": self.message}

    def __repr__(self):
        fit = "no fit" if self.fit is None else f"slope {self.fit.slope:.4g} +- {self.fit.slope_error:.2g}"
        return (f"ActiveSeries(d_in={self.d_in}, N={self.width}, {len(self.sigma_ws)} sigma_w in "
                f"[{self.sigma_ws[0]:.4g}, {self.sigma_ws[-1]:.4g}], {fit}, predicted {self.predicted_slope:.4g})")


@dataclass(frozen=True, repr=False)
class ActivePassiveCase:
    """The overlay for one (d_in, width): the passive trajectory against the active measurements.

    Attributes
    ----------
    d_in, width : int
    u4_ir, u4_ir_error, u4_ir_exact : float
        The infrared coupling (Z-normalised) measured at ``sigma_w0`` from an independent ensemble,
        its standard error and its exact value.
    passive : PassiveFlow
        The flow from the measured IR data; ``passive_exact`` from the exact IR u4; ``passive_band``
        the two flows from ``u4_ir -+ u4_ir_error``.
    active : ActiveSeries
    matched : ndarray of int
        Indices of the active grid points inside the passive range of sigma_w.
    passive_u4, passive_u4_error : ndarray, shape (n_matched,)
        Passive u4 at those sigma_w (error from the band).
    ratio, ratio_error : ndarray, shape (n_matched,)
        passive/active with the two errors combined (passive error correlated, active independent).
    ratio_exact : ndarray, shape (n_matched,)
        Noise-free ratio: flow from the exact IR u4 over the exact active u4.
    chi2, dof, p_value : float, int, float
        ``r^T C^-1 r`` of ``r = passive - active`` with ``C = diag(active err^2) + e_p e_p^T``.
    passive_slope : float
        Least-squares ``d ln|u4|/d ln sigma_w`` of the passive curve at the matched sigma_w.
    passive_slope_ir, passive_slope_uv : float
        Local passive slopes at k_IR (from the beta functions) and at the last point of the flow.
    verdict, consistent : str, bool
        "consistent" when ``p_value >= 0.01`` with at least 2 matched points, "inconsistent" when
        ``p_value < 0.01``, "undecided" otherwise (e.g. a passive flow that did not move sigma_w).
    """

    d_in: int
    width: int
    sigma_w0: float
    u4_ir: float
    u4_ir_error: float
    u4_ir_exact: float
    passive: PassiveFlow
    passive_exact: PassiveFlow
    passive_band: tuple
    active: ActiveSeries
    matched: np.ndarray
    passive_u4: np.ndarray
    passive_u4_error: np.ndarray
    ratio: np.ndarray
    ratio_error: np.ndarray
    ratio_exact: np.ndarray
    chi2: float
    dof: int
    p_value: float
    passive_slope: float
    passive_slope_ir: float
    passive_slope_uv: float
    message: str = ""

    @property
    def verdict(self) -> str:
        """"consistent" (p >= 0.01), "inconsistent" (p < 0.01) or "undecided" (fewer than 2 matched points)."""
        if len(self.matched) < 2 or not np.isfinite(self.p_value):
            return "undecided"
        return "consistent" if self.p_value >= 0.01 else "inconsistent"

    @property
    def consistent(self) -> bool:
        return self.verdict == "consistent"

    @property
    def status(self) -> str:
        return self.passive.status

    def row(self) -> dict:
        """The key numbers of this case (one row of :meth:`ActivePassiveResult.table`)."""
        fit = self.active.fit
        top = len(self.matched) - 1
        finite_exact = self.ratio_exact[np.isfinite(self.ratio_exact)]  # the exact flow may stop short
        slope_gap = float("nan")
        if fit is not None and fit.slope_error > 0:
            slope_gap = (self.passive_slope - fit.slope) / fit.slope_error
        return {
            "d_in": self.d_in, "width": self.width, "sigma_w0": self.sigma_w0,
            "sigma_w_top": float(self.active.sigma_ws[self.matched[-1]]) if len(self.matched) else float("nan"),
            "passive_status": self.passive.status, "k_stop_over_m0": self.passive.k_stop_reached / math.sqrt(
                self.passive.u2_ir) if self.passive.u2_ir > 0 else float("nan"),
            "n_matched": int(len(self.matched)),
            "active_slope": fit.slope if fit else float("nan"),
            "active_slope_error": fit.slope_error if fit else float("nan"),
            "predicted_slope": self.active.predicted_slope, "theory_slope": float(4 - self.d_in),
            "passive_slope": self.passive_slope, "passive_slope_ir": self.passive_slope_ir,
            "passive_slope_uv": self.passive_slope_uv, "slope_gap_in_errors": slope_gap,
            "ratio_top": float(self.ratio[top]) if len(self.matched) else float("nan"),
            "ratio_top_error": float(self.ratio_error[top]) if len(self.matched) else float("nan"),
            "ratio_exact_top": float(finite_exact[-1]) if finite_exact.size else float("nan"),
            "chi2": self.chi2, "dof": self.dof, "p_value": self.p_value, "consistent": self.consistent,
            "verdict": self.verdict,
            "active_vs_exact_chi2": float(np.sum(self.active.pulls**2)),
        }

    def to_dict(self) -> dict:
        return {
            "summary": {k: (finite(v) if isinstance(v, float) else v) for k, v in self.row().items()},
            "u4_ir": finite(self.u4_ir), "u4_ir_error": finite(self.u4_ir_error), "u4_ir_exact": finite(self.u4_ir_exact),
            "active": self.active.to_dict(), "passive": self.passive.to_dict(),
            "passive_exact": self.passive_exact.to_dict(),
            "passive_band_status": [f.status for f in self.passive_band],
            "matched_sigma_ws": _nums(self.active.sigma_ws[self.matched]), "passive_u4": _nums(self.passive_u4),
            "passive_u4_error": _nums(self.passive_u4_error), "ratio": _nums(self.ratio),
            "ratio_error": _nums(self.ratio_error), "ratio_exact": _nums(self.ratio_exact),
            "message": self.message,
        }

    def __repr__(self):
        r = self.row()
        return (f"ActivePassiveCase(d_in={self.d_in}, N={self.width}, passive {self.passive.status}, "
                f"slopes active {r['active_slope']:.3g} +- {r['active_slope_error']:.2g} / passive "
                f"{r['passive_slope']:.3g}, ratio_top {r['ratio_top']:.3g} +- {r['ratio_top_error']:.2g}, "
                f"chi2/dof {self.chi2:.3g}/{self.dof})")


@dataclass(frozen=True, repr=False)
class ActivePassiveResult:
    """The active/passive RG experiment for every (d_in, width); see :func:`active_passive_experiment`."""

    cases: tuple
    parameters: dict = field(default_factory=dict)
    runtime: float = 0.0

    @property
    def success(self) -> bool:
        """True when every passive flow completed (agreement is judged by ``summary``, not here)."""
        return all(c.passive.success for c in self.cases)

    def table(self) -> list:
        """One row (dict) of key numbers per (d_in, width)."""
        return [c.row() for c in self.cases]

    @property
    def summary(self) -> dict:
        """Short JSON-ready dict of the agreement numbers."""
        keys = ("d_in", "width", "active_slope", "active_slope_error", "predicted_slope", "passive_slope",
                "passive_slope_ir", "ratio_top", "ratio_top_error", "ratio_exact_top", "chi2", "dof", "p_value",
                "consistent", "verdict", "passive_status")
        rows = [{k: (finite(r[k]) if isinstance(r[k], float) else r[k]) for k in keys} for r in self.table()]
        return {
            "claim": "networks at different sigma_w lie on one RG trajectory (docs/theory/nn_qft.md)",
            "one_trajectory_consistent": all(r["consistent"] for r in rows),
            "verdicts": {v: sum(r["verdict"] == v for r in rows) for v in ("consistent", "inconsistent", "undecided")},
            "cases": rows,
            "runtime_s": self.runtime,
        }

    def to_dict(self) -> dict:
        return {"parameters": self.parameters, "summary": self.summary,
                "cases": [c.to_dict() for c in self.cases], "runtime_s": self.runtime}

    def plot(self, ax=None):
        """Overlay |u4| against sigma_w: passive curves, active points with errors, exact active lines.

        ``ax=None`` makes one log-log panel per d_in (returns the figure); a sequence of Axes (one per
        d_in) is drawn into; a single Axes gets every case normalised to its IR point
        (``u4/u4_IR`` against ``sigma_w/sigma_w0``). Needs matplotlib.
        """
        from ..plotting.rg import plot_result

        return plot_result(self, ax)

    def __repr__(self):
        lines = [f"ActivePassiveResult({len(self.cases)} cases, {self.runtime:.1f} s)"]
        lines += [f"  {c!r}" for c in self.cases]
        return "\n".join(lines)

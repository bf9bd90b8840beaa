"""Result objects of the active/passive RG experiment (:mod:`tensornn.rg.experiment`).

Couplings are in the normalisation of the experiment's convention (:mod:`tensornn.rg.conventions`):
``"tensornn"``: the field ``phi = sqrt(Z) f`` of a Gauss-net, whose kinetic term is ``p^2 + m^2``,
``u4 = Z^-2 u4_f`` (``phi^4/4!``); ``"els"``: the raw ``u4_f`` (``f^4/4!``). The mass is
``u2 = m^2 = 2 sigma_w^2/d_in`` in both, and "in units of the mass" means ``u4 / m^(4 - d_in)``, the mass
dimension of u4 in the flow.

Every comparison row names its choices (convention, kinetic function, u6 at k_IR, k_IR, k_UV) and separates
the structural slopes (the same for any network, :mod:`tensornn.rg.structural`) from the measured
comparison (docs/rg_experiment.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .._json import finite
from ..couplings.fits import PowerLawFit
from .conventions import RGConvention
from .passive import PassiveFlow
from .structural import StructuralSlopes

__all__ = ["ActivePassiveCase", "ActivePassiveResult", "ActiveSeries", "KineticComparison"]


def _nums(a):
    return [finite(v) for v in np.ravel(a)]


def _jsonable_row(row: dict) -> dict:
    return {k: (finite(v) if isinstance(v, float) else v) for k, v in row.items()}


@dataclass(frozen=True, repr=False)
class ActiveSeries:
    """Measured Gauss-net couplings on a grid of sigma_w at fixed rescaled inputs (active RG).

    Attributes
    ----------
    d_in, width : int
    sigma_ws : ndarray, shape (n,)
    u4, u4_error : ndarray, shape (n,)
        Monte-Carlo u4 in the convention's normalisation (``Z^-2 u4_f`` or ``u4_f``) and its jackknife
        standard error.
    u4_exact : ndarray, shape (n,)
        The exact finite-width value (same normalisation).
    z : ndarray, shape (n,)
        Z(sigma_w) of the Gauss-net kinetic operator.
    fit : PowerLawFit or None
        Weighted log-log fit of the measured ``|u4|`` against sigma_w; None when impossible (message).
    predicted_slope : float
        ``d ln|u4_exact| / d ln sigma_w`` between the first and last grid points: the exact oracle's slope.
    seeds : tuple of int
        The ensemble seed of every grid point (rerun one with :func:`tensornn.networks.sample_ensemble`).
    convention : str
        "tensornn" or "els".
    structural_slope : int
        The canonical dimension of the coupling (:meth:`RGConvention.active_dimension`): what the exact
        rescaling predicts for ``predicted_slope``.
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
    convention: str = "tensornn"
    structural_slope: int = 0

    @property
    def pulls(self) -> np.ndarray:
        """``(measured - exact)/stderr`` per grid point."""
        return (self.u4 - self.u4_exact) / self.u4_error

    @property
    def mass(self) -> np.ndarray:
        """``m = sqrt(2/d_in) sigma_w`` at every grid point."""
        return np.sqrt(2.0 / self.d_in) * self.sigma_ws

    def in_mass_units(self, values=None) -> np.ndarray:
        """``u4 / m^(4 - d_in)`` (default: the measured u4; pass ``u4_exact`` or errors to convert those).

        Constant along the family for the "tensornn" convention (the exact rescaling); ``~ sigma_w^(2 (d_in - 4))``
        for "els".
        """
        return np.asarray(self.u4 if values is None else values, dtype=float) / self.mass ** (4.0 - self.d_in)

    def to_dict(self) -> dict:
        return {"d_in": self.d_in, "width": self.width, "convention": self.convention,
                "sigma_ws": _nums(self.sigma_ws), "u4": _nums(self.u4),
                "u4_error": _nums(self.u4_error), "u4_exact": _nums(self.u4_exact), "Z": _nums(self.z),
                "u4_mass_units": _nums(self.in_mass_units()),
                "u4_mass_units_exact": _nums(self.in_mass_units(self.u4_exact)),
                "fit": (None if self.fit is None else self.fit.to_dict()), "predicted_slope": finite(self.predicted_slope),
                "structural_slope": self.structural_slope,
                "pulls_vs_exact": _nums(self.pulls), "seeds": list(self.seeds), "message": self.message}

    def __repr__(self):
        fit = "no fit" if self.fit is None else f"slope {self.fit.slope:.4g} +- {self.fit.error:.2g}"
        return (f"ActiveSeries(d_in={self.d_in}, N={self.width}, {self.convention}, {len(self.sigma_ws)} sigma_w in "
                f"[{self.sigma_ws[0]:.4g}, {self.sigma_ws[-1]:.4g}], {fit}, predicted {self.predicted_slope:.4g}, "
                f"structural {self.structural_slope})")


@dataclass(frozen=True, repr=False)
class KineticComparison:
    """The passive flow with one kinetic function, overlaid on the active series of its case.

    Attributes
    ----------
    kinetic : str
        "gauss" (the network's kinetic function) or "p2".
    passive : PassiveFlow
        The flow from the measured IR data; ``passive_exact`` from the exact IR u4; ``passive_band``
        the two flows from ``u4_ir -+ u4_ir_error`` (empty when that error is not finite).
    matched : ndarray of int
        Indices of the active grid points inside the passive range of sigma_w.
    passive_u4, passive_u4_error : ndarray, shape (n_matched,)
        Passive u4 at those sigma_w (error from the band).
    ratio, ratio_error : ndarray, shape (n_matched,)
        passive/active at the same sigma_w with the two errors combined. Both sides have the same mass
        there, so this is also the ratio of the couplings in units of the mass.
    ratio_exact : ndarray, shape (n_matched,)
        Noise-free ratio: flow from the exact IR u4 over the exact active u4.
    chi2, dof, p_value : float, int, float
        ``r^T C^-1 r`` of ``r = passive - active`` with ``C = diag(active err^2) + e_p e_p^T``.
    passive_slope : float
        Least-squares ``d ln|u4|/d ln sigma_w`` of the passive curve at the matched sigma_w.
    passive_slope_uv : float
        Local passive slope at the last point of the flow.
    structural : StructuralSlopes
        The slopes that hold for any network at these choices (active canonical slope, passive IR slope).
    passive_running : float
        ``g_p(sigma_top)/g_p(k_IR)`` of the exact-IR flow, ``g = u4/u2^((4 - d_in)/2)``: how far the
        passive coupling in units of its running mass moves over the matched range.
    active_running : float
        ``g_a(sigma_top)/g_a(sigma_w0)`` of the exact active coupling in units of its mass: 1 to
        round-off for "tensornn", ``(sigma_top/sigma_w0)^(2 (d_in - 4))`` for "els".
    running_sigma_w : float
        ``sigma_top``: the largest matched grid point that the exact-IR flow reaches. There
        ``ratio_exact = passive_running / active_running``.
    """

    kinetic: str
    passive: PassiveFlow
    passive_exact: PassiveFlow
    passive_band: tuple
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
    passive_slope_uv: float
    structural: StructuralSlopes
    passive_running: float
    active_running: float
    running_sigma_w: float
    message: str = ""

    @property
    def verdict(self) -> str:
        """"consistent" (p >= 0.01), "inconsistent" (p < 0.01) or "undecided" (fewer than 2 matched points)."""
        if len(self.matched) < 2 or not np.isfinite(self.p_value):
            return "undecided"
        return "consistent" if self.p_value >= 0.01 else "inconsistent"

    @property
    def passive_slope_ir(self) -> float:
        """The structural passive slope at k_IR, ``-12 u2/(P_kin + u2) + 2 u2 u6/u4^2``."""
        return self.structural.passive_ir

    def to_dict(self) -> dict:
        return {"kinetic": self.kinetic, "verdict": self.verdict, "passive": self.passive.to_dict(),
                "passive_exact": self.passive_exact.to_dict(),
                "passive_band_status": [f.status for f in self.passive_band],
                "matched": [int(i) for i in self.matched], "passive_u4": _nums(self.passive_u4),
                "passive_u4_error": _nums(self.passive_u4_error), "ratio": _nums(self.ratio),
                "ratio_error": _nums(self.ratio_error), "ratio_exact": _nums(self.ratio_exact),
                "chi2": finite(self.chi2), "dof": self.dof, "p_value": finite(self.p_value),
                "structural": self.structural.to_dict(), "message": self.message}


@dataclass(frozen=True, repr=False)
class ActivePassiveCase:
    """The active series of one (d_in, width) and its overlay with the passive flow of each kinetic function.

    Attributes
    ----------
    d_in, width : int
    sigma_w0 : float
    convention : RGConvention
    u4_ir, u4_ir_error, u4_ir_exact : float
        The IR coupling (convention's normalisation) measured at ``sigma_w0`` from an independent
        ensemble, its standard error and its exact value.
    u6_ir : float
        The stated IR sextic coupling.
    k_ir_ratio, k_uv_ratio : float
        ``k_IR/m0`` and ``k_UV/m0`` of the passive flows.
    active : ActiveSeries
    comparisons : tuple of KineticComparison
        One per kinetic function; the first is the primary one (``passive``, ``verdict``, ``row()``).
    """

    d_in: int
    width: int
    sigma_w0: float
    convention: RGConvention
    u4_ir: float
    u4_ir_error: float
    u4_ir_exact: float
    u6_ir: float
    k_ir_ratio: float
    k_uv_ratio: float
    active: ActiveSeries
    comparisons: tuple
    message: str = ""

    @property
    def primary(self) -> KineticComparison:
        return self.comparisons[0]

    def comparison(self, kinetic: str) -> KineticComparison:
        """The comparison with the kinetic function ``kinetic``."""
        for c in self.comparisons:
            if c.kinetic == kinetic:
                return c
        raise KeyError(f"no comparison with kinetic {kinetic!r}; this case has "
                       f"{', '.join(repr(c.kinetic) for c in self.comparisons)}")

    @property
    def passive(self) -> PassiveFlow:
        """The primary kinetic function's passive flow."""
        return self.primary.passive

    @property
    def verdict(self) -> str:
        return self.primary.verdict

    @property
    def consistent(self) -> bool:
        return self.verdict == "consistent"

    @property
    def status(self) -> str:
        return self.primary.passive.status

    def choices(self, kinetic: str | None = None) -> dict:
        """The stated choices a verdict depends on."""
        return {"convention": self.convention.name, "normalisation": self.convention.description,
                "kinetic": kinetic or self.primary.kinetic, "u6_ir": self.u6_ir, "k_ir_over_m0": self.k_ir_ratio,
                "k_uv_over_m0": self.k_uv_ratio}

    def row(self, kinetic: str | None = None) -> dict:
        """The key numbers of one comparison (default the primary one): one row of :meth:`ActivePassiveResult.table`."""
        c = self.primary if kinetic is None else self.comparison(kinetic)
        fit = self.active.fit
        n = len(c.matched)
        top = n - 1
        finite_exact = c.ratio_exact[np.isfinite(c.ratio_exact)]  # the exact flow may stop short
        slope_gap = float("nan")
        if fit is not None and fit.error > 0:
            slope_gap = (c.passive_slope - fit.slope) / fit.error
        flow_dim = c.structural.flow_dimension
        ls = np.log(c.passive.sigma_w[np.isfinite(c.passive.sigma_w) & (c.passive.sigma_w > 0)])
        reach = float(np.exp(ls.max() - ls[0])) if ls.size else float("nan")
        return {
            "d_in": self.d_in, "width": self.width, **self.choices(c.kinetic), "sigma_w0": self.sigma_w0,
            "sigma_w_top": float(self.active.sigma_ws[c.matched[-1]]) if n else float("nan"),
            "sigma_w_reach": reach,
            "passive_status": c.passive.status,
            "k_stop_over_m0": c.passive.k_stop_reached / c.passive.mass0,
            "n_matched": int(n),
            # slopes d ln|u4| / d ln sigma_w: structural (any network) and measured
            "structural_slope": c.structural.active, "predicted_slope": self.active.predicted_slope,
            "active_slope": fit.slope if fit else float("nan"),
            "active_slope_error": fit.error if fit else float("nan"),
            "passive_slope": c.passive_slope, "passive_slope_ir": c.structural.passive_ir,
            "passive_slope_uv": c.passive_slope_uv, "structural_gap_ir": c.structural.gap_ir,
            "u6_closing_ir": c.structural.u6_closing, "slope_gap_in_errors": slope_gap,
            # the same slopes for u4 in units of the mass, u4/m^(4 - d_in)
            "flow_dimension": flow_dim,
            "structural_dimensionless_slope": c.structural.active_dimensionless,
            "active_dimensionless_slope": (fit.slope - flow_dim) if fit else float("nan"),
            "passive_dimensionless_slope": c.passive_slope - flow_dim,
            "passive_dimensionless_slope_ir": c.structural.passive_dimensionless_ir,
            "passive_running": c.passive_running, "active_running": c.active_running,
            "running_sigma_w": c.running_sigma_w,
            # the measured comparison at the matched sigma_w
            "ratio_top": float(c.ratio[top]) if n else float("nan"),
            "ratio_top_error": float(c.ratio_error[top]) if n else float("nan"),
            "ratio_exact_top": float(finite_exact[-1]) if finite_exact.size else float("nan"),
            "chi2": c.chi2, "dof": c.dof, "p_value": c.p_value, "consistent": c.verdict == "consistent",
            "verdict": c.verdict,
            "active_vs_exact_chi2": float(np.sum(self.active.pulls**2)),
        }

    def rows(self) -> list:
        """One row per kinetic function."""
        return [self.row(c.kinetic) for c in self.comparisons]

    def to_dict(self) -> dict:
        return {
            "d_in": self.d_in, "width": self.width, "choices": self.choices(),
            "summary": [_jsonable_row(r) for r in self.rows()],
            "u4_ir": finite(self.u4_ir), "u4_ir_error": finite(self.u4_ir_error), "u4_ir_exact": finite(self.u4_ir_exact),
            "active": self.active.to_dict(), "comparisons": [c.to_dict() for c in self.comparisons],
            "message": self.message,
        }

    def __repr__(self):
        parts = []
        for c in self.comparisons:
            r = self.row(c.kinetic)
            parts.append(f"{c.kinetic}: passive {c.passive.status}, slope {r['passive_slope']:.3g}, ratio_top "
                         f"{r['ratio_top']:.3g} +- {r['ratio_top_error']:.2g}, chi2/dof {c.chi2:.3g}/{c.dof} {c.verdict}")
        return (f"ActivePassiveCase(d_in={self.d_in}, N={self.width}, {self.convention.name}, active slope "
                f"{self.row()['active_slope']:.3g} (structural {self.active.structural_slope}); " + "; ".join(parts) + ")")


def _fmt(value, spec=".3g") -> str:
    """A number for a report line ("n/a" when it is not finite)."""
    if isinstance(value, (float, np.floating)) and not math.isfinite(value):
        return "n/a"
    return format(value, spec)


@dataclass(frozen=True, repr=False)
class ActivePassiveResult:
    """The active/passive RG experiment for every (d_in, width); see :func:`active_passive_experiment`."""

    cases: tuple
    parameters: dict = field(default_factory=dict)
    runtime: float = 0.0

    @property
    def kinetics(self) -> tuple:
        """The kinetic functions compared, the primary one first."""
        return tuple(c.kinetic for c in self.cases[0].comparisons) if self.cases else ()

    @property
    def success(self) -> bool:
        """True when every passive flow completed (agreement is judged by ``summary``, not here)."""
        return all(c.passive.success for case in self.cases for c in case.comparisons)

    def table(self, kinetic: str | None = None) -> list:
        """One row (dict) of key numbers per (d_in, width, kinetic function); ``kinetic`` selects one."""
        if kinetic is not None:
            return [case.row(kinetic) for case in self.cases]
        return [r for case in self.cases for r in case.rows()]

    def verdict_line(self, kinetic: str | None = None) -> str:
        """One line: the verdict over all cases for one kinetic function, naming every choice it rests on."""
        kinetic = kinetic or self.kinetics[0]
        rows = self.table(kinetic)
        p = self.parameters
        counts = {v: sum(r["verdict"] == v for r in rows) for v in ("consistent", "inconsistent", "undecided")}
        text = ", ".join(f"{n} {v}" for v, n in counts.items() if n)
        word = "consistent" if counts["consistent"] == len(rows) else "NOT consistent"
        failing = "; ".join(f"d_in={r['d_in']} N={r['width']}: p={_fmt(r['p_value'], '.2g')}" for r in rows
                            if r["verdict"] == "inconsistent")
        return (f"[convention {p.get('convention')} ({p.get('normalisation')}), kinetic {kinetic}, "
                f"u6(k_IR) = {_fmt(p.get('u6'), 'g')}, k_IR = {_fmt(p.get('k_ir_ratio'), 'g')} m0, "
                f"k_UV = {_fmt(p.get('k_uv_ratio'), 'g')} m0] one RG trajectory: {word} ({text})"
                + (f"; rejected at {failing}" if failing else ""))

    def structural_line(self, kinetic: str | None = None) -> str:
        """One line: the structural slopes (the same for any network) at these choices."""
        kinetic = kinetic or self.kinetics[0]
        parts = []
        for d in sorted({c.d_in for c in self.cases}):
            s = [c.comparison(kinetic).structural for c in self.cases if c.d_in == d]
            ir = ", ".join(_fmt(x.passive_ir, ".4g") for x in s)
            parts.append(f"d_in={d}: active {s[0].active}, passive at k_IR {ir}")
        return (f"structural slopes d ln|u4|/d ln sigma_w (kinetic {kinetic}, u6(k_IR) = "
                f"{_fmt(self.parameters.get('u6'), 'g')}; active: the canonical dimension for any network; passive "
                "at k_IR: -12 u2/(P_kin + u2) + 2 m0^2 u6/u4^2, -12 for any network when u6 = 0): " + "; ".join(parts))

    @property
    def summary(self) -> dict:
        """Short JSON-ready dict: the choices, the verdicts per kinetic function, the rows of the primary one."""
        keys = ("d_in", "width", "kinetic", "active_slope", "active_slope_error", "structural_slope",
                "predicted_slope", "passive_slope", "passive_slope_ir", "structural_gap_ir", "u6_closing_ir",
                "active_dimensionless_slope", "passive_dimensionless_slope", "passive_running", "active_running",
                "ratio_top", "ratio_top_error", "ratio_exact_top", "chi2", "dof", "p_value", "consistent", "verdict",
                "passive_status")
        by_kinetic = {}
        for kin in self.kinetics:
            rows = [{k: r[k] for k in keys} for r in self.table(kin)]
            by_kinetic[kin] = {
                "one_trajectory_consistent": all(r["consistent"] for r in rows),
                "verdicts": {v: sum(r["verdict"] == v for r in rows) for v in ("consistent", "inconsistent", "undecided")},
                "verdict_line": self.verdict_line(kin), "structural_line": self.structural_line(kin),
                "cases": [_jsonable_row(r) for r in rows],
            }
        primary = by_kinetic[self.kinetics[0]] if self.kinetics else {"one_trajectory_consistent": False,
                                                                       "verdicts": {}, "cases": []}
        p = self.parameters
        return {
            "claim": "networks at different sigma_w lie on one RG trajectory (docs/theory/nn_qft.md)",
            "choices": {"convention": p.get("convention"), "normalisation": p.get("normalisation"),
                        "kinetic": list(self.kinetics), "u6_ir": p.get("u6"), "k_ir_over_m0": p.get("k_ir_ratio"),
                        "k_uv_over_m0": p.get("k_uv_ratio")},
            "kinetic": self.kinetics[0] if self.kinetics else None,
            "one_trajectory_consistent": primary["one_trajectory_consistent"],
            "verdicts": primary["verdicts"],
            "cases": primary["cases"],
            "by_kinetic": by_kinetic,
            "runtime_s": self.runtime,
        }

    def to_dict(self) -> dict:
        return {"parameters": self.parameters, "summary": self.summary,
                "cases": [c.to_dict() for c in self.cases], "runtime_s": self.runtime}

    def plot(self, ax=None):
        """The overlay: |u4| against sigma_w and, below, u4 in units of the mass (see :func:`tensornn.plotting.rg.plot_result`).

        ``ax=None`` makes a figure with one column per d_in (dimensionful row, dimensionless row); a
        sequence of Axes (one per d_in) gets the dimensionful panels; a single Axes gets every case
        normalised to its IR point (``u4/u4_IR`` against ``sigma_w/sigma_w0``). Needs matplotlib.
        """
        from ..plotting.rg import plot_result

        return plot_result(self, ax)

    def __repr__(self):
        lines = [f"ActivePassiveResult({len(self.cases)} cases, {self.runtime:.1f} s)"]
        lines += [f"  {c!r}" for c in self.cases]
        return "\n".join(lines)

"""What reading a network has: the fits of its readings, their couplings and the verdict, as result objects.

:class:`Coupling` is one fitted coupling, :class:`ReadingFit` the fit of one reading, :class:`ReadingsResult`
everything :func:`tensornn.readings.read_network` found for one network: the fits, the verdict
(:class:`~tensornn.readings.verdict.Verdict`), the moment check and the symmetry test it respected.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .._deprecate import renamed
from .._frames import repr_html, to_frame
from .design import QuadrupleDesign
from .moments import MomentCheck
from .verdict import Verdict

__all__ = ["Coupling", "ReadingFit", "ReadingsResult"]


def _symmetry_dict(symmetry):
    if symmetry is None:
        return None
    if hasattr(symmetry, "to_dict"):
        return symmetry.to_dict()
    return {"invariant": getattr(symmetry, "invariant", None)}


@dataclass(frozen=True)
class Coupling:
    """One fitted coupling lambda_V (S_4 = sum_V lambda_V V, normalisation of :mod:`tensornn.readings.patterns`).

    Attributes
    ----------
    value, error : float
        Fit and standard error (0 for an exact fit).
    exact : float or None
        The exact first-order coupling where known.
    share : float
        (-lambda_V A_V . y) / |y|^2, the part of the measured G4c this class carries.
    significant : bool or None
        |value| / error above the two-sided normal quantile at the fit's alpha (None for an exact fit):
        the coupling is individually distinguishable from zero.
    """

    value: float
    error: float
    exact: float | None
    share: float
    significant: bool | None = None

    @property
    def pull(self) -> float | None:
        """(value - exact) / error, or None without an exact value or an error."""
        if self.exact is None or not self.error > 0:
            return None
        return (self.value - self.exact) / self.error

    @property
    def z(self) -> float | None:
        """value / error, or None for an exact fit."""
        return self.value / self.error if self.error > 0 else None

    def to_dict(self) -> dict:
        return {"value": self.value, "error": self.error, "exact": self.exact, "share": self.share,
                "z": self.z, "significant": self.significant}


@dataclass(frozen=True)
class ReadingFit:
    """The fit of one reading (or of the reference model).

    Attributes
    ----------
    reading : str
    classes : tuple of str
    couplings : dict
        {class name: Coupling}.
    chi2, p_value, aic : float
        NaN for an exact fit.
    dof : int
    relative_residual : float
    condition_number : float
        Of the reading's design matrix (unit-norm columns).
    shrinkage : float
    reference : str
        p-value reference: "hotelling", "chi2" or "none".
    fits : bool
        p >= alpha (Monte Carlo) or relative residual <= exact_rtol (exact).
    fitted, residuals : ndarray, shape (Q,)
        The fitted G4c, -sum_V lambda_V A_V, and measured minus fitted.
    covariance : ndarray, shape (K, K)
        Covariance of the couplings, ordered as ``classes`` (zeros for an exact fit).
    status : str
        "fits", "fails", or "not identifiable" (reference model only: its design was degenerate).
    message : str
    expected_chi2 : float
        The mean of ``chi2`` under the reading: Hotelling's nu dof / (nu - dof - 1) (not dof: the covariance is
        estimated from nu = G - 1 degrees of freedom), dof for the chi^2 reference, NaN for an exact fit.
    nu : int or None
        G - 1, the degrees of freedom of the covariance (Monte Carlo).
    """

    reading: str
    classes: tuple
    couplings: dict
    chi2: float
    dof: int
    p_value: float
    aic: float
    relative_residual: float
    condition_number: float
    shrinkage: float
    reference: str
    fits: bool
    fitted: np.ndarray
    residuals: np.ndarray
    covariance: np.ndarray
    status: str
    message: str
    expected_chi2: float = math.nan
    nu: int | None = None

    @property
    def reference_distribution(self) -> str:
        """The law of ``chi2`` under the reading: "Hotelling T^2(dof, nu)", "chi2(dof)" or "none"."""
        if self.reference == "hotelling":
            return f"Hotelling T^2({self.dof}, {self.nu})"
        return f"chi2({self.dof})" if self.reference == "chi2" else "none"

    @property
    def chi2_per_dof(self) -> float:
        return self.chi2 / self.dof if self.dof > 0 else math.nan

    def summary(self) -> dict:
        """{chi2, dof, p_value, aic, relative_residual, fits}: the numbers a verdict needs."""
        return {"chi2": self.chi2, "dof": self.dof, "p_value": self.p_value, "aic": self.aic,
                "expected_chi2": self.expected_chi2, "reference_distribution": self.reference_distribution,
                "relative_residual": self.relative_residual, "fits": self.fits}

    def to_dict(self) -> dict:
        return {"reading": self.reading, "classes": list(self.classes), **self.summary(),
                "condition_number": self.condition_number, "shrinkage": self.shrinkage,
                "p_value_reference": self.reference,
                "couplings": {k: v.to_dict() for k, v in self.couplings.items()},
                "fitted": self.fitted.tolist(), "residuals": self.residuals.tolist(),
                "covariance": self.covariance.tolist(), "status": self.status, "message": self.message}

    def __repr__(self):
        if self.reference == "none":
            quality = f"relative residual {self.relative_residual:.3g}"
        else:
            quality = (f"chi2/dof = {self.chi2:.4g}/{self.dof} (expected {self.expected_chi2:.4g} under "
                       f"{self.reference_distribution}), p = {self.p_value:.3g}")
        return f"ReadingFit({self.reading!r}, {self.status}: {quality})"



@dataclass(frozen=True)
class ReadingsResult:
    """Every reading of one network's G4c on one design, and the verdict of the data.

    Attributes
    ----------
    network : str
        repr of the network specification.
    space : str
        "index" or "gauss" (where the patterns live).
    method : str
        "exact" or "monte-carlo".
    design : QuadrupleDesign
    values : ndarray, shape (Q,)
        The G4c that was fitted.
    error : ndarray or None
        Jackknife standard errors (Monte Carlo).
    readings : dict
        {"scalar"|"vector"|"tensor": ReadingFit}, those that were fitted.
    reference_fit : ReadingFit or None
        All classes together ("full").
    selected : str
        The verdict: a reading name, "undetermined" or "none" (= ``decision.selected``).
    selected_fits : bool
        Whether ``selected`` is a reading whose own goodness of fit passes.
    alpha, exact_rtol : float
    n_networks, n_groups : int or None
    seed : int or None
    timings : dict
        Seconds spent measuring and fitting.
    success : bool
        False when the measurement overflowed (then readings is empty).
    status : str
        "ok" (a reading is selected), "undetermined", "no reading fits" (verdict "none"), "moments" (G4c not
        estimable) or "overflow".
    message : str
    decision : Verdict or None
        The nested tests, the p-value that requires the verdict, its power (:mod:`tensornn.readings.verdict`).
    moments : MomentCheck or None
        Whether G4c is estimable (Monte Carlo).
    symmetry : SymmetryTest or None
        The symmetry test the verdict respected, as passed to :func:`read_network`.
    measurement : FourPointMeasurement or None
        The Monte-Carlo measurement with its group sums (None for exact G4c), to re-analyse the same networks.
    """

    network: str
    space: str
    method: str
    design: QuadrupleDesign
    values: np.ndarray
    error: np.ndarray | None
    readings: dict
    reference_fit: ReadingFit | None
    selected: str
    selected_fits: bool
    alpha: float
    exact_rtol: float
    n_networks: int | None
    n_groups: int | None
    seed: int | None
    timings: dict = field(default_factory=dict)
    success: bool = True
    status: str = "ok"
    message: str = ""
    decision: Verdict | None = None
    moments: MomentCheck | None = None
    symmetry: object = None
    measurement: object = field(default=None, repr=False, compare=False)

    errors = renamed("errors", "error")

    def _table(self):
        quads = np.asarray(self.design.quadruples)
        columns = {"quadruple": [" ".join(map(str, q)) for q in quads], "G4c": self.values}
        if self.error is not None:
            columns["error"] = self.error
        for name, fit in self.readings.items():
            columns[f"{name}_fit"] = fit.fitted
            columns[f"{name}_residual"] = fit.residuals
        return columns, "quadruple"

    def to_frame(self):
        """One row per quadruple: the measured G4c, its error, each reading's fit and residual as a pandas DataFrame (needs pandas: ``pip install 'tensornn[pandas]'``)."""
        return to_frame(self)

    def _repr_html_(self) -> str:
        return repr_html(self)

    @property
    def decided(self) -> bool:
        """Whether the verdict names a reading (not "undetermined" or "none")."""
        return self.selected in self.readings

    def verdict(self) -> dict:
        """{network, selected, selected_fits, method, readings: {NAME: {chi2, dof, p_value, aic, expected_chi2,
        reference_distribution, relative_residual, fits}}, reason, p_value, power, detectable, networks_needed,
        nested: [{smaller, larger, statistic, df1, df2, p_value, ...}], moments, symmetry}."""
        d = self.decision.to_dict() if self.decision is not None else {}
        return {"network": self.network, "selected": self.selected, "selected_fits": self.selected_fits,
                "method": self.method,
                "readings": {name: fit.summary() for name, fit in self.readings.items()},
                "reason": d.get("reason"), "p_value": d.get("p_value"), "power": d.get("power"),
                "detectable": d.get("detectable"), "networks_needed": d.get("networks_needed"),
                "nested": d.get("nested", []),
                "moments": None if self.moments is None else self.moments.to_dict(),
                "symmetry": _symmetry_dict(self.symmetry)}

    def couplings(self) -> dict:
        """{reading: {class name: {value, error, exact, share}}}."""
        return {name: {k: v.to_dict() for k, v in fit.couplings.items()} for name, fit in self.readings.items()}

    def to_dict(self) -> dict:
        return {
            "network": self.network, "space": self.space, "method": self.method, "design": self.design.to_dict(),
            "values": self.values.tolist(), "error": None if self.error is None else self.error.tolist(),
            "verdict": self.verdict(), "readings": {k: v.to_dict() for k, v in self.readings.items()},
            "reference": None if self.reference_fit is None else self.reference_fit.to_dict(),
            "alpha": self.alpha, "exact_rtol": self.exact_rtol, "n_networks": self.n_networks,
            "n_groups": self.n_groups, "seed": self.seed, "timings": dict(self.timings),
            "success": self.success, "status": self.status, "message": self.message,
            "decision": None if self.decision is None else self.decision.to_dict(),
            "moments": None if self.moments is None else self.moments.to_dict(),
            "symmetry": _symmetry_dict(self.symmetry),
        }

    def text(self) -> str:
        """A plain-text table: one line per reading, then the couplings of the selected one."""
        lines = [f"{self.network}", f"  {self.method}, {self.design.n_quadruples} quadruples of "
                 f"{self.design.n_points} points of {self.design.data_name!r}"
                 + (f", {self.n_networks} networks in {self.n_groups} groups" if self.n_networks else "")]
        if not self.success:
            return "\n".join(lines + [f"  {self.status}: {self.message}"])
        fits = list(self.readings.values()) + ([self.reference_fit] if self.reference_fit is not None else [])
        for fit in fits:
            mark = "*" if fit.reading == self.selected else " "
            if fit.status == "not identifiable":
                quality = fit.message
            elif fit.reference == "none":
                quality = f"relative residual {fit.relative_residual:.3g}"
            else:
                quality = (f"chi2/dof {fit.chi2:9.4g}/{fit.dof:<3d} (expected {fit.expected_chi2:.4g} under "
                           f"{fit.reference_distribution}) p {fit.p_value:9.3g}  "
                           f"rel. residual {fit.relative_residual:.3g}")
            lines.append(f" {mark}{fit.reading:<7} {fit.status:<16} {quality}  (kappa {fit.condition_number:.3g})")
        if self.decision is not None:
            for t in self.decision.nested:
                power = "" if t.power is None else f"  power {t.power:.2f} at coupling {t.size:.3g}"
                lines.append(f"  nested {t.describe()}{power}")
        if self.moments is not None:
            lines.append(f"  moments: {self.moments.reason}")
        verdict = f"  selected: {self.selected}"
        if self.decision is not None:
            extra = []
            if self.decision.p_value is not None:
                extra.append(f"p = {self.decision.p_value:.3g}")
            if self.decision.power is not None:
                extra.append(f"power {self.decision.power:.2f}")
            if self.decision.networks_needed is not None:
                extra.append(f"about {self.decision.networks_needed} networks would resolve it")
            verdict += (f" ({', '.join(extra)})" if extra else "") + f": {self.decision.reason}"
        lines.append(verdict)
        if self.decided:
            for name, c in self.readings[self.selected].couplings.items():
                exact = "" if c.exact is None else f"  exact {c.exact:.6g}"
                mark = " *" if c.significant else ""
                lines.append(f"    {name:<28} {c.value: .6g} +- {c.error:.2g}{mark}{exact}  share {c.share:.3g}")
            if any(c.significant is not None for c in self.readings[self.selected].couplings.values()):
                lines.append(f"    (* individually significant at alpha = {self.alpha:g})")
        return "\n".join(lines)

    def __repr__(self):
        return (f"ReadingsResult({self.network}, method={self.method!r}, selected={self.selected!r}, "
                f"status={self.status!r})")

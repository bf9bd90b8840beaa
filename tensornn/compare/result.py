"""Results of a comparison: per network, the readings the data select and the flows that follow; the conclusion.

The JSON contract (``CompareResult.to_dict()``, written as report.json; docs/compare.md):

- ``conclusion``: one paragraph per network, the sentences that open summary.md;
- ``verdict``: a list of ``{network, selected, selected_fits, readings: {NAME: {chi2, dof, p_value, aic,
  relative_residual, fits}}}`` with NAME in scalar/vector/tensor;
- ``fit``: ``{network: {reading: {class_name: {value, error, exact}}}}`` (exact null where unknown);
- ``networks``: ``{network: {description, spec, readings (the full fit record), flows: {reading: ...}}}``,
  every trajectory with ``ir_source`` ("fit" or "exact");
- ``data``: the data summary (spectra, Kronecker distance); ``timings_s``, ``runtime_s``, ``metadata``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .._json import SCHEMA_VERSION, finite
from ..report import metadata
from .config import CompareConfig

if TYPE_CHECKING:
    from ..data.summary import DataSummary
    from ..readings.fit import ReadingsResult

__all__ = ["NetworkResult", "CompareResult"]

def _p(x) -> str:
    if x is None or not math.isfinite(x):
        return "n/a"
    return f"{x:.2g}" if x < 1e-3 else f"{x:.3f}".rstrip("0").rstrip(".")


def _quality(fit) -> str:
    if fit.reference == "none":
        return f"relative residual {fit.relative_residual:.3g}"
    return f"chi^2/dof = {fit.chi2:.1f}/{fit.dof}, p = {_p(fit.p_value)}"


@dataclass(frozen=True)
class NetworkResult:
    """One network: its readings fit (:class:`tensornn.readings.ReadingsResult`) and the flow of each reading;
    ``prediction`` is what the network's law says in advance about its readings (or None)."""

    label: str
    description: str
    spec: str
    readings: ReadingsResult
    flows: dict
    mass_exponent: float
    prediction: str | None = None

    @property
    def selected(self) -> str | None:
        return self.readings.selected

    def verdict(self) -> dict:
        out = self.readings.verdict()
        out["network"] = self.label
        return out

    def fit(self) -> dict:
        return {name: {k: {"value": c.value, "error": c.error, "exact": c.exact} for k, c in f.couplings.items()}
                for name, f in self.readings.readings.items()}

    def conclusion(self) -> str:
        """One paragraph: the reading the data select, the fitted couplings, what the selected flow says."""
        r = self.readings
        head = f"**{self.description}.**"
        if not r.success:
            return f"{head} No reading: {r.message}."
        if r.selected not in r.readings:  # "undetermined" or "none": the verdict names no theory
            parts = [f"{head} Verdict: **{r.selected}** ({r.decision.reason if r.decision else r.message})."]
            if self.prediction is not None:
                ref = r.reference_fit
                parts.append(f"{self.prediction}." + ("" if ref is None else f" The amputated first-order basis "
                             f"describes its G4c to a relative residual of {ref.relative_residual:.3g}."))
            return " ".join(parts)
        sel = r.readings[r.selected]
        others = "; ".join(f"the {name} reading {'fits' if f.fits else 'fails'} ({_quality(f)})"
                           for name, f in r.readings.items() if name != r.selected)
        verb = "select" if r.selected_fits else "fit no reading; the closest is"
        parts = [f"{head} The data {verb} the **{r.selected}** reading ({_quality(sel)}); {others}."]
        couplings = ", ".join(
            f"{name} {c.value:.4g} +- {c.error:.2g}" + ("" if c.exact is None else f" (exact {c.exact:.4g})")
            for name, c in sel.couplings.items())
        parts.append(f"Fitted couplings lambda_V: {couplings}.")
        if self.prediction is not None:  # what the network's law says in advance (its reading_prediction)
            ref = r.reference_fit
            described = "" if ref is None else (f" The amputated first-order basis describes its G4c to a relative "
                                                f"residual of {ref.relative_residual:.3g} (all classes together).")
            parts.append(f"{self.prediction}.{described}")
        flow = self.flows.get(r.selected)
        if flow is not None:
            traj = flow.trajectory("fit")
            where = ("reaches k_UV" if traj["status"] == "completed" else
                     f"stops ({traj['status']}) at k = {traj['k_stop_reached']:.3g}")
            sw = [s for s in traj["sigma_w"] if s is not None]
            sigma = "" if len(sw) < 2 else f"; read as a weight scale, sigma_W runs from {sw[0]:.4g} to {sw[-1]:.4g}"
            parts.append(f"Its flow from these couplings {where}{sigma}.")
            ng = flow.non_gaussian()
            if ng is not None:
                parts.append(f"Its continuum idealisation ({flow.idealisation}) has a non-Gaussian fixed point with "
                             f"nu = {ng['nu']:.4g}, eta = {ng['eta']:.4g} and {ng['n_relevant']} relevant "
                             f"direction(s).")
            else:
                parts.append(f"No fixed point to compare: {flow.idealisation}.")
        return " ".join(parts)

    def to_dict(self) -> dict:
        return {"description": self.description, "spec": self.spec, "selected": self.selected,
                "mass_exponent": self.mass_exponent, "readings": self.readings.to_dict(),
                "flows": {name: f.to_dict() for name, f in self.flows.items()}}


@dataclass(frozen=True, repr=False)
class CompareResult:
    """Everything a comparison computed (see the module docstring for the JSON contract)."""

    config: CompareConfig
    data: DataSummary
    networks: tuple
    timings: dict = field(default_factory=dict)
    runtime: float = 0.0

    @property
    def success(self) -> bool:
        """Every network was read (no overflow): the data decided; flows that stop at a pole are results."""
        return all(n.readings.success for n in self.networks)

    def conclusion(self) -> list[str]:
        return [n.conclusion() for n in self.networks]

    def to_dict(self) -> dict:
        return {
            "schema": "tensornn/report",
            "schema_version": SCHEMA_VERSION,
            "metadata": metadata(self.config.to_dict(), self.config.seed),
            "conclusion": self.conclusion(),
            "verdict": [n.verdict() for n in self.networks],
            "fit": {n.label: n.fit() for n in self.networks},
            "data": self.data.to_dict(),
            "networks": {n.label: n.to_dict() for n in self.networks},
            "timings_s": {k: finite(v) for k, v in self.timings.items()},
            "runtime_s": finite(self.runtime),
        }

    def __repr__(self):
        lines = [f"CompareResult(data={self.config.data!r}, {self.runtime:.1f} s)"]
        lines += [f"  {n.label}: selected {n.selected!r}" for n in self.networks]
        return "\n".join(lines)

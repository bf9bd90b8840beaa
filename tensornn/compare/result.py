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

import numpy as np

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


def _decision(readings):
    """The readings' Verdict (tensornn.readings.verdict), or None where the readings carry none."""
    return getattr(readings, "decision", None)


def _named(readings) -> str | None:
    """The reading the data name, or None ("undetermined", "none", no fit, or a fallback that does not fit)."""
    sel = readings.selected
    if sel is None or sel not in readings.readings or not getattr(readings, "selected_fits", True):
        return None
    return sel


def _power_text(decision) -> str:
    """'power 0.93 to detect the added classes; ...' from the verdict's fields (empty without them)."""
    if decision is None:
        return ""
    parts = []
    power = getattr(decision, "power", None)
    if power is not None and math.isfinite(power):
        parts.append(f"power {power:.2f}")
    detectable = getattr(decision, "detectable", None)
    if detectable is not None and math.isfinite(detectable):
        parts.append(f"a coupling of size {detectable:.3g} is detectable at power 0.8")
    needed = getattr(decision, "networks_needed", None)
    if needed is not None:
        parts.append(f"about {needed} networks would resolve it")
    return "; ".join(parts)


def verdict_sentence(readings) -> str:
    """The verdict first, with the p-value of the test that requires it and its power (the summary's opening)."""
    r = readings
    d = _decision(r)
    sel = _named(r)
    power = _power_text(d)
    reason = (getattr(d, "reason", "") or "").strip().rstrip(".")
    if sel is not None:
        fit = r.readings[sel]
        p = getattr(d, "p_value", None)
        test = (f"the nested test that requires it: p = {_p(p)}" if p is not None else _quality(fit))
        text = f"The data select the **{sel}** reading ({test}{'; ' + power if power else ''})"
        if p is not None:
            text += f"; it fits with {_quality(fit)}"
        return text + "."
    if r.selected == "undetermined":
        because = f": {reason}" if reason else ""
        return (f"The data do not decide between the readings{because}"
                f"{' (' + power + ')' if power else ''}. No theory is named, so no flow or fixed point is the "
                "network's.")
    because = f": {reason}" if reason else ""
    return (f"No reading describes the data{because}{' (' + power + ')' if power else ''}. No theory is named, "
            "so no flow or fixed point is the network's.")


def flow_sentence(flow, exponent_note: str = "") -> str:
    """What the selected reading's flow does: the share of Monte-Carlo draws that reach k_UV, where the others
    stop, the sigma_W band, and the flow from the exact couplings beside it."""
    mc = flow.uncertainty
    fit = flow.trajectory("fit")
    exact = flow.trajectory("exact")
    if mc is not None:
        text = f"Its flow {mc.sentence()}"
        sw = mc.band("sigma_w", 0.5)
        if sw is not None and np.isfinite(sw[-1]):
            lo, hi = mc.band("sigma_w", 0.05)[-1], mc.band("sigma_w", 0.95)[-1]
            text += (f"; read as a weight scale, sigma_W at k_UV is {sw[-1]:.4g} [{lo:.4g}, {hi:.4g}] (median, 5-95% "
                     "of the completed draws)")
    else:
        where = ("reaches k_UV" if fit["status"] == "completed" else
                 f"stops ({fit['status']}) at k/m = {fit['k_stop_reached'] / fit['mass_unit']:.3g}")
        text = f"Its flow from the fitted couplings {where}"
    if exact is not None:
        where = ("reaches k_UV" if exact["status"] == "completed" else
                 f"stops ({exact['status']}) at k/m = {exact['k_stop_reached'] / exact['mass_unit']:.3g}")
        text += f"; from the exact couplings it {where}"
    return text + "."


@dataclass(frozen=True)
class NetworkResult:
    """One network: its readings fit (:class:`tensornn.readings.ReadingsResult`) and the flow of each reading;
    ``prediction`` is what the network's law says in advance about its readings (or None); ``symmetry`` the
    model-free O(n) test of its G4c (:func:`tensornn.readings.symmetry.symmetry_test`, or None)."""

    label: str
    description: str
    spec: str
    readings: ReadingsResult
    flows: dict
    mass_exponent: float
    prediction: str | None = None
    symmetry: object = None
    #: Readings without a flow, by name: why the flow engine has no theory for their fitted classes.
    no_flow: dict = field(default_factory=dict)

    @property
    def selected(self) -> str | None:
        return self.readings.selected

    @property
    def named(self) -> str | None:
        """The reading the data name (None for "undetermined", "none" or a network that could not be read)."""
        return _named(self.readings) if self.readings.success else None

    def verdict(self) -> dict:
        """The readings' verdict record with the network's label, the nested tests and the power."""
        out = self.readings.verdict()
        out["network"] = self.label
        d = _decision(self.readings)
        if d is not None:
            record = d.to_dict() if hasattr(d, "to_dict") else {}
            for key in ("reason", "p_value", "power", "detectable", "networks_needed", "nested"):
                if key not in out:
                    out[key] = record.get(key, getattr(d, key, None))
            if out.get("nested") is not None and not isinstance(out["nested"], list):
                out["nested"] = [n.to_dict() if hasattr(n, "to_dict") else dict(n) for n in out["nested"]]
        else:
            for key in ("reason", "p_value", "power", "detectable", "networks_needed"):
                out.setdefault(key, None)
            out.setdefault("nested", [])
        out["moments"] = _record(getattr(self.readings, "moments", None))
        out["symmetry"] = _record(self.symmetry)
        return out

    def fit(self) -> dict:
        return {name: {k: {"value": c.value, "error": c.error, "exact": c.exact} for k, c in f.couplings.items()}
                for name, f in self.readings.readings.items()}

    def conclusion(self) -> str:
        """One paragraph: the verdict with its power, the couplings, what the selected flow does."""
        r = self.readings
        head = f"**{self.description}.**"
        if not r.success:
            refused = f"{head} No reading: {r.message}."
            return refused if self.symmetry is None else f"{refused} {_symmetry_sentence(self.symmetry)}"
        parts = [head, verdict_sentence(r)]
        sel = self.named
        others = "; ".join(f"the {name} reading {'fits' if f.fits else 'fails'} ({_quality(f)})"
                           for name, f in r.readings.items() if name != sel)
        if others:
            parts.append(others[0].upper() + others[1:] + ".")
        if self.symmetry is not None:
            parts.append(_symmetry_sentence(self.symmetry))
        if sel is not None:
            couplings = ", ".join(
                f"{name} {c.value:.4g} +- {c.error:.2g}" + ("" if c.exact is None else f" (exact {c.exact:.4g})")
                for name, c in r.readings[sel].couplings.items())
            parts.append(f"Fitted couplings lambda_V: {couplings}.")
        if self.prediction is not None:  # what the network's law says in advance (its reading_prediction)
            ref = r.reference_fit
            described = "" if ref is None else (f" The amputated first-order basis describes its G4c to a relative "
                                                f"residual of {ref.relative_residual:.3g} (all classes together).")
            parts.append(f"{self.prediction}.{described}")
        flow = self.flows.get(sel) if sel is not None else None
        if sel is not None and sel in self.no_flow:
            parts.append(f"The {sel} reading has no flow: {self.no_flow[sel]}.")
        if flow is not None:
            parts.append(flow_sentence(flow))
            if flow.idealised is not None:
                parts.append(flow.idealised.sentence())
        return " ".join(parts)

    def to_dict(self) -> dict:
        return {"description": self.description, "spec": self.spec, "selected": self.selected,
                "mass_exponent": self.mass_exponent, "readings": self.readings.to_dict(),
                "symmetry": _record(self.symmetry),
                "flows": {name: f.to_dict() for name, f in self.flows.items()}, "no_flow": dict(self.no_flow)}


def _record(value) -> dict | None:
    """``value.to_dict()`` of an optional result (None stays None)."""
    to_dict = getattr(value, "to_dict", None)
    return None if to_dict is None else to_dict()


def _symmetry_sentence(test) -> str:
    """One sentence on the model-free symmetry test of G4c."""
    group = getattr(test, "group", "O(n)")
    p = getattr(test, "p_value", None)
    invariant = getattr(test, "invariant", None)
    what = {True: f"is invariant under {group}", False: f"is not invariant under {group}",
            None: f"cannot be tested for {group} invariance"}.get(invariant, f"was tested under {group}")
    return f"The model-free symmetry test says its G4c {what} (p = {_p(p)})."


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

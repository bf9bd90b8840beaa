"""What a reading's continuum idealisation is, how much its fixed point depends on the scheme, and how it compares
with the measured couplings.

A reading's flow on data spectra is a trajectory; its fixed points belong to an idealisation in which every colour
is a continuum of modes with kinetic p^2 (:mod:`tensornn.compare.theories`). The idealisation is fixed by the
reading and the number of colours alone, so its fixed point is the same for every data set and network. This
module labels it by its truncation and scheme, and reports beside the configured scheme

- the other schemes the package has: LPA' with eta inside the regulator derivative d_t R ("include") or outside
  it ("omit"), and plain LPA (eta = 0), for theories with a pairing colour;
- for the phi^4 polynomial truncation of the scalar reading, the functional LPA (the whole potential,
  :func:`tensornn.flow.functional_fixed_point`): the polynomial truncation at order 4 is not the LPA;
- the signs and sizes of the fixed point's quartic couplings against the measured ones (in the units of the flow:
  g = s^4 lambda, m = 1), and the measured classes the idealisation drops;
- whether the measured theory has a continuum limit at all: a data colour with fewer than :data:`FEW_MODES` modes
  has no scaling regime for a fixed point to govern.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..flow.betas import derive_flow
from ..flow.fixed_points import find_fixed_points
from ..errors import InvalidArgumentError
from ..readings.content import quartic_content
from ..theory.colours import EmpiricalColour

__all__ = ["Idealisation", "idealisation", "FEW_MODES", "SCHEMES"]

#: Data colours with fewer modes than this have no continuum limit to speak of (no scaling regime).
FEW_MODES = 10

#: The schemes of a theory with a pairing colour: (label, anomalous_dimension, regulator_eta).
SCHEMES = (("LPA' (eta in d_t R)", True, "include"), ("LPA' (eta out of d_t R)", True, "omit"),
           ("LPA (eta = 0)", False, "include"))


@dataclass(frozen=True)
class Idealisation:
    """The continuum idealisation of one reading.

    Attributes
    ----------
    reading : str
    truncation : str
        What the idealisation is, by truncation and scheme (e.g. "phi^4 polynomial truncation (order 4) of the LPA
        in D = 3").
    schemes : tuple of dict
        One record per scheme: {scheme, nu, eta, n_relevant, couplings, configured}, the non-Gaussian fixed point
        with the fewest relevant directions (nu None when the scheme has none).
    functional_lpa : dict or None
        {nu, eta, n_relevant, label} of the functional LPA where the truncation is polynomial (scalar reading).
    comparison : str
        Signs and sizes of the fixed point's couplings against the measured ones ("" without both).
    continuum : str
        Whether the measured theory has a continuum limit ("" for continuum theories).
    note : str
        Why there is no idealisation ("" when there is one).
    """

    reading: str
    truncation: str
    schemes: tuple
    functional_lpa: dict | None
    comparison: str
    continuum: str
    note: str = ""

    @property
    def configured(self) -> dict | None:
        return next((s for s in self.schemes if s["configured"]), None)

    def spread(self) -> tuple[float, float] | None:
        """(min, max) of nu over the schemes with a non-Gaussian fixed point (None without two)."""
        nus = [s["nu"] for s in self.schemes if s["nu"] is not None]
        if self.functional_lpa is not None and self.functional_lpa.get("nu") is not None:
            nus.append(self.functional_lpa["nu"])
        return (min(nus), max(nus)) if len(nus) >= 2 else None

    def sentence(self) -> str:
        """What the idealisation is and what it is not (for the summary)."""
        if not self.schemes:
            return f"No fixed point to compare: {self.note}."
        head = self.configured or self.schemes[0]
        if head["nu"] is None:
            text = f"Its continuum idealisation, the {self.truncation}, has no non-Gaussian fixed point"
        else:
            text = (f"Its continuum idealisation, the {self.truncation}, has a non-Gaussian fixed point with "
                    f"nu = {head['nu']:.4g}, eta = {head['eta']:.3g} and {head['n_relevant']} relevant direction(s)")
        others = [f"nu = {s['nu']:.4g} in {s['scheme']}" for s in self.schemes if s is not head and s["nu"] is not None]
        if self.functional_lpa is not None and self.functional_lpa.get("nu") is not None:
            others.append(f"nu = {self.functional_lpa['nu']:.4g} in the {self.functional_lpa['label']}")
        if others:
            text += f" ({'; '.join(others)})"
        text += ". The idealisation does not depend on the data: it is the same for every data set and network"
        if self.comparison:
            text += f"; {self.comparison}"
        text += "."
        if self.continuum:
            text += f" {self.continuum}."
        return text

    def to_dict(self) -> dict:
        return {"reading": self.reading, "truncation": self.truncation, "schemes": list(self.schemes),
                "functional_lpa": self.functional_lpa, "nu_spread": None if self.spread() is None else
                list(self.spread() or ()), "data_independent": True, "comparison": self.comparison,
                "continuum": self.continuum, "note": self.note, "sentence": self.sentence()}


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


def scheme_fixed_points(idealised, projection: str, anomalous_dimension: bool, regulator_eta: str, config,
                        cache: dict | None = None) -> tuple:
    """FixedPoint records of an idealised theory in one scheme, valid ones first (cached)."""
    key = ("fixed points", repr(idealised), projection, anomalous_dimension, regulator_eta, config.fixed_point_starts,
           config.seed)
    if cache is not None and key in cache:
        return cache[key]
    flow = derive_flow(idealised, projection=projection, anomalous_dimension=anomalous_dimension,
                       regulator_eta=regulator_eta)
    out: tuple[dict, ...] = ()
    if flow.autonomous:
        search = find_fixed_points(flow, n_starts=config.fixed_point_starts, seed=config.seed,
                                   starts=_symmetric_starts(flow))
        out = tuple(sorted((fp.to_dict() for fp in search.fixed_points),
                           key=lambda d: (not d["valid"], d["n_relevant"])))
    if cache is not None:
        cache[key] = out
    return out


def non_gaussian(fixed_points) -> dict | None:
    """The valid fixed point with a nonzero quartic coupling and the fewest relevant directions."""
    cands = [fp for fp in fixed_points
             if fp["valid"] and any(abs(v or 0.0) > 1e-8 for n, v in fp["couplings"].items()
                                    if n not in ("mass", "g2"))]
    return min(cands, key=lambda fp: (fp["n_relevant"], -(fp["nu"] or 0.0))) if cands else None


def _has_pairing(theory) -> bool:
    return any(getattr(c, "role", "") == "pairing" for c in theory.colours)


def _truncation_label(theory) -> str:
    """The idealisation by its truncation (not by its scheme)."""
    if theory.reading == "scalar":
        d = theory.idealised.colours[0].dimension
        return f"phi^4 polynomial truncation (u2, u4) in D = {d:g}"
    if theory.reading == "tensor" and theory.idealised_projection == "melonic":
        return f"melonic quartic truncation of {len(theory.idealised.colours)} one-dimensional colours with kinetic p^2"
    return theory.idealised_note


def _functional_lpa(theory, cache) -> dict | None:
    """The functional LPA of the scalar reading's idealisation (phi^4 in D = d, one component)."""
    if theory.reading != "scalar":
        return None
    dim = float(theory.idealised.colours[0].dimension)
    key = ("functional LPA", dim)
    if cache is not None and key in cache:
        return cache[key]
    from ..flow.functional_search import functional_fixed_point

    label = f"functional LPA (the whole potential, D = {dim:g})"
    try:
        fp = functional_fixed_point(dim, 1)
        out = ({"label": label, "nu": None, "eta": None, "n_relevant": None, "status": "not found"} if fp is None else
               {"label": label, "nu": _real(fp.nu), "eta": _real(fp.eta), "n_relevant": fp.n_relevant,
                "status": fp.status})
    except InvalidArgumentError as exc:  # no Wilson-Fisher point in this dimension
        out = {"label": label, "nu": None, "eta": None, "n_relevant": None, "status": str(exc)}
    if cache is not None:
        cache[key] = out
    return out


def _real(x) -> float | None:
    return None if x is None or not np.isfinite(x) else float(x)


def _idealised_names(theory) -> dict:
    """Fitted class name -> coupling name of the idealised truncation (classes it has)."""
    d = len(theory.theory.colours) if theory.reading == "tensor" else None
    if theory.reading == "scalar":
        return {"local": "g4"}
    if d is None:
        return {}
    forms = {i.bubble.canonical_form(): i.name for i in theory.idealised.truncation.interactions}
    return {c.name: forms[c.bubble.canonical_form()] for c in quartic_content(d).classes
            if c.bubble.canonical_form() in forms}


def _comparison(theory, head, measured: dict | None) -> str:
    """Signs and sizes of the fixed point's quartic couplings against the measured couplings (units of the flow)."""
    if head is None or head["nu"] is None or not measured:
        return ""
    names = _idealised_names(theory)
    kept = {c: names[c] for c in measured if c in names}
    dropped = [c for c in measured if c not in names]
    parts = []
    for cls, engine in kept.items():
        fp = head["couplings"].get(engine)
        if fp is None:
            continue
        value = theory.coupling_scale * measured[cls]
        sign = "" if np.sign(fp) == np.sign(value) else " (opposite sign)"
        parts.append(f"{cls} {fp:+.3g} against {value:+.3g}{sign}")
    text = ""
    if parts:
        text = ("its quartic couplings at the fixed point against the measured ones (g = s^4 lambda, units of m): "
                + ", ".join(parts))
    if dropped:
        total = sum(abs(v) for v in measured.values()) or 1.0
        shares = ", ".join(f"{c} ({abs(measured[c]) / total:.0%} of the measured |lambda|)" for c in dropped)
        text += ("; " if text else "") + f"it drops {shares}"
    return text


def _continuum(theory) -> str:
    """Whether the measured theory has a continuum limit: modes per direction of every data colour (a colour of
    dimension D with n modes has about n^(1/D) per direction)."""
    colours = [c for c in theory.theory.colours if isinstance(c, EmpiricalColour)]
    if not colours:
        return ""
    per_direction = [len(c.values) ** (1.0 / float(getattr(c, "dimension", 1.0) or 1.0)) for c in colours]
    fewest = min(per_direction)
    where = "each colour" if len(colours) > 1 else f"each of its {float(colours[0].dimension):g} directions"
    if fewest < FEW_MODES:
        return (f"The data give {where} only about {fewest:.3g} modes: the measured theory has no continuum limit "
                "(no scaling regime for a fixed point to govern), so this fixed point describes the idealisation, "
                "not the network")
    return (f"The data give {where} about {fewest:.3g} modes, a discrete spectrum: the fixed point governs the "
            "measured flow only where the counting of modes follows the continuum")


def idealisation(theory, config, measured: dict | None = None, cache: dict | None = None) -> Idealisation:
    """Label the reading's idealisation and find its fixed points in every scheme the package has.

    Parameters
    ----------
    theory : ReadingTheory
    config : CompareConfig
        ``anomalous_dimension`` (the configured scheme of the tensor reading), ``fixed_point_starts``, ``seed``.
    measured : dict, optional
        The fitted couplings {class name: lambda_V} to compare with.
    cache : dict, optional
        Shared between calls (the idealisation is the same for every network with the same number of colours).
    """
    if theory.idealised is None:
        return Idealisation(theory.reading, theory.idealised_note, (), None, "", "", theory.idealised_note)
    if theory.theory is theory.idealised:  # a continuum theory is its own idealisation (block Gauss-net)
        schemes = [("LPA (eta = 0)", False, "include")]
    elif _has_pairing(theory.idealised):
        schemes = list(SCHEMES)
    else:
        schemes = [("LPA (eta = 0)", False, "include")]
    configured = (bool(theory.idealised_eta), "include")
    records = []
    for label, ad, reta in schemes:
        fps = scheme_fixed_points(theory.idealised, theory.idealised_projection, ad, reta, config, cache)
        ng = non_gaussian(fps)
        records.append({"scheme": label, "anomalous_dimension": ad, "regulator_eta": reta, "configured": False,
                        "nu": None if ng is None else ng["nu"], "eta": None if ng is None else ng["eta"],
                        "n_relevant": None if ng is None else ng["n_relevant"],
                        "couplings": None if ng is None else ng["couplings"]})
    head = next((r for r in records if (r["anomalous_dimension"], r["regulator_eta"]) == configured),
                next((r for r in records if not r["anomalous_dimension"]), records[0]))
    head["configured"] = True
    functional = None if theory.theory is theory.idealised else _functional_lpa(theory, cache)
    return Idealisation(theory.reading, f"{_truncation_label(theory)}, {head['scheme']}", tuple(records), functional,
                        _comparison(theory, head, measured), _continuum(theory))

"""Fit a network's G4c on the quartic classes of each reading and let the data select the reading.

A reading is a claim about the connected 4-point function: G4c = -sum_V lambda_V A_V with V running
over a set of classes (:mod:`tensornn.readings.classes`, patterns in :mod:`tensornn.readings.patterns`):

- "scalar": every colour local, the local phi^4 vertex alone (class "local");
- "vector": every colour pairs along the same pi, the double trace alone (the O(n) vector model of the
  flattened field);
- "tensor": the quartic bubbles, pi_c not all equal (pillows, the tetrahedron, ... for general d) plus
  the double trace.

Mixed classes (some colours local, the others paired) describe a field that is tensorial in some
colours and local in the others. The flow engine can represent such a theory (colours with role
"local" and "pairing"), but none of the networks here produces one at first order (the CP layer ties
all colours together; a block Gauss-net is all-local or paired alike in every colour), so it is not one
of the compared readings. The fit of all classes together, the ``reference`` model "full", is
reported beside the readings: it says how much of G4c the first-order basis describes at all, and its
mixed couplings should be consistent with zero.

Selection. Monte Carlo: among the readings whose p-value is at least ``alpha``, the one with the
fewest classes (the most economical claim the data allow), AIC = chi^2 + 2 K breaking ties; when none
passes, the smallest AIC, flagged (``selected_fits`` False). AIC alone is not used to choose between
passing readings: with a covariance estimated from G groups the chi^2 differences of nested fits have
a heavier tail than chi^2(Delta K), and AIC then prefers the larger model too often (docs/readings.md
has the numbers). Exact oracle: a reading fits when its relative residual is at most ``exact_rtol``;
among those the one with the fewest classes; when none fits, the smallest relative residual, flagged.

Couplings are reported by class name with their standard errors (0 for an exact fit), the exact value
where the first-order action is known (:func:`tensornn.readings.exact_couplings`, else None), and the
share of G4c the class carries, (-lambda_V A_V . y) / |y|^2 (the shares of a good fit add up to about 1).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from .._frames import repr_html, to_frame
from .._checks import check_choice, check_real
from .._deprecate import renamed
from ..errors import InvalidArgumentError, InvalidTypeError
from .classes import QuarticPatternClass, quartic_classes
from .design import (
    DEFAULT_MAX_CONDITION,
    QuadrupleDesign,
    check_design,
    condition_number,
    quadruple_design,
)
from .gls import LinearFit, exact_fit, monte_carlo_fit
from .measure import DEFAULT_N_GROUPS, DEFAULT_N_NETWORKS, measure_four_point
from .oracles import exact_couplings, exact_four_point, has_oracle
from .patterns import amputation_patterns, pattern_space

__all__ = ["READINGS", "REFERENCE_MODEL", "Coupling", "ReadingFit", "ReadingsResult", "reading_classes",
           "fit_readings", "read_network", "METHODS"]

#: The readings and what each claims.
READINGS = {
    "scalar": "every colour local: the local phi^4 vertex",
    "vector": "every colour paired alike: the double trace (O(n) vector model)",
    "tensor": "the quartic bubbles: double trace, pillows, tetrahedron, ...",
}
#: The name of the model with every class (not a reading: a reference for the basis as a whole).
REFERENCE_MODEL = "full"
#: How G4c is obtained: "auto" (exact when an oracle exists), "exact" or "monte-carlo".
METHODS = ("auto", "exact", "monte-carlo")


def reading_classes(reading: str, classes) -> tuple[QuarticPatternClass, ...]:
    """The classes of ``reading`` ("scalar", "vector", "tensor" or "full") among ``classes``."""
    check_choice("reading", reading, (*READINGS, REFERENCE_MODEL))
    classes = tuple(classes)
    if reading == "scalar":
        out = tuple(c for c in classes if c.kind == "local")
    elif reading == "vector":
        out = tuple(c for c in classes if c.kind == "bubble" and len(c.blocks) == 1)
    elif reading == "tensor":
        out = tuple(c for c in classes if c.kind == "bubble")
    else:
        out = classes
    if not out:
        raise InvalidArgumentError(f"no class of the {reading} reading among {[c.name for c in classes]}")
    return out


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
    """

    value: float
    error: float
    exact: float | None
    share: float

    @property
    def pull(self) -> float | None:
        """(value - exact) / error, or None without an exact value or an error."""
        if self.exact is None or not self.error > 0:
            return None
        return (self.value - self.exact) / self.error

    def to_dict(self) -> dict:
        return {"value": self.value, "error": self.error, "exact": self.exact, "share": self.share}


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

    @property
    def chi2_per_dof(self) -> float:
        return self.chi2 / self.dof if self.dof > 0 else math.nan

    def summary(self) -> dict:
        """{chi2, dof, p_value, aic, relative_residual, fits}: the numbers a verdict needs."""
        return {"chi2": self.chi2, "dof": self.dof, "p_value": self.p_value, "aic": self.aic,
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
            quality = f"chi2/dof = {self.chi2:.4g}/{self.dof}, p = {self.p_value:.3g}, AIC = {self.aic:.4g}"
        return f"ReadingFit({self.reading!r}, {self.status}: {quality})"


def _reading_fit(name, classes, matrix, values, linear: LinearFit, exact, alpha, exact_rtol, kappa) -> ReadingFit:
    norm2 = float(values @ values)
    couplings = {}
    for k, c in enumerate(classes):
        value = -float(linear.coefficients[k])
        contribution = -value * matrix[:, k]
        couplings[c.name] = Coupling(value, float(linear.error[k]),
                                     None if exact is None else exact.get(c.name),
                                     float(contribution @ values / norm2) if norm2 > 0 else math.nan)
    if linear.reference == "none":
        fits = linear.relative_residual <= exact_rtol
        message = (f"exact G4c; relative residual {linear.relative_residual:.3g} "
                   f"({'<=' if fits else '>'} exact_rtol={exact_rtol:g})")
    else:
        fits = linear.p_value >= alpha
        message = (f"chi2/dof = {linear.chi2:.4g}/{linear.dof}, p = {linear.p_value:.3g} "
                   f"({'>=' if fits else '<'} alpha={alpha:g}; {linear.reference} reference, "
                   f"shrinkage {linear.shrinkage:.3g})")
    return ReadingFit(name, tuple(c.name for c in classes), couplings, linear.chi2, linear.dof, linear.p_value,
                      linear.aic, linear.relative_residual, kappa, linear.shrinkage, linear.reference, fits,
                      linear.fitted, linear.residuals, np.asarray(linear.covariance, dtype=float),
                      "fits" if fits else "fails", message)


@dataclass(frozen=True)
class ReadingsResult:
    """Every reading of one network's G4c on one design, and the reading the data select.

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
    selected : str or None
    selected_fits : bool
    alpha, exact_rtol : float
    n_networks, n_groups : int or None
    seed : int or None
    timings : dict
        Seconds spent measuring and fitting.
    success : bool
        False when the measurement overflowed (then readings is empty).
    status : str
        "ok", "no reading fits" or "overflow".
    message : str
    """

    network: str
    space: str
    method: str
    design: QuadrupleDesign
    values: np.ndarray
    error: np.ndarray | None
    readings: dict
    reference_fit: ReadingFit | None
    selected: str | None
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

    def verdict(self) -> dict:
        """{network, selected, selected_fits, readings: {NAME: {chi2, dof, p_value, aic, relative_residual, fits}}}."""
        return {"network": self.network, "selected": self.selected, "selected_fits": self.selected_fits,
                "method": self.method,
                "readings": {name: fit.summary() for name, fit in self.readings.items()}}

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
                quality = (f"chi2/dof {fit.chi2:9.4g}/{fit.dof:<3d} p {fit.p_value:9.3g}  AIC {fit.aic:9.4g}  "
                           f"rel. residual {fit.relative_residual:.3g}")
            lines.append(f" {mark}{fit.reading:<7} {fit.status:<16} {quality}  (kappa {fit.condition_number:.3g})")
        lines.append(f"  selected: {self.selected}" + ("" if self.selected_fits else " (no reading fits)"))
        if self.selected is not None:
            for name, c in self.readings[self.selected].couplings.items():
                exact = "" if c.exact is None else f"  exact {c.exact:.6g}"
                lines.append(f"    {name:<28} {c.value: .6g} +- {c.error:.2g}{exact}  share {c.share:.3g}")
        return "\n".join(lines)

    def __repr__(self):
        return (f"ReadingsResult({self.network}, method={self.method!r}, selected={self.selected!r}, "
                f"status={self.status!r})")


def _select(readings: dict, method: str) -> tuple[str | None, bool]:
    if not readings:
        return None, False
    passing = [f for f in readings.values() if f.fits]
    if method == "exact":
        if passing:
            return min(passing, key=lambda f: (len(f.classes), f.relative_residual)).reading, True
        return min(readings.values(), key=lambda f: f.relative_residual).reading, False
    if passing:
        return min(passing, key=lambda f: (len(f.classes), f.aic)).reading, True
    return min(readings.values(), key=lambda f: f.aic).reading, False


def fit_readings(values, matrix, classes, *, measurement=None, readings=tuple(READINGS), reference: bool = True,
                 exact=None, alpha: float = 0.01, exact_rtol: float = 1e-8,
                 max_condition: float = DEFAULT_MAX_CONDITION, shrinkage="auto") -> tuple[dict, ReadingFit | None]:
    """Fit G4c values on the classes of each reading.

    Parameters
    ----------
    values : array, shape (Q,)
        G4c at the quadruples (exact, or the Monte-Carlo values of ``measurement``).
    matrix : array, shape (Q, K)
        Patterns of all ``classes`` at the quadruples (:func:`amputation_patterns`).
    classes : sequence of QuarticPatternClass
    measurement : FourPointMeasurement, optional
        Monte-Carlo data (with group sums); None means the values are exact.
    readings : sequence of str
        Among "scalar", "vector", "tensor".
    reference : bool
        Also fit all classes together (the "full" reference model; a degenerate design only marks it
        "not identifiable").
    exact : dict, optional
        {class name: exact coupling}.
    alpha : float
        Monte-Carlo readings fit when p >= alpha.
    exact_rtol : float
        Exact readings fit when the relative residual is at most this.
    max_condition : float
        Refuse a reading whose design matrix has a larger condition number.
    shrinkage : "auto" or float
        See :func:`tensornn.readings.monte_carlo_fit`.

    Returns
    -------
    readings : dict
        {name: ReadingFit}.
    reference : ReadingFit or None

    Raises
    ------
    InvalidArgumentError
        A reading's design does not separate its classes (the message says what to change).
    """
    y = np.asarray(values, dtype=float)
    a = np.asarray(matrix, dtype=float)
    classes = tuple(classes)
    alpha = check_real("alpha", alpha, minimum=0.0, maximum=1.0)
    exact_rtol = check_real("exact_rtol", exact_rtol, positive=True)
    if a.shape != (len(y), len(classes)):
        raise InvalidArgumentError(f"matrix must have shape (Q, K) = ({len(y)}, {len(classes)}), got {a.shape}")
    readings = tuple(readings)
    for r in readings:
        check_choice("reading", r, tuple(READINGS))
    names = [c.name for c in classes]

    def fit_one(name, strict):
        subset = reading_classes(name, classes)
        idx = [names.index(c.name) for c in subset]
        sub = a[:, idx]
        if strict:
            kappa = check_design(sub, [c.name for c in subset], max_condition=max_condition,
                                 what=f"the design of the {name} reading")
        else:
            kappa = condition_number(sub)
            if not kappa <= max_condition or sub.shape[0] <= sub.shape[1]:
                nan = math.nan
                empty = np.full(len(y), nan)
                return ReadingFit(name, tuple(c.name for c in subset), {}, nan, len(y) - len(idx), nan, nan, nan,
                                  kappa, 0.0, "none", False, empty, empty, np.full((len(idx), len(idx)), nan),
                                  "not identifiable",
                                  f"the design does not separate all {len(idx)} classes (condition number "
                                  f"{kappa:.3g} > {max_condition:g}, or too few quadruples)")
        linear = exact_fit(y, sub) if measurement is None else monte_carlo_fit(measurement, sub, shrinkage=shrinkage)
        return _reading_fit(name, subset, sub, y, linear, exact, alpha, exact_rtol, kappa)

    fits = {name: fit_one(name, True) for name in readings}
    return fits, (fit_one(REFERENCE_MODEL, False) if reference else None)


def read_network(network, data=None, *, design: QuadrupleDesign | None = None, method: str = "auto",
                 n_networks: int = DEFAULT_N_NETWORKS, n_groups: int = DEFAULT_N_GROUPS, seed=0,
                 n_points: int = 10, n_quadruples: int = 40, repeated: float = 0.5, readings=tuple(READINGS),
                 reference: bool = True, colour_symmetric: bool = False, alpha: float = 0.01,
                 exact_rtol: float = 1e-8, max_condition: float = DEFAULT_MAX_CONDITION, shrinkage="auto",
                 executor=None) -> ReadingsResult:
    """Measure a network's G4c on a design from the data and fit every reading.

    Parameters
    ----------
    network : StructuredNetwork, BlockGaussNetwork or ScalarNetwork("gauss")
        Any network with amputation patterns (:func:`tensornn.readings.pattern_space`).
    data : TensorData or array, optional
        The data the design picks its points from (inputs of the network's shape); not needed when
        ``design`` is given.
    design : QuadrupleDesign, optional
        Default :func:`quadruple_design` (data, n_points, n_quadruples, repeated, seed).
    method : {"auto", "exact", "monte-carlo"}
        "auto" uses the exact G4c when the network has an oracle, else Monte Carlo.
    n_networks, n_groups : int
        Monte-Carlo ensemble size and jackknife groups (defaults 2^17 and 128).
    seed : int
        Seeds the design (when it is made here) and the ensemble.
    readings : sequence of str
    reference : bool
        Also fit the reference model with every class.
    colour_symmetric : bool
        Merge classes related by permuting the colours (when the law allows it).
    alpha, exact_rtol, max_condition, shrinkage
        As :func:`fit_readings`.
    executor : concurrent.futures.Executor, optional

    Returns
    -------
    ReadingsResult

    Examples
    --------
    >>> from tensornn.data import synthetic_kronecker
    >>> from tensornn.networks import StructuredNetwork
    >>> data = synthetic_kronecker((2, 2, 2), 200, seed=0)
    >>> result = read_network(StructuredNetwork((2, 2, 2), cp_rank=1, width=4), data, n_quadruples=24)
    >>> result.method, result.selected
    ('exact', 'tensor')
    """
    method = check_choice("method", method, METHODS)
    space = pattern_space(network)
    if design is None:
        if data is None:
            raise InvalidArgumentError("pass the data (to draw a design from) or a design")
        design = quadruple_design(data, n_points=n_points, n_quadruples=n_quadruples, repeated=repeated, seed=seed)
    elif not isinstance(design, QuadrupleDesign):
        raise InvalidTypeError(f"design must be a QuadrupleDesign, got {type(design).__name__}")
    inputs = network.check_inputs(design.inputs)
    classes = quartic_classes(space.order, colour_symmetric=colour_symmetric)
    matrix = amputation_patterns(space, classes, inputs, design.quadruples)
    use_exact = method == "exact" or (method == "auto" and has_oracle(network))
    if method == "exact" and not has_oracle(network):
        raise InvalidArgumentError(f"{type(network).__name__} {network!r} has no exact G4c; use method='monte-carlo'")
    seed_value = int(seed) if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool) else None
    start = time.perf_counter()
    if use_exact:
        exact = exact_four_point(network, inputs, design.quadruples)
        if exact is None:
            raise InvalidArgumentError(f"{type(network).__name__} {network!r} has no exact G4c; use method='monte-carlo'")
        values, measurement, errors = exact, None, None
        n_networks_used, n_groups_used = None, None
    else:
        measurement = measure_four_point(network, design, n_networks, seed=seed, n_groups=n_groups,
                                         executor=executor)
        values, errors = measurement.values, measurement.errors
        n_networks_used, n_groups_used = measurement.n_networks, measurement.n_groups
    measured = time.perf_counter()
    common = dict(network=repr(network), space=space.kind, method="exact" if use_exact else "monte-carlo",
                  design=design, values=np.asarray(values, dtype=float), error=errors, alpha=alpha,
                  exact_rtol=exact_rtol, n_networks=n_networks_used, n_groups=n_groups_used, seed=seed_value)
    if not np.all(np.isfinite(values)):
        return ReadingsResult(readings={}, reference_fit=None, selected=None, selected_fits=False,
                              timings={"measure": measured - start, "fit": 0.0}, success=False, status="overflow",
                              message="the measured G4c is not finite: the network outputs overflowed float64; "
                                      "use smaller inputs or weight scales", **common)
    fits, ref = fit_readings(values, matrix, classes, measurement=measurement, readings=readings, reference=reference,
                             exact=exact_couplings(network, classes), alpha=alpha, exact_rtol=exact_rtol,
                             max_condition=max_condition, shrinkage=shrinkage)
    selected, ok = _select(fits, common["method"])
    timings = {"measure": measured - start, "fit": time.perf_counter() - measured}
    status = "ok" if ok else "no reading fits"
    message = f"selected {selected!r}" + ("" if ok else " (no reading passes; the closest is shown)")
    return ReadingsResult(readings=fits, reference_fit=ref, selected=selected, selected_fits=ok, timings=timings,
                          status=status, message=message, **common)

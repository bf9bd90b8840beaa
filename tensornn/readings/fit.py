"""Fit a network's G4c on the quartic classes of each reading and give the data's verdict.

A reading is a claim about the connected 4-point function: G4c = -sum_V lambda_V A_V with V running
over a set of classes (:mod:`tensornn.readings.classes`, patterns in :mod:`tensornn.readings.patterns`).
The readings are registered objects (:mod:`tensornn.readings.registry`):

- "scalar": every colour local, the local phi^4 vertex alone (class "local");
- "vector": every colour pairs along the same pi, the double trace alone (the O(n) vector model of the
  flattened field);
- "tensor": the quartic bubbles, pi_c not all equal (pillows, the tetrahedron, ... for general d) plus
  the double trace.

Mixed classes (some colours local, the others paired) describe a field that is tensorial in some
colours and local in the others. None of the networks here produces one at first order (the CP layer ties
all colours together; a block Gauss-net is all-local or paired alike in every colour), so it is not one
of the compared readings. The fit of all classes together, the ``reference`` model "full", is
reported beside the readings: it says how much of G4c the first-order basis describes at all, and the
nested test of the classes it adds is part of the verdict.

Verdict (:mod:`tensornn.readings.verdict`). Monte Carlo: the smallest reading not rejected by the nested test
of the classes the next larger model adds (Rao's F under Hotelling's T^2), required by the test against the
model below it, with enough power against the next larger reading and a passing goodness of fit; otherwise
"undetermined" (the run cannot tell the readings apart: with its power, the coupling size it resolves and the
networks that would resolve it) or "none" (no reading fits, or G4c is not estimable: :mod:`~.moments`).
Exact oracle: a reading fits when its relative residual is at most ``exact_rtol``; the smallest one that fits.

Couplings are reported by class name with their standard errors (0 for an exact fit), whether each is
individually significant at ``alpha``, the exact value where the first-order action is known
(:func:`tensornn.readings.exact_couplings`, else None), and the share of G4c the class carries,
(-lambda_V A_V . y) / |y|^2 (the shares of a good fit add up to about 1).
"""

from __future__ import annotations

import math
import time

import numpy as np
from scipy import stats

from .._checks import check_choice, check_real
from ..errors import InvalidArgumentError, InvalidTypeError
from .classes import quartic_classes
from .design import (
    DEFAULT_MAX_CONDITION,
    QuadrupleDesign,
    check_design,
    condition_number,
    quadruple_design,
)
from .gls import LinearFit, exact_fit, fit_covariance, monte_carlo_fit
from .measure import DEFAULT_N_GROUPS, DEFAULT_N_NETWORKS, measure_four_point
from .moments import moment_check
from .oracles import exact_couplings, exact_four_point, has_oracle
from .patterns import amputation_patterns, pattern_space
from .registry import READINGS, REFERENCE_MODEL, reading_classes, reading_names
from .result import Coupling, ReadingFit, ReadingsResult
from .verdict import NONE, UNDETERMINED, Verdict, decide, decide_exact

__all__ = ["READINGS", "REFERENCE_MODEL", "Coupling", "ReadingFit", "ReadingsResult", "reading_classes",
           "fit_readings", "read_network", "METHODS"]

#: How G4c is obtained: "auto" (exact when an oracle exists), "exact" or "monte-carlo".
METHODS = ("auto", "exact", "monte-carlo")


def _reading_fit(name, classes, matrix, values, linear: LinearFit, exact, alpha, exact_rtol, kappa) -> ReadingFit:
    norm2 = float(values @ values)
    couplings = {}
    z_alpha = float(stats.norm.isf(alpha / 2)) if alpha > 0 else math.inf
    for k, c in enumerate(classes):
        value = -float(linear.coefficients[k])
        error = float(linear.error[k])
        contribution = -value * matrix[:, k]
        couplings[c.name] = Coupling(value, error, None if exact is None else exact.get(c.name),
                                     float(contribution @ values / norm2) if norm2 > 0 else math.nan,
                                     None if linear.reference == "none" else bool(abs(value) > z_alpha * error))
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
                      "fits" if fits else "fails", message, linear.expected_chi2,
                      None if linear.n_groups is None else linear.n_groups - 1)


def fit_readings(values, matrix, classes, *, measurement=None, readings=None, reference: bool = True,
                 exact=None, alpha: float = 0.01, exact_rtol: float = 1e-8,
                 max_condition: float = DEFAULT_MAX_CONDITION, shrinkage="auto",
                 space: str | None = None) -> tuple[dict, ReadingFit | None]:
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
    readings : sequence of str, optional
        Registered reading names (:func:`tensornn.readings.reading_names`); default all.
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
    space : str, optional
        The kind of the pattern space ("index", "gauss", "kernel"), for readings whose classes depend on it.

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
    readings = reading_names() if readings is None else tuple(readings)
    for r in readings:
        check_choice("reading", r, reading_names())
    names = [c.name for c in classes]

    def fit_one(name, strict):
        subset = reading_classes(name, classes, space)
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
                 n_points: int = 10, n_quadruples: int = 40, repeated: float = 0.5, readings=None,
                 reference: bool = True, colour_symmetric: bool = False, alpha: float = 0.01,
                 exact_rtol: float = 1e-8, max_condition: float = DEFAULT_MAX_CONDITION, shrinkage="auto",
                 executor=None, estimator: str = "auto", symmetry=None, effect: float = 0.5, power: float = 0.8,
                 max_residual: float = 0.5) -> ReadingsResult:
    """Measure a network's G4c on a design from the data, fit every reading and give the verdict.

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
    readings : sequence of str, optional
        Registered reading names; default all (:func:`tensornn.readings.reading_names`).
    reference : bool
        Also fit the reference model with every class (its nested test is part of the verdict).
    colour_symmetric : bool
        Merge classes related by permuting the colours (when the law allows it).
    alpha, exact_rtol, max_condition, shrinkage
        As :func:`fit_readings`.
    executor : concurrent.futures.Executor, optional
    estimator : {"auto", "conditional", "outputs"}
        How G4c is estimated (:func:`tensornn.readings.measure.measure_four_point`; "auto": the read-out
        integrated given the hidden layer wherever the network allows it).
    symmetry : SymmetryTest, optional
        A symmetry test of the same network (:func:`tensornn.readings.symmetry.symmetry_test`, or anything with
        ``invariant``): when ``invariant`` is True a reading whose classes break O(n) (pillows, tetrahedron) cannot
        be the verdict; when False an O(n)-invariant reading cannot.
    effect, power : float
        The verdict's reference coupling size (a fraction of the smaller reading's largest coupling) and the power
        a nested test needs at that size before "not rejected" selects the smaller reading
        (:mod:`tensornn.readings.verdict`).
    max_residual : float
        The relative residual above which the selected basis describes too little of G4c (verdict "none").

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
    >>> result.decision.selected, result.decision.p_value  # exact G4c: no test, no p-value
    ('tensor', None)
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
                                         executor=executor, estimator=estimator)
        values, errors = measurement.values, measurement.error
        n_networks_used, n_groups_used = measurement.n_networks, measurement.n_groups
    measured = time.perf_counter()
    common = dict(network=repr(network), space=space.kind, method="exact" if use_exact else "monte-carlo",
                  design=design, values=np.asarray(values, dtype=float), error=errors, alpha=alpha,
                  exact_rtol=exact_rtol, n_networks=n_networks_used, n_groups=n_groups_used, seed=seed_value)
    if not np.all(np.isfinite(values)):
        decision = Verdict(NONE, "the measured G4c is not finite: the network outputs overflowed float64", alpha=alpha)
        return ReadingsResult(readings={}, reference_fit=None, selected=NONE, selected_fits=False,
                              timings={"measure": measured - start, "fit": 0.0}, success=False, status="overflow",
                              message="the measured G4c is not finite: the network outputs overflowed float64; "
                                      "use smaller inputs or weight scales", decision=decision, symmetry=symmetry,
                              **common)
    effect = check_real("effect", effect, positive=True)
    power = check_real("power", power, positive=True, maximum=1.0)
    max_residual = check_real("max_residual", max_residual, positive=True)
    fits, ref = fit_readings(values, matrix, classes, measurement=measurement, readings=readings, reference=reference,
                             exact=exact_couplings(network, classes), alpha=alpha, exact_rtol=exact_rtol,
                             max_condition=max_condition, shrinkage=shrinkage, space=space.kind)
    by_name = {c.name: c for c in classes}
    moments = None
    if measurement is None:
        decision = decide_exact(fits, alpha=alpha, symmetry=symmetry, classes_by_name=by_name, space=space.kind)
    else:
        moments = moment_check(measurement)
        y, covariance, intensity = fit_covariance(measurement, shrinkage=shrinkage)
        decision = decide(fits, ref, values=y, matrix=matrix, class_names=[c.name for c in classes],
                          covariance=covariance, n_groups=measurement.n_groups, shrinkage=intensity,
                          n_networks=measurement.n_networks, alpha=alpha, effect=effect, power=power,
                          max_residual=max_residual, moments=moments, symmetry=symmetry, classes_by_name=by_name,
                          space=space.kind)
    timings = {"measure": measured - start, "fit": time.perf_counter() - measured}
    selected = decision.selected
    ok = selected in fits and fits[selected].fits
    if selected == UNDETERMINED:
        status = "undetermined"
    elif selected != NONE:
        status = "ok"
    elif moments is not None and not moments.estimable:
        status = "moments"
    else:
        status = "no reading fits"
    message = f"verdict {selected!r}: {decision.reason}"
    return ReadingsResult(readings=fits, reference_fit=ref, selected=selected, selected_fits=ok, timings=timings,
                          status=status, message=message, decision=decision, moments=moments, symmetry=symmetry,
                          measurement=measurement, **common)

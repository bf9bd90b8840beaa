"""Run a comparison: the data, the readings each network's G4c selects, and the flows of every reading.

Stages (each timed, in ``CompareResult.timings``):

1. ``data``: load the data (:func:`tensornn.data.load_data`), its full and per-colour spectra and its
   distance from a Kronecker product (:func:`tensornn.data.summarise_data`);
2. ``fit <network>``: measure the network's G4c on a design drawn from the data and fit every reading
   (:func:`tensornn.readings.read_network`; the same design for the networks that read the same inputs);
3. ``fixed points``: the continuum idealisation of every reading (searched once per distinct theory);
4. ``flows``: every reading's trajectory from its fitted couplings with the error band, and from the exact
   couplings where the network has them (:mod:`tensornn.compare.flows`).

The selected reading is the one the report leads with; the others are still run and flagged.
"""

from __future__ import annotations

import importlib
import sys
import time

import numpy as np

from .._random import child_seed
from ..data.catalogue import load_data
from ..data.summary import summarise_data
from ..errors import InvalidArgumentError, InvalidTypeError
from ..readings.design import quadruple_design
from ..readings.fit import read_network
from ..readings.patterns import pattern_space
from ..readings.result import ReadingsResult
from ..readings.verdict import NONE, Verdict
from .config import CompareConfig
from .flows import reading_flow
from .idealisation import idealisation
from .networks import compared_networks
from .result import CompareResult, NetworkResult
from .theories import reading_theories

__all__ = ["run_compare"]


def _prediction(network) -> str | None:
    """The model's own sentence about its readings (``reading_prediction``, optional in the model contract)."""
    predict = getattr(network, "reading_prediction", None)
    return None if predict is None else predict()


def _refused(item, design, config, symmetry) -> ReadingsResult:
    """The readings of a network no reading applies to: no measurement, the verdict "none" with the reason."""
    reason = item.refusal or "no reading applies to this network"
    return ReadingsResult(network=repr(item.network), space="none", method=config.method, design=design,
                          values=np.full(design.n_quadruples, np.nan), error=None, readings={}, reference_fit=None,
                          selected=NONE, selected_fits=False, alpha=config.alpha, exact_rtol=0.0, n_networks=None,
                          n_groups=None, seed=None, success=False, status="refused", message=reason,
                          decision=Verdict(NONE, reason, alpha=config.alpha), symmetry=symmetry)


def _symmetry(network, design, config, index, executor, timings, label):
    """The model-free O(n) symmetry test of the network's G4c (:func:`tensornn.readings.symmetry.symmetry_test`),
    or None where the package has none, the method is exact, or the network cannot be rotated."""
    if config.method == "exact":
        return None
    try:  # the symmetry test arrives with tensornn.readings.symmetry
        symmetry_test = importlib.import_module("tensornn.readings.symmetry").symmetry_test
    except (ImportError, AttributeError):
        return None
    t0 = time.perf_counter()
    try:
        out = symmetry_test(network, design, n_networks=config.n_networks,
                            seed=child_seed(config.seed, 3, index) % 2**32, executor=executor)
    except InvalidArgumentError:  # a network (or design) the test does not apply to
        return None
    timings[f"symmetry {label}"] = time.perf_counter() - t0
    return out


def _say(progress, text):
    if progress:
        print(f"tensornn compare: {text}", file=sys.stderr, flush=True)


def run_compare(config: CompareConfig | None = None, *, executor=None, progress: bool = False) -> CompareResult:
    """Run the comparison of :class:`CompareConfig` ``config`` (default: the default comparison).

    Parameters
    ----------
    config : CompareConfig, optional
    executor : concurrent.futures.Executor, optional
        Passed to the ensemble sampler (the numbers do not depend on it).
    progress : bool
        Print one line per stage to stderr.

    Returns
    -------
    CompareResult

    Examples
    --------
    >>> cfg = CompareConfig(method="exact", networks=("cp",), flow_points=20, fixed_point_starts=2)
    >>> run_compare(cfg).networks[0].selected
    'tensor'
    """
    config = CompareConfig() if config is None else config
    if not isinstance(config, CompareConfig):
        raise InvalidTypeError(f"config must be a CompareConfig, got {type(config).__name__}")
    start = time.perf_counter()
    timings: dict = {}
    t0 = time.perf_counter()
    _say(progress, f"data: {config.data}")
    data = load_data(config.data, seed=config.data_seed)
    summary = summarise_data(data)
    timings["data"] = time.perf_counter() - t0
    designs: dict = {}
    cache: dict = {}
    results: list = []
    for i, item in enumerate(compared_networks(config, data)):
        t0 = time.perf_counter()
        key = item.data.name
        if key not in designs:
            designs[key] = quadruple_design(item.data, n_points=config.n_points, n_quadruples=config.n_quadruples,
                                            seed=config.seed)
        _say(progress, f"{item.label}: G4c on {designs[key].n_quadruples} quadruples"
             + ("" if config.method == "exact" else f" from {config.n_networks} networks") + ", fitting the readings")
        symmetry = _symmetry(item.network, designs[key], config, i, executor, timings, item.label)
        if item.refusal is not None:  # no reading applies: the reason, the symmetry test, no flows
            results.append(NetworkResult(item.label, item.description, repr(item.network),
                                         _refused(item, designs[key], config, symmetry), {}, item.mass_exponent,
                                         _prediction(item.network), symmetry))
            _say(progress, f"{item.label}: refused ({item.refusal})")
            continue
        t0 = time.perf_counter()
        extra = {} if symmetry is None else {"symmetry": symmetry}
        readings = read_network(item.network, design=designs[key], method=config.method,
                                n_networks=config.n_networks, n_groups=config.n_groups,
                                seed=child_seed(config.seed, 1, i), alpha=config.alpha, executor=executor, **extra)
        timings[f"fit {item.label}"] = time.perf_counter() - t0
        flows: dict = {}
        no_flow: dict = {}
        if readings.success:
            theories = reading_theories(item.network, pattern_space(item.network), summary.spectra,
                                        anomalous_dimension=config.anomalous_dimension)
            t0 = time.perf_counter()
            for theory in theories.values():  # every scheme of every idealisation, searched once per theory
                idealisation(theory, config, None, cache)
            timings["fixed points"] = timings.get("fixed points", 0.0) + time.perf_counter() - t0
            t0 = time.perf_counter()
            _say(progress, f"{item.label}: flows of the {', '.join(readings.readings)} readings")
            for name, fit in readings.readings.items():
                if fit.status == "not identifiable":
                    continue
                missing = [c for c in fit.couplings if c not in theories[name].coupling_names]
                if missing:  # e.g. the hidden-unit contact beside the double trace of a nonlinear layer's kernel
                    no_flow[name] = (f"the flow engine has no theory with its classes {', '.join(fit.couplings)} "
                                     f"together (its {name} theory carries {', '.join(theories[name].coupling_names)})")
                    continue
                exact = {k: c.exact for k, c in fit.couplings.items()}
                flows[name] = reading_flow(theories[name], fit, config, exponent=item.mass_exponent,
                                           exact=exact if all(v is not None for v in exact.values()) else None,
                                           selected=name == readings.selected, cache=cache,
                                           seed=child_seed(config.seed, 2, i))
            timings["flows"] = timings.get("flows", 0.0) + time.perf_counter() - t0
        results.append(NetworkResult(item.label, item.description, repr(item.network), readings, flows,
                                     item.mass_exponent, _prediction(item.network), symmetry, no_flow))
        _say(progress, f"{item.label}: selected {readings.selected!r} ({readings.status})")
    return CompareResult(config, summary, tuple(results), timings, time.perf_counter() - start)

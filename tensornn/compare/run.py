"""Run a tensor/scalar comparison: IR data, both readings' flows and fixed points, the side results.

Stages (each timed, in ``CompareResult.timings``): ``ir_data`` (Monte Carlo of u4 per width, with the
exact value), ``derive`` (both flows), ``fixed_points``, ``trajectories``, ``active_passive``
(:func:`tensornn.rg_experiment.active_passive_experiment` at d_in, if available), ``bubble_content``
(:func:`tensornn.structured.quartic_content` of the CP reading of the same input shape).
"""

from __future__ import annotations

import math
import sys
import time
from dataclasses import dataclass, field

import numpy as np

from .._json import finite
from .._random import child_seed
from ..couplings.normalisation import sigma_w_of_mass
from ..errors import InvalidTypeError
from ..flow.fixed_points import find_fixed_points
from ..flow.trajectory import run_from_ir
from ..report import metadata
from ..rg.experiment import active_passive_experiment
from ..structured.content import quartic_content
from .config import CompareConfig
from .readings import IRData, block_normalisation, measure_ir_data, reading_flow, scalar_theory, tensor_theory

__all__ = ["ReadingResult", "CompareResult", "run_compare", "analyse_reading"]


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


@dataclass(frozen=True)
class ReadingResult:
    """One reading: its theory, canonical dimensions, fixed points and a trajectory per width."""

    name: str
    description: str
    names: tuple
    n_legs: tuple
    dimensions: tuple
    loop_dimension: float
    autonomous: bool
    equations: str
    fixed_points: tuple          # dicts (FixedPoint.to_dict), physical ones first
    fixed_point_message: str
    trajectories: tuple          # dicts, one per width and IR source (config.ir_source first, then exact)

    def to_dict(self) -> dict:
        return {"name": self.name, "description": self.description, "couplings": list(self.names),
                "n_legs": list(self.n_legs),
                "canonical_dimensions": {n: finite(v) for n, v in zip(self.names, self.dimensions)},
                "loop_dimension": finite(self.loop_dimension), "autonomous": self.autonomous,
                "equations": self.equations, "fixed_points": list(self.fixed_points),
                "fixed_point_message": self.fixed_point_message, "trajectories": list(self.trajectories)}

    def non_gaussian(self) -> dict | None:
        """The valid fixed point with a nonzero quartic coupling and the fewest relevant directions."""
        quartic = [i for i, n in enumerate(self.n_legs) if n == 4]
        cands = [fp for fp in self.fixed_points
                 if fp["valid"] and any(abs(list(fp["couplings"].values())[i] or 0.0) > 1e-8 for i in quartic)]
        return min(cands, key=lambda fp: (fp["n_relevant"], -(fp["nu"] or 0.0))) if cands else None

    def __repr__(self):
        ng = self.non_gaussian()
        ngs = "none" if ng is None else f"eta={ng['eta']:.4g}, nu={ng['nu']}, relevant={ng['n_relevant']}"
        status = ", ".join(t["status"] for t in self.trajectories)
        return (f"ReadingResult({self.name!r}, couplings={self.names}, dimensions={self.dimensions}, "
                f"fixed points={len(self.fixed_points)} (non-Gaussian: {ngs}), trajectories: {status})")


def _trajectory(flow, d_in, ir: IRData, config, u4, source) -> dict:
    m0 = math.sqrt(ir.mass2)
    traj = run_from_ir(flow, {2: ir.mass2, 4: u4, 6: ir.u6}, k_ir=config.k_ir_ratio * m0,
                       k_uv=config.k_uv_ratio * m0, unit=m0 if flow.autonomous else None,
                       n_points=config.n_points, rtol=1e-9, atol=1e-14, source=source)
    u2 = traj.potential(2)
    return {
        "width": ir.width, **traj.to_dict(), "m0": m0, "u2": u2.tolist(), "u4": traj.potential(4).tolist(),
        "sigma_w": [finite(v) for v in sigma_w_of_mass(u2, d_in)],
        "final": {n: finite(traj.couplings[i, -1]) for i, n in enumerate(traj.names)},
    }


def analyse_reading(name, theory, config: CompareConfig, irs, *, anomalous_dimension=False, seed=0,
                    timings=None) -> ReadingResult:
    """Derive a reading's flow, find its fixed points (autonomous flows only) and run one trajectory per width."""
    timings = {} if timings is None else timings
    t0 = time.perf_counter()
    flow = reading_flow(theory, anomalous_dimension=anomalous_dimension)
    timings["derive"] = timings.get("derive", 0.0) + time.perf_counter() - t0
    t0 = time.perf_counter()
    if flow.autonomous:
        search = find_fixed_points(flow, n_starts=config.fixed_point_starts, seed=seed, starts=_symmetric_starts(flow))
        fps = sorted((fp.to_dict() for fp in search.fixed_points), key=lambda d: (not d["valid"], d["n_relevant"]))
        message = repr(search).splitlines()[0]
    else:
        fps = []
        message = ("the dimensionless flow is not autonomous (colour blocks of different sizes give threshold sums "
                   "with different powers of k), so it has no fixed points; only trajectories are reported")
    timings["fixed_points"] = timings.get("fixed_points", 0.0) + time.perf_counter() - t0
    t0 = time.perf_counter()
    sources = (config.ir_source,) + (("exact",) if config.ir_source == "measured" else ())
    trajs = tuple(_trajectory(flow, config.d_in, ir, config, ir.u4 if src == "measured" else ir.u4_exact, src)
                  for src in sources for ir in irs)
    timings["trajectories"] = timings.get("trajectories", 0.0) + time.perf_counter() - t0
    colours = ", ".join(f"{c.kind} R^{c.dimension} ({c.role}, scale {c.scale:.6g})" for c in theory.colours)
    desc = (f"real field; colours: {colours}; truncation {', '.join(theory.truncation.names)}; "
            f"projection {flow.projection}; {'LPAprime' if anomalous_dimension else 'LPA'}; Litim regulator")
    return ReadingResult(name=name, description=desc, names=tuple(flow.names), n_legs=tuple(int(n) for n in flow.n_legs),
                         dimensions=tuple(float(v) for v in flow.dimensions), loop_dimension=float(flow.loop_dimension),
                         autonomous=bool(flow.autonomous), equations=flow.equations(), fixed_points=tuple(fps),
                         fixed_point_message=message, trajectories=trajs)


@dataclass(frozen=True, repr=False)
class CompareResult:
    """Everything a comparison computed (see :meth:`to_dict`)."""

    config: CompareConfig
    normalisation: dict
    ir: tuple
    scalar: ReadingResult
    tensor: ReadingResult
    active_passive: dict
    bubble_content: dict
    timings: dict = field(default_factory=dict)
    runtime: float = 0.0
    experiment: object = None    # the ActivePassiveResult, for plotting

    @property
    def success(self) -> bool:
        return all(t["status"] == "completed" for r in (self.scalar, self.tensor) for t in r.trajectories)

    def to_dict(self) -> dict:
        return {"metadata": metadata(self.config.to_dict(), self.config.seed), "normalisation": self.normalisation,
                "ir_data": [ir.to_dict() for ir in self.ir], "scalar_reading": self.scalar.to_dict(),
                "tensor_reading": self.tensor.to_dict(), "active_passive": self.active_passive,
                "bubble_content": self.bubble_content, "timings_s": self.timings, "runtime_s": self.runtime}

    def __repr__(self):
        return "\n".join([f"CompareResult(d_in={self.config.d_in}, blocks={self.config.block_sizes}, "
                          f"{self.runtime:.1f} s)", *(f"  {ir!r}" for ir in self.ir), f"  {self.scalar!r}",
                          f"  {self.tensor!r}"])


def _bubble_content(config) -> dict:
    content = quartic_content(config.n_colours, config.cp_rank)
    return {"order": config.n_colours, "cp_rank": config.cp_rank,
            "classes": [{"name": c.name, "multiplicity": c.multiplicity, "weight": c.weight,
                         "automorphisms": c.bubble.automorphism_count(), "connected": c.bubble.is_connected()}
                        for c in content.classes],
            "total_weight": float(sum(c.weight for c in content.classes))}


def _active_passive(config, seed, executor):
    if not all(s == config.sigma_blocks[0] for s in config.sigma_blocks):
        return {"available": False, "reason": "the active/passive experiment is for the plain Gauss-net "
                "(equal sigma_c); this network has unequal block scales"}, None
    try:
        exp = active_passive_experiment(d_ins=(config.d_in,), widths=config.widths, n_networks=config.active_passive_networks,
                                        seed=seed, u6=config.u6, radii=config.radii, k_ir_ratio=config.k_ir_ratio,
                                        k_uv_ratio=config.k_uv_ratio, executor=executor)
    except (ValueError, TypeError, ArithmeticError) as exc:  # a failed side experiment is reported, not fatal
        return {"available": False, "reason": f"the active/passive experiment failed: {exc}"}, None
    out = {"available": True, **exp.summary, "table": exp.table()}
    return out, exp


def _say(progress, text):
    if progress:
        print(f"tensornn compare: {text}", file=sys.stderr, flush=True)


def run_compare(config: CompareConfig | None = None, *, executor=None, progress: bool = False) -> CompareResult:
    """Run the comparison of :class:`CompareConfig` ``config`` (default: the default network).

    Parameters
    ----------
    config : CompareConfig, optional
    executor : concurrent.futures.Executor, optional
        Passed to the ensemble sampler.
    progress : bool
        Print one line per stage to stderr.

    Returns
    -------
    CompareResult
    """
    config = CompareConfig() if config is None else config
    if not isinstance(config, CompareConfig):
        raise InvalidTypeError(f"config must be a CompareConfig, got {type(config).__name__}")
    start = time.perf_counter()
    timings: dict = {}
    irs = []
    t0 = time.perf_counter()
    for i, w in enumerate(config.widths):
        _say(progress, f"IR data: sampling {config.n_networks} networks of width {w}")
        irs.append(measure_ir_data(config, w, seed=child_seed(config.seed, 0, i), executor=executor))
        _say(progress, f"  {irs[-1]!r}")
    timings["ir_data"] = time.perf_counter() - t0
    _say(progress, "scalar reading: flow, fixed points, trajectories")
    scalar = analyse_reading("scalar", scalar_theory(config), config, irs, anomalous_dimension=False,
                             seed=config.seed, timings=timings)
    _say(progress, "tensor reading: flow, fixed points, trajectories")
    tensor = analyse_reading("tensor", tensor_theory(config), config, irs,
                             anomalous_dimension=config.anomalous_dimension, seed=config.seed, timings=timings)
    t0 = time.perf_counter()
    if config.active_passive:
        _say(progress, f"active/passive experiment ({config.active_passive_networks} networks per point)")
        ap, exp = _active_passive(config, child_seed(config.seed, 1), executor)
    else:
        ap, exp = {"available": False, "reason": "switched off (active_passive = false)"}, None
    timings["active_passive"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    content = _bubble_content(config)
    timings["bubble_content"] = time.perf_counter() - t0
    return CompareResult(config=config, normalisation=block_normalisation(config).to_dict(), ir=tuple(irs), scalar=scalar,
                         tensor=tensor, active_passive=ap, bubble_content=content, timings=timings,
                         runtime=time.perf_counter() - start, experiment=exp)

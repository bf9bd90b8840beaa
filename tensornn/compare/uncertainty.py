"""The fate of a flow whose initial couplings are measured: Monte Carlo over the fit's covariance.

A fitted reading gives couplings lambda with a covariance C. The flow is not linear in lambda (a coupling a few
standard errors away may reach a pole the central value misses), so its uncertainty is propagated by Monte Carlo:
``n_draws`` coupling vectors lambda_i = lambda + L z_i (z_i standard normal, L L^T = C from the eigen-decomposition,
negative eigenvalues of a numerically indefinite C set to zero) are run together with
:func:`tensornn.flow.trajectory.run_from_ir_batch` (one vectorised integration, every member with its own steps,
status and stopping scale). The result (:class:`FlowUncertainty`) says

- what fraction of the draws reaches k_UV, and how the others stop (status counts);
- the distribution of the stopping scale of the draws that stop (quantiles, in units of the infrared mass m);
- the fate the draws share: ``"completes"`` when at least :data:`RESOLVED` of them reach k_UV, ``"stops"`` when at
  least that share stops (then in the stated range of k that holds that share of all draws), else
  ``"undecided"``; a divergence is the network's only when at least :data:`DIVERGES` of the draws diverge;
- quantile bands (:data:`QUANTILES`) of u2(k), u4(k) and sigma_W(k) among the draws that complete, on the common grid
  of scales (a draw that stopped has no value beyond its stop, and sigma_W is never read at a blow-up).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._json import finite
from ..errors import InvalidArgumentError
from ..flow.trajectory import run_from_ir_batch
from .networks import sigma_w_map

__all__ = ["FlowUncertainty", "flow_uncertainty", "coupling_draws", "QUANTILES", "RESOLVED", "DIVERGES",
           "FLOW_METHOD"]

#: Quantiles of the bands: the median, the central 68% and 90%.
QUANTILES = (0.05, 0.16, 0.5, 0.84, 0.95)
#: Share of the draws that must agree for the fate to be resolved.
RESOLVED = 0.9
#: Share of the draws that must diverge for a divergence to be reported as the network's.
DIVERGES = 0.95
#: Quantiles of the stopping scale among the draws that stop.
STOP_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
#: The integration method of every compare flow (vectorised over a batch of draws).
FLOW_METHOD = "RK45"
#: Fewer completed draws than this give no band.
_MIN_BAND = 5


def coupling_draws(values, covariance, n_draws: int, rng: np.random.Generator) -> np.ndarray:
    """``n_draws`` coupling vectors from N(values, covariance), shape (n_draws, K).

    Drawn as values + z (V sqrt(w))^T with z standard normal of shape (n_draws, K) and covariance = V diag(w) V^T
    (w clipped at zero), so a covariance that is singular or slightly indefinite from rounding is accepted.
    """
    values = np.asarray(values, dtype=float).ravel()
    cov = np.asarray(covariance, dtype=float)
    if cov.shape != (values.size, values.size) or not np.all(np.isfinite(cov)):
        raise InvalidArgumentError(f"covariance must be a finite ({values.size}, {values.size}) matrix, got shape "
                                   f"{cov.shape}")
    w, v = np.linalg.eigh(0.5 * (cov + cov.T))
    root = v * np.sqrt(np.clip(w, 0.0, None))
    z = rng.standard_normal((int(n_draws), values.size))
    return values + z @ root.T


@dataclass(frozen=True)
class FlowUncertainty:
    """The Monte-Carlo draws of one reading's flow and what they share.

    Attributes
    ----------
    n_draws : int
    seed : int
    statuses : tuple of str
        The status of every draw (:data:`tensornn.flow.result.STATUSES`).
    k_stop : ndarray, shape (n_draws,)
        Where every draw stopped, in units of the infrared mass m (k_UV/m for those that completed).
    k_uv : float
        k_UV / m.
    k : ndarray, shape (p,)
        The common grid of scales, in units of m.
    bands : dict or None
        {"u2"|"u4"|"sigma_w": ndarray (len(QUANTILES), p)} among the completed draws (None when fewer than 5).
    draws : ndarray, shape (n_draws, K)
        The coupling vectors lambda_i (the fit's class order).
    """

    n_draws: int
    seed: int
    statuses: tuple
    k_stop: np.ndarray
    k_uv: float
    k: np.ndarray
    bands: dict | None
    draws: np.ndarray

    @property
    def counts(self) -> dict:
        """{status: number of draws}, most frequent first."""
        names, counts = np.unique(np.asarray(self.statuses), return_counts=True)
        order = np.argsort(-counts, kind="stable")
        return {str(names[i]): int(counts[i]) for i in order}

    @property
    def completed_fraction(self) -> float:
        return self.counts.get("completed", 0) / self.n_draws

    @property
    def diverged_fraction(self) -> float:
        return self.counts.get("diverged", 0) / self.n_draws

    @property
    def stopped(self) -> np.ndarray:
        """The stopping scales (units of m) of the draws that did not complete."""
        return self.k_stop[np.asarray(self.statuses) != "completed"]

    def stop_quantiles(self) -> dict | None:
        """{"q05": ..., ..., "q95": ...} of the stopping scale among the draws that stop (None when none stops)."""
        stopped = self.stopped
        if stopped.size == 0:
            return None
        return {f"q{round(100 * q):02d}": float(np.quantile(stopped, q)) for q in STOP_QUANTILES}

    def stop_range(self, share: float = RESOLVED) -> tuple[float, float] | None:
        """The shortest range of k (units of m) holding ``share`` of all draws as stopping points (None when
        fewer draws stop)."""
        stopped = np.sort(self.stopped)
        need = int(np.ceil(share * self.n_draws - 1e-9))
        if need < 1 or stopped.size < need:
            return None
        logs = np.log(stopped)
        widths = logs[need - 1:] - logs[: stopped.size - need + 1]
        i = int(np.argmin(widths))
        return float(stopped[i]), float(stopped[i + need - 1])

    @property
    def fate(self) -> str:
        """"completes", "stops" (in :meth:`stop_range`) or "undecided"."""
        if self.completed_fraction >= RESOLVED:
            return "completes"
        if self.stop_range() is not None:
            return "stops"
        return "undecided"

    @property
    def fate_fraction(self) -> float:
        """The share of the draws with the most common fate (completing, or stopping)."""
        done = self.completed_fraction
        return max(done, 1.0 - done)

    @property
    def resolved(self) -> bool:
        return self.fate != "undecided"

    @property
    def diverges(self) -> bool:
        """Whether the divergence is the network's: at least :data:`DIVERGES` of the draws diverge."""
        return self.diverged_fraction >= DIVERGES

    def band(self, name: str, q: float) -> np.ndarray | None:
        """The quantile ``q`` (one of :data:`QUANTILES`) of "u2", "u4" or "sigma_w" along k (None without bands)."""
        if self.bands is None:
            return None
        return self.bands[name][QUANTILES.index(q)]

    def sentence(self) -> str:
        """What the draws say, in one clause (for the summary)."""
        n = self.n_draws
        done = self.completed_fraction
        stops = self.stop_quantiles()
        counts = ", ".join(f"{c} {s}" for s, c in self.counts.items() if s != "completed")
        if self.fate == "completes":
            text = f"reaches k_UV in {_pct(done)} of {n} draws from the fit's covariance"
            if stops is not None:
                text += f" (the others stop: {counts}, at k/m {_k(stops['q05'])}-{_k(stops['q95'])})"
            return text
        lo_hi = self.stop_range()
        if self.fate == "stops" and lo_hi is not None:
            word = "diverges" if self.diverges else "stops"
            return (f"{word} in {_pct(1 - done)} of {n} draws from the fit's covariance ({counts}), "
                    f"at k/m between {_k(lo_hi[0])} and {_k(lo_hi[1])} for {_pct(RESOLVED)} of them")
        where = "" if stops is None else f" at k/m {_k(stops['q05'])}-{_k(stops['q95'])} (5-95%)"
        return (f"reaches k_UV in {_pct(done)} of {n} draws from the fit's covariance and stops in "
                f"{_pct(1 - done)} ({counts}){where}: the data do not decide its fate")

    def to_dict(self) -> dict:
        lo_hi = self.stop_range()
        return {
            "n_draws": self.n_draws, "seed": self.seed, "method": FLOW_METHOD, "source": "fit covariance",
            "status_counts": self.counts, "completed_fraction": self.completed_fraction,
            "diverged_fraction": self.diverged_fraction, "fate": self.fate, "fate_fraction": self.fate_fraction,
            "resolved": self.resolved, "diverges": self.diverges, "resolved_share": RESOLVED,
            "diverges_share": DIVERGES,
            "stop_range_k": None if lo_hi is None else [lo_hi[0], lo_hi[1]],
            "k_stop_quantiles": self.stop_quantiles(), "k_stop": [finite(x) for x in self.k_stop],
            "k_uv": self.k_uv, "k": [finite(x) for x in self.k], "quantiles": list(QUANTILES),
            "bands": None if self.bands is None else {
                name: [[finite(x) for x in row] for row in values] for name, values in self.bands.items()},
            "sentence": self.sentence(),
        }


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _k(x: float) -> str:
    return f"{x:.3g}"


def flow_uncertainty(theory, flow, names, values, covariance, config, *, exponent: float, seed: int,
                     n_draws: int | None = None, extra: tuple = ()) -> tuple[FlowUncertainty | None, list]:
    """Run ``n_draws`` flows of ``theory`` from draws of the fitted couplings, in one batch with ``extra`` flows.

    Parameters
    ----------
    theory : ReadingTheory
    flow : DerivedFlow
        The derived flow of ``theory``.
    names, values, covariance
        The fitted class names, their values and covariance.
    config : CompareConfig
        Scales, recorded points, ``flow_draws`` and ``sigma_w``.
    exponent : float
        The network's mass exponent (the sigma_W map).
    seed : int
        Seed of the draws.
    n_draws : int, optional
        Default ``config.flow_draws``.
    extra : tuple of dict
        Further starting couplings ({class name: lambda_V}) run in the same batch (the central and exact flows).

    Returns
    -------
    (FlowUncertainty or None, list of FlowTrajectory)
        The draws' summary (None without draws or a usable covariance) and the trajectories of ``extra``.
    """
    cov = np.asarray(covariance, dtype=float)
    n_draws = config.flow_draws if n_draws is None else int(n_draws)
    usable = n_draws >= 1 and cov.size > 0 and bool(np.all(np.isfinite(cov)))
    draws = coupling_draws(values, cov, n_draws, np.random.default_rng(seed)) if usable else np.zeros((0, len(names)))
    starts = list(extra) + [dict(zip(names, d)) for d in draws]
    if not starts:
        return None, []
    batch = run_flow_batch(theory, flow, starts, config, "draw")
    members = list(batch)
    if not usable:
        return None, members
    drawn = members[len(extra):]
    unit = theory.unit
    statuses = tuple(m.status for m in drawn)
    k_stop = np.array([m.k_stop_reached for m in drawn]) / unit
    done = [m for m in drawn if m.status == "completed"]
    bands = None
    if len(done) >= _MIN_BAND:
        u2 = np.array([m.potential(2) for m in done])
        u4 = np.array([m.potential(4) for m in done])
        sw = np.array([sigma_w_map(row, config.sigma_w, exponent) for row in u2])
        bands = {name: _quantiles(arr) for name, arr in (("u2", u2), ("u4", u4), ("sigma_w", sw))}
    return (FlowUncertainty(n_draws, int(seed), statuses, k_stop, float(config.k_uv_ratio), batch.k / unit, bands,
                            draws), members[:len(extra)])


def _quantiles(values: np.ndarray) -> np.ndarray:
    """:data:`QUANTILES` along axis 0 over the defined values (sigma_W is undefined where a draw's mass turned
    negative); nan at scales where fewer than 5 draws are defined.

    numpy's linear interpolation, vectorised over the scales (np.nanquantile loops over them in Python).
    """
    values = np.asarray(values, dtype=float)
    if np.all(np.isfinite(values)) and values.shape[0] >= _MIN_BAND:
        return np.quantile(values, QUANTILES, axis=0)
    ordered = np.sort(np.where(np.isfinite(values), values, np.inf), axis=0)  # undefined values last
    defined = np.isfinite(values).sum(axis=0)
    position = np.asarray(QUANTILES)[:, None] * np.maximum(defined - 1, 0)[None, :]
    low = np.floor(position).astype(np.intp)
    high = np.minimum(low + 1, np.maximum(defined - 1, 0)[None, :])
    below = np.take_along_axis(ordered, low, axis=0)
    above = np.take_along_axis(ordered, high, axis=0)
    with np.errstate(invalid="ignore"):
        out = below + (position - low) * (above - below)
    out = np.where(high == low, below, out)
    out[:, defined < _MIN_BAND] = np.nan
    return out


def run_flow_batch(theory, flow, couplings: list, config, source: str):
    """Flows of ``theory`` from a list of {class name: lambda_V}, batched (:func:`run_from_ir_batch`, RK45)."""
    from .flows import ATOL, RTOL

    return run_from_ir_batch(flow, [theory.initial(c) for c in couplings], k_ir=config.k_ir_ratio * theory.unit,
                             k_uv=config.k_uv_ratio * theory.unit, n_points=config.flow_points, method=FLOW_METHOD,
                             rtol=RTOL, atol=ATOL, source=source)

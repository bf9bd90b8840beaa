"""Fixed points of dimensionless flows, their stability matrices and critical exponents.

A fixed point is a root g* of the dimensionless beta functions, beta_i(g*) = 0, of an autonomous
:class:`~tensornn.flow.system.FlowSystem`. Near it the flow linearises,
d (g - g*)_i / dt = M_ij (g - g*)_j with the stability matrix M_ij = d beta_i / d g_j, and
the critical exponents are theta = -eigenvalues(M) (t = ln k, so theta > 0 is relevant: the
direction grows towards the infrared). nu = 1 / theta_max (the largest positive real part), and
omega, the leading correction-to-scaling exponent, is the smallest -Re(theta) among the
irrelevant directions.

:func:`find_fixed_points` runs many root solves (MINPACK's hybrid Powell method and
Levenberg-Marquardt through :func:`scipy.optimize.root`) from random starts in a box,
deduplicates the roots, and flags the spurious ones: roots outside the range of validity of the
truncation (a non-positive ``system.validity`` component: a negative threshold denominator, a
point beyond the pole of eta) or with an anomalous dimension out of range.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import root

from .._frames import repr_html, to_frame
from .._checks import check_array, check_choice, check_keys, check_real, check_starts
from .._json import finite, number
from .._random import as_generator
from ..errors import InvalidArgumentError, InvalidTypeError
from .stability import DERIVATIVES, ILL_CONDITIONED, critical_exponents, stability_matrix
from .system import FlowSystem

__all__ = [
    "FixedPoint",
    "FixedPointSearch",
    "find_fixed_points",
    "refine_fixed_point",
    "stability_matrix",
    "critical_exponents",
]

_ROOT_METHODS = ("hybr", "lm")


# ----------------------------------------------------------------------------- results


@dataclass(frozen=True, repr=False)
class FixedPoint:
    """A root of the dimensionless beta functions with its linearisation.

    Attributes
    ----------
    couplings : ndarray, shape (n,)
        Dimensionless couplings g*, ordered as ``names``.
    names : tuple of str
    eta : float
        Anomalous dimension at g*.
    residual : float
        max_i |beta_i(g*)|.
    matrix : ndarray, shape (n, n)
        Stability matrix d beta_i / d g_j.
    exponents : ndarray, shape (n,)
        theta = -eigenvalues(matrix), largest real part first (complex when needed).
    condition_number : float
        2-norm condition number of ``matrix`` (large: a nearly marginal direction, exponents
        less accurate).
    validity : ndarray, shape (p,)
        ``system.validity(g*)``; all positive inside the range of validity.
    flags : tuple of str
        Reasons why the root is spurious (empty for a physical fixed point).
    notes : tuple of str
        Other remarks (ill conditioning, a frozen scale for non-autonomous systems).
    conventions : dict
        The system's ``conventions`` (regulator, eta in d_t R, LPA or LPA', projection), when it
        declares them.
    """

    couplings: np.ndarray
    names: tuple[str, ...]
    eta: float
    residual: float
    matrix: np.ndarray
    exponents: np.ndarray
    condition_number: float
    validity: np.ndarray
    flags: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    conventions: dict = field(default_factory=dict)

    @property
    def spurious(self) -> bool:
        """True when the root lies outside the range of validity or has eta out of range."""
        return bool(self.flags)

    @property
    def n_relevant(self) -> int:
        """Number of relevant directions (Re theta > 0)."""
        return int(np.sum(np.real(self.exponents) > 1e-10))

    @property
    def nu(self) -> float:
        """1 / Re(theta) of the most relevant direction (NaN if there is none)."""
        re = np.real(self.exponents)
        return float(1.0 / re.max()) if np.any(re > 1e-10) else float("nan")

    @property
    def omega(self) -> float:
        """Smallest -Re(theta) among the irrelevant directions (NaN if there is none)."""
        re = np.real(self.exponents)
        irrelevant = -re[re < -1e-10]
        return float(irrelevant.min()) if irrelevant.size else float("nan")

    @property
    def is_gaussian(self) -> bool:
        """True when all couplings vanish (to 1e-12)."""
        return bool(np.all(np.abs(self.couplings) < 1e-12))

    def as_dict(self) -> dict[str, float]:
        """Couplings by name."""
        return {n: float(v) for n, v in zip(self.names, self.couplings)}

    def to_dict(self) -> dict:
        """JSON-ready record (docs/json.md): complex exponents as ``{"real", "imag"}``, nan as None."""
        return {
            "couplings": {n: finite(v) for n, v in zip(self.names, self.couplings)},
            "eta": finite(self.eta),
            "theta": [number(x) for x in np.ravel(self.exponents)],
            "nu": finite(self.nu),
            "omega": finite(self.omega),
            "n_relevant": int(self.n_relevant),
            "valid": not self.spurious,
            "flags": list(self.flags),
            "notes": list(self.notes),
            "residual": finite(self.residual),
            "condition_number": finite(self.condition_number),
            "conventions": dict(self.conventions),
        }

    def __repr__(self) -> str:
        couplings = ", ".join(f"{n}={v:.6g}" for n, v in self.as_dict().items())
        theta = ", ".join(_fmt(x) for x in self.exponents)
        state = "spurious: " + "; ".join(self.flags) if self.flags else "valid"
        return (
            f"FixedPoint({couplings}; eta={self.eta + 0.0:.4g}, theta=[{theta}], nu={self.nu:.6g}, omega={self.omega:.6g}, "
            f"relevant={self.n_relevant}, residual={self.residual:.2g}, cond={self.condition_number:.3g}, {state})"
        )


def _fmt(x) -> str:
    if np.iscomplexobj(x) and abs(np.imag(x)) > 0:
        return f"{np.real(x):.6g}{np.imag(x):+.6g}j"
    return f"{np.real(x):.6g}"


@dataclass(frozen=True, repr=False)
class FixedPointSearch:
    """The distinct fixed points found by :func:`find_fixed_points`.

    Iterating, indexing and ``len`` act on ``fixed_points`` (valid ones first, then by number of
    relevant directions and distance from the origin).

    Attributes
    ----------
    fixed_points : tuple of FixedPoint
    n_starts : int
        Number of starting points tried (each with every root method).
    n_converged : int
        Root solves that converged to a root within the tolerance (before deduplication).
    """

    fixed_points: tuple[FixedPoint, ...]
    n_starts: int
    n_converged: int

    @property
    def valid(self) -> tuple[FixedPoint, ...]:
        """The fixed points not flagged as spurious."""
        return tuple(fp for fp in self.fixed_points if not fp.spurious)

    def __iter__(self):
        return iter(self.fixed_points)

    def __len__(self) -> int:
        return len(self.fixed_points)

    def __getitem__(self, i) -> FixedPoint:
        return self.fixed_points[i]

    def _table(self):
        names = list(self.fixed_points[0].names) if self.fixed_points else []
        theta = [fp.exponents[0] if len(fp.exponents) else float("nan") for fp in self.fixed_points]
        columns = {name: [float(fp.couplings[j]) for fp in self.fixed_points] for j, name in enumerate(names)}
        columns.update(eta=[float(fp.eta) for fp in self.fixed_points],
                       nu=[float("nan") if fp.nu is None else float(fp.nu) for fp in self.fixed_points],
                       omega=[float("nan") if fp.omega is None else float(fp.omega) for fp in self.fixed_points],
                       theta_1=theta, n_relevant=[fp.n_relevant for fp in self.fixed_points],
                       valid=[not fp.spurious for fp in self.fixed_points])
        return columns, None

    def to_frame(self):
        """One row per fixed point: its couplings, eta, nu, omega, the leading exponent, validity as a pandas DataFrame (needs pandas: ``pip install 'tensornn[pandas]'``)."""
        return to_frame(self)

    def _repr_html_(self) -> str:
        return repr_html(self)

    def __repr__(self) -> str:
        lines = [f"FixedPointSearch({len(self)} distinct roots, {len(self.valid)} valid; "
                 f"{self.n_converged} converged solves from {self.n_starts} starts)"]
        lines += [f"  [{i}] {fp!r}" for i, fp in enumerate(self.fixed_points)]
        return "\n".join(lines)


# ----------------------------------------------------------------------------- search


def _check_system(system, t):
    if not isinstance(system, FlowSystem):
        raise InvalidTypeError(
            "system must implement the FlowSystem protocol (names, autonomous, beta, beta_dimensionful, eta, "
            f"validity), got {type(system).__name__}"
        )
    if not system.autonomous and t is None:
        raise InvalidArgumentError(
            "fixed points need an autonomous flow, but system.autonomous is False: its dimensionless beta functions "
            "depend on t = ln k (exact lattice sums or data spectra do not scale as a power of k), so no point is "
            "invariant under the flow. Integrate it with run_flow, or pass t=<value> to look for roots of beta(g, t) "
            "at that frozen scale (they are reported with a note, not as fixed points)"
        )
    if t is not None:
        t = check_real("t", t)
    return t


def _bounds_array(bounds, names) -> np.ndarray:
    n = len(names)
    if isinstance(bounds, Mapping):
        check_keys("bounds", bounds, names)
        out = np.tile([-1.0, 1.0], (n, 1))
        for name, pair in bounds.items():
            out[names.index(name)] = check_array(f"bounds[{name!r}]", pair, ndim=1)
    else:
        arr = check_array("bounds", bounds)
        if arr.shape == (2,):
            out = np.tile(arr, (n, 1))
        elif arr.shape == (n, 2):
            out = arr.copy()
        else:
            raise InvalidArgumentError(
                f"bounds must be a (low, high) pair, a sequence of {n} pairs or a mapping name -> pair, got shape "
                f"{arr.shape}"
            )
    if out.shape != (n, 2) or np.any(out[:, 0] >= out[:, 1]):
        raise InvalidArgumentError(f"bounds need low < high for every coupling, got {out.tolist()}")
    return out


def _describe(system, g, t, *, eta_range, derivative, notes=()) -> FixedPoint:
    names = tuple(system.names)
    with np.errstate(all="ignore"):
        beta = np.asarray(system.beta(g, t), dtype=float)
        matrix = stability_matrix(system, g, t=t, derivative=derivative)
        eta = float(np.asarray(system.eta(g, t), dtype=float))
        validity = np.atleast_1d(np.asarray(system.validity(g, t), dtype=float))
    vnames = getattr(system, "validity_names", None)
    if vnames is None or len(vnames) != len(validity):
        vnames = tuple(f"validity[{i}]" for i in range(len(validity)))
    flags = [
        f"{vnames[i]} = {validity[i]:.4g} <= 0: outside the range of validity (a threshold denominator is negative "
        f"or the point lies beyond the pole of eta)"
        for i in np.flatnonzero(~(validity > 0))
    ]
    if not np.isfinite(eta) or not eta_range[0] <= eta <= eta_range[1]:
        flags.append(f"eta = {eta:.4g} outside the accepted range [{eta_range[0]:g}, {eta_range[1]:g}]")
    if np.all(np.isfinite(matrix)):
        exponents = critical_exponents(matrix)
        cond = float(np.linalg.cond(matrix))
    else:
        exponents, cond = np.full(len(g), np.nan), float("inf")
        flags.append("the stability matrix is not finite (the point sits on a pole)")
    notes = list(notes)
    if cond > ILL_CONDITIONED:
        notes.append(f"ill-conditioned stability matrix (cond = {cond:.3g}): a nearly marginal direction")
    return FixedPoint(
        couplings=np.array(g, dtype=float), names=names, eta=eta, residual=float(np.max(np.abs(beta))),
        matrix=matrix, exponents=exponents, condition_number=cond, validity=validity, flags=tuple(flags),
        notes=tuple(notes), conventions=dict(getattr(system, "conventions", {}) or {}),
    )


def _solve(system, x0, t, method, tol):
    """One root solve from x0, in variables and residuals scaled by the size of the start.

    Couplings of high-order truncations span many decades; solving for y = g / s_x with residuals
    beta / s_f (s_x = |x0|, s_f = 1 + |x0|) keeps MINPACK's steps balanced.
    """
    n = len(x0)
    sx = np.where(np.abs(x0) > 1e-6, np.abs(x0), 1.0)
    sf = 1.0 + np.abs(x0)

    def fun(g):
        with np.errstate(all="ignore"):
            return np.asarray(system.beta(g, t), dtype=float)

    def scaled_fun(y):
        return fun(sx * y) / sf

    def scaled_jac(y):
        g = sx * y
        h = 1e-7 * np.maximum(np.abs(g), sx)
        pts = np.concatenate([g[:, None] + np.diag(h), g[:, None] - np.diag(h)], axis=1)
        with np.errstate(all="ignore"):
            vals = np.asarray(system.beta(pts, t), dtype=float)
        return (vals[:, :n] - vals[:, n:]) / (2 * h[None, :]) * sx[None, :] / sf[:, None]

    options = {"xtol": 1e-13} if method == "hybr" else {"xtol": 1e-13, "ftol": 1e-15}
    try:
        sol = root(scaled_fun, x0 / sx, jac=scaled_jac, method=method, options=options)
    except (ValueError, ArithmeticError, np.linalg.LinAlgError):
        return None
    g = sx * sol.x
    if not np.all(np.isfinite(g)):
        return None
    res = fun(g)
    if not np.all(np.isfinite(res)):
        return None
    for _ in range(3):  # Newton polish with the accurate Jacobian (MINPACK stops early when ill-conditioned)
        try:
            step = np.linalg.solve(stability_matrix(system, g, t=t), res)
        except np.linalg.LinAlgError:
            break
        trial = g - step
        trial_res = fun(trial)
        if not np.all(np.isfinite(trial_res)) or _scaled(trial_res, trial) >= _scaled(res, g):
            break
        g, res = trial, trial_res
    if _scaled(res, g) > tol:
        return None
    return g


def _scaled(res, g) -> float:
    """Residual relative to the size of each coupling: max_i |beta_i| / (1 + |g_i|)."""
    return float(np.max(np.abs(res) / (1.0 + np.abs(g))))


def find_fixed_points(
    system: FlowSystem,
    *,
    n_starts: int = 64,
    bounds=(-1.0, 1.0),
    starts=None,
    seed=None,
    t: float | None = None,
    tol: float = 1e-9,
    methods=("hybr", "lm"),
    eta_range=(-2.0, 2.0),
    dedup_tol: float = 1e-6,
    derivative: str = "central",
) -> FixedPointSearch:
    """Find the fixed points of the dimensionless flow of ``system`` by multi-start root finding.

    Solves beta_i(g) = 0 with :func:`scipy.optimize.root` from ``n_starts`` points drawn uniformly
    in ``bounds`` (plus the given ``starts``), with each method in ``methods``. Converged roots
    (max_i |beta_i| / (1 + |g_i|) <= ``tol``, a residual relative to the size of each coupling, since
    couplings of high-order truncations grow like factorials) are deduplicated (max_i |g_i - g'_i| <= dedup_tol (1 + max|g|))
    and each is described by a :class:`FixedPoint`: its eta, residual, stability matrix
    (:func:`stability_matrix`), exponents (:func:`critical_exponents`), nu, omega, number of
    relevant directions, condition number, and flags when spurious: a non-positive
    ``system.validity`` component (negative threshold denominator, beyond the pole of eta) or eta
    outside ``eta_range``.

    Parameters
    ----------
    system : FlowSystem
        Must be autonomous unless ``t`` is given.
    n_starts : int, default 64
        Random starting points (0 is allowed with ``starts``).
    bounds : (low, high) pair, sequence of n pairs, or mapping name -> pair, default (-1, 1)
        Box for the random starts (roots outside it are kept).
    starts : array_like, shape (n,) or (s, n), optional
        Extra starting points, tried first.
    seed : None, int or numpy Generator
        For the random starts.
    t : float, optional
        For a non-autonomous system: look for roots of beta(g, t) at this frozen scale
        (reported with a note; they are not fixed points of the flow).
    tol : float, default 1e-9
        Largest accepted max_i |beta_i| / (1 + |g_i|) at a root.
    methods : sequence of {"hybr", "lm"}
        Root-finding methods tried from each start.
    eta_range : (low, high), default (-2, 2)
        Accepted anomalous dimensions; outside, the regulator derivative
        Z [s k^s - eta (k^s - E)] changes sign for kinetic terms with s <= 2 and the LPA' is not
        trusted.
    dedup_tol : float, default 1e-6
    derivative : {"central", "complex"}
        How the stability matrix is differentiated.

    Returns
    -------
    FixedPointSearch
        Valid fixed points first, then by number of relevant directions and norm.

    Raises
    ------
    InvalidArgumentError
        For a non-autonomous system without ``t`` (fixed points need an autonomous flow), and
        for bad arguments.

    References
    ----------
    Litim, hep-th/0203006 (LPA exponents with the optimised regulator).
    """
    t = _check_system(system, t)
    names = tuple(system.names)
    n = len(names)
    n_starts = check_starts("n_starts", n_starts)
    box = _bounds_array(bounds, names)
    tol = check_real("tol", tol, positive=True)
    dedup_tol = check_real("dedup_tol", dedup_tol, positive=True)
    derivative = check_choice("derivative", derivative, DERIVATIVES)
    methods = tuple(check_choice("methods", m, _ROOT_METHODS) for m in methods)
    if not methods:
        raise InvalidArgumentError(f"methods must name at least one of {_ROOT_METHODS}")
    eta_range = tuple(float(x) for x in check_array("eta_range", eta_range, ndim=1, finite=False))
    if len(eta_range) != 2 or eta_range[0] >= eta_range[1]:
        raise InvalidArgumentError(f"eta_range must be a (low, high) pair with low < high, got {eta_range}")
    given = np.zeros((0, n))
    if starts is not None:
        given = np.atleast_2d(check_array("starts", starts))
        if given.ndim != 2 or given.shape[1] != n:
            raise InvalidArgumentError(f"starts must have shape ({n},) or (s, {n}) to match {names}, got {given.shape}")
    if n_starts == 0 and len(given) == 0:
        raise InvalidArgumentError("nothing to start from: give n_starts > 0 or starts")
    rng = as_generator(seed)
    random_starts = box[:, 0] + (box[:, 1] - box[:, 0]) * rng.random((n_starts, n))
    all_starts = np.vstack([given, random_starts])

    roots: list[np.ndarray] = []
    n_converged = 0
    for x0 in all_starts:
        for method in methods:
            g = _solve(system, x0, t, method, tol)
            if g is None:
                continue
            n_converged += 1
            scale = 1.0 + np.max(np.abs(g))
            if not any(np.max(np.abs(g - r)) <= dedup_tol * scale for r in roots):
                roots.append(g)
    notes = () if system.autonomous else (f"root of beta(g, t) at the frozen scale t = {t}; not a fixed point",)
    points = [_describe(system, g, t, eta_range=eta_range, derivative=derivative, notes=notes) for g in roots]
    points.sort(key=lambda fp: (fp.spurious, fp.n_relevant, float(np.linalg.norm(fp.couplings))))
    return FixedPointSearch(fixed_points=tuple(points), n_starts=len(all_starts), n_converged=n_converged)


def refine_fixed_point(system: FlowSystem, start, *, t: float | None = None, tol: float = 1e-9,
                       eta_range=(-2.0, 2.0), derivative: str = "central") -> FixedPoint | None:
    """Solve for one fixed point from a good ``start`` (hybr, then lm); None if neither converges.

    The single-solve counterpart of :func:`find_fixed_points`, for continuation in a parameter
    or in the truncation order.
    """
    t = _check_system(system, t)
    x0 = check_array("start", start, ndim=1)
    if x0.shape != (len(system.names),):
        raise InvalidArgumentError(f"start must have shape ({len(system.names)},), got {x0.shape}")
    tol = check_real("tol", tol, positive=True)
    for method in _ROOT_METHODS:
        g = _solve(system, x0, t, method, tol)
        if g is not None:
            return _describe(system, g, t, eta_range=tuple(eta_range), derivative=derivative)
    return None

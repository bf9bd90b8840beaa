"""Fixed points of dimensionless flows, their stability matrices and critical exponents.

A fixed point is a root g* of the dimensionless beta functions, beta_i(g*) = 0, of an autonomous
:class:`~tensornn.flow.system.FlowSystem`. Near it the flow linearises,
d (g - g*)_i / dt = M_ij (g - g*)_j with the stability matrix M_ij = d beta_i / d g_j, and
the critical exponents are theta = -eigenvalues(M) (t = ln k, so theta > 0 is relevant: the
direction grows towards the infrared). nu = 1 / theta_max (the largest positive real part), and
omega, the leading correction-to-scaling exponent, is the smallest -Re(theta) among the
irrelevant directions.

:func:`find_fixed_points` solves from many starts at once (:func:`~tensornn.flow.root_finding.batched_newton`:
one batched call of the beta functions per Newton step for all starts, the given starts retried with
MINPACK's hybrid Powell and Levenberg-Marquardt methods when Newton's method does not bring them home),
deduplicates the roots and describes each from one batched evaluation (beta at the root and at the
stencil of its stability matrix). A root is flagged, with the reason, when it lies outside the range of
validity of the truncation (a non-positive ``system.validity`` component: a negative threshold
denominator, a point beyond the pole of eta), has an anomalous dimension out of range, a potential
unbounded below, or (scalar and O(N)) nu below its mean-field value
(:mod:`tensornn.flow.fixed_point_checks`, which also holds the checks against the truncation order and
the functional spectrum that the presets run).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import scipy.linalg

from .._frames import repr_html, to_frame
from .._checks import check_array, check_choice, check_keys, check_real, check_starts
from .._json import finite, number
from .._random import as_generator
from ..errors import InvalidArgumentError, InvalidTypeError
from .fixed_point_checks import FLAG_KINDS, boundedness_flag, mean_field_flag
from .root_finding import batched_newton, minpack_root, newton, polish_roots, supports_complex
from .stability import DERIVATIVES, ILL_CONDITIONED, critical_exponents, stability_matrix
from .system import FlowSystem

__all__ = [
    "FixedPoint",
    "FixedPointSearch",
    "find_fixed_points",
    "refine_fixed_point",
    "solve_root",
    "describe_root",
    "balanced_condition",
    "SEARCH_STATUSES",
    "stability_matrix",
    "critical_exponents",
]

_ROOT_METHODS = ("batch", "hybr", "lm")
_MINPACK = ("hybr", "lm")

#: Statuses of a :class:`FixedPointSearch`.
SEARCH_STATUSES = {
    "complete": "every fixed point the reference predicts was found among the valid roots (or there is no reference)",
    "incomplete": "a fixed point the reference predicts is not among the valid roots (message says which and what to do)",
}


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
        2-norm condition number of ``matrix`` after diagonal balancing (:func:`balanced_condition`;
        large: a nearly marginal direction, exponents less accurate).
    validity : ndarray, shape (p,)
        ``system.validity(g*)``; all positive inside the range of validity.
    flags : tuple of str
        Reasons why the root is not a physical fixed point (empty for a valid one), each starting with
        its kind (:attr:`flag_kinds`).
    notes : tuple of str
        Other remarks (ill conditioning, a frozen scale for non-autonomous systems).
    conventions : dict
        The system's ``conventions`` (regulator, eta in d_t R, LPA or LPA', projection), when it
        declares them.
    checks : dict
        Values measured by the checks of :mod:`tensornn.flow.fixed_point_checks` (e.g.
        ``order_change``, the relative change of nu at the next truncation order).
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
    checks: dict = field(default_factory=dict)

    @property
    def spurious(self) -> bool:
        """True when the root carries a flag (outside the range of validity, eta out of range, unbounded, ...)."""
        return bool(self.flags)

    @property
    def valid(self) -> bool:
        """True for a root without flags."""
        return not self.flags

    @property
    def flag_kinds(self) -> tuple[str, ...]:
        """The kinds of the flags (:data:`~tensornn.flow.fixed_point_checks.FLAG_KINDS`), one per flag."""
        return tuple(_kind(f) for f in self.flags)

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
            "checks": {k: finite(v) if isinstance(v, float) else v for k, v in self.checks.items()},
        }

    def __repr__(self) -> str:
        couplings = ", ".join(f"{n}={v:.6g}" for n, v in self.as_dict().items())
        theta = ", ".join(_fmt(x) for x in self.exponents)
        state = "flagged: " + "; ".join(self.flags) if self.flags else "valid"
        return (
            f"FixedPoint({couplings}; eta={self.eta + 0.0:.4g}, theta=[{theta}], nu={self.nu:.6g}, omega={self.omega:.6g}, "
            f"relevant={self.n_relevant}, residual={self.residual:.2g}, cond={self.condition_number:.3g}, {state})"
        )


def _fmt(x) -> str:
    if np.iscomplexobj(x) and abs(np.imag(x)) > 0:
        return f"{np.real(x):.6g}{np.imag(x):+.6g}j"
    return f"{np.real(x):.6g}"


def _kind(flag: str) -> str:
    for kind in FLAG_KINDS:
        if flag.startswith(kind + ":"):
            return kind
    if "eta =" in flag:
        return "eta out of range"
    if "not finite" in flag:
        return "pole"
    return "outside the range of validity"


@dataclass(frozen=True, repr=False)
class FixedPointSearch:
    """The distinct fixed points found by :func:`find_fixed_points`.

    Iterating, indexing and ``len`` act on ``fixed_points`` (valid ones first, then by number of
    relevant directions and distance from the origin).

    Attributes
    ----------
    fixed_points : tuple of FixedPoint
    n_starts : int
        Number of starting points tried.
    n_converged : int
        Root solves that converged to a root within the tolerance (before deduplication).
    status : str
        A key of :data:`SEARCH_STATUSES`: ``"complete"``, or ``"incomplete"`` when a fixed point the
        reference predicts (Wilson-Fisher for the scalar and O(N) presets) is not among the valid roots.
    message : str
        What is missing and what to do (empty when complete).
    """

    fixed_points: tuple[FixedPoint, ...]
    n_starts: int
    n_converged: int
    status: str = "complete"
    message: str = ""

    @property
    def valid(self) -> tuple[FixedPoint, ...]:
        """The fixed points without flags."""
        return tuple(fp for fp in self.fixed_points if not fp.spurious)

    @property
    def flagged(self) -> tuple[FixedPoint, ...]:
        """The roots with flags (spurious, unbounded, unstable with order, below mean field, ...)."""
        return tuple(fp for fp in self.fixed_points if fp.spurious)

    @property
    def complete(self) -> bool:
        return self.status == "complete"

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

    def to_dict(self) -> dict:
        """JSON-ready record: status, message and every root (:meth:`FixedPoint.to_dict`)."""
        return {"status": self.status, "message": self.message, "n_starts": int(self.n_starts),
                "n_converged": int(self.n_converged), "fixed_points": [fp.to_dict() for fp in self.fixed_points]}

    def __repr__(self) -> str:
        lines = [f"FixedPointSearch({len(self)} distinct roots, {len(self.valid)} valid; "
                 f"{self.n_converged} converged solves from {self.n_starts} starts; {self.status})"]
        if self.message:
            lines.append(f"  {self.message}")
        lines += [f"  [{i}] {fp!r}" for i, fp in enumerate(self.fixed_points)]
        return "\n".join(lines)


# ----------------------------------------------------------------------------- search


_CHECKED_TYPES: set = set()  # types already found to implement FlowSystem (the runtime protocol check is slow)


def _check_system(system, t):
    if type(system) not in _CHECKED_TYPES:
        if not isinstance(system, FlowSystem):
            raise InvalidTypeError(
                "system must implement the FlowSystem protocol (names, autonomous, beta, beta_dimensionful, eta, "
                f"validity), got {type(system).__name__}"
            )
        _CHECKED_TYPES.add(type(system))
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


def _linearisation(system, g, t, derivative):
    """beta(g) and the stability matrix at g from one batched evaluation of the beta functions."""
    n = len(g)
    eye = np.eye(n)
    if derivative == "complex":
        h = 1e-30
        points = np.concatenate([g[:, None] + 0j, g[:, None] + 1j * h * eye], axis=1)
        with np.errstate(all="ignore"):
            values = np.asarray(system.beta(points, t))
        return values[:, 0].real.astype(float), values[:, 1:].imag / h
    h = np.finfo(float).eps ** 0.2 * np.maximum(np.abs(g), 1e-2)
    disp = eye * h
    points = np.concatenate([g[:, None], g[:, None] + 2 * disp, g[:, None] + disp, g[:, None] - disp,
                             g[:, None] - 2 * disp], axis=1)
    with np.errstate(all="ignore"):
        values = np.asarray(system.beta(points, t), dtype=float)
    p2, p1, m1, m2 = np.split(values[:, 1:], 4, axis=1)
    return values[:, 0], (-p2 + 8 * p1 - 8 * m1 + m2) / (12 * h[None, :])


def _describe(system, g, t, *, eta_range, derivative, notes=()) -> FixedPoint:
    """The FixedPoint at root g: beta and the stability matrix from one batched call, eta, validity, flags."""
    names = tuple(system.names)
    g = np.array(g, dtype=float)
    beta, matrix = _linearisation(system, g, t, derivative)
    with np.errstate(all="ignore"):
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
        cond = balanced_condition(matrix)
    else:
        exponents, cond = np.full(len(g), np.nan), float("inf")
        flags.append("the stability matrix is not finite (the point sits on a pole)")
    unbounded = boundedness_flag(system, g)
    if unbounded is not None:
        flags.append(unbounded)
    re = np.real(exponents)
    n_relevant = int(np.sum(re > 1e-10))
    nu = float(1.0 / re.max()) if n_relevant else float("nan")
    below = mean_field_flag(system, nu, n_relevant, bool(np.all(np.abs(g) < 1e-12)))
    if below is not None:
        flags.append(below)
    notes = list(notes)
    if cond > ILL_CONDITIONED:
        notes.append(f"ill-conditioned stability matrix (cond = {cond:.3g}): a nearly marginal direction")
    return FixedPoint(
        couplings=g, names=names, eta=eta, residual=float(np.max(np.abs(beta))),
        matrix=matrix, exponents=exponents, condition_number=cond, validity=validity, flags=tuple(flags),
        notes=tuple(notes), conventions=dict(getattr(system, "conventions", {}) or {}),
    )


def balanced_condition(matrix) -> float:
    """2-norm condition number of the matrix after a diagonal balancing similarity (LAPACK gebal).

    The exponents do not depend on the units of the couplings, but the plain condition number does
    (couplings of high-order truncations span many decades); balanced, it measures what it should: how
    close the matrix is to singular, i.e. to a marginal direction.
    """
    balanced, _ = scipy.linalg.matrix_balance(np.asarray(matrix, dtype=float), permute=False)
    return float(np.linalg.cond(balanced))


def _derivative(system, derivative, g, t) -> str:
    """``"auto"``: the complex step where the system's beta accepts complex couplings, else central differences."""
    if derivative != "auto":
        return derivative
    return "complex" if supports_complex(system, g, t) else "central"


def _polisher(system, t, derivative):
    return lambda g: stability_matrix(system, g, t=t, derivative=derivative)


def find_fixed_points(
    system: FlowSystem,
    *,
    n_starts: int = 64,
    bounds=(-1.0, 1.0),
    starts=None,
    seed=None,
    t: float | None = None,
    tol: float = 1e-9,
    methods=("batch", "hybr", "lm"),
    eta_range=(-2.0, 2.0),
    dedup_tol: float = 1e-6,
    derivative: str = "auto",
    retry: int | None = None,
) -> FixedPointSearch:
    """Find the fixed points of the dimensionless flow of ``system`` by multi-start root finding.

    Solves beta_i(g) = 0 from ``n_starts`` points drawn uniformly in ``bounds`` (plus the given
    ``starts``, tried first). With ``"batch"`` in ``methods`` (default) all starts run Newton's
    method together (:func:`~tensornn.flow.root_finding.batched_newton`: one batched call of the beta
    functions per step for every start), and the given starts it does not bring home are retried
    with the MINPACK methods of ``methods`` (the first ``retry`` of them, default all;
    :func:`scipy.optimize.root`, hybrid Powell ``"hybr"``, Levenberg-Marquardt ``"lm"``); without
    ``"batch"`` every start runs every MINPACK method. Converged
    roots (max_i |beta_i| / (1 + |g_i|) <= ``tol``, a residual relative to the size of each coupling,
    since couplings of high-order truncations grow like factorials) are deduplicated
    (max_i |g_i - g'_i| <= dedup_tol (1 + max|g|)) and each is described by a :class:`FixedPoint` from one
    batched evaluation: its eta, residual, stability matrix (:func:`stability_matrix`), exponents
    (:func:`critical_exponents`), nu, omega, number of relevant directions, condition number, and
    flags: a non-positive ``system.validity`` component (negative threshold denominator, beyond the
    pole of eta), eta outside ``eta_range``, a potential unbounded below, nu below its mean-field
    value (scalar and O(N); :mod:`tensornn.flow.fixed_point_checks`).

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
    methods : sequence of {"batch", "hybr", "lm"}
        Root-finding methods (see above).
    eta_range : (low, high), default (-2, 2)
        Accepted anomalous dimensions; outside, the regulator derivative
        Z [s k^s - eta (k^s - E)] changes sign for kinetic terms with s <= 2 and the LPA' is not
        trusted.
    dedup_tol : float, default 1e-6
    derivative : {"auto", "central", "complex"}
        How the stability matrix is differentiated; ``"auto"`` takes the exact complex step when the
        system's beta functions accept complex couplings (the potential expansions), central
        differences otherwise.
    retry : int, optional
        How many of the given ``starts`` (the first ones) are retried with the MINPACK methods when
        Newton's method does not converge from them; default all. The others are treated like random
        starts (a grid of starts over a region, say).

    Returns
    -------
    FixedPointSearch
        Valid fixed points first, then by number of relevant directions and norm.

    Raises
    ------
    InvalidArgumentError
        For a non-autonomous system without ``t`` (fixed points need an autonomous flow), and
        for bad arguments.

    Examples
    --------
    >>> from tensornn.flow import SymmetricPotential
    >>> search = find_fixed_points(SymmetricPotential(3, 1, 2), n_starts=8, bounds=[(-0.5, 0.0), (0, 20)], seed=0)
    >>> [round(fp.nu, 5) for fp in search.valid]
    [0.54272, 0.5]

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
    derivative = check_choice("derivative", derivative, DERIVATIVES + ("auto",))
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
    derivative = _derivative(system, derivative, all_starts[0], t)
    n_retry = len(given) if retry is None else min(len(given), check_starts("retry", retry))
    found = _solve_all(system, all_starts, n_retry, t, tol, methods, derivative)
    roots: list[np.ndarray] = []
    for g in found:
        scale = 1.0 + np.max(np.abs(g))
        if not any(np.max(np.abs(g - r)) <= dedup_tol * scale for r in roots):
            roots.append(g)
    if roots:  # the searches stop at 1e-3 tol; two batched Newton steps take the distinct roots to rounding
        roots = list(polish_roots(system, np.array(roots), t, complex_step=derivative == "complex"))
    notes = () if system.autonomous else (f"root of beta(g, t) at the frozen scale t = {t}; not a fixed point",)
    points = [_describe(system, g, t, eta_range=eta_range, derivative=derivative, notes=notes) for g in roots]
    points.sort(key=lambda fp: (fp.spurious, fp.n_relevant, float(np.linalg.norm(fp.couplings))))
    return FixedPointSearch(fixed_points=tuple(points), n_starts=len(all_starts), n_converged=len(found))


def _solve_all(system, starts, n_given, t, tol, methods, derivative, early_stop=True) -> list:
    """Converged roots from every start, in the order of the starts (one entry per converged solve)."""
    minpack = [m for m in methods if m in _MINPACK]
    polish = _polisher(system, t, derivative)
    if "batch" not in methods:
        out = []
        for x0 in starts:
            for method in minpack:
                g = minpack_root(system, x0, t, method, tol, polish)
                if g is not None:
                    out.append(g)
        return out
    if len(starts) == 1:  # a refinement: the lean one-start Newton first
        g = newton(system, starts[0], t, tol=tol, complex_step=derivative == "complex", early_stop=early_stop)
        if g is not None:
            return [g]
    roots, converged, _ = batched_newton(system, starts, t, tol=tol, complex_step=derivative == "complex",
                                         early_stop=early_stop)
    out = []
    for i, x0 in enumerate(starts):
        if converged[i]:
            out.append(roots[i])
        elif i < n_given:  # a guided start: worth the one-start methods
            for method in minpack:
                g = minpack_root(system, x0, t, method, tol, polish)
                if g is not None:
                    out.append(g)
                    break
    return out


def solve_root(system: FlowSystem, start, *, t: float | None = None, tol: float = 1e-9,
               derivative: str = "auto", slide: bool = True):
    """The couplings of one root from a good ``start`` (Newton, then hybr, then lm), or None; nothing described.

    The cheap core of :func:`refine_fixed_point`, for continuations that need the root and not yet its
    exponents. With ``slide`` Newton's method runs until its steps are negligible, so a start near a fixed
    point met along a marginal direction slides onto it.
    """
    t = _check_system(system, t)
    x0 = check_array("start", start, ndim=1)
    if x0.shape != (len(system.names),):
        raise InvalidArgumentError(f"start must have shape ({len(system.names)},), got {x0.shape}")
    tol = check_real("tol", tol, positive=True)
    derivative = _derivative(system, check_choice("derivative", derivative, DERIVATIVES + ("auto",)), x0, t)
    found = _solve_all(system, x0[None, :], 1, t, tol, _ROOT_METHODS, derivative, early_stop=not slide)
    return found[0] if found else None


def describe_root(system: FlowSystem, couplings, *, t: float | None = None, eta_range=(-2.0, 2.0),
                  derivative: str = "auto") -> FixedPoint:
    """The :class:`FixedPoint` of a known root: beta, the stability matrix, eta, validity and flags, described once.

    Beta at the root and at the stencil of its stability matrix come from one batched call (the exact complex
    step where the system's beta accepts complex couplings); eta and validity from one call each.
    """
    t = _check_system(system, t)
    g = check_array("couplings", couplings, ndim=1)
    derivative = _derivative(system, check_choice("derivative", derivative, DERIVATIVES + ("auto",)), g, t)
    return _describe(system, g, t, eta_range=tuple(eta_range), derivative=derivative)


def refine_fixed_point(system: FlowSystem, start, *, t: float | None = None, tol: float = 1e-9,
                       eta_range=(-2.0, 2.0), derivative: str = "auto") -> FixedPoint | None:
    """Solve for one fixed point from a good ``start`` (Newton, then hybr, then lm); None if none converges.

    The single-solve counterpart of :func:`find_fixed_points`, for continuation in a parameter
    or in the truncation order: :func:`solve_root` then :func:`describe_root`. Newton's method runs until
    its steps are negligible (not only until the residual is below ``tol``), so a start near a fixed point
    met along a marginal direction slides onto it.
    """
    g = solve_root(system, start, t=t, tol=tol, derivative=derivative)
    if g is None:
        return None
    return describe_root(system, g, t=t, eta_range=eta_range, derivative=derivative)

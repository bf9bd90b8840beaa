"""The result of the functional LPA fixed-point solver and its convergence diagnostics.

:class:`FunctionalFixedPoint` holds a global solution w*(r) = u*'(r) on its Chebyshev grid, the
exponents theta_i (theta > 0 relevant; nu = 1/theta_1, omega = -theta of the least irrelevant
direction) and the eigenfunctions v_i(r) of the linearised flow (u = u* + eps e^(-theta t) v), with
the diagnostics that say how far to trust them: the residual at and between the grid points, the
decay of the Chebyshev coefficients of w*, the damping exponent of the boundary condition, and the
change of the exponents against a solve with fewer points and one on a longer domain.
:func:`resolve_fixed_point` solves a fixed point again on another grid (resolution and domain
studies).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .._json import finite, number
from .._checks import check_int, check_real
from ..errors import InvalidArgumentError, InvalidTypeError
from .chebyshev import ChebyshevGrid
from .functional import boundary_decay, lpa_residual, regrid, solve_lpa, spectrum
from .potential import litim_volume
from .stability import nu_omega, relevant_count
from .threshold_functions import threshold_function

__all__ = ["CHECK_TOL", "MIN_DECAY", "N_TAYLOR", "FunctionalFixedPoint", "resolve_fixed_point"]

#: Couplings reported at r = 0: u2, u4, ... of U = sum u_{2n} phi^(2n)/(2n)! (as SymmetricPotential).
N_TAYLOR = 5

#: Smallest accepted boundary_decay I(L/2): the boundary condition's error is below e^-30 in [0, L/2].
MIN_DECAY = 30.0

#: Accepted change of the exponents between resolutions / domains before the result is flagged.
CHECK_TOL = 1e-7


def label_of(n: int) -> str:
    """"Gaussian", "Wilson-Fisher" or "phi^(2n) multicritical" for the phi^(2n) branch (n = 1: Gaussian)."""
    if n == 1:
        return "Gaussian"
    if n == 2:
        return "Wilson-Fisher"
    return f"phi^{2 * n} multicritical" + (" (tricritical)" if n == 3 else "")


def _normalise(v: np.ndarray) -> np.ndarray:
    """Scale an eigenfunction to v(0) = 1 (or to its largest entry 1 when v(0) is tiny)."""
    ref = v[0] if abs(v[0]) > 1e-8 * np.max(np.abs(v)) else v[np.argmax(np.abs(v))]
    out = v / ref
    return np.real(out) if np.allclose(np.imag(out), 0) else out


@dataclass(frozen=True, repr=False)
class FunctionalFixedPoint:
    """A global fixed-point solution u*(r) of the functional LPA with its linearised spectrum.

    Attributes
    ----------
    dim, n_components : float
        D and N.
    label : str
        "Gaussian", "Wilson-Fisher" or "phi^(2n) multicritical".
    multicriticality : int
        n of the phi^(2n) point (1 for the Gaussian, 2 for Wilson-Fisher); the branch bifurcates
        from the Gaussian at D = 2n/(n - 1).
    r : ndarray, shape (n + 1,)
        Grid points r = k^(2-D) rho (dimensionless, with the loop factor V_D kept as in
        :mod:`tensornn.flow.potential`).
    w : ndarray, shape (n + 1,)
        w*(r) = u*'(r) at the grid points.
    exponents : ndarray, shape (k,)
        theta_1, theta_2, ... (largest real part first; complex only when needed); theta > 0 relevant.
    eigenfunctions : ndarray, shape (k, n + 1)
        v_i(r) at the grid points, v_i(0) = 1 (u = u* + eps e^(-theta_i t) v_i perturbs w).
    residual : float
        max_i |F_i| / (1 + |2 w_i| + |(D - 2) x_i w'_i|) at the grid points.
    status : str
        "converged" or "unconverged" (Newton's method stopped above tolerance: see ``message``).
    message : str
    diagnostics : dict
        ``newton_iterations``; ``chebyshev_tail`` (largest |a_k| of the last tenth of the Chebyshev
        coefficients of w over the largest one); ``residual_between_nodes`` (relative residual of the
        interpolant at points halfway between nodes, interior equation); ``boundary_decay`` (I(L/2),
        see the module docstring); with ``check``: ``resolution_change`` and ``domain_change``
        (max |delta theta_i| over the exponents up to the first irrelevant one, against a solve with
        3/4 of the points and one on a domain 1.25 times longer) and ``nu_resolution_change``.
    flags : tuple of str
        Reasons not to trust the numbers (empty when all diagnostics pass).
    notes : tuple of str
        Other remarks (marginal directions).
    resolution : int
        Polynomial degree n.
    r_max : float
        Right end of the domain in r.
    regulator : str
        The regulator (a name of :data:`~tensornn.theory.REGULATORS` or a family member).
    """

    dim: float
    n_components: float
    label: str
    multicriticality: int
    r: np.ndarray
    w: np.ndarray
    exponents: np.ndarray
    eigenfunctions: np.ndarray
    residual: float
    status: str
    message: str
    diagnostics: dict = field(default_factory=dict)
    flags: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    resolution: int = 0
    r_max: float = 0.0
    regulator: str = "litim"

    eta = 0.0

    @property
    def threshold(self):
        """The regulator's threshold function (None for Litim, whose closed form the solver uses)."""
        return None if self.regulator == "litim" else threshold_function(self.regulator, self.dim)

    @property
    def conventions(self) -> dict:
        """The choices behind the numbers: the regulator, the LPA (eta = 0), the functional potential."""
        return {"regulator": self.regulator, "regulator_eta": "include", "anomalous_dimension": "LPA (eta = 0)",
                "projection": "functional (no truncation)"}

    @property
    def digits(self) -> dict:
        """Correct digits of nu, omega and theta_3 estimated from the resolution and domain checks (if run)."""
        return dict(self.diagnostics.get("digits", {}))

    # ------------------------------------------------------------------ scalars
    @property
    def grid(self) -> ChebyshevGrid:
        """The collocation grid in x = r / V_D."""
        return ChebyshevGrid(self.resolution, self.r_max / litim_volume(self.dim))

    @property
    def n_relevant(self) -> int:
        """Number of relevant directions (Re theta > 1e-8)."""
        return relevant_count(self.exponents)

    @property
    def nu(self) -> float:
        """1 / Re theta_1 (NaN without a relevant direction)."""
        return nu_omega(self.exponents)[0]

    @property
    def omega(self) -> float:
        """-Re theta of the least irrelevant direction (NaN if none was kept)."""
        return nu_omega(self.exponents)[1]

    @property
    def sigma(self) -> float:
        """w*(0) = u*'(0), the dimensionless mass term at the origin (U''(0)/k^2)."""
        return float(self.w[0])

    @property
    def is_gaussian(self) -> bool:
        return self.multicriticality == 1

    @property
    def spurious(self) -> bool:
        """False: a global solution cannot lie outside a range of validity (kept for FixedPoint compatibility)."""
        return False

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f"u{2 * n}" for n in range(1, N_TAYLOR + 1))

    @property
    def couplings(self) -> np.ndarray:
        """Taylor coefficients at rho = 0: u2, u4, ... of U = sum_n u_{2n} phi^(2n)/(2n)! (dimensionless).

        u_{2n} = (2n)!/(2^n n!) w^(n-1)(0), the normalisation of
        :class:`~tensornn.flow.potential.SymmetricPotential`. Higher derivatives lose digits to
        the differentiation matrices (about a factor n^2 per order).
        """
        vd = litim_volume(self.dim)
        grid = self.grid
        out = []
        for n in range(1, N_TAYLOR + 1):
            deriv = grid.derivative_at_zero(self.w, n - 1) / vd ** (n - 1)
            out.append(math.factorial(2 * n) / (2**n * math.factorial(n)) * deriv)
        return np.array(out)

    def as_dict(self) -> dict[str, float]:
        """Couplings at the origin by name."""
        return {n: float(v) for n, v in zip(self.names, self.couplings)}

    def zeros(self) -> np.ndarray:
        """The zeros of w*(r) = u*'(r) on the domain (extrema of u*), increasing."""
        grid = self.grid
        if not np.any(self.w):
            return np.zeros(0)
        roots = np.polynomial.chebyshev.chebroots(grid.coefficients(self.w))
        roots = np.real(roots[(np.abs(np.imag(roots)) < 1e-9) & (np.abs(np.real(roots)) <= 1)])
        return np.sort(np.clip(grid.length * (1 + roots) / 2, 0.0, grid.length)) * litim_volume(self.dim)

    def minimum(self, order: int = 4) -> dict | None:
        """The expansion around the minimum: kappa (w(kappa) = 0) and lambda_n = w^(n-1)(kappa), n = 2..order.

        The names and normalisation of :class:`~tensornn.flow.potential.MinimumPotential`; kappa is the
        first zero of w* where w* increases (a minimum of u*); None when there is none on the domain.
        """
        order = check_int("order", order, minimum=2, maximum=8)
        grid, vd = self.grid, litim_volume(self.dim)
        slope = grid.d1 @ self.w
        minima = [r for r in self.zeros() if float(grid.interpolate(slope, r / vd)) > 0]
        if not minima:
            return None
        x0 = minima[0] / vd
        out = {"kappa": minima[0]}
        f = np.asarray(self.w, dtype=float)
        for n in range(2, order + 1):
            f = grid.d1 @ f
            out[f"lambda{n}"] = float(grid.interpolate(f, x0)) / vd ** (n - 1)
        return out

    # ------------------------------------------------------------------ functions
    def potential(self, r) -> np.ndarray:
        """w*(r) = u*'(r) interpolated at ``r`` in [0, r_max]."""
        return self.grid.interpolate(self.w, np.asarray(r, dtype=float) / litim_volume(self.dim))

    def u(self, r) -> np.ndarray:
        """u*(r) itself: u*(0) = V_D N lambda(w*(0)) / D (the fixed-point equation at r = 0; lambda = 1/(1 + w) for
        Litim) plus int_0^r w*."""
        r = np.asarray(r, dtype=float)
        vd = litim_volume(self.dim)
        integral = self.grid.integrate(self.w, r / vd)
        if self.threshold is None:
            u0 = vd * self.n_components / (self.dim * (1.0 + self.w[0]))
        else:
            u0 = vd * self.n_components * float(self.threshold(self.w[0])) / self.dim
        return u0 + vd * integral

    def eigenfunction(self, i: int, r) -> np.ndarray:
        """The i-th eigenfunction v_i interpolated at ``r``."""
        i = check_int("i", i, minimum=0, maximum=len(self.exponents) - 1)
        v = self.eigenfunctions[i]
        x = np.asarray(r, dtype=float) / litim_volume(self.dim)
        if np.iscomplexobj(v):
            return self.grid.interpolate(np.real(v), x) + 1j * self.grid.interpolate(np.imag(v), x)
        return self.grid.interpolate(v, x)

    # ------------------------------------------------------------------ output
    def to_dict(self) -> dict:
        """JSON-ready description (finite floats or None; complex exponents as {real, imag})."""
        return {
            "label": self.label,
            "multicriticality": self.multicriticality,
            "dim": self.dim,
            "n_components": self.n_components,
            "couplings": {n: finite(v) for n, v in self.as_dict().items()},
            "minimum": None if (m := self.minimum()) is None else {k: finite(v) for k, v in m.items()},
            "eta": 0.0,
            "theta": [number(t) for t in self.exponents],
            "nu": finite(self.nu),
            "omega": finite(self.omega),
            "n_relevant": self.n_relevant,
            "valid": True,
            "regulator": self.regulator,
            "digits": {k: int(v) for k, v in self.digits.items()},
            "status": self.status,
            "message": self.message,
            "flags": list(self.flags),
            "notes": list(self.notes),
            "residual": finite(self.residual),
            "diagnostics": {k: (finite(v) if isinstance(v, float) else v) for k, v in self.diagnostics.items()
                            if k != "digits"},
            "resolution": self.resolution,
            "r_max": finite(self.r_max),
            "r": [finite(v) for v in self.r],
            "w": [finite(v) for v in self.w],
        }

    def __repr__(self) -> str:
        theta = ", ".join(_fmt(t) for t in self.exponents[: min(4, len(self.exponents))])
        state = self.status if not self.flags else f"{self.status}, FLAGGED: " + "; ".join(self.flags)
        digits = self.digits
        shown = f", digits nu/omega/theta_3={digits.get('nu')}/{digits.get('omega')}/{digits.get('theta_3')}" \
            if digits else ""
        regulator = "" if self.regulator == "litim" else f", {self.regulator}"
        return (f"FunctionalFixedPoint({self.label}, D={self.dim:g}, N={self.n_components:g}{regulator}: "
                f"w*(0)={self.sigma:.10g}, theta=[{theta}, ...], nu={self.nu:.10g}, omega={self.omega:.10g}, "
                f"relevant={self.n_relevant}, residual={self.residual:.2g}, n={self.resolution}, r_max={self.r_max:.4g}"
                f"{shown}, {state})")


def _fmt(x) -> str:
    if np.iscomplexobj(x) and abs(np.imag(x)) > 0:
        return f"{np.real(x):.8g}{np.imag(x):+.8g}j"
    return f"{np.real(x):.10g}"


# ----------------------------------------------------------------------------- description


def _exponent_change(a, b, k):
    k = min(k, len(a), len(b))
    return float(np.max(np.abs(np.asarray(a[:k]) - np.asarray(b[:k])))) if k else 0.0


def _digits(value, others) -> int:
    """Agreeing significant digits of ``value`` with the finite values of ``others`` (at most 15)."""
    changes = [abs(value - o) for o in others if math.isfinite(o)]
    if not changes or not math.isfinite(value) or value == 0:
        return 0
    change = max(changes)
    return 15 if change == 0 else int(max(0, min(15, math.floor(-math.log10(change / abs(value))))))


def _headline(theta):
    """nu, omega, theta_3 of a sorted spectrum (NaN where missing)."""
    re = np.real(np.asarray(theta))
    nu, omega = nu_omega(re)
    theta3 = float(re[2]) if len(re) > 2 else math.nan
    return {"nu": nu, "omega": omega, "theta_3": theta3}


def describe_fixed_point(w, grid, dim, n_components, n, n_keep, check, iterations,
                         regulator="litim") -> FunctionalFixedPoint:
    """The FunctionalFixedPoint of a solution w on ``grid``: spectrum, eigenfunctions, diagnostics and flags.

    With ``check`` the exponents are compared with a solve on 3/4 of the points and one on a longer domain
    (where the boundary decay I(L/2) is 2.5 times larger): ``diagnostics`` gets ``resolution_change``,
    ``domain_change``, ``nu_resolution_change``, ``converged`` (both changes within :data:`CHECK_TOL`) and
    ``digits`` (the agreeing digits of nu, omega and theta_3 across the three solves).
    """
    from .functional_continuation import target_length

    vd = litim_volume(dim)
    threshold = None if regulator == "litim" else threshold_function(regulator, dim)
    n_keep = min(max(n_keep, n + 1, 4), grid.n + 1)
    F, scale, J = lpa_residual(w, grid, dim, n_components, jacobian=True, threshold=threshold)
    residual = float(np.max(np.abs(F) / scale))
    theta, vectors = spectrum(J, n_keep)
    eigenfunctions = np.array([_normalise(vectors[:, i]) for i in range(vectors.shape[1])])
    coef = np.abs(grid.coefficients(w))
    tail = float(np.max(coef[-max(2, grid.n // 10):]) / max(np.max(coef), 1e-300)) if np.any(w) else 0.0
    mid = grid.length * (1 + np.cos(np.pi * (np.arange(grid.n) + 0.5) / grid.n)[1:-1]) / 2
    between = _residual_between(w, grid, dim, n_components, mid, threshold)
    decay = boundary_decay(w, grid, dim, n_components, threshold)
    diagnostics = {"newton_iterations": int(iterations), "chebyshev_tail": tail, "residual_between_nodes": between,
                   "boundary_decay": decay}
    flags, notes = [], []
    k_check = max(int(np.sum(np.real(theta) > -1e-8)) + 1, 3)
    if check:
        coarse = ChebyshevGrid(max(8, round(0.75 * grid.n)), grid.length)
        longer = ChebyshevGrid(grid.n, max(1.05 * grid.length, target_length(w, grid, dim, n_components, regulator,
                                                                             2.5 * max(decay, MIN_DECAY))))
        headline, others = _headline(theta), []
        converged = True
        for key, other in (("resolution_change", coarse), ("domain_change", longer)):
            sol, _, _ = solve_lpa(regrid(w, grid, other, dim), other, dim, n_components, threshold=threshold)
            if sol is None:
                diagnostics[key] = math.inf
                converged = False
                flags.append(f"{key.replace('_', ' ')}: the re-solve on {other!r} failed")
                continue
            th = spectrum(lpa_residual(sol, other, dim, n_components, jacobian=True, threshold=threshold)[2],
                          k_check)[0]
            diagnostics[key] = _exponent_change(theta, th, k_check)
            others.append(_headline(th))
            if key == "resolution_change":
                diagnostics["nu_resolution_change"] = (abs(headline["nu"] - others[-1]["nu"])
                                                       if math.isfinite(headline["nu"]) else 0.0)
            if not diagnostics[key] <= CHECK_TOL * (1 + np.max(np.abs(theta[:k_check]))):
                converged = False
                advice = "raise the resolution" if key == "resolution_change" else "lengthen the domain"
                flags.append(f"the exponents change by {diagnostics[key]:.2g} against {other!r} "
                             f"(tolerance {CHECK_TOL:g}): {advice}")
        diagnostics["converged"] = converged
        diagnostics["digits"] = {k: _digits(v, [o[k] for o in others]) for k, v in headline.items()
                                 if math.isfinite(v)}
    if residual > 1e-9:
        flags.append(f"residual {residual:.2g} above 1e-9")
    if decay < MIN_DECAY:
        flags.append(f"boundary_decay = {decay:.3g} < {MIN_DECAY:g}: the boundary condition "
                     "is not damped in the inner half of the domain; pass a larger length")
    marginal = np.abs(np.real(theta)) < 1e-6
    if np.any(marginal):
        notes.append(f"{int(np.sum(marginal))} (nearly) marginal direction(s): theta = "
                     + ", ".join(f"{np.real(t):.3g}" for t in theta[marginal]))
    status = "converged" if residual <= 1e-9 else "unconverged"
    message = (f"Newton's method converged in {iterations} iterations" if status == "converged"
               else f"the residual {residual:.2g} is above 1e-9")
    return FunctionalFixedPoint(
        dim=dim, n_components=n_components, label=label_of(n), multicriticality=n, r=grid.x * vd, w=np.array(w),
        exponents=theta, eigenfunctions=eigenfunctions, residual=residual, status=status, message=message,
        diagnostics=diagnostics, flags=tuple(flags), notes=tuple(notes), resolution=grid.n, r_max=grid.length * vd,
        regulator=regulator)


def _residual_between(w, grid, dim, n_components, points, threshold=None):
    """Relative residual of the interior equation at off-grid points (interpolated w, w', w'')."""
    w0 = grid.interpolate(w, points)
    w1 = grid.interpolate(grid.d1 @ w, points)
    w2 = grid.interpolate(grid.d2 @ w, points)
    if threshold is None:
        h = 1.0 + w0 + 2 * points * w1
        F = (-2 * w0 + (dim - 2) * points * w1 - (n_components - 1) * w1 / (1 + w0) ** 2
             - (3 * w1 + 2 * points * w2) / h**2)
    else:
        l1h = threshold.derivatives(w0 + 2 * points * w1, 2)[1]
        l1w = threshold.derivatives(w0, 2)[1]
        F = (-2 * w0 + (dim - 2) * points * w1 + (n_components - 1) * l1w * w1
             + l1h * (3 * w1 + 2 * points * w2))
    return float(np.max(np.abs(F) / (1 + np.abs(2 * w0) + np.abs((dim - 2) * points * w1))))


def resolve_fixed_point(fp: FunctionalFixedPoint, *, resolution: int | None = None, r_max: float | None = None,
                        n_exponents: int | None = None, check: bool = False) -> FunctionalFixedPoint | None:
    """Solve a fixed point again on another grid (a resolution or domain study), starting from ``fp``.

    Parameters
    ----------
    fp : FunctionalFixedPoint
        A non-Gaussian fixed point.
    resolution : int, optional
        New polynomial degree (default: fp's).
    r_max : float, optional
        New right end of the domain in r (default: fp's); no automatic lengthening.
    n_exponents : int, optional
        Exponents kept (default: as many as fp has).
    check : bool, default False
        As in :func:`functional_fixed_point`.

    Returns
    -------
    FunctionalFixedPoint or None
        None when Newton's method fails on the new grid.
    """
    if not isinstance(fp, FunctionalFixedPoint):
        raise InvalidTypeError(f"fp must be a FunctionalFixedPoint, got {type(fp).__name__}")
    if fp.is_gaussian:
        raise InvalidArgumentError("the Gaussian fixed point is exact (closed form); there is nothing to re-solve")
    resolution = fp.resolution if resolution is None else check_int("resolution", resolution, minimum=8, maximum=400)
    r_max = fp.r_max if r_max is None else check_real("r_max", r_max, positive=True)
    n_keep = len(fp.exponents) if n_exponents is None else check_int("n_exponents", n_exponents, minimum=1)
    vd = litim_volume(fp.dim)
    new = ChebyshevGrid(resolution, r_max / vd)
    sol, it, _ = solve_lpa(regrid(fp.w, fp.grid, new, fp.dim), new, fp.dim, fp.n_components, threshold=fp.threshold)
    if sol is None:
        return None
    return describe_fixed_point(sol, new, fp.dim, fp.n_components, fp.multicriticality, min(n_keep, resolution + 1),
                                check, it, regulator=fp.regulator)

"""The functional LPA of the scalar and O(N) models: the full potential on a Chebyshev grid.

With the Litim regulator and eta = 0 the dimensionless potential u(r), r = k^(2-D) rho (rho = phi.phi/2),
of N real scalars flows as

    d_t u = -D u + (D - 2) r u' + c_D [ (N - 1)/(1 + u') + 1/(1 + u' + 2 r u'') ],   c_D = V_D,

(V_D = 1/(2^D pi^(D/2) Gamma(D/2 + 1)), the normalisation of :mod:`tensornn.flow.potential`). The
code works with w = u' and the variable x = r / c_D, in which the loop factor disappears:

    d_t w = F[w] = -2 w + (D - 2) x w' - b [ (N - 1) w'/(1 + a w)^2 + (3 w' + 2 x w'')/(1 + a (w + 2 x w'))^2 ],

with a = b = 1 for the kinetic term p^2 (a = 1/p(k), b = q(k)/p(k)^2 for another kinetic function,
:mod:`tensornn.flow.kinetic`). A fixed point is a solution of F[w] = 0 on the whole half-line that is
regular at x = 0 and grows like x^(2/(D-2)) at infinity.

Discretisation (docs/functional_lpa.md): Chebyshev collocation on [0, L] (:class:`ChebyshevGrid`).
At x = 0 the equation is singular (the coefficient of w'' vanishes) and collocating it there imposes
regularity. At large x the equation is a singular perturbation: the term 2 x w''/(1 + w + 2 x w')^2
is small, and the second solution grows like exp(int (D - 2)(1 + w + 2 x w')^2 / 2 dx). At x = L the
grid therefore evolves w by the asymptotic (outer) equation, with w'' replaced by its power-law
value (p - 1) w'/x, p = 2/(D - 2): any error of this condition decays into the domain by the factor
exp(-I(x)), I(x) = int_x^L (D - 2)(1 + w + 2 x w')^2/2 dx, which :class:`FunctionalFixedPoint`
reports (``boundary_decay`` = I(L/2)). The boundary row is a dynamical equation like the interior
ones, so the linearisation d_t v = J v is a standard eigenvalue problem: u = u* + eps e^(-theta t) v
gives J v = -theta v.

References
----------
Borchardt, Knorr, arXiv:1502.07511 (pseudo-spectral methods for the functional RG); Morris,
hep-th/9410141 (LPA fixed points by shooting); Litim, hep-th/0203006 (LPA exponents, Litim regulator).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import scipy.linalg

from .._checks import check_int, check_real
from ..errors import InvalidArgumentError
from .chebyshev import ChebyshevGrid
from .potential import litim_volume

__all__ = ["FunctionalFixedPoint", "lpa_residual", "solve_lpa", "check_dim"]

#: Couplings reported at r = 0: u2, u4, ... of U = sum u_{2n} phi^(2n)/(2n)! (as SymmetricPotential).
N_TAYLOR = 5

#: Relative residual accepted by Newton's method.
NEWTON_TOL = 1e-11


def check_dim(dim) -> float:
    """D as a float in (2, 4]; the message says why."""
    dim = check_real("dim", dim)
    if not 2.0 < dim <= 4.0:
        raise InvalidArgumentError(
            f"dim must lie in (2, 4] for the functional LPA, got {dim}: at D <= 2 rho has no scaling dimension "
            "(r = k^(2-D) rho) and above 4 only the Gaussian fixed point exists")
    return dim


# ----------------------------------------------------------------------------- the equation


def lpa_residual(w, grid: ChebyshevGrid, dim: float, n_components: float, a=1.0, b=1.0, *, jacobian=False):
    """F[w] at the grid points (x = r / V_D), and optionally its Jacobian dF_i/dw_j.

    Parameters
    ----------
    w : ndarray, shape (n + 1,)
        w = u'(r) at the grid points.
    grid : ChebyshevGrid
    dim, n_components : float
    a, b : float
        1/p and q/p^2 of the kinetic function (1 and 1 for p^2).
    jacobian : bool

    Returns
    -------
    F : ndarray, shape (n + 1,)
        d_t w; the last entry uses the outer equation (w'' = (p - 1) w'/x, p = 2/(D - 2)).
    scale : ndarray, shape (n + 1,)
        1 + |2 w| + |(D - 2) x w'|, the size of the terms that cancel at a fixed point.
    J : ndarray, shape (n + 1, n + 1)
        Only when ``jacobian`` is True.
    """
    x, d1 = grid.x, grid.d1
    power = 2.0 / (dim - 2.0)
    w1 = d1 @ w
    w2 = grid.d2 @ w
    w2[-1] = (power - 1.0) * w1[-1] / x[-1]
    g = 1.0 + a * w
    h = 1.0 + a * (w + 2.0 * x * w1)
    s = 3.0 * w1 + 2.0 * x * w2
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        goldstone = (n_components - 1.0) * w1 / g**2 if n_components != 1 else 0.0
        F = -2.0 * w + (dim - 2.0) * x * w1 - b * (goldstone + s / h**2)
        scale = 1.0 + np.abs(2.0 * w) + np.abs((dim - 2.0) * x * w1)
        if not jacobian:
            return F, scale
        dw = -2.0 + 2.0 * a * b * s / h**3
        dw1 = (dim - 2.0) * x - 3.0 * b / h**2 + 4.0 * a * b * x * s / h**3
        if n_components != 1:
            dw = dw + 2.0 * a * b * (n_components - 1.0) * w1 / g**3
            dw1 = dw1 - b * (n_components - 1.0) / g**2
        dw2 = -2.0 * b * x / h**2
    d2 = np.array(grid.d2)
    d2[-1] = (power - 1.0) * d1[-1] / x[-1]
    J = dw1[:, None] * d1 + dw2[:, None] * d2
    J[np.diag_indices_from(J)] += dw
    return F, scale, J


def validity(w, grid: ChebyshevGrid, n_components: float, a=1.0) -> tuple[float, float]:
    """(min over the grid of 1 + a (w + 2 x w'), of 1 + a w): both positive away from a threshold pole."""
    w1 = grid.d1 @ w
    radial = float(np.min(1.0 + a * (w + 2.0 * grid.x * w1)))
    goldstone = float(np.min(1.0 + a * w)) if n_components != 1 else math.inf
    return radial, goldstone


def solve_lpa(start, grid: ChebyshevGrid, dim: float, n_components: float, *, max_iterations: int = 60,
              tol: float = NEWTON_TOL):
    """Newton's method with backtracking for F[w] = 0 from ``start`` (values at the grid points).

    Returns
    -------
    w : ndarray or None
        The solution, or None when Newton's method failed (singular Jacobian, no decrease, non-finite).
    iterations : int
    residual : float
        max_i |F_i| / scale_i at the returned point (inf on failure).
    """
    w = np.array(start, dtype=float)
    F, scale = lpa_residual(w, grid, dim, n_components)
    merit = float(np.max(np.abs(F) / scale))
    if not np.isfinite(merit):
        return None, 0, math.inf
    for it in range(1, max_iterations + 1):
        F, scale, J = lpa_residual(w, grid, dim, n_components, jacobian=True)
        try:
            step = np.linalg.solve(J, -F)
        except np.linalg.LinAlgError:
            return None, it, math.inf
        if not np.all(np.isfinite(step)):
            return None, it, math.inf
        lam = 1.0
        while lam > 1e-4:
            trial = w + lam * step
            Ft, st = lpa_residual(trial, grid, dim, n_components)
            m_t = float(np.max(np.abs(Ft) / st))
            if np.isfinite(m_t) and (m_t < (1 - 1e-4 * lam) * merit or m_t < tol):
                break
            lam /= 2
        else:
            return (w, it, merit) if merit < tol else (None, it, math.inf)
        small = np.max(np.abs(lam * step)) <= 1e-13 * (1.0 + np.max(np.abs(w)))
        w, merit = trial, m_t
        if merit < tol and (small or lam == 1.0 and merit < 1e-3 * tol):
            return w, it, merit
        if merit < tol and it > 3 and small:
            return w, it, merit
    return (w, max_iterations, merit) if merit < tol else (None, max_iterations, math.inf)


def boundary_decay(w, grid: ChebyshevGrid, dim: float, n_components: float) -> float:
    """I(L/2) = int_{L/2}^{L} A/E dx, the damping exponent of the boundary condition's error in [0, L/2].

    Near x = L the linearised equation is E v'' + A v' + ... with E = 2 x / h^2 (h = 1 + w + 2 x w')
    and A = (D - 2) x - (N - 1)/(1 + w)^2 - 3/h^2 + 4 x (3 w' + 2 x w'')/h^3; the mode that the
    boundary condition controls grows like exp(int A/E) towards L (WKB), so an error made at L is
    damped by exp(-I) in the inner half of the domain.
    """
    fine = np.linspace(grid.length / 2, grid.length, 801)
    w0 = grid.interpolate(w, fine)
    w1 = grid.interpolate(grid.d1 @ w, fine)
    w2 = grid.interpolate(grid.d2 @ w, fine)
    h = 1.0 + w0 + 2.0 * fine * w1
    with np.errstate(divide="ignore", invalid="ignore"):
        a = (dim - 2.0) * fine - (n_components - 1.0) / (1.0 + w0) ** 2 - 3.0 / h**2 \
            + 4.0 * fine * (3.0 * w1 + 2.0 * fine * w2) / h**3
        ratio = a * h**2 / (2.0 * fine)
    return float(np.sum((ratio[1:] + ratio[:-1]) * np.diff(fine)) / 2)


def spectrum(J: np.ndarray, n_keep: int):
    """theta = -eigenvalues of J (largest real part first) and the eigenvectors (columns)."""
    values, vectors = scipy.linalg.eig(J)
    theta = -values
    order = np.lexsort((-np.abs(np.imag(theta)), -np.real(theta)))[:n_keep]
    theta, vectors = theta[order], vectors[:, order]
    real = np.abs(np.imag(theta)) <= 1e-10 * (1 + np.abs(theta))
    theta = np.where(real, np.real(theta), theta)
    if np.all(real):
        theta = np.real(theta)
        vectors = np.real(vectors)
    return theta, vectors


def _normalise(v: np.ndarray) -> np.ndarray:
    """Scale an eigenfunction to v(0) = 1 (or to its largest entry 1 when v(0) is tiny)."""
    ref = v[0] if abs(v[0]) > 1e-8 * np.max(np.abs(v)) else v[np.argmax(np.abs(v))]
    out = v / ref
    return np.real(out) if np.allclose(np.imag(out), 0) else out


# ----------------------------------------------------------------------------- the result


def _real(x):
    x = float(x)
    return x if math.isfinite(x) else None


def _number(z):
    z = complex(z)
    if z.imag != 0:
        return {"real": _real(z.real), "imag": _real(z.imag)}
    return _real(z.real)


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

    eta = 0.0

    # ------------------------------------------------------------------ scalars
    @property
    def grid(self) -> ChebyshevGrid:
        """The collocation grid in x = r / V_D."""
        return ChebyshevGrid(self.resolution, self.r_max / litim_volume(self.dim))

    @property
    def n_relevant(self) -> int:
        """Number of relevant directions (Re theta > 1e-8)."""
        return int(np.sum(np.real(self.exponents) > 1e-8))

    @property
    def nu(self) -> float:
        """1 / Re theta_1 (NaN without a relevant direction)."""
        re = np.real(self.exponents)
        return float(1.0 / re.max()) if np.any(re > 1e-8) else float("nan")

    @property
    def omega(self) -> float:
        """-Re theta of the least irrelevant direction (NaN if none was kept)."""
        re = np.real(self.exponents)
        irrelevant = -re[re < -1e-8]
        return float(irrelevant.min()) if irrelevant.size else float("nan")

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

    def minimum(self, order: int = 4) -> dict | None:
        """The expansion around the minimum: kappa (w(kappa) = 0) and lambda_n = w^(n-1)(kappa), n = 2..order.

        The names and normalisation of :class:`~tensornn.flow.potential.MinimumPotential`; None when
        w* has no zero on the domain (a symmetric potential). The first zero is taken.
        """
        order = check_int("order", order, minimum=2, maximum=8)
        grid, vd = self.grid, litim_volume(self.dim)
        coef = grid.coefficients(self.w)
        roots = np.polynomial.chebyshev.chebroots(coef)
        roots = np.real(roots[(np.abs(np.imag(roots)) < 1e-9) & (np.real(roots) >= -1) & (np.real(roots) <= 1)])
        if not roots.size:
            return None
        x0 = float(np.clip(grid.length * (1 + float(np.min(roots))) / 2, 0.0, grid.length))
        out = {"kappa": x0 * vd}
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
        """u*(r) itself: u*(0) = V_D N / (D (1 + w*(0))) (the fixed-point equation at r = 0) plus int_0^r w*."""
        r = np.asarray(r, dtype=float)
        vd = litim_volume(self.dim)
        integral = self.grid.integrate(self.w, r / vd)
        u0 = vd * self.n_components / (self.dim * (1.0 + self.w[0]))
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
            "couplings": {n: _real(v) for n, v in self.as_dict().items()},
            "minimum": None if (m := self.minimum()) is None else {k: _real(v) for k, v in m.items()},
            "eta": 0.0,
            "theta": [_number(t) for t in self.exponents],
            "nu": _real(self.nu),
            "omega": _real(self.omega),
            "n_relevant": self.n_relevant,
            "valid": True,
            "status": self.status,
            "message": self.message,
            "flags": list(self.flags),
            "notes": list(self.notes),
            "residual": _real(self.residual),
            "diagnostics": {k: (_real(v) if isinstance(v, float) else v) for k, v in self.diagnostics.items()},
            "resolution": self.resolution,
            "r_max": _real(self.r_max),
            "r": [_real(v) for v in self.r],
            "w": [_real(v) for v in self.w],
        }

    def __repr__(self) -> str:
        theta = ", ".join(_fmt(t) for t in self.exponents[: min(4, len(self.exponents))])
        state = self.status if not self.flags else f"{self.status}, FLAGGED: " + "; ".join(self.flags)
        return (f"FunctionalFixedPoint({self.label}, D={self.dim:g}, N={self.n_components:g}: w*(0)={self.sigma:.10g}, "
                f"theta=[{theta}, ...], nu={self.nu:.10g}, omega={self.omega:.10g}, relevant={self.n_relevant}, "
                f"residual={self.residual:.2g}, n={self.resolution}, r_max={self.r_max:.4g}, {state})")


def _fmt(x) -> str:
    if np.iscomplexobj(x) and abs(np.imag(x)) > 0:
        return f"{np.real(x):.8g}{np.imag(x):+.8g}j"
    return f"{np.real(x):.10g}"

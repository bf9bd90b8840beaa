"""Polynomial expansions of the LPA effective potential of the O(N) model (Litim regulator).

In the local potential approximation with the Litim regulator the potential U_k(rho),
rho = phi.phi / 2, of N real scalars in D dimensions flows as

    d_t U = V_D k^(D+2) [ 1 / (k^2 + U' + 2 rho U'') + (N - 1) / (k^2 + U') ],
    V_D = 1 / (2^D pi^(D/2) Gamma(D/2 + 1)),

(the radial mode and N - 1 Goldstone modes; N = 1 gives d_t U = V_D k^(D+2) / (k^2 + U''(phi))).
With the dimensionless u(r) = U / k^D, r = rho k^(2-D) and w = u', the flow of the derivative is

    d_t w = -2 w + (D - 2) r w' + V_D d/dr [ 1 / (1 + w + 2 r w') + (N - 1) / (1 + w) ].

Two polynomial truncations of w, both :class:`~tensornn.flow.system.FlowSystem` objects whose
beta functions come from exact truncated power-series arithmetic on the coefficients (no table
per order is typed in):

- :class:`SymmetricPotential` expands around rho = 0, U = sum_n u_{2n} phi^{2n} / (2n)! along one
  field component (u2 = m^2, the couplings of the scalar anchors in docs/theory/flow.md);
- :class:`MinimumPotential` expands U'(rho) around its running minimum kappa:
  U = sum_{n>=2} lambda_n (rho - kappa)^n / n!, with d_t kappa = -d_t U'(kappa) / U''(kappa)
  (docs/theory/flow.md, broken phase); this expansion converges with the order.

:func:`potential_fixed_point` finds the Wilson-Fisher fixed point order by order.

References
----------
Litim, hep-th/0203006 and hep-th/0005245 (optimised regulator, LPA exponents);
Wetterich 1993.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from scipy.optimize import brentq

from .._checks import check_choice, check_int, check_real
from ..errors import InvalidArgumentError
from ..theory.regulators import get_regulator
from .fixed_points import FixedPoint, describe_root, find_fixed_points, refine_fixed_point, solve_root
from .threshold_functions import threshold_function

__all__ = ["SymmetricPotential", "MinimumPotential", "potential_fixed_point", "exponents_by_order", "extend_order",
           "litim_volume"]


def litim_volume(dim: float) -> float:
    """V_D = 1 / (2^D pi^(D/2) Gamma(D/2 + 1)), the LPA loop factor of the Litim regulator (D > 0)."""
    dim = check_real("dim", dim, positive=True)
    return 1.0 / (2.0**dim * math.pi ** (dim / 2) * math.gamma(dim / 2 + 1))


# ----------------------------------------------------------------------------- power series


def _reciprocal(a: np.ndarray) -> np.ndarray:
    """Truncated power series of 1 / a (a[0] != 0), coefficients along axis 0, any trailing batch axes.

    The coefficients solve the lower-triangular Toeplitz system sum_k a_{j-k} r_k = delta_j0, by
    forward substitution r_j = -(sum_{k=1..j} a_k r_{j-k}) / a_0: one vectorised step per order
    for all series of the batch at once.
    """
    r = np.empty_like(a)
    r[0] = 1.0 / a[0]
    for j in range(1, len(a)):
        r[j] = -(a[1 : j + 1] * r[j - 1 :: -1]).sum(axis=0) * r[0]
    return r


def _w_flow(c: np.ndarray, rho0, dim: float, n_components: float, vd: float, threshold=None) -> np.ndarray:
    """Taylor coefficients of d_t w(rho0 + x) at fixed rho, from those of w(rho0 + x).

    ``c`` has shape (L, ...) (w = sum_j c_j x^j with c_j = 0 for j >= L); the result has the
    same shape and is exact for the coefficients j < L (the derivative of the loop term needs
    one more order, which is computed). ``threshold`` is the regulator's
    :class:`~tensornn.flow.threshold_functions.ThresholdFunction` (None or Litim: the loop is the
    reciprocal series 1/(1 + w + 2 rho w') + (N - 1)/(1 + w); otherwise lambda composed with the
    series of w + 2 rho w' and of w).
    """
    L = c.shape[0]
    cc = np.concatenate([c, np.zeros((1,) + c.shape[1:], dtype=c.dtype)])  # length L + 1
    dw = np.zeros_like(cc)
    dw[:-1] = np.arange(1, L + 1).reshape((-1,) + (1,) * (c.ndim - 1)) * cc[1:]
    rho_dw = rho0 * dw
    rho_dw[1:] += dw[:-1]
    radial = cc + 2.0 * rho_dw
    if threshold is not None and not threshold.is_litim:
        loop = threshold.compose(radial)
        if n_components != 1:
            loop = loop + (n_components - 1) * threshold.compose(cc)
    else:
        radial[0] += 1.0
        if n_components != 1:  # the radial and Goldstone denominators as one batch of series
            goldstone = cc.copy()
            goldstone[0] += 1.0
            both = _reciprocal(np.stack([radial, goldstone], axis=1))
            loop = both[:, 0] + (n_components - 1) * both[:, 1]
        else:
            loop = _reciprocal(radial)
    dloop = np.arange(1, L + 1).reshape((-1,) + (1,) * (c.ndim - 1)) * loop[1:]
    return -2.0 * c + (dim - 2.0) * rho_dw[:L] + vd * dloop


# ----------------------------------------------------------------------------- systems


@dataclass(frozen=True)
class _PotentialBase:
    dim: float
    n_components: float
    order: int
    regulator: str = "litim"

    # set once in __post_init__ (not arguments, not compared)
    _vd: float = field(init=False, repr=False, compare=False, default=0.0)
    _pole: float = field(init=False, repr=False, compare=False, default=-1.0)

    def __post_init__(self):
        object.__setattr__(self, "dim", check_real("dim", self.dim, minimum=2.0))
        if self.dim <= 2:
            raise InvalidArgumentError(f"dim must be > 2 for a nontrivial scaling of rho, got {self.dim}")
        object.__setattr__(self, "n_components", check_real("n_components", self.n_components, minimum=1.0))
        object.__setattr__(self, "order", check_int("order", self.order, minimum=self._min_order, maximum=40))
        object.__setattr__(self, "regulator", get_regulator(self.regulator).name)
        # computed once: the loop factor, the threshold function (None for the Litim closed form) and its pole
        threshold = threshold_function(self.regulator, self.dim)
        object.__setattr__(self, "_vd", litim_volume(self.dim))
        object.__setattr__(self, "_threshold", None if threshold.is_litim else threshold)
        object.__setattr__(self, "_pole", threshold.pole)
        object.__setattr__(self, "_fact", np.array([float(math.factorial(j)) for j in range(1, self.order)]))
        object.__setattr__(self, "_sym", np.array([k * 2.0**k / math.factorial(2 * k)
                                                  for k in range(1, self.order + 1)]))

    autonomous = True

    #: nu of the Gaussian point (the kinetic term p^2): no LPA fixed point lies below it.
    mean_field_nu = 0.5

    @property
    def conventions(self) -> dict:
        """The choices behind the numbers: the regulator, the LPA (eta = 0), a potential expansion."""
        return {"regulator": self.regulator, "regulator_eta": "include", "anomalous_dimension": "LPA (eta = 0)",
                "projection": "potential expansion"}

    @property
    def vd(self) -> float:
        return self._vd

    @property
    def threshold(self):
        """The regulator's threshold function lambda(w) in D dimensions (:mod:`tensornn.flow.threshold_functions`)."""
        return threshold_function(self.regulator, self.dim)

    @property
    def pole(self) -> float:
        """The threshold pole: the loop diverges where a mass term w = U'/k^2 reaches it (-1 for Litim)."""
        return self._pole

    def eta(self, couplings, t=None):
        """Zero: the LPA has no anomalous dimension."""
        return np.zeros(np.shape(couplings)[1:])

    def beta_dimensionful(self, t, couplings):
        """d g_i/dt of the dimensionful couplings, k^{d_i} (beta_i(g~) + d_i g~_i) with g~ = g k^{-d_i}."""
        g = np.asarray(couplings)
        dims = self.canonical_dimensions.reshape((-1,) + (1,) * (g.ndim - 1))
        scale = np.exp(t * dims)
        gt = g / scale
        return scale * (self.beta(gt) + dims * gt)

    def to_dimensionless(self, t, couplings):
        """g~_i = g_i k^{-d_i} with k = exp(t)."""
        g = np.asarray(couplings)
        dims = self.canonical_dimensions.reshape((-1,) + (1,) * (g.ndim - 1))
        return g * np.exp(-t * dims)


@dataclass(frozen=True)
class SymmetricPotential(_PotentialBase):
    """The LPA potential expanded around rho = 0 up to phi^(2 order), as a FlowSystem.

    Couplings (dimensionless) ``u2, u4, ..., u{2 order}``: U = sum_n u_{2n} phi^{2n} / (2n)!
    along one component (phi.phi = phi^2), with u_{2n} k^{-(D - n (D - 2))} the dimensionless
    form. For N = 1 and order 3 the dimensionful flows are the scalar anchors of docs/theory/flow.md, e.g.
    d_t u2 = -V_D k^(D+2) u4 / (k^2 + u2)^2. Validity: 1 + u2 > 0 (threshold denominator; u2 - pole > 0
    for another regulator, whose threshold pole lies at w = ``pole``).

    Parameters
    ----------
    dim : float
        Space(-time) dimension D > 2.
    n_components : float
        N >= 1 (real; large N allowed).
    order : int
        Highest power phi^(2 order), >= 1.
    regulator : str, default "litim"
        A regulator of :data:`~tensornn.theory.REGULATORS` (or a family member, "exponential(alpha=2)"):
        the loop 1/(1 + w) of the Litim flow becomes the threshold function lambda(w) of
        :mod:`tensornn.flow.threshold_functions`, composed with the series of w as a power series.
    """

    _min_order = 1

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f"u{2 * n}" for n in range(1, self.order + 1))

    @property
    def canonical_dimensions(self) -> np.ndarray:
        n = np.arange(1, self.order + 1)
        return self.dim - n * (self.dim - 2.0)

    @property
    def validity_names(self) -> tuple[str, ...]:
        return ("1 + u2",) if self.pole == -1.0 else (f"u2 + {-self.pole:.6g} (distance to the threshold pole)",)

    def _factors(self, shape_tail):
        # c_{n-1} = n a_n, a_n = u_{2n} 2^n / (2n)!  (U = sum a_n rho^n, rho = phi^2 / 2)
        return self._sym.reshape((-1,) + (1,) * len(shape_tail))

    def beta(self, couplings, t=None):
        g = np.asarray(couplings)
        f = self._factors(g.shape[1:])
        b = _w_flow(g * f, 0.0, self.dim, self.n_components, self._vd, self._threshold)
        return b / f

    def validity(self, couplings, t=None):
        g = np.asarray(couplings)
        return (g[0] - self.pole)[None, ...]

    def potential_coefficients(self, couplings):
        """(names, u4, u_top): the quartic coupling and the highest non-zero one (their signs decide boundedness)."""
        g = np.asarray(couplings, dtype=float)
        nonzero = np.flatnonzero(g != 0.0)
        top = int(nonzero[-1]) if nonzero.size else 0
        quartic = float(g[1]) if len(g) > 1 else 0.0
        return ("u4", self.names[top]), quartic, float(g[top])


@dataclass(frozen=True)
class MinimumPotential(_PotentialBase):
    """The LPA potential expanded around its running minimum kappa, as a FlowSystem.

    U(rho) = sum_{n=2}^{order} lambda_n (rho - kappa)^n / n! (dimensionless, U'(kappa) = 0);
    couplings ``kappa, lambda2, ..., lambda{order}``. The minimum runs with
    d_t kappa = -d_t U'(kappa) / lambda2 and d_t lambda_n = (d_t U)^{(n)}(kappa) + lambda_{n+1} d_t kappa
    (lambda_{order+1} = 0). Validity: kappa > 0 (at kappa = 0 the flow enters the symmetric
    phase) and the radial threshold denominator 1 + 2 kappa lambda2 > 0 (2 kappa lambda2 - pole for
    another regulator).

    Parameters
    ----------
    dim : float
        D > 2.
    n_components : float
        N >= 1.
    order : int
        Highest power (rho - kappa)^order, >= 2.
    regulator : str, default "litim"
        As for :class:`SymmetricPotential`.
    """

    _min_order = 2

    @property
    def names(self) -> tuple[str, ...]:
        return ("kappa",) + tuple(f"lambda{n}" for n in range(2, self.order + 1))

    @property
    def canonical_dimensions(self) -> np.ndarray:
        n = np.arange(2, self.order + 1)
        return np.concatenate([[self.dim - 2.0], self.dim - n * (self.dim - 2.0)])

    @property
    def validity_names(self) -> tuple[str, ...]:
        if self.pole == -1.0:
            return ("kappa", "1 + 2 kappa lambda2")
        return ("kappa", f"2 kappa lambda2 + {-self.pole:.6g} (distance to the threshold pole)")

    def beta(self, couplings, t=None):
        g = np.asarray(couplings)
        kappa, lam = g[0], g[1:]  # lam[i] = lambda_{i+2}
        tail = g.shape[1:]
        fact = self._fact.reshape((-1,) + (1,) * len(tail))
        c = np.zeros((self.order,) + tail, dtype=g.dtype)
        c[1:] = lam / fact  # w = U' = sum_{j>=1} lambda_{j+1} x^j / j!
        b = _w_flow(c, kappa, self.dim, self.n_components, self._vd, self._threshold)
        with np.errstate(divide="ignore", invalid="ignore"):  # lambda2 = 0: no minimum, beta is not finite
            dkappa = -b[0] / lam[0]
        lam_next = np.concatenate([lam[1:], np.zeros((1,) + tail, dtype=g.dtype)])
        dlam = fact * b[1:] + lam_next * dkappa
        return np.concatenate([dkappa[None, ...], dlam])

    def validity(self, couplings, t=None):
        g = np.asarray(couplings)
        return np.stack([g[0], 2.0 * g[0] * g[1] - self.pole])

    def potential_coefficients(self, couplings):
        """(names, lambda2, lambda_top): the curvature at the minimum and the highest non-zero coupling."""
        g = np.asarray(couplings, dtype=float)
        nonzero = np.flatnonzero(g[1:] != 0.0)
        top = int(nonzero[-1]) + 1 if nonzero.size else 1
        return ("lambda2", self.names[top]), float(g[1]), float(g[top])


# ----------------------------------------------------------------------------- fixed points


def _lowest_order_guesses(dim, n_components, expansion, regulator="litim") -> list[np.ndarray]:
    """Wilson-Fisher candidates of the lowest truncation from its fixed-point equations in closed form.

    Around rho = 0 (w = c0 + c1 rho, u2 = c0, u4 = 3 c1) the flow gives
    beta_c0 = -2 c0 - V_D (N + 2) c1 / (1 + c0)^2 and beta_c1 = (D - 4) c1 + 2 V_D (N + 8) c1^2 / (1 + c0)^3,
    so with A = (N + 2)(4 - D) / (2 (N + 8)): c0 = -A / (2 + A), c1 = (4 - D)(1 + c0)^3 / (2 V_D (N + 8))
    (D = 3, N = 1: c0 = -1/13).
    Around the minimum (w = lambda2 (rho - kappa), s = 1 + 2 kappa lambda2 the radial denominator):
    (D - 2) kappa = V_D (3 / s^2 + N - 1) and 4 - D = 2 V_D lambda2 (9 / s^3 + N - 1), so s solves
    (N - 1) s^4 - (N - 1)(1 + a) s^3 + (9 - 3 a) s - 9 = 0 with a = (4 - D)/(D - 2); every real root
    s > 1 gives one candidate. Other regulators: :func:`_regulated_guesses`.
    """
    if get_regulator(regulator).name != "litim":
        return _regulated_guesses(dim, n_components, expansion, threshold_function(regulator, dim))
    vd = litim_volume(dim)
    if expansion == "zero":
        a_term = (n_components + 2) * (4 - dim) / (2 * (n_components + 8))
        c0 = -a_term / (2 + a_term)
        c1 = (4 - dim) * (1 + c0) ** 3 / (2 * vd * (n_components + 8))
        return [np.array([c0, 3 * c1])]
    a, m = (4 - dim) / (dim - 2), n_components - 1
    if m:
        roots = np.roots([m, -m * (1 + a), 0.0, 9 - 3 * a, -9.0])
    else:  # N = 1: (9 - 3 a) s = 9, no root with s > 0 for a >= 3 (D <= 2.5)
        roots = np.array([9 / (9 - 3 * a)]) if a < 3 else np.zeros(0)
    guesses = []
    for root in roots:
        if abs(root.imag) > 1e-12 * abs(root) or root.real <= 1:
            continue
        s_ = root.real
        kappa = vd * (3 / s_**2 + m) / (dim - 2)
        guesses.append(np.array([kappa, (4 - dim) / (2 * vd * (9 / s_**3 + m))]))
    return guesses


def _regulated_guesses(dim, n_components, expansion, lam) -> list[np.ndarray]:
    """The lowest truncation's Wilson-Fisher candidates for a regulator with threshold function lam(w).

    Around rho = 0: beta_c0 = -2 c0 + V_D (N + 2) lam'(c0) c1 and beta_c1 = (D - 4) c1 + V_D (N + 8) lam''(c0) c1^2,
    so c0 is the root in (pole, 0) of -2 c0 + (N + 2)(4 - D) lam'(c0) / ((N + 8) lam''(c0)) and
    c1 = (4 - D) / (V_D (N + 8) lam''(c0)). Around the minimum, with s = 2 kappa lambda2:
    (D - 2) kappa = -V_D [(N - 1) lam'(0) + 3 lam'(s)], 4 - D = V_D lambda2 [(N - 1) lam''(0) + 9 lam''(s)], so s
    is a root of s (D - 2) [(N - 1) lam''(0) + 9 lam''(s)] + 2 (4 - D) [(N - 1) lam'(0) + 3 lam'(s)] (for Litim
    these are the closed forms above).
    """
    vd, m = litim_volume(dim), n_components - 1

    def d12(w):
        out = lam.derivatives(np.asarray(w, dtype=float), 3)
        return out[1], out[2]

    if expansion == "zero":
        def h(c0):
            l1, l2 = d12(c0)
            return float(-2 * c0 + (n_components + 2) * (4 - dim) * l1 / ((n_components + 8) * l2))

        low = lam.pole + 1e-9 * max(1.0, abs(lam.pole))
        if not h(low) > 0 > h(0.0):
            return []
        c0 = brentq(h, low, 0.0, xtol=1e-15, rtol=1e-15)
        c1 = (4 - dim) / (vd * (n_components + 8) * d12(c0)[1])
        return [np.array([c0, 3 * c1])]
    l1_0, l2_0 = d12(0.0)

    def q(x):
        l1, l2 = d12(x)
        return x * (dim - 2) * (m * l2_0 + 9 * l2) + 2 * (4 - dim) * (m * l1_0 + 3 * l1)

    grid = np.geomspace(1e-6, 1e6, 241)
    values = q(grid)
    guesses = []
    for i in np.flatnonzero(np.sign(values[:-1]) != np.sign(values[1:])):
        s_ = brentq(lambda x: float(q(x)), grid[i], grid[i + 1], xtol=1e-15, rtol=1e-15)
        l1, l2 = d12(s_)
        kappa = -vd * (m * l1_0 + 3 * l1) / (dim - 2)
        lambda2 = (4 - dim) / (vd * (m * l2_0 + 9 * l2))
        if kappa > 0 and lambda2 > 0:
            guesses.append(np.array([kappa, lambda2]))
    return guesses


_SEED_FLAGS = ("below mean field", "unbounded")


def _is_wilson_fisher(fp) -> bool:
    """A root to continue in the order: inside the range of validity, non-Gaussian, one relevant direction.

    The lowest truncations are crude (around the minimum at order 2 nu is 1/2 for Litim and just below
    for smooth regulators), so a root flagged only for its nu or its boundedness still seeds the
    continuation; the higher orders decide.
    """
    return (fp is not None and fp.n_relevant == 1 and not fp.is_gaussian
            and all(kind in _SEED_FLAGS for kind in fp.flag_kinds))


def _first_order_start(dim, n_components, expansion, seed, regulator="litim"):
    """Wilson-Fisher point of the lowest truncation: refined from its closed form, else a multi-start search."""
    cls = SymmetricPotential if expansion == "zero" else MinimumPotential
    system = cls(dim, n_components, 2, regulator)
    guesses = _lowest_order_guesses(dim, n_components, expansion, regulator)
    found = [fp for fp in (refine_fixed_point(system, g) for g in guesses) if _is_wilson_fisher(fp)]
    if found:
        return min(found, key=lambda fp: float(np.linalg.norm(fp.couplings)))
    if expansion == "zero":
        bounds = [(system.pole * 0.9, 0.0), (0.0, 50.0 * n_components * system.vd + 1.0)]
    else:
        bounds = [(0.0, 2.0 * n_components * system.vd + 0.1), (0.0, 20.0)]
    search = find_fixed_points(system, n_starts=24, bounds=bounds, seed=seed)
    for fp in search:
        if _is_wilson_fisher(fp):
            return fp
    return None


def potential_fixed_point(dim: float, n_components: float, order: int, *, expansion: str = "minimum",
                          seed=0, regulator="litim") -> FixedPoint | None:
    """The Wilson-Fisher fixed point of a polynomial LPA truncation, solved order by order.

    The lowest truncation (``u2, u4`` or ``kappa, lambda2``) is solved from the closed form of its
    fixed-point equations (one :func:`refine_fixed_point`); only when that gives no valid
    non-Gaussian root with one relevant direction is it searched with :func:`find_fixed_points`
    from 24 random starts. Each higher order starts from the previous solution, with the new
    coupling solved from its own beta function (the others held fixed), and needs one root solve.

    Parameters
    ----------
    dim : float
        D > 2.
    n_components : float
        N >= 1.
    order : int
        Order of the truncation (``order`` of :class:`SymmetricPotential` or
        :class:`MinimumPotential`), >= 2.
    expansion : {"minimum", "zero"}
        Around the running minimum (converges) or around rho = 0 (oscillates at high order).
    seed : None, int or Generator
        For the random starts of the lowest-order search (used only when the closed form fails).
    regulator : str, default "litim"
        A regulator of :data:`~tensornn.theory.REGULATORS` or a family member ("exponential(alpha=2)").

    Returns
    -------
    FixedPoint or None
        With ``nu`` and ``omega``; None when the continuation loses the fixed point or ends on a root that is not
        Wilson-Fisher (no single relevant direction, or nu below the mean-field 1/2; the lowest truncation may
        still seed the continuation with such a root, as the exponential regulator's order 2 around the minimum
        does).

    Examples
    --------
    >>> fp = potential_fixed_point(3, 1, 2, expansion="zero")
    >>> round(float(fp.couplings[0]) * 13, 10), round(fp.nu, 5)
    (-1.0, 0.54272)
    """
    expansion = check_choice("expansion", expansion, ("minimum", "zero"))
    order = check_int("order", order, minimum=2, maximum=40)
    cls = MinimumPotential if expansion == "minimum" else SymmetricPotential
    fp = _first_order_start(dim, n_components, expansion, seed, regulator)
    if fp is not None and order > 2:
        g = fp.couplings
        for m in range(3, order + 1):  # roots only: one description at the end
            g = _extend_couplings(cls(dim, n_components, m, regulator), g)
            if g is None:
                return None
        fp = describe_root(cls(dim, n_components, order, regulator), g)
    return fp if _is_wilson_fisher_like(fp) else None


def _is_wilson_fisher_like(fp) -> bool:
    """A continued root that can be Wilson-Fisher: one relevant direction and nu above the mean-field 1/2."""
    return _is_wilson_fisher(fp) and "below mean field" not in fp.flag_kinds


def _extend_couplings(system, low):
    """The root of ``system`` (order m + 1) continued from the couplings ``low`` of order m, or None.

    The new coupling enters its own beta function linearly (it multiplies lambda2 or u4 in the loop term, and
    its scaling term), so one batched evaluation at two values gives it; couplings grow like factorials, so
    no fixed starting bracket would do. Then one Newton solve for all couplings.
    """
    low = np.asarray(low, dtype=float)
    h = max(float(np.max(np.abs(low))), 1.0)
    pair = np.stack([np.append(low, 0.0), np.append(low, h)], axis=1)
    with np.errstate(all="ignore"):
        last = np.asarray(system.beta(pair), dtype=float)[-1]
    slope = (last[1] - last[0]) / h
    x = -last[0] / slope if np.isfinite(slope) and slope != 0 else 0.0
    return solve_root(system, np.append(low, x if np.isfinite(x) else 0.0), slide=False)


def extend_order(system, previous: FixedPoint) -> FixedPoint | None:
    """Continue a fixed point of order m to ``system`` (order m + 1): the new coupling from its own equation, then all.

    Returns the :class:`~tensornn.flow.fixed_points.FixedPoint` of ``system``, or None when the Newton solve from
    the extended start fails.
    """
    g = _extend_couplings(system, previous.couplings)
    return None if g is None else describe_root(system, g)


def exponents_by_order(dim: float, n_components: float, orders, *, expansion: str = "minimum", seed=0,
                       regulator="litim"):
    """nu and omega of the Wilson-Fisher point for each truncation order (one continuation; any regulator).

    Returns
    -------
    list of (order, FixedPoint or None)
        None at the orders where the continued root is not Wilson-Fisher (lost, several relevant directions, or
        nu below the mean-field 1/2).
    """
    expansion = check_choice("expansion", expansion, ("minimum", "zero"))
    orders = sorted(check_int("orders", o, minimum=2, maximum=40) for o in orders)
    cls = MinimumPotential if expansion == "minimum" else SymmetricPotential
    out = []
    fp = _first_order_start(dim, n_components, expansion, seed, regulator)
    for m in range(2, orders[-1] + 1):
        if m > 2 and fp is not None:
            fp = extend_order(cls(dim, n_components, m, regulator), fp)
        if m in orders:
            out.append((m, fp if _is_wilson_fisher_like(fp) else None))
    return out

"""The O(N) model at order d^2 of the derivative expansion: flow equations and threshold integrals.

The effective average action of N real scalars in D dimensions, rho = phi.phi/2, is truncated to

    Gamma_k = int d^D x [ U_k(rho) + Z_k(rho) (d phi)^2 / 2 + Y_k(rho) (d rho)^2 / 4 ],

so that at a constant field the two-point function splits into a transverse (Goldstone) part
Z p^2 + U' and a longitudinal (radial) part (Z + rho Y) p^2 + U' + 2 rho U''. The regulator is
R_k(q) = Zbar_k k^2 r(q^2/k^2) with Zbar_k = Z_k at the normalisation point and
eta = -d_t ln Zbar_k; its scale derivative is Zbar_k k^2 rdot(y), rdot = 2 (r - y r') - eta r.

Dimensionless variables (docs/theory/derivative_expansion.md) absorb the loop factor
V_D = 1/(2^D pi^(D/2) Gamma(D/2 + 1)) as the functional LPA does (:mod:`tensornn.flow.functional`):
x = Zbar k^(2-D) rho / V_D, w(x) = U'/(Zbar k^2), z(x) = Z/Zbar, yh(x) = V_D Y k^(D-2)/Zbar^2. With
the momentum average <f> = (D/2) int_0^inf dy y^(D/2-1) f(y), the propagators
g_T = 1/(z y + r + w) and g_L = 1/(z_L y + r + w_L), z_L = z + x yh, w_L = w + 2 x w', the
fixed-point equations are

    d_t w  = (eta - 2) w + (D - 2 + eta) x w' - <rdot [g_L^2 (y z_L' + w_L') + (N - 1) g_T^2 (y z' + w')]>/2,
    d_t z  = eta z + (D - 2 + eta) x z' + <rdot i_T>,
    d_t yh = (D - 2 + 2 eta) yh + (D - 2 + eta) x yh' + <rdot (i_L - i_T)/x>,

where i_T and i_L are the p^2 coefficients of the transverse and longitudinal one-loop two-point
functions (:func:`two_point_integrands`). For N = 1 there is no transverse mode and Y is redundant:
z is the coefficient of the longitudinal p^2 and obeys the z equation with i_L at yh = 0.

Every integrand is linear in r''. For a smooth regulator the average is a Gauss quadrature on
[0, y_max]; the Litim regulator r = (1 - y) theta(1 - y) is taken as the limit of smooth regulators:
on y < 1 the integrands are rational, and r'' = delta(y - 1) multiplies functions of
t = 1 + r'(y) that run from 0 to 1 across the step, so it contributes int_0^1 dt at y = 1
(:func:`momentum_quadrature` puts nodes there).

References
----------
Wetterich, arXiv:1710.05815 (the exact flow equation); Morris and Turner, hep-th/9704202
(the O(N) derivative expansion); von Gersdorff and Wetterich, hep-th/0008114; Canet, Delamotte,
Mouhanna, Vidal, hep-th/0302227; Balog, Chate, Delamotte, Marohnic, Wschebor, arXiv:1907.01829.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.special

from ..theory.regulators import Regulator, get_regulator

__all__ = [
    "LOCALS",
    "MomentumQuadrature",
    "momentum_quadrature",
    "two_point_integrands",
    "loop_terms",
    "field_equations",
]

#: Names of the local values the equations depend on at every point: the functions and two derivatives.
LOCALS = ("w", "w1", "w2", "z", "z1", "z2", "y", "y1", "y2")

#: Nodes per panel of the smooth regulators' quadrature and the panel ends (in y = q^2/k^2).
_PANELS = (0.0, 1.0, 3.0, 7.0, 15.0, 30.0)
_NODES_PER_PANEL = 16

#: Largest y the quadrature reaches: the integrands carry rdot(y) y^(D/2 + 3) at most.
_Y_CAP = 200.0


@dataclass(frozen=True, repr=False)
class MomentumQuadrature:
    """Nodes and weights of the momentum average <F> = (D/2) int_0^inf dy y^(D/2-1) F(y; r, r', r'').

    The sum over nodes, sum_j weight_j F(y_j; r_j, r1_j, r2_j), is the average for any F linear in r''.

    Attributes
    ----------
    regulator : Regulator
    dim : float
    y, r, r1, r2, weight : ndarray, shape (Q,)
        Node positions, the regulator shape and its first two derivatives there, and the weights.
        The Litim regulator's delta function r'' = delta(y - 1) is represented by pairs of nodes at
        y = 1 with r2 = 1 and 0 and opposite weights (the difference is the coefficient of r'').
    """

    regulator: Regulator
    dim: float
    y: np.ndarray
    r: np.ndarray
    r1: np.ndarray
    r2: np.ndarray
    weight: np.ndarray

    @property
    def rdot0(self) -> np.ndarray:
        """2 (r - y r') at the nodes (rdot = rdot0 - eta r)."""
        return 2.0 * (self.r - self.y * self.r1)

    def average(self, integrand) -> np.ndarray:
        """sum_j weight_j integrand[..., j]: the average over the last axis."""
        return integrand @ self.weight

    def __repr__(self) -> str:
        return f"MomentumQuadrature({self.regulator.name}, D={self.dim:g}, {len(self.y)} nodes)"


def momentum_quadrature(regulator="litim", dim: float = 3.0, *, nodes_per_panel: int = _NODES_PER_PANEL):
    """The quadrature of the momentum average for a regulator of the registry at dimension ``dim``.

    Smooth regulators: Gauss-Jacobi on [0, 1] (weight y^(D/2-1) exactly) and Gauss-Legendre panels
    [1, 3], [3, 7], [7, 15], [15, 30], [30, y_max], y_max where rdot(y) y^(D/2 + 3) has fallen below
    1e-18 of its size at y = 1 (the integrands grow at most like y^4 times rdot). Litim: Gauss-Jacobi
    on [0, 1] (r = 1 - y, r' = -1, r'' = 0) and the delta function at y = 1 by Gauss-Legendre in
    t = 1 + r' in [0, 1] (r = 0, r' = t - 1).

    Parameters
    ----------
    regulator : str or Regulator
        A name of :data:`~tensornn.theory.REGULATORS`.
    dim : float
        D > 0.
    nodes_per_panel : int
        Gauss nodes per panel (default 16; convergence is studied in docs/derivative_expansion.md).

    Returns
    -------
    MomentumQuadrature

    Examples
    --------
    >>> q = momentum_quadrature("litim", 3.0)
    >>> round(float(q.average(q.rdot0)), 12)   # <2 theta(1 - y)> = 2
    2.0
    """
    reg = get_regulator(regulator)
    half = dim / 2.0
    xj, wj = scipy.special.roots_jacobi(nodes_per_panel, 0.0, half - 1.0)
    y0 = (1.0 + xj) / 2.0  # [0, 1], weight (1 + xi)^(D/2-1) = 2^(D/2-1) y^(D/2-1)
    w0 = wj * half / 2.0**half  # dy = dxi/2 and the factor 2^(1-D/2)
    if reg.counting:
        t, wt = np.polynomial.legendre.leggauss(3)
        t, wt = (1.0 + t) / 2.0, wt / 2.0 * half  # y = 1: y^(D/2-1) = 1
        ones = np.ones_like(t)
        y = np.concatenate([y0, ones, ones])
        r = np.concatenate([1.0 - y0, 0.0 * t, 0.0 * t])
        r1 = np.concatenate([-np.ones_like(y0), t - 1.0, t - 1.0])
        r2 = np.concatenate([np.zeros_like(y0), ones, 0.0 * t])
        weight = np.concatenate([w0, wt, -wt])
        return MomentumQuadrature(reg, float(dim), y, r, r1, r2, weight)
    ends = list(_PANELS) + [_upper_end(reg, dim)]
    ys, ws = [y0], [w0]
    xl, wl = np.polynomial.legendre.leggauss(nodes_per_panel)
    for a, b in zip(ends[1:-1], ends[2:]):
        if b <= a:
            continue
        yy = a + (b - a) * (1.0 + xl) / 2.0
        ys.append(yy)
        ws.append(wl * (b - a) / 2.0 * half * yy ** (half - 1.0))
    y, weight = np.concatenate(ys), np.concatenate(ws)
    r, r1, r2 = (np.asarray(a, dtype=float) for a in reg.shape_derivatives(y))
    return MomentumQuadrature(reg, float(dim), y, r, r1, r2, weight)


def _upper_end(reg, dim) -> float:
    """y_max: the first y > 30 where |rdot(y)| y^(D/2 + 3) < 1e-18 |rdot(1)| (at most _Y_CAP)."""
    grid = np.linspace(1.0, _Y_CAP, 2000)
    r, r1, _ = reg.shape_derivatives(grid)
    size = np.abs(2.0 * (r - grid * r1)) * grid ** (dim / 2.0 + 3.0)
    small = np.nonzero((size < 1e-18 * size[0]) & (grid > _PANELS[-1]))[0]
    return float(grid[small[0]]) if small.size else _Y_CAP


# ----------------------------------------------------------------------------- the integrands


def _bubble(gc, ge, ze, v0, vpq, vp2, y, r1, r2, dim):
    """p^2 coefficient of g_c(q)^2 g_e(q + p) V(p, q, -p - q)^2, averaged over the direction of q.

    V = v0 + vpq (p.q) + vp2 p^2 (v0 holds the q^2 dependence); g_e(q + p) is expanded to second order
    in 2 p.q + p^2 with g_e' = -g_e^2 (z_e + r'), g_e'' = 2 g_e^3 (z_e + r')^2 - g_e^2 r'', and
    <(p.q)^2> = p^2 q^2 / D.
    """
    ge1 = -ge * ge * (ze + r1)
    ge2 = 2.0 * ge**3 * (ze + r1) ** 2 - ge * ge * r2
    return gc * gc * (ge * (2.0 * v0 * vp2 + vpq * vpq * y / dim) + ge1 * (v0 * v0 + 4.0 * v0 * vpq * y / dim)
                      + 2.0 * ge2 * v0 * v0 * y / dim)


def two_point_integrands(loc: dict, x, n_components: float, dim: float, y, r, r1, r2):
    """The p^2 coefficients of the one-loop two-point functions, per unit rdot(y), and the propagators.

    d_t Gamma^(2)_aa(p) = int_q d_t R(q) { sum_ce g_c(q)^2 g_e(q + p) V_ace^2 - (1/2) sum_c g_c(q)^2 W_aacc },
    with the three-point vertices V (divided by phi) and the p^2 parts of the four-point vertices W of
    the truncation at a constant field (docs/theory/derivative_expansion.md lists them).

    Parameters
    ----------
    loc : dict
        The local values :data:`LOCALS`, arrays broadcasting against ``y`` (e.g. shape (m, 1)).
    x : ndarray
        The points (same broadcasting).
    n_components, dim : float
    y, r, r1, r2 : ndarray
        Momentum nodes and the regulator shape with its derivatives there.

    Returns
    -------
    gT, gL : ndarray
        The transverse and longitudinal propagators.
    i_T, i_L : ndarray
        The p^2 coefficients (i_T is None for N = 1).
    i_D : ndarray
        (i_L - i_T)/x written without the division (regular at x = 0); None for N = 1.
    """
    w, w1, w2 = loc["w"], loc["w1"], loc["w2"]
    z, z1, z2 = loc["z"], loc["z1"], loc["z2"]
    yh, y1, y2 = loc["y"], loc["y1"], loc["y2"]
    n = n_components
    zl = z + x * yh
    wl = w + 2.0 * x * w1
    gT = 1.0 / (z * y + r + w)
    gL = 1.0 / (zl * y + r + wl)
    vl = z1 + yh + x * y1  # the momentum coefficient of the radial three-point vertex
    b_lll = _bubble(gL, gL, zl, 3.0 * w1 + 2.0 * x * w2 + vl * y, vl, vl, y, r1, r2, dim)
    tad_l = gL * gL * (yh + 5.0 * x * y1 + 2.0 * x * x * y2 + z1 + 2.0 * x * z2)
    if n == 1:
        return gT, gL, None, 2.0 * x * b_lll - 0.5 * tad_l, None
    b_ltt = _bubble(gT, gT, z, w1 + z1 * y, z1, yh / 2.0, y, r1, r2, dim)
    b_tlt = _bubble(gL, gT, z, w1 + yh * y / 2.0, z1, z1, y, r1, r2, dim)
    b_ttl = _bubble(gT, gL, zl, w1 + yh * y / 2.0, yh - z1, yh / 2.0, y, r1, r2, dim)
    i_L = 2.0 * x * (b_lll + (n - 1.0) * b_ltt) - 0.5 * (tad_l + (n - 1.0) * gT * gT * (x * y1 + z1))
    i_T = 2.0 * x * (b_tlt + b_ttl) - 0.5 * (gL * gL * (z1 + 2.0 * x * z2) + gT * gT * (yh + z1)
                                            + (n - 2.0) * gT * gT * z1)
    delta = -gL * gT * (y * yh + 2.0 * w1)  # (g_L - g_T)/x
    i_D = 2.0 * (b_lll + (n - 1.0) * b_ltt - b_tlt - b_ttl) - 0.5 * (
        yh * (gL + gT) * delta + gL * gL * (5.0 * y1 + 2.0 * x * y2) + (n - 1.0) * gT * gT * y1)
    return gT, gL, i_T, i_L, i_D


def loop_terms(loc: dict, x, eta, n_components: float, quad: MomentumQuadrature, *, order: str = "d2"):
    """The loop parts of d_t w, d_t z and d_t yh at points x (arrays of shape (m,)).

    Parameters
    ----------
    loc : dict
        Local values :data:`LOCALS` at the points, arrays of shape (m,) (real or complex).
    x : ndarray, shape (m,)
    eta : float or complex
    n_components : float
    quad : MomentumQuadrature
    order : {"lpa", "lpa_prime", "d2"}
        "lpa" and "lpa_prime" return only the potential's loop (z and yh loops None).

    Returns
    -------
    w_loop, z_loop, y_loop : ndarray, shape (m,), or None
        z_loop is <rdot i_T> for N > 1 and <rdot i_L> for N = 1; y_loop is <rdot (i_L - i_T)/x>
        (None for N = 1).
    """
    col = {k: np.asarray(v)[:, None] for k, v in loc.items()}
    xc = np.asarray(x)[:, None]
    y, r, r1, r2 = quad.y, quad.r, quad.r1, quad.r2
    rdot = quad.rdot0 - eta * r
    wt = rdot * quad.weight
    n = n_components
    if order != "d2":
        zl, wl = col["z"] + xc * col["y"], col["w"] + 2.0 * xc * col["w1"]
        gT = 1.0 / (col["z"] * y + r + col["w"])
        gL = 1.0 / (zl * y + r + wl)
    else:
        gT, gL, i_T, i_L, i_D = two_point_integrands(col, xc, n, quad.dim, y, r, r1, r2)
    zl1 = col["z1"] + col["y"] + xc * col["y1"]
    wl1 = 3.0 * col["w1"] + 2.0 * xc * col["w2"]
    w_int = gL * gL * (y * zl1 + wl1)
    if n != 1:
        w_int = w_int + (n - 1.0) * gT * gT * (y * col["z1"] + col["w1"])
    w_loop = -0.5 * (w_int @ wt)
    if order != "d2":
        return w_loop, None, None
    if n == 1:
        return w_loop, i_L @ wt, None
    return w_loop, i_T @ wt, i_D @ wt


def field_equations(loc: dict, x, eta, n_components: float, dim: float, quad: MomentumQuadrature, *,
                    order: str = "d2"):
    """d_t w, d_t z, d_t yh at points x: the scaling terms plus :func:`loop_terms`.

    Returns a tuple of arrays of shape (m,): (F_w,) for "lpa" and "lpa_prime", (F_w, F_z) for
    "d2" with N = 1, (F_w, F_z, F_y) for "d2" with N > 1.

    Examples
    --------
    The Litim LPA at w = 0 (the Gaussian point): d_t w = -<rdot g^2 (N + 2) w'>/2 = -(N + 2) w'.

    >>> import numpy as np
    >>> quad = momentum_quadrature("litim", 3.0)
    >>> loc = {k: np.zeros(1) for k in LOCALS} | {"z": np.ones(1), "w1": np.ones(1)}
    >>> round(float(field_equations(loc, np.zeros(1), 0.0, 1, 3.0, quad, order="lpa")[0][0]), 12)
    -3.0
    """
    w_loop, z_loop, y_loop = loop_terms(loc, x, eta, n_components, quad, order=order)
    flow = dim - 2.0 + eta
    f_w = (eta - 2.0) * loc["w"] + flow * x * loc["w1"] + w_loop
    if order != "d2":
        return (f_w,)
    f_z = eta * loc["z"] + flow * x * loc["z1"] + z_loop
    if n_components == 1:
        return f_w, f_z
    f_y = (dim - 2.0 + 2.0 * eta) * loc["y"] + flow * x * loc["y1"] + y_loop
    return f_w, f_z, f_y


def gaussian_threshold(quad: MomentumQuadrature) -> float:
    """<rdot g^2> at w = 0, z = 1, eta = 0: the loop factor of the Gaussian point's linearisation."""
    g = 1.0 / (quad.y + quad.r)
    return float(quad.average(quad.rdot0 * g * g))

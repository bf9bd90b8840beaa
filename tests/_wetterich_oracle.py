"""An independent evaluation of the one-loop two-point function of the O(d^2) truncation in D = 3.

Nothing here uses the derivative-expansion module's vertices, expansions or angular averages:

- the vertices Gamma^(n) of U(rho) + Z(rho) (d phi)^2/2 + Y(rho) (d rho)^2/4 at a constant background
  are read off the Lagrangian density itself, evaluated on chi_a = sum_i eps_i delta(a, t_i) e^(i k_i x)
  in the algebra of nilpotent numbers (eps_i^2 = 0): the coefficient of eps_1 ... eps_n is the vertex;
- the loop is integrated over q in three dimensions (|q| and the angle to p) at finite p, with both
  regulator insertions of d_t [G(q) G(q + p)] (no shift of the loop momentum), summing over every
  internal field component;
- the p^2 coefficient is read off a polynomial fit in p^2 at small p.

The master formula is the second field derivative of the exact flow,
d_t Gamma^(2)_ab(p) = -(1/2) d~_t Tr[G Gamma^(3)_a G Gamma^(3)_b] + (1/2) d~_t Tr[G Gamma^(4)_ab].
"""

from __future__ import annotations

import itertools
import math

import numpy as np


class Nil:
    """sum_S c_S eps^S over subsets S of n nilpotent units (eps_i^2 = 0); c has shape (2^n, *batch)."""

    def __init__(self, c, n):
        self.c, self.n = c, n

    @classmethod
    def constant(cls, value, n, batch):
        c = np.zeros((2**n,) + batch, dtype=complex)
        c[0] = value
        return cls(c, n)

    def __add__(self, other):
        if isinstance(other, Nil):
            return Nil(self.c + other.c, self.n)
        c = self.c.copy()
        c[0] = c[0] + other
        return Nil(c, self.n)

    __radd__ = __add__

    def __mul__(self, other):
        if not isinstance(other, Nil):
            return Nil(self.c * other, self.n)
        out = np.zeros(np.broadcast_shapes(self.c.shape, other.c.shape), dtype=complex)
        for a in range(2**self.n):
            rest = (2**self.n - 1) & ~a
            b = rest
            while True:  # every subset b of the complement of a
                out[a | b] += self.c[a] * other.c[b]
                if b == 0:
                    break
                b = (b - 1) & rest
        return Nil(out, self.n)

    __rmul__ = __mul__

    def top(self):
        """The coefficient of eps_1 ... eps_n."""
        return self.c[-1]


def _poly(coefficients, delta, n, batch):
    """sum_k c_k delta^k / k! for a nilpotent delta (no constant part)."""
    out = Nil.constant(0.0, n, batch)
    power = Nil.constant(1.0, n, batch)
    for k, ck in enumerate(coefficients):
        out = out + power * (ck / math.factorial(k))
        power = power * delta
    return out


def vertex(couplings, rho, types, momenta):
    """Gamma^(n)_{types}(momenta) at the constant background phi = (sqrt(2 rho), 0, ...).

    couplings : dict with "U" (U, U', ..., U''''), "Z" (Z, Z', Z''), "Y" (Y, Y', Y'') at rho.
    types : tuple of component indices (0 is the background direction).
    momenta : list of arrays of shape (3, B), summing to zero.
    """
    n = len(types)
    batch = momenta[0].shape[1:]
    comps = range(max(max(types) + 1, 1))
    chi = {a: Nil.constant(0.0, n, batch) for a in comps}
    dchi = {a: [Nil.constant(0.0, n, batch) for _ in range(3)] for a in comps}
    for i, (t, k) in enumerate(zip(types, momenta)):
        unit = np.zeros((2**n,) + batch, dtype=complex)
        unit[1 << i] = 1.0
        chi[t] = chi[t] + Nil(unit, n)
        for mu in range(3):
            dchi[t][mu] = dchi[t][mu] + Nil(unit * (1j * k[mu]), n)
    phi = {a: chi[a] + (math.sqrt(2 * rho) if a == 0 else 0.0) for a in comps}
    delta = Nil.constant(0.0, n, batch)
    for a in comps:
        delta = delta + phi[a] * phi[a] * 0.5
    delta = delta + (-rho)
    dphi2 = Nil.constant(0.0, n, batch)
    drho2 = Nil.constant(0.0, n, batch)
    for mu in range(3):
        drho_mu = Nil.constant(0.0, n, batch)
        for a in comps:
            dphi2 = dphi2 + dchi[a][mu] * dchi[a][mu]
            drho_mu = drho_mu + phi[a] * dchi[a][mu]
        drho2 = drho2 + drho_mu * drho_mu
    lagrangian = (_poly(couplings["U"], delta, n, batch) + _poly(couplings["Z"], delta, n, batch) * dphi2 * 0.5
                  + _poly(couplings["Y"], delta, n, batch) * drho2 * 0.25)
    return np.real(lagrangian.top())


def two_point_flow(couplings, rho, n_components, external, p, shape, *, n_q=160, n_c=24, q_max=9.0):
    """d_t Gamma^(2)_aa(p) at |p| = p for component ``external``, integrated over q in D = 3 (eta = 0).

    shape : callable y -> (r, r') of the regulator R = r(q^2) (k = 1, Zbar = 1); d_t R = 2 (r - y r').
    """
    qn, qw = np.polynomial.legendre.leggauss(n_q)
    qn, qw = q_max * (1 + qn) / 2, qw * q_max / 2
    cn, cw = np.polynomial.legendre.leggauss(n_c)
    qq, cc = np.meshgrid(qn, cn, indexing="ij")
    weight = (qw[:, None] * cw[None, :] * qq**2 / (4 * math.pi**2)).ravel()
    qv = np.stack([qq * cc, qq * np.sqrt(1 - cc**2), 0 * qq]).reshape(3, -1)
    pv = np.zeros_like(qv)
    pv[0] = p
    comps = range(n_components)

    def prop(c, k):
        g2 = vertex(couplings, rho, (c, c), [k, -k])
        y = np.sum(k * k, axis=0)
        r, r1 = shape(y)
        return 1.0 / (g2 + r), 2 * (r - y * r1)

    a = external
    total = 0.0
    for c, e in itertools.product(comps, comps):
        v = vertex(couplings, rho, (a, c, e), [pv, qv, -pv - qv])
        if not np.any(np.abs(v) > 1e-14):
            continue
        gc, dc = prop(c, qv)
        ge, de = prop(e, qv + pv)
        total = total + 0.5 * np.sum(weight * (dc * gc * gc * ge + de * gc * ge * ge) * v * v)
    for c in comps:
        w4 = vertex(couplings, rho, (a, a, c, c), [pv, -pv, qv, -qv])
        gc, dc = prop(c, qv)
        total = total - 0.5 * np.sum(weight * dc * gc * gc * w4)
    return total


def p2_coefficient(function, steps=(0.02, 0.04, 0.06, 0.08)):
    """A of f(p) = f0 + A p^2 + B p^4 + C p^6 + D p^8, fitted exactly through f(0) and f(steps)."""
    ps = np.array((0.0,) + tuple(steps))
    values = np.array([function(p) for p in ps])
    matrix = np.vander(ps**2, len(ps), increasing=True)
    return float(np.linalg.solve(matrix, values)[1])

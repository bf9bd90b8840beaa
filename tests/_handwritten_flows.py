"""Flow systems written out by hand, used as oracles for the generic flow tools.

- ScalarPhi6: one real scalar in D dimensions, Litim, U = u2 phi^2/2 + u4 phi^4/4! + u6 phi^6/6!,
  eta = 0; the flows typed from the scalar anchors of docs/theory/flow.md (phi^4 truncation: u6 = 0 and absent).
- TensorMelonic: complex rank-d tensor, one pillow per colour with coupling lambda/2, kinetic
  term sum |p_i|^s, Litim, continuum strand sums N_S(k) = B k^(d-1) (the melonic tensor check of docs/theory/flow.md).
  With ``lpa_prime=True`` the anomalous dimension of the melonic tadpole is included:
  d_t R = Z [s k^s - eta (k^s - E)] theta(k^s - E) gives the threshold sums
  L_n = s B k^(d-1+s) (1 - eta/(d-1+s)) / (Z^(n-1) (k^s + mu/Z)^n), and the e_c(p_c) derivative
  of the colour-c tadpole gives eta = -(d-1) a / (1 - a), a = B lam / (1 + mu)^2 (dimensionless
  mu = mu / (Z k^s), lam = lambda k^(d-1-2s) / Z^2, i.e. [lambda] = 2s - (d - 1)), with its pole
  at a = 1.
"""

from __future__ import annotations

import math

import numpy as np


def litim_vd(dim):
    return 1.0 / (2.0**dim * math.pi ** (dim / 2) * math.gamma(dim / 2 + 1))


class ScalarPhi6:
    """The scalar anchors of docs/theory/flow.md, typed in. ``phi6=False`` drops u6 (phi^4 truncation)."""

    autonomous = True

    def __init__(self, dim=3.0, phi6=True):
        self.dim, self.phi6 = float(dim), phi6
        self.vd = litim_vd(dim)
        self.names = ("u2", "u4", "u6") if phi6 else ("u2", "u4")
        self.validity_names = ("1 + u2",)
        d = self.dim
        self.canonical_dimensions = np.array([2.0, 4.0 - d, 6.0 - 2.0 * d][: len(self.names)])

    def _loop(self, u2, u4, u6, k2, kd2):
        vd = self.vd
        du2 = -vd * kd2 * u4 / (k2 + u2) ** 2
        du4 = vd * kd2 * (6 * u4**2 / (k2 + u2) ** 3 - u6 / (k2 + u2) ** 2)
        du6 = vd * kd2 * (30 * u4 * u6 / (k2 + u2) ** 3 - 90 * u4**3 / (k2 + u2) ** 4)
        return du2, du4, du6

    def beta_dimensionful(self, t, g):
        g = np.asarray(g)
        u6 = g[2] if self.phi6 else 0.0 * g[0]
        k = np.exp(t)
        out = self._loop(g[0], g[1], u6, k**2, k ** (self.dim + 2))
        return np.stack(out[: len(self.names)])

    def beta(self, g, t=None):
        g = np.asarray(g)
        u6 = g[2] if self.phi6 else 0.0 * g[0]
        loop = self._loop(g[0], g[1], u6, 1.0, 1.0)
        dims = self.canonical_dimensions
        return np.stack([-dims[i] * g[i] + loop[i] for i in range(len(self.names))])

    def to_dimensionless(self, t, g):
        g = np.asarray(g)
        return g * np.exp(-t * self.canonical_dimensions).reshape((-1,) + (1,) * (g.ndim - 1))

    def eta(self, g, t=None):
        return np.zeros(np.shape(g)[1:])

    def validity(self, g, t=None):
        g = np.asarray(g)
        return (1.0 + g[0])[None, ...]


class TensorMelonic:
    """The melonic tensor check of docs/theory/flow.md, dimensionless (mu, lam), optionally with the LPA' eta."""

    autonomous = True
    names = ("mu", "lam")

    def __init__(self, d=3, s=1.5, lpa_prime=False):
        self.d, self.s, self.lpa_prime = d, float(s), lpa_prime
        self.B = (2 * math.gamma(1 + 1 / s)) ** (d - 1) / math.gamma(1 + (d - 1) / s)
        self.validity_names = ("1 + mu", "1 - a (eta pole)") if lpa_prime else ("1 + mu",)
        self.canonical_dimensions = np.array([self.s, 2 * self.s - (d - 1)])

    def to_dimensionless(self, t, g):
        g = np.asarray(g)
        return g * np.exp(-t * self.canonical_dimensions).reshape((-1,) + (1,) * (g.ndim - 1))

    def _a(self, g):
        return self.B * g[1] / (1 + g[0]) ** 2

    def eta(self, g, t=None):
        g = np.asarray(g)
        if not self.lpa_prime:
            return np.zeros(g.shape[1:])
        a = self._a(g)
        return -(self.d - 1) * a / (1 - a)

    def beta(self, g, t=None):
        g = np.asarray(g)
        d, s, B = self.d, self.s, self.B
        mu, lam = g[0], g[1]
        eta = self.eta(g)
        fac = 1 - eta / (d - 1 + s)
        dmu = -(s - eta) * mu - d * s * B * lam * fac / (1 + mu) ** 2
        dlam = (d - 1 - 2 * s + 2 * eta) * lam + 2 * s * B * lam**2 * fac / (1 + mu) ** 3
        return np.stack([dmu, dlam])

    def beta_dimensionful(self, t, g):
        # Z = 1 reading (eta = 0) of the tensor check in docs/theory/flow.md.
        g = np.asarray(g)
        d, s, B = self.d, self.s, self.B
        k = np.exp(t)
        mu, lam = g[0], g[1]
        return np.stack([
            -d * s * B * lam * k ** (d - 1 + s) / (k**s + mu) ** 2,
            2 * s * B * lam**2 * k ** (d - 1 + s) / (k**s + mu) ** 3,
        ])

    def validity(self, g, t=None):
        g = np.asarray(g)
        if self.lpa_prime:
            return np.stack([1 + g[0], 1 - self._a(g)])
        return (1 + g[0])[None, ...]

    def potential_coefficients(self, g):
        """Along a rank-one tensor each of the d pillows equals |f|^4: the quartic coefficient is d lam / 2."""
        quartic = self.d * float(np.asarray(g)[1]) / 2
        return ("lam", "lam"), quartic, quartic

    def closed_form_fixed_point(self):
        """eta = 0: mu* = c / (s - c), c = d (d - 1 - 2s) / 2; lam* = -(d - 1 - 2s)(1 + mu*)^3 / (2 s B)."""
        d, s, B = self.d, self.s, self.B
        c = d * (d - 1 - 2 * s) / 2
        mu = c / (s - c)
        lam = -(d - 1 - 2 * s) * (1 + mu) ** 3 / (2 * s * B)
        return np.array([mu, lam])

    def closed_form_matrix(self, g):
        """eta = 0: analytic d beta_i / d g_j."""
        d, s, B = self.d, self.s, self.B
        mu, lam = g
        return np.array([
            [-s + 2 * d * s * B * lam / (1 + mu) ** 3, -d * s * B / (1 + mu) ** 2],
            [-6 * s * B * lam**2 / (1 + mu) ** 4, (d - 1 - 2 * s) + 4 * s * B * lam / (1 + mu) ** 3],
        ])


class NonAutonomous:
    """d g / dt = -2 g + exp(-t): the dimensionless flow depends on t."""

    autonomous = False
    names = ("g",)

    def beta(self, g, t=None):
        return -2 * np.asarray(g) + np.exp(-t)

    def beta_dimensionful(self, t, g):
        return self.beta(g, t)

    def eta(self, g, t=None):
        return np.zeros(np.shape(g)[1:])

    def validity(self, g, t=None):
        return np.ones((1,) + np.shape(g)[1:])

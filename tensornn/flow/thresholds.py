"""Threshold sums L_n^S: sums over the modes of the colours in S of d_t R G^n.

Litim regulator, R_k = Z (k^s - E) theta(k^s - E), x = k^s. Inside the window E <= x the
propagator is G = 1/(Z x + m) and d_t R = Z [s x - eta (x - E)], so

    L_n^S = Z [s x N_S(x) - eta (x N_S(x) - M_S(x))] / (Z x + m)^n,

with N_S the number (or volume) of modes of the colours in S with E <= x, every colour outside S at
its zero mode, and M_S the first moment (sum of E). N_S is computed by :class:`ModeCount`: flat
colours multiply it by their size, continuum colours combine in closed form (Dirichlet integral over
the product of balls), discrete colours (lattice, empirical) by exact enumeration of sums of
eigenvalues, convolved with the continuum part.

Exponential regulator, R_k = Z E / (exp(E/x) - 1): the sum does not reduce to counting; with
u = E/x, L_n^S = Z x^(1-n) sum_a s u^2 e^u / (e^u - 1)^2 / (u / (1 - e^(-u)) + m/(Z x))^n,
summed over the discrete modes (eta = 0).
"""

from __future__ import annotations

from math import gamma

import numpy as np

from ..errors import InvalidArgumentError
from ..theory.colours import ContinuumColour, EmpiricalColour, FlatColour, _ball_factor

__all__ = ["ModeCount"]

_EXP_CUTOFF = 40.0  # modes with E > 40 k^s contribute below exp(-40) to the exponential sums
_MAX_TABLE = 1 << 20  # finite spectra with at most this many mode sums are tabulated once


class ModeCount:
    """Counting function of the colours in S (others at their zero mode).

    Parameters
    ----------
    colours : sequence of Colour
        All colours of the theory (ordered as ``Theory.ordered_colours``).
    subset : iterable of int
        Indices of the colours summed inside the loop.
    """

    def __init__(self, colours, subset):
        self.subset = frozenset(subset)
        inside = [colours[i] for i in sorted(self.subset)]
        self.offset = float(sum(colours[i].zero_mode for i in range(len(colours)) if i not in self.subset))
        self.factor = float(np.prod([c.size for c in inside if isinstance(c, FlatColour)]))
        self.continuum = [c for c in inside if isinstance(c, ContinuumColour)]
        self.discrete = [c for c in inside if not isinstance(c, (ContinuumColour, FlatColour))]
        if self.continuum:
            s = self.continuum[0].power
            self.exponent = sum(c.dimension for c in self.continuum) / s
            pre = np.prod([c.density * _ball_factor(c.dimension, s) * c.scale ** (-c.dimension / s) for c in self.continuum])
            self.prefactor = float(pre) / gamma(1 + self.exponent)
        else:
            self.exponent, self.prefactor = 0.0, 1.0
        self._table = None
        if self.discrete and all(isinstance(c, EmpiricalColour) for c in self.discrete) and \
                np.prod([len(c.values) for c in self.discrete], dtype=float) <= _MAX_TABLE:
            values = self._discrete_values(np.inf)
            self._table = (values, np.concatenate([[0.0], np.cumsum(values)]))

    @property
    def power_law(self) -> bool:
        """True when N_S(x) = B x^p exactly (no discrete colours, zero modes at e = 0)."""
        return not self.discrete and self.offset == 0.0

    def _discrete_values(self, x_max):
        values = np.zeros(1)
        for c in self.discrete:
            values = np.add.outer(values, c.eigenvalues(x_max)).ravel()
            values = values[values <= x_max]
        return np.sort(values)

    def _continuum(self, y):
        y = np.maximum(y, 0.0)
        n = self.prefactor * y**self.exponent
        p = self.exponent
        return n, p / (p + 1) * y * n

    def count(self, x: float) -> tuple[float, float]:
        """(N_S(x), M_S(x)) at x = k^s (M_S includes the zero-mode energies of the colours outside S)."""
        y = x - self.offset
        if y < 0:
            return 0.0, 0.0
        if not self.discrete:
            n, m = self._continuum(y)
            return self.factor * float(n), self.factor * float(m + self.offset * n)
        if self._table is not None and not self.continuum:  # finite spectra: a lookup in the sorted mode sums
            values, cumulative = self._table
            n = int(np.searchsorted(values, y, side="right"))
            return self.factor * n, self.factor * float(cumulative[n] + self.offset * n)
        values = self._discrete_values(y) if self._table is None else self._table[0][
            : int(np.searchsorted(self._table[0], y, side="right"))]
        n, m = self._continuum(y - values)
        total_n = float(np.sum(n))
        total_m = float(np.sum(m + (values + self.offset) * n))
        return self.factor * total_n, self.factor * total_m

    def log_derivative(self, x: float) -> float:
        """x dN_S/dx / N_S = (1/s) d ln N_S / d ln k (needs a differentiable counting function)."""
        if self.discrete:
            raise InvalidArgumentError(
                "the anomalous dimension needs the density of states of the loop colours, which is not defined "
                f"for discrete colours ({', '.join(c.kind for c in self.discrete)}); use continuum or flat colours"
            )
        y = x - self.offset
        return self.exponent * x / y if y > 0 else 0.0

    def effective_dimension(self, k: float, s: float, rel_step: float = 0.05) -> float:
        """d ln N_S / d ln k at scale k (for discrete spectra a central difference over k (1 -+ rel_step))."""
        if not self.discrete:
            return s * self.log_derivative(k**s)
        lo, hi = self.count((k * (1 - rel_step)) ** s)[0], self.count((k * (1 + rel_step)) ** s)[0]
        if lo <= 0 or hi <= 0:
            return float("nan")
        return (np.log(hi) - np.log(lo)) / (np.log1p(rel_step) - np.log1p(-rel_step))

    def exponential_modes(self, x: float) -> np.ndarray:
        """u = E / x of the modes, for the exponential regulator (flat and discrete colours only)."""
        if self.continuum:
            raise InvalidArgumentError(
                "the exponential regulator sums over explicit modes; continuum colours are only supported with the "
                "Litim regulator (use regulator='litim' or a lattice colour)"
            )
        values = self._discrete_values(_EXP_CUTOFF * x) + self.offset
        return values / x

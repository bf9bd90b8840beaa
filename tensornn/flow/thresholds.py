"""Threshold sums L_n^S: sums over the modes of the colours in S of d_t R G^n.

With x = k^s, u = E/x and the regulator R_k = Z x r(u) (:mod:`tensornn.theory.regulators`),
in the Z-rescaled normalisation (Z = 1)

    L_n^S = x^(1-n) sum_a [s (r - u r') - eta r](u_a) / (u_a + r(u_a) + m/x)^n,
    dL_n^S/de = x^(-n) sum_a d/du [...](u_a)      (one external strand shifted by e),

summed over the modes a of the colours in S, every colour outside S at its zero mode. Both are
linear in eta; ``regulator_eta="omit"`` drops the eta r part of d_t R (d_t R = Z s x (r - u r')).

Litim regulator, r = (1 - u) theta(1 - u): inside the window E <= x the propagator is 1/(x + m) and
the sums are mode counts,

    L_n^S = [s x N_S(x) - eta (x N_S(x) - M_S(x))] / (x + m)^n,   dL_n^S/de = [-s x N_S'(x) + eta N_S(x)] / (x + m)^n,

with N_S the number (or volume) of modes with E <= x and M_S their summed E. :class:`ModeCount`
computes them: flat colours multiply by their size, continuum colours combine in closed form
(Dirichlet integral over the product of balls), discrete colours (lattice, SU(2), empirical) by
exact enumeration of sums of eigenvalues with their degeneracies, convolved with the continuum part.

Smooth regulators (:meth:`ModeCount.regulated_sums`): the summand is evaluated on the grid of
kinetic values E = offset + sum_c e_c(a_c) over the distinct eigenvalues of each discrete colour
(modes with u <= ``regulator.support``) and contracted with the colours' degeneracy vectors by
opt_einsum; continuum colours are integrated, int_0^inf dN(E) F(E/x) = B p x^p int v^(p-1) F(v) dv,
by Gauss-Jacobi quadrature (weight v^(p-1)) on [0, 1] and Gauss-Laguerre quadrature on [1, inf).
"""

from __future__ import annotations

from functools import lru_cache
from math import gamma

import numpy as np
import opt_einsum
from scipy.special import roots_jacobi, roots_laguerre

from ..errors import InvalidArgumentError
from ..theory.colours import ContinuumColour, EmpiricalColour, FlatColour, _ball_factor

__all__ = ["ModeCount", "CountTable", "QUADRATURE_NODES", "MAX_GRID"]

_MAX_TABLE = 1 << 20  # finite empirical spectra with at most this many mode sums are tabulated once

#: Largest joint table (distinct mode sums x tabulated sets) of :class:`CountTable` (32 MB of float64 per array).
MAX_JOINT_TABLE = 4_000_000

#: Quadrature nodes on each of [0, 1] (Gauss-Jacobi, weight v^(p-1)) and [1, inf) (Gauss-Laguerre) for
#: continuum colours with a smooth regulator (tests/test_regulators.py compares with adaptive quadrature).
QUADRATURE_NODES = 64

#: Largest grid of mode sums (points x coupling vectors) evaluated at once by a smooth regulator.
MAX_GRID = 4_000_000

_LETTERS = "abcdefghijklpqrstuvwxyz"


@lru_cache(maxsize=64)
def _radial_rule(p: float, nodes: int):
    """Nodes v_j and weights W_j with int_0^inf v^(p-1) f(v) dv = sum_j W_j f(v_j) for f decaying like e^-v.

    Gauss-Jacobi with the weight v^(p-1) on [0, 1] (where the summands of a regulator vary fastest,
    near the pole m/k^s -> -1) and Gauss-Laguerre on [1, inf).
    """
    t, wt = roots_jacobi(nodes, 0.0, p - 1.0)
    inner_v, inner_w = (1 + t) / 2, wt * 2.0**-p
    y, wy = roots_laguerre(nodes)
    outer_v, outer_w = 1 + y, wy * np.exp(y) * (1 + y) ** (p - 1)
    return np.concatenate([inner_v, outer_v]), np.concatenate([inner_w, outer_w])


def _top(colour) -> float:
    """The largest eigenvalue of a colour with finitely many modes (n_modes), from its spectrum."""
    if isinstance(colour, EmpiricalColour):
        return float(max(colour.values))
    reach = 1.0
    while True:
        values, weights = colour.spectrum(reach)
        if weights.sum() >= colour.n_modes:
            return float(values.max())
        reach *= 4.0


class ModeCount:
    """Counting function and mode sums of the colours in S (others at their zero mode).

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
        sizes = [getattr(c, "n_modes", None) for c in self.discrete]
        if self.discrete and not self.continuum and None not in sizes and np.prod(sizes, dtype=float) <= _MAX_TABLE:
            # finite spectra (empirical, lattice or SU(2) colours with a cutoff): every mode sum, sorted, once
            values, weights = self._discrete_grid(sum(_top(c) for c in self.discrete))
            order = np.argsort(values, kind="stable")
            values, weights = values[order], weights[order]
            self._table = (values, np.concatenate([[0.0], np.cumsum(weights)]),
                           np.concatenate([[0.0], np.cumsum(weights * values)]))

    @property
    def tabulated(self) -> bool:
        """True when (N_S, M_S) are read from a table of the sorted mode sums (colours with finitely many modes)."""
        return self._table is not None

    @property
    def power_law(self) -> bool:
        """True when N_S(x) = B x^p exactly (no discrete colours, zero modes at e = 0)."""
        return not self.discrete and self.offset == 0.0

    def _discrete_grid(self, y_max):
        """Sums of the discrete colours' eigenvalues <= y_max, with the products of their degeneracies."""
        values, weights = np.zeros(1), np.ones(1)
        for c in self.discrete:
            v, w = c.spectrum(y_max)
            values = np.add.outer(values, v).ravel()
            weights = np.multiply.outer(weights, w).ravel()
            keep = values <= y_max
            values, weights = values[keep], weights[keep]
        return values, weights

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
        if self._table is not None:  # finite empirical spectra: a lookup in the sorted mode sums
            values, cumulative_n, cumulative_e = self._table
            i = int(np.searchsorted(values, y, side="right"))
            n, e = cumulative_n[i], cumulative_e[i]
            return self.factor * float(n), self.factor * float(e + self.offset * n)
        values, weights = self._discrete_grid(y)
        n, m = self._continuum(y - values)
        total_n = float(np.sum(weights * n))
        total_m = float(np.sum(weights * (m + (values + self.offset) * n)))
        return self.factor * total_n, self.factor * total_m

    def log_derivative(self, x: float) -> float:
        """x dN_S/dx / N_S = (1/s) d ln N_S / d ln k (needs a differentiable counting function)."""
        if self.discrete:
            raise InvalidArgumentError(
                "the anomalous dimension with the Litim regulator needs the density of states of the loop colours, "
                f"which is not defined for discrete colours ({', '.join(c.kind for c in self.discrete)}); use "
                "continuum or flat colours, or a smooth regulator (regulator='exponential'), whose sums are "
                "differentiable"
            )
        y = x - self.offset
        return self.exponent * x / y if y > 0 else 0.0

    def effective_dimension(self, k: float, s: float, rel_step: float = 0.25) -> float:
        """d ln N_S / d ln k at scale k.

        For continuum and flat colours the exact logarithmic derivative. For discrete spectra, whose
        counting function is a step function, the central difference of ln N_S over k (1 -+ r),
        r = ``rel_step``: exact for a power law, and for a lattice its error from the steps (jumps of
        ln N_S of order 1/k) falls like 1/(r k).
        """
        if not self.discrete:
            return s * self.log_derivative(k**s)
        r = rel_step
        lo, hi = self.count((k * (1 - r)) ** s)[0], self.count((k * (1 + r)) ** s)[0]
        if lo <= 0 or hi <= 0:
            return float("nan")
        return (np.log(hi) - np.log(lo)) / (np.log1p(r) - np.log1p(-r))

    def _mode_grid(self, regulator, x, nodes):
        """(operands, axes, u, shape derivatives, scale) of the sums at x = k^s, cached for the last few x."""
        key = (regulator.name, float(x), int(nodes))
        cache = self.__dict__.setdefault("_grids", {})
        if key in cache:
            return cache[key]
        cut = regulator.support * x - self.offset
        if cut < 0:
            return None
        spectra = [c.spectrum(cut) for c in self.discrete]
        operands, axes = [], []
        energy = np.full((1,) * len(spectra), self.offset)
        for i, (v, g) in enumerate(spectra):
            shape = [1] * len(spectra)
            shape[i] = len(v)
            energy = energy + v.reshape(shape)
            operands.append(g)
            axes.append(_LETTERS[i])
        scale = self.factor
        if self.continuum:
            p = self.exponent
            v, W = _radial_rule(float(p), int(nodes))
            energy = energy[..., None] + x * v
            operands.append(W)
            axes.append("q")
            scale *= self.prefactor * p * x**p  # N(y) = prefactor y^p: dN = prefactor p y^(p-1) dy, y = x v
        if energy.size > MAX_GRID:
            raise InvalidArgumentError(
                f"the smooth-regulator sum over the colours {sorted(self.subset)} needs {energy.size} mode sums at "
                f"k^s = {x:.4g}, above the bound of {MAX_GRID}; give the lattice or SU(2) colours a cutoff, "
                "use fewer modes, or use the Litim regulator (mode counting)"
            )
        u = energy / x
        entry = (operands, "".join(axes), u, regulator.shape_derivatives(u), scale)
        if len(cache) >= 4:
            cache.pop(next(iter(cache)))
        cache[key] = entry
        return entry

    def regulated_sums(self, regulator, x: float, w, n: int, s: float, nodes: int = QUADRATURE_NODES):
        """sum_a of the regulator's kernels over the modes of S, at x = k^s and masses w = m/x.

        Returns (f0, f1, d0, d1), each of the shape of ``w``, such that
        L_n^S = x^(1-n) (f0 + eta f1) and dL_n^S/de = x^(-n) (d0 + eta d1) (see the module docstring).
        The four kernels are stacked and contracted with the degeneracy vectors (and quadrature
        weights) in one compiled opt_einsum expression.
        """
        w = np.atleast_1d(np.asarray(w, dtype=float))
        grid = self._mode_grid(regulator, x, nodes)
        if grid is None:
            zero = np.zeros_like(w)
            return zero, zero, zero, zero
        operands, axes, u, shape, scale = grid
        if u.size * w.size > MAX_GRID:
            chunk = max(1, MAX_GRID // u.size)
            parts = [self.regulated_sums(regulator, x, w[i:i + chunk], n, s, nodes) for i in range(0, w.size, chunk)]
            return tuple(np.concatenate([part[j] for part in parts]) for j in range(4))
        expand = (...,) + (None,)
        kernels = np.stack(regulator.kernels(u[expand], w, n, s, shape=tuple(f[expand] for f in shape)))
        kernels = np.broadcast_to(kernels, (4,) + u.shape + w.shape)
        expression = _expression(axes, tuple(len(g) for g in operands), kernels.shape)
        return tuple(scale * expression(*operands, kernels))


class CountTable:
    """The Litim threshold data of many keys at once: N_S k^-d and M_S/(x N_S) for every key.

    Power-law sets use their closed form N_S = B x^p. The counting functions of finite empirical
    spectra are step functions of x = k^s that jump at the mode sums: the keys whose sets share a
    zero-mode offset share one sorted array of all their mode sums, and for each interval between
    consecutive sums the table holds every key's cumulative count and energy, so one ``searchsorted``
    gives all of them (instead of one per key and call). The values are those of :meth:`ModeCount.count`
    to the last bit (the same cumulative sums and products); the sets that are not tabulated (lattice
    and SU(2) colours, continuum colours with discrete ones) are counted key by key.

    Parameters
    ----------
    counts : sequence of ModeCount
        One per threshold key, in the order of the returned arrays (sets may repeat).
    power : float
        s of x = k^s.
    """

    def __init__(self, counts, power: float):
        self.counts = list(counts)
        self.power = float(power)
        tabulated = [j for j, c in enumerate(self.counts) if c.tabulated]
        # sets of flat colours and zero modes only (N_S constant) ride along as constant columns of a table
        constant = [j for j, c in enumerate(self.counts) if c.power_law and c.exponent == 0.0] if tabulated else []
        law = [j for j, c in enumerate(self.counts) if c.power_law and j not in constant]
        self._powers: dict = {}
        self._groups = []  # (offset, merged sums, columns, N_S, M_S and N_S or inf tables (c, i))
        self._other = [j for j, c in enumerate(self.counts) if not (c.power_law or c.tabulated)]
        by_offset: dict = {}
        for j in tabulated:
            by_offset.setdefault(self.counts[j].offset, []).append(j)
        for offset, columns in by_offset.items():
            if constant:
                columns, constant = columns + constant, []
            merged = np.unique(np.concatenate([self.counts[j]._table[0] for j in columns if self.counts[j].tabulated]))
            if (merged.size + 1) * len(columns) > MAX_JOINT_TABLE:
                self._other.extend(j for j in columns if self.counts[j].tabulated)
                law.extend(j for j in columns if not self.counts[j].tabulated)
                continue
            n_table = np.empty((merged.size + 1, len(columns)))
            e_table = np.empty_like(n_table)
            factors = np.empty(len(columns))
            for c, j in enumerate(columns):
                count = self.counts[j]
                if count.tabulated:
                    values, cumulative_n, cumulative_e = count._table
                    index = np.concatenate([[0], np.searchsorted(values, merged, side="right")])
                    n_table[:, c], e_table[:, c] = cumulative_n[index], cumulative_e[index]
                    factors[c] = count.factor
                else:  # N_S = factor x prefactor, M_S = 0 (a constant column)
                    n_table[:, c], e_table[:, c] = count.prefactor, 0.0
                    factors[c] = count.factor
            count_table = factors * n_table  # N_S and M_S per interval: the products of ModeCount.count
            energy_table = factors * (e_table + offset * n_table)
            # M_S/(x N_S) is 0 where N_S = 0: dividing by x * inf gives it without a branch
            divisor_table = np.where(count_table > 0, count_table, np.inf)
            self._groups.append((offset, merged, np.array(columns, dtype=np.intp),
                                 *(np.ascontiguousarray(a.T) for a in (count_table, energy_table, divisor_table))))
        law.sort()
        self._law = np.array(law, dtype=np.intp)
        self._law_constant = np.array([self.counts[j].factor * self.counts[j].prefactor for j in law])
        self._law_exponent = np.array([self.counts[j].exponent for j in law])
        self._law_mu = self._law_exponent / (self._law_exponent + 1)
        self._other.sort()
        # one table holding every key in order: its rows are the answer
        self._whole = (not self._other and not len(self._law) and len(self._groups) == 1
                       and np.array_equal(self._groups[0][2], np.arange(len(self.counts))))

    def breakpoints(self, x_low: float, x_high: float) -> np.ndarray:
        """The values of x in (x_low, x_high) where a tabulated N_S jumps (sorted; shifted mode sums)."""
        out = [merged + offset for offset, merged, *_ in self._groups]
        x = np.unique(np.concatenate(out)) if out else np.zeros(0)
        return x[(x > x_low) & (x < x_high)]

    def data(self, k, x, dimension: float, energy: bool = True):
        """(nu, mu) = (N_S k^-dimension, M_S/(x N_S)) of every key at scale k (x = k^s); mu is None unless ``energy``.

        Shape (keys,) for a float k, (keys, m) for an array k of shape (m,), one scale per coupling vector.
        """
        batch = isinstance(k, np.ndarray) and k.ndim > 0
        if self._whole:
            offset, merged, _, count_table, energy_table, divisor_table = self._groups[0]
            i = merged.searchsorted(x - offset if offset else x, side="right")
            count = count_table[:, i]
            nu = count if not dimension else count * k**-dimension
            return nu, (energy_table[:, i] / (x * divisor_table[:, i]) if energy else None)
        shape = (len(self.counts), k.shape[0]) if batch else (len(self.counts),)
        nu, mu = np.empty(shape), np.empty(shape)
        if self._law.size:
            exponent = self._powers.get(dimension)
            if exponent is None:
                exponent = self._powers[dimension] = self.power * self._law_exponent - dimension
            if not exponent.any():  # k^0: the constant itself (zero-mode loops of a dimensionful flow)
                nu[self._law] = self._law_constant[:, None] if batch else self._law_constant
            elif batch:
                nu[self._law] = self._law_constant[:, None] * k[None, :] ** exponent[:, None]
            else:
                nu[self._law] = self._law_constant * k**exponent
            mu[self._law] = self._law_mu[:, None] if batch else self._law_mu
        scale = k**-dimension if dimension else None  # k^0 = 1: N_S itself
        for offset, merged, columns, count_table, energy_table, divisor_table in self._groups:
            i = merged.searchsorted(x - offset if offset else x, side="right")
            count = count_table[:, i]  # (c,) or (c, m)
            nu[columns] = count if scale is None else count * scale
            if energy:
                mu[columns] = energy_table[:, i] / (x * divisor_table[:, i])
        for j in self._other:
            if batch:
                pairs = [self.counts[j].count(float(v)) for v in x]
                count = np.array([p[0] for p in pairs])
                summed = np.array([p[1] for p in pairs])
                nu[j] = count if scale is None else count * scale
                mu[j] = np.divide(summed, x * count, out=np.zeros_like(count), where=count > 0)
            else:
                count, summed = self.counts[j].count(x)
                nu[j] = count if scale is None else count * scale
                mu[j] = summed / (x * count) if count > 0 else 0.0
        return nu, (mu if energy else None)


@lru_cache(maxsize=256)
def _expression(axes, sizes, shape):
    """Compiled contraction sum over the mode axes of degeneracies x kernels (4 kernels, m masses)."""
    equation = ",".join(axes) + ("," if axes else "") + "k" + axes + "m->km"
    return opt_einsum.contract_expression(equation, *[(n,) for n in sizes], shape)

"""The evaluable flow of a truncation: derived once, evaluated vectorised.

:func:`derive_flow` applies the one-loop rules (:mod:`tensornn.flow.rules`) to a theory and returns
a :class:`DerivedFlow`, which implements :class:`tensornn.flow.system.FlowSystem`.

Conventions (docs/flow.md):

- couplings g_I multiply the plain contractions I(phi); the quadratic member (2 legs) is the mass
  coupling: real fields Z E phi^2/2 + g_2 phi^2 (propagator mass m = 2 g_2), complex fields
  phibar (Z E + mu) phi (m = mu);
- LPA': ``beta_dimensionful`` works with the Z-rescaled couplings g_I Z^(-n_I/2) (Z = 1 in the LPA),
  so d_t g_I = (n_I/2) eta g_I + sum_terms c prod(g) L_n^S, x = k^s, with the threshold sums of
  :mod:`tensornn.flow.thresholds` (Litim: L_n^S = N_S x [s - eta (1 - M_S/(x N_S))] / (x + m)^n);
  eta = -d_t ln Z from the external strand of the tadpoles (docs/theory/flow.md, LPA'), solved as
  eta = -A/(1 + B);
- ``regulator_eta``: "include" keeps eta in the regulator derivative,
  d_t R = Z [s k^s - eta (k^s - E)] theta(k^s - E) for Litim (the threshold sums and B carry eta);
  "omit" uses d_t R = Z s k^s theta(k^s - E) (for every regulator: d_t R = Z s x (r - u r')), as many
  papers do; then B = 0 and eta = -A has no pole;
- ``beta``: dimensionless couplings g~_I = g_I k^(-[g_I]) with [g_I] = d - (n_I/2)(d - s), d the
  dimension of the leading (melonic) loop: every local colour plus every pairing colour but one (the
  smallest nominal dimension among the non-flat pairing colours is left out); N_S is measured in
  units of k^d. The flow is autonomous when every N_S used is a power law k^d.
"""

from __future__ import annotations

import copy

import numpy as np

from .._checks import check_choice, check_int
from ..errors import InvalidArgumentError, InvalidTypeError, TruncationError
from ..theory.colours import FlatColour
from ..theory.field_theory import Theory
from ._kernel import compile_kernel
from ._sparse import SparseTerms
from .rules import MAX_DERIVATION_LOOPS, PROJECTIONS, Term, derive_terms
from .thresholds import CountTable, ModeCount

__all__ = ["DerivedFlow", "derive_flow", "REGULATOR_ETA", "EVALUATIONS", "COMPILE_MAX_TERMS", "BATCH_COST_US"]

#: Choices of ``regulator_eta``: keep eta in d_t R (``"include"``) or leave it out (``"omit"``).
REGULATOR_ETA = ("include", "omit")

#: Right-hand-side evaluations: generated straight-line code, index arrays, or chosen by size.
EVALUATIONS = ("auto", "compiled", "sparse")

#: ``evaluation="auto"`` evaluates one coupling vector with straight-line code up to this many terms (it works
#: on Python floats, about 0.2 us per term, against some 40 us of fixed cost for the index arrays).
COMPILE_MAX_TERMS = 250

#: For a batch of m vectors the straight-line code costs about terms x (2.2 + 0.0025 m) us (one numpy call per
#: term and factor) and the index arrays about 20 us + terms x m x 0.012 us (a few passes over terms x m
#: arrays): ``"auto"`` compiles when terms x (2.2 - 0.0095 m) < 20, i.e. for tiny truncations or wide batches
#: (m >= 232). Constants measured by benchmarks/bench_flow_engine.py on the rank-3 melonic truncations.
BATCH_COST_US = (2.2, 0.0095, 20.0)


def derive_flow(theory: Theory, projection: str = "full", anomalous_dimension: bool = False,
                dimensions=None, allow_constant: bool = False, regulator_eta: str = "include",
                evaluation: str = "auto", max_loops: int | None = MAX_DERIVATION_LOOPS) -> "DerivedFlow":
    """Derive the one-loop beta functions of ``theory``'s truncation.

    Parameters
    ----------
    theory : Theory
    projection : {"full", "melonic"}
        "melonic" keeps the loops whose cut pairs are all (d_p - 1)-dipoles (docs/theory/flow.md, melonic projection).
    anomalous_dimension : bool
        False: LPA (Z = 1, eta = 0). True: LPA' with eta from the tadpoles' external strands.
    dimensions : mapping name -> float, optional
        Override the canonical dimensions [g_I] used by the dimensionless flow.
    allow_constant : bool
        A coupling that no loop generates has no beta function of its own (only its scaling);
        by default that is an error (usually a bubble the projection cannot produce).
    regulator_eta : {"include", "omit"}
        Whether eta enters the regulator derivative d_t R = Z [s x (r - u r') - eta x r]
        ("include"; Litim: Z [s k^s - eta (k^s - E)] theta(k^s - E)) or not ("omit":
        Z s x (r - u r')). Only matters with ``anomalous_dimension=True``; recorded in
        :attr:`DerivedFlow.conventions` either way.
    evaluation : {"auto", "compiled", "sparse"}
        How the right-hand side is evaluated: straight-line code with the coefficients folded in
        (fastest for one coupling vector of a small truncation, Litim only; compiled on first use),
        index arrays with a segmented sum over the targets (memory linear in the terms; fastest for
        large truncations and for narrow batches), or ``"auto"``: per call, compiled for one vector up
        to :data:`COMPILE_MAX_TERMS` terms and for a batch when the cost model :data:`BATCH_COST_US`
        favours it (tiny truncations, wide batches), index arrays otherwise and for smooth regulators.
    max_loops : int or None
        Refuse, before any enumeration, a truncation whose derivation would follow more loops than this
        (estimated by :func:`tensornn.flow.rules.derivation_size`; the default
        :data:`~tensornn.flow.rules.MAX_DERIVATION_LOOPS` is about a minute of work); None derives any size.

    Returns
    -------
    DerivedFlow

    Raises
    ------
    TruncationError
        If a coupling receives no loop term and ``allow_constant`` is False.
    SizeLimitError
        If the estimated loops exceed ``max_loops`` (the message names the truncation's order, the estimated
        loops and terms, and how to lift the bound).

    Examples
    --------
    >>> from tensornn.theory import Theory, ContinuumColour, scalar_truncation
    >>> flow = derive_flow(Theory((ContinuumColour(3),), "real", scalar_truncation(2)))
    >>> flow.names
    ('g2', 'g4')
    """
    if not isinstance(theory, Theory):
        raise InvalidTypeError(f"theory must be a tensornn.theory.Theory, got {type(theory).__name__}")
    check_choice("projection", projection, PROJECTIONS)
    if not isinstance(anomalous_dimension, bool):
        raise InvalidTypeError(f"anomalous_dimension must be True or False, got {anomalous_dimension!r}")
    if anomalous_dimension and not any(c.role == "pairing" and not isinstance(c, FlatColour)
                                       for c in theory.ordered_colours):
        raise InvalidArgumentError(
            "anomalous_dimension=True needs a tadpole whose external strand carries a kinetic value (a pairing "
            "colour with modes, as in tensor theories); this theory has only local colours and flat internal "
            "indices (scalar or O(N)), whose eta comes from the momentum dependence of the two-point function, "
            "which the zero-momentum rules cannot generate (it would be 0 identically). Use "
            "tensornn.flow.derivative_expansion_fixed_point(dim, n_components, order='lpa_prime') for the LPA' "
            "or order='d2' for the derivative expansion, or anomalous_dimension=False")
    regulator_eta = check_choice("regulator_eta", regulator_eta, REGULATOR_ETA)
    evaluation = check_choice("evaluation", evaluation, EVALUATIONS)
    orbits: list = []
    if max_loops is not None:
        max_loops = check_int("max_loops", max_loops, minimum=1)
    terms = derive_terms(theory.truncation, n_local=len(theory.local_colours), projection=projection, orbits=orbits,
                         max_loops=max_loops)
    flow = DerivedFlow(theory, terms, projection, anomalous_dimension, dimensions, regulator_eta=regulator_eta,
                       evaluation=evaluation)
    flow.colour_orbits = tuple(orbits) if orbits else None
    if flow.frozen and not allow_constant:
        raise TruncationError(
            f"no one-loop term generates the coupling(s) {', '.join(flow.frozen)} in the {projection!r} projection, so "
            "they have no beta function; remove them from the truncation, use projection='full', or pass "
            "allow_constant=True to keep them constant (up to their scaling)"
        )
    return flow


class DerivedFlow:
    """Beta functions derived from a theory; satisfies the FlowSystem protocol.

    Attributes
    ----------
    theory, projection, anomalous_dimension, regulator_eta
    terms : list of Term
        d_t g_target = coefficient * prod g * L_n^S (dimensionful, Z = 1 form).
    names : tuple of str
    n_legs : ndarray (n,)
    dimensions : ndarray (n,)
        Canonical dimensions [g_I] (powers of k) of the dimensionless couplings.
    loop_dimension : float
        d, the power of k in the leading N_S.
    autonomous : bool
    conventions : dict
        Regulator, ``regulator_eta``, LPA or LPA', projection: the choices every output carries.
    """

    def __init__(self, theory, terms, projection, anomalous_dimension, dimensions=None, regulator_eta="include",
                 evaluation="auto", layout=None):
        self.theory = theory
        self.projection = projection
        self.anomalous_dimension = anomalous_dimension
        self.regulator_eta = regulator_eta
        self.regulator = theory.regulator_object
        self._eta_in_regulator = anomalous_dimension and regulator_eta == "include"
        self.terms = list(terms)
        trunc = theory.truncation
        colours = theory.ordered_colours
        self.power = s = theory.power
        self.loop_dimension = d = _loop_dimension(theory)
        if layout is None:  # one coupling per member of the truncation
            self.names = trunc.names
            self.n_legs = np.array([m.n_legs for m in trunc.interactions], dtype=float)
            dims = d - self.n_legs / 2 * (d - s)
        else:  # the couplings of a reduced system (one per colour orbit): names, legs, dimensions
            names, legs, dims = layout
            self.names = tuple(names)
            self.n_legs = np.array(legs, dtype=float)
            dims = np.array(dims, dtype=float)
        quadratic = [i for i, n in enumerate(self.n_legs) if n == 2]
        self.mass_index = quadratic[0] if quadratic else None
        self.mass_factor = 2.0 if theory.field == "real" else 1.0
        if dimensions is not None:
            for name, value in dict(dimensions).items():
                dims[trunc.index(name)] = float(value)
        self.dimensions = dims
        self._half_legs = self.n_legs / 2
        # thresholds
        keys = sorted({(T.n, T.colours) for T in self.terms}, key=lambda k: (k[0], sorted(k[1])))
        self._threshold_keys = keys
        counts = {S: ModeCount(colours, S) for S in {S for _, S in keys}}
        self._counts = counts
        self._sets = [S for _, S in keys]
        self._thr_n = np.array([n for n, _ in keys], dtype=float)
        self._thr_index = np.array([int(n) - 1 for n, _ in keys], dtype=np.intp)  # row of 1/(x + m)^n
        self._thr_top = max((int(n) for n, _ in keys), default=1)
        key_index = {k: j for j, k in enumerate(keys)}
        nterms = len(self.terms)
        self._sparse = SparseTerms(self.terms, len(self.names), key_index)
        received = {T.target for T in self.terms}
        self.frozen = tuple(n for i, n in enumerate(self.names) if i not in received)
        # the external strand of two-point terms (LPA')
        strands = [i for i, c in enumerate(colours) if c.role == "pairing" and not isinstance(c, FlatColour)]
        self._eta_weight = np.zeros(nterms)
        if self.mass_index is not None and strands:
            for r, T in enumerate(self.terms):
                if T.target == self.mass_index:
                    self._eta_weight[r] = self.mass_factor * sum(c not in T.colours for c in strands) / len(strands)
        self._eta_rows = np.nonzero(self._eta_weight)[0]
        # the same rows in the sparse (target-sorted) order
        sorted_weight = self._eta_weight[self._sparse.order]
        self._sparse_eta_rows = np.nonzero(sorted_weight)[0]
        self._sparse_eta_weight = sorted_weight[self._sparse_eta_rows]
        if anomalous_dimension and self.regulator.counting:
            for r in self._eta_rows:
                self._counts[self.terms[r].colours].log_derivative(1.0)  # raises for discrete colours
        self.autonomous = all(counts[S].power_law and abs(s * counts[S].exponent - d) < 1e-12 for S in self._sets)
        self._prepare_thresholds()
        self._static = self._threshold_data(1.0, d) if self.autonomous else None
        if evaluation == "compiled" and not self.regulator.counting:
            raise InvalidArgumentError(
                f"evaluation='compiled' needs a counting regulator (litim); the {theory.regulator} regulator's sums "
                "depend on the mass at every call: use evaluation='sparse' or 'auto'")
        self.evaluation = evaluation
        self._compiled = None
        self.colour_orbits = None  # orbit of every member under the colour permutations, when the derivation found it

    def reduced(self, orbit_of, representatives, names) -> "DerivedFlow":
        """The flow of one coupling per orbit of the colour permutations, derived from this one.

        For a theory whose pairing colours are interchangeable, the symmetric couplings (g_I = g_O for
        every member I of orbit O) are kept by the flow, and d_t g_O is the beta function of any member. Its
        terms are those of the representative: every factor replaced by its orbit coupling, and every threshold
        set S by the first |S| pairing colours (L_n^S depends on S only through its size); like terms merged.

        Parameters
        ----------
        orbit_of : array_like of int, shape (members,)
            Orbit of every member of the truncation (orbits numbered 0, 1, ...).
        representatives : array_like of int
            One member per orbit.
        names : sequence of str
            The orbit couplings' names.

        Returns
        -------
        DerivedFlow
            Evaluated on the orbit couplings (its ``names``; legs and canonical dimensions of the
            representatives), with this flow's theory, regulator, projection and anomalous dimension.
        """
        orbit_of = np.asarray(orbit_of, dtype=np.intp)
        representatives = np.asarray(representatives, dtype=np.intp)
        orbit_of_rep = {int(r): o for o, r in enumerate(representatives)}
        n_pairing = self.theory.n_pairing
        orbit_list = orbit_of.tolist()
        canonical: dict = {}
        merged: dict = {}
        for T in self.terms:
            o = orbit_of_rep.get(T.target)
            if o is None:
                continue
            S = canonical.get(T.colours)
            if S is None:
                size = sum(1 for c in T.colours if c < n_pairing)
                S = canonical[T.colours] = frozenset(range(size)) | frozenset(c for c in T.colours if c >= n_pairing)
            key = (o, tuple(sorted([orbit_list[f] for f in T.factors])), T.n, S)
            previous = merged.get(key)
            merged[key] = T.coefficient if previous is None else previous + T.coefficient
        ordered = {S: tuple(sorted(S)) for S in canonical.values()}
        items = sorted(merged.items(), key=lambda item: (item[0][0], item[0][2], item[0][1], ordered[item[0][3]]))
        terms = [Term(o, f, n, S, c) for (o, f, n, S), c in items if c]
        layout = (tuple(names), self.n_legs[representatives], self.dimensions[representatives])
        return DerivedFlow(self.theory, terms, self.projection, self.anomalous_dimension,
                           regulator_eta=self.regulator_eta, evaluation=self.evaluation, layout=layout)

    #: ``beta``, ``beta_dimensionful``, ``validity`` and ``to_dimensionless`` take an array t of shape (m,), one
    #: scale per coupling vector (the batched integrator steps every member on its own).
    vector_scales = True

    def for_batch(self, width: int) -> "DerivedFlow":
        """This flow with the evaluation ``"auto"`` would choose for ``width`` coupling vectors, fixed.

        The batched integrator evaluates every member with the same code however many members are still
        running, so that a member's numbers do not depend on when the others stop.
        """
        if self.evaluation != "auto":
            return self
        choice = "compiled" if self._use_kernel(np.zeros((len(self.names), max(int(width), 1)))) else "sparse"
        if choice == "compiled":
            self._kernel  # compile once, shared with the fixed copy
        fixed = copy.copy(self)
        fixed.evaluation = choice
        return fixed

    def __getstate__(self):
        """Pickled without the compiled kernel (generated code; compiled again on first use where it is loaded)."""
        state = dict(self.__dict__)
        state["_compiled"] = None
        return state

    @property
    def _kernel(self):
        """The straight-line kernel, compiled on first use."""
        if self._compiled is None:
            self._compiled = compile_kernel(self)
        return self._compiled

    def _use_kernel(self, g) -> bool:
        if self.evaluation != "auto":
            return self.evaluation == "compiled"
        if not self.regulator.counting:
            return False
        n, m = len(self.terms), (1 if g.ndim == 1 else g.shape[1])
        if m == 1:
            return n <= COMPILE_MAX_TERMS
        per_term, gain, overhead = BATCH_COST_US
        return n * (per_term - gain * m) < overhead

    @property
    def conventions(self) -> dict:
        """The choices behind the numbers: regulator, eta in d_t R, LPA or LPA', projection."""
        return {
            "regulator": self.theory.regulator,
            "regulator_eta": self.regulator_eta,
            "anomalous_dimension": "LPA' (eta from the tadpole)" if self.anomalous_dimension else "LPA (eta = 0)",
            "projection": self.projection,
        }

    # ------------------------------------------------------------------ thresholds
    def _prepare_thresholds(self):
        """The counting data of every threshold key: closed forms and one joint table (:class:`CountTable`)."""
        self._table = CountTable([self._counts[S] for S in self._sets], self.power)
        self._no_lam = np.zeros(len(self._sets))

    def breakpoints(self, t_start: float, t_stop: float) -> np.ndarray:
        """The scales t = ln k strictly between ``t_start`` and ``t_stop`` where a threshold sum jumps.

        Finite empirical spectra make N_S(k) a step function: it jumps where k^s crosses a mode sum. The
        right-hand side is smooth between consecutive breakpoints (sorted in the direction of the flow).
        """
        if not self.regulator.counting:
            return np.zeros(0)
        lo, hi = sorted((float(t_start), float(t_stop)))
        x = self._table.breakpoints(np.exp(self.power * lo), np.exp(self.power * hi))
        t = np.log(x) / self.power
        t = t[(t > lo) & (t < hi)]
        return t if t_stop >= t_start else t[::-1]

    def _threshold_data(self, k, dimension, x=None):
        """Litim: per threshold key N_S(k) k^(-dimension), M_S/(x N_S), x N_S'/N_S at x = k^s.

        ``k`` is a float (arrays of shape (keys,)) or an array of shape (m,), one scale per coupling
        vector (arrays of shape (keys, m)). M_S/(x N_S) enters only with eta in the regulator, x N_S'/N_S
        only in LPA': otherwise they are zeros of shape (keys,). Smooth regulators: (None, k^s,
        k^(-dimension)); the sums are evaluated per call (they depend on m).
        """
        if x is None:
            x = k**self.power
        if not self.regulator.counting:
            return None, x, k**-dimension
        nu, mu = self._table.data(k, x, dimension, energy=self._eta_in_regulator)
        if mu is None:
            mu = self._no_lam
        if not self.anomalous_dimension:
            return nu, mu, self._no_lam
        counts = [self._counts[S] for S in self._sets]
        if nu.ndim == 2:
            lam = np.array([[c.log_derivative(float(v)) for v in x] for c in counts])
        else:
            lam = np.array([c.log_derivative(x) for c in counts])
        return nu, mu, lam

    # ------------------------------------------------------------------ core
    def _check(self, couplings):
        g = np.asarray(couplings, dtype=float)
        if g.ndim not in (1, 2) or g.shape[0] != len(self.names):
            raise InvalidArgumentError(
                f"couplings must have shape ({len(self.names)},) or ({len(self.names)}, m) ordered as {self.names}, "
                f"got shape {g.shape}"
            )
        return g

    def _rhs(self, g, x, data):
        if self._use_kernel(g):
            if g.ndim == 2 and g.shape[1] == 1:  # one vector as a column: the scalar arithmetic, as a column
                column = [v[:, 0] if np.ndim(v) == 2 else v for v in data]
                out, eta, b, mass = self._rhs(g[:, 0], x[0] if np.ndim(x) else x, column)
                return out[:, None], np.atleast_1d(eta), np.atleast_1d(b), np.atleast_1d(mass)
            out, eta, b, mass = self._kernel(g, x, *data)
            if self.anomalous_dimension:
                out = out + (self._half_legs if g.ndim == 1 else self._half_legs[:, None]) * eta * g
            return out, eta, b, mass
        return self._rhs_arrays(g, x, data)

    def _rhs_arrays(self, g, x, data):
        """Index-array evaluation (:mod:`tensornn.flow._sparse`): large truncations, smooth regulators, cross-checks."""
        vector = g.ndim == 1
        if vector and not self.anomalous_dimension and self.regulator.counting and np.ndim(x) == 0:
            return self._rhs_vector(g, x, data)
        G = g[:, None] if vector else g
        m = G.shape[1]
        step = self._sparse.chunk(m)
        if step < m:
            parts = [self._rhs_arrays(G[:, i:i + step], x, data) for i in range(0, m, step)]
            out, eta, b, mass = (np.concatenate([p[j] for p in parts], axis=-1) for j in range(4))
        else:
            out, eta, b, mass = self._rhs_chunk(G, x, data)
        if vector:
            return out[:, 0], eta[0], b[0], mass[0]
        return out, eta, b, mass

    def _rhs_vector(self, g, x, data):
        """One coupling vector of an LPA flow with the Litim regulator: the index arrays on 1-D arrays.

        The operations of :meth:`_rhs_chunk` on one column, to the last bit (the same products and the same
        segmented sums).
        """
        sparse = self._sparse
        mass = self.mass_factor * g[self.mass_index] if self.mass_index is not None else np.float64(0.0)
        inverse = np.divide(1.0, x + mass)  # numpy's division: inf at the pole, as for the columns
        powers = [inverse]
        for _ in range(self._thr_top - 1):
            powers.append(powers[-1] * inverse)
        loops = self.power * x * (data[0] * np.array(powers)[self._thr_index])
        gext = np.append(g, 1.0)
        values = sparse.coef * gext[sparse.factors[:, 0]]
        for column in range(1, sparse.factors.shape[1]):
            values *= gext[sparse.factors[:, column]]
        values *= loops[sparse.thr]
        out = np.zeros(sparse.n_couplings)
        if len(sparse):
            out[sparse.targets] = np.add.reduceat(values, sparse.starts)
        return out, 0.0, 0.0, mass / x

    def _rhs_chunk(self, G, x, data):
        sparse = self._sparse
        m = G.shape[1]
        mass = self.mass_factor * G[self.mass_index] if self.mass_index is not None else np.zeros(m)
        rows = self._sparse_eta_rows
        if self.anomalous_dimension and rows.size:
            loop0, loop1, der0, der1 = self._loops(data, x, mass)  # (J, m) each
            w = self._sparse_eta_weight[:, None] * sparse.monomials(G, rows)
            thr = sparse.thr[rows]
            a = np.sum(w * der0[thr], axis=0)
            b = np.sum(w * der1[thr], axis=0) if self._eta_in_regulator else np.zeros(m)
            eta = -a / (1.0 + b)
            loops = loop0 + eta[None, :] * loop1 if self._eta_in_regulator else loop0
        else:
            eta, b = np.zeros(m), np.zeros(m)
            loops = self._loops(data, x, mass, lpa=True)
        values = sparse.monomials(G)
        values *= loops[sparse.thr]
        out = sparse.reduce(values)
        if self.anomalous_dimension:
            out += (self.n_legs[:, None] / 2) * eta[None, :] * G
        return out, eta, b, mass / x

    def _loops(self, data, x, mass, keys=None, lpa=False):
        """eta^0 and eta^1 parts of L_n^S and of dL_n^S/de for the threshold keys ``keys`` (default: all).

        Shape (J, m) each (the eta^0 part of L_n^S alone when ``lpa``). ``x`` is a float or one value per
        coupling vector (shape (m,)), and so are the columns of ``data`` (:meth:`_threshold_data`).
        """
        if self.regulator.counting:
            nu, mu, lam = data if keys is None else (part[keys] for part in data)
            exponents = self._thr_index if keys is None else self._thr_index[keys]
            nu, mu, lam = (v if np.ndim(v) == 2 else v[:, None] for v in (nu, mu, lam))
            inverse = 1.0 / (x + mass)
            powers = [inverse]
            for _ in range(self._thr_top - 1):  # 1/(x + m)^n by products, as the straight-line code
                powers.append(powers[-1] * inverse)
            base = nu * np.array(powers)[exponents]
            s = self.power
            if lpa:
                return s * x * base
            return (s * x * base, -x * (1.0 - mu) * base, -s * lam * base, base)
        n = self._thr_n[:, None] if keys is None else self._thr_n[keys, None]
        if lpa:
            return self._loops(data, x, mass, keys)[0]
        _, x_modes, scale = data  # modes enter as u = E / k^s; x is 1 for the dimensionless flow
        if np.ndim(x_modes):  # one scale per coupling vector: the mode sums column by column
            columns = [self._loops((None, float(xm), float(sc)), float(xc), mass[i:i + 1], keys)
                       for i, (xm, sc, xc) in enumerate(np.broadcast(x_modes, scale, x))]
            return tuple(np.concatenate([c[j] for c in columns], axis=1) for j in range(4))
        w = mass / x
        key_list = self._threshold_keys if keys is None else [self._threshold_keys[j] for j in keys]
        parts = np.array([self._counts[S].regulated_sums(self.regulator, x_modes, w, int(m), self.power)
                          for m, S in key_list])  # (J, 4, m)
        if parts.size == 0:
            zero = np.zeros((0, mass.size))
            return zero, zero, zero, zero
        parts = parts * scale
        loop = x ** (1.0 - n)
        der = x ** (-n)
        return loop * parts[:, 0], loop * parts[:, 1], der * parts[:, 2], der * parts[:, 3]

    def _eta_parts(self, G, x, data):
        """(A, B) of eta = -A/(1 + B) from the two-point terms alone, shape (m,) each (zeros in the LPA).

        Only the tadpoles of the mass coupling that carry the external strand are evaluated, at their own
        threshold keys: the cheap part of the right-hand side that eta and the validity of LPA' need.
        """
        m = G.shape[1]
        rows = self._sparse_eta_rows
        if not (self.anomalous_dimension and rows.size):
            return np.zeros(m), np.zeros(m)
        sparse = self._sparse
        mass = self.mass_factor * G[self.mass_index]
        keys, thr = np.unique(sparse.thr[rows], return_inverse=True)
        _, _, der0, der1 = self._loops(data, x, mass, keys)
        w = self._sparse_eta_weight[:, None] * sparse.monomials(G, rows)
        a = np.sum(w * der0[thr], axis=0)
        b = np.sum(w * der1[thr], axis=0) if self._eta_in_regulator else np.zeros(m)
        return a, b

    def _data_at(self, t, dimensionless, x=None):
        if self.autonomous and dimensionless:
            return self._static
        if t is None:
            raise InvalidArgumentError(
                "this flow is not autonomous (its counting functions are not all power laws k^d); pass t = ln k"
            )
        return self._threshold_data(_scale(t), self.loop_dimension if dimensionless else 0.0, x)

    # ------------------------------------------------------------------ FlowSystem
    def beta(self, couplings, t=None):
        """Dimensionless beta functions d g~_I/dt = -[g_I] g~_I + (n_I/2) eta g~_I + loop terms (x = 1)."""
        g = self._check(couplings)
        out = self._rhs(g, 1.0, self._data_at(t, True))[0]
        return out - (self.dimensions if g.ndim == 1 else self.dimensions[:, None]) * g

    def beta_dimensionful(self, t, couplings):
        """d g_I/dt of the dimensionful (Z-rescaled in LPA') couplings at k = exp(t)."""
        g = self._check(couplings)
        x = _scale(t) ** self.power
        return self._rhs(g, x, self._data_at(t, False, x))[0]

    def beta_dimensionful_with(self, t, couplings, *, window: float | np.ndarray, weight: float | np.ndarray):
        """d g_I/dt (dimensionful, LPA) with the Litim window values k^s -> ``window``, s k^s -> ``weight``.

        The hook of the spectrally adjusted Litim regulator (:mod:`tensornn.flow.kinetic`): inside the
        window the propagator is 1/(window + m) and d_t R = weight, so L_n^S = N_S(k) weight / (window + m)^n.
        ``window = k^s, weight = s k^s`` gives :meth:`beta_dimensionful`.
        """
        if self.anomalous_dimension or self.theory.regulator != "litim":
            raise InvalidArgumentError("beta_dimensionful_with replaces the Litim window of an LPA flow; this flow has "
                                       "an anomalous dimension or another regulator")
        g = self._check(couplings)
        nu, mu, lam = self._data_at(t, False)
        if np.ndim(window) or np.ndim(weight):  # one scale per coupling vector
            window, weight = np.asarray(window, dtype=float), np.asarray(weight, dtype=float)
            nu = (nu if np.ndim(nu) == 2 else nu[:, None]) * (weight / (self.power * window))
            mu, lam = (np.broadcast_to(v if np.ndim(v) == 2 else v[:, None], nu.shape) for v in (mu, lam))
            return self._rhs(g, window, (nu, mu, lam))[0]
        return self._rhs(g, float(window), (nu * (float(weight) / (self.power * float(window))), mu, lam))[0]

    def eta(self, couplings, t=None):
        """Anomalous dimension eta = -d_t ln Z at dimensionless couplings (0 in the LPA); shape () or (m,)."""
        g = self._check(couplings)
        if not self.anomalous_dimension:
            return np.zeros(g.shape[1:])
        G = g[:, None] if g.ndim == 1 else g
        a, b = self._eta_parts(G, 1.0, self._data_at(t, True))
        with np.errstate(divide="ignore", invalid="ignore"):
            eta = -a / (1.0 + b)
        return eta[0] if g.ndim == 1 else eta

    def validity(self, couplings, t=None):
        """[1 + m~ (threshold denominator), 1 + B (distance to the pole of eta)]; positive inside.

        Cheap functions of the couplings: the mass coupling, and the two-point tadpoles of B in LPA' with
        eta in the regulator (B = 0 otherwise), not the whole right-hand side.
        """
        g = self._check(couplings)
        shape = g.shape[1:]
        mass = self.mass_factor * g[self.mass_index] if self.mass_index is not None else np.zeros(shape)
        if self._eta_in_regulator and self._sparse_eta_rows.size:
            G = g[:, None] if g.ndim == 1 else g
            b = self._eta_parts(G, 1.0, self._data_at(t, True))[1]
            b = b[0] if g.ndim == 1 else b
        else:
            b = 0.0
        out = np.empty((2,) + shape)
        out[0] = 1.0 + mass
        out[1] = 1.0 + b
        return out

    @property
    def validity_names(self) -> tuple[str, ...]:
        """Names of the two components of :meth:`validity`, used in flow and fixed-point messages."""
        return (f"1 + m/k^{self.power:g} (threshold denominator)", "1 + B (eta pole)")

    def to_dimensionless(self, t, couplings):
        """g~_I = g_I k^(-[g_I]) at k = exp(t) (lets ``run_flow`` check the validity of dimensionful flows)."""
        g = self._check(couplings)
        if np.ndim(t):  # one scale per coupling vector
            return g * np.exp(-np.asarray(t, dtype=float)[None, :] * self.dimensions[:, None])
        scale = np.exp(-float(t) * self.dimensions)
        return g * (scale if g.ndim == 1 else scale[:, None])

    def effective_dimension(self, k, subset=None):
        """d ln N_S / d ln k at scale k.

        Parameters
        ----------
        k : float or array_like
            Scale(s).
        subset : tuple of int, optional
            Colour indices of one set S (e.g. :attr:`leading_set`); then a float (or an array for an
            array of k). Without it, a dict over every threshold set used, keyed by sorted colour tuples.

        For power-law counting functions it is the nominal dimension; for exact mode sums it tends
        to it once k is far above the lowest modes and below any cutoff (a central difference over
        k (1 -+ 0.05), the counting function being a step function).
        """
        if subset is None:
            return {tuple(sorted(S)): self._counts[S].effective_dimension(float(k), self.power) for S in set(self._sets)}
        count = self._counts.get(frozenset(subset)) or ModeCount(self.theory.ordered_colours, subset)
        ks = np.asarray(k, dtype=float)
        values = np.array([count.effective_dimension(float(v), self.power) for v in ks.ravel()]).reshape(ks.shape)
        return float(values) if values.ndim == 0 else values

    @property
    def leading_set(self) -> tuple | None:
        """The colours of the leading (melonic) loop: a threshold set whose nominal dimension is :attr:`loop_dimension`."""
        colours = self.theory.ordered_colours
        found = [tuple(sorted(S)) for S in set(self._sets)
                 if abs(sum(colours[c].nominal_dimension for c in S) - self.loop_dimension) < 1e-12]
        return min(found) if found else None

    def couplings(self, values=None, **named):
        """Coupling vector from a mapping or keywords (missing names are 0); unknown names are rejected."""
        values = dict(values or {}, **named)
        g = np.zeros(len(self.names))
        for name, value in values.items():
            if name not in self.names:
                raise TruncationError(f"no coupling named {name!r} in the flow; valid names: {', '.join(self.names)}")
            g[self.names.index(name)] = float(value)
        return g

    def equations(self, format: str = "text", dimensionless: bool = False) -> str:
        """The derived system, ``format`` "text" or "latex", dimensionful or dimensionless (:mod:`tensornn.flow.equations`)."""
        from .equations import equations_latex, equations_text

        check_choice("format", format, ("text", "latex"))
        return (equations_text if format == "text" else equations_latex)(self, dimensionless=bool(dimensionless))

    def __repr__(self):
        return (f"DerivedFlow(names={self.names}, terms={len(self.terms)}, projection={self.projection!r}, "
                f"anomalous_dimension={self.anomalous_dimension}, autonomous={self.autonomous}, "
                f"evaluation={self.evaluation!r})")


def _scale(t):
    """k = exp(t): a float for a float t, an array (one scale per coupling vector) for an array t."""
    return np.exp(np.asarray(t, dtype=float)) if np.ndim(t) else float(np.exp(t))


def _loop_dimension(theory):
    local = sum(c.nominal_dimension for c in theory.local_colours)
    pairing = [c.nominal_dimension for c in theory.pairing_colours if not isinstance(c, FlatColour)]
    if not pairing:
        return float(local)
    return float(local + sum(pairing) - min(pairing))

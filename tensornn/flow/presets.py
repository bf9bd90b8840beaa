"""Model presets: ready-made flow systems for the scalar, O(N) and tensor models.

Each preset builds a :class:`~tensornn.flow.system.FlowSystem` (and, when it comes from the
one-loop engine, its :class:`~tensornn.theory.Theory`) from a handful of physical options:

- ``scalar``: one real field in D dimensions, Litim, LPA. ``expansion="zero"`` is the engine's
  flow of U = sum_n g_{2n} phi^{2n} (g_{2n} = u_{2n}/(2n)!); ``"minimum"`` is
  :class:`~tensornn.flow.potential.MinimumPotential` (U'(rho) around its running minimum).
- ``on``: N real fields, (phi.phi)^n couplings g2, g4, ... (engine, ``"zero"``) or the minimum
  expansion with ``n_components=N``.
- ``tensor``: rank-d tensor (real or complex) whose strands are the modes of a group (``group="u1"``:
  p in Z, e = |p|^s; ``"su2"``: spins j with e = (j(j+1))^(s/2) and multiplicity (2j+1)^2): in the
  continuum approximation of the strand sums (``colours="continuum"``, Weyl's law, autonomous) or
  exact mode sums (``colours="lattice"``, non-autonomous; ``cutoff`` bounds |p| or j). Melonic
  truncation and projection or the full one; LPA (``eta=False``) or LPA' (``eta=True``) with eta in
  d_t R or not (``regulator_eta``); any regulator of the registry (``regulator``). With
  ``colour_symmetric=True`` (default) the couplings of bubbles related by a permutation of the
  colours are set equal (one coupling multiplies the sum over the orbit, e.g. g4 for the sum of
  the d pillows, g4 = lambda/2 of the tensor check in docs/theory/flow.md); the symmetric subspace is invariant under the
  flow of a colour-symmetric theory.

``order`` is always the number of field pairs of the highest interaction (phi^(2 order), rho^order,
``Bubble.order`` black vertices), as in :func:`~tensornn.theory.scalar_truncation` and
:class:`~tensornn.flow.potential.SymmetricPotential`.

References: Litim hep-th/0005245; Benedetti, Ben Geloun, Oriti 1411.3180 (U(1)^d melonic LPA').
"""

from __future__ import annotations

import copy
import inspect
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from .._checks import check_choice, check_int, check_real
from ..errors import InvalidArgumentError, InvalidTypeError
from ..bubbles.counting import count_bubbles, fuss_catalan
from ..theory import (
    REGULATORS,
    ContinuumColour,
    FlatColour,
    LatticeColour,
    SU2Colour,
    Theory,
    full_truncation,
    get_regulator,
    melonic_truncation,
    scalar_truncation,
    vector_truncation,
)
from .betas import REGULATOR_ETA, derive_flow
from .rules import loop_sequence_count
from .thresholds import ModeCount
from .ward import WardMelonicFlow
from .preset_search import melonic_region_starts, merge_marginal_roots, ward_notes, wilson_fisher_point
from .fixed_point_checks import ORDER_TOL, check_potential_roots
from .fixed_points import FixedPoint, FixedPointSearch, balanced_condition, describe_root, find_fixed_points
from .potential import MinimumPotential, SymmetricPotential
from .system import FlowSystem

__all__ = [
    "FlowPreset",
    "ColourSymmetricFlow",
    "PRESETS",
    "make_preset",
    "scalar_preset",
    "on_preset",
    "tensor_preset",
    "MAX_TENSOR_MEMBERS",
    "MAX_LOOP_SEQUENCES",
]

EXPANSIONS = ("zero", "minimum")
COLOUR_CHOICES = ("continuum", "lattice")
GROUPS = ("u1", "su2")

#: Bounds of the tensor preset's size, checked before any enumeration or derivation: the number of
#: bubbles (exact for full truncations; for melonic ones the estimate sum_n FC(d, n)/n from the
#: Fuss-Catalan count FC of rooted melonic bubbles) and the loop sequences the derivation visits
#: (:func:`~tensornn.flow.rules.loop_sequence_count`, an upper bound of the loops enumerated before the
#: colour-symmetry reduction).
MAX_TENSOR_MEMBERS = 2000
MAX_LOOP_SEQUENCES = 3_000_000


#: Largest preset orders: the one-loop derivation cost grows quickly with the order (scalar phi^32
#: derives in about a second, O(N) order 12 in several, melonic rank-3 order 7 in about a minute).
MAX_ORDER = {"scalar": 16, "on": 12, "tensor": 6, "minimum": 40}


def _check_order(order, model: str, expansion: str = "zero") -> int:
    order = check_int("order", order, minimum=2)
    limit = MAX_ORDER["minimum" if expansion == "minimum" else model]
    if order > limit:
        raise InvalidArgumentError(
            f"order must be <= {limit} for the {model} preset ({expansion} expansion), got {order}; "
            "build larger truncations with tensornn.theory and derive_flow directly"
        )
    return order


@dataclass(frozen=True)
class FlowPreset:
    """A ready flow system with the options that made it.

    Attributes
    ----------
    name : str
        Registry name ("scalar", "on", "tensor").
    options : dict
        The options passed to the preset function (after defaults).
    system : FlowSystem
        ``DerivedFlow``, ``ColourSymmetricFlow``, ``SymmetricPotential`` or ``MinimumPotential``.
    theory : Theory or None
        The theory the engine derived the flow from (None for the potential expansions).
    bounds : tuple of (low, high)
        Box of the random starts of :meth:`fixed_points` (one pair per coupling).
    """

    name: str
    options: dict
    system: FlowSystem
    theory: Theory | None = None
    bounds: tuple = field(default=())

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.system.names)

    def couplings(self, values=None) -> np.ndarray:
        """Coupling vector from a mapping name -> value (missing names are 0; unknown names are rejected)."""
        g = np.zeros(len(self.names))
        for key, value in dict(values or {}).items():
            if key not in self.names:
                raise InvalidArgumentError(
                    f"no coupling named {key!r} in the {self.name} preset; valid names: {', '.join(self.names)}")
            g[self.names.index(key)] = float(value)
        return g

    def fixed_points(self, *, n_starts: int | None = None, seed=0, tol: float = 1e-9, merge_marginal: bool = True,
                     exhaustive: bool = False, order_tol: float = ORDER_TOL):
        """The fixed points from the preset's starts (and random ones when needed), checked and with a status.

        The starts are the Gaussian point and guided ones: the Wilson-Fisher continuation of the potential
        expansions (:func:`potential_fixed_point`) for the scalar and O(N) presets, the valid roots one order
        lower (new couplings at 0) for tensors. Random starts, uniform in :attr:`bounds`, search for further
        roots:

        - by default, for the scalar and O(N) presets only when the guided continuation does not
          converge to a valid non-Gaussian root (then 48 for up to three couplings, else 8); for
          tensors always (48 or 8);
        - with ``exhaustive=True``, always (48 or 8): other roots of the truncation (multicritical
          or spurious points) besides the Gaussian and Wilson-Fisher ones;
        - with ``n_starts``, exactly that many, always.

        Scalar and O(N) (D > 2): the roots are found and linearised on the series form of the same potential
        flow (:class:`SymmetricPotential` for ``expansion="zero"``, whose beta functions equal the engine's
        after g_2n = u_2n/(2n)! and are evaluated without the engine's cancellations at high order; the
        minimum expansion is its own series form), reported in the preset's couplings, and checked
        (:func:`~tensornn.flow.fixed_point_checks.check_potential_roots`): every root is continued to the next
        order (flagged "unstable with order" when it is lost there, changes its number of relevant directions
        or moves nu by more than ``order_tol``), its number of relevant directions is compared with the
        functional spectrum ("spurious"), and the search's ``status`` is "incomplete" when no valid root is
        Wilson-Fisher (2 < D < 4). Every root also carries the flags of :func:`find_fixed_points` (range of
        validity, unbounded potential, nu below mean field).

        Tensor presets also start from a grid where the melonic points lie (mass in -0.8..-0.2, g4 in
        1e-3..1e-2; :func:`~tensornn.flow.preset_search.melonic_region_starts`), since uniform random
        starts mostly fall into the Gaussian point's basin.

        With a marginal coupling (the just-renormalisable tensor flows, beta ~ g^2) the solver also
        stops at tiny non-zero points where |beta| < tol; with ``merge_marginal``, when the Gaussian
        point has a marginal exponent (|theta| < 1e-6), a root with max |g| < 1e-3 is dropped as the
        Gaussian point (which is always among the results): near it beta = J g + O(g^2), so a tiny
        root can only lie along the kernel of J.

        Returns
        -------
        FixedPointSearch

        Raises
        ------
        InvalidArgumentError
            ``exhaustive=True`` together with ``n_starts`` (which already fixes the random starts); a scalar or
            O(N) preset with dim < 2.
        """
        if not isinstance(exhaustive, bool):
            raise InvalidTypeError(f"exhaustive must be True or False, got {exhaustive!r}")
        if self.name != "tensor" and self.options["dim"] < 2:
            raise InvalidArgumentError(
                f"dim must be >= 2 for the fixed points of the {self.name} preset (the guided search continues the "
                f"Wilson-Fisher point of 2 < D < 4), got {self.options['dim']!r}; "
                "flows (run_flow, 'tensornn flow run') take any dim > 0")
        if exhaustive and n_starts is not None:
            raise InvalidArgumentError(
                f"give either n_starts (exactly that many random starts, got {n_starts!r}) or exhaustive=True "
                "(the default number of random starts), not both")
        series = self._series_system()
        system = self.system if series is None else series
        factors = self._series_factors(series)
        guided = self._guided_starts()
        guided_point = self._guided_point() if self.name != "tensor" and guided else None
        region = melonic_region_starts(self.names) if self.name == "tensor" and self.system.autonomous else []
        starts = [np.zeros(len(self.names))] + guided + region
        bounds = [(low * f, high * f) for (low, high), f in zip(self.bounds, factors)]
        search = None
        if n_starts is None and not exhaustive and guided_point is not None and guided_point.valid:
            # the guided continuation found Wilson-Fisher (already described): no search, no random starts
            points: tuple[FixedPoint, ...] = (guided_point,)
            if not isinstance(system, MinimumPotential):  # the minimum expansion has no Gaussian point (kappa > 0)
                points += (describe_root(system, np.zeros(len(self.names))),)
            # two starts, the Gaussian point and the guided one (the Gaussian start is no root of the minimum
            # expansion, where kappa = 0 leaves beta undefined, so it is not solved there)
            search = FixedPointSearch(points, n_starts=len(starts), n_converged=len(points))
        if search is None:
            if n_starts is None:
                n_starts = 48 if len(self.names) <= 3 else 8
            search = find_fixed_points(system, n_starts=n_starts, bounds=bounds, starts=starts, seed=seed, tol=tol,
                                       retry=1 + len(guided))
        if merge_marginal:
            search = merge_marginal_roots(search)
        if series is not None:
            search = check_potential_roots(search, series, order_tol=order_tol)
            if series is not self.system:
                search = replace(search, fixed_points=tuple(self._to_engine(fp, series) for fp in search))
        return ward_notes(self, search)

    def _series_system(self):
        """The series form of a scalar or O(N) potential flow (None for tensors, and for D <= 2)."""
        if self.name == "tensor":
            return None
        if isinstance(self.system, (SymmetricPotential, MinimumPotential)):
            return self.system
        o = self.options
        if o["dim"] <= 2:
            return None
        n = 1 if self.name == "scalar" else o["n_components"]
        return SymmetricPotential(o["dim"], n, o["order"], o["regulator"])

    def _series_factors(self, series) -> np.ndarray:
        """u = factors * g: (2n)! for the engine's couplings in series form, 1 otherwise."""
        if series is None or series is self.system:
            return np.ones(len(self.names))
        return np.array([float(math.factorial(2 * n)) for n in range(1, len(self.names) + 1)])

    def _to_engine(self, fp, series):
        """A FixedPoint of the series form in the engine's couplings g = u/(2n)! (exponents unchanged)."""
        factors = self._series_factors(series)
        g = fp.couplings / factors
        matrix = fp.matrix * factors[None, :] / factors[:, None]  # S M S^-1 with S = diag(1/(2n)!)
        with np.errstate(all="ignore"):
            residual = float(np.max(np.abs(np.asarray(self.system.beta(g), dtype=float))))
        note = (f"found and linearised on the series form of this potential flow ({type(series).__name__}); the "
                f"engine's beta functions at the root: max |beta| = {residual:.2g}")
        cond = balanced_condition(matrix) if np.all(np.isfinite(matrix)) else float("inf")
        return replace(fp, couplings=g, names=self.names, matrix=matrix, residual=residual, condition_number=cond,
                       notes=fp.notes + (note,), conventions=dict(self.system.conventions))

    def _guided_starts(self):
        o = self.options
        if self.name == "tensor":
            if o.get("ward"):  # the LPA and LPA' roots of the same truncation
                roots = []
                for lpa in (False, True):
                    other = tensor_preset(**dict(o, ward=False, eta=lpa))
                    roots += [fp.couplings for fp in other.fixed_points(seed=0).valid]
                return roots
            if o["order"] <= 2 or not self.system.autonomous:
                return []
            # continuation: the valid roots one order lower, new couplings at 0
            lower = tensor_preset(**dict(o, order=o["order"] - 1))
            starts = []
            for fp in lower.fixed_points(seed=0).valid:
                g = np.zeros(len(self.names))
                for name, value in zip(fp.names, fp.couplings):
                    if name in self.names:
                        g[self.names.index(name)] = value
                starts.append(g)
            return starts
        fp = self._guided_point()
        return [] if fp is None else [fp.couplings]

    def _guided_point(self):
        """Wilson-Fisher of the scalar or O(N) potential expansion (series couplings), described; or None."""
        o = self.options
        n = 1 if self.name == "scalar" else o["n_components"]
        if o["order"] < 2 or o["dim"] <= 2:
            return None
        return wilson_fisher_point(o["dim"], n, o["order"], o["expansion"], o["regulator"])

    def __repr__(self):
        opts = ", ".join(f"{k}={v!r}" for k, v in self.options.items())
        return f"FlowPreset({self.name}: {opts}; couplings {self.names})"


def potential_to_engine(u) -> np.ndarray:
    """u_{2n} of :class:`SymmetricPotential` -> the engine's g_{2n} = u_{2n}/(2n)! (scalar and O(N), along one component).

    U = sum_n u_{2n} phi_1^{2n}/(2n)! along one component equals sum_n g_{2n} (phi.phi)^n there.
    """
    u = np.asarray(u, dtype=float)
    fact = np.array([float(math.factorial(2 * n)) for n in range(1, u.shape[0] + 1)])
    return u / (fact if u.ndim == 1 else fact[:, None])


class ColourSymmetricFlow:
    """The flow restricted to colour-symmetric couplings: one coupling per orbit of the colour permutations.

    g_I = g_O for every member I of the orbit O; d_t g_O is the beta function of any member (all
    members agree on the symmetric subspace of a colour-symmetric theory). Implements FlowSystem.

    The beta functions are those of the reduced system (:meth:`DerivedFlow.reduced`, the attribute
    ``reduced``): the terms of one representative per orbit, with the factors replaced by their orbit
    couplings and every threshold set by one of its size (the pairing colours are interchangeable), like
    terms merged. It is evaluated as any derived flow, at the cost of its own terms (at melonic order 8
    of rank 3, 13 286 instead of the 88 617 of the members' equations).

    Parameters
    ----------
    flow : DerivedFlow
        A flow whose colours are interchangeable (same kind, size and power).
    """

    def __init__(self, flow):
        self.flow = flow
        pairing = flow.theory.pairing_colours
        if any(c != pairing[0] for c in pairing[1:]):
            raise InvalidArgumentError(
                "a colour-symmetric reduction needs interchangeable pairing colours (same kind, size, power and "
                f"density), got {', '.join(c.describe() for c in pairing)}; keep one coupling per bubble")
        trunc = flow.theory.truncation
        found = getattr(flow, "colour_orbits", None)  # found by the derivation, else computed from canonical forms
        orbit_of = np.array(found if found is not None else trunc.colour_orbits(), dtype=np.intp)
        n_orbits = int(orbit_of.max()) + 1
        self._orbit_of = orbit_of
        _, first = np.unique(orbit_of, return_index=True)  # orbits are numbered by their first member
        self._reps = first.astype(np.intp)
        member_names = trunc.names  # computed once (a property of the truncation)
        orders = [trunc.interactions[i].bubble.order for i in self._reps]
        per_order = {}
        for o, order in enumerate(orders):
            per_order.setdefault(order, []).append(o)
        position = {o: k for group in per_order.values() for k, o in enumerate(group)}
        names = []
        for o, i in enumerate(self._reps):
            if trunc.interactions[i].n_legs == 2:
                names.append(member_names[i])
                continue
            label = f"g{2 * orders[o]}"
            names.append(label if len(per_order[orders[o]]) == 1 else f"{label}_{position[o] + 1}")
        self.names = tuple(names)
        self.orbit_sizes = np.bincount(orbit_of, minlength=n_orbits)
        grouped = {o: [] for o in range(n_orbits)}
        for i, o in enumerate(orbit_of):
            grouped[int(o)].append(member_names[i])
        self.members = {n: tuple(grouped[o]) for o, n in enumerate(self.names)}
        self.autonomous = flow.autonomous
        self.dimensions = flow.dimensions[self._reps]
        self.validity_names = flow.validity_names
        self.theory = flow.theory
        self.reduced = flow.reduced(orbit_of, self._reps, self.names)

    @property
    def conventions(self) -> dict:
        """The conventions of the underlying flow (regulator, eta in d_t R, LPA or LPA', projection)."""
        return self.flow.conventions

    @property
    def vector_scales(self) -> bool:
        """Whether t may be an array, one scale per coupling vector (as the underlying flow)."""
        return getattr(self.flow, "vector_scales", False)

    def for_batch(self, width: int) -> "ColourSymmetricFlow":
        """The reduced system's evaluation fixed for ``width`` coupling vectors (:meth:`DerivedFlow.for_batch`)."""
        fixed = copy.copy(self)
        fixed.reduced = self.reduced.for_batch(width)
        return fixed

    def breakpoints(self, t_start, t_stop):
        """Scales where the threshold sums jump (:meth:`DerivedFlow.breakpoints`)."""
        return self.reduced.breakpoints(t_start, t_stop)

    @property
    def leading_set(self):
        """The colours of the leading loop (see :attr:`DerivedFlow.leading_set`)."""
        return self.flow.leading_set

    def effective_dimension(self, k, subset=None):
        """d ln N_S / d ln k (see :meth:`DerivedFlow.effective_dimension`)."""
        return self.flow.effective_dimension(k, subset)

    def expand(self, couplings) -> np.ndarray:
        """Full coupling vector (one entry per truncation member) from the orbit couplings."""
        g = np.asarray(couplings, dtype=float)
        if g.ndim not in (1, 2) or g.shape[0] != len(self.names):
            raise InvalidArgumentError(
                f"couplings must have shape ({len(self.names)},) or ({len(self.names)}, m) ordered as {self.names}, "
                f"got shape {g.shape}")
        return g[self._orbit_of]

    def beta(self, couplings, t=None):
        """Dimensionless beta functions of the orbit couplings (the reduced system)."""
        return self.reduced.beta(couplings, t)

    def beta_dimensionful(self, t, couplings):
        """Dimensionful beta functions of the orbit couplings (the reduced system)."""
        return self.reduced.beta_dimensionful(t, couplings)

    def eta(self, couplings, t=None):
        return self.reduced.eta(couplings, t)

    def validity(self, couplings, t=None):
        return self.reduced.validity(couplings, t)

    def to_dimensionless(self, t, couplings):
        return self.reduced.to_dimensionless(t, couplings)

    def equations(self, format: str = "text", dimensionless: bool = False) -> str:
        """The reduced system in the orbit couplings (:mod:`tensornn.flow.equations`), "text" or "latex"."""
        from .equations import equations_latex, equations_text

        check_choice("format", format, ("text", "latex"))
        return (equations_text if format == "text" else equations_latex)(self, dimensionless=bool(dimensionless))

    def __repr__(self):
        return f"ColourSymmetricFlow(names={self.names}, of {self.flow!r})"


# ---------------------------------------------------------------------------- preset functions
def _check_dim(dim):
    """D as a real number > 0 (an int when it is a whole number, so that the options read as before)."""
    dim = check_real("dim", dim, positive=True)
    return int(dim) if dim.is_integer() else dim


def scalar_preset(dim: float = 3, order: int = 2, expansion: str = "zero", regulator: str = "litim") -> FlowPreset:
    """One real scalar in ``dim`` dimensions (any real D > 0), LPA, up to phi^(2 order).

    ``expansion="zero"``: the engine's flow of g2, g4, ... (U = sum g_{2n} phi^{2n}, g_{2n} = u_{2n}/(2n)!;
    m^2 = 2 g2). ``"minimum"``: :class:`MinimumPotential` (kappa, lambda2, ..., lambda_order), D > 2.
    The volume factor V_D of a non-integer D is the analytic continuation of the unit ball's volume.
    ``regulator``: a name of :data:`~tensornn.theory.REGULATORS` or a family member
    ("exponential(alpha=2)"); Litim by default.
    """
    dim = _check_dim(dim)
    expansion = check_choice("expansion", expansion, EXPANSIONS)
    order = _check_order(order, "scalar", expansion)
    regulator = get_regulator(regulator).name
    options = dict(dim=dim, order=order, expansion=expansion, regulator=regulator)
    if expansion == "minimum":
        if dim <= 2:
            raise InvalidArgumentError(f"the minimum expansion needs dim > 2, got dim={dim}; use expansion='zero'")
        minimum = MinimumPotential(dim, 1, order, regulator)
        return FlowPreset("scalar", options, minimum, None, _minimum_bounds(minimum))
    theory = Theory((ContinuumColour(dim),), "real", scalar_truncation(order), regulator)
    system = derive_flow(theory)
    return FlowPreset("scalar", options, system, theory, _zero_bounds(order))


def on_preset(n_components: int = 3, dim: float = 3, order: int = 2, expansion: str = "zero",
              regulator: str = "litim") -> FlowPreset:
    """N real scalars with O(N) symmetry in ``dim`` dimensions (any real D > 0), LPA, up to (phi.phi)^order.

    ``expansion="zero"``: the engine's flow (one local colour, one flat pairing colour of size N;
    couplings g_{2n} of (phi.phi)^n). ``"minimum"``: :class:`MinimumPotential` with ``n_components=N``.
    ``regulator`` as for :func:`scalar_preset`.
    """
    n_components = check_int("n_components", n_components, minimum=1)
    dim = _check_dim(dim)
    expansion = check_choice("expansion", expansion, EXPANSIONS)
    order = _check_order(order, "on", expansion)
    regulator = get_regulator(regulator).name
    options = dict(n_components=n_components, dim=dim, order=order, expansion=expansion, regulator=regulator)
    if expansion == "minimum":
        if dim <= 2:
            raise InvalidArgumentError(f"the minimum expansion needs dim > 2, got dim={dim}; use expansion='zero'")
        minimum = MinimumPotential(dim, n_components, order, regulator)
        return FlowPreset("on", options, minimum, None, _minimum_bounds(minimum))
    theory = Theory((FlatColour(n_components), ContinuumColour(dim)), "real", vector_truncation(order), regulator)
    system = derive_flow(theory)
    return FlowPreset("on", options, system, theory, _zero_bounds(order))


def tensor_preset(rank: int = 3, field: str = "complex", kinetic_power: float = 2.0, order: int = 2,
                  melonic: bool = True, eta: bool = False, colours: str = "continuum",
                  colour_symmetric: bool = True, group: str = "u1", cutoff=None, regulator: str = "litim",
                  regulator_eta: str = "include", ward: bool = False) -> FlowPreset:
    """Rank-d tensor field whose d strands are the modes of a group, e = sum_c e(p_c).

    Parameters
    ----------
    rank : int
        d >= 1 (melonic needs d >= 2).
    field : {"complex", "real"}
    kinetic_power : float
        s > 0: e = |p|^s (U(1)) or (j(j+1))^(s/2) (SU(2); s = 2 is the Laplacian).
    order : int
        Highest bubble order (black vertices; 2 order fields), >= 2.
    melonic : bool
        Melonic truncation and projection (docs/theory/flow.md), or all bubbles with the full rules.
    eta : bool
        LPA' (anomalous dimension from the melonic tadpole). With the Litim regulator it needs the
        density of states, i.e. ``colours="continuum"``; smooth regulators also work on exact sums.
    colours : {"continuum", "lattice"}
        The continuum approximation of the strand sums (Weyl's law: ``ContinuumColour(1, power=s,
        density=1)`` for U(1), ``ContinuumColour(3, power=s, density=2/pi)`` for SU(2); N_S = B k^(d-1)
        resp. k^(3(d-1)), autonomous) or exact sums over the modes (``LatticeColour(1, s, cutoff)``,
        ``SU2Colour(cutoff, s)``; non-autonomous: flows, and roots at a frozen scale).
    colour_symmetric : bool
        Reduce to one coupling per colour-permutation orbit (:class:`ColourSymmetricFlow`).
    group : {"u1", "su2"}
        The group of each strand.
    cutoff : int, float or None
        With ``colours="lattice"``: keep |p| <= cutoff (U(1), an integer) or j <= cutoff (SU(2), a
        multiple of 1/2); None keeps every mode.
    regulator : str
        A name of :data:`~tensornn.theory.REGULATORS`.
    regulator_eta : {"include", "omit"}
        Eta in the regulator derivative or not (:func:`~tensornn.flow.derive_flow`).
    ward : bool
        The Ward-constrained LPA' flow (:class:`~tensornn.flow.ward.WardMelonicFlow`): eta from the Ward identity of
        the unitary symmetry instead of the tadpole's strand derivative. Complex melonic quartic theory with
        continuum strands whose count N_perp ~ k^(s p) has p = (d - 1)/s < 2; needs ``eta=True``.

    Raises
    ------
    InvalidArgumentError
        For bad options, and for truncations above :data:`MAX_TENSOR_MEMBERS` bubbles or
        :data:`MAX_LOOP_SEQUENCES` loop sequences (the message states the size and the bound).
    """
    rank = check_int("rank", rank, minimum=1)
    field_ = check_choice("field", field, ("complex", "real"))
    s = check_real("kinetic_power", kinetic_power, positive=True)
    order = _check_order(order, "tensor", "zero")
    colours = check_choice("colours", colours, COLOUR_CHOICES)
    group = check_choice("group", group, GROUPS)
    regulator = get_regulator(regulator).name
    regulator_eta = check_choice("regulator_eta", regulator_eta, REGULATOR_ETA)
    for label, flag in (("melonic", melonic), ("eta", eta), ("colour_symmetric", colour_symmetric), ("ward", ward)):
        if not isinstance(flag, bool):
            raise InvalidTypeError(f"{label} must be True or False, got {flag!r}")
    if melonic and rank < 2:
        raise InvalidArgumentError(f"melonic=True needs rank >= 2 (a (d-1)-dipole needs two colours), got rank={rank}")
    if eta and colours != "continuum" and REGULATORS[regulator].counting:
        raise InvalidArgumentError(
            f"eta=True (LPA') with the {regulator} regulator needs the density of states of continuum colours; use "
            "colours='continuum', a smooth regulator (regulator='exponential'), or eta=False")
    if cutoff is not None and colours != "lattice":
        raise InvalidArgumentError(
            f"cutoff={cutoff!r} bounds the modes of exact sums; it needs colours='lattice' (the continuum "
            "approximation has no cutoff)")
    if ward and not (eta and melonic and field_ == "complex" and order == 2 and colours == "continuum"
                     and colour_symmetric):
        raise InvalidArgumentError(
            "ward=True is the Ward-constrained LPA' flow of the complex melonic quartic theory on continuum strands: "
            f"it needs eta=True, melonic=True, field='complex', order=2, colours='continuum' and colour_symmetric=True; "
            f"got eta={eta}, melonic={melonic}, field={field_!r}, order={order}, colours={colours!r}, "
            f"colour_symmetric={colour_symmetric}")
    options = dict(rank=rank, field=field_, kinetic_power=s, order=order, melonic=melonic, eta=eta,
                   colours=colours, colour_symmetric=colour_symmetric, group=group, cutoff=cutoff,
                   regulator=regulator, regulator_eta=regulator_eta, ward=ward)
    strand = _strand(group, colours, s, cutoff)
    _check_tensor_size(rank, order, field_, melonic)
    truncation = (melonic_truncation if melonic else full_truncation)(rank, order, field_)
    projection = "melonic" if melonic else "full"
    sequences = loop_sequence_count(truncation, projection)
    if sequences > MAX_LOOP_SEQUENCES:
        raise InvalidArgumentError(
            f"the {projection} rank-{rank} truncation up to order {order} has {len(truncation)} bubbles and its "
            f"derivation would visit up to {sequences:,} loop sequences, above the bound of {MAX_LOOP_SEQUENCES:,} "
            "of the presets (minutes of work); lower the rank or order, use the melonic truncation, or call "
            "tensornn.flow.derive_flow directly")
    theory = Theory((strand,) * rank, field_, truncation, regulator)
    if ward:
        count = ModeCount(theory.ordered_colours, range(1, rank))  # the d - 1 strands of a colour-1 tadpole
        ward_flow = WardMelonicFlow(rank, s, (count.factor * count.prefactor, count.exponent), regulator, regulator_eta)
        return FlowPreset("tensor", options, ward_flow, theory, ((-0.9, 2.0), (-0.2, 0.2)))
    flow = derive_flow(theory, projection=projection, anomalous_dimension=eta, regulator_eta=regulator_eta)
    system = ColourSymmetricFlow(flow) if colour_symmetric else flow
    bounds = tuple([(-0.9, 2.0)] + [(-3.0, 3.0)] * (len(system.names) - 1))
    return FlowPreset("tensor", options, system, theory, bounds)


def _strand(group, colours, s, cutoff):
    if group == "u1":
        exact = LatticeColour(1, power=s, role="pairing", cutoff=None if cutoff is None else
                              check_int("cutoff", cutoff, minimum=0, maximum=10**6))
    else:
        exact = SU2Colour(cutoff=cutoff, power=s, role="pairing")
    return exact if colours == "lattice" else exact.continuum_approximation()


def _check_tensor_size(rank, order, field, melonic):
    """Refuse, before enumerating, truncations with more than MAX_TENSOR_MEMBERS bubbles."""
    if melonic:
        estimate = sum(fuss_catalan(rank, n) // n for n in range(1, order + 1)) if rank >= 2 else order
        what = f"about {estimate:,} melonic bubbles (estimated as the rooted Fuss-Catalan count / order)"
    else:
        estimate = sum(count_bubbles(rank, n, field) for n in range(1, order + 1))
        what = f"{estimate:,} bubbles (Burnside count)"
    if estimate > MAX_TENSOR_MEMBERS:
        raise InvalidArgumentError(
            f"the rank-{rank} {'melonic' if melonic else 'full'} truncation up to order {order} has {what}, above "
            f"the bound of {MAX_TENSOR_MEMBERS:,} bubbles of the presets; lower the rank or order, or build the "
            "truncation with tensornn.theory and derive_flow directly")


def _zero_bounds(order):
    # g2 (m = 2 g2 > -1) and couplings of decreasing size; random starts only matter at low order
    return tuple([(-0.45, 0.1)] + [(-1.0, 1.0)] * (order - 1))


def _minimum_bounds(system):
    return tuple([(0.0, 2.0 * system.n_components * system.vd + 0.1), (0.0, 20.0)]
                 + [(-200.0, 200.0)] * (len(system.names) - 2))


PRESETS: dict[str, Callable[..., FlowPreset]] = {"scalar": scalar_preset, "on": on_preset, "tensor": tensor_preset}


def make_preset(name: str, **options) -> FlowPreset:
    """Build the preset ``name`` (one of :data:`PRESETS`) with keyword ``options``.

    Raises
    ------
    InvalidArgumentError
        Unknown preset name (the error lists the valid ones) or an option the preset does not take.

    Examples
    --------
    >>> make_preset("scalar", dim=3, order=2).names
    ('g2', 'g4')
    """
    name = check_choice("preset", name, tuple(PRESETS))
    function = PRESETS[name]
    valid = tuple(inspect.signature(function).parameters)
    unknown = sorted(set(options) - set(valid))
    if unknown:
        raise InvalidArgumentError(
            f"unknown option(s) {', '.join(unknown)} for the {name!r} preset; valid options: {', '.join(valid)}")
    return function(**options)


"""The derived beta functions with exact coefficients, as SymPy expressions, LaTeX and compiled functions.

The engine derives every one-loop term ``c prod(g) L_n^S`` with an exact rational coefficient ``c``
(:mod:`tensornn.flow.equations`). With the Litim regulator the threshold sums of continuum and flat colours are
power laws, ``N_S(x) = B_S x^p`` (x = k^s, p = sum_{c in S} D_c/s), and have the closed form

    L_n^S = B_S x^(p+1) [s - eta/(p + 1)] / (x + m)^n,    dL_n^S/de = B_S x^p (eta - s p) / (x + m)^n,

with the exact prefactor ``B_S = prod_flat N_c prod_continuum rho_c V(D_c, s) a_c^(-D_c/s) / Gamma(1 + p)``:
``V(D, s) = Omega_D Gamma(D/s)/s``, ``Omega_D = 2 pi^(D/2)/Gamma(D/2)`` the area of the unit sphere, ``rho_c`` the
density of modes (``(2 pi)^(-D)`` by default) and ``a_c`` the scale of e = a |p|^s. :func:`symbolic_flow` assembles
the flow from these pieces with SymPy: the dimensionless beta functions (the flow that is solved,
:meth:`~tensornn.flow.betas.DerivedFlow.beta`)

    beta_I = (-[g_I] + (n_I/2) eta) g_I + sum c prod(g) l_n^S,   l_n^S = L_n^S at k = 1,

or the dimensionful ones at the scale ``k``, and in the LPA' the anomalous dimension solved from its linear
equation, eta = A/(1 - B). Numbers given as floats (a dimension 3.0, a scale 0.5) enter as the rationals they
spell. Flows whose sums have no closed form (discrete colours, smooth regulators) are refused.

References: Litim hep-th/0005245 (the optimised regulator); Benedetti, Ben Geloun, Oriti 1411.3180 (tensor LPA').

Examples
--------
>>> from tensornn.theory import ContinuumColour, Theory, scalar_truncation
>>> from tensornn.flow import derive_flow
>>> exact = symbolic_flow(derive_flow(Theory((ContinuumColour(3),), "real", scalar_truncation(2))))
>>> exact.betas[1]
24*g4**2/(pi**2*(2*g2 + 1)**3) - g4
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..errors import InvalidArgumentError, InvalidTypeError, MissingDependencyError
from .equations import FlowEquations, flow_equations

__all__ = ["SymbolicFlow", "symbolic_flow", "threshold_prefactor"]


def _sympy():
    try:
        import sympy
    except ImportError as exc:  # pragma: no cover - exercised only without sympy
        raise MissingDependencyError("exact beta functions need sympy: pip install 'tensornn[exact]'") from exc
    return sympy


def _exact(value):
    """A number as SymPy spells it exactly: ints stay ints, floats become the rational their repr spells."""
    sp = _sympy()
    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    if float(value) == int(value):
        return sp.Integer(int(value))
    return sp.Rational(repr(float(value)))


def threshold_prefactor(theory, subset):
    """The exact B_S of N_S(x) = B_S x^p for the colours ``subset`` of ``theory`` (indices into ordered_colours).

    Raises
    ------
    InvalidArgumentError
        A discrete colour in the set, or one outside it with a nonzero zero mode (no power law).

    Examples
    --------
    >>> from tensornn.theory import ContinuumColour, Theory, scalar_truncation
    >>> threshold_prefactor(Theory((ContinuumColour(3),), "real", scalar_truncation(2)), (0,))
    1/(6*pi**2)
    """
    from ..theory.colours import ContinuumColour, FlatColour

    sp = _sympy()
    colours = theory.ordered_colours
    inside = [colours[i] for i in sorted(subset)]
    outside = [c for i, c in enumerate(colours) if i not in set(subset)]
    if any(not isinstance(c, (ContinuumColour, FlatColour)) for c in inside) or \
            any(float(c.zero_mode) != 0.0 for c in outside):
        raise InvalidArgumentError(
            "the threshold sums of this flow have no closed form (discrete colours, or a colour whose lowest mode is "
            "not at e = 0): exact beta functions need continuum and flat colours (colours='continuum')")
    value = sp.Integer(1)
    exponent = sp.Integer(0)
    for c in inside:
        if isinstance(c, FlatColour):
            value *= sp.Integer(c.size)
            continue
        d, s, a = _exact(c.dimension), _exact(c.power), _exact(c.scale)
        default = abs(c.density - (2 * np.pi) ** (-c.dimension)) <= 1e-15 * c.density
        rho = (2 * sp.pi) ** (-d) if default else _exact(c.density)
        omega = 2 * sp.pi ** (d / 2) / sp.gamma(d / 2)
        value *= rho * omega * sp.gamma(d / s) / s * a ** (-d / s)
        exponent += d / s
    return sp.simplify(value / sp.gamma(1 + exponent))


@dataclass(frozen=True)
class SymbolicFlow:
    """The beta functions of a derived flow as SymPy expressions (see the module docstring).

    Attributes
    ----------
    names : tuple of str
        Coupling names, in the order of the engine's coupling vectors.
    couplings : tuple of sympy.Symbol
        One symbol per coupling (named as ``names``).
    betas : tuple of sympy.Expr
        d_t g_I: dimensionless beta functions, or dimensionful ones at the scale ``k``.
    eta : sympy.Expr
        The anomalous dimension (0 in the LPA).
    dimensionless : bool
    k : sympy.Symbol
        The scale (appears in dimensionful flows and in non-autonomous dimensionless ones).
    """

    names: tuple
    couplings: tuple
    betas: tuple
    eta: object
    dimensionless: bool
    k: object

    def latex(self) -> str:
        """The system in a LaTeX ``align`` environment (``\\partial_t g = ...`` per coupling, then eta)."""
        sp = _sympy()
        rows = [rf"\partial_t {sp.latex(g)} &= {sp.latex(b)}" for g, b in zip(self.couplings, self.betas)]
        if self.eta != 0:
            rows.append(rf"\eta &= {sp.latex(self.eta)}")
        return "\\begin{align}\n" + " \\\\\n".join(rows) + "\n\\end{align}"

    def lambdify(self):
        """A numpy function ``f(g, t=0.0) -> ndarray`` of the betas (``g`` shape (n,) or (n, m); t = ln k).

        Returns the same numbers as the engine (:meth:`~tensornn.flow.betas.DerivedFlow.beta` for a
        dimensionless flow, :meth:`~tensornn.flow.betas.DerivedFlow.beta_dimensionful` otherwise).
        """
        sp = _sympy()
        compiled = sp.lambdify((self.k, self.couplings), list(self.betas), modules="numpy")
        n = len(self.couplings)

        def betas(g, t: float = 0.0) -> np.ndarray:
            g = np.asarray(g, dtype=float)
            if g.shape[:1] != (n,):
                raise InvalidArgumentError(f"g must have shape ({n},) or ({n}, m) ordered as {self.names}, "
                                           f"got shape {g.shape}")
            values = compiled(float(np.exp(t)), tuple(g))
            return np.array([np.broadcast_to(np.asarray(v, dtype=float), g.shape[1:]) for v in values])

        return betas

    def __repr__(self) -> str:
        kind = "dimensionless" if self.dimensionless else "dimensionful"
        return f"SymbolicFlow({kind}, couplings={self.names}, eta={'0' if self.eta == 0 else 'solved'})"


def symbolic_flow(system, *, dimensionless: bool = True) -> SymbolicFlow:
    """The exact beta functions of ``system`` (a ``DerivedFlow``, ``ColourSymmetricFlow`` or ``FlowEquations``).

    Parameters
    ----------
    system : DerivedFlow, ColourSymmetricFlow or FlowEquations
        A flow derived by the engine with the Litim regulator on continuum and flat colours.
    dimensionless : bool
        The dimensionless flow (default; at the scale k only when the flow is not autonomous) or the
        dimensionful one at the scale ``k``.

    Returns
    -------
    SymbolicFlow

    Raises
    ------
    InvalidArgumentError
        A regulator other than Litim, or threshold sums without closed form.
    MissingDependencyError
        SymPy is not installed (``pip install 'tensornn[exact]'``).
    """
    sp = _sympy()
    eqs = system if isinstance(system, FlowEquations) else flow_equations(_check_system(system))
    flow = eqs.flow
    if flow.theory.regulator != "litim":
        raise InvalidArgumentError(
            f"exact beta functions need the Litim regulator (its threshold sums are mode counts with closed forms); "
            f"this flow uses {flow.theory.regulator!r}")
    g = sp.symbols(list(eqs.names), real=True)
    k = sp.Symbol("k", positive=True)
    s = _exact(flow.power)
    d = _exact(flow.loop_dimension)
    x = sp.Integer(1) if dimensionless else k ** s
    mass = sp.Integer(0)
    if flow.mass_index is not None:
        mass_name = flow.names[flow.mass_index]
        position = eqs.names.index(mass_name) if mass_name in eqs.names else _orbit_of(eqs, mass_name)
        mass = _exact(flow.mass_factor) * g[position]
    eta = sp.Symbol("eta")
    eta_in_regulator = flow.anomalous_dimension and flow.regulator_eta == "include"
    cache: dict = {}

    def count(S):
        if S not in cache:
            p = sum((_exact(flow.theory.ordered_colours[c].nominal_dimension) for c in S), sp.Integer(0)) / s
            B = threshold_prefactor(flow.theory, S)
            # N_S in units of k^d for the dimensionless flow (k^0 for the dimensionful one)
            nu = B * k ** (s * p - (d if dimensionless else 0))
            cache[S] = (p, nu)
        return cache[S]

    def loop(n, S):
        p, nu = count(S)
        mu = p / (p + 1)
        body = s * x * nu - (eta * x * (1 - mu) * nu if eta_in_regulator else 0)
        return body / (x + mass) ** n

    def derivative(n, S):
        p, nu = count(S)
        return (-s * p * nu + (eta * nu if eta_in_regulator else 0)) / (x + mass) ** n

    def monomial(factors):
        return sp.Mul(*(g[f] for f in factors))

    eta_value = sp.Integer(0)
    if flow.anomalous_dimension:
        implicit = sum((_exact(T.coefficient) * monomial(T.factors) * derivative(T.n, T.colours)
                        for T in eqs.eta_terms), sp.Integer(0))
        eta_value = sp.solve(sp.Eq(eta, implicit), eta)[0] if implicit.has(eta) else implicit
    betas = []
    for i, row in enumerate(eqs.terms):
        beta = sum((_exact(T.coefficient) * monomial(T.factors) * loop(T.n, T.colours) for T in row), sp.Integer(0))
        if flow.anomalous_dimension:
            beta += _exact(eqs.n_legs[i]) / 2 * eta * g[i]
        if dimensionless:
            beta -= _exact(eqs.dimensions[i]) * g[i]
        betas.append(sp.simplify(beta.subs(eta, eta_value)) if flow.anomalous_dimension else sp.simplify(beta))
    if dimensionless and flow.autonomous:
        betas = [sp.simplify(b.subs(k, 1)) for b in betas]
        eta_value = sp.simplify(eta_value.subs(k, 1))
    return SymbolicFlow(tuple(eqs.names), tuple(g), tuple(betas), sp.simplify(eta_value), bool(dimensionless), k)


def _orbit_of(eqs, member):
    for position, name in enumerate(eqs.names):
        if eqs.members and member in eqs.members.get(name, ()):
            return position
    raise InvalidArgumentError(f"the mass coupling {member!r} is not among the couplings {eqs.names}")


def _check_system(system):
    flow = getattr(system, "flow", system)
    if not hasattr(flow, "terms") or not hasattr(flow, "theory"):
        raise InvalidTypeError(
            f"system must be a flow derived by the engine (DerivedFlow, ColourSymmetricFlow or FlowEquations), got "
            f"{type(system).__name__}; potential expansions and kinetic flows have no derived terms")
    return system

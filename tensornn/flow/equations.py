"""The derived beta functions as a physicist writes them, in text or LaTeX.

:func:`flow_equations` collects the system that is solved: for every coupling the one-loop terms
``coefficient * prod g * L_n^S``, the canonical scaling terms of the dimensionless flow, the
anomalous dimension's own equation (LPA') and the threshold sums with their closed forms where
they exist (Litim regulator, continuum colours). :func:`equations_text` and :func:`equations_latex`
print it with a legend: the field and its colours, the action, the regulator and whether eta is in
d_t R (``regulator_eta``), and what every coupling multiplies (its bubble, by name and as an index
contraction).

Notation of the text form (it evaluates as written once ``^`` is read as a power and a space
between factors as a product):

- ``d_t g = ...``: the flow of g; with ``dimensionless=True`` g stands for the dimensionless
  coupling g k^(-[g]) (times Z^(-n/2) in the LPA') and the first term is the scaling (-[g] + (n/2) eta) g;
- ``L_n^{S}`` (``l_n^{S}`` dimensionless, at k = 1): the threshold sum over the modes of the colours
  S of d_t R G^n; ``L'_n^{S}``: its derivative in the kinetic value of the external strand, which
  gives eta; ``{}`` is the empty set (no colour summed: the single zero mode);
- colours are named by their bubble colour 1..d for pairing colours and x (x1, x2, ...) for local ones.

Example (scalar phi^4 in D = 3)::

    d_t g2 = -6 g4 L_2^{x}
    d_t g4 = 72 g4^2 L_3^{x}
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from ..bubbles.names import bubble_contraction, bubble_name
from ..errors import InvalidArgumentError
from .thresholds import ModeCount

if TYPE_CHECKING:
    from .betas import DerivedFlow

__all__ = ["colour_labels", "EquationTerm", "FlowEquations", "flow_equations", "equations_text", "equations_latex"]


def colour_labels(theory) -> tuple[str, ...]:
    """Labels of ``theory.ordered_colours``: '1'..'d_p' for pairing colours, 'x' or 'x1', 'x2', ... for local ones."""
    n_local = len(theory.local_colours)
    local = ["x"] if n_local == 1 else [f"x{i}" for i in range(1, n_local + 1)]
    return tuple(str(c) for c in range(1, theory.n_pairing + 1)) + tuple(local)


@dataclass(frozen=True)
class EquationTerm:
    """coefficient * prod(g_factors) * L_n^colours (or L'_n^colours in the eta equation)."""

    coefficient: Fraction
    factors: tuple
    n: int
    colours: tuple


@dataclass(frozen=True)
class FlowEquations:
    """The system as it is solved (see the module docstring).

    Attributes
    ----------
    flow : DerivedFlow
        The engine's flow (its theory, regulator and threshold sums).
    names : tuple of str
        The couplings of the printed system (orbit couplings for a colour-symmetric flow).
    n_legs, dimensions : tuple of float
        Fields n_I and canonical dimension [g_I] of every coupling.
    terms : tuple of tuple of EquationTerm
        The one-loop terms of each coupling's flow (dimensionful, Z-rescaled).
    eta_terms : tuple of EquationTerm
        eta = sum of coefficient * prod g * L'_n^S (empty in the LPA).
    members : dict or None
        For a colour-symmetric flow: orbit coupling -> the bubbles' couplings it stands for.
    """

    flow: DerivedFlow
    names: tuple
    n_legs: tuple
    dimensions: tuple
    terms: tuple
    eta_terms: tuple
    members: dict | None = None

    @property
    def thresholds(self) -> tuple:
        """The (n, colours) of every threshold sum used, sorted."""
        keys = {(T.n, T.colours) for row in self.terms for T in row}
        return tuple(sorted(keys, key=lambda k: (k[0], len(k[1]), k[1])))

    @property
    def eta_thresholds(self) -> tuple:
        """The (n, colours) of the derivative sums L'_n^S in the eta equation."""
        return tuple(sorted({(T.n, T.colours) for T in self.eta_terms}, key=lambda k: (k[0], len(k[1]), k[1])))


def _merge(entries):
    acc = {}
    for target, factors, n, colours, c in entries:
        key = (target, tuple(sorted(factors)), n, tuple(sorted(colours)))
        acc[key] = acc.get(key, 0) + c
    return acc


def flow_equations(system) -> FlowEquations:
    """Collect the equations of a ``DerivedFlow`` or ``ColourSymmetricFlow``.

    For a colour-symmetric flow the factors are replaced by their orbit couplings and, the pairing
    colours being interchangeable, every threshold set S by the first |S| pairing colours (L_n^S
    depends on S only through its size), and like terms are merged.
    """
    flow = getattr(system, "flow", system)
    symmetric = flow is not system
    theory = flow.theory
    n_pairing = theory.n_pairing
    if symmetric:
        orbit_of = [int(o) for o in system._orbit_of]
        reps = {int(r): o for o, r in enumerate(system._reps)}

        def colours_of(S):
            pairing = sum(1 for c in S if c < n_pairing)
            return tuple(range(pairing)) + tuple(sorted(c for c in S if c >= n_pairing))
    else:
        orbit_of = list(range(len(flow.names)))
        reps = {i: i for i in range(len(flow.names))}

        def colours_of(S):
            return tuple(sorted(S))

    entries = []
    for T in flow.terms:
        if T.target in reps:
            entries.append((reps[T.target], [orbit_of[f] for f in T.factors], T.n, colours_of(T.colours),
                            Fraction(T.coefficient)))
    merged = _merge(entries)
    names = tuple(system.names)
    terms: list[list[EquationTerm]] = [[] for _ in names]
    for (target, factors, n, colours), c in sorted(merged.items(), key=lambda kv: (kv[0][0], kv[0][2], kv[0][1],
                                                                                   kv[0][3])):
        if c != 0:
            terms[target].append(EquationTerm(c, factors, n, colours))
    eta_entries = []
    if flow.anomalous_dimension:
        strands = _strands(flow)
        for r in flow._eta_rows:
            T = flow.terms[r]
            weight = Fraction(int(flow.mass_factor)) * Fraction(sum(c not in T.colours for c in strands), len(strands))
            eta_entries.append((None, [orbit_of[f] for f in T.factors], T.n, colours_of(T.colours),
                                -weight * Fraction(T.coefficient)))
    eta_terms = tuple(EquationTerm(c, f, n, S) for (_, f, n, S), c in sorted(
        _merge(eta_entries).items(), key=lambda kv: (kv[0][2], kv[0][1], kv[0][3])) if c != 0)
    if symmetric:
        legs = tuple(float(flow.n_legs[r]) for r in system._reps)
        dims = tuple(float(d) for d in system.dimensions)
        members = dict(system.members)
    else:
        legs = tuple(float(v) for v in flow.n_legs)
        dims = tuple(float(d) for d in flow.dimensions)
        members = None
    return FlowEquations(flow, names, legs, dims, tuple(tuple(row) for row in terms), eta_terms, members)


def _strands(flow):
    from ..theory.colours import FlatColour

    return [i for i, c in enumerate(flow.theory.ordered_colours) if c.role == "pairing" and not isinstance(c, FlatColour)]


# ----------------------------------------------------------------------------- numbers
def _num(x) -> str:
    """A number as written in the equations: integers without a decimal point, else 15 significant digits."""
    x = float(x)
    if x == round(x) and abs(x) < 1e15:
        return str(int(round(x)))
    return format(x, ".15g")


def _exact_prefactor(flow, S):
    """B_S as a SymPy expression (pi, Gamma functions), or None without SymPy or a closed form."""
    import importlib.util

    if importlib.util.find_spec("sympy") is None:
        return None
    from .symbolic import threshold_prefactor

    try:
        return threshold_prefactor(flow.theory, S)
    except InvalidArgumentError:
        return None


def _exact_text(value, latex: bool) -> str:
    """A SymPy number in the notation of the equations ('1/(6 pi^2)', or LaTeX); integers without a point."""
    import sympy as sp

    if latex:
        return sp.latex(value)

    def plain(part):
        return sp.sstr(part).replace("**", "^").replace("*", " ")

    numerator, denominator = sp.fraction(sp.factor(value))
    if denominator == 1:
        return plain(numerator)
    bottom = plain(denominator)
    return f"{plain(numerator)}/{f'({bottom})' if ' ' in bottom or '/' in bottom else bottom}"


def _fraction(c: Fraction, latex: bool) -> str:
    c = abs(c)
    if c.denominator == 1:
        return str(c.numerator)
    return rf"\frac{{{c.numerator}}}{{{c.denominator}}}" if latex else f"({c.numerator}/{c.denominator})"


def _latex_name(name: str, flow) -> str:
    if flow.mass_index is not None and name == flow.names[flow.mass_index] and name == "mass":
        return r"\mu"
    m = re.match(r"^([A-Za-z]+)_?(.*)$", name)
    if not m or not m.group(2):
        return name
    return f"{m.group(1)}_{{{m.group(2).replace('_', ',')}}}"


# ----------------------------------------------------------------------------- shared rendering
class _Style:
    def __init__(self, latex, eqs, dimensionless):
        self.latex = latex
        self.eqs = eqs
        self.flow = eqs.flow
        self.dimensionless = dimensionless
        self.labels = colour_labels(self.flow.theory)

    def name(self, i):
        name = self.eqs.names[i]
        return _latex_name(name, self.flow) if self.latex else name

    def power(self, base, p):
        if p == 1:
            return base
        return f"{base}^{{{p}}}" if self.latex else f"{base}^{p}"

    def colours(self, S):
        return ",".join(self.labels[c] for c in S)

    def threshold(self, n, S, derivative=False):
        letter = "l" if self.dimensionless else "L"
        if self.latex:  # the prime is itself a superscript: brace it, or l'_n^{S} is a double superscript
            base = f"{{{letter}'}}" if derivative else letter
            return rf"{base}_{{{n}}}^{{\{{{self.colours(S)}\}}}}"
        return f"{letter}{chr(39) if derivative else ''}_{n}^{{{self.colours(S)}}}"

    def monomial(self, factors):
        return [self.power(self.name(j), p) for j, p in sorted(Counter(factors).items())]

    def term(self, T, derivative=False):
        parts = self.monomial(T.factors) + [self.threshold(T.n, T.colours, derivative)]
        coef = _fraction(T.coefficient, self.latex)
        if coef != "1":
            parts = [coef] + parts
        glue = r"\, " if self.latex else " "
        return ("-" if T.coefficient < 0 else "+"), glue.join(parts)

    def join(self, signed):
        if not signed:
            return "0"
        first_sign, first = signed[0]
        out = ("-" if first_sign == "-" else "") + first
        return out + "".join(f" {sign} {body}" for sign, body in signed[1:])

    def scaling(self, i):
        """The scaling term (-[g] + (n/2) eta) g of the dimensionless flow and/or (n/2) eta g of the LPA'."""
        eta = r"\eta" if self.latex else "eta"
        a = -self.eqs.dimensions[i] if self.dimensionless else 0.0
        b = self.eqs.n_legs[i] / 2 if self.flow.anomalous_dimension else 0.0
        name = self.name(i)
        glue = r"\, " if self.latex else " "
        if a == 0 and b == 0:
            return None
        if b == 0:
            return ("-" if a < 0 else "+"), (name if abs(a) == 1 else f"{_num(abs(a))}{glue}{name}")
        beta = eta if b == 1 else f"{_num(b)}{glue}{eta}"
        if a == 0:
            return "+", f"{beta}{glue}{name}"
        return "+", f"({_num(a)} + {beta}){glue}{name}"


# ----------------------------------------------------------------------------- thresholds
def _mass_text(style, scale):
    """'scale + m' with the propagator mass m written in the couplings (2 g for real fields)."""
    flow = style.flow
    if flow.mass_index is None:
        return scale
    name = style.name(style.eqs.names.index(flow.names[flow.mass_index]))
    if flow.mass_factor == 1:
        return f"{scale} + {name}"
    glue = r"\, " if style.latex else " "
    return f"{scale} + {_num(flow.mass_factor)}{glue}{name}"


def _k_power(style, p):
    """k^p in the dimensionful form (p a number)."""
    if p == 0:
        return ""
    if p == 1:
        return "k"
    return f"k^{{{_num(p)}}}" if style.latex else f"k^{_num(p)}"


def _over(style, numerator, denominator, n):
    den = f"({denominator})"
    if style.latex:
        return rf"\frac{{{numerator}}}{{{den}^{{{n}}}}}" if n != 1 else rf"\frac{{{numerator}}}{{{den}}}"
    return f"{numerator}/{den}^{n}" if n != 1 else f"{numerator}/{den}"


def _count(flow, S):
    counts = flow._counts
    key = frozenset(S)
    return counts[key] if key in counts else ModeCount(flow.theory.ordered_colours, key)


def _threshold_line(style, n, S, derivative):
    """'L_n^{S} = ...': the closed form (Litim, power-law counting) or the defining sum."""
    flow = style.flow
    s = flow.power
    count = _count(flow, S)
    eta_in = flow._eta_in_regulator
    eta = r"\eta" if style.latex else "eta"
    scale = "1" if style.dimensionless else _k_power(style, s)
    den = _mass_text(style, scale)
    lhs = style.threshold(n, S, derivative)
    if flow.regulator.counting and count.power_law:
        p = count.exponent
        B = count.factor * count.prefactor
        exact = _exact_prefactor(flow, S)
        glue = r"\, " if style.latex else " "

        def number(value, multiplier):
            if exact is None:
                return _num(value)
            from .symbolic import _exact

            text = _exact_text(exact * _exact(multiplier), style.latex)
            return f"({text})" if not style.latex and not re.fullmatch(r"-?\d+", text) else text

        if not derivative:
            amplitude = B * s
            kp = "" if style.dimensionless else _k_power(style, s * (p + 1))
            body = number(amplitude, s) if amplitude != 1 or not kp else ""
            if eta_in:
                body += ("" if not body else glue) + f"(1 - {eta}/{_num(s * (p + 1))})"
        else:
            kp = "" if style.dimensionless else _k_power(style, s * p)
            if eta_in:
                body = f"{number(B, 1)}{glue}({eta} - {_num(s * p)})" if B != 1 else f"({eta} - {_num(s * p)})"
            else:
                body = number(-B * s * p, -s * p)
        if kp:
            body = f"{body}{glue}{kp}" if body else kp
        return f"{lhs} = {_over(style, body or '1', den, n)}"
    return f"{lhs} = {_defining_sum(style, n, S, derivative, count)}"


def _defining_sum(style, n, S, derivative, count):
    """The threshold sum in words and symbols (no closed form: discrete colours or a smooth regulator)."""
    flow = style.flow
    where = ", ".join(style.labels[c] for c in S) or "none"
    eta_in = flow._eta_in_regulator
    if flow.regulator.counting:
        if derivative:
            text = f"[eta N_S - s k^s N_S'(k^s)]/(k^s + m)^{n}, N_S' the density of states of the colours {{{where}}}"
        elif eta_in:
            text = (f"[s k^s N_S - eta (k^s N_S - M_S)]/(k^s + m)^{n}, N_S and M_S the number of modes of the "
                    f"colours {{{where}}} with E <= k^s and their summed E")
        else:
            text = f"s k^s N_S/(k^s + m)^{n}, N_S the number of modes of the colours {{{where}}} with E <= k^s"
        if count.discrete:
            text += " (exact sums)"
    else:
        summand = f"[s (r - u r'){' - eta r' if eta_in else ''}](u_a)/(u_a + r(u_a) + m/k^s)^{n}"
        prefix = f"k^(-s {n}) sum_a d/du" if derivative else f"k^(s (1 - {n})) sum_a"
        text = (f"{prefix} {summand} over the modes a of the colours {{{where}}}, u_a = E_a/k^s, "
                f"{flow.regulator.shape_formula}")
        if count.continuum:
            text += (f"; continuum colours integrated by quadrature, N_S(E) = {_num(count.factor * count.prefactor)} "
                     f"E^{_num(count.exponent)}")
    if style.dimensionless:
        symbol = ("L'" if derivative else "L") + f"_{n}^{{{','.join(style.labels[c] for c in S)}}}"
        return f"k^-{_num(flow.loop_dimension)} {symbol}, m/k^s the dimensionless propagator mass; {symbol} = {text}"
    return text


def _solved_eta(style):
    """'eta = a/(1 - b)' with a, b written out, when every L'_n^S has a closed form; else None."""
    flow = style.flow
    if not (flow.regulator.counting and style.dimensionless):
        return None
    parts_a, parts_b = {}, {}
    for T in style.eqs.eta_terms:
        count = _count(flow, T.colours)
        if not count.power_law:
            return None
        B = count.factor * count.prefactor
        p = count.exponent
        exact = _exact_prefactor(flow, T.colours)
        if exact is not None:  # exact arithmetic: the coefficient is a rational, B_S a closed form
            from .symbolic import _exact

            c, B, p, power = _exact(T.coefficient), exact, _exact(p), _exact(flow.power)
        else:
            c, power = float(T.coefficient), flow.power
        mono = tuple(sorted(T.factors))
        key = (T.n, mono)
        parts_a[key] = parts_a.get(key, 0) + c * (-B * power * p)
        if flow._eta_in_regulator:
            parts_b[key] = parts_b.get(key, 0) + c * B
    den = _mass_text(style, "1")

    def render(parts):
        signed = []
        for (n, mono), value in sorted(parts.items()):
            if value == 0:
                continue
            glue = r"\, " if style.latex else " "
            factors = glue.join(style.monomial(mono))
            head = _num(abs(value)) if isinstance(value, float) else _exact_text(abs(value), style.latex)
            if not style.latex and not isinstance(value, float) and not re.fullmatch(r"\d+", head):
                head = f"({head})"
            body = f"{head}{glue}{factors}" if factors and head != "1" else (factors or head)
            signed.append(("-" if value < 0 else "+", _over(style, body, den, n)))
        return style.join(signed)

    a = render(parts_a)
    if not parts_b or all(v == 0 for v in parts_b.values()):
        return a
    b = render(parts_b)
    return rf"\frac{{{a}}}{{1 - ({b})}}" if style.latex else f"({a})/(1 - ({b}))"


# ----------------------------------------------------------------------------- legend
def _legend(style):
    flow = style.flow
    theory = flow.theory
    eqs = style.eqs
    lines = []
    kinds = {}
    for label, colour in zip(style.labels, theory.ordered_colours):
        kinds.setdefault((colour.describe(), colour.role), []).append(label)
    field = f"{theory.field} rank-{theory.n_pairing} field" if theory.n_pairing else f"{theory.field} scalar field"
    lines.append(f"{field}; colours: " + "; ".join(f"{', '.join(labs)} = {role} colour, {text}"
                                                   for (text, role), labs in kinds.items()))
    kinetic = "phibar_a (Z E(a)) phi_a" if theory.field == "complex" else "(1/2) phi_a (Z E(a)) phi_a"
    lines.append(f"action: Gamma_k = sum_a {kinetic} + sum_I g_I I(phi), E(a) = sum of the kinetic values of the "
                 "colours of a")
    reg = flow.regulator
    lines.append(f"regulator: {reg.name}, {reg.formula}, s = {_num(flow.power)}")
    if flow.anomalous_dimension:
        lines.append(f"LPA': eta = -d_t ln Z from the external strand of the two-point loops; regulator_eta = "
                     f"{flow.regulator_eta}: {reg.dt_formula(flow.regulator_eta)}")
    else:
        lines.append(f"LPA: Z = 1, eta = 0 ({reg.dt_formula('omit')}); regulator_eta = {flow.regulator_eta} "
                     "(no effect without eta)")
    lines.append(f"projection: {flow.projection}")
    lines.append("couplings (g_I multiplies I(phi), summed over every index):")
    trunc = theory.truncation
    mass = flow.names[flow.mass_index] if flow.mass_index is not None else None
    factor = "" if flow.mass_factor == 1 else f"{_num(flow.mass_factor)} "

    def describe(member_name):
        m = trunc.interactions[trunc.index(member_name)]
        text = f"{bubble_name(m.bubble)}: {bubble_contraction(m.bubble)}"
        if member_name == mass:
            text += f"; the propagator is 1/(Z E + R_k + {factor}{mass})"
        return text

    for i, name in enumerate(eqs.names):
        members = eqs.members.get(name, (name,)) if eqs.members else (name,)
        if len(members) == 1:
            lines.append(f"  {name} = {describe(members[0])}")
            continue
        lines.append(f"  {name} = the coupling of each of the {len(members)} bubbles of its colour orbit "
                     f"({', '.join(members)}):")
        for member in members:
            lines.append(f"      {member}: {describe(member)}")
    if style.dimensionless:
        dims = ", ".join(f"[{n}] = {_num(d)}" for n, d in zip(eqs.names, eqs.dimensions))
        z = " Z^(-n/2)" if flow.anomalous_dimension else ""
        lines.append(f"dimensionless couplings: every name stands for g k^(-[g]){z} (n fields); {dims}")
    else:
        z = " g Z^(-n/2) (n fields)" if flow.anomalous_dimension else " g"
        lines.append(f"dimensionful couplings{z} at scale k")
    return lines


# ----------------------------------------------------------------------------- public
def _system(system):
    return system if isinstance(system, FlowEquations) else flow_equations(system)


def _body(style):
    eqs = style.eqs
    lines = []
    for i, name in enumerate(eqs.names):
        signed = []
        scaling = style.scaling(i)
        if scaling is not None:
            signed.append(scaling)
        signed += [style.term(T) for T in eqs.terms[i]]
        lhs = rf"\partial_t {style.name(i)}" if style.latex else f"d_t {name}"
        lines.append((lhs, style.join(signed)))
    eta = []
    if eqs.flow.anomalous_dimension:
        lhs = r"\eta" if style.latex else "eta"
        eta.append((lhs, style.join([style.term(T, derivative=True) for T in eqs.eta_terms])))
        solved = _solved_eta(style)
        if solved is not None:
            eta.append((lhs, solved))
    thresholds = [_threshold_line(style, n, S, False) for n, S in eqs.thresholds]
    thresholds += [_threshold_line(style, n, S, True) for n, S in eqs.eta_thresholds]
    return lines, eta, thresholds


def equations_text(system, dimensionless: bool = False) -> str:
    """The equations in plain text: a legend (lines starting with '#'), the flows, eta, the threshold sums.

    Parameters
    ----------
    system : DerivedFlow, ColourSymmetricFlow or FlowEquations
    dimensionless : bool
        Print the dimensionless flow (scaling terms, thresholds at k = 1) instead of the dimensionful one.
    """
    eqs = _system(system)
    style = _Style(False, eqs, dimensionless)
    lines, eta, thresholds = _body(style)
    out = ["# " + line for line in _legend(style)]
    out += [f"{lhs} = {rhs}" for lhs, rhs in lines]
    if eta:
        out.append("# anomalous dimension (implicit, then solved):" if len(eta) > 1 else "# anomalous dimension:")
        out += [f"{lhs} = {rhs}" for lhs, rhs in eta]
    kind = "dimensionless, at k = 1" if dimensionless else "dimensionful"
    out.append(f"# threshold sums ({eqs.flow.regulator.name} regulator, {kind}; m = the propagator mass):")
    out += thresholds
    return "\n".join(out)


def equations_latex(system, dimensionless: bool = False) -> str:
    """The equations in a LaTeX ``align`` environment, the legend as LaTeX comments."""
    eqs = _system(system)
    style = _Style(True, eqs, dimensionless)
    lines, eta, thresholds = _body(style)
    legend = ["% " + line for line in _legend(_Style(False, eqs, dimensionless))]
    rows = [f"{lhs} &= {rhs}" for lhs, rhs in lines + eta]
    sums = []
    keys = [(n, S, False) for n, S in eqs.thresholds] + [(n, S, True) for n, S in eqs.eta_thresholds]
    for (n, S, derivative), line in zip(keys, thresholds):
        if _closed_form(eqs.flow, S):
            rows.append(line.replace(" = ", " &= ", 1))
        else:
            sums.append("% " + _threshold_line(_Style(False, eqs, dimensionless), n, S, derivative))
    body = " \\\\\n".join(rows)
    return "\n".join(legend + sums) + "\n\\begin{align}\n" + body + "\n\\end{align}"


def _closed_form(flow, S) -> bool:
    return flow.regulator.counting and _count(flow, S).power_law

"""The derived beta functions as readable text and LaTeX.

Each line reads ``d_t g = sum_terms coefficient * prod g * L_n^{S}``: the dimensionful flow with
Z = 1 (the terms of :attr:`DerivedFlow.terms`), L_n^S the threshold sum over the modes of the
colours in S of d_t R G^n (docs/theory/flow.md, one-loop rules). Colours are named by their bubble colour 1..d_p for
pairing colours and x (x1, x2, ... when several) for local colours.

Example (scalar phi^4, D = 3)::

    d_t g2 = -6 g4 L_2^{x}
    d_t g4 = 72 g4^2 L_3^{x}
"""

from __future__ import annotations

import re
from collections import Counter

__all__ = ["colour_labels", "equations_text", "equations_latex"]


def colour_labels(theory) -> tuple[str, ...]:
    """Labels of ``theory.ordered_colours``: '1'..'d_p' for pairing colours, 'x' or 'x1', 'x2', ... for local ones."""
    n_local = len(theory.local_colours)
    local = ["x"] if n_local == 1 else [f"x{i}" for i in range(1, n_local + 1)]
    return tuple(str(c) for c in range(1, theory.n_pairing + 1)) + tuple(local)


def _fraction(c, latex):
    if c.denominator == 1:
        return str(abs(c.numerator))
    if latex:
        return rf"\frac{{{abs(c.numerator)}}}{{{c.denominator}}}"
    return f"({abs(c.numerator)}/{c.denominator})"


def _latex_name(name):
    m = re.match(r"^([A-Za-z]+)_?(.*)$", name)
    if not m or not m.group(2):
        return name
    return f"{m.group(1)}_{{{m.group(2).replace('_', ',')}}}"


def _lines(flow, latex):
    labels = colour_labels(flow.theory)
    names = flow.names
    rows = {i: [] for i in range(len(names))}
    for T in flow.terms:
        rows[T.target].append(T)
    out = []
    for i, name in enumerate(names):
        parts = []
        for T in rows[i]:
            sign = "-" if T.coefficient < 0 else "+"
            factors = []
            for j, power in sorted(Counter(T.factors).items()):
                base = _latex_name(names[j]) if latex else names[j]
                factors.append(base + (f"^{{{power}}}" if latex and power > 1 else f"^{power}" if power > 1 else ""))
            S = ",".join(labels[c] for c in sorted(T.colours)) or "0"
            if latex:
                body = r"\, ".join([_fraction(T.coefficient, True)] + factors + [rf"L_{{{T.n}}}^{{\{{{S}\}}}}"])
            else:
                body = " ".join([_fraction(T.coefficient, False)] + factors + [f"L_{T.n}^{{{S}}}"])
            parts.append((sign, body))
        if latex:
            lhs = rf"\partial_t {_latex_name(name)}"
        else:
            lhs = f"d_t {name}"
        if not parts:
            out.append(f"{lhs} = 0")
            continue
        rhs = ("-" if parts[0][0] == "-" else "") + parts[0][1]
        rhs += "".join(f" {sign} {body}" for sign, body in parts[1:])
        out.append(f"{lhs} = {rhs}")
    return out


def equations_text(flow) -> str:
    """One line per coupling, with a legend naming the threshold sums and the colours."""
    labels = colour_labels(flow.theory)
    kinds = ", ".join(f"{lab} = {c.kind} {c.role}" for lab, c in zip(labels, flow.theory.ordered_colours))
    legend = (
        f"# L_n^{{S}} = sum over the modes of the colours S of d_t R G^n ({flow.theory.regulator} regulator); "
        f"colours: {kinds}"
    )
    return "\n".join([legend] + _lines(flow, latex=False))


def equations_latex(flow) -> str:
    """The equations in a LaTeX ``align`` environment."""
    body = " \\\\\n".join(line.replace(" = ", " &= ", 1) for line in _lines(flow, latex=True))
    return "\\begin{align}\n" + body + "\n\\end{align}"

"""The printed flow equations: the hand derivation of docs/flow.md term by term, solvable as printed, with legends."""

import math
import re
from math import gamma, sqrt
from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import fsolve

from tensornn.bubbles import bubble_name
from tensornn.cli.main import main
from tensornn.flow import tensor_preset
from tensornn.flow.equations import flow_equations

DOCS = Path(__file__).resolve().parents[1] / "docs" / "flow.md"
COMMAND = "tensornn flow equations tensor --rank 3 --kinetic-power 1 --eta --dimensionless"


def _printed(capsys, argv):
    assert main(argv) == 0
    return capsys.readouterr().out


def _equations(text):
    """{left-hand side: right-hand side} of the non-comment lines (the solved eta under 'eta (solved)')."""
    out = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        lhs, rhs = line.split(" = ", 1)
        out["eta (solved)" if lhs in out else lhs] = rhs
    return out


_CONSTANT = re.compile(r"\((?=[^()]*(?:\d|pi))(?:[\d\s./^*+\-]|pi)+\)")


def _numeric(rhs):
    """Exact prefactors (1/(3 pi^2), (2 pi), (2/3)) as decimals, so exact and decimal forms compare equal."""
    while True:
        new = _CONSTANT.sub(lambda m: format(eval(_python(m.group())), ".15g"), rhs)
        if new == rhs:
            break
        rhs = new
    return re.sub(r"(?<![\w.])pi(?![\w(])", format(math.pi, ".15g"), rhs)


def _terms(rhs):
    """Signed top-level terms of a right-hand side: {('+' or '-', body)}, decimals to 12 digits (B is irrational)."""
    rhs = re.sub(r"\d+\.\d+(e-?\d+)?", lambda m: f"{float(m.group()):.12g}", _numeric(rhs))
    parts, depth, current, sign = [], 0, "", "+"
    i = 0
    if rhs.startswith("-"):
        sign, i = "-", 1
    while i < len(rhs):
        ch = rhs[i]
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and rhs[i:i + 3] in (" + ", " - "):
            parts.append((sign, current.strip()))
            sign, current, i = rhs[i + 1], "", i + 3
            continue
        current += ch
        i += 1
    parts.append((sign, current.strip()))
    return set(parts)


def _python(expr):
    """The printed notation as Python: thresholds become names, ^ a power, a space between factors a product."""
    expr = re.sub(r"(l'|l)_(\d+)\^\{([\d,]*)\}", lambda m: ("d" if "'" in m.group(1) else "") + "l" + m.group(2)
                  + "_" + m.group(3).replace(",", ""), expr)
    expr = re.sub(r"(?<![\w.])pi(?![\w])", repr(math.pi), expr.replace("^", "**"))
    return re.sub(r"(?<=[\w)])\s+(?=[\w(])", "*", expr)


def hand_derived(d, s):
    """docs/flow.md, 'LPA', dimensionless': the colour-symmetric melonic quartic system, typed from the derivation."""
    B = (2 * gamma(1 + 1 / s)) ** (d - 1) / gamma(1 + (d - 1) / s)
    p = (d - 1) / s

    def num(x):
        return str(int(round(x))) if abs(x - round(x)) < 1e-12 else format(x, ".15g")

    mass_dim, g4_dim = s, 2 * s - (d - 1)
    S = "{" + ",".join(str(c) for c in range(1, d)) + "}"  # the loop passes d - 1 colours (any; written 1..d-1)
    return {
        "d_t mass": f"(-{num(mass_dim)} + eta) mass - {num(2 * d)} g4 l_2^{S}",
        "d_t g4": ("2 eta g4" if g4_dim == 0 else f"({num(-g4_dim)} + 2 eta) g4") + f" + 4 g4^2 l_3^{S}",
        "eta": f"2 g4 l'_2^{S}",
        f"l_2^{S}": f"{num(B * s)} (1 - eta/{num(s * (p + 1))})/(1 + mass)^2",
        f"l_3^{S}": f"{num(B * s)} (1 - eta/{num(s * (p + 1))})/(1 + mass)^3",
        f"l'_2^{S}": f"{num(B)} (eta - {num(s * p)})/(1 + mass)^2",
    }


def test_printed_lpa_prime_system_is_the_hand_derivation_and_gives_the_fixed_point(capsys):
    printed = _equations(_printed(capsys, COMMAND.split()[1:]))
    expected = hand_derived(3, 1.0)
    for lhs, rhs in expected.items():
        assert _terms(printed[lhs]) == _terms(rhs), (lhs, printed[lhs], rhs)
    assert set(printed) == set(expected) | {"eta (solved)"}
    # docs/flow.md shows the same lines under the command
    page = DOCS.read_text(encoding="utf-8")
    block = page.split(f"$ {COMMAND}", 1)[1].split("```", 1)[0]
    assert _equations(block) == printed

    # solve the printed system as printed: eta is linear in itself (implicit line), the thresholds contain eta
    def beta(x):
        mass, g4 = x
        env = {"mass": mass, "g4": g4}
        f = lambda eta: eval(_python(printed["eta"]), {}, dict(env, eta=eta, **thresholds(env, eta)))  # noqa: E731
        e0, e1 = f(0.0), f(1.0)
        eta = e0 / (1 - (e1 - e0))
        assert eta == pytest.approx(eval(_python(printed["eta (solved)"]), {}, env), rel=1e-12, abs=1e-15)
        scope = dict(env, eta=eta, **thresholds(env, eta))
        return [eval(_python(printed["d_t mass"]), {}, scope), eval(_python(printed["d_t g4"]), {}, scope)]

    def thresholds(env, eta):
        scope = dict(env, eta=eta)
        return {_python(name): eval(_python(rhs), {}, scope) for name, rhs in printed.items() if name.startswith("l")}

    root = fsolve(beta, [-0.5, 0.013], xtol=1e-12)
    engine = tensor_preset(rank=3, kinetic_power=1.0, eta=True).fixed_points().valid
    (fp,) = [f for f in engine if f.couplings[1] > 1e-3]
    np.testing.assert_allclose(root, fp.couplings, rtol=1e-10)
    # and the closed form of docs/flow.md: eta* = 2 - sqrt 7, mu* = -2/3 + sqrt 7/21
    assert root[0] == pytest.approx(-2 / 3 + sqrt(7) / 21, rel=1e-10)
    assert fp.eta == pytest.approx(2 - sqrt(7), rel=1e-10)


def test_printed_system_of_the_other_rank_and_power_is_the_same_hand_formula(capsys):
    printed = _equations(_printed(capsys, ["flow", "equations", "tensor", "--rank", "5", "--kinetic-power", "2",
                                           "--eta", "--dimensionless"]))
    for lhs, rhs in hand_derived(5, 2.0).items():
        assert _terms(printed[lhs]) == _terms(rhs), (lhs, printed[lhs], rhs)


def test_cosmetics_of_the_text_form(capsys):
    text = _printed(capsys, ["flow", "equations", "tensor", "--no-melonic", "--order", "3"])
    assert "\\" not in text  # no LaTeX in the text form
    assert "L_2^{0}" not in text and "L_3^{}" in text  # the empty set is {}
    assert not re.search(r"(^|[ =(])-?1 [A-Za-z]", "\n".join(l for l in text.splitlines() if not l.startswith("#")))
    assert "mass = mass" not in text
    latex = _printed(capsys, ["flow", "equations", "tensor", "--eta", "--latex"])
    assert r"\partial_t \mu" in latex and r"\partial_t mass" not in latex


def test_legend_maps_every_coupling_to_its_bubble_and_contraction(capsys):
    preset = tensor_preset(rank=3, order=3, melonic=False, colour_symmetric=False, kinetic_power=1.0)
    text = preset.system.equations()
    trunc = preset.theory.truncation
    for member in trunc.interactions:
        line = next(l for l in text.splitlines() if l.startswith(f"#   {member.name} = "))
        assert bubble_name(member.bubble) in line
    # the quartic names follow the bubbles' structure: b2_i is a pillow of the colour that joins its two dipoles
    for member in trunc.interactions:
        name = bubble_name(member.bubble)
        if name.startswith("pillow of colour"):
            c = int(name.split()[-1])
            adj = member.bubble.adjacency
            black = member.bubble.kinds.index("black")
            partners = [adj[black][k] for k in range(3)]
            assert partners.count(partners[c - 1]) == 1  # colour c alone leaves the dipole
    # colour-symmetric: each orbit coupling lists its members, sextic ones included
    sym = tensor_preset(rank=3, order=3, kinetic_power=1.0).system
    text = sym.equations()
    for name, members in sym.members.items():
        if len(members) > 1:
            assert f"#   {name} = the coupling of each of the {len(members)} bubbles" in text
            for m in members:
                assert f"#       {m}: " in text


def test_colour_symmetric_reduction_of_rank_10_prints_its_two_couplings(capsys):
    text = _printed(capsys, ["flow", "equations", "tensor", "--rank", "10"])
    printed = _equations(text)
    assert set(printed) == {"d_t mass", "d_t g4", "L_2^{1,2,3,4,5,6,7,8,9}", "L_3^{1,2,3,4,5,6,7,8,9}"}
    assert printed["d_t mass"] == "-20 g4 L_2^{1,2,3,4,5,6,7,8,9}"
    assert printed["d_t g4"] == "4 g4^2 L_3^{1,2,3,4,5,6,7,8,9}"


def test_flow_equations_structure_matches_the_engine_terms():
    preset = tensor_preset(rank=4, order=3, kinetic_power=2.0, eta=True)
    eqs = flow_equations(preset.system)
    flow = preset.system.flow
    # the reduced system evaluated from its terms equals the engine's beta on the symmetric subspace
    g = np.array([0.1, 0.003, 0.001, 0.002, 0.0015])[: len(eqs.names)]
    G = preset.system.expand(g)
    data = flow._data_at(None, True)
    _, eta, _, _ = flow._rhs(G, 1.0, data)
    s = flow.power
    B = flow._counts[next(iter(flow._counts))].prefactor
    p = 3 / s  # any three of the four strands

    def L(n):
        return B * (s - eta / (p + 1)) / (1 + g[0]) ** n

    for i, row in enumerate(eqs.terms):
        value = sum(float(T.coefficient) * np.prod(g[list(T.factors)]) * L(T.n) for T in row)
        value += eqs.n_legs[i] / 2 * eta * g[i] - eqs.dimensions[i] * g[i]
        assert value == pytest.approx(preset.system.beta(g)[i], rel=1e-12, abs=1e-16)

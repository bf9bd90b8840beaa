"""Compile the derived terms into one straight-line numpy function (the hot path of DerivedFlow).

The terms are fixed once derived, so the right-hand side is generated as Python source with the
coefficients folded in, the way one would write it by hand, and compiled once:

    kernel(g, x, nu, mu, lam) -> (loop part of d_t g, eta, eta pole term, m/x)

with L_j = nu_j x [s - eta (1 - mu_j)] / (x + m)^n_j (Litim; without the eta part when
``regulator_eta="omit"``, and then b = 0). ``g`` has shape (n,) or (n, m).
Only numbers and array indices enter the source: nothing from user-supplied names.
"""

from __future__ import annotations

import numpy as np

__all__ = []


def _div(num, den):
    """num / den; a Python-float division by an exact zero gives +-inf (nan for 0/0), as numpy would, not an error."""
    if den.__class__ is float and den == 0.0:
        return float("nan") if num == 0.0 else float("inf") if num > 0.0 else float("-inf")
    return num / den


_CHUNK = 64  # terms per generated line: long sums nest deeply in the parser (RecursionError beyond ~1000)


def _sum_lines(name, parts, empty):
    """'name = p1 + ... + p64', then 'name += ...' per further chunk of parts."""
    if not parts:
        return [f"    {name} = {empty}"]
    lines = [f"    {name} = " + " + ".join(parts[:_CHUNK])]
    for start in range(_CHUNK, len(parts), _CHUNK):
        lines.append(f"    {name} += " + " + ".join(parts[start:start + _CHUNK]))
    return lines


def compile_kernel(flow):
    """Return the compiled kernel of a DerivedFlow (Litim regulator)."""
    terms = flow.terms
    n = len(flow.names)
    s = float(flow.power)
    keys = flow._threshold_keys
    lines = ["def kernel(g, x, nu, mu, lam):", "    if g.ndim == 1:", "        g = g.tolist()  # Python floats: cheaper scalar arithmetic"]
    used = sorted({T.factors[i] for T in terms for i in range(len(T.factors))} | (
        {flow.mass_index} if flow.mass_index is not None else set()))
    for i in used:
        lines.append(f"    g{i} = g[{i}]")
    if flow.mass_index is not None:
        lines.append(f"    mass = {flow.mass_factor!r} * g{flow.mass_index}")
    else:
        lines.append("    mass = 0.0 * x")
    lines.append("    inv = _div(1.0, x + mass)")
    powers = sorted({int(k[0]) for k in keys})
    top = max(powers, default=1)
    lines.append("    i1 = inv")
    for p in range(2, top + 1):
        lines.append(f"    i{p} = i{p - 1} * inv")

    def mono(T):
        return " * ".join(f"g{f}" for f in T.factors) or "1.0"

    key_index = {k: j for j, k in enumerate(keys)}
    eta_rows = [r for r in flow._eta_rows]
    if flow.anomalous_dimension and eta_rows:
        a_parts, b_parts = [], []
        for r in eta_rows:
            T = terms[r]
            j = key_index[(T.n, T.colours)]
            c = float(T.coefficient) * flow._eta_weight[r]
            b_parts.append(f"{c!r} * {mono(T)} * nu[{j}] * i{T.n}")
            a_parts.append(f"{-s * c!r} * {mono(T)} * nu[{j}] * lam[{j}] * i{T.n}")
        lines += _sum_lines("a", a_parts, "0.0 * mass")
        if flow._eta_in_regulator:
            lines += _sum_lines("b", b_parts, "0.0 * mass")
            lines.append("    eta = _div(-a, 1.0 + b)")
            for j, (p, _) in enumerate(keys):
                lines.append(f"    t{j} = nu[{j}] * x * ({s!r} - eta * (1.0 - mu[{j}])) * i{int(p)}")
        else:
            lines.append("    b = 0.0 * mass")
            lines.append("    eta = -a")
            for j, (p, _) in enumerate(keys):
                lines.append(f"    t{j} = {s!r} * nu[{j}] * x * i{int(p)}")
    else:
        lines.append("    eta = 0.0 * mass")
        lines.append("    b = eta")
        for j, (p, _) in enumerate(keys):
            lines.append(f"    t{j} = {s!r} * nu[{j}] * x * i{int(p)}")
    rows = {i: [] for i in range(n)}
    for T in terms:
        j = key_index[(T.n, T.colours)]
        rows[T.target].append(f"{float(T.coefficient)!r} * {mono(T)} * t{j}")
    outs = []
    for i in range(n):
        lines += _sum_lines(f"o{i}", rows[i], "0.0 * mass")
        outs.append(f"o{i}")
    lines.append(f"    return np.array([{', '.join(outs)}]), eta, b, mass / x")
    source = "\n".join(lines) + "\n"
    namespace = {"np": np, "_div": _div}
    exec(compile(source, "<derived beta functions>", "exec"), namespace)
    kernel = namespace["kernel"]
    kernel.source = source
    return kernel

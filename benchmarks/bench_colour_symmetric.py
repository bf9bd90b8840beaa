"""The colour-symmetric tensor flow: printing for rank d = 4..10, and the orbit-reduced right-hand side at melonic orders.

1. ``tensornn flow equations tensor --rank d`` (colour-symmetric melonic quartic) for d = 4..``--max-rank``, as ratios
   to d = 4. The colour-symmetric reduction identifies the couplings of bubbles related by a permutation of the
   colours; it is computed from the d - 1 adjacent transpositions and canonical forms (Truncation.colour_orbits), so
   its cost grows like d (members x transpositions), not like d! as a loop over all colour permutations would. Each
   line times the whole command in process (preset construction: truncation, derivation, reduction; and the printed
   equations), best of ``--repeat`` runs, and, separately, the reduction alone.
2. The right-hand side of the complex rank-3 melonic flow (LPA, Litim, kinetic p^2, continuum strands) at orders
   4..``--max-order``: the dimensionless beta functions of the orbit couplings as :class:`ColourSymmetricFlow`
   evaluates them (the reduced system) against hand-written numpy on the same reduced system (index arrays built
   from the printed equations, an independent path; threshold sums in closed form, powers of the propagator by
   products; per term the coefficient times the propagator power times the factors, then a bincount, or a segmented
   sum for a batch), for one coupling vector and for a batch of 1000, ratios to the faster of two
   hand-written versions (index arrays; one line per equation) measured in the same run (best of interleaved
   rounds). For reference, the members' system (every member's equation, then
   one row per orbit), as the flow was evaluated before the reduction. The build time of each order (truncation,
   derivation, reduction) is printed too.

``--build-only`` prints the build times alone (the same measurement; it runs on older versions of the library too, for
a before and after).

Run: python benchmarks/bench_colour_symmetric.py [--max-rank 10] [--max-order 8] [--repeat 3] [--skip-printing]
"""

import argparse
import contextlib
import io
import time
import timeit
from math import factorial, gamma

import numpy as np

from _timing import best_time  # noqa: E402 - benchmarks/ is on sys.path when run as a script
from tensornn.cli.main import main as cli
from tensornn.flow import derive_flow, tensor_preset
from tensornn.flow.equations import flow_equations
from tensornn.flow.presets import ColourSymmetricFlow
from tensornn.theory import ContinuumColour, Theory, melonic_truncation


def command(rank):
    with contextlib.redirect_stdout(io.StringIO()) as out:
        assert cli(["flow", "equations", "tensor", "--rank", str(rank)]) == 0
    return out.getvalue()


def printing(args):
    base, _ = best_time(lambda: command(4), args.repeat)
    print(f"baseline: tensornn flow equations tensor --rank 4: {base:.3f} s\n")
    print(f"{'rank':>4} {'d!':>9} {'command [s]':>12} {'ratio':>7} {'reduction [ms]':>15}")
    for rank in range(4, args.max_rank + 1):
        seconds, text = best_time(lambda: command(rank), args.repeat)
        assert "d_t g4 = 4 g4^2 L_3^{" in text
        truncation = tensor_preset(rank=rank, colour_symmetric=False).theory.truncation
        reduction, orbits = best_time(truncation.colour_orbits, args.repeat)
        assert max(orbits) == 1  # the melon and one orbit of d pillows
        print(f"{rank:>4} {factorial(rank):>9} {seconds:>12.3f} {seconds / base:>7.2f} {reduction * 1e3:>15.2f}")


class HandWritten:
    """The reduced system's dimensionless beta functions in plain numpy, from the printed equations.

    Complex field (the mass coupling mu enters as 1/(1 + mu)), Litim, kinetic p^s, continuum strands of density 1:
    L_n^S = s B_|S| / (1 + mu)^n at k = 1 with B_j = (2 Gamma(1 + 1/s))^j / Gamma(1 + j/s). Two ways of writing it:
    index arrays (``__call__``) and one line per equation (``lines``, the way one writes a small system by hand).
    """

    def __init__(self, system, s):
        eqs = flow_equations(system)
        rows, coefficients, factors, sizes, powers = [], [], [], [], []
        for target, terms in enumerate(eqs.terms):
            for term in terms:
                rows.append(target)
                coefficients.append(float(term.coefficient))
                factors.append(term.factors)
                sizes.append(len(term.colours))
                powers.append(term.n)
        width = max(len(f) for f in factors)
        n = len(eqs.names)
        self.n, self.rows = n, np.array(rows)
        self.factors = np.array([list(f) + [n] * (width - len(f)) for f in factors])  # n: a constant 1
        B = np.array([(2 * gamma(1 + 1 / s)) ** j / gamma(1 + j / s) for j in range(max(sizes) + 1)])
        self.weights = np.array(coefficients) * s * B[np.array(sizes)]
        self.powers = np.array(powers)
        self.dims = np.array(eqs.dimensions)
        self.mass = eqs.names.index("mass")
        self.starts = np.flatnonzero(np.r_[True, self.rows[1:] != self.rows[:-1]])
        self.targets = self.rows[self.starts]
        self.lines = self._lines(eqs, B, s)

    def _lines(self, eqs, B, s):
        """beta(g) written out, one statement per equation, coefficients folded in."""
        code = ["def beta(g):", f"    d = 1.0 / (1.0 + g[{self.mass}])"]
        top = max(term.n for terms in eqs.terms for term in terms)
        code.append("    p1 = d")
        code += [f"    p{k} = p{k - 1} * d" for k in range(2, top + 1)]
        rows = []
        for target, terms in enumerate(eqs.terms):
            parts = [f"{float(t.coefficient) * s * B[len(t.colours)]!r} * p{t.n}"
                     + "".join(f" * g[{f}]" for f in t.factors) for t in terms]
            chunks = [" + ".join(parts[i:i + 50]) for i in range(0, len(parts), 50)] or ["0.0 * d"]
            code.append(f"    b{target} = " + chunks[0])
            code += [f"    b{target} += " + chunk for chunk in chunks[1:]]
            rows.append(f"b{target} - {float(eqs.dimensions[target])!r} * g[{target}]")
        code.append("    return np.array([" + ", ".join(rows) + "])")
        namespace = {"np": np}
        exec("\n".join(code), namespace)
        return namespace["beta"]

    def __call__(self, g):
        inverse = 1.0 / (1.0 + g[self.mass])
        powers = [inverse]
        for _ in range(self.powers.max() - 1):
            powers.append(powers[-1] * inverse)
        powers = np.array(powers)
        if g.ndim == 1:
            gext = np.append(g, 1.0)
            values = self.weights * powers[self.powers - 1] * gext[self.factors[:, 0]]
            for column in range(1, self.factors.shape[1]):
                values *= gext[self.factors[:, column]]
            return np.bincount(self.rows, weights=values, minlength=self.n) - self.dims * g
        gext = np.vstack([g, np.ones((1, g.shape[1]))])
        values = self.weights[:, None] * powers[self.powers - 1] * gext[self.factors[:, 0]]
        for column in range(1, self.factors.shape[1]):
            values *= gext[self.factors[:, column]]
        out = np.zeros_like(g)
        out[self.targets] = np.add.reduceat(values, self.starts, axis=0)
        return out - self.dims[:, None] * g


def best(fn, number, rounds=5):
    return min(timeit.repeat(fn, number=number, repeat=rounds)) / number


def build(order, s=2.0):
    """CPU seconds to build the colour-symmetric flow of the complex rank-3 melonic truncation of ``order``, and it."""
    strand = ContinuumColour(1, power=s, density=1.0, role="pairing")
    start = time.process_time()
    system = ColourSymmetricFlow(derive_flow(Theory((strand,) * 3, "complex", melonic_truncation(3, order)),
                                             projection="melonic"))
    return time.process_time() - start, system


def build_times(args):
    print("\nbuild of the colour-symmetric flow (truncation, derivation, reduction), complex rank-3 melonic, CPU s")
    for order in range(4, args.max_order + 1):
        seconds, system = build(order)
        print(f"{order:>5} {len(system.flow.names):>7} {len(system.flow.terms):>7} {seconds:>9.2f}")


def reduced_rhs(args):
    s = 2.0
    print("\norbit-reduced RHS of the complex rank-3 melonic flow (dimensionless beta), us per call; ratio engine / "
          "hand-written numpy on the reduced system; the members' system for reference")
    header = f"{'order':>5} {'members':>7} {'terms':>7} {'reduced':>7} {'build [s]':>9}"
    for m in (1, 1000):
        header += f" {'engine':>9} {'hand':>9} {'ratio':>6} {'members':>9} (m = {m:<4})"
    print(header)
    rng = np.random.default_rng(0)
    for order in range(4, args.max_order + 1):
        seconds, system = build(order, s)
        hand = HandWritten(system, s)
        line = (f"{order:>5} {len(system.flow.names):>7} {len(system.flow.terms):>7} {len(system.reduced.terms):>7} "
                f"{seconds:>9.2f}")
        for m in (1, 1000):
            g = rng.uniform(0.0, 1e-3, (len(system.names), m))
            g[0] = rng.uniform(-0.2, 0.2, m)
            g = g[:, 0] if m == 1 else g
            engine = system.for_batch(m)
            np.testing.assert_allclose(engine.beta(g), hand(g), rtol=1e-9, atol=1e-12)
            members = system.flow.for_batch(m)
            expanded = system.expand(g)
            number = max(1, int(20000 / (len(system.reduced.terms) * (1 + m / 10))))
            np.testing.assert_allclose(hand.lines(g), hand(g), rtol=1e-9, atol=1e-12)
            times = {"engine": np.inf, "hand": np.inf, "members": np.inf}
            for _ in range(3):  # interleaved: the three see the same load of the shared machine
                times["engine"] = min(times["engine"], best(lambda: engine.beta(g), number))
                times["hand"] = min(times["hand"], best(lambda: hand(g), number), best(lambda: hand.lines(g), number))
                times["members"] = min(times["members"], best(lambda: members.beta(expanded)[system._reps],
                                                              max(1, number // 4), 2))
            line += (f" {times['engine'] * 1e6:>9.1f} {times['hand'] * 1e6:>9.1f} "
                     f"{times['engine'] / times['hand']:>6.2f} {times['members'] * 1e6:>9.1f}           ")
        print(line)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-rank", type=int, default=10)
    parser.add_argument("--max-order", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-printing", action="store_true", help="only the reduced right-hand side")
    parser.add_argument("--build-only", action="store_true",
                        help="only the build times (runs on older versions of tensornn too, for a before/after)")
    args = parser.parse_args()
    if args.build_only:
        build_times(args)
        return
    if not args.skip_printing:
        printing(args)
    reduced_rhs(args)


if __name__ == "__main__":
    main()

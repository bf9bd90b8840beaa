"""Derivation of large truncations: the colour-symmetric melonic tensor flow against the previous derivation.

For each order, the complex rank-3 melonic truncation (continuum strands |p|^2 of density 1, LPA, Litim, melonic
projection) is built once, and then the flow that benchmarks/bench_colour_symmetric.py builds,
``ColourSymmetricFlow(derive_flow(theory, projection="melonic"))``, is derived

- by the library (``tensornn.flow.rules.derive_terms``), and
- by the previous enumeration (benchmarks/_reference_derivation.py, a copy of the rules module before the faster
  derivation), put in place of ``derive_terms`` for the baseline; everything after the enumeration (the index
  arrays of the flow, the orbit reduction) is today's in both, so the ratio is that of the derivation alone.

Both runs of an order are interleaved (``--repeat`` rounds, the smallest CPU time of each kept) so that they see the
same load of the shared machine, and their terms are checked equal term by term (targets, factors, thresholds, exact
coefficients) before any number is printed. The truncation's bubbles (tensornn.bubbles) are built once per order and
timed apart; "with bubbles" adds them to both sides, as the build time of bench_colour_symmetric.py does.

Run: python benchmarks/bench_derivation.py [--orders 4 6 8] [--repeat 3]
"""

import argparse
import os
import pathlib
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]  # the baseline, and the tensornn of this checkout (not an installed one)

import _reference_derivation as reference  # noqa: E402 - benchmarks/ is on sys.path

import tensornn.flow.betas as betas  # noqa: E402
from tensornn.flow import derive_flow  # noqa: E402
from tensornn.flow.presets import ColourSymmetricFlow  # noqa: E402
from tensornn.theory import ContinuumColour, Theory, melonic_truncation  # noqa: E402


def theory(order):
    """The complex rank-3 melonic theory of bench_colour_symmetric.py, and the CPU seconds of its truncation."""
    strand = ContinuumColour(1, power=2.0, density=1.0, role="pairing")
    start = time.process_time()
    truncation = melonic_truncation(3, order)
    return Theory((strand,) * 3, "complex", truncation), time.process_time() - start


def build(th, enumerate_terms):
    """CPU seconds of derive_flow + the orbit reduction with ``enumerate_terms`` as the enumeration, and the flow."""
    saved = betas.derive_terms
    betas.derive_terms = enumerate_terms
    try:
        start = time.process_time()
        system = ColourSymmetricFlow(derive_flow(th, projection="melonic"))
        return time.process_time() - start, system
    finally:
        betas.derive_terms = saved


def previous(truncation, max_loops=None, **options):
    """The previous enumeration, called as derive_flow calls ``derive_terms`` (it had no size bound)."""
    return reference.derive_terms(truncation, **options)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, nargs="+", default=[4, 6, 8])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print("colour-symmetric complex rank-3 melonic flow: derive_flow + orbit reduction, CPU seconds (best of "
          f"{args.repeat} interleaved rounds); baseline: the previous derivation, in the same run")
    print(f"tensornn from {pathlib.Path(betas.__file__).parents[2]}")
    print(f"load average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
    print(f"{'order':>5} {'members':>7} {'terms':>7} {'reduced':>7} {'baseline':>9} {'now':>7} {'ratio':>6}   "
          f"{'bubbles':>7} {'with bubbles: baseline':>22} {'now':>7} {'ratio':>6}")
    for order in args.orders:
        th, bubbles = theory(order)
        new_time = old_time = float("inf")
        for _ in range(args.repeat):
            seconds, old = build(th, previous)
            old_time = min(old_time, seconds)
            seconds, new = build(th, betas.derive_terms)
            new_time = min(new_time, seconds)
        assert new.flow.terms == old.flow.terms, "the derivations disagree"
        assert new.reduced.terms == old.reduced.terms and new.names == old.names
        print(f"{order:>5} {len(new.flow.names):>7} {len(new.flow.terms):>7} {len(new.reduced.terms):>7} "
              f"{old_time:>9.3f} {new_time:>7.3f} {old_time / new_time:>6.2f}   {bubbles:>7.3f} "
              f"{old_time + bubbles:>22.3f} {new_time + bubbles:>7.3f} {(old_time + bubbles) / (new_time + bubbles):>6.2f}",
              flush=True)
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()

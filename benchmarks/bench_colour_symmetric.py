"""Time `tensornn flow equations tensor --rank d` (colour-symmetric melonic quartic) for d = 4..10, as ratios to d = 4.

The colour-symmetric reduction identifies the couplings of bubbles related by a permutation of the colours. It is
computed from the d - 1 adjacent transpositions and canonical forms (Truncation.colour_orbits), so its cost grows
like d (members x transpositions), not like d! as a loop over all colour permutations would. Each line times the
whole command in process (preset construction: truncation, derivation, reduction; and the printed equations),
best of ``--repeat`` runs, and, separately, the reduction alone.

Run: python benchmarks/bench_colour_symmetric.py [--max-rank 10] [--repeat 3]
"""

import argparse
import contextlib
import io
from math import factorial

from _timing import best_time  # noqa: E402 - benchmarks/ is on sys.path when run as a script
from tensornn.cli.main import main as cli
from tensornn.flow import tensor_preset


def command(rank):
    with contextlib.redirect_stdout(io.StringIO()) as out:
        assert cli(["flow", "equations", "tensor", "--rank", str(rank)]) == 0
    return out.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-rank", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
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


if __name__ == "__main__":
    main()

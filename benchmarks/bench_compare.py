"""Where the time of the default ``tensornn compare`` goes (run: python benchmarks/bench_compare.py).

Runs the default comparison (the embedded synthetic data, a linear CP rank-1 network and its dense twin, 2^17
networks per Monte-Carlo fit) twice and prints, for the faster run, the seconds of every stage and its share of the
total, and the total against the time of the two fits alone (the sampling, which any measurement must pay). The
report folder is written to a temporary directory and timed too.

Options: --exact (fit the exact G4c instead: no sampling, the rest of the pipeline alone).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tensornn.compare import CompareConfig, run_compare, write_compare_report  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exact", action="store_true", help="exact G4c (no sampling)")
    opts = parser.parse_args()
    config = CompareConfig(method="exact") if opts.exact else CompareConfig()
    best = None
    for _ in range(2):
        t0 = time.perf_counter()
        result = run_compare(config)
        with tempfile.TemporaryDirectory() as tmp:
            t1 = time.perf_counter()
            write_compare_report(result, Path(tmp) / "report")
            report = time.perf_counter() - t1
        total = time.perf_counter() - t0
        if best is None or total < best[0]:
            best = (total, result, report)
    total, result, report = best
    stages = dict(result.timings, **{"report folder (figures, JSON, markdown)": report})
    print(f"default tensornn compare ({'exact' if opts.exact else 'Monte Carlo'} fits): {total:.2f} s in all")
    for name, seconds in stages.items():
        print(f"  {name:<42} {seconds:7.2f} s  {seconds / total:6.1%}")
    fits = sum(v for k, v in result.timings.items() if k.startswith("fit "))
    if fits > 0:
        print(f"total / fits (the sampling) = {total / fits:.2f}")


if __name__ == "__main__":
    main()

"""Where the time of ``tensornn compare`` goes, stage by stage.

Run: python benchmarks/bench_compare.py [--small]
Runs the default comparison (or a small one), writes its report to a temporary folder, and prints each
stage's wall time, its share of the total and its ratio to a baseline measured in the same run (sampling
10 000 Gauss-nets of width 100 on 4 inputs), so the figures compare across machines.
"""

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from tensornn.compare import CompareConfig, run_compare, write_compare_report
from tensornn.networks.sampling import sample_ensemble
from tensornn.networks.scalar import ScalarNetwork


def baseline() -> float:
    net = ScalarNetwork("gauss", d_in=3, width=100, sigma_w=1.0, sigma_b=0.0, bias=False)
    x = np.full((4, 3), 0.3)
    t0 = time.perf_counter()
    sample_ensemble(net, x, 10_000, seed=0, tuples=[(0, 1, 2, 3)])
    return time.perf_counter() - t0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true")
    args = parser.parse_args(argv)
    config = CompareConfig(widths=(10, 100), n_networks=2_000, active_passive_networks=5_000) if args.small \
        else CompareConfig()
    base = baseline()
    t0 = time.perf_counter()
    result = run_compare(config)
    t_run = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        t1 = time.perf_counter()
        write_compare_report(result, Path(tmp) / "report")
        t_write = time.perf_counter() - t1
    stages = dict(result.timings, report_and_figures=t_write)
    total = t_run + t_write
    print(f"baseline (10 000 width-100 Gauss-nets, 4 inputs): {base:.3f} s")
    print(f"{'stage':<22}{'seconds':>10}{'share':>9}{'/ baseline':>12}")
    for name, sec in stages.items():
        print(f"{name:<22}{sec:>10.3f}{sec / total:>9.1%}{sec / base:>12.1f}")
    print(f"{'total':<22}{total:>10.3f}{1:>9.1%}{total / base:>12.1f}")
    return stages, base


if __name__ == "__main__":
    main()

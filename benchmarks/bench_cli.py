"""Cost of the command line: start-up against ``import numpy``, and ``bubbles list`` against the enumeration.

Start-up: ``tensornn --version`` (the console script's code, ``from tensornn.cli.main import main``),
``python -m tensornn --version`` and ``--help`` against ``python -c "import numpy"`` and the bare interpreter
(``python -c pass``), each a fresh process, interleaved round by round so that all see the same load; the median
wall time of each and its ratio to ``import numpy`` (target: ``--version`` under 0.8x).

Listing: ``tensornn bubbles list --rank 3 --order 9 > /dev/null`` (378 360 lines) against
``tensornn bubbles count --enumerate`` for the same bubbles (the enumeration alone, nothing formatted), wall time
and CPU time (user + system of the child), and their ratio (target: the listing under 15 s on 2 cores); then the
time to refuse order 10 under the default listing bound (target: within 2 s).

Scaling (``--scaling``): ``tensornn ensemble`` sampling 2**21 networks serially, with ``--workers 2`` and with
``--scheduler`` on a dask ``LocalCluster`` of 1 and 2 single-threaded worker processes (started beforehand, its
start-up not timed); wall time, speed-up over serial, and whether the JSON rows equal the serial ones bitwise.

Run: python benchmarks/bench_cli.py [--rounds 21] [--order 9] [--repeat 2] [--no-listing] [--scaling]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))

#: What the installed ``tensornn`` console script runs (pip's entry-point wrapper), with this checkout's code.
CONSOLE_SCRIPT = "import sys; from tensornn.cli.main import main; sys.exit(main())"

STARTUP = {
    "python -c pass": [sys.executable, "-c", "pass"],
    'python -c "import numpy"': [sys.executable, "-c", "import numpy"],
    "tensornn --version": [sys.executable, "-c", CONSOLE_SCRIPT, "--version"],
    "python -m tensornn --version": [sys.executable, "-m", "tensornn", "--version"],
    "tensornn --help": [sys.executable, "-c", CONSOLE_SCRIPT, "--help"],
}


def _run(argv, stdout=subprocess.DEVNULL) -> tuple[float, float]:
    """(wall, cpu) seconds of one child process (cpu: user + system, from the children's rusage)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=stdout, env=ENV, cwd=ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def startup(rounds: int) -> None:
    times: dict[str, list[float]] = {name: [] for name in STARTUP}
    for name, argv in STARTUP.items():  # warm the file cache once
        _run(argv)
    for _ in range(rounds):
        for name, argv in STARTUP.items():
            times[name].append(_run(argv)[0])
    numpy = statistics.median(times['python -c "import numpy"'])
    print(f"start-up: median wall time of {rounds} fresh processes each (interleaved), ratio to import numpy")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"  {name:<32} {1000 * median:7.1f} ms   min {1000 * min(values):6.1f} ms   {median / numpy:5.2f}x")


def listing(order: int, repeat: int) -> None:
    flags = ["--rank", "3", "--order", str(order), "--max-bubbles", "10000000"]
    base = [sys.executable, "-m", "tensornn", "bubbles"]
    runs = {"bubbles list": [], "bubbles count --enumerate": []}
    for _ in range(repeat):
        runs["bubbles list"].append(_run(base + ["list", *flags]))
        runs["bubbles count --enumerate"].append(_run(base + ["count", "--enumerate", *flags]))
    best = {name: (min(w for w, _ in values), min(c for _, c in values)) for name, values in runs.items()}
    print(f"\nlisting, complex rank 3 order {order} (output to /dev/null; best of {repeat}; "
          "wall, and CPU = user + system)")
    for name, (wall, cpu) in best.items():
        print(f"  tensornn {name} --rank 3 --order {order}   wall {wall:6.2f} s   CPU {cpu:6.2f} s")
    (lw, lc), (cw, cc) = best["bubbles list"], best["bubbles count --enumerate"]
    print(f"  list / count --enumerate: wall {lw / cw:.2f}x, CPU {lc / cc:.2f}x")
    start = time.perf_counter()
    refused = subprocess.run(base + ["list", "--rank", "3", "--order", str(order + 1)], capture_output=True, text=True,
                             env=ENV, cwd=ROOT)
    took = time.perf_counter() - start
    print(f"  tensornn bubbles list --rank 3 --order {order + 1} (default bound): exit {refused.returncode} after "
          f"{took:.2f} s: {refused.stderr.strip()[:100]}...")


SCALING = ["ensemble", "--activation", "gauss", "--widths", "64", "--inputs", "0.2,0.5,0.9,1.3", "--networks",
           str(2**21), "--chunk-size", str(2**16), "--seed", "1", "--json", "-"]


def _rows(argv) -> tuple[float, list]:
    import json

    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "tensornn", *argv], check=True, capture_output=True, env=ENV,
                         cwd=ROOT, text=True).stdout
    return time.perf_counter() - start, json.loads(out)["rows"]


def scaling() -> None:
    from distributed import LocalCluster

    print(f"\nscaling: python -m tensornn {' '.join(SCALING)}")
    serial, rows = _rows(SCALING)
    print(f"  {'serial':<36} {serial:6.2f} s   1.00x")
    pool, pool_rows = _rows(SCALING + ["--workers", "2"])
    print(f"  {'--workers 2 (local processes)':<36} {pool:6.2f} s   {serial / pool:4.2f}x   bitwise {pool_rows == rows}")
    for n in (1, 2):
        with LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
            took, spread = _rows(SCALING + ["--scheduler", cluster.scheduler_address])
        label = f"--scheduler, LocalCluster {n} worker{'s' if n > 1 else ''}"
        print(f"  {label:<36} {took:6.2f} s   {serial / took:4.2f}x   bitwise {spread == rows}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=21, help="fresh processes per start-up command")
    parser.add_argument("--order", type=int, default=9, help="order of the listing (default 9)")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each listing command (best kept)")
    parser.add_argument("--no-listing", action="store_true", help="skip the listing")
    parser.add_argument("--scaling", action="store_true", help="also the --scheduler scaling of an ensemble")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; python {sys.version.split()[0]}\n")
    startup(args.rounds)
    if not args.no_listing:
        listing(args.order, args.repeat)
    if args.scaling:
        scaling()


if __name__ == "__main__":
    main()

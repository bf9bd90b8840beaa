"""Where the time of the default ``tensornn compare`` goes, and whether its selected flows have a fate.

Run: python benchmarks/bench_compare.py [--seeds N] [--estimators]

1. The command as a user runs it: ``python -m tensornn compare`` in a fresh process (imports, sampling, fits, flows,
   figures, report folder), wall time, best of two; the load average of the machine is printed beside it.
2. In process, the default comparison twice: the seconds of every stage for the faster run, and the flows stage
   against a baseline measured in the same run, one flow per reading (each network's readings, each from its fitted
   couplings, one at a time with the same integrator). The flows stage holds the central and exact flows of every
   reading and the Monte-Carlo draws (``flow_draws``, default 100) of each selected one.
3. ``--seeds N``: the default comparison at seeds 0..N-1 (no report folder): per network the selected reading, the
   share of Monte-Carlo draws that share one fate, and the fate; the count of seeds whose fate is resolved (>= 90%).
4. ``--estimators``: the tensor-reading coupling errors of the default design from the outputs estimator and the
   conditional one (the read-out integrated given the hidden layer) on the same networks, and their ratio.
5. ``--pulls N``: the calibration of both estimators on the CP layer (its exact couplings are known): the pulls
   (fit - exact)/error of the five tensor-reading couplings at the compare design of seeds 0..N-1, their mean,
   standard deviation and share beyond 2 (Gaussian: 0, 1, 4.6%), and the goodness-of-fit p-values below 0.01.

Options: --exact (fit the exact G4c instead: no sampling, the rest of the pipeline alone).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from tensornn.compare import CompareConfig, run_compare, write_compare_report  # noqa: E402


def _load() -> str:
    try:
        return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg()) + f" on {os.cpu_count()} cores"
    except OSError:
        return "load average unknown"


def command_time(exact: bool) -> float:
    """Wall seconds of ``python -m tensornn compare`` in a fresh process (best of two)."""
    root = Path(__file__).resolve().parents[1]
    best = np.inf
    for _ in range(2):
        with tempfile.TemporaryDirectory() as tmp:
            config = []
            if exact:
                path = Path(tmp) / "c.toml"
                path.write_text('method = "exact"\n')
                config = ["--config", str(path)]
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "tensornn", "compare", "--out", str(Path(tmp) / "r"), "--quiet",
                            *config], check=True, cwd=root, capture_output=True)
            best = min(best, time.perf_counter() - t0)
    return best


def one_flow_per_reading(result) -> float:
    """Seconds to run every reading's flow once from its fitted couplings (the baseline of the flows stage)."""
    from tensornn.compare.networks import compared_networks
    from tensornn.compare.theories import reading_theories
    from tensornn.compare.uncertainty import run_flow_batch
    from tensornn.data import load_data
    from tensornn.flow import derive_flow
    from tensornn.readings import pattern_space

    config = result.config
    items = compared_networks(config, load_data(config.data, seed=config.data_seed))
    total = 0.0
    for item, net in zip(items, result.networks):
        theories = reading_theories(item.network, pattern_space(item.network), result.data.spectra,
                                    anomalous_dimension=config.anomalous_dimension)
        for name in net.flows:
            fit = net.readings.readings[name]
            t0 = time.perf_counter()
            flow = derive_flow(theories[name].theory, projection=theories[name].projection)
            run_flow_batch(theories[name], flow, [{k: c.value for k, c in fit.couplings.items()}], config, "fit")
            total += time.perf_counter() - t0
    return total


def stages(config) -> None:
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
    rows = dict(result.timings, **{"report folder (figures, JSON, markdown)": report})
    print(f"in process ({'exact' if config.method == 'exact' else 'Monte Carlo'} fits): {total:.2f} s in all")
    for name, seconds in rows.items():
        print(f"  {name:<42} {seconds:7.2f} s  {seconds / total:6.1%}")
    baseline = min(one_flow_per_reading(result) for _ in range(2))
    flows = result.timings.get("flows", 0.0)
    draws = sum(f.uncertainty.n_draws for n in result.networks for f in n.flows.values() if f.uncertainty)
    n_flows = sum(len(n.flows) for n in result.networks)
    print(f"flows stage {flows:.2f} s ({n_flows} readings, {draws} Monte-Carlo draws) / one flow per reading "
          f"{baseline:.2f} s = {flows / baseline:.2f} (target <= 2)")


def seeds(n: int) -> None:
    resolved = {}
    for seed in range(n):
        result = run_compare(CompareConfig(seed=seed))
        cells = []
        for net in result.networks:
            flow = net.flows.get(net.named) if net.named else None
            mc = None if flow is None else flow.uncertainty
            if mc is None:
                cells.append(f"{net.label}: {net.selected}, no selected flow")
                continue
            resolved.setdefault(net.label, []).append(mc.resolved)
            cells.append(f"{net.label}: {net.named}, {mc.fate} {mc.fate_fraction:.0%} ({mc.completed_fraction:.0%} "
                         "complete)")
        print(f"seed {seed:3d}  " + "; ".join(cells))
    for label, flags in resolved.items():
        print(f"{label}: fate resolved (>= 90% of draws share it) in {sum(flags)}/{len(flags)} seeds with a selected "
              "flow")


def estimators() -> None:
    import tensornn.readings.fit as fit_module
    from tensornn._random import child_seed
    from tensornn.compare.networks import compared_networks
    from tensornn.data import load_data
    from tensornn.readings.design import quadruple_design
    from tensornn.readings.measure import measure_four_point

    config = CompareConfig()
    data = load_data(config.data, seed=config.data_seed)
    for i, item in enumerate(compared_networks(config, data)):
        design = quadruple_design(item.data, n_points=config.n_points, n_quadruples=config.n_quadruples,
                                  seed=config.seed)
        errors = {}
        for name in ("outputs", "conditional"):
            def measure(*args, _name=name, **kwargs):
                return measure_four_point(*args, estimator=_name, **kwargs)

            original = fit_module.measure_four_point
            fit_module.measure_four_point = measure
            try:
                t0 = time.perf_counter()
                r = fit_module.read_network(item.network, design=design, method="monte-carlo",
                                            n_networks=config.n_networks, n_groups=config.n_groups,
                                            seed=child_seed(config.seed, 1, i), alpha=config.alpha)
                seconds = time.perf_counter() - t0
            finally:
                fit_module.measure_four_point = original
            errors[name] = np.array([c.error for c in r.readings["tensor"].couplings.values()])
            print(f"{item.label:6s} {name:12s} {seconds:5.2f} s  tensor-reading errors "
                  + " ".join(f"{e:7.3g}" for e in errors[name]))
        ratio = errors["outputs"] / errors["conditional"]
        print(f"{item.label:6s} outputs / conditional: " + " ".join(f"{x:5.2f}" for x in ratio))


def pulls(n: int) -> None:
    from tensornn._random import child_seed
    from tensornn.data import load_data
    from tensornn.networks.cp import StructuredNetwork
    from tensornn.readings.design import quadruple_design
    from tensornn.readings.fit import read_network

    config = CompareConfig()
    data = load_data(config.data, seed=config.data_seed)
    for estimator in ("conditional", "outputs"):
        values, low = [], 0
        for seed in range(n):
            design = quadruple_design(data, n_points=config.n_points, n_quadruples=config.n_quadruples, seed=seed)
            r = read_network(StructuredNetwork(data.index_sizes, cp_rank=config.cp_rank, width=config.width),
                             design=design, method="monte-carlo", n_networks=config.n_networks,
                             n_groups=config.n_groups, seed=child_seed(seed, 1, 0), estimator=estimator)
            tensor = r.readings["tensor"]
            values += [c.pull for c in tensor.couplings.values()]
            low += tensor.p_value < 0.01
        v = np.array(values)
        print(f"{estimator:12s} {n} seeds, {v.size} pulls: mean {v.mean():+.3f}, sd {v.std(ddof=1):.3f}, "
              f"|pull| > 2: {np.mean(np.abs(v) > 2):.1%}; goodness of fit p < 0.01 in {low}/{n}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exact", action="store_true", help="exact G4c (no sampling)")
    parser.add_argument("--seeds", type=int, default=0, help="fates of the selected flows over seeds 0..N-1")
    parser.add_argument("--estimators", action="store_true", help="coupling errors: outputs vs conditional")
    parser.add_argument("--pulls", type=int, default=0, help="pulls of both estimators over seeds 0..N-1")
    opts = parser.parse_args()
    if opts.pulls:
        pulls(opts.pulls)
        return
    if opts.seeds:
        seeds(opts.seeds)
        return
    if opts.estimators:
        estimators()
        return
    print(_load())
    print(f"python -m tensornn compare{' (exact)' if opts.exact else ''}: {command_time(opts.exact):.2f} s wall "
          "(fresh process, best of 2; target <= 15 s on 2 cores)")
    stages(CompareConfig(method="exact") if opts.exact else CompareConfig())
    print(_load())


if __name__ == "__main__":
    main()

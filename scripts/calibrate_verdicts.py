"""Calibrate the verdicts of the readings by simulation: many seeds against the exact oracle, per network kind.

    python scripts/calibrate_verdicts.py                       # every case, 100 seeds (about 25 min on 2 cores)
    python scripts/calibrate_verdicts.py --seeds 50 --cases cp dense
    python scripts/calibrate_verdicts.py --quick               # 6 seeds of the cheap cases (the test suite's run)
    python scripts/calibrate_verdicts.py --json out.json       # also write every seed's numbers
    python scripts/calibrate_verdicts.py --cases cp --groups 256 --seeds 30    # other jackknife groups
    python scripts/calibrate_verdicts.py --cases cp-4096 --ablate-tail-ratio  # without the heavy-tail guard

Each case is a network of the default comparison (tensornn/compare/config.py: synthetic data (4, 4, 4), width 8,
40 quadruples of 10 points, 128 jackknife groups) read by :func:`tensornn.readings.read_network` at seed s
(seed s draws the design and the ensemble). Every case has an exact G4c (the oracle), so besides the verdict the
script checks the statistics the verdict rests on:

- **oracle T^2**: (y - y_exact)^T C^-1 (y - y_exact) of the measured G4c y against the exact one, with the
  covariance C every fit uses, referred to Hotelling's T^2(Q, G - 1). It needs no basis: it says whether the group
  estimates are Gaussian enough for the Hotelling reference (the CP rank-1 layer's are heavy-tailed);
- **oracle T^2 with the exact direction projected out**, and the **scale error** (the GLS coefficient c of
  y - y_exact along y_exact): heavy-tailed group estimates (the CP rank-1 layer: a trilinear pre-activation) make
  the typical sample miss the rare large networks, so y falls short of y_exact by a common factor that the
  jackknife covariance does not see. That error lies along G4c itself, inside the span of any reading that contains
  the true one, so the couplings absorb it (as a pull) and the nested tests and goodness of fit, which only see
  what is orthogonal to the smaller reading's patterns, do not; the projected oracle shows what they see;
- **nested test of the true reading** (where the true reading is known: the linear layers) against the next larger
  model, and the true reading's goodness of fit: false-rejection rates at alpha with Clopper-Pearson 95 % intervals,
  and the uniformity of the p-values (Kolmogorov-Smirnov);
- **pulls** (value - exact)/error of the true reading's couplings (exact first-order couplings: the linear layers,
  and the dense nonlinear layers on their kernel space, whose true reading is the O(n)-invariant vector reading):
  mean, standard deviation, and the fraction beyond 3;
- **verdicts**: the share of each outcome, and of the expected one (CP: tensor, dense: vector; at 2^12 networks the
  CP layer must not be "vector"; a nonlinear dense layer must not be "tensor").

Prints a markdown table (docs/verdict_calibration.md shows it with the command that made it).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import stats

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tensornn.data import load_data  # noqa: E402
from tensornn.networks import StructuredNetwork  # noqa: E402
from tensornn.readings import fit_covariance, hotelling_p_value, quadruple_design, read_network  # noqa: E402
from tensornn.readings.gls import gls_minimum  # noqa: E402
from tensornn.readings.oracles import exact_four_point  # noqa: E402

__all__ = ["CASES", "Case", "run_case", "summarise", "main"]


@dataclass(frozen=True)
class Case:
    """One network kind at one ensemble size, with the reading its law has (None: not known in closed form)."""

    name: str
    cp_rank: int | None
    activation: str
    n_networks: int
    truth: str | None
    forbidden: tuple
    expected: tuple

    def network(self) -> StructuredNetwork:
        return StructuredNetwork((4, 4, 4), cp_rank=self.cp_rank, activation=self.activation, width=8)


#: The cases: the default pair, the same at 2^12 networks, nonlinear dense layers at the default size.
CASES = {
    "cp": Case("cp", 1, "linear", 131_072, "tensor", ("vector", "scalar"), ("tensor",)),
    "dense": Case("dense", None, "linear", 131_072, "vector", ("tensor", "scalar"), ("vector",)),
    "cp-4096": Case("cp-4096", 1, "linear", 4096, "tensor", ("vector", "scalar"), ("tensor", "undetermined")),
    "dense-4096": Case("dense-4096", None, "linear", 4096, "vector", ("tensor", "scalar"), ("vector", "undetermined")),
    "dense-relu": Case("dense-relu", None, "relu", 131_072, "vector", ("tensor",), ("vector", "undetermined")),
    "dense-erf": Case("dense-erf", None, "erf", 131_072, "vector", ("tensor",), ("vector", "undetermined")),
    "dense-gauss": Case("dense-gauss", None, "gauss", 131_072, "vector", ("tensor",), ("vector", "undetermined")),
}
QUICK = ("cp-4096", "dense-4096")
N_GROUPS = 128


def _next_test(decision, reading: str):
    """The nested test of ``reading`` against the next larger model (the first test with it as the smaller)."""
    tests = [t for t in decision.nested if t.smaller == reading]
    return min(tests, key=lambda t: t.df1) if tests else None


def run_seed(case: Case, data, seed: int, *, alpha: float, n_groups: int = N_GROUPS, estimator: str = "auto") -> dict:
    """Everything one seed of one case gives."""
    net = case.network()
    start = time.perf_counter()
    design = quadruple_design(data, n_points=10, n_quadruples=40, seed=seed)
    result = read_network(net, design=design, method="monte-carlo", n_networks=case.n_networks, n_groups=n_groups,
                          seed=seed, alpha=alpha, estimator=estimator)
    seconds = time.perf_counter() - start
    y, cov, intensity = fit_covariance(result.measurement)
    exact = exact_four_point(net, design.inputs, design.quadruples)
    out = {"seed": seed, "selected": result.selected, "seconds": seconds, "reason": result.decision.reason,
           "moments_estimable": None if result.moments is None else result.moments.estimable,
           "max_group_share": None if result.moments is None else result.moments.max_group_share,
           "halving_ratio": None if result.moments is None else result.moments.halving_ratio,
           "tail_ratio": None if result.moments is None else result.moments.tail_ratio,
           "power": result.decision.power,
           "estimator": getattr(result.measurement, "estimator", "outputs")}
    if exact is not None and intensity == 0.0:
        d = y - exact
        t2 = float(d @ np.linalg.solve(cov, d))
        out["oracle_p"] = hotelling_p_value(t2, len(y), n_groups - 1)
        # the same with the direction of the exact G4c projected out: what the fits of a reading that contains the
        # true one can see (a fluctuation of the overall scale is absorbed by the couplings)
        out["oracle_shape_p"] = hotelling_p_value(gls_minimum(exact[:, None], d, cov), len(y) - 1, n_groups - 1)
        w = np.linalg.solve(cov, exact)
        out["scale"] = float(w @ d / (w @ exact))
    if case.truth is not None and case.truth in result.readings:
        fit = result.readings[case.truth]
        out["gof_p"] = fit.p_value
        t = _next_test(result.decision, case.truth)
        out["nested_p"] = None if t is None else t.p_value
        out["nested_test"] = None if t is None else f"{t.smaller} -> {t.larger}"
        pulls = [c.pull for c in fit.couplings.values() if c.pull is not None]
        out["pulls"] = pulls
    return out


def run_case(case: Case, seeds, *, alpha: float, data=None, log=None, n_groups: int = N_GROUPS,
             estimator: str = "auto") -> list[dict]:
    data = load_data("synthetic", seed=0) if data is None else data
    rows = []
    for seed in seeds:
        rows.append(run_seed(case, data, seed, alpha=alpha, n_groups=n_groups, estimator=estimator))
        if log is not None:
            r = rows[-1]
            print(f"{case.name} seed {seed}: {r['selected']} ({r['seconds']:.1f} s) "
                  f"oracle p {r.get('oracle_p', float('nan')):.3g} nested p {r.get('nested_p') or float('nan'):.3g}",
                  file=log, flush=True)
    return rows


def _cp_interval(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Clopper-Pearson interval of a binomial proportion k/n."""
    a = 1 - level
    lo = 0.0 if k == 0 else float(stats.beta.ppf(a / 2, k, n - k + 1))
    hi = 1.0 if k == n else float(stats.beta.ppf(1 - a / 2, k + 1, n - k))
    return lo, hi


def _rate(p_values, alpha: float) -> str:
    p = [x for x in p_values if x is not None and math.isfinite(x)]
    if not p:
        return "-"
    k = sum(x < alpha for x in p)
    lo, hi = _cp_interval(k, len(p))
    return f"{k}/{len(p)} = {k / len(p):.3f} [{lo:.3f}, {hi:.3f}]"


def _ks(p_values) -> str:
    p = [x for x in p_values if x is not None and math.isfinite(x)]
    return "-" if len(p) < 5 else f"{stats.kstest(p, 'uniform').pvalue:.2g}"


def summarise(case: Case, rows: list[dict], alpha: float) -> dict:
    """The table row of one case."""
    n = len(rows)
    verdicts: dict = {}
    for r in rows:
        verdicts[r["selected"]] = verdicts.get(r["selected"], 0) + 1
    kept = sum(r["selected"] in case.expected for r in rows)
    forbidden = sum(r["selected"] in case.forbidden for r in rows)
    lo, hi = _cp_interval(kept, n)
    pulls = np.array([p for r in rows for p in r.get("pulls", [])])
    tails = [r["tail_ratio"] for r in rows if r.get("tail_ratio") is not None]
    return {
        "case": case.name, "activation": case.activation,
        "network": "CP rank 1" if case.cp_rank == 1 else "dense", "n_networks": case.n_networks, "seeds": n,
        "verdicts": ", ".join(f"{k} {v}" for k, v in sorted(verdicts.items(), key=lambda kv: -kv[1])),
        "expected": f"{' or '.join(case.expected)}: {kept}/{n} = {kept / n:.3f} [{lo:.3f}, {hi:.3f}]",
        "forbidden": f"{forbidden}/{n}",
        "oracle": _rate([r.get("oracle_p") for r in rows], alpha),
        "oracle_ks": _ks([r.get("oracle_p") for r in rows]),
        "oracle_shape": _rate([r.get("oracle_shape_p") for r in rows], alpha),
        "scale": "-" if not any("scale" in r for r in rows) else
                 f"{np.median([r['scale'] for r in rows if 'scale' in r]):+.3f}",
        "nested": _rate([r.get("nested_p") for r in rows], alpha),
        "nested_test": next((r["nested_test"] for r in rows if r.get("nested_test")), "-"),
        "nested_ks": _ks([r.get("nested_p") for r in rows]),
        "gof": _rate([r.get("gof_p") for r in rows], alpha),
        "pulls": "-" if pulls.size == 0 else (f"{pulls.mean():+.2f} / {pulls.std():.2f} / "
                                              f"{np.mean(np.abs(pulls) > 3):.3f}"),
        "tail": "-" if not tails else f"{np.min(tails):.2f}-{np.median(tails):.2f}-{np.max(tails):.2f}",
        "seconds": float(np.mean([r["seconds"] for r in rows])),
        "estimator": ", ".join(sorted({str(r.get("estimator", "outputs")) for r in rows})),
    }


def table(summaries: list[dict], alpha: float) -> str:
    head = ("| case | network | networks | seeds | verdicts | expected verdict [95% CI] | forbidden | "
            f"oracle T^2 rejects at {alpha:g} [95% CI] | KS p | same, exact direction projected out | median scale "
            f"error | nested test of the truth | rejects at {alpha:g} [95% CI] | KS p | truth's fit rejects | "
            "pulls mean / sd / >3 | tail ratio min-median-max | s per seed |")
    lines = [head, "|" + "---|" * 18]
    for s in summaries:
        lines.append(f"| {s['case']} | {s['network']}, {s['activation']} | {s['n_networks']} | {s['seeds']} | "
                     f"{s['verdicts']} | {s['expected']} | {s['forbidden']} | {s['oracle']} | {s['oracle_ks']} | "
                     f"{s['oracle_shape']} | {s['scale']} | {s['nested_test']} | {s['nested']} | {s['nested_ks']} | "
                     f"{s['gof']} | {s['pulls']} | {s['tail']} | {s['seconds']:.1f} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=100, help="seeds per case (default 100)")
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--cases", nargs="+", choices=tuple(CASES), default=None)
    parser.add_argument("--alpha", type=float, default=0.01)
    parser.add_argument("--quick", action="store_true", help="6 seeds of the 2^12-network cases")
    parser.add_argument("--json", type=Path, default=None, help="write every seed's numbers to this file")
    parser.add_argument("--log", action="store_true", help="print one line per seed to stderr")
    parser.add_argument("--groups", type=int, default=N_GROUPS, help=f"jackknife groups (default {N_GROUPS})")
    parser.add_argument("--estimator", choices=("auto", "conditional", "outputs"), default="auto",
                        help="the G4c estimator of read_network (default auto: conditional where the network has it)")
    parser.add_argument("--ablate-tail-ratio", action="store_true",
                        help="switch off the heavy-tail guard of the moment check (tail ratio), to see what it does")
    args = parser.parse_args(argv)
    if args.ablate_tail_ratio:
        import functools

        import tensornn.readings.fit as fit_module
        from tensornn.readings.moments import moment_check

        fit_module.moment_check = functools.partial(moment_check, max_tail_ratio=1e300)  # type: ignore[assignment]
    names = args.cases or (QUICK if args.quick else tuple(CASES))
    n_seeds = 6 if args.quick and args.seeds == 100 else args.seeds
    seeds = range(args.first_seed, args.first_seed + n_seeds)
    data = load_data("synthetic", seed=0)
    start = time.perf_counter()
    results, summaries = {}, []
    for name in names:
        rows = run_case(CASES[name], seeds, alpha=args.alpha, data=data, log=sys.stderr if args.log else None,
                        n_groups=args.groups, estimator=args.estimator)
        results[name] = rows
        summaries.append(summarise(CASES[name], rows, args.alpha))
    print(table(summaries, args.alpha))
    estimators = ", ".join(sorted({s["estimator"] for s in summaries}))
    ablated = ", tail-ratio guard switched off" if args.ablate_tail_ratio else ""
    print(f"\n({len(names)} cases x {n_seeds} seeds from seed {args.first_seed}, {args.groups} groups, G4c estimator "
          f"{estimators}{ablated}, in {time.perf_counter() - start:.0f} s)")
    if args.json is not None:
        args.json.write_text(json.dumps({"alpha": args.alpha, "summaries": summaries, "seeds": results}, indent=1,
                                        default=float))
    return 0


if __name__ == "__main__":
    sys.exit(main())

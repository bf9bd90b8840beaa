"""Time a full fixed-point search with exponents for each model preset, against baselines in the same run.

Timed: building the preset (derivation included) and ``FlowPreset.fixed_points()`` with its
default starts (scalar/O(N): the Gaussian point and the guided continuation, random starts only
if that fails; tensors: the lower-order roots and 48 random starts for systems of up to three
couplings, 8 otherwise), stability matrices and exponents included. Baselines measured in the
same run:

- one :func:`refine_fixed_point` solve of the engine-derived scalar phi^4 flow (D = 3) from a
  start 0.1% off the Wilson-Fisher point (column "x refine");
- for scalar/O(N), the same preset with ``exhaustive=True``: the random starts of the former
  default always run (the search as before the guided search stopped early, except that the
  lowest order of the continuation comes from its closed form): column "exh./def.", and the
  difference of the best non-Gaussian nu between the two.

Run: python benchmarks/bench_flow_presets.py [--repeat 3]
"""

import argparse

import numpy as np

from _timing import best_time  # noqa: E402 - benchmarks/ is on sys.path when run as a script
from tensornn.flow import make_preset, refine_fixed_point

CASES = (
    ("scalar", dict(dim=3, order=2)),
    ("scalar", dict(dim=3, order=6)),
    ("scalar", dict(dim=3, order=10, expansion="minimum")),
    ("on", dict(n_components=3, dim=3, order=2)),
    ("on", dict(n_components=3, dim=3, order=8, expansion="minimum")),
    ("tensor", dict(rank=3, kinetic_power=1.0, eta=True)),
    ("tensor", dict(rank=3, kinetic_power=2.0, eta=True)),
    ("tensor", dict(rank=4, kinetic_power=2.0, eta=True)),
    ("tensor", dict(rank=5, kinetic_power=2.0, eta=True)),
    ("tensor", dict(rank=3, field="real", kinetic_power=2.0)),
    ("tensor", dict(rank=3, kinetic_power=2.0, order=3, eta=True)),
)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    system = make_preset("scalar", dim=3, order=2).system
    wf = np.array([-1 / 26, 0.0])
    wf[1] = refine_fixed_point(system, [-0.04, 0.3]).couplings[1]
    base, fp = best_time(lambda: refine_fixed_point(system, wf * 1.001), args.repeat)
    assert fp is not None and np.allclose(fp.couplings, wf, rtol=1e-9)
    print(f"baseline: one refine of the engine phi^4 flow from a good start: {base * 1e3:.2f} ms\n")
    print(f"{'preset':<58} {'default s':>9} {'x refine':>8} {'exhaustive s':>12} {'exh./def.':>9} "
          f"{'|d nu|':>8}  roots (valid)  best valid non-Gaussian")
    for name, options in CASES:
        def task(exhaustive=False):
            return make_preset(name, **options).fixed_points(seed=0, exhaustive=exhaustive)

        seconds, search = best_time(task, args.repeat)
        best = _best(search)
        slow = dnu = float("nan")
        if name != "tensor":  # tensor presets always run their random starts: exhaustive is the default
            slow, full = best_time(lambda: task(True), 1)
            best_full = _best(full)
            dnu = abs(best.nu - best_full.nu) if best is not None and best_full is not None else float("nan")
        summary = "none" if best is None else f"eta={float(best.eta):.4g} nu={best.nu:.6g}"
        label = name + " " + " ".join(f"{k}={v}" for k, v in options.items())
        print(f"{label:<58} {seconds:>9.3f} {seconds / base:>8.0f} {slow:>12.3f} {slow / seconds:>9.1f} {dnu:>8.1e}"
              f"  {len(search):>3} ({len(search.valid):>2})       {summary}", flush=True)


def _best(search):
    valid = [fp for fp in search.valid if not fp.is_gaussian and np.max(np.abs(fp.couplings)) > 1e-3]
    return min(valid, key=lambda fp: (fp.n_relevant, np.linalg.norm(fp.couplings)), default=None)


if __name__ == "__main__":
    main()

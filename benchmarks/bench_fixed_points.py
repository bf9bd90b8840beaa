"""Fixed-point searches against scipy.optimize.root, as ratios measured in the same run.

Three groups, each with its baseline measured in the same process (the machine is shared, so ratios count):

- scalar and O(N) polynomial presets: ``FlowPreset.fixed_points()`` (the guided continuation of the
  potential expansion, the roots from the Gaussian and the guided start, their linearisation, the checks
  against the next order and the functional spectrum) against ``scipy.optimize.root`` (hybr, its own
  finite-difference Jacobian) on ``preset.system.beta`` from two starts: the Gaussian point and the lowest
  truncation's closed-form Wilson-Fisher point padded with zeros. Target: ratio <= 5. "after" is a cold call
  (the cache of guided Wilson-Fisher points is cleared before each one); "cached" a repeated call with the same
  options, which reuses the guided point. "before" is the former
  search on the engine's flow from the same guided start (MINPACK hybr and lm from every start, a
  central-difference Newton polish, one full RHS per quantity of each root), in the same run.
- the tensor preset (complex rank 3, s = 2, melonic LPA'): ``FlowPreset.fixed_points()`` (the Gaussian point and
  48 random starts solved together by the batched trust-region Newton method) in ms, target < 50 ms; against
  scipy.optimize.root (hybr) from the same 49 starts, and the former search (hybr and lm from every start).
- the lowest truncation from its closed form against a 24-start search (kept from the former benchmark).

Run: python benchmarks/bench_fixed_points.py [--repeat 3]
"""

import argparse

import numpy as np
from scipy.optimize import root

from _timing import best_time  # noqa: E402 - benchmarks/ is on sys.path when run as a script

from tensornn.flow import find_fixed_points, make_preset, potential_fixed_point
from tensornn.flow.preset_search import wilson_fisher_point
from tensornn.flow.potential import _first_order_start, _lowest_order_guesses
from tensornn.flow.presets import potential_to_engine

CASES = [
    ("scalar", dict(dim=3, order=2)),
    ("scalar", dict(dim=3, order=6)),
    ("scalar", dict(dim=3, order=10)),
    ("scalar", dict(dim=3, order=8, expansion="minimum")),
    ("on", dict(n_components=3, dim=3, order=2)),
    ("on", dict(n_components=3, dim=3, order=6)),
    ("on", dict(n_components=3, dim=3, order=8, expansion="minimum")),
]


def _two_starts(preset):
    """The Gaussian point and the lowest truncation's closed-form Wilson-Fisher point padded with zeros."""
    o = preset.options
    n = 1 if preset.name == "scalar" else o["n_components"]
    guess = _lowest_order_guesses(o["dim"], n, o["expansion"])[0]
    if o["expansion"] == "zero":
        guess = potential_to_engine(guess)
    start = np.zeros(len(preset.names))
    start[:2] = guess
    return [np.zeros(len(preset.names)), start]


def _scipy_root(system, starts):
    roots = []
    for x0 in starts:
        sol = root(lambda g: system.beta(g), x0, method="hybr")
        roots.append(sol.x if sol.success else None)
    return roots


def _former_search(preset):
    """The former FlowPreset.fixed_points: the guided start converted, MINPACK from each start, central polish."""
    o = preset.options
    n = 1 if preset.name == "scalar" else o["n_components"]
    fp = potential_fixed_point(o["dim"], n, o["order"], expansion=o["expansion"])
    guided = fp.couplings if o["expansion"] == "minimum" else potential_to_engine(fp.couplings)
    return find_fixed_points(preset.system, n_starts=0, starts=[np.zeros(len(preset.names)), guided],
                             methods=("hybr", "lm"), derivative="central")


def _cold(preset):
    """FlowPreset.fixed_points() without the cached guided Wilson-Fisher point of an earlier call."""
    wilson_fisher_point.cache_clear()
    return preset.fixed_points()


def _describe_search(search):
    wf = [fp for fp in search.valid if not fp.is_gaussian and fp.n_relevant == 1]
    return f"{len(search)} roots, {len(search.valid)} valid" + (f", nu={wf[0].nu:.6f}" if wf else "")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    print("scalar and O(N) presets: fixed_points() against scipy.optimize.root from two starts (target <= 5)")
    print(f"{'preset':<52} {'root x2 [ms]':>12} {'after [ms]':>11} {'ratio':>6} {'cached':>7} {'before [ms]':>12} "
          f"{'ratio':>6}  result")
    for name, options in CASES:
        preset = make_preset(name, **options)
        starts = _two_starts(preset)
        base, _ = best_time(lambda: _scipy_root(preset.system, starts), args.repeat)
        after, search = best_time(lambda: _cold(preset), args.repeat)
        cached, _ = best_time(lambda: preset.fixed_points(), args.repeat)
        before, _ = best_time(lambda: _former_search(preset), args.repeat)
        label = f"{name} " + " ".join(f"{k}={v}" for k, v in options.items())
        print(f"{label:<52} {base * 1e3:>12.2f} {after * 1e3:>11.2f} {after / base:>6.1f} {cached / base:>7.1f} "
              f"{before * 1e3:>12.2f} {before / base:>6.1f}  {_describe_search(search)}")

    print("\ntensor preset (complex rank 3, s = 2, melonic LPA', 49 starts): target < 50 ms")
    tensor = make_preset("tensor", kinetic_power=2.0, eta=True)
    rng = np.random.default_rng(0)
    box = np.array(tensor.bounds)
    starts = np.vstack([np.zeros(2), box[:, 0] + (box[:, 1] - box[:, 0]) * rng.random((48, 2))])
    base, _ = best_time(lambda: _scipy_root(tensor.system, starts), args.repeat)
    after, search = best_time(lambda: tensor.fixed_points(), args.repeat)
    before, old = best_time(lambda: find_fixed_points(tensor.system, n_starts=0, starts=starts, methods=("hybr", "lm"),
                                                      derivative="central"), args.repeat)
    build, _ = best_time(lambda: make_preset("tensor", kinetic_power=2.0, eta=True), args.repeat)
    print(f"  building the preset (derivation): {build * 1e3:.1f} ms")
    print(f"  scipy.optimize.root (hybr) from the 49 starts: {base * 1e3:.1f} ms")
    print(f"  fixed_points(): {after * 1e3:.1f} ms (ratio {after / base:.2f}); {_describe_search(search)}")
    print(f"  former search (hybr and lm from every start): {before * 1e3:.1f} ms (ratio {before / base:.2f}); "
          f"{_describe_search(old)}")

    print("\nlowest truncation: closed form against the 24-start search it replaced")
    for n_components in (1, 3):
        for expansion in ("zero", "minimum"):
            after, fp = best_time(lambda: _first_order_start(3, n_components, expansion, 0), args.repeat)
            preset = make_preset("on", n_components=max(n_components, 1), dim=3, order=2, expansion=expansion) \
                if n_components > 1 else make_preset("scalar", dim=3, order=2, expansion=expansion)
            system = preset.system if expansion == "minimum" else None
            if system is None:
                from tensornn.flow import SymmetricPotential

                system = SymmetricPotential(3, n_components, 2)
                bounds = [(-0.9, 0.0), (0.0, 50.0 * n_components * system.vd + 1.0)]
            else:
                bounds = [(0.0, 2.0 * n_components * system.vd + 0.1), (0.0, 20.0)]
            before, old = best_time(lambda: find_fixed_points(system, n_starts=24, bounds=bounds, seed=0),
                                    args.repeat)
            print(f"  D=3 N={n_components} {expansion:<8} closed form {after * 1e3:7.2f} ms, 24-start search "
                  f"{before * 1e3:7.2f} ms, ratio {before / after:6.1f}")


if __name__ == "__main__":
    main()

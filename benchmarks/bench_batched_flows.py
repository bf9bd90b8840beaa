"""Monte-Carlo flow bands at the cost of a few flows: one flow per reading against one flow plus a batch of draws.

`tensornn compare` runs, for every reading, the flow from its fitted couplings (LSODA at rtol 1e-6); an honest band
adds >= 100 flows from draws of the fit covariance. This script times, for the three readings of the default
comparison on the data spectra of the embedded synthetic data (the tensor reading: one pairing colour per data
colour, the full quartic truncation; the vector reading: one pairing colour with the full spectrum; the scalar
reading: one local colour), in one run:

- one flow: :func:`tensornn.flow.trajectory.run_from_ir` from the central couplings (the comparison's flow);
- one flow plus B draws: the same, plus :func:`tensornn.flow.trajectory.run_from_ir_batch` on B draws of the
  couplings (normal, independent, with the standard errors of the default comparison's fits; seed 1), integrated by
  the batched RK45;

for the fitted couplings of both networks of the default comparison (the CP layer, whose selected reading is the
tensor one, and its dense twin, whose selected reading is the vector one), and prints the ratio (one flow + B draws)
/ (one flow) per reading and the ratio for the flows stage of the comparison: one flow for each reading of both
networks, plus B draws for each selected reading, against one flow per reading. CPU time of this process, best of
``--repeat`` interleaved runs. A batch of one, run the same way, shows what a single member costs on the batched
path.

Run: python benchmarks/bench_batched_flows.py [--draws 100] [--repeat 3]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from tensornn.compare.theories import spectrum_kinetic
from tensornn.data import load_data
from tensornn.data.summary import summarise_data
from tensornn.flow import derive_flow
from tensornn.flow.trajectory import run_from_ir, run_from_ir_batch
from tensornn.theory import EmpiricalColour, Theory, full_truncation, scalar_truncation, vector_truncation

#: The comparison's integrator settings and scales (k in units of the infrared mass).
SETTINGS = dict(k_ir=1e-3, k_uv=1e2, n_points=200, rtol=1e-6, atol=1e-10)

#: Engine couplings of the default comparison's fits (value, standard error), with the mass term u2 = 1, for its two
#: networks; the selected reading of each (the one that gets the band) first.
NETWORKS = {
    "cp": {
        "tensor": {"b2_4": (-0.0234, 0.0234), "b2_3": (-0.126, 0.040), "b2_1": (-0.0826, 0.063),
                   "b2_5": (-0.0499, 0.078), "b2_2": (-0.193, 0.129)},
        "vector": {"g4": (-0.204, 0.0143)},
        "scalar": {"g4": (-2.935, 0.222)},
    },
    "dense": {
        "vector": {"g4": (-0.0310, 0.00078)},
        "tensor": {"b2_4": (-0.0302, 0.0027), "b2_3": (-0.00263, 0.0043), "b2_1": (-0.00808, 0.0052),
                   "b2_5": (0.00141, 0.0057), "b2_2": (0.00967, 0.0083)},
        "scalar": {"g4": (-0.483, 0.0132)},
    },
}
COUPLINGS = NETWORKS["cp"] | {"vector": NETWORKS["dense"]["vector"], "scalar": NETWORKS["dense"]["scalar"]}


def theories():
    """The flow theory of each reading on the data spectra of the synthetic data."""
    spectra = summarise_data(load_data("synthetic", seed=0)).spectra
    full = spectrum_kinetic(spectra.full)
    d = len(spectra.colours)
    colours = tuple(EmpiricalColour(spectrum_kinetic(lam), role="pairing") for lam in spectra.colours)
    return {
        "tensor": Theory(colours, "real", full_truncation(d, 2, "real")),
        "vector": Theory((EmpiricalColour(full, role="pairing", dimension=float(d)),), "real", vector_truncation(2)),
        "scalar": Theory((EmpiricalColour(full, role="local", dimension=float(d)),), "real", scalar_truncation(2)),
    }


def cpu(fn):
    start = time.process_time()
    out = fn()
    return time.process_time() - start, out


def measure(flow, couplings, draws, repeat, rng):
    """(one flow, the draws, one member alone) CPU seconds, best of ``repeat``, and the statuses."""
    central = {2: 1.0, **{k: v for k, (v, _) in couplings.items()}}
    irs = [{2: 1.0, **{k: v + e * rng.standard_normal() for k, (v, e) in couplings.items()}} for _ in range(draws)]
    one, batch, single = [], [], []
    for _ in range(repeat):
        seconds, traj = cpu(lambda: run_from_ir(flow, central, **SETTINGS))
        one.append(seconds)
        seconds, band = cpu(lambda: run_from_ir_batch(flow, irs, **SETTINGS))
        batch.append(seconds)
        single.append(cpu(lambda: run_from_ir_batch(flow, irs[:1], **SETTINGS))[0])
    statuses = ", ".join(f"{n} {s}" for s, n in zip(*np.unique(band.status, return_counts=True)))
    return min(one), min(batch), min(single), traj.status, statuses


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rng = np.random.default_rng(1)
    flows = {name: derive_flow(theory) for name, theory in theories().items()}
    print(f"one flow (LSODA, rtol {SETTINGS['rtol']:g}) against one flow + {args.draws} draws (batched RK45), "
          f"CPU seconds, best of {args.repeat}\n")
    print(f"{'network':<7} {'reading':<8} {'terms':>5} {'one flow':>9} {'draws':>8} {'1 member':>9} {'ratio':>6}  "
          "central / draws")
    stage_one = stage_band = 0.0
    for network, readings in NETWORKS.items():
        for position, (name, couplings) in enumerate(readings.items()):
            t_one, t_batch, t_single, status, statuses = measure(flows[name], couplings, args.draws, args.repeat, rng)
            selected = position == 0
            stage_one += t_one
            stage_band += t_one + (t_batch if selected else 0.0)
            print(f"{network:<7} {name + ('*' if selected else ''):<8} {len(flows[name].terms):>5} {t_one:>9.3f} "
                  f"{t_batch:>8.3f} {t_single:>9.3f} {(t_one + t_batch) / t_one:>6.2f}  {status} / {statuses}")
    print(f"\n* the selected reading of the network (the one whose band the comparison draws)")
    print(f"flows stage of the default comparison (one flow for each reading of both networks, plus {args.draws} "
          f"draws for each selected reading) / one flow per reading = {stage_band:.3f} s / {stage_one:.3f} s = "
          f"{stage_band / stage_one:.2f}")


if __name__ == "__main__":
    main()

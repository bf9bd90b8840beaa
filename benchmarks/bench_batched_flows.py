"""Monte-Carlo flow bands at the cost of a few flows: one flow per reading against one flow plus a batch of draws.

`tensornn compare` runs, for every reading, the flow from its fitted couplings (LSODA at rtol 1e-6); an honest band
adds >= 100 flows from draws of the fit covariance. This script times, for the three readings of the default
comparison on the data spectra of the embedded synthetic data (the tensor reading: one pairing colour per data
colour, the full quartic truncation; the vector reading: one pairing colour with the full spectrum; the scalar
reading: one local colour), in one run:

- one flow: :func:`tensornn.flow.trajectory.run_from_ir` from the central couplings (the comparison's flow);
- one flow plus B draws: the same, plus :func:`tensornn.flow.trajectory.run_from_ir_batch` on B draws of the
  couplings (normal, independent, with the standard errors of the default comparison's fits of the CP layer
  (tensor), the dense layer (vector) and of the scalar reading; seed 1), integrated by the batched RK45;

and prints the ratio (one flow + B draws) / (one flow) per reading and for the three readings together (the flows
stage of a comparison with a band on every reading), CPU time of this process, best of ``--repeat`` interleaved
runs. A batch of one, run the same way, shows what a single member costs on the batched path.

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

#: Engine couplings of the default comparison's fits (value, standard error), with the mass term u2 = 1.
COUPLINGS = {
    "tensor": {"b2_4": (-0.0234, 0.0234), "b2_3": (-0.126, 0.040), "b2_1": (-0.0826, 0.063), "b2_5": (-0.0499, 0.078),
               "b2_2": (-0.193, 0.129)},
    "vector": {"g4": (-0.0310, 0.00078)},
    "scalar": {"g4": (-0.483, 0.0132)},
}


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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rng = np.random.default_rng(1)
    rows, totals = [], np.zeros(3)
    for name, theory in theories().items():
        flow = derive_flow(theory)
        couplings = COUPLINGS[name]
        central = {2: 1.0, **{k: v for k, (v, _) in couplings.items()}}
        draws = [{2: 1.0, **{k: v + e * rng.standard_normal() for k, (v, e) in couplings.items()}}
                 for _ in range(args.draws)]
        one, batch, single = [], [], []
        for _ in range(args.repeat):
            seconds, traj = cpu(lambda: run_from_ir(flow, central, **SETTINGS))
            one.append(seconds)
            seconds, band = cpu(lambda: run_from_ir_batch(flow, draws, **SETTINGS))
            batch.append(seconds)
            single.append(cpu(lambda: run_from_ir_batch(flow, draws[:1], **SETTINGS))[0])
        t_one, t_batch, t_single = min(one), min(batch), min(single)
        totals += (t_one, t_batch, t_single)
        statuses = ", ".join(f"{n} {s}" for s, n in zip(*np.unique(band.status, return_counts=True)))
        rows.append((name, len(flow.terms), t_one, t_batch, t_single, (t_one + t_batch) / t_one, traj.status, statuses))
    print(f"one flow (LSODA, rtol {SETTINGS['rtol']:g}) against one flow + {args.draws} draws (batched RK45), "
          f"CPU seconds, best of {args.repeat}\n")
    print(f"{'reading':<8} {'terms':>5} {'one flow':>9} {'draws':>8} {'1 member':>9} {'ratio':>6}  central / draws")
    for name, terms, t_one, t_batch, t_single, ratio, status, statuses in rows:
        print(f"{name:<8} {terms:>5} {t_one:>9.3f} {t_batch:>8.3f} {t_single:>9.3f} {ratio:>6.2f}  {status} / {statuses}")
    t_one, t_batch, t_single = totals
    print(f"{'all':<8} {'':>5} {t_one:>9.3f} {t_batch:>8.3f} {t_single:>9.3f} {(t_one + t_batch) / t_one:>6.2f}")
    print(f"\nflows stage with {args.draws} draws per reading / one flow per reading = {(t_one + t_batch) / t_one:.2f}")


if __name__ == "__main__":
    main()

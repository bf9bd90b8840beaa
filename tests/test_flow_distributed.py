"""Flow batches on an executor: the chunks of members run elsewhere, the numbers are bitwise those of the serial run."""

import math
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest

from tensornn.flow import derive_flow, run_flows, tensor_preset
from tensornn.flow.trajectory import run_from_ir_batch
from tensornn.theory import EmpiricalColour, Theory, full_truncation

distributed = pytest.importorskip("distributed")


def _spectra_flow():
    colours = [tuple(math.log(max(v) / x) for x in v) for v in ((1.0, 0.6, 0.35, 0.2), (1.0, 0.5, 0.3, 0.25),
                                                               (1.0, 0.7, 0.4, 0.1))]
    return derive_flow(Theory(tuple(EmpiricalColour(c) for c in colours), "real", full_truncation(3, 2, "real")))


def _identical(a, b):
    return all(x.reason == y.reason and np.array_equal(x.t, y.t) and np.array_equal(x.values, y.values)
               for x, y in zip(a, b)) and len(a) == len(b)


def _draws(n, seed=7):
    rng = np.random.default_rng(seed)
    return [{2: 1.0, "b2_1": rng.normal(-0.004, 0.01), "b2_5": rng.normal(-0.01, 0.01)} for _ in range(n)]


def test_dask_local_cluster_gives_the_serial_numbers():
    # a LocalCluster in this process (threads): the tasks carry the flow and a chunk of initial couplings each
    flow = _spectra_flow()
    irs = _draws(6)
    kw = dict(k_ir=1e-3, k_uv=1e2, rtol=1e-6, atol=1e-10, n_points=20)
    serial = run_from_ir_batch(flow, irs, **kw)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        spread = run_from_ir_batch(flow, irs, executor=client.get_executor(), chunk_size=2, **kw)
    assert _identical(serial, spread)
    assert [m.initial for m in serial] == [m.initial for m in spread]


def test_process_pool_gives_the_serial_numbers():
    # the flow is pickled to the worker processes (its compiled code is not: it is compiled again there)
    system = tensor_preset(order=3).system
    G = np.column_stack([np.linspace(0.05, 0.2, 5), np.full(5, 0.01), np.zeros(5), np.zeros(5)])
    kw = dict(k_start=1.0, k_stop=1e-2, dimensionless=True)
    serial = run_flows(system, G, **kw)
    with ProcessPoolExecutor(2) as pool:
        spread = run_flows(system, G, executor=pool, chunk_size=2, **kw)
    assert _identical(serial, spread)


@pytest.mark.slow
def test_dask_worker_processes_give_the_serial_numbers():
    # worker processes of a LocalCluster (the set-up of a real cluster: every task serialised), 40 draws
    flow = _spectra_flow()
    irs = _draws(40, seed=11)
    kw = dict(k_ir=1e-3, k_uv=1e2, rtol=1e-6, atol=1e-10, n_points=50)
    serial = run_from_ir_batch(flow, irs, **kw)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        spread = run_from_ir_batch(flow, irs, executor=client.get_executor(), chunk_size=10, **kw)
    assert _identical(serial, spread)

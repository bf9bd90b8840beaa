"""Monte-Carlo readings of the linear CP layer and its dense twin on the embedded data.

Default size (2^17 networks in 128 groups, 40 quadruples of 10 points, width 8), fixed seeds. The exact
couplings are known (tensornn.readings.content.linear_tensor_action), so every fitted coupling is compared with
its exact value in units of its cross-fitted standard error (3 sigma). The verdicts: the CP layer's
tensor reading fits (p > 0.01) and its vector reading fails (p < 1e-6); the dense twin's vector reading
fits and its pillow and tetrahedron couplings are within 3 errors of zero. The slow test repeats the
verdicts over 10 seeds, allowing one false rejection at p < 0.01 per true reading (docs/readings.md has the
calibration over more).
"""

import numpy as np
import pytest

from tensornn.data import synthetic_kronecker
from tensornn.readings import read_network
from tensornn.networks import StructuredNetwork

BUBBLES = ("pillow(1)", "pillow(2)", "pillow(3)", "tetrahedron")
#: The largest |pull| of the 5 tensor couplings allowed: the two-sided normal quantile at a family-wise 0.1 % over
#: 5 couplings, Phi^-1(1 - 0.001/10) = 3.72. A bound of 3 on the largest of 5 fails a correct fit in 1.3 % of seeds
#: (1 - 0.9973^5); the pulls' calibration over 100 seeds is in docs/verdict_calibration.md.
MAX_PULL = 3.72


@pytest.fixture(scope="module")
def data():
    return synthetic_kronecker(seed=0)


def _check_cp(result):
    tensor, vector, scalar = (result.readings[k] for k in ("tensor", "vector", "scalar"))
    assert tensor.p_value > 0.01 and vector.p_value < 1e-6 and scalar.p_value < 1e-6, result.text()
    assert result.selected == "tensor" and result.selected_fits
    # the estimator is unbiased and its errors calibrated (benchmarks/bench_compare.py --pulls 20: 100 pulls of the
    # CP layer, mean +0.016, sd 0.921); seed 0 of this design has a largest pull of 3.16
    pulls = [c.pull for c in tensor.couplings.values()]
    assert max(abs(p) for p in pulls) < MAX_PULL, result.text()


def _check_dense(result):
    vector, tensor = result.readings["vector"], result.readings["tensor"]
    assert vector.fits and result.selected == "vector", result.text()
    assert abs(vector.couplings["double trace"].pull) < MAX_PULL
    for name in BUBBLES:
        c = tensor.couplings[name]
        assert abs(c.value) < MAX_PULL * c.error, (name, c)


def test_cp_layer_selects_the_tensor_reading(data):
    result = read_network(StructuredNetwork(data.index_sizes, cp_rank=1, width=8), data, method="monte-carlo", seed=0)
    assert result.n_networks == 131_072 and result.n_groups == 128 and result.readings["tensor"].reference == "hotelling"
    _check_cp(result)


def test_dense_twin_selects_the_vector_reading(data):
    result = read_network(StructuredNetwork(data.index_sizes, cp_rank=None, width=8), data, method="monte-carlo",
                          seed=0)
    _check_dense(result)


@pytest.mark.slow
def test_verdicts_hold_for_other_seeds(data):
    # A true reading is rejected at p < 0.01 in 1 % of the seeds (seed 8 rejects the dense twin's vector reading
    # at p = 0.0087): over 10 seeds at most one such false rejection per check is allowed, P(>= 2 | 10, 0.01) = 0.4 %.
    # The wrong readings must fail in every seed (the CP layer's vector reading at p < 1e-6), and where the true
    # reading fits it is the one selected and its couplings agree with the exact ones.
    false_rejections = {"cp tensor": 0, "dense vector": 0}
    for seed in range(1, 11):
        cp = read_network(StructuredNetwork(data.index_sizes, cp_rank=1, width=8), data, method="monte-carlo",
                          seed=seed)
        dense = read_network(StructuredNetwork(data.index_sizes, cp_rank=None, width=8), data, method="monte-carlo",
                             seed=seed)
        assert cp.readings["vector"].p_value < 1e-6 and cp.readings["scalar"].p_value < 1e-6, cp.text()
        assert dense.readings["scalar"].p_value < 1e-6, dense.text()
        if cp.readings["tensor"].fits:
            _check_cp(cp)
        else:
            false_rejections["cp tensor"] += 1
        if dense.readings["vector"].fits:
            _check_dense(dense)
        else:
            false_rejections["dense vector"] += 1
    assert max(false_rejections.values()) <= 1, false_rejections


def test_result_dictionary_carries_the_verdict_contract(data):
    result = read_network(StructuredNetwork(data.index_sizes, cp_rank=1, width=8), data, method="monte-carlo",
                          n_networks=16_384, n_groups=32, n_quadruples=20, seed=3)
    d = result.to_dict()
    assert set(d["verdict"]["readings"]) == {"scalar", "vector", "tensor"}
    for entry in d["verdict"]["readings"].values():
        assert {"chi2", "dof", "p_value", "aic"} <= set(entry)
    coupling = d["readings"]["tensor"]["couplings"]["tetrahedron"]
    assert set(coupling) == {"value", "error", "exact", "share", "z", "significant"} and coupling["exact"] is not None
    assert len(d["readings"]["tensor"]["fitted"]) == 20 and d["readings"]["tensor"]["p_value_reference"] == "chi2"
    assert result.readings["tensor"].shrinkage > 0  # 32 groups for 20 quadruples: shrunk, chi^2 reference
    np.testing.assert_allclose(result.readings["tensor"].fitted + result.readings["tensor"].residuals, result.values)

"""Every JSON record has exactly the keys docs/json.md lists, and is strict JSON (no NaN)."""

import json
import re
from pathlib import Path

import numpy as np
import pytest

import tensornn as tn
from tensornn._json import dumps_json, finite, to_jsonable
from tensornn.couplings import field_normalisation, fit_power_law, measure_u4
from tensornn.flow import derive_flow, find_fixed_points, run_flow
from tensornn.flow.trajectory import run_from_ir
from tensornn.theory import ContinuumColour, Theory, scalar_truncation

DOC = Path(__file__).resolve().parent.parent / "docs" / "json.md"


def _documented() -> dict[str, set[str]]:
    """record name -> the keys of its table in docs/json.md."""
    out, name = {}, None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        head = re.match(r"^### (\w+)", line)
        if head:
            name = head.group(1)
            out[name] = set()
            continue
        row = re.match(r"^\| `(\w+)` \|", line)
        if name and row:
            out[name].add(row.group(1))
    return out


@pytest.fixture(scope="module")
def records():
    flow = derive_flow(Theory((ContinuumColour(3),), "real", scalar_truncation(2)))
    net = tn.ScalarNetwork("gauss", d_in=1, width=3, sigma_w=1.0)
    return {
        "FixedPoint": find_fixed_points(flow, seed=0).valid[0],
        "FlowTrajectory": run_from_ir(flow, {2: 1.0, 4: 0.1}, k_ir=1e-3, k_uv=1.0, n_points=3, source="exact"),
        "PowerLawFit": fit_power_law([1.0, 2.0, 4.0], [1.0, 0.5, 0.25]),
        "CouplingEstimate": measure_u4(net, [[0.1], [0.2]], [(0, 0, 1, 1)], 1024, seed=0),
        "FieldNormalisation": field_normalisation(net),
    }


def test_every_record_is_documented(records):
    documented = _documented()
    assert set(records) == set(documented)
    for name, result in records.items():
        assert set(result.to_dict()) == documented[name], name
    # every flow has the one record: a plain run_flow has the same keys as a flow from infrared data
    flow = derive_flow(Theory((ContinuumColour(3),), "real", scalar_truncation(2)))
    assert set(run_flow(flow, [0.1, 0.1], k_start=1.0, k_stop=0.5, n_points=3).to_dict()) == documented["FlowTrajectory"]


def test_records_are_strict_json(records):
    for name, result in records.items():
        text = dumps_json(result)  # a result object serialises through its to_dict()
        assert json.loads(text) == json.loads(dumps_json(result.to_dict())), name


def test_non_finite_values_become_null_and_complex_numbers_objects():
    assert to_jsonable([np.nan, np.inf, -0.0, 1.5]) == [None, None, 0.0, 1.5]
    assert to_jsonable(np.array([1 + 2j])) == [{"real": 1.0, "imag": 2.0}]
    assert finite(None) is None and finite(np.float64(-np.inf)) is None

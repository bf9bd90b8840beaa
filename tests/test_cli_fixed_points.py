"""``tensornn flow``: the search's status and exit code, the regulator of the scalar presets, the Ward-constrained
tensor flow and ``flow pms``."""

import csv
import io
import json

import pytest

from tensornn.cli.main import main
from tensornn.flow import functional_fixed_point, potential_fixed_point


def test_lost_wilson_fisher_exits_1_with_the_status(capsys):
    code = main(["flow", "fixed-points", "scalar", "--dim", "2.5", "--order", "6", "--expansion", "minimum"])
    captured = capsys.readouterr()
    assert code == 1
    assert "status: incomplete" in captured.out and "below mean field" in captured.out
    assert captured.err.startswith("tensornn: flow fixed-points:") and "--functional" in captured.err
    code = main(["flow", "fixed-points", "scalar", "--dim", "2.5", "--order", "6", "--expansion", "minimum",
                 "--json"])
    document = json.loads(capsys.readouterr().out)
    assert code == 1 and document["status"] == "incomplete"
    assert document["fixed_points"] and all(not r["valid"] for r in document["fixed_points"])


def test_scalar_preset_with_the_exponential_regulator(capsys):
    assert main(["flow", "fixed-points", "scalar", "--order", "6", "--expansion", "minimum", "--regulator",
                 "exponential", "--json"]) == 0
    points = json.loads(capsys.readouterr().out)["fixed_points"]
    wf = [p for p in points if p["valid"] and p["n_relevant"] == 1][0]
    assert wf["conventions"]["regulator"] == "exponential"
    assert wf["nu"] == pytest.approx(potential_fixed_point(3, 1, 6, regulator="exponential").nu, rel=1e-12)


def test_functional_search_with_a_regulator_family_member(capsys):
    assert main(["flow", "fixed-points", "scalar", "--functional", "--regulator", "exponential(alpha=2)",
                 "--max-multicriticality", "2", "--json"]) == 0
    points = json.loads(capsys.readouterr().out)["fixed_points"]
    assert points[1]["regulator"] == "exponential(alpha=2)" and points[1]["digits"]["nu"] >= 10
    expected = functional_fixed_point(3.0, 1, regulator="exponential(alpha=2)", check=False).nu
    assert points[1]["nu"] == pytest.approx(expected, abs=1e-10)
    assert main(["flow", "run", "scalar", "--functional", "--regulator", "exponential", "--set", "g2=0.1"]) == 2
    assert "uses the Litim regulator" in capsys.readouterr().err


def test_ward_constrained_tensor_flow(capsys):
    assert main(["flow", "fixed-points", "tensor", "--eta", "--ward", "--json"]) == 0
    points = json.loads(capsys.readouterr().out)["fixed_points"]
    valid = [p for p in points if p["valid"] and p["couplings"]["g4"] != 0]
    assert len(valid) == 1 and valid[0]["couplings"]["mass"] == pytest.approx(-0.6, rel=1e-10)
    assert valid[0]["conventions"]["anomalous_dimension"] == "LPA' (eta from the Ward identity)"


def test_pms_command_outputs(capsys, tmp_path):
    assert main(["flow", "pms", "scalar", "--parameters", "1,4,16", "--no-refine", "--csv", "-"]) == 0
    rows = list(csv.reader(io.StringIO("\n".join(line for line in capsys.readouterr().out.splitlines()
                                                 if not line.startswith("#")))))
    assert rows[0] == ["alpha", "nu", "omega"] and len(rows) == 4
    assert float(rows[1][1]) == pytest.approx(0.6588930557, abs=1e-9)
    target = tmp_path / "scan.json"
    assert main(["flow", "pms", "scalar", "--parameters", "1,4,16", "--json", str(target)]) == 0
    record = json.loads(target.read_text())
    assert record["status"] == "stationary" and record["stationary"]["kind"] == "minimum"
    assert main(["flow", "pms", "scalar", "--parameters", "1,2", "--no-refine"]) == 1
    assert "flow pms:" in capsys.readouterr().err

"""``tensornn flow``: fixed points, runs and equations of the presets through the command line."""

import csv
import importlib.util
import re
import io
import json

import numpy as np
import pytest
from _handwritten_flows import TensorMelonic

from tensornn.cli.main import main
from tensornn.schemas import validate
from tensornn.flow import potential_fixed_point, refine_fixed_point, run_flow
from tensornn.flow.presets import make_preset


def _json(capsys, argv, code=0):
    """The command's JSON document, checked against its schema; for fixed points, the list of fixed points."""
    assert main(argv) == code
    document = json.loads(capsys.readouterr().out)
    if importlib.util.find_spec("jsonschema") is not None:
        validate(document)
    return document["fixed_points"] if "fixed_points" in document else document


def _wilson_fisher(points):
    wf = [p for p in points if p["valid"] and p["n_relevant"] == 1 and any(v != 0 for v in p["couplings"].values())]
    assert len(wf) == 1
    return wf[0]


def test_scalar_phi4_wilson_fisher_json(capsys):
    points = _json(capsys, ["flow", "fixed-points", "scalar", "--dim", "3", "--order", "2", "--json"])
    wf = _wilson_fisher(points)
    assert 2 * wf["couplings"]["g2"] == pytest.approx(-1 / 13, rel=1e-10)  # m^2/k^2 = 2 g2 (docs/theory/flow.md)
    assert round(wf["nu"], 5) == 0.54272
    assert set(wf) >= {"couplings", "eta", "theta", "nu", "omega", "n_relevant", "flags", "residual"}
    assert wf["theta"][0] == pytest.approx(1 / wf["nu"], rel=1e-12) and wf["residual"] < 1e-9


def test_scalar_minimum_expansion_order_10(capsys):
    points = _json(capsys, ["flow", "fixed-points", "scalar", "--dim", "3", "--order", "10", "--expansion", "minimum",
                            "--n-starts", "0", "--json"])
    wf = _wilson_fisher(points)
    assert wf["nu"] == pytest.approx(potential_fixed_point(3, 1, 10).nu, rel=1e-8)
    assert abs(wf["nu"] - 0.6496) < 2e-4  # docs/theory/flow.md: 0.6496 (LPA, Litim)
    # complex exponents are written as {real, imag}
    assert any(isinstance(t, dict) and set(t) == {"real", "imag"} for t in wf["theta"])


def test_on_three_minimum_expansion(capsys):
    points = _json(capsys, ["flow", "fixed-points", "on", "--N", "3", "--dim", "3", "--order", "6",
                            "--expansion", "minimum", "--n-starts", "0", "--json"])
    wf = _wilson_fisher(points)
    assert wf["nu"] == pytest.approx(potential_fixed_point(3, 3, 6).nu, rel=1e-8)
    assert 0.74 < wf["nu"] < 0.78  # LPA O(3) ~ 0.76 (hep-th/0203006)


def test_tensor_lpa_prime_json_against_the_oracle(capsys):
    points = _json(capsys, ["flow", "fixed-points", "tensor", "--rank", "4", "--field", "complex", "--kinetic-power", "2",
                            "--order", "2", "--melonic", "--eta", "--json"])
    oracle = TensorMelonic(d=4, s=2.0, lpa_prime=True)
    nontrivial = [p for p in points if p["valid"] and abs(p["couplings"]["g4"]) > 1e-3]
    assert nontrivial
    for p in nontrivial:
        start = np.array([p["couplings"]["mass"], 2 * p["couplings"]["g4"]])
        ref = refine_fixed_point(oracle, start, tol=1e-12)
        assert np.allclose(ref.couplings, start, rtol=1e-9)
        assert p["eta"] == pytest.approx(float(ref.eta), rel=1e-9)
        assert p["nu"] == pytest.approx(ref.nu, rel=1e-6)
    assert any(not p["valid"] and any("eta pole" in f for f in p["flags"]) for p in points)


def test_flow_run_json_csv_and_plot(capsys, tmp_path):
    argv = ["flow", "run", "scalar", "--dim", "3", "--order", "2", "--set", "g2=-0.2", "--set", "g4=0.05",
            "--k-start", "1", "--k-stop", "1e-3"]
    record = _json(capsys, argv + ["--json", "--plot", str(tmp_path / "flow.png")], code=1)  # a pole exits 1
    direct = run_flow(make_preset("scalar").system, [-0.2, 0.05], k_start=1.0, k_stop=1e-3)
    assert record["status"] == direct.status == "pole"
    assert record["k_stop_reached"] == pytest.approx(direct.k_stop_reached, rel=1e-12)
    assert record["couplings"]["g2"][-1] == pytest.approx(direct.couplings[0, -1], rel=1e-12)
    assert (tmp_path / "flow.png").stat().st_size > 1000
    completing = ["flow", "run", "scalar", "--dim", "3", "--order", "2", "--set", "g2=0.1", "--set", "g4=0.05",
                  "--k-start", "1", "--k-stop", "0.5"]  # options are given once
    assert main(completing + ["--csv", "--dimensionless"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("# status: completed")
    rows = list(csv.reader(io.StringIO("\n".join(line for line in text.splitlines() if not line.startswith("#")))))
    assert rows[0] == ["t", "k", "g2", "g4"] and float(rows[-1][1]) == pytest.approx(0.5)


def test_flow_equations_text_and_latex(capsys):
    assert main(["flow", "equations", "scalar", "--order", "2"]) == 0
    out = capsys.readouterr().out
    assert "d_t g2 = -6 g4 L_2^{x}" in out and "d_t g4 = 72 g4^2 L_3^{x}" in out  # docs/theory/flow.md with g = u/n!
    assert main(["flow", "equations", "tensor", "--rank", "3", "--latex"]) == 0
    assert "\\begin{align}" in capsys.readouterr().out


@pytest.mark.parametrize("argv, match", [
    (["flow", "fixed-points", "potts"], "invalid choice"),
    (["flow", "fixed-points", "tensor", "--rank", "0"], "rank must be >= 1"),
    (["flow", "fixed-points", "scalar", "--order", "1"], "order must be >= 2"),
    (["flow", "run", "scalar", "--set", "g6=0.1"], "valid names: g2, g4"),
    (["flow", "run", "scalar", "--set", "g4"], "NAME=VALUE"),
    (["flow", "equations", "scalar", "--expansion", "minimum"], "no symbolic equations"),
    (["flow"], "give the action"),
])
def test_bad_arguments_exit_2_with_one_line(capsys, argv, match):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert match in err and err.count("\n") == 1


# ----------------------------------------------------------------------------- functional LPA and a real --dim
def test_functional_fixed_points_json_and_plot(capsys, tmp_path):
    from tensornn.flow import functional_fixed_point

    points = _json(capsys, ["flow", "fixed-points", "scalar", "--functional", "--dim", "2.5", "--json",
                            "--plot", str(tmp_path / "potentials.png")])
    assert [(p["label"], p["n_relevant"]) for p in points] == [
        ("Gaussian", 4), ("Wilson-Fisher", 1), ("phi^6 multicritical (tricritical)", 2), ("phi^8 multicritical", 3)]
    assert points[1]["nu"] == pytest.approx(functional_fixed_point(2.5, 1).nu, rel=1e-12)
    assert (tmp_path / "potentials.png").stat().st_size > 1000


def test_functional_on_fixed_points_text(capsys):
    assert main(["flow", "fixed-points", "on", "--N", "2", "--functional", "--dim", "3"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("FunctionalSearch(D=3, N=2: 2 fixed points)") and "nu=0.7082109" in out


def test_functional_run_json_matches_the_library(capsys):
    from tensornn.flow import functional_flow

    record = _json(capsys, ["flow", "run", "scalar", "--functional", "--set", "g2=0.25", "--set", "g4=0.02",
                            "--k-start", "3", "--k-stop", "0.1", "--kinetic", "gauss", "--kinetic-mass", "1", "--json"])
    direct = functional_flow(3.0, 1, {"g2": 0.25, "g4": 0.02}, k_start=3.0, k_stop=0.1, kinetic="gauss", mass=1.0)
    assert record["status"] == direct.status == "completed" and record["kinetic"] == "gauss"
    assert record["couplings"]["g4"][-1] == pytest.approx(direct.couplings()[1, -1], rel=1e-12)


def test_engine_run_with_the_gauss_kinetic_function(capsys):
    from tensornn.flow.kinetic import KineticFlow

    record = _json(capsys, ["flow", "run", "scalar", "--set", "g2=0.25", "--set", "g4=0.02", "--k-start", "3",
                            "--k-stop", "0.1", "--kinetic", "gauss", "--kinetic-mass", "1", "--json"])
    system = KineticFlow(make_preset("scalar").system, "gauss", mass=1.0)
    direct = run_flow(system, [0.25, 0.02], k_start=3.0, k_stop=0.1)
    assert record["couplings"]["g2"][-1] == pytest.approx(direct.couplings[0, -1], rel=1e-12)


def test_real_dimension_for_the_polynomial_presets(capsys):
    points = _json(capsys, ["flow", "fixed-points", "scalar", "--dim", "3.5", "--order", "8", "--expansion",
                            "minimum", "--n-starts", "0", "--json"])
    assert _wilson_fisher(points)["nu"] == pytest.approx(potential_fixed_point(3.5, 1, 8).nu, rel=1e-10)


@pytest.mark.parametrize("argv, match", [
    (["flow", "fixed-points", "scalar", "--functional", "--order", "4"], "--order"),
    (["flow", "fixed-points", "scalar", "--functional", "--seed", "1"], "--seed"),
    (["flow", "fixed-points", "scalar", "--resolution", "32"], "--functional"),
    (["flow", "fixed-points", "scalar", "--plot", "x.png"], "--functional"),
    (["flow", "fixed-points", "scalar", "--functional", "--dim", "5"], r"\(2, 4\]"),
    (["flow", "run", "scalar", "--expansion", "minimum", "--kinetic", "gauss", "--kinetic-mass", "1",
      "--k-start", "1", "--k-stop", "0.1"], "--expansion zero"),
    (["flow", "run", "scalar", "--functional", "--kinetic", "gauss", "--k-start", "1", "--k-stop", "0.1"], "mass"),
])
def test_functional_option_errors(argv, match, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("tensornn: error:") and re.search(match, err), err

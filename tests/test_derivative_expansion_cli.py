"""``tensornn flow fixed-points {scalar,on} --derivative-expansion ORDER``: the library's numbers, refusals."""

import json
import re

import pytest

from tensornn.cli.main import main
from tensornn.flow import derivative_expansion_fixed_point


def test_json_output_is_the_library_result(capsys):
    assert main(["flow", "fixed-points", "on", "--N", "2", "--dim", "3", "--derivative-expansion", "d2",
                 "--normalisation", "origin", "--resolution", "32", "--json"]) == 0
    (record,) = json.loads(capsys.readouterr().out)["fixed_points"]
    direct = derivative_expansion_fixed_point(3.0, 2, normalisation="origin", resolution=32, check=False)
    assert record["order"] == "d2" and record["normalisation"] == "origin" and record["regulator"] == "litim"
    assert record["eta"] == pytest.approx(direct.eta, rel=1e-10) and record["nu"] == pytest.approx(direct.nu, rel=1e-10)
    assert set(record["diagnostics"]["resolution_change"]) == {"nu", "omega", "eta"}


def test_text_output_states_the_convergence(capsys):
    assert main(["flow", "fixed-points", "scalar", "--derivative-expansion", "lpa", "--regulator", "exponential"]) == 0
    out = capsys.readouterr().out
    assert "DerivativeExpansionFixedPoint(lpa, exponential" in out and "change against 3/4 of the points" in out


@pytest.mark.parametrize("argv, match", [
    (["flow", "fixed-points", "scalar", "--derivative-expansion", "d2", "--order", "4"], "--order"),
    (["flow", "fixed-points", "scalar", "--derivative-expansion", "d2", "--functional"], "--functional"),
    (["flow", "fixed-points", "on", "--normalisation", "origin", "--functional"], "--derivative-expansion"),
    (["flow", "fixed-points", "scalar", "--derivative-expansion", "d2", "--regulator", "sharp"], "litim"),
    (["flow", "fixed-points", "scalar", "--derivative-expansion", "lpa_prime", "--normalisation", "origin"],
     "minimum"),
    (["flow", "fixed-points", "scalar", "--derivative-expansion", "d2", "--dim", "4"], r"\(2, 4\)"),
])
def test_option_errors_are_usage_errors(argv, match, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("tensornn: error:") and re.search(match, err), err


def test_the_regulator_option_is_shared_with_the_truncations_and_the_functional_lpa(capsys):
    # one --regulator for scalar/O(N): the polynomial truncation and the derivative expansion both take it
    assert main(["flow", "fixed-points", "scalar", "--order", "4", "--expansion", "minimum", "--regulator",
                 "exponential", "--json"]) == 0
    records = json.loads(capsys.readouterr().out)["fixed_points"]
    assert records and all(r["conventions"]["regulator"] == "exponential" for r in records)


def test_tables_example_prints_the_ising_table_of_the_docs(monkeypatch, capsys):
    import pathlib
    import runpy
    import sys

    script = pathlib.Path(__file__).resolve().parents[1] / "examples" / "derivative_expansion_tables.py"
    monkeypatch.setattr(sys, "argv", [script.name])
    runpy.run_path(str(script), run_name="__main__")
    out = capsys.readouterr().out
    # the rows of docs/derivative_expansion.md (Ising, D = 3, order d^2, z = 1 at the minimum)
    assert "| litim | d2 | minimum | 0.0503966198 | 0.6255315587 | 0.85873557 |" in out
    assert "| exponential | d2 | minimum | 0.0464513388 | 0.6272762769 | 0.84895564 |" in out

"""Smoke runs of the example scripts not exercised by their topic's tests.

(The compare, RG-experiment and tensor fixed-point examples run in test_compare_examples.py,
test_rg_experiment.py and test_flow_presets.py.) Each run checks something the script printed.
"""

import pathlib
import runpy
import sys

import pytest

EXAMPLES = pathlib.Path(__file__).resolve().parents[1] / "examples"


def _run(name, argv, monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", [name, *argv])
    runpy.run_path(str(EXAMPLES / name), run_name="__main__")
    return capsys.readouterr().out


def test_bubbles_example(tmp_path, monkeypatch, capsys):
    out = tmp_path / "quartic.png"
    text = _run("bubbles_enumerate_and_draw.py", ["--out", str(out), "--max-order", "3"], monkeypatch, capsys)
    assert "real    n=3:   16 =   16" in text and out.read_bytes()[:4] == b"\x89PNG"


def test_lpa_exponents_table_example(monkeypatch, capsys):
    text = _run("lpa_exponents_table.py", ["--max-order", "6"], monkeypatch, capsys)
    assert "0.6498" in text  # nu at order 6 of the minimum expansion (docs/fixed_points.md)


def test_structured_linear_example(monkeypatch, capsys):
    text = _run("structured_linear.py", ["--small"], monkeypatch, capsys)
    assert "tetrahedron" in text and "bubble fits" in text


def test_functional_lpa_tables_example(tmp_path, monkeypatch, capsys):
    figure = tmp_path / "potentials.png"
    text = _run("functional_lpa_tables.py", ["--quick", "--figure", str(figure)], monkeypatch, capsys)
    assert "| 32 | 0.649561773880 |" in text  # the resolution table of docs/functional_lpa.md (nu_lit to 12 digits)
    assert "| 2.5 | 1 | phi^8 multicritical | 3 |" in text and figure.read_bytes()[:4] == b"\x89PNG"


def test_kinetic_passive_flow_example(tmp_path, monkeypatch, capsys):
    figure = tmp_path / "kinetic.png"
    text = _run("kinetic_passive_flow.py", ["--quick", "--figure", str(figure)], monkeypatch, capsys)
    assert "| 1 | 0.03 | 5.397e-04 | 0.5997 | 0.6000 |" in text  # docs/functional_lpa.md, the k/m0 -> 0 table
    assert figure.read_bytes()[:4] == b"\x89PNG"


def test_readings_verdicts_example(monkeypatch, capsys):
    text = _run("readings_verdicts.py", ["--small"], monkeypatch, capsys)
    assert "6 : 18 : 18 : 18 : 18" in text and "selected: tensor" in text and "block Gauss-net" in text

def test_tensor_melonic_conventions_example(monkeypatch, capsys):
    text = _run("tensor_melonic_conventions.py", ["--table", "conventions", "--family", "3:1", "--n-starts", "4"],
                monkeypatch, capsys)
    # the closed form of the just-renormalisable point without eta in d_t R, reproduced to rounding
    assert "| (3, 1) | omit | -0.5 | 0.015625 | -0.5 |" in text and "mu* = eta* = -1/2" in text


@pytest.mark.slow
def test_tensor_melonic_regulator_table_example(monkeypatch, capsys):
    text = _run("tensor_melonic_conventions.py", ["--table", "regulators", "--family", "3:2", "--n-starts", "4",
                                                  "--grid", "24"], monkeypatch, capsys)
    assert "| (3, 2) | LPA | -0.6 | 0 | 1.3589, -7.3589 | -0.712752 | 0 | 1.68953, -7.68953 |" in text


def test_deep_networks_example(tmp_path, monkeypatch, capsys):
    text = _run("deep_networks.py", ["--quick", "--figures", str(tmp_path)], monkeypatch, capsys)
    assert "| relu | 1.4142135624 | 2.0000000000 | 0.000000 | 0 | line of fixed points |" in text
    assert "| tanh | 1.0000000000 | 1.0000000000 | 0.000000 | 0 | fixed point |" in text
    assert (tmp_path / "depth_flow.png").read_bytes()[:4] == b"\x89PNG"


def test_deep_structured_readings_example(monkeypatch, capsys):
    """The rotation test and the verdicts of deep structured networks (needs tensornn.readings.symmetry)."""
    text = _run("deep_structured_readings.py", ["--networks", "16384", "--width", "6"], monkeypatch, capsys)
    rows = {tuple(cell.strip() for cell in line.split("|")[1:3]): line for line in text.splitlines()
            if line.startswith("| ") and "activation" not in line}
    # a dense first layer keeps O(27) whatever the activation: each rotation test rejects it at alpha = 0.01 by chance
    # only (seed 1 of the tanh row does, p = 0.002; 1 of 30 seeds x activations at this size), so at most one of the
    # three may: P(>= 2 of 3 | null) = 3e-4
    assert sum("| False |" in rows[(act, "dense")] for act in ("linear", "relu", "tanh")) <= 1, text
    # the CP layer keeps only the product group; the linear one is read as tensor, never vector
    assert "| False |" in rows[("linear", "CP rank 1")] and "| vector |" not in rows[("linear", "CP rank 1")], text

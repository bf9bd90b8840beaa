"""The ``tensornn ensemble`` command: output formats, reproducibility, plots and bad arguments."""

import json

import numpy as np
import pytest

from tensornn.cli.main import main

BASE = ["ensemble", "--activation", "gauss", "--widths", "2", "20", "--sigma-b", "0.3", "--networks", "3000",
        "--block-size", "256"]


def test_prints_table_with_gp_values(capsys):
    assert main(BASE + ["--inputs", "0.2,-0.3"]) == 0
    out = capsys.readouterr().out
    assert "width=2" in out and "width=20" in out
    assert "G4c   0 0 1 1" in out and "G2    0 1" in out
    # The GP column of G2(0,1) is the kernel: 0.09 + exp(-0.25/2).
    assert f"{0.09 + np.exp(-0.125):.6g}" in out


def test_json_is_reproducible_and_matches_library(tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    assert main(BASE + ["--inputs", "0.2,-0.3", "--seed", "4", "--json", str(a)]) == 0
    assert main(BASE + ["--inputs", "0.2,-0.3", "--seed", "4", "--json", str(b), "--chunk-size", "512"]) == 0
    data_a, data_b = json.loads(a.read_text()), json.loads(b.read_text())
    rows = data_a["rows"]
    assert rows == data_b["rows"]
    g4c = [r for r in rows if r["name"] == "G4c" and r["width"] == 2]
    assert len(g4c) == 5 and all(r["deviation"] is not None and r["background"] > 0 for r in g4c)

    from tensornn.correlators import four_point
    from tensornn.networks.sampling import sample_ensemble
    from tensornn.networks.scalar import ScalarNetwork

    net = ScalarNetwork("gauss", 1, 2, 1.0, 0.3)
    m = sample_ensemble(net, [0.2, -0.3], 3000, seed=4, block_size=256)
    row = next(r for r in g4c if r["indices"] == "0 0 1 1")
    assert row["value"] == four_point(m, (0, 0, 1, 1), warn=False).value


def test_inputs_file_csv_six_point_and_plot(tmp_path):
    x = tmp_path / "x.csv"
    np.savetxt(x, np.array([[0.1, 0.2], [0.0, -0.1], [0.3, 0.1]]), delimiter=",")
    out, png = tmp_path / "out.csv", tmp_path / "dev.png"
    args = ["ensemble", "--activation", "erf", "--d-in", "2", "--widths", "3", "--networks", "2000",
            "--inputs-file", str(x), "--six-point", "--csv", str(out), "--plot", str(png)]
    assert main(args) == 0
    text = out.read_text()
    assert text.startswith("width,n_networks,seed,name") and "G6c" in text
    assert png.stat().st_size > 1000


def test_npy_inputs_and_d_in_rows(tmp_path, capsys):
    x = tmp_path / "x.npy"
    np.save(x, np.array([[0.1], [0.2]]))
    args = ["ensemble", "--activation", "relu", "--widths", "5", "--networks", "500", "--inputs-file", str(x)]
    assert main(args) == 0
    assert main(["ensemble", "--activation", "relu", "--d-in", "2", "--widths", "5", "--networks", "500",
                 "--inputs", "0.1,0.2;0.3,0.4"]) == 0
    assert "n_inputs=2" in capsys.readouterr().out


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--activation", "swish", "--inputs", "0.1"], "invalid choice: 'swish'"),
        (["--activation", "gauss", "--inputs", "0.1,abc"], "--inputs must be comma-separated numbers"),
        (["--activation", "gauss", "--inputs", "0.1", "--sigma-w", "-1"], "sigma_w must be > 0"),
        (["--activation", "gauss", "--inputs", "0.1,nan"], "finite"),
        (["--activation", "gauss", "--inputs", "0.1,0.2", "--d-in", "3"], "inputs of dimension d_in=3"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(capsys, extra, message):
    assert main(["ensemble", "--widths", "2", "--networks", "100"] + extra) == 2
    err = capsys.readouterr().err
    assert message in err and err.startswith("tensornn: error:")


def test_negative_width_is_rejected(capsys):
    assert main(["ensemble", "--activation", "gauss", "--widths", "-2", "--inputs", "0.1"]) == 2
    assert "width must be >= 1" in capsys.readouterr().err

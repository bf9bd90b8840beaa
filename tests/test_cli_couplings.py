"""The ``tensornn couplings`` command."""

import json

import pytest

from tensornn.cli.main import main


def test_width_scan_exact_prints_slope_minus_one(capsys):
    assert main(["couplings", "width", "--cutoff", "10", "--sigma-w", "1.5", "--sigma-b", "0.5"]) == 0
    out = capsys.readouterr().out
    assert "f^4/4!" in out
    slope_line = [line for line in out.splitlines() if line.startswith("slope")][0]
    assert float(slope_line.split()[1]) == pytest.approx(-1.0, abs=1e-12)


def test_sigma_w_scan_json_has_the_expected_slopes(capsys):
    assert main(["couplings", "sigma-w", "--d-in", "2", "--inputs", "0.1,0.2;-0.3,0.1;0.4,0.4;0,0.2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["expected_slope"] == -2.0
    assert data["fit"]["slope"] == pytest.approx(-2.0, abs=1e-12)
    assert data["normalised_fit"]["slope"] == pytest.approx(2.0, abs=1e-12)
    assert len(data["u4"]) == 5 and data["success"]


def test_cutoff_scan_relu_without_bias_is_an_exact_power(capsys):
    # d_in = 1, no bias, positive inputs: u4 ~ Lambda^-5 exactly.
    assert main(["couplings", "cutoff", "--no-bias", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["fit"]["slope"] == pytest.approx(-5.0, abs=1e-9)


def test_measured_width_scan_with_plot(capsys, tmp_path):
    path = tmp_path / "u4_width.png"
    code = main(["couplings", "width", "--cutoff", "10", "--sigma-w", "1.5", "--sigma-b", "0.5", "--widths", "2,4,8",
                 "--n-networks", "20000", "--seed", "1", "--plot", str(path)])
    assert code == 0
    out = capsys.readouterr().out
    assert "measured" in out and path.exists() and path.stat().st_size > 1000


@pytest.mark.parametrize(
    "argv,fragment",
    [
        (["couplings", "width"], "cutoff"),
        (["couplings", "width", "--cutoff", "3", "--widths=-2,4"], "widths"),
        (["couplings", "width", "--cutoff", "3", "--sigma-w", "-1"], "sigma_w"),
        (["couplings", "cutoff", "--activation", "gauss"], "Gauss-net"),
        (["couplings", "sigma-w", "--inputs", "1,2,3"], "--inputs"),
        (["couplings", "sigma-w", "--d-in", "2"], "--inputs"),
        (["couplings", "width", "--cutoff", "3", "--activation", "swish"], "activation"),
        (["couplings", "width", "--cutoff", "3", "--networks", "1"], "--n-networks"),
        (["couplings", "width", "--widths", "a,b", "--cutoff", "3"], "--widths"),
    ],
)
def test_bad_input_gives_one_line_error(capsys, argv, fragment):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("tensornn: error:") and "\n" not in err
    assert fragment in err

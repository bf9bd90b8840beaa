"""``tensornn data summary``: text, JSON (file and stdout), plot, and clear errors."""

import json

import numpy as np
import pytest

from tensornn.cli.main import main


def test_summary_of_the_synthetic_data_prints_spectra_and_distance(capsys):
    assert main(["data", "summary"]) == 0
    out = capsys.readouterr().out
    assert "index sizes (4, 4, 4)" in out and "colour 3 spectrum" in out and "Kronecker distance" in out
    assert "consistent with a Kronecker covariance" in out


def test_summary_json_to_stdout_and_file_and_plot(tmp_path, capsys):
    path = tmp_path / "x.npy"
    np.save(path, np.random.default_rng(0).standard_normal((50, 2, 3)))
    assert main(["data", "summary", "--data", str(path), "--json", "-"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["data"]["index_sizes"] == [2, 3] and len(data["spectra"]["full"]) == 6
    assert data["metadata"]["config"]["data"] == str(path)
    out, png = tmp_path / "s.json", tmp_path / "s.png"
    assert main(["data", "summary", "--data", str(path), "--json", str(out), "--plot", str(png)]) == 0
    assert json.loads(out.read_text())["kronecker"]["method"] == "svd"
    assert png.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("argv, message, code", [
    (["data", "summary", "--data", "mnist"], "valid names are 'synthetic', 'digits'", 2),
    (["data", "summary", "--data", "nope.npy"], "--data nope.npy does not exist", 1),  # a missing file: exit 1
])
def test_bad_data_is_a_clear_error(argv, message, code, capsys):
    assert main(argv) == code
    assert message in capsys.readouterr().err


def test_digits_without_scikit_learn_name_the_extra(monkeypatch, capsys):
    import sys

    monkeypatch.setitem(sys.modules, "sklearn", None)
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    assert main(["data", "summary", "--data", "digits"]) == 1
    assert 'pip install "tensornn[data]"' in capsys.readouterr().err

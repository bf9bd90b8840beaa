"""The ensemble CLI: provenance in its outputs, atomic files, interrupt and resume."""

import csv
import json

import numpy as np
import pytest

import tensornn
from tensornn.cli.main import main
from tensornn.networks.scalar import ScalarNetwork

BASE = ["ensemble", "--activation", "gauss", "--widths", "3", "7", "--networks", "1500", "--block-size", "100",
        "--chunk-size", "200", "--inputs", "0.2,-0.3", "--seed", "5"]


def test_json_and_csv_carry_version_seed_and_configuration(tmp_path):
    j, c = tmp_path / "out.json", tmp_path / "out.csv"
    assert main(BASE + ["--json", str(j)]) == 0
    meta = json.loads(j.read_text())["metadata"]
    assert meta["tensornn_version"] == tensornn.__version__
    assert meta["seed"] == 5
    cfg = meta["config"]
    assert cfg["activation"] == "gauss" and cfg["widths"] == [3, 7] and cfg["n_networks"] == 1500
    assert cfg["inputs"] == [[0.2], [-0.3]] and cfg["block_size"] == 100 and cfg["sigma_w"] == 1.0
    assert main(BASE + ["--csv", str(c)]) == 0
    rows = list(csv.DictReader(c.open()))
    assert rows and all(r["tensornn_version"] == tensornn.__version__ for r in rows)
    assert json.loads(rows[0]["config"]) == cfg
    assert all(r["seed"] == "5" for r in rows)


def test_interrupted_cli_run_resumes_to_identical_output(tmp_path, monkeypatch, capsys):
    ref, out, ckpt = tmp_path / "ref.json", tmp_path / "out.json", tmp_path / "ckpt"
    assert main(BASE + ["--json", str(ref)]) == 0
    real = ScalarNetwork.sample_outputs
    calls = {"n": 0}

    def interrupted(self, inputs, n, rng):
        calls["n"] += 1
        if calls["n"] == 20:  # width 3 done (15 blocks), width 7 in its third chunk
            raise KeyboardInterrupt
        return real(self, inputs, n, rng)

    monkeypatch.setattr(ScalarNetwork, "sample_outputs", interrupted)
    assert main(BASE + ["--json", str(out), "--checkpoint", str(ckpt)]) == 130
    assert "interrupted" in capsys.readouterr().err
    assert not out.exists()  # no half-written output
    assert sorted(p.name for p in ckpt.iterdir()) == ["width-3.npz", "width-7.npz"]
    with np.load(ckpt / "width-7.npz") as data:
        assert int(data["n_done_blocks"]) == 4
    monkeypatch.setattr(ScalarNetwork, "sample_outputs", real)
    assert main(BASE + ["--json", str(out), "--checkpoint", str(ckpt)]) == 0
    assert json.loads(out.read_text())["rows"] == json.loads(ref.read_text())["rows"]


def test_checkpoint_of_other_configuration_is_a_one_line_error(tmp_path, capsys):
    ckpt = tmp_path / "ckpt"
    assert main(BASE + ["--checkpoint", str(ckpt)]) == 0
    capsys.readouterr()
    args = [a if a != "5" else "6" for a in BASE]
    assert main(args + ["--checkpoint", str(ckpt)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("tensornn: error: checkpoint") and "entropy" in err and "\n" not in err


@pytest.mark.parametrize("fmt", ["--json", "--csv"])
def test_interrupt_during_write_leaves_previous_output(tmp_path, monkeypatch, fmt):
    """The output appears whole or not at all: an interrupt before the final rename keeps the old file."""
    out = tmp_path / "out.txt"
    out.write_text("previous")

    def interrupted_replace(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr("tensornn.report.os.replace", interrupted_replace)
    assert main(BASE + [fmt, str(out)]) == 130
    assert out.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]  # no temporary file left

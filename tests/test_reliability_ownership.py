"""tensornn deletes or replaces only what it can prove it wrote (docs/reliability.md, "Output files and folders").

The four data-loss paths of the third reliability probe, each a test that failed before the rule:

- a file or folder next to an output whose name merely looks like a temporary of an earlier version
  (``.NAME.<8 chars>.partial``, ``.NAME.<8 chars>.tmp*``) was deleted without --overwrite;
- ``--overwrite`` of a report whose listed file name had become the user's folder deleted the folder;
- two outputs of one command naming one file: one was lost, both reported written;
- an output naming the command's own input file replaced the input.

Temporaries are now recorded by exact name in the claim's lock file, every entry of a report is
checked against its marker, and outputs are compared with each other and with the inputs before any work.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from tensornn.cli.main import main
from tensornn.errors import OutputBusyError, OutputError
from tensornn.report import REPORT_MARKER, atomic_write_text, claim_output, write_report

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
ENS = ["ensemble", "--activation", "gauss", "--widths", "2", "--networks", "64", "--block-size", "16"]


def _tree(folder: Path) -> dict:
    return {str(p.relative_to(folder)): (None if p.is_dir() else p.read_bytes()) for p in sorted(folder.rglob("*"))}


# 1. look-alike names are the user's


@pytest.mark.parametrize("name", [".out.json.k2m4n6p8.partial", ".out.json.ab12cd34.tmp.json",
                                  ".out.json.tensornn-tmp-0a1b2c3d4e5f"])
def test_files_that_only_look_like_temporaries_are_kept(tmp_path, monkeypatch, capsys, name):
    monkeypatch.chdir(tmp_path)
    (tmp_path / name).mkdir()
    (tmp_path / name / "thesis.tex").write_text("mine")
    before = _tree(tmp_path)
    assert main(ENS + ["--inputs", "0.1,0.2", "--json", "out.json"]) == 0
    after = _tree(tmp_path)
    assert (tmp_path / name / "thesis.tex").read_text() == "mine"
    assert sorted(set(after) - set(before)) == ["out.json"]


def test_a_report_keeps_look_alike_folders_of_the_user(tmp_path):
    (tmp_path / ".r.k2m4n6p8.partial").mkdir()
    (tmp_path / ".r.k2m4n6p8.partial" / "data.npy").write_bytes(b"mine")
    write_report(tmp_path / "r", {"a.md": "x"})
    assert (tmp_path / ".r.k2m4n6p8.partial" / "data.npy").read_bytes() == b"mine"


# 2. a listed name that became a folder


def test_overwrite_refuses_a_report_whose_listed_file_became_a_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    write_report(tmp_path / "out", {"summary.md": "report"})
    (tmp_path / "out" / "summary.md").unlink()
    (tmp_path / "out" / "summary.md").mkdir()
    (tmp_path / "out" / "summary.md" / "notes.txt").write_text("mine")
    before = _tree(tmp_path)
    with pytest.raises(OutputError, match=r"summary\.md, which tensornn wrote as a file but is now a folder"):
        write_report(tmp_path / "out", {"summary.md": "new"}, overwrite=True)
    assert main(["compare", "--quiet", "--out", "out", "--overwrite"]) == 2
    assert "is now a folder" in capsys.readouterr().err
    assert _tree(tmp_path) == before


# 3. two outputs of one command naming one file


@pytest.mark.parametrize("argv", [
    ENS + ["--inputs", "0.1,0.2", "--json", "x.png", "--plot", "x.png"],
    ENS + ["--inputs", "0.1,0.2", "--json", "x.png", "--plot", "./sub/../x.png"],
    ["data", "summary", "--json", "x.png", "--plot", "x.png"],
    ["flow", "run", "scalar", "--k-start", "1", "--k-stop", "0.5", "--output", "x.png", "--plot", "x.png"],
    ["rg-experiment", "--d-in", "1", "--widths", "10", "--networks", "4096", "--json", "x.png", "--plot", "x.png"],
], ids=["ensemble", "ensemble-spelled-differently", "data", "flow", "rg-experiment"])
def test_two_outputs_of_one_command_may_not_name_one_file(tmp_path, monkeypatch, capsys, argv):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert "name the same file" in err and "\n" not in err, err
    assert sorted(os.listdir(tmp_path)) == ["sub"]


def test_a_second_claim_in_one_process_is_not_another_run(tmp_path):
    with claim_output(tmp_path / "a.json", label="--json"):
        with pytest.raises(OutputBusyError, match=r"already an output of this run \(claimed as --json\)"):
            claim_output(tmp_path / "a.json", label="--plot")


# 4. an output that is an input


def test_an_output_may_not_replace_the_input(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    np.save(tmp_path / "x.npy", np.array([[0.1], [0.2]]))
    np.save(tmp_path / "d.npy", np.random.default_rng(0).normal(size=(40, 2, 2)))
    (tmp_path / "c.toml").write_text('data = "d.npy"\n')
    (tmp_path / "sub").mkdir()
    before = _tree(tmp_path)
    cases = [
        (ENS + ["--inputs-file", "x.npy", "--json", "x.npy"], r"--json x\.npy would replace the input --inputs-file"),
        (["data", "summary", "--data", "d.npy", "--json", "d.npy"], r"would replace the input --data d\.npy"),
        (["data", "summary", "--data", "d.npy", "--json", "./sub/../d.npy"], r"would replace the input --data"),
        (["compare", "--config", "c.toml", "--out", ".", "--overwrite", "--quiet"], r"would replace the input"),
    ]
    for argv, pattern in cases:
        assert main(argv) == 2, argv
        err = capsys.readouterr().err.strip()
        assert __import__("re").search(pattern, err) and "\n" not in err, err
    assert _tree(tmp_path) == before


# Temporaries recorded by exact name are removed after a kill


def test_a_killed_write_is_cleaned_up_by_name(tmp_path):
    """What a killed process recorded in its lock file is removed by the next claim, and nothing else."""
    target = tmp_path / "r"
    with claim_output(target, kind="report") as claim:
        from tensornn._claims import temporary_name

        staging = temporary_name(target, "tmp")
        staging.mkdir()
        (staging / "a.md").write_text("half")
        lock = claim._lock
        left = lock.read_text()
        claim._fd and os.close(claim._fd)  # as if killed: the record stays, the lock is free
        claim._fd = None
    lock.write_text(left)
    (tmp_path / ".r.tensornn-tmp-ffffffffffff").mkdir()  # looks like one, not recorded: the user's
    write_report(target, {"a.md": "whole"})
    assert sorted(os.listdir(tmp_path)) == [".r.tensornn-tmp-ffffffffffff", "r"]


# Long names, empty names


@pytest.mark.parametrize("length", [226, 240, 255])
def test_file_names_up_to_255_characters_can_be_written(tmp_path, length):
    name = "a" * (length - 5) + ".json"
    out = atomic_write_text(tmp_path / name, "{}")
    assert out.read_text() == "{}" and os.listdir(tmp_path) == [name]
    folder = tmp_path / ("r" * length)
    write_report(folder, {"a.md": "x"})
    write_report(folder, {"a.md": "y"}, overwrite=True)
    assert (folder / "a.md").read_text() == "y" and sorted(os.listdir(tmp_path)) == sorted([name, folder.name])


def test_a_long_output_name_on_the_command_line(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    name = "n" * 250 + ".json"
    assert main(ENS + ["--inputs", "0.1,0.2", "--json", name]) == 0
    assert json.loads((tmp_path / name).read_text())["rows"] and os.listdir(tmp_path) == [name]


# SIGTERM


_TERMINATED = """
import sys, time
from tensornn.cli import ensemble
from tensornn.cli.main import main

def hang(*args, **kwargs):
    open(sys.argv[2], "w").write("ready")
    time.sleep(60)

ensemble._measure_width = hang
sys.exit(main(["ensemble", "--activation", "gauss", "--widths", "2", "--inputs", "0.1", "--json", sys.argv[1]]))
"""


def test_sigterm_ends_a_run_like_ctrl_c_with_status_143_and_no_lock(tmp_path):
    ready = tmp_path / "ready"
    proc = subprocess.Popen([sys.executable, "-c", _TERMINATED, str(tmp_path / "out.json"), str(ready)], env=ENV,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not ready.exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        assert ready.exists(), "the run did not start"
        assert ".out.json.tensornn-lock" in os.listdir(tmp_path)
        proc.send_signal(signal.SIGTERM)
        err = proc.communicate(timeout=30)[1]
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 143, err
    assert err.strip() == "tensornn: terminated", err
    assert os.listdir(tmp_path) == ["ready"]


"""Command-line manners: one report from two concurrent runs, '-' is standard output, quiet broken pipes,
negative numbers in lists, a progress bar on a terminal, a reason for every exit 1, flagged numbers."""

import fcntl
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tensornn.cli.main import main
from tensornn._claims import lock_name
from tensornn.report import REPORT_MARKER

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
TINY = 'networks = ["dense"]\nmethod = "exact"\nflow_points = 10\nfixed_point_starts = 1\n'
ENS = ["ensemble", "--activation", "gauss", "--widths", "2", "--networks", "2048", "--block-size", "128"]


def _cli(*args, **kw):
    return subprocess.Popen([sys.executable, "-m", "tensornn", *args], env=ENV, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kw)


def _check_report(folder: Path):
    marker = json.loads((folder / REPORT_MARKER).read_text())
    assert sorted(p.name for p in folder.iterdir()) == sorted(marker["files"] + [REPORT_MARKER])
    data = json.loads((folder / "report.json").read_text())
    assert data["metadata"]["config"]["networks"] == ["dense"] and data["verdict"][0]["selected"] == "vector"
    assert (folder / "summary.md").read_text().startswith("# Which field theory")


@pytest.mark.slow  # two compare processes, about 15 s on two shared cores
def test_two_concurrent_compare_runs_on_one_folder_give_one_report_and_one_clear_error(tmp_path):
    """Both runs start together; one claims the folder, the other is refused (busy, or the report exists).
    ``test_a_claimed_folder_is_refused_before_any_sampling`` checks the claim itself in the default run."""
    config = tmp_path / "tiny.toml"
    config.write_text(TINY)
    procs = [_cli("compare", "--config", str(config), "--out", str(tmp_path / "rep"), "--quiet", cwd=tmp_path)
             for _ in range(2)]
    results = [(p.wait(timeout=300), *p.communicate()) for p in procs]
    codes = sorted(code for code, _, _ in results)
    assert codes[0] == 0 and codes[1] in (1, 2), results
    err = next(e for code, _, e in results if code != 0).strip()
    assert err.startswith("tensornn: error: --out") and "\n" not in err, err
    assert "being written by another tensornn run" in err or "exists" in err, err
    _check_report(tmp_path / "rep")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rep", "tiny.toml"]  # no temporaries, no lock


def test_a_claimed_folder_is_refused_before_any_sampling(tmp_path, monkeypatch, capsys):
    import tensornn.compare.run as compare_run

    def never(*args, **kwargs):
        raise AssertionError("sampled although the output was claimed by another run")

    monkeypatch.setattr(compare_run, "run_compare", never)
    fd = os.open(lock_name(tmp_path / "rep"), os.O_RDWR | os.O_CREAT, 0o666)  # held by another run
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        assert main(["compare", "--out", str(tmp_path / "rep"), "--quiet"]) == 1
    finally:
        os.unlink(lock_name(tmp_path / "rep"))
        os.close(fd)
    err = capsys.readouterr().err.strip()
    assert err.startswith("tensornn: error: --out") and "being written by another tensornn run" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("argv", [
    ENS + ["--inputs", "0.1,0.2", "--json", "-"],
    ENS + ["--inputs", "0.1,0.2", "--csv", "-"],
    ["flow", "run", "scalar", "--set", "g4=0.1", "--json", "--output", "-"],
    ["flow", "fixed-points", "scalar", "--json", "--output", "-"],
], ids=["ensemble-json", "ensemble-csv", "flow-run", "flow-fixed-points"])
def test_dash_is_standard_output(argv, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.strip() and list(tmp_path.iterdir()) == []  # no file named '-'
    if "--csv" not in argv:
        json.loads(out)


def test_a_closed_pipe_ends_quietly():
    """``tensornn ... --json | head -1``: exit 141 (as for SIGPIPE), nothing on stderr."""
    # order 6 writes 431 kB, far beyond a pipe's buffer (64 KiB), so the writer is still writing when the reader
    # closes; the 15 kB of order 4 fit in the buffer and the command could finish with 0 before the close
    proc = _cli("bubbles", "list", "--rank", "3", "--order", "6", "--json")
    first = proc.stdout.readline()
    proc.stdout.close()
    code = proc.wait(timeout=120)
    assert json.loads(first)["index"] == 0
    assert code == 141 and proc.stderr.read() == ""


def test_negative_numbers_and_one_list_syntax(capsys):
    assert main(ENS + ["--inputs", "-0.1,0.2"]) == 0
    negative = capsys.readouterr().out
    assert "n_inputs=2" in negative
    assert main(["ensemble", "--activation", "gauss", "--widths", "2,3", "--networks", "256",
                 "--inputs", "-0.1;0.2"]) == 0
    commas = capsys.readouterr().out
    assert main(["ensemble", "--activation", "gauss", "--widths", "2", "3", "--networks", "256",
                 "--inputs", "-0.1;0.2"]) == 0
    assert capsys.readouterr().out == commas and "width=3" in commas
    assert main(["couplings", "cutoff", "--activation", "relu", "--inputs", "-0.2,-0.1,0.1,0.2",
                 "--cutoffs", "10", "20", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["values"] == [10.0, 20.0]


def test_progress_bar_only_on_a_terminal(monkeypatch, capsys):
    args = [("4096" if a == "2048" else a) for a in ENS] + ["--inputs", "0.1"]  # options are given once
    assert main(args) == 0
    assert "net" not in capsys.readouterr().err
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    assert main(args) == 0
    err = capsys.readouterr().err
    assert "4.10k/4.10k" in err or "4096/4096" in err, err  # the tqdm bar counts networks


@pytest.mark.parametrize("argv, reason", [
    (["flow", "run", "scalar", "--k-start", "1e300"], r"tensornn: flow run: the flow did not complete \(diverged\)"),
    (["flow", "run", "scalar", "--set", "g2=-0.6", "--k-start", "1", "--k-stop", "0.01"],
     r"tensornn: flow run: the flow did not complete \(pole\)"),
], ids=["flow-overflow", "flow-pole"])
def test_exit_status_1_comes_with_a_reason(argv, reason, capsys):
    assert main(argv) == 1
    err = capsys.readouterr().err.strip()
    assert __import__("re").fullmatch(reason + r".*", err), err


def test_rg_experiment_failure_says_why(capsys):
    argv = ["rg-experiment", "--d-in", "10", "--widths", "10", "--networks", "2048", "--n-sigma", "2"]
    assert main(argv) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("tensornn: rg-experiment: 1 passive flow(s) did not complete: d_in=10, N=10:"), err


def test_gauss_net_underflow_is_flagged_never_printed_as_a_number(tmp_path, capsys):
    """x = 30: every sampled output underflows (G2 = 1 exactly); the exact G4c overflows."""
    args = ["ensemble", "--activation", "gauss", "--widths", "2", "--networks", "2048", "--block-size", "128",
            "--inputs", "30,0.1"]
    assert main(args) == 0
    table = capsys.readouterr().out.splitlines()
    g2 = next(line for line in table if line.startswith("G2    0 0"))
    assert g2.split()[3:5] == ["-", "-"] and g2.endswith("UNDERFLOW"), g2
    g4 = next(line for line in table if line.startswith("G4c   0 0 0 0"))
    assert "UNDERFLOW,EXACT-OVERFLOW" in g4 and "inf" not in g4, g4
    assert main(args + ["--json", str(tmp_path / "o.json")]) == 0
    rows = {(r["name"], r["indices"]): r for r in json.loads((tmp_path / "o.json").read_text())["rows"]}
    bad = rows[("G2", "0 0")]
    assert bad["value"] is None and bad["error"] is None and bad["flags"] == "underflow" and not bad["success"]
    assert rows[("G4c", "0 0 0 0")]["exact"] is None and "exact_overflow" in rows[("G4c", "0 0 0 0")]["flags"]
    good = rows[("G2", "1 1")]
    assert good["success"] and abs(good["value"] - 1.0) < 5 * good["error"]  # K(x, x) = 1 at sigma_w = 1


def test_a_row_whose_gp_value_is_zero_is_undefined_and_the_rest_kept(tmp_path, capsys):
    """erf at x = 0 without bias: f(0) = 0, so the GP value of every product with input 0 is 0."""
    out = tmp_path / "o.json"
    assert main(["ensemble", "--activation", "erf", "--widths", "2", "--networks", "2048", "--block-size", "128",
                 "--inputs", "0,0.5", "--json", str(out)]) == 0
    rows = {(r["name"], r["indices"]): r for r in json.loads(out.read_text())["rows"]}
    zero = rows[("G4c", "0 0 1 1")]
    assert zero["deviation_defined"] is False and zero["deviation"] is None and zero["value"] == 0.0
    kept = rows[("G4c", "1 1 1 1")]
    assert kept["deviation_defined"] is True and kept["deviation"] is not None


def test_compare_with_a_network_it_could_not_read_says_which(tmp_path, monkeypatch, capsys):
    """The report is written, the exit status is 1 and stderr names the network that was not read."""
    from dataclasses import replace

    import tensornn.compare.run as run

    real = run.read_network

    def overflowed(network, **kwargs):
        out = real(network, **kwargs)
        return replace(out, readings={}, reference_fit=None, selected=None, selected_fits=False, success=False,
                       status="overflow", message="the measured G4c is not finite")

    monkeypatch.setattr(run, "read_network", overflowed)
    config = tmp_path / "tiny.toml"
    config.write_text(TINY)
    assert main(["compare", "--config", str(config), "--out", str(tmp_path / "rep"), "--quiet"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("tensornn: compare: no reading for every network (dense: the measured G4c"), err
    marker = json.loads((tmp_path / "rep" / REPORT_MARKER).read_text())
    assert "report.json" in marker["files"]

"""Clean failures: Ctrl-C on a worker pool, files that are not what their name says, API type errors.

Each failure is one line naming the file, the option or the argument, with no traceback
(docs/reliability.md, "Error conventions").
"""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}


@pytest.mark.slow  # two worker processes on two shared cores, about 10 s
def test_ctrl_c_on_a_worker_pool_is_one_line(tmp_path):
    """SIGINT to the whole process group (what a terminal's Ctrl-C sends): the workers stay quiet."""
    argv = [sys.executable, "-m", "tensornn", "ensemble", "--activation", "gauss", "--widths", "10", "100",
            "--inputs", "0.1,0.2,0.3", "--networks", "20000000", "--workers", "2", "--json", "out.json"]
    proc = subprocess.Popen(argv, env=ENV, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        time.sleep(6)  # the pool is up and sampling
        assert proc.poll() is None, proc.communicate()
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, err
    assert err.strip() == "tensornn: interrupted", err
    assert os.listdir(tmp_path) == []


def test_worker_pool_initializer_ignores_sigint():
    from tensornn.cli._common import worker_pool

    with worker_pool(2) as pool:
        handler = pool.submit(signal.getsignal, signal.SIGINT).result(timeout=60)
    assert handler == signal.SIG_IGN
    with worker_pool(1) as pool:
        assert pool is None


def test_an_example_without_its_optional_extra_is_one_line(monkeypatch, capsys, tmp_path):
    """matplotlib missing: the example ends with one line naming the extra to install, not a traceback."""
    import runpy

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    script = ROOT / "examples" / "bubbles_enumerate_and_draw.py"
    monkeypatch.setattr(sys, "argv", [script.name, "--max-order", "2", "--out", str(tmp_path / "q.png")])
    with pytest.raises(SystemExit) as info:
        runpy.run_path(str(script), run_name="__main__")
    message = str(info.value.code)
    assert "pip install 'tensornn[plot]'" in message and "\n" not in message, message
    assert not (tmp_path / "q.png").exists()


def test_every_example_states_its_runtime():
    """Examples say how long they run (and finish in under a minute by default; --full for the long version)."""
    pending = {"readings_verdicts.py"}  # rewritten with the verdicts of this release; its runtime line comes with it
    for script in sorted((ROOT / "examples").glob("*.py")):
        if script.name in pending:
            continue
        text = script.read_text()
        doc = text[text.index('"""') + 3:text.index('"""', text.index('"""') + 3)]
        assert re.search(r"^Runtime: .*\b(s|seconds|minute)\b", doc, re.M), f"{script.name} states no runtime"


def test_a_long_step_shows_progress_on_a_terminal_only(monkeypatch, capsys):
    """The command line's heartbeat for steps without a count; a library call (or a pipe) prints nothing."""
    from tensornn.cli._common import working

    with working("testing", every=0.05):
        time.sleep(0.2)
    assert capsys.readouterr().err == ""  # stderr is not a terminal here
    with working("testing", show=True, every=0.05):
        time.sleep(0.2)
    err = capsys.readouterr().err
    assert "tensornn: testing... 0 s" in err and err.endswith("tensornn: testing: done in 0 s\n"), err


def test_functional_fixed_points_on_the_command_line_show_progress(monkeypatch, capsys):
    import tensornn.cli._common as common
    import tensornn.flow.functional_search as search
    from tensornn.cli.main import main

    real = search.functional_fixed_points

    def slow(*args, **kwargs):
        time.sleep(0.3)
        return real(*args, **kwargs)

    monkeypatch.setattr(search, "functional_fixed_points", slow)
    monkeypatch.setattr(common.sys.stderr, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(common, "PROGRESS_EVERY", 0.1)
    assert main(["flow", "fixed-points", "scalar", "--dim", "3", "--functional", "--max-multicriticality", "2"]) == 0
    err = capsys.readouterr().err
    assert "tensornn: following the branches of the functional LPA at D = 3, N = 1... " in err, err

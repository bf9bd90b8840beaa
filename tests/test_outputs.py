"""Output destinations: nothing tensornn did not write is replaced, claims are exclusive, modes follow the umask,
links and devices are written through, and interrupted writes leave nothing behind that a later write keeps."""

import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tensornn.errors import OutputBusyError, OutputError
from tensornn.report import REPORT_MARKER, atomic_write, atomic_write_text, claim_output, write_report

ROOT = Path(__file__).resolve().parents[1]


def _names(folder):
    return sorted(p.name for p in Path(folder).iterdir())


@pytest.fixture
def umask():
    """Set the process umask for one test (restored afterwards)."""
    saved = os.umask(0o022)
    os.umask(saved)

    def set_umask(mask):
        os.umask(mask)

    yield set_umask
    os.umask(saved)


def test_overwrite_replaces_a_marked_report_or_an_empty_folder_only(tmp_path):
    out = write_report(tmp_path / "r", {"a.md": "first", "b.json": "{}"})
    marker = json.loads((out / REPORT_MARKER).read_text())
    assert marker["files"] == ["a.md", "b.json"]
    write_report(out, {"a.md": "second"}, overwrite=True)  # a report, holding only its own files
    assert (out / "a.md").read_text() == "second" and _names(out) == [REPORT_MARKER, "a.md"]
    (tmp_path / "empty").mkdir()
    write_report(tmp_path / "empty", {"a.md": "x"}, overwrite=True)  # nothing to lose
    assert _names(tmp_path / "empty") == [REPORT_MARKER, "a.md"]
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / REPORT_MARKER).write_text("not json")  # a marker that is not one
    with pytest.raises(OutputError, match="not a tensornn report"):
        write_report(tmp_path / "mine", {"a.md": "x"}, overwrite=True)
    assert _names(tmp_path / "mine") == [REPORT_MARKER]


def test_symbolic_links_are_written_through(tmp_path):
    real = write_report(tmp_path / "real", {"a.md": "first"})
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    write_report(link, {"a.md": "second"}, overwrite=True)
    assert link.is_symlink() and (real / "a.md").read_text() == "second"
    target = tmp_path / "data.json"
    target.write_text("old")
    file_link = tmp_path / "out.json"
    file_link.symlink_to(target)
    atomic_write_text(file_link, "new")
    assert file_link.is_symlink() and target.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.json", "link", "out.json", "real"]


def test_a_fifo_is_written_directly_and_never_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    atomic_write_text(fifo, "through the pipe")
    reader.join(timeout=10)
    assert received == ["through the pipe"] and stat.S_ISFIFO(os.stat(fifo).st_mode)
    with pytest.raises(OutputError, match="device, FIFO or socket"):
        write_report(fifo, {"a.md": "x"}, overwrite=True)
    assert _names(tmp_path) == ["pipe"]


def _held_elsewhere(path):
    """Hold the lock of ``path`` through an open file of its own, as another tensornn process would."""
    import fcntl

    from tensornn._claims import lock_name

    fd = os.open(lock_name(path), os.O_RDWR | os.O_CREAT, 0o666)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    os.write(fd, b"4242 otherhost 0\n")
    return fd


def test_a_claim_is_exclusive_and_released(tmp_path):
    out = tmp_path / "out.json"
    fd = _held_elsewhere(out)
    with pytest.raises(OutputBusyError, match=r"--json .*out\.json is being written by another tensornn run "
                                              r"\(process 4242 on otherhost\)"):
        claim_output(out, label="--json")
    os.close(fd)
    os.unlink(tmp_path / ".out.json.tensornn-lock")
    with claim_output(out):
        with pytest.raises(OutputBusyError, match=r"already an output of this run"):
            claim_output(out, label="--json")  # the same process: said as such, not "another run"
        atomic_write_text(out, "inside the claim")  # the holder itself writes through its claim
    assert out.read_text() == "inside the claim" and _names(tmp_path) == ["out.json"]  # lock file removed
    with claim_output(out):
        pass


def test_a_lock_file_left_by_a_dead_process_is_free(tmp_path):
    (tmp_path / ".out.json.tensornn-lock").write_text("99999999 elsewhere 0\n")  # nobody holds it
    atomic_write_text(tmp_path / "out.json", "x")
    assert _names(tmp_path) == ["out.json"]


def test_only_recorded_temporaries_are_removed(tmp_path):
    """A killed holder's lock file lists its temporaries by exact name; those go, look-alikes stay, and a record
    that is not a temporary's name (another folder, a plain name) is ignored."""
    work = tmp_path / "work"
    work.mkdir()
    (tmp_path / "escape").write_text("mine")
    recorded = [".r.tensornn-tmp-0a1b2c3d4e5f", ".f.json.tensornn-tmp-0a1b2c.json"]
    look_alikes = [".r.k2m4n6p8.partial", ".f.json.ab12cd34.tmp.json", ".r.tensornn-tmp-ffffffffffff", ".r.old",
                   ".rx.tensornn-tmp-0a1b2c3d4e5f", "notes.txt"]
    (work / recorded[0]).mkdir()
    (work / recorded[0] / "summary.md").write_text("half")
    (work / look_alikes[0]).mkdir()
    for name in recorded[1:] + look_alikes[1:]:
        (work / name).write_text("x")
    (work / ".r.tensornn-lock").write_text(f"99999999 elsewhere 0\ntmp {recorded[0]}\ntmp notes.txt\n")
    (work / ".f.json.tensornn-lock").write_text(f"99999999 elsewhere 0\ntmp {recorded[1]}\ntmp ../escape\n")
    write_report(work / "r", {"a.md": "x"})
    atomic_write_text(work / "f.json", "{}")
    assert _names(work) == sorted(look_alikes + ["r", "f.json"])
    assert (tmp_path / "escape").read_text() == "mine"


def test_a_retired_report_whose_replacement_never_arrived_is_put_back(tmp_path):
    old = tmp_path / ".r.tensornn-old-0a1b2c3d4e5f"
    write_report(old, {"a.md": "previous"})  # what an overwrite killed between its two renames leaves
    (tmp_path / ".r.tensornn-lock").write_text(f"99999999 elsewhere 0\nold {old.name}\n")
    with pytest.raises(OutputError, match="exists"):
        write_report(tmp_path / "r", {"a.md": "new"})  # without overwrite the restored report is kept
    assert (tmp_path / "r" / "a.md").read_text() == "previous" and _names(tmp_path) == ["r"]


@pytest.mark.parametrize("mask, file_mode, dir_mode", [(0o022, 0o644, 0o755), (0o077, 0o600, 0o700)])
def test_files_and_folders_follow_the_umask(tmp_path, umask, mask, file_mode, dir_mode):
    umask(mask)
    out = write_report(tmp_path / "r", {"a.md": "x", "fig.png": lambda p: p.write_bytes(b"png")})
    assert stat.S_IMODE(os.stat(out).st_mode) == dir_mode
    for name in (REPORT_MARKER, "a.md", "fig.png"):
        assert stat.S_IMODE(os.stat(out / name).st_mode) == file_mode, name
    single = atomic_write_text(tmp_path / "f.json", "{}")
    assert stat.S_IMODE(os.stat(single).st_mode) == file_mode


def test_a_replaced_file_keeps_its_permission_bits(tmp_path, umask):
    umask(0o022)
    target = tmp_path / "f.json"
    target.write_text("old")
    os.chmod(target, 0o640)
    atomic_write_text(target, "new")
    assert target.read_text() == "new" and stat.S_IMODE(os.stat(target).st_mode) == 0o640


def test_an_interrupted_write_leaves_no_temporary_and_no_lock(tmp_path):
    def interrupted(path):
        path.write_text("half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_report(tmp_path / "r", {"a.md": "x", "b.png": interrupted})
    with pytest.raises(KeyboardInterrupt):
        atomic_write(tmp_path / "f.png", interrupted)
    assert _names(tmp_path) == []


_KILLED_WRITER = """
import sys, time
from pathlib import Path
from tensornn.report import write_report

def hang(path):
    path.write_text("half")
    Path(sys.argv[2]).write_text("ready")
    time.sleep(60)

write_report(sys.argv[1], {"a.md": "x", "b.png": hang})
"""


def test_a_killed_write_is_cleaned_up_by_the_next_one(tmp_path):
    """SIGKILL in the middle of a report: the staging folder and the lock stay; the next write removes both."""
    ready = tmp_path / "ready"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", _KILLED_WRITER, str(tmp_path / "r"), str(ready)], env=env)
    try:
        deadline = time.monotonic() + 60
        while not ready.exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        assert ready.exists(), "the writer did not start"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    ready.unlink()
    left = _names(tmp_path)
    assert ".r.tensornn-lock" in left and any(n.startswith(".r.tensornn-tmp-") for n in left), left
    write_report(tmp_path / "r", {"a.md": "whole"})
    assert _names(tmp_path) == ["r"] and (tmp_path / "r" / "a.md").read_text() == "whole"

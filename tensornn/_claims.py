"""Exclusive claims on output destinations, their checks and the temporaries of interrupted writes.

A destination (a file, or a report folder) is claimed before any work and released at the end:

- the claim is a lock file ``.NAME.tensornn-lock`` next to the destination, held with ``flock``
  while the claim lasts, so a second tensornn run that wants the same destination is refused at
  once; a lock left by a killed process is free again (the kernel drops ``flock`` locks with the
  process), and the file is removed on release;
- every temporary made for NAME (a staging file or folder, a retired report) is recorded by its
  exact name in the lock file before it is created; a process killed while writing leaves the
  lock file with that record, and the next claim on NAME removes exactly the recorded names (a
  retired report whose replacement never arrived is moved back into place). Nothing is removed
  because its name merely looks like a temporary;
- a name too long for a lock or temporary name beside it (NAME_MAX is 255 bytes) gets hashed
  sibling names (``.tensornn-lock-<hash>``), so every file name the system allows can be written;
- the destination is checked: a file destination must not be a folder or read-only; a report
  destination must be a folder (or absent), and an existing one is replaced only with
  ``overwrite`` and only if it is empty or holds exactly the files of a tensornn report (the
  marker file ``.tensornn-report`` lists them), each of them still a regular file (a listed name
  that has become a folder or a link is the user's, and the report is refused);
- one process claims a destination once: a second claim on it in the same run is refused as such
  (two outputs of one command naming one file), not reported as another tensornn run.

Symbolic links are followed: the link is kept and its target is written under the same rules.
A file destination that is a device, a FIFO or a socket (``/dev/null``, a named pipe) is written
directly and never replaced; a report destination that is one is refused.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import socket
import stat
import threading
import time
from pathlib import Path

from ._checks import check_choice
from .errors import OutputBusyError, OutputError

try:  # POSIX advisory locks; elsewhere the lock file is created exclusively (O_EXCL) instead
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]  # no module: the O_EXCL fallback below tests for None

__all__ = ["REPORT_MARKER", "Claim", "claim", "held_claim", "resolve", "is_special", "temporary_name", "lock_name",
           "check_report_destination", "read_marker", "same_path"]

#: The file every report folder carries: JSON with the tensornn version, the time and the list of its files.
REPORT_MARKER = ".tensornn-report"

_HELD: dict[str, "Claim"] = {}
_HELD_LOCK = threading.Lock()


def _key(path) -> str:
    return os.path.realpath(path)


def resolve(path) -> Path:
    """``path`` with symbolic links followed (the target of a link, which may not exist yet)."""
    path = Path(path)
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def is_special(path: Path) -> bool:
    """True for an existing device, FIFO or socket (written directly, never replaced)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


#: The longest file name (bytes) the usual file systems allow.
NAME_MAX = 255


def _fits(name: str) -> bool:
    return len(os.fsencode(name)) <= NAME_MAX


def _digest(name: str) -> str:
    return hashlib.sha256(os.fsencode(name)).hexdigest()[:16]


def lock_name(path: Path) -> Path:
    """The lock file of ``path``: ``.NAME.tensornn-lock``, or ``.tensornn-lock-<hash of NAME>`` for a long NAME."""
    name = f".{path.name}.tensornn-lock"
    return path.with_name(name if _fits(name) else f".tensornn-lock-{_digest(path.name)}")


def temporary_name(path: Path, kind: str, suffix: str = "") -> Path:
    """A fresh sibling of ``path``: ``.NAME.tensornn-KIND-TOKEN[SUFFIX]`` (hashed NAME when too long).

    When this process holds the claim on ``path`` the name is recorded in the claim's lock file
    before it is returned, so that the temporary can be removed by exact name if this process is
    killed before it removes the temporary itself.
    """
    token = secrets.token_hex(6)
    name = f".{path.name}.tensornn-{kind}-{token}{suffix}"
    if not _fits(name):
        name = f".tensornn-{kind}-{_digest(path.name)}-{token}{suffix if len(suffix) <= 16 else ''}"
    temporary = path.with_name(name)
    held = held_claim(path)
    if held is not None:
        held.record(kind, name)
    return temporary


def read_marker(folder: Path) -> dict | None:
    """The marker of a report folder (a dict with ``files``), or None if it has none or it is not readable."""
    marker = folder / REPORT_MARKER
    try:
        if marker.is_symlink() or not marker.is_file():
            return None
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("files"), list):
        return None
    return data


def check_report_destination(folder: Path, overwrite: bool, label: str) -> None:
    """Refuse a report destination that is not absent, or (with overwrite) an empty folder or a tensornn report."""
    if not os.path.lexists(folder):
        return
    if not folder.is_dir():
        what = "a device, FIFO or socket" if is_special(folder) else "a file"
        raise OutputError(f"{label} {folder} is {what}, not a folder; a report is a folder: choose another path")
    entries = sorted(os.listdir(folder))
    if not overwrite:
        raise OutputError(f"{label} {folder} exists; choose another path or pass overwrite (--overwrite)")
    if not entries:
        return
    marker = read_marker(folder)
    if marker is None:
        raise OutputError(
            f"{label} {folder} exists and is not a tensornn report (it has no {REPORT_MARKER} marker), so overwrite "
            "does not replace it; choose another path or move it away"
        )
    foreign = [e for e in entries if e != REPORT_MARKER and e not in marker["files"]]
    if foreign:
        shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
        raise OutputError(
            f"{label} {folder} holds files tensornn did not write ({shown}), so overwrite does not replace it; "
            "move them out or choose another path"
        )
    # Every level: tensornn writes the listed names as regular files, so a listed name that is now a folder
    # (or a link, a device) holds something else, which overwrite must not delete.
    changed = [e for e in entries if e != REPORT_MARKER and not stat.S_ISREG(os.lstat(folder / e).st_mode)]
    if changed:
        shown = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
        raise OutputError(
            f"{label} {folder} holds {shown}, which tensornn wrote as a file but is now a folder or a link, so "
            "overwrite does not replace it; move it out or choose another path"
        )


def _check_file_destination(path: Path, label: str) -> None:
    if path.is_dir():
        raise OutputError(f"{label} {path} is a folder; give a file name")
    if path.exists() and not os.access(path, os.W_OK):
        raise OutputError(f"{label} {path} is read-only; make it writable or choose another file")


def _make_parent(path: Path, label: str) -> None:
    parent = path.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{label} {path}: cannot create the folder {parent} ({exc.strerror or exc})") from None
    if not parent.is_dir():
        raise OutputError(f"{label} {path}: {parent} is not a folder")


def _read_records(lock: Path) -> list[tuple[str, str]]:
    """The temporaries recorded in a lock file left by an earlier claim: (kind, exact name) pairs."""
    try:
        lines = lock.read_text(encoding="utf-8", errors="replace").splitlines()[1:]
    except OSError:
        return []
    records = []
    for line in lines:
        kind, _, name = line.partition(" ")
        if kind in ("tmp", "old") and name and Path(name).name == name and name.startswith("."):
            records.append((kind, name))
    return records


def _remove_recorded(path: Path, kind: str, records: list[tuple[str, str]]) -> None:
    """Remove the temporaries an interrupted earlier claim recorded by name (the caller holds the claim)."""
    for what, name in records:
        entry = path.parent / name
        if not os.path.lexists(entry):
            continue
        if what == "old" and kind == "report" and not os.path.lexists(path) and read_marker(entry) is not None:
            os.replace(entry, path)  # the replacement never arrived: put the previous report back
            continue
        if entry.is_symlink() or not entry.is_dir():
            entry.unlink(missing_ok=True)
        else:
            shutil.rmtree(entry, ignore_errors=True)


class Claim:
    """An exclusive claim on one destination; release it with :meth:`release` or a ``with`` block."""

    def __init__(self, path: Path, kind: str, label: str, overwrite: bool):
        self.path, self.kind, self.label, self.overwrite = path, kind, label, overwrite
        self.direct = kind == "file" and is_special(path)
        self._fd: int | None = None
        self._lock = lock_name(path)
        self._stale: list[tuple[str, str]] = []

    def _acquire(self) -> None:
        for _ in range(10):
            try:
                if fcntl is None:  # pragma: no cover - not POSIX
                    self._fd = os.open(self._lock, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o666)
                    return
                fd = os.open(self._lock, os.O_RDWR | os.O_CREAT, 0o666)
            except FileExistsError:  # pragma: no cover - not POSIX
                raise OutputBusyError(self._busy_message()) from None
            except OSError as exc:
                raise OutputError(
                    f"{self.label} {self.path}: cannot write in {self.path.parent} ({exc.strerror or exc})"
                ) from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                raise OutputBusyError(self._busy_message()) from None
            try:  # the lock file may have been removed by its previous holder between open and flock
                same = os.fstat(fd).st_ino == os.stat(self._lock).st_ino
            except FileNotFoundError:
                same = False
            if same:
                self._fd = fd
                self._stale = _read_records(self._lock)  # what a killed earlier holder recorded
                os.ftruncate(fd, 0)
                os.lseek(fd, 0, os.SEEK_SET)
                os.write(fd, f"{os.getpid()} {socket.gethostname()} {time.time():.0f}\n".encode())
                return
            os.close(fd)
        raise OutputBusyError(self._busy_message())  # pragma: no cover - ten lost races in a row

    def _busy_message(self) -> str:
        try:
            pid, host = self._lock.read_text().split()[:2]
            who = f" (process {pid} on {host})"
        except (OSError, ValueError):
            who = ""
        return (f"{self.label} {self.path} is being written by another tensornn run{who}; wait for it to finish or "
                "choose another path")

    def record(self, kind: str, name: str) -> None:
        """Record a temporary's exact name in the lock file (before it is created)."""
        if self._fd is not None:
            os.write(self._fd, f"{kind} {name}\n".encode())

    def acquire(self) -> "Claim":
        if self.direct:
            return self
        if self.kind == "report":
            _make_parent(self.path, self.label)
        else:
            _check_file_destination(self.path, self.label)
            _make_parent(self.path, self.label)
        with _HELD_LOCK:
            earlier = _HELD.get(_key(self.path))
        if earlier is not None:
            raise OutputBusyError(
                f"{self.label} {self.path} is already an output of this run (claimed as {earlier.label}); one file "
                "cannot take two outputs: give each output its own path")
        self._acquire()
        try:
            _remove_recorded(self.path, self.kind, self._stale)
            if self.kind == "report":
                check_report_destination(self.path, self.overwrite, self.label)
            else:
                _check_file_destination(self.path, self.label)
        except BaseException:
            self.release()
            raise
        with _HELD_LOCK:
            _HELD[_key(self.path)] = self
        return self

    def release(self) -> None:
        with _HELD_LOCK:
            if _HELD.get(_key(self.path)) is self:
                del _HELD[_key(self.path)]
        if self._fd is None:
            return
        try:
            if os.fstat(self._fd).st_ino == os.stat(self._lock).st_ino:
                os.unlink(self._lock)
        except OSError:
            pass
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> "Claim":
        return self

    def __exit__(self, *exc) -> None:
        self.release()

    def __repr__(self) -> str:
        return f"Claim({str(self.path)!r}, kind={self.kind!r}{', direct' if self.direct else ''})"


def claim(path, *, kind: str = "file", overwrite: bool = False, label: str | None = None) -> Claim:
    """Claim ``path`` (a ``"file"`` or a ``"report"`` folder) for writing; see the module docstring."""
    check_choice("kind", kind, ("file", "report"))
    label = label or ("report folder" if kind == "report" else "output file")
    return Claim(resolve(path), kind, label, overwrite).acquire()


def held_claim(path: Path) -> Claim | None:
    """The claim this process holds on the (resolved) ``path``, if any."""
    with _HELD_LOCK:
        return _HELD.get(_key(path))


def same_path(a, b) -> bool:
    """True when paths ``a`` and ``b`` name one file (links followed; either may not exist yet)."""
    a, b = Path(a), Path(b)
    try:
        if os.path.exists(a) and os.path.exists(b):
            return os.path.samefile(a, b)
    except OSError:
        pass
    return os.path.realpath(a) == os.path.realpath(b)

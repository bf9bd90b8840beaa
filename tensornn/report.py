"""Writing results to disk completely or not at all, and never over something tensornn did not write.

A report is a folder (JSON with every number, a markdown summary, PNG figures) with a marker file
``.tensornn-report`` that lists its files. It is assembled in a temporary sibling folder and
renamed into place only when every file is written, so an error or Ctrl-C never leaves a
half-written report behind. Single files are written the same way (a temporary file, then
:func:`os.replace`). Every destination is claimed first (:func:`claim_output`): the claim is
exclusive, checks the destination and clears the temporaries of interrupted writes. Files and
folders are created with the user's umask. docs/reliability.md states the rules.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import math
import os
import shutil
import stat
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np

from . import _claims
from ._claims import REPORT_MARKER
from ._version import __version__
from ._versions import versions
from .errors import InvalidArgumentError

__all__ = ["claim_output", "atomic_write", "atomic_write_text", "markdown_table", "write_report", "metadata",
           "REPORT_MARKER"]


def metadata(config: Mapping | None = None, seed=None) -> dict:
    """The provenance block every output carries: package version, time, seed, configuration and the versions of
    Python, numpy and scipy (:func:`tensornn._versions.versions`)."""
    return {
        "tensornn_version": __version__,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "seed": seed,
        "config": dict(config) if config is not None else None,
        "versions": versions(),
    }


def claim_output(path, *, kind: str = "file", overwrite: bool = False, label: str | None = None):
    """Claim an output destination before any work; release it (``with`` block) when everything is written.

    The claim is exclusive (a second tensornn run that wants the same destination is refused with
    :class:`~tensornn.errors.OutputBusyError` naming the process), removes temporaries left there by
    interrupted writes, and checks the destination: see :mod:`tensornn._claims` and docs/reliability.md.

    Parameters
    ----------
    path : path
        The file or report folder to be written. A symbolic link is followed (the link is kept).
    kind : {"file", "report"}
        A single file (an existing regular file is replaced, a folder is refused) or a report folder
        (:func:`write_report`).
    overwrite : bool
        For a report folder: allow replacing an existing one, if it is empty or a tensornn report.
    label : str, optional
        How to name the destination in messages (e.g. ``"--out"``).

    Returns
    -------
    Claim
        A context manager; :func:`atomic_write` and :func:`write_report` use a claim this process
        already holds on the same path.

    Raises
    ------
    OutputError
        The destination cannot be used (the message says why and what to do).
    OutputBusyError
        Another tensornn run is writing the destination.
    """
    return _claims.claim(path, kind=kind, overwrite=overwrite, label=label)


@contextlib.contextmanager
def _claimed(path: Path, kind: str, overwrite: bool = False):
    held = _claims.held_claim(path)
    if held is not None:
        yield held
        return
    with _claims.claim(path, kind=kind, overwrite=overwrite) as claim:
        yield claim


def atomic_write(path, writer: Callable[[Path], None]) -> Path:
    """Create ``path`` through a temporary file in the same folder and a rename.

    ``writer`` receives the temporary path (which keeps the suffix of ``path``, so format detection
    such as matplotlib's ``savefig`` works) and must write the whole file there. On any error or
    interrupt the temporary file is removed and an existing ``path`` is left untouched. The file is
    created with the user's umask (``0o666 & ~umask``); a file it replaces keeps its permission bits.
    A symbolic link is followed (the target is replaced, the link kept); a device, FIFO or socket
    (``/dev/null``, a named pipe) is written directly, never replaced. The destination is claimed
    for the write (:func:`claim_output`) unless this process already holds its claim.
    """
    target = _claims.resolve(path)
    if _claims.is_special(target):
        writer(target)
        return Path(path)
    with _claimed(target, "file"):
        tmp = _claims.temporary_name(target, "tmp", target.suffix)
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))  # the kernel applies the umask
        try:
            writer(tmp)
            if target.exists():
                os.chmod(tmp, stat.S_IMODE(os.stat(target).st_mode))
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    return Path(path)


def atomic_write_text(path, text: str) -> Path:
    """Write ``text`` to ``path`` atomically (:func:`atomic_write`)."""
    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    return atomic_write(path, write)


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence], *, digits: int = 6) -> str:
    """A GitHub-flavoured markdown table; floats are written with ``digits`` significant digits."""

    def cell(value):
        if isinstance(value, (float, np.floating)):
            return "nan" if not math.isfinite(value) else f"{float(value):.{digits}g}"
        return str(value)

    lines = ["| " + " | ".join(map(str, headers)) + " |", "|" + "---|" * len(headers)]
    for row in rows:
        if len(row) != len(headers):
            raise InvalidArgumentError(f"markdown_table row {row!r} has {len(row)} cells, expected {len(headers)}")
        lines.append("| " + " | ".join(cell(v) for v in row) + " |")
    return "\n".join(lines) + "\n"


def write_report(
    folder,
    files: Mapping[str, str | bytes | Callable[[Path], None]],
    *,
    overwrite: bool = False,
) -> Path:
    """Write a report folder atomically, with the marker that makes it recognisably a tensornn report.

    The files are written into a temporary sibling folder, the marker ``.tensornn-report`` (the
    version, the time and the list of files) is added, and the folder is renamed into place.

    Parameters
    ----------
    folder : path
        The report folder to create. A symbolic link is followed.
    files : mapping of file name to content
        Text or bytes are written as they are; a callable receives the destination path and must
        create the file there (e.g. ``lambda p: fig.savefig(p)``).
    overwrite : bool
        Replace an existing folder, but only an empty one or a tensornn report that holds nothing
        but the files its marker lists; anything else is refused (:class:`~tensornn.errors.OutputError`).

    Returns
    -------
    pathlib.Path
        The folder, which holds every file or does not exist at all.
    """
    for name in files:
        if not isinstance(name, str) or Path(name).name != name or name in ("", ".", "..", REPORT_MARKER):
            raise InvalidArgumentError(f"report file names must be plain names other than {REPORT_MARKER!r}, got {name!r}")
    target = _claims.resolve(folder)
    with _claimed(target, "report", overwrite):
        _claims.check_report_destination(target, overwrite, "report folder")  # again: files may have appeared
        staging = _claims.temporary_name(target, "tmp")
        os.mkdir(staging)  # mode 0o777 & ~umask
        retired = None
        try:
            for name, content in files.items():
                destination = staging / name
                if callable(content):
                    content(destination)
                    if not destination.exists():
                        raise InvalidArgumentError(f"the writer for {name!r} did not create the file")
                elif isinstance(content, bytes):
                    destination.write_bytes(content)
                else:
                    destination.write_text(content, encoding="utf-8")
            marker = {"tensornn_version": __version__, "created": metadata()["created"], "files": sorted(files)}
            (staging / REPORT_MARKER).write_text(json.dumps(marker, indent=1) + "\n", encoding="utf-8")
            if os.path.lexists(target):
                retired = _claims.temporary_name(target, "old")
                os.replace(target, retired)
            os.replace(staging, target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            if retired is not None and not os.path.lexists(target):
                os.replace(retired, target)
                retired = None
            raise
        if retired is not None:
            shutil.rmtree(retired, ignore_errors=True)
    return Path(folder)

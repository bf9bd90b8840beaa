"""Writing results to disk completely or not at all.

A report is a folder (JSON with every number, a markdown summary, PNG figures). It is assembled
in a temporary sibling folder and renamed into place only when every file is written, so an
error or Ctrl-C never leaves a half-written report behind. Single files are written the same way
(a temporary file, then :func:`os.replace`).
"""

from __future__ import annotations

import datetime as _dt
import math
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np

from ._version import __version__
from .errors import InvalidArgumentError

__all__ = ["atomic_write", "atomic_write_text", "markdown_table", "write_report", "metadata"]


def metadata(config: Mapping | None = None, seed=None) -> dict:
    """The provenance block every report carries: package version, time, seed and configuration."""
    return {
        "tensornn_version": __version__,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "seed": seed,
        "config": dict(config) if config is not None else None,
    }


def atomic_write(path, writer: Callable[[Path], None]) -> Path:
    """Create ``path`` through a temporary file in the same folder and a rename.

    ``writer`` receives the temporary path (which keeps the suffix of ``path``, so format detection
    such as matplotlib's ``savefig`` works) and must write the whole file there. On any error or
    interrupt the temporary file is removed and an existing ``path`` is left untouched.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=f".tmp{path.suffix}", dir=path.parent)
    os.close(fd)
    try:
        writer(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def atomic_write_text(path, text: str) -> Path:
    """Write ``text`` to ``path`` atomically (:func:`atomic_write`)."""
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


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
    """Write a report folder atomically.

    Parameters
    ----------
    folder : path
        The report folder to create.
    files : mapping of file name to content
        Text or bytes are written as they are; a callable receives the destination path and must
        create the file there (e.g. ``lambda p: fig.savefig(p)``).
    overwrite : bool
        Replace an existing folder. Without it an existing folder is an error.

    Returns
    -------
    pathlib.Path
        The folder, which holds every file or does not exist at all.
    """
    folder = Path(folder)
    if folder.exists() and not overwrite:
        raise InvalidArgumentError(f"report folder {folder} exists; choose another --out or pass overwrite")
    for name in files:
        if Path(name).name != name or name in ("", ".", ".."):
            raise InvalidArgumentError(f"report file names must be plain names, got {name!r}")
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".partial", dir=folder.parent))
    try:
        for name, content in files.items():
            target = staging / name
            if callable(content):
                content(target)
                if not target.exists():
                    raise InvalidArgumentError(f"the writer for {name!r} did not create the file")
            elif isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
        if folder.exists():
            retired = folder.with_name(f".{folder.name}.old")
            shutil.rmtree(retired, ignore_errors=True)
            os.replace(folder, retired)
            os.replace(staging, folder)
            shutil.rmtree(retired, ignore_errors=True)
        else:
            os.replace(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return folder

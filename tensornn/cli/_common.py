"""What the command modules share: the list syntax, output destinations, standard output, progress, failures.

- Lists: every list option takes comma-separated values, as one argument or several
  (``--widths 2,10,100`` or ``--widths 2 10 100``); negative numbers need no ``=``
  (``--inputs -0.1,0.2``). Inputs of dimension d_in > 1 are separated by ``;``.
- Outputs: every destination is claimed before any sampling (:func:`tensornn.report.claim_output`),
  so a file or folder that cannot be written is refused before the work, and a second run that
  wants the same destination is refused at once. ``-`` means standard output for text outputs.
- Exit status 1 always comes with a line on stderr (:func:`failure`).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
from pathlib import Path

from ..errors import InvalidArgumentError

__all__ = ["STDOUT", "ListAction", "add_list", "parse_numbers", "parse_inputs", "claimed_outputs", "check_paths",
           "Terminated", "write_text",
           "progress_wanted", "failure", "vars_config"]

#: The destination that means standard output.
STDOUT = "-"


def parse_numbers(text: str, option: str, kind=float) -> list:
    """Comma-separated numbers of ``kind`` (float or int); the message names ``option``."""
    noun = "whole numbers" if kind is int else "numbers"
    try:
        values = [kind(v) for v in str(text).split(",") if v.strip()]
    except ValueError:
        raise InvalidArgumentError(f"{option} must be comma-separated {noun}, got {text!r}") from None
    if not values:
        raise InvalidArgumentError(f"{option} must list at least one number, got {text!r}")
    return values


class ListAction(argparse.Action):
    """``nargs="+"`` whose every argument may itself be a comma-separated list; the values are concatenated."""

    def __init__(self, option_strings, dest, kind=float, **kwargs):
        self.kind = kind
        super().__init__(option_strings, dest, nargs="+", **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        items = []
        for value in values:
            items.extend(parse_numbers(value, option_string or self.dest, self.kind))
        setattr(namespace, self.dest, items)


def add_list(parser, *flags, kind=float, **kwargs):
    """Add a list option (comma-separated, one or several arguments) of ``kind`` values."""
    kwargs.setdefault("metavar", "N" if kind is int else "X")
    return parser.add_argument(*flags, action=ListAction, kind=kind, **kwargs)


def parse_inputs(text: str, d_in: int, option: str = "--inputs") -> list[list[float]]:
    """Inputs: ``'a,b,c'`` (d_in = 1: one number per input) or ``'x1;x2;...'`` with comma-separated components."""
    if ";" in text or d_in > 1:
        rows = [parse_numbers(row, option) for row in text.split(";") if row.strip()]
    else:
        rows = [[v] for v in parse_numbers(text, option)]
    if not rows or any(len(r) != d_in for r in rows):
        raise InvalidArgumentError(
            f"{option} must give inputs of dimension d_in={d_in} (comma-separated numbers for d_in = 1, inputs "
            f"separated by ';' with comma-separated components otherwise), got {text!r}"
        )
    return rows


def is_stdout(path) -> bool:
    return path is not None and str(path) == STDOUT


class Terminated(SystemExit):
    """SIGTERM during a run that holds output claims: unwinds like Ctrl-C (temporaries and locks removed),
    then ends the process with exit status 143 (128 + SIGTERM), as a tool ended by the signal."""

    def __init__(self):
        super().__init__(128 + signal.SIGTERM)


def _on_sigterm(signum, frame):
    print("tensornn: terminated", file=sys.stderr, flush=True)
    raise Terminated()


@contextlib.contextmanager
def _sigterm_unwinds():
    """While the block runs, SIGTERM raises :class:`Terminated` (main thread only; elsewhere unchanged)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    try:
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    except (ValueError, OSError):  # pragma: no cover - no signals here
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def check_paths(outputs, inputs=()) -> None:
    """Refuse, before any work, an empty path, two outputs naming one file and an output that is an input.

    ``outputs`` and ``inputs`` are (option, path) pairs; None paths and ``-`` are skipped. An input
    inside an output report folder counts as that output's input (``--overwrite`` would replace it).
    """
    from .._claims import same_path

    named = []
    for option, path in outputs:
        if path is None:
            continue
        if str(path) == "":
            raise InvalidArgumentError(f"{option} is empty; give a file name (or '-' for standard output where "
                                       "the option allows it)")
        if not is_stdout(path):
            named.append((option, Path(path)))
    for i, (option, path) in enumerate(named):
        for other, earlier in named[:i]:
            if same_path(path, earlier):
                raise InvalidArgumentError(f"{other} and {option} name the same file {path}; one file cannot hold "
                                           "two outputs: give each its own path")
    for in_option, source in inputs:
        if source is None or str(source) in ("", STDOUT) or not os.path.exists(source):
            continue
        real = os.path.realpath(source)
        for option, path in named:
            inside = os.path.commonpath([real, os.path.realpath(path)]) == os.path.realpath(path)
            if same_path(source, path) or (inside and os.path.isdir(path)):
                raise InvalidArgumentError(f"{option} {path} would replace the input {in_option} {source}; write "
                                           "the output to another path")


@contextlib.contextmanager
def claimed_outputs(files=(), *, report=None, overwrite=False, text=(), inputs=()):
    """Claim every output destination before the work starts; release them all at the end.

    Parameters
    ----------
    files : iterable of (option, path)
        Binary files (PNG): ``-`` is refused, None skipped.
    report : (option, path), optional
        A report folder (``overwrite`` as given).
    text : iterable of (option, path)
        Text files: ``-`` is standard output (nothing to claim), None skipped.
    inputs : iterable of (option, path)
        The command's input files: an output that would replace one is refused (:func:`check_paths`).

    While the claims are held, SIGTERM unwinds like Ctrl-C (no temporary or lock left) and ends the
    process with exit status 143.
    """
    from ..report import claim_output

    files, text = list(files), list(text)
    outputs = files + text + ([report] if report is not None else [])
    for option, path in files:
        if is_stdout(path):
            raise InvalidArgumentError(
                f"{option} writes a PNG image and needs a file name; '-' (standard output) is for text outputs")
    if report is not None and is_stdout(report[1]):
        raise InvalidArgumentError(f"{report[0]} is a report folder; '-' (standard output) cannot hold one")
    check_paths(outputs, inputs)
    with _sigterm_unwinds(), contextlib.ExitStack() as stack:
        for option, path in files:
            if path is not None:
                stack.enter_context(claim_output(path, kind="file", label=option))
        for option, path in text:
            if path is not None and not is_stdout(path):
                stack.enter_context(claim_output(path, kind="file", label=option))
        if report is not None:
            option, path = report
            stack.enter_context(claim_output(path, kind="report", overwrite=overwrite, label=option))
        yield


def write_text(path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, or to standard output when ``path`` is ``-``."""
    text = text if text.endswith("\n") else text + "\n"
    if is_stdout(path):
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from ..report import atomic_write_text

    atomic_write_text(Path(path), text)


def progress_wanted(flag: bool | None = None) -> bool:
    """Show a progress bar: when asked for, or by default when stderr is a terminal."""
    if flag is not None:
        return bool(flag)
    stream = sys.stderr
    return bool(getattr(stream, "isatty", lambda: False)())


def failure(reason: str) -> int:
    """Print why a command failed (one line on stderr) and return the exit status 1."""
    print(f"tensornn: {reason}", file=sys.stderr, flush=True)
    return 1


def vars_config(args) -> dict:
    """The options of a parsed command line as a JSON-ready dict (the configuration recorded in metadata)."""
    out = {}
    for key, value in sorted(vars(args).items()):
        if callable(value) or key in ("handler", "debug"):
            continue
        out[key] = str(value) if isinstance(value, Path) else value
    return out

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
import re
import signal
import sys
import threading
import time
from pathlib import Path

from ..errors import InvalidArgumentError

__all__ = ["STDOUT", "ListAction", "add_list", "parse_numbers", "parse_inputs", "claimed_outputs", "check_paths", "parse_number", "cli_words", "speaks_cli", "distinct", "worker_pool", "input_file", "read_inputs_file", "working",
           "Terminated", "harden", "write_text",
           "progress_wanted", "failure", "vars_config"]

#: The destination that means standard output.
STDOUT = "-"


def parse_number(item: str, kind):
    """One number of a list or an option: no underscores (``1_0`` is a typo, not ten), no empty text."""
    text = item.strip()
    if not text or "_" in text:
        raise ValueError(item)
    return kind(text)


def parse_numbers(text: str, option: str, kind=float) -> list:
    """Comma-separated numbers of ``kind`` (float or int); the message names ``option``.

    Empty items (``0.1,,0.2``, a trailing comma) and underscores in numbers (``1_0``) are refused: a
    typo is an error, never a guess.
    """
    noun = "whole numbers" if kind is int else "numbers"
    items = str(text).split(",")
    if not str(text).strip():
        raise InvalidArgumentError(f"{option} must list at least one number, got {text!r}")
    if any(not item.strip() for item in items):
        raise InvalidArgumentError(f"{option} has an empty item in {text!r} (two commas in a row, or a comma at "
                                   "an end); remove the extra comma")
    try:
        values = [parse_number(v, kind) for v in items]
    except ValueError:
        raise InvalidArgumentError(f"{option} must be comma-separated {noun} (without '_'), got {text!r}") from None
    return values


class ListAction(argparse.Action):
    """``nargs="+"`` whose every argument may itself be a comma-separated list; the values are concatenated.

    The option may be given once: a second ``--widths`` would silently replace the first."""

    def __init__(self, option_strings, dest, kind=float, **kwargs):
        self.kind = kind
        self._seen = None
        super().__init__(option_strings, dest, nargs="+", **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        _once(self, namespace, option_string)
        items = []
        for value in values:
            items.extend(parse_numbers(value, option_string or self.dest, self.kind))
        setattr(namespace, self.dest, items)


def _once(action, namespace, option_string) -> None:
    if action._seen is namespace:
        raise argparse.ArgumentError(action, "given more than once; give it once (a second value would silently "
                                             "replace the first)")
    action._seen = namespace


class _StoreOnce(argparse._StoreAction):
    """A single-valued option that refuses to be given twice (the second value would silently win)."""

    _seen = None

    def __call__(self, parser, namespace, values, option_string=None):
        _once(self, namespace, option_string)
        super().__call__(parser, namespace, values, option_string)


def _strict(kind):
    """An argparse ``type`` for int or float that refuses underscores (``1_0``) and empty text."""
    noun = "a whole number" if kind is int else "a number"

    def convert(text):
        try:
            return parse_number(text, kind)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {noun} (without '_'), got {text!r}") from None

    convert.__name__ = kind.__name__
    return convert


def _path(text: str) -> Path:
    """An argparse ``type`` for paths that refuses the empty string (``Path("")`` would silently be ``.``)."""
    if not str(text).strip():
        raise argparse.ArgumentTypeError("expected a path, got an empty string")
    return Path(text)


_path.__name__ = "path"
_STRICT = {int: _strict(int), float: _strict(float), Path: _path}


def harden(parser) -> None:
    """Make ``parser`` (and its sub-commands) strict: single-valued options may be given once, and numbers
    with underscores are refused; library errors are worded in CLI options (:func:`speaks_cli`). Every
    command module calls it on the parser it registers."""
    handler = parser._defaults.get("handler")
    if callable(handler) and not getattr(handler, "_speaks_cli", False):
        parser._defaults["handler"] = speaks_cli(handler)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in set(action.choices.values()):
                harden(sub)
            continue
        if action.type in _STRICT:
            action.type = _STRICT[action.type]
        if type(action) is argparse._StoreAction and action.nargs is None:
            action.__class__ = _StoreOnce


def add_list(parser, *flags, kind=float, **kwargs):
    """Add a list option (comma-separated, one or several arguments) of ``kind`` values."""
    kwargs.setdefault("metavar", "N" if kind is int else "X")
    return parser.add_argument(*flags, action=ListAction, kind=kind, **kwargs)


def parse_inputs(text: str, d_in: int, option: str = "--inputs") -> list[list[float]]:
    """Inputs: ``'a,b,c'`` (d_in = 1: one number per input) or ``'x1;x2;...'`` with comma-separated components."""
    if ";" in text or d_in > 1:
        parts = text.split(";")
        if len(parts) > 1 and any(not row.strip() for row in parts):
            raise InvalidArgumentError(f"{option} has an empty input in {text!r} (two ';' in a row, or one at an "
                                       "end); remove the extra ';'")
        rows = [parse_numbers(row, option) for row in parts]
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
    for option, path in files:
        if path is not None and option.startswith("--plot"):
            from ..plotting.figures import figure_format

            figure_format(path, argument=option)  # the suffix chooses the format: refused before the work
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


#: API phrases that reach the command line through library errors, and their command-line spelling.
_CLI_WORDS = [
    (re.compile(r"\bpass cutoff=Lambda > 0\b"), "pass --cutoff LAMBDA (> 0)"),
    (re.compile(r"\bpass cutoff=None\b"), "drop --cutoff"),
    (re.compile(r"\bcutoff=Lambda\b"), "--cutoff LAMBDA"),
    (re.compile(r"\bcutoff=(?=[-+0-9.])"), "--cutoff "),
    (re.compile(r"\bdrop bias=False\b"), "drop --no-bias"),
    (re.compile(r"\bwith bias=False\b"), "with --no-bias"),
    (re.compile(r"\bbias=False\b"), "--no-bias"),
    (re.compile(r"\bpass sigma_b=0\.0\b"), "drop --sigma-b"),
    (re.compile(r"\bsigma_b=(?=[-+0-9.])"), "--sigma-b "),
    (re.compile(r"\bcouplings0\b"), "the starting couplings (--set)"),
    (re.compile(r"\bpass t=<value>"), "add --at-k K"),
    (re.compile(r"\bexpansion='(\w+)'"), r"--expansion \1"),
]


def cli_words(text: str) -> str:
    """``text`` (a library message) with the API phrases above in command-line spelling."""
    for pattern, words in _CLI_WORDS:
        text = pattern.sub(words, text)
    return text


def speaks_cli(handler):
    """Wrap a command handler: library errors that name API arguments are re-worded with the CLI options."""
    import functools

    from ..errors import TensorNNError

    @functools.wraps(handler)
    def run(args):
        try:
            return handler(args)
        except TensorNNError as exc:
            if exc.args and isinstance(exc.args[0], str):
                exc.args = (cli_words(exc.args[0]),) + exc.args[1:]
            raise

    run._speaks_cli = True
    return run


def distinct(option: str, values, *, at_least: int = 2) -> list:
    """``values`` of a scan option, refused up front when a value repeats or fewer than ``at_least`` are given."""
    values = list(values)
    repeated = sorted({v for v in values if values.count(v) > 1})
    if repeated:
        shown = ", ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in repeated)
        raise InvalidArgumentError(f"{option} repeats {shown}; a scan needs distinct values (each is one point of "
                                   "the fit): remove the repeats")
    if len(values) < at_least:
        raise InvalidArgumentError(f"{option} needs at least {at_least} distinct values for a fit, got {len(values)}")
    return values


def _quiet_worker() -> None:
    """Initializer of worker processes: Ctrl-C is the parent's to handle (workers print no tracebacks)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a forked worker must not run the parent's SIGTERM handler


@contextlib.contextmanager
def worker_pool(workers: int | None):
    """A process pool of ``workers`` processes (None for 0 or 1: serial), shut down quietly on Ctrl-C.

    The workers ignore SIGINT, so an interrupt reaches only this process: it cancels the pending tasks,
    stops the workers and propagates (the command then ends with "tensornn: interrupted", exit 130),
    instead of every worker printing its own traceback.
    """
    if not workers or workers <= 1:
        yield None
        return
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(workers, initializer=_quiet_worker)
    try:
        yield pool
    except BaseException:
        processes = list(getattr(pool, "_processes", {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(timeout=5)
        raise
    pool.shutdown()


def input_file(option: str, path) -> Path:
    """An input file of the command line: refused by name when missing (exit 1), a folder or empty (exit 2)."""
    from ..errors import MissingFileError

    path = Path(path)
    if str(path) == "":
        raise InvalidArgumentError(f"{option} is empty; give a file name")
    if path.is_dir():
        raise InvalidArgumentError(f"{option} {path} is a folder; give a file")
    if not path.exists():
        raise MissingFileError(f"{option} {path} does not exist; check the path")
    if path.is_file() and path.stat().st_size == 0:
        raise InvalidArgumentError(f"{option} {path} is empty (0 bytes)")
    return path


def read_inputs_file(option: str, path):
    """Inputs (one per row) from a ``.npy`` (numpy.save) or ``.csv`` file; every failure names the file and option."""
    import numpy as np

    if Path(path).suffix not in (".npy", ".csv"):
        raise InvalidArgumentError(f"{option} must end in .npy or .csv, got {Path(path).name!r}")
    path = input_file(option, path)
    try:
        if path.suffix == ".npy":
            values = np.load(path, allow_pickle=False)
            if not isinstance(values, np.ndarray):  # numpy.savez archive named .npy
                names = list(values.files)
                values.close()
                raise InvalidArgumentError(f"{option} {path} is a .npz archive (numpy.savez, arrays {names}) named "
                                           ".npy; save the inputs with numpy.save")
        else:
            values = np.loadtxt(path, delimiter=",", ndmin=2)
    except InvalidArgumentError:
        raise
    except (ValueError, OSError, EOFError) as exc:
        why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if "pickled" in why:
            why = "it is not an array written by numpy.save (tensornn does not load pickled objects)"
        raise InvalidArgumentError(f"{option} {path} cannot be read as a {path.suffix} file of numbers: {why}") from None
    if values.size == 0:
        raise InvalidArgumentError(f"{option} {path} holds no inputs (an array of shape {values.shape})")
    return values


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


#: Seconds between the refreshed lines of :func:`working`.
PROGRESS_EVERY = 5.0


@contextlib.contextmanager
def working(what: str, *, show: bool | None = None, every: float | None = None):
    """Progress of one long step without a natural count (a fixed-point search, an SVD): while the block runs, a
    line ``tensornn: <what>... N s`` on stderr, refreshed every ``every`` seconds, when stderr is a terminal (or
    ``show``); the line is cleared at the end. Library calls never print: only the command line uses this."""
    if not progress_wanted(show):
        yield
        return
    every = PROGRESS_EVERY if every is None else every
    stream = sys.stderr
    stop = threading.Event()
    start = time.monotonic()

    def beat():
        while not stop.wait(every):
            stream.write(f"\rtensornn: {what}... {time.monotonic() - start:.0f} s")
            stream.flush()

    thread = threading.Thread(target=beat, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        if time.monotonic() - start >= every:
            stream.write(f"\rtensornn: {what}: done in {time.monotonic() - start:.0f} s\n")
            stream.flush()


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

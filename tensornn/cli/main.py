"""Entry point of the ``tensornn`` command: argument parsing, dispatch and error reporting."""

from __future__ import annotations

import argparse
import importlib
import os
import re
import sys
import warnings

from .._version import __version__
from ..errors import TensorNNError

__all__ = ["main", "build_parser", "UsageError"]


class UsageError(TensorNNError, ValueError):
    """A command-line argument was rejected by the parser."""


#: An argument that starts like a negative number is a value, not an option: ``-1``, ``-0.5e-3``,
#: and lists that start with one (``-0.1,0.2``, ``-1;2``).
_NEGATIVE_NUMBER = re.compile(r"^-(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?([,;].*)?$")


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that raises instead of printing usage and exiting.

    Abbreviated options are refused (``allow_abbrev=False``): a prefix such as ``--n`` would
    otherwise be taken silently for the only option starting with it (``--n-points``), even when
    the user meant another one (``--N``). Arguments that start like a negative number, including
    lists such as ``-0.1,0.2``, are values (argparse alone takes ``-0.1,0.2`` for an option).
    """

    def __init__(self, *args, **kwargs):
        kwargs["allow_abbrev"] = False
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = _NEGATIVE_NUMBER

    def error(self, message):  # noqa: D102 - argparse API
        raise UsageError(message if self.prog == "tensornn" else f"{self.prog}: {message}")


#: Every command: name -> (module of this package that registers it, its one-line help). ``--help``,
#: ``--version`` and every command read this table instead of importing the command modules: only the
#: module of the command that runs is imported (``tests/test_cli_startup.py`` checks the table against
#: what the modules register). A module missing from the table is still found and registered, at the
#: cost of importing it on every call.
COMMANDS = {
    "bubbles": ("bubbles", "count, list and draw interaction bubbles"),
    "compare": ("compare", "measure which reading (scalar, vector, tensor) the data select for each network, and "
                "run the flows"),
    "couplings": ("couplings", "scan the quartic coupling u4 against width, sigma_w or the input cutoff"),
    "data": ("data", "data with several indices: covariance spectra and distance from Kronecker form"),
    "depth": ("depth", "a deep network layer by layer: kernels, kappa (leading, exact, measured) and criticality"),
    "ensemble": ("ensemble", "sample one-hidden-layer network ensembles and measure their correlators"),
    "flow": ("flow", "fixed points, flows and beta functions of the scalar, O(N) and tensor presets"),
    "rg-experiment": ("rg", "active (networks at several sigma_w) vs passive (upward LPA flow) RG for Gauss-nets"),
    "structured-content": ("structured", "quartic bubble content (and tensor action) of a linear CP-structured "
                           "network"),
}


def _module_names() -> list[str]:
    """The command modules of this package (``*.py`` not starting with ``_``, except this one), by file name only."""
    folder = os.path.dirname(os.path.abspath(__file__))
    names = {entry.name[:-3] for entry in os.scandir(folder) if entry.name.endswith(".py")}
    names |= {entry.name for entry in os.scandir(folder)
              if entry.is_dir() and os.path.exists(os.path.join(entry.path, "__init__.py"))}
    return sorted(name for name in names if not name.startswith("_") and name != "main")


def _command_modules(names=None):
    for name in _module_names() if names is None else names:
        yield importlib.import_module(f"{__package__}.{name}")


def _top_parser():
    parser = _Parser(
        prog="tensornn",
        description="Neural-network ensembles as random (tensor) field theories.",
    )
    parser.add_argument("--version", action="version", version=f"tensornn {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the full traceback of an error")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    return parser, subparsers


def build_parser() -> argparse.ArgumentParser:
    """Build the full parser with every command module registered."""
    parser, subparsers = _top_parser()
    for module in _command_modules():
        module.register(subparsers)
    return parser


def _selected_command(argv) -> str | None:
    """The command named on the line: the first argument that is not an option (the top-level options take no value)."""
    for arg in argv:
        if arg == "--":
            return None
        if not arg.startswith("-"):
            return arg
    return None


def _parser_for(argv) -> argparse.ArgumentParser:
    """The parser with only the command on the line registered; every other command is a placeholder with its help.

    The help, the usage errors and the list of choices are those of :func:`build_parser`; what differs is that
    nothing but argparse and the selected command's module is imported.
    """
    parser, subparsers = _top_parser()
    command = _selected_command(argv)
    known = {module for module, _ in COMMANDS.values()}
    unlisted = [name for name in _module_names() if name not in known]
    entries: list[tuple[str | None, str, str | None]] = [(n, module, text) for n, (module, text) in COMMANDS.items()]
    entries += [(None, name, None) for name in unlisted]
    for name, module, text in sorted(entries, key=lambda e: e[1]):
        if name is None or name == command:
            importlib.import_module(f"{__package__}.{module}").register(subparsers)
        else:
            subparsers.add_parser(name, help=text, add_help=False)
    return parser


def _show_warning(message, category, filename, lineno, file=None, line=None):
    """Warnings on the command line: one line ``tensornn: warning: ...`` on stderr, no source lines."""
    text = str(message).splitlines()[0] if str(message) else category.__name__
    print(f"tensornn: warning: {text}", file=sys.stderr)


def _silence_stdout() -> None:
    """After a broken pipe: point stdout at /dev/null so that the final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # stdout without a file descriptor (captured)
        pass


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code.

    0 success; 1 a failure, always with a line on stderr saying why; 2 bad usage or arguments;
    130 interrupted (Ctrl-C); 141 the reader of standard output went away (``| head``), as for a
    tool ended by SIGPIPE, without a message.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    debug = "--debug" in argv
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
            parser = _parser_for(argv)
            args = parser.parse_args(argv)
            if getattr(args, "handler", None) is None:
                parser.print_help()
                return 2
            code = int(args.handler(args) or 0)
            sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
            return code
    except BrokenPipeError:
        _silence_stdout()
        return 141
    except KeyboardInterrupt:
        print("tensornn: interrupted", file=sys.stderr)
        return 130
    except (TensorNNError, ValueError, TypeError, OSError) as exc:
        if debug:
            import traceback

            traceback.print_exc()
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"tensornn: error: {message}", file=sys.stderr)
        return 2 if isinstance(exc, (UsageError, ValueError, TypeError)) else 1
    except Exception as exc:  # a failure tensornn did not foresee: still one line, the traceback on --debug
        if debug:
            import traceback

            traceback.print_exc()
        message = str(exc).splitlines()[0] if str(exc) else ""
        print(f"tensornn: error: unexpected {type(exc).__name__}{': ' + message if message else ''} "
              "(rerun with --debug for the traceback and report it)", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""Entry point of the ``tensornn`` command: argument parsing, dispatch and error reporting."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import traceback

from .._version import __version__
from ..errors import TensorNNError

__all__ = ["main", "build_parser", "UsageError"]


class UsageError(TensorNNError, ValueError):
    """A command-line argument was rejected by the parser."""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that raises instead of printing usage and exiting.

    Abbreviated options are refused (``allow_abbrev=False``): a prefix such as ``--n`` would
    otherwise be taken silently for the only option starting with it (``--n-points``), even when
    the user meant another one (``--N``).
    """

    def __init__(self, *args, **kwargs):
        kwargs["allow_abbrev"] = False
        super().__init__(*args, **kwargs)

    def error(self, message):  # noqa: D102 - argparse API
        raise UsageError(message if self.prog == "tensornn" else f"{self.prog}: {message}")


def _command_modules():
    from . import __path__ as package_path

    for info in sorted(pkgutil.iter_modules(package_path), key=lambda i: i.name):
        if info.name.startswith("_") or info.name == "main":
            continue
        yield importlib.import_module(f"{__package__}.{info.name}")


def build_parser() -> argparse.ArgumentParser:
    """Build the full parser with every command module registered."""
    parser = _Parser(
        prog="tensornn",
        description="Neural-network ensembles as random (tensor) field theories.",
    )
    parser.add_argument("--version", action="version", version=f"tensornn {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the full traceback of an error")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for module in _command_modules():
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code (0 success, 1 failure, 2 bad usage)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    debug = "--debug" in argv
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if getattr(args, "handler", None) is None:
            parser.print_help()
            return 2
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        print("tensornn: interrupted", file=sys.stderr)
        return 130
    except (TensorNNError, ValueError, TypeError, OSError) as exc:
        if debug:
            traceback.print_exc()
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"tensornn: error: {message}", file=sys.stderr)
        return 2 if isinstance(exc, (UsageError, ValueError, TypeError)) else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

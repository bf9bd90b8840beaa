"""The ``tensornn`` command line.

Each command lives in its own module of this package and exposes ``register(subparsers)``, which
adds its parser and sets ``handler`` (a function of the parsed arguments returning an exit code).
:func:`tensornn.cli.main.main` discovers the modules, so adding a command means adding a module.

A command module imports only what its parser needs at the top; the library modules a command runs
are imported inside its handler. Building the parser for ``tensornn --help`` or ``--version`` then
loads argparse and little else, and every command pays only for the code it uses.
"""

__all__: list[str] = []

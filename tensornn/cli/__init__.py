"""The ``tensornn`` command line.

Each command lives in its own module of this package and exposes ``register(subparsers)``, which
adds its parser and sets ``handler`` (a function of the parsed arguments returning an exit code).
:func:`tensornn.cli.main.main` discovers the modules, so adding a command means adding a module.
"""

__all__: list[str] = []

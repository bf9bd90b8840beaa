"""Start-up of the ``tensornn`` command: --version and --help import neither numpy nor command modules.

The speed itself is measured by ``benchmarks/bench_cli.py`` (a ratio against ``python -c "import numpy"``);
these tests check what makes it fast: which modules a call imports.
"""

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from tensornn import __version__
from tensornn.cli import main as cli_main

ROOT = Path(__file__).resolve().parents[1]
COMMAND_MODULES = sorted({module for module, _ in cli_main.COMMANDS.values()})


_PROBE = """
import json, runpy, sys
sys.argv = ["tensornn"] + json.loads(sys.argv[1])
try:
    runpy.run_module("tensornn", run_name="__main__", alter_sys=True)
except SystemExit as exc:
    code = exc.code
print("MODULES " + json.dumps(sorted(sys.modules)) + " EXIT " + json.dumps(code), file=sys.stderr)
"""


def _imported(*argv: str) -> tuple[set[str], subprocess.CompletedProcess]:
    """Modules in ``sys.modules`` after ``python -m tensornn ARGV`` has run (this checkout's tensornn)."""
    import json

    proc = subprocess.run([sys.executable, "-c", _PROBE, json.dumps(list(argv))], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    last = proc.stderr.strip().splitlines()[-1]
    modules, code = last.removeprefix("MODULES ").split(" EXIT ")
    assert json.loads(code) in (0, None), proc.stderr[-1000:]
    names = set(json.loads(modules))
    assert sys.modules["tensornn"].__file__ == str(ROOT / "tensornn" / "__init__.py")
    return names, proc


def test_version_imports_no_numpy_by_the_import_time_report():
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "tensornn", "--version"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    names = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}
    assert proc.returncode == 0 and proc.stdout.strip() == f"tensornn {__version__}"
    assert "tensornn.cli.main" in names and "numpy" not in names


def test_version_imports_neither_numpy_nor_any_command():
    names, proc = _imported("--version")
    assert proc.stdout.strip() == f"tensornn {__version__}"
    assert "numpy" not in names
    assert not ({f"tensornn.cli.{m}" for m in COMMAND_MODULES} & names)


def test_help_imports_neither_numpy_nor_any_command():
    names, proc = _imported("--help")
    assert "bubbles" in proc.stdout and "structured-content" in proc.stdout
    assert "numpy" not in names
    assert not ({f"tensornn.cli.{m}" for m in COMMAND_MODULES} & names)


@pytest.mark.parametrize("argv, module", [(["bubbles", "count", "--rank", "3", "--order", "4"], "bubbles"),
                                          (["flow", "--help"], "flow")])
def test_a_command_imports_its_own_module_only(argv, module):
    names, _ = _imported(*argv)
    assert ({f"tensornn.cli.{m}" for m in COMMAND_MODULES} & names) == {f"tensornn.cli.{module}"}


class _Recorder:
    """Stands in for argparse's subparsers: records the commands a module registers, with their help."""

    def __init__(self):
        self.commands = {}
        self._real = argparse.ArgumentParser().add_subparsers()

    def add_parser(self, name, **kwargs):
        self.commands[name] = kwargs.get("help")
        return self._real.add_parser(name, **kwargs)


def test_the_command_table_is_what_the_modules_register():
    # the table lets --help list the commands without importing them: it must say what each module registers
    registered = {}
    for name in cli_main._module_names():
        recorder = _Recorder()
        module = __import__(f"tensornn.cli.{name}", fromlist=["register"])
        module.register(recorder)
        registered.update({command: (name, text) for command, text in recorder.commands.items()})
    assert registered == cli_main.COMMANDS


def test_the_lazy_parser_gives_the_full_parsers_help_and_choices():
    full = cli_main.build_parser()
    assert cli_main._parser_for([]).format_help() == full.format_help()
    assert cli_main._parser_for(["--debug", "bubbles"]).format_help() == full.format_help()
    with pytest.raises(cli_main.UsageError, match="invalid choice: 'bubble' .*'structured-content'"):
        cli_main._parser_for(["bubble"]).parse_args(["bubble"])


def test_a_mistyped_command_is_a_usage_error(capsys):
    assert cli_main.main(["bubble", "list"]) == 2
    assert "invalid choice: 'bubble'" in capsys.readouterr().err

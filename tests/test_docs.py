"""The documentation runs: its examples execute, its links resolve, its generated references are current.

- Every ```python block of docs/getting_started.md and README.md is executed in a fresh namespace, in a
  temporary working directory.
- Every line of a ```bash block of docs/getting_started.md that starts with ``tensornn `` or
  ``python -m tensornn`` is run through :func:`tensornn.cli.main.main` and must exit with 0. A block preceded by
  the line ``<!-- test: slow -->`` is marked slow (excluded from the default run).
- Every relative link in docs/*.md, docs/theory/*.md and README.md points to an existing file.
- docs/cli.md and docs/api.md equal what docs/generate_reference.py writes now (regenerated in a subprocess with
  a narrow COLUMNS and another hash seed, so neither the terminal nor set/dict ordering can leak into them).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tensornn.cli.main import build_parser, main

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
EXAMPLE_FILES = (DOCS / "getting_started.md", ROOT / "README.md")
SLOW_MARK = "<!-- test: slow -->"
_FENCE = re.compile(r"^```(\w*)\s*$")
_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def _blocks(path: Path):
    """(language, first line number, code, slow) for every fenced block of ``path``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    out, i = [], 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if match and match.group(1):
            slow = i > 0 and lines[i - 1].strip() == SLOW_MARK
            start = i + 1
            j = start
            while j < len(lines) and not lines[j].startswith("```"):
                j += 1
            out.append((match.group(1), start + 1, "\n".join(lines[start:j]), slow))
            i = j + 1
        else:
            i += 1
    return out


def _cli_lines(code: str):
    """The command lines of a bash block that call tensornn (continuation lines joined)."""
    joined = re.sub(r"\\\n\s*", " ", code)
    return [line.strip() for line in joined.splitlines()
            if line.strip().startswith(("tensornn ", "python -m tensornn"))]


def _cases(language: str):
    cases = []
    for path in EXAMPLE_FILES:
        if not path.exists():
            continue
        for lang, lineno, code, slow in _blocks(path):
            if lang != language:
                continue
            items = [code] if language == "python" else _cli_lines(code)
            for item in items:
                marks = [pytest.mark.slow] if slow else []
                ident = f"{path.name}:{lineno}" + ("" if language == "python" else f":{item.split()[1 if item.startswith('tensornn') else 3]}")
                cases.append(pytest.param(path, lineno, item, id=ident, marks=marks))
    return cases


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    return tmp_path


@pytest.mark.parametrize(("path", "lineno", "code"), _cases("python"))
def test_python_example_runs(path, lineno, code, in_tmp, capsys):
    namespace = {"__name__": "__docs__"}
    exec(compile(code, f"{path.name}:{lineno}", "exec"), namespace)  # raises on any failure
    assert capsys.readouterr().out.strip(), f"{path.name}:{lineno}: the example prints nothing to compare with"


def _registered_commands() -> set[str]:
    import argparse

    parser = build_parser()
    return {name for action in parser._actions if isinstance(action, argparse._SubParsersAction)
            for name in action.choices}


@pytest.mark.parametrize(("path", "lineno", "line"), _cases("bash"))
def test_cli_example_runs(path, lineno, line, in_tmp, capsys):
    argv = shlex.split(line, comments=True)
    argv = argv[1:] if argv[0] == "tensornn" else argv[3:]
    command = next((a for a in argv if not a.startswith("-")), None)
    assert command is None or command in _registered_commands(), (
        f"{path.name}:{lineno}: command {command!r} is not a tensornn command: {sorted(_registered_commands())}")
    try:
        code = main(argv)
    except SystemExit as exc:  # --help and --version exit through argparse
        code = exc.code or 0
    captured = capsys.readouterr()
    assert code == 0, f"{path.name}:{lineno}: `{line}` exited with {code}: {captured.err.strip()}"
    assert captured.out.strip(), f"{path.name}:{lineno}: `{line}` printed nothing"


def test_example_extraction_finds_the_examples():
    # guards against a parser change that silently finds no examples: the getting-started page has several of each
    assert len(_cases("python")) >= 5
    assert len(_cases("bash")) >= 5
    assert any("slow" in [m.name for m in case.marks] for case in _cases("bash"))


def _markdown_files():
    return sorted(DOCS.glob("*.md")) + sorted(DOCS.glob("theory/*.md")) + [ROOT / "README.md"]


def test_link_check_covers_the_theory_pages():
    assert {"index.md", "nn_qft.md", "flow.md"} <= {p.name for p in _markdown_files() if p.parent.name == "theory"}


@pytest.mark.parametrize("path", _markdown_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(path):
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"```.*?```", "", text, flags=re.S)  # links inside code are not links
    broken = []
    for target in _LINK.findall(text):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            continue  # URLs and anchors within the page
        file_part = target.split("#", 1)[0]
        if not (path.parent / file_part).exists():
            broken.append(target)
    assert not broken, f"{path.name}: links to missing files: {broken}"


def test_generated_references_are_current(tmp_path):
    env = dict(os.environ, COLUMNS="41", PYTHONHASHSEED="12345")
    result = subprocess.run(
        [sys.executable, str(DOCS / "generate_reference.py"), "--out", str(tmp_path)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    stale = [name for name in ("cli.md", "api.md")
             if (tmp_path / name).read_text(encoding="utf-8") != (DOCS / name).read_text(encoding="utf-8")]
    assert not stale, f"docs/{' and docs/'.join(stale)} out of date: run python docs/generate_reference.py"


def test_references_do_not_depend_on_the_terminal(monkeypatch):
    import importlib.util

    spec = importlib.util.spec_from_file_location("_generate_reference", DOCS / "generate_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setenv("COLUMNS", "200")
    wide = module.cli_markdown()
    monkeypatch.setenv("COLUMNS", "30")
    narrow = module.cli_markdown()
    assert wide == narrow

"""Every documentation reference in the repository resolves, and none points outside it.

What counts as a reference (chosen so that file names the program writes, such as ``summary.md`` in a report
folder, and web addresses are not mistaken for references):

- in any scanned file, a path that starts with ``docs/`` (optionally after ``./`` or ``../``) and ends in ``.md``,
  not preceded by a letter, digit, ``/``, ``.`` or ``-`` (so ``https://host/docs/x.md`` is not one);
- in a markdown file, the target of a link ``[text](target)`` outside fenced code that is not a URL
  (``scheme:...``): a relative path, optionally with ``#anchor``, or an anchor ``#anchor`` within the page.

A path resolves when it exists relative to the repository root or to the referencing file's folder. An anchor
resolves when the target markdown page has a heading with that GitHub-style slug (lowercase, punctuation other
than ``-`` and ``_`` removed, spaces turned into ``-``, ``-1``, ``-2`` ... for repeated headings).

References stay inside the repository: nothing may cite an outside physics specification, by its file name
(theory followed by .md) or by numbered sections (the word "theory" followed by a section number); the pages under
docs/theory/ are the reference.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SELF = Path(__file__).resolve()  # not scanned: its checks of the checker contain broken references on purpose
SCANNED_DIRS = ("tensornn", "docs", "examples", "benchmarks", "scripts", "tests")
SCANNED_FILES = ("README.md", "pyproject.toml")
SUFFIXES = {".py", ".md", ".toml", ".txt", ".cfg", ".yml", ".yaml"}

_DOCS_PATH = re.compile(r"(?<![\w/.-])((?:\.{1,2}/)*docs/[\w./-]*?\.md)(#[\w-]+)?(?![\w/-])")
_MD_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_FENCE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)
_URL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)
# the outside file name (assembled, so that it appears in no committed text) and its way of citing sections
_SPEC_NAME = re.compile(re.escape("theory" + ".md"), re.I)
_SPEC_SECTION = re.compile(r"\btheory\s+(?:section\s+)?\d+(?:\.\d+)?\b", re.I)


def scanned_files() -> list[Path]:
    files = [ROOT / name for name in SCANNED_FILES if (ROOT / name).is_file()]
    for folder in SCANNED_DIRS:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and path.suffix in SUFFIXES and path != SELF and not any(
                    part.startswith(".") or part == "__pycache__" or part.endswith(".egg-info")
                    for part in path.relative_to(ROOT).parts):
                files.append(path)
    return files


def heading_slugs(markdown: str) -> set[str]:
    """The GitHub anchors of the headings of a markdown text (fenced code excluded)."""
    slugs, seen = set(), {}
    for line in _FENCE.sub("", markdown).splitlines():
        match = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if not match:
            continue
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", match.group(1)).strip().lower()
        slug = re.sub(r"[^\w\- ]", "", text).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        slugs.add(slug if count == 0 else f"{slug}-{count}")
    return slugs


def references(text: str, *, markdown: bool) -> list[tuple[str, str | None]]:
    """(path, anchor) pairs referenced by ``text``; path is "" for an anchor within the same page."""
    found = [(m.group(1), m.group(2)[1:] if m.group(2) else None) for m in _DOCS_PATH.finditer(text)]
    if markdown:
        for target in _MD_LINK.findall(_FENCE.sub("", text)):
            if _URL.match(target):
                continue
            path, _, anchor = target.partition("#")
            found.append((path, anchor or None))
    return found


def broken_references(text: str, source: Path, root: Path = ROOT) -> list[str]:
    """The references of ``text`` (read from ``source``) that do not resolve, as readable strings."""
    broken = []
    markdown = source.suffix == ".md"
    for path, anchor in references(text, markdown=markdown):
        if path:
            candidates = [root / path, source.parent / path]
            target = next((c for c in candidates if c.exists()), None)
            if target is None:
                broken.append(path + (f"#{anchor}" if anchor else ""))
                continue
        else:
            target = source
        if anchor and target.suffix == ".md" and anchor not in heading_slugs(target.read_text(encoding="utf-8")):
            broken.append(f"{path}#{anchor} (no such heading)")
    return broken


def specification_mentions(text: str) -> list[str]:
    return [m.group(0) for m in _SPEC_NAME.finditer(text)] + [m.group(0) for m in _SPEC_SECTION.finditer(text)]


FILES = scanned_files()


def test_the_scan_covers_the_documentation_and_the_package():
    names = {str(p.relative_to(ROOT)) for p in FILES}
    assert {"README.md", "docs/index.md", "docs/theory/index.md", "tensornn/__init__.py"} <= names
    assert any(n.startswith("examples/") for n in names) and any(n.startswith("benchmarks/") for n in names)
    # the theory pages are referenced from code, so the scan must find such references at all
    assert sum(len(references(p.read_text(encoding="utf-8"), markdown=False)) for p in FILES
               if p.suffix == ".py") >= 20


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_references_resolve(path):
    broken = broken_references(path.read_text(encoding="utf-8"), path)
    assert not broken, f"{path.relative_to(ROOT)}: references to missing pages or headings: {broken}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_reference_to_the_external_specification(path):
    mentions = specification_mentions(path.read_text(encoding="utf-8"))
    assert not mentions, (f"{path.relative_to(ROOT)} cites the external specification ({mentions}); refer to the "
                          f"project's page under docs/theory/ instead (see docs/theory/index.md)")


# ---- the checker itself: what it must catch and what it must leave alone


def test_checker_catches_missing_pages_and_headings(tmp_path):
    (tmp_path / "docs" / "theory").mkdir(parents=True)
    page = tmp_path / "docs" / "theory" / "flow.md"
    page.write_text("# Flow\n\n## Scalar anchors\n\n## Scalar anchors\n", encoding="utf-8")
    source = tmp_path / "pkg" / "module.py"
    source.parent.mkdir()
    text = ('"""See docs/theory/flow.md and docs/theory/nope.md (the rules), ./docs/theory/gone.md,\n'
            'docs/theory/flow.md#scalar-anchors-1 and docs/theory/flow.md#missing-anchor."""')
    assert broken_references(text, source, root=tmp_path) == [
        "docs/theory/nope.md", "./docs/theory/gone.md", "docs/theory/flow.md#missing-anchor (no such heading)"]
    md = tmp_path / "docs" / "index.md"
    md_text = ("[ok](theory/flow.md#scalar-anchors) [bad](theory/missing.md) [up](../README.md) "
               "[self](#index) [nowhere](#nowhere)\n\n# Index\n")
    md.write_text(md_text, encoding="utf-8")
    assert broken_references(md_text, md, root=tmp_path) == [
        "theory/missing.md", "../README.md", "#nowhere (no such heading)"]


def test_checker_ignores_urls_program_output_and_code():
    text = ("https://example.org/docs/x.md, http://host/a/docs/y.md, writes summary.md and report/docs.md, "
            "mydocs/z.md, DOCS / 'cli.md'")
    assert references(text, markdown=False) == []
    md = "[site](https://example.org/docs/a.md) [mail](mailto:a@b.c)\n\n```\n[x](missing.md)\n```\n"
    assert references(md, markdown=True) == []


def test_slugs_follow_the_github_rule():
    text = "# A: b, c (d = 3)\n## LPA' and eta\n```\n# not a heading\n```\n## Twice\n## Twice\n"
    assert heading_slugs(text) == {"a-b-c-d--3", "lpa-and-eta", "twice", "twice-1"}


def test_specification_mentions_are_found_in_any_case():
    spec, section, numbered = "Theory" + ".md", "theory" + " 4.5", "theory" + " section 2"
    assert specification_mentions(f"see {spec} 1.4 and {section}, {numbered}") == [spec, section, numbered]
    assert specification_mentions("tensornn.theory, the theory of bubbles, Theory(colours)") == []

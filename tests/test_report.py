"""Reports are written completely or not at all."""

import json

import numpy as np
import pytest

from tensornn.errors import InvalidArgumentError
from tensornn._json import dumps_json
from tensornn.report import atomic_write_text, markdown_table, write_report


def test_report_folder_holds_every_file(tmp_path):
    out = write_report(tmp_path / "r", {"a.json": dumps_json({"x": np.float64(1.5)}), "b.md": "# hi\n"})
    assert sorted(p.name for p in out.iterdir()) == ["a.json", "b.md"]
    assert json.loads((out / "a.json").read_text()) == {"x": 1.5}


def test_failed_writer_leaves_nothing(tmp_path):
    def broken(path):
        path.write_text("half")
        raise RuntimeError("plot failed")

    with pytest.raises(RuntimeError):
        write_report(tmp_path / "r", {"a.md": "ok", "fig.png": broken})
    assert list(tmp_path.iterdir()) == []


def test_interrupt_leaves_previous_report_intact(tmp_path):
    write_report(tmp_path / "r", {"a.md": "first"})

    def interrupted(path):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_report(tmp_path / "r", {"a.md": "second", "b.md": interrupted}, overwrite=True)
    assert (tmp_path / "r" / "a.md").read_text() == "first"
    assert [p.name for p in tmp_path.iterdir()] == ["r"]


def test_existing_folder_needs_overwrite(tmp_path):
    write_report(tmp_path / "r", {"a.md": "first"})
    with pytest.raises(InvalidArgumentError, match="exists"):
        write_report(tmp_path / "r", {"a.md": "second"})
    write_report(tmp_path / "r", {"a.md": "second"}, overwrite=True)
    assert (tmp_path / "r" / "a.md").read_text() == "second"


def test_json_is_strict_nan_becomes_null():
    assert json.loads(dumps_json({"v": [np.nan, np.inf, 2]})) == {"v": [None, None, 2]}


def test_atomic_write_text_replaces(tmp_path):
    p = atomic_write_text(tmp_path / "f.txt", "one")
    atomic_write_text(p, "two")
    assert p.read_text() == "two" and [q.name for q in tmp_path.iterdir()] == ["f.txt"]


def test_markdown_table_checks_row_width():
    assert "| 1.5 |" in markdown_table(["x"], [[1.5]])
    with pytest.raises(InvalidArgumentError, match="2 cells"):
        markdown_table(["x"], [[1, 2]])


def test_atomic_write_keeps_the_suffix_and_the_old_file_on_failure(tmp_path):
    from tensornn.report import atomic_write

    target = tmp_path / "plot.png"
    target.write_text("old")
    seen = []

    def failing(tmp):
        seen.append(tmp.suffix)
        tmp.write_text("half")
        raise RuntimeError("savefig failed")

    with pytest.raises(RuntimeError):
        atomic_write(target, failing)
    assert seen == [".png"] and target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["plot.png"]

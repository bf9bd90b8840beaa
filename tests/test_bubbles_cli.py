"""The ``tensornn bubbles`` command line."""

import json

import pytest

from tensornn.cli.main import main


def test_count_formula_and_enumeration(capsys):
    assert main(["bubbles", "count", "--rank", "3", "--order", "6", "--field", "real", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["count"] == 3580 and record["closed_formula"] is True and record["field"] == "real"
    assert main(["bubbles", "count", "--rank", "3", "--order", "4", "--connected", "--enumerate"]) == 0
    assert capsys.readouterr().out.strip() == "26"


def test_list_json(capsys):
    assert main(["bubbles", "list", "--rank", "3", "--order", "2", "--field", "real", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 5
    assert sorted(r["degree"] for r in rows) == [0, 0, 0, 0, 0.5]
    assert sum(not r["connected"] for r in rows) == 1 and sum(r["melonic"] for r in rows) == 3
    assert len({r["certificate"] for r in rows}) == 5
    assert main(["bubbles", "list", "--rank", "2", "--order", "2", "--json"]) == 0
    assert all(json.loads(line)["degree"] is None for line in capsys.readouterr().out.splitlines())


def test_draw(tmp_path, capsys):
    out = tmp_path / "quartic.png"
    assert main(["bubbles", "draw", "--rank", "3", "--order", "2", "--out", str(out)]) == 0
    assert out.stat().st_size > 1000


@pytest.mark.parametrize(
    "argv,word",
    [
        (["bubbles", "count", "--rank", "0", "--order", "2"], "--rank"),
        (["bubbles", "count", "--rank", "3", "--order", "0"], "--order"),
        (["bubbles", "list", "--rank", "3", "--order", "2", "--field", "quaternion"], "--field"),
        (["bubbles", "draw", "--rank", "3", "--order", "2", "--out", "x.jpg"], ".png"),
    ],
)
def test_errors_are_one_line(argv, word, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and word in err and "Traceback" not in err

"""The ``tensornn bubbles`` command."""

import json

import pytest

from tensornn.cli.main import main


def test_count_json_uses_the_formula(capsys):
    assert main(["bubbles", "count", "--rank", "4", "--order", "3", "--field", "complex", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["count"] == 49 and record["source"] == "formula"


def test_count_by_enumeration_agrees_with_the_formula(capsys):
    main(["bubbles", "count", "--rank", "3", "--order", "3", "--field", "real", "--connected"])
    formula = int(capsys.readouterr().out)
    main(["bubbles", "count", "--rank", "3", "--order", "3", "--field", "real", "--connected", "--enumerate"])
    assert int(capsys.readouterr().out) == formula == 11


def test_list_json_lines(capsys):
    assert main(["bubbles", "list", "--rank", "3", "--order", "2", "--field", "real", "--json"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(records) == 5
    assert sum(r["melonic"] for r in records) == 3 and sum(not r["connected"] for r in records) == 1
    assert {r["aut"] for r in records} == {4, 8}


def test_draw_writes_a_png(tmp_path, capsys):
    out = tmp_path / "quartic.png"
    assert main(["bubbles", "draw", "--rank", "3", "--order", "2", "--field", "real", "--out", str(out)]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["bubbles", "count", "--rank", "0", "--order", "2"], "--rank"),
        (["bubbles", "count", "--rank", "3", "--order", "x"], "--order"),
        (["bubbles", "count", "--rank", "3", "--order", "2", "--field", "quaternion"], "invalid choice"),
        (["bubbles", "draw", "--rank", "3", "--order", "2", "--out", "x.pdf"], ".png"),
        (["bubbles", "list", "--rank", "3"], "required"),
    ],
)
def test_bad_arguments_exit_with_one_line(argv, fragment, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert fragment in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err

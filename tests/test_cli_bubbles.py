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
        (["bubbles", "draw", "--rank", "3", "--order", "2", "--out", "x.jpg"], ".pdf"),
        (["bubbles", "list", "--rank", "3"], "required"),
    ],
)
def test_bad_arguments_exit_with_one_line(argv, fragment, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert fragment in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_listing_beyond_the_memory_bound_is_refused_before_it_starts(capsys):
    # Order 11 needs all 11! permutations in the orbit step; the message states estimate and bound.
    assert main(["bubbles", "list", "--rank", "3", "--order", "11", "--max-bubbles", "1000000000"]) == 2
    err = capsys.readouterr().err
    assert "memory bound of 2 GiB" in err and "--max-memory" in err and "Traceback" not in err
    assert main(["bubbles", "count", "--rank", "3", "--order", "6", "--enumerate", "--max-memory", "1e-6"]) == 2
    assert "memory bound of 1e-06 GiB" in capsys.readouterr().err
    assert main(["bubbles", "count", "--rank", "3", "--order", "6", "--enumerate", "--max-memory", "0"]) == 2
    assert "GiB > 0" in capsys.readouterr().err


def test_order9_fits_the_default_memory_bound():
    # The 378 360 complex rank-3 bubbles of order 9 are listed by the command line (the listing
    # itself is exercised by benchmarks/bench_bubbles.py); the estimate is far below the bound.
    from tensornn.bubbles.memory import enumeration_memory
    from tensornn.cli.bubbles import MAX_MEMORY_GIB

    assert enumeration_memory(3, 9) < MAX_MEMORY_GIB * 2**30 / 4

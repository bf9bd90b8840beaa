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


# ------------------------------------------------------------------ the listing bound and up-front estimates
from fractions import Fraction  # noqa: E402

import numpy as np  # noqa: E402

from tensornn.bubbles import (  # noqa: E402
    EnumerationTooLargeError,
    enumerate_bubbles,
    enumeration_estimate,
    face_count,
    gurau_degree,
    is_melonic,
)
from tensornn.bubbles import enumerate as enumeration  # noqa: E402


@pytest.fixture
def nothing_enumerated(monkeypatch):
    """Any enumeration that starts fails the test: a refusal must come before it."""

    def forbidden(*args, **kwargs):
        raise AssertionError("the enumeration started before the bound was checked")

    for name in ("_complex_orbit_blocks", "_real_tables", "_melonic_tables"):
        monkeypatch.setattr(enumeration, name, forbidden)


def test_order10_listing_is_refused_up_front_by_the_documented_bound(nothing_enumerated, capsys):
    # issue 21: 3 742 738 bubbles (the Burnside count) against the listing bound of 200 000, before any work
    assert main(["bubbles", "list", "--rank", "3", "--order", "10"]) == 2
    err = capsys.readouterr().err
    assert "--max-bubbles" in err and "3,742,738 bubbles" in err and "200,000" in err and "about" in err
    assert len(err.strip().splitlines()) == 1
    for argv in (["bubbles", "count", "--rank", "3", "--order", "10", "--enumerate"],
                 ["bubbles", "count", "--rank", "3", "--order", "12", "--melonic"],
                 ["bubbles", "draw", "--rank", "3", "--order", "10", "--out", "x.png"]):
        assert main(argv) == 2
        assert "--max-bubbles" in capsys.readouterr().err


def test_draw_refuses_more_than_it_can_draw_before_enumerating(nothing_enumerated, tmp_path, capsys):
    assert main(["bubbles", "draw", "--rank", "3", "--order", "6", "--out", str(tmp_path / "b.png")]) == 2
    assert "901 bubbles" in capsys.readouterr().err and not list(tmp_path.iterdir())


@pytest.mark.parametrize("rank, order, field, melonic", [(3, 30, "complex", False), (3, 30, "real", False),
                                                          (3, 30, "complex", True), (4, 25, "real", True),
                                                          (3, 10**6, "complex", False)])
def test_api_order30_enumerations_raise_a_typed_error_when_called(nothing_enumerated, rank, order, field, melonic):
    # issue 21: the API listed order-30 bubbles into a raw MemoryError; now the call itself refuses
    with pytest.raises(EnumerationTooLargeError, match="max_bubbles"):
        enumerate_bubbles(rank, order, field, melonic=melonic)
    with pytest.raises(EnumerationTooLargeError, match="max_memory"):  # without a count bound, memory refuses
        enumerate_bubbles(rank, order, field, melonic=melonic, max_bubbles=None)


def test_the_bounds_can_be_lifted_and_checked_arguments():
    assert sum(1 for _ in enumerate_bubbles(3, 5, max_bubbles=161)) == 161
    with pytest.raises(EnumerationTooLargeError, match="max_bubbles"):
        enumerate_bubbles(3, 5, max_bubbles=160)
    with pytest.raises(EnumerationTooLargeError, match="max_memory"):
        enumerate_bubbles(3, 5, max_memory=1000)
    with pytest.raises(ValueError, match="max_bubbles"):
        enumerate_bubbles(3, 5, max_bubbles=0)
    with pytest.raises(TypeError, match="progress"):
        enumerate_bubbles(3, 5, progress="yes")


@pytest.mark.parametrize("rank, orders, field", [(3, range(1, 7), "complex"), (3, range(1, 5), "real"),
                                                 (4, range(1, 5), "complex"), (2, range(1, 6), "real"),
                                                 (1, range(1, 5), "complex")])
def test_estimates_are_the_listed_numbers(rank, orders, field):
    for order in orders:
        for connected in (False, True):
            estimate = enumeration_estimate(rank, order, field, connected=connected)
            listed = sum(1 for _ in enumerate_bubbles(rank, order, field, connected=connected))
            assert estimate.exact and estimate.bubbles == listed == estimate.upper
        melonic = enumeration_estimate(rank, order, field, melonic=True)
        listed = sum(1 for _ in enumerate_bubbles(rank, order, field, melonic=True))
        assert melonic.bubbles <= listed <= melonic.upper


# ------------------------------------------------------------------ one definition of melonic
@pytest.mark.parametrize("rank", [1, 2, 3, 4])
@pytest.mark.parametrize("field", ["complex", "real"])
def test_count_and_list_agree_on_melonic_bubbles_with_is_melonic(rank, field, capsys):
    # issue 21: `count --rank 1 --order 3 --melonic` printed 1 while `list` showed one bubble marked
    # melonic=False. Oracle: is_melonic over every connected bubble of the order.
    for order in range(1, 4 if rank <= 3 else 3):
        truth = sum(is_melonic(b) for b in enumerate_bubbles(rank, order, field, connected=True))
        flags = ["--rank", str(rank), "--order", str(order), "--field", field, "--melonic"]
        assert main(["bubbles", "count", *flags]) == 0
        counted = int(capsys.readouterr().out)
        assert main(["bubbles", "list", *flags]) == 0
        lines = capsys.readouterr().out.splitlines()
        assert counted == len(lines) == truth
        assert all("melonic=True" in line for line in lines)
    if rank == 1:
        assert truth == 0  # order 3: three melons side by side, not connected


# ------------------------------------------------------------------ the listing's columns
def _reference_line(i, bubble):
    """The line of the per-bubble listing the vectorised one replaced (Bubble methods only)."""
    degree = None
    if bubble.rank >= 3:
        value = gurau_degree(bubble)
        degree = int(value) if value.denominator == 1 else float(value)
    faces = face_count(bubble) if bubble.rank >= 2 else 0
    return (f"{i:5d}  |Aut|={bubble.automorphism_count():<4d} faces={faces:<3d} degree={degree} "
            f"melonic={is_melonic(bubble)} connected={bubble.is_connected()} edges={bubble.edges()}")


def _reference_record(i, bubble):
    line = _reference_line(i, bubble)
    return {"schema": "tensornn/bubbles-list", "schema_version": 1, "index": i,
            "certificate": repr(bubble.canonical_form()[2]), "aut": bubble.automorphism_count(),
            "faces": face_count(bubble) if bubble.rank >= 2 else 0,
            "gurau_degree": None if "degree=None" in line else (
                int(gurau_degree(bubble)) if gurau_degree(bubble).denominator == 1 else float(gurau_degree(bubble))),
            "melonic": is_melonic(bubble), "connected": bubble.is_connected(),
            "edges": [list(e) for e in bubble.edges()]}


@pytest.mark.parametrize("rank, order, field, flags", [
    (3, 6, "complex", []), (3, 4, "real", []), (4, 4, "complex", []), (4, 3, "real", ["--connected"]),
    (2, 5, "complex", []), (1, 3, "complex", []), (3, 5, "complex", ["--melonic"]), (3, 3, "real", ["--melonic"]),
    (5, 3, "complex", ["--connected"]),
])
def test_listing_matches_the_per_bubble_description(rank, order, field, flags, capsys):
    argv = ["bubbles", "list", "--rank", str(rank), "--order", str(order), "--field", field, *flags]
    bubbles = list(enumerate_bubbles(rank, order, field, connected="--connected" in flags or "--melonic" in flags,
                                     melonic="--melonic" in flags))
    assert main(argv) == 0
    assert capsys.readouterr().out.splitlines() == [_reference_line(i, b) for i, b in enumerate(bubbles)]
    assert main(argv + ["--json"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert records == [_reference_record(i, b) for i, b in enumerate(bubbles)]


def test_automorphisms_from_orbit_sizes_are_the_canonical_counts():
    # |Aut| = |centraliser of the head| / |orbit of the last colour|, against the canonical search, and the
    # automorphism mass sum 1/|Aut| = (n!)^d / (n!)^2 of the whole listing (orbit-stabiliser)
    for rank, order in [(3, 6), (4, 4), (2, 6), (1, 4)]:
        chunks = list(enumeration.table_chunks(rank, order))
        aut = np.concatenate([a for _, _, a in chunks])
        bubbles = list(enumerate_bubbles(rank, order))
        assert aut.tolist() == [b.automorphism_count() for b in bubbles]
        from math import factorial

        assert sum(Fraction(1, int(a)) for a in aut) == Fraction(factorial(order) ** rank, factorial(order) ** 2)


def test_draw_shows_progress_on_a_terminal(tmp_path, capsys, monkeypatch):
    from tensornn.cli import _common

    monkeypatch.setattr(_common, "progress_wanted", lambda flag=None: True)
    out = tmp_path / "b.png"
    assert main(["bubbles", "draw", "--rank", "3", "--order", "3", "--out", str(out), "--dpi", "30"]) == 0
    err = capsys.readouterr().err
    assert "drawing 11 bubbles" in err and "11/11" in err and out.exists()
    from tensornn.bubbles.draw import save_bubble_drawings

    save_bubble_drawings(list(enumerate_bubbles(3, 2)), tmp_path / "c.png", dpi=30)
    assert capsys.readouterr().err == ""  # a library call shows no progress unless asked


# ------------------------------------------------------------------ truncations of order 30 (API)
def test_order30_truncations_are_refused_before_any_enumeration(nothing_enumerated):
    from tensornn.theory import full_truncation, melonic_truncation

    for build, args in ((melonic_truncation, (3, 30)), (full_truncation, (3, 30)), (full_truncation, (3, 30, "real")),
                        (melonic_truncation, (4, 30, "real"))):
        with pytest.raises(EnumerationTooLargeError, match="max_order: .* refused before any enumeration"):
            build(*args)


def test_truncations_below_the_bounds_are_built_as_before():
    from tensornn.theory import melonic_truncation

    assert len(melonic_truncation(3, 4)) == 1 + 3 + 6 + 19  # the melon, and 3, 6, 19 melonic bubbles of orders 2-4
    assert len(melonic_truncation(1, 30, "real")) == 1  # rank 1: the melon only, at once


@pytest.mark.parametrize("argv, fragment", [
    (["bubbles", "count", "--rank", "3", "--rank", "4", "--order", "2"], "--rank: given more than once"),
    (["bubbles", "list", "--rank", "1_0", "--order", "2"], "without '_'"),
    (["bubbles", "list", "--rank", "3", "--order", "2", "--max-bubbles", "2_000"], "--max-bubbles"),
    (["bubbles", "count", "--rank", "3", "--order", "2", "--enumerate", "--max-memory", "1_0"], "--max-memory"),
])
def test_bubbles_typos_are_errors(argv, fragment, capsys):
    # issue 21: repeated options and underscores in numbers were silently accepted by `tensornn bubbles`
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert fragment in err and len(err.strip().splitlines()) == 1 and capsys.readouterr().out == ""


def test_the_enumeration_refusal_is_a_size_limit_error():
    from tensornn.errors import InvalidArgumentError, SizeLimitError

    assert issubclass(EnumerationTooLargeError, SizeLimitError) and issubclass(SizeLimitError, InvalidArgumentError)

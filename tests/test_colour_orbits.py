"""Colour orbits from transpositions against all colour permutations, and the size bounds of the tensor preset."""

from itertools import permutations

import pytest

from tensornn.bubbles.canonical import canonical_code
from tensornn.cli.main import main
from tensornn.errors import InvalidArgumentError, TruncationError
from tensornn.flow import derive_flow, tensor_preset
from tensornn.flow.presets import MAX_LOOP_SEQUENCES, MAX_TENSOR_MEMBERS, ColourSymmetricFlow
from tensornn.theory import (
    ContinuumColour,
    LatticeColour,
    Theory,
    Truncation,
    full_truncation,
    melonic_truncation,
)


def brute_force_orbits(truncation):
    """Orbits by applying all d! colour permutations (the reference the transpositions replace)."""
    codes = []
    for member in truncation.interactions:
        kinds, adj = member.tables()
        codes.append(frozenset(canonical_code(tuple(tuple(row[p] for p in perm) for row in adj), kinds)
                               for perm in permutations(range(truncation.rank))))
    labels = {}
    return tuple(labels.setdefault(code, len(labels)) for code in codes)


@pytest.mark.parametrize("truncation", [full_truncation(3, 3), full_truncation(3, 3, "real"), full_truncation(4, 2),
                                        full_truncation(4, 2, "real"), melonic_truncation(4, 3)],
                         ids=["complex-3-sextic", "real-3-sextic", "complex-4-quartic", "real-4-quartic",
                              "melonic-4-sextic"])
def test_transposition_orbits_equal_the_permutation_orbits(truncation):
    assert truncation.colour_orbits() == brute_force_orbits(truncation)


def test_a_truncation_not_closed_under_colour_permutations_is_refused():
    partial = Truncation(melonic_truncation(3, 2).interactions[:2])  # the melon and one pillow
    with pytest.raises(TruncationError, match="not closed under colour permutations"):
        partial.colour_orbits()


def test_colour_symmetric_reduction_needs_interchangeable_colours():
    colours = (ContinuumColour(1, power=2.0, density=1.0, role="pairing"),) * 2 + (LatticeColour(1, 2.0),)
    flow = derive_flow(Theory(colours, "complex", melonic_truncation(3, 2)), projection="melonic")
    with pytest.raises(InvalidArgumentError, match="interchangeable pairing colours"):
        ColourSymmetricFlow(flow)


def test_size_bounds_are_stated_and_refused_before_the_work(capsys):
    with pytest.raises(InvalidArgumentError, match=f"bound of {MAX_TENSOR_MEMBERS:,} bubbles"):
        tensor_preset(rank=10, order=6)
    with pytest.raises(InvalidArgumentError, match=f"bound of {MAX_LOOP_SEQUENCES:,}"):
        tensor_preset(rank=10, melonic=False)
    assert main(["flow", "equations", "tensor", "--rank", "10", "--no-melonic"]) == 2
    err = capsys.readouterr().err
    assert "9,440,256 loop sequences" in err and err.count("\n") == 1

"""The derivation against its previous version: the same terms, term by term, exactly.

benchmarks/_reference_derivation.py keeps the enumeration as it was before the faster derivation (a copy of the
earlier tensornn/flow/rules.py), as the baseline of benchmarks/bench_derivation.py. It is an independent code path
for the equations: it enumerates every loop (no pruning of loops whose generated interaction is disconnected) and
identifies generated interactions by canonical codes from every root. Both must give the same list of terms
(targets, factors, threshold index and colour set, exact rational coefficients) at melonic orders 4-6 and on the
full, scalar and vector truncations, with and without the colour-symmetry reduction.
"""

import importlib.util
import pathlib

import pytest

from tensornn.flow import derive_flow
from tensornn.flow.rules import derive_terms
from tensornn.theory import (ContinuumColour, Theory, full_truncation, melonic_truncation, scalar_truncation,
                             vector_truncation)

_PATH = pathlib.Path(__file__).resolve().parents[1] / "benchmarks" / "_reference_derivation.py"


def _reference():
    spec = importlib.util.spec_from_file_location("_reference_derivation", _PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


reference = _reference()


@pytest.mark.parametrize("order", [4, 5, 6])
@pytest.mark.parametrize("projection", ["melonic", "full"])
def test_melonic_rank3_terms_equal_the_previous_derivation(order, projection):
    truncation = melonic_truncation(3, order)
    if projection == "full" and order > 4:
        pytest.skip("the full projection of orders 5 and 6 is in the slow test below (8 s and more)")
    new = derive_terms(truncation, projection=projection)
    old = reference.derive_terms(truncation, projection=projection)
    assert len(new) > 0
    assert new == old


@pytest.mark.parametrize("rank, order", [(4, 4), (4, 5), (2, 5), (5, 3)])
def test_melonic_other_ranks_equal_the_previous_derivation(rank, order):
    truncation = melonic_truncation(rank, order)
    assert derive_terms(truncation, projection="melonic") == reference.derive_terms(truncation, projection="melonic")


@pytest.mark.parametrize("field", ["complex", "real"])
@pytest.mark.parametrize("order", [2, 3])
def test_full_truncations_equal_the_previous_derivation(field, order):
    truncation = full_truncation(3, order, field)
    for projection in ("full", "melonic"):
        for symmetric in (True, False):
            new = derive_terms(truncation, projection=projection, symmetric=symmetric)
            assert new == reference.derive_terms(truncation, projection=projection, symmetric=symmetric)


@pytest.mark.parametrize("truncation, n_local", [(scalar_truncation(4), 1), (vector_truncation(4), 1),
                                                 (vector_truncation(3, "complex"), 2)])
def test_scalar_and_vector_equal_the_previous_derivation(truncation, n_local):
    assert derive_terms(truncation, n_local=n_local) == reference.derive_terms(truncation, n_local=n_local)


def test_member_orbits_equal_the_previous_derivation():
    truncation = melonic_truncation(3, 5)
    new, old = [], []
    derive_terms(truncation, projection="melonic", orbits=new)
    reference.derive_terms(truncation, projection="melonic", orbits=old)
    assert new == old == list(truncation.colour_orbits())


def test_derived_flow_equations_equal_the_previous_derivation():
    strand = ContinuumColour(1, power=2.0, density=1.0, role="pairing")
    flow = derive_flow(Theory((strand,) * 3, "complex", melonic_truncation(3, 5)), projection="melonic")
    assert flow.terms == reference.derive_terms(flow.theory.truncation, projection="melonic")


@pytest.mark.slow
def test_order_5_full_projection_equals_the_previous_derivation():
    truncation = melonic_truncation(3, 5)
    assert derive_terms(truncation, projection="full") == reference.derive_terms(truncation, projection="full")


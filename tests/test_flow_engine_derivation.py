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



@pytest.mark.parametrize("batched", [True, False])
def test_batched_and_one_at_a_time_codes_give_the_same_terms(batched, monkeypatch):
    """Large truncations code their members and loops in numpy batches, small ones one at a time: both paths."""
    from tensornn.flow import rules

    bound = 0 if batched else 10**9
    monkeypatch.setattr(rules, "BATCH_MIN_INSERTIONS", bound)
    monkeypatch.setattr(rules, "BATCH_MIN_MEMBERS", bound)
    for truncation in (melonic_truncation(3, 5), melonic_truncation(4, 4), melonic_truncation(3, 4, "real"),
                       melonic_truncation(2, 5), melonic_truncation(5, 3)):
        for symmetric in (True, False):
            assert derive_terms(truncation, projection="melonic", symmetric=symmetric) == reference.derive_terms(
                truncation, projection="melonic", symmetric=symmetric)


def test_batched_codes_are_the_codes_of_one_graph_at_a_time():
    """The numpy labellings (code, breadth-first order, |Aut|) against _labelling, graph by graph."""
    import numpy as np

    from tensornn.flow._batch_codes import labellings
    from tensornn.flow.rules import _labelling

    for truncation in (melonic_truncation(3, 5), full_truncation(3, 3), full_truncation(3, 3, "real")):
        tables = [m.tables() for m in truncation.interactions]
        for n in sorted({len(kinds) for kinds, _ in tables}):
            group = [(kinds, adj) for kinds, adj in tables if len(kinds) == n]
            codes, orders, hits, connected = labellings(
                np.array([k for k, _ in group]).reshape(len(group), n),
                np.array([a for _, a in group]).reshape(len(group), n, truncation.rank))
            for (kinds, adj), code, order, count, joined in zip(group, codes.tolist(), orders.tolist(),
                                                               hits.tolist(), connected.tolist()):
                from tensornn.bubbles.canonical import components

                assert joined == (len(components(adj)) == 1)
                if joined:
                    best, _, aut = _labelling(adj, kinds, count=True)
                    assert tuple(code) == best and count == aut
                    # the order is a breadth-first order from a root reaching the best code
                    assert sorted(order) == list(range(n))


def test_order_30_is_refused_up_front_with_its_size():
    """The scalar truncation of order 30 would follow 2^30 - 2 ordered sequences (hours): refused in seconds."""
    import time

    from tensornn.errors import InvalidArgumentError, SizeLimitError
    from tensornn.flow.rules import MAX_DERIVATION_LOOPS, derivation_size

    theory = Theory((ContinuumColour(3),), "real", scalar_truncation(30))
    start = time.process_time()
    with pytest.raises(SizeLimitError) as caught:
        derive_flow(theory)
    assert time.process_time() - start < 30  # generous on a loaded machine: the estimate takes well under a second
    message = str(caught.value)
    size = derivation_size(theory.truncation)
    # compositions of 30 into parts 1..29 (each insertion of phi^(2j) adds 2j - 2 legs): 2^30 - 2; the terms are
    # the multisets of members fitting in phi^60 (partitions), 28 627
    assert size.order == 30 and size.loops == 2**30 - 2 and size.terms == 28627
    assert "order-30" in message and f"{size.loops:,}" in message and f"{size.terms:,}" in message
    assert f"max_loops={MAX_DERIVATION_LOOPS:,}" in message and "max_loops=None" in message
    assert isinstance(caught.value, InvalidArgumentError)


def test_size_estimate_counts_scalar_loops_exactly():
    """Scalar phi^(2n) up to order n: every composition of the added legs is one sequence; the terms are exact."""
    for order in (3, 6, 10):
        truncation = scalar_truncation(order)
        size = derivation_size_of(truncation)
        assert size.loops == 2**order - 2
        assert size.terms == len(derive_terms(truncation, n_local=1))


def test_max_loops_bounds_and_lifts():
    from tensornn.errors import SizeLimitError

    truncation = melonic_truncation(3, 4)
    loops = derivation_size_of(truncation, "melonic").loops
    with pytest.raises(SizeLimitError, match="order-4"):
        derive_terms(truncation, projection="melonic", max_loops=loops - 1)
    assert derive_terms(truncation, projection="melonic", max_loops=loops) == derive_terms(
        truncation, projection="melonic", max_loops=None)
    with pytest.raises(Exception, match="max_loops"):
        derive_flow(Theory((ContinuumColour(1, role="pairing"),) * 3, "complex", truncation), max_loops=0)


def derivation_size_of(truncation, projection="full"):
    from tensornn.flow.rules import derivation_size

    return derivation_size(truncation, projection)

"""The exact orbit enumeration, its permutation-group helpers, the table-first Bubble and the memory estimate.

Oracles: the Burnside counts of tensornn.bubbles.counting, brute-force orbits over every element
of a centraliser, itertools' permutation order, the one-bubble canonical search over all roots,
and the per-component sum of jacket genera.
"""

import itertools
import random
import tracemalloc
from fractions import Fraction

import networkx as nx
import numpy as np
import pytest

from tensornn import Bubble, BubbleError
from tensornn.bubbles import _permutations as perm
from tensornn.bubbles import canonical, enumerate_bubbles, gurau_degree
from tensornn.bubbles.counting import count_bubbles, partitions, z_lambda
from tensornn.bubbles.enumerate import _complex_tables, _connected_mask, _cycle_representative
from tensornn.bubbles.invariants import jacket_genus, jackets
from tensornn.bubbles.memory import enumeration_memory


# ------------------------------------------------------------------ exactness of the orbit step
@pytest.mark.parametrize("rank, order", [(3, 1), (3, 2), (3, 5), (3, 6), (4, 4), (5, 3), (2, 6), (1, 3)])
def test_candidate_tables_are_exactly_the_classes(rank, order):
    # The enumerator does not deduplicate complex candidates: they must already be one per class.
    total, tables = _complex_tables(rank, order)
    codes = [canonical.canonical_code(adjacency, kinds) for adjacency, kinds in tables]
    assert total == len(codes) == count_bubbles(rank, order, "complex")
    assert len(set(codes)) == len(codes), "two candidates are isomorphic"


def _brute_force_minima(n, lam):
    """Smallest member of each orbit of the full centraliser of rho_lambda, by applying every element."""
    rho = _cycle_representative(lam)
    centraliser = [h for h in itertools.permutations(range(n)) if all(h[rho[i]] == rho[h[i]] for i in range(n))]
    assert len(centraliser) == z_lambda(lam)
    minima = set()
    for sigma in itertools.permutations(range(n)):
        orbit = []
        for h in centraliser:
            inv = [0] * n
            for i, j in enumerate(h):
                inv[j] = i
            orbit.append(tuple(h[sigma[inv[i]]] for i in range(n)))
        minima.add(min(orbit))
    return sorted(minima)


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
def test_orbit_minima_match_brute_force_orbits(n):
    table = perm.all_permutations(n)
    for lam in partitions(n):
        generators = perm.centraliser_generators(lam)
        got = [tuple(p) for p in table[perm.conjugation_orbit_minima(n, generators)].tolist()]
        assert got == _brute_force_minima(n, lam), lam


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6, 7])
def test_centraliser_generators_generate_the_centraliser(n):
    for lam in partitions(n):
        rho = _cycle_representative(lam)
        generators = np.array(perm.centraliser_generators(lam), dtype=np.int8).reshape(-1, n)
        assert perm.commuting(generators, [rho]).all()
        order = len(perm.group_elements(generators)) if len(generators) else 1
        assert order == z_lambda(lam), lam


def test_permutation_tables_ranks_and_generating_sets():
    for n in range(1, 7):
        table = perm.all_permutations(n)
        assert [tuple(p) for p in table.tolist()] == list(itertools.permutations(range(n)))
        assert np.array_equal(perm.lex_rank(table), np.arange(len(table)))
        assert np.array_equal(np.take_along_axis(table, perm.inverse(table).astype(np.intp), axis=1),
                              np.broadcast_to(np.arange(n), table.shape))
    table = perm.all_permutations(5)
    for lam in partitions(5):
        group = table[perm.commuting(table, [_cycle_representative(lam)])]
        generators = perm.generating_set(group)
        assert len(generators) <= max(1, int(np.log2(len(group))))
        if len(group) > 1:
            assert np.array_equal(perm.group_elements(generators), perm.lex_rank(group))


def test_connected_mask_agrees_with_components():
    total, tables = _complex_tables(3, 5)
    adjacency = np.array([a for a, _ in tables])
    expected = [len(canonical.components(a)) == 1 for a in adjacency.tolist()]
    assert _connected_mask(adjacency).tolist() == expected
    assert sum(expected) == 97  # connected U(N)^3 bubbles of order 5


# ------------------------------------------------------------------ canonical search shortcut
def _all_roots_minimum(adjacency, kinds, vertices):
    lowest = min(kinds[v] for v in vertices)
    best, hits = None, 0
    for root in vertices:
        if kinds[root] == lowest:
            code = canonical._rooted_code(adjacency, kinds, root)
            if best is None or code < best:
                best, hits = code, 1
            elif code == best:
                hits += 1
    return best, hits


def test_root_filter_changes_no_code_and_no_count():
    # Arbitrary vertex markings as well (the flow rules mark vertices with kinds 0/1/2).
    rng = random.Random(7)
    cases = [(3, 5, "complex"), (3, 4, "real"), (4, 3, "complex"), (4, 3, "real"), (2, 4, "real")]
    for rank, order, field in cases:
        for b in enumerate_bubbles(rank, order, field):
            adjacency = b.adjacency
            markings = [b._kinds] + [tuple(rng.randint(0, top) for _ in adjacency) for top in (1, 2)]
            for kinds in markings:
                for comp in canonical.components(adjacency):
                    expected = _all_roots_minimum(adjacency, kinds, comp)
                    assert canonical._component_minimum(adjacency, kinds, comp) == expected


def test_gurau_degree_equals_the_sum_of_component_genera():
    for field in ("complex", "real"):
        for b in enumerate_bubbles(3, 4, field):
            by_component = sum(jacket_genus(c, j) for c in b.connected_components() for j in jackets(3))
            assert gurau_degree(b) == by_component


# ------------------------------------------------------------------ the table-first Bubble
def test_graph_is_built_from_the_table_and_frozen():
    b = Bubble.from_permutations([(1, 2, 0), (0, 2, 1), (2, 1, 0)])
    graph = b.graph
    assert graph is b.graph and nx.is_frozen(graph)
    assert list(graph.nodes) == list(range(6))
    assert [graph.nodes[v]["kind"] for v in range(6)] == list(b.kinds)
    assert sorted((u, v, d["colour"]) for u, v, d in graph.edges(data=True)) == sorted(b.edges())
    again = Bubble(nx.MultiGraph(graph), 3, "complex")
    assert again.is_labelled_equal(b)


def test_from_edges_numbers_vertices_in_order_of_appearance():
    b = Bubble.from_edges([("x", "y", 1), ("x", "y", 2)], kinds=None)
    assert b.adjacency == ((1, 1), (0, 0))
    c = Bubble.from_edges([("b", "a", 1)], rank=1, field="complex", kinds={"a": "white", "b": "black"})
    assert c.kinds == ("white", "black")


def test_subbubble_needs_whole_components():
    b = Bubble.from_permutations([(0, 1), (0, 1), (0, 1)])  # the double trace: components {0, 2}, {1, 3}
    assert b.subbubble([1, 3]).is_labelled_equal(Bubble.from_permutations([(0,), (0,), (0,)]))
    with pytest.raises(BubbleError, match="union of connected components"):
        b.subbubble([0, 1])


def test_structure_is_cached_and_consistent_with_relabelling():
    b = Bubble.from_permutations([(1, 2, 0), (0, 2, 1), (2, 1, 0)])
    assert b.automorphism_count() == canonical.automorphism_count(b.adjacency, b._kinds)
    moved = b.relabelled([3, 4, 5, 0, 1, 2])
    assert moved.canonical_form() == b.canonical_form() and moved.kinds == ("white",) * 3 + ("black",) * 3


# ------------------------------------------------------------------ memory estimate
@pytest.mark.parametrize("rank, order, field, melonic", [(3, 7, "complex", False), (3, 4, "real", False),
                                                          (3, 5, "complex", True)])
def test_memory_estimate_bounds_the_traced_peak(rank, order, field, melonic):
    list(enumerate_bubbles(rank, order - 1, field, melonic=melonic))  # import lazily loaded modules first
    for cache in (perm.all_permutations, perm._columns, perm._codes):
        cache.cache_clear()
    tracemalloc.start()
    try:
        for _ in enumerate_bubbles(rank, order, field, melonic=melonic):
            pass
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak <= enumeration_memory(rank, order, field, melonic=melonic)


def test_automorphism_mass_of_order7_from_the_exact_listing():
    # Orbit-stabiliser on the full rank-3 order-7 listing (5579 classes): sum 1/|Aut| = (7!)^3 / (7!)^2.
    mass = sum(Fraction(1, b.automorphism_count()) for b in enumerate_bubbles(3, 7))
    assert mass == 5040

"""Canonical forms and automorphism counts of coloured graphs.

A bubble is a properly edge-coloured d-regular graph: every vertex has exactly one edge of each
colour. In a connected such graph an isomorphism is fixed by the image of a single vertex, so a
breadth-first traversal that visits neighbours in colour order, started at a root, labels the
vertices canonically *relative to that root*. The smallest code over all roots is a certificate
of the component; the sorted tuple of component certificates is a certificate of the graph. Two
bubbles have equal certificates exactly when a colour- and type-preserving isomorphism exists.

The number of roots that reach the smallest code is the automorphism count of a connected
component; for a disconnected graph multiply the component counts and the factorials of the
multiplicities of isomorphic components.

These functions work on plain adjacency tables so that enumerators can call them without
building networkx graphs: ``adjacency[v][c]`` is the neighbour of vertex ``v`` through colour
``c + 1`` and ``kinds[v]`` is an int (0 for black or real vertices, 1 for white ones).
Cost: O(V^2 d) for V vertices of rank d.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from math import factorial

__all__ = [
    "component_codes",
    "canonical_code",
    "automorphism_count",
    "automorphisms_of",
    "code_of",
    "components",
]

Code = tuple[int, ...]


def components(adjacency: Sequence[Sequence[int]]) -> list[list[int]]:
    """Vertex sets of the connected components, each sorted, ordered by smallest vertex."""
    seen = [False] * len(adjacency)
    result = []
    for start in range(len(adjacency)):
        if seen[start]:
            continue
        seen[start] = True
        comp = [start]
        for v in comp:  # breadth first: ``comp`` grows while it is walked
            for w in adjacency[v]:
                if not seen[w]:
                    seen[w] = True
                    comp.append(w)
        comp.sort()
        result.append(comp)
    return result


def _rooted_code(adjacency, kinds, root: int) -> Code:
    label = [-1] * len(adjacency)
    label[root] = 0
    order = [root]
    append = order.append
    for v in order:  # breadth first: ``order`` grows while it is walked
        for w in adjacency[v]:
            if label[w] < 0:
                label[w] = len(order)
                append(w)
    code = [kinds[v] for v in order]
    code += [label[w] for v in order for w in adjacency[v]]
    return tuple(code)


def _first_row_pattern(row) -> tuple[int, ...]:
    """Labels 1, 2, ... given to the neighbours of a root in colour order (first occurrence)."""
    seen: dict[int, int] = {}
    return tuple(seen.setdefault(w, len(seen) + 1) for w in row)


def _likely_roots(adjacency, kinds, vertices, roots):
    """The ``roots`` of the component ``vertices`` that can reach the smallest code; the others
    provably have larger codes.

    A rooted code is ``K + L``: K the kinds in breadth-first order, L the neighbour labels.

    - One kind in the component: K is the same from every root and L starts with the labels of
      the root's own neighbours, 1, 2, ... in order of first occurrence. Only roots whose first
      row gives the smallest such pattern can win.
    - Two kinds, and every edge joins both (complex bubbles): the kind of a vertex is fixed by its
      depth parity, so K = low, high^a1, low^a2, high^a3, ... with a_k the size of layer k. A
      root with fewer distinct neighbours a1 has ``low`` where the others have ``high`` (its
      second layer is not empty, or its component would be smaller), so only the roots with the
      fewest distinct neighbours can win; among those, for the same reason, only the ones with
      the largest second layer a2.

    Otherwise all roots are kept. The filter changes no code and no count of roots reaching the
    minimum, only how many codes are computed.
    """
    if len(roots) < 2:
        return roots
    if len(roots) == len(vertices):  # one kind in the component
        patterns = [_first_row_pattern(adjacency[r]) for r in roots]
        smallest = min(patterns)
        return [r for r, p in zip(roots, patterns) if p == smallest]
    if len({kinds[v] for v in vertices}) != 2 or any(kinds[w] == kinds[v] for v in vertices for w in adjacency[v]):
        return roots
    first = [set(adjacency[r]) for r in roots]
    fewest = min(len(f) for f in first)
    kept = [(r, f) for r, f in zip(roots, first) if len(f) == fewest]
    if len(kept) < 2:
        return [r for r, _ in kept]
    second = [len({x for w in f for x in adjacency[w]}) for _, f in kept]
    largest = max(second)
    return [r for (r, _), size in zip(kept, second) if size == largest]


def _component_minimum(adjacency, kinds, vertices) -> tuple[Code, int]:
    # Roots are restricted to the vertices of the smallest kind present (an isomorphism-invariant
    # choice). Automorphisms of a connected coloured graph act freely, and the roots reaching the
    # smallest code form one orbit, so their number is |Aut| of the component.
    lowest = min(kinds[v] for v in vertices)
    best, hits = None, 0
    for root in _likely_roots(adjacency, kinds, vertices, [v for v in vertices if kinds[v] == lowest]):
        code = _rooted_code(adjacency, kinds, root)
        if best is None or code < best:
            best, hits = code, 1
        elif code == best:
            hits += 1
    if best is None:
        raise ValueError("a component needs at least one vertex")
    return best, hits


def component_codes(adjacency, kinds, parts=None) -> list[tuple[Code, int]]:
    """(canonical code, number of roots reaching it) for every connected component.

    ``parts`` are the components when already known (as :func:`components` returns them).
    """
    return [_component_minimum(adjacency, kinds, comp) for comp in (parts or components(adjacency))]


def code_of(per_component) -> tuple[Code, ...]:
    """The graph certificate from :func:`component_codes`: the sorted tuple of component codes."""
    return tuple(sorted(code for code, _ in per_component))


def automorphisms_of(per_component) -> int:
    """|Aut| from :func:`component_codes`: product of the component counts and of the factorials
    of the multiplicities of isomorphic components."""
    total = 1
    for _, hits in per_component:
        total *= hits
    for multiplicity in Counter(code for code, _ in per_component).values():
        total *= factorial(multiplicity)
    return total


def canonical_code(adjacency, kinds) -> tuple[Code, ...]:
    """Sorted tuple of component codes: equal for two graphs exactly when they are isomorphic."""
    return code_of(component_codes(adjacency, kinds))


def automorphism_count(adjacency, kinds) -> int:
    """Number of colour- and type-preserving automorphisms."""
    return automorphisms_of(component_codes(adjacency, kinds))

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

__all__ = ["component_codes", "canonical_code", "automorphism_count", "components"]

Code = tuple[int, ...]


def components(adjacency: Sequence[Sequence[int]]) -> list[list[int]]:
    """Vertex sets of the connected components, each sorted, ordered by smallest vertex."""
    seen = [False] * len(adjacency)
    result = []
    for start in range(len(adjacency)):
        if seen[start]:
            continue
        seen[start] = True
        stack, comp = [start], [start]
        while stack:
            v = stack.pop()
            for w in adjacency[v]:
                if not seen[w]:
                    seen[w] = True
                    stack.append(w)
                    comp.append(w)
        result.append(sorted(comp))
    return result


def _rooted_code(adjacency, kinds, root: int) -> Code:
    label = [-1] * len(adjacency)
    label[root] = 0
    order = [root]
    i = 0
    while i < len(order):
        for w in adjacency[order[i]]:
            if label[w] < 0:
                label[w] = len(order)
                order.append(w)
        i += 1
    code = [kinds[v] for v in order]
    for v in order:
        code.extend([label[w] for w in adjacency[v]])
    return tuple(code)


def _component_minimum(adjacency, kinds, vertices) -> tuple[Code, int]:
    # Roots are restricted to the vertices of the smallest kind present (an isomorphism-invariant
    # choice). Automorphisms of a connected coloured graph act freely, and the roots reaching the
    # smallest code form one orbit, so their number is |Aut| of the component.
    lowest = min(kinds[v] for v in vertices)
    best, hits = None, 0
    for root in vertices:
        if kinds[root] != lowest:
            continue
        code = _rooted_code(adjacency, kinds, root)
        if best is None or code < best:
            best, hits = code, 1
        elif code == best:
            hits += 1
    return best, hits


def component_codes(adjacency, kinds) -> list[tuple[Code, int]]:
    """(canonical code, number of roots reaching it) for every connected component."""
    return [_component_minimum(adjacency, kinds, comp) for comp in components(adjacency)]


def canonical_code(adjacency, kinds) -> tuple[Code, ...]:
    """Sorted tuple of component codes: equal for two graphs exactly when they are isomorphic."""
    return tuple(sorted(code for code, _ in component_codes(adjacency, kinds)))


def automorphism_count(adjacency, kinds) -> int:
    """Number of colour- and type-preserving automorphisms."""
    per_component = component_codes(adjacency, kinds)
    total = 1
    for _, hits in per_component:
        total *= hits
    for multiplicity in Counter(code for code, _ in per_component).values():
        total *= factorial(multiplicity)
    return total

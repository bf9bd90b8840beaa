"""The :class:`Bubble`: an interaction of a tensor field theory as an edge-coloured multigraph.

Vertices are the fields of an invariant monomial; an edge of colour c joins two fields whose
colour-c indices are identified and summed. Every vertex carries exactly one edge of each colour
1..d. For complex fields vertices are black (phi) or white (phibar) and every edge joins a black
and a white vertex. See docs/theory/bubbles.md and docs/bubbles.md.

A Bubble stores its validated adjacency table (``adjacency[v][c - 1]``, the colour-c neighbour
of v) and vertex kinds; every structural question (canonical form, automorphisms, components,
faces, evaluation) is answered from the table. The networkx multigraph behind :attr:`Bubble.graph`
is built once, frozen, the first time it is asked for.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from .._checks import check_choice, check_int
from ..errors import BubbleError
from . import canonical as _canonical

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["Bubble", "FIELDS", "KINDS"]

#: The field types a bubble can belong to.
FIELDS = ("real", "complex")
#: Vertex types: real fields have "real" vertices, complex ones "black" (phi) and "white" (phibar).
KINDS = {"real": ("real",), "complex": ("black", "white")}
_KIND_CODE = {"real": 0, "black": 0, "white": 1}
_KIND_NAME = {"real": ("real", "real"), "complex": ("black", "white")}


class Bubble:
    """A bubble: a properly d-edge-coloured multigraph, optionally bipartite black/white.

    Parameters
    ----------
    graph : networkx.MultiGraph
        Vertices with the attribute ``kind`` (``"black"``/``"white"`` for complex fields; optional
        and ``"real"`` for real ones), edges with the attribute ``colour`` in ``1..rank``. Vertex
        labels may be any hashables; they are relabelled ``0..V-1`` in iteration order.
    rank : int
        The number of colours d >= 0 (rank 0 is a product of fields with no index, used for
        local interactions such as phi^4).
    field : {"real", "complex"}
        Real (O(N)^d) or complex (U(N)^d) fields.

    Notes
    -----
    Equality and hashing compare isomorphism classes (colour- and type-preserving), which is what
    "the same interaction" means; use :meth:`is_labelled_equal` for equality of labelled graphs.
    The canonical form and the automorphism count are computed together once and cached.

    Examples
    --------
    >>> b = Bubble.from_permutations([(1, 0), (1, 0), (0, 1)])   # complex quartic pillow
    >>> b.rank, b.field, b.n_vertices, b.automorphism_count()
    (3, 'complex', 4, 2)
    """

    __slots__ = ("_graph", "_rank", "_field", "_adjacency", "_kinds", "_certificate", "_aut", "_memo")

    def __init__(self, graph: nx.MultiGraph, rank: int, field: str = "real"):
        import networkx as nx

        rank = check_int("rank", rank, minimum=0)
        field = check_choice("field", field, FIELDS)
        if not isinstance(graph, nx.MultiGraph) or graph.is_directed():
            raise BubbleError(f"graph must be an undirected networkx.MultiGraph, got {type(graph).__name__}")
        if graph.number_of_nodes() == 0:
            raise BubbleError("a bubble needs at least one vertex; the graph is empty")
        edges = ((u, v, data.get("colour")) for u, v, data in graph.edges(data=True))
        adjacency, kinds = _validated_table(graph.nodes(data="kind"), edges, rank, field)
        self._set(adjacency, kinds, rank, field)

    def _set(self, adjacency, kinds, rank, field):
        self._adjacency, self._kinds, self._rank, self._field = adjacency, kinds, rank, field
        self._graph = self._certificate = self._aut = self._memo = None

    @classmethod
    def _from_table(cls, adjacency, kinds, rank: int, field: str) -> "Bubble":
        """A bubble from a table known to be valid (no checks), kind codes 0/1.

        ``adjacency`` is a tuple of tuples of ints, or the same table packed as the bytes of a
        C-ordered int16 array of shape (V, rank) (the enumerator's form; unpacked on first use).
        """
        bubble = cls.__new__(cls)
        bubble._set(adjacency, kinds, rank, field)
        return bubble

    def _table(self) -> tuple[tuple[int, ...], ...]:
        table = self._adjacency
        if type(table) is not tuple:
            rows = np.frombuffer(table, dtype=np.int16).reshape(len(self._kinds), self._rank).tolist()
            table = self._adjacency = tuple(map(tuple, rows))
        return table

    def _cache(self) -> dict:
        """Results of table computations (components, faces); the table never changes."""
        if self._memo is None:
            self._memo = {}
        return self._memo

    # ---------------------------------------------------------------- constructors
    @classmethod
    def from_permutations(cls, permutations: Sequence[Sequence[int]]) -> "Bubble":
        """Complex bubble from a d-tuple of permutations of ``range(n)``.

        Black vertex ``i`` (label ``i``) is joined by colour ``c`` to white vertex
        ``sigma_c(i)`` (label ``n + sigma_c(i)``).
        """
        perms = [tuple(p) for p in permutations]
        if not perms:
            raise BubbleError("from_permutations needs at least one permutation (one per colour)")
        n = len(perms[0])
        for c, p in enumerate(perms, start=1):
            if sorted(p) != list(range(n)) or n == 0:
                raise BubbleError(f"colour {c}: {p!r} is not a permutation of range({n}) (n = size of colour 1's)")
        inverses = [[0] * n for _ in perms]
        for inverse, p in zip(inverses, perms):
            for i, j in enumerate(p):
                inverse[j] = i
        black = [tuple(n + p[i] for p in perms) for i in range(n)]
        white = [tuple(inverse[j] for inverse in inverses) for j in range(n)]
        return cls._from_table(tuple(black + white), (0,) * n + (1,) * n, len(perms), "complex")

    @classmethod
    def from_matchings(cls, matchings: Sequence[Iterable[Sequence[int]]]) -> "Bubble":
        """Real bubble from a d-tuple of perfect matchings of ``range(2n)`` (lists of pairs)."""
        ms = [[tuple(pair) for pair in m] for m in matchings]
        if not ms:
            raise BubbleError("from_matchings needs at least one matching (one per colour)")
        size = 2 * len(ms[0])
        for c, m in enumerate(ms, start=1):
            points = sorted(x for pair in m for x in pair)
            if any(len(pair) != 2 for pair in m) or points != list(range(size)) or size == 0:
                raise BubbleError(f"colour {c}: {m!r} is not a perfect matching of range({size})")
        table = [[0] * len(ms) for _ in range(size)]
        for c, m in enumerate(ms):
            for u, v in m:
                table[u][c], table[v][c] = v, u
        return cls._from_table(tuple(map(tuple, table)), (0,) * size, len(ms), "real")

    @classmethod
    def from_edges(
        cls,
        edges: Iterable[Sequence],
        *,
        rank: int | None = None,
        field: str = "real",
        kinds: Mapping | None = None,
    ) -> "Bubble":
        """Bubble from ``(u, v, colour)`` triples.

        ``kinds`` maps every vertex to ``"black"`` or ``"white"`` (complex fields only). ``rank``
        defaults to the largest colour used. Vertices are numbered ``0..V-1`` in the order of
        ``kinds`` and then of their first appearance in ``edges``.
        """
        edges = [tuple(e) for e in edges]
        for e in edges:
            if len(e) != 3:
                raise BubbleError(f"edges must be (u, v, colour) triples, got {e!r}")
        if rank is None:
            colours = [c for _, _, c in edges if isinstance(c, int)]
            rank = max(colours, default=0)
        rank = check_int("rank", rank, minimum=0)
        field = check_choice("field", field, FIELDS)
        nodes = dict(kinds or {})
        for u, v, _ in edges:
            nodes.setdefault(u, None)
            nodes.setdefault(v, None)
        if not nodes:
            raise BubbleError("a bubble needs at least one vertex; the graph is empty")
        adjacency, codes = _validated_table(nodes.items(), edges, rank, field)
        return cls._from_table(adjacency, codes, rank, field)

    # ---------------------------------------------------------------- data
    @property
    def rank(self) -> int:
        """Number of colours d."""
        return self._rank

    @property
    def field(self) -> str:
        """``"real"`` or ``"complex"``."""
        return self._field

    @property
    def graph(self) -> nx.MultiGraph:
        """The (frozen) networkx multigraph, vertices ``0..V-1``, built from the table on first use."""
        if self._graph is None:
            import networkx as nx

            names = _KIND_NAME[self._field]
            graph = nx.MultiGraph()
            graph.add_nodes_from((v, {"kind": names[k]}) for v, k in enumerate(self._kinds))
            graph.add_edges_from((u, v, {"colour": c}) for u, v, c in self.edges())
            self._graph = nx.freeze(graph)
        return self._graph

    @property
    def n_vertices(self) -> int:
        """Number of vertices (fields) V."""
        return len(self._kinds)

    @property
    def order(self) -> int:
        """n: the number of black vertices (complex) or half the vertices (real), rounded down."""
        if self._field == "complex":
            return self._kinds.count(0)
        return self.n_vertices // 2

    @property
    def kinds(self) -> tuple[str, ...]:
        """Vertex types in label order."""
        names = _KIND_NAME[self._field]
        return tuple(names[k] for k in self._kinds)

    @property
    def adjacency(self) -> tuple[tuple[int, ...], ...]:
        """``adjacency[v][c - 1]`` is the neighbour of vertex v through colour c."""
        return self._table()

    def neighbour(self, vertex: int, colour: int) -> int:
        """The vertex joined to ``vertex`` by its edge of colour ``colour`` (1-based)."""
        return self._table()[vertex][colour - 1]

    def edges(self, colour: int | None = None) -> list[tuple[int, int, int]]:
        """Edges as sorted ``(u, v, colour)`` triples with u < v, optionally of one colour."""
        colours = range(1, self._rank + 1) if colour is None else (colour,)
        return [(v, row[c - 1], c) for c in colours for v, row in enumerate(self._table())
                if 1 <= c <= self._rank and v < row[c - 1]]

    # ---------------------------------------------------------------- structure
    def _components(self) -> list[list[int]]:
        """Vertex lists of the connected components (cached; do not modify)."""
        memo = self._cache()
        parts = memo.get("components")
        if parts is None:
            parts = memo["components"] = _canonical.components(self._table())
        return parts

    def _structure(self):
        codes = _canonical.component_codes(self._table(), self._kinds, self._components())
        self._certificate = (self._field, self._rank, _canonical.code_of(codes))
        self._aut = _canonical.automorphisms_of(codes)

    def canonical_form(self) -> tuple:
        """Hashable certificate, equal for two bubbles exactly when they are isomorphic."""
        if self._certificate is None:
            self._structure()
        return self._certificate

    def is_isomorphic(self, other: "Bubble") -> bool:
        """True when a colour- and type-preserving isomorphism maps this bubble onto ``other``."""
        if not isinstance(other, Bubble):
            raise BubbleError(f"can only compare with another Bubble, got {type(other).__name__}")
        return self.canonical_form() == other.canonical_form()

    def automorphism_count(self) -> int:
        """|Aut(B)|: the number of colour- and type-preserving automorphisms."""
        if self._aut is None:
            self._structure()
        return self._aut

    def connected_components(self) -> list["Bubble"]:
        """The connected components as bubbles of the same rank and field."""
        return [self.subbubble(comp) for comp in self._components()]

    def is_connected(self) -> bool:
        """True when the bubble has one connected component."""
        return len(self._components()) == 1

    def subbubble(self, vertices: Iterable[int]) -> "Bubble":
        """The bubble induced on a union of connected components (vertices renumbered in increasing order)."""
        chosen = sorted(set(vertices))
        if not chosen:
            raise BubbleError("a bubble needs at least one vertex; the vertex set is empty")
        if chosen[0] < 0 or chosen[-1] >= self.n_vertices:
            raise BubbleError(f"vertices must lie in range({self.n_vertices}), got {chosen!r}")
        new = {v: i for i, v in enumerate(chosen)}
        table = []
        for v in chosen:
            row = []
            for c, w in enumerate(self._table()[v], start=1):
                if w not in new:
                    raise BubbleError(
                        f"vertex {v} is missing colour {c} in the induced graph (its colour-{c} neighbour {w} is "
                        "not among the vertices); pass a union of connected components"
                    )
                row.append(new[w])
            table.append(tuple(row))
        return Bubble._from_table(tuple(table), tuple(self._kinds[v] for v in chosen), self._rank, self._field)

    def relabelled(self, permutation: Sequence[int]) -> "Bubble":
        """The same bubble with vertex ``v`` renamed ``permutation[v]``."""
        perm = list(permutation)
        if sorted(perm) != list(range(self.n_vertices)):
            raise BubbleError(f"permutation must be a permutation of range({self.n_vertices}), got {perm!r}")
        table: list[tuple[int, ...]] = [()] * self.n_vertices
        kinds = [0] * self.n_vertices
        for v, row in enumerate(self._table()):
            table[perm[v]] = tuple(perm[w] for w in row)
            kinds[perm[v]] = self._kinds[v]
        return Bubble._from_table(tuple(table), tuple(kinds), self._rank, self._field)

    def to_real(self) -> "Bubble":
        """The real bubble obtained by forgetting the black/white types."""
        return Bubble._from_table(self._table(), (0,) * self.n_vertices, self._rank, "real")

    def is_labelled_equal(self, other: "Bubble") -> bool:
        """True when both bubbles have the same labelled vertices, types and edges."""
        return (
            isinstance(other, Bubble)
            and (self._field, self._rank, self._kinds, self._table())
            == (other._field, other._rank, other._kinds, other._table())
        )

    def __eq__(self, other):
        if not isinstance(other, Bubble):
            return NotImplemented
        return self.canonical_form() == other.canonical_form()

    def __hash__(self):
        return hash(self.canonical_form())

    def __repr__(self):
        edges = ", ".join(f"({u},{v},{c})" for u, v, c in self.edges())
        kinds = "".join({"black": "b", "white": "w", "real": "r"}[k] for k in self.kinds)
        return f"Bubble(field={self._field!r}, rank={self._rank}, kinds={kinds!r}, edges=[{edges}])"


def _validated_table(nodes, edges, rank: int, field: str):
    """Check the colouring and types; return (adjacency table, kind codes) with vertices numbered in node order.

    ``nodes`` yields (label, kind or None) pairs, ``edges`` (u, v, colour) triples.
    """
    allowed_kinds = KINDS[field]
    mapping: dict = {}
    kinds: list[int] = []
    for v, kind in nodes:
        if kind is None and field == "real":
            kind = "real"
        if kind not in allowed_kinds:
            raise BubbleError(
                f"vertex {v!r} has kind {kind!r}; a {field} bubble needs kind in {allowed_kinds}"
                + (" (set the node attribute 'kind' or pass kinds=...)" if field == "complex" else "")
            )
        mapping[v] = len(kinds)
        kinds.append(_KIND_CODE[kind])
    table: list[list[int | None]] = [[None] * rank for _ in mapping]
    for u, v, c in edges:
        if isinstance(c, bool) or not isinstance(c, int) or not 1 <= c <= rank:
            raise BubbleError(f"edge ({u!r}, {v!r}) has colour {c!r}; colours must be integers in 1..{rank}")
        if u == v:
            raise BubbleError(f"vertex {u!r} carries colour {c} twice (a self-loop of colour {c})")
        iu, iv = mapping[u], mapping[v]
        if field == "complex" and kinds[iu] == kinds[iv]:
            kind = "black" if kinds[iu] == 0 else "white"
            raise BubbleError(
                f"edge ({u!r}, {v!r}) of colour {c} joins two {kind} vertices; complex bubbles are bipartite"
            )
        for a, b, label in ((iu, iv, u), (iv, iu, v)):
            if table[a][c - 1] is not None:
                raise BubbleError(f"vertex {label!r} carries colour {c} twice")
            table[a][c - 1] = b
    for v, row in zip(mapping, table):
        missing = [c for c, w in enumerate(row, start=1) if w is None]
        if missing:
            raise BubbleError(f"vertex {v!r} is missing colour(s) {missing}; every vertex needs one edge of each colour")
    return tuple(tuple(row) for row in table), tuple(kinds)

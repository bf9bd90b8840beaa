"""The :class:`Bubble`: an interaction of a tensor field theory as an edge-coloured multigraph.

Vertices are the fields of an invariant monomial; an edge of colour c joins two fields whose
colour-c indices are identified and summed. Every vertex carries exactly one edge of each colour
1..d. For complex fields vertices are black (phi) or white (phibar) and every edge joins a black
and a white vertex. See docs/theory/bubbles.md and docs/bubbles.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import networkx as nx

from .._checks import check_choice, check_int
from ..errors import BubbleError
from . import canonical as _canonical

__all__ = ["Bubble", "FIELDS", "KINDS"]

#: The field types a bubble can belong to.
FIELDS = ("real", "complex")
#: Vertex types: real fields have "real" vertices, complex ones "black" (phi) and "white" (phibar).
KINDS = {"real": ("real",), "complex": ("black", "white")}
_KIND_CODE = {"real": 0, "black": 0, "white": 1}


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

    Examples
    --------
    >>> b = Bubble.from_permutations([(1, 0), (1, 0), (0, 1)])   # complex quartic pillow
    >>> b.rank, b.field, b.n_vertices, b.automorphism_count()
    (3, 'complex', 4, 2)
    """

    __slots__ = ("_graph", "_rank", "_field", "_adjacency", "_kinds", "_certificate")

    def __init__(self, graph: nx.MultiGraph, rank: int, field: str = "real"):
        self._rank = check_int("rank", rank, minimum=0)
        self._field = check_choice("field", field, FIELDS)
        if not isinstance(graph, nx.MultiGraph) or graph.is_directed():
            raise BubbleError(f"graph must be an undirected networkx.MultiGraph, got {type(graph).__name__}")
        if graph.number_of_nodes() == 0:
            raise BubbleError("a bubble needs at least one vertex; the graph is empty")
        self._graph, self._adjacency, self._kinds = _validated(graph, self._rank, self._field)
        self._certificate = None

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
        graph = nx.MultiGraph()
        graph.add_nodes_from(range(n), kind="black")
        graph.add_nodes_from(range(n, 2 * n), kind="white")
        for c, p in enumerate(perms, start=1):
            graph.add_edges_from((i, n + p[i], {"colour": c}) for i in range(n))
        return cls(graph, len(perms), "complex")

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
        graph = nx.MultiGraph()
        graph.add_nodes_from(range(size), kind="real")
        for c, m in enumerate(ms, start=1):
            graph.add_edges_from((u, v, {"colour": c}) for u, v in m)
        return cls(graph, len(ms), "real")

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
        defaults to the largest colour used.
        """
        edges = [tuple(e) for e in edges]
        for e in edges:
            if len(e) != 3:
                raise BubbleError(f"edges must be (u, v, colour) triples, got {e!r}")
        graph = nx.MultiGraph()
        if kinds is not None:
            for v, kind in kinds.items():
                graph.add_node(v, kind=kind)
        for u, v, c in edges:
            graph.add_edge(u, v, colour=c)
        if rank is None:
            colours = [c for _, _, c in edges if isinstance(c, int)]
            rank = max(colours, default=0)
        return cls(graph, rank, field)

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
        """The (frozen) networkx multigraph, vertices ``0..V-1``."""
        return self._graph

    @property
    def n_vertices(self) -> int:
        """Number of vertices (fields) V."""
        return len(self._kinds)

    @property
    def order(self) -> int:
        """n: the number of black vertices (complex) or half the vertices (real), rounded down."""
        if self._field == "complex":
            return sum(1 for k in self._kinds if k == 0)
        return self.n_vertices // 2

    @property
    def kinds(self) -> tuple[str, ...]:
        """Vertex types in label order."""
        return tuple(self._graph.nodes[v]["kind"] for v in range(self.n_vertices))

    @property
    def adjacency(self) -> tuple[tuple[int, ...], ...]:
        """``adjacency[v][c - 1]`` is the neighbour of vertex v through colour c."""
        return self._adjacency

    def neighbour(self, vertex: int, colour: int) -> int:
        """The vertex joined to ``vertex`` by its edge of colour ``colour`` (1-based)."""
        return self._adjacency[vertex][colour - 1]

    def edges(self, colour: int | None = None) -> list[tuple[int, int, int]]:
        """Edges as sorted ``(u, v, colour)`` triples with u < v, optionally of one colour."""
        out = []
        for v, row in enumerate(self._adjacency):
            for c, w in enumerate(row, start=1):
                if v < w and (colour is None or c == colour):
                    out.append((v, w, c))
        return sorted(out, key=lambda e: (e[2], e[0], e[1]))

    # ---------------------------------------------------------------- structure
    def canonical_form(self) -> tuple:
        """Hashable certificate, equal for two bubbles exactly when they are isomorphic."""
        if self._certificate is None:
            self._certificate = (self._field, self._rank, _canonical.canonical_code(self._adjacency, self._kinds))
        return self._certificate

    def is_isomorphic(self, other: "Bubble") -> bool:
        """True when a colour- and type-preserving isomorphism maps this bubble onto ``other``."""
        if not isinstance(other, Bubble):
            raise BubbleError(f"can only compare with another Bubble, got {type(other).__name__}")
        return self.canonical_form() == other.canonical_form()

    def automorphism_count(self) -> int:
        """|Aut(B)|: the number of colour- and type-preserving automorphisms."""
        return _canonical.automorphism_count(self._adjacency, self._kinds)

    def connected_components(self) -> list["Bubble"]:
        """The connected components as bubbles of the same rank and field."""
        return [self.subbubble(comp) for comp in _canonical.components(self._adjacency)]

    def is_connected(self) -> bool:
        """True when the bubble has one connected component."""
        return len(_canonical.components(self._adjacency)) == 1

    def subbubble(self, vertices: Iterable[int]) -> "Bubble":
        """The bubble induced on a union of connected components."""
        return Bubble(nx.MultiGraph(self._graph.subgraph(list(vertices))), self._rank, self._field)

    def relabelled(self, permutation: Sequence[int]) -> "Bubble":
        """The same bubble with vertex ``v`` renamed ``permutation[v]``."""
        perm = list(permutation)
        if sorted(perm) != list(range(self.n_vertices)):
            raise BubbleError(f"permutation must be a permutation of range({self.n_vertices}), got {perm!r}")
        graph = nx.MultiGraph()
        graph.add_nodes_from(sorted(((perm[v], d) for v, d in self._graph.nodes(data=True)), key=lambda x: x[0]))
        graph.add_edges_from((perm[u], perm[v], d) for u, v, d in self._graph.edges(data=True))
        return Bubble(graph, self._rank, self._field)

    def to_real(self) -> "Bubble":
        """The real bubble obtained by forgetting the black/white types."""
        graph = nx.MultiGraph(self._graph)
        nx.set_node_attributes(graph, "real", "kind")
        return Bubble(graph, self._rank, "real")

    def is_labelled_equal(self, other: "Bubble") -> bool:
        """True when both bubbles have the same labelled vertices, types and edges."""
        return (
            isinstance(other, Bubble)
            and (self._field, self._rank, self._kinds, self._adjacency)
            == (other._field, other._rank, other._kinds, other._adjacency)
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


def _validated(graph: nx.MultiGraph, rank: int, field: str):
    """Check the colouring and types; return (frozen relabelled graph, adjacency, kind codes)."""
    allowed_kinds = KINDS[field]
    mapping = {v: i for i, v in enumerate(graph.nodes)}
    kinds = []
    for v, data in graph.nodes(data=True):
        kind = data.get("kind", "real" if field == "real" else None)
        if kind not in allowed_kinds:
            raise BubbleError(
                f"vertex {v!r} has kind {kind!r}; a {field} bubble needs kind in {allowed_kinds}"
                + (" (set the node attribute 'kind' or pass kinds=...)" if field == "complex" else "")
            )
        kinds.append(_KIND_CODE[kind])
    table: list[list[int | None]] = [[None] * rank for _ in mapping]
    for u, v, data in graph.edges(data=True):
        c = data.get("colour")
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
    relabelled = nx.relabel_nodes(graph, mapping, copy=True)
    for v, code in enumerate(kinds):
        relabelled.nodes[v]["kind"] = allowed_kinds[code] if field == "complex" else "real"
    ordered = nx.MultiGraph()
    ordered.add_nodes_from(sorted(relabelled.nodes(data=True), key=lambda x: x[0]))
    ordered.add_edges_from((u, v, {"colour": d["colour"]}) for u, v, d in relabelled.edges(data=True))
    adjacency = tuple(tuple(row) for row in table)
    return nx.freeze(ordered), adjacency, tuple(kinds)

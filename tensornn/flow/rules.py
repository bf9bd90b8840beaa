"""One-loop rules: the structure of every beta function of a truncation (docs/theory/flow.md).

The vertex expansion of the Wetterich equation,

    d_t Gamma = 1/2 sum_L (-1)^L Tr[d_t R G (F G)^L],

is evaluated at zero external momenta by combinatorics alone. F is cut open at an ordered pair
(u, w) of distinct legs of an interaction; a loop chains L such insertions, the propagator joining
the cut leg w_i of insertion i to the cut leg u_{i+1} of the next one (for complex fields only a
phi leg to a phibar leg). Then

1. colour c passes through an insertion when u, w lie in one block of c (a pairing edge, or
   always for a local colour);
2. S = colours passing through every insertion; the loop is the threshold sum L_{L+1}^S;
3. blocks are merged along the propagators colour by colour and the cut legs deleted; an empty
   block is a closed face (a colour of S); the rest is the generated interaction, looked up in
   the truncation by canonical form (terms outside it are dropped);
4. the coefficient is 1/2 (-1)^L prod g, summed over ordered sequences of insertions and cut pairs.

Two exact reductions keep the enumeration small: cut pairs related by an automorphism of the
interaction generate the same terms (one representative per orbit, weighted by the orbit size),
and a loop and its cyclic rotations generate the same term (one representative per rotation
class, weighted by the number of distinct rotations).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .._checks import check_choice
from ..bubbles.canonical import canonical_code, components
from ..errors import TruncationError

__all__ = ["Term", "derive_terms", "loop_sequence_count", "PROJECTIONS"]

PROJECTIONS = ("full", "melonic")


@dataclass(frozen=True)
class Term:
    """One term of d_t g_target = coefficient * prod(g_factors) * L_n^S.

    Attributes
    ----------
    target : int
        Index of the coupling whose beta function receives the term.
    factors : tuple of int
        Indices of the couplings in the product (sorted, with repetition); length L = loops.
    n : int
        Threshold index L + 1 (number of propagators plus the d_t R insertion).
    colours : frozenset of int
        S: indices (into ``Theory.ordered_colours``) of the colours summed inside the loop.
    coefficient : Fraction
        Exact rational coefficient, including 1/2 (-1)^L and the counting of sequences.
    """

    target: int
    factors: tuple
    n: int
    colours: frozenset
    coefficient: Fraction


@dataclass(frozen=True)
class _Insertion:
    member: int
    kinds: tuple
    adjacency: tuple
    u: int
    w: int
    weight: int
    passing: frozenset  # pairing colours (0-based) joining u and w
    added_legs: int


def _insertions(truncation, projection):
    d_p = truncation.rank
    out = []
    for index, member in enumerate(truncation.interactions):
        if member.n_legs <= 2:
            continue
        kinds, adj = member.tables()
        orbits = {}
        for u in range(len(kinds)):
            for w in range(len(kinds)):
                if u == w:
                    continue
                passing = frozenset(c for c in range(d_p) if adj[u][c] == w)
                if projection == "melonic" and len(passing) != d_p - 1:
                    continue
                marked = list(kinds)
                marked[u] += 2
                marked[w] += 4
                key = canonical_code(adj, tuple(marked))
                if key in orbits:
                    orbits[key][1] += 1
                else:
                    orbits[key] = [(u, w, passing), 1]
        for (u, w, passing), weight in orbits.values():
            out.append(_Insertion(index, kinds, adj, u, w, weight, passing, len(kinds) - 2))
    return out


def _rotation_weight(seq):
    """Number of distinct rotations if seq is the smallest of its rotations, else 0."""
    n = len(seq)
    for r in range(1, n):
        rot = seq[r:] + seq[:r]
        if rot < seq:
            return 0
        if rot == seq:
            return r
    return n


def _signature(kinds, adjacency, d_p):
    """Cheap isomorphism invariant: leg counts, faces per colour pair, connected components.

    Used to skip the canonical code of generated interactions that cannot be in the truncation.
    """
    n = len(kinds)
    faces = []
    for i in range(d_p):
        for j in range(i + 1, d_p):
            seen = [False] * n
            count = 0
            for v in range(n):
                if seen[v]:
                    continue
                count += 1
                w, colour = v, i
                while not seen[w]:
                    seen[w] = True
                    w = adjacency[w][colour]
                    colour = j if colour == i else i
            faces.append(count)
    return n, sum(kinds), tuple(faces), len(components(adjacency)) if d_p else n


def _generated(sequence, insertions, d_p):
    """Kinds and pairing adjacency of the interaction generated by a loop of insertions."""
    L = len(sequence)
    ins = [insertions[i] for i in sequence]
    labels = {}
    kinds = []
    for i, x in enumerate(ins):
        for a in range(len(x.kinds)):
            if a != x.u and a != x.w:
                labels[(i, a)] = len(kinds)
                kinds.append(x.kinds[a])
    adjacency = [[0] * d_p for _ in kinds]
    for (i, a), label in labels.items():
        for c in range(d_p):
            j, b = i, ins[i].adjacency[a][c]
            while b == ins[j].u or b == ins[j].w:
                if b == ins[j].w:
                    j = (j + 1) % L
                    q = ins[j].u
                else:
                    j = (j - 1) % L
                    q = ins[j].w
                b = ins[j].adjacency[q][c]
            adjacency[label][c] = labels[(j, b)]
    return tuple(kinds), tuple(tuple(r) for r in adjacency)


def _sequence_count(insertions, max_legs):
    """Number of insertion sequences with at most ``max_legs`` added legs (an upper bound of the loops visited)."""
    ways = [0] * (max_legs + 1)
    ways[0] = 1
    added = [x.added_legs for x in insertions]
    for legs in range(1, max_legs + 1):
        ways[legs] = sum(ways[legs - a] for a in added if 0 < a <= legs)
    zero = sum(1 for a in added if a == 0)
    return sum(ways[1:]) + zero  # an insertion that adds no leg closes a loop on its own (tadpoles of 2-leg targets)


def loop_sequence_count(truncation, projection: str = "full") -> int:
    """Upper bound of the loops :func:`derive_terms` visits: ordered insertion sequences within the largest member.

    The derivation's cost is proportional to it (about half a million sequences per second); the
    presets refuse truncations above a bound instead of running for minutes.
    """
    check_choice("projection", projection, PROJECTIONS)
    insertions = _insertions(truncation, projection)
    return _sequence_count(insertions, max(m.n_legs for m in truncation.interactions))


def derive_terms(truncation, n_local: int = 0, projection: str = "full", complex_field: bool | None = None):
    """All one-loop terms of the truncation's beta functions.

    Parameters
    ----------
    truncation : Truncation
        Interactions over d_p pairing colours (colour c -> index c - 1 of S).
    n_local : int
        Number of local colours (indices d_p .. d_p + n_local - 1 of S); they pass every vertex.
    projection : {"full", "melonic"}
        "melonic": keep only loops whose every cut pair is a (d_p - 1)-dipole (docs/theory/flow.md).

    Returns
    -------
    list of Term
        Merged by (target, factors, n, colours), zero coefficients removed, sorted.
    """
    check_choice("projection", projection, PROJECTIONS)
    d_p = truncation.rank
    if projection == "melonic" and d_p < 2:
        raise TruncationError(
            f"the melonic projection needs at least 2 pairing colours, the truncation has {d_p}; use projection='full'"
        )
    complex_field = truncation.field == "complex" if complex_field is None else complex_field
    targets, signatures = {}, set()
    for index, member in enumerate(truncation.interactions):
        kinds, adj = member.tables()
        targets[canonical_code(adj, kinds)] = index
        signatures.add(_signature(kinds, adj, d_p))
    target_legs = {m.n_legs for m in truncation.interactions}
    max_legs = max(target_legs)
    insertions = _insertions(truncation, projection)
    local = frozenset(range(d_p, d_p + n_local))
    all_pairing = frozenset(range(d_p))
    acc = {}
    by_legs = sorted(((k, x.added_legs) for k, x in enumerate(insertions)), key=lambda kx: kx[1])
    following = {"all": by_legs, None: by_legs}
    for kind in (0, 1):  # after a cut leg w of this type the next u must have the other type
        following[kind] = [(k, a) for k, a in by_legs if insertions[k].kinds[insertions[k].u] != kind]

    def visit(seq, legs):
        if seq and legs in target_legs:
            L = len(seq)
            last, first = insertions[seq[-1]], insertions[seq[0]]
            closes = not complex_field or last.kinds[last.w] != first.kinds[first.u]
            rotations = _rotation_weight(tuple(seq)) if closes else 0
            if rotations:
                kinds, adj = _generated(seq, insertions, d_p)
                target = None
                if _signature(kinds, adj, d_p) in signatures:
                    target = targets.get(canonical_code(adj, kinds))
                if target is not None:
                    passing = all_pairing
                    weight = rotations
                    for i in seq:
                        passing = passing & insertions[i].passing
                        weight *= insertions[i].weight
                    factors = tuple(sorted(insertions[i].member for i in seq))
                    key = (target, factors, L + 1, passing | local)
                    acc[key] = acc.get(key, 0) + Fraction((-1) ** L * weight, 2)
        if seq:
            prev = insertions[seq[-1]]
            candidates = following[prev.kinds[prev.w]] if complex_field else following[None]
        else:
            candidates = following["all"]
        start = seq[0] if seq else 0
        for k, added in candidates:
            if legs + added > max_legs:
                break  # candidates are sorted by the legs they add
            if k < start:
                continue  # the first insertion is the smallest of the loop (rotation representative)
            seq.append(k)
            visit(seq, legs + added)
            seq.pop()

    visit([], 0)
    terms = [Term(t, f, n, S, c) for (t, f, n, S), c in acc.items() if c != 0]
    terms.sort(key=lambda T: (T.target, T.n, T.factors, sorted(T.colours)))
    return terms

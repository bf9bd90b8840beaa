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

from bisect import bisect_left
from dataclasses import dataclass
from fractions import Fraction
from itertools import repeat
from math import factorial
from typing import NamedTuple

from .._checks import check_choice
from ..bubbles.canonical import components
from ..errors import SizeLimitError, TruncationError

__all__ = ["Term", "derive_terms", "loop_sequence_count", "derivation_size", "DerivationSize", "MAX_DERIVATION_LOOPS",
           "PROJECTIONS"]

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


class _Insertion:
    """One orbit of cut pairs (u, w) of a member, with its strand tables.

    Strand tables, computed on the first loop through the insertion (most insertions of a large truncation start
    no loop that is the smallest of its colour orbit) and kept: ``kept_kinds``, the kinds of the legs other than
    u, w (in order); ``exits[i][c]``, where colour c leads from kept leg i (>= 0: the kept leg of that index; -1:
    into w, on to the next insertion; -2: into u, back to the previous one); ``through_u[c]`` / ``through_w[c]``:
    entering at u (w), the kept leg reached, or -1 when the strand passes straight on to w (u).
    """

    __slots__ = ("member", "kinds", "adjacency", "u", "w", "weight", "passing", "added_legs", "kept_kinds", "exits",
                 "through_u", "through_w")

    def __init__(self, member, kinds, adjacency, u, w, weight, passing, added_legs):
        self.member, self.kinds, self.adjacency, self.u, self.w = member, kinds, adjacency, u, w
        self.weight, self.passing, self.added_legs = weight, passing, added_legs
        self.exits = None

    def build(self):
        """Compute the strand tables (once)."""
        kinds, adjacency, u, w = self.kinds, self.adjacency, self.u, self.w
        rank = list(range(len(kinds)))
        for a in range(max(u, w) + 1, len(kinds)):
            rank[a] -= 2
        if u < w:
            for a in range(u + 1, w):
                rank[a] -= 1
        else:
            for a in range(w + 1, u):
                rank[a] -= 1
        kept = [a for a in range(len(kinds)) if a != u and a != w]
        self.kept_kinds = tuple([kinds[a] for a in kept])
        rank[w], rank[u] = -1, -2
        self.exits = tuple([tuple([rank[b] for b in adjacency[a]]) for a in kept])
        rank[w], rank[u] = -1, -1  # through u a strand meeting w goes straight on (and through w meeting u)
        self.through_u = tuple([rank[b] for b in adjacency[u]])
        self.through_w = tuple([rank[b] for b in adjacency[w]])


def _component_roots(adjacency, kinds, marked):
    """Roots for the code of a graph with a uniquely marked vertex: the marked one, and the smallest-kind
    vertices of the components that do not contain it."""
    n = len(kinds)
    seen = [False] * n
    _reach(adjacency, marked, seen)
    return [marked] + [v for v in range(n) if not seen[v]]


def _reach(adjacency, start, seen) -> list:
    """The vertices reachable from ``start`` and not yet ``seen`` (depth first); marks them seen."""
    seen[start] = True
    stack, members = [start], [start]
    while stack:
        v = stack.pop()
        for w in adjacency[v]:
            if not seen[w]:
                seen[w] = True
                stack.append(w)
                members.append(w)
    return members


def _marked_key(adj, kinds, u, w):
    marked = list(kinds)
    marked[u] += 2
    marked[w] += 4
    return _code(adj, tuple(marked), roots=_component_roots(adj, marked, u))


class _Members:
    """The members of a truncation as the derivation needs them, computed once.

    ``tables[i]``: (kinds, adjacency); ``connected[i]``; ``labellings[i]``: (code, breadth-first order, |Aut|) of a
    connected member, else None; ``codes[i]``: the canonical code (:func:`_code`; for a connected member the 1-tuple
    of its labelling's code); ``profiles[i]`` (on first use): the vertex profiles (:func:`_profiles`). With two or
    more pairing colours the labellings are computed in numpy batches (:func:`_batch_codes.labellings`, the same
    codes).
    """

    def __init__(self, truncation):
        self.tables = [m.tables() for m in truncation.interactions]
        n_members = len(self.tables)
        d_p = truncation.rank
        self._profiles = None
        self.connected = [False] * n_members
        self.labellings: list = [None] * n_members
        self.codes: list = [None] * n_members
        largest = max(len(kinds) for kinds, _ in self.tables)
        if d_p >= 2 and n_members >= BATCH_MIN_MEMBERS and _batch_codes_fit(largest, d_p):
            import numpy as np

            from ._batch_codes import labellings

            by_size: dict = {}
            for i, (kinds, _) in enumerate(self.tables):
                by_size.setdefault(len(kinds), []).append(i)
            for n, group in by_size.items():
                kinds = np.array([self.tables[i][0] for i in group], dtype=np.int64).reshape(len(group), n)
                adjacency = np.array([self.tables[i][1] for i in group], dtype=np.int64).reshape(len(group), n, d_p)
                codes, orders, hits, connected = labellings(kinds, adjacency)
                for i, code, order, count, joined in zip(group, codes.tolist(), orders.tolist(), hits.tolist(),
                                                         connected.tolist()):
                    if joined:
                        self.connected[i] = True
                        self.labellings[i] = (tuple(code), order, count)
                        self.codes[i] = (tuple(code),)
        for i, (kinds, adj) in enumerate(self.tables):
            if self.codes[i] is not None:
                continue
            connected = len(components(adj)) == 1 if adj and adj[0] else len(kinds) == 1
            profiles = _profiles(adj, kinds)
            labelling = _labelling(adj, kinds, count=True, profiles=profiles) if connected else None
            self.connected[i] = connected
            self.labellings[i] = labelling
            self.codes[i] = (labelling[0],) if connected else _code(adj, kinds, profiles=profiles)

    @property
    def profiles(self) -> list:
        if self._profiles is None:
            self._profiles = [_profiles(adj, kinds) for kinds, adj in self.tables]
        return self._profiles


def _cut_pairs(adj, d_p, melonic, sets):
    """The ordered cut pairs (u, w) of a member with the colours joining them (melonic: its (d_p - 1)-dipoles).

    ``sets`` maps a tuple of colour flags to one shared frozenset of colours (filled as the pairs are met).
    """
    n = len(adj)
    for u in range(n):
        row = adj[u]
        if melonic:
            partners = sorted([w for w in set(row) if row.count(w) == d_p - 1])
        else:
            partners = [w for w in range(n) if w != u]
        for w in partners:
            flags = tuple([b == w for b in row])
            passing = sets.get(flags)
            if passing is None:
                passing = sets[flags] = frozenset([c for c in range(d_p) if flags[c]])
            yield u, w, passing


def _insertions(truncation, projection, index=None, members=None):
    """One insertion per orbit of ordered cut pairs (u, w) of every member.

    ``index`` (a dict, optional) receives (member, u, w) -> position of the insertion of that pair's orbit, for
    every ordered pair kept; ``members``: the truncation's :class:`_Members`, when already computed.
    """
    d_p = truncation.rank
    members = members or _Members(truncation)
    out = []
    sets: dict = {}  # the colours joining u to w, as a tuple of flags -> one shared frozenset
    melonic = projection == "melonic"
    for member_index, member in enumerate(truncation.interactions):
        if member.n_legs <= 2:
            continue
        kinds, adj = members.tables[member_index]
        n = len(kinds)
        # without automorphisms every cut pair is an orbit of its own: no marked codes needed
        labelling = members.labellings[member_index]
        asymmetric = d_p > 0 and labelling is not None and labelling[2] == 1
        if asymmetric:  # every cut pair an orbit of its own, in the order of the pairs
            for u, w, passing in _cut_pairs(adj, d_p, melonic, sets):
                if index is not None:
                    index[member_index, u, w] = len(out)
                out.append(_Insertion(member_index, kinds, adj, u, w, 1, passing, n - 2))
            continue
        orbits = {}
        for u, w, passing in _cut_pairs(adj, d_p, melonic, sets):
            if d_p == 0:  # local legs: every permutation of the legs of one kind is an automorphism
                key = (kinds[u], kinds[w])
            else:
                key = _marked_key(adj, kinds, u, w)
            if key in orbits:
                orbits[key][1] += 1
                orbits[key][2].append((u, w))
            else:
                orbits[key] = [(u, w, passing), 1, [(u, w)]]
        for (u, w, passing), weight, pairs in orbits.values():
            if index is not None:
                for pair in pairs:
                    index[(member_index,) + pair] = len(out)
            out.append(_Insertion(member_index, kinds, adj, u, w, weight, passing, len(kinds) - 2))
    return out


def _rooted(adjacency, kinds, root, best):
    """Code of the component of ``root`` labelled by breadth-first search in colour order, or None if above ``best``.

    The code lists, vertex by vertex in the order of the search, its kind and the labels of its neighbours (a
    neighbour met for the first time gets the next label). Two rooted components have equal codes exactly when a
    colour- and kind-preserving isomorphism maps one root to the other. (The roots are few, restricted by the
    vertex profiles, so the code is built whole and compared once.)
    """
    label = [-1] * len(kinds)
    label[root] = 0
    order = [root]
    code = []
    for v in order:  # grows while it is read: the breadth-first queue
        code.append(kinds[v])
        for w in adjacency[v]:
            b = label[w]
            if b < 0:
                b = label[w] = len(order)
                order.append(w)
            code.append(b)
    result = tuple(code)
    return None if best is not None and result > best else result


def _profiles(adjacency, kinds):
    """Per vertex an isomorphism invariant: its kind and the length of its face of every colour pair.

    The faces of colours (i, j) are the cycles alternating between the two colours; every vertex lies on exactly
    one. An isomorphism preserves the profiles, so the roots of a canonical code may be restricted to the
    vertices of the smallest profile (usually one or two instead of every vertex of the smallest kind), and the
    sorted profiles are a cheap necessary condition for two graphs to be isomorphic.
    """
    n = len(kinds)
    d_p = len(adjacency[0]) if n else 0
    columns = [kinds]
    for i in range(d_p):
        for j in range(i + 1, d_p):
            lengths = [0] * n
            for v in range(n):
                if lengths[v]:
                    continue
                cycle = [v]
                w = adjacency[adjacency[v][i]][j]  # two steps (colour i, then j) per turn of the face
                while w != v:
                    cycle.append(w)
                    w = adjacency[adjacency[w][i]][j]
                length = 2 * len(cycle)
                for x in cycle:
                    lengths[x] = length
                    lengths[adjacency[x][i]] = length
            columns.append(lengths)
    return list(zip(*columns))


def _code(adjacency, kinds, roots=None, profiles=None):
    """Canonical code of a coloured graph: the sorted codes of its components, each the smallest over its roots.

    Roots are the vertices of the smallest profile (:func:`_profiles`) in each component (an invariant choice),
    or the given ``roots`` (a vertex marked by a kind of its own is a root by itself). Used for the interactions
    of a truncation and the ones loops generate, so both sides of a lookup are coded the same way.
    """
    n = len(kinds)
    if roots is None and profiles is None:
        profiles = _profiles(adjacency, kinds)
    seen = [False] * n
    codes = []
    for start in range(n):
        if seen[start]:
            continue
        members = _reach(adjacency, start, seen)
        if roots is None:
            lowest = min([profiles[v] for v in members])
            candidates = [v for v in members if profiles[v] == lowest]
        else:
            candidates = [r for r in roots if seen[r] and r in members]
        best = None
        for root in candidates:
            code = _rooted(adjacency, kinds, root, best)
            if code is not None and (best is None or code < best):
                best = code
        codes.append(best)
    return tuple(sorted(codes))


def _labelling(adjacency, kinds, count=False, profiles=None):
    """(code, vertex order) of a connected graph: the breadth-first order from the root of the smallest code.

    The roots are the vertices of the smallest profile, as in :func:`_code` (the same code). With ``count`` also
    the number of roots that reach it, |Aut| of the graph (automorphisms of a connected coloured graph act freely
    on the vertices and preserve the profiles).
    """
    if profiles is None:
        profiles = _profiles(adjacency, kinds)
    lowest = min(profiles)
    best, order, hits = None, None, 0
    for root in range(len(kinds)):
        if profiles[root] != lowest:
            continue
        code = _rooted(adjacency, kinds, root, best)
        if code is not None and best is not None and code == best:
            hits += 1
        if code is not None and (best is None or code < best):
            best, hits = code, 1
            label = {root: 0}
            order = [root]
            i = 0
            while i < len(order):
                for w in adjacency[order[i]]:
                    if w not in label:
                        label[w] = len(order)
                        order.append(w)
                i += 1
    return (best, order, hits) if count else (best, order)


#: Truncations with at least this many insertions (members) have their loops' interactions (their members) coded
#: in numpy batches; below, one at a time in Python is faster (the batches' fixed cost is a few milliseconds).
BATCH_MIN_INSERTIONS = 1000
BATCH_MIN_MEMBERS = 100

#: Colour symmetry is used to enumerate loops up to colour permutations when d_p! is at most this.
MAX_SYMMETRY_GROUP = 120


def _colour_action(truncation, insertions, index, members):
    """The permutations of the pairing colours as maps on members and insertions, or None when not applicable.

    For sigma in S_d (sigma != identity): ``colour`` (c -> sigma(c)), ``member`` (the member whose bubble is the
    colour-permuted one) and ``insertion`` (the insertion orbit the permuted cut pair falls in). Needs connected
    members (the canonical labelling gives the vertex map) and a truncation closed under colour permutations;
    used only when d_p! <= MAX_SYMMETRY_GROUP.

    The d - 1 adjacent transpositions act on every member through the canonical labellings of the members with two
    colours swapped (numpy batches of all members of a size, :func:`_batch_codes.labellings`); the other
    permutations by composing their maps.
    """
    import numpy as np

    from ._batch_codes import labellings

    d_p = truncation.rank
    if d_p < 2 or factorial(d_p) > MAX_SYMMETRY_GROUP:
        return None
    tables = members.tables
    if not all(members.connected):
        return None
    labelled = members.labellings
    member_of = {labelling[0]: i for i, labelling in enumerate(labelled)}
    by_size: dict = {}
    for i, (kinds, _) in enumerate(tables):
        by_size.setdefault(len(kinds), []).append(i)
    arrays = {n: (np.array([tables[i][0] for i in group], dtype=np.int64).reshape(len(group), n),
                  np.array([tables[i][1] for i in group], dtype=np.int64).reshape(len(group), n, d_p))
              for n, group in by_size.items()}

    # every ordered pair (u, w) of a member as one flat position: member offset + u n + w -> its insertion
    sizes = np.array([len(kinds) for kinds, _ in tables], dtype=np.int64)
    pair_offset = np.zeros(len(tables), dtype=np.int64)
    pair_offset[1:] = np.cumsum(sizes * sizes)[:-1]
    vertex_offset = np.zeros(len(tables), dtype=np.int64)
    vertex_offset[1:] = np.cumsum(sizes)[:-1]
    pair_insertion = np.full(int((sizes * sizes).sum()), -1, dtype=np.int64)
    keys = np.array(list(index), dtype=np.int64).reshape(len(index), 3)
    pair_insertion[pair_offset[keys[:, 0]] + keys[:, 1] * sizes[keys[:, 0]] + keys[:, 2]] = list(index.values())
    ins_member = np.array([x.member for x in insertions], dtype=np.int64)
    ins_u = np.array([x.u for x in insertions], dtype=np.int64)
    ins_w = np.array([x.w for x in insertions], dtype=np.int64)
    label_orders = {n: np.array([labelled[i][1] for i in group], dtype=np.int64).reshape(len(group), n)
                    for n, group in by_size.items()}
    slot = np.zeros(len(tables), dtype=np.int64)  # position of a member within its size group
    for group in by_size.values():
        slot[group] = np.arange(len(group))

    def generator(c):
        """The action of the transposition of colours c and c + 1, from canonical labellings."""
        sigma = list(range(d_p))
        sigma[c], sigma[c + 1] = c + 1, c
        swap = np.array(sigma)
        member_map = np.zeros(len(tables), dtype=np.int64)
        phi = np.zeros(int(sizes.sum()), dtype=np.int64)  # vertex maps, flat: vertex_offset[i] + a -> b
        for n, group in by_size.items():
            kinds, adjacency = arrays[n]
            codes, orders, _, _ = labellings(kinds, adjacency[:, :, swap])
            images = [member_of.get(tuple(code)) for code in codes.tolist()]
            if any(j is None for j in images):
                return None  # not closed under colour permutations
            group_array = np.array(group, dtype=np.int64)
            member_map[group_array] = images
            rows = np.arange(len(group))[:, None]
            maps = np.empty((len(group), n), dtype=np.int64)
            maps[rows, orders] = label_orders[n][slot[np.array(images, dtype=np.int64)]]
            phi[vertex_offset[group_array][:, None] + np.arange(n)] = maps
        j = member_map[ins_member]
        base = vertex_offset[ins_member]
        insertion_map = pair_insertion[pair_offset[j] + phi[base + ins_u] * sizes[j] + phi[base + ins_w]]
        if (insertion_map < 0).any():
            return None  # a cut pair mapped outside the kept pairs: no colour symmetry to use
        return tuple(sigma), tuple(member_map.tolist()), tuple(insertion_map.tolist())

    generators = [generator(c) for c in range(d_p - 1)]
    if any(g is None for g in generators):
        return None
    # the whole group by composing the generators' maps (breadth first from the identity)
    identity = (tuple(range(d_p)), tuple(range(len(tables))), tuple(range(len(insertions))))
    group = {identity[0]: identity}
    frontier = [identity]
    while frontier:
        following = []
        for sigma, member_map, maps in frontier:
            for g_sigma, g_members, g_maps in generators:
                composed_sigma = tuple([g_sigma[c] for c in sigma])
                if composed_sigma not in group:
                    composed = (composed_sigma, tuple([g_members[m] for m in member_map]),
                                tuple([g_maps[k] for k in maps]))
                    group[composed_sigma] = composed
                    following.append(composed)
        frontier = following
    return [group[sigma] for sigma in sorted(group) if sigma != identity[0]]


def _member_orbits(n_members, actions):
    """Orbit of every member under the colour permutations (numbered by their first member)."""
    orbit = [-1] * n_members
    count = 0
    for i in range(n_members):
        if orbit[i] < 0:
            orbit[i] = count
            for _, member_map, _ in actions:
                orbit[member_map[i]] = count
            count += 1
    return orbit


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


def _generated(sequence, insertions, d_p):
    """Kinds and pairing adjacency of the interaction generated by a loop of insertions.

    The kept legs of insertion i are labelled from base[i]; a strand leaving a kept leg into the cut leg w
    continues at u of the next insertion (into u: at w of the previous one) until it reaches a kept leg. Where
    the strand of colour c arrives is found once per insertion and colour: the translation table of colour c
    maps an exit b of the insertion's tables to offset + b (a kept leg), or through index -1 (into w) and -2
    (into u) to the leg reached in the following or preceding insertions.
    """
    L = len(sequence)
    ins = [insertions[i] for i in sequence]
    for x in ins:
        if x.exits is None:
            x.build()
    base, kinds = [], []
    for x in ins:
        base.append(len(kinds))
        kinds.extend(x.kept_kinds)
    adjacency = []
    colours = range(d_p)
    for i, x in enumerate(ins):
        own = list(range(base[i], base[i] + len(x.kept_kinds)))
        tables = []
        for c in colours:
            if c in x.passing:  # u and w joined by c: no kept leg leads into them, the strand passes by
                tables.append(own)
                continue
            j = i
            while True:  # forward through u of the following insertions
                j = j + 1 if j + 1 < L else 0
                b = ins[j].through_u[c]
                if b >= 0:
                    break
            forward = base[j] + b
            j = i
            while True:  # backward through w of the preceding insertions
                j = j - 1 if j else L - 1
                b = ins[j].through_w[c]
                if b >= 0:
                    break
            tables.append(own + [base[j] + b, forward])
        for exits in x.exits:
            adjacency.append(tuple(map(list.__getitem__, tables, exits)))
    return tuple(kinds), tuple(adjacency)


def _sequence_count(insertions, max_legs):
    """Number of insertion sequences with at most ``max_legs`` added legs (an upper bound of the loops visited)."""
    ways = [0] * (max_legs + 1)
    ways[0] = 1
    added: dict = {}  # legs added -> number of insertions adding them
    for x in insertions:
        added[x.added_legs] = added.get(x.added_legs, 0) + 1
    for legs in range(1, max_legs + 1):
        ways[legs] = sum(ways[legs - a] * count for a, count in added.items() if 0 < a <= legs)
    zero = added.get(0, 0)
    return sum(ways[1:]) + zero  # an insertion that adds no leg closes a loop on its own (tadpoles of 2-leg targets)


def loop_sequence_count(truncation, projection: str = "full") -> int:
    """Upper bound of the loops :func:`derive_terms` visits: ordered insertion sequences within the largest member.

    The derivation's cost grows with it (less the colour-symmetry reduction and the memo of generated tables); the
    presets refuse truncations above a bound instead of running for minutes.
    """
    check_choice("projection", projection, PROJECTIONS)
    insertions = _insertions(truncation, projection)
    return _sequence_count(insertions, max(m.n_legs for m in truncation.interactions))


class DerivationSize(NamedTuple):
    """Up-front size of a derivation (:func:`derivation_size`): no loop is enumerated to find it.

    Attributes
    ----------
    order : int
        The truncation's order (black vertices of its largest member; fields / 2 for real fields).
    loops : int
        Estimated loops the enumeration follows: ordered insertion sequences within the largest member (only
        sequences of one missing colour when the derivation skips the others), divided by the number of colour
        permutations when it enumerates one loop per colour orbit.
    terms : int
        Estimated terms: the multisets of members whose insertions fit in the largest member (the distinct
        products of couplings; a product may feed several targets and threshold sets, or none).
    """

    order: int
    loops: int
    terms: int


#: ``derive_terms`` (and so ``derive_flow``) refuses, before enumerating, a truncation whose estimated loops
#: (:func:`derivation_size`) exceed this: about a minute of work on one core (the rank-3 melonic truncation of
#: order 8 is estimated at about 2 x 10^6 and takes a few seconds; the scalar one of order 30 at 10^8).
MAX_DERIVATION_LOOPS = 20_000_000


def derivation_size(truncation, projection: str = "full", symmetric: bool = True) -> DerivationSize:
    """Estimate the work and the size of :func:`derive_terms` for ``truncation`` without enumerating a loop.

    Counts ordered insertion sequences and multisets of members by the legs they add (dynamic programming over
    the leg count), so it costs what the insertions cost (polynomial in the members).
    """
    check_choice("projection", projection, PROJECTIONS)
    members = _Members(truncation)
    return _size(truncation, symmetric, members, _insertions(truncation, projection, members=members))


def _size(truncation, symmetric, members, insertions) -> DerivationSize:
    max_legs = max(m.n_legs for m in truncation.interactions)
    d_p = truncation.rank
    all_pairing = frozenset(range(d_p))
    missing = _missing(insertions, all_pairing)
    if d_p >= 2 and all(members.connected) and insertions and all(len(m) == 1 for m in missing):
        colours: dict = {}
        for x, m in zip(insertions, missing):
            colours.setdefault(min(m), []).append(x)
        loops = sum(_sequence_count(group, max_legs) for group in colours.values())
    else:
        loops = _sequence_count(insertions, max_legs)
    if symmetric and 2 <= d_p and factorial(d_p) <= MAX_SYMMETRY_GROUP and all(members.connected):
        loops = max(1, loops // factorial(d_p))
    # multisets of members (each member once per multiset slot) by the legs their insertions add
    added = [m.n_legs - 2 for m in truncation.interactions if m.n_legs > 2]
    ways = [0] * (max_legs + 1)
    ways[0] = 1
    for a in added:
        if 0 < a <= max_legs:
            for legs in range(a, max_legs + 1):
                ways[legs] += ways[legs - a]
    order = max(truncation.interactions, key=lambda m: m.n_legs).bubble.order
    return DerivationSize(order, loops, sum(ways[1:]))


def _missing(insertions, all_pairing) -> list:
    """The colours each insertion's cut pair is not joined by (one shared set per distinct set)."""
    shared: dict = {}
    out = []
    for x in insertions:
        m = shared.get(x.passing)
        if m is None:
            m = shared[x.passing] = all_pairing - x.passing
        out.append(m)
    return out


def _check_size(truncation, projection, symmetric, max_loops, members, insertions):
    """Raise SizeLimitError when the estimated loops of the derivation exceed ``max_loops`` (None: no bound)."""
    if max_loops is None:
        return
    size = _size(truncation, symmetric, members, insertions)
    if size.loops > max_loops:
        raise SizeLimitError(
            f"the {projection!r} derivation of this order-{size.order} truncation ({len(truncation)} members) would "
            f"follow about {size.loops:,} loops for about {size.terms:,} terms, above the bound max_loops="
            f"{max_loops:,} (about a minute of work); lower the order, use a smaller truncation or the melonic "
            "projection, or pass max_loops=None (or a larger bound) to derive it anyway")


def _smallest_rotation(seq):
    """The smallest rotation of seq: it starts at an occurrence of the smallest element."""
    low = min(seq)
    first = seq.index(low)
    best = seq[first:] + seq[:first]
    for r in range(first + 1, len(seq)):
        if seq[r] == low:
            rot = seq[r:] + seq[:r]
            if rot < best:
                best = rot
    return best


def _images(seq, actions, lows=None):
    """Indices (into ``actions``) of the distinct colour images of a loop if it is the smallest of them, else [].

    The identity comes first as None. A loop and its images under the colour permutations give the
    colour-permuted terms, so only the smallest (as rotation representatives) is generated. A rotation
    representative starts with its smallest insertion, so an image whose smallest insertion is below seq[0]
    rejects the loop at once, and one whose smallest insertion is above it cannot be smaller; ``lows`` (the
    smallest image insertion per permutation, when known) saves recomputing them.
    """
    first = seq[0]
    if lows is None:
        lows = [min(action[2][k] for k in seq) for action in actions]
        if any(low < first for low in lows):
            return []
    out: list = [None]
    L = len(seq)
    if L == 1:  # the image of a single insertion is itself; smaller images are excluded by ``lows``
        seen_one = {first}
        for g, low in enumerate(lows):
            if low not in seen_one:
                seen_one.add(low)
                out.append(g)
        return out
    seen = {seq}
    for g, (low, action) in enumerate(zip(lows, actions)):
        insertion_map = action[2]
        if L == 2:
            a, b = insertion_map[seq[0]], insertion_map[seq[1]]
            image = (a, b) if a <= b else (b, a)
        else:
            image = _smallest_rotation(tuple([insertion_map[k] for k in seq]))
        if low == first and image < seq:
            return []
        if image not in seen:
            seen.add(image)
            out.append(g)
    return out


def derive_terms(truncation, n_local: int = 0, projection: str = "full", complex_field: bool | None = None,
                 symmetric: bool = True, orbits: list | None = None, max_loops: int | None = MAX_DERIVATION_LOOPS):
    """All one-loop terms of the truncation's beta functions.

    Parameters
    ----------
    truncation : Truncation
        Interactions over d_p pairing colours (colour c -> index c - 1 of S).
    n_local : int
        Number of local colours (indices d_p .. d_p + n_local - 1 of S); they pass every vertex.
    projection : {"full", "melonic"}
        "melonic": keep only loops whose every cut pair is a (d_p - 1)-dipole (docs/theory/flow.md).
    symmetric : bool
        Enumerate loops up to permutations of the pairing colours when the truncation allows it (connected
        members, closed under colour permutations, d_p! <= 120): one loop of each colour orbit is generated
        and its term is permuted; the result is the same, about d_p! times faster.
    orbits : list, optional
        When given and the colour permutations were used, receives the orbit of every member under them
        (orbits numbered by their first member, as :meth:`Truncation.colour_orbits`), found on the way.
    max_loops : int or None
        Refuse, before enumerating, a truncation whose estimated loops (:func:`derivation_size`) exceed this
        (default :data:`MAX_DERIVATION_LOOPS`, about a minute of work); None derives whatever the size.

    Returns
    -------
    list of Term
        Merged by (target, factors, n, colours), zero coefficients removed, sorted.

    Raises
    ------
    SizeLimitError
        If the estimated loops exceed ``max_loops`` (the message names the order and the estimated terms).
    """
    check_choice("projection", projection, PROJECTIONS)
    d_p = truncation.rank
    if projection == "melonic" and d_p < 2:
        raise TruncationError(
            f"the melonic projection needs at least 2 pairing colours, the truncation has {d_p}; use projection='full'"
        )
    complex_field = truncation.field == "complex" if complex_field is None else complex_field
    members = _Members(truncation)
    targets = {code: position for position, code in enumerate(members.codes)}
    signatures: set = set()  # the members' sorted profiles, on the first interaction identified one at a time
    target_legs = {m.n_legs for m in truncation.interactions}
    max_legs = max(target_legs)
    index: dict = {}
    insertions = _insertions(truncation, projection, index, members)
    _check_size(truncation, projection, symmetric, max_loops, members, insertions)
    actions = _colour_action(truncation, insertions, index, members) if symmetric else None
    if orbits is not None and actions is not None:
        orbits[:] = _member_orbits(len(truncation), actions)
    local = frozenset(range(d_p, d_p + n_local))
    all_pairing = frozenset(range(d_p))
    acc: dict = {}
    by_legs = sorted(((k, x.added_legs) for k, x in enumerate(insertions)), key=lambda kx: kx[1])
    following: dict[str | int | None, list] = {"all": by_legs, None: by_legs}
    for cut_kind in (0, 1):  # after a cut leg w of this type the next u must have the other type
        following[cut_kind] = [(k, a) for k, a in by_legs if insertions[k].kinds[insertions[k].u] != cut_kind]
    maps = [action[2] for action in actions] if actions is not None else []
    image_of = list(zip(*maps)) if maps else [()] * len(insertions)  # image_of[k][i]: k under permutation i
    # the smallest insertion of each insertion's colour orbit: a loop is the smallest of its colour orbit only if
    # none of its insertions has an image below its first one (a rotation representative starts with its
    # smallest insertion), so below a first insertion f only the insertions whose orbit starts at f or later
    # can follow
    orbit_low = [min(k, *images) if images else k for k, images in enumerate(image_of)]
    # the candidates grouped by the legs they add, each group sorted by orbit_low (admissible ones: a suffix)
    # a loop whose insertions miss different colours generates a disconnected interaction when every insertion
    # misses exactly one colour (a strand of colour c only joins insertions that miss c, so insertions missing
    # different colours are never joined): with connected members only, such loops are not followed at all
    missing = _missing(insertions, all_pairing)
    one_colour = (d_p >= 2 and bool(insertions) and all(len(m) == 1 for m in missing)
                  and all(members.connected))
    strand = [min(m) if one_colour else None for m in missing]
    groups: dict = {}
    for kind, listed in following.items():
        buckets: dict = {}  # (colour, legs added) -> insertions
        for k, a in listed:
            buckets.setdefault((strand[k], a), []).append(k)
        for colour in set(strand):
            groups[kind, colour] = []
        for (colour, a), ks in sorted(buckets.items(), key=lambda item: item[0][1]):
            ranked = sorted([(orbit_low[k], k) for k in ks])
            groups[kind, colour].append((a, [k for _, k in ranked], [low for low, _ in ranked]))

    permuted: dict = {}  # (sigma, S) -> sigma(S)
    known: dict = {}  # generated (kinds, adjacency) -> truncation index or None: most loops repeat a labelled table

    def identify(table):
        target = known.get(table, -1)
        if target == -1:
            kinds, adj = table
            target = None
            profiles = _profiles(adj, kinds)  # sorted, a necessary condition for a member: skips most codes
            if not signatures:
                signatures.update(tuple(sorted(p)) for p in members.profiles)
            if tuple(sorted(profiles)) in signatures:
                target = targets.get(_code(adj, kinds, profiles=profiles))
            known[table] = target
        return target

    def accumulate(seq, rotations, images, target):
        L = len(seq)
        passing = all_pairing
        weight = rotations
        for i in seq:
            passing = passing & insertions[i].passing
            weight *= insertions[i].weight
        value = -weight if L % 2 else weight  # (-1)^L weight; the 1/2 is applied at the end
        members = [insertions[i].member for i in seq]
        for g in images:
            if g is None:
                key = (target, tuple(sorted(members)), L + 1, passing)
            else:
                sigma, member_map, _ = actions[g]
                moved = permuted.get((sigma, passing))
                if moved is None:
                    moved = permuted[sigma, passing] = frozenset([sigma[c] for c in passing])
                key = (member_map[target], tuple(sorted([member_map[m] for m in members])), L + 1, moved)
            acc[key] = acc.get(key, 0) + value

    # with one missing colour per insertion and connected members every loop followed generates a connected
    # interaction: the loops are collected and their interactions built and coded in batches (numpy)
    batched = one_colour and len(insertions) >= BATCH_MIN_INSERTIONS and _batch_codes_fit(max_legs, d_p)

    def visit(seq, legs, lows):
        # lows[i]: the smallest image of the loop's insertions under the i-th colour permutation
        if seq and legs in target_legs:
            last, first = insertions[seq[-1]], insertions[seq[0]]
            closes = not complex_field or last.kinds[last.w] != first.kinds[first.u]
            rotations = _rotation_weight(tuple(seq)) if closes else 0
            images: list = [None]
            if rotations and actions is not None:
                images = _images(tuple(seq), actions, lows)
            if rotations and images:
                target = identify(_generated(seq, insertions, d_p))
                if target is not None:
                    accumulate(seq, rotations, images, target)
        if seq:
            prev = insertions[seq[-1]]
            candidates = groups[prev.kinds[prev.w] if complex_field else None, strand[seq[0]]]
            start = seq[0]
            for added, ks, lows_of in candidates:
                if legs + added > max_legs:
                    break  # groups are sorted by the legs they add
                # the first insertion is the smallest of the loop and of its colour images
                for k in ks[bisect_left(lows_of, start):]:
                    seq.append(k)
                    visit(seq, legs + added, tuple(map(min, lows, image_of[k])))
                    seq.pop()
            return
        for colour in set(strand):
            for added, ks, lows_of in groups["all", colour]:
                if legs + added > max_legs:
                    break
                for k in ks:  # a loop starts with the smallest insertion of its colour orbit
                    if orbit_low[k] == k:
                        seq.append(k)
                        visit(seq, legs + added, image_of[k])
                        seq.pop()

    if batched:
        blocks = _enumerate_loops(insertions, groups, orbit_low, actions, strand, complex_field, max_legs, target_legs)
        found = _identify_loops(blocks, insertions, members, d_p, targets, identify)
        return _accumulate_loops(blocks, found, insertions, actions, d_p, len(truncation), local)
    visit([], 0, ())
    return _terms(acc, local)


def _lex_less(a, b):
    """Row by row: is a lexicographically smaller than b (integer arrays of one shape (P, L))."""
    import numpy as np

    differ = a != b
    first = differ.argmax(axis=1)
    rows = np.arange(len(a))
    return differ.any(axis=1) & (a[rows, first] < b[rows, first])


def _enumerate_loops(insertions, groups, orbit_low, actions, strand, complex_field, max_legs, target_legs):
    """The loops :func:`derive_terms` follows one at a time, found one length at a time with numpy.

    The same loops: prefixes start with the smallest insertion of its colour orbit and continue with insertions
    of the same missing colour (of the opposite kind for complex fields) whose orbit starts at the first
    insertion or later, within the largest member's legs. A prefix whose legs are a member's, whose propagators
    close and that is the smallest of its rotations is a loop; it is kept when it is also the smallest of its
    colour images. Returns {L: (sequences (P, L), distinct rotations (P,), images (P, G + 1): the identity and
    the colour permutations whose images are distinct)}.
    """
    import numpy as np

    count = len(insertions)
    G = len(actions) if actions else 0
    maps = (np.array([action[2] for action in actions], dtype=np.int64).reshape(G, count) if G
            else np.zeros((0, count), dtype=np.int64))
    images_of = maps.T  # (K, G)
    u_kind = np.array([x.kinds[x.u] for x in insertions], dtype=np.int64)
    w_kind = np.array([x.kinds[x.w] for x in insertions], dtype=np.int64)
    added = np.array([x.added_legs for x in insertions], dtype=np.int64)
    colour_of = np.array(strand, dtype=np.int64)
    is_target = np.zeros(max_legs + 1, dtype=bool)
    is_target[[legs for legs in target_legs if legs <= max_legs]] = True
    arrays = {key: [(a, np.array(ks, dtype=np.int64), np.array(lows, dtype=np.int64)) for a, ks, lows in entries]
              for key, entries in groups.items() if key[0] != "all"}
    starts = np.array([k for k in range(count) if orbit_low[k] == k and added[k] <= max_legs], dtype=np.int64)
    seq, legs, lows = starts[:, None], added[starts], images_of[starts]
    blocks = {}
    L = 1
    while len(seq):
        leaf = is_target[legs]
        if complex_field:
            leaf &= w_kind[seq[:, -1]] != u_kind[seq[:, 0]]
        if leaf.any():
            loops, low = seq[leaf], lows[leaf]
            # distinct rotations if the loop is the smallest of its rotations, else 0
            weight = np.full(len(loops), L, dtype=np.int64)
            done = np.zeros(len(loops), dtype=bool)
            for r in range(1, L):
                rotated = np.roll(loops, -r, axis=1)
                smaller = ~done & _lex_less(rotated, loops)
                same = ~done & ~smaller & np.all(rotated == loops, axis=1)
                weight[smaller] = 0
                weight[same] = r
                done |= smaller | same
            keep = weight > 0
            loops, low, weight = loops[keep], low[keep], weight[keep]
            # colour images: rejected when one is smaller; the distinct ones kept
            images = np.zeros((len(loops), G + 1), dtype=bool)
            images[:, 0] = True
            best_of = []
            for g in range(G):
                image = maps[g][loops]
                best = image
                for r in range(1, L):
                    rotated = np.roll(image, -r, axis=1)
                    best = np.where(_lex_less(rotated, best)[:, None], rotated, best)
                images[:, 0] &= ~((low[:, g] == loops[:, 0]) & _lex_less(best, loops))
                distinct = ~np.all(best == loops, axis=1)
                for other in best_of:
                    distinct &= ~np.all(best == other, axis=1)
                images[:, g + 1] = distinct
                best_of.append(best)
            keep = images[:, 0]
            if keep.any():
                blocks[L] = (loops[keep], weight[keep], images[keep])
        # the continuations
        first = seq[:, 0]
        colour = colour_of[first]
        kind = w_kind[seq[:, -1]] if complex_field else None
        grown_seq, grown_legs, grown_lows = [], [], []
        for (cut_kind, strand_colour), entries in arrays.items():
            chosen = colour == strand_colour
            if complex_field:
                chosen &= kind == cut_kind
            elif cut_kind is not None:
                continue
            chosen = np.flatnonzero(chosen)
            for a, ks, lows_of in entries:
                fits = chosen[legs[chosen] + a <= max_legs]
                if not len(fits):
                    continue
                position = np.searchsorted(lows_of, first[fits], side="left")
                counts = len(ks) - position
                owner = np.repeat(fits, counts)
                total = int(counts.sum())
                if not total:
                    continue
                offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts) + np.repeat(position, counts)
                k = ks[offsets]
                grown_seq.append(np.column_stack([seq[owner], k]))
                grown_legs.append(legs[owner] + a)
                grown_lows.append(np.minimum(lows[owner], images_of[k]))
        if not grown_seq:
            break
        seq, legs, lows = np.concatenate(grown_seq), np.concatenate(grown_legs), np.concatenate(grown_lows)
        L += 1
    return blocks


def _accumulate_loops(blocks, found, insertions, actions, d_p, n_members, local):
    """The terms of the loops of ``blocks`` with their generated members ``found`` ({L: array, -1: none}).

    As ``accumulate`` in :func:`derive_terms`, for all loops of a length at once: every colour image of a loop
    gives the key (target, sorted factors, n, S) with the images' member and colour maps applied as arrays
    (colour sets as bit masks); like keys are merged by one lexicographic sort and a segmented sum.
    """
    import numpy as np

    actions = actions or []
    G = len(actions)
    sigmas = [tuple(range(d_p))] + [action[0] for action in actions]  # image column 0 is the identity
    maps = np.array([list(range(n_members))] + [action[1] for action in actions],
                    dtype=np.int64).reshape(G + 1, n_members)
    moved_mask = np.array([[sum(1 << sigma[c] for c in range(d_p) if mask >> c & 1) for mask in range(1 << d_p)]
                           for sigma in sigmas], dtype=np.int64)
    member = np.array([x.member for x in insertions], dtype=np.int64)
    weight = np.array([x.weight for x in insertions], dtype=np.int64)
    passing = np.array([sum(1 << c for c in x.passing) for x in insertions], dtype=np.int64)
    colour_sets = {mask: frozenset(c for c in range(d_p) if mask >> c & 1) | local for mask in range(1 << d_p)}
    rank = np.zeros(1 << d_p, dtype=np.int64)  # masks in the order of their sorted colour sets
    rank[sorted(colour_sets, key=lambda mask: sorted(colour_sets[mask]))] = np.arange(1 << d_p)
    pieces = []
    for L, (sequences, rotations, images) in blocks.items():
        hit = found[L] >= 0
        sequences, rotations, images, target = sequences[hit], rotations[hit], images[hit], found[L][hit]
        if not len(sequences):
            continue
        value = rotations * np.prod(weight[sequences], axis=1)
        value = -value if L % 2 else value  # (-1)^L weight; the 1/2 is applied at the end
        mask = np.bitwise_and.reduce(passing[sequences], axis=1)
        owner, image = np.nonzero(images)
        targets = maps[image, target[owner]]
        factors = np.sort(maps[image[:, None], member[sequences[owner]]], axis=1)
        keys = np.column_stack([targets, factors, moved_mask[image, mask[owner]]])
        # sorted by (target, factors, sorted S) within the length (the lengths merged by (target, n) below), like
        # keys adjacent: merged by a segmented sum
        order = np.lexsort([rank[keys[:, -1]]] + [keys[:, k] for k in range(L, -1, -1)])
        keys = keys[order]
        starts = np.flatnonzero(np.r_[True, np.any(keys[1:] != keys[:-1], axis=1)])
        sums = np.add.reduceat(value[owner][order], starts)
        kept = sums != 0
        pieces.append((L + 1, keys[starts][kept], sums[kept]))
    if not pieces:
        return []
    top = max(piece[0] for piece in pieces) + 1
    order = np.argsort(np.concatenate([piece[1][:, 0] * top + piece[0] for piece in pieces]), kind="stable")
    flat: list = []
    for n, unique, sums in pieces:
        halves = {c: Fraction(c, 2) for c in np.unique(sums).tolist()}
        flat.extend(map(Term, unique[:, 0].tolist(), map(tuple, unique[:, 1:-1].tolist()), repeat(n),
                        [colour_sets[mask] for mask in unique[:, -1].tolist()],
                        [halves[c] for c in sums.tolist()]))
    return [flat[i] for i in order.tolist()]


def _batch_codes_fit(max_legs, d_p):
    """Whether the batched profiles fit int64: (max_legs + 1)^(colour pairs) times 2."""
    return 2 * (max_legs + 1) ** (d_p * (d_p - 1) // 2 + 1) < 2**62


def _identify_loops(blocks, insertions, members, d_p, targets, identify):
    """The member each loop of ``blocks`` ({L: (sequences, ...)}) generates, -1 for none, as {L: array}.

    The interactions of all loops of a length are built at once (:func:`_batch_codes.generated_tables`), then
    coded at once per size (:func:`_batch_codes.labellings`, the codes of :func:`_labelling`). A disconnected
    interaction (none when every insertion misses one colour) goes through ``identify``.
    """
    import numpy as np

    from ._batch_codes import generated_tables, insertion_tables, labellings

    tables = insertion_tables(insertions, members.tables, d_p)
    found = {}
    for L, block in blocks.items():
        kinds, adjacency, bounds = generated_tables(block[0], tables)
        result = np.full(len(block[0]), -1, dtype=np.int64)
        legs = np.diff(bounds)
        for n in np.unique(legs):
            chosen = np.flatnonzero(legs == n)
            where = bounds[chosen][:, None] + np.arange(n)
            codes, _, _, connected = labellings(kinds[where], adjacency[where])
            values = []
            for row, code in enumerate(codes.tolist()):
                if connected[row]:
                    target = targets.get((tuple(code),))
                else:
                    target = identify((tuple(kinds[where[row]].tolist()),
                                       tuple(map(tuple, adjacency[where[row]].tolist()))))
                values.append(-1 if target is None else target)
            result[chosen] = values
        found[L] = result
    return found


def _terms(acc, local):
    """The accumulated coefficients (target, factors, n, pairing S) -> 2 c as sorted terms, S with the local colours.

    Sorted by (target, n, factors, sorted S); the few distinct colour sets and coefficients are converted once.
    """
    sets = {S for (_, _, _, S) in acc}
    ordered = sorted(sets, key=lambda S: sorted(S | local))
    rank = {S: r for r, S in enumerate(ordered)}
    full = {S: S | local for S in sets}
    items = sorted(acc.items(), key=lambda item: (item[0][0], item[0][2], item[0][1], rank[item[0][3]]))
    halves: dict = {}
    terms = []
    for (t, f, n, S), c in items:
        if c == 0:
            continue
        half = halves.get(c)
        if half is None:
            half = halves[c] = Fraction(c, 2)
        terms.append(Term(t, f, n, full[S], half))
    return terms

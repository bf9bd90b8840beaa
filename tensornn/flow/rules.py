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
from itertools import permutations
from math import factorial

from .._checks import check_choice
from ..bubbles.canonical import components
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

    ``tables[i]``: (kinds, adjacency); ``profiles[i]``: the vertex profiles (:func:`_profiles`); ``connected[i]``;
    ``labellings[i]``: (code, breadth-first order, |Aut|) of a connected member, else None; ``code[i]``: the
    canonical code (:func:`_code`; for a connected member the 1-tuple of its labelling's code).
    """

    def __init__(self, truncation):
        self.tables = [m.tables() for m in truncation.interactions]
        self.profiles, self.connected, self.labellings, self.codes = [], [], [], []
        for kinds, adj in self.tables:
            profiles = _profiles(adj, kinds)
            connected = len(components(adj)) == 1 if adj and adj[0] else len(kinds) == 1
            labelling = _labelling(adj, kinds, count=True, profiles=profiles) if connected else None
            self.profiles.append(profiles)
            self.connected.append(connected)
            self.labellings.append(labelling)
            self.codes.append((labelling[0],) if connected else _code(adj, kinds, profiles=profiles))


def _insertions(truncation, projection, index=None, members=None):
    """One insertion per orbit of ordered cut pairs (u, w) of every member.

    ``index`` (a dict, optional) receives (member, u, w) -> position of the insertion of that pair's orbit, for
    every ordered pair kept; ``members``: the truncation's :class:`_Members`, when already computed.
    """
    d_p = truncation.rank
    members = members or _Members(truncation)
    out = []
    for member_index, member in enumerate(truncation.interactions):
        if member.n_legs <= 2:
            continue
        kinds, adj = members.tables[member_index]
        # without automorphisms every cut pair is an orbit of its own: no marked codes needed
        labelling = members.labellings[member_index]
        asymmetric = d_p > 0 and labelling is not None and labelling[2] == 1
        orbits = {}
        for u in range(len(kinds)):
            row = adj[u]
            if projection == "melonic":  # the (d_p - 1)-dipoles: neighbours joined by d_p - 1 colours
                partners = sorted(w for w in set(row) if row.count(w) == d_p - 1)
            else:
                partners = [w for w in range(len(kinds)) if w != u]
            for w in partners:
                passing = frozenset(c for c in range(d_p) if row[c] == w)
                if asymmetric:
                    key = (u, w)
                elif d_p == 0:  # local legs: every permutation of the legs of one kind is an automorphism
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


#: Colour symmetry is used to enumerate loops up to colour permutations when d_p! is at most this.
MAX_SYMMETRY_GROUP = 120


def _colour_action(truncation, insertions, index, members):
    """The permutations of the pairing colours as maps on members and insertions, or None when not applicable.

    For sigma in S_d (sigma != identity): ``colour`` (c -> sigma(c)), ``member`` (the member whose bubble is the
    colour-permuted one) and ``insertion`` (the insertion orbit the permuted cut pair falls in). Needs connected
    members (the canonical labelling gives the vertex map) and a truncation closed under colour permutations;
    used only when d_p! <= MAX_SYMMETRY_GROUP.

    The images are labelled for one member per orbit only (d_p! - 1 labellings per orbit of up to d_p! members):
    with j = rho(r) for the orbit's first member r, reached by the vertex map phi_rho, the image sigma(j) is
    (sigma rho)(r), and phi_(sigma rho) phi_rho^-1 maps j onto it.
    """
    d_p = truncation.rank
    if d_p < 2 or factorial(d_p) > MAX_SYMMETRY_GROUP:
        return None
    tables = members.tables
    if not all(members.connected):
        return None
    labelled = members.labellings
    member_of = {labelling[0]: i for i, labelling in enumerate(labelled)}
    pairs = [(a, b) for a in range(d_p) for b in range(a + 1, d_p)]
    group = sorted(permutations(range(d_p)))  # the identity first
    identity = group[0]
    inverse = {sigma: tuple(sorted(range(d_p), key=lambda c: sigma[c])) for sigma in group}
    # the profile of a vertex of a colour-permuted bubble: its face of colours (a, b) is the one of (s^-1 a, s^-1 b)
    moved_pairs = {sigma: [0] + [1 + pairs.index(tuple(sorted((inverse[sigma][a], inverse[sigma][b]))))
                                 for a, b in pairs] for sigma in group}
    n = len(tables)
    reached: list = [None] * n  # reached[j] = (r, rho, phi): j = rho(r) for the first member r of j's orbit
    via: dict = {}  # (r, sigma) -> (sigma(r), the vertex map r -> sigma(r))
    for i in range(n):
        if reached[i] is not None:
            continue
        kinds, adj = tables[i]
        profiles = members.profiles[i]
        reached[i] = (i, identity, list(range(len(kinds))))
        via[i, identity] = reached[i][::2]
        for sigma in group[1:]:
            back = inverse[sigma]
            moved = tuple([tuple([row[back[c]] for c in range(d_p)]) for row in adj])
            code, order = _labelling(moved, kinds, profiles=[tuple([p[k] for k in moved_pairs[sigma]])
                                                              for p in profiles])
            j = member_of.get(code)
            if j is None:
                return None  # not closed under colour permutations
            phi = [0] * len(kinds)
            for a, b in zip(order, labelled[j][1]):
                phi[a] = b
            via[i, sigma] = (j, phi)
            if reached[j] is None:
                reached[j] = (i, sigma, phi)
    actions = []
    for sigma in group[1:]:
        member_map, vertex_maps = [], []
        for j in range(n):
            r, rho, phi = reached[j]
            image, chi = via[r, tuple([sigma[c] for c in rho])]
            psi = [0] * len(phi)  # j -> sigma(j): chi after phi^-1
            for a, b in zip(phi, chi):
                psi[a] = b
            member_map.append(image)
            vertex_maps.append(psi)
        insertion_map = tuple([index[(member_map[x.member], vertex_maps[x.member][x.u], vertex_maps[x.member][x.w])]
                               for x in insertions])
        actions.append((sigma, tuple(member_map), insertion_map))
    return actions


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
    """[(sigma, member map)] of the distinct colour images of a loop if it is the smallest of them, else [].

    The identity comes first as (None, None). A loop and its images under the colour permutations give the
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
    out = [(None, None)]
    L = len(seq)
    if L == 1:  # the image of a single insertion is itself; smaller images are excluded by ``lows``
        seen_one = {first}
        for low, (sigma, member_map, _) in zip(lows, actions):
            if low not in seen_one:
                seen_one.add(low)
                out.append((sigma, member_map))
        return out
    seen = {seq}
    for low, (sigma, member_map, insertion_map) in zip(lows, actions):
        if L == 2:
            a, b = insertion_map[seq[0]], insertion_map[seq[1]]
            image = (a, b) if a <= b else (b, a)
        else:
            image = _smallest_rotation(tuple([insertion_map[k] for k in seq]))
        if low == first and image < seq:
            return []
        if image not in seen:
            seen.add(image)
            out.append((sigma, member_map))
    return out


def derive_terms(truncation, n_local: int = 0, projection: str = "full", complex_field: bool | None = None,
                 symmetric: bool = True, orbits: list | None = None):
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
    members = _Members(truncation)
    targets = {code: position for position, code in enumerate(members.codes)}
    signatures = {tuple(sorted(profiles)) for profiles in members.profiles}
    target_legs = {m.n_legs for m in truncation.interactions}
    max_legs = max(target_legs)
    index: dict = {}
    insertions = _insertions(truncation, projection, index, members)
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
    missing = [all_pairing - x.passing for x in insertions]
    one_colour = (d_p >= 2 and bool(insertions) and all(len(m) == 1 for m in missing)
                  and all(members.connected))
    strand = [min(m) if one_colour else None for m in missing]
    groups: dict = {}
    for kind, listed in following.items():
        for colour in set(strand):
            by_added: dict = {}
            for k, a in listed:
                if strand[k] == colour:
                    by_added.setdefault(a, []).append(k)
            groups[kind, colour] = []
            for a, ks in sorted(by_added.items()):
                ks = sorted(ks, key=lambda k: (orbit_low[k], k))
                groups[kind, colour].append((a, ks, [orbit_low[k] for k in ks]))

    permuted: dict = {}  # (sigma, S) -> sigma(S)
    known: dict = {}  # generated (kinds, adjacency) -> truncation index or None: most loops repeat a labelled table

    def identify(table):
        target = known.get(table, -1)
        if target == -1:
            kinds, adj = table
            target = None
            profiles = _profiles(adj, kinds)  # sorted, a necessary condition for a member: skips most codes
            if tuple(sorted(profiles)) in signatures:
                target = targets.get(_code(adj, kinds, profiles=profiles))
            known[table] = target
        return target

    def visit(seq, legs, lows):
        # lows[i]: the smallest image of the loop's insertions under the i-th colour permutation
        if seq and legs in target_legs:
            L = len(seq)
            last, first = insertions[seq[-1]], insertions[seq[0]]
            closes = not complex_field or last.kinds[last.w] != first.kinds[first.u]
            rotations = _rotation_weight(tuple(seq)) if closes else 0
            images = [(None, None)]
            if rotations and actions is not None:
                images = _images(tuple(seq), actions, lows)
            if rotations and images:
                target = identify(_generated(seq, insertions, d_p))
                if target is not None:
                    passing = all_pairing
                    weight = rotations
                    for i in seq:
                        passing = passing & insertions[i].passing
                        weight *= insertions[i].weight
                    value = -weight if L % 2 else weight  # (-1)^L weight; the 1/2 is applied at the end
                    members = [insertions[i].member for i in seq]
                    for sigma, member_map in images:
                        if sigma is None:
                            key = (target, tuple(sorted(members)), L + 1, passing)
                        else:
                            moved = permuted.get((sigma, passing))
                            if moved is None:
                                moved = permuted[sigma, passing] = frozenset([sigma[c] for c in passing])
                            key = (member_map[target], tuple(sorted([member_map[m] for m in members])), L + 1, moved)
                        acc[key] = acc.get(key, 0) + value
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

    visit([], 0, ())
    return _terms(acc, local)


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

"""The derivation as it was before the faster enumeration: the baseline of benchmarks/bench_derivation.py.

A copy of ``tensornn/flow/rules.py`` at the version before the derivation was rewritten (the same one-loop
rules, enumerated loop by loop with canonical codes from every root), kept outside the package so that the benchmark
can measure the old and the new derivation in one run, and tests/test_flow_engine_derivation.py can check that both
give the same equations. ``derive_terms`` here is that version's (imports made absolute, and Term is the package's, so
that the terms of both compare equal); nothing in tensornn imports this file.
"""

from __future__ import annotations

from bisect import bisect_left
from fractions import Fraction

from tensornn._checks import check_choice
from tensornn.bubbles.canonical import components
from tensornn.errors import TruncationError
from tensornn.flow.rules import Term

__all__ = ["derive_terms"]

PROJECTIONS = ("full", "melonic")


class _Insertion:
    """One orbit of cut pairs (u, w) of a member, with its strand tables.

    Strand tables, computed once per insertion instead of once per loop through it: ``kept``, the legs other than
    u, w (in order); ``exits[i][c]``, where colour c leads from kept leg i (>= 0: the kept leg of that index; -1:
    into w, on to the next insertion; -2: into u, back to the previous one); ``through_u[c]`` / ``through_w[c]``:
    entering at u (w), the kept leg reached, or -1 when the strand passes straight on to w (u).
    """

    __slots__ = ("member", "kinds", "adjacency", "u", "w", "weight", "passing", "added_legs", "kept_kinds", "exits",
                 "through_u", "through_w")

    def __init__(self, member, kinds, adjacency, u, w, weight, passing, added_legs):
        self.member, self.kinds, self.adjacency, self.u, self.w = member, kinds, adjacency, u, w
        self.weight, self.passing, self.added_legs = weight, passing, added_legs
        rank = {}
        kept_kinds = []
        for a in range(len(kinds)):
            if a != u and a != w:
                rank[a] = len(kept_kinds)
                kept_kinds.append(kinds[a])
        rank[w], rank[u] = -1, -2
        self.kept_kinds = tuple(kept_kinds)
        self.exits = tuple([tuple([rank[b] for b in adjacency[a]]) for a in range(len(kinds)) if a != u and a != w])
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


def _insertions(truncation, projection, index=None, labellings=None):
    """One insertion per orbit of ordered cut pairs (u, w) of every member.

    ``index`` (a dict, optional) receives (member, u, w) -> position of the insertion of that pair's orbit, for
    every ordered pair kept; ``labellings`` (a dict, optional) the canonical labelling of every connected member.
    """
    d_p = truncation.rank
    out = []
    for member_index, member in enumerate(truncation.interactions):
        if member.n_legs <= 2:
            continue
        kinds, adj = member.tables()
        # without automorphisms every cut pair is an orbit of its own: no marked codes needed
        asymmetric = False
        if d_p > 0 and len(components(adj)) == 1:
            code, order, hits = _labelling(adj, kinds, count=True)
            asymmetric = hits == 1
            if labellings is not None:
                labellings[member_index] = (code, order)
        orbits = {}
        for u in range(len(kinds)):
            row = adj[u]
            if projection == "melonic":  # the (d_p - 1)-dipoles: neighbours joined by d_p - 1 colours
                partners = sorted(w for w in set(row) if row.count(w) == d_p - 1)
            else:
                partners = [w for w in range(len(kinds)) if w != u]
            for w in partners:
                passing = frozenset(c for c in range(d_p) if row[c] == w)
                key = (u, w) if asymmetric else _marked_key(adj, kinds, u, w)
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
    """Code of the component of ``root`` labelled by breadth-first search in colour order, or None once it exceeds ``best``.

    The code lists, vertex by vertex in the order of the search, its kind and the labels of its neighbours (a
    neighbour met for the first time gets the next label). Two rooted components have equal codes exactly when a
    colour- and kind-preserving isomorphism maps one root to the other; comparing entry by entry with the best
    code so far stops a worse root early.
    """
    label = {root: 0}
    order = [root]
    code = []
    position = 0
    i = 0
    limit = len(best) if best is not None else 0
    while i < len(order):
        v = order[i]
        code.append(kinds[v])
        for w in adjacency[v]:
            if w not in label:
                label[w] = len(order)
                order.append(w)
            code.append(label[w])
        if best is not None:
            while position < len(code):
                if position >= limit:
                    return None
                a, b = code[position], best[position]
                if a != b:
                    if a > b:
                        return None
                    best = None  # strictly smaller: no more comparisons needed
                    break
                position += 1
        i += 1
    return tuple(code)


def _code(adjacency, kinds, roots=None):
    """Canonical code of a coloured graph: the sorted codes of its components, each the smallest over its roots.

    Roots are the vertices of the smallest kind in each component (an invariant choice), or the given ``roots``
    (a vertex marked by a kind of its own is a root by itself). Used for the interactions of a truncation and
    the ones loops generate, so both sides of a lookup are coded the same way.
    """
    n = len(kinds)
    seen = [False] * n
    codes = []
    for start in range(n):
        if seen[start]:
            continue
        members = _reach(adjacency, start, seen)
        lowest = min(kinds[v] for v in members)
        best = None
        for root in members if roots is None else [r for r in roots if seen[r] and r in members]:
            if roots is None and kinds[root] != lowest:
                continue
            code = _rooted(adjacency, kinds, root, best)
            if code is not None and (best is None or code < best):
                best = code
        codes.append(best)
    return tuple(sorted(codes))


def _labelling(adjacency, kinds, count=False):
    """(code, vertex order) of a connected graph: the breadth-first order from the root of the smallest code.

    With ``count`` also the number of roots that reach it, |Aut| of the graph (automorphisms of a connected
    coloured graph act freely on the roots of one kind).
    """
    lowest = min(kinds)
    best, order, hits = None, None, 0
    for root in range(len(kinds)):
        if kinds[root] != lowest:
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


def _colour_action(truncation, insertions, index, labellings=None):
    """The permutations of the pairing colours as maps on members and insertions, or None when not applicable.

    For sigma in S_d (sigma != identity): ``colour`` (c -> sigma(c)), ``member`` (the member whose bubble is the
    colour-permuted one) and ``insertion`` (the insertion orbit the permuted cut pair falls in). Needs connected
    members (the canonical labelling gives the vertex map) and a truncation closed under colour permutations;
    used only when d_p! <= MAX_SYMMETRY_GROUP.
    """
    from math import factorial

    d_p = truncation.rank
    if d_p < 2 or factorial(d_p) > MAX_SYMMETRY_GROUP:
        return None
    tables = [m.tables() for m in truncation.interactions]
    if any(len(components(adj)) != 1 for _, adj in tables):
        return None
    labellings = labellings or {}
    labelled = [labellings.get(i) or _labelling(adj, kinds) for i, (kinds, adj) in enumerate(tables)]
    member_of = {code: i for i, (code, _) in enumerate(labelled)}

    def generator(c):
        """The action of the transposition of colours c and c + 1, from canonical labellings."""
        sigma = list(range(d_p))
        sigma[c], sigma[c + 1] = c + 1, c
        member_map, vertex_maps = [], []
        for kinds, adj in tables:
            moved = tuple(row[:c] + (row[c + 1], row[c]) + row[c + 2:] for row in adj)
            code, order = _labelling(moved, kinds)
            j = member_of.get(code)
            if j is None:
                return None  # not closed under colour permutations
            member_map.append(j)
            phi = [0] * len(kinds)
            for a, b in zip(order, labelled[j][1]):
                phi[a] = b
            vertex_maps.append(phi)
        insertion_map = []
        for x in insertions:
            j, phi = member_map[x.member], vertex_maps[x.member]
            insertion_map.append(index[(j, phi[x.u], phi[x.w])])
        return tuple(sigma), tuple(member_map), tuple(insertion_map)

    generators = [generator(c) for c in range(d_p - 1)]
    if any(g is None for g in generators):
        return None
    # the whole group by composing the generators' maps (breadth first from the identity)
    identity = (tuple(range(d_p)), tuple(range(len(tables))), tuple(range(len(insertions))))
    group = {identity[0]: identity}
    frontier = [identity]
    while frontier:
        following = []
        for sigma, members, maps in frontier:
            for g_sigma, g_members, g_maps in generators:
                composed = (tuple(g_sigma[c] for c in sigma), tuple(g_members[m] for m in members),
                            tuple(g_maps[k] for k in maps))
                if composed[0] not in group:
                    group[composed[0]] = composed
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
    """Kinds and pairing adjacency of the interaction generated by a loop of insertions.

    The kept legs of insertion i are labelled from base[i]; a strand leaving a kept leg into the cut leg w
    continues at u of the next insertion (into u: at w of the previous one) until it reaches a kept leg.
    """
    L = len(sequence)
    ins = [insertions[i] for i in sequence]
    base, kinds = [], []
    for x in ins:
        base.append(len(kinds))
        kinds.extend(x.kept_kinds)
    adjacency = []
    for i, x in enumerate(ins):
        offset = base[i]
        for exits in x.exits:
            row = []
            for c in range(d_p):
                b = exits[c]
                if b >= 0:
                    row.append(offset + b)
                    continue
                j = i
                if b == -1:  # forward through u of the following insertions
                    while True:
                        j = j + 1 if j + 1 < L else 0
                        b = ins[j].through_u[c]
                        if b >= 0:
                            break
                else:  # backward through w of the preceding insertions
                    while True:
                        j = j - 1 if j else L - 1
                        b = ins[j].through_w[c]
                        if b >= 0:
                            break
                row.append(base[j] + b)
            adjacency.append(tuple(row))
    return tuple(kinds), tuple(adjacency)


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
    seen = {seq}
    out = [(None, None)]
    for low, (sigma, member_map, insertion_map) in zip(lows, actions):
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
    targets, signatures = {}, set()
    for position, member in enumerate(truncation.interactions):
        kinds, adj = member.tables()
        targets[_code(adj, kinds)] = position
        signatures.add(_signature(kinds, adj, d_p))
    target_legs = {m.n_legs for m in truncation.interactions}
    max_legs = max(target_legs)
    index: dict = {}
    labellings: dict = {}
    insertions = _insertions(truncation, projection, index, labellings)
    actions = _colour_action(truncation, insertions, index, labellings) if symmetric else None
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
    groups: dict = {}
    for kind, listed in following.items():
        by_added: dict = {}
        for k, a in listed:
            by_added.setdefault(a, []).append(k)
        groups[kind] = []
        for a, ks in sorted(by_added.items()):
            ks = sorted(ks, key=lambda k: (orbit_low[k], k))
            groups[kind].append((a, ks, [orbit_low[k] for k in ks]))

    known: dict = {}  # generated (kinds, adjacency) -> truncation index or None: most loops repeat a labelled table

    def identify(table):
        target = known.get(table, -1)
        if target == -1:
            kinds, adj = table
            target = None
            if _signature(kinds, adj, d_p) in signatures:
                target = targets.get(_code(adj, kinds))
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
                            key = (target, tuple(sorted(members)), L + 1, passing | local)
                        else:
                            key = (member_map[target], tuple(sorted(member_map[m] for m in members)), L + 1,
                                   frozenset(sigma[c] for c in passing) | local)
                        acc[key] = acc.get(key, 0) + value
        if seq:
            prev = insertions[seq[-1]]
            candidates = groups[prev.kinds[prev.w]] if complex_field else groups[None]
            start = seq[0]
        else:
            candidates = groups["all"]
            start = 0
        for added, ks, lows_of in candidates:
            if legs + added > max_legs:
                break  # groups are sorted by the legs they add
            if seq:  # the first insertion is the smallest of the loop and of its colour images
                admissible = ks[bisect_left(lows_of, start):]
            else:  # a loop starts with the smallest insertion of its colour orbit
                admissible = [k for k in ks if orbit_low[k] == k]
            for k in admissible:
                seq.append(k)
                visit(seq, legs + added, tuple(map(min, lows, image_of[k])) if seq[1:] else image_of[k])
                seq.pop()

    visit([], 0, ())
    terms = [Term(t, f, n, S, Fraction(c, 2)) for (t, f, n, S), c in acc.items() if c != 0]
    terms.sort(key=lambda T: (T.target, T.n, T.factors, sorted(T.colours)))
    return terms

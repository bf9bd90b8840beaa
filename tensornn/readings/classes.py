"""The classes of quartic vertices of a field with d colours: local or pairing in every colour.

To first order in 1/N a quartic vertex V is seen through its amputation pattern A_V(x1..x4): V with
each of its four legs joined to an external point by the propagator. For a kernel that factorises
over colours, the pattern of V factorises too, and in each colour c only two shapes occur:

- the colour is *local* at V: all four legs meet at one point (index, or point y^c of a continuum);
- the colour *pairs* the legs along a pairing pi_c in P4 = {(12)(34), (13)(24), (14)(23)}.

A labelled vertex is therefore a d-tuple t in ({local} u P4)^d; 4^d of them. Relabelling the four
legs (S4, acting on P4 as S3 and fixing "local") maps a tuple to an equivalent one; the classes are
the orbits. An orbit is fixed by the set L of local colours and by the partition of the other
colours into at most three blocks of equal pairing. Names:

- L = all colours: "local" (the scalar phi^4 vertex);
- L empty: the quartic bubbles, named as :func:`tensornn.readings.content.quartic_content` names them:
  "double trace" (one block), "pillow(c)" (two blocks; c the smaller block), "tetrahedron"
  (three blocks, d = 3) or "tetrahedral(...)" (three blocks, d > 3);
- mixed: "local(1)+paired(2,3)" (colours 2 and 3 pair alike), "local(1)+paired(2|3)" (they pair
  differently), ... the local colours first, then the blocks of equal pairing separated by "|".

With ``colour_symmetric=True`` classes related by a permutation of the colours are merged (allowed
when the law of the network is symmetric under permuting the colours, e.g. a CP layer on equal index
sizes); a merged class is named by its members joined with " + ", and its vertex is the mean of its
members' vertices (its coupling is the sum of theirs when they are equal).

Normalisation. The vertex of a class is the contraction of four fields along one representative
tuple, with no symmetry factor: for the all-local class V = int phi^4 (so its coupling is u4/4!, the
lambda of Halverson-Maiti-Stoner), for a bubble V = B(phi) as in :mod:`tensornn.bubbles`. Four
derivatives of V give |Aut(V)| times the sum over the labelled tuples of the class, and
|Aut(V)| x multiplicity = 4!, so A_V = 4! x (the mean over the class of the labelled patterns).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from .._checks import check_int
from ..errors import InvalidTypeError
from .content import quartic_content

__all__ = ["LOCAL", "QuarticPatternClass", "quartic_classes", "class_names"]

#: The entry of a tuple that marks a colour as local (the pairings are 0, 1, 2: indices into PAIRINGS).
LOCAL = -1

#: S4 acts on the three pairings of four legs as S3: every permutation of (0, 1, 2) is realised.
_S3 = tuple(itertools.permutations(range(3)))


def _canonical(t: tuple[int, ...]) -> tuple[int, ...]:
    """The smallest relabelling of a tuple under S3 on the pairing entries (LOCAL fixed)."""
    return min(tuple(LOCAL if p == LOCAL else g[p] for p in t) for g in _S3)


def _structure(t) -> tuple[tuple[int, ...], tuple[tuple[int, ...], ...]]:
    """(local colours, blocks of equal pairing), 1-based colours."""
    local = tuple(c for c, p in enumerate(t, start=1) if p == LOCAL)
    blocks: dict[int, list[int]] = {}
    for c, p in enumerate(t, start=1):
        if p != LOCAL:
            blocks.setdefault(p, []).append(c)
    return local, tuple(sorted(tuple(b) for b in blocks.values()))


def _name(local, blocks, bubble_names) -> str:
    if not blocks:
        return "local"
    if not local:
        return bubble_names[blocks]
    return ("local(" + ",".join(map(str, local)) + ")+paired("
            + "|".join(",".join(map(str, b)) for b in blocks) + ")")


@dataclass(frozen=True)
class QuarticPatternClass:
    """One class of labelled quartic vertices.

    Attributes
    ----------
    name : str
    tuples : tuple of tuple of int
        The labelled vertices of the class: one entry per colour, LOCAL (-1) or a pairing index 0..2.
    local : tuple of int
        The local colours (1-based) of the representative (for merged classes: of the first member).
    blocks : tuple of tuple of int
        The other colours grouped by equal pairing (of the representative).
    members : tuple of str
        The unmerged class names (one unless ``colour_symmetric`` merged several).
    """

    name: str
    tuples: tuple
    local: tuple
    blocks: tuple
    members: tuple

    @property
    def multiplicity(self) -> int:
        """Number of labelled tuples in the class."""
        return len(self.tuples)

    @property
    def kind(self) -> str:
        """"local" (every colour local), "bubble" (no colour local) or "mixed"."""
        if not self.blocks:
            return "local"
        return "mixed" if self.local else "bubble"

    def __repr__(self):
        return f"QuarticPatternClass({self.name!r}, kind={self.kind!r}, multiplicity={self.multiplicity})"


def quartic_classes(order: int, *, colour_symmetric: bool = False) -> tuple[QuarticPatternClass, ...]:
    """All classes of ({local} u P4)^d under relabelling of the legs (and of the colours if asked).

    Parameters
    ----------
    order : int
        d >= 1, the number of colours.
    colour_symmetric : bool
        Merge classes related by a permutation of the colours.

    Returns
    -------
    tuple of QuarticPatternClass
        Ordered: "local", then the bubbles in the order of :func:`tensornn.readings.content.quartic_content`
        (double trace, pillows, tetrahedral), then the mixed classes by number of local colours.

    Examples
    --------
    >>> [c.name for c in quartic_classes(2)]
    ['local', 'double trace', 'pillow(1)', 'local(1)+paired(2)', 'local(2)+paired(1)']
    >>> sum(c.multiplicity for c in quartic_classes(3)), len(quartic_classes(3))
    (64, 15)
    """
    order = check_int("order", order, minimum=1)
    if not isinstance(colour_symmetric, bool):
        raise InvalidTypeError(f"colour_symmetric must be True or False, got {colour_symmetric!r}")
    bubble_names = {_structure(c.tuples[0])[1]: c.name for c in quartic_content(order).classes}
    orbits: dict[tuple, list] = {}
    for t in itertools.product((LOCAL, 0, 1, 2), repeat=order):
        orbits.setdefault(_canonical(t), []).append(t)
    classes = []
    for rep, tuples in orbits.items():
        local, blocks = _structure(rep)
        name = _name(local, blocks, bubble_names)
        classes.append(QuarticPatternClass(name, tuple(tuples), local, blocks, (name,)))

    def key(c):
        kind = {"local": 0, "bubble": 1, "mixed": 2}[c.kind]
        return (kind, len(c.local), len(c.blocks), c.name)

    classes.sort(key=key)
    if not colour_symmetric:
        return tuple(classes)
    merged: dict[tuple, list] = {}
    for c in classes:
        shape = (len(c.local), tuple(sorted(len(b) for b in c.blocks)))
        merged.setdefault(shape, []).append(c)
    out = []
    for group in merged.values():
        first = group[0]
        out.append(QuarticPatternClass(" + ".join(c.name for c in group),
                                       tuple(t for c in group for t in c.tuples), first.local, first.blocks,
                                       tuple(c.name for c in group)))
    out.sort(key=key)
    return tuple(out)


def class_names(order: int, *, colour_symmetric: bool = False) -> tuple[str, ...]:
    """The names of :func:`quartic_classes`, in order."""
    return tuple(c.name for c in quartic_classes(order, colour_symmetric=colour_symmetric))

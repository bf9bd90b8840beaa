"""Interactions: a bubble over the pairing colours, with every local colour in one block.

An interaction of the truncation Gamma_k = kinetic + sum_I g_I I(phi) (docs/theory/flow.md) is a set of
legs (fields; black = phi, white = phibar for complex fields) with, for every colour, a partition
of the legs into blocks. Pairing colours pair the legs (the edges of a bubble of rank
d_p = number of pairing colours); local colours put all legs in one block. The interaction is
therefore fixed by its bubble over the pairing colours (rank 0 when there are none, e.g. the
scalar phi^n) and is identified by the bubble's canonical form.

I(phi) is the plain contraction of one field per leg, without symmetry factors: the scalar phi^4
interaction with coupling g4 is g4 phi^4, the O(N) quartic is g (phi.phi)^2.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..bubbles import Bubble
from ..errors import InvalidTypeError, TruncationError

__all__ = ["Interaction"]

_KIND_CODE = {"real": 0, "black": 0, "white": 1}


@dataclass(frozen=True)
class Interaction:
    """One term I(phi) of the truncation, with the name of its coupling.

    Parameters
    ----------
    bubble : Bubble
        The bubble over the pairing colours (rank = number of pairing colours; rank 0 for a
        product of index-free fields).
    name : str
        Name of the coupling g_I multiplying I(phi).

    Examples
    --------
    >>> Interaction.local(4, name="g4").n_legs
    4
    """

    bubble: Bubble
    name: str

    def __post_init__(self):
        if not isinstance(self.bubble, Bubble):
            raise InvalidTypeError(f"bubble must be a tensornn.Bubble, got {type(self.bubble).__name__}")
        if not isinstance(self.name, str) or not self.name.isidentifier():
            raise TruncationError(f"name must be an identifier-like string (e.g. 'g4'), got {self.name!r}")
        if self.bubble.field == "complex" and self.bubble.kinds.count("black") != self.bubble.kinds.count("white"):
            raise TruncationError("a complex interaction needs as many phi (black) as phibar (white) legs")

    @classmethod
    def local(cls, n_legs: int, field: str = "real", name: str | None = None) -> "Interaction":
        """The rank-0 interaction phi^n (real) or (phibar phi)^(n/2) (complex)."""
        if field == "complex":
            if n_legs % 2:
                raise TruncationError(f"a complex interaction needs an even number of legs, got {n_legs}")
            kinds = {i: ("black" if i < n_legs // 2 else "white") for i in range(n_legs)}
        else:
            kinds = {i: "real" for i in range(n_legs)}
        bubble = Bubble.from_edges([], rank=0, field=field, kinds=kinds)
        return cls(bubble, name or f"g{n_legs}")

    @property
    def rank(self) -> int:
        """Number of pairing colours of the bubble."""
        return self.bubble.rank

    @property
    def field(self) -> str:
        return self.bubble.field

    @property
    def n_legs(self) -> int:
        """Number of fields in I(phi)."""
        return self.bubble.n_vertices

    def canonical_form(self) -> tuple:
        """Hashable certificate: equal for two interactions exactly when their bubbles are isomorphic."""
        return self.bubble.canonical_form()

    def tables(self) -> tuple[tuple[int, ...], tuple[tuple[int, ...], ...]]:
        """(kinds, adjacency): leg types (0 black/real, 1 white) and partners per pairing colour."""
        kinds = tuple(_KIND_CODE[k] for k in self.bubble.kinds)
        return kinds, self.bubble.adjacency

    def __repr__(self):
        return f"Interaction({self.name!r}, legs={self.n_legs}, rank={self.rank}, field={self.field!r})"

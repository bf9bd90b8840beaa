"""The size of a one-loop derivation, known before it starts, and the bound :func:`~tensornn.flow.derive_flow` keeps.

The derivation visits ordered sequences of insertions (an interaction cut open at a pair of legs) whose added legs
fit the largest member (:func:`tensornn.flow.rules.loop_sequence_count`). Finding every member's cut-pair orbits
takes seconds for large members, so the estimate here counts from the members' leg numbers alone: every member
gives at least one insertion, adding its legs minus the two cut ones (in the melonic projection only melonic
members, whose dipoles are cut pairs), and the sequences of those insertions are a lower bound of the loops
visited. Scalar phi^(2n) truncations have one orbit per member, so the bound is their count: 65 534 sequences at
n = 16 (half a second here), 1.7e7 at n = 24 (95 s), 1.1e9 at n = 30. A derivation above
:data:`MAX_DERIVATION_SEQUENCES` is refused with :class:`DerivationTooLargeError` before any work.
"""

from __future__ import annotations

from dataclasses import dataclass

from .._checks import check_choice
from ..errors import InvalidArgumentError

__all__ = ["MAX_DERIVATION_SEQUENCES", "DerivationEstimate", "DerivationTooLargeError", "derivation_estimate",
           "check_derivation_size"]

#: Largest lower bound of loop sequences a derivation may visit: at about 5 us a sequence (measured here on
#: scalar truncations, fewer for melonic ones), about four minutes. Raise it (module attribute) to go further.
MAX_DERIVATION_SEQUENCES = 50_000_000

#: Seconds per loop sequence (scalar phi^48 derived in 95 s for 1.7e7 sequences here).
_SECONDS_PER_SEQUENCE = 5.7e-6


class DerivationTooLargeError(InvalidArgumentError):
    """A derivation of beta functions would visit more loop sequences than the bound; refused before it starts."""


@dataclass(frozen=True)
class DerivationEstimate:
    """A lower bound of the loop sequences a derivation visits, and the time they take at the measured rate."""

    sequences: int
    seconds: float


def _lower_bound(added: list[int], max_legs: int) -> int:
    """Sequences of insertions (each adding ``added[i]`` legs) with at most ``max_legs`` added legs in all."""
    ways = [0] * (max_legs + 1)
    ways[0] = 1
    adding = [a for a in added if a > 0]
    for legs in range(1, max_legs + 1):
        ways[legs] = sum(ways[legs - a] for a in adding if a <= legs)
    return sum(ways[1:])


def derivation_estimate(truncation, projection: str = "full") -> DerivationEstimate:
    """A lower bound of the loop sequences :func:`~tensornn.flow.derive_flow` visits for ``truncation``.

    Examples
    --------
    >>> from tensornn.theory import scalar_truncation
    >>> derivation_estimate(scalar_truncation(16)).sequences
    65534
    """
    check_choice("projection", projection, ("full", "melonic"))
    members = list(truncation.interactions)
    if projection == "melonic":
        from ..bubbles.invariants import is_melonic

        members = [m for m in members if m.n_legs == 2 or is_melonic(m.bubble)]
    if not members:
        return DerivationEstimate(0, 0.0)
    sequences = _lower_bound([m.n_legs - 2 for m in members], max(m.n_legs for m in truncation.interactions))
    return DerivationEstimate(sequences, sequences * _SECONDS_PER_SEQUENCE)


def check_derivation_size(truncation, projection: str = "full", *,
                          max_sequences: int | None = None) -> DerivationEstimate:
    """Refuse a derivation whose loop sequences exceed ``max_sequences`` (default :data:`MAX_DERIVATION_SEQUENCES`).

    Raises
    ------
    DerivationTooLargeError
        Before any loop is enumerated, with the estimate and the ways out.
    """
    bound = MAX_DERIVATION_SEQUENCES if max_sequences is None else max_sequences
    estimate = derivation_estimate(truncation, projection)
    if estimate.sequences > bound:
        from ..bubbles.estimate import _duration

        raise DerivationTooLargeError(
            f"theory: deriving the {projection!r} beta functions of this truncation ({len(truncation)} couplings, "
            f"up to {max(m.n_legs for m in truncation.interactions)} legs) would visit at least "
            f"{estimate.sequences:,} loop sequences, about {_duration(estimate.seconds)}, more than the bound of "
            f"{bound:,}; lower the truncation's order, use projection='melonic' where it applies, or raise "
            "tensornn.flow.derivation_size.MAX_DERIVATION_SEQUENCES if the time is acceptable")
    return estimate

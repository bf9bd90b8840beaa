"""How large an enumeration of bubbles is, known before it starts, and the bounds checked against it.

:func:`enumeration_estimate` gives, from the counting formulas alone, the number of bubbles a listing yields
(exact for complex and real fields, by the Burnside sums and the inverse Euler transform; bounded for melonic
bubbles by the Fuss-Catalan count of rooted ones), the candidate tables it examines, its working memory
(:func:`~tensornn.bubbles.memory.enumeration_memory`) and a rough time. :func:`check_enumeration` refuses a
listing above :data:`MAX_LISTED_BUBBLES` bubbles or above a memory bound with
:class:`EnumerationTooLargeError`, before anything is enumerated; :func:`~tensornn.bubbles.enumerate_bubbles`
and ``tensornn bubbles`` call it (docs/bubbles.md, bounds).

Orders beyond the reach of the Burnside sums (complex n > 50, real n > 25) get lower bounds instead:
labelled tuples over the group order, (n!)^(d-2) (complex) and ((2n - 1)!!)^d / (2n)! (real), far above any
bound at such orders.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import factorial

from .._checks import check_choice, check_int
from ..errors import InvalidArgumentError, SizeLimitError
from .counting import MAX_PARTITIONED, count_bubbles, count_connected_bubbles, fuss_catalan, partitions
from .graph import FIELDS

__all__ = [
    "MAX_LISTED_BUBBLES",
    "MAX_ENUMERATION_BYTES",
    "EnumerationEstimate",
    "EnumerationTooLargeError",
    "enumeration_estimate",
    "check_enumeration",
    "check_truncation_size",
]

#: Largest number of bubbles listed, drawn or counted by enumeration unless the caller raises the bound
#: (``max_bubbles=``, ``--max-bubbles``): about 5 s of listing here, and a listing anyone reads stays far below.
MAX_LISTED_BUBBLES = 200_000

#: Default bound of the estimated working memory of an enumeration (``max_memory=`` in bytes; ``--max-memory``).
MAX_ENUMERATION_BYTES = 2 * 2**30

#: Rough costs on one core here (seconds): a complex class listed (orbit step included), a real candidate table
#: deduplicated by canonical code, a melonic insertion with its canonical code.
_SECONDS_PER_COMPLEX = 2e-5
_SECONDS_PER_CANDIDATE = 5e-5
_SECONDS_PER_INSERTION = 1.3e-4


class EnumerationTooLargeError(SizeLimitError):
    """An enumeration of bubbles would exceed a bound (number of bubbles or memory); refused before it starts.

    A :class:`~tensornn.errors.SizeLimitError`, as the derivation's refusal: ``except SizeLimitError`` catches both.
    """


@dataclass(frozen=True)
class EnumerationEstimate:
    """The size of an enumeration, from the counting formulas.

    Attributes
    ----------
    bubbles : int
        Bubbles listed: exact when ``exact``, else a lower bound (melonic: rooted count / n; beyond the
        Burnside sums: labelled tuples / group order).
    exact : bool
    upper : int or None
        An upper bound (equal to ``bubbles`` when exact; the rooted Fuss-Catalan count for melonic bubbles;
        None when unknown).
    candidates : int
        Tables the enumeration builds or examines (complex: the bubbles themselves; real: the product of the
        matchings; melonic: insertions).
    memory : int or None
        Estimated working memory in bytes (:func:`~tensornn.bubbles.memory.enumeration_memory`); None when it
        was not needed (the count alone is over the bound).
    seconds : float
        A rough time on one core, from the costs per candidate measured here.
    """

    bubbles: int
    exact: bool
    upper: int | None
    candidates: int
    memory: int | None
    seconds: float

    def describe(self) -> str:
        """``'378,360 bubbles, about 7.6 s'``: the size and time as messages state them."""
        if self.exact:
            size = f"{_big(self.bubbles)} bubble{'' if self.bubbles == 1 else 's'}"
        elif self.upper is not None:
            size = f"between {_big(self.bubbles)} and {_big(self.upper)} bubbles"
        else:
            size = f"more than {_big(self.bubbles)} bubbles"
        return f"{size}, {'under a second' if self.seconds < 1 else 'about ' + _duration(self.seconds)}"


def _big(n: int) -> str:
    """``n`` with thousands separators, or as a power of ten when it is beyond a float's reach."""
    if n < 10**15:
        return f"{n:,}"
    if n < 10**300:
        return f"{float(n):.2g}"
    return f"10^{int(n.bit_length() * 0.30103)}"


def _duration(seconds: float) -> str:
    """``seconds`` in the largest unit that keeps the number >= 2: '40 s', '3.5 min', '1.7 hours', '2e+20 years'."""
    if seconds < 1:
        return "under a second"
    value, unit = seconds, "s"
    for name, size in (("years", 3.15e7), ("days", 86400.0), ("hours", 3600.0), ("min", 60.0)):
        if seconds >= 2 * size:
            value, unit = seconds / size, name
            break
    if value >= 1e6:
        return f"{value:.1e} {unit}"
    return f"{value:.2g} {unit}" if value < 10 else f"{value:.0f} {unit}"


def _double_factorial_odd(m: int) -> int:
    result = 1
    for k in range(m - 1, 0, -2):
        result *= k
    return result


def _count(rank: int, order: int, field: str, connected: bool) -> tuple[int, bool]:
    """(count, exact): the Burnside count where it can be summed, else the orbit lower bound."""
    size = order if field == "complex" else 2 * order
    if size <= MAX_PARTITIONED:
        counter = count_connected_bubbles if connected else count_bubbles
        return counter(rank, order, field), True
    n = min(order, 60)  # the bound grows with the order: a smaller order's bound is still one, and stays cheap
    if field == "complex":  # labelled tuples (n!)^d over |S_n x S_n|; connected ones are most of them
        return factorial(n) ** max(rank - 2, 0), False
    return _double_factorial_odd(2 * n) ** rank // factorial(2 * n), False


def _melonic_count(rank: int, order: int) -> tuple[int, int | None, bool]:
    """(lower, upper, exact) for the connected melonic classes of the order."""
    if rank == 1:  # only the melon: rank-1 bubbles are matchings, and only the 2-vertex one is connected
        return int(order == 1), int(order == 1), True
    if rank == 2:  # one connected bubble per order, the cycle, and it is melonic
        return 1, 1, True
    rooted = fuss_catalan(rank, order)  # sum of n/|Aut| over classes, each term between 1 and n
    return max(rooted // order, 1), rooted, order == 1


def enumeration_estimate(rank: int, order: int, field: str = "complex", *, connected: bool = False,
                         melonic: bool = False, memory: bool = True) -> EnumerationEstimate:
    """The size of ``enumerate_bubbles(rank, order, field, connected=, melonic=)``, before it runs.

    Parameters
    ----------
    rank, order, field, connected, melonic
        As for :func:`~tensornn.bubbles.enumerate_bubbles`.
    memory : bool
        Also estimate the working memory (False skips it; ``memory`` is then None).

    Examples
    --------
    >>> e = enumeration_estimate(3, 9)
    >>> e.bubbles, e.exact
    (378360, True)
    >>> enumeration_estimate(3, 30).bubbles > 10**30
    True
    """
    rank = check_int("rank", rank, minimum=1)
    order = check_int("order", order, minimum=1)
    field = check_choice("field", field, FIELDS)
    for name, value in (("connected", connected), ("melonic", melonic), ("memory", memory)):
        if not isinstance(value, bool):
            raise InvalidArgumentError(f"{name} must be True or False, got {value!r}")
    if melonic:
        lower, upper, exact = _melonic_count(rank, order)
        rooted_levels = sum(fuss_catalan(rank, k) for k in range(1, min(order, 200))) if rank >= 3 else order
        candidates = rooted_levels * rank  # every black vertex and colour of every class of the levels below
        seconds = min(candidates, 10**300) * _SECONDS_PER_INSERTION
    else:
        lower, exact = _count(rank, order, field, connected)
        upper = lower if exact else None
        if field == "complex":
            total = lower if not connected or not exact else _count(rank, order, field, False)[0]
            candidates, seconds = total, min(total, 10**300) * _SECONDS_PER_COMPLEX
        else:
            n_second = sum(1 for _ in partitions(order)) if rank >= 2 and order <= MAX_PARTITIONED // 2 else 1
            candidates = n_second * _double_factorial_odd(2 * min(order, 60)) ** max(rank - 2, 0)
            seconds = min(candidates, 10**300) * _SECONDS_PER_CANDIDATE
    need = None
    if memory:
        from .memory import enumeration_memory

        need = enumeration_memory(rank, order, field, melonic=melonic)
    return EnumerationEstimate(lower, exact, upper, candidates, need, float(min(seconds, 1e300)))


def check_enumeration(rank: int, order: int, field: str = "complex", *, connected: bool = False,
                      melonic: bool = False, max_bubbles: int | None = MAX_LISTED_BUBBLES,
                      max_memory: float | None = MAX_ENUMERATION_BYTES,
                      names: dict[str, str] | None = None) -> EnumerationEstimate:
    """Refuse an enumeration whose bubbles or memory exceed the bounds; return its estimate otherwise.

    Parameters
    ----------
    rank, order, field, connected, melonic
        As for :func:`~tensornn.bubbles.enumerate_bubbles`.
    max_bubbles : int or None
        Largest number of bubbles (None: no bound). A melonic listing is refused when even its lower bound
        exceeds it.
    max_memory : float or None
        Largest estimated working memory in bytes (None: no bound).
    names : dict, optional
        How the message names ``order``, ``max_bubbles`` and ``max_memory`` (the command line passes its
        options, e.g. ``{"max_bubbles": "--max-bubbles"}``); the argument names by default.

    Raises
    ------
    EnumerationTooLargeError
        Before anything is enumerated, with the estimate, the bound and how to raise it.
    """
    names = {"order": "order", "max_bubbles": "max_bubbles", "max_memory": "max_memory", **(names or {})}
    if max_bubbles is not None:
        max_bubbles = check_int(names["max_bubbles"], max_bubbles, minimum=1)
    if max_memory is not None and not (isinstance(max_memory, (int, float)) and not isinstance(max_memory, bool)
                                       and max_memory > 0):
        raise InvalidArgumentError(f"{names['max_memory']} must be a number of bytes > 0 or None, got {max_memory!r}")
    estimate = enumeration_estimate(rank, order, field, connected=connected, melonic=melonic, memory=False)
    what = ("connected melonic " if melonic else "connected " if connected else "") + f"{field} bubbles"
    subject = f"the {what} of rank {rank} and order {order}"
    if max_bubbles is not None and estimate.bubbles > max_bubbles:
        raise EnumerationTooLargeError(
            f"{names['max_bubbles']}: listing {subject} means {estimate.describe()} (counted by formula, nothing "
            f"listed yet), more than the listing bound of {max_bubbles:,}; lower {names['order']}, or raise "
            f"{names['max_bubbles']}"
            + (f" to {estimate.bubbles:,}" if estimate.exact and estimate.bubbles < 10**9 else "")
            + " to list them anyway")
    if max_memory is not None:
        estimate = enumeration_estimate(rank, order, field, connected=connected, melonic=melonic)
        assert estimate.memory is not None
        if estimate.memory > max_memory:
            raise EnumerationTooLargeError(
                f"{names['max_memory']}: listing {subject} needs an estimated {_bytes(estimate.memory)} of working "
                f"memory, more than the memory bound of {_bytes(max_memory)}; lower {names['order']}, or raise "
                f"{names['max_memory']} if the machine has the memory free")
    return estimate


def _bytes(n: float) -> str:
    gib = n / 2**30
    return f"{gib:.3g} GiB" if gib < 1e6 else f"{gib:.2e} GiB"


def check_truncation_size(rank: int, max_order: int, field: str = "complex", *, melonic: bool = False,
                          max_bubbles: int | None = MAX_LISTED_BUBBLES,
                          max_memory: float | None = MAX_ENUMERATION_BYTES) -> int:
    """Refuse, before any enumeration, a truncation of all (or all melonic) bubbles up to ``max_order`` that
    would exceed the bounds; return its number of bubbles (a lower bound for melonic truncations).

    Every order's listing is checked against ``max_memory`` and the sum of the orders' bubbles against
    ``max_bubbles``, so :func:`tensornn.theory.melonic_truncation` ``(3, 30)`` is refused at once rather than
    after listing the orders that fit.
    """
    max_order = check_int("max_order", max_order, minimum=1)
    kind = "melonic " if melonic else ""
    total = 0
    for order in range(1, max_order + 1):
        estimate = enumeration_estimate(rank, order, field, connected=melonic, melonic=melonic,
                                        memory=max_memory is not None)
        total += estimate.bubbles
        over_memory = max_memory is not None and estimate.memory is not None and estimate.memory > max_memory
        if over_memory or (max_bubbles is not None and total > max_bubbles):
            reason = (f"its order-{order} bubbles alone need an estimated {_bytes(estimate.memory or 0)} of working "
                      f"memory to list, more than the bound of {_bytes(max_memory or 0)}") if over_memory else (
                      f"it has {'more than ' if not estimate.exact else ''}{_big(total)} bubbles up to order {order} "
                      f"(counted by formula), more than the bound of {max_bubbles:,}")
            raise EnumerationTooLargeError(
                f"max_order: the {kind}{field} truncation of rank {rank} up to order {max_order} is refused before "
                f"any enumeration: {reason}; lower max_order")
    return total

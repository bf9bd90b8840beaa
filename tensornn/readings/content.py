"""The random-tensor content of a linear CP-structured network (docs/theory/structured_inputs.md).

Every d-tuple pi in P4^d of pairings of four legs is a quartic real bubble with labelled vertices
(colour-c edges along pi_c). Grouping the tuples by isomorphism class (``Bubble.canonical_form``)
gives the quartic interactions of the first-order effective action of T = (1/sqrt N) sum_j v_j W^j:

    S[T] = (1/2) mass |T|^2 + sum_B lambda_B B(T) + constant + O(1/N^2),
    lambda_B = - W_B / (4! N s^4),         W_B = sum_{pi in B} w_R(pi),     s^2 = sigma_v^2 sigma_w^2 / n,
    mass     = (1 + M / (2N)) / s^2,       constant = - n M / (8 N),
    M        = sum_pi w_R(pi) prod_c m_c(pi_c),  m_c = n_c if pi_c pairs legs (1 2)(3 4), else 1,

from -log of the Edgeworth density p = p_0 [1 + kappa4^{abcd} H_abcd(T) / 4!] with the fourth Hermite
tensor H_abcd = t_a t_b t_c t_d - (delta_ab t_c t_d / s^2 + 5 perms) + (delta_ab delta_cd / s^4 + 2 perms),
t = T / s^2. B(T) is the bubble evaluated on T: one copy of T per vertex, colour-c indices summed
along the colour-c edges. For R = 1, M = 3 prod_c (n_c + 2) - (n + 2); for rank R,
M = (3/R) [prod_c (n_c + 2) - (n + 2)] + 2 (n + 2); dense weights: M = 2 (n + 2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .._checks import check_index_sizes, check_int
from ..bubbles import Bubble
from ..errors import InvalidArgumentError
from ..correlators.cp_cumulants import PAIRINGS, pairing_tuples, tuple_weight

__all__ = [
    "QuarticClass",
    "QuarticContent",
    "LinearTensorAction",
    "quartic_content",
    "pairing_bubble",
    "hermite_trace",
    "linear_tensor_action",
]


def pairing_bubble(pi) -> Bubble:
    """The labelled quartic real bubble of a tuple pi: vertices 0..3, colour c+1 edges along PAIRINGS[pi[c]]."""
    return Bubble.from_matchings([PAIRINGS[int(p)] for p in pi])


def _colour_partition(pi) -> tuple[tuple[int, ...], ...]:
    """The colours (1-based) grouped by equal pairing: an invariant of the isomorphism class."""
    groups: dict[int, list[int]] = {}
    for c, p in enumerate(pi, start=1):
        groups.setdefault(p, []).append(c)
    return tuple(sorted(tuple(g) for g in groups.values()))


def _class_name(partition, order) -> str:
    if len(partition) == 1:
        return "double trace"
    if len(partition) == 2:
        odd = min(partition, key=lambda block: (len(block), block))
        return "pillow(" + ",".join(map(str, odd)) + ")"
    if order == 3:
        return "tetrahedron"
    return "tetrahedral(" + "|".join(",".join(map(str, b)) for b in partition) + ")"


@dataclass(frozen=True)
class QuarticClass:
    """One isomorphism class of quartic bubbles in P4^d with its weight.

    Attributes
    ----------
    name : str
        "double trace", "pillow(c)" (colour c paired differently from the others), "tetrahedron"
        (d = 3, all colours different) or "tetrahedral(...)" (the colour partition, d > 3).
    bubble : Bubble
        A representative.
    tuples : tuple of tuple of int
        The tuples pi of the class (indices into PAIRINGS per colour).
    weight : float
        W_B = sum of w_R(pi) over the class.
    """

    name: str
    bubble: Bubble
    tuples: tuple[tuple[int, ...], ...]
    weight: float

    @property
    def multiplicity(self) -> int:
        """The number of labelled tuples in the class (= 4!/|Aut(B)|)."""
        return len(self.tuples)

    def __repr__(self):
        return (f"QuarticClass({self.name!r}, multiplicity={self.multiplicity}, weight={self.weight:g}, "
                f"|Aut|={self.bubble.automorphism_count()}, connected={self.bubble.is_connected()})")


@dataclass(frozen=True)
class QuarticContent:
    """The quartic interaction content of the linear structured network of order d and CP rank R."""

    order: int
    cp_rank: int | None
    classes: tuple[QuarticClass, ...]

    def weights(self) -> dict[str, float]:
        """{class name: W_B}."""
        return {c.name: c.weight for c in self.classes}

    def table(self) -> str:
        """A plain-text table: name, multiplicity, weight per tuple, W_B, |Aut(B)|, connected."""
        rank = "dense" if self.cp_rank is None else f"R = {self.cp_rank}"
        lines = [f"quartic content, d = {self.order}, {rank}",
                 f"{'bubble':<22}{'tuples':>7}{'w/tuple':>9}{'W_B':>8}{'|Aut|':>7}  connected"]
        for c in self.classes:
            lines.append(f"{c.name:<22}{c.multiplicity:>7}{c.weight / c.multiplicity:>9.4g}{c.weight:>8.4g}"
                         f"{c.bubble.automorphism_count():>7}  {c.bubble.is_connected()}")
        lines.append(f"{'total':<22}{sum(c.multiplicity for c in self.classes):>7}{'':>9}"
                     f"{sum(c.weight for c in self.classes):>8.4g}")
        return "\n".join(lines)

    def __repr__(self):
        return f"QuarticContent(order={self.order}, cp_rank={self.cp_rank}, weights={self.weights()})"


def quartic_content(order: int, cp_rank: int | None = 1) -> QuarticContent:
    """Group P4^d into isomorphism classes of quartic real bubbles and sum the weights w_R.

    Parameters
    ----------
    order : int
        d >= 1, the number of input indices.
    cp_rank : int or None
        R >= 1, or None for dense weights (classes with zero weight are kept, with W_B = 0).

    Returns
    -------
    QuarticContent
        Classes in the order double trace, pillows, tetrahedral (by number of colour blocks).

    Examples
    --------
    >>> quartic_content(3).weights()["tetrahedron"]
    18.0
    """
    order = check_int("order", order, minimum=1)
    if cp_rank is not None:
        cp_rank = check_int("cp_rank", cp_rank, minimum=1)
    groups: dict[tuple, list] = {}
    for pi in pairing_tuples(order):
        bubble = pairing_bubble(pi)
        groups.setdefault(bubble.canonical_form(), [bubble, []])[1].append(pi)
    classes = []
    for bubble, tuples in groups.values():
        partition = _colour_partition(tuples[0])
        classes.append(QuarticClass(
            name=_class_name(partition, order),
            bubble=bubble,
            tuples=tuple(tuples),
            weight=float(sum(tuple_weight(pi, cp_rank) for pi in tuples)),
        ))
    classes.sort(key=lambda c: (len(_colour_partition(c.tuples[0])), c.name))
    return QuarticContent(order, cp_rank, tuple(classes))


@dataclass(frozen=True)
class LinearTensorAction:
    """First-order effective action of T for the linear structured network (see module docstring).

    Attributes
    ----------
    s2 : float
        s^2 = sigma_v^2 sigma_w^2 / n, the Gaussian variance of each component of T.
    mass : float
        Coefficient of |T|^2 / 2, i.e. (1 + M/(2N)) / s^2; ``mass_shift`` = M / (2 N s^2).
    couplings : dict
        {class name: lambda_B = -W_B / (4! N s^4)}, for S containing sum_B lambda_B B(T).
    constant : float
        -n M / (8 N), the constant piece of the Hermite polynomial.
    content : QuarticContent
    """

    s2: float
    mass: float
    mass_shift: float
    couplings: dict
    constant: float
    content: QuarticContent

    def __repr__(self):
        couplings = ", ".join(f"{k}: {v:.6g}" for k, v in self.couplings.items())
        return (f"LinearTensorAction(s2={self.s2:.6g}, mass={self.mass:.6g}, mass_shift={self.mass_shift:.6g}, "
                f"constant={self.constant:.6g}, couplings={{{couplings}}})")


def hermite_trace(index_sizes, cp_rank: int | None = 1) -> float:
    """M = sum_pi w_R(pi) prod_c m_c(pi_c): kappa4^{abcc} = (s^4/N) M delta_ab."""
    index_sizes = check_index_sizes(index_sizes)
    total = 0.0
    for pi in pairing_tuples(len(index_sizes)):
        total += tuple_weight(pi, cp_rank) * math.prod(n if p == 0 else 1 for n, p in zip(index_sizes, pi))
    return total


def linear_tensor_action(network) -> LinearTensorAction:
    """The first-order effective tensor action of a linear, bias-free StructuredNetwork.

    Parameters
    ----------
    network : StructuredNetwork

    Returns
    -------
    LinearTensorAction
    """
    if network.activation != "linear" or network.bias:
        raise InvalidArgumentError(
            "the tensor action is exact for activation='linear' without biases, got "
            f"activation={network.activation!r}, bias={network.bias}; fit measured correlators instead"
        )
    content = quartic_content(network.order, network.cp_rank)
    s2 = network.sigma_v**2 * network.sigma_w**2 / network.n_components
    width = network.width
    trace = hermite_trace(network.index_sizes, network.cp_rank)
    couplings = {c.name: -c.weight / (24.0 * width * s2**2) for c in content.classes}
    shift = trace / (2.0 * width * s2)
    return LinearTensorAction(s2=s2, mass=1.0 / s2 + shift, mass_shift=shift, couplings=couplings,
                              constant=-network.n_components * trace / (8.0 * width), content=content)

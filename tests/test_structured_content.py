"""The bubble content of linear structured networks and the first-order tensor action."""

import math

import numpy as np
import pytest

from tensornn import Bubble
from tensornn.correlators.cp_cumulants import contraction, pairing_tuples, tuple_weight
from tensornn.networks import StructuredNetwork
from tensornn.readings.content import hermite_trace, linear_tensor_action, pairing_bubble, quartic_content


def _stirling2(n, k):
    return sum((-1) ** i * math.comb(k, i) * (k - i) ** n for i in range(k + 1)) // math.factorial(k)


def test_rank_three_content_is_double_trace_three_pillows_and_tetrahedron():
    content = quartic_content(3)
    assert content.weights() == {"double trace": 6.0, "pillow(1)": 18.0, "pillow(2)": 18.0, "pillow(3)": 18.0,
                                 "tetrahedron": 18.0}
    assert [c.multiplicity for c in content.classes] == [3, 6, 6, 6, 6]
    # docs/theory/structured_inputs.md: double trace 3 tuples with w = 2, 6 tuples per pillow and 6 for the tetrahedron with w = 3.
    tet = Bubble.from_matchings([[(0, 1), (2, 3)], [(0, 2), (1, 3)], [(0, 3), (1, 2)]])
    assert content.classes[-1].bubble == tet
    assert not content.classes[0].bubble.is_connected()
    pillow_1 = Bubble.from_matchings([[(0, 2), (1, 3)], [(0, 1), (2, 3)], [(0, 1), (2, 3)]])
    assert content.classes[1].bubble == pillow_1


@pytest.mark.parametrize("order", [1, 2, 3, 4])
def test_classes_are_colour_partitions_and_orbits_have_size_4_factorial_over_aut(order):
    content = quartic_content(order)
    # S4 acts on the 3 pairings as S3, so classes <-> partitions of the colours into <= 3 blocks.
    assert len(content.classes) == sum(_stirling2(order, k) for k in (1, 2, 3))
    assert sum(c.multiplicity for c in content.classes) == 3**order
    for c in content.classes:
        assert c.multiplicity * c.bubble.automorphism_count() == 24
        assert all(pairing_bubble(pi) == c.bubble for pi in c.tuples)


def test_rank_three_quartic_count_matches_the_o_n_counting_of_theory():
    # docs/theory/bubbles.md: O(N)^3 bubbles with 4 vertices (all, connected or not): 5.
    assert len(quartic_content(3).classes) == 5


def test_dense_weights_reduce_to_the_vector_model():
    dense = quartic_content(3, cp_rank=None).weights()
    vector = quartic_content(1).weights()
    assert vector == {"double trace": 6.0}
    assert dense["double trace"] == vector["double trace"]
    assert all(w == 0.0 for name, w in dense.items() if name != "double trace")


def test_rank_r_weights_scale_as_one_over_r():
    w1, w5 = quartic_content(3, 1).weights(), quartic_content(3, 5).weights()
    assert w5["double trace"] == w1["double trace"]
    assert w5["tetrahedron"] == pytest.approx(w1["tetrahedron"] / 5)


def _kappa4_tensor(sizes, rank):
    """kappa4 of T (times N / s^4) as a dense (n,)*4 array, from per-colour delta products."""
    eye = [np.eye(n) for n in sizes]
    pair = [
        [np.einsum("ab,cd->abcd", e, e), np.einsum("ac,bd->abcd", e, e), np.einsum("ad,bc->abcd", e, e)]
        for e in eye
    ]
    n = math.prod(sizes)
    total = np.zeros((n,) * 4)
    for pi in pairing_tuples(len(sizes)):
        block = pair[0][pi[0]]
        for c in range(1, len(sizes)):
            block = np.einsum("abcd,efgh->aebfcgdh", block, pair[c][pi[c]]).reshape((block.shape[0] * sizes[c],) * 4)
        total += tuple_weight(pi, rank) * block
    return total


@pytest.mark.parametrize("sizes, rank", [((2, 3), 1), ((2, 2, 2), 1), ((3, 2), 4), ((2, 2, 2), None)])
def test_hermite_trace_matches_the_explicit_cumulant_tensor_and_closed_form(sizes, rank):
    kappa = _kappa4_tensor(sizes, rank)
    traced = np.einsum("abcc->ab", kappa)
    m = hermite_trace(sizes, rank)
    np.testing.assert_allclose(traced, m * np.eye(kappa.shape[0]), atol=1e-12)
    n, prod = math.prod(sizes), math.prod(s + 2 for s in sizes)
    closed = 2 * (n + 2) if rank is None else 3 / rank * (prod - (n + 2)) + 2 * (n + 2)
    assert m == pytest.approx(closed)


def test_tensor_action_couplings_and_quartic_term_agree_with_the_cumulant_tensor():
    # sum_B lambda_B B(T) must equal -(1/4!) s^-8 kappa4.TTTT for a random T.
    net = StructuredNetwork((2, 3), cp_rank=1, width=3, sigma_w=1.2, sigma_v=0.7)
    action = linear_tensor_action(net)
    s2 = 0.7**2 * 1.2**2 / 6
    assert action.s2 == pytest.approx(s2)
    t = np.random.default_rng(0).standard_normal((2, 3))
    kappa = _kappa4_tensor((2, 3), 1) * s2**2 / 3
    flat = t.ravel()
    expected = -np.einsum("abcd,a,b,c,d->", kappa, flat, flat, flat, flat) / 24 / s2**4
    legs = [t[None]] * 4
    quartic = sum(action.couplings[c.name] / c.multiplicity * sum(contraction(pi, *legs)[0] for pi in c.tuples)
                  for c in action.content.classes)
    # couplings multiply B(T) = I_pi(T, T, T, T) (the same for every pi of the class)
    assert quartic == pytest.approx(expected, rel=1e-12)
    assert action.couplings["pillow(1)"] == pytest.approx(-18 / (24 * 3 * s2**2))
    assert action.mass_shift == pytest.approx(hermite_trace((2, 3)) / (2 * 3 * s2))
    assert action.mass == pytest.approx(1 / s2 + action.mass_shift)

"""Tensor flows from the engine: the melonic tensor check of docs/theory/flow.md, asymptotic freedom, the pillow derivation."""

from fractions import Fraction
from math import gamma

import numpy as np
import pytest

from tensornn.flow import derive_flow
from tensornn.theory import ContinuumColour, FlatColour, Theory, full_truncation, melonic_truncation


def strands(d, s):
    """Rank-d pairing colours with e = |p|^s, strand sums in the continuum approximation (density 1)."""
    return tuple(ContinuumColour(1, power=s, density=1.0, role="pairing") for _ in range(d))


def B(d, s):
    return (2 * gamma(1 + 1 / s)) ** (d - 1) / gamma(1 + (d - 1) / s)


@pytest.mark.parametrize("d, s", [(3, 1.0), (3, 2.0), (4, 2.0), (5, 2.0)])
def test_melonic_quartic_flow_of_theory_4_4(d, s):
    # one pillow per colour, each with coupling lambda/2
    flow = derive_flow(Theory(strands(d, s), "complex", melonic_truncation(d, 2)), projection="melonic")
    lam, mu, k = 0.3, 0.2, 1.7
    g = np.array([mu] + [lam / 2] * d)
    beta = flow.beta_dimensionful(np.log(k), g)
    assert beta[0] == pytest.approx(-d * s * B(d, s) * lam * k ** (d - 1 + s) / (k**s + mu) ** 2, rel=1e-13)
    # d_t (lambda/2) for every colour
    np.testing.assert_allclose(2 * beta[1:], 2 * s * B(d, s) * lam**2 * k ** (d - 1 + s) / (k**s + mu) ** 3,
                               rtol=1e-13)


@pytest.mark.parametrize("d", [3, 4])
def test_pillow_terms_match_the_hand_derivation_of_docs_flow(d):
    # docs/flow.md: d_t mu = sum_c -2 g_c L_2^{not c},  d_t g_c = 4 g_c^2 L_3^{not c}  (melonic)
    flow = derive_flow(Theory(strands(d, 1.0), "complex", melonic_truncation(d, 2)), projection="melonic")
    pillow_colour = {}
    for i, m in enumerate(flow.theory.truncation.interactions[1:], start=1):
        adj = m.bubble.adjacency
        # the colour c that does not join the dipole (vertex 0 and the white vertex it shares d - 1 colours with)
        partners = [adj[0][c] for c in range(d)]
        dipole = max(set(partners), key=partners.count)
        (c,) = [c for c in range(d) if partners[c] != dipole]
        pillow_colour[i] = c
    others = {c: frozenset(range(d)) - {c} for c in range(d)}
    expected = {(0, (i,), 2, others[c]): Fraction(-2) for i, c in pillow_colour.items()}
    expected.update({(i, (i, i), 3, others[c]): Fraction(4) for i, c in pillow_colour.items()})
    assert {(T.target, T.factors, T.n, T.colours): T.coefficient for T in flow.terms} == expected
    # without the projection the tadpole cut at a colour-c edge adds -2 g_c L_2^{c}
    full = derive_flow(Theory(strands(d, 1.0), "complex", melonic_truncation(d, 2)), allow_constant=True)
    tadpoles = {(T.factors, T.colours): T.coefficient for T in full.terms if T.target == 0}
    for i, c in pillow_colour.items():
        assert tadpoles[((i,), others[c])] == -2
        assert tadpoles[((i,), frozenset({c}))] == -2


@pytest.mark.parametrize("d, s", [(3, 1.0), (5, 2.0)])
def test_just_renormalisable_quartic_is_asymptotically_free_in_lpa_prime(d, s):
    # canonical dimension [lambda] = 2s - (d - 1) = 0; the wave-function renormalisation makes beta negative
    theory = Theory(strands(d, s), "complex", melonic_truncation(d, 2))
    lpa_prime = derive_flow(theory, projection="melonic", anomalous_dimension=True)
    lpa = derive_flow(theory, projection="melonic")
    assert lpa_prime.autonomous
    np.testing.assert_allclose(lpa_prime.dimensions[1:], 0.0, atol=1e-15)
    for lam in (1e-3, 1e-2, 0.05):
        g = np.array([0.0] + [lam] * d)
        assert np.all(lpa_prime.beta(g)[1:] < 0)  # decreases towards the UV: asymptotic freedom
        assert np.all(lpa.beta(g)[1:] > 0)  # without eta the one-loop coefficient has the other sign
    # leading order at mu = 0: eta = -2 (d - 1) B g~ + O(g~^2), d_t g~ = 2 eta g~ + 4 s B g~^2 = 4 B (s - (d - 1)) g~^2
    small = 1e-4
    b = lpa_prime.beta(np.array([0.0] + [small] * d))[1]
    assert b / small**2 == pytest.approx(4 * B(d, s) * (s - (d - 1)), rel=1e-2)


def test_eta_from_the_external_strand():
    d, s = 3, 1.0
    flow = derive_flow(Theory(strands(d, s), "complex", melonic_truncation(d, 2)), projection="melonic",
                       anomalous_dimension=True)
    g = 0.05
    # d_t Z = sum_c (-2 g) dL_2^{not c}/de_c; dL/de = -s x rho_S/(x+mu)^2 + eta N_S/(x+mu)^2 (x = 1, mu = 0)
    # rho_S = (d-1)/s B, N_S = B; averaging over the colours leaves one tadpole: -eta = 2 g B [(d-1) - eta]
    expected = -2 * g * B(d, s) * (d - 1) / (1 - 2 * g * B(d, s))
    assert flow.eta(np.array([0.0] + [g] * d)) == pytest.approx(expected, rel=1e-13)
    assert flow.validity(np.array([0.0] + [g] * d))[1] == pytest.approx(1 - 2 * g * B(d, s), rel=1e-13)


def test_exponential_and_litim_agree_for_flat_colours():
    # all kinetic eigenvalues vanish: both regulators give L_n = s k^s N^|S| / (k^s + m)^n
    colours = tuple(FlatColour(4) for _ in range(3))
    g = np.array([0.1, 0.2, 0.3, 0.4, 0.05])
    flows = [derive_flow(Theory(colours, "complex", full_truncation(3, 2), reg)) for reg in ("litim", "exponential")]
    np.testing.assert_allclose(flows[0].beta_dimensionful(0.3, g), flows[1].beta_dimensionful(0.3, g), rtol=1e-12)


def test_melonic_projection_drops_non_melonic_generated_terms():
    # the full quartic truncation contains the double trace; in the melonic projection the tadpoles are dipole cuts only
    theory = Theory(strands(3, 1.0), "complex", full_truncation(3, 2))
    full = derive_flow(theory)
    melonic = derive_flow(theory, projection="melonic", allow_constant=True)
    assert len(melonic.terms) < len(full.terms)
    for T in melonic.terms:
        if T.target == 0:
            assert len(T.colours) == 2  # every melonic tadpole passes d - 1 colours


def test_terms_do_not_depend_on_how_the_bubbles_are_labelled():
    # property: relabelling the vertices of every member leaves the derived terms unchanged
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from tensornn.flow import derive_terms
    from tensornn.theory import Truncation

    base = full_truncation(3, 2)
    reference = derive_terms(base)

    @settings(max_examples=15, deadline=None)
    @given(st.randoms(use_true_random=False))
    def check(rnd):
        bubbles = []
        for m in base.interactions:
            perm = list(range(m.n_legs))
            rnd.shuffle(perm)
            bubbles.append(m.bubble.relabelled(perm))
        assert derive_terms(Truncation.from_bubbles(bubbles, base.names)) == reference

    check()

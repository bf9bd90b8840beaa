"""Formulas derived on the theory pages (docs/theory/) that no other test states, checked against the package.

Each test names the page and section it checks. Tolerances are rounding-level unless stated: the quantities are
exact (closed forms, identities between exact oracles, exact rational bubble invariants).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from tensornn.bubbles import enumerate_bubbles
from tensornn.bubbles.invariants import face_count, gurau_degree
from tensornn.couplings import amputation_integral, u4_exact
from tensornn.correlators.exact import g4_connected_exact, hidden_moments
from tensornn.flow import critical_exponents, derive_flow, find_fixed_points
from tensornn.networks.kernels import gauss_fourier, kernel_w
from tensornn.theory import ContinuumColour, Theory, scalar_truncation


@pytest.mark.parametrize(("field", "rank", "max_order"), [("complex", 3, 4), ("real", 3, 4), ("complex", 4, 3),
                                                          ("real", 4, 3)])
def test_faces_and_gurau_degree_of_connected_bubbles(field, rank, max_order):
    # bubbles.md, "Faces, jackets and the Gurau degree": F = (d-1)(d-2) n/2 + (d-1) - 2 omega/(d-2)!
    checked = 0
    for order in range(1, max_order + 1):
        for bubble in enumerate_bubbles(rank, order, field, connected=True):
            expected = (Fraction((rank - 1) * (rank - 2) * order, 2) + (rank - 1)
                        - 2 * Fraction(gurau_degree(bubble)) / math.factorial(rank - 2))
            assert face_count(bubble) == expected, bubble
            checked += 1
    assert checked >= 30


def test_gauss_net_moments_depend_on_the_centroid():
    # nn_qft.md, "Exact finite-width facts", item 4, for n = 3 and 4 inputs with a bias
    rng = np.random.default_rng(0)
    sigma_w, sigma_b, d = 1.7, 0.4, 2
    for n in (3, 4):
        x = 0.3 * rng.standard_normal((n, d))
        xbar = x.mean(axis=0)
        s_bar = sigma_b**2 + sigma_w**2 * xbar @ xbar / d
        expected = math.exp(n * (n - 2) / 2 * s_bar - sigma_w**2 / d * np.sum((x - xbar) ** 2))
        got = hidden_moments("gauss", x, sigma_w=sigma_w, sigma_b=sigma_b).product
        assert got == pytest.approx(expected, rel=1e-12)


_PLANE = [[0.2, -0.1], [0.05, 0.3], [-0.25, 0.1], [0.15, 0.15]]
_LINE = [[0.2], [0.05], [-0.25], [0.15]]


# erf's G4c is a Gauss-Hermite quadrature (0.4 s a call): one line of inputs and one sigma_w keep it fast
@pytest.mark.parametrize(("activation", "cutoff", "inputs", "sigmas"), [
    ("gauss", None, _PLANE, (0.6, 2.5)), ("relu", 4.0, _PLANE, (0.6, 2.5)), ("erf", 4.0, _LINE, (2.5,))])
def test_a_change_of_sigma_w_rescales_inputs_and_outputs(activation, cutoff, inputs, sigmas):
    # nn_qft.md, "The active family is a change of units": f_sigma(x) - b1 = sigma [f_1(sigma x) - b1] in law, so
    # K_w, the amputation integral and u4 (with the cutoff scaled along) follow from sigma_w = 1 at inputs sigma x
    x = np.array(inputs)
    d, sigma_b, width = x.shape[1], 0.3, 7
    scaled_cutoff = (lambda s: None) if cutoff is None else (lambda s: s * cutoff)
    for sigma in sigmas:
        k = kernel_w(activation, x[0], x[1], sigma_w=sigma, sigma_b=sigma_b)
        k1 = kernel_w(activation, sigma * x[0], sigma * x[1], sigma_w=1.0, sigma_b=sigma_b)
        assert k == pytest.approx(sigma**2 * k1, rel=1e-12)
        amp = amputation_integral(activation, *x, sigma_w=sigma, sigma_b=sigma_b, cutoff=cutoff)
        amp1 = amputation_integral(activation, *(sigma * x), sigma_w=1.0, sigma_b=sigma_b, cutoff=scaled_cutoff(sigma))
        assert amp == pytest.approx(sigma ** (8 - d) * amp1, rel=1e-10)
        u4 = u4_exact(activation, *x, width=width, sigma_w=sigma, sigma_b=sigma_b, cutoff=cutoff)
        u4_1 = u4_exact(activation, *(sigma * x), width=width, sigma_w=1.0, sigma_b=sigma_b,
                        cutoff=scaled_cutoff(sigma))
        assert u4 == pytest.approx(sigma ** (d - 4) * u4_1, rel=1e-9)


def test_sign_of_the_gauss_net_four_point_function_at_small_inputs():
    # nn_qft.md, "The action and its couplings": without bias G4c -> (sigma^4/N)(|sum y|^2 - sum |y|^2), corrections
    # of relative order |y|^2; with a bias G4c -> (3 sigma^4/N)(exp(4 sigma_b^2) - 1)
    sigma_w, width, d = 1.3, 5, 2
    tight = [[1.0, 0.5], [1.1, 0.4], [0.9, 0.6], [1.0, 0.45]]
    spread = [[1.0, 0.0], [-1.0, 0.2], [0.1, 1.0], [0.0, -1.1]]
    for shape in (tight, spread):
        for scale in (1e-2, 1e-3):
            y = scale * np.array(shape)
            x = np.sqrt(d) * y / sigma_w
            g4 = g4_connected_exact("gauss", *x, width=width, sigma_w=sigma_w, bias=False)
            leading = sigma_w**4 / width * (np.sum(y.sum(axis=0) ** 2) - np.sum(y**2))
            assert g4 == pytest.approx(leading, rel=20 * scale**2)
    assert leading < 0 < g4_connected_exact("gauss", *(0.01 * np.ones((4, d))), width=width, sigma_w=sigma_w,
                                            bias=False)
    g4_bias = g4_connected_exact("gauss", *np.zeros((4, d)), width=width, sigma_w=sigma_w, sigma_b=0.3)
    assert g4_bias == pytest.approx(3 * sigma_w**4 / width * (math.exp(4 * 0.3**2) - 1), rel=1e-12)


@pytest.mark.parametrize(("sigma_w", "d_in"), [(1.0, 1), (1.7, 2), (3.0, 3)])
def test_gauss_net_kinetic_function_is_m2_exp_p2_over_m2(sigma_w, d_in):
    # nn_qft.md, "Momentum space and the Gauss-net kinetic operator": K_w(p)^-1 / Z = m^2 exp(p^2/m^2)
    g = gauss_fourier(sigma_w, d_in)
    p = np.linspace(0.0, 2.0 * math.sqrt(g.mass2), 9)
    assert g.kinetic(p) / g.Z == pytest.approx(g.mass2 * np.exp(p**2 / g.mass2), rel=1e-12)
    # and the scaling of the active family: Z ~ sigma_w^(d - 4), m ~ sigma_w
    g2 = gauss_fourier(2 * sigma_w, d_in)
    assert g2.Z / g.Z == pytest.approx(2.0 ** (d_in - 4), rel=1e-12)
    assert g2.mass2 / g.mass2 == pytest.approx(4.0, rel=1e-12)


def test_wilson_fisher_exponents_in_closed_form():
    # flow.md, "Scalar anchors": m^2/k^2 = -1/13, theta = (2 +- sqrt 82)/6, nu = 6/(2 + sqrt 82)
    flow = derive_flow(Theory((ContinuumColour(3),), "real", scalar_truncation(2)))
    wf = [fp for fp in find_fixed_points(flow, seed=0).valid if not fp.is_gaussian]
    assert len(wf) == 1
    assert 2 * wf[0].couplings[0] == pytest.approx(-1 / 13, rel=1e-10)
    theta = np.sort(np.real(critical_exponents(wf[0].matrix)))
    assert theta == pytest.approx([(2 - math.sqrt(82)) / 6, (2 + math.sqrt(82)) / 6], rel=1e-8)
    assert wf[0].nu == pytest.approx(6 / (2 + math.sqrt(82)), rel=1e-8)

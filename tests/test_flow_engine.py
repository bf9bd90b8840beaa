"""The one-loop engine against the checks and anchors of docs/theory/flow.md."""

from fractions import Fraction
from math import gamma, pi

import numpy as np
import pytest
from scipy.optimize import root

from tensornn.errors import InvalidArgumentError, TruncationError
from tensornn.flow import FlowSystem, derive_flow
from tensornn.theory import (
    ContinuumColour,
    FlatColour,
    LatticeColour,
    Theory,
    full_truncation,
    scalar_truncation,
    vector_truncation,
)

# docs/theory/flow.md writes U = u2 phi^2/2 + u4 phi^4/4! + u6 phi^6/6!; the engine's couplings multiply phi^n,
# so g_n = u_n / n! (g2 = u2/2, g4 = u4/24, g6 = u6/720) and the propagator mass 2 g2 = u2.
FACTORIAL = {2: 2, 4: 24, 6: 720}


def scalar_flow(D, order=3):
    return derive_flow(Theory((ContinuumColour(D),), "real", scalar_truncation(order)))


def anchor_terms():
    """The scalar anchors of docs/theory/flow.md as {target: {(factors, n): coefficient}} in the g-normalisation.

    d_t u = V k^(D+2) sum c prod(u) / (k^2 + u2)^n and L_n = 2 V k^(D+2) / (k^2 + u2)^n (Litim, s = 2), so a
    term c prod(u_j) / ()^n of d_t u_i becomes (c/2) prod(n_j! g_j) / n_i! L_n of d_t g_i.
    """
    anchors = {  # target: [(coefficient in d_t u, factors as leg counts, n)]
        2: [(-1, (4,), 2)],
        4: [(6, (4, 4), 3), (-1, (6,), 2)],
        6: [(30, (4, 6), 3), (-90, (4, 4, 4), 4)],
    }
    index = {2: 0, 4: 1, 6: 2}
    out = {}
    for target, terms in anchors.items():
        row = {}
        for c, factors, n in terms:
            value = Fraction(c, 2) / FACTORIAL[target]
            for f in factors:
                value *= FACTORIAL[f]
            row[(tuple(sorted(index[f] for f in factors)), n)] = value
        out[index[target]] = row
    return out


@pytest.mark.parametrize("D", [1, 2, 3, 4])
def test_scalar_beta_functions_equal_theory_4_5_term_by_term(D):
    flow = scalar_flow(D)
    derived = {}
    for T in flow.terms:
        assert T.colours == frozenset({0})  # the local colour passes every vertex
        derived.setdefault(T.target, {})[(T.factors, T.n)] = T.coefficient
    assert derived == anchor_terms()
    # and the values, in the u-normalisation of docs/theory/flow.md, at a point
    k, u = 1.3, np.array([0.4, 2.0, 5.0])
    g = u / np.array([2, 24, 720])
    beta_u = flow.beta_dimensionful(np.log(k), g) * np.array([2, 24, 720])
    V = 1 / (2**D * pi ** (D / 2) * gamma(D / 2 + 1))
    a, u2, u4, u6 = V * k ** (D + 2), u[0], u[1], u[2]
    expected = a * np.array([
        -u4 / (k**2 + u2) ** 2,
        6 * u4**2 / (k**2 + u2) ** 3 - u6 / (k**2 + u2) ** 2,
        30 * u4 * u6 / (k**2 + u2) ** 3 - 90 * u4**3 / (k**2 + u2) ** 4,
    ])
    np.testing.assert_allclose(beta_u, expected, rtol=1e-12)


def numerical_jacobian(f, x, h=1e-7):
    cols = []
    for j in range(len(x)):
        e = np.zeros(len(x))
        e[j] = h
        cols.append((f(x + e) - f(x - e)) / (2 * h))
    return np.array(cols).T


def test_wilson_fisher_fixed_point_of_phi4_in_three_dimensions():
    flow = scalar_flow(3, order=2)
    assert flow.autonomous and isinstance(flow, FlowSystem)
    sol = root(flow.beta, [-0.04, 0.3], tol=1e-14)
    assert sol.success
    mass = 2 * sol.x[0]  # m^2/k^2 = 2 g2~
    assert mass == pytest.approx(-1 / 13, abs=1e-12)
    theta = -np.linalg.eigvals(numerical_jacobian(flow.beta, sol.x)).real
    nu = 1 / theta.max()
    assert nu == pytest.approx(0.54272, abs=5e-6)  # docs/theory/flow.md quotes 5 digits


def test_phi4_tadpole_coefficient():
    flow = scalar_flow(3, order=2)
    (tadpole,) = [T for T in flow.terms if T.target == 0]
    assert tadpole.coefficient == Fraction(-1, 2) * 12 and tadpole.factors == (1,) and tadpole.n == 2


@pytest.mark.parametrize("N", [1, 3, 7])
def test_vector_tadpole_is_minus_two_g_times_N_plus_two(N):
    theory = Theory((FlatColour(N), ContinuumColour(3)), "real", vector_truncation(2))
    flow = derive_flow(theory)
    k, g = 1.1, np.array([0.05, 0.3])
    L2 = 2 * ContinuumColour(3).count(k**2) * k**2 / (k**2 + 2 * g[0]) ** 2
    assert flow.beta_dimensionful(np.log(k), g)[0] == pytest.approx(-2 * g[1] * (N + 2) * L2, rel=1e-13)
    # the N comes from the face of the flat colour: the tadpole splits into S = {flat, space} and S = {space}
    tadpoles = {T.colours: T.coefficient for T in flow.terms if T.target == 0}
    assert tadpoles == {frozenset({0, 1}): -2, frozenset({1}): -4}


@pytest.mark.parametrize("N", [1, 2, 3])
def test_complex_field_with_N_components_is_the_real_O_2N_model(N):
    # phi = (a + i b)/sqrt 2: phibar phi = (a.a + b.b)/2, so c_{2n} (phibar phi)^n = (c_{2n}/2^n) (a.a + b.b)^n
    space = ContinuumColour(3)
    complex_flow = derive_flow(Theory((FlatColour(N), space), "complex", vector_truncation(3, "complex")))
    real_flow = derive_flow(Theory((FlatColour(2 * N), space), "real", vector_truncation(3, "real")))
    scale = np.array([2.0, 4.0, 8.0])
    c = np.array([0.3, 0.7, 1.1])
    for t in (0.0, 0.4):
        np.testing.assert_allclose(
            complex_flow.beta_dimensionful(t, c), scale * real_flow.beta_dimensionful(t, c / scale), rtol=1e-12
        )


def test_one_colour_tensor_theory_with_N_1_is_the_scalar_theory():
    # rank-1 real bubbles over a flat colour of size 1 are phi^(2n): the tensor engine must give the scalar flow
    space = ContinuumColour(3)
    tensor = derive_flow(Theory((FlatColour(1), space), "real", full_truncation(1, 3, "real")))
    scalar = scalar_flow(3)
    g = np.array([0.1, 0.4, 0.9])
    np.testing.assert_allclose(tensor.beta_dimensionful(0.2, g), scalar.beta_dimensionful(0.2, g), rtol=1e-13)
    np.testing.assert_allclose(tensor.beta(g), scalar.beta(g), rtol=1e-13)


def test_rank_three_tensor_with_unit_colours_sums_to_the_scalar_flow():
    # with every pairing colour of size 1 each bubble of order n is phi^(2n); the full truncation is closed, so the
    # flows of the couplings of one order add up to the scalar flow of their sum
    space = ContinuumColour(3)
    truncation = full_truncation(3, 3, "real")
    tensor = derive_flow(Theory((FlatColour(1),) * 3 + (space,), "real", truncation))
    scalar = scalar_flow(3)
    rng = np.random.default_rng(7)
    g = rng.uniform(0.05, 0.5, len(truncation))
    orders = np.array([m.bubble.order for m in truncation.interactions])
    summed = np.array([g[orders == n].sum() for n in (1, 2, 3)])
    beta = tensor.beta_dimensionful(0.1, g)
    np.testing.assert_allclose([beta[orders == n].sum() for n in (1, 2, 3)],
                               scalar.beta_dimensionful(0.1, summed), rtol=1e-12)


def test_vectorised_evaluation_matches_column_by_column():
    flow = derive_flow(Theory((FlatColour(2), ContinuumColour(3)), "real", vector_truncation(3)))
    G = np.random.default_rng(3).uniform(-0.1, 0.5, (3, 5))
    batch = flow.beta(G)
    assert batch.shape == (3, 5)
    for j in range(5):
        np.testing.assert_allclose(batch[:, j], flow.beta(G[:, j]), rtol=1e-14)


def test_lattice_flow_is_not_autonomous_and_needs_t():
    flow = derive_flow(Theory((LatticeColour(2, 2.0, role="local"),), "real", scalar_truncation(2)))
    assert not flow.autonomous
    with pytest.raises(InvalidArgumentError, match="pass t"):
        flow.beta(np.array([0.0, 0.1]))
    # dimensionful tadpole with exact mode counts: N(k) points of Z^2 with |p|^2 <= k^2
    k, g = 1.5, np.array([0.05, 0.2])
    N = sum(1 for a in range(-2, 3) for b in range(-2, 3) if a * a + b * b <= k * k)
    assert flow.beta_dimensionful(np.log(k), g)[0] == pytest.approx(-6 * 0.2 * 2 * k**2 * N / (k**2 + 0.1) ** 2)
    # the effective dimension d ln N / d ln k approaches 2 at large k
    (dim,) = flow.effective_dimension(300.0).values()
    assert dim == pytest.approx(2.0, abs=0.05)


def test_bad_inputs_get_clear_errors():
    with pytest.raises(TruncationError, match="g2, g6.*no beta function"):
        from tensornn.theory import Interaction, Truncation

        trunc = Truncation((Interaction.local(2), Interaction.local(6)))
        derive_flow(Theory((ContinuumColour(3),), "real", trunc))
    flow = scalar_flow(3)
    with pytest.raises(InvalidArgumentError, match=r"shape \(3,\)"):
        flow.beta(np.zeros(2))
    with pytest.raises(TruncationError, match="valid names"):
        flow.couplings(g8=1.0)
    with pytest.raises(InvalidArgumentError, match="projection"):
        derive_flow(Theory((ContinuumColour(3),), "real", scalar_truncation(2)), projection="planar")
    with pytest.raises(TruncationError, match="melonic projection needs at least 2"):
        derive_flow(Theory((ContinuumColour(3),), "real", scalar_truncation(2)), projection="melonic")


def test_equations_print_the_derived_terms():
    text = scalar_flow(3).equations()
    assert "d_t g2 = -6 g4 L_2^{x}" in text
    assert "d_t g6 = 360 g4 g6 L_3^{x} - 864 g4^3 L_4^{x}" in text
    latex = scalar_flow(3).equations("latex")
    assert r"\partial_t g_{4} &= -15\, g_{6}\, L_{2}^{\{x\}} + 72\, g_{4}^{2}\, L_{3}^{\{x\}}" in latex


def test_compiled_kernel_equals_the_array_evaluation():
    # two independent evaluations of the same terms: generated straight-line code and index arrays
    from tensornn.theory import melonic_truncation

    colours = tuple(ContinuumColour(1, power=1.0, density=1.0, role="pairing") for _ in range(3))
    theory = Theory(colours, "complex", melonic_truncation(3, 3))
    for anomalous in (False, True):
        for omit in (False, True):
            flow = derive_flow(theory, projection="melonic", anomalous_dimension=anomalous, evaluation="compiled",
                               regulator_eta="omit" if omit else "include")
            G = np.random.default_rng(11).uniform(0.0, 0.05, (len(flow.names), 4))
            data = flow._data_at(None, True)
            for g in (G, G[:, 0]):
                for got, want in zip(flow._rhs(g, 1.0, data), flow._rhs_arrays(g, 1.0, data)):
                    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("case", ["scalar", "lattice", "tensor_lpa_prime"])
def test_dimensionless_flow_is_the_rescaled_dimensionful_flow(case):
    # g~ = g k^(-[g]):  d_t g~ = k^(-[g]) d_t g - [g] g~, an independent check of the scaling bookkeeping
    from tensornn.theory import melonic_truncation

    if case == "scalar":
        flow = scalar_flow(3)
    elif case == "lattice":
        flow = derive_flow(Theory((LatticeColour(2, 2.0, role="local"),), "real", scalar_truncation(3)))
    else:
        strands = tuple(ContinuumColour(1, power=1.0, density=1.0, role="pairing") for _ in range(4))
        flow = derive_flow(Theory(strands, "complex", melonic_truncation(4, 3)), projection="melonic",
                           anomalous_dimension=True)
    t = 0.7
    k = np.exp(t)
    g_tilde = np.random.default_rng(5).uniform(0.0, 0.02, len(flow.names))
    g = g_tilde * k**flow.dimensions
    expected = k**-flow.dimensions * flow.beta_dimensionful(t, g) - flow.dimensions * g_tilde
    np.testing.assert_allclose(flow.beta(g_tilde, t), expected, rtol=1e-11, atol=1e-14)


def test_exponential_regulator_tadpole_equals_the_direct_mode_sum():
    # R = E/(exp(E/k^2) - 1) on Z^1: d_t g2 = -6 g4 sum_p d_t R G^2, summed directly over p
    flow = derive_flow(Theory((LatticeColour(1, 2.0, role="local"),), "real", scalar_truncation(2), "exponential"))
    k, g = 1.3, np.array([0.05, 0.1])
    x, m = k**2, 2 * g[0]
    p = np.arange(-30, 31, dtype=float)  # E = p^2 <= 900 = 530 k^2: the tail is below exp(-500)
    E = p**2
    u = np.where(E == 0, 1.0, E / x)
    R = np.where(E == 0, x, E / np.expm1(u))
    dR = np.where(E == 0, 2 * x, 2 * x * u**2 * np.exp(-u) / (-np.expm1(-u)) ** 2)
    direct = -6 * g[1] * np.sum(dR / (E + R + m) ** 2)
    assert flow.beta_dimensionful(np.log(k), g)[0] == pytest.approx(direct, rel=1e-12)


def test_docs_flow_examples_run(capsys):
    import re
    from pathlib import Path

    page = Path(__file__).resolve().parents[1] / "docs" / "flow.md"
    blocks = re.findall(r"```python\n(.*?)```", page.read_text(), re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, str(page), "exec"), {})
    out = capsys.readouterr().out
    assert "d_t g2 = -6 g4 L_2^{x}" in out
    assert "-0.0769230769" in out  # m^2/k^2 = -1/13


def test_empirical_spectrum_equal_to_a_lattice_spectrum_gives_the_lattice_flow():
    from tensornn.theory import EmpiricalColour

    lattice = LatticeColour(2, 2.0, role="local")
    empirical = EmpiricalColour(tuple(lattice.eigenvalues(50.0)), role="local", dimension=2)
    flows = [derive_flow(Theory((c,), "real", scalar_truncation(3))) for c in (lattice, empirical)]
    g = np.array([0.05, 0.2, 0.3])
    for t in (-0.5, 0.3, 1.2):  # k^2 up to 11 < 50: the truncated spectrum holds every mode in the window
        np.testing.assert_allclose(flows[1].beta_dimensionful(t, g), flows[0].beta_dimensionful(t, g), rtol=1e-14)
        np.testing.assert_allclose(flows[1].beta(g, t), flows[0].beta(g, t), rtol=1e-14)


@pytest.mark.parametrize("rank, order, field", [(3, 4, "complex"), (3, 3, "real"), (4, 4, "complex")])
def test_colour_symmetric_enumeration_of_loops_gives_the_same_terms(rank, order, field):
    # derive_terms enumerates loops up to colour permutations and permutes the terms; the plain enumeration is
    # the reference (exact fractions: equality, not closeness)
    from tensornn.flow import derive_terms
    from tensornn.theory import melonic_truncation

    truncation = melonic_truncation(rank, order, field)
    assert derive_terms(truncation, projection="melonic") == derive_terms(truncation, projection="melonic",
                                                                          symmetric=False)


def test_auto_evaluation_picks_the_kernel_for_small_single_evaluations():
    from tensornn.flow.betas import COMPILE_MAX_TERMS
    from tensornn.theory import melonic_truncation

    colours = tuple(ContinuumColour(1, power=1.0, density=1.0, role="pairing") for _ in range(3))
    small = derive_flow(Theory(colours, "complex", melonic_truncation(3, 2)), projection="melonic")
    large = derive_flow(Theory(colours, "complex", melonic_truncation(3, 5)), projection="melonic")
    assert len(small.terms) <= COMPILE_MAX_TERMS < len(large.terms)
    assert small._use_kernel(np.zeros(len(small.names))) and not large._use_kernel(np.zeros(len(large.names)))
    assert not large._use_kernel(np.zeros((len(large.names), 8))) and large._use_kernel(np.zeros((len(large.names),
                                                                                                  1000)))
    assert large._compiled is None  # compiled only when first used
    with pytest.raises(InvalidArgumentError, match="evaluation"):
        derive_flow(Theory(colours, "complex", melonic_truncation(3, 2)), projection="melonic", evaluation="jit")

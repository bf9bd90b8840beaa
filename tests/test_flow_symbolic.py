"""The exported beta functions are the engine's: exact coefficients and prefactors, checked against the engine's
numerical right-hand side at random points (relative 1e-12: both are double-precision evaluations of the same
rational functions, a few roundings apart)."""

import math

import numpy as np
import pytest

sp = pytest.importorskip("sympy")

from tensornn.errors import InvalidArgumentError, InvalidTypeError  # noqa: E402
from tensornn.flow import derive_flow, make_preset, symbolic_flow  # noqa: E402
from tensornn.flow.symbolic import threshold_prefactor  # noqa: E402
from tensornn.flow.thresholds import ModeCount  # noqa: E402
from tensornn.theory import ContinuumColour, LatticeColour, Theory, melonic_truncation, scalar_truncation  # noqa: E402

RTOL = 1e-12  # same rational functions evaluated in double precision by two code paths
PRESETS = [
    ("scalar", dict(dim=3, order=4)),
    ("on", dict(n_components=3, dim=3, order=4)),
    ("on", dict(n_components=4, dim=2.5, order=3)),
    ("tensor", dict(rank=3, order=2)),
    ("tensor", dict(rank=3, order=2, eta=True)),
    ("tensor", dict(rank=4, order=2, eta=True, kinetic_power=2.0)),
    ("tensor", dict(rank=3, order=2, field="real", melonic=False)),
]


def _points(n, rng, count=8, scale=0.15):
    # inside the range of validity: the mass coupling above -1/2 keeps 1 + m~ > 0
    return [rng.uniform(-scale, scale, n) for _ in range(count)]


@pytest.mark.parametrize("name, options", PRESETS, ids=lambda v: str(v))
def test_exported_betas_equal_the_engine_at_random_points(name, options):
    system = make_preset(name, **options).system
    exact = symbolic_flow(system)
    f = exact.lambdify()
    rng = np.random.default_rng(sum(map(ord, name + str(options))))
    t = None if system.autonomous else 0.3  # a non-autonomous dimensionless flow depends on ln k
    for g in _points(len(system.names), rng):
        engine = system.beta(g, t)
        np.testing.assert_allclose(f(g, t or 0.0), engine, rtol=RTOL, atol=RTOL * np.max(np.abs(engine)))
        eta = float(np.asarray(system.eta(g, t)))
        value = exact.eta.subs({**dict(zip(exact.couplings, g)), exact.k: math.exp(t or 0.0)})
        assert float(value) == pytest.approx(eta, rel=RTOL, abs=1e-15)


@pytest.mark.parametrize("name, options", PRESETS[1:5], ids=lambda v: str(v))
def test_dimensionful_betas_equal_the_engine_at_random_scales(name, options):
    system = make_preset(name, **options).system
    system = getattr(system, "flow", system)  # the tensor preset's full flow (every bubble its own coupling)
    f = symbolic_flow(system, dimensionless=False).lambdify()
    rng = np.random.default_rng(7)
    for g in _points(len(system.names), rng):
        t = rng.uniform(-1.0, 1.0)
        engine = system.beta_dimensionful(t, g)
        np.testing.assert_allclose(f(g, t), engine, rtol=RTOL, atol=RTOL * np.max(np.abs(engine)))


def test_a_batch_of_coupling_vectors_has_the_engine_shape():
    system = make_preset("on", n_components=2, dim=3, order=3).system
    g = np.random.default_rng(1).uniform(-0.1, 0.1, (3, 5))
    out = symbolic_flow(system).lambdify()(g)
    assert out.shape == (3, 5)
    np.testing.assert_allclose(out, system.beta(g), rtol=RTOL, atol=1e-15)


def test_threshold_prefactors_are_the_closed_forms():
    # D = 3, s = 2, density (2 pi)^-3: N(x) = x^(3/2)/(6 pi^2), the volume of the ball of radius sqrt(x)
    scalar = Theory((ContinuumColour(3),), "real", scalar_truncation(2))
    assert threshold_prefactor(scalar, (0,)) == 1 / (6 * sp.pi**2)
    # rank-3 strands |p|^1 with density 1: B = (2 Gamma(2))^2/Gamma(3) = 2 (docs/flow.md, hand derivation)
    strands = tuple(ContinuumColour(1, power=1.0, density=1.0, role="pairing") for _ in range(3))
    theory = Theory(strands, "complex", melonic_truncation(3, 2))
    assert threshold_prefactor(theory, (0, 1)) == 2
    # and every prefactor equals the engine's float one
    for colours, S in (((ContinuumColour(2.5, power=1.5, scale=0.5),), (0,)), (strands, (0, 1, 2))):
        t = Theory(colours, "complex", melonic_truncation(3, 2)) if len(colours) == 3 else \
            Theory(colours, "real", scalar_truncation(2))
        count = ModeCount(t.ordered_colours, S)
        assert float(threshold_prefactor(t, S)) == pytest.approx(count.factor * count.prefactor, rel=1e-14)


def test_latex_and_printed_equations_are_exact():
    exact = symbolic_flow(make_preset("scalar", dim=3, order=2).system)
    latex = exact.latex()
    assert latex.startswith("\\begin{align}") and "\\pi^{2}" in latex and "0.0337" not in latex
    text = make_preset("scalar", dim=3, order=2).system.equations(dimensionless=False)
    assert "L_2^{x} = (1/(3 pi^2)) k^5/(k^2 + 2 g2)^2" in text  # 2 B_x with B_x = 1/(6 pi^2)
    assert math.isclose(2 / (6 * math.pi**2), 0.0337737278807793, rel_tol=1e-14)


def test_flows_without_closed_forms_are_refused():
    lattice = derive_flow(Theory((LatticeColour(1, cutoff=3, role="local"),), "real", scalar_truncation(2)))
    with pytest.raises(InvalidArgumentError, match="closed form"):
        symbolic_flow(lattice)
    smooth = derive_flow(Theory((ContinuumColour(3),), "real", scalar_truncation(2), regulator="exponential"))
    with pytest.raises(InvalidArgumentError, match="Litim"):
        symbolic_flow(smooth)
    with pytest.raises(InvalidTypeError, match="derived by the engine"):
        symbolic_flow(make_preset("scalar", dim=3, order=3, expansion="minimum").system)

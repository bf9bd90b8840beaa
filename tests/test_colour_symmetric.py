"""The colour-symmetric flow evaluates the orbit-reduced system: the members' equations on the symmetric subspace."""

import numpy as np
import pytest

from tensornn.flow import run_flow, tensor_preset
from tensornn.flow.presets import ColourSymmetricFlow


@pytest.mark.parametrize("options", [
    dict(order=3), dict(order=4), dict(order=5), dict(order=3, eta=True), dict(order=4, eta=True, regulator_eta="omit"),
    dict(order=3, field="real"), dict(order=2, colours="lattice", cutoff=12), dict(order=3, regulator="exponential"),
])
def test_reduced_system_is_the_members_system_on_the_symmetric_subspace(options):
    # oracle: the flow of every member, evaluated at the expanded couplings, row of each orbit's representative
    system = tensor_preset(**options).system
    assert isinstance(system, ColourSymmetricFlow)
    full = system.flow
    rng = np.random.default_rng(1)
    g = np.column_stack([rng.uniform(-0.2, 0.3, len(system.names)) * 0.1 ** np.arange(len(system.names)) for _ in
                         range(5)])
    t = None if system.autonomous else 0.4
    expanded = system.expand(g)
    np.testing.assert_allclose(system.beta(g, t), full.beta(expanded, t)[system._reps], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(system.beta_dimensionful(0.3, g), full.beta_dimensionful(0.3, expanded)[system._reps],
                               rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(system.eta(g, t), full.eta(expanded, t), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(system.validity(g, t), full.validity(expanded, t), rtol=1e-12, atol=1e-15)
    assert len(system.reduced.terms) < len(full.terms)


def test_reduced_system_merges_the_orbit_terms():
    # rank-3 melonic order 6: the representatives' equations, factors by orbit and loops by their number of
    # colours, are 426 distinct terms instead of the members' 2757; every merged term keeps the exact coefficient
    system = tensor_preset(order=6).system
    assert (len(system.flow.terms), len(system.reduced.terms), len(system.names)) == (2757, 426, 69)
    assert all(S == frozenset(range(len(S))) for S in {T.colours for T in system.reduced.terms})


def test_lattice_flow_of_the_orbits_follows_the_members_flow():
    # exact sums over lattice modes: the counting functions jump, so the two evaluations (the same equations summed
    # in another order) agree to the integrator's tolerance, not to rounding
    symmetric = tensor_preset(order=2, colours="lattice", cutoff=30).system
    full = tensor_preset(order=2, colours="lattice", cutoff=30, colour_symmetric=False).system
    a = run_flow(symmetric, [0.05, -0.001], k_start=20.0, k_stop=0.5)
    b = run_flow(full, [0.05, -0.001, -0.001, -0.001], k_start=20.0, k_stop=0.5)
    assert a.status == b.status == "completed"
    np.testing.assert_allclose(a.couplings[:, -1], b.couplings[:2, -1], rtol=1e-6)
    np.testing.assert_allclose(b.couplings[1:, -1], b.couplings[1, -1], rtol=1e-12)  # the orbit stays symmetric

"""Model presets: Wilson-Fisher numbers, cross-checks between code paths, the melonic LPA' family."""

import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest
from _handwritten_flows import ScalarPhi6, TensorMelonic

from tensornn.errors import InvalidArgumentError
from tensornn.flow import (
    ColourSymmetricFlow,
    SymmetricPotential,
    find_fixed_points,
    make_preset,
    potential_fixed_point,
    refine_fixed_point,
    run_flow,
    tensor_preset,
)
from tensornn.flow.presets import potential_to_engine

ROOT = Path(__file__).resolve().parents[1]


def _load_example():
    spec = importlib.util.spec_from_file_location("tensor_melonic_fixed_points",
                                                  ROOT / "examples" / "tensor_melonic_fixed_points.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ----------------------------------------------------------------------------- cross-checks
@pytest.mark.parametrize("dim", [3, 4])
@pytest.mark.parametrize("n_components", [1, 2, 3])
@pytest.mark.parametrize("order", [2, 3, 5])
def test_engine_and_symmetric_potential_give_the_same_betas(dim, n_components, order):
    # two code paths: the engine's one-loop rules and the series arithmetic of potential.py;
    # U = sum u_{2n} phi_1^{2n}/(2n)! along one component = sum g_{2n} (phi.phi)^n, g_{2n} = u_{2n}/(2n)!
    name, opts = ("scalar", {}) if n_components == 1 else ("on", {"n_components": n_components})
    engine = make_preset(name, dim=dim, order=order, **opts).system
    potential = SymmetricPotential(dim, n_components, order)
    rng = np.random.default_rng(100 * dim + 10 * n_components + order)
    u = rng.uniform(-0.3, 0.3, size=(order, 6))
    u[0] = rng.uniform(-0.4, 0.5, size=6)  # 1 + u2 > 0
    np.testing.assert_allclose(engine.beta(potential_to_engine(u)), potential_to_engine(potential.beta(u)),
                               rtol=1e-11, atol=1e-14)
    for t in (-0.7, 0.3):
        for j in range(2):
            np.testing.assert_allclose(engine.beta_dimensionful(t, potential_to_engine(u[:, j])),
                                       potential_to_engine(potential.beta_dimensionful(t, u[:, j])),
                                       rtol=1e-11, atol=1e-14)


@pytest.mark.parametrize("dim", [2, 3, 4])
def test_engine_scalar_flow_is_the_typed_in_theory_anchor_in_every_dimension(dim):
    # D = 2 has no SymmetricPotential (rho does not scale); the hand-typed scalar anchors (docs/theory/flow.md) take any D
    engine = make_preset("scalar", dim=dim, order=3).system
    oracle = ScalarPhi6(dim=dim)
    rng = np.random.default_rng(dim)
    for _ in range(4):
        u = rng.uniform([-0.4, -1.0, -2.0], [0.5, 1.0, 2.0])
        t = rng.uniform(-1, 1)
        np.testing.assert_allclose(engine.beta_dimensionful(t, potential_to_engine(u)),
                                   potential_to_engine(oracle.beta_dimensionful(t, u)), rtol=1e-12)


def test_dimensionful_engine_flow_stops_at_the_threshold_pole():
    preset = make_preset("scalar", dim=3, order=2)
    g0 = preset.couplings({"g2": -0.2, "g4": 0.05})  # m^2 = -0.4 k_start^2: near the pole 1 + m^2/k^2 = 0
    res = run_flow(preset.system, g0, k_start=1.0, k_stop=1e-3, rtol=1e-10, atol=1e-12)
    assert res.status == "pole" and "1 + m/k^2" in res.violated
    k = res.k_stop_reached
    assert 0.1 < k < 1.0
    assert 1 + 2 * res.couplings[0, -1] / k**2 == pytest.approx(0, abs=1e-8)
    # the same flow in the u-variables of docs/theory/flow.md (u2 = 2 g2, u4 = 24 g4) stops at the same scale
    oracle = run_flow(ScalarPhi6(dim=3, phi6=False), [-0.4, 1.2], k_start=1.0, k_stop=1e-3, rtol=1e-10, atol=1e-12)
    assert oracle.status == "pole" and k == pytest.approx(oracle.k_stop_reached, rel=1e-6)


# ----------------------------------------------------------------------------- Wilson-Fisher
def test_scalar_phi4_wilson_fisher_through_the_preset():
    search = make_preset("scalar", dim=3, order=2).fixed_points(n_starts=8, seed=1)
    wf = [fp for fp in search.valid if not fp.is_gaussian]
    assert len(wf) == 1
    assert 2 * wf[0].couplings[0] == pytest.approx(-1 / 13, rel=1e-10)
    reference = potential_fixed_point(3, 1, 2, expansion="zero")
    assert wf[0].nu == pytest.approx(reference.nu, rel=1e-9)
    assert round(wf[0].nu, 5) == 0.54272  # docs/theory/flow.md, scalar anchors


def test_on_minimum_preset_is_the_potential_continuation():
    preset = make_preset("on", n_components=3, dim=3, order=8, expansion="minimum")
    search = preset.fixed_points(n_starts=0)
    wf = [fp for fp in search.valid if fp.n_relevant == 1 and not fp.is_gaussian]
    reference = potential_fixed_point(3, 3, 8, expansion="minimum")
    assert wf and wf[0].nu == pytest.approx(reference.nu, rel=1e-8)
    assert 0.74 < wf[0].nu < 0.78  # LPA O(3), Litim: nu ~ 0.76 (hep-th/0203006)


# ----------------------------------------------------------------------------- tensors
def test_colour_symmetric_subspace_is_invariant():
    preset = tensor_preset(rank=3, kinetic_power=1.5, order=3, melonic=True, eta=True)
    system = preset.system
    assert isinstance(system, ColourSymmetricFlow)
    assert system.names[:2] == ("mass", "g4") and len(system.members["g4"]) == 3
    rng = np.random.default_rng(5)
    g = rng.uniform(-0.05, 0.05, size=(len(system.names), 4))
    full = system.flow.beta(system.expand(g))
    for name, members in system.members.items():
        idx = [system.flow.names.index(m) for m in members]
        np.testing.assert_allclose(full[idx], np.broadcast_to(full[idx[0]], full[idx].shape), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("d, s", [(3, 1.0), (3, 2.0), (4, 2.0), (5, 2.0)])
def test_lpa_prime_family_table_agrees_with_the_handwritten_oracle(d, s):
    example = _load_example()
    preset, roots = example.family_fixed_points(d, s)
    oracle = TensorMelonic(d=d, s=s, lpa_prime=True)
    kept = [fp for fp, reason in roots if reason is None and not fp.is_gaussian]
    assert kept, "no non-Gaussian LPA' fixed point"
    for fp, reason in roots:
        start = np.array([fp.couplings[0], 2 * fp.couplings[1]])  # lambda = 2 g4
        ref = refine_fixed_point(oracle, start, tol=1e-12)
        assert ref is not None
        if reason is not None and "marginal" in reason:
            # a tighter solve slides these towards the Gaussian point along the marginal direction
            assert np.max(np.abs(ref.couplings)) < 1e-2 * np.max(np.abs(start))
            continue
        np.testing.assert_allclose(ref.couplings, start, rtol=1e-9, atol=1e-12)
        assert float(fp.eta) == pytest.approx(float(ref.eta), rel=1e-9, abs=1e-12)
        np.testing.assert_allclose(np.sort_complex(fp.exponents), np.sort_complex(ref.exponents), rtol=1e-6,
                                   atol=1e-8)
        assert fp.spurious == ref.spurious
    # every valid non-Gaussian root of the oracle is in the engine's list (and vice versa)
    search = find_fixed_points(oracle, n_starts=48, bounds=[(-0.9, 2.0), (-6.0, 6.0)], seed=0)
    mine = [np.array([fp.couplings[0], 2 * fp.couplings[1]]) for fp in kept]
    theirs = [fp.couplings for fp in search.valid if np.max(np.abs(fp.couplings)) > example.MARGINAL]
    assert len(mine) == len(theirs)
    for c in theirs:
        assert min(np.max(np.abs(c - m)) for m in mine) < 1e-8


def test_lpa_prime_root_beyond_eta_pole_is_discarded():
    _, roots = _load_example().family_fixed_points(3, 2.0)
    discarded = [(fp, reason) for fp, reason in roots if reason and "eta pole" in reason]
    assert discarded
    for fp, _ in discarded:
        assert fp.validity[1] <= 0 and fp.spurious


def test_lattice_tensor_preset_flows_but_has_no_fixed_points():
    preset = tensor_preset(rank=3, kinetic_power=2.0, colours="lattice")
    assert not preset.system.autonomous
    res = run_flow(preset.system, preset.couplings({"mass": 0.5, "g4": 0.01}), k_start=3.0, k_stop=1.0)
    assert res.status == "completed"
    with pytest.raises(InvalidArgumentError, match="autonomous"):
        preset.fixed_points(n_starts=2)


# ----------------------------------------------------------------------------- errors
@pytest.mark.parametrize("name, options, match", [
    ("potts", {}, "'scalar', 'on', 'tensor'"),
    ("scalar", {"rank": 3}, "valid options: dim, order, expansion"),
    ("tensor", {"rank": 0}, "rank"),
    ("scalar", {"order": 1, "expansion": "minimum"}, "order"),
    ("scalar", {"expansion": "middle"}, "'zero', 'minimum'"),
    ("tensor", {"eta": True, "colours": "lattice"}, "continuum"),
    ("tensor", {"rank": 1}, "melonic"),
])
def test_bad_options_are_rejected_with_the_valid_choices(name, options, match):
    with pytest.raises((InvalidArgumentError, ValueError), match=match):
        make_preset(name, **options)


def test_unknown_coupling_name_lists_the_valid_ones():
    with pytest.raises(InvalidArgumentError, match="g2, g4"):
        make_preset("scalar").couplings({"g6": 1.0})


def test_potential_to_engine_factorials():
    assert np.allclose(potential_to_engine([2.0, 24.0, 720.0]), [1.0, 1.0, 1.0])
    assert math.factorial(6) == 720


def test_marginal_near_gaussian_roots_are_merged_into_the_gaussian_point():
    # d = 3, s = 1: [g4] = 0, beta_g4 ~ g4^2, so loose solves stop near 0 along the marginal direction
    preset = tensor_preset(rank=3, kinetic_power=1.0, eta=True)
    raw = preset.fixed_points(seed=0, merge_marginal=False)
    merged = preset.fixed_points(seed=0)
    tiny = [fp for fp in raw if not fp.is_gaussian and np.max(np.abs(fp.couplings)) < 1e-3]
    assert tiny and len(merged) == len(raw) - len(tiny)
    assert sum(fp.is_gaussian for fp in merged) == 1
    assert all(fp.is_gaussian or np.max(np.abs(fp.couplings)) > 1e-3 for fp in merged)


def test_docs_page_python_example_runs(capsys):
    import re

    page = ROOT / "docs" / "flow_presets.md"
    blocks = re.findall(r"```python\n(.*?)```", page.read_text(), re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, str(page), "exec"), {})
    out = capsys.readouterr().out
    assert "-1.0 0.54272" in out and "pole 0.5873" in out

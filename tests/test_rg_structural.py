"""Structural slopes, conventions and the ELS set-up of the active/passive comparison (docs/rg_experiment.md).

Oracles: the exact finite-width u4 (no Monte Carlo), the engine's beta functions, a hand integration of the
scalar anchors in the variables of ELS.
"""

import json
import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp
from scipy.special import gamma

from tensornn._json import dumps_json
from tensornn.cli.main import main
from tensornn.couplings import inputs_from_rescaled, u4_exact
from tensornn.errors import InvalidArgumentError, InvalidTypeError
from tensornn.networks.kernels import gauss_fourier
from tensornn.rg.conventions import CONVENTIONS, get_convention
from tensornn.rg.els import ELS_INPUTS, ELS_SIGMA_WS, els_quadruples, els_reproduction
from tensornn.rg.experiment import active_passive_experiment, default_rescaled_inputs
from tensornn.rg.passive import passive_flow
from tensornn.rg.structural import closing_u6, passive_slope, structural_slopes


def _raw_u4(d_in, sigma_w, width=10, sigma_b=0.0, radii=(0.45, 0.5, 0.55, 0.6)):
    x = inputs_from_rescaled(default_rescaled_inputs(d_in, radii), sigma_w=sigma_w)
    return float(u4_exact("gauss", *x, width=width, sigma_w=sigma_w, sigma_b=sigma_b, bias=sigma_b > 0))


# ------------------------------------------------------------------------------------------------- active family
@pytest.mark.parametrize("convention", ["tensornn", "els"])
@pytest.mark.parametrize("d_in", [1, 2, 3, 5])
@pytest.mark.parametrize("sigma_b", [0.0, 0.7])
def test_structural_slope_is_the_canonical_dimension_of_the_active_family(convention, d_in, sigma_b):
    # exact rescaling at fixed rescaled inputs: u4_f ~ sigma_w^(d_in - 4), Z ~ sigma_w^(d_in - 4), with or without biases
    conv = get_convention(convention)
    sig = np.array([0.8, 1.7, 3.1, 11.0])
    u4 = np.array([conv.ir_coupling(_raw_u4(d_in, s, sigma_b=sigma_b), gauss_fourier(s, d_in).Z) for s in sig])
    slopes = np.diff(np.log(np.abs(u4))) / np.diff(np.log(sig))
    expected = 4 - d_in if convention == "tensornn" else d_in - 4
    assert conv.active_dimension(d_in) == expected
    np.testing.assert_allclose(slopes, expected, atol=1e-10)  # round-off of logs of numbers O(1e-6 .. 1e4)


@pytest.mark.parametrize("d_in", [1, 2, 3])
def test_active_coupling_in_units_of_the_mass_is_constant(d_in):
    # Z^-2 u4_f / m^(4 - d_in) along the family, m^2 = 2 sigma_w^2/d_in: the same number for every sigma_w
    sig = np.geomspace(0.5, 20.0, 7)
    g = [_raw_u4(d_in, s) / gauss_fourier(s, d_in).Z ** 2 / (2 * s * s / d_in) ** ((4 - d_in) / 2) for s in sig]
    np.testing.assert_allclose(g, g[0], rtol=1e-11)  # round-off only
    # the raw coupling of the "els" convention in the same units runs with slope 2 (d_in - 4)
    g_els = np.array([_raw_u4(d_in, s) / (2 * s * s / d_in) ** ((4 - d_in) / 2) for s in sig])
    np.testing.assert_allclose(np.diff(np.log(np.abs(g_els))) / np.diff(np.log(sig)), 2 * (d_in - 4), atol=1e-10)


def test_active_series_in_mass_units_of_an_experiment():
    res = active_passive_experiment(d_ins=(2,), widths=(10,), sigma_ws=[1.0, 1.5, 3.0], n_networks=2048, seed=3,
                                    kinetic="p2")
    act = res.cases[0].active
    g = act.in_mass_units(act.u4_exact)
    np.testing.assert_allclose(g, g[0], rtol=1e-11)
    assert act.structural_slope == 2 and act.predicted_slope == pytest.approx(2.0, abs=1e-11)
    row = res.cases[0].row()
    assert row["structural_dimensionless_slope"] == 0 and row["active_running"] == pytest.approx(1.0, abs=1e-11)


# ------------------------------------------------------------------------------------------------- passive slopes
@pytest.mark.parametrize("kinetic", ["p2", "gauss"])
@pytest.mark.parametrize("d_in", [1, 3])
def test_passive_slope_formula_matches_the_flow(kinetic, d_in):
    flow = passive_flow(d_in, 1.3, -50.0, u6_ir=30.0, kinetic=kinetic, n_points=4000, rtol=1e-12, atol=1e-15)
    s = flow.local_slopes()
    # at k_IR against the engine's beta functions
    assert s[0] == pytest.approx(flow.slope_ir(), rel=1e-10)
    # along the flow against finite differences of the trajectory, where sigma_w moves (k ~ m0)
    k = flow.k / flow.mass0
    sel = (k > 0.1) & (k < 1.5)
    with np.errstate(divide="ignore", invalid="ignore"):  # sigma_w is constant to round-off in the deep IR
        fd = np.gradient(np.log(np.abs(flow.u4)), np.log(flow.sigma_w))
    np.testing.assert_allclose(fd[sel], s[sel], atol=2e-3)  # second-order differences on 4000 points in ln k


def test_passive_slope_is_minus_twelve_for_any_coupling_when_u6_vanishes():
    for d_in in (1, 2, 3):
        for u4 in (-1e-3, -1.0, -500.0):
            f = passive_flow(d_in, 0.7, u4, kinetic="p2")
            assert f.slope_ir() == pytest.approx(-12.0 / (1 + 1e-6), rel=1e-9)  # P_kin(k_IR)/m0^2 = 1e-6
    assert float(passive_slope(1.0, -3.0, 0.0, 0.0)) == -12.0


@pytest.mark.parametrize("convention", ["tensornn", "els"])
@pytest.mark.parametrize("kinetic", ["p2", "gauss"])
def test_closing_u6_closes_the_ir_gap(convention, kinetic):
    s = structural_slopes(3, -170.0, kinetic=kinetic, convention=convention)
    closed = structural_slopes(3, -170.0, u6_ir=s.u6_closing, kinetic=kinetic, convention=convention)
    assert closed.gap_ir == pytest.approx(0.0, abs=1e-9)
    # (12 + Delta_a) u4^2 / (2 m0^2) up to P_kin(k_IR)/m0^2 = 1e-6
    assert s.u6_closing == pytest.approx((12 + s.active) * 170.0**2 / (2 * s.u2_ir), rel=1e-5)
    flow = passive_flow(3, 1.0, -170.0, u6_ir=s.u6_closing, kinetic=kinetic)
    assert flow.slope_ir() == pytest.approx(s.active, abs=1e-6)
    assert float(closing_u6(2.0, -1.0, 0.0, 1.0)) == 3.25


def test_passive_dimensionless_couplings():
    f = passive_flow(3, 1.0, -20.0, u6_ir=4.0, kinetic="gauss")
    np.testing.assert_allclose(f.u4_dimensionless, f.u4 / f.k)               # u4 k^(D - 4), D = 3
    np.testing.assert_allclose(f.u6_dimensionless, f.u6)                     # u6 k^(2D - 6)
    np.testing.assert_allclose(f.u4_mass_units, f.u4 / np.sqrt(f.u2))
    data = f.to_dict()
    assert {"u4_dimensionless", "u4_mass_units", "local_slope"} <= set(data)


# ------------------------------------------------------------------------------------------------- conventions
def test_convention_registry():
    assert set(CONVENTIONS) == {"tensornn", "els"}
    assert get_convention("tensornn").default_u6 == 0.0 and get_convention("els").default_u6 == 50.0
    assert get_convention(get_convention("els")).name == "els"
    with pytest.raises(InvalidArgumentError, match="'tensornn', 'els'"):
        get_convention("hms")
    with pytest.raises(InvalidTypeError, match="convention"):
        get_convention(3)


@pytest.fixture(scope="module")
def both_conventions():
    kw = dict(d_ins=(1,), widths=(10,), n_sigma=3, n_networks=2048, seed=4)
    return active_passive_experiment(**kw), active_passive_experiment(convention="els", **kw)


def test_els_convention_reproduces_its_definition(both_conventions):
    tn, els = both_conventions
    a, b = tn.cases[0], els.cases[0]
    z0 = gauss_fourier(1.0, 1).Z
    # the IR ensemble has the same seed: the raw coupling is the same number, fed raw (els) or as Z^-2 u4_f
    assert b.u4_ir == pytest.approx(a.u4_ir * z0**2, rel=1e-12)
    assert b.u4_ir_exact == pytest.approx(_raw_u4(1, 1.0), rel=1e-12)
    assert b.u6_ir == 50.0 and a.u6_ir == 0.0 and els.parameters["u6"] == 50.0
    for c in b.comparisons:
        assert c.passive.u2_ir == pytest.approx(2.0, rel=1e-14)      # the Z-normalised mass m0^2 = 2 sigma_w0^2/d_in
        assert c.passive.u4_ir == b.u4_ir and c.passive.u6_ir == 50.0
        assert c.structural.active == -3 and c.structural.active_dimensionless == -6
    act = b.active
    for s, ex in zip(act.sigma_ws, act.u4_exact):
        assert ex == pytest.approx(_raw_u4(1, s), rel=1e-12)
    # noise-free decomposition: ratio at the top = passive running / active running (els: sigma_top^(2 (d_in - 4)))
    for res in (tn, els):
        for r in res.table():
            assert r["ratio_exact_top"] == pytest.approx(r["passive_running"] / r["active_running"], rel=1e-12)
    top = b.row()["running_sigma_w"]
    assert b.row()["active_running"] == pytest.approx(top**-6, rel=1e-10)
    assert "els" in els.verdict_line() and "u6(k_IR) = 50" in els.verdict_line()


def test_kinetic_choice_is_recorded(both_conventions):
    tn, _ = both_conventions
    assert tn.parameters["kinetic"] == ["gauss", "p2"] and tn.kinetics == ("gauss", "p2")
    data = json.loads(dumps_json(tn.to_dict()))
    assert data["summary"]["choices"]["kinetic"] == ["gauss", "p2"]
    assert [c["kinetic"] for c in data["cases"][0]["comparisons"]] == ["gauss", "p2"]
    assert [c["passive"]["kinetic"] for c in data["cases"][0]["comparisons"]] == ["gauss", "p2"]
    assert [r["kinetic"] for r in tn.table()] == ["gauss", "p2"]
    for kin in ("gauss", "p2"):
        line = tn.verdict_line(kin)
        for word in (f"kinetic {kin}", "convention tensornn", "u6(k_IR) = 0", "k_IR = 0.001 m0", "k_UV = 100 m0",
                     "Z^-2 u4_f"):
            assert word in line
    case = tn.cases[0]
    for kin in ("gauss", "p2"):  # each comparison is the passive flow of that kinetic function from the IR data
        direct = passive_flow(1, 1.0, case.u4_ir, kinetic=kin)
        np.testing.assert_array_equal(case.comparison(kin).passive.u4, direct.u4)
    with pytest.raises(KeyError, match="gauss"):
        case.comparison("exp")
    one = active_passive_experiment(d_ins=(1,), widths=(10,), n_sigma=2, n_networks=2048, seed=4, kinetic="p2")
    assert one.kinetics == ("p2",) and one.parameters["kinetic"] == ["p2"]


@pytest.mark.parametrize("kinetic, err", [("exp", InvalidArgumentError), (("p2", "p2"), InvalidArgumentError),
                                          ((), InvalidArgumentError), (3, InvalidTypeError)])
def test_bad_kinetic(kinetic, err):
    with pytest.raises(err, match="kinetic"):
        active_passive_experiment(d_ins=(1,), widths=(10,), n_networks=2048, kinetic=kinetic)


def test_cli_convention_and_kinetic(tmp_path, capsys):
    out = tmp_path / "rg.json"
    rc = main(["rg-experiment", "--d-in", "1", "--widths", "10", "--n-sigma", "2", "--n-networks", "2048",
               "--convention", "els", "--kinetic", "p2", "--json", str(out)])
    text = capsys.readouterr().out
    assert rc == 0 and "convention els" in text and "kinetic p2" in text and "structural slopes" in text
    data = json.loads(out.read_text())
    assert data["parameters"]["convention"] == "els" and data["parameters"]["kinetic"] == ["p2"]
    assert data["parameters"]["u6"] == 50.0
    assert main(["rg-experiment", "--kinetic", "exp"]) == 2
    assert "kinetic" in capsys.readouterr().err


# ------------------------------------------------------------------------------------------------- the ELS set-up
def test_els_reproduction_follows_the_els_set_up():
    assert len(els_quadruples()) == 126  # multisets of size 4 of 6 inputs: C(9, 4)
    assert len(ELS_SIGMA_WS) == 28 and ELS_SIGMA_WS[0] == 1.0 and ELS_SIGMA_WS[-1] == 100.0
    rep = els_reproduction(widths=(10, 100), sigma_ws=(1.0, 2.0, 50.0))
    x = np.array(ELS_INPUTS)
    q = np.array(els_quadruples())
    for c in rep.curves:
        direct = u4_exact("gauss", *[x[q[:, i]][:, None] for i in range(4)], width=c.width, sigma_w=1.0,
                          sigma_b=1.0)
        assert c.u4[0] == pytest.approx(float(np.mean(direct)), rel=1e-12)
        p = c.passive
        assert p.kinetic == "p2" and p.u6_ir == 50.0 and p.u2_ir == pytest.approx(2.0, rel=1e-14)
        assert p.k_ir == pytest.approx(1e-10, rel=1e-12) and p.k_uv == pytest.approx(99.99, rel=1e-12)
        assert c.structural_slope == -3
    # the ELS flow, integrated by hand in its own variable k (not ln k): the anchors of docs/theory/flow.md
    c = rep.curves[0]
    vd = 1 / (2 * math.sqrt(math.pi) * gamma(1.5))

    def rhs(k, u):
        u2, u4, u6 = u
        den = k * k + u2
        v = vd * k**3
        return [-v * u4 / den**2 / k, v * (6 * u4**2 / den**3 - u6 / den**2) / k,
                v * (30 * u4 * u6 / den**3 - 90 * u4**3 / den**4) / k]

    ref = solve_ivp(rhs, (1e-10, 99.99), [2.0, c.u4[0], 50.0], method="Radau", rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose([c.passive.u2[-1], c.passive.u4[-1], c.passive.u6[-1]], ref.y[:, -1], rtol=1e-6)
    assert c.passive.sigma_w[-1] == pytest.approx(math.sqrt(ref.y[0, -1] / 2), rel=1e-6)
    json.dumps(rep.to_dict())


@pytest.mark.slow
def test_els_reproduction_monte_carlo_agrees_with_the_exact_curves():
    # 20000 networks per point; the quadruple-averaged error is an upper bound (shared networks), so 3 of them
    exact = els_reproduction(widths=(10,), sigma_ws=(1.0, 3.0, 10.0))
    mc = els_reproduction(widths=(10,), sigma_ws=(1.0, 3.0, 10.0), n_networks=20_000, seed=1)
    c, e = mc.curves[0], exact.curves[0]
    assert np.all(np.abs(c.u4 - e.u4) < 3 * c.u4_error)


def test_els_example_script(tmp_path, capsys):
    import pathlib
    import runpy

    script = pathlib.Path(__file__).resolve().parents[1] / "examples" / "els_reproduction.py"
    module = runpy.run_path(str(script), run_name="example")
    out = tmp_path / "els.png"
    rep = module["main"](["--figure", str(out), "--widths", "10"])
    text = capsys.readouterr().out
    assert out.stat().st_size > 0 and "ELS set-up" in text and len(rep.curves) == 1
    assert rep.table()[0]["structural_slope"] == -3

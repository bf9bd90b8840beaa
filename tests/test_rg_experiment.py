"""Active vs passive RG (docs/theory/nn_qft.md): IR data, the upward flow, the active measurements, statuses, errors."""

import json
import math

import numpy as np
import pytest
from scipy.integrate import quad, solve_ivp
from scipy.special import gamma

from tensornn.cli.main import main
from tensornn.couplings import inputs_from_rescaled, u4_exact
from tensornn.errors import InvalidArgumentError, InvalidTypeError
from tensornn.networks.kernels import gauss_fourier
from tensornn.rg.passive import passive_flow
from tensornn.rg.experiment import active_passive_experiment, default_rescaled_inputs


@pytest.fixture(scope="module")
def small():
    # d_in = 1 and 3 at N = 10: the 1/N signal is resolved with 2e4 networks (relative errors ~10-20%)
    return active_passive_experiment(d_ins=(1, 3), widths=(10,), n_sigma=4, n_networks=20_000, seed=11)


def _v(d):
    """V_D of the scalar anchors (docs/theory/flow.md)."""
    return 1.0 / (2**d * math.pi ** (d / 2) * gamma(d / 2 + 1))


def _anchor_rhs(d):
    def rhs(t, u):
        u2, u4, u6 = u
        k = math.exp(t)
        den = k * k + u2
        v = _v(d) * k ** (d + 2)
        return [-v * u4 / den**2, v * (6 * u4**2 / den**3 - u6 / den**2), v * (30 * u4 * u6 / den**3 - 90 * u4**3 / den**4)]

    return rhs


# ------------------------------------------------------------------------------------------------- IR data
@pytest.mark.parametrize("d_in", [1, 2, 3])
@pytest.mark.parametrize("sigma_w", [0.7, 2.5])
def test_ir_data_follow_theory_1_4(d_in, sigma_w):
    flow = passive_flow(d_in, sigma_w, -1.0, k_uv_ratio=1e-2)
    g = gauss_fourier(sigma_w, d_in)
    assert flow.u2_ir == pytest.approx(2 * sigma_w**2 / d_in, rel=1e-14)
    assert flow.u2_ir == pytest.approx(g.mass2, rel=1e-14)
    assert flow.sigma_w[0] == pytest.approx(sigma_w, rel=1e-12)
    a = sigma_w**-2 * (sigma_w**2 / (2 * math.pi * d_in)) ** (d_in / 2)
    assert g.Z == pytest.approx(a * d_in / (2 * sigma_w**2), rel=1e-12)


def test_z_and_mass_from_the_fourier_transform():
    # independent path: K_w(p) = int dx e^{-ipx} sigma^2 exp(-sigma^2 x^2/2) in d_in = 1 by quadrature;
    # 1/K_w(p) = Z (p^2 + m^2) + O(p^4)
    sigma = 1.7
    kw = lambda p: quad(lambda x: sigma**2 * math.exp(-sigma**2 * x * x / 2) * math.cos(p * x), -40, 40,
                        epsabs=1e-14, epsrel=1e-13)[0]
    inv0 = 1 / kw(0.0)
    p = 1e-2
    z = (1 / kw(p) - inv0) / p**2
    g = gauss_fourier(sigma, 1)
    assert z == pytest.approx(g.Z, rel=1e-4)          # O(p^2) correction ~ p^2 d/(4 sigma^2) ~ 1e-5
    assert inv0 / z == pytest.approx(g.mass2, rel=1e-4)


def test_active_series_is_the_z_normalised_coupling(small):
    act = small.cases[0].active
    y = default_rescaled_inputs(1)
    for s, z, ex in zip(act.sigma_ws, act.z, act.u4_exact):
        x = inputs_from_rescaled(y, sigma_w=s)
        raw = float(u4_exact("gauss", *x, width=10, sigma_w=s, bias=False))
        assert z == pytest.approx(gauss_fourier(s, 1).Z, rel=1e-14)
        assert ex == pytest.approx(raw / z**2, rel=1e-12)


# ------------------------------------------------------------------------------------------------- passive flow
@pytest.mark.parametrize("d_in", [1, 2, 3])
def test_free_flow_keeps_u4_zero_and_runs_the_mass_canonically(d_in):
    flow = passive_flow(d_in, 1.3, 0.0, u6_ir=0.0)
    assert flow.status == "completed"
    assert np.all(flow.u4 == 0.0) and np.all(flow.u6 == 0.0)
    m2 = 2 * 1.3**2 / d_in
    # d_t u2 = -V_D k^{D+2} u4/(k^2+u2)^2 = 0: u2 = m^2, so u2/k^2 = (m^2/k_IR^2) exp(-2 (t - t_IR))
    np.testing.assert_allclose(flow.u2, m2, rtol=1e-12)
    t = np.log(flow.k)
    np.testing.assert_allclose(flow.u2_dimensionless, m2 / flow.k_ir**2 * np.exp(-2 * (t - t[0])), rtol=1e-10)
    assert flow.k[-1] == pytest.approx(flow.k_uv, rel=1e-12)


@pytest.mark.parametrize("d_in", [1, 2, 3])
def test_passive_flow_matches_the_anchor_equations(d_in):
    # the scalar anchors of docs/theory/flow.md integrated by hand (solve_ivp) against the engine-derived flow in units of m0
    sigma, u4, u6 = 1.3, -3.0, 2.0
    flow = passive_flow(d_in, sigma, u4, u6_ir=u6, k_uv_ratio=30.0, kinetic="p2")
    m2 = 2 * sigma**2 / d_in
    ref = solve_ivp(_anchor_rhs(d_in), (math.log(flow.k[0]), math.log(flow.k[-1])), [m2, u4, u6],
                    rtol=1e-11, atol=1e-13, method="DOP853")
    np.testing.assert_allclose([flow.u2[-1], flow.u4[-1], flow.u6[-1]], ref.y[:, -1], rtol=1e-6)


@pytest.mark.parametrize("u6", [0.0, 40.0])
def test_ir_slope_of_the_passive_trajectory(u6):
    # d ln u4 / d ln sigma_w = (d_t u4/u4) / (d_t u2/(2 u2)) from the anchors at k_IR
    flow = passive_flow(3, 1.0, -20.0, u6_ir=u6, kinetic="p2")
    rhs = _anchor_rhs(3)(math.log(flow.k[0]), [flow.u2[0], flow.u4[0], flow.u6[0]])
    expected = (rhs[1] / flow.u4[0]) / (rhs[0] / (2 * flow.u2[0]))
    assert flow.slope_ir() == pytest.approx(expected, rel=1e-8)


def test_pole_and_divergence_are_statuses():
    pole = passive_flow(1, 1.0, 0.0, u2_ir=-2.0 * (1e-3 * math.sqrt(2.0)) ** 2, kinetic="p2")  # 1 + u2/k_IR^2 = -1
    assert pole.status == "pole" and pole.violated.startswith("1 + m/k^2") and not pole.success
    div = passive_flow(3, 1.0, 20.0, kinetic="p2")  # positive u4 grows upward until it blows up
    assert div.status == "diverged"
    assert div.k_ir < div.k_stop_reached < div.k_uv
    assert div.k[-1] == pytest.approx(div.k_stop_reached)


def test_experiment_keeps_a_diverging_flow(small):
    # a large negative u6 drives u4 positive, and a positive u4 blows up upward
    res = active_passive_experiment(d_ins=(3,), widths=(10,), n_sigma=3, n_networks=4096, seed=2, u6=-1e7)
    case = res.cases[0]
    assert case.passive.status == "diverged" and not res.success
    assert case.passive.k_stop_reached < case.passive.k_uv
    assert "diverged" in case.message
    assert res.table()[0]["passive_status"] == "diverged"
    assert case.verdict == "undecided" and not res.summary["one_trajectory_consistent"]  # sigma_w never grew
    json.dumps(res.to_dict())


# ------------------------------------------------------------------------------------------------- active side
def test_measured_u4_agrees_with_the_exact_oracle(small):
    # MC with jackknife errors over 32 groups. The Gauss-net outputs are log-normal sums, and at N = 10,
    # 2e4 networks the jackknife error is too small by a measured factor ~1.25 (standard deviation of
    # (MC - exact)/stderr over 40 seeds: 1.23); so 3 x 1.25 ~ 4 standard errors.
    for case in small.cases:
        assert abs(case.u4_ir - case.u4_ir_exact) < 4 * case.u4_ir_error
        assert abs(case.active.pulls[0]) < 4


def test_active_slope_matches_theory_1_4(small):
    for case in small.cases:
        d = case.d_in
        s = case.active.sigma_ws
        y = default_rescaled_inputs(d)
        exact = []
        for sw in (s[0], s[-1]):
            x = inputs_from_rescaled(y, sigma_w=sw)
            exact.append(float(u4_exact("gauss", *x, width=10, sigma_w=sw, bias=False)) / gauss_fourier(sw, d).Z ** 2)
        predicted = math.log(exact[1] / exact[0]) / math.log(s[-1] / s[0])
        assert case.active.predicted_slope == pytest.approx(predicted, rel=1e-10)
        fit = case.active.fit
        # fitted slope of independent MC points: within 3 of its standard errors
        assert abs(fit.slope - predicted) < 3 * fit.error


def test_overlay_numbers_are_consistent(small):
    for case in small.cases:
        assert [c.kinetic for c in case.comparisons] == ["gauss", "p2"]
        for c in case.comparisons:
            r = case.row(c.kinetic)
            assert r["kinetic"] == c.kinetic and r["n_matched"] == len(c.matched) >= 2
            np.testing.assert_allclose(c.ratio, c.passive_u4 / case.active.u4[c.matched])
            assert c.passive_slope_ir == pytest.approx(-12.0, abs=1e-3)  # u6 = 0: -12 in the IR limit
            assert np.isfinite(c.chi2) and c.dof == len(c.matched)
    s = small.summary
    assert set(s) >= {"one_trajectory_consistent", "cases", "claim", "choices", "by_kinetic"}
    assert set(s["by_kinetic"]) == {"gauss", "p2"} and s["kinetic"] == "gauss"
    json.dumps(small.to_dict())


def test_reproducible_for_a_seed():
    kw = dict(d_ins=(1,), widths=(10,), n_sigma=3, n_networks=4096)
    a = active_passive_experiment(seed=5, **kw).to_dict()
    b = active_passive_experiment(seed=5, **kw).to_dict()
    c = active_passive_experiment(seed=6, **kw).to_dict()
    for d in (a, b, c):
        d.pop("runtime_s")
        d["summary"].pop("runtime_s")
    assert json.dumps(a) == json.dumps(b)
    assert a["cases"][0]["active"]["u4"] != c["cases"][0]["active"]["u4"]


# ------------------------------------------------------------------------------------------------- errors
@pytest.mark.parametrize("kwargs, match", [
    (dict(d_ins=(0,)), "d_ins"),
    (dict(widths=(-10,)), "widths"),
    (dict(sigma_w_min=2.0, sigma_w_max=1.0), "reversed"),
    (dict(sigma_ws=[2.0, 1.0]), "increasing"),
    (dict(sigma_ws=[1.0, 2.0], n_sigma=4), "either"),
    (dict(k_ir_ratio=10.0, k_uv_ratio=1.0), "k_ir_ratio"),
    (dict(radii=(0.1, 0.2)), "radii"),
])
def test_bad_input_is_refused(kwargs, match):
    with pytest.raises(InvalidArgumentError, match=match):
        active_passive_experiment(**kwargs)


def test_bad_seed_type():
    with pytest.raises(InvalidTypeError, match="seed"):
        active_passive_experiment(d_ins=(1,), widths=(10,), n_networks=4096, seed="x")


def test_cli(tmp_path, capsys):
    out, png = tmp_path / "rg.json", tmp_path / "rg.png"
    rc = main(["rg-experiment", "--d-in", "1", "--widths", "10", "--n-sigma", "3", "--networks", "4096",
               "--seed", "3", "--json", str(out), "--plot", str(png)])
    text = capsys.readouterr().out
    assert rc == 0 and "measured slopes" in text and "verdict [convention tensornn" in text and png.stat().st_size > 0
    data = json.loads(out.read_text())
    assert data["summary"]["cases"][0]["d_in"] == 1
    assert main(["rg-experiment", "--d-in", "0"]) == 2
    assert "d_ins" in capsys.readouterr().err
    assert main(["rg-experiment", "--sigma-w-min", "2", "--sigma-w-max", "1"]) == 2


def test_plot_variants(small):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = small.plot()
    assert len(fig.axes) == 4  # |u4| and u4 in units of the mass, per d_in
    for ax in fig.axes:  # labelled axes, no nan in the titles
        assert ax.get_xlabel() and ax.get_ylabel() and "nan" not in ax.get_title()
    assert len(fig.legends) == 1  # one legend, below the panels
    plt.close(fig)
    fig, ax = plt.subplots()
    assert small.plot(ax) is ax and len(ax.lines) > 0
    with pytest.raises(InvalidArgumentError, match="one Axes per d_in"):
        small.plot([ax])
    plt.close(fig)
    fig, axes = plt.subplots(2, 2)
    assert len(small.plot(axes.ravel())) == 4
    plt.close(fig)


def test_example_script_runs(tmp_path, capsys):
    import pathlib
    import runpy

    script = pathlib.Path(__file__).resolve().parents[1] / "examples" / "scalar_rg_experiment.py"
    module = runpy.run_path(str(script), run_name="example")
    out = tmp_path / "overlay.png"
    result = module["main"](["--out", str(out), "--networks", "4096", "--d-in", "2", "--widths", "10",
                             "--n-sigma", "3"])
    text = capsys.readouterr().out
    assert out.stat().st_size > 0 and "verdict" in text and len(result.cases) == 1


def test_executor_and_progress_do_not_change_the_numbers():
    from concurrent.futures import ThreadPoolExecutor

    kw = dict(d_ins=(2,), widths=(10,), n_sigma=2, n_networks=4096, seed=9)
    done = []
    serial = active_passive_experiment(progress=done.append, **kw)
    # the IR ensemble and the union of the two kinetic functions' grids {sigma0, top_gauss, top_p2}
    assert len(serial.cases[0].active.sigma_ws) == 3
    assert sum(done) == 1 * (3 + 1) * 4096  # every network of the IR ensemble and the grid is counted
    with ThreadPoolExecutor(2) as ex:
        threaded = active_passive_experiment(executor=ex, **kw)
    np.testing.assert_array_equal(serial.cases[0].active.u4, threaded.cases[0].active.u4)
    assert serial.cases[0].u4_ir == threaded.cases[0].u4_ir


def test_non_numeric_lists_are_refused():
    with pytest.raises(InvalidTypeError, match="d_ins"):
        active_passive_experiment(d_ins=("one",))
    with pytest.raises(InvalidTypeError, match="widths must be an integer"):
        active_passive_experiment(widths=(10.5,))


def test_ensembles_side_by_side_on_an_executor_give_the_serial_numbers():
    # With an executor the grid ensembles of a case run side by side; the numbers do not depend on it.
    from concurrent.futures import ThreadPoolExecutor

    kw = dict(d_ins=(1, 2), widths=(10,), n_sigma=2, n_networks=2048, seed=4)
    serial = active_passive_experiment(**kw)
    done = []
    with ThreadPoolExecutor(2) as ex:
        pooled = active_passive_experiment(executor=ex, progress=done.append, **kw)
    assert sum(done) == sum(len(c.active.sigma_ws) + 1 for c in serial.cases) * 2048
    for a, b in zip(serial.cases, pooled.cases):
        assert (a.u4_ir, a.u4_ir_error) == (b.u4_ir, b.u4_ir_error)
        np.testing.assert_array_equal(a.active.u4, b.active.u4)
        np.testing.assert_array_equal(a.active.sigma_ws, b.active.sigma_ws)

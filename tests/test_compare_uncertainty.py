"""The selected flow over the fit's uncertainty: Monte-Carlo draws, their fate, their bands, and what the summary says."""

import dataclasses
import importlib.util
import json
from types import SimpleNamespace

import numpy as np
import pytest

from tensornn.compare import CompareConfig, run_compare
from tensornn.compare.result import NetworkResult, verdict_sentence
from tensornn.compare.uncertainty import (DIVERGES, QUANTILES, RESOLVED, FlowUncertainty, coupling_draws,
                                          flow_uncertainty)
from tensornn.flow import derive_flow
from tensornn.flow.trajectory import run_from_ir_batch

FAST = dict(method="exact", flow_points=20, fixed_point_starts=2, flow_draws=12)


@pytest.fixture(scope="module")
def exact_result():
    return run_compare(CompareConfig(**FAST))


def _tensor(result):
    net = result.networks[0]
    return net, net.flows["tensor"]


def test_draws_from_exact_couplings_all_complete_and_collapse_on_the_exact_flow(exact_result):
    # method "exact": the fit's covariance is zero, so every draw is the exact coupling vector and every draw's
    # flow is the exact one (run in the same batch): all complete, the bands have zero width on the exact u4(k)
    net, flow = _tensor(exact_result)
    mc = flow.uncertainty
    assert mc.n_draws == 12 and mc.counts == {"completed": 12} and mc.completed_fraction == 1.0
    assert mc.fate == "completes" and mc.resolved and not mc.diverges and mc.stop_quantiles() is None
    assert np.all(mc.k_stop == pytest.approx(CompareConfig().k_uv_ratio))
    exact_u4 = np.array(flow.trajectory("exact")["potential"]["u4"])
    for q in QUANTILES:
        np.testing.assert_allclose(mc.band("u4", q), exact_u4, rtol=1e-12)
    assert "reaches k_UV in 100% of 12 draws" in net.conclusion()


def test_band_quantiles_equal_a_loop_of_single_flows(exact_result):
    # an independent path: the same draws run one at a time, their quantiles taken directly
    net, flow = _tensor(exact_result)
    theory = _theory(exact_result)
    fit = net.readings.readings["tensor"]
    names = list(fit.couplings)
    values = np.array([c.exact for c in fit.couplings.values()])
    errors = 0.15 * np.abs(values)
    covariance = np.diag(errors**2) + 0.3 * np.outer(errors, errors)  # correlated, positive definite
    config = CompareConfig(**FAST)
    derived = derive_flow(theory.theory, projection=theory.projection)
    mc, _ = flow_uncertainty(theory, derived, names, values, covariance, config, exponent=net.mass_exponent,
                             seed=5, n_draws=10)
    draws = coupling_draws(values, covariance, 10, np.random.default_rng(5))
    np.testing.assert_array_equal(mc.draws, draws)
    singles = [run_from_ir_batch(derived, [theory.initial(dict(zip(names, d)))], k_ir=config.k_ir_ratio,
                                 k_uv=config.k_uv_ratio, n_points=config.flow_points, method="RK45", rtol=1e-6,
                                 atol=1e-10)[0] for d in draws]
    assert mc.statuses == tuple(s.status for s in singles)
    np.testing.assert_allclose(mc.k_stop, [s.k_stop_reached for s in singles], rtol=1e-12)
    done = [s for s in singles if s.status == "completed"]
    assert len(done) >= 5
    expected = np.quantile(np.array([s.potential(4) for s in done]), QUANTILES, axis=0)
    np.testing.assert_allclose(mc.bands["u4"], expected, rtol=1e-12, atol=1e-14)


def _theory(result):
    from tensornn.compare.theories import reading_theories
    from tensornn.readings import pattern_space

    net = result.networks[0]
    network = next(n for n in __import__("tensornn.compare.networks", fromlist=["x"]).compared_networks(
        result.config, __import__("tensornn.data", fromlist=["x"]).load_data("synthetic")) if n.label == net.label)
    return reading_theories(network.network, pattern_space(network.network), result.data.spectra)["tensor"]


def test_coupling_draws_follow_the_covariance():
    # 20000 draws: the sample mean and covariance agree with the target within 4 standard errors, the standard error
    # of a sample covariance being sqrt((C_ii C_jj + C_ij^2) / n)
    cov = np.array([[4.0, 1.2, 0.0], [1.2, 1.0, -0.3], [0.0, -0.3, 0.25]])
    draws = coupling_draws([1.0, -2.0, 0.5], cov, 20000, np.random.default_rng(0))
    np.testing.assert_allclose(draws.mean(axis=0), [1.0, -2.0, 0.5], atol=4 * np.sqrt(4.0 / 20000))
    se = np.sqrt((np.outer(np.diag(cov), np.diag(cov)) + cov**2) / 20000)
    assert np.all(np.abs(np.cov(draws, rowvar=False) - cov) < 4 * se)
    # a singular covariance is accepted: the null direction does not move
    flat = coupling_draws([1.0, 1.0], np.array([[1.0, 1.0], [1.0, 1.0]]), 50, np.random.default_rng(1))
    np.testing.assert_allclose(flat[:, 0] - flat[:, 1], 0.0, atol=1e-12)


def _fake(statuses, k_stop):
    n = len(statuses)
    return FlowUncertainty(n, 0, tuple(statuses), np.asarray(k_stop, dtype=float), 100.0, np.array([1.0]), None,
                           np.zeros((n, 1)))


def test_fates_need_ninety_percent_and_a_divergence_ninety_five():
    mixed = _fake(["completed"] * 60 + ["diverged"] * 40, [100.0] * 60 + list(np.linspace(0.5, 2.0, 40)))
    assert mixed.fate == "undecided" and not mixed.resolved and not mixed.diverges
    assert mixed.fate_fraction == pytest.approx(0.6)
    text = mixed.sentence()
    assert "60% of 100 draws" in text and "40%" in text and "do not decide" in text
    stops = _fake(["completed"] * 7 + ["diverged"] * 93, [100.0] * 7 + list(np.linspace(1.0, 3.0, 93)))
    assert stops.fate == "stops" and stops.resolved and not stops.diverges  # 93% < 95%: not the network's divergence
    lo, hi = stops.stop_range()
    assert 1.0 <= lo < hi <= 3.0 and np.sum((stops.stopped >= lo) & (stops.stopped <= hi)) >= RESOLVED * 100
    assert stops.sentence().startswith("stops in 93%")
    blows = _fake(["diverged"] * 96 + ["completed"] * 4, list(np.linspace(1.0, 1.2, 96)) + [100.0] * 4)
    assert blows.diverges and blows.diverged_fraction >= DIVERGES and blows.sentence().startswith("diverges in 96%")
    record = json.loads(json.dumps(blows.to_dict()))
    assert record["fate"] == "stops" and record["status_counts"] == {"diverged": 96, "completed": 4}


def _with_verdict(readings, selected, **decision):
    fields = dict(selected=selected, reason="", p_value=None, nested=(), power=None, detectable=None,
                  networks_needed=None)
    fake = SimpleNamespace(**(fields | decision))
    fake.to_dict = lambda: {k: v for k, v in vars(fake).items() if k != "to_dict"}
    if "decision" in {f.name for f in dataclasses.fields(readings)}:
        return dataclasses.replace(readings, selected=selected, decision=fake)
    out = dataclasses.replace(readings, selected=selected)
    object.__setattr__(out, "decision", fake)
    return out


@pytest.mark.parametrize("selected", ["undetermined", "none"])
def test_summary_names_no_theory_when_the_data_do_not_decide(exact_result, selected):
    net = exact_result.networks[0]
    readings = _with_verdict(net.readings, selected, reason="the nested test cannot tell vector from tensor",
                             power=0.42, detectable=120.0, networks_needed=500000)
    undecided = NetworkResult(net.label, net.description, net.spec, readings, net.flows, net.mass_exponent)
    text = undecided.conclusion()
    assert undecided.named is None
    assert "**tensor**" not in text and "non-Gaussian fixed point" not in text and "Its flow" not in text
    assert "power 0.42" in text and "500000 networks" in text and "No theory is named" in text
    opening = {"undetermined": "do not decide", "none": "No reading describes"}[selected]
    assert opening in verdict_sentence(readings)
    record = undecided.verdict()
    assert record["selected"] == selected and record["power"] == 0.42 and record["p_value"] is None


def test_flows_figure_draws_the_bands_and_where_draws_stop(exact_result):
    pytest.importorskip("matplotlib")
    from tensornn.plotting.compare import flows_figure

    net, flow = _tensor(exact_result)
    stopped = _fake(["completed"] * 6 + ["diverged"] * 6, [100.0] * 6 + [1.0, 1.1, 1.2, 1.3, 1.4, 1.5])
    bands = {name: np.tile(np.asarray(flow.uncertainty.band(name, 0.5)), (len(QUANTILES), 1))
             for name in ("u2", "u4", "sigma_w")}
    mc = dataclasses.replace(stopped, k=flow.uncertainty.k, bands=bands)
    flows = dict(net.flows, tensor=dataclasses.replace(flow, uncertainty=mc))
    result = dataclasses.replace(exact_result, networks=(dataclasses.replace(net, flows=flows),))
    fig = flows_figure(result)
    labels = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert "6 of 12 draws stop" in labels
    legend = [t.get_text() for ax in fig.axes for lg in ([ax.get_legend()] if ax.get_legend() else [])
              for t in lg.get_texts()]
    assert any("5-95% of 12 draws" in t for t in legend)
    titles = [ax.get_title() for ax in fig.axes] + [ax.get_xlabel() for ax in fig.axes[:2]]
    assert all("nan" not in t for t in titles) and all(ax.get_xlabel() for ax in fig.axes if ax.get_title())


def test_the_symmetry_test_is_called_for_each_network_and_shown(monkeypatch):
    # a stand-in for tensornn.readings.symmetry (the model-free O(n) test): compare calls it once per network with
    # the network's design and reports it in the conclusion and in report.json's verdict
    import importlib

    import tensornn.compare.run as run

    calls = []

    def symmetry_test(network, design, *, n_networks, seed, executor):
        calls.append((type(network).__name__, design.n_quadruples, n_networks))
        record = {"invariant": True, "p_value": 0.42, "group": "O(n)"}
        return SimpleNamespace(invariant=True, p_value=0.42, group="O(n)", to_dict=lambda: dict(record))

    real = importlib.import_module
    monkeypatch.setattr(run.importlib, "import_module", lambda name: SimpleNamespace(symmetry_test=symmetry_test)
                        if name == "tensornn.readings.symmetry" else real(name))
    result = run_compare(CompareConfig(networks=("dense",), n_networks=4096, n_groups=16, flow_points=20,
                                       fixed_point_starts=2, flow_draws=10))
    net = result.networks[0]
    assert calls == [("StructuredNetwork", 40, 4096)] and "symmetry dense" in result.timings
    assert "G4c is invariant under O(n) (p = 0.42)" in net.conclusion()
    assert net.verdict()["symmetry"] == {"invariant": True, "p_value": 0.42, "group": "O(n)"}


def test_band_quantiles_skip_undefined_draws_as_numpy_does():
    # sigma_W is undefined (nan) where a draw's mass turned negative: the vectorised quantiles equal numpy's
    # nanquantile column by column, and a scale with fewer than 5 defined draws has no band
    import warnings

    from tensornn.compare.uncertainty import _quantiles

    rng = np.random.default_rng(0)
    for _ in range(200):
        values = rng.standard_normal((int(rng.integers(1, 40)), 7))
        values[rng.random(values.shape) < 0.6 * rng.random()] = np.nan
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            expected = np.nanquantile(values, QUANTILES, axis=0)
        expected[:, np.isfinite(values).sum(axis=0) < 5] = np.nan
        np.testing.assert_allclose(_quantiles(values), expected, rtol=1e-12, atol=1e-14)


def test_a_network_no_reading_applies_to_is_refused_alone(tmp_path):
    # a nonlinear CP layer has no reading (UnsupportedReadingError from its pattern space): compare refuses it with
    # the reason, still runs the model-free symmetry test where the package has one, and reads the dense twin
    from tensornn.compare import write_compare_report
    from tensornn.schemas import validate

    result = run_compare(CompareConfig(activation="relu", n_networks=4096, n_groups=16, flow_points=20,
                                       fixed_point_starts=2, flow_draws=10))
    cp, dense = result.networks
    assert not cp.readings.success and cp.readings.status == "refused" and cp.selected == "none" and not cp.flows
    assert "No reading: no reading of the CP layer" in cp.conclusion() and "'relu'" in cp.conclusion()
    assert dense.readings.success and not result.success
    # the relu dense layer reads on its own kernel: a reading whose classes (the hidden-unit contact beside the
    # double trace) have no theory in the flow engine gets no flow and says why, instead of a flow of part of them
    for name, fit in dense.readings.readings.items():
        assert (name in dense.flows) != (name in dense.no_flow), name
        if name in dense.no_flow:
            assert "no theory" in dense.no_flow[name] and all(c in dense.no_flow[name] for c in fit.couplings)
    assert dense.no_flow, "the kernel-space vector reading (contact and double trace) has no flow theory yet"
    if dense.selected in dense.no_flow:
        assert f"The {dense.selected} reading has no flow" in dense.conclusion()
    folder = write_compare_report(result, tmp_path / "r")
    if importlib.util.find_spec("jsonschema") is not None:
        validate(json.loads((folder / "report.json").read_text()))

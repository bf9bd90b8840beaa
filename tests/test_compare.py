"""The comparison of readings: configuration, reading theories, the exact and Monte-Carlo verdicts, the report."""

import importlib.util
import json
import math
import subprocess
import sys

import numpy as np
import pytest

from tensornn._json import dumps_json
from tensornn.cli.main import main
from tensornn.compare import CompareConfig, load_config, run_compare, write_compare_report
from tensornn.compare.networks import compared_networks, sigma_w_map
from tensornn.compare.theories import reading_theories, spectrum_kinetic
from tensornn.data import load_data, summarise_data
from tensornn.errors import ConfigError, InvalidArgumentError
from tensornn.flow import derive_flow
from tensornn.flow.trajectory import run_from_ir
from tensornn.readings import pattern_space
from tensornn.theory import ContinuumColour, EmpiricalColour, Theory, full_truncation, scalar_truncation, vector_truncation

FAST = dict(method="exact", flow_points=20, fixed_point_starts=2)


@pytest.fixture(scope="module")
def exact_result():
    return run_compare(CompareConfig(**FAST))


# ----------------------------------------------------------------------------- configuration


def test_config_defaults_and_refusals(tmp_path):
    cfg = CompareConfig()
    assert cfg.networks == ("cp", "dense") and cfg.data == "synthetic" and cfg.method == "monte-carlo"
    with pytest.raises(InvalidArgumentError, match="networks"):
        CompareConfig(networks=("cp", "mlp"))
    with pytest.raises(ConfigError, match="repeat"):
        CompareConfig(networks=("cp", "cp"))
    with pytest.raises(ConfigError, match="n_groups"):
        CompareConfig(n_networks=2048, n_groups=2000)
    with pytest.raises(ConfigError, match="k_ir_ratio"):
        CompareConfig(k_ir_ratio=10.0, k_uv_ratio=1.0)
    path = tmp_path / "c.toml"
    path.write_text('networks = ["dense"]\nwidth = 4\nbogus = 1\n')
    with pytest.raises(ConfigError, match="bogus"):
        load_config(path)
    path.write_text('networks = ["dense"]\nwidth = 4\n')
    assert load_config(path).networks == ("dense",)


def test_sigma_w_map_inverts_the_mass_power():
    # m^2 ~ sigma_w^p: a mass 16 times larger is sigma_w 2 times smaller for p = -4, 4 times larger for p = 2
    u2 = np.array([1.0, 16.0, -1.0])
    assert sigma_w_map(u2, 1.5, -4.0)[1] == pytest.approx(0.75)
    assert sigma_w_map(u2, 1.5, 2.0)[1] == pytest.approx(6.0)
    assert math.isnan(sigma_w_map(u2, 1.5, 2.0)[2])


# ----------------------------------------------------------------------------- reading theories


def test_spectrum_kinetic_puts_the_largest_variance_at_zero():
    e = spectrum_kinetic([4.0, 1.0, 0.5, 0.0])
    assert e == pytest.approx((0.0, math.log(4.0), math.log(8.0)))   # the null direction is no mode


def test_tensor_reading_maps_every_class_to_its_own_bubble_with_the_field_scale():
    data = load_data("synthetic")
    cfg = CompareConfig(**FAST)
    net = compared_networks(cfg, data)[0].network
    space = pattern_space(net)
    theories = reading_theories(net, space, summarise_data(data).spectra)
    tensor = theories["tensor"]
    names = tensor.coupling_names
    assert set(names) == {"double trace", "pillow(1)", "pillow(2)", "pillow(3)", "tetrahedron"}
    assert len(set(names.values())) == 5          # five distinct engine interactions
    s4 = space.propagator_scale**2
    ir = tensor.initial({"pillow(2)": -384.0})
    assert ir[2] == 1.0 and ir[names["pillow(2)"]] == pytest.approx(-384.0 * s4)
    with pytest.raises(InvalidArgumentError, match="no coupling for the class"):
        theories["vector"].initial({"tetrahedron": 1.0})


def test_one_colour_tensor_reading_is_the_vector_reading():
    # with one colour the only quartic bubble is the double trace: the two readings are one theory, two code paths
    spectrum = spectrum_kinetic([3.0, 2.0, 1.0, 0.5, 0.25])
    colour = EmpiricalColour(spectrum, role="pairing")
    tensor = derive_flow(Theory((colour,), "real", full_truncation(1, 2, "real")))
    vector = derive_flow(Theory((colour,), "real", vector_truncation(2)))
    a = run_from_ir(tensor, {2: 1.0, 4: -0.3}, k_ir=1e-3, k_uv=10.0, n_points=30)
    b = run_from_ir(vector, {2: 1.0, 4: -0.3}, k_ir=1e-3, k_uv=10.0, n_points=30)
    np.testing.assert_allclose(a.potential(4), b.potential(4), rtol=1e-6)
    np.testing.assert_allclose(a.potential(2), b.potential(2), rtol=1e-6)


def test_local_product_of_colours_is_the_scalar_flow():
    # three local continuum colours R^1 with equal scales count modes as R^3 (the scalar reading's idealisation)
    product = derive_flow(Theory(tuple(ContinuumColour(1) for _ in range(3)), "real", scalar_truncation(2)))
    single = derive_flow(Theory((ContinuumColour(3),), "real", scalar_truncation(2)))
    g = np.array([0.13, -0.21])
    np.testing.assert_allclose(product.beta(g), single.beta(g), rtol=1e-12)


# ----------------------------------------------------------------------------- the run and its contract


def test_exact_couplings_select_the_tensor_reading_for_cp_and_the_vector_one_for_dense(exact_result):
    cp, dense = exact_result.networks
    assert cp.selected == "tensor" and dense.selected == "vector"
    tensor = cp.readings.readings["tensor"].couplings
    assert tensor["double trace"].value == pytest.approx(-128.0, rel=1e-10)      # W = 6 of the linear CP layer
    for name in ("pillow(1)", "pillow(2)", "pillow(3)", "tetrahedron"):
        assert tensor[name].value == pytest.approx(-384.0, rel=1e-10)           # W = 18
    assert dense.readings.readings["vector"].couplings["double trace"].value == pytest.approx(-128.0, rel=1e-10)


def test_report_json_keeps_its_contract(exact_result):
    data = json.loads(dumps_json(exact_result))  # what report.json holds (nan -> null)
    assert [v["network"] for v in data["verdict"]] == ["cp", "dense"]
    for verdict in data["verdict"]:
        assert set(verdict["readings"]) == {"scalar", "vector", "tensor"}
        for fit in verdict["readings"].values():
            assert {"chi2", "dof", "p_value", "aic"} <= set(fit)
    assert data["fit"]["cp"]["tensor"]["pillow(1)"]["exact"] == pytest.approx(-384.0)
    assert data["fit"]["cp"]["scalar"]["local"]["exact"] == 0.0
    for net in data["networks"].values():
        for flow in net["flows"].values():
            assert {t["ir_source"] for t in flow["trajectories"]} <= {"fit", "exact"}
    assert len(data["conclusion"]) == 2 and "**tensor**" in data["conclusion"][0]


def test_selected_reading_carries_its_uncertainty_and_the_others_are_still_run(exact_result):
    cp = exact_result.networks[0]
    assert set(cp.flows) == {"scalar", "vector", "tensor"}
    assert cp.flows["tensor"].uncertainty is not None and cp.flows["scalar"].uncertainty is None
    assert not cp.flows["scalar"].fits and cp.flows["tensor"].fits and cp.flows["tensor"].selected
    assert "u4_error" not in cp.flows["tensor"].trajectory("fit")  # the first-order band is gone


def test_tensor_idealisation_has_the_melonic_fixed_point(exact_result):
    ng = exact_result.networks[0].flows["tensor"].non_gaussian()
    # the real rank-3 melonic quartic theory, (d, s) = (3, 2), LPA' (docs/flow_presets.md)
    assert ng["nu"] == pytest.approx(0.50303, abs=1e-4) and ng["eta"] == pytest.approx(-0.6597, abs=1e-4)
    assert ng["n_relevant"] == 1
    assert exact_result.networks[1].flows["vector"].non_gaussian() is None


def test_report_leads_with_its_conclusion(exact_result, tmp_path):
    folder = write_compare_report(exact_result, tmp_path / "r")
    text = (folder / "summary.md").read_text()
    first = text.split("## Conclusion", 1)[1].strip().splitlines()[0]
    assert first.startswith("**CP-structured layer") and "select the **tensor** reading" in first
    figures = {f"{name}.{fmt}" for name in ("fits", "couplings", "flows", "spectra") for fmt in ("png", "pdf")}
    assert {"report.json", "summary.md", *figures} <= {p.name for p in folder.iterdir()}
    assert (folder / "flows.pdf").read_bytes()[:5] == b"%PDF-" and (folder / "fits.png").read_bytes()[:4] == b"\x89PNG"
    if importlib.util.find_spec("jsonschema") is not None:  # report.json follows tensornn/schemas/report.schema.json
        from tensornn.schemas import validate

        validate(json.loads((folder / "report.json").read_text()))
    assert "nan" not in text.split("## Readings")[0]


def test_block_gauss_report_states_the_prediction():
    result = run_compare(CompareConfig(networks=("block-gauss",), **FAST))
    net = result.networks[0]
    assert net.readings.space == "gauss"
    assert "a scalar theory seen through colours" in net.conclusion()
    assert "relative residual" in net.conclusion()


def test_failed_report_writes_nothing(exact_result, tmp_path, monkeypatch):
    import tensornn.compare.report as rep

    def broken(result):
        raise RuntimeError("figure failed")

    monkeypatch.setattr(rep, "couplings_figure", broken)
    with pytest.raises(RuntimeError):
        rep.write_compare_report(exact_result, tmp_path / "r")
    assert not (tmp_path / "r").exists()


def test_cli_runs_a_config_and_refuses_an_existing_folder(tmp_path, capsys):
    cfg = tmp_path / "c.toml"
    cfg.write_text('networks = ["dense"]\nmethod = "exact"\nflow_points = 10\nfixed_point_starts = 2\n')
    out = tmp_path / "report"
    assert main(["compare", "--config", str(cfg), "--out", str(out), "--quiet"]) == 0
    assert "dense: selected vector" in capsys.readouterr().out
    assert main(["compare", "--config", str(cfg), "--out", str(out), "--quiet"]) == 2
    assert "exists" in capsys.readouterr().err


@pytest.mark.slow
def test_monte_carlo_default_selects_different_readings_for_the_two_networks(tmp_path):
    # the default run: 2^17 networks per fit, seed 0 (docs/compare.md quotes its numbers)
    result = subprocess.run([sys.executable, "-m", "tensornn", "compare", "--out", str(tmp_path / "d"), "--quiet"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    data = json.loads((tmp_path / "d" / "report.json").read_text())
    selected = {v["network"]: v["selected"] for v in data["verdict"]}
    assert selected == {"cp": "tensor", "dense": "vector"}
    cp = {v["network"]: v for v in data["verdict"]}["cp"]["readings"]
    assert cp["tensor"]["p_value"] > 0.01 and cp["vector"]["p_value"] < 1e-6



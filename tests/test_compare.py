"""Tests of tensornn.compare: the identifications, the one-colour equality, validation and the report folder."""

import json
import math

import numpy as np
import pytest

from tensornn.cli.main import main
from tensornn.compare import CompareConfig, block_normalisation, load_config, run_compare, scalar_theory, tensor_theory
from tensornn.compare.readings import block_network, quadruple_inputs, reading_flow
from tensornn.flow.trajectory import initial_couplings
from tensornn.compare.run import analyse_reading
from tensornn.errors import ConfigError, InvalidArgumentError, InvalidTypeError
from tensornn.networks.kernels import gauss_fourier

TINY = dict(widths=(10,), n_networks=400, active_passive=False, fixed_point_starts=8, n_points=20)


def test_equal_scales_reproduce_the_plain_gauss_normalisation():
    # docs/theory/nn_qft.md: equal sigma_c = sigma_w is the plain Gauss-net, Z and m^2 = 2 sigma_w^2/d_in
    for sizes, sw in (((1, 1, 1), 1.0), ((2, 1), 1.7)):
        cfg = CompareConfig(block_sizes=sizes, sigma_w=sw, **TINY)
        norm = block_normalisation(cfg)
        ref = gauss_fourier(sw, cfg.d_in)
        assert norm.Z == pytest.approx(ref.Z, rel=1e-12)
        assert norm.mass2 == pytest.approx(2 * sw**2 / cfg.d_in, rel=1e-12)
        assert np.allclose(norm.scales, 1.0)


def test_block_inputs_map_to_plain_inputs_with_the_kernel():
    # The block net at x is the plain net at x'^c = (sigma_c/sigma_w) x^c: kernels and exact G4c agree, and the
    # amputation integral picks up the Jacobian prod_c (sigma_w/sigma_c)^D_c. The block net's own oracle and
    # Gaussian amputation are checked against the plain-net formulas through this change of variables.
    from tensornn.correlators.exact import g4_connected_exact, g4_connected_oracle
    from tensornn.couplings.amputation import amputation, gauss_amputation_integral
    from tensornn.networks.kernels import kernel
    from tensornn.structured import block_gauss_kernel

    cfg = CompareConfig(block_sizes=(1, 2), sigma_blocks=(0.7, 1.9), sigma_w=1.3, **TINY)
    xb = quadruple_inputs(cfg)
    xp = xb * np.repeat(np.array([0.7, 1.9]) / 1.3, (1, 2))
    jac = (1.3 / 0.7) * (1.3 / 1.9) ** 2
    kb = block_gauss_kernel(xb[:, None], xb[None], block_sizes=(1, 2), sigma_v=1.3, sigma_blocks=(0.7, 1.9))
    kp = kernel("gauss", xp[:, None], xp[None], sigma_w=1.3, sigma_b=0.0)
    assert np.allclose(kb, kp, rtol=1e-12)
    net = block_network(cfg, width=10)
    plain = g4_connected_exact("gauss", *xp, width=10, sigma_w=1.3, sigma_b=0.0)
    assert float(g4_connected_oracle(net, *xb)) == pytest.approx(float(plain), rel=1e-12)
    assert float(amputation(net, *xb)) == pytest.approx(float(gauss_amputation_integral(*xp, sigma_w=1.3)) * jac,
                                                        rel=1e-12)


def test_measured_u4_agrees_with_the_exact_value():
    # Monte Carlo against the single-layer oracle at N = 10 (large 1/N signal); 4 standard errors because the
    # jackknife error of a heavy-tailed 4-point estimator is itself uncertain at this ensemble size
    from tensornn.compare import measure_ir_data

    cfg = CompareConfig(block_sizes=(1, 2), sigma_blocks=(0.8, 1.2), widths=(10,), n_networks=20_000,
                        active_passive=False)
    ir = measure_ir_data(cfg, 10, seed=3)
    assert ir.u4_error > 0
    assert abs(ir.u4 - ir.u4_exact) < 4 * ir.u4_error
    assert ir.u4_exact < 0   # the Gauss-net quartic coupling is negative (docs/theory/nn_qft.md)


def test_zero_mode_matching_sums_the_quartic_couplings():
    cfg = CompareConfig(**TINY)
    flow = reading_flow(tensor_theory(cfg), anomalous_dimension=True)
    g = initial_couplings(flow, {2: 0.5, 4: -3.0})
    legs = np.asarray(flow.n_legs)
    assert g[legs == 2].sum() == pytest.approx(0.25)
    assert g[legs == 4].sum() == pytest.approx(-3.0 / 24)
    assert np.allclose(g[legs == 4], g[legs == 4][0])   # colour-symmetric split


def _same_reading(a, b):
    assert a.dimensions == b.dimensions
    fa = [fp for fp in a.fixed_points if fp["valid"]]
    fb = [fp for fp in b.fixed_points if fp["valid"]]
    assert len(fa) == len(fb) >= 2
    for x, y in zip(sorted(fa, key=lambda f: f["nu"]), sorted(fb, key=lambda f: f["nu"])):
        assert np.allclose(list(x["couplings"].values()), list(y["couplings"].values()), atol=1e-9)
        assert x["nu"] == pytest.approx(y["nu"], rel=1e-7)
        assert x["eta"] == pytest.approx(y["eta"], abs=1e-12)
    for ta, tb in zip(a.trajectories, b.trajectories):
        assert ta["status"] == tb["status"] == "completed"
        assert np.allclose(ta["u2"], tb["u2"], rtol=1e-6)
        assert np.allclose(ta["u4"], tb["u4"], rtol=1e-6)


@pytest.mark.parametrize("sizes", [(3,), (1,)])
def test_one_colour_tensor_reading_is_the_scalar_reading(sizes):
    # one block: no tensor structure, the colour is the input space itself; same code path, same flow and
    # fixed points (including the Wilson-Fisher point m^2/k^2 = -1/13 in D = 3, docs/theory/flow.md)
    from tensornn.compare.readings import IRData

    cfg = CompareConfig(block_sizes=sizes, **TINY)
    ir = IRData(width=10, n_networks=0, Z=1.0, mass2=block_normalisation(cfg).mass2, scales=(1.0,), u4_f=0.0,
                u4_f_error=0.0, u4_f_exact=0.0, u4=-0.4, u4_error=0.1, u4_exact=-0.4, u6=0.0)
    s = analyse_reading("scalar", scalar_theory(cfg), cfg, [ir])
    t = analyse_reading("tensor", tensor_theory(cfg), cfg, [ir], anomalous_dimension=True)
    _same_reading(s, t)
    if sizes == (3,):
        wf = s.non_gaussian()
        assert 2 * wf["couplings"]["g2"] == pytest.approx(-1 / 13, rel=1e-9)
        assert wf["nu"] == pytest.approx(0.54272, abs=1e-5)


def test_local_product_of_colours_is_the_scalar_flow():
    # three local continuum colours R^1 with equal scales must reproduce R^3 (counting functions of the engine)
    from tensornn.compare.readings import IRData

    cfg = CompareConfig(block_sizes=(1, 1, 1), tensor_roles="local", **TINY)
    assert all(c.role == "local" for c in tensor_theory(cfg).colours)
    ir = IRData(width=10, n_networks=0, Z=1.0, mass2=2 / 3, scales=(1.0,) * 3, u4_f=0.0, u4_f_error=0.0,
                u4_f_exact=0.0, u4=-0.7, u4_error=0.1, u4_exact=-0.7, u6=0.0)
    s = analyse_reading("scalar", scalar_theory(cfg), cfg, [ir])
    t = analyse_reading("tensor", tensor_theory(cfg), cfg, [ir], anomalous_dimension=True)
    _same_reading(s, t)
    g = np.array([0.13, -0.21])
    assert np.allclose(reading_flow(scalar_theory(cfg)).beta(g), reading_flow(tensor_theory(cfg)).beta(g), rtol=1e-12)


def test_unequal_blocks_give_a_non_autonomous_tensor_reading():
    # blocks of sizes 1 and 2: melonic loops over R^2 and over R^1 scale with different powers of k
    from tensornn.compare.readings import IRData

    cfg = CompareConfig(block_sizes=(1, 2), sigma_blocks=(0.8, 1.3), **TINY)
    norm = block_normalisation(cfg)
    ir = IRData(width=10, n_networks=0, Z=norm.Z, mass2=norm.mass2, scales=norm.scales, u4_f=0.0,
                u4_f_error=0.0, u4_f_exact=0.0, u4=-50.0, u4_error=1.0, u4_exact=-50.0, u6=0.0)
    t = analyse_reading("tensor", tensor_theory(cfg), cfg, [ir], anomalous_dimension=True)
    assert not t.autonomous and t.fixed_points == () and "not autonomous" in t.fixed_point_message
    tr = t.trajectories[0]
    assert tr["status"] == "completed" and np.all(np.isfinite(tr["eta"]))
    assert tr["sigma_w"][0] == pytest.approx(math.sqrt(cfg.d_in * norm.mass2 / 2), rel=1e-12)


def test_tensor_reading_has_pillows_and_the_melonic_mass_flow():
    # docs/theory/flow.md: a real pillow cut at its dipole passes every colour but its own; coefficient 2 per pillow
    cfg = CompareConfig(**TINY)
    flow = reading_flow(tensor_theory(cfg), anomalous_dimension=True)
    assert flow.projection == "melonic" and flow.n_legs.tolist() == [2, 4, 4, 4]
    assert flow.loop_dimension == 2.0
    assert "d_t mass = eta mass - 2 b2_1 L_2^{2,3} - 2 b2_2 L_2^{1,3} - 2 b2_3 L_2^{1,2}" in flow.equations()


@pytest.mark.parametrize("kwargs, error, text", [
    (dict(block_sizes=(1, 2), d_in=2), ConfigError, "does not match"),
    (dict(block_sizes=(1, 1), sigma_blocks=(1.0,)), ConfigError, "one scale per colour block"),
    (dict(block_sizes=(0, 1)), InvalidArgumentError, "block_sizes[0] must be >= 1"),
    (dict(cp_rank=0), InvalidArgumentError, "cp_rank must be >= 1"),
    (dict(widths=(10, 0)), InvalidArgumentError, "widths[1] must be >= 1"),
    (dict(widths="10"), InvalidTypeError, "widths must be a list"),
    (dict(sigma_w="1"), InvalidTypeError, "sigma_w"),
    (dict(anomalous_dimension=1), InvalidTypeError, "anomalous_dimension"),
    (dict(u6=0.5), ConfigError, "scalar_order = 3"),
    (dict(tensor_roles="mixed"), InvalidArgumentError, "tensor_roles"),
])
def test_bad_configurations_are_refused(kwargs, error, text):
    with pytest.raises(error) as info:
        CompareConfig(**kwargs)
    assert text in str(info.value)


def test_toml_unknown_key_lists_the_valid_ones(tmp_path):
    f = tmp_path / "c.toml"
    f.write_text("widht = [10]\n")
    with pytest.raises(ConfigError) as info:
        load_config(f)
    assert "'widht'" in str(info.value) and "'widths'" in str(info.value)
    f.write_text("widths = [10\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(f)


def test_cli_refuses_before_sampling(tmp_path, capsys, monkeypatch):
    import tensornn.compare.run as run_mod

    def boom(*a, **k):
        raise AssertionError("sampling started")

    monkeypatch.setattr(run_mod, "measure_ir_data", boom)
    f = tmp_path / "bad.toml"
    f.write_text("block_sizes = [1, 1]\nd_in = 3\n")
    assert main(["compare", "--config", str(f), "--out", str(tmp_path / "r")]) == 2
    assert "does not match" in capsys.readouterr().err
    (tmp_path / "exists").mkdir()
    f.write_text("widths = [10]\n")
    assert main(["compare", "--config", str(f), "--out", str(tmp_path / "exists")]) == 2
    assert "--overwrite" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()


def test_cli_writes_a_complete_report(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    f = tmp_path / "tiny.toml"
    f.write_text("widths = [10]\nn_networks = 400\nactive_passive = false\nfixed_point_starts = 8\nn_points = 20\n")
    out = tmp_path / "rep"
    assert main(["compare", "--config", str(f), "--out", str(out), "--quiet"]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == ["bubbles.png", "flows.png", "report.json", "sigma_w_map.png", "summary.md"]
    data = json.loads((out / "report.json").read_text())
    assert data["metadata"]["config"]["widths"] == [10]
    assert data["active_passive"]["available"] is False
    s = data["scalar_reading"]
    assert s["canonical_dimensions"] == {"g2": 2.0, "g4": 1.0}
    tr = s["trajectories"][0]
    # sigma_W map at k_IR: the running mass at the start is m^2 = 2 sigma_w^2/d_in, so sigma_W(k_IR) = sigma_w
    assert tr["sigma_w"][0] == pytest.approx(1.0, rel=1e-9)
    assert "not available" in (out / "summary.md").read_text().lower()
    # one trajectory per IR source; each starts from its own u4 (zero-mode matching: u4 = 4! x sum of quartics)
    ir = data["ir_data"][0]
    for reading in ("scalar_reading", "tensor_reading"):
        trs = {t["source"]: t for t in data[reading]["trajectories"]}
        assert set(trs) == {"measured", "exact"}
        assert trs["measured"]["u4"][0] == pytest.approx(ir["u4"], rel=1e-12)
        assert trs["exact"]["u4"][0] == pytest.approx(ir["u4_exact"], rel=1e-12)
    # the bubble content: quartic_content(3) has total weight 3^3 = 27 tuples at R = 1 times w = 1? computed there
    from tensornn.structured import quartic_content
    assert data["bubble_content"]["total_weight"] == pytest.approx(sum(c.weight for c in quartic_content(3).classes))


def test_failed_report_writes_nothing(tmp_path, monkeypatch):
    import tensornn.compare.report as rep

    cfg = CompareConfig(**TINY)
    result = run_compare(cfg)

    def broken(result):
        raise RuntimeError("figure failed")

    monkeypatch.setattr(rep, "bubbles_figure", broken)
    with pytest.raises(RuntimeError):
        rep.write_compare_report(result, tmp_path / "r")
    assert not (tmp_path / "r").exists()


@pytest.mark.slow
def test_full_default_run(tmp_path):
    out = tmp_path / "default"
    assert main(["compare", "--out", str(out), "--quiet"]) == 0
    assert {"report.json", "summary.md", "flows.png", "sigma_w_map.png", "active_passive.png",
            "bubbles.png"} <= {p.name for p in out.iterdir()}


def test_docs_python_example_runs(tmp_path, monkeypatch):
    import pathlib
    import re

    pytest.importorskip("matplotlib")
    text = (pathlib.Path(__file__).resolve().parents[1] / "docs" / "compare.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks
    monkeypatch.chdir(tmp_path)
    for code in blocks:
        exec(compile(code, "docs/compare.md", "exec"), {})
    assert (tmp_path / "small-report" / "report.json").is_file()

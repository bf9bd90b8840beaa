"""Eta in d_t R or not: closed-form melonic fixed points under both conventions, and the convention in every output.

Complex rank-d field, continuum strands |p|^s (N_S = B k^(d-1), B = (2 Gamma(1+1/s))^(d-1)/Gamma(1+(d-1)/s)),
colour-symmetric pillows g4 (lambda = 2 g4), Litim, melonic LPA'. With y = B g4/(1 + mu)^2 (docs/flow.md):

- regulator_eta = "omit": eta = -2 (d - 1) y; the fixed point solves a quadratic in y. At the just-renormalisable
  (d, s) = (3, 1), (5, 2) it is mu* = eta* = -1/2, y* = 1/(4 (d - 1)), theta = (1/2 - s +- sqrt(s^2 + 3 s + 1/4))/2.
- regulator_eta = "include": eta = -2 (d - 1) y/(1 - 2 y); at (3, 1): eta* = 2 - sqrt 7, mu* = -2/3 + sqrt 7/21,
  y* = 1/2 - sqrt 7/7; at (5, 2): eta* = (10 - 2 sqrt 34)/3, mu* = (sqrt 34 - 23)/33, y* = 13/22 - sqrt 34/11.
"""

import json
from math import gamma, sqrt

import numpy as np
import pytest

from tensornn.cli.main import main
from tensornn.flow import refine_fixed_point, run_flow, tensor_preset


def B(d, s):
    return (2 * gamma(1 + 1 / s)) ** (d - 1) / gamma(1 + (d - 1) / s)


def solve(d, s, regulator_eta, mu, y):
    preset = tensor_preset(rank=d, kinetic_power=s, eta=True, regulator_eta=regulator_eta)
    g4 = y * (1 + mu) ** 2 / B(d, s)
    fp = refine_fixed_point(preset.system, [mu + 1e-3, g4 * 1.01], tol=1e-13)
    assert fp is not None and not fp.spurious
    return fp, g4


@pytest.mark.parametrize("d, s", [(3, 1.0), (5, 2.0)])
def test_just_renormalisable_fixed_point_without_eta_in_d_t_r(d, s):
    fp, g4 = solve(d, s, "omit", -0.5, 1 / (4 * (d - 1)))
    np.testing.assert_allclose(fp.couplings, [-0.5, g4], rtol=1e-12)
    assert 2 * g4 == pytest.approx(1 / (16 * s * B(d, s)), rel=1e-14)  # lambda* = 1/(16 s B)
    assert fp.eta == pytest.approx(-0.5, rel=1e-12)
    root = sqrt(s * s + 3 * s + 0.25)
    # the stability matrix is differentiated numerically (about 12 digits)
    np.testing.assert_allclose(fp.exponents, [(0.5 - s + root) / 2, (0.5 - s - root) / 2], rtol=1e-9)


@pytest.mark.parametrize("d, s, mu, y, eta", [
    (3, 2.0, 2 - sqrt(7), (sqrt(7) - 1) / 12, (1 - sqrt(7)) / 3),
    (4, 2.0, (7 - sqrt(337)) / 18, (sqrt(337) - 1) / 168, (1 - sqrt(337)) / 28),
])
def test_other_fixed_points_without_eta_in_d_t_r_are_quadratic_surds(d, s, mu, y, eta):
    fp, g4 = solve(d, s, "omit", mu, y)
    np.testing.assert_allclose(fp.couplings, [mu, g4], rtol=1e-12)
    assert fp.eta == pytest.approx(eta, rel=1e-12)


@pytest.mark.parametrize("d, s, mu, y, eta", [
    (3, 1.0, -2 / 3 + sqrt(7) / 21, 0.5 - sqrt(7) / 7, 2 - sqrt(7)),
    (5, 2.0, (sqrt(34) - 23) / 33, 13 / 22 - sqrt(34) / 11, (10 - 2 * sqrt(34)) / 3),
])
def test_just_renormalisable_fixed_point_with_eta_in_d_t_r(d, s, mu, y, eta):
    fp, g4 = solve(d, s, "include", mu, y)
    np.testing.assert_allclose(fp.couplings, [mu, g4], rtol=1e-12)
    assert fp.eta == pytest.approx(eta, rel=1e-12)


def test_the_convention_is_carried_by_flows_fixed_points_runs_and_json(capsys):
    preset = tensor_preset(rank=3, kinetic_power=1.0, eta=True, regulator_eta="omit")
    assert preset.options["regulator_eta"] == "omit"
    assert preset.system.conventions["regulator_eta"] == "omit"
    fp = preset.fixed_points(n_starts=4).valid[0]
    assert fp.conventions["regulator_eta"] == "omit" and fp.conventions["regulator"] == "litim"
    res = run_flow(preset.system, [0.1, 0.001], k_start=1.0, k_stop=0.5)
    assert res.conventions["regulator_eta"] == "omit"
    argv = ["flow", "fixed-points", "tensor", "--kinetic-power", "1", "--eta", "--regulator-eta", "omit",
            "--n-starts", "4", "--json"]
    assert main(argv) == 0
    records = json.loads(capsys.readouterr().out)["fixed_points"]
    assert records and all(r["conventions"]["regulator_eta"] == "omit" for r in records)
    assert main(["flow", "run", "tensor", "--eta", "--set", "g4=0.001", "--k-stop", "0.5", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["conventions"]["regulator_eta"] == "include"
    assert main(["flow", "equations", "tensor", "--eta", "--regulator-eta", "omit"]) == 0
    out = capsys.readouterr().out
    assert "regulator_eta = omit: d_t R_k = Z s k^s theta(k^s - E)" in out
    assert main(["flow", "fixed-points", "tensor", "--n-starts", "2"]) == 0
    assert "regulator_eta = include" in capsys.readouterr().out


@pytest.mark.parametrize("model, options", [
    ("scalar", dict(order=4, expansion="minimum")),
    ("scalar", dict(order=3, expansion="zero")),
])
def test_every_system_declares_its_conventions_to_library_results(model, options):
    # the potential expansions and the kinetic-function flows carry their conventions like the engine's flows,
    # so run_flow and the fixed-point searches record them without the command line filling them in
    from tensornn.flow import make_preset
    from tensornn.flow.kinetic import KineticFlow

    preset = make_preset(model, dim=3, **options)
    systems = [preset.system]
    if options["expansion"] == "zero":
        systems.append(KineticFlow(preset.system, "gauss", mass=1.0))
    for system in systems:
        assert {"regulator", "regulator_eta", "anomalous_dimension", "projection"} <= set(system.conventions)
        run = run_flow(system, np.full(len(system.names), 0.01), k_start=1.0, k_stop=0.5, n_points=5)
        assert run.conventions == system.conventions and run.to_dict()["conventions"] == system.conventions
    assert all(fp.conventions == preset.system.conventions for fp in preset.fixed_points())

"""The depth flow, its Wetterich companion, the depth study and `tensornn depth`.

Truth used here: the exact zero-dimensional phi^4 theory (one-dimensional integrals by scipy.quad) for the engine's
zero-dimensional flow; closed forms of the single-input recursion (ReLU 5 l/n, the chaotic saturation value
V* = C_W^2 [E phi^4 - (E phi^2)^2] / (1 - chi_par^2), tanh's K ~ 1/(2l) at criticality); the CLI's numbers against the
library's.
"""

import importlib.util
import json
import math

import numpy as np
import pytest
from scipy.integrate import quad

from tensornn.cli.main import main
from tensornn.flow.integrate import run_flow
from tensornn.networks.deep import DeepNetwork
from tensornn.networks.gaussian_expectations import product_moment, single_input_maps
from tensornn.rg.depth_flow import depth_flow, layer_wetterich_flow, zero_dimensional_flow
from tensornn.rg.depth_study import depth_study


@pytest.mark.parametrize("lam", [0.01, 0.1])
def test_the_zero_dimensional_flow_integrates_a_bare_action_to_its_exact_1pi_couplings(lam):
    """S = z^2/2 + lam z^4/4!: the engine's flow (phi^8 truncation) from k = 1e3 to 1e-4 against the exact
    1/G2 and -G4c/G2^4 of the one-dimensional integral; the truncation error is about lam^3 (4e-7 at lam = 0.1)."""
    flow = zero_dimensional_flow(4)
    g0 = np.array([0.5, lam / 24, 0.0, 0.0])
    trajectory = run_flow(flow, g0, k_start=1e3, k_stop=1e-4)
    weight = lambda z: math.exp(-z * z / 2 - lam * z**4 / 24)  # noqa: E731
    z0 = quad(weight, -30, 30, epsabs=1e-14)[0]
    m2 = quad(lambda z: z * z * weight(z), -30, 30, epsabs=1e-14)[0] / z0
    m4 = quad(lambda z: z**4 * weight(z), -30, 30, epsabs=1e-14)[0] / z0
    assert trajectory.status == "completed"
    assert trajectory.potential(2)[-1] == pytest.approx(1 / m2, abs=5 * lam**3)
    assert trajectory.potential(4)[-1] == pytest.approx(-(m4 - 3 * m2**2) / m2**4, abs=20 * lam**3)


def test_depth_flow_at_and_away_from_criticality():
    relu = depth_flow(DeepNetwork("relu", (20,) * 6, sigma_w=1.3))
    np.testing.assert_allclose(relu.kappa, 5 * np.arange(7) / 20, rtol=1e-12)  # independent of sigma_w
    np.testing.assert_allclose(relu.g4, -3 * relu.kappa)
    assert relu.kappa_exact is not None and relu.kappa_exact[-1] > relu.kappa[-1]
    critical = depth_flow(DeepNetwork("tanh", (100,) * 199))
    assert critical.kernel[-1] * 200 == pytest.approx(0.5, rel=0.05)  # K ~ 1/(2 l)
    chaotic = depth_flow(DeepNetwork("tanh", (100,) * 60, sigma_w=1.5))
    k = chaotic.kernel[-1]
    cw = 2.25
    e2 = float(product_moment("tanh", np.full((2, 2), k)).value)
    e4 = float(product_moment("tanh", np.full((4, 4), k)).value)
    chi = cw * float(single_input_maps("tanh", k)[1])
    v_star = cw**2 * (e4 - e2**2) / (1 - chi**2)
    assert chaotic.vertex[-1] == pytest.approx(v_star, rel=1e-6)
    assert chaotic.chi_par[-1] == pytest.approx(chi, rel=1e-9)


def test_the_wetterich_running_of_a_layer_is_second_order():
    """g4 runs by more than first order within a layer: relative to g4 the running falls by a factor 1.6-2 when the
    width doubles (second order: 2; the IR data set u6 = 0, itself of order g4^2, which slows the approach), while
    the depth step of g4 is first order (exactly halved)."""
    relative, steps = [], []
    for n in (800, 1600):
        flow = depth_flow(DeepNetwork("relu", (n,) * 3, sigma_w=math.sqrt(2)))
        w = layer_wetterich_flow(flow, 4)
        assert w.status == "completed"
        relative.append(w.running[1] * flow.g2[3] ** 2 / abs(flow.g4[3]))
        steps.append(flow.g4[3] - flow.g4[2])
    assert 1.6 < relative[0] / relative[1] < 2.2
    assert steps[0] / steps[1] == pytest.approx(2.0, rel=1e-12)


def test_depth_study_flags_where_the_leading_order_fails():
    study = depth_study(DeepNetwork("relu", (4, 4, 4), sigma_w=math.sqrt(2)), [[1.0]], criticality=False)
    fails = [r["leading_order_fails"] for r in study.rows()]
    assert fails == [False, False, True, True]  # exact 1.25 vs 1.25; then 4.06 vs 2.5, ...
    assert json.dumps(study.to_dict())


def test_depth_command_prints_layers_and_the_critical_point(capsys, tmp_path):
    code = main(["depth", "--activation", "relu", "--widths", "6", "--depth", "2", "--sigma-w", "1.41421356237",
                 "--networks", "4096", "--seed", "1", "--no-progress"])
    out = capsys.readouterr().out
    assert code == 0
    assert "(sigma_w^2 = 2)  sigma_b = 0" in out and "line of fixed points" in out
    lines = [line.split() for line in out.splitlines() if line.strip().startswith(("1 ", "2 ", "3 "))]
    assert [line[0] for line in lines[:3]] == ["1", "2", "3"]
    target = tmp_path / "depth.json"
    assert main(["depth", "--activation", "tanh", "--widths", "8,8", "--networks", "0", "--json", str(target)]) == 0
    data = json.loads(target.read_text())
    if importlib.util.find_spec("jsonschema") is not None:
        from tensornn.schemas import validate

        validate(data)
    assert data["schema"] == "tensornn/depth"
    assert data["critical_points"][0]["sigma_w"] == pytest.approx(1.0, abs=1e-9)
    assert [r["layer"] for r in data["layers"]] == [1, 2, 3] and data["layers"][2]["kappa_measured"] is None
    study = depth_study(DeepNetwork("tanh", (8, 8)), np.ones((1, 1)), criticality=False)
    assert data["layers"][2]["kappa_leading"] == pytest.approx(study.rows()[2]["kappa_leading"], rel=1e-12)


def test_depth_command_refuses_contradictory_widths(capsys):
    assert main(["depth", "--activation", "relu", "--widths", "4,4", "--depth", "3", "--networks", "0"]) == 2
    assert "contradicts" in capsys.readouterr().err

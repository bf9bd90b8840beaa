"""Finite lattice and SU(2) colours: exact counts, flows on them, and the approach to the continuum."""

import json

import numpy as np
import pytest

from tensornn.cli.main import main
from tensornn.errors import InvalidArgumentError
from tensornn.flow import run_flow, tensor_preset
from tensornn.flow.thresholds import ModeCount
from tensornn.theory import COLOUR_KINDS, LatticeColour, SU2Colour, get_colour_kind


def test_su2_peter_weyl_counts():
    su2 = SU2Colour()
    # j = 0, 1/2, 1, 3/2: eigenvalues j(j+1) = 0, 3/4, 2, 15/4 with multiplicities 1, 4, 9, 16
    assert su2.count([0.0, 0.75, 1.9, 2.0, 3.75]).tolist() == [1, 5, 5, 14, 30]
    assert su2.moment(2.0) == pytest.approx(4 * 0.75 + 9 * 2.0)
    assert SU2Colour(cutoff=1.5).n_modes == 30 and SU2Colour(cutoff=1.5).count(1e6) == 30
    # Weyl's law: N(x) ~ (8/3) x^(3/2), the count of its continuum approximation
    x = 4e4
    assert su2.count(x) / su2.continuum_approximation().count(x) == pytest.approx(1.0, abs=2e-2)
    # e = (j(j+1))^(s/2)
    assert SU2Colour(power=1.0).count(np.sqrt(2.0)) == 14
    with pytest.raises(InvalidArgumentError, match="multiple of 1/2"):
        SU2Colour(cutoff=0.3)


def test_lattice_cutoff_bounds_the_modes():
    lattice = LatticeColour(2, 2.0, cutoff=3)
    assert lattice.n_modes == 49 and lattice.count(1e9) == 49
    assert lattice.count([0.0, 1.0, 2.0]).tolist() == [1, 5, 9]  # the cutoff does not touch small shells
    assert LatticeColour(1, 1.0, cutoff=2).count(10.0) == 5


def test_colour_kind_registry():
    assert get_colour_kind("su2") is SU2Colour and set(COLOUR_KINDS) >= {"flat", "lattice", "su2", "continuum"}
    with pytest.raises(InvalidArgumentError, match="'flat', 'lattice', 'su2'"):
        get_colour_kind("torus")


def test_two_su2_strands_are_counted_like_a_brute_force_double_sum():
    colours = [SU2Colour(cutoff=6), SU2Colour(cutoff=6), SU2Colour(cutoff=6)]
    spins = np.arange(0, 13) / 2
    for x in (0.5, 2.0, 7.3, 30.0):
        n = m = 0.0
        for j1 in spins:
            for j2 in spins:
                e = j1 * (j1 + 1) + j2 * (j2 + 1)
                if e <= x:
                    w = (2 * j1 + 1) ** 2 * (2 * j2 + 1) ** 2
                    n, m = n + w, m + w * e
        assert ModeCount(colours, {0, 1}).count(x) == pytest.approx((n, m), rel=1e-14)


def test_su2_rank_3_melonic_flow_end_to_end(capsys):
    # the dimensionful flow of the CLI against the hand formula d_t mu = -2 d g4 s k^s N_2(k^s)/(k^s + mu)^2 (LPA)
    argv = ["flow", "run", "tensor", "--group", "su2", "--colours", "lattice", "--cutoff", "6", "--set", "mass=2",
            "--set", "g4=0.002", "--k-start", "3", "--k-stop", "1", "--json"]
    assert main(argv) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["status"] == "completed" and record["conventions"]["regulator"] == "litim"
    assert record["effective_dimension"]["colours"] == [1, 2]
    preset = tensor_preset(group="su2", colours="lattice", cutoff=6)
    res = run_flow(preset.system, [2.0, 0.002], k_start=3.0, k_stop=1.0)
    np.testing.assert_allclose(record["couplings"]["mass"], res.couplings[0], rtol=1e-12)
    two = ModeCount([SU2Colour(cutoff=6)] * 3, {0, 1})
    k, mu, g4 = 2.0, 1.3, 0.002
    expected = -2 * 3 * g4 * 2 * k**2 * two.count(k**2)[0] / (k**2 + mu) ** 2
    assert preset.system.beta_dimensionful(np.log(k), [mu, g4])[0] == pytest.approx(expected, rel=1e-13)
    # and with a smooth regulator the LPA' runs on the exact sums too
    smooth = tensor_preset(group="su2", colours="lattice", cutoff=6, eta=True, regulator="exponential")
    res = run_flow(smooth.system, [2.0, 0.002], k_start=3.0, k_stop=1.0)
    assert res.status == "completed" and res.conventions["regulator"] == "exponential"


@pytest.mark.parametrize("group, sizes", [("u1", (16, 32, 64)), ("su2", (8, 16, 32))])
def test_effective_dimension_along_lattice_flows_tends_to_the_continuum_value(group, sizes):
    # examples/lattice_effective_dimension.py: flows from k = L/2 to L/8 on strands with cutoff L; the continuum
    # value is the continuum approximation's own d ln N_S/d ln k (2 for U(1), 6 for SU(2))
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "examples" / "lattice_effective_dimension.py"
    spec = importlib.util.spec_from_file_location("lattice_effective_dimension", path)
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    deviations = []
    for cutoff in sizes:
        value, d_eff, res = example.effective_dimension_along_flow(group, cutoff, n_points=12)
        assert res.status == "completed"
        assert value == {"u1": 2.0, "su2": 6.0}[group]
        deviations.append(float(np.mean(np.abs(d_eff - value))))
    assert deviations[0] > deviations[1] > deviations[2]
    assert deviations[-1] < 0.2  # the lattice corrections fall like 1/k (docs/flow_presets.md table)


def test_lattice_options_are_validated():
    with pytest.raises(InvalidArgumentError, match="colours='lattice'"):
        tensor_preset(cutoff=4)
    with pytest.raises(InvalidArgumentError, match="density of states"):
        tensor_preset(colours="lattice", eta=True)
    with pytest.raises(InvalidArgumentError, match="'u1', 'su2'"):
        tensor_preset(group="so3")
    with pytest.raises(InvalidArgumentError, match="autonomous"):
        tensor_preset(colours="lattice", cutoff=4).fixed_points(n_starts=1)


def test_frozen_scale_roots_from_the_cli(capsys):
    argv = ["flow", "fixed-points", "tensor", "--colours", "lattice", "--cutoff", "8", "--at-k", "4", "--n-starts",
            "2", "--json"]
    assert main(argv) == 0
    records = json.loads(capsys.readouterr().out)["fixed_points"]
    assert records and all("frozen scale" in " ".join(r["notes"]) for r in records)

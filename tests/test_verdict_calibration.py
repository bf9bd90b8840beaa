"""The verdicts calibrated by simulation against exact oracles (scripts/calibrate_verdicts.py).

The quick test runs the script's cheap cases (2^12 networks) on a few seeds: the CP layer must never be read as
"vector" and the dense layer never as "tensor", and the table must carry its columns. The slow tests are the
must-show numbers of docs/verdict_calibration.md: over 50 seeds of the default run the verdicts (CP tensor, dense
vector) hold in at least 97 % of seeds, the nested test of the true reading rejects it at alpha = 0.01 at a rate
whose Clopper-Pearson 95 % interval contains alpha, and at 2^12 networks the CP layer is never "vector".
"""

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def calibrate():
    spec = importlib.util.spec_from_file_location("calibrate_verdicts", ROOT / "scripts" / "calibrate_verdicts.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["calibrate_verdicts"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_quick_calibration_never_names_a_forbidden_reading(calibrate, capsys):
    assert calibrate.main(["--cases", "cp-4096", "dense-4096", "--seeds", "3"]) == 0
    out = capsys.readouterr().out
    assert "| cp-4096 |" in out and "| dense-4096 |" in out and "oracle T^2" in out
    for line in out.splitlines():
        if line.startswith("| cp-4096") or line.startswith("| dense-4096"):
            assert "| 0/3 |" in line, line  # the forbidden column


def test_clopper_pearson_interval(calibrate):
    lo, hi = calibrate._cp_interval(0, 100)
    assert lo == 0.0 and hi == pytest.approx(0.0362, abs=1e-4)  # 1 - 0.025^(1/100)
    lo, hi = calibrate._cp_interval(5, 100)
    assert lo == pytest.approx(0.0164, abs=1e-4) and hi == pytest.approx(0.1128, abs=1e-4)


@pytest.mark.slow
@pytest.mark.parametrize("case", ["cp", "dense"])
def test_default_run_keeps_its_verdicts(calibrate, case):
    alpha, n = 0.01, 50
    rows = calibrate.run_case(calibrate.CASES[case], range(1, n + 1), alpha=alpha)
    kept = sum(r["selected"] == calibrate.CASES[case].truth for r in rows)
    assert kept >= 0.97 * n, [r["selected"] for r in rows]
    p = [r["nested_p"] for r in rows]
    k = sum(x < alpha for x in p)
    lo, hi = calibrate._cp_interval(k, n)
    assert lo <= alpha <= hi, (k, n)


@pytest.mark.slow
def test_small_ensemble_cp_is_never_vector(calibrate):
    rows = calibrate.run_case(calibrate.CASES["cp-4096"], range(1, 101), alpha=0.01)
    assert not any(r["selected"] == "vector" for r in rows), [r["selected"] for r in rows]

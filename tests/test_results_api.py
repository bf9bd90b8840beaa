"""Results people can use: DataFrames of tabular results, notebook display, one name for a standard error."""

import sys
import warnings

import numpy as np
import pytest

import tensornn as tn
from tensornn.couplings import fit_power_law, measure_u4, scan_width
from tensornn.errors import MissingDependencyError
from tensornn.flow import derive_flow, find_fixed_points, run_flow
from tensornn.readings.gls import exact_fit
from tensornn.theory import ContinuumColour, Theory, scalar_truncation


@pytest.fixture(scope="module")
def flow():
    return derive_flow(Theory((ContinuumColour(3),), "real", scalar_truncation(2)))


def test_flow_result_frame_has_one_row_per_scale(flow):
    pd = pytest.importorskip("pandas")
    result = run_flow(flow, [-0.01, 0.1], k_start=1.0, k_stop=0.5, n_points=4)
    frame = result.to_frame()
    assert isinstance(frame, pd.DataFrame) and frame.index.name == "k" and list(frame.columns) == ["t", "g2", "g4"]
    np.testing.assert_array_equal(frame["g4"].to_numpy(), result.couplings[1])
    np.testing.assert_allclose(np.exp(frame["t"].to_numpy()), frame.index.to_numpy(), rtol=1e-15)


def test_fixed_point_frame_lists_the_wilson_fisher_point(flow):
    pytest.importorskip("pandas")
    frame = find_fixed_points(flow, seed=0).to_frame()
    wf = frame[(frame["n_relevant"] == 1) & frame["valid"]]
    assert wf["nu"].iloc[0] == pytest.approx(0.542722, abs=1e-6)  # LPA, D = 3, Litim (docs/fixed_points.md)


def test_scan_and_estimate_frames():
    pytest.importorskip("pandas")
    scan = scan_width("gauss", [[0.1], [0.2], [-0.1], [0.3]], [10, 100, 1000], sigma_w=1.0)
    frame = scan.to_frame()
    assert frame.index.name == "width" and list(frame.index) == [10, 100, 1000]
    est = measure_u4(tn.ScalarNetwork("gauss", d_in=1, width=3, sigma_w=1.0), [[0.1], [0.2]], [(0, 0, 1, 1)], 16384, seed=0)
    row = est.to_frame().iloc[0]
    assert row["u4"] == est.value[0] and row["error"] == est.error[0]


def test_to_frame_without_pandas_says_how_to_install_it(flow, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now raises ImportError
    result = run_flow(flow, [-0.01, 0.1], k_start=1.0, k_stop=0.5, n_points=3)
    with pytest.raises(MissingDependencyError, match=r"tensornn\[pandas\]"):
        result.to_frame()


def test_results_display_as_html_tables_in_notebooks(flow):
    result = run_flow(flow, [-0.01, 0.1], k_start=1.0, k_stop=0.5, n_points=30)
    html = result._repr_html_()
    assert html.startswith("<div><pre>FlowTrajectory(") and html.count("<tr>") == 1 + 21  # header, 20 rows and "..."
    assert "<th>g4</th>" in html


def test_one_name_for_a_standard_error_and_the_old_names_warn():
    fit = fit_power_law([1.0, 2.0, 4.0], [1.0, 0.52, 0.25], yerr=[0.01, 0.01, 0.01])
    assert "error" in fit.to_dict() and "slope_error" not in fit.to_dict()
    with pytest.warns(DeprecationWarning, match=r"PowerLawFit.slope_error is deprecated.*use \.error"):
        assert fit.slope_error == fit.error
    linear = exact_fit(np.array([1.0, 2.0, 0.0]), np.eye(3)[:, :2])
    with pytest.warns(DeprecationWarning, match="use .error"):
        np.testing.assert_array_equal(linear.standard_errors, linear.error)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert fit.error > 0 and linear.error.shape == (2,)

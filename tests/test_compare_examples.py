"""Smoke runs of the compare examples with small ensembles; each checks a number the script computed."""

import importlib.util
import pathlib

import numpy as np

EXAMPLES = pathlib.Path(__file__).resolve().parents[1] / "examples"


def _load(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_compare_readings_example(capsys):
    result = _load("compare_readings").main(["--small"])
    out = capsys.readouterr().out
    assert "select the **tensor** reading" in out and "select the **vector** reading" in out
    assert [n.selected for n in result.networks] == ["tensor", "vector"]


def test_structured_to_tensor_theory_example(capsys):
    pulls, est = _load("structured_to_tensor_theory").main(["--small"])
    # the sampled 2-point function agrees with the factorised kernel (15 correlated pairs: 4 sigma)
    assert np.max(np.abs(pulls)) < 4
    # measured u4 against the block net's exact value, 4 standard errors (heavy-tailed estimator)
    assert abs(float(est.pull[0])) < 4
    assert "d_t mass" in capsys.readouterr().out

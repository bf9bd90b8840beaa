"""Smoke runs of the compare examples with small ensembles; each checks a number the script computed."""

import importlib.util
import pathlib

import numpy as np
import pytest

EXAMPLES = pathlib.Path(__file__).resolve().parents[1] / "examples"


def _load(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_compare_tensor_scalar_example(capsys):
    result, one = _load("compare_tensor_scalar").main(["--small"])
    assert "6. one block" in capsys.readouterr().out
    # one block: the tensor reading is the scalar reading
    assert one.tensor.non_gaussian()["nu"] == pytest.approx(one.scalar.non_gaussian()["nu"], rel=1e-9)
    assert [t["status"] for t in result.tensor.trajectories] == ["completed"] * 4   # 2 widths x (measured, exact)


def test_structured_to_tensor_theory_example(capsys):
    pulls, ir = _load("structured_to_tensor_theory").main(["--small"])
    # the sampled 2-point function agrees with the factorised kernel (15 correlated pairs: 4 sigma)
    assert np.max(np.abs(pulls)) < 4
    # measured u4 against the exact single-layer value, 4 standard errors (heavy-tailed estimator)
    assert abs(ir.pull) < 4
    assert "d_t mass" in capsys.readouterr().out

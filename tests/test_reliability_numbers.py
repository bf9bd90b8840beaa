"""Numbers the data can carry (docs/reliability.md, "Numbers that are not values").

- exactly repeated samples are round-off, not structure: the covariance vanishes (status "zero") and
  a rank deficiency caused by repeats says so;
- LaTeX output compiles: no double superscripts (a prime is a superscript too);
- a compare configuration's data path is read relative to the configuration file.
"""

import re

import numpy as np
import pytest

from tensornn.data import data_spectra, kronecker_distance, summarise_data

RNG = np.random.default_rng(7)


def test_exactly_repeated_samples_give_a_vanishing_covariance_not_rank_one():
    x = np.repeat(RNG.normal(size=(1, 3, 3)) * 3.7, 50, axis=0)  # one sample, 50 times: round-off after centring
    spec = data_spectra(x)
    assert spec.status == "zero" and "exactly repeated" in spec.message, spec.message
    assert spec.rank == 0 and not np.any(spec.full) and not any(np.any(c) for c in spec.colours)
    fit = kronecker_distance(x)
    assert fit.status == "zero" and fit.distance == 0.0


def test_a_rank_deficiency_from_repeats_names_them():
    x = np.concatenate([np.repeat(RNG.normal(size=(1, 3, 3)), 25, 0), np.repeat(RNG.normal(size=(1, 3, 3)), 25, 0)])
    spec = data_spectra(x)
    assert spec.status == "rank-deficient" and spec.rank == 1  # two distinct samples span one direction
    assert "48 exactly repeated samples: only 2 distinct samples" in spec.message, spec.message


@pytest.mark.parametrize("scale", [1e-60, 1.0, 1e60])
def test_data_inside_the_range_keep_their_scale_free_numbers(scale):
    """Within the stated range the Kronecker distance and the rank do not depend on the data's scale."""
    x = RNG.normal(size=(200, 3, 3))
    reference, scaled = summarise_data(x), summarise_data(x * scale)
    assert scaled.spectra.rank == reference.spectra.rank == 9
    assert scaled.kronecker.distance == pytest.approx(reference.kronecker.distance, rel=1e-10)
    np.testing.assert_allclose(scaled.spectra.full, reference.spectra.full * scale**2, rtol=1e-10)


def _double_superscripts(tex: str) -> list[str]:
    """Places where a base carries two superscripts: ``x^{a}^{b}``, ``x'^{b}`` or ``x'_{n}^{b}``."""
    found = []
    for m in re.finditer(r"(\^\{(?:[^{}]|\{[^{}]*\})*\}|\^[^{\s]|')(_\{[^{}]*\}|_[^{\s])?\^", tex):
        found.append(tex[max(0, m.start() - 20):m.end() + 10])
    return found


def test_the_checker_finds_double_superscripts():
    assert _double_superscripts(r"l'_{2}^{\{x\}}") and _double_superscripts("g^{2}^{3}")
    assert not _double_superscripts(r"{l'}_{2}^{\{x\}} + g_{4}^{2}\, L_{3}^{\{x\}}")


@pytest.mark.parametrize("argv", [
    ["tensor", "--rank", "3", "--eta", "--dimensionless"],
    ["tensor", "--rank", "3", "--eta"],
    ["tensor", "--rank", "4", "--field", "real", "--eta", "--dimensionless"],
    ["tensor", "--rank", "3", "--order", "3", "--no-melonic"],
    ["scalar", "--regulator", "exponential"],
])
def test_latex_equations_have_no_double_superscript(argv, capsys):
    from tensornn.cli.main import main

    assert main(["flow", "equations", *argv, "--latex"]) == 0
    tex = capsys.readouterr().out
    assert r"\partial_t" in tex and not _double_superscripts(tex), _double_superscripts(tex)


def test_a_config_data_path_is_relative_to_the_config_file(tmp_path, monkeypatch):
    from tensornn.cli.compare import _load

    (tmp_path / "study").mkdir()
    np.save(tmp_path / "study" / "d.npy", RNG.normal(size=(40, 2, 2)))
    (tmp_path / "study" / "c.toml").write_text('data = "d.npy"\n')
    monkeypatch.chdir(tmp_path)  # the working directory holds no d.npy
    config = _load("study/c.toml")
    assert config.data == str(tmp_path.joinpath("study", "d.npy").relative_to(tmp_path))
    (tmp_path / "study" / "abs.toml").write_text(f'data = "{tmp_path / "study" / "d.npy"}"\n')
    assert _load("study/abs.toml").data == str(tmp_path / "study" / "d.npy")  # absolute paths unchanged
    (tmp_path / "study" / "named.toml").write_text('data = "synthetic"\n')
    assert _load("study/named.toml").data == "synthetic"

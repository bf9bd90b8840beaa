"""The example notebook runs from top to bottom (when nbformat and nbclient are installed) and shows its figures."""

import importlib.util
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parents[1] / "examples" / "structured_network_walkthrough.ipynb"

pytestmark = pytest.mark.skipif(
    any(importlib.util.find_spec(m) is None for m in ("nbformat", "nbclient", "ipykernel", "matplotlib")),
    reason="running the notebook needs nbformat, nbclient, ipykernel and matplotlib (the notebook extra)")


def test_the_walkthrough_notebook_runs_and_reaches_its_verdict(tmp_path, monkeypatch):
    import nbformat
    from nbclient import NotebookClient

    monkeypatch.delenv("MPLBACKEND", raising=False)  # the notebook draws inline
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "selected: tensor" in text  # the CP layer's data select the tensor reading (docs/compare.md)
    figures = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(figures) >= 3  # spectra, fits, flows
    assert any("text/latex" in o.get("data", {}) for o in outputs)  # the exact beta functions

"""Every JSON record has exactly the keys docs/json.md lists, and is strict JSON (no NaN)."""

import json
import re
from pathlib import Path

import numpy as np
import pytest

import tensornn as tn
from tensornn._json import dumps_json, finite, to_jsonable
from tensornn.couplings import field_normalisation, fit_power_law, measure_u4
from tensornn.flow import derive_flow, find_fixed_points, run_flow
from tensornn.flow.trajectory import run_from_ir
from tensornn.theory import ContinuumColour, Theory, scalar_truncation

DOC = Path(__file__).resolve().parent.parent / "docs" / "json.md"


def _documented() -> dict[str, set[str]]:
    """record name -> the keys of its table in docs/json.md."""
    out, name = {}, None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        head = re.match(r"^### (\w+)", line)
        if head:
            name = head.group(1)
            out[name] = set()
            continue
        row = re.match(r"^\| `(\w+)` \|", line)
        if name and row:
            out[name].add(row.group(1))
    return out


@pytest.fixture(scope="module")
def records():
    flow = derive_flow(Theory((ContinuumColour(3),), "real", scalar_truncation(2)))
    net = tn.ScalarNetwork("gauss", d_in=1, width=3, sigma_w=1.0)
    return {
        "FixedPoint": find_fixed_points(flow, seed=0).valid[0],
        "FlowTrajectory": run_from_ir(flow, {2: 1.0, 4: 0.1}, k_ir=1e-3, k_uv=1.0, n_points=3, source="exact"),
        "PowerLawFit": fit_power_law([1.0, 2.0, 4.0], [1.0, 0.5, 0.25]),
        "CouplingEstimate": measure_u4(net, [[0.1], [0.2]], [(0, 0, 1, 1)], 1024, seed=0),
        "FieldNormalisation": field_normalisation(net),
    }


def test_every_record_is_documented(records):
    documented = _documented()
    assert set(records) == set(documented)
    for name, result in records.items():
        assert set(result.to_dict()) == documented[name], name
    # every flow has the one record: a plain run_flow has the same keys as a flow from infrared data
    flow = derive_flow(Theory((ContinuumColour(3),), "real", scalar_truncation(2)))
    assert set(run_flow(flow, [0.1, 0.1], k_start=1.0, k_stop=0.5, n_points=3).to_dict()) == documented["FlowTrajectory"]


def test_records_are_strict_json(records):
    for name, result in records.items():
        text = dumps_json(result)  # a result object serialises through its to_dict()
        assert json.loads(text) == json.loads(dumps_json(result.to_dict())), name


def test_non_finite_values_become_null_and_complex_numbers_objects():
    assert to_jsonable([np.nan, np.inf, -0.0, 1.5]) == [None, None, 0.0, 1.5]
    assert to_jsonable(np.array([1 + 2j])) == [{"real": 1.0, "imag": 2.0}]
    assert finite(None) is None and finite(np.float64(-np.inf)) is None


# ----------------------------------------------------------------------------- JSON Schemas of the documents
from tensornn._json import SCHEMA_VERSION, document  # noqa: E402
from tensornn.schemas import KINDS, kind_of, schema  # noqa: E402

SCHEMAS = Path(__file__).resolve().parent.parent / "tensornn" / "schemas"


def test_every_kind_has_a_schema_file_and_docs_describe_it():
    files = {p.name.removesuffix(".schema.json") for p in SCHEMAS.glob("*.schema.json")}
    assert files == {*KINDS, "definitions"}
    text = DOC.read_text(encoding="utf-8")
    for kind in KINDS:
        assert f"`tensornn/{kind}`" in text, kind


def test_the_schemas_are_valid_draft_2020_12():
    jsonschema = pytest.importorskip("jsonschema")
    for kind in (*KINDS, "definitions"):
        jsonschema.Draft202012Validator.check_schema(schema(kind))
        if kind != "definitions":
            assert schema(kind)["properties"]["schema_version"] == {"const": SCHEMA_VERSION}


def _cli_json(capsys, argv):
    from tensornn.cli.main import main

    assert main(argv) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("argv", [
    ["bubbles", "count", "--rank", "3", "--order", "2", "--json"],
    ["flow", "fixed-points", "scalar", "--dim", "3", "--order", "2", "--json"],
    ["flow", "run", "scalar", "--dim", "3", "--order", "2", "--set", "g2=-0.01", "--set", "g4=0.1", "--k-start", "1",
     "--k-stop", "0.5", "--n-points", "5", "--json"],
    ["couplings", "width", "--widths", "10,100,1000", "--activation", "gauss", "--json"],
], ids=lambda a: " ".join(a[:2]))
def test_command_documents_follow_their_schema(argv, capsys):
    from tensornn.schemas import validate

    pytest.importorskip("jsonschema")
    doc = json.loads(_cli_json(capsys, argv))
    validate(doc)
    versions = doc["metadata"]["versions"]
    assert set(versions) == {"tensornn", "python", "numpy", "scipy"} and versions["numpy"] == np.__version__


def test_json_lines_records_follow_their_schema(capsys):
    from tensornn.schemas import validate

    pytest.importorskip("jsonschema")
    lines = _cli_json(capsys, ["bubbles", "list", "--rank", "3", "--order", "2", "--json"]).splitlines()
    assert len(lines) == 4  # the 4 complex rank-3 bubbles with 2 black vertices (docs/bubbles.md)
    for line in lines:
        validate(json.loads(line), "bubbles-list")


def test_a_document_that_breaks_its_schema_is_rejected(capsys):
    jsonschema = pytest.importorskip("jsonschema")
    from tensornn.schemas import validate

    doc = json.loads(_cli_json(capsys, ["bubbles", "count", "--rank", "3", "--order", "2", "--json"]))
    for broken in ({**doc, "count": "four"}, {k: v for k, v in doc.items() if k != "metadata"},
                   {**doc, "schema_version": SCHEMA_VERSION + 1}, {**doc, "unlisted": 1}):
        with pytest.raises(jsonschema.ValidationError):
            validate(broken)
    with pytest.raises(tn.InvalidArgumentError, match="schema"):
        kind_of({"schema": "other/thing"})


def test_document_puts_the_header_first_and_refuses_clashes():
    doc = document("bubbles-count", {"count": 4}, seed=3)
    assert list(doc)[:3] == ["schema", "schema_version", "metadata"] and doc["metadata"]["seed"] == 3
    with pytest.raises(tn.InvalidArgumentError, match="header keys"):
        document("bubbles-count", {"schema_version": 2})

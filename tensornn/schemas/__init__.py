"""JSON Schemas (draft 2020-12) of every JSON document tensornn writes, shipped with the package.

Each document starts with ``"schema": "tensornn/<kind>"`` and ``"schema_version"`` (:func:`tensornn._json.document`);
its schema is ``tensornn/schemas/<kind>.schema.json`` (identified as ``urn:tensornn:schema:<kind>``), with the shared
records (metadata, fixed points, flows) in ``definitions.schema.json``. docs/json.md describes them.

Validation needs the optional package ``jsonschema`` (``pip install jsonschema``); reading the schemas does not.

Examples
--------
>>> schema("fixed-points")["title"]
'tensornn flow fixed-points --json'
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from .._json import SCHEMA_VERSION
from ..errors import InvalidArgumentError, MissingDependencyError

__all__ = ["KINDS", "SCHEMA_VERSION", "schema", "validate", "kind_of"]

#: The document kinds, one schema file each.
KINDS = ("report", "data-summary", "ensemble", "flow-run", "functional-flow-run", "fixed-points",
         "functional-fixed-points", "derivative-expansion-fixed-points", "bubbles-count", "bubbles-list", "couplings-scan", "rg-experiment", "depth")


@lru_cache(maxsize=None)
def _load(name: str) -> str:
    return resources.files(__name__).joinpath(f"{name}.schema.json").read_text(encoding="utf-8")


def schema(kind: str) -> dict:
    """The JSON Schema of the documents of ``kind`` (one of :data:`KINDS`, or ``"definitions"``), as a dict."""
    if kind not in KINDS and kind != "definitions":
        raise InvalidArgumentError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    return json.loads(_load(kind))


def kind_of(document) -> str:
    """The kind named by a document's ``schema`` key (``"tensornn/flow-run"`` -> ``"flow-run"``)."""
    name = document.get("schema") if isinstance(document, dict) else None
    if not isinstance(name, str) or not name.startswith("tensornn/") or name[len("tensornn/"):] not in KINDS:
        raise InvalidArgumentError(
            f"document must be a JSON object whose 'schema' is 'tensornn/<kind>' with kind in {', '.join(KINDS)}, "
            f"got schema {name!r}")
    return name[len("tensornn/"):]


def validate(document, kind: str | None = None) -> None:
    """Check ``document`` (parsed JSON) against the schema of ``kind`` (default: the kind it names).

    Raises
    ------
    jsonschema.ValidationError
        The document does not follow its schema (the message gives the path of the first offending value).
    MissingDependencyError
        ``jsonschema`` is not installed.
    """
    try:
        import jsonschema
        from referencing import Registry, Resource
    except ImportError as exc:  # pragma: no cover - exercised only without jsonschema
        raise MissingDependencyError("validating needs jsonschema: pip install jsonschema") from exc
    kind = kind_of(document) if kind is None else kind
    resources_ = [(f"urn:tensornn:schema:{name}", Resource.from_contents(schema(name)))
                  for name in (*KINDS, "definitions")]
    registry = Registry().with_resources(resources_)
    validator = jsonschema.Draft202012Validator(schema(kind), registry=registry,
                                                format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    validator.validate(document)

"""JSON for every result: one conversion of numpy values, non-finite floats and complex numbers.

Results serialise themselves with ``to_dict()`` into plain Python values through :func:`to_jsonable`;
:func:`dumps_json` writes strict JSON (no NaN). NaN and infinities become ``null`` (JSON has no
representation for them), complex numbers ``{"real": ..., "imag": ...}``.

Every JSON document tensornn writes (a report's report.json, every ``--json`` output) is built by
:func:`document`: it starts with ``schema`` (its name, ``tensornn/<kind>``), ``schema_version`` and, for whole
documents, ``metadata`` (:func:`tensornn.report.metadata`: versions, time, seed, configuration). The JSON Schema
of each kind is shipped in ``tensornn/schemas`` (:mod:`tensornn.schemas`, docs/json.md).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from .errors import InvalidArgumentError

__all__ = ["finite", "number", "to_jsonable", "dumps_json", "document", "SCHEMA_VERSION"]

#: Version of the layout of every JSON document (raised when a key is renamed, removed or changes meaning).
SCHEMA_VERSION = 1


def finite(x) -> float | None:
    """``float(x)`` if it is finite, else None; -0.0 becomes 0.0.

    >>> finite(float("nan")) is None, finite(-0.0)
    (True, 0.0)
    """
    if x is None:
        return None
    x = float(x) + 0.0
    return x if math.isfinite(x) else None


def number(z) -> float | dict | None:
    """A real number as :func:`finite`, a complex one with nonzero imaginary part as ``{"real", "imag"}``.

    >>> number(2.0), number(1 + 2j)
    (2.0, {'real': 1.0, 'imag': 2.0})
    """
    z = complex(z)
    return finite(z.real) if z.imag == 0 else {"real": finite(z.real), "imag": finite(z.imag)}


def to_jsonable(value):
    """Convert results (anything with ``to_dict()``), numpy scalars/arrays, tuples, Paths and floats to JSON values.

    NaN and infinities become ``None`` (JSON has no representation for them), -0.0 becomes 0.0.
    """
    if hasattr(value, "to_dict") and not isinstance(value, type):
        return to_jsonable(value.to_dict())
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return to_jsonable(value.tolist())
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer, int)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return finite(value)
    if isinstance(value, complex) or isinstance(value, np.complexfloating):
        return {"real": to_jsonable(value.real), "imag": to_jsonable(value.imag)}
    if isinstance(value, Path):
        return str(value)
    if value is None or isinstance(value, str):
        return value
    raise InvalidArgumentError(f"cannot write a {type(value).__name__} to JSON: {value!r}")


def dumps_json(data, *, indent: int | None = 2) -> str:
    """Strict JSON text of ``data`` (after :func:`to_jsonable`)."""
    return json.dumps(to_jsonable(data), indent=indent, allow_nan=False, sort_keys=False)


def document(kind: str, body, *, config=None, seed=None, metadata: bool = True) -> dict:
    """The JSON document of kind ``kind``: ``{"schema": "tensornn/<kind>", "schema_version", "metadata", **body}``.

    Parameters
    ----------
    kind : str
        The document kind, one of :data:`tensornn.schemas.KINDS` (its schema is ``tensornn/schemas/<kind>.json``).
    body : mapping
        The content (a result's ``to_dict()``); its keys follow the header.
    config, seed
        Recorded in the metadata.
    metadata : bool
        False for the records of a JSON Lines stream (one header line per record would repeat itself).

    Examples
    --------
    >>> doc = document("bubbles-count", {"count": 4}, metadata=False)
    >>> doc
    {'schema': 'tensornn/bubbles-count', 'schema_version': 1, 'count': 4}
    """
    if not isinstance(body, Mapping):
        raise InvalidArgumentError(f"body must be a mapping of keys to values, got {type(body).__name__}")
    head: dict = {"schema": f"tensornn/{kind}", "schema_version": SCHEMA_VERSION}
    if metadata:
        from .report import metadata as provenance

        head["metadata"] = provenance(config, seed)
    clash = sorted(set(head) & set(body))
    if clash:
        raise InvalidArgumentError(f"body must not contain the header keys {clash}")
    return {**head, **body}

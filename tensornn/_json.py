"""JSON for every result: one conversion of numpy values, non-finite floats and complex numbers.

Results serialise themselves with ``to_dict()`` into plain Python values through :func:`to_jsonable`;
:func:`dumps_json` writes strict JSON (no NaN). NaN and infinities become ``null`` (JSON has no
representation for them), complex numbers ``{"real": ..., "imag": ...}``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from .errors import InvalidArgumentError

__all__ = ["finite", "to_jsonable", "dumps_json"]


def finite(x) -> float | None:
    """``float(x)`` if it is finite, else None; -0.0 becomes 0.0.

    >>> finite(float("nan")) is None, finite(-0.0)
    (True, 0.0)
    """
    if x is None:
        return None
    x = float(x) + 0.0
    return x if math.isfinite(x) else None


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



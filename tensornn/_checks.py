"""Argument validation shared by the public functions (private helpers).

Each check names the argument, says what was expected and what was received, and returns the
value in normalised form. They raise :class:`~tensornn.errors.InvalidArgumentError` or
:class:`~tensornn.errors.InvalidTypeError`.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping

import numpy as np

from .errors import InvalidArgumentError, InvalidTypeError

__all__ = [
    "check_int",
    "check_real",
    "check_choice",
    "check_array",
    "check_keys",
]


def check_int(name: str, value, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """Return ``value`` as an int, or raise if it is not an integer within the bounds."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        if isinstance(value, numbers.Real) and not isinstance(value, bool) and float(value).is_integer():
            value = int(value)
        else:
            raise InvalidTypeError(f"{name} must be an integer, got {value!r} ({type(value).__name__})")
    value = int(value)
    if minimum is not None and value < minimum:
        raise InvalidArgumentError(f"{name} must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise InvalidArgumentError(f"{name} must be <= {maximum}, got {value}")
    return value


def check_real(
    name: str,
    value,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    positive: bool = False,
) -> float:
    """Return ``value`` as a finite float, or raise (NaN and infinities are refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidTypeError(f"{name} must be a real number, got {value!r} ({type(value).__name__})")
    value = float(value)
    if not math.isfinite(value):
        raise InvalidArgumentError(f"{name} must be finite, got {value}")
    if positive and value <= 0:
        raise InvalidArgumentError(f"{name} must be > 0, got {value}")
    if minimum is not None and value < minimum:
        raise InvalidArgumentError(f"{name} must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise InvalidArgumentError(f"{name} must be <= {maximum}, got {value}")
    return value


def check_choice(name: str, value, choices: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``choices``; otherwise raise listing the valid names."""
    choices = tuple(choices)
    if not isinstance(value, str) or value not in choices:
        valid = ", ".join(repr(c) for c in choices)
        raise InvalidArgumentError(f"unknown {name} {value!r}; valid choices are {valid}")
    return value


def check_array(
    name: str,
    value,
    *,
    ndim: int | None = None,
    dtype=float,
    finite: bool = True,
) -> np.ndarray:
    """Return ``value`` as a numpy array of ``dtype``, checking its dimension and finiteness."""
    try:
        array = np.asarray(value, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise InvalidTypeError(f"{name} must be an array of numbers, got {type(value).__name__}: {exc}") from None
    if ndim is not None and array.ndim != ndim:
        raise InvalidArgumentError(f"{name} must have {ndim} dimension(s), got shape {array.shape}")
    if finite and not np.all(np.isfinite(array)):
        raise InvalidArgumentError(f"{name} must contain only finite numbers (found NaN or inf)")
    return array


def check_keys(name: str, mapping: Mapping, allowed: Iterable[str]) -> None:
    """Raise if ``mapping`` has keys outside ``allowed``, naming them and the valid ones."""
    allowed = tuple(allowed)
    unknown = sorted(set(mapping) - set(allowed))
    if unknown:
        raise InvalidArgumentError(
            f"unknown key(s) {', '.join(map(repr, unknown))} in {name}; valid keys are {', '.join(map(repr, allowed))}"
        )

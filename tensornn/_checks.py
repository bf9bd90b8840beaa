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

from ._limits import MAX_COUNT, MAX_FIXED_POINT_STARTS, MAX_FLOW_POINTS, MAX_GRID_POINTS, MAX_SCALE
from .errors import InvalidArgumentError, InvalidTypeError

__all__ = [
    "check_int",
    "check_real",
    "check_scale",
    "check_count",
    "check_flow_points",
    "check_starts",
    "check_grid_points",
    "check_index_sizes",
    "check_choice",
    "check_array",
    "check_keys",
]


def check_int(name: str, value, *, minimum: int | None = None, maximum: int | None = None,
              why: str | None = None) -> int:
    """Return ``value`` as an int, or raise if it is not an integer within the bounds.

    ``why`` follows the message of a value above ``maximum`` (the reason for the bound and what to do).
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        if isinstance(value, numbers.Real) and not isinstance(value, bool) and float(value).is_integer():
            value = int(float(value))
        else:
            raise InvalidTypeError(f"{name} must be an integer, got {value!r} ({type(value).__name__})")
    value = int(value)
    if minimum is not None and value < minimum:
        raise InvalidArgumentError(f"{name} must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise InvalidArgumentError(f"{name} must be <= {maximum}, got {value}" + (f": {why}" if why else ""))
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
    try:
        value = float(value)
    except OverflowError:
        raise InvalidArgumentError(
            f"{name} must be representable as a float64 (|x| < 1.8e308), got an integer of {len(str(abs(value)))} digits"
        ) from None
    if not math.isfinite(value):
        raise InvalidArgumentError(f"{name} must be finite, got {value}")
    if positive and value <= 0:
        raise InvalidArgumentError(f"{name} must be > 0, got {value}")
    if minimum is not None and value < minimum:
        raise InvalidArgumentError(f"{name} must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise InvalidArgumentError(f"{name} must be <= {maximum}, got {value}")
    return value


def check_scale(name: str, value, *, allow_zero: bool = False) -> float:
    """A weight, bias or read-out scale: finite, > 0 (>= 0 with ``allow_zero``) and at most MAX_SCALE.

    The bound keeps sigma^6 (the 6-point function grows as sigma_v^6) representable in float64.
    """
    value = check_real(name, value, minimum=0.0) if allow_zero else check_real(name, value, positive=True)
    if value > MAX_SCALE:
        raise InvalidArgumentError(
            f"{name} must be <= {MAX_SCALE:g}, got {value:g}: correlators grow as the sixth power of the scales and "
            f"would overflow float64; rescale the inputs instead"
        )
    return value


def check_count(name: str, value, *, minimum: int = 1) -> int:
    """A number of networks or hidden units: an integer in [minimum, MAX_COUNT = 2**53].

    2**53 is the largest count a float64 holds exactly (means divide by counts, exact formulas by the width).
    """
    value = check_int(name, value, minimum=minimum)
    if value > MAX_COUNT:
        raise InvalidArgumentError(
            f"{name} must be <= 2**53 = {MAX_COUNT}, got {value if value < 10**30 else f'a number of {len(str(value))} digits'}: "
            "larger counts are not exact in float64"
        )
    return value


def check_flow_points(name: str, value) -> int:
    """The number of recorded points of a flow trajectory: an integer in [2, MAX_FLOW_POINTS = 10**6]."""
    return check_int(name, value, minimum=2, maximum=MAX_FLOW_POINTS,
                     why="the trajectory is held in memory (n_points x couplings floats); record fewer points")


def check_starts(name: str, value, *, minimum: int = 0) -> int:
    """The number of random starts of a fixed-point search: an integer in [minimum, MAX_FIXED_POINT_STARTS = 10**5]."""
    return check_int(name, value, minimum=minimum, maximum=MAX_FIXED_POINT_STARTS,
                     why="the starts are held in memory and each is a root solve; use fewer starts")


def check_grid_points(name: str, value, *, minimum: int = 2) -> int:
    """The number of sigma_w grid points of an experiment: an integer in [minimum, MAX_GRID_POINTS = 1000]."""
    return check_int(name, value, minimum=minimum, maximum=MAX_GRID_POINTS,
                     why="every grid point samples a whole ensemble; use fewer points")


def check_index_sizes(value, *, max_colours: int | None = None) -> tuple[int, ...]:
    """The sizes (n_1, ..., n_d) of the indices (colours) of structured inputs: d >= 1 positive integers."""
    try:
        sizes = tuple(value)
    except TypeError:
        raise InvalidTypeError(
            f"index_sizes must be a tuple of positive integers (n_1, ..., n_d), got {value!r}"
        ) from None
    if not sizes:
        raise InvalidArgumentError("index_sizes must name at least one index (one colour, d >= 1), got ()")
    if max_colours is not None and len(sizes) > max_colours:
        raise InvalidArgumentError(f"index_sizes supports at most {max_colours} indices, got {len(sizes)}")
    return tuple(check_int(f"index_sizes[{c}]", n, minimum=1) for c, n in enumerate(sizes))


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
    """Return ``value`` as a numpy array of ``dtype``, checking its dimension and finiteness.

    Text (``"0.1"``), bytes and complex numbers are refused: numpy would convert the first two
    silently and drop the imaginary part of the last.
    """
    try:
        raw = np.asarray(value)
        if raw.dtype.kind in "USc" or (raw.dtype.kind == "O" and any(
                isinstance(v, (str, bytes, complex, np.complexfloating)) for v in raw.flat)):
            raise InvalidTypeError(
                f"{name} must be an array of real numbers, got {_describe(value)}; "
                "pass floats (text and complex numbers are not converted)"
            )
        array = raw.astype(dtype, copy=False)
    except OverflowError:
        raise InvalidArgumentError(f"{name} must hold numbers representable as float64 (|x| < 1.8e308)") from None
    except (TypeError, ValueError) as exc:
        if isinstance(exc, InvalidTypeError):
            raise
        raise InvalidTypeError(f"{name} must be an array of numbers, got {type(value).__name__}: {exc}") from None
    if ndim is not None and array.ndim != ndim:
        raise InvalidArgumentError(f"{name} must have {ndim} dimension(s), got shape {array.shape}")
    if finite and not np.all(np.isfinite(array)):
        raise InvalidArgumentError(f"{name} must contain only finite numbers (found NaN or inf)")
    return array


def _describe(value) -> str:
    text = " ".join(repr(value).split())  # one line, whatever the repr
    return text if len(text) <= 60 else text[:57] + "..."


def check_keys(name: str, mapping: Mapping, allowed: Iterable[str]) -> None:
    """Raise if ``mapping`` has keys outside ``allowed``, naming them and the valid ones."""
    allowed = tuple(allowed)
    unknown = sorted(set(mapping) - set(allowed))
    if unknown:
        raise InvalidArgumentError(
            f"unknown key(s) {', '.join(map(repr, unknown))} in {name}; valid keys are {', '.join(map(repr, allowed))}"
        )

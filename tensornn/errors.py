"""Exceptions raised by tensornn.

Every error tensornn raises on purpose derives from :class:`TensorNNError`. Errors about
arguments also derive from :class:`ValueError` (or :class:`TypeError`), so ``except ValueError``
keeps working for callers who do not know the hierarchy. Numerical outcomes (a flow that hits a
pole, a Monte-Carlo estimate dominated by noise) are not exceptions: they come back as results
with a status.
"""

__all__ = [
    "TensorNNError",
    "InvalidArgumentError",
    "InvalidTypeError",
    "BubbleError",
    "ConfigError",
    "TruncationError",
    "MissingDependencyError",
    "NoisyEstimateWarning",
    "NumericalOverflowWarning",
]


class TensorNNError(Exception):
    """Base class of all tensornn errors."""


class InvalidArgumentError(TensorNNError, ValueError):
    """An argument has the right type but a value outside what is accepted."""


class InvalidTypeError(TensorNNError, TypeError):
    """An argument has the wrong type."""


class BubbleError(InvalidArgumentError):
    """A graph is not a valid bubble (coloured graph) of the stated rank and field."""


class ConfigError(InvalidArgumentError):
    """A configuration (TOML file or mapping) has unknown keys or bad values."""


class TruncationError(InvalidArgumentError):
    """A truncation or interaction does not fit the theory it is used with."""


class MissingDependencyError(TensorNNError, ImportError):
    """An optional dependency is not installed; the message names the ``pip install`` that provides it."""


class NoisyEstimateWarning(UserWarning):
    """A Monte-Carlo estimate is not distinguishable from zero within its standard error."""


class NumericalOverflowWarning(UserWarning):
    """A result overflowed float64 (inf or NaN entries): the numbers there are not values.

    Raised as a warning by functions that return plain arrays (e.g. the Exp-net kernel at large
    sigma_w |x|); functions that return result objects report the same through ``success``.
    """

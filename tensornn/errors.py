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
    "SizeLimitError",
    "MissingDependencyError",
    "OutputError",
    "OutputBusyError",
    "MissingFileError",
    "UnsupportedReadingError",
    "NoisyEstimateWarning",
    "NumericalOverflowWarning",
    "UnreliableErrorWarning",
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


class UnsupportedReadingError(InvalidArgumentError):
    """A network whose G4c the readings cannot amputate honestly (no basis built on its own propagator), or whose
    fourth moments are infinite so that G4c cannot be estimated; the message names the network, its activation
    and the reason."""


class SizeLimitError(InvalidArgumentError):
    """Work refused up front: its estimated size exceeds a bound (the message names the size, the bound and how
    to lift it)."""


class MissingDependencyError(TensorNNError, ImportError):
    """An optional dependency is not installed; the message names the ``pip install`` that provides it."""


class OutputError(InvalidArgumentError):
    """An output path cannot be used: writing it would replace something tensornn did not write, or it is
    the wrong kind of file (a file where a report folder belongs, a folder where a file belongs), or it is
    not writable."""


class OutputBusyError(TensorNNError):
    """Another tensornn run holds the claim on an output path (it is writing there now)."""


class MissingFileError(TensorNNError, FileNotFoundError):
    """An input file named on the command line does not exist (exit status 1, as for any missing file)."""


class NoisyEstimateWarning(UserWarning):
    """A Monte-Carlo estimate is not distinguishable from zero within its standard error."""


class NumericalOverflowWarning(UserWarning):
    """A result overflowed (inf or NaN entries) or underflowed float64: the numbers there are not values.

    Raised as a warning by functions that return plain arrays (e.g. the Exp-net kernel at large
    sigma_w |x|) and by measurements whose sampled outputs underflowed (a Gauss-net at large |x|);
    functions that return result objects report the same through ``success`` and ``flags``.
    """


class UnreliableErrorWarning(UserWarning):
    """A standard error rests on too few independent groups (fewer than 10 jackknife groups) to be trusted."""

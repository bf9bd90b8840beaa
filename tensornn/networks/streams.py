"""The random streams of the ensemble sampler: stream version, bit generators and sampling precisions.

Every block b of networks draws from ``Generator(BG(SeedSequence(entropy, spawn_key=(b,))))``, where BG
is the chosen bit generator. What a block draws from it, and in which order, is fixed by the network
family and by :data:`STREAM_VERSION` (the history of versions is in :mod:`tensornn.networks.sampling`).

- ``bit_generator``: ``"pcg64"`` (numpy's default PCG64, the default) or ``"sfc64"`` (SFC64, a faster
  generator of the same statistical quality in the TestU01/PractRand batteries). They give different
  numbers for the same seed.
- ``precision``: ``"float64"`` (the default) or ``"float32"``: the normals are drawn and the network is
  evaluated in that precision; the outputs are converted to float64 before any product is formed, so the
  sums are always accumulated in float64. float32 draws come from numpy's float32 Gaussian sampler and
  are therefore different numbers, not float64 draws rounded.
"""

from __future__ import annotations

import numpy as np

from ..errors import InvalidArgumentError

__all__ = [
    "STREAM_VERSION",
    "BIT_GENERATORS",
    "PRECISIONS",
    "check_bit_generator",
    "check_precision",
    "sampling_dtype",
    "block_generator",
]

#: Version of the sampler's random stream; results of different versions differ (see tensornn.networks.sampling).
STREAM_VERSION = 2

#: Bit generators of the sampler, name -> numpy BitGenerator class.
BIT_GENERATORS = {"pcg64": np.random.PCG64, "sfc64": np.random.SFC64}

#: Sampling precisions, name -> numpy dtype.
PRECISIONS: dict[str, np.dtype] = {"float64": np.dtype(np.float64), "float32": np.dtype(np.float32)}


def _check_name(argument, value, registry) -> str:
    valid = ", ".join(repr(k) for k in registry)
    if not isinstance(value, str) or value.lower() not in registry:
        raise InvalidArgumentError(f"{argument} must be one of {valid}, got {value!r}")
    return value.lower()


def check_bit_generator(bit_generator) -> str:
    """The validated bit generator name (case-insensitive): 'pcg64' or 'sfc64'.

    Raises
    ------
    InvalidArgumentError
        Any other value; the message lists the valid names.
    """
    return _check_name("bit_generator", bit_generator, BIT_GENERATORS)


def check_precision(precision, *, argument: str = "precision") -> str:
    """The validated precision name: 'float64' or 'float32' (also accepts the numpy dtypes).

    Raises
    ------
    InvalidArgumentError
        Any other value; the message lists the valid names.
    """
    if isinstance(precision, (type, np.dtype)):
        try:
            precision = np.dtype(precision).name
        except TypeError:
            pass
    return _check_name(argument, precision, PRECISIONS)


def sampling_dtype(dtype, *, argument: str = "dtype") -> np.dtype:
    """The numpy dtype of a precision given by name ('float64', 'float32') or as a dtype.

    Raises
    ------
    InvalidArgumentError
        Any other precision.
    """
    if dtype is np.float64 or dtype is np.float32:  # the common case, without a name lookup
        return np.dtype(dtype)
    return PRECISIONS[check_precision(dtype, argument=argument)]


def block_generator(entropy: int, block: int, bit_generator: str = "pcg64") -> np.random.Generator:
    """The generator of block ``block``: ``Generator(BG(SeedSequence(entropy, spawn_key=(block,))))``.

    Examples
    --------
    >>> float(block_generator(0, 3).standard_normal()) == float(block_generator(0, 3).standard_normal())
    True
    """
    bg = BIT_GENERATORS[check_bit_generator(bit_generator)]
    return np.random.Generator(bg(np.random.SeedSequence(entropy, spawn_key=(int(block),))))

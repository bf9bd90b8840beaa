"""Random streams: one way to seed every stochastic function and to derive independent child streams.

Every stochastic function takes ``seed`` (None, a non-negative int, a root ``SeedSequence`` or a
``Generator``) and never touches global state. Independent streams for the parts of a larger job
(the points of a scan, the ensembles of an experiment, the stages of a comparison) are derived
from the root entropy and a key by :func:`child_seed`:

    child_seed(seed, *key) = SeedSequence(entropy(seed), spawn_key=key).generate_state(1, uint64)[0],

an integer that is itself a valid seed. Within one ensemble the sampler derives its blocks the same
way, from ``spawn_key=(block,)`` (:mod:`tensornn.networks.sampling`).
"""

from __future__ import annotations

import numbers

import numpy as np

from .errors import InvalidArgumentError, InvalidTypeError

__all__ = ["root_entropy", "as_generator", "child_seed"]


def _entropy_int(entropy) -> int:
    """A SeedSequence's entropy as one int: a sequence of 32-bit words is read little-endian, as numpy reads it.

    >>> seq = np.random.SeedSequence([5, 7])
    >>> np.random.SeedSequence(_entropy_int(seq.entropy)).generate_state(2).tolist() == seq.generate_state(2).tolist()
    True
    """
    if isinstance(entropy, numbers.Integral):
        return int(entropy)
    words = [int(w) for w in entropy]
    if any(not 0 <= w < 2**32 for w in words):
        raise InvalidArgumentError("seed: a SeedSequence whose entropy is a sequence needs 32-bit words (0 <= w < "
                                   f"2**32), got {list(entropy)!r}; pass an int entropy instead")
    return sum(w << (32 * i) for i, w in enumerate(words))


def root_entropy(seed) -> int:
    """The root entropy (a non-negative int) behind ``seed``, for seeding independent streams.

    An int is its own entropy, a root SeedSequence gives its entropy, a Generator draws one, and
    None draws fresh entropy from the operating system. A SeedSequence with a spawn key is refused:
    its entropy alone would collapse the child onto its parent's stream.
    """
    if isinstance(seed, np.random.SeedSequence):
        if seed.spawn_key:
            raise InvalidArgumentError("seed must be a root SeedSequence (no spawn_key); pass its entropy instead")
        return _entropy_int(seed.entropy)
    if seed is None:
        return _entropy_int(np.random.SeedSequence().entropy)
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool) and int(seed) >= 0:
        return int(seed)
    return int(as_generator(seed).integers(0, 2**63))  # a Generator, or a clear error for anything else


def as_generator(seed) -> np.random.Generator:
    """Turn ``seed`` (None, int, SeedSequence or Generator) into a numpy Generator."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None or isinstance(seed, np.random.SeedSequence):
        return np.random.default_rng(seed)
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool):
        if seed < 0:
            raise InvalidArgumentError(f"seed must be a non-negative integer, got {seed}")
        return np.random.default_rng(int(seed))
    raise InvalidTypeError(
        f"seed must be None, a non-negative int, a numpy SeedSequence or Generator, got {type(seed).__name__}"
    )


def child_seed(seed, *key: int) -> int:
    """An independent integer seed for the part ``key`` of a job seeded by ``seed``.

    Parameters
    ----------
    seed : None, int, SeedSequence or Generator
        The job's seed (see :func:`root_entropy`; a Generator is drawn from, None draws fresh entropy).
    *key : int
        Non-negative integers naming the part (e.g. ``(case, point)``).

    Examples
    --------
    >>> child_seed(0, 1) == child_seed(0, 1) != child_seed(0, 2)
    True
    """
    if not key or any(isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 0 for k in key):
        raise InvalidArgumentError(f"key must be one or more non-negative integers, got {key!r}")
    entropy = root_entropy(seed)
    state = np.random.SeedSequence(entropy, spawn_key=tuple(int(k) for k in key)).generate_state(1, np.uint64)
    return int(state[0])

"""Which input quadruples to measure G4c on: a design that separates the quartic classes.

A design takes M points of a data set (the network inputs) and Q sorted quadruples of them. Half of
the quadruples (by default) repeat a point, (a, a, b, c), (a, a, b, b), (a, a, a, b) or (a, a, a, a):
there the patterns involve squared norms |x_a|^2, the signal is large, and classes that differ by
which legs a colour pairs get different weights; the rest use four distinct points. G4c is
symmetric in its arguments and every class pattern is a sum over a leg-relabelling orbit, so a sorted
quadruple loses nothing.

The design matrix of a fit is the (Q, K) matrix of amputation patterns of its K classes. With its
columns scaled to unit norm, its condition number kappa (largest over smallest singular value) says
how well the quadruples separate the classes: the coefficient errors grow with kappa. A design whose
kappa exceeds ``max_condition`` (or whose matrix has rank < K) is refused with a message naming the
classes that the quadruples cannot tell apart (the largest entries of the singular vector of the
smallest singular value) and what to change.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from .._checks import check_int, check_real
from .._random import as_generator
from ..data.tensors import TensorData
from ..errors import InvalidArgumentError, InvalidTypeError

__all__ = ["QuadrupleDesign", "quadruple_design", "condition_number", "check_design", "DEFAULT_MAX_CONDITION"]

#: Largest accepted condition number of a column-normalised design matrix.
DEFAULT_MAX_CONDITION = 1e6


@dataclass(frozen=True)
class QuadrupleDesign:
    """Network inputs and the quadruples of them where G4c is measured.

    Attributes
    ----------
    inputs : ndarray, shape (M, ...)
        The selected data points (what the networks are evaluated on).
    points : ndarray of int, shape (M,)
        Their sample numbers in the data set.
    quadruples : ndarray of int, shape (Q, 4)
        Sorted index quadruples into ``inputs``, distinct.
    data_name : str
    seed : int or None
    """

    inputs: np.ndarray
    points: np.ndarray
    quadruples: np.ndarray
    data_name: str = "data"
    seed: int | None = None

    def __post_init__(self):
        inputs = np.asarray(self.inputs, dtype=float)
        points = np.asarray(self.points)
        quads = np.asarray(self.quadruples)
        if inputs.ndim < 2 or len(inputs) < 1:
            raise InvalidArgumentError(f"inputs must have shape (M, ...) with M >= 1 points, got {inputs.shape}")
        if points.shape != (len(inputs),) or not np.issubdtype(points.dtype, np.integer):
            raise InvalidArgumentError(
                f"points must be {len(inputs)} integers (one sample number per input), got {points.dtype} {points.shape}"
            )
        if quads.ndim != 2 or quads.shape[1] != 4 or not np.issubdtype(quads.dtype, np.integer) or len(quads) < 1:
            raise InvalidArgumentError(f"quadruples must be an int array of shape (Q, 4), Q >= 1, got {quads.dtype} "
                                       f"{quads.shape}")
        if quads.min() < 0 or quads.max() >= len(inputs):
            raise InvalidArgumentError(f"quadruples index the {len(inputs)} inputs, got entries {quads.min()}.."
                                       f"{quads.max()}")
        object.__setattr__(self, "inputs", inputs)
        object.__setattr__(self, "points", points)
        object.__setattr__(self, "quadruples", quads)

    @property
    def n_points(self) -> int:
        return int(self.inputs.shape[0])

    @property
    def n_quadruples(self) -> int:
        return int(self.quadruples.shape[0])

    def repetitions(self) -> dict:
        """Number of quadruples by how many distinct points they use: {4: ..., 3: ..., 2: ..., 1: ...}."""
        counts = {k: 0 for k in (4, 3, 2, 1)}
        for q in self.quadruples:
            counts[len(set(q.tolist()))] += 1
        return counts

    def to_dict(self) -> dict:
        return {"data": self.data_name, "n_points": self.n_points, "n_quadruples": self.n_quadruples,
                "points": self.points.tolist(), "quadruples": self.quadruples.tolist(),
                "distinct_points_per_quadruple": {str(k): v for k, v in self.repetitions().items()},
                "seed": self.seed}

    def __repr__(self):
        return (f"QuadrupleDesign({self.data_name!r}, M={self.n_points}, Q={self.n_quadruples}, "
                f"repetitions={self.repetitions()})")


def quadruple_design(data, *, n_points: int = 10, n_quadruples: int = 40, repeated: float = 0.5,
                     seed=0) -> QuadrupleDesign:
    """Pick ``n_points`` data points at random and ``n_quadruples`` distinct sorted quadruples of them.

    Parameters
    ----------
    data : TensorData or array, shape (P, ...)
        Samples along axis 0 (any trailing shape: (n_1, ..., n_d) for an index space, (d_in,) for blocks).
    n_points : int
        M, 4 <= M <= P.
    n_quadruples : int
        Q >= 1, at most the number of sorted quadruples of M points.
    repeated : float
        Fraction of quadruples with a repeated point, in [0, 1].
    seed : None, int, SeedSequence or Generator

    Returns
    -------
    QuadrupleDesign

    Examples
    --------
    >>> design = quadruple_design(np.random.default_rng(0).standard_normal((50, 2, 2)), n_points=6, n_quadruples=10)
    >>> design.inputs.shape, design.quadruples.shape
    ((6, 2, 2), (10, 4))
    """

    if isinstance(data, TensorData):
        values, name = data.values, data.name
    else:
        try:
            values = np.asarray(data, dtype=float)
        except (TypeError, ValueError):
            raise InvalidTypeError(f"data must be a TensorData or an array of samples, got {type(data).__name__}") from None
        name = "data"
    if values.ndim < 2:
        raise InvalidArgumentError(f"data must have samples along axis 0 and at least one more axis, got {values.shape}")
    n_points = check_int("n_points", n_points, minimum=4, maximum=values.shape[0])
    n_quadruples = check_int("n_quadruples", n_quadruples, minimum=1)
    repeated = check_real("repeated", repeated, minimum=0.0, maximum=1.0)
    rng = as_generator(seed)
    points = np.sort(rng.choice(values.shape[0], n_points, replace=False))
    distinct = np.array(list(itertools.combinations(range(n_points), 4)), dtype=int)
    with_repeat = np.array([q for q in itertools.combinations_with_replacement(range(n_points), 4)
                            if len(set(q)) < 4], dtype=int)
    n_rep = int(round(repeated * n_quadruples))
    n_rep = min(n_rep, len(with_repeat))
    n_dist = n_quadruples - n_rep
    if n_dist > len(distinct):
        raise InvalidArgumentError(
            f"n_quadruples={n_quadruples} with repeated={repeated:g} needs {n_dist} quadruples of distinct points, but "
            f"{n_points} points have only {len(distinct)}; raise n_points or repeated, or lower n_quadruples"
        )
    chosen = np.concatenate([with_repeat[rng.choice(len(with_repeat), n_rep, replace=False)],
                             distinct[rng.choice(len(distinct), n_dist, replace=False)]])
    seed_value = int(seed) if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool) else None
    return QuadrupleDesign(values[points], points, chosen, name, seed_value)


def condition_number(matrix) -> float:
    """kappa of the matrix with columns scaled to unit norm (inf when a column vanishes or rank < K)."""
    a = np.asarray(matrix, dtype=float)
    norms = np.linalg.norm(a, axis=0)
    if a.shape[0] < a.shape[1] or np.any(norms == 0):
        return math.inf
    s = np.linalg.svd(a / norms, compute_uv=False)
    return math.inf if s[-1] == 0 else float(s[0] / s[-1])


def check_design(matrix, names, *, max_condition: float = DEFAULT_MAX_CONDITION, what: str = "the design") -> float:
    """Return the condition number of a design matrix, or refuse it naming the classes it cannot separate.

    Raises
    ------
    InvalidArgumentError
        Fewer quadruples than classes, a class whose pattern vanishes on every quadruple, or
        kappa > max_condition; the message says what to change.
    """
    a = np.asarray(matrix, dtype=float)
    names = tuple(names)
    max_condition = check_real("max_condition", max_condition, positive=True)
    q, k = a.shape
    if q < k:
        raise InvalidArgumentError(
            f"{what} has {q} quadruples for {k} classes ({', '.join(names)}); use at least {k + 1} quadruples "
            "(n_quadruples) so that the fit has degrees of freedom left"
        )
    norms = np.linalg.norm(a, axis=0)
    dead = [n for n, v in zip(names, norms) if v == 0]
    if dead:
        raise InvalidArgumentError(
            f"the patterns of {', '.join(dead)} vanish on every quadruple of {what}; choose other data points "
            "(seed, n_points) or quadruples with repeated points (repeated > 0)"
        )
    u, s, vt = np.linalg.svd(a / norms, full_matrices=False)
    kappa = math.inf if s[-1] == 0 else float(s[0] / s[-1])
    if not kappa <= max_condition:
        weights = np.abs(vt[-1])
        involved = [names[i] for i in np.argsort(weights)[::-1] if weights[i] > 0.2]
        raise InvalidArgumentError(
            f"{what} does not separate the classes {', '.join(involved)}: condition number {kappa:.3g} > "
            f"max_condition={max_condition:g}. Use more quadruples (n_quadruples), more data points (n_points), "
            "a mix with repeated points (repeated between 0.3 and 0.7), inputs at the scale of the kernel width, "
            "or drop one of these classes from the fit"
        )
    return kappa

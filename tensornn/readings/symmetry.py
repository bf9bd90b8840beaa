"""Is a network's law invariant under rotations of its inputs? A model-free test on G4c, and the moment check.

If the law of f is invariant under a group H acting on the inputs, then G4c(g x1, ..., g x4) = G4c(x1, ..., x4) for
every g in H. A dense layer of any activation is O(n)-invariant (W -> W g^T leaves its law unchanged); a CP layer
is invariant only under the product group O(n_1) x ... x O(n_d) acting colour by colour. :func:`symmetry_test`
separates the two without a basis and without a propagator:

1. draw ``n_rotations`` random rotations g_r: Haar-distributed on O(n) acting on the flattened input (``group=
   "O(n)"``; such a rotation lies outside the product group with probability 1), or one Haar rotation per colour
   (``group="colour-wise"``, the product group itself: a control under which the CP layer is invariant too);
2. evaluate the SAME networks on the design's points and on their rotated copies, and estimate G4c on the design's
   quadruples and on the rotated quadruples (one ensemble, :func:`tensornn.readings.measure_four_point`), so that
   the differences D_r = G4c(g_r x) - G4c(x) share most of their noise;
3. test D = 0 with Hotelling's T^2 on the delete-one-group jackknife replicas of the stacked differences (p = Q R
   components, G groups, nu = G - 1): F = (nu - p + 1) / (nu p) T^2, referred to F(p, nu - p + 1). When Q R
   exceeds (G - 1)/2 only the design's first (G - 1) // (2 R) quadruples are used (the design lists those with a
   repeated point first: they carry the largest G4c).

The verdict ``invariant`` is False when p < alpha; True when p >= alpha, G4c itself is resolved from zero (Hotelling's
T^2 of the original estimates, p < alpha: the yardstick below is relative to the measured G4c, which must not be
noise) and the test resolves a change of G4c of relative size ``detectable`` <= ``max_detectable`` at power 0.8 (a change proportional to G4c itself on every
rotated copy: noncentrality eps^2 y^T C^-1 y for the noncentral F); None (undecidable) when it cannot, with the
number of networks that would resolve it (the errors fall as 1/sqrt(networks)).

Moments first. Everything here and in the readings estimates fourth moments; :func:`check_estimable` refuses, before
any sampling, a network whose E f^4 is infinite (a CP layer with an activation growing like exp: the model's
``moment_problem``), with the reason. The calibration of the test (false-rejection rate over many seeds for
invariant networks, power against the CP layer) is in docs/symmetry.md (scripts/calibrate_symmetry.py).
"""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._checks import check_choice, check_int, check_real
from .._random import child_seed, root_entropy
from ..errors import InvalidArgumentError, InvalidTypeError, UnsupportedReadingError
from .design import QuadrupleDesign
from .measure import DEFAULT_N_GROUPS, measure_four_point

__all__ = ["SymmetryTest", "symmetry_test", "check_estimable", "haar_rotation", "rotate_inputs", "GROUPS",
           "DEFAULT_N_ROTATIONS", "DEFAULT_MAX_DETECTABLE", "POWER"]

#: The rotation groups: all of O(n) on the flattened input, or the product group colour by colour.
GROUPS = ("O(n)", "colour-wise")
#: Random rotations per test: one (p = Q components) had the most power against the CP layer at the default size
#: (docs/symmetry.md); more rotations add components and use fewer quadruples each.
DEFAULT_N_ROTATIONS = 1
#: Largest relative change of G4c the test must resolve (power 0.8) before it may call a law invariant.
DEFAULT_MAX_DETECTABLE = 0.25
#: The power at which ``detectable`` is quoted.
POWER = 0.8


def _describe(network) -> str:
    return network.describe() if hasattr(network, "describe") else type(network).__name__


def check_estimable(network, inputs=None, *, order: int = 4, raises: bool = True) -> str | None:
    """Refuse, before sampling, a network whose order-``order`` moments are infinite.

    Asks the model's ``moment_problem(order)`` (with ``inputs`` where the model's answer depends on them: a CP
    layer on two indices with an exp-like activation). A CP layer of any rank on d >= 3 indices with an activation
    growing like exp (exp, the Gauss-net's normalised exp) has E f^4 = infinity at every nonzero input: its G4c
    cannot be estimated, however many networks are drawn.

    Parameters
    ----------
    network : model
    inputs : array, optional
        The inputs the networks will be evaluated on.
    order : int
        The moment the estimate needs (4 for G4c).
    raises : bool
        Raise :class:`~tensornn.errors.UnsupportedReadingError` (True) or return the reason (False).

    Returns
    -------
    None when the moments are finite, else (``raises=False``) the reason.

    Examples
    --------
    >>> from tensornn.networks import StructuredNetwork
    >>> check_estimable(StructuredNetwork((2, 2, 2), cp_rank=1, activation="relu")) is None
    True
    >>> print(check_estimable(StructuredNetwork((2, 2, 2), cp_rank=1, activation="gauss"), raises=False)[:40])
    E|f|^4 is infinite at every nonzero inpu
    """
    order = check_int("order", order, minimum=1)
    if not isinstance(raises, bool):
        raise InvalidTypeError(f"raises must be True or False, got {raises!r}")
    method = getattr(network, "moment_problem", None)
    if method is None:
        raise InvalidTypeError(f"network must be a model with moment_problem(order) (tensornn.networks.model), got "
                               f"{type(network).__name__}")
    takes_inputs = "inputs" in inspect.signature(method).parameters
    problem = method(order, inputs=inputs) if takes_inputs and inputs is not None else method(order)
    if problem is None:
        return None
    if raises:
        raise UnsupportedReadingError(f"G4c of {_describe(network)} cannot be estimated: {problem}")
    return problem


def haar_rotation(n: int, rng: np.random.Generator) -> np.ndarray:
    """A Haar-distributed orthogonal n x n matrix (QR of a Gaussian matrix with the signs of R's diagonal fixed).

    Examples
    --------
    >>> g = haar_rotation(3, np.random.default_rng(0))
    >>> bool(np.allclose(g @ g.T, np.eye(3)))
    True
    """
    n = check_int("n", n, minimum=1)
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    return q * np.sign(np.diag(r))


def _blocks(network, shape: tuple[int, ...]) -> list[tuple[int, int]] | None:
    """The (start, stop) ranges of the colours of one-axis inputs of a block network, else None."""
    blocks = getattr(network, "block_sizes", None)
    if len(shape) != 1 or blocks is None or len(blocks) < 2:
        return None
    edges = np.cumsum((0, *blocks))
    return [(int(edges[c]), int(edges[c + 1])) for c in range(len(blocks))]


def rotate_inputs(inputs: np.ndarray, rotations) -> np.ndarray:
    """Apply rotations to inputs (M, *shape): one matrix (n x n) on the flattened input, or a list with one matrix
    per axis (colour-wise)."""
    x = np.asarray(inputs, dtype=float)
    shape = x.shape[1:]
    if isinstance(rotations, np.ndarray):
        return (x.reshape(len(x), -1) @ rotations.T).reshape(x.shape)
    out = x
    for axis, g in enumerate(rotations):
        out = np.moveaxis(np.tensordot(out, g, axes=([axis + 1], [1])), -1, axis + 1)
    if out.shape[1:] != shape:
        raise InvalidArgumentError(f"rotations do not match the input shape {shape}")
    return out


def _draw(network, shape, group, rng) -> tuple[object, str, tuple[int, ...]]:
    """One rotation of ``group`` for inputs of ``shape``: (rotation, group label, dimensions)."""
    n = math.prod(shape)
    if group == "O(n)":
        return haar_rotation(n, rng), "O(n)", (n,)
    if len(shape) >= 2:
        return [haar_rotation(m, rng) for m in shape], "O(n_1)x...xO(n_d)", tuple(shape)
    blocks = _blocks(network, shape)
    if blocks is None:
        raise InvalidArgumentError(
            f"group='colour-wise' needs inputs with several colours (tensor axes or blocks); inputs of shape {shape} "
            "have one, whose rotations are all of O(n): use group='O(n)'")
    g = np.zeros((n, n))
    for start, stop in blocks:
        g[start:stop, start:stop] = haar_rotation(stop - start, rng)
    return g, "O(n_1)x...xO(n_d)", tuple(stop - start for start, stop in blocks)


@dataclass(frozen=True)
class SymmetryTest:
    """The outcome of :func:`symmetry_test`.

    Attributes
    ----------
    statistic : float
        Hotelling's T^2 of the stacked differences G4c(g x) - G4c(x).
    f_statistic : float
        (nu - p + 1) / (nu p) T^2.
    df1, df2 : int
        p and nu - p + 1 of the F reference.
    p_value : float
    invariant : bool or None
        False: G4c changes (p < alpha). True: no change, and changes of relative size ``detectable`` would have been
        seen with power 0.8. None: no change seen, but the test cannot resolve ``max_detectable``.
    group : str
        "O(n)" or "O(n_1)x...xO(n_d)".
    dimensions : tuple of int
        (n,) or the colour sizes.
    n_rotations, n_quadruples, n_networks, n_groups : int
        Rotations, quadruples per rotation, networks and jackknife groups used.
    alpha : float
    detectable : float
        The relative change of G4c (proportional to G4c on every rotated copy) resolved at power 0.8.
    max_detectable : float
    networks_needed : int or None
        Networks that would resolve ``max_detectable`` (when ``invariant`` is None).
    largest_pull : float
        max |D| / error(D) over the components.
    relative_change : float
        |D| / |G4c| (Euclidean norms over the components).
    g4c_p_value : float
        p-value of G4c = 0 on the original quadruples (Hotelling's T^2 with the same reference): invariance is only
        accepted where G4c itself is resolved (p < alpha), since ``detectable`` is relative to the measured G4c.
    reason : str
        One sentence.
    seed : int or None
    estimator : str
        The G4c estimator that was used ("conditional" or "outputs").
    """

    statistic: float
    f_statistic: float
    df1: int
    df2: int
    p_value: float
    invariant: bool | None
    group: str
    dimensions: tuple
    n_rotations: int
    n_quadruples: int
    n_networks: int
    n_groups: int
    alpha: float
    detectable: float
    max_detectable: float
    networks_needed: int | None
    largest_pull: float
    relative_change: float
    g4c_p_value: float
    reason: str
    seed: int | None = None
    estimator: str = ""

    def to_dict(self) -> dict:
        return {"statistic": self.statistic, "f_statistic": self.f_statistic, "df1": self.df1, "df2": self.df2,
                "p_value": self.p_value, "invariant": self.invariant, "group": self.group,
                "dimensions": list(self.dimensions), "n_rotations": self.n_rotations,
                "n_quadruples": self.n_quadruples, "n_networks": self.n_networks, "n_groups": self.n_groups,
                "alpha": self.alpha, "detectable": self.detectable, "max_detectable": self.max_detectable,
                "networks_needed": self.networks_needed, "largest_pull": self.largest_pull,
                "relative_change": self.relative_change, "g4c_p_value": self.g4c_p_value,
                "reason": self.reason, "seed": self.seed,
                "estimator": self.estimator,
                "reference": f"F({self.df1}, {self.df2}) (Hotelling T^2 on jackknife replicas)"}

    def __repr__(self):
        verdict = {True: "invariant", False: "not invariant", None: "undecided"}[self.invariant]
        return (f"SymmetryTest({self.group}: {verdict}, T^2 = {self.statistic:.4g}, p = {self.p_value:.3g}, "
                f"detectable {self.detectable:.3g})")


def _hotelling_p(values: np.ndarray, replicas: np.ndarray, nu: int) -> float:
    """p-value of mean = 0 for an estimate with jackknife replicas (G, q): Hotelling's T^2, F(q, nu - q + 1)."""
    from scipy.stats import f as f_dist

    q = len(values)
    if nu - q + 1 < 1:
        return math.nan
    centred = replicas - replicas.mean(axis=0)
    cov = (len(replicas) - 1) / len(replicas) * centred.T @ centred
    t2 = float(values @ np.linalg.pinv(cov, rcond=1e-12, hermitian=True) @ values)
    return float(f_dist.sf((nu - q + 1) / (nu * q) * t2, q, nu - q + 1))


def _detectable(f_crit: float, df1: int, df2: int, yc: float) -> float:
    """eps with P(F'(df1, df2, eps^2 yc) > f_crit) = POWER (noncentral F), inf when yc = 0."""
    from scipy.optimize import brentq
    from scipy.stats import ncf

    if not yc > 0:
        return math.inf

    def gap(lam):
        return float(ncf.sf(f_crit, df1, df2, lam)) - POWER

    hi = 1.0
    while gap(hi) < 0 and hi < 1e12:
        hi *= 4.0
    if gap(hi) < 0:
        return math.inf
    lam = brentq(gap, 0.0, hi, xtol=1e-10 * hi) if gap(0.0) < 0 else 0.0
    return math.sqrt(lam / yc)


def symmetry_test(network, design, *, n_networks: int, n_groups: int = DEFAULT_N_GROUPS,
                  n_rotations: int = DEFAULT_N_ROTATIONS, group: str = "O(n)", seed=0, executor=None,
                  alpha: float = 0.01, max_detectable: float = DEFAULT_MAX_DETECTABLE,
                  estimator: str = "auto") -> SymmetryTest:
    """Test whether G4c changes when the design's inputs are rotated (module docstring).

    Parameters
    ----------
    network : model
        Any network the sampler accepts (no amputation patterns needed).
    design : QuadrupleDesign
        Points and quadruples (:func:`tensornn.readings.quadruple_design`).
    n_networks : int
        Networks of the one ensemble evaluated on the original and rotated points.
    n_groups : int
        Jackknife groups G (>= 8).
    n_rotations : int
        Random rotations R >= 1.
    group : {"O(n)", "colour-wise"}
        Haar rotations of the flattened input, or one Haar rotation per colour (tensor axis or block).
    seed : None, int, SeedSequence or Generator
        Seeds the rotations and the ensemble (independent streams).
    executor : concurrent.futures.Executor, optional
        Passed to the sampler.
    alpha : float
        Level of the test.
    max_detectable : float
        An accepted invariance needs the test to resolve relative changes of G4c of this size (power 0.8).
    estimator : {"auto", "conditional", "outputs"}
        The G4c estimator of :func:`tensornn.readings.measure_four_point` ("auto": the conditional one, read-out
        integrated analytically, where the network offers it).

    Returns
    -------
    SymmetryTest

    Raises
    ------
    UnsupportedReadingError
        The network's fourth moments are infinite (:func:`check_estimable`).
    InvalidArgumentError
        Bad arguments (named), a colour-wise test on one-colour inputs.

    Examples
    --------
    >>> from tensornn.networks import StructuredNetwork
    >>> from tensornn.readings import quadruple_design
    >>> x = np.random.default_rng(0).standard_normal((40, 2, 2))
    >>> design = quadruple_design(x, n_points=6, n_quadruples=8, seed=0)
    >>> test = symmetry_test(StructuredNetwork((2, 2), None, "relu", width=4), design, n_networks=4096,
    ...                      n_groups=32)
    >>> test.group, test.p_value > 0.01
    ('O(n)', True)
    """
    if not isinstance(design, QuadrupleDesign):
        raise InvalidTypeError(f"design must be a QuadrupleDesign (quadruple_design), got {type(design).__name__}")
    n_groups = check_int("n_groups", n_groups, minimum=8)
    n_networks = check_int("n_networks", n_networks, minimum=4 * n_groups)
    n_rotations = check_int("n_rotations", n_rotations, minimum=1)
    group = check_choice("group", group, GROUPS)
    alpha = check_real("alpha", alpha, minimum=0.0, maximum=1.0)
    max_detectable = check_real("max_detectable", max_detectable, positive=True)
    inputs = network.check_inputs(design.inputs)
    check_estimable(network, inputs)
    entropy = root_entropy(seed)
    rotation_rng, sampling_seed = np.random.default_rng(child_seed(entropy, 1)), child_seed(entropy, 2)
    nu = n_groups - 1
    per_rotation = min(design.n_quadruples, max(1, (nu // 2) // n_rotations))
    quads = np.asarray(design.quadruples)[:per_rotation]
    m = len(inputs)
    copies, label = [inputs], "O(n)"
    dims: tuple[int, ...] = (math.prod(inputs.shape[1:]),)
    for _ in range(n_rotations):
        g, label, dims = _draw(network, inputs.shape[1:], group, rotation_rng)
        copies.append(rotate_inputs(inputs, g))
    stacked = QuadrupleDesign(np.concatenate(copies), np.arange(m * (n_rotations + 1)),
                              np.concatenate([quads + r * m for r in range(n_rotations + 1)]),
                              f"{design.data_name} and {n_rotations} rotated copies")
    measurement = measure_four_point(network, stacked, n_networks, seed=sampling_seed, n_groups=n_groups,
                                     executor=executor, estimator=estimator)
    values, replicas = measurement.estimates()
    q = len(quads)
    original, rep_original = values[:q], replicas[:, :q]
    d = np.concatenate([values[r * q:(r + 1) * q] - original for r in range(1, n_rotations + 1)])
    rep = np.concatenate([replicas[:, r * q:(r + 1) * q] - rep_original for r in range(1, n_rotations + 1)], axis=1)
    p = len(d)
    seed_value = int(seed) if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool) else None
    common: dict[str, Any] = dict(group=label, dimensions=dims, n_rotations=n_rotations, n_quadruples=q,
                  n_networks=measurement.n_networks, n_groups=measurement.n_groups, alpha=alpha,
                  max_detectable=max_detectable, seed=seed_value,
                  estimator=str(getattr(measurement, "estimator", estimator)))
    if not (np.all(np.isfinite(d)) and np.all(np.isfinite(rep))):
        nan = math.nan
        return SymmetryTest(nan, nan, p, nu - p + 1, nan, None, detectable=math.inf, networks_needed=None,
                            largest_pull=nan, relative_change=nan, g4c_p_value=nan,
                            reason="the measured G4c is not finite (the outputs overflowed float64): no symmetry "
                                   "can be tested; use smaller inputs or weight scales", **common)
    centred = rep - rep.mean(axis=0)
    cov = (n_groups - 1) / n_groups * centred.T @ centred
    errors = np.sqrt(np.diag(cov))
    from scipy.stats import f as f_dist

    inverse = np.linalg.pinv(cov, rcond=1e-12, hermitian=True)
    statistic = float(d @ inverse @ d)
    df1, df2 = p, nu - p + 1
    f_stat = (nu - p + 1) / (nu * p) * statistic
    p_value = float(f_dist.sf(f_stat, df1, df2))
    g4c_p = _hotelling_p(original, rep_original, nu)
    y = np.tile(original, n_rotations)
    f_crit = float(f_dist.isf(alpha, df1, df2)) if alpha > 0 else math.inf
    detectable = _detectable(f_crit, df1, df2, float(y @ inverse @ y)) if math.isfinite(f_crit) else math.inf
    with np.errstate(divide="ignore", invalid="ignore"):
        pulls = np.where(errors > 0, np.abs(d) / errors, 0.0)
    norm_y = float(np.linalg.norm(y))
    relative = float(np.linalg.norm(d) / norm_y) if norm_y > 0 else math.inf
    what = f"{n_rotations} random {label} rotation{'s' if n_rotations > 1 else ''} of the inputs"
    stats = f"T^2 = {statistic:.4g} on {p} differences, F({df1}, {df2}) p = {p_value:.3g}"
    needed = None
    if p_value < alpha:
        invariant: bool | None = False
        reason = (f"G4c changes under {what} ({stats} < alpha = {alpha:g}; relative change {relative:.3g}): the law "
                  f"is not {label}-invariant")
    elif not g4c_p < alpha:
        invariant = None
        reason = (f"no change of G4c under {what} ({stats}), but G4c itself is not resolved from zero (p = "
                  f"{g4c_p:.3g} >= alpha = {alpha:g}), so no change of it could be seen: undecided; more networks "
                  "or inputs where G4c is larger")
    elif detectable <= max_detectable:
        invariant = True
        reason = (f"G4c does not change under {what} ({stats} >= alpha = {alpha:g}), and the test resolves relative "
                  f"changes of {detectable:.3g} at power {POWER:g}: the law is {label}-invariant within that")
    else:
        invariant = None
        if math.isfinite(detectable):
            needed = int(math.ceil(measurement.n_networks * (detectable / max_detectable) ** 2))
        reason = (f"no change of G4c under {what} ({stats}), but the test resolves only relative changes of "
                  f"{detectable:.3g} > max_detectable = {max_detectable:g}: undecided"
                  + (f"; about {needed} networks would resolve {max_detectable:g}" if needed else ""))
    return SymmetryTest(statistic, float(f_stat), df1, df2, p_value, invariant, detectable=float(detectable),
                        networks_needed=needed, largest_pull=float(pulls.max()) if p else math.nan,
                        relative_change=relative, g4c_p_value=g4c_p, reason=reason, **common)

"""n-point functions of network ensembles: measured values, jackknife errors, GP (Wick) values.

With G_n(a_1..a_n) = E[f(x_{a_1}) ... f(x_{a_n})] and odd moments zero (W1 -> -W1 and
b1 -> -b1 are symmetries of the laws of :mod:`tensornn.networks`), the connected functions are

    G4c(1234)   = G4 - [G2(12) G2(34) + G2(13) G2(24) + G2(14) G2(23)],
    G6c(123456) = G6 - sum_{15 splits 4|2} G4c G2 - sum_{15 pairings} G2 G2 G2.

The Gaussian-process (GP, infinite-width) value of G_2k is the Wick sum of the kernel over the
(2k-1)!! pairings; its connected parts vanish. Errors are delete-one-group jackknife errors over
the independent groups of :class:`~tensornn.networks.sampling.EnsembleMoments`. An estimate with
|value| < 2 stderr is flagged ``noise_dominated`` and raises a :class:`NoisyEstimateWarning`.

References
----------
Halverson, Maiti, Stoner, arXiv:2008.08601 (normalised deviations and their background);
Efron, Stein, Ann. Stat. 9 (1981) 586 (jackknife).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np

from ..errors import (InvalidArgumentError, InvalidTypeError, NoisyEstimateWarning, NumericalOverflowWarning,
                      UnreliableErrorWarning)
from ..networks.sampling import EnsembleMoments
from .wick import _splits_4_2, check_kernel_matrix, pairings, wick_sum

__all__ = [
    "connected_four_point",
    "jackknife_covariance",
    "jackknife_error",
    "CorrelatorEstimate",
    "DeviationEstimate",
    "measure",
    "two_point",
    "four_point",
    "six_point",
    "normalised_deviation",
    "correlator_table",
]

_NOISE_THRESHOLD = 2.0

#: Fewer independent groups than this make a jackknife error unreliable (a warning; 1 group gives nan).
MIN_GROUPS = 10

_LOG_TINY = float(np.log(np.finfo(float).tiny))  # the smallest normal float64, 2.2e-308


def _warn_few_groups(moments, stacklevel):
    if moments.n_groups < MIN_GROUPS:
        blocks = -(-moments.n_networks // moments.block_size)
        warnings.warn(
            f"the standard errors rest on {moments.n_groups} jackknife group(s) ({moments.n_networks} networks in "
            f"{blocks} block(s) of {moments.block_size}); fewer than {MIN_GROUPS} make them unreliable"
            f"{' (one group gives no error: nan)' if moments.n_groups < 2 else ''}; sample more networks or use a "
            "smaller block_size",
            UnreliableErrorWarning,
            stacklevel=stacklevel + 1,
        )


def _underflowed(moments, idx, kernel_matrix) -> tuple[int, ...]:
    """Inputs whose outputs are too small for the products of ``idx`` to be represented in float64.

    The typical size of prod_{a in idx} f(x_a) is prod sqrt(E f(x_a)^2); when that is below the
    smallest normal float64 (2.2e-308) the sampled products underflow (to 0 or to subnormal
    numbers) and the measured value is not a measurement. With a kernel, a product whose exact
    size prod sqrt(K(x_a, x_a)) is itself that small is expected and not flagged.
    """
    inputs = sorted(set(idx))
    try:
        m2 = {a: moments.sums[moments.column((a, a))] / moments.n_networks for a in inputs}
    except InvalidArgumentError:  # the diagonal 2-point sums were not accumulated
        return ()
    with np.errstate(divide="ignore", invalid="ignore"):
        size = sum(0.5 * np.log(m2[a]) for a in idx)
        if not size < _LOG_TINY:
            return ()
        if kernel_matrix is not None:
            k = np.asarray(kernel_matrix, dtype=float)
            if sum(0.5 * np.log(k[a, a]) for a in idx) < _LOG_TINY:
                return ()
    return tuple(a for a in inputs if m2[a] < np.finfo(float).tiny ** (1.0 / len(idx))) or tuple(inputs)


def connected_four_point(m4, m12, m34, m13, m24, m14, m23):
    """G4c = E[f1 f2 f3 f4] - (E f1 f2 E f3 f4 + E f1 f3 E f2 f4 + E f1 f4 E f2 f3) of a zero-mean ensemble.

    The one G4c formula of the package: every estimator (:func:`four_point`, the quadruple measurements of
    :mod:`tensornn.structured.measure`, the readings) applies it to pooled or leave-one-group-out means.
    """
    return m4 - (m12 * m34 + m13 * m24 + m14 * m23)


def _jackknife_spread(replicas):
    """(scale, (g - 1)/g sum_g u_g u_g^T) with u_g = (r_g - rbar)/scale and scale the largest |r_g - rbar|."""
    r = np.asarray(replicas, dtype=float)
    g, q = r.shape
    if g < 2:
        return math.nan, np.full((q, q), np.nan)
    spread = r - r.mean(axis=0)
    scale = float(np.max(np.abs(spread))) if spread.size else 0.0
    if not math.isfinite(scale):
        return math.nan, np.full((q, q), np.nan)
    if scale == 0.0:
        return 0.0, np.zeros((q, q))
    unit = spread / scale
    return scale, (g - 1) / g * (unit.T @ unit)


def jackknife_covariance(replicas) -> np.ndarray:
    """The delete-one-group jackknife covariance (g - 1)/g sum_g (r_g - rbar)(r_g - rbar)^T of replicas (g, Q).

    The one jackknife of the package's estimates (:func:`jackknife_error` is the square root of its diagonal,
    computed so that values near 1e160 keep a finite error). Fewer than 2 groups or a non-finite spread give nan.
    """
    scale, unit = _jackknife_spread(replicas)
    with np.errstate(over="ignore"):
        return np.asarray(scale, dtype=float) ** 2 * unit


def jackknife_error(replicas) -> np.ndarray:
    """Standard errors from the delete-one-group replicas (g, Q): the square root of the jackknife variance."""
    scale, unit = _jackknife_spread(replicas)
    return scale * np.sqrt(np.diag(unit))


def _g2(means, col, a, b):
    return means[..., col((a, b))]


def _g4c(means, col, idx):
    a, b, c, d = idx
    return connected_four_point(means[..., col(idx)], _g2(means, col, a, b), _g2(means, col, c, d),
                                _g2(means, col, a, c), _g2(means, col, b, d), _g2(means, col, a, d),
                                _g2(means, col, b, c))


def _g6c(means, col, idx):
    value = means[..., col(idx)]
    for four, (p, q) in _splits_4_2():
        value = value - _g4c(means, col, tuple(idx[i] for i in four)) * _g2(means, col, idx[p], idx[q])
    for pairing in pairings(6):
        term = 1.0
        for i, j in pairing:
            term = term * _g2(means, col, idx[i], idx[j])
        value = value - term
    return value


def _estimator(order, connected):
    if order == 2 or not connected:
        return lambda means, col, idx: means[..., col(idx)]
    return _g4c if order == 4 else _g6c


def _jackknife(moments, fn):
    """Plug-in value on all networks and the delete-one-group jackknife standard error."""
    full = fn(moments.sums / moments.n_networks)
    g = moments.n_groups
    if g < 2:
        return float(full), math.nan
    replicas = np.asarray(fn(moments.leave_one_group_out_means()), dtype=float).reshape(g, 1)
    return float(full), float(jackknife_error(replicas)[0])


@dataclass(frozen=True)
class CorrelatorEstimate:
    """A measured n-point function with its error and the reference values beside it.

    Attributes
    ----------
    name : str
        "G2", "G4", "G4c", "G6" or "G6c".
    indices : tuple of int
    value, stderr : float
        Plug-in estimate and jackknife standard error (NaN with fewer than 2 groups).
    gp : float or None
        Infinite-width (Wick) value; 0 for connected functions; None without a kernel.
    exact : float or None
        An exact finite-width value when one was supplied.
    n_networks : int
    noise_dominated : bool
        |value| < 2 stderr (or no error available): the measurement does not resolve a nonzero value.
    flags : tuple of str
        Numbers that are not values: ``"overflow"`` (the measured value is not finite: the outputs
        overflowed float64), ``"underflow"`` (the outputs at some input are too small for their
        products to be represented, so the measured value is 0 or subnormal instead of its size),
        ``"gp overflow"``, ``"exact overflow"`` (the reference value is not finite).
    underflowed : tuple of int
        The inputs whose outputs underflowed (with flag ``"underflow"``).
    """

    name: str
    indices: tuple
    value: float
    stderr: float
    gp: float | None
    exact: float | None
    n_networks: int
    noise_dominated: bool
    flags: tuple = ()
    underflowed: tuple = ()

    @property
    def success(self) -> bool:
        """False when the measured value is not a number to use (``"overflow"`` or ``"underflow"`` in flags)."""
        return bool(np.isfinite(self.value)) and "underflow" not in self.flags

    @property
    def message(self) -> str:
        """The flags in words ("" when there are none)."""
        words = {
            "overflow": "the measured value is not finite: the network outputs overflowed float64",
            "underflow": f"the outputs at input(s) {', '.join(map(str, self.underflowed))} underflowed float64: the "
                         "measured value is not a measurement",
            "gp overflow": "the GP value is not finite (the kernel overflowed float64)",
            "exact overflow": "the exact value is not finite (it overflowed float64)",
        }
        return "; ".join(words[f] for f in self.flags)

    @property
    def z_exact(self) -> float | None:
        """(value - exact) / stderr, the discrepancy with the exact value in standard errors."""
        if self.exact is None or not self.stderr > 0:
            return None
        return (self.value - self.exact) / self.stderr

    def __repr__(self):
        ref = "" if self.gp is None or "gp overflow" in self.flags else f", gp={self.gp:.6g}"
        ref += "" if self.exact is None or "exact overflow" in self.flags else f", exact={self.exact:.6g}"
        flag = ", NOISE-DOMINATED" if self.noise_dominated and self.success else ""
        if self.flags:
            flag += f", {'success=False: ' if not self.success else ''}{self.message}"
        head = f"{self.name}{self.indices} = " + (
            f"{self.value:.6g} +- {self.stderr:.2g}" if self.success else "not a value")
        return f"{head}{ref} (N_nets={self.n_networks}{flag})"


@dataclass(frozen=True)
class DeviationEstimate:
    """Normalised deviation from the GP, delta = (G_n - G_n^GP) / G_n^GP, with its background.

    ``background`` is the spread of the same quantity across independent groups, scaled to the full
    ensemble (standard deviation over groups / sqrt(n_groups)): deviations well above it are signal.
    ``defined`` is False (and value, stderr, background are nan) where the GP value is 0 or not
    finite: the relative deviation does not exist there; ``message`` says why.
    """

    indices: tuple
    value: float
    stderr: float
    background: float
    measured: float
    gp: float
    n_networks: int
    defined: bool = True
    message: str = ""

    @property
    def significant(self) -> bool:
        """|delta| exceeds twice its background (False where undefined)."""
        return bool(self.defined and abs(self.value) > 2.0 * self.background)

    def __repr__(self):
        if not self.defined:
            return f"delta{self.indices} undefined: {self.message} (N_nets={self.n_networks})"
        return (
            f"delta{self.indices} = {self.value:.4g} +- {self.stderr:.2g} (background {self.background:.2g}, "
            f"G={self.measured:.6g}, G_GP={self.gp:.6g}, N_nets={self.n_networks})"
        )


def _check_moments(moments):
    if not isinstance(moments, EnsembleMoments):
        raise InvalidTypeError(f"moments must be an EnsembleMoments from sample_ensemble, got {type(moments).__name__}")


def measure(moments, indices, *, connected=True, kernel_matrix=None, exact=None, warn=True) -> CorrelatorEstimate:
    """Measure G2, G4(c) or G6(c) on the inputs ``indices`` of a sampled ensemble.

    Parameters
    ----------
    moments : EnsembleMoments
    indices : sequence of 2, 4 or 6 ints
        Input indices (any order, repeats allowed).
    connected : bool
        For 4 and 6 points, the connected function (default) or the full moment.
    kernel_matrix : array_like, shape (P, P), optional
        Kernel of the ensemble; gives the GP value (Wick sum; 0 when connected).
    exact : float, optional
        An exact finite-width value to show beside the estimate.
    warn : bool
        Emit :class:`NoisyEstimateWarning` when the estimate is noise dominated.

    Returns
    -------
    CorrelatorEstimate
    """
    _check_moments(moments)
    idx = _indices(indices)
    if len(idx) not in (2, 4, 6):
        raise InvalidArgumentError(f"indices must hold 2, 4 or 6 input indices, got {idx}")
    n_inputs = len(moments.inputs)
    if min(idx) < 0 or max(idx) >= n_inputs:
        raise InvalidArgumentError(f"indices {idx} refer to inputs outside 0..{n_inputs - 1}")
    order = len(idx)
    is_connected = bool(connected) and order > 2
    if warn and not moments.success:
        warnings.warn(f"measuring on an ensemble whose sums overflowed: {moments.message}", NumericalOverflowWarning,
                      stacklevel=2)
    with np.errstate(invalid="ignore", over="ignore"):  # overflowed sums: value is not finite, success=False
        value, stderr = _jackknife(moments, lambda m: _estimator(order, is_connected)(m, moments.column, idx))
    gp = None
    flags = []
    if kernel_matrix is not None:
        check_kernel_matrix(kernel_matrix, len(moments.inputs))
        gp = 0.0 if is_connected else float(wick_sum(kernel_matrix, idx))  # connected parts vanish exactly
        if not math.isfinite(gp):
            flags.append("gp overflow")
    if not np.isfinite(value):
        flags.insert(0, "overflow")
    underflowed = () if flags[:1] == ["overflow"] else _underflowed(moments, idx, kernel_matrix)
    if underflowed:
        flags.insert(0, "underflow")
    if exact is not None and not math.isfinite(float(exact)):
        flags.append("exact overflow")
    noisy = not (abs(value) >= _NOISE_THRESHOLD * stderr)
    name = f"G{order}" + ("c" if is_connected else "")
    if warn:
        _warn_few_groups(moments, stacklevel=2)
    if underflowed and warn:
        warnings.warn(f"{name}{idx}: the outputs at input(s) {underflowed} underflowed float64; the measured value "
                      "is not a measurement", NumericalOverflowWarning, stacklevel=2)
    elif noisy and warn and np.isfinite(value) and np.isfinite(stderr):  # a nan error: the groups warning said so
        warnings.warn(
            f"{name}{idx} = {value:.3g} +- {stderr:.2g} is within {_NOISE_THRESHOLD:g} standard errors of zero; "
            "increase n_networks to resolve it",
            NoisyEstimateWarning,
            stacklevel=2,
        )
    return CorrelatorEstimate(
        name=name,
        indices=idx,
        value=value,
        stderr=stderr,
        gp=gp,
        exact=None if exact is None else float(exact),
        n_networks=moments.n_networks,
        noise_dominated=noisy,
        flags=tuple(flags),
        underflowed=underflowed,
    )


def _indices(indices) -> tuple[int, ...]:
    try:
        return tuple(int(a) for a in indices)
    except (TypeError, ValueError):
        raise InvalidTypeError(f"indices must be a sequence of input indices (ints), got {indices!r}") from None


def _check_order(indices, order: int, function: str) -> None:
    idx = _indices(indices)
    if len(idx) != order:
        raise InvalidArgumentError(
            f"{function} needs indices of {order} inputs, got {len(idx)}: {idx}; use measure() for any order"
        )


def two_point(moments, indices, *, kernel_matrix=None, warn=True) -> CorrelatorEstimate:
    """G2(a, b) = E f(x_a) f(x_b); see :func:`measure`."""
    _check_order(indices, 2, "two_point")
    return measure(moments, indices, kernel_matrix=kernel_matrix, warn=warn)


def four_point(moments, indices, *, connected=True, kernel_matrix=None, exact=None, warn=True) -> CorrelatorEstimate:
    """G4 or the connected G4c on four inputs; see :func:`measure`."""
    _check_order(indices, 4, "four_point")
    return measure(moments, indices, connected=connected, kernel_matrix=kernel_matrix, exact=exact, warn=warn)


def six_point(moments, indices, *, connected=True, kernel_matrix=None, exact=None, warn=True) -> CorrelatorEstimate:
    """G6 or the connected G6c on six inputs; see :func:`measure`."""
    _check_order(indices, 6, "six_point")
    return measure(moments, indices, connected=connected, kernel_matrix=kernel_matrix, exact=exact, warn=warn)


def normalised_deviation(moments, indices, kernel_matrix) -> DeviationEstimate:
    """delta = (G_n - G_n^GP) / G_n^GP of the full n-point function, with error and background.

    Parameters
    ----------
    moments : EnsembleMoments
    indices : sequence of 2, 4 or 6 ints
    kernel_matrix : array_like, shape (P, P)

    Returns
    -------
    DeviationEstimate
        With ``defined=False`` where the GP value is 0 (e.g. x = 0 with sigma_b = 0 for an odd
        activation) or not finite.

    References
    ----------
    Halverson, Maiti, Stoner, arXiv:2008.08601, section 4 (normalised deviation and background).
    """
    _check_moments(moments)
    idx = _indices(indices)
    check_kernel_matrix(kernel_matrix, len(moments.inputs))
    gp = float(wick_sum(kernel_matrix, idx))
    column = moments.column(idx)
    if gp == 0.0 or not math.isfinite(gp):
        why = "the GP value is 0" if gp == 0.0 else "the GP value is not finite (the kernel overflowed float64)"
        return DeviationEstimate(indices=idx, value=math.nan, stderr=math.nan, background=math.nan,
                                 measured=moments.mean(idx), gp=gp, n_networks=moments.n_networks, defined=False,
                                 message=f"{why}, so (G - G_GP) / G_GP does not exist")
    value, stderr = _jackknife(moments, lambda m: (m[..., column] - gp) / gp)
    per_group = (moments.group_means()[:, column] - gp) / gp
    g = moments.n_groups
    background = float(np.std(per_group, ddof=1) / math.sqrt(g)) if g > 1 else math.nan
    return DeviationEstimate(
        indices=idx,
        value=value,
        stderr=stderr,
        background=background,
        measured=moments.mean(idx),
        gp=gp,
        n_networks=moments.n_networks,
    )


def correlator_table(moments, kernel_matrix=None, *, orders=(2, 4, 6), connected=True, exact=None):
    """Estimates for every accumulated tuple of the given orders (one warning for all noisy ones).

    Parameters
    ----------
    moments : EnsembleMoments
    kernel_matrix : array_like, shape (P, P), optional
    orders : iterable of {2, 4, 6}
    connected : bool
    exact : callable, optional
        ``exact(indices) -> float or None``: exact finite-width value of the (connected) function.

    Returns
    -------
    list of CorrelatorEstimate
    """
    _check_moments(moments)
    orders = tuple(orders)
    bad = [o for o in orders if o not in (2, 4, 6)]
    if bad:
        raise InvalidArgumentError(f"orders must be among 2, 4, 6, got {bad}")
    if exact is not None and not callable(exact):
        raise InvalidTypeError("exact must be a callable exact(indices) -> float or None")
    out = []
    for idx in moments.tuples:
        if len(idx) in orders:
            value = None if exact is None or len(idx) == 2 else exact(idx)
            out.append(
                measure(moments, idx, connected=connected, kernel_matrix=kernel_matrix, exact=value, warn=False)
            )
    _warn_few_groups(moments, stacklevel=2)
    noisy = sum(e.noise_dominated for e in out if e.name != "G2" and e.success)
    if noisy:
        warnings.warn(
            f"{noisy} of {len(out)} estimates are within {_NOISE_THRESHOLD:g} standard errors of zero "
            "(flagged noise_dominated)",
            NoisyEstimateWarning,
            stacklevel=2,
        )
    return out

"""Infinite-width kernels of one-hidden-layer networks (the free theory of scalar NN-QFT).

For a network f(x) = b1 + sum_j W1_j act(W0_j . x + b0_j) with the parameter laws of
ScalarNetwork (:mod:`tensornn.networks.scalar`), the 2-point function at any width is

    K(x, y) = sigma_b^2 + sigma_w^2 C(x, y),   C(x, y) = E[act(z(x)) act(z(y))],

where (z(x), z(y)) is a centred Gaussian pair with covariance s(x, y) = sigma_b^2 + sigma_w^2 x.y / d_in.
C is the activation's kernel map at (s(x, x), s(y, y), s(x, y)) (:mod:`tensornn.networks.activations`), so
every registered activation has its kernel here. The closed forms (docs/theory/nn_qft.md, kernels):

- Gauss-net: K = sigma_b^2 + sigma_w^2 exp(-sigma_w^2 |x - y|^2 / (2 d_in))
- Exp-net:   K = sigma_b^2 + sigma_w^2 exp((s(x,x) + s(y,y)) / 2 + s(x,y))
- Erf-net:   K = sigma_b^2 + (2 sigma_w^2 / pi) arcsin(2 s(x,y) / sqrt((1 + 2 s(x,x)) (1 + 2 s(y,y))))
- ReLU-net:  K = sigma_b^2 + sigma_w^2/(2 pi) sqrt(s(x,x) s(y,y)) (sin t + (pi - t) cos t),
  cos t = s(x,y) / sqrt(s(x,x) s(y,y))
- linear:    K = sigma_b^2 + sigma_w^2 s(x, y); GELU in closed form, tanh by quadrature (docs/activations.md).

The Gauss-net's map exp(s(x,y) - (s(x,x) + s(y,y))/2) equals exp(-sigma_w^2 |x - y|^2 / (2 d_in)); its exponent
is a difference of variances, exact to rounding relative to s(x, x) (1e-12 of the kernel at s ~ 1e4).

References
----------
Halverson, Maiti, Stoner, arXiv:2008.08601; Williams, "Computing with infinite networks" (1997);
Cho, Saul (2009) for the arc-cosine (ReLU) kernel.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np

from .._checks import check_array, check_int, check_scale
from .._limits import MAX_SCALE
from .activations import get_activation
from ..errors import InvalidArgumentError, NumericalOverflowWarning

__all__ = [
    "kernel",
    "kernel_w",
    "preactivation_covariance",
    "gauss_fourier",
    "GaussFourier",
    "gaussian_product_qmc",
]



def _pair(x, y):
    """Validate two input arrays of shape (..., d_in) and return them as float arrays."""
    x = check_array("x", x)
    y = check_array("y", y)
    if x.ndim == 0 or y.ndim == 0:
        raise InvalidArgumentError(
            f"x and y must have shape (..., d_in) with the input dimension last, got shapes {x.shape} and "
            f"{y.shape}; for d_in = 1 pass e.g. np.array([0.1]) or x[..., None]"
        )
    if x.shape[-1] != y.shape[-1]:
        raise InvalidArgumentError(
            f"x and y must have the same input dimension (last axis), got {x.shape[-1]} and {y.shape[-1]}"
        )
    return x, y


def _sigmas(sigma_w, sigma_b):
    sigma_w = check_scale("sigma_w", sigma_w)
    sigma_b = check_scale("sigma_b", sigma_b, allow_zero=True)
    return sigma_w, sigma_b


def _check_variance(x, sigma_w: float, sigma_b: float = 0.0, name: str = "inputs") -> None:
    """Refuse inputs whose preactivation variance s(x, x) = sigma_b^2 + sigma_w^2 |x|^2 / d_in exceeds 1e100.

    1e100 = (1e50)^2 is the bound of the scales (:func:`tensornn._checks.check_scale`) carried over to
    the inputs: beyond it s and the closed-form kernels (built from s, s^2 and sqrt(s s')) leave float64.
    """
    x = np.asarray(x, dtype=float)
    if x.ndim == 0 or x.size == 0:
        return
    with np.errstate(over="ignore", invalid="ignore"):
        variance = sigma_b**2 + sigma_w**2 * np.sum(x * x, axis=-1) / x.shape[-1]
    too_large = ~(variance <= MAX_SCALE**2)
    if np.any(too_large):
        where = np.unravel_index(int(np.argmax(too_large)), too_large.shape) if too_large.ndim else ()
        raise InvalidArgumentError(
            f"{name}: the preactivation variance sigma_b^2 + sigma_w^2 |x|^2 / d_in is {float(variance[where]):.3g} "
            f"at input {where[0] if len(where) == 1 else where}, above {MAX_SCALE**2:g} (the square of the largest "
            f"scale, {MAX_SCALE:g}); rescale the inputs"
        )


def _s(x, y, sigma_w, sigma_b):
    d_in = x.shape[-1]
    return sigma_b**2 + sigma_w**2 * np.einsum("...i,...i->...", x, y) / d_in


def preactivation_covariance(x, y, *, sigma_w, sigma_b=0.0) -> np.ndarray:
    """Covariance of the hidden pre-activations, s(x, y) = sigma_b^2 + sigma_w^2 x.y / d_in.

    Parameters
    ----------
    x, y : array_like, shape (..., d_in)
        Inputs, the input dimension last; leading axes broadcast.
    sigma_w : float
        Weight scale, > 0 (W0 ~ N(0, sigma_w^2 / d_in)).
    sigma_b : float, optional
        Bias scale, >= 0 (b0 ~ N(0, sigma_b^2)).

    Returns
    -------
    ndarray, shape broadcast(x.shape[:-1], y.shape[:-1])

    Raises
    ------
    InvalidArgumentError
        Non-finite inputs, mismatched input dimensions, or sigma_w <= 0, sigma_b < 0.

    Examples
    --------
    >>> float(preactivation_covariance([1.0, 1.0], [1.0, -1.0], sigma_w=2.0, sigma_b=0.5))
    0.25
    """
    x, y = _pair(x, y)
    sigma_w, sigma_b = _sigmas(sigma_w, sigma_b)
    _check_variance(x, sigma_w, sigma_b, "x")
    _check_variance(y, sigma_w, sigma_b, "y")
    return np.asarray(_s(x, y, sigma_w, sigma_b))


def _hidden_correlation(activation, x, y, sigma_w, sigma_b):
    """C(x, y) = E[act(z(x)) act(z(y))], the kernel without its constants: the activation's kernel map at
    the pre-activation covariances s(x, x), s(y, y), s(x, y) (vectorised)."""
    return activation.kernel_map(_s(x, x, sigma_w, sigma_b), _s(y, y, sigma_w, sigma_b), _s(x, y, sigma_w, sigma_b))


def kernel_w(activation, x, y, *, sigma_w, sigma_b=0.0) -> np.ndarray:
    """Amputation kernel K_w(x, y) = K(x, y) - sigma_b^2 = sigma_w^2 E[act(z(x)) act(z(y))].

    The output bias adds the constant sigma_b^2 to K, a zero mode removed before amputation
    (docs/theory/nn_qft.md, the action). Parameters, returns and errors as in :func:`kernel`.

    Examples
    --------
    >>> float(kernel_w("gauss", [0.0], [0.0], sigma_w=2.0, sigma_b=1.0))
    4.0
    """
    activation = get_activation(activation)
    x, y = _pair(x, y)
    sigma_w, sigma_b = _sigmas(sigma_w, sigma_b)
    _check_variance(x, sigma_w, sigma_b, "x")
    _check_variance(y, sigma_w, sigma_b, "y")
    with np.errstate(under="ignore", over="ignore"):
        return _warn_overflow(
            np.asarray(sigma_w**2 * _hidden_correlation(activation, x, y, sigma_w, sigma_b)), activation.name, sigma_w
        )


def kernel(activation, x, y, *, sigma_w, sigma_b=0.0) -> np.ndarray:
    """Infinite-width kernel K(x, y) = sigma_b^2 + sigma_w^2 E[act(z(x)) act(z(y))].

    For one hidden layer this is also the exact 2-point function at every width N.
    Closed forms are in the module docstring (docs/theory/nn_qft.md); the Gauss-net uses the
    per-input normalisation act(z(x)) = exp(z(x) - s(x, x)), which makes K translation invariant.

    Parameters
    ----------
    activation : str
        A registered activation (:data:`tensornn.networks.activations.ACTIVATIONS`: "gauss", "exp", "erf",
        "relu", "linear", "tanh", "gelu" or one added with ``register_activation``); its kernel map gives
        E[act(z(x)) act(z(y))].
    x, y : array_like, shape (..., d_in)
        Inputs with the input dimension last; the leading axes broadcast against each other,
        so ``kernel(a, X[:, None], X[None, :], ...)`` gives the (P, P) kernel matrix.
    sigma_w : float
        Weight scale, > 0.
    sigma_b : float, optional
        Bias scale, >= 0 (default 0).

    Returns
    -------
    ndarray, shape broadcast(x.shape[:-1], y.shape[:-1])
        The Gauss kernel decays to 0 (never NaN) for large sigma_w |x - y|; the Exp-net kernel
        grows like exp(2 sigma_w^2 |x|^2 / d_in) and is +inf where that overflows float64; a
        :class:`~tensornn.errors.NumericalOverflowWarning` then says so.

    Raises
    ------
    InvalidArgumentError
        Unknown activation (the message lists the valid ones), non-finite inputs, mismatched
        input dimensions, sigma_w <= 0 or sigma_b < 0.

    Examples
    --------
    >>> X = np.array([[0.0], [1.0]])
    >>> np.round(kernel("relu", X[:, None], X[None, :], sigma_w=1.0, sigma_b=1.0), 4)
    array([[1.5   , 1.5342],
           [1.5342, 2.    ]])

    References
    ----------
    Halverson, Maiti, Stoner, arXiv:2008.08601, section 3.
    """
    activation = get_activation(activation)
    x, y = _pair(x, y)
    sigma_w, sigma_b = _sigmas(sigma_w, sigma_b)
    _check_variance(x, sigma_w, sigma_b, "x")
    _check_variance(y, sigma_w, sigma_b, "y")
    with np.errstate(under="ignore", over="ignore"):
        return _warn_overflow(
            np.asarray(sigma_b**2 + sigma_w**2 * _hidden_correlation(activation, x, y, sigma_w, sigma_b)),
            activation.name,
            sigma_w,
        )


def _warn_overflow(values: np.ndarray, activation: str, sigma_w: float) -> np.ndarray:
    """Return ``values``, warning (NumericalOverflowWarning) when some entries are not finite."""
    bad = ~np.isfinite(values)
    if np.any(bad):
        warnings.warn(
            f"the {activation} kernel overflowed float64 at {int(bad.sum())} of {values.size} entries "
            f"(sigma_w={sigma_w:g}): those entries are inf, not values; the Exp-net kernel grows like "
            "exp(2 sigma_w^2 |x|^2 / d_in), so use smaller sigma_w |x|",
            NumericalOverflowWarning,
            stacklevel=3,
        )
    return values


@dataclass(frozen=True)
class GaussFourier:
    """Momentum-space form of the Gauss-net amputation kernel (docs/theory/nn_qft.md).

    With d = d_in,

        K_w(p)      = sigma_w^2 (2 pi d / sigma_w^2)^(d/2) exp(-d p^2 / (2 sigma_w^2)),
        1 / K_w(p)  = A exp(d p^2 / (2 sigma_w^2)),   A = sigma_w^-2 (sigma_w^2 / (2 pi d))^(d/2),
                    = Z (p^2 + m^2) + O(p^4),        m^2 = 2 sigma_w^2 / d,  Z = A d / (2 sigma_w^2).

    The Fourier convention is K_w(p) = int d^d x exp(-i p.x) K_w(x). ``A`` and ``Z`` are stored
    with their natural logarithms, which stay finite when the powers over- or underflow (d ~ 1000).

    Attributes
    ----------
    sigma_w : float
    d_in : int
    mass2 : float
        m^2 = 2 sigma_w^2 / d_in.
    log_A, A : float
        Amplitude of the kinetic operator (A may be 0 or inf in float64 when log_A is extreme).
    log_Z, Z : float
        Wave-function normalisation Z = A d / (2 sigma_w^2).
    """

    sigma_w: float
    d_in: int
    mass2: float
    log_A: float
    A: float
    log_Z: float
    Z: float

    def __post_init__(self):
        check_scale("sigma_w", self.sigma_w)
        check_int("d_in", self.d_in, minimum=1)

    def _exponent(self, p):
        p = check_array("p", p)
        if np.any(p < 0):
            raise InvalidArgumentError("p is the momentum magnitude |p| and must be >= 0")
        return self.d_in * p**2 / (2.0 * self.sigma_w**2)

    def kernel_w(self, p) -> np.ndarray:
        """K_w(p) at momentum magnitude ``p = |p|`` (array of any shape, >= 0)."""
        with np.errstate(over="ignore", under="ignore"):
            return np.exp(-self.log_A - self._exponent(p))

    def kinetic(self, p) -> np.ndarray:
        """The inverse kernel 1 / K_w(p) = A exp(d p^2 / (2 sigma_w^2)) at ``p = |p|``."""
        with np.errstate(over="ignore", under="ignore"):
            return np.exp(self.log_A + self._exponent(p))

    def kinetic_quadratic(self, p) -> np.ndarray:
        """Its truncation to order p^2, Z (p^2 + m^2)."""
        with np.errstate(over="ignore", under="ignore"):
            return self.Z * (np.asarray(p, dtype=float) ** 2 + self.mass2)


def gauss_fourier(sigma_w, d_in) -> GaussFourier:
    """Momentum-space data of the Gauss-net kernel: m^2, A and Z (docs/theory/nn_qft.md).

    Parameters
    ----------
    sigma_w : float
        Weight scale, > 0.
    d_in : int
        Input dimension d, >= 1.

    Returns
    -------
    GaussFourier

    Examples
    --------
    >>> g = gauss_fourier(1.0, 1)
    >>> round(g.mass2, 6), round(g.A * math.sqrt(2 * math.pi), 6)
    (2.0, 1.0)
    """
    sigma_w = check_scale("sigma_w", sigma_w)
    d_in = check_int("d_in", d_in, minimum=1)
    log_a = -2.0 * math.log(sigma_w) + 0.5 * d_in * math.log(sigma_w**2 / (2.0 * math.pi * d_in))
    log_z = log_a + math.log(d_in / (2.0 * sigma_w**2))
    with np.errstate(over="ignore", under="ignore"):
        a = float(np.exp(log_a))
        z = float(np.exp(log_z))
    return GaussFourier(
        sigma_w=sigma_w, d_in=d_in, mass2=2.0 * sigma_w**2 / d_in, log_A=log_a, A=a, log_Z=log_z, Z=z
    )


#: Sobol points per scramble and independent scrambles of :func:`gaussian_product_qmc`.
QMC_POINTS = 1 << 14
QMC_SCRAMBLES = 8


def gaussian_product_qmc(activation, cov, *, points: int = QMC_POINTS, scrambles: int = QMC_SCRAMBLES, seed: int = 0):
    """E prod_i phi(z_i) for z ~ N(0, cov) by randomised quasi-Monte Carlo, with a standard error.

    The activation's own n-point rule is used where it applies (closed forms for gauss, exp and linear, the
    angular rule for ReLU at covariance rank <= 2; error 0). Otherwise z = A xi over the r directions of the
    covariance's range (xi ~ N(0, I_r)), xi from ``scrambles`` independently scrambled Sobol sequences of
    ``points`` points each, mapped by the normal quantile; the value is the mean over the scrambles and the error
    their standard error. ReLU is positively homogeneous, so its radius is integrated exactly (E rho^n) and only
    the direction xi / |xi| is sampled. Cost: B x points x scrambles evaluations, against n^r for a tensor-product
    rule; at rank 4 (four distinct inputs) the relative error is about 1e-5 for erf and tanh and 1e-4 for ReLU
    (tests/test_readings_propagator.py compares with Gauss-Hermite). Deterministic for a given ``seed``.

    Parameters
    ----------
    activation : str
    cov : array, shape (..., n, n)
        Positive semi-definite.
    points, scrambles : int
        Powers of two are best for ``points``; ``scrambles`` >= 2 (the error needs two).
    seed : int

    Returns
    -------
    value, error : ndarray, shape (...)
    """
    from scipy.special import gammaln, ndtri
    from scipy.stats import qmc

    from .gaussian import range_factor

    act = get_activation(activation)
    cov = check_array("cov", cov)
    if cov.ndim < 2 or cov.shape[-1] != cov.shape[-2]:
        raise InvalidArgumentError(f"cov must have shape (..., n, n), got {cov.shape}")
    points = check_int("points", points, minimum=16)
    scrambles = check_int("scrambles", scrambles, minimum=2)
    batch, n = cov.shape[:-2], cov.shape[-1]
    flat = cov.reshape(-1, n, n)
    if act.product_moment is not None:
        exact = act.product_moment(flat)
        if exact is not None:
            return np.asarray(exact, dtype=float).reshape(batch), np.zeros(batch)
    factor, rank = range_factor(flat)
    variances = np.einsum("bii->bi", flat)
    homogeneous = act.name == "relu"
    radial = math.exp(0.5 * n * math.log(2.0) + gammaln(0.5 * (rank + n)) - gammaln(0.5 * rank)) if homogeneous \
        else 1.0
    chunk = max(1, (1 << 22) // (points * n))
    estimates = np.empty((scrambles, len(flat)))
    for s in range(scrambles):
        u = qmc.Sobol(rank, scramble=True, seed=np.random.default_rng([seed, s])).random(points)
        xi = ndtri(u)
        if homogeneous:
            xi /= np.linalg.norm(xi, axis=1, keepdims=True)
        for start in range(0, len(flat), chunk):
            stop = min(start + chunk, len(flat))
            z = np.einsum("pr,bnr->bpn", xi, factor[start:stop])
            if act.normalised:
                z -= variances[start:stop, None, :]
            with np.errstate(over="ignore", under="ignore"):
                estimates[s, start:stop] = np.prod(act(z), axis=-1).mean(axis=-1)
    value = radial * estimates.mean(axis=0)
    error = radial * estimates.std(axis=0, ddof=1) / math.sqrt(scrambles)
    return value.reshape(batch), error.reshape(batch)

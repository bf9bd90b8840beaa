"""The quartic coupling of the scalar NN-QFT by amputation, its scaling fits, and Gauss-net momentum data.

Conventions (docs/theory/nn_qft.md)
--------------------------------
The action is ``S[f] = 1/2 int f K_w^{-1} f + int d^{d_in}y [u4 f^4/4! + u6 f^6/6! + ...]`` with
``K_w = K - sigma_b^2`` (the bias constant is a zero mode, removed before amputation). To first order
in the coupling

    u4 = - Delta G4(x1..x4) / I(x1..x4),     I = int d^{d_in}y prod_{i=1}^4 K_w(x_i, y),

with ``Delta G4 = G4_measured - G4_GP`` (the GP Wick sum of K over the three pairings removed); for
one hidden layer ``Delta G4 = G4c`` exactly. ``u4`` multiplies ``f^4/4!``; Halverson-Maiti-Stoner
write ``lambda f^4`` with ``lambda = u4/4!``. Couplings here are in the *measured* normalisation
(the field f as the network outputs it, inputs x as given).

Gauss-net: ``K_w(x, y) = sigma_w^2 exp(-a |x - y|^2)``, ``a = sigma_w^2/(2 d_in)``, and the
y-integral is Gaussian, for every d_in:

    I = sigma_w^8 (pi / (4 a))^{d_in/2} exp(-a sum_i |x_i - xbar|^2),   xbar = (x1+x2+x3+x4)/4.

Other kernels grow or saturate at large |y| and the integral needs an input-space cutoff
``|y| < Lambda`` (HMS's "running with Lambda"; not the RG scale k). It is done numerically: Gauss-
Legendre on geometric radial panels times an angular rule (d_in = 1, 2, 3).

Momentum space (Gauss-net): ``K_w(p) = sigma_w^2 (2 pi d/sigma_w^2)^{d/2} exp(-d p^2/(2 sigma_w^2))``;
its inverse ``A exp(d p^2/(2 sigma_w^2))``, ``A = sigma_w^-2 (sigma_w^2/(2 pi d))^{d/2}``, is
``Z (p^2 + m^2)`` to order p^2 with ``m^2 = 2 sigma_w^2/d`` and ``Z = A d/(2 sigma_w^2)``. In the
field normalised by Z, ``phi = sqrt(Z) f``, the quartic coupling is ``Z^-2 u4``
(:func:`u4_field_normalised`; m^2, A and Z are :func:`tensornn.kernels.gauss_fourier`).

Scaling (active RG): at fixed rescaled inputs ``y_i = sigma_w x_i / sqrt(d_in)`` and sigma_b, the
preactivation covariance is fixed, so ``G4c ~ sigma_w^4/N`` and ``u4 ~ sigma_w^(d_in - 4)/N``;
``Z^-2 u4 ~ sigma_w^(4 - d_in)``.

References
----------
Halverson, Maiti, Stoner, arXiv:2008.08601; Erbin, Lahoche, Ousmane Samary, arXiv:2108.01403.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._checks import check_array, check_choice, check_int, check_real
from .errors import InvalidArgumentError
from .exact import EXACT_ACTIVATIONS, _stack_points, g4_connected_exact
from .kernels import gauss_fourier, kernel, kernel_w

__all__ = [
    "CouplingEstimate",
    "PowerLawFit",
    "amputation_integral",
    "gauss_amputation_integral",
    "ball_quadrature",
    "u4_exact",
    "u4_from_measurement",
    "measure_u4",
    "fit_power_law",
    "u4_field_normalised",
    "inputs_from_rescaled",
]

_RADIAL_NODES = 24
_ANGULAR_NODES = {2: 128, 3: 48}


@dataclass(frozen=True)
class CouplingEstimate:
    """A coupling with its standard error (``f^4/4!`` normalisation for u4).

    Attributes
    ----------
    value, error : ndarray
        ``u4`` and its standard error (0 for exact values).
    delta_g4, delta_g4_error : ndarray
        The amputated correlator and its standard error.
    amputation : ndarray
        ``int d^{d_in}y prod_i K_w(x_i, y)``.
    """

    value: np.ndarray
    error: np.ndarray
    delta_g4: np.ndarray
    delta_g4_error: np.ndarray
    amputation: np.ndarray

    def __repr__(self) -> str:
        v, e = np.ravel(self.value), np.ravel(self.error)
        head = ", ".join(f"{a:.4g} +- {b:.2g}" for a, b in zip(v[:4], e[:4]))
        more = ", ..." if v.size > 4 else ""
        return f"CouplingEstimate(u4=[{head}{more}] (f^4/4! normalisation))"


@dataclass(frozen=True)
class PowerLawFit:
    """Weighted least-squares fit of ``log|y| = intercept + slope log x``.

    ``prefactor = sign exp(intercept)``; errors are one standard error. ``chi2``/``dof`` judge the
    fit when errors were given; without them the slope error comes from the residual scatter.
    """

    slope: float
    slope_error: float
    intercept: float
    intercept_error: float
    chi2: float
    dof: int
    sign: int

    @property
    def prefactor(self) -> float:
        return self.sign * math.exp(self.intercept)

    def __repr__(self) -> str:
        return (
            f"PowerLawFit(slope={self.slope:.5g} +- {self.slope_error:.2g}, "
            f"intercept={self.intercept:.5g} +- {self.intercept_error:.2g}, chi2/dof={self.chi2:.3g}/{self.dof})"
        )


def _check_cutoff(activation, cutoff):
    if activation == "gauss":
        if cutoff is not None:
            raise InvalidArgumentError(
                f"cutoff={cutoff!r} given for the Gauss-net, whose y-integral converges in closed form; "
                "pass cutoff=None"
            )
        return None
    if cutoff is None:
        raise InvalidArgumentError(
            f"the {activation!r} kernel does not decay at large |y|, so the amputation integral needs an "
            "input-space cutoff; pass cutoff=Lambda > 0"
        )
    return check_real("cutoff", cutoff, positive=True)


def gauss_amputation_integral(x1, x2, x3, x4, *, sigma_w):
    """``int d^{d_in}y prod_i K_w(x_i, y)`` for the Gauss-net kernel, in closed form.

    ``I = sigma_w^8 (pi d_in / (2 sigma_w^2))^{d_in/2} exp(-(sigma_w^2/(2 d_in)) sum_i |x_i - xbar|^2)``.

    Parameters
    ----------
    x1, x2, x3, x4 : array_like, shape (..., d_in)
    sigma_w : float

    Returns
    -------
    ndarray, shape (...)

    Examples
    --------
    >>> round(float(gauss_amputation_integral([0.0], [0.0], [0.0], [0.0], sigma_w=1.0)), 12)  # sqrt(pi/2)
    1.253314137316
    """
    sigma_w = check_real("sigma_w", sigma_w, positive=True)
    x = _stack_points((x1, x2, x3, x4), ("x1", "x2", "x3", "x4"))
    d_in = x.shape[-1]
    a = sigma_w**2 / (2.0 * d_in)
    spread = np.sum((x - x.mean(axis=-2, keepdims=True)) ** 2, axis=(-1, -2))
    return sigma_w**8 * (math.pi / (4.0 * a)) ** (0.5 * d_in) * np.exp(-a * spread)


def _panels(cutoff, scale):
    """Radial panel edges on [0, cutoff]: geometric towards 0 down to ~scale/8, one panel beyond."""
    edges = [cutoff]
    while edges[-1] > scale / 8.0 and len(edges) < 40:
        edges.append(edges[-1] / 2.0)
    return np.array([0.0] + edges[::-1])


def ball_quadrature(d_in, cutoff, *, scale=1.0, radial_nodes=_RADIAL_NODES, angular_nodes=None):
    """Quadrature rule for ``int_{|y| < cutoff} d^{d_in}y g(y)`` (d_in = 1, 2, 3).

    Radial: Gauss-Legendre on panels halving towards the origin down to ``scale/8`` (resolves
    structure near the inputs and kinks at y = 0). Angular: the two signs (d_in = 1), the
    trapezoid rule in the angle (d_in = 2), Gauss-Legendre in cos(theta) times the trapezoid
    rule in phi (d_in = 3).

    Returns
    -------
    points : ndarray, shape (P, d_in)
    weights : ndarray, shape (P,)
    """
    d_in = check_int("d_in", d_in, minimum=1)
    if d_in > 3:
        raise InvalidArgumentError(
            f"the cutoff y-integral is implemented for d_in <= 3, got d_in={d_in}; use the Gauss-net "
            "(closed form) or fewer input dimensions"
        )
    cutoff = check_real("cutoff", cutoff, positive=True)
    scale = check_real("scale", scale, positive=True)
    t, w = np.polynomial.legendre.leggauss(check_int("radial_nodes", radial_nodes, minimum=2))
    edges = _panels(cutoff, scale)
    lo, hi = edges[:-1, None], edges[1:, None]
    r = (0.5 * (hi - lo) * t + 0.5 * (hi + lo)).ravel()
    wr = (0.5 * (hi - lo) * w).ravel() * r ** (d_in - 1)
    if d_in == 1:
        return np.concatenate([r, -r])[:, None], np.concatenate([wr, wr])
    m = angular_nodes if angular_nodes is not None else _ANGULAR_NODES[d_in]
    m = check_int("angular_nodes", m, minimum=4)
    phi = 2.0 * math.pi * np.arange(m) / m
    wphi = np.full(m, 2.0 * math.pi / m)
    if d_in == 2:
        dirs, wdir = np.stack([np.cos(phi), np.sin(phi)], axis=-1), wphi
    else:
        u, wu = np.polynomial.legendre.leggauss(m // 2)
        su = np.sqrt(1.0 - u**2)
        dirs = np.stack(
            [np.outer(su, np.cos(phi)), np.outer(su, np.sin(phi)), np.outer(u, np.ones(m))], axis=-1
        ).reshape(-1, 3)
        wdir = np.outer(wu, wphi).ravel()
    points = (r[:, None, None] * dirs[None, :, :]).reshape(-1, d_in)
    weights = np.outer(wr, wdir).ravel()
    return points, weights


def amputation_integral(activation, x1, x2, x3, x4, *, sigma_w, sigma_b=0.0, bias=True, cutoff=None):
    """``I = int d^{d_in}y prod_{i=1}^4 K_w(x_i, y)``, the amputation factor of u4.

    Parameters
    ----------
    activation : {"gauss", "exp", "erf", "relu"}
    x1, x2, x3, x4 : array_like, shape (..., d_in)
    sigma_w, sigma_b : float
        ``K_w = K - sigma_b^2`` (sigma_b -> 0 when ``bias=False``).
    bias : bool
    cutoff : float or None
        Input-space cutoff Lambda (``|y| < Lambda``). Must be None for the Gauss-net (closed form,
        convergent) and a positive number for every other kernel.

    Returns
    -------
    ndarray, shape (...)

    Raises
    ------
    InvalidArgumentError
        A cutoff given for the Gauss-net, missing for another kernel, or d_in > 3 with a cutoff.
    """
    activation = check_choice("activation", activation, EXACT_ACTIVATIONS)
    cutoff = _check_cutoff(activation, cutoff)
    if activation == "gauss":
        return gauss_amputation_integral(x1, x2, x3, x4, sigma_w=sigma_w)
    sigma_w = check_real("sigma_w", sigma_w, positive=True)
    sigma_b = check_real("sigma_b", sigma_b, minimum=0.0) if bias else 0.0
    x = _stack_points((x1, x2, x3, x4), ("x1", "x2", "x3", "x4"))
    d_in = x.shape[-1]
    scale = max(float(np.min(np.linalg.norm(x, axis=-1))), 1e-3 * cutoff, 1e-300)
    points, weights = ball_quadrature(d_in, cutoff, scale=min(scale, cutoff))
    flat = x.reshape(-1, 4, d_in)
    out = np.empty(flat.shape[0])
    for b in range(flat.shape[0]):
        product = np.ones(points.shape[0])
        for i in range(4):
            product *= kernel_w(activation, flat[b, i], points, sigma_w=sigma_w, sigma_b=sigma_b)
        out[b] = weights @ product
    return out.reshape(x.shape[:-2])


def u4_exact(activation, x1, x2, x3, x4, *, width, sigma_w, sigma_b=0.0, bias=True, cutoff=None, nodes=None):
    """Exact first-order quartic coupling ``u4 = -G4c / I`` of the single-hidden-layer network.

    ``u4`` multiplies ``f^4/4!`` in the action (HMS's ``lambda = u4/4!``); measured normalisation.
    Arguments as :func:`tensornn.exact.g4_connected_exact` and :func:`amputation_integral`.

    Returns
    -------
    ndarray, shape (...)

    Examples
    --------
    >>> args = ([0.01], [0.02], [-0.01], [0.0])
    >>> u10 = u4_exact("gauss", *args, width=10, sigma_w=50.0, sigma_b=0.0)
    >>> u20 = u4_exact("gauss", *args, width=20, sigma_w=50.0, sigma_b=0.0)
    >>> round(float(u10 / u20), 12)  # |u4| falls as 1/N
    2.0
    """
    activation = check_choice("activation", activation, EXACT_ACTIVATIONS)
    amputation = amputation_integral(
        activation, x1, x2, x3, x4, sigma_w=sigma_w, sigma_b=sigma_b, bias=bias, cutoff=cutoff
    )
    g4 = g4_connected_exact(
        activation, x1, x2, x3, x4, width=width, sigma_w=sigma_w, sigma_b=sigma_b, bias=bias, nodes=nodes
    )
    return -g4 / amputation


def u4_from_measurement(
    activation, x1, x2, x3, x4, *, delta_g4, delta_g4_error, sigma_w, sigma_b=0.0, bias=True, cutoff=None
) -> CouplingEstimate:
    """Quartic coupling from a measured ``Delta G4 = G4 - G4_GP`` with its standard error.

    ``u4 = -Delta G4 / I`` and ``error(u4) = error(Delta G4) / |I|`` (I is exact, see
    :func:`amputation_integral`). ``f^4/4!`` normalisation.

    Parameters
    ----------
    delta_g4, delta_g4_error : array_like, shape (...)
        The measured connected 4-point function at the quadruples and its standard error (>= 0).
    Other parameters as :func:`amputation_integral`.

    Returns
    -------
    CouplingEstimate
    """
    amputation = amputation_integral(
        activation, x1, x2, x3, x4, sigma_w=sigma_w, sigma_b=sigma_b, bias=bias, cutoff=cutoff
    )
    g4 = check_array("delta_g4", delta_g4)
    err = check_array("delta_g4_error", delta_g4_error)
    if np.any(err < 0):
        raise InvalidArgumentError("delta_g4_error must be >= 0 (a standard error)")
    try:
        g4, err, amputation = np.broadcast_arrays(g4, err, amputation)
    except ValueError:
        raise InvalidArgumentError(
            f"delta_g4 {g4.shape}, delta_g4_error {err.shape} and the quadruples {np.shape(amputation)} "
            "must broadcast"
        ) from None
    return CouplingEstimate(-g4 / amputation, err / np.abs(amputation), g4, err, amputation)


def fit_power_law(x, y, yerr=None) -> PowerLawFit:
    """Fit ``|y| = c x^slope`` by (weighted) least squares in log-log.

    ``log|y_i| = intercept + slope log x_i`` with weights ``1/sigma_i^2``, ``sigma_i = yerr_i/|y_i|``
    (the error of log|y| to first order). Without ``yerr`` the fit is unweighted and the
    parameter errors are scaled by the residual scatter (zero for an exact power law).

    Parameters
    ----------
    x : array_like, shape (n,)
        Positive abscissae (n >= 2; n >= 3 for errors without yerr).
    y : array_like, shape (n,)
        Non-zero values of one sign.
    yerr : array_like, shape (n,), optional
        Standard errors of y (> 0).

    Returns
    -------
    PowerLawFit

    Examples
    --------
    >>> fit = fit_power_law([1.0, 2.0, 4.0], [3.0, 1.5, 0.75])
    >>> round(fit.slope, 12), round(fit.prefactor, 12)
    (-1.0, 3.0)
    """
    x = check_array("x", x, ndim=1)
    y = check_array("y", y, ndim=1)
    if x.shape != y.shape or x.size < 2:
        raise InvalidArgumentError(f"x and y must have the same length >= 2, got {x.shape} and {y.shape}")
    if np.any(x <= 0):
        raise InvalidArgumentError("x must be positive for a log-log fit")
    if np.any(y == 0) or (np.any(y > 0) and np.any(y < 0)):
        raise InvalidArgumentError(
            "y must be non-zero and of one sign for a log-log fit; values consistent with zero cannot be fitted"
        )
    lx, ly = np.log(x), np.log(np.abs(y))
    design = np.stack([np.ones_like(lx), lx], axis=-1)
    if yerr is not None:
        yerr = check_array("yerr", yerr, ndim=1)
        if yerr.shape != y.shape or np.any(yerr <= 0):
            raise InvalidArgumentError(f"yerr must be positive with the shape of y {y.shape}")
        w = (np.abs(y) / yerr) ** 2
    else:
        w = np.ones_like(ly)
    normal = design.T @ (w[:, None] * design)
    cov = np.linalg.inv(normal)
    beta = cov @ (design.T @ (w * ly))
    resid = ly - design @ beta
    chi2 = float(np.sum(w * resid**2))
    dof = x.size - 2
    if yerr is None:
        cov = cov * (chi2 / dof if dof > 0 else np.nan)
    sign = 1 if y[0] > 0 else -1
    return PowerLawFit(float(beta[1]), float(math.sqrt(cov[1, 1])), float(beta[0]), float(math.sqrt(cov[0, 0])),
                       chi2, dof, sign)


def u4_field_normalised(u4, *, sigma_w, d_in):
    """Gauss-net ``Z^-2 u4``: the quartic coupling of the field ``phi = sqrt(Z) f``.

    Scales as ``sigma_w^(4 - d_in)`` at fixed rescaled inputs (docs/theory/nn_qft.md). Z, and the mass
    ``m^2 = 2 sigma_w^2/d_in``, come from :func:`tensornn.kernels.gauss_fourier`.
    """
    z = gauss_fourier(sigma_w, d_in).Z
    return check_array("u4", u4) / z**2


def inputs_from_rescaled(y, *, sigma_w):
    """Inputs ``x = sqrt(d_in) y / sigma_w`` from rescaled inputs y of shape (..., d_in)."""
    sigma_w = check_real("sigma_w", sigma_w, positive=True)
    y = check_array("y", y)
    if y.ndim < 1:
        raise InvalidArgumentError(f"y must have shape (..., d_in), got a scalar")
    return math.sqrt(y.shape[-1]) * y / sigma_w


def measure_u4(
    activation,
    inputs,
    quadruples,
    *,
    width,
    sigma_w,
    sigma_b=0.0,
    bias=True,
    cutoff=None,
    networks,
    seed=None,
    subtract="gp",
    executor=None,
) -> CouplingEstimate:
    """Measure u4 from a sampled ensemble of single-hidden-layer networks (f^4/4! normalisation).

    Samples ``networks`` networks with :func:`tensornn.ensemble.sample_ensemble`, measures
    ``Delta G4`` on each quadruple with jackknife errors and amputates it with
    :func:`u4_from_measurement`.

    Parameters
    ----------
    activation : {"gauss", "exp", "erf", "relu"}
    inputs : array_like, shape (P, d_in)
    quadruples : sequence of 4-tuples of int
        Indices into ``inputs``.
    width : int
    sigma_w, sigma_b, bias, cutoff
        As :func:`amputation_integral`.
    networks : int
        Ensemble size.
    seed : None, int, SeedSequence or Generator
    subtract : {"gp", "connected"}
        ``"gp"``: ``Delta G4 = G4 - Wick(K)`` as in docs/theory/nn_qft.md (the kernel's Wick sum);
        ``"connected"``: the connected estimator ``G4 - Wick(G2_measured)``, equal in expectation for
        one layer and usually less noisy.
    executor : concurrent.futures.Executor, optional
        Passed to :func:`~tensornn.ensemble.sample_ensemble`.

    Returns
    -------
    CouplingEstimate
        One entry per quadruple.
    """
    from .correlators import four_point, wick_sum
    from .ensemble import sample_ensemble
    from .networks import ScalarNetwork

    subtract = check_choice("subtract", subtract, ("gp", "connected"))
    activation = check_choice("activation", activation, EXACT_ACTIVATIONS)
    _check_cutoff(activation, cutoff)
    x = check_array("inputs", inputs)
    if x.ndim != 2:
        raise InvalidArgumentError(f"inputs must have shape (P, d_in), got {x.shape}")
    net = ScalarNetwork(activation, d_in=x.shape[1], width=width, sigma_w=sigma_w, sigma_b=sigma_b, bias=bias)
    quads = [tuple(q) for q in quadruples]
    if not quads or any(len(q) != 4 or not all(0 <= int(i) < len(x) for i in q) for q in quads):
        raise InvalidArgumentError(
            f"quadruples must be a non-empty list of 4-tuples of indices in 0..{len(x) - 1}, got {quadruples!r}"
        )
    moments = sample_ensemble(net, x, networks, seed=seed, tuples=quads, executor=executor)
    k = kernel(activation, x[:, None], x[None], sigma_w=net.sigma_w, sigma_b=net.effective_sigma_b)
    values, errors = [], []
    for q in quads:
        if subtract == "connected":
            est = four_point(moments, q, connected=True, warn=False)
            values.append(est.value)
        else:
            est = four_point(moments, q, connected=False, warn=False)
            values.append(est.value - float(wick_sum(k, q)))
        errors.append(est.stderr)
    idx = np.array(quads, dtype=int)
    return u4_from_measurement(
        activation,
        *(x[idx[:, i]] for i in range(4)),
        delta_g4=np.array(values),
        delta_g4_error=np.array(errors),
        sigma_w=sigma_w,
        sigma_b=sigma_b,
        bias=bias,
        cutoff=cutoff,
    )

"""Amputation: the quartic vertex with its four legs joined to the inputs by the free propagator.

To first order in the coupling, a local quartic vertex ``u4 f^4/4!`` contributes

    G4c(x1..x4) = - u4 I(x1..x4),     I = int d^{d_in}y prod_{i=1}^4 K_w(x_i, y),

with ``K_w = K - sigma_b^2`` (the bias constant is a zero mode, removed before amputation;
docs/theory/nn_qft.md). For a Gaussian kernel ``K_w(x, y) = sigma_v^2 exp(-sum_i alpha_i (x_i - y_i)^2)``
(the Gauss-net, plain or in colour blocks) the integral is Gaussian in every component:

    I = sigma_v^8 prod_i sqrt(pi / (4 alpha_i)) exp(-alpha_i sum_a (x_a,i - xbar_i)^2),   xbar = (x1+..+x4)/4.

Other kernels grow or saturate at large |y|, and the integral needs an input-space cutoff
``|y| < Lambda`` (HMS's "running with Lambda", not the RG scale k); it is done numerically with
Gauss-Legendre on geometric radial panels times an angular rule (d_in = 1, 2, 3).

:func:`amputation` takes any network spec that supplies ``kernel_w`` (and, for the closed form,
``gauss_kernel_widths``); :func:`amputation_integral` is the same for a scalar network given by its
activation and scales.

References
----------
Halverson, Maiti, Stoner, arXiv:2008.08601.
"""

from __future__ import annotations

import math

import numpy as np

from .._checks import check_int, check_real, check_scale
from ..correlators.exact import _stack_points
from ..errors import InvalidArgumentError, InvalidTypeError
from ..networks.activations import get_activation
from ..networks.kernels import kernel_w

__all__ = ["amputate", "amputation_integral", "gauss_amputation_integral", "ball_quadrature"]

_RADIAL_NODES = 24
_ANGULAR_NODES = {2: 128, 3: 48}


def _gaussian_integral(x, amplitude2, alpha):
    """sigma_v^8 prod_i sqrt(pi/(4 alpha_i)) exp(-alpha_i sum_a (x_a,i - xbar_i)^2) for x of shape (..., 4, d)."""
    spread = np.sum(alpha * np.sum((x - x.mean(axis=-2, keepdims=True)) ** 2, axis=-2), axis=-1)
    log_volume = 0.5 * np.sum(np.log(math.pi / (4.0 * alpha)))
    with np.errstate(over="ignore", under="ignore"):
        return amplitude2**4 * np.exp(log_volume - spread)


def _quadrature_integral(kernel_w_fn, x, cutoff):
    d_in = x.shape[-1]
    scale = max(float(np.min(np.linalg.norm(x, axis=-1))), 1e-3 * cutoff, 1e-300)
    points, weights = ball_quadrature(d_in, cutoff, scale=min(scale, cutoff))
    flat = x.reshape(-1, 4, d_in)
    out = np.empty(flat.shape[0])
    for b in range(flat.shape[0]):
        product = np.ones(points.shape[0])
        for i in range(4):
            product *= kernel_w_fn(flat[b, i], points)
        out[b] = weights @ product
    return out.reshape(x.shape[:-2])


def amputate(network, x1, x2, x3, x4, *, cutoff=None) -> np.ndarray:
    """``I = int d^{d_in}y prod_{i=1}^4 K_w(x_i, y)`` for a network spec.

    Parameters
    ----------
    network : network spec
        Supplies ``kernel_w(x, y)`` and ``gauss_kernel_widths()`` (the alpha_i of a Gaussian kernel,
        or None): :class:`~tensornn.networks.scalar.ScalarNetwork`,
        :class:`~tensornn.networks.blocks.BlockGaussNetwork`.
    x1, x2, x3, x4 : array_like, shape (..., d_in)
    cutoff : float or None
        Input-space cutoff Lambda; None for Gaussian kernels (closed form), required otherwise.

    Returns
    -------
    ndarray, shape (...)

    Raises
    ------
    InvalidArgumentError, InvalidTypeError
        A network without a kernel, a cutoff given for a Gaussian kernel or missing for another one.

    Examples
    --------
    >>> from tensornn.networks import ScalarNetwork
    >>> net = ScalarNetwork("gauss", d_in=1, width=1, sigma_w=1.0)
    >>> round(float(amputate(net, [0.0], [0.0], [0.0], [0.0])), 12)  # sqrt(pi/2)
    1.253314137316
    """
    if not hasattr(network, "kernel_w"):
        raise InvalidTypeError(f"network must supply kernel_w(x, y) (a network spec), got {type(network).__name__}")
    x = _stack_points((x1, x2, x3, x4), ("x1", "x2", "x3", "x4"))
    widths = network.gauss_kernel_widths() if hasattr(network, "gauss_kernel_widths") else None
    if widths is not None:
        if cutoff is not None:
            raise InvalidArgumentError(
                f"cutoff={cutoff!r} given for a Gaussian kernel, whose y-integral converges in closed form; "
                "pass cutoff=None"
            )
        if x.shape[-1] != widths.size:
            raise InvalidArgumentError(f"inputs must have d_in = {widths.size} components, got {x.shape[-1]}")
        amplitude2 = float(network.kernel_w(np.zeros(widths.size), np.zeros(widths.size)))
        return _gaussian_integral(x, amplitude2, widths)
    if cutoff is None:
        raise InvalidArgumentError(
            f"the kernel of {network!r} does not decay at large |y|, so the amputation integral needs an "
            "input-space cutoff; pass cutoff=Lambda > 0"
        )
    cutoff = check_real("cutoff", cutoff, positive=True)
    return _quadrature_integral(network.kernel_w, x, cutoff)


def _check_cutoff(activation, cutoff):
    if activation.normalised:  # the Gauss-net: a Gaussian kernel, whose integral converges
        if cutoff is not None:
            raise InvalidArgumentError(
                f"cutoff={cutoff!r} given for the Gauss-net, whose y-integral converges in closed form; "
                "pass cutoff=None"
            )
        return None
    if cutoff is None:
        raise InvalidArgumentError(
            f"the {activation.name!r} kernel does not decay at large |y|, so the amputation integral needs an "
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
    sigma_w = check_scale("sigma_w", sigma_w)
    x = _stack_points((x1, x2, x3, x4), ("x1", "x2", "x3", "x4"))
    d_in = x.shape[-1]
    return _gaussian_integral(x, sigma_w**2, np.full(d_in, sigma_w**2 / (2.0 * d_in)))


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
    activation : str
        A registered activation.
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
    act = get_activation(activation)
    cutoff = _check_cutoff(act, cutoff)
    if act.normalised:
        return gauss_amputation_integral(x1, x2, x3, x4, sigma_w=sigma_w)
    sigma_w = check_scale("sigma_w", sigma_w)
    sigma_b = check_scale("sigma_b", sigma_b, allow_zero=True) if bias else 0.0
    x = _stack_points((x1, x2, x3, x4), ("x1", "x2", "x3", "x4"))
    return _quadrature_integral(lambda a, b: kernel_w(act.name, a, b, sigma_w=sigma_w, sigma_b=sigma_b), x, cutoff)

"""Scans of the quartic coupling u4 against width, weight scale and input cutoff, with power-law fits.

Each scan evaluates u4 (``f^4/4!`` normalisation, docs/theory/nn_qft.md) on one input quadruple at
a list of parameter values, exactly (:func:`tensornn.couplings.quartic.u4_exact`) or from sampled
ensembles (:func:`tensornn.couplings.quartic.measure_u4`), and fits ``|u4| = c p^slope`` in log-log.
Each point of a measured scan has its own stream, ``child_seed(seed, point)`` (:mod:`tensornn._random`).

Expected slopes:

- width N: -1 (one hidden layer: exactly, since G4c ~ 1/N and the kernel does not depend on N);
- sigma_w at fixed rescaled inputs ``y = sigma_w x / sqrt(d_in)`` (Gauss-net): ``d_in - 4`` for
  u4, ``4 - d_in`` for the field-normalised ``Z^-2 u4``;
- cutoff Lambda (ReLU): ``-(d_in + 4)`` as Lambda -> infinity.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import warnings

from .._frames import repr_html, to_frame
from .._checks import check_array, check_count, check_int
from .._random import child_seed, root_entropy
from ..errors import InvalidArgumentError
from ..networks.activations import get_activation
from ..networks.scalar import ScalarNetwork
from .fits import PowerLawFit, fit_power_law
from .normalisation import inputs_from_rescaled, u4_field_normalised
from .quartic import measure_u4, u4_exact

__all__ = ["CouplingScan", "scan_width", "scan_sigma_w", "scan_cutoff"]


@dataclass(frozen=True)
class CouplingScan:
    """u4 at a list of parameter values and the log-log fit.

    Attributes
    ----------
    parameter : str
        "width", "sigma_w" or "cutoff".
    values : ndarray, shape (n,)
    u4, u4_error : ndarray, shape (n,)
        Coupling (f^4/4! normalisation) and its standard error (0 when exact).
    fit : PowerLawFit or None
        None when the values could not be fitted (a sign change or a zero: see ``message``).
    expected_slope : float or None
        The predicted slope (asymptotic for the cutoff scan).
    u4_normalised : ndarray or None
        ``Z^-2 u4`` (Gauss-net sigma_w scan only) and ``normalised_fit`` its fit.
    mode : str
        "exact" or "measured".
    message : str
    """

    parameter: str
    values: np.ndarray
    u4: np.ndarray
    u4_error: np.ndarray
    fit: PowerLawFit | None
    expected_slope: float | None
    mode: str
    message: str = ""
    u4_normalised: np.ndarray | None = None
    normalised_fit: PowerLawFit | None = None

    @property
    def success(self) -> bool:
        return self.fit is not None

    def _table(self):
        return {self.parameter: self.values, "u4": self.u4, "u4_error": self.u4_error}, self.parameter

    def to_frame(self):
        """One row per scanned value (the index): u4 and its standard error as a pandas DataFrame (needs pandas: ``pip install 'tensornn[pandas]'``)."""
        return to_frame(self)

    def _repr_html_(self) -> str:
        return repr_html(self)

    def to_dict(self) -> dict:
        """A JSON-ready dictionary."""

        out = {
            "parameter": self.parameter,
            "mode": self.mode,
            "values": self.values.tolist(),
            "u4": self.u4.tolist(),
            "u4_error": self.u4_error.tolist(),
            "normalisation": "u4 multiplies f^4/4! (HMS lambda = u4/4!)",
            "fit": None if self.fit is None else self.fit.to_dict(),
            "expected_slope": self.expected_slope,
            "success": self.success,
            "message": self.message,
        }
        if self.u4_normalised is not None:
            out["u4_normalised"] = self.u4_normalised.tolist()
            out["normalised_fit"] = None if self.normalised_fit is None else self.normalised_fit.to_dict()
        return out

    def __repr__(self) -> str:
        fit = "no fit" if self.fit is None else f"slope {self.fit.slope:.5g} +- {self.fit.error:.2g}"
        return (
            f"CouplingScan({self.parameter}, {self.mode}, {len(self.values)} points, {fit}, "
            f"expected {self.expected_slope}{', ' + self.message if self.message else ''})"
        )


def _check_quadruple(quadruple, d_in=None):
    q = check_array("quadruple", quadruple)
    if q.ndim == 1 and (d_in is None or d_in == 1):
        q = q[:, None]
    if q.ndim != 2 or q.shape[0] != 4:
        raise InvalidArgumentError(
            f"quadruple must hold 4 inputs of shape (d_in,), i.e. shape (4, d_in), got shape {q.shape}"
        )
    return q


def _values(name, values, integer=False):
    v = check_array(name, values, ndim=1)
    if v.size < 2:
        raise InvalidArgumentError(f"{name} needs at least 2 values to fit a slope, got {v.size}")
    if np.any(v <= 0):
        raise InvalidArgumentError(f"{name} must be positive, got {v.tolist()}")
    if integer:
        return np.array([check_int(name, float(a), minimum=1) for a in v])
    return v


def _fit(values, u4, err, measured):
    try:
        return fit_power_law(values, u4, err if measured else None), ""
    except InvalidArgumentError as exc:
        return None, f"fit failed: {exc}"


def _u4(activation, quadruple, *, width, sigma_w, sigma_b, bias, cutoff, n_networks, seed):
    if n_networks is None:
        return float(u4_exact(activation, *quadruple, width=width, sigma_w=sigma_w, sigma_b=sigma_b, bias=bias,
                              cutoff=cutoff)), 0.0
    net = ScalarNetwork(activation, d_in=quadruple.shape[1], width=width, sigma_w=sigma_w,
                        sigma_b=sigma_b if bias else 0.0)
    est = measure_u4(net, quadruple, [(0, 1, 2, 3)], n_networks, cutoff=cutoff, seed=seed, subtract="connected",
                     exact=False)
    return float(est.value[0]), float(est.error[0])


def _seeds(seed, n):
    """Independent integer seeds, one per scan point: ``child_seed(seed, i)``."""
    entropy = root_entropy(seed)
    return [child_seed(entropy, i) for i in range(n)]


def _n_networks(n_networks, legacy):
    """``n_networks``, accepting the deprecated keyword ``networks``."""
    unknown = set(legacy) - {"networks"}
    if unknown:
        raise InvalidArgumentError(f"unknown keyword(s) {sorted(unknown)}")
    if "networks" in legacy:
        warnings.warn("the keyword 'networks' is deprecated; use n_networks", DeprecationWarning, stacklevel=3)
        if n_networks is not None:
            raise InvalidArgumentError("give n_networks or the deprecated networks, not both")
        n_networks = legacy["networks"]
    return None if n_networks is None else check_count("n_networks", n_networks)


def scan_width(activation, quadruple, widths, *, sigma_w, sigma_b=0.0, bias=True, cutoff=None,
               n_networks=None, seed=None, **legacy) -> CouplingScan:
    """u4 against the hidden width N (expected slope -1).

    Parameters
    ----------
    activation : str
        A registered activation.
    quadruple : array_like, shape (4, d_in) (or (4,) for d_in = 1)
    widths : sequence of int >= 1
    sigma_w, sigma_b, bias, cutoff
        As :func:`tensornn.couplings.quartic.u4_exact`.
    n_networks : int, optional
        None: exact u4; otherwise measured from that many networks per width (connected estimator).
    seed : None, int or SeedSequence
        Root seed; each width gets an independent child stream.
    """
    n_networks = _n_networks(n_networks, legacy)
    q = _check_quadruple(quadruple)
    widths = _values("widths", widths, integer=True)
    seeds = _seeds(seed, len(widths))
    rows = [
        _u4(activation, q, width=int(n), sigma_w=sigma_w, sigma_b=sigma_b, bias=bias, cutoff=cutoff,
            n_networks=n_networks, seed=s)
        for n, s in zip(widths, seeds)
    ]
    u4, err = np.array(rows).T
    fit, message = _fit(widths, u4, err, n_networks is not None)
    return CouplingScan("width", widths.astype(float), u4, err, fit, -1.0,
                        "exact" if n_networks is None else "measured", message)


def scan_sigma_w(rescaled_quadruple, sigma_ws, *, width, sigma_b=0.0, bias=True, n_networks=None,
                 seed=None, **legacy) -> CouplingScan:
    """Gauss-net u4 against sigma_w at fixed rescaled inputs ``y = sigma_w x / sqrt(d_in)``.

    Expected slopes: ``d_in - 4`` for u4 and ``4 - d_in`` for ``Z^-2 u4`` (docs/theory/nn_qft.md).

    Parameters
    ----------
    rescaled_quadruple : array_like, shape (4, d_in) (or (4,) for d_in = 1)
        The rescaled inputs y_i; the network inputs are ``x_i = sqrt(d_in) y_i / sigma_w``.
    sigma_ws : sequence of float > 0
    width : int
    sigma_b, bias, n_networks, seed
        As :func:`scan_width`.
    """
    n_networks = _n_networks(n_networks, legacy)
    y = _check_quadruple(rescaled_quadruple)
    d_in = y.shape[1]
    sigma_ws = _values("sigma_ws", sigma_ws)
    seeds = _seeds(seed, len(sigma_ws))
    rows = [
        _u4("gauss", inputs_from_rescaled(y, sigma_w=s), width=width, sigma_w=s, sigma_b=sigma_b, bias=bias,
            cutoff=None, n_networks=n_networks, seed=sd)
        for s, sd in zip(sigma_ws, seeds)
    ]
    u4, err = np.array(rows).T
    measured = n_networks is not None
    fit, message = _fit(sigma_ws, u4, err, measured)
    z2 = np.array([u4_field_normalised(1.0, sigma_w=s, d_in=d_in) for s in sigma_ws])
    norm, norm_err = u4 * z2, err * z2
    norm_fit, _ = _fit(sigma_ws, norm, norm_err, measured)
    return CouplingScan("sigma_w", sigma_ws, u4, err, fit, float(d_in - 4), "measured" if measured else "exact",
                        message, norm, norm_fit)


def scan_cutoff(activation, quadruple, cutoffs, *, width, sigma_w, sigma_b=0.0, bias=True) -> CouplingScan:
    """Exact u4 against the input-space cutoff Lambda.

    The cutoff only enters the amputation integral, so the scan is exact; the fit over the given
    range shows the approach to the asymptotic slope (corrections of order |x|/Lambda). For an activation
    that grows linearly (relu, gelu, linear) K_w grows like |y|, the integral like Lambda^(d_in + 4), and the
    expected slope is -(d_in + 4); for the others no slope is expected.
    """
    act = get_activation(activation)
    if act.normalised:
        raise InvalidArgumentError(
            "the Gauss-net amputation integral converges without a cutoff, so it cannot be scanned against one; "
            "use another activation, e.g. 'relu'"
        )
    activation = act.name
    q = _check_quadruple(quadruple)
    cutoffs = _values("cutoffs", cutoffs)
    u4 = np.array([float(u4_exact(activation, *q, width=width, sigma_w=sigma_w, sigma_b=sigma_b, bias=bias,
                                  cutoff=c)) for c in cutoffs])
    fit, message = _fit(cutoffs, u4, np.zeros_like(u4), False)
    expected = float(-(q.shape[1] + 4)) if act.growth == "linear" else None
    return CouplingScan("cutoff", cutoffs, u4, np.zeros_like(u4), fit, expected, "exact", message)

"""Power-law fits of couplings against a scale: slopes with standard errors.

``log|y_i| = intercept + slope log x_i``, weighted by the first-order error of ``log|y|``
(``yerr/|y|``) when errors are given. Used for the scaling of u4 with the width N (slope -1), with
sigma_w at fixed rescaled inputs (slope d_in - 4) and with an input-space cutoff.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._checks import check_array
from .._deprecate import renamed
from .._json import finite
from ..errors import InvalidArgumentError

__all__ = ["PowerLawFit", "fit_power_law"]


@dataclass(frozen=True)
class PowerLawFit:
    """Weighted least-squares fit of ``log|y| = intercept + slope log x``.

    ``prefactor = sign exp(intercept)``; ``error`` is the standard error of the slope and ``intercept_error``
    that of the intercept. ``chi2``/``dof`` judge the fit when errors were given; without them the errors come
    from the residual scatter.

    Attributes
    ----------
    slope, error : float
        The slope and its standard error (``slope_error``, deprecated, is the old name of ``error``).
    intercept, intercept_error : float
    chi2 : float
    dof : int
    sign : int
        +1 or -1, the sign of y.
    """

    slope: float
    error: float
    intercept: float
    intercept_error: float
    chi2: float
    dof: int
    sign: int

    slope_error = renamed("slope_error", "error")

    @property
    def prefactor(self) -> float:
        with np.errstate(over="ignore"):  # an intercept beyond ln(1.8e308) gives inf, not an OverflowError
            return self.sign * float(np.exp(self.intercept))

    def to_dict(self) -> dict:
        """JSON-ready fields (non-finite values as None), with the prefactor."""
        return {"slope": finite(self.slope), "error": finite(self.error),
                "intercept": finite(self.intercept), "intercept_error": finite(self.intercept_error),
                "prefactor": finite(self.prefactor), "chi2": finite(self.chi2), "dof": int(self.dof),
                "sign": int(self.sign)}

    def __repr__(self) -> str:
        return (
            f"PowerLawFit(slope={self.slope:.5g} +- {self.error:.2g}, "
            f"intercept={self.intercept:.5g} +- {self.intercept_error:.2g}, chi2/dof={self.chi2:.3g}/{self.dof})"
        )


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
    if np.ptp(lx) == 0:
        raise InvalidArgumentError(
            f"x must hold at least two distinct values for a slope, got x = {x.tolist()}; spread the points"
        )
    design = np.stack([np.ones_like(lx), lx], axis=-1)
    if yerr is not None:
        yerr = check_array("yerr", yerr, ndim=1)
        if yerr.shape != y.shape or np.any(yerr <= 0):
            raise InvalidArgumentError(f"yerr must be positive with the shape of y {y.shape}")
        with np.errstate(over="ignore"):
            w = (np.abs(y) / yerr) ** 2
        if not np.all(np.isfinite(w)):
            raise InvalidArgumentError("yerr is too small relative to y (|y|/yerr overflows float64); check the errors")
    else:
        w = np.ones_like(ly)
    normal = design.T @ (w[:, None] * design)
    try:
        cov = np.linalg.inv(normal)
    except np.linalg.LinAlgError:
        raise InvalidArgumentError(
            f"x = {x.tolist()} does not determine a slope (the log-log normal equations are singular); spread the points"
        ) from None
    beta = cov @ (design.T @ (w * ly))
    resid = ly - design @ beta
    chi2 = float(np.sum(w * resid**2))
    dof = x.size - 2
    if yerr is None:
        cov = cov * (chi2 / dof if dof > 0 else np.nan)
    sign = 1 if y[0] > 0 else -1
    with np.errstate(invalid="ignore"):  # a variance below 0 from rounding is reported as nan, not a number
        errors = np.sqrt(np.diag(cov))
    return PowerLawFit(float(beta[1]), float(errors[1]), float(beta[0]), float(errors[0]), chi2, dof, sign)



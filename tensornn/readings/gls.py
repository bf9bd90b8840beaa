"""Generalised least squares of G4c on amputation patterns, with an estimated covariance.

The model is y = A beta + noise, y the G4c values on Q quadruples, A the (Q, K) matrix of patterns and
beta = -lambda the couplings (G4c = -sum_V lambda_V A_V). Three cases:

Exact values (an oracle, no noise). beta is the least-squares solution (columns scaled to unit norm
for the numerics). There is no chi^2: the fit quality is the relative residual ||y - A beta|| / ||y||,
0 to rounding when the model holds exactly. ``chi2``, ``p_value`` and ``aic`` are NaN.

Monte Carlo, goodness of fit. The G4c values come from G independent groups of networks; C is their
delete-one-group jackknife covariance (the values on different quadruples share the networks and are
strongly correlated). chi^2 = min_beta (y - A beta)^T C^-1 (y - A beta), dof = Q - K. When C is well
estimated (G - 1 >= 2 Q, the default rule) it is used as it is and the p-value is that of Hotelling's
T^2 with p = Q - K dimensions and nu = G - 1 degrees of freedom, P(F(p, nu - p + 1) >= chi^2 (nu - p + 1)
/ (nu p)): exact for Gaussian group estimates with a covariance estimated from the same groups (the
plain chi^2(dof) law would ignore that C is itself noisy). Otherwise C is regularised by shrinking its
correlations towards zero, C(s) = D^1/2 [(1 - s) R + s I] D^1/2 (D its diagonal, R its correlation
matrix), with the intensity s of Schafer and Strimmer (target "D") computed from the jackknife
pseudo-values, s = sum_{i != j} Var(r_ij) / sum_{i != j} r_ij^2 clipped to [0, 1]; the p-value is then
that of chi^2(dof), an approximation (conservative in the tests of docs/readings.md). The shrinkage
used is stated in the result. AIC = chi^2 + 2 K.

Monte Carlo, couplings. Weights estimated from the same networks as the values bias GLS: a group with a
large fluctuation raises both its G4c values and their variance, and is down-weighted. The couplings
are therefore cross-fitted: the groups are split into two halves (even and odd group numbers); beta_h
is the GLS estimate from the values of half h weighted with the (shrunk) covariance of the other half,
whose noise is independent of them; beta = (beta_0 + beta_1)/2. Its covariance is the sandwich
(W_0 C_0 W_0^T + W_1 C_1 W_1^T)/4, W_h the GLS weight matrix applied to half h and C_h the jackknife
covariance of that half's values (an unbiased estimate of their covariance, independent of W_h).

References
----------
Schafer, Strimmer, Stat. Appl. Genet. Mol. Biol. 4 (2005) 32 (shrinkage targets); Ledoit, Wolf,
J. Multivariate Anal. 88 (2004) 365; Hotelling, Ann. Math. Stat. 2 (1931) 360; Chernozhukov et al.,
Econometrics J. 21 (2018) C1 (cross-fitting).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from .._deprecate import renamed
from .._checks import check_real
from ..errors import InvalidArgumentError

__all__ = ["LinearFit", "exact_fit", "monte_carlo_fit", "jackknife_covariance", "shrinkage_intensity",
           "shrunk_covariance", "fit_covariance", "hotelling_p_value", "hotelling_mean", "gls_minimum"]


def jackknife_covariance(replicas) -> np.ndarray:
    """(G - 1)/G sum_g (r_g - rbar)(r_g - rbar)^T of delete-one-group replicas r_g, shape (Q, Q)."""
    r = np.asarray(replicas, dtype=float)
    g = r.shape[0]
    c = r - r.mean(axis=0)
    return (g - 1) / g * c.T @ c


def shrinkage_intensity(replicas) -> float:
    """The Schafer-Strimmer intensity s for shrinking the correlations of the jackknife covariance to zero.

    The G pseudo-values psi_g = G ybar - (G - 1) r_g (ybar the mean replica) are treated as G samples:
    standardised products w_gij = z_gi z_gj, r_ij = G/(G-1) mean_g w_gij,
    Var(r_ij) = G/(G-1)^3 sum_g (w_gij - mean w_ij)^2, s = sum_{i != j} Var(r_ij) / sum_{i != j} r_ij^2.
    """
    r = np.asarray(replicas, dtype=float)
    g, q = r.shape
    if q < 2:
        return 0.0
    psi = g * r.mean(axis=0) - (g - 1) * r
    c = psi - psi.mean(axis=0)
    sd = np.sqrt(np.sum(c**2, axis=0) / (g - 1))
    if np.any(sd == 0):
        return 1.0
    z = c / sd
    w = z[:, :, None] * z[:, None, :]
    wbar = w.mean(axis=0)
    corr = wbar * g / (g - 1)
    var = g / (g - 1) ** 3 * np.sum((w - wbar) ** 2, axis=0)
    off = ~np.eye(q, dtype=bool)
    denominator = float(np.sum(corr[off] ** 2))
    return 1.0 if denominator == 0 else float(np.clip(np.sum(var[off]) / denominator, 0.0, 1.0))


def shrunk_covariance(covariance, intensity: float) -> np.ndarray:
    """D^1/2 [(1 - s) R + s I] D^1/2 for a covariance with diagonal D and correlation matrix R."""
    c = np.asarray(covariance, dtype=float)
    s = check_real("intensity", intensity, minimum=0.0, maximum=1.0)
    out = (1.0 - s) * c
    out[np.diag_indices_from(out)] = np.diag(c)
    return out


@dataclass(frozen=True)
class LinearFit:
    """The result of one (generalised) least-squares fit y ~ A beta.

    Attributes
    ----------
    coefficients : ndarray, shape (K,)
    covariance : ndarray, shape (K, K)
        Covariance of the coefficients (zeros for an exact fit).
    fitted, residuals : ndarray, shape (Q,)
        A beta and y - A beta.
    chi2 : float
        GLS minimum (NaN for an exact fit).
    dof : int
        Q - K.
    p_value : float
        Hotelling T^2 or chi^2 tail probability (see ``reference``; NaN for an exact fit).
    aic : float
        chi^2 + 2 K (NaN for an exact fit).
    relative_residual : float
        ||y - A beta|| / ||y||.
    condition_number : float
        Of A with unit-norm columns.
    shrinkage : float
        The intensity s applied to the covariance of the goodness of fit (0: none).
    reference : str
        "hotelling" (T^2 with nu = G - 1), "chi2" or "none" (exact).
    n_groups : int or None
    expected_chi2 : float
        The mean of ``chi2`` under the model: Hotelling's nu dof/(nu - dof - 1), dof for the chi^2
        reference, NaN for an exact fit.
    """

    coefficients: np.ndarray
    covariance: np.ndarray
    fitted: np.ndarray
    residuals: np.ndarray
    chi2: float
    dof: int
    p_value: float
    aic: float
    relative_residual: float
    condition_number: float
    shrinkage: float
    reference: str
    n_groups: int | None
    expected_chi2: float = math.nan

    @property
    def error(self) -> np.ndarray:
        """Standard errors of the coefficients, sqrt(diag(covariance)), shape (K,)."""
        return np.sqrt(np.clip(np.diag(self.covariance), 0.0, None))

    standard_errors = renamed("standard_errors", "error")


def hotelling_p_value(t2: float, dim: int, nu: int) -> float:
    """P(T^2 >= t2) for Hotelling's T^2 of a ``dim``-vector with a covariance on ``nu`` degrees of freedom.

    T^2 (nu - dim + 1)/(nu dim) ~ F(dim, nu - dim + 1); needs nu >= dim.
    """
    if dim <= 0 or nu - dim + 1 <= 0:
        return math.nan
    return float(stats.f.sf(t2 * (nu - dim + 1) / (nu * dim), dim, nu - dim + 1))


def hotelling_mean(dim: int, nu: int) -> float:
    """E[T^2] = nu dim / (nu - dim - 1) under the null (not ``dim``: the covariance is estimated).

    Infinite for nu <= dim + 1.
    """
    if dim <= 0:
        return 0.0
    return nu * dim / (nu - dim - 1) if nu - dim - 1 > 0 else math.inf


def _scaled_lstsq(a: np.ndarray, y: np.ndarray):
    norms = np.linalg.norm(a, axis=0)
    norms[norms == 0] = 1.0
    u, s, vt = np.linalg.svd(a / norms, full_matrices=False)
    beta = (vt.T @ ((u.T @ y) / s)) / norms
    return beta, float(s[0] / s[-1]) if s[-1] > 0 else math.inf


def exact_fit(values, matrix) -> LinearFit:
    """Least squares of exact values (no noise); quality = relative residual (module docstring)."""
    y = np.asarray(values, dtype=float)
    a = np.asarray(matrix, dtype=float)
    beta, kappa = _scaled_lstsq(a, y)
    fitted = a @ beta
    norm = float(np.linalg.norm(y))
    rel = float(np.linalg.norm(y - fitted) / norm) if norm > 0 else 0.0
    k = a.shape[1]
    nan = math.nan
    return LinearFit(beta, np.zeros((k, k)), fitted, y - fitted, nan, a.shape[0] - k, nan, nan, rel, kappa, 0.0,
                     "none", None)


def _gls(a, y, cov):
    """beta, chi2 and the weight matrix W (beta = W y) of GLS with covariance ``cov``.

    Whitening by the Cholesky factor L (cov = L L^T) with numpy's LAPACK calls on these small
    matrices (scipy's triangular solve was two orders of magnitude slower under a busy multi-threaded BLAS).
    """
    chol_inv = np.linalg.inv(np.linalg.cholesky(cov))
    aw, yw = chol_inv @ a, chol_inv @ y
    q, r = np.linalg.qr(aw)
    r_inv = np.linalg.inv(r)
    beta = r_inv @ (q.T @ yw)
    res = yw - aw @ beta
    return beta, float(res @ res), r_inv @ q.T @ chol_inv


def _positive_definite(cov: np.ndarray) -> bool:
    try:
        np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        return False
    return True


def gls_minimum(matrix, values, covariance) -> float:
    """min_beta (y - A beta)^T C^-1 (y - A beta); y^T C^-1 y for a matrix with no columns."""
    a = np.asarray(matrix, dtype=float)
    y = np.asarray(values, dtype=float)
    if a.ndim == 2 and a.shape[1] == 0:
        chol_inv = np.linalg.inv(np.linalg.cholesky(covariance))
        yw = chol_inv @ y
        return float(yw @ yw)
    return _gls(a, y, covariance)[1]


def fit_covariance(measurement, *, shrinkage="auto") -> tuple[np.ndarray, np.ndarray, float]:
    """The values, the covariance every goodness of fit uses and its shrinkage intensity (module docstring).

    Returns
    -------
    values : ndarray, shape (Q,)
    covariance : ndarray, shape (Q, Q)
        The jackknife covariance of the values, shrunk when G - 1 < 2 Q ("auto") or as forced, and
        made positive definite.
    intensity : float
        0 when unshrunk (then Hotelling's T^2 with nu = G - 1 is the reference).
    """
    g = measurement.n_groups
    y, replicas = measurement.estimates()
    q = len(y)
    raw = jackknife_covariance(replicas)
    if shrinkage == "auto":
        intensity = 0.0 if g - 1 >= 2 * q else shrinkage_intensity(replicas)
    else:
        intensity = check_real("shrinkage", shrinkage, minimum=0.0, maximum=1.0)
    cov = shrunk_covariance(raw, intensity)
    if not _positive_definite(cov):
        intensity = max(intensity, shrinkage_intensity(replicas), 1e-3)
        cov = shrunk_covariance(raw, intensity)
    return y, cov, intensity


def monte_carlo_fit(measurement, matrix, *, shrinkage="auto", cross_fit: bool = True) -> LinearFit:
    """Cross-fitted couplings and the GLS goodness of fit of a Monte-Carlo G4c (module docstring).

    Parameters
    ----------
    measurement : FourPointMeasurement
        With group sums (from :func:`tensornn.structured.four_point_from_moments`), at least 4 groups.
    matrix : array, shape (Q, K)
        The patterns of the fitted classes at the measurement's quadruples.
    shrinkage : "auto" or float
        "auto": no shrinkage of the goodness-of-fit covariance when G - 1 >= 2 Q, else the
        Schafer-Strimmer intensity. A number in [0, 1] forces that intensity (0 uses Hotelling's
        T^2 reference, anything else chi^2). The cross-fit weights always use the Schafer-Strimmer
        intensity of their half.
    cross_fit : bool
        True (default): cross-fitted couplings (module docstring). False: the GLS minimiser of the
        goodness of fit itself, weighted with the values' own covariance, with the covariance
        W C W^T; kept to show the bias that cross-fitting removes (docs/readings.md).

    Returns
    -------
    LinearFit
    """
    a = np.asarray(matrix, dtype=float)
    g = measurement.n_groups
    q, k = a.shape
    if g < 4:
        raise InvalidArgumentError(f"a Monte-Carlo fit needs at least 4 groups of networks (2 per half), got {g}; "
                                   "raise n_groups (and n_networks) of the sampler")
    if q != len(measurement.values):
        raise InvalidArgumentError(f"the matrix has {q} rows for {len(measurement.values)} measured quadruples")
    y, cov, intensity = fit_covariance(measurement, shrinkage=shrinkage)
    beta_same, chi2, w_same = _gls(a, y, cov)
    dof = q - k
    nu = g - 1
    if intensity == 0.0 and nu - dof + 1 > 0 and dof > 0:
        p_value = hotelling_p_value(chi2, dof, nu)
        reference, expected = "hotelling", hotelling_mean(dof, nu)
    else:
        p_value = float(stats.chi2.sf(chi2, dof)) if dof > 0 else math.nan
        reference, expected = "chi2", float(dof)
    if not cross_fit:
        fitted = a @ beta_same
        raw = jackknife_covariance(measurement.estimates()[1])
        return LinearFit(beta_same, w_same @ raw @ w_same.T, fitted, y - fitted, chi2, dof, p_value, chi2 + 2 * k,
                         float(np.linalg.norm(y - fitted) / np.linalg.norm(y)), _scaled_lstsq(a, y)[1], intensity,
                         reference, g, expected)
    halves = [np.arange(g)[h::2] for h in (0, 1)]
    parts = [measurement.estimates(h) for h in halves]
    weights_cov = []
    for _, reps in parts:
        c = jackknife_covariance(reps)
        s = shrinkage_intensity(reps)
        c = shrunk_covariance(c, s)
        if not _positive_definite(c):
            c = shrunk_covariance(c, 1.0)
        weights_cov.append(c)
    betas, variances = [], []
    for h in (0, 1):
        y_h, reps_h = parts[h]
        beta_h, _, w = _gls(a, y_h, weights_cov[1 - h])
        betas.append(beta_h)
        variances.append(w @ jackknife_covariance(reps_h) @ w.T)
    beta = (betas[0] + betas[1]) / 2
    beta_cov = (variances[0] + variances[1]) / 4
    fitted = a @ beta
    return LinearFit(beta, beta_cov, fitted, y - fitted, chi2, dof, p_value, chi2 + 2 * k,
                     float(np.linalg.norm(y - fitted) / np.linalg.norm(y)), _scaled_lstsq(a, y)[1], intensity,
                     reference, g, expected)

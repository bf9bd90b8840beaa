"""Fit measured connected 4-point functions onto quartic bubble invariants of the inputs (docs/theory/structured_inputs.md).

For each isomorphism class B of quartic bubbles (see :mod:`.content`) the invariant of four inputs is

    Phi_B(x1, x2, x3, x4) = sum_{pi in B} I_pi(x1, x2, x3, x4),

and a measured G4c on Q quadruples (values y_q with standard errors e_q) is fitted as
G4c ~ sum_B c_B Phi_B by weighted least squares, minimising chi^2 = sum_q ((y_q - sum_B c_B Phi_B(q)) / e_q)^2.
For the linear CP network of rank R the exact coefficients are c_B = s^4 w_R(B) / N (w_R the weight per
tuple) and the couplings of the tensor action are lambda_B = - multiplicity_B c_B / (4! s^8).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from .._checks import check_int, check_real
from ..errors import InvalidArgumentError
from .content import quartic_content
from .cumulants import contraction

__all__ = ["BubbleFit", "bubble_basis", "fit_bubbles", "linear_coefficients"]


def bubble_basis(inputs, quadruples, order: int | None = None) -> tuple[tuple[str, ...], np.ndarray]:
    """Phi_B at the quadruples for every class B of P4^d.

    Parameters
    ----------
    inputs : array, shape (P, n_1..n_d)
    quadruples : int array, shape (Q, 4)
    order : int, optional
        d; defaults to ``inputs.ndim - 1`` and must agree with it.

    Returns
    -------
    names : tuple of str
        Class names in the order of :func:`quartic_content`.
    basis : ndarray, shape (Q, number of classes)
    """
    x = np.asarray(inputs, dtype=float)
    d = x.ndim - 1
    if order is not None and check_int("order", order, minimum=1) != d:
        raise InvalidArgumentError(f"order={order} does not match inputs of shape {x.shape} (d = {d})")
    if d < 1:
        raise InvalidArgumentError(f"inputs must have shape (P, n_1..n_d) with d >= 1, got {x.shape}")
    q = np.asarray(quadruples, dtype=int)
    if q.ndim != 2 or q.shape[1] != 4 or (q.size and (q.min() < 0 or q.max() >= x.shape[0])):
        raise InvalidArgumentError(f"quadruples must have shape (Q, 4) with entries in 0..{x.shape[0] - 1}, got {q.shape}")
    legs = [x[q[:, i]] for i in range(4)]
    content = quartic_content(d)
    basis = np.zeros((q.shape[0], len(content.classes)))
    for k, cls in enumerate(content.classes):
        for pi in cls.tuples:
            basis[:, k] += contraction(pi, *legs)
    return tuple(c.name for c in content.classes), basis


@dataclass(frozen=True)
class BubbleFit:
    """Weighted least-squares fit of G4c onto bubble invariants.

    Attributes
    ----------
    names : tuple of str
    coefficients, standard_errors : ndarray, shape (K,)
    covariance : ndarray, shape (K, K)
    chi2 : float
        sum_q (residual_q / error_q)^2; it ignores correlations between quadruples, so its p-value is
        only a rough guide when the values come from the same networks.
    dof : int
        Q - K.
    p_value : float
        Probability of a chi^2 at least this large (NaN when dof = 0).
    significant : tuple of str
        The bubbles whose |coefficient| / standard error exceeds ``threshold``: the ones the data need.
    threshold : float
    success : bool
    status : str
        "ok", or "rank-deficient" when the quadruples do not separate the invariants.
    message : str
    """

    names: tuple
    coefficients: np.ndarray
    standard_errors: np.ndarray
    covariance: np.ndarray
    chi2: float
    dof: int
    p_value: float
    significant: tuple
    threshold: float
    success: bool
    status: str
    message: str

    def pulls(self, reference) -> dict:
        """(coefficient - reference) / standard error per bubble; ``reference`` maps names to values."""
        return {n: (c - reference[n]) / e for n, c, e in zip(self.names, self.coefficients, self.standard_errors)}

    def __repr__(self):
        rows = ", ".join(f"{n}: {c:.4g} +- {e:.2g}" for n, c, e in
                         zip(self.names, self.coefficients, self.standard_errors))
        return (f"BubbleFit(status={self.status!r}, chi2={self.chi2:.3g}, dof={self.dof}, "
                f"p_value={self.p_value:.3g}, significant={self.significant}, coefficients={{{rows}}})")


def fit_bubbles(values, errors, inputs, quadruples, *, covariance=None, threshold: float = 3.0) -> BubbleFit:
    """Fit G4c values (with standard errors) at input quadruples onto the quartic bubble basis.

    The coefficients are the weighted least-squares solution c = M y, M = (A^T E^-2 A)^-1 A^T E^-2 with
    A_qB = Phi_B(q) and E = diag(errors). Their covariance is M C M^T with C the covariance of the
    values when given (values measured on the same networks are strongly correlated, and ignoring
    that misstates the errors), else (A^T E^-2 A)^-1. Generalised least squares with an estimated C
    is avoided on purpose: with heavy-tailed cumulant estimates it is biased.

    Parameters
    ----------
    values, errors : array, shape (Q,)
        Measured connected 4-point function and its standard errors (all > 0).
    inputs : array, shape (P, n_1..n_d)
    quadruples : int array, shape (Q, 4)
    covariance : array, shape (Q, Q), optional
        Covariance of ``values`` (``FourPointMeasurement.covariance`` or ``BlockCorrelators.g4c_covariance``).
    threshold : float
        A coefficient is significant when |c_B| > threshold * standard error.

    Returns
    -------
    BubbleFit
        With status "rank-deficient" (success False) when the basis matrix has lower rank than the
        number of classes; the coefficients are then the minimum-norm solution and their errors NaN.
    """
    y = np.asarray(values, dtype=float).ravel()
    e = np.asarray(errors, dtype=float).ravel()
    threshold = check_real("threshold", threshold, positive=True)
    if y.shape != e.shape:
        raise InvalidArgumentError(f"values and errors must have the same shape, got {y.shape} and {e.shape}")
    if not np.all(e > 0) or not np.all(np.isfinite(e)):
        raise InvalidArgumentError("errors must be finite and > 0 (a zero error would give infinite weight)")
    names, basis = bubble_basis(inputs, quadruples)
    if basis.shape[0] != y.shape[0]:
        raise InvalidArgumentError(f"got {y.shape[0]} values for {basis.shape[0]} quadruples")
    a = basis / e[:, None]
    b = y / e
    coef, _, rank, _ = np.linalg.lstsq(a, b, rcond=None)
    k = len(names)
    chi2 = float(np.sum((a @ coef - b) ** 2))
    dof = y.shape[0] - k
    p_value = float(stats.chi2.sf(chi2, dof)) if dof > 0 else float("nan")
    if rank < k:
        nan = np.full(k, np.nan)
        return BubbleFit(names, coef, nan, np.full((k, k), np.nan), chi2, dof, p_value, (), threshold, False,
                         "rank-deficient", f"the {y.shape[0]} quadruples span only {rank} of {k} invariants; "
                         "add quadruples of distinct input points")
    normal = np.linalg.inv(a.T @ a)
    if covariance is None:
        covariance = normal
    else:
        c = np.asarray(covariance, dtype=float)
        if c.shape != (y.shape[0], y.shape[0]) or not np.all(np.isfinite(c)):
            raise InvalidArgumentError(f"covariance must be a finite ({y.shape[0]}, {y.shape[0]}) array, got {c.shape}")
        m = normal @ (basis / e[:, None] ** 2).T
        covariance = m @ c @ m.T
    se = np.sqrt(np.diag(covariance))
    significant = tuple(n for n, c, s in zip(names, coef, se) if abs(c) > threshold * s)
    return BubbleFit(names, coef, se, covariance, chi2, dof, p_value, significant, threshold, True, "ok",
                     f"weighted least squares on {y.shape[0]} quadruples, {k} invariants")


def linear_coefficients(network) -> dict:
    """Exact c_B = s^4 w_R(B) / N of the linear bias-free StructuredNetwork, per class name."""
    if network.activation != "linear" or network.bias:
        raise InvalidArgumentError("exact coefficients exist for activation='linear' without biases only, got "
                                   f"activation={network.activation!r}, bias={network.bias}")
    s4 = (network.sigma_v**2 * network.sigma_w**2 / network.n_components) ** 2
    content = quartic_content(network.order, network.cp_rank)
    return {c.name: s4 * c.weight / c.multiplicity / network.width for c in content.classes}

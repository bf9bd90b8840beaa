"""Empirical colour spectra of a data set of tensors.

For a stack of S input tensors X_s in R^{n_1 x ... x n_d}, colour c has the per-colour covariance of
the mode-c unfoldings X_s^(c) in R^{n_c x (n / n_c)},

    C_c = (1 / (S n / n_c)) sum_s (X_s - mean)^(c) (X_s - mean)^(c)T,     an n_c x n_c matrix,

(mean over the samples, subtracted when ``centre=True``), with eigenvalues lambda_1 >= ... >= lambda_{n_c}
and kinetic eigenvalues e_c(i) = 1/lambda_i - 1/lambda_max >= 0 (the most variable mode is the zero mode).
The mean eigenvalue of every C_c (trace / n_c) is the mean squared entry of the (centred) data, the same
for all colours.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._checks import check_array, check_real
from ..errors import InvalidArgumentError

__all__ = ["ColourSpectra", "colour_spectra"]


@dataclass(frozen=True)
class ColourSpectra:
    """Per-colour eigenvalues and kinetic eigenvalues of a data set.

    Attributes
    ----------
    eigenvalues : tuple of ndarray
        One array of shape (n_c,) per colour, descending.
    kinetic : tuple of ndarray
        e_c = 1/lambda - 1/lambda_max per colour, ascending (inf where lambda is below the cut-off).
    covariances : tuple of ndarray
        The n_c x n_c matrices C_c.
    success : bool
        False when some eigenvalue fell below ``rtol * lambda_max`` (a direction the data never use).
    status : str
        "ok" or "degenerate".
    message : str
    """

    eigenvalues: tuple
    kinetic: tuple
    covariances: tuple
    success: bool
    status: str
    message: str

    def __repr__(self):
        sizes = tuple(len(e) for e in self.eigenvalues)
        return f"ColourSpectra(index_sizes={sizes}, status={self.status!r}, message={self.message!r})"


def colour_spectra(data, *, centre: bool = True, rtol: float = 1e-12) -> ColourSpectra:
    """Per-colour covariance spectra of the mode-c unfoldings of a stack of tensors.

    Parameters
    ----------
    data : array, shape (S, n_1, ..., n_d)
        S >= 1 samples (S >= 2 when ``centre``); d >= 1.
    centre : bool
        Subtract the sample mean tensor first.
    rtol : float
        Eigenvalues below rtol * lambda_max count as zero: their e is inf and the status "degenerate".

    Returns
    -------
    ColourSpectra

    Examples
    --------
    >>> spec = colour_spectra(np.random.default_rng(0).standard_normal((50, 3, 4)))
    >>> [e.shape for e in spec.kinetic], float(spec.kinetic[0][0])
    ([(3,), (4,)], 0.0)
    """
    x = check_array("data", data)
    if x.ndim < 2 or x.shape[0] < (2 if centre else 1):
        raise InvalidArgumentError(
            f"data must have shape (S, n_1, ..., n_d) with d >= 1 and S >= {2 if centre else 1}, got {x.shape}"
        )
    rtol = check_real("rtol", rtol, minimum=0.0)
    if centre:
        x = x - x.mean(axis=0)
    eigenvalues, kinetic, covariances, bad = [], [], [], []
    for c in range(1, x.ndim):
        unfold = np.moveaxis(x, c, 1).reshape(x.shape[0], x.shape[c], -1)
        cov = np.einsum("sik,sjk->ij", unfold, unfold) / (unfold.shape[0] * unfold.shape[2])
        lam = np.linalg.eigvalsh(cov)[::-1]
        top = lam[0]
        good = lam > rtol * top if top > 0 else np.zeros_like(lam, dtype=bool)
        e = np.full_like(lam, np.inf)
        e[good] = 1.0 / lam[good] - 1.0 / top
        if not good.all():
            bad.append(c)
        covariances.append(cov)
        eigenvalues.append(lam)
        kinetic.append(e)
    if bad:
        message = f"colours {bad} have eigenvalues below {rtol:g} * lambda_max (set to e = inf); more samples needed"
    else:
        message = "all eigenvalues positive"
    return ColourSpectra(tuple(eigenvalues), tuple(kinetic), tuple(covariances), not bad,
                         "degenerate" if bad else "ok", message)

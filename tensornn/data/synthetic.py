"""The embedded default data set: Gaussian tensors with a known Kronecker covariance, made from a seed.

Colour c carries the Kac-Murdock-Szego (AR(1)) correlation matrix

    (Sigma_c)_ij = rho_c^{|i - j|},        i, j = 1..n_c,

unit diagonal and correlations that decay along the index, and the samples are

    x_p = g_p x_1 L_1 x_2 L_2 ... x_d L_d,       g_p entries iid N(0, 1),   L_c L_c^T = Sigma_c

(x_c the mode-c product: L_c acts on index c), so that E[x x^T] = Sigma_1 (x) ... (x) Sigma_d exactly
and every entry has unit variance. The default is d = 3 colours of size 4 (n = 64 entries per
sample) with rho = (0.7, 0.5, 0.3) and P = 10 000 samples: small enough for fast network fits,
distinct colour spectra, and a Kronecker distance of the sample covariance at its sampling floor
(about 0.07, see :mod:`tensornn.data.kronecker`).
"""

from __future__ import annotations

import numpy as np

from .._checks import check_index_sizes, check_int, check_real
from .._random import as_generator
from ..errors import InvalidArgumentError
from .tensors import TensorData

__all__ = ["DEFAULT_SYNTHETIC_SHAPE", "DEFAULT_SYNTHETIC_SAMPLES", "DEFAULT_CORRELATIONS", "ar1_correlation",
           "synthetic_kronecker"]

#: Index sizes (n_1, n_2, n_3) of the default synthetic data.
DEFAULT_SYNTHETIC_SHAPE = (4, 4, 4)
#: Number of samples P of the default synthetic data.
DEFAULT_SYNTHETIC_SAMPLES = 10_000
#: rho_c of the default colours.
DEFAULT_CORRELATIONS = (0.7, 0.5, 0.3)


def ar1_correlation(size: int, rho: float) -> np.ndarray:
    """The n x n matrix rho^{|i - j|} (positive definite for |rho| < 1).

    Examples
    --------
    >>> ar1_correlation(3, 0.5)
    array([[1.  , 0.5 , 0.25],
           [0.5 , 1.  , 0.5 ],
           [0.25, 0.5 , 1.  ]])
    """
    size = check_int("size", size, minimum=1)
    rho = check_real("rho", rho, minimum=-0.999, maximum=0.999)
    i = np.arange(size)
    return rho ** np.abs(i[:, None] - i[None, :]).astype(float)


def synthetic_kronecker(index_sizes=DEFAULT_SYNTHETIC_SHAPE, n_samples: int = DEFAULT_SYNTHETIC_SAMPLES, *,
                        correlations=None, seed=0) -> TensorData:
    """Gaussian tensors whose covariance is the Kronecker product of AR(1) colour correlations.

    Parameters
    ----------
    index_sizes : tuple of int
        (n_1, ..., n_d), d >= 1; default (4, 4, 4).
    n_samples : int
        P >= 2; default 10 000.
    correlations : tuple of float, optional
        rho_c per colour, each in (-1, 1). Default (0.7, 0.5, 0.3) for d = 3; for other d, d values
        evenly spaced from 0.7 down to 0.3 (0.5 for d = 1).
    seed : None, int, SeedSequence or Generator
        The data are a function of the seed alone.

    Returns
    -------
    TensorData
        Named "synthetic", with ``covariance_factors`` the exact Sigma_c.

    Examples
    --------
    >>> data = synthetic_kronecker((2, 3), 100, seed=1)
    >>> data.index_sizes, float(data.covariance_factors[0][0, 1])
    ((2, 3), 0.7)
    """
    sizes = check_index_sizes(index_sizes)
    n_samples = check_int("n_samples", n_samples, minimum=2)
    d = len(sizes)
    if correlations is None:
        correlations = DEFAULT_CORRELATIONS if d == 3 else tuple(np.linspace(0.7, 0.3, d)) if d > 1 else (0.5,)
    correlations = tuple(correlations)
    if len(correlations) != d:
        raise InvalidArgumentError(f"correlations needs one rho per colour ({d}), got {len(correlations)}")
    factors = tuple(ar1_correlation(n, rho) for n, rho in zip(sizes, correlations))
    rng = as_generator(seed)
    x = rng.standard_normal((n_samples, *sizes))
    for c, factor in enumerate(factors):
        lower = np.linalg.cholesky(factor)
        x = np.moveaxis(np.tensordot(x, lower, axes=([c + 1], [1])), -1, c + 1)
    rhos = ", ".join(f"{r:g}" for r in correlations)
    description = (f"P = {n_samples} Gaussian tensors of shape {sizes}, covariance Kronecker product of AR(1) "
                   f"correlations rho = ({rhos}), seed {seed if isinstance(seed, int) else 'given'}")
    return TensorData(x, name="synthetic", description=description, covariance_factors=factors)

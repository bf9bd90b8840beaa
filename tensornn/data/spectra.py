"""Covariance spectra of data with several indices: the full spectrum and each colour's spectrum.

For samples x_p in R^{n_1 x ... x n_d} (p = 1..P, n = prod_c n_c) the scalar and vector readings
order the modes by the eigenvalues of the full covariance

    Sigma = (1/P) sum_p (x_p - xbar)(x_p - xbar)^T            (n x n, mean removed when centred),

the tensor reading by the eigenvalues of each colour's covariance, the mode-c unfolding

    C_c = (1 / (P n / n_c)) sum_p X_p^(c) X_p^(c)T = Tr_{colours != c} Sigma / (n / n_c)    (n_c x n_c).

Every C_c has the same mean eigenvalue, mbar = tr Sigma / n. For a Kronecker covariance
Sigma = Sigma_1 (x) ... (x) Sigma_d one has C_c = Sigma_c mbar / m_c (m_c = tr Sigma_c / n_c), hence

    lambda_Sigma(a_1, ..., a_d) = prod_c lambda_{C_c}(a_c) / mbar^(d - 1)            (the product spectrum),

exactly; for other data the distance between the full and the product spectrum is one measure of how
far the data are from Kronecker form (:mod:`tensornn.data.kronecker` gives the other).

``colour_spectra`` gives the per-colour eigenvalues with
the kinetic eigenvalues e_c(i) = 1/lambda_i - 1/lambda_max >= 0 (the most variable mode is the zero mode).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._checks import check_array, check_index_sizes, check_real
from ..errors import InvalidArgumentError, InvalidTypeError
from .tensors import as_tensor_data, check_statistics_range, roundoff_floor

__all__ = [
    "MAX_FULL_COMPONENTS",
    "ColourSpectra",
    "DataSpectra",
    "colour_spectra",
    "colour_covariances",
    "covariance_spectra",
    "data_spectra",
    "partial_traces",
    "product_spectrum",
    "sample_covariance",
]

#: Largest n for which the full n x n covariance is formed (about 134 MB of float64).
MAX_FULL_COMPONENTS = 4096


def _check_centre(centre):
    if not isinstance(centre, bool):
        raise InvalidTypeError(f"centre must be True or False, got {centre!r}")


def sample_covariance(data, *, centre: bool = True) -> np.ndarray:
    """The full n x n covariance (1/P) sum_p (x_p - xbar)(x_p - xbar)^T of a data set.

    Parameters
    ----------
    data : TensorData or array, shape (P, n_1, ..., n_d)
    centre : bool
        Subtract the sample mean first (default True).

    Returns
    -------
    ndarray, shape (n, n)
        Indices flattened in C order (the last colour runs fastest), as ``numpy.kron`` orders them.
    """
    _check_centre(centre)
    data = as_tensor_data(data)
    if data.n_components > MAX_FULL_COMPONENTS:
        raise InvalidArgumentError(
            f"samples with n = {data.n_components} entries give an n x n covariance larger than the limit "
            f"n <= {MAX_FULL_COMPONENTS}; reduce the data (crop or pool) before asking for the full spectrum"
        )
    check_statistics_range(data, centre)
    x = data.flat()
    if centre:
        x = x - x.mean(axis=0)
    return x.T @ x / data.n_samples


def colour_covariances(data, *, centre: bool = True) -> tuple[np.ndarray, ...]:
    """C_c = X_(c) X_(c)^T / (P n / n_c) for every colour c, from the mode-c unfoldings.

    Parameters
    ----------
    data : TensorData or array, shape (P, n_1, ..., n_d)
    centre : bool
        Subtract the sample mean first (default True).

    Returns
    -------
    tuple of ndarray, shapes (n_c, n_c)
    """
    _check_centre(centre)
    data = as_tensor_data(data)
    check_statistics_range(data, centre)
    return _unfolded_covariances(data.values, centre)


def _unfolded_covariances(x: np.ndarray, centre: bool) -> tuple[np.ndarray, ...]:
    if centre:
        x = x - x.mean(axis=0)
    out = []
    for c in range(1, x.ndim):
        unfold = np.moveaxis(x, c, 1).reshape(x.shape[0], x.shape[c], -1)
        out.append(np.einsum("sik,sjk->ij", unfold, unfold) / (unfold.shape[0] * unfold.shape[2]))
    return tuple(out)


def _check_covariance(sigma, index_sizes) -> tuple[np.ndarray, tuple[int, ...]]:
    sizes = check_index_sizes(index_sizes)
    s = check_array("covariance", sigma)
    n = math.prod(sizes)
    if s.shape != (n, n):
        raise InvalidArgumentError(
            f"covariance must be ({n}, {n}) for index_sizes={sizes} (n = prod n_c), got shape {s.shape}"
        )
    scale = float(np.max(np.abs(s))) if s.size else 0.0
    if np.max(np.abs(s - s.T)) > 1e-10 * max(scale, 1e-300):
        raise InvalidArgumentError("covariance must be symmetric; got a matrix with covariance != covariance.T")
    return s, sizes


def partial_traces(covariance, index_sizes) -> tuple[np.ndarray, ...]:
    """C_c = Tr_{colours != c} Sigma / (n / n_c) for every colour c (the colour covariances of Sigma).

    Parameters
    ----------
    covariance : array, shape (n, n)
        Symmetric, indices in C order of ``index_sizes``.
    index_sizes : tuple of int

    Returns
    -------
    tuple of ndarray, shapes (n_c, n_c)

    Examples
    --------
    >>> a, b = np.diag([2.0, 1.0]), np.eye(3)
    >>> partial_traces(np.kron(a, b), (2, 3))[0]
    array([[2., 0.],
           [0., 1.]])
    """
    s, sizes = _check_covariance(covariance, index_sizes)
    d = len(sizes)
    t = s.reshape(sizes + sizes)
    n = math.prod(sizes)
    out = []
    for c in range(d):
        # move (a_c, b_c) to the front and trace over the remaining pairs
        rest = [k for k in range(d) if k != c]
        perm = [c, d + c] + [k for k in rest] + [d + k for k in rest]
        m = np.transpose(t, perm).reshape(sizes[c], sizes[c], n // sizes[c], n // sizes[c])
        out.append(np.einsum("abkk->ab", m) / (n // sizes[c]))
    return tuple(out)


def product_spectrum(colour_eigenvalues, mean_eigenvalue: float) -> np.ndarray:
    """prod_c lambda_c(a_c) / mbar^(d - 1) over all index tuples, sorted descending (length n).

    For a Kronecker covariance this is the full spectrum exactly (module docstring).
    """
    mean_eigenvalue = check_real("mean_eigenvalue", mean_eigenvalue, positive=True)
    values = np.ones(1)
    for lam in colour_eigenvalues:
        values = np.multiply.outer(values, np.asarray(lam, dtype=float)).ravel()
    d = len(colour_eigenvalues)
    return np.sort(values / mean_eigenvalue ** (d - 1))[::-1]


@dataclass(frozen=True)
class DataSpectra:
    """The full covariance spectrum, each colour's spectrum and their Kronecker prediction.

    Attributes
    ----------
    index_sizes : tuple of int
    full : ndarray, shape (n,)
        Eigenvalues of Sigma, descending (clipped at 0 from below: rounding can make zero ones negative).
    colours : tuple of ndarray
        Eigenvalues of each C_c, descending.
    product : ndarray, shape (n,)
        prod_c lambda_c / mbar^(d-1), sorted descending: what ``full`` would be for Kronecker data.
    mean_eigenvalue : float
        mbar = tr Sigma / n (= tr C_c / n_c for every c).
    product_mismatch : float
        ||full - product|| / ||full||: 0 for a Kronecker covariance.
    rank : int
        Number of eigenvalues of Sigma above rtol * lambda_max.
    n_samples : int or None
        P for sample covariances; None for a given covariance.
    success : bool
        False when Sigma has eigenvalues below rtol * lambda_max (directions the data never use, or
        fewer samples than entries); the spectra are still returned.
    status : str
        "ok", "rank-deficient" or "zero" (the covariance vanishes).
    message : str
    """

    index_sizes: tuple
    full: np.ndarray
    colours: tuple
    product: np.ndarray
    mean_eigenvalue: float
    product_mismatch: float
    rank: int
    n_samples: int | None
    success: bool
    status: str
    message: str

    def to_dict(self) -> dict:
        """Plain JSON-ready values (lists and floats)."""
        return {
            "index_sizes": list(self.index_sizes),
            "full": self.full.tolist(),
            "colours": [c.tolist() for c in self.colours],
            "product": self.product.tolist(),
            "mean_eigenvalue": self.mean_eigenvalue,
            "product_mismatch": self.product_mismatch,
            "rank": self.rank,
            "n_samples": self.n_samples,
            "success": self.success,
            "status": self.status,
            "message": self.message,
        }

    def __repr__(self):
        return (f"DataSpectra(index_sizes={self.index_sizes}, rank={self.rank}/{len(self.full)}, "
                f"mean_eigenvalue={self.mean_eigenvalue:.4g}, product_mismatch={self.product_mismatch:.3g}, "
                f"status={self.status!r})")


def _spectra(sigma, colour_covs, sizes, n_samples, rtol, floor=0.0, distinct=None) -> DataSpectra:
    def spectrum(matrix):  # eigenvalues at or below the round-off floor of the data are zero, not structure
        values = np.clip(np.linalg.eigvalsh(matrix)[::-1], 0.0, None)
        values[values <= floor] = 0.0
        return values

    full = spectrum(sigma)
    colours = tuple(spectrum(c) for c in colour_covs)
    n = len(full)
    mbar = float(np.trace(sigma)) / n
    if not mbar > floor or not full[0] > 0:
        empty = np.zeros(n)
        what = ("the samples are exactly repeated (all equal), so the covariance is round-off"
                if distinct == 1 else "the data are constant")
        return DataSpectra(sizes, np.zeros(n), tuple(np.zeros_like(c) for c in colours), empty, 0.0, math.nan, 0,
                           n_samples, False, "zero", f"the covariance vanishes: {what}")
    product = product_spectrum(colours, mbar)
    mismatch = float(np.linalg.norm(full - product) / np.linalg.norm(full))
    rank = int(np.sum(full > rtol * full[0]))
    if rank < n:
        repeats = n_samples - distinct if n_samples is not None and distinct is not None else 0
        why = (f"{repeats} exactly repeated samples: only {distinct} distinct samples for n = {n} entries"
               if repeats and distinct - 1 < n
               else f"only {n_samples} samples for n = {n} entries" if n_samples is not None and n_samples - 1 < n
               else "some directions carry no variance")
        return DataSpectra(sizes, full, colours, product, mbar, mismatch, rank, n_samples, False, "rank-deficient",
                           f"Sigma has rank {rank} < n = {n} ({why}); zero modes have lambda = 0")
    return DataSpectra(sizes, full, colours, product, mbar, mismatch, rank, n_samples, True, "ok",
                       f"Sigma has full rank {n}")


def data_spectra(data, *, centre: bool = True, rtol: float = 1e-10) -> DataSpectra:
    """Full and per-colour covariance spectra of a data set (module docstring).

    Parameters
    ----------
    data : TensorData or array, shape (P, n_1, ..., n_d)
    centre : bool
        Subtract the sample mean (default True).
    rtol : float
        Eigenvalues below rtol * lambda_max count as zero for the rank.

    Returns
    -------
    DataSpectra

    Examples
    --------
    >>> spec = data_spectra(np.random.default_rng(0).standard_normal((500, 2, 3)))
    >>> spec.rank, [len(c) for c in spec.colours]
    (6, [2, 3])
    """
    data = as_tensor_data(data)
    rtol = check_real("rtol", rtol, minimum=0.0)
    sigma = sample_covariance(data, centre=centre)
    distinct = len(np.unique(data.flat(), axis=0))
    return _spectra(sigma, colour_covariances(data, centre=centre), data.index_sizes, data.n_samples, rtol,
                    roundoff_floor(data), distinct)


def covariance_spectra(covariance, index_sizes, *, rtol: float = 1e-10) -> DataSpectra:
    """Spectra of a given covariance (for example an exact Kronecker product); see :func:`data_spectra`."""
    s, sizes = _check_covariance(covariance, index_sizes)
    rtol = check_real("rtol", rtol, minimum=0.0)
    return _spectra(s, partial_traces(s, sizes), sizes, None, rtol)


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
    eigenvalues, kinetic, covariances, bad = [], [], [], []
    for c, cov in enumerate(_unfolded_covariances(x, bool(centre)), start=1):
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

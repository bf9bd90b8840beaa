"""Data sets whose samples carry several indices: a stack of P tensors x_p in R^{n_1 x ... x n_d}.

A :class:`TensorData` is the validated array of shape (P, n_1, ..., n_d) together with a name and a
description of how it was made. Axis 0 runs over the samples; axes 1..d are the colours. Every
covariance in :mod:`tensornn.data` is taken over axis 0, so P >= 2 samples are needed (the mean is
subtracted); the full n x n covariance (n = prod_c n_c) has rank at most P - 1, which the spectra
report as a status rather than refuse.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .._checks import check_int
from ..errors import InvalidArgumentError, InvalidTypeError, TensorNNError

__all__ = ["TensorData", "as_tensor_data", "load_npy", "MIN_SAMPLES", "check_statistics_range", "roundoff_floor"]

#: Fewest samples a data set may have: a covariance with the mean removed needs two.
MIN_SAMPLES = 2


def _validated_values(values, name: str) -> np.ndarray:
    try:
        x = np.asarray(values)
    except (TypeError, ValueError) as exc:
        raise InvalidTypeError(f"{name} must be an array of numbers, got {type(values).__name__}: {exc}") from None
    if x.dtype == object or not (np.issubdtype(x.dtype, np.number) or x.dtype == bool):
        raise InvalidTypeError(f"{name} must hold real numbers, got an array of dtype {x.dtype}")
    if np.iscomplexobj(x):
        raise InvalidTypeError(f"{name} must hold real numbers, got complex dtype {x.dtype}; pass the real part")
    x = np.array(x, dtype=float)
    if x.ndim < 2:
        raise InvalidArgumentError(
            f"{name} must have shape (P, n_1, ..., n_d) with at least one index axis after the sample axis, "
            f"got shape {x.shape}; for plain vectors pass shape (P, n)"
        )
    if x.shape[0] < MIN_SAMPLES:
        raise InvalidArgumentError(
            f"{name} needs at least {MIN_SAMPLES} samples along axis 0 to form a covariance, got shape {x.shape}"
        )
    if any(n < 1 for n in x.shape[1:]):
        raise InvalidArgumentError(f"{name} has an empty index axis: shape {x.shape}")
    if not np.all(np.isfinite(x)):
        bad = int(np.sum(~np.isfinite(x)))
        raise InvalidArgumentError(f"{name} must contain only finite numbers, found {bad} NaN or inf entries")
    return x


@dataclass(frozen=True, repr=False)
class TensorData:
    """A validated stack of P >= 2 tensors with d >= 1 indices.

    Parameters
    ----------
    values : array, shape (P, n_1, ..., n_d)
        Finite real numbers; converted to float64.
    name : str
        A short label ("synthetic", "digits", a file name).
    description : str
        How the data were made or read (seed, preprocessing), for reports.
    covariance_factors : tuple of ndarray, optional
        The exact colour factors Sigma_c (n_c x n_c) when the population covariance is known to be
        the Kronecker product Sigma = Sigma_1 (x) ... (x) Sigma_d (synthetic data); None otherwise.

    Raises
    ------
    InvalidArgumentError, InvalidTypeError
        Fewer than 2 samples, no index axis, non-finite or non-numeric entries, factors whose
        shapes do not match the index sizes.

    Examples
    --------
    >>> data = TensorData(np.zeros((5, 2, 3)), name="zeros")
    >>> data.index_sizes, data.n_samples, data.n_components
    ((2, 3), 5, 6)
    """

    values: np.ndarray
    name: str = "data"
    description: str = ""
    covariance_factors: tuple | None = field(default=None)

    def __post_init__(self):
        object.__setattr__(self, "values", _validated_values(self.values, "values"))
        if not isinstance(self.name, str) or not self.name:
            raise InvalidTypeError(f"name must be a non-empty string, got {self.name!r}")
        if not isinstance(self.description, str):
            raise InvalidTypeError(f"description must be a string, got {type(self.description).__name__}")
        if self.covariance_factors is not None:
            factors = tuple(np.array(f, dtype=float) for f in self.covariance_factors)
            expected = tuple((n, n) for n in self.index_sizes)
            if tuple(f.shape for f in factors) != expected:
                raise InvalidArgumentError(
                    f"covariance_factors must be one (n_c, n_c) matrix per colour, shapes {expected}, "
                    f"got {tuple(f.shape for f in factors)}"
                )
            object.__setattr__(self, "covariance_factors", factors)

    @property
    def index_sizes(self) -> tuple[int, ...]:
        """(n_1, ..., n_d)."""
        return tuple(int(n) for n in self.values.shape[1:])

    @property
    def order(self) -> int:
        """d, the number of colours (indices per sample)."""
        return self.values.ndim - 1

    @property
    def n_samples(self) -> int:
        """P, the number of samples."""
        return int(self.values.shape[0])

    @property
    def n_components(self) -> int:
        """n = prod_c n_c, the number of entries of one sample."""
        return math.prod(self.index_sizes)

    def flat(self) -> np.ndarray:
        """The samples as vectors, shape (P, n) (C order: the last colour runs fastest)."""
        return self.values.reshape(self.n_samples, self.n_components)

    def population_covariance(self) -> np.ndarray | None:
        """Sigma = Sigma_1 (x) ... (x) Sigma_d when the factors are known, else None; shape (n, n)."""
        if self.covariance_factors is None:
            return None
        out = np.ones((1, 1))
        for factor in self.covariance_factors:
            out = np.kron(out, factor)
        return out

    def colour_marginals(self) -> "TensorData":
        """Each sample as the concatenation of its colour marginals, shape (P, n_1 + ... + n_d).

        Block c holds x^c_i = mean over the other indices of x[..., i, ...] (i the colour-c index): the
        direct-sum input of a block-structured network (one block per colour, D_c = n_c).
        """
        blocks = [self.values.mean(axis=tuple(k for k in range(1, self.order + 1) if k != c))
                  for c in range(1, self.order + 1)]
        return TensorData(np.concatenate(blocks, axis=1), name=f"{self.name} (colour marginals)",
                          description=f"colour marginals of {self.name}: blocks of sizes {self.index_sizes}")

    def subset(self, indices) -> "TensorData":
        """The samples ``indices`` (a sequence of ints) as a new TensorData with the same metadata."""
        idx = np.asarray(indices, dtype=int)
        if idx.ndim != 1 or idx.size and (idx.min() < 0 or idx.max() >= self.n_samples):
            raise InvalidArgumentError(f"indices must be a 1-d list of sample numbers in 0..{self.n_samples - 1}")
        return TensorData(self.values[idx], name=self.name, description=self.description,
                          covariance_factors=self.covariance_factors)

    def __repr__(self):
        known = ", Kronecker factors known" if self.covariance_factors is not None else ""
        return f"TensorData({self.name!r}, P={self.n_samples}, index_sizes={self.index_sizes}{known})"


#: Entries of a statistic (covariance, its square in the noise floor) must stay inside float64's normal range.
_LOG10_TINY, _LOG10_HUGE = -300.0, 300.0


def check_statistics_range(data: "TensorData", centre: bool = True) -> float:
    """Refuse data whose second and fourth moments leave float64; return the largest (centred) entry.

    The covariance is of size m^2 (m the largest entry after centring); the Kronecker fit and the
    spectra's norms square it, and the noise floor uses n^2 m^4: below about 1e-300 these underflow
    (data scaled by 1e-200 would read as constant with distance 0), above about 1e300 they overflow
    (the eigen-solvers then fail). So m must lie between about 1e-75 and 1e75 / sqrt(n). Multiplying the data by a constant
    scales the spectra by its square and leaves the Kronecker distance unchanged.
    """
    x = data.flat()
    if centre:
        x = x - x.mean(axis=0)
    m = float(np.max(np.abs(x)))
    if m == 0.0:
        return m
    log_m, n = math.log10(m), data.n_components
    if 4 * log_m < _LOG10_TINY:
        raise InvalidArgumentError(
            f"{data.name}: the largest entry (after centring) is {m:.3g}, so the squared covariance entries (about "
            f"m^4 = {m:.1g}^4) of the Kronecker fit and the spectra's norms are below the float64 range and would "
            "read as 0; multiply the data by a constant first (e.g. divide by their standard deviation): the "
            "spectra scale by its square, the Kronecker distance does not change")
    if 4 * log_m + 2 * math.log10(n) + math.log10(data.n_samples) > _LOG10_HUGE:
        raise InvalidArgumentError(
            f"{data.name}: the largest entry (after centring) is {m:.3g}, so the fourth moments (about n^2 m^4 = "
            f"{n}^2 x {m:.1g}^4) overflow float64; divide the data by a constant first (e.g. by their standard "
            "deviation): the spectra scale by its square, the Kronecker distance does not change")
    return m


def roundoff_floor(data: "TensorData") -> float:
    """The size below which a covariance entry or eigenvalue is round-off of these data, not variance.

    Centring x_p - xbar leaves errors of about eps |x| per entry, whatever the covariance: the floor is
    (100 sqrt(n) eps max|x|)^2 (n entries per sample), relative to the data's scale, not to the largest
    eigenvalue (which is itself round-off when the samples are exactly repeated).
    """
    scale = float(np.max(np.abs(data.values)))
    return (100.0 * math.sqrt(data.n_components) * np.finfo(float).eps * scale) ** 2


def as_tensor_data(data, *, name: str = "data") -> TensorData:
    """Return ``data`` as a :class:`TensorData` (a TensorData passes through; an array is validated)."""
    if isinstance(data, TensorData):
        return data
    return TensorData(data, name=name)


def load_npy(path, *, name: str | None = None, max_components: int | None = None) -> TensorData:
    """Read a (P, n_1, ..., n_d) array from a ``.npy`` file.

    Parameters
    ----------
    path : str or Path
        A file written by ``numpy.save``; pickled object arrays are refused.
    name : str, optional
        Label of the data set (default: the file name).
    max_components : int, optional
        Refuse samples with more than this many entries n (the full covariance is n x n).

    Returns
    -------
    TensorData

    Raises
    ------
    InvalidArgumentError
        The file is missing, is not a .npy array, or holds an array that is not (P >= 2, n_1, ...).
    """
    path = Path(path)
    if path.suffix != ".npy":
        raise InvalidArgumentError(f"data file must end in .npy (written by numpy.save), got {path.name!r}")
    if path.is_dir():
        raise InvalidArgumentError(f"data file {str(path)!r} is a folder; give a .npy file")
    if not path.is_file():
        raise InvalidArgumentError(f"data file {str(path)!r} does not exist")
    if path.stat().st_size == 0:
        raise InvalidArgumentError(f"data file {str(path)!r} is empty (0 bytes); write the array with numpy.save")
    try:
        values = np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if "pickled" in why:
            why = "it is not an array written by numpy.save (pickled objects are not loaded)"
        raise InvalidArgumentError(f"cannot read {str(path)!r} as a numpy array (numpy.save format): {why}") from None
    if not isinstance(values, np.ndarray):  # an archive of numpy.savez, renamed .npy
        names = list(values.files)
        values.close()
        raise InvalidArgumentError(
            f"{str(path)!r} is a .npz archive (numpy.savez, arrays {names}) named .npy; save the one array with "
            "numpy.save, or rename it .npz and pass the array itself")
    try:
        data = TensorData(values, name=name or path.name, description=f"read from {path.name}, shape {values.shape}")
    except TensorNNError as exc:
        exc.args = (f"{path.name}: {exc.args[0]}",) + exc.args[1:]
        raise
    if max_components is not None:
        limit = check_int("max_components", max_components, minimum=1)
        if data.n_components > limit:
            raise InvalidArgumentError(
                f"{path.name}: each sample has n = {data.n_components} entries, more than max_components={limit}; "
                "the full covariance would be n x n, so reduce the data (crop, pool) or raise the limit"
            )
    return data

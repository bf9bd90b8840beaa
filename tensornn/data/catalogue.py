"""Named data sets: the registry behind ``tensornn data summary --data {synthetic,digits,FILE.npy}``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..errors import InvalidArgumentError, InvalidTypeError
from .digits import load_digits_data
from .synthetic import synthetic_kronecker
from .tensors import TensorData, load_npy

__all__ = ["DATA_SETS", "load_data"]

#: Built-in data sets by name: the seeded synthetic Kronecker data and the scikit-learn digits.
DATA_SETS: dict[str, Callable[[], TensorData]] = {
    "synthetic": synthetic_kronecker,
    "digits": load_digits_data,
}


def load_data(source, *, seed=0) -> TensorData:
    """A data set by name ("synthetic", "digits"), from a ``.npy`` path, or an array / TensorData.

    Parameters
    ----------
    source : str, Path, TensorData or array
        A name of :data:`DATA_SETS`, a path ending in ``.npy``, or data already in memory.
    seed : None, int, SeedSequence or Generator
        Seed of the synthetic data (ignored by the others).

    Returns
    -------
    TensorData

    Raises
    ------
    InvalidArgumentError
        An unknown name (the message lists the valid ones and the .npy form) or an unreadable file.
    MissingDependencyError
        "digits" without scikit-learn.

    Examples
    --------
    >>> load_data("synthetic").index_sizes
    (4, 4, 4)
    """
    if isinstance(source, TensorData):
        return source
    if isinstance(source, Path) or (isinstance(source, str) and source.endswith(".npy")):
        return load_npy(source)
    if isinstance(source, str):
        if source == "synthetic":
            return synthetic_kronecker(seed=seed)
        if source in DATA_SETS:
            return DATA_SETS[source]()
        valid = ", ".join(repr(k) for k in DATA_SETS)
        raise InvalidArgumentError(f"unknown data set {source!r}; valid names are {valid}, or a path ending in .npy")
    if isinstance(source, (bool, int, float)) or source is None:
        raise InvalidTypeError(f"data must be a name, a .npy path or an array, got {source!r}")
    return TensorData(source)

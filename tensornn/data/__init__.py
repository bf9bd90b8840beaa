"""Data with several indices: loading, the embedded synthetic set, the digits, spectra, Kronecker distance.

See docs/readings.md. Modules: ``tensors`` (the validated (P, n_1, ..., n_d) stack, .npy files),
``synthetic`` (seeded Gaussian tensors with a known Kronecker covariance), ``digits`` (scikit-learn's 8x8
digits, optional), ``catalogue`` (data sets by name), ``spectra`` (full and per-colour spectra),
``kronecker`` (the nearest Kronecker product), ``summary`` (all of it for one data set).
"""

from .catalogue import DATA_SETS, load_data
from .digits import load_digits_data
from .kronecker import KroneckerFit, kronecker_distance, nearest_kronecker, rearrange
from .spectra import (
    ColourSpectra,
    DataSpectra,
    colour_covariances,
    colour_spectra,
    covariance_spectra,
    data_spectra,
    partial_traces,
    product_spectrum,
    sample_covariance,
)
from .summary import DataSummary, summarise_data
from .synthetic import ar1_correlation, synthetic_kronecker
from .tensors import TensorData, as_tensor_data, load_npy

__all__ = [
    "DATA_SETS",
    "ColourSpectra",
    "DataSpectra",
    "DataSummary",
    "KroneckerFit",
    "TensorData",
    "ar1_correlation",
    "as_tensor_data",
    "colour_covariances",
    "colour_spectra",
    "covariance_spectra",
    "data_spectra",
    "kronecker_distance",
    "load_data",
    "load_digits_data",
    "load_npy",
    "nearest_kronecker",
    "partial_traces",
    "product_spectrum",
    "rearrange",
    "sample_covariance",
    "summarise_data",
    "synthetic_kronecker",
]

"""The 8x8 handwritten digits shipped with scikit-learn, read as tensors with two colours (rows, columns).

``sklearn.datasets.load_digits`` holds P = 1797 images of 8 x 8 pixels with integer grey levels
0..16. They are read as an array of shape (1797, 8, 8): colour 1 is the image row, colour 2 the
column. Preprocessing (both steps on by default, both documented in the description):

- centre: subtract the mean image (the per-pixel mean over the 1797 images), so that the data have
  zero mean as the networks' laws assume for their inputs' fluctuations;
- scale: divide by one number, the root mean square of the centred entries, so that the mean
  squared entry is 1 (tr Sigma / n = 1). A single scale keeps any Kronecker structure intact.

Several border pixels are zero in every image (e.g. the first column of the top and bottom rows),
so the full 64 x 64 covariance has zero eigenvalues; the spectra report this as a status.
scikit-learn is an optional dependency: ``pip install "tensornn[data]"``.
"""

from __future__ import annotations

import numpy as np

from ..errors import InvalidTypeError, MissingDependencyError
from .tensors import TensorData

__all__ = ["load_digits_data", "DIGITS_INSTALL_HINT"]

#: The command that installs the optional dependency of the digits data set.
DIGITS_INSTALL_HINT = 'pip install "tensornn[data]"'


def _load_images() -> np.ndarray:
    try:
        from sklearn.datasets import load_digits
    except ImportError as exc:
        raise MissingDependencyError(
            f"the digits data set needs scikit-learn, which is not installed ({exc}); install it with "
            f"{DIGITS_INSTALL_HINT}"
        ) from None
    return np.asarray(load_digits().images, dtype=float)


def load_digits_data(*, centre: bool = True, scale: bool = True) -> TensorData:
    """The scikit-learn 8x8 digits as (1797, 8, 8) tensors with rows and columns as colours.

    Parameters
    ----------
    centre : bool
        Subtract the mean image (default True).
    scale : bool
        Divide by the root mean square of the (centred) entries, so the mean squared entry is 1.

    Returns
    -------
    TensorData
        Named "digits".

    Raises
    ------
    MissingDependencyError
        scikit-learn is not installed; the message gives the ``pip install`` command.
    """
    for name, value in (("centre", centre), ("scale", scale)):
        if not isinstance(value, bool):
            raise InvalidTypeError(f"{name} must be True or False, got {value!r}")
    images = _load_images()
    steps = []
    if centre:
        images = images - images.mean(axis=0)
        steps.append("mean image subtracted")
    if scale:
        rms = float(np.sqrt(np.mean(images**2)))
        images = images / rms
        steps.append(f"divided by the rms entry {rms:.4g}")
    description = ("scikit-learn 8x8 handwritten digits, P = 1797, colours = (row, column), grey levels 0..16; "
                   + ("; ".join(steps) if steps else "raw grey levels"))
    return TensorData(images, name="digits", description=description)

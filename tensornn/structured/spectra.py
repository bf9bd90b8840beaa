"""Empirical colour spectra of a data set of tensors (kept here for compatibility).

The implementation lives in :mod:`tensornn.data.spectra`, with the full covariance spectrum and the
Kronecker distance beside it; ``from tensornn.structured import colour_spectra`` keeps working.
"""

from ..data.spectra import ColourSpectra, colour_spectra

__all__ = ["ColourSpectra", "colour_spectra"]

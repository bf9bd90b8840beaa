"""One summary of a data set with several indices: its spectra and its distance from Kronecker form."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .kronecker import KroneckerFit, check_kronecker_size, kronecker_distance
from .spectra import DataSpectra, data_spectra
from .tensors import TensorData, as_tensor_data

__all__ = ["DataSummary", "summarise_data"]


def _row(values, count: int = 8) -> str:
    values = np.asarray(values)
    shown = " ".join(f"{v:.4g}" for v in values[:count])
    return shown + (f" ... ({len(values)} in all)" if len(values) > count else "")


@dataclass(frozen=True)
class DataSummary:
    """The spectra and Kronecker distance of one data set.

    Attributes
    ----------
    data : TensorData
    spectra : DataSpectra
        Full, per-colour and product spectra of the sample covariance.
    kronecker : KroneckerFit
        Distance of the sample covariance from the nearest Kronecker product, with the noise floor.
    centre : bool
        Whether the sample mean was removed.
    """

    data: TensorData
    spectra: DataSpectra
    kronecker: KroneckerFit
    centre: bool

    @property
    def kronecker_plausible(self) -> bool:
        """True when the Kronecker distance is at most twice its sampling floor."""
        floor = self.kronecker.noise_floor
        return floor is not None and self.kronecker.distance <= 2.0 * floor

    def to_dict(self) -> dict:
        """Plain JSON-ready values (the samples themselves are not included)."""
        return {
            "data": {"name": self.data.name, "description": self.data.description,
                     "n_samples": self.data.n_samples, "index_sizes": list(self.data.index_sizes),
                     "centre": self.centre,
                     "covariance_factors": None if self.data.covariance_factors is None
                     else [f.tolist() for f in self.data.covariance_factors]},
            "spectra": self.spectra.to_dict(),
            "kronecker": self.kronecker.to_dict(),
            "kronecker_plausible": self.kronecker_plausible,
        }

    def text(self) -> str:
        """A plain-text summary: sizes, spectra (largest eigenvalues first), Kronecker distance."""
        d, s, k = self.data, self.spectra, self.kronecker
        lines = [f"data: {d.name}  P = {d.n_samples}, index sizes {d.index_sizes} (n = {d.n_components})",
                 f"  {d.description}",
                 f"full covariance spectrum ({s.status}: {s.message}):",
                 f"  {_row(s.full)}"]
        for c, lam in enumerate(s.colours, start=1):
            lines.append(f"colour {c} spectrum (n_{c} = {len(lam)}): {_row(lam)}")
        lines.append(f"product spectrum prod_c lambda_c / mbar^(d-1): {_row(s.product)}")
        lines.append(f"  mean eigenvalue mbar = {s.mean_eigenvalue:.4g}; |full - product| / |full| = "
                     f"{s.product_mismatch:.3g}")
        floor = "" if k.noise_floor is None else f" (sampling floor {k.noise_floor:.3g})"
        lines.append(f"Kronecker distance |Sigma - (x)_c F_c|_F / |Sigma|_F = {k.distance:.4g}{floor} [{k.method}]")
        lines.append("  colour c against the rest: " + ", ".join(
            f"c={c}: {v:.4g}" for c, v in enumerate(k.colour_distances, start=1)))
        verdict = ("consistent with a Kronecker covariance (distance <= 2 x floor)" if self.kronecker_plausible
                   else "not Kronecker beyond sampling noise: a tensor reading of these data is doubtful")
        lines.append(f"  {verdict}")
        return "\n".join(lines)

    def __repr__(self):
        return (f"DataSummary({self.data.name!r}, index_sizes={self.data.index_sizes}, "
                f"kronecker_distance={self.kronecker.distance:.3g}, spectra_status={self.spectra.status!r})")


def summarise_data(data, *, centre: bool = True) -> DataSummary:
    """Spectra and Kronecker distance of ``data`` (TensorData or array of shape (P, n_1, ..., n_d)).

    Examples
    --------
    >>> from tensornn.data import synthetic_kronecker
    >>> summary = summarise_data(synthetic_kronecker((2, 2), 4000, seed=0))
    >>> summary.kronecker_plausible
    True
    """
    data = as_tensor_data(data)
    check_kronecker_size(data.index_sizes)  # before any work: the fit of large samples takes minutes
    return DataSummary(data, data_spectra(data, centre=centre), kronecker_distance(data, centre=centre), centre)

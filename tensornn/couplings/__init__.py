"""Couplings of network ensembles: amputation, the quartic coupling u4, normalisations, power-law scans."""

from .._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "amputation": ".amputation",
        "amputation_integral": ".amputation",
        "gauss_amputation_integral": ".amputation",
        "ball_quadrature": ".amputation",
        "CouplingEstimate": ".quartic",
        "u4_exact": ".quartic",
        "u4_from_measurement": ".quartic",
        "measure_u4": ".quartic",
        "PowerLawFit": ".fits",
        "fit_power_law": ".fits",
        "engine_coupling": ".normalisation",
        "potential_coupling": ".normalisation",
        "hms_lambda": ".normalisation",
        "FieldNormalisation": ".normalisation",
        "field_normalisation": ".normalisation",
        "u4_field_normalised": ".normalisation",
        "inputs_from_rescaled": ".normalisation",
        "sigma_w_of_mass": ".normalisation",
        "CouplingScan": ".scans",
        "scan_width": ".scans",
        "scan_sigma_w": ".scans",
        "scan_cutoff": ".scans",
    },
)

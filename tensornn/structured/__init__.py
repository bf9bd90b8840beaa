"""Structured inputs: the Monte-Carlo measurement of structured networks' correlators (``measure``).

The rest of this package has moved to the stages it belongs to (docs/structured.md): the networks to
:mod:`tensornn.networks` (``cp``, ``blocks``), the exact cumulants of the linear layer to
:mod:`tensornn.correlators.cp_cumulants`, its random-tensor content and first-order action to
:mod:`tensornn.readings.content`, the colour spectra to :mod:`tensornn.data.spectra`. The old names still
resolve here for one release, with a DeprecationWarning that names the new place.
"""

import importlib
import warnings

from .._lazy import attach

_HERE = {
    "BlockCorrelators": ".measure",
    "FourPointMeasurement": ".measure",
    "estimate_correlators": ".measure",
    "four_point_from_moments": ".measure",
}

#: old name -> the module that holds it now
_MOVED_NAMES = {
    **{name: "tensornn.networks.blocks" for name in
       ("BlockGaussNetwork", "BlockKinetic", "block_gauss_kernel", "block_kinetic_coefficients")},
    **{name: "tensornn.networks.cp" for name in ("StructuredNetwork", "STRUCTURED_ACTIVATIONS")},
    **{name: "tensornn.readings.content" for name in
       ("LinearTensorAction", "QuarticClass", "QuarticContent", "hermite_trace", "linear_tensor_action",
        "pairing_bubble", "quartic_content")},
    **{name: "tensornn.correlators.cp_cumulants" for name in
       ("PAIRINGS", "contraction", "linear_four_point", "linear_two_point", "pairing_tuples", "tuple_weight")},
    **{name: "tensornn.data.spectra" for name in ("ColourSpectra", "colour_spectra")},
}

_getattr_here, __dir__, __all__ = attach(__name__, _HERE)


def __getattr__(name: str):
    new = _MOVED_NAMES.get(name)
    if new is None:
        return _getattr_here(name)
    warnings.warn(f"tensornn.structured.{name} has moved to {new}.{name}; import it from there (the old path goes "
                  "in the next release)", DeprecationWarning, stacklevel=2)
    return getattr(importlib.import_module(new), name)

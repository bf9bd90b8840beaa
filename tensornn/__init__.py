"""tensornn: neural-network ensembles as random (tensor) field theories.

The package follows the data, one stage per subpackage: ``data`` (inputs with several indices,
their spectra) and ``networks`` (network families as models, activations with their kernel maps, ensemble
sampling) -> ``correlators`` (estimators with errors, exact oracles) -> ``couplings`` (amputation,
normalisation, scans) and ``readings`` (the quartic action measured in a basis: which reading a network has)
-> ``bubbles`` and ``theory`` (interactions, colours, truncations) -> ``flow`` (Wetterich/LPA flows, fixed
points) -> ``rg`` (passive flows and the active/passive experiment) -> ``compare`` (the main job) ->
``plotting`` and ``cli`` at the edge. ``structured`` keeps the Monte-Carlo measurement of structured
networks; docs/contributing.md describes the layout.

Names are loaded on first use (PEP 562), so ``import tensornn`` is cheap.
"""

import sys as _sys

from ._lazy import attach
from ._moved import MovedModuleFinder as _MovedModuleFinder
from ._version import __version__

if not any(isinstance(f, _MovedModuleFinder) for f in _sys.meta_path):
    _sys.meta_path.append(_MovedModuleFinder())

__getattr__, __dir__, _names = attach(
    __name__,
    {
        # data, networks, ensembles and correlators
        "TensorData": ".data.tensors",
        "load_data": ".data.catalogue",
        "ACTIVATIONS": ".networks.activations",
        "register_activation": ".networks.activations",
        "get_model": ".networks.model",
        "model_names": ".networks.model",
        "register_model": ".networks.model",
        "kernel": ".networks.kernels",
        "kernel_w": ".networks.kernels",
        "NetworkSpec": ".networks.spec",
        "ScalarNetwork": ".networks.scalar",
        "BlockGaussNetwork": ".networks.blocks",
        "StructuredNetwork": ".networks.cp",
        "sample_ensemble": ".networks.sampling",
        "EnsembleMoments": ".networks.sampling",
        "wick_sum": ".correlators.estimators",
        "normalised_deviation": ".correlators.estimators",
        "CorrelatorEstimate": ".correlators.estimators",
        "DeviationEstimate": ".correlators.estimators",
        # exact results and couplings
        "hidden_moments": ".correlators.exact",
        "two_point_exact": ".correlators.exact",
        "g4_connected_exact": ".correlators.exact",
        "g6_connected_exact": ".correlators.exact",
        "u4_exact": ".couplings.quartic",
        "u4_from_measurement": ".couplings.quartic",
        "measure_u4": ".couplings.quartic",
        "CouplingEstimate": ".couplings.quartic",
        "fit_power_law": ".couplings.fits",
        "PowerLawFit": ".couplings.fits",
        "scan_width": ".couplings.scans",
        "scan_sigma_w": ".couplings.scans",
        "scan_cutoff": ".couplings.scans",
        "CouplingScan": ".couplings.scans",
        # readings
        "read_network": ".readings.fit",
        "ReadingsResult": ".readings.fit",
        # bubbles, theories and flows
        "Bubble": ".bubbles.graph",
        "Theory": ".theory.field_theory",
        "Truncation": ".theory.truncations",
        "derive_flow": ".flow.betas",
        "DerivedFlow": ".flow.betas",
        "run_flow": ".flow.integrate",
        "run_flows": ".flow.integrate",
        "FlowTrajectory": ".flow.result",
        "find_fixed_points": ".flow.fixed_points",
        "potential_fixed_point": ".flow.potential",
        "functional_fixed_point": ".flow.functional_search",
        "functional_fixed_points": ".flow.functional_search",
        "derivative_expansion_fixed_point": ".flow.derivative_expansion_solve",
        "functional_flow": ".flow.functional_flow",
        "make_preset": ".flow.presets",
        # RG experiment and comparison
        "passive_flow": ".rg.passive",
        "PassiveFlow": ".rg.passive",
        "active_passive_experiment": ".rg.experiment",
        "ActivePassiveResult": ".rg.results",
        "run_compare": ".compare.run",
        "CompareConfig": ".compare.config",
        "CompareResult": ".compare.result",
        # errors and warnings
        "TensorNNError": ".errors",
        "InvalidArgumentError": ".errors",
        "InvalidTypeError": ".errors",
        "BubbleError": ".errors",
        "EnumerationTooLargeError": ".bubbles.estimate",
        "ConfigError": ".errors",
        "TruncationError": ".errors",
        "MissingDependencyError": ".errors",
        "NoisyEstimateWarning": ".errors",
        "NumericalOverflowWarning": ".errors",
    },
)
__all__ = ["__version__", *_names]

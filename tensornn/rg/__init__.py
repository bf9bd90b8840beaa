"""Renormalisation of network ensembles: the passive flow from infrared data, the active/passive experiment, and the
depth flow of deep networks beside the Wetterich flow."""

from .._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "PassiveFlow": ".passive",
        "passive_flow": ".passive",
        "scalar_flow": ".passive",
        "active_passive_experiment": ".experiment",
        "default_rescaled_inputs": ".experiment",
        "ActiveSeries": ".results",
        "ActivePassiveCase": ".results",
        "ActivePassiveResult": ".results",
        "KineticComparison": ".results",
        "CONVENTIONS": ".conventions",
        "RGConvention": ".conventions",
        "get_convention": ".conventions",
        "StructuralSlopes": ".structural",
        "structural_slopes": ".structural",
        "passive_slope": ".structural",
        "closing_u6": ".structural",
        "ELSCurve": ".els",
        "ELSReproduction": ".els",
        "els_reproduction": ".els",
        "DepthFlow": ".depth_flow",
        "depth_flow": ".depth_flow",
        "LayerWetterichFlow": ".depth_flow",
        "layer_wetterich_flow": ".depth_flow",
        "DepthStudy": ".depth_study",
        "depth_study": ".depth_study",
    },
)

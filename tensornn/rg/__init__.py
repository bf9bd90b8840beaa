"""Renormalisation of network ensembles: the passive flow from infrared data and the active/passive experiment."""

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
    },
)

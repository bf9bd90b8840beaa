"""Compare the readings of networks on data with several indices: which one the data select, and the flows.

See docs/compare.md. Modules: ``config`` (the specification), ``networks`` (the CP layer, its dense twin, the
block Gauss-net on the data), ``theories`` (each reading as a flow theory), ``flows`` (trajectories and fixed
points), ``uncertainty`` (the selected flow over Monte-Carlo draws of the fitted couplings), ``result`` (the typed
results and the JSON contract), ``run`` (the stages), ``report`` (the report folder).
"""

from .._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "CompareConfig": ".config",
        "NETWORK_KINDS": ".config",
        "config_keys": ".config",
        "load_config": ".config",
        "ComparedNetwork": ".networks",
        "compared_networks": ".networks",
        "ReadingTheory": ".theories",
        "reading_theories": ".theories",
        "ReadingFlow": ".flows",
        "FlowUncertainty": ".uncertainty",
        "flow_uncertainty": ".uncertainty",
        "reading_flow": ".flows",
        "NetworkResult": ".result",
        "CompareResult": ".result",
        "run_compare": ".run",
        "summary_markdown": ".report",
        "report_files": ".report",
        "write_compare_report": ".report",
    },
)

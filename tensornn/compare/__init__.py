"""Compare the scalar and the tensor field-theory readings of one block-structured Gauss-net (docs/compare.md)."""

from .config import CompareConfig, config_keys, load_config
from .readings import IRData, block_normalisation, measure_ir_data, scalar_theory, tensor_theory
from .run import CompareResult, ReadingResult, run_compare

__all__ = ["CompareConfig", "config_keys", "load_config", "IRData", "block_normalisation", "measure_ir_data",
           "scalar_theory", "tensor_theory", "CompareResult", "ReadingResult", "run_compare", "write_compare_report"]


def write_compare_report(result, folder, *, overwrite=False):
    """Write the report folder of a :class:`CompareResult` (see :mod:`tensornn.compare.report`)."""
    from .report import write_compare_report as _write

    return _write(result, folder, overwrite=overwrite)

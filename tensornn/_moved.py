"""Old module paths, importable for one more release with a DeprecationWarning.

tensornn 0.2 groups the modules by pipeline stage, and then dissolves most of ``tensornn.structured`` into the
stages (docs/changelog.md lists every move). Importing an old path (``import tensornn.ensemble``) returns the
module at its new place and warns once, saying where it is now. The finder handles these names only and is
installed by ``tensornn/__init__.py``.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import warnings

__all__ = ["MOVED", "MovedModuleFinder"]

#: old module -> new module
MOVED = {
    "tensornn.ensemble": "tensornn.networks.sampling",
    "tensornn.kernels": "tensornn.networks.kernels",
    "tensornn.checkpoint": "tensornn.networks.checkpoint",
    "tensornn.exact": "tensornn.correlators.exact",
    "tensornn.coupling_scans": "tensornn.couplings.scans",
    "tensornn.passive_flow": "tensornn.rg.passive",
    "tensornn.rg_experiment": "tensornn.rg.experiment",
    "tensornn.rg_results": "tensornn.rg.results",
    "tensornn.structured.networks": "tensornn.networks.cp",
    "tensornn.structured.blocks": "tensornn.networks.blocks",
    "tensornn.structured.cumulants": "tensornn.correlators.cp_cumulants",
    "tensornn.structured.content": "tensornn.readings.content",
    "tensornn.structured.spectra": "tensornn.data.spectra",
}


class _Alias(importlib.abc.Loader):
    def __init__(self, new: str):
        self.new = new

    def create_module(self, spec):
        return importlib.import_module(self.new)

    def exec_module(self, module):  # the module is already executed at its new place
        pass


class MovedModuleFinder(importlib.abc.MetaPathFinder):
    """Resolve the old paths of :data:`MOVED` to their new modules, with a DeprecationWarning."""

    def find_spec(self, fullname, path=None, target=None):
        new = MOVED.get(fullname)
        if new is None:
            return None
        warnings.warn(f"{fullname} has moved to {new}; import it from there (the old path goes in the next release)",
                      DeprecationWarning, stacklevel=2)
        return importlib.machinery.ModuleSpec(fullname, _Alias(new))

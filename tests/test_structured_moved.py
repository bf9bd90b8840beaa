"""tensornn.structured has dissolved into the stages: its old names and module paths still resolve, with a warning."""

import importlib
import sys

import pytest

import tensornn.structured as structured
from tensornn.correlators import cp_cumulants
from tensornn.data import spectra
from tensornn.networks import cp
from tensornn.readings import content


@pytest.mark.parametrize("name, module", [
    ("StructuredNetwork", cp), ("linear_four_point", cp_cumulants), ("PAIRINGS", cp_cumulants),
    ("quartic_content", content), ("linear_tensor_action", content), ("colour_spectra", spectra),
])
def test_old_names_warn_and_name_their_new_place(name, module):
    with pytest.warns(DeprecationWarning, match=f"{module.__name__}.{name}"):
        value = getattr(structured, name)
    assert value is getattr(module, name)


@pytest.mark.parametrize("old, new", [
    ("tensornn.structured.cumulants", "tensornn.correlators.cp_cumulants"),
    ("tensornn.structured.content", "tensornn.readings.content"),
    ("tensornn.structured.spectra", "tensornn.data.spectra"),
])
def test_old_module_paths_resolve_to_the_new_modules(old, new):
    sys.modules.pop(old, None)
    with pytest.warns(DeprecationWarning, match=new):
        module = importlib.import_module(old)
    assert module is importlib.import_module(new)


def test_the_measurement_stays_without_a_warning(recwarn):
    assert structured.four_point_from_moments.__module__ == "tensornn.structured.measure"
    assert not [w for w in recwarn if issubclass(w.category, DeprecationWarning)]
    assert "StructuredNetwork" not in structured.__all__

"""The package imports cleanly and exposes what it declares."""

import importlib
import subprocess
import sys

import pytest

import tensornn

SUBPACKAGES = ["tensornn.bubbles", "tensornn.flow", "tensornn.theory", "tensornn.structured", "tensornn.compare",
               "tensornn.data", "tensornn.readings"]


def test_import_with_warnings_as_errors():
    result = subprocess.run([sys.executable, "-W", "error", "-c", "import tensornn"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("name", ["tensornn", *SUBPACKAGES])
def test_every_declared_name_exists(name):
    module = importlib.import_module(name)
    missing = [n for n in module.__all__ if not hasattr(module, n)]
    assert not missing and len(set(module.__all__)) == len(module.__all__)


def test_version_is_exposed():
    assert tensornn.__version__.count(".") == 2


def test_every_name_of_every_face_resolves():
    # the lazy faces list names by module: each must exist there (a stale entry would hand out the module)
    import importlib
    import pkgutil
    import types

    import tensornn

    faces = [tensornn] + [importlib.import_module(f"tensornn.{m.name}") for m in pkgutil.iter_modules(tensornn.__path__)
                          if m.ispkg and m.name != "cli"]
    for face in faces:
        for name in face.__all__:
            value = getattr(face, name)
            assert not isinstance(value, types.ModuleType) or value.__name__.endswith("." + name), (face.__name__, name)

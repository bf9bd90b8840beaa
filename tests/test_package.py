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


@pytest.mark.parametrize("code", [
    "import tensornn",
    "from tensornn.cli.main import main\ntry:\n    main(['--version'])\nexcept SystemExit:\n    pass",
    "from tensornn.cli.main import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass",
])
def test_light_entry_points_do_not_import_scipy_or_networkx(code):
    # `import tensornn`, `tensornn --version` and `--help` build no flow, bubble or fit machinery: scipy and
    # networkx (the heavy imports) are loaded only by the commands that use them
    probe = code + "\nimport sys\nprint(sorted(m for m in ('scipy', 'networkx', 'matplotlib') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stdout + result.stderr

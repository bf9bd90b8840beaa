"""Type information ships with the package: py.typed, and stubs for every lazy face that match the faces."""

import ast
import importlib
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import generate_stubs  # noqa: E402


def test_the_package_is_marked_typed():
    assert (ROOT / "tensornn" / "py.typed").is_file()


def test_every_lazy_face_has_a_current_stub():
    faces = generate_stubs.lazy_faces()
    assert len(faces) >= 7  # tensornn and its lazy subpackages
    for path, names in faces.items():
        stub = path.with_suffix(".pyi")
        assert stub.is_file(), f"{stub} is missing: run python scripts/generate_stubs.py"
        assert stub.read_text(encoding="utf-8") == generate_stubs.stub_text(path, names), (
            f"{stub} is stale: run python scripts/generate_stubs.py")


@pytest.mark.parametrize("face", ["tensornn", "tensornn.compare", "tensornn.networks", "tensornn.rg"])
def test_a_stub_exports_exactly_the_names_of_its_face(face):
    module = importlib.import_module(face)
    stub = Path(module.__file__).with_suffix(".pyi")
    tree = ast.parse(stub.read_text(encoding="utf-8"))
    listed = next(ast.literal_eval(n.value) for n in tree.body if isinstance(n, ast.Assign)
                  and getattr(n.targets[0], "id", None) == "__all__")
    imported = {a.asname for n in tree.body if isinstance(n, ast.ImportFrom) for a in n.names}
    assert listed == list(module.__all__)
    assert imported == set(listed)


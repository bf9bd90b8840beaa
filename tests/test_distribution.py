"""The sdist and the wheel: built by python -m build, LICENSE in both, and the sdist's own tests pass from it.

The quick checks (build, contents, a smoke test of the wheel in a fresh virtual environment) run in CI as
``python scripts/check_distribution.py``; the test suite from the unpacked sdist takes as long as the suite itself,
so it is a slow test.
"""

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

pytestmark = pytest.mark.skipif(importlib.util.find_spec("build") is None, reason="needs the build package")


@pytest.mark.slow
def test_the_sdist_carries_its_tests_and_they_pass(tmp_path):
    import check_distribution

    sdist, wheel = check_distribution.build(tmp_path / "dist")
    members = check_distribution.check_sdist(sdist)
    assert "tests/_handwritten_flows.py" in members and "LICENSE" in members
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in check_distribution.check_wheel(wheel))
    result = check_distribution.run_sdist_tests(sdist, tmp_path / "sdist", pytest_args=["-x", "-p", "no:randomly"])
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]

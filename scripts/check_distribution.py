"""Build the sdist and the wheel, check what they carry, and smoke-test the wheel in a fresh virtual environment.

    python scripts/check_distribution.py                  # build into a temporary folder, check, smoke-test
    python scripts/check_distribution.py --sdist-tests    # also run the test suite from the unpacked sdist

Checks: ``python -m build`` writes exactly one sdist and one wheel; both carry the LICENSE text (the wheel in its
``.dist-info/licenses``, with ``License-Expression: BSD-3-Clause`` in its metadata), the wheel ships ``py.typed``,
the face stubs and the JSON Schemas; the sdist carries the test helpers, docs/ and examples/. The wheel is then
installed with its dependencies into a new virtual environment, where ``import tensornn`` (with warnings as
errors), ``tensornn --version`` and a small flow run. ``--sdist-tests`` runs ``python -m pytest`` (the default
suite) inside the unpacked sdist, with this interpreter. Exit status 0 when everything holds, 1 otherwise.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tarfile
import tempfile
import time
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

__all__ = ["build", "check_sdist", "check_wheel", "smoke_test_wheel", "run_sdist_tests", "main"]

#: Files the sdist must carry for its own tests, doctests and docs to run.
SDIST_REQUIRED = ("LICENSE", "CITATION.cff", "pyproject.toml", "tests/_handwritten_flows.py",
                  "tests/_structured_design.py", "docs/index.md", "docs/generate_reference.py",
                  "examples/compare_readings.py", "scripts/generate_stubs.py", "tensornn/py.typed",
                  "tensornn/__init__.pyi", "tensornn/schemas/report.schema.json")

#: Files the wheel must carry (besides the modules).
WHEEL_REQUIRED = ("tensornn/py.typed", "tensornn/__init__.pyi", "tensornn/compare/__init__.pyi",
                  "tensornn/schemas/report.schema.json")

SMOKE = """
import warnings
warnings.simplefilter("error")
import tensornn as tn
from tensornn.theory import ContinuumColour, scalar_truncation
flow = tn.derive_flow(tn.Theory((ContinuumColour(3),), "real", scalar_truncation(2)))
result = tn.run_flow(flow, [0.1, 0.1], k_start=1.0, k_stop=0.5, n_points=3)
assert result.status == "completed", result.message
print("smoke ok", tn.__version__)
"""


def _run(command, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, command))} failed ({result.returncode}):\n{result.stdout[-3000:]}\n"
                           f"{result.stderr[-3000:]}")
    return result


def build(outdir: Path) -> tuple[Path, Path]:
    """``python -m build --sdist --wheel`` of the repository into ``outdir``; returns (sdist, wheel).

    The build must not warn about deprecated configuration (setuptools' licence table form, for example).
    """
    result = _run([sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", str(outdir), str(ROOT)])
    deprecated = [line for line in (result.stdout + result.stderr).splitlines() if "Deprecat" in line]
    if deprecated:
        raise RuntimeError("the build warns about deprecated configuration:\n" + "\n".join(deprecated))
    sdists, wheels = sorted(outdir.glob("*.tar.gz")), sorted(outdir.glob("*.whl"))
    if len(sdists) != 1 or len(wheels) != 1:
        raise RuntimeError(f"expected one sdist and one wheel in {outdir}, found {sdists + wheels}")
    return sdists[0], wheels[0]


def check_sdist(sdist: Path) -> list[str]:
    """The members of the sdist, after checking that it carries :data:`SDIST_REQUIRED` and the LICENSE text."""
    with tarfile.open(sdist) as tar:
        names = tar.getnames()
        top = names[0].split("/")[0]
        relative = {n[len(top) + 1:] for n in names}
        missing = [f for f in SDIST_REQUIRED if f not in relative]
        if missing:
            raise RuntimeError(f"the sdist {sdist.name} lacks {missing}")
        member = tar.extractfile(f"{top}/LICENSE")
        if member is None or b"BSD 3-Clause License" not in member.read():
            raise RuntimeError(f"the LICENSE in {sdist.name} is not the BSD 3-Clause text")
    return sorted(relative)


def check_wheel(wheel: Path) -> list[str]:
    """The members of the wheel, after checking the licence file and metadata and :data:`WHEEL_REQUIRED`."""
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        licences = [n for n in names if ".dist-info/licenses/" in n and n.endswith("LICENSE")]
        if not licences or b"BSD 3-Clause License" not in zf.read(licences[0]):
            raise RuntimeError(f"the wheel {wheel.name} carries no BSD-3-Clause LICENSE in .dist-info/licenses")
        metadata = zf.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
        if "License-Expression: BSD-3-Clause" not in metadata:
            raise RuntimeError(f"the wheel's METADATA has no License-Expression: BSD-3-Clause")
        missing = [f for f in WHEEL_REQUIRED if f not in names]
        if missing:
            raise RuntimeError(f"the wheel {wheel.name} lacks {missing}")
    return names


def smoke_test_wheel(wheel: Path, workdir: Path) -> str:
    """Install ``wheel`` into a new virtual environment under ``workdir`` and run :data:`SMOKE` and the CLI there."""
    env_dir = workdir / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    python = env_dir / ("Scripts" if sys.platform == "win32" else "bin") / "python"
    _run([str(python), "-m", "pip", "install", "--quiet", str(wheel)])
    out = _run([str(python), "-W", "error", "-c", SMOKE], cwd=workdir).stdout
    version = _run([str(python), "-m", "tensornn", "--version"], cwd=workdir).stdout
    return out + version


def run_sdist_tests(sdist: Path, workdir: Path, pytest_args=()) -> subprocess.CompletedProcess:
    """Unpack ``sdist`` into ``workdir`` and run its default test suite there with this interpreter."""
    with tarfile.open(sdist) as tar:
        tar.extractall(workdir, filter="data")
    unpacked = next(p for p in workdir.iterdir() if p.is_dir() and p.name.startswith("tensornn-"))
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *pytest_args],
                          cwd=unpacked, capture_output=True, text=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sdist-tests", action="store_true", help="also run the test suite from the unpacked sdist")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="tensornn-dist-") as tmp:
        tmp = Path(tmp)
        try:
            sdist, wheel = build(tmp / "dist")
            check_sdist(sdist)
            check_wheel(wheel)
            print(f"built {sdist.name} and {wheel.name}: LICENSE in both, stubs and schemas in the wheel")
            print(smoke_test_wheel(wheel, tmp).strip())
            if args.sdist_tests:
                result = run_sdist_tests(sdist, tmp / "sdist")
                print(result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr[-2000:])
                if result.returncode != 0:
                    print(result.stdout[-5000:], result.stderr[-3000:], file=sys.stderr)
                    return 1
        except RuntimeError as exc:
            print(f"check_distribution: {exc}", file=sys.stderr)
            return 1
    print(f"distribution checks passed in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

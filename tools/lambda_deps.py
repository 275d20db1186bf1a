"""The Lambda function's vendored dependencies for one architecture, with bytecode, cached on disk.

chalice's own dependency builder fetches them (`pip download --only-binary=:all: --platform
manylinux_2_17..2_34_<machine> --platform manylinux2014_<machine> --implementation cp --abi cp313`,
the glibc range of the python3.13 runtime); it is the builder `chalice package` runs for a stage's
`lambda_architecture`. A dependency without a wheel for the architecture is an error here, where
chalice would only print a warning and ship the package without it.

The result is kept in `build/lambda-deps/<abi>-<architecture>-<hash>/`, the hash taken over
`requirements.txt`, the Python and chalice's version: packaging again after a code change, or a
second package in the same test run, reads the index no more.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
import tempfile
from pathlib import Path

from chalicelib.paths import PROJECT_ROOT
from tools.bytecode import compile_tree

CACHE_ROOT = PROJECT_ROOT / "build" / "lambda-deps"
ARCHITECTURES = ("arm64", "x86_64")
# Bumped when what this module puts in a cache entry changes.
FORMAT = "1"


class DependencyError(Exception):
    """The dependencies cannot be had for the architecture; the message names them."""


def python_abi() -> str:
    """The wheel ABI tag of this Python, which is the runtime's (cp313)."""
    return f"cp{sys.version_info.major}{sys.version_info.minor}"


def cache_entry(requirements: Path, architecture: str, cache_root: Path = CACHE_ROOT) -> Path:
    import chalice

    digest = hashlib.sha256()
    for part in (
        requirements.read_bytes(),
        python_abi().encode(),
        chalice.__version__.encode(),
        FORMAT.encode(),
    ):
        digest.update(part)
        digest.update(b"\0")
    return cache_root / f"{python_abi()}-{architecture}-{digest.hexdigest()[:16]}"


def _build(requirements: Path, architecture: str, site_packages: Path) -> None:
    from chalice.deploy.packager import DependencyBuilder, MissingDependencyError
    from chalice.utils import OSUtils

    builder = DependencyBuilder(OSUtils(), architecture=architecture)
    try:
        builder.build_site_packages(python_abi(), str(requirements), str(site_packages))
    except MissingDependencyError as exc:
        names = ", ".join(sorted(package.identifier for package in exc.missing))
        raise DependencyError(f"no {architecture} wheel for {python_abi()}: {names}") from exc
    site_packages.mkdir(parents=True, exist_ok=True)  # no requirements: nothing to vendor
    # What a wheel installs outside site-packages (scripts, headers) is no part of the function.
    for data in site_packages.glob("*.data"):
        shutil.rmtree(data)
    compile_tree(site_packages)


def site_packages(requirements: Path, architecture: str, cache_root: Path = CACHE_ROOT) -> Path:
    """The dependencies of REQUIREMENTS for ARCHITECTURE, unpacked and compiled: a cached directory."""
    if architecture not in ARCHITECTURES:
        raise DependencyError(
            f"lambda_architecture must be one of {', '.join(ARCHITECTURES)}, not {architecture!r}"
        )
    entry = cache_entry(requirements, architecture, cache_root)
    if not entry.is_dir():
        cache_root.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=f".{entry.name}-", dir=cache_root))
        try:
            _build(requirements, architecture, building / "site-packages")
            try:
                building.rename(entry)  # atomic: a half-built entry is never seen
            except OSError:
                if not entry.is_dir():  # not another build that finished first
                    raise
        finally:
            shutil.rmtree(building, ignore_errors=True)
        for stale in cache_root.glob(f"{python_abi()}-{architecture}-*"):
            if stale != entry:
                shutil.rmtree(stale, ignore_errors=True)
    return entry / "site-packages"

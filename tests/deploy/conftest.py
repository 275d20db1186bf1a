"""The packaged prod template, built once per run by the same entry as `make package`, offline."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PROJECT_ROOT

# Any AWS call during packaging would fail: placeholder credentials, and every endpoint on a closed port.
OFFLINE_AWS_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "offline",
    "AWS_SECRET_ACCESS_KEY": "offline",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
    "AWS_EC2_METADATA_DISABLED": "true",
}


# The Lambda architecture whose compiled extensions load on this machine.
NATIVE_ARCHITECTURE = {"aarch64": "arm64", "arm64": "arm64"}.get(platform.machine(), "x86_64")


def build_package(out: Path, *options: str) -> Path:
    """`python -m tools.packaging [OPTIONS] OUT` as `make package` runs it, with AWS out of reach."""
    environment = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    environment.update(OFFLINE_AWS_ENVIRONMENT)
    result = subprocess.run(
        [sys.executable, "-m", "tools.packaging", *options, str(out)],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, f"packaging failed:\n{result.stdout}\n{result.stderr}"
    return out


@pytest.fixture(scope="session")
def package_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`make package`'s output: the prod stage for its own architecture (arm64)."""
    return build_package(tmp_path_factory.mktemp("deploy") / "package")


@pytest.fixture(scope="session")
def package_architecture(package_dir: Path) -> str:
    template = json.loads((package_dir / "sam.json").read_text())
    (found,) = template["Resources"]["APIHandler"]["Properties"]["Architectures"]
    return str(found)


@pytest.fixture(scope="session")
def native_package_dir(
    tmp_path_factory: pytest.TempPathFactory, package_dir: Path, package_architecture: str
) -> Path:
    """The same package for this machine's architecture, whose compiled extensions load here."""
    if package_architecture == NATIVE_ARCHITECTURE:
        return package_dir
    out = tmp_path_factory.mktemp("deploy-native") / "package"
    return build_package(out, "--architecture", NATIVE_ARCHITECTURE)


@pytest.fixture(scope="session")
def template_text(package_dir: Path) -> str:
    return (package_dir / "sam.json").read_text()


@pytest.fixture(scope="session")
def template(template_text: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(template_text)
    return loaded


@pytest.fixture(scope="session")
def resources(template: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = template["Resources"]
    return found

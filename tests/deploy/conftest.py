"""The packaged prod template, built once per run by the same entry as `make package`, offline."""

from __future__ import annotations

import json
import os
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


@pytest.fixture(scope="session")
def package_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("deploy") / "package"
    environment = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    environment.update(OFFLINE_AWS_ENVIRONMENT)
    result = subprocess.run(
        [sys.executable, "-m", "tools.packaging", str(out)],
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

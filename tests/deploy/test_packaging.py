"""`make package` and its python entry: the command it runs, and what it refuses to do."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT
from tools import packaging


def test_make_package_runs_the_packaging_entry():
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    recipe = re.search(r"^package:.*\n\t(.+)$", makefile, re.MULTILINE)
    assert recipe is not None
    assert recipe.group(1) == "$(PY) -m tools.packaging $(PACKAGE_DIR)"
    assert "PACKAGE_DIR ?= build/package" in makefile
    assert "build/" in (PROJECT_ROOT / ".gitignore").read_text().split()


def test_the_chalice_command_packages_prod_with_the_merge_template(tmp_path):
    arguments = packaging.chalice_arguments(tmp_path / "out")
    assert arguments[:3] == ["--project-dir", str(PROJECT_ROOT), "package"]
    assert arguments[arguments.index("--stage") + 1] == "prod"
    assert arguments[arguments.index("--merge-template") + 1] == str(
        PROJECT_ROOT / ".chalice/resources-prod.json"
    )
    assert arguments[-1] == str(tmp_path / "out")


def test_the_prod_stage_turns_chalices_policy_generation_off():
    config = json.loads((PROJECT_ROOT / ".chalice" / "config.json").read_text())
    prod = config["stages"]["prod"]
    assert prod["autogen_policy"] is False
    assert (PROJECT_ROOT / ".chalice" / prod["iam_policy_file"]).is_file()
    assert "TABLE_NAME" not in prod["environment_variables"]  # the template passes the table it makes


def test_the_committed_config_sets_no_prod_key():
    packaging.check_no_committed_key()


@pytest.mark.parametrize("scope", ["top", "stage"])
def test_a_committed_prod_key_is_refused(tmp_path, scope):
    config = {"stages": {"prod": {"environment_variables": {"STAGE": "prod"}}}}
    if scope == "top":
        config["environment_variables"] = {"API_KEY": "committed"}
    else:
        config["stages"]["prod"]["environment_variables"]["API_KEY"] = "committed"
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    with pytest.raises(packaging.PackagingError, match="API_KEY") as caught:
        packaging.check_no_committed_key(path)
    assert "committed" not in str(caught.value)


def test_a_previous_package_is_replaced(tmp_path):
    out = tmp_path / "package"
    out.mkdir()
    (out / "sam.json").write_text("{}")
    (out / "deployment.zip").write_bytes(b"")
    packaging.prepare_out(out)
    assert not out.exists()


def test_a_directory_holding_anything_else_is_left_alone(tmp_path):
    (tmp_path / "sam.json").write_text("{}")
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(packaging.PackagingError, match=r"notes\.txt"):
        packaging.prepare_out(tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "mine"


def _older_python() -> str | None:
    """An interpreter older than the runtime's on this machine (pyenv's or on PATH), if any."""
    candidates = sorted((Path.home() / ".pyenv" / "versions").glob("3.1[0-2].*/bin/python3"))
    found = [str(path) for path in candidates] + [
        path for name in ("python3.12", "python3.11") if (path := shutil.which(name)) is not None
    ]
    return found[-1] if found else None


def _environment_without_make_variables() -> dict[str, str]:
    """This environment without what an outer `make test PYTHON=...` would pass to a make it starts."""
    return {
        name: value for name, value in os.environ.items() if name not in ("PYTHON", "MAKEFLAGS", "MFLAGS")
    }


def test_the_suite_runs_on_the_lambda_runtimes_python():
    assert sys.version_info >= (3, 13), "the Makefile's PYTHON must be 3.13 or newer (DESIGN section 12)"


def test_the_makefile_refuses_a_python_older_than_the_runtime(tmp_path):
    older = _older_python()
    if older is None:
        pytest.skip("no Python older than 3.13 on this machine to offer the Makefile")
    for name in ("Makefile", "requirements.txt", "requirements-dev.txt"):  # a copy: no real .venv touched
        shutil.copy(PROJECT_ROOT / name, tmp_path / name)
    result = subprocess.run(
        ["make", "--no-print-directory", "venv", f"PYTHON={older}"],
        cwd=tmp_path,
        env=_environment_without_make_variables(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "Python 3.13 or newer is needed" in result.stderr
    assert "make PYTHON=" in result.stderr
    assert not (tmp_path / ".venv").exists()


def test_the_makefile_finds_a_python_of_the_runtime_by_itself():
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", "-B", "venv"],
        cwd=PROJECT_ROOT,
        env=_environment_without_make_variables(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    creates = next(line for line in result.stdout.splitlines() if line.endswith("-m venv .venv"))
    python = creates.removesuffix(" -m venv .venv").rpartition("|| ")[2]
    version = subprocess.run(
        [python, "-c", "import sys; print(sys.version_info >= (3, 13))"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert version.stdout.strip() == "True"

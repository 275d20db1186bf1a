"""`make package` and its python entry: the command it runs, and what it refuses to do."""

from __future__ import annotations

import json
import re

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

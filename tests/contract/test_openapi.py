"""The OpenAPI document: generated from the registry, filtered by caller, and checked by schemathesis live."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

from tests.conftest import KEY

HERE = Path(__file__).resolve().parent


def document(api, **extra):
    response = api.call("system", "openapi", **extra)
    assert response.status_code == 200, response.body
    return json.loads(response.body)


def test_the_document_is_openapi_3_1_with_the_contracts_errors(api):
    doc = document(api)
    assert doc["openapi"] == "3.1.0"
    responses = doc["paths"]["/api"]["get"]["responses"]
    assert {"200", "400", "401", "403", "404", "413", "415", "429", "500", "503"} <= set(responses)


def test_the_document_lists_only_what_the_caller_may_call(api):
    names = {entry["name"] for entry in document(api)["x-eqsash-methods"]}
    assert "demo.hello" in names and "system.openapi" in names
    assert "demo.get_user_id" not in names and "demo.count_words" not in names and "users.me" not in names
    modules = document(api)["paths"]["/api"]["get"]["parameters"][0]["schema"]["enum"]
    assert modules == sorted({name.split(".")[0] for name in names})


def test_the_document_is_a_valid_openapi_3_1_document(api):
    from openapi_spec_validator import validate

    validate(document(api))


def run_schemathesis(
    schema: str, base_url: str, cwd: Path, *options: str
) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(HERE / "schemathesis.toml"),
        "run",
        schema,
        "--url",
        base_url,
        "--max-examples",
        os.environ.get("SCHEMATHESIS_EXAMPLES", "40"),
        *options,
        "--seed",
        "1",
        "--no-color",
        "--workers",
        "1",
    ]
    return subprocess.run(
        command,
        env={**os.environ, "EQSASH_KEY": KEY},
        capture_output=True,
        text=True,
        timeout=600,
        cwd=cwd,
        check=False,
    )


def test_schemathesis_finds_no_failure_against_the_make_run_server(live_server, tmp_path):
    schema_url = f"{live_server.url}/api?key={KEY}&module=system&method=openapi"
    urllib.request.urlopen(schema_url, timeout=10).read()
    # Every check but the two that judge `data`: most methods declare no schema for it (below).
    checks = ["--checks", "all", "--exclude-checks", "positive_data_acceptance,negative_data_rejection"]
    result = run_schemathesis(schema_url, live_server.url, tmp_path, *checks)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def only_methods_with_a_data_schema(doc):
    """The document cut to JSON calls of the methods that declare a schema for `data`.

    Only those say which data they accept, so only they can be judged by the positive and negative
    data checks; and only a JSON body carries data with its types (a query or a form carries
    strings, which the schema converts, so the document cannot give their exact bounds).
    """
    operation = doc["paths"]["/api"]["post"]
    bodies = operation["requestBody"]["content"]["application/json"]["schema"]["oneOf"]
    declared = [body for body in bodies if "data" in body["required"]]
    for body in declared:
        del body["properties"]["token"]  # the calls authenticate with a header, which wins over it
    assert {body["title"] for body in declared} >= {"notes.save", "notes.get", "notes.delete"}
    operation["requestBody"]["content"] = {"application/json": {"schema": {"oneOf": declared}}}
    doc["paths"]["/api"] = {"post": operation}
    return doc


def test_schemathesis_finds_every_call_of_a_methods_data_schema_accepted(live_server, tmp_path):
    """positive_data_acceptance: data its schema accepts is never refused (a 409 or a 404 of a
    note that is not there is the method's answer, not a refusal); negative_data_rejection: data
    it refuses is a 4xx."""
    login = {"key": KEY, "module": "users", "method": "login"}
    login["data"] = {"username": "admin", "password": live_server.admin_password}
    request = urllib.request.Request(
        f"{live_server.url}/api",
        data=json.dumps(login).encode(),
        headers={"Content-Type": "application/json"},
    )
    token = json.loads(urllib.request.urlopen(request, timeout=10).read())["token"]
    schema_url = f"{live_server.url}/api?key={KEY}&module=system&method=openapi&token={token}"
    doc = json.loads(urllib.request.urlopen(schema_url, timeout=10).read())
    schema_file = tmp_path / "openapi.json"
    schema_file.write_text(json.dumps(only_methods_with_a_data_schema(doc)))
    checks = ["--checks", "positive_data_acceptance,negative_data_rejection,not_a_server_error"]
    result = run_schemathesis(
        str(schema_file), live_server.url, tmp_path, *checks, "--header", f"Authorization: Bearer {token}"
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def test_a_methods_schemas_and_description_are_in_the_document_which_stays_valid(api, memory_store):
    from openapi_spec_validator import validate

    from chalicelib import runtime
    from chalicelib.auth import accounts
    from chalicelib.services.notes import Service

    accounts.create_user(memory_store, "ann", [], "a long password", runtime.now())
    doc = document(api, token=api.login("ann", "a long password")["token"])
    validate(doc)
    bodies = doc["paths"]["/api"]["post"]["requestBody"]["content"]["application/json"]["schema"]["oneOf"]
    save = next(body for body in bodies if body["title"] == "notes.save")
    declared = Service.api["save"]
    assert save["properties"]["data"] == declared["schema"]
    assert save["description"] == declared["description"]
    entry = next(entry for entry in doc["x-eqsash-methods"] if entry["name"] == "notes.get")
    assert entry["returns"] == Service.api["get"]["returns"]
    assert entry["description"] == "One of your notes, by id."  # the docstring's first line
    details = doc["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["details"]
    assert details["maxItems"] == 20

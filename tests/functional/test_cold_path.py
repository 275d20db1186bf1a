"""The cold path stays lean: a request imports only what it needs."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import PROJECT_ROOT

PROBE = """
import json, sys
from app import app
from tests.events import proxy_event
event = proxy_event(query={"key": ["12345"], "module": [sys.argv[1]], "method": [sys.argv[2]]})
answer = app(event, None)
loaded = sorted(m for m in sys.modules if m.startswith("chalicelib.services."))
heavy = ("boto3", "botocore", "argon2", "email.parser", "chalicelib.schema")
heavy = sorted(m for m in heavy if m in sys.modules)
import typing
postponed = sorted(  # NamedTuple fields whose annotation was a string, each compiled as a ForwardRef
    f"{type_.__name__}.{field}"
    for name, module in list(sys.modules.items()) if name.startswith("chalicelib")
    for type_ in vars(module).values()
    if isinstance(type_, type) and issubclass(type_, tuple) and hasattr(type_, "_fields")
    and type_.__module__ == name
    for field, annotation in getattr(type_, "__annotations__", {}).items()
    if isinstance(annotation, (str, typing.ForwardRef))
)
print(json.dumps({"status": answer["statusCode"], "services": loaded, "heavy": heavy,
                  "postponed": postponed}))
"""


def run_probe(module="greeting", method="say_hello"):
    env = {"PATH": "/usr/bin:/bin", "API_KEY": "12345", "STAGE": "dev", "TABLE_NAME": "t"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE, module, method],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_public_request_imports_neither_boto3_nor_argon2_nor_other_modules():
    probe = run_probe()
    assert probe["status"] == 200
    assert probe["services"] == ["chalicelib.services.greeting"]
    assert probe["heavy"] == []


def test_the_named_tuples_a_public_request_makes_evaluate_their_annotations():
    """A postponed annotation of a NamedTuple field is compiled when the class is made: each costs
    the cold start. Only the types kept off the cold path on purpose stay names."""
    assert run_probe()["postponed"] == ["Credential.kind", "MethodSpec.returns", "MethodSpec.schema"]


def test_a_method_with_a_schema_imports_the_validator_and_one_without_does_not():
    assert "chalicelib.schema" not in run_probe()["heavy"]
    probe = run_probe("notes", "list")  # refused (no credential) before its schema is needed
    assert probe["status"] == 401 and probe["services"] == ["chalicelib.services.notes"]
    assert probe["heavy"] == ["chalicelib.schema"]  # loading notes checks its schemas


TELEMETRY_PROBE = """
import json, sys
import chalice.app  # what every Chalice app imports anyway
before = set(sys.modules)
import chalicelib.telemetry
print(json.dumps(sorted(set(sys.modules) - before)))
"""


def test_the_access_and_metrics_lines_add_no_import_beyond_their_own_modules():
    """Written with the standard library's json and logging, which Chalice has already imported."""
    env = {"PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", TELEMETRY_PROBE],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    added = set(json.loads(result.stdout.strip().splitlines()[-1]))
    own = {"chalicelib", "chalicelib.telemetry", "chalicelib.logs", "chalicelib.metrics", "chalicelib.names"}
    assert added - own <= {"__future__", "contextvars", "_contextvars"}

"""Property-based fuzzing of the Lambda handler: every answer is well formed and no 500 comes out.

`make test` runs a short profile; `make fuzz` runs FUZZ_EXAMPLES (10,000 by default).
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.conftest import KEY, proxy_event

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
    derandomize=EXAMPLES <= 150,  # the short profile is repeatable in CI; the long one explores
)

REAL_NAMES = [
    "demo",
    "users",
    "system",
    "greeting",
    "hello",
    "echo",
    "login",
    "me",
    "batch",
    "methods",
    "stats",
    "check_age",
    "get_user_id",
    "count_words",
    "openapi",
    "whoami",
    "logout",
]
HOSTILE = ["../x", "os", "__init__", "_x", "a.b", "a\x00", "", " ", "%00", "\u202e", "A" * 300]
names = st.one_of(st.sampled_from(REAL_NAMES + HOSTILE), st.text(max_size=20))
EXTERNAL_PAIRS = [
    tuple(name.split("."))
    for name in (
        "demo.hello",
        "demo.echo",
        "demo.stats",
        "demo.check_age",
        "demo.whoami",
        "demo.guest_only",
        "demo.get_user_id",
        "demo.greet_with_cookie",
        "greeting.say_hello",
        "system.methods",
        "system.batch",
        "system.openapi",
        "users.login",
        "users.logout",
        "users.me",
        "users.change_password",
    )
]
bracket_names = st.builds(
    lambda base, keys: base + "".join(f"[{k}]" for k in keys),
    st.sampled_from(["data", "key", "module", "method", "token", "EQSASH_SESSION", "x"]),
    st.lists(st.one_of(st.just(""), st.integers(-3, 5).map(str), st.text(max_size=5)), max_size=70),
)
field_names = st.one_of(
    st.sampled_from(["key", "module", "method", "data", "token", "EQSASH_SESSION"]),
    bracket_names,
    st.text(max_size=10),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
credentials = st.one_of(
    st.none(),
    st.text(alphabet="ABCDEFGHIJKLMNOPabcdef0123456789-_", min_size=0, max_size=60),
    st.text(max_size=30),
)
content_types = st.one_of(
    st.sampled_from(
        [
            "application/json",
            "application/json; charset=utf-8",
            "application/json; charset=latin-1",
            "application/json; charset=klingon",
            "application/x-www-form-urlencoded",
            "application/x-www-form-urlencoded; charset=utf-16",
            "multipart/form-data; boundary=XyZ",
            "multipart/form-data",
            "text/plain",
            "application/vnd.api+json",
            "",
            "*/*",
            "application/octet-stream",
        ]
    ),
    st.text(max_size=40),
)


def _add_credential(draw: Any, params: dict[str, list[str]], headers: dict[str, str]) -> None:
    """Maybe a credential, in one of the places the contract reads it from, or garbage."""
    token = draw(credentials)
    where = draw(st.sampled_from(["none"] * 6 + ["header", "param", "cookie", "garbage-header"]))
    if token is not None and where == "header":
        headers["Authorization"] = f"Bearer {token}"
    elif token is not None and where == "param":
        params["token"] = [token]
    elif token is not None and where == "cookie":
        headers["Cookie"] = f"EQSASH_SESSION={token}"
    elif where == "garbage-header":
        headers["Authorization"] = draw(
            st.text(max_size=30).filter(lambda s: "\n" not in s and "\r" not in s)
        )


@st.composite
def events(draw: Any) -> dict[str, Any]:
    verb = draw(st.sampled_from(["GET"] * 8 + ["POST"] * 10 + ["PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]))
    params: dict[str, list[str]] = {}
    for name, value in draw(st.lists(st.tuples(field_names, st.text(max_size=30)), max_size=8)):
        params.setdefault(name, []).append(value)
    if draw(st.integers(0, 4)):
        params["key"] = [KEY]
    if draw(st.integers(0, 3)):
        module, method = draw(st.one_of(st.sampled_from(EXTERNAL_PAIRS), st.tuples(names, names)))
        params["module"], params["method"] = [module], [method]
    headers: dict[str, str] = {}
    _add_credential(draw, params, headers)
    body_kind = draw(st.sampled_from(["none", "json", "json", "form", "form", "bytes", "deep", "big"]))
    fitting = {
        "json": "application/json",
        "deep": "application/json",
        "form": "application/x-www-form-urlencoded",
        "big": "application/x-www-form-urlencoded",
    }.get(body_kind)
    content_type = fitting if fitting and draw(st.integers(0, 3)) else draw(content_types)
    if content_type:
        headers["Content-Type"] = content_type
    body: bytes | None = None
    if body_kind == "json":
        module, method = draw(st.one_of(st.sampled_from(EXTERNAL_PAIRS), st.tuples(names, names)))
        payload = {"key": KEY, "module": module, "method": method, "data": draw(json_values)}
        body = json.dumps(payload).encode()
    elif body_kind == "form":
        from urllib.parse import urlencode

        body = urlencode(draw(st.lists(st.tuples(field_names, st.text(max_size=20)), max_size=8))).encode()
    elif body_kind == "bytes":
        body = draw(st.binary(max_size=200))
    elif body_kind == "deep":
        depth = draw(st.integers(1, 5000))
        body = b'{"key":"12345","module":"demo","method":"echo","data":' + b"[" * depth + b"]" * depth + b"}"
    elif body_kind == "big":
        body = b"key=12345&module=demo&method=echo&data=" + b"x" * draw(st.sampled_from([10, 1024 * 1024]))
    as_base64 = body is not None and (
        draw(st.booleans()) or not _is_utf8(body)
    )  # as API Gateway sends binary
    event = proxy_event(verb, query=params or None, headers=headers, body=body, base64_body=as_base64)
    if draw(st.integers(0, 20)) == 0 and event["isBase64Encoded"]:
        event["body"] = "not//base64!"
    return event


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def check_answer(answer: dict[str, Any]) -> None:
    status = answer["statusCode"]
    event(f"status {status}")
    assert isinstance(status, int) and 200 <= status < 600
    assert status != 500 and status < 502, f"server error {status}: {answer['body'][:300]}"
    body = answer["body"]
    if answer.get("isBase64Encoded"):
        body = base64.b64decode(body).decode("utf-8", "replace")
    if status >= 400:
        parsed = json.loads(body)
        assert set(parsed) == {"error"} and set(parsed["error"]) == {"code", "message"}, body[:300]
        assert isinstance(parsed["error"]["code"], str) and isinstance(parsed["error"]["message"], str)
        assert "Traceback" not in body


@FUZZ
@given(event=events())
def test_every_answer_is_well_formed_and_never_a_server_error(app, moto_store, event):
    check_answer(app(event, None))

"""GET /console through the Lambda handler: one self-contained page while CONSOLE is on, else 404."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re

import pytest

from tests.conftest import proxy_event


def console(app, query=None):
    return app(proxy_event(path="/console", query=query), None)


def inline(html: str, tag: str) -> str:
    found = re.findall(rf"<{tag}>(.*?)</{tag}>", html, flags=re.DOTALL)
    assert len(found) == 1, f"one inline <{tag}> expected"
    return found[0]


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


@pytest.fixture
def on(monkeypatch):
    monkeypatch.setenv("CONSOLE", "on")


def test_the_console_is_one_html_page_while_on(app, on):
    answer = console(app)
    assert answer["statusCode"] == 200
    assert answer["headers"]["Content-Type"] == "text/html; charset=utf-8"
    html = answer["body"]
    assert html.startswith("<!doctype html>") and "<title>eqsash-api console</title>" in html


def test_the_page_needs_nothing_from_elsewhere(app, on):
    html = console(app)["body"]
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "<script src" not in html and '<link rel="stylesheet"' not in html
    assert "{{" not in html


def test_its_policy_admits_exactly_its_own_inline_style_and_script(app, on):
    answer = console(app)
    html, policy = answer["body"], answer["headers"]["Content-Security-Policy"]
    assert f"script-src {sha256(inline(html, 'script'))}" in policy
    assert f"style-src {sha256(inline(html, 'style'))}" in policy
    assert "default-src 'none'" in policy and "connect-src 'self'" in policy
    assert answer["headers"]["Referrer-Policy"] == "no-referrer"  # the key rides in the page's address


def test_the_page_never_carries_the_key_from_the_server(app, on):
    answer = console(app, query={"key": ["secret-key-in-the-address"]})
    assert "secret-key-in-the-address" not in answer["body"]
    assert "12345" not in answer["body"]


def test_the_page_explains_every_error_code_of_the_contract(app, on):
    script = inline(console(app)["body"], "script")
    codes = [
        "bad_request", "invalid_key", "unauthenticated", "invalid_credentials", "forbidden",
        "unknown_module", "unknown_method", "method_not_allowed", "not_found", "payload_too_large",
        "unsupported_media_type", "invalid_input", "too_many_attempts", "unavailable", "internal",
    ]  # fmt: skip
    for code in codes:
        assert re.search(rf"\b{code}: \"", script), code


@pytest.mark.parametrize("value", [None, "off", "no"])
def test_while_off_the_console_is_404_in_the_contract_shape(app, monkeypatch, value):
    if value is None:
        monkeypatch.delenv("CONSOLE", raising=False)
    else:
        monkeypatch.setenv("CONSOLE", value)
    answer = console(app)
    assert answer["statusCode"] == 404
    assert json.loads(answer["body"]) == {
        "error": {"code": "not_found", "message": "there is nothing at this path"}
    }


def test_a_malformed_console_switch_is_500_internal_with_a_clear_log(app, monkeypatch, caplog):
    monkeypatch.setenv("CONSOLE", "maybe")
    with caplog.at_level(logging.ERROR):
        answer = console(app)
    assert answer["statusCode"] == 500
    assert json.loads(answer["body"])["error"]["code"] == "internal"
    assert "CONSOLE must be on or off" in caplog.text


def test_the_console_only_answers_get(app, on):
    answer = app(proxy_event("POST", path="/console", body=""), None)
    assert answer["statusCode"] == 405
    assert json.loads(answer["body"])["error"]["code"] == "method_not_allowed"


def test_the_dev_stage_turns_the_console_on_and_prod_off():
    from tests.conftest import PROJECT_ROOT

    stages = json.loads((PROJECT_ROOT / ".chalice" / "config.json").read_text())["stages"]
    assert stages["dev"]["environment_variables"]["CONSOLE"] == "on"
    assert stages["prod"]["environment_variables"]["CONSOLE"] == "off"


def test_the_page_is_small(app, on):
    assert len(console(app)["body"].encode()) < 64 * 1024

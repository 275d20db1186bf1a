"""The console in a real browser: headless Chromium against `make run`, as a person would use it."""

from __future__ import annotations

import json
import os
import re
import shutil
import time

import pytest

from tests.browser.conftest import ADMIN_PASSWORD
from tests.conftest import PROJECT_ROOT

pytestmark = pytest.mark.browser

SCREENSHOT = PROJECT_ROOT / "docs" / "console.png"


def method_button(page, name):
    return page.locator(f"#methods button[data-name='{name}']")


def listed_methods(page) -> list[str]:
    return page.locator("#methods button").evaluate_all("buttons => buttons.map(b => b.dataset.name)")


def answer_json(page):
    return json.loads(page.locator("#body-text").text_content())


def log_in(page, password=ADMIN_PASSWORD):
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in", exact=True).click()


def test_make_run_prints_the_console_address_with_the_key(dev_server):
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/console\?key=12345", dev_server.console_url)


def test_a_session_in_the_console_lists_logs_in_calls_and_logs_out(dev_server, desktop, tmp_path):
    page = desktop.page
    started = time.monotonic()
    page.goto(dev_server.console_url)
    assert page.get_by_label("Key", exact=True).input_value() == "12345"

    method_button(page, "demo.hello").wait_for()
    anonymous = listed_methods(page)
    assert "demo.guest_only" in anonymous and "demo.get_user_id" not in anonymous
    assert page.locator("#methods button", has_text="demo.hello").text_content().endswith("json")

    log_in(page)
    page.get_by_text("Logged in as admin (roles: administrator)").wait_for()
    method_button(page, "demo.get_user_id").wait_for()
    assert page.get_by_label("Password").input_value() == ""
    assert "users.me" in listed_methods(page) and "demo.guest_only" not in listed_methods(page)

    method_button(page, "demo.get_user_id").click()
    assert page.get_by_label("Method, as module.method").input_value() == "demo.get_user_id"
    page.get_by_role("button", name="Call", exact=True).click()
    page.locator("#body-text", has_text='"id": 7').wait_for()  # not just any 200: the login was one
    assert answer_json(page) == {"id": 7, "roles": {"0": "administrator"}}
    assert page.locator("#body-text").text_content().startswith('{\n  "id": 7,')  # pretty-printed
    assert page.locator("#headers dt", has_text="content-type").count() == 1
    assert "Authorization: Bearer" in page.locator("#request-text").text_content()

    page.screenshot(path=str(tmp_path / "console.png"), full_page=True)
    assert (tmp_path / "console.png").stat().st_size > 10_000
    if os.environ.get("UPDATE_SCREENSHOT"):  # `UPDATE_SCREENSHOT=1 make test` refreshes the README's picture
        SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(tmp_path / "console.png", SCREENSHOT)

    page.get_by_role("button", name="Log out").click()
    page.get_by_text("Logged out: the token and the session of that login are revoked.").wait_for()
    assert answer_json(page) == {"logged_out": True}
    method_button(page, "demo.guest_only").wait_for()
    assert "demo.get_user_id" not in listed_methods(page)
    assert page.get_by_label("Username").is_visible()
    print(f"\nconsole session in Chromium: {time.monotonic() - started:.2f} s; screenshot {SCREENSHOT}")
    assert desktop.errors == []


def test_logging_out_revokes_the_token_and_the_session_on_the_server(dev_server, desktop):
    page = desktop.page
    page.goto(dev_server.console_url)
    with page.expect_response(lambda response: "login" in (response.request.post_data or "")) as login:
        log_in(page)
    issued = login.value.json()
    page.get_by_text("Logged in as admin").wait_for()
    assert issued["token"] not in page.content() and issued["session"] not in page.content()

    page.get_by_role("button", name="Log out").click()
    page.get_by_text("Logged out").wait_for()
    me = "api?key=12345&module=users&method=me"
    statuses = page.evaluate(
        """async ([me, token, sessionName, session]) => [
            (await fetch(me, {headers: {Authorization: "Bearer " + token}, credentials: "omit"})).status,
            (await fetch(me + "&" + sessionName + "=" + session, {credentials: "omit"})).status,
        ]""",
        [me, issued["token"], issued["session_name"], issued["session"]],
    )
    assert statuses == [401, 401]

    page.get_by_label("Method, as module.method").fill("users.me")
    page.get_by_role("button", name="Call", exact=True).click()
    page.locator("#answer-status", has_text="401").wait_for()
    assert "needs a logged-in user" in page.locator("#answer-explain").text_content()
    assert desktop.errors_besides_refused_calls() == []


def test_the_console_explains_errors_and_sends_form_fields(dev_server, desktop):
    page = desktop.page
    page.goto(dev_server.console_url.replace("key=12345", "key=wrong"))
    page.locator("#methods-status", has_text="The API key is missing or wrong").wait_for()

    page.get_by_label("Key", exact=True).fill("12345")
    page.get_by_role("button", name="List methods").click()
    method_button(page, "demo.check_age").wait_for()

    log_in(page, password="not the password")
    page.locator("#login-status", has_text="Wrong username or password").wait_for()

    method_button(page, "demo.check_age").click()
    page.get_by_label("data as JSON (empty: no data)").fill("{age: 42")
    page.get_by_role("button", name="Call", exact=True).click()
    assert "not valid JSON" in page.locator("#call-problem").text_content()
    assert page.get_by_label("data as JSON (empty: no data)").get_attribute("aria-invalid") == "true"

    page.get_by_label("Form fields").check()
    page.get_by_label("GET").check()
    page.get_by_label("Field 1 name").fill("age")
    page.get_by_label("Field 1 value").fill("42")
    page.get_by_role("button", name="Call", exact=True).click()
    page.locator("#body-text", has_text='"adult": true').wait_for()
    assert answer_json(page) == {"age": 42, "adult": True}
    assert "GET " in page.locator("#request-text").text_content()
    assert "data%5Bage%5D=42" in page.locator("#request-text").text_content()

    page.get_by_label("Field 1 value").fill("old")
    page.get_by_label("POST").check()
    page.get_by_role("button", name="Call", exact=True).click()
    page.locator("#answer-status", has_text="422").wait_for()
    explained = page.locator("#answer-explain").text_content()
    assert "invalid_input" in explained and "age must be a number" in explained

    page.get_by_label("Method, as module.method").fill("demo.nothing_here")
    page.get_by_role("button", name="Call", exact=True).click()
    page.locator("#answer-status", has_text="404").wait_for()
    assert "no such external method" in page.locator("#answer-explain").text_content()
    assert desktop.errors_besides_refused_calls() == []


def test_the_console_is_usable_by_keyboard_alone(dev_server, desktop):
    page = desktop.page
    page.goto(dev_server.console_url)
    method_button(page, "demo.hello").wait_for()
    order = []
    for _ in range(6):
        page.keyboard.press("Tab")
        order.append(page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()"))
    assert order == ["Skip to the call form", "key", "List methods", "username", "password", "login"]

    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    width = page.evaluate("parseFloat(getComputedStyle(document.activeElement).outlineWidth)")
    assert outline != "none" and width >= 2, "the focused control must show where focus is"

    page.locator("#username").focus()
    page.keyboard.type("admin")
    page.keyboard.press("Tab")
    page.keyboard.type(ADMIN_PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_text("Logged in as admin").wait_for()
    assert page.evaluate("document.activeElement.id") == "logout"

    method_button(page, "demo.get_user_id").focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "data-json"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "call"
    page.keyboard.press("Enter")
    page.locator("#body-text", has_text='"id": 7').wait_for()
    # Beside the answer, the id its access line carries (the X-Request-Id header).
    shown = page.locator("#answer-id-value").inner_text()
    headers = page.locator("#headers").inner_text()
    assert len(shown) == 36 and f"x-request-id\n{shown}" in headers
    assert any(f'"request_id":"{shown}"' in line for line in dev_server.lines)
    assert desktop.errors == []


def test_the_console_reads_at_phone_width(dev_server, phone, tmp_path):
    page = phone.page
    page.goto(dev_server.console_url)
    method_button(page, "demo.hello").wait_for()
    method_button(page, "demo.hello").click()
    page.get_by_role("button", name="Call", exact=True).click()
    page.locator("#answer-status", has_text="200 OK").wait_for()
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page scrolls sideways at phone width: {widths}"
    columns = page.evaluate("getComputedStyle(document.querySelector('main')).gridTemplateColumns")
    assert len(columns.split()) == 1, columns
    page.screenshot(path=str(tmp_path / "console-phone.png"), full_page=True)
    assert phone.errors == []


CROSS_ORIGIN_CALL = """async ([api, password]) => {
    try {
        const login = await fetch(api, {method: "POST", credentials: "include",
            headers: {"Content-Type": "application/json"},
            body: JSON.stringify({key: "12345", module: "users", method: "login",
                                  data: {username: "admin", password}})});
        const token = (await login.json()).token;
        const me = await fetch(api + "?key=12345&module=users&method=me",
            {headers: {Authorization: "Bearer " + token}, credentials: "include"});
        return {status: me.status, body: await me.json()};
    } catch (failure) {
        return {refused: String(failure)};
    }
}"""


def test_a_page_of_a_listed_origin_calls_the_api_across_origins(dev_server, other_site, desktop):
    page = desktop.page
    page.goto(f"http://127.0.0.1:{other_site}/")
    outcome = page.evaluate(CROSS_ORIGIN_CALL, [f"{dev_server.base}/api", ADMIN_PASSWORD])
    # A JSON body and an Authorization header need a preflight: it passed, and the answers were readable.
    assert outcome == {"status": 200, "body": {"username": "admin", "roles": ["administrator"]}}
    assert any('"verb":"OPTIONS"' in line and '"status":204' in line for line in dev_server.lines)
    assert desktop.errors == []


def test_a_page_of_another_origin_is_refused_by_the_browser(dev_server, other_site, desktop):
    page = desktop.page
    page.goto(f"http://localhost:{other_site}/")
    outcome = page.evaluate(CROSS_ORIGIN_CALL, [f"{dev_server.base}/api", ADMIN_PASSWORD])
    assert "refused" in outcome and "Failed to fetch" in outcome["refused"]
    assert any("CORS policy" in text for text in desktop.errors), desktop.errors


def test_a_form_made_from_a_methods_schema_is_filled_and_sent(dev_server, desktop):
    page = desktop.page
    page.goto(dev_server.console_url)
    log_in(page)
    method_button(page, "notes.save").wait_for()
    assert "Create or replace a note" in method_button(page, "notes.save").text_content()

    method_button(page, "notes.save").click()
    assert page.locator("#method-description").text_content().startswith("Create or replace a note")
    assert page.get_by_label("Form from its schema").is_checked()
    field = lambda name: page.locator(f"#schema-fields [data-name='{name}']")  # noqa: E731
    assert field("id").get_attribute("aria-required") == "true"
    assert field("text").get_attribute("aria-required") == "true"
    assert field("pinned").get_attribute("aria-required") is None
    assert field("version").get_attribute("type") == "number"
    assert page.locator("#schema-fields .required").count() == 2

    field("id").fill("first-note")
    field("text").fill("written in a form")
    field("pinned").select_option(label="true")
    field("version").fill("0")
    sent = json.loads(page.get_by_label("data as JSON (empty: no data)").input_value())
    assert sent == {"id": "first-note", "text": "written in a form", "pinned": True, "version": 0}
    page.get_by_role("button", name="Call", exact=True).click()
    page.locator("#body-text", has_text='"version": 1').wait_for()
    assert answer_json(page) == {"id": "first-note", "version": 1}

    page.get_by_role("button", name="Call", exact=True).click()  # again, still expecting a new note
    page.locator("#answer-status", has_text="409").wait_for()

    field("id").fill("Not An Id")
    field("version").fill("")
    page.get_by_role("button", name="Call", exact=True).click()
    page.locator("#answer-status", has_text="422").wait_for()
    assert "/id: must match the pattern" in page.locator("#answer-explain").text_content()

    method_button(page, "notes.get").click()
    field("id").fill("first-note")
    page.get_by_label("GET").check()  # the form's value goes in the query as strings
    page.get_by_role("button", name="Call", exact=True).click()
    page.locator("#body-text", has_text="written in a form").wait_for()
    assert answer_json(page)["pinned"] is True

    method_button(page, "demo.hello").click()  # no schema: back to the JSON editor
    assert page.get_by_label("Form from its schema").is_disabled()
    assert page.get_by_label("data as JSON (empty: no data)").is_editable()
    assert desktop.errors_besides_refused_calls() == []

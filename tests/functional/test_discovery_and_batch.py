"""Discovery by caller, batch calls and the access matrix, through HTTP and the admin CLI."""

from __future__ import annotations

import json
import sys
import uuid

import pytest

from chalicelib import admin, runtime
from chalicelib.auth import accounts
from chalicelib.discovery import access_matrix
from chalicelib.registry import Registry
from tests.conftest import KEY, PROJECT_ROOT, error_of

PASSWORD = "discovery password"


@pytest.fixture
def tokens(api, memory_store):
    accounts.create_user(memory_store, "root", ["administrator"], PASSWORD, runtime.now())
    accounts.create_user(memory_store, "ann", ["editor"], PASSWORD, runtime.now())
    return {name: api.login(name, PASSWORD)["token"] for name in ("root", "ann")}


def listed(response):
    assert response.status_code == 200, response.body
    return {entry["name"]: entry["format"] for entry in json.loads(response.body)["methods"]}


def test_discovery_lists_exactly_what_an_anonymous_caller_may_call(api):
    methods = listed(api.call("system", "methods"))
    assert "demo.hello" in methods and "demo.guest_only" in methods
    assert "demo.get_user_id" not in methods and "users.me" not in methods
    assert "demo.count_words" not in methods  # internal
    assert methods["demo.stats"] == "json_object" and methods["demo.echo"] is None


def test_discovery_follows_the_callers_roles(api, tokens):
    root = listed(api.call("system", "methods", token=tokens["root"]))
    ann = listed(api.call("system", "methods", token=tokens["ann"]))
    assert "demo.get_user_id" in root and "demo.get_user_id" not in ann
    assert "users.me" in ann and "demo.guest_only" not in ann


def test_discovery_with_a_bad_token_is_refused(api, memory_store):
    assert error_of(api.call("system", "methods", token="A" * 43)) == (401, "unauthenticated")


def batch(api, calls, halt=False, **extra):
    response = api.call("system", "batch", {"calls": calls, "halt": halt}, **extra)
    assert response.status_code == 200, response.body
    return json.loads(response.body)


def test_a_batch_answers_results_and_errors_by_name(api):
    body = batch(
        api,
        {
            "a": {"module": "demo", "method": "hello", "data": "Ann"},
            "b": {"module": "demo", "method": "nosuch"},
            "c": {"module": "demo", "method": "stats", "data": "x yy"},
        },
    )
    assert body["results"]["a"]["greeting"] == "Hello, Ann!"
    assert body["results"]["c"] == {"words": 2, "sizes": {"0": 1, "1": 2}}  # its json_object format applies
    assert body["errors"] == {
        "b": {"status": 404, "code": "unknown_method", "message": "module 'demo' has no method 'nosuch'"}
    }


def test_halt_stops_at_the_first_error(api):
    body = batch(
        api,
        {
            "a": {"module": "demo", "method": "check_age", "data": {"age": "x"}},
            "b": {"module": "demo", "method": "hello"},
        },
        halt=True,
    )
    assert list(body["errors"]) == ["a"] and body["results"] == {}


def test_a_call_may_use_an_earlier_result(api):
    body = batch(
        api,
        {
            "first": {"module": "demo", "method": "echo", "data": {"age": 30, "name": "Bo"}},
            "second": {"module": "demo", "method": "check_age", "data": {"age": "$result[first][age]"}},
            "third": {
                "module": "demo",
                "method": "hello",
                "data": "$result[first][name]-$result[second][age]",
            },
        },
    )
    assert body["results"]["second"] == {"age": 30, "adult": True}
    assert body["results"]["third"]["greeting"] == "Hello, Bo-30!"
    assert body["errors"] == {}


def test_a_reference_to_a_missing_result_is_that_calls_error(api):
    body = batch(api, {"x": {"module": "demo", "method": "hello", "data": "$result[nothing][a]"}})
    assert body["errors"]["x"]["code"] == "bad_request"


def test_each_call_is_access_checked_with_one_credential(api, moto_store):
    accounts.create_user(moto_store, "ann", ["editor"], PASSWORD, runtime.now())
    token = api.login("ann", PASSWORD)["token"]
    reads = []
    moto_store.client.meta.events.register("before-call.dynamodb.GetItem", lambda **kw: reads.append(1))
    body = batch(
        api,
        {
            "me": {"module": "users", "method": "me"},
            "admin_only": {"module": "demo", "method": "get_user_id"},
        },
        token=token,
    )
    assert body["results"]["me"]["username"] == "ann"
    assert body["errors"]["admin_only"]["code"] == "forbidden"
    assert len(reads) == 1


def test_an_anonymous_batch_gets_401_for_role_limited_calls(api):
    body = batch(api, {"me": {"module": "users", "method": "me"}})
    assert body["errors"]["me"]["code"] == "unauthenticated"


def test_internal_methods_stay_unknown_inside_a_batch(api):
    body = batch(api, {"x": {"module": "demo", "method": "count_words", "data": "a b"}})
    assert body["errors"]["x"]["code"] == "unknown_method"


def test_a_batch_inside_a_batch_is_refused(api):
    body = batch(api, {"inner": {"module": "system", "method": "batch", "data": {"calls": {}}}})
    assert body["errors"]["inner"]["code"] == "bad_request"


def test_more_than_fifty_calls_is_bad_request(api):
    calls = {f"c{i}": {"module": "demo", "method": "hello"} for i in range(51)}
    assert error_of(api.call("system", "batch", {"calls": calls})) == (400, "bad_request")
    fifty = {f"c{i}": {"module": "demo", "method": "hello"} for i in range(50)}
    assert len(batch(api, fifty)["results"]) == 50


def test_a_batch_in_bracket_form_fields(api):
    response = api.client.http.post(
        "/api",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=(
            b"key=12345&module=system&method=batch&data[halt]=1"
            b"&data[calls][a][module]=greeting&data[calls][a][method]=say_hello&data[calls][a][data][name]=Jo"
        ),
    )
    assert json.loads(response.body) == {"results": {"a": {"message": "Hello, Jo!"}}, "errors": {}}


@pytest.mark.parametrize(
    "data",
    [
        None,
        "x",
        {"calls": []},
        {"calls": {}},
        {"calls": {"a": "demo.hello"}},
        {"calls": {"bad name!": {"module": "demo", "method": "hello"}}},
    ],
)
def test_a_malformed_batch_is_bad_request(api, data):
    assert error_of(api.call("system", "batch", data)) == (400, "bad_request")


EXPECTED_MATRIX = {
    "demo.check_age": None,
    "demo.echo": None,
    "demo.get_user_id": ("administrator",),
    "demo.greet_with_cookie": None,
    "demo.guest_only": ("anonymous",),
    "demo.hello": None,
    "demo.stats": None,
    "demo.whoami": ("authenticated",),
    "greeting.say_hello": None,
    "system.batch": None,
    "system.methods": None,
    "system.openapi": None,
    "users.change_password": ("authenticated",),
    "users.login": None,
    "users.logout": ("authenticated",),
    "users.me": ("authenticated",),
}


SHIPPED_MODULES = frozenset({"demo", "greeting", "system", "users"})


def shipped(names):
    """The shipped modules' method names: a module dropped in beside them is not these tests' subject."""
    return {name for name in names if name.split(".", 1)[0] in SHIPPED_MODULES}


def test_the_shipped_modules_hold_their_expected_access_matrix():
    matrix = access_matrix(Registry())
    assert {name: matrix[name] for name in shipped(matrix)} == EXPECTED_MATRIX


def test_access_matrix_strict_passes_with_the_shipped_allow_list(capsys):
    # An open method of a module dropped in is for its author to allow; the shipped ones are on the list.
    others = [name for name, access in access_matrix(Registry()).items() if name not in shipped([name])]
    assert admin.main(["access-matrix", "--strict", *(f"--allow={name}" for name in others)]) == 0
    out = capsys.readouterr().out
    assert "demo.get_user_id" in out and "OPEN to everyone" in out


def test_access_matrix_strict_fails_on_an_open_method_not_allowed(capsys, tmp_path):
    allow = tmp_path / "allow.txt"
    allow.write_text("users.login\n")
    assert admin.main(["access-matrix", "--strict", "--allow-file", str(allow)]) == 1
    refusal = capsys.readouterr().err
    assert "not on the allow-list" in refusal and ".chalice/open-methods.txt" in refusal
    assert admin.main(["access-matrix", "--allow-file", str(allow)]) == 0


def test_references_cannot_blow_a_small_batch_up_into_a_huge_answer(api):
    calls = {"c0": {"module": "demo", "method": "echo", "data": "x" * 1000}}
    for i in range(1, 9):
        calls[f"c{i}"] = {"module": "demo", "method": "echo", "data": [f"$result[c{i - 1}]"] * 10}
    response = api.call("system", "batch", {"calls": calls})
    assert response.status_code == 200 and len(response.body) < 5 * 1024 * 1024
    errors = json.loads(response.body)["errors"]
    assert errors and {error["code"] for error in errors.values()} <= {"payload_too_large", "bad_request"}


def test_references_inside_one_string_count_towards_the_budget(api):
    calls = {
        "a": {"module": "demo", "method": "echo", "data": "y" * 100_000},
        "b": {"module": "demo", "method": "echo", "data": "$result[a]" * 100},
    }
    body = json.loads(api.call("system", "batch", {"calls": calls}).body)
    assert body["errors"]["b"]["code"] == "payload_too_large"


def test_a_result_too_deep_for_the_answer_is_that_calls_error_not_a_500(api, monkeypatch):
    from chalicelib.services import demo

    def deep(self, data, ctx):
        value = 1
        for _ in range(510):  # PHP renders 511 levels; the answer adds two around each result
            value = [value]
        return value

    monkeypatch.setattr(demo.Service, "echo", deep)
    response = api.call("system", "batch", {"calls": {"d": {"module": "demo", "method": "echo"}}})
    assert response.status_code == 200
    assert json.loads(response.body)["errors"]["d"]["code"] == "internal"


@pytest.mark.parametrize("index", ["²", "٢", "00001", "-1", "1.0"])
def test_only_plain_ascii_indexes_point_into_a_list(api, index):
    body = json.loads(
        api.call(
            "system",
            "batch",
            {
                "calls": {
                    "a": {"module": "demo", "method": "echo", "data": [1, 2, 3]},
                    "b": {"module": "demo", "method": "echo", "data": f"$result[a][{index}]"},
                }
            },
        ).body
    )
    assert body["errors"]["b"]["code"] == "bad_request"


def test_password_checks_are_not_batched(api):
    body = json.loads(
        api.call(
            "system",
            "batch",
            {
                "calls": {
                    "l": {
                        "module": "users",
                        "method": "login",
                        "data": {"username": "a", "password": "bbbbbbbbbb"},
                    },
                }
            },
        ).body
    )
    assert body["errors"]["l"]["code"] == "bad_request"


def test_numbered_calls_in_bracket_form_are_named_0_1(api):
    response = api.client.http.get(
        f"/api?key={KEY}&module=system&method=batch&data[calls][0][module]=demo&data[calls][0][method]=hello"
        "&data[calls][1][module]=greeting&data[calls][1][method]=say_hello"
    )
    assert set(json.loads(response.body)["results"]) == {"0", "1"}


def test_a_halt_that_is_not_a_boolean_is_bad_request(api):
    response = api.call(
        "system", "batch", {"calls": {"a": {"module": "demo", "method": "hello"}}, "halt": "maybe"}
    )
    assert error_of(response) == (400, "bad_request")


def test_access_matrix_strict_flags_an_anonymous_method_and_a_broken_module(capsys, tmp_path):
    import uuid

    from tests.conftest import PROJECT_ROOT

    services = PROJECT_ROOT / "chalicelib" / "services"
    suffix = uuid.uuid4().hex[:8]
    opened, broken = services / f"zopen_{suffix}.py", services / f"zbroken_{suffix}.py"
    opened.write_text(
        "class Service:\n"
        "    api = {'everyone': {'type': 'external', 'access': ['anonymous', 'authenticated']}}\n"
        "    def everyone(self, data, ctx):\n"
        "        return 1\n"
    )
    broken.write_text("import no_such_package_here\n")
    try:
        assert admin.main(["access-matrix", "--strict"]) == 1
        out = capsys.readouterr().err
        assert f"zopen_{suffix}.everyone" in out and "OPEN to every key holder" in out
        assert f"BROKEN module 'zbroken_{suffix}'" in out
    finally:
        opened.unlink()
        broken.unlink()


def expected_for(roles):
    """What EXPECTED_MATRIX says a caller holding these roles (implicit ones included) may call."""
    return {name for name, access in EXPECTED_MATRIX.items() if access is None or set(access) & roles}


def test_discovery_lists_exactly_the_callers_methods_for_each_kind_of_caller(api, tokens):
    assert shipped(listed(api.call("system", "methods"))) == expected_for({"anonymous"})
    assert shipped(listed(api.call("system", "methods", token=tokens["ann"]))) == expected_for(
        {"authenticated", "editor"}
    )
    assert shipped(listed(api.call("system", "methods", token=tokens["root"]))) == expected_for(
        {"authenticated", "administrator"}
    )


DROPPED = (
    "class Service:\n"
    "    api = {\n"
    "        'open': {'type': 'external'},\n"
    "        'mine': {'type': 'external', 'access': ['authenticated']},\n"
    "        'audit': {'type': 'external', 'access': ['auditor', 'administrator']},\n"
    "    }\n\n"
    "    def open(self, data, ctx):\n"
    "        return 1\n\n"
    "    def mine(self, data, ctx):\n"
    "        return 2\n\n"
    "    def audit(self, data, ctx):\n"
    "        return 3\n"
)


@pytest.fixture
def dropped_module():
    """A module file dropped into chalicelib/services/ beside the shipped ones: an open method, a new role."""
    name = f"dropped_{uuid.uuid4().hex[:8]}"
    path = PROJECT_ROOT / "chalicelib" / "services" / f"{name}.py"
    path.write_text(DROPPED)
    try:
        yield name
    finally:
        path.unlink()
        sys.modules.pop(f"chalicelib.services.{name}", None)


def test_a_module_dropped_in_breaks_none_of_the_shipped_modules_tests(api, tokens, dropped_module, capsys):
    assert {f"{dropped_module}.open", f"{dropped_module}.audit"} <= set(access_matrix(Registry()))
    assert f"{dropped_module}.open" in listed(api.call("system", "methods"))
    assert f"{dropped_module}.audit" in listed(api.call("system", "methods", token=tokens["root"]))
    test_the_shipped_modules_hold_their_expected_access_matrix()
    test_discovery_lists_exactly_the_callers_methods_for_each_kind_of_caller(api, tokens)
    test_access_matrix_strict_passes_with_the_shipped_allow_list(capsys)

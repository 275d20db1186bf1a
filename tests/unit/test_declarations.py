"""Service tables validated into MethodSpecs, with errors that name module, method and key."""

from __future__ import annotations

import pytest

from chalicelib.declarations import DeclarationError, MethodSpec, method_specs


def service(table, **methods):
    namespace = {"api": table, **methods}
    return type("Service", (), namespace)()


def impl(self, data, ctx):
    return data


def test_the_plain_form_reads_every_key():
    specs = method_specs(
        "m",
        service(
            {"x": {"type": "external", "access": ["admin"], "format": "json_object", "method": "x_impl"}},
            x_impl=impl,
        ),
    )
    assert specs["x"] == MethodSpec("m", "x", "external", ("admin",), "json_object", "x_impl")


def test_absent_keys_take_the_defaults():
    assert method_specs("m", service({"x": {}}, x=impl))["x"] == MethodSpec("m", "x", implementation="x")


def test_get_api_wins_over_the_api_attribute():
    svc = service(
        {"x": {"type": "external"}}, x=impl, y=impl, get_api=lambda self: {"y": {"type": "external"}}
    )
    specs = method_specs("m", svc)
    assert specs["y"].is_external and not specs["x"].is_external


def test_undeclared_public_methods_are_internal_and_private_ones_are_absent():
    specs = method_specs("m", service({}, shown=impl, _hidden=impl))
    assert specs["shown"] == MethodSpec("m", "shown", implementation="shown")
    assert "_hidden" not in specs and "get_api" not in specs


@pytest.mark.parametrize(
    ("entry", "key", "words"),
    [
        ({"type": "sideways"}, "type", "'external' or 'internal'"),
        ({"format": "xml"}, "format", "'json' or 'json_object'"),
        ({"access": []}, "access", "empty"),
        ({"access": "admin"}, "access", "list"),
        ({"colour": "red"}, "colour", "unknown key"),
        ({"method": "missing"}, "method", "nothing callable"),
        ({"method": "not_callable"}, "method", "nothing callable"),
    ],
)
def test_a_wrong_declaration_names_module_method_and_key(entry, key, words):
    with pytest.raises(DeclarationError) as caught:
        method_specs("shop", service({"buy": entry}, buy=impl, not_callable=3))
    error = caught.value
    assert (error.module, error.method, error.key) == ("shop", "buy", key)
    assert "module 'shop'" in error.message and "method 'buy'" in error.message and words in error.message


def test_an_implementation_that_cannot_take_data_and_ctx_is_refused():
    with pytest.raises(DeclarationError, match="must accept"):
        method_specs("m", service({"x": {}}, x=lambda self: None))


def test_a_private_api_name_is_refused():
    with pytest.raises(DeclarationError, match="identifier"):
        method_specs("m", service({"_x": {}}, _x=impl))


def test_a_table_that_is_not_a_dict_is_refused():
    with pytest.raises(DeclarationError, match="dict"):
        method_specs("m", service(["x"]))


# -- schema, returns, description ---------------------------------------------------------------


def test_schema_returns_and_description_are_read():
    table = {
        "x": {
            "schema": {"type": "object", "properties": {"n": {"type": "integer"}}},
            "returns": {"type": "integer"},
            "description": "Adds one.",
        }
    }
    spec = method_specs("m", service(table, x=impl))["x"]
    assert spec.schema.schema == table["x"]["schema"]
    assert spec.returns.schema == {"type": "integer"}
    assert spec.description == "Adds one."


def test_without_them_a_method_has_no_schema_and_its_docstring_is_the_description():
    def documented(self, data, ctx):
        """Say hello.

        More words that discovery does not show.
        """

    specs = method_specs("m", service({"x": {}, "y": {}}, x=documented, y=impl))
    assert (specs["x"].schema, specs["x"].returns, specs["x"].description) == (None, None, "Say hello.")
    assert specs["y"].description is None


@pytest.mark.parametrize(
    ("entry", "key", "words"),
    [
        ({"schema": {"type": "int"}}, "schema", "/type: must be one of"),
        ({"schema": {"properties": {"age": {"minimum": "0"}}}}, "schema", "/properties/age/minimum"),
        ({"schema": {"requred": ["a"]}}, "schema", "/requred: unknown or unsupported keyword"),
        ({"schema": "object"}, "schema", "a schema is an object or a boolean"),
        ({"returns": {"type": "integer", "default": "x"}}, "returns", "/default"),
        ({"description": ""}, "description", "one line"),
        ({"description": "two\nlines"}, "description", "one line"),
        ({"description": 3}, "description", "one line"),
        ({"description": "x" * 201}, "description", "one line"),
    ],
)
def test_a_wrong_schema_or_description_names_module_method_and_key(entry, key, words):
    with pytest.raises(DeclarationError) as caught:
        method_specs("shop", service({"buy": entry}, buy=impl))
    error = caught.value
    assert (error.module, error.method, error.key) == ("shop", "buy", key)
    assert words in error.message


def test_verbs_default_to_get_and_post_and_may_be_narrowed_to_post():
    specs = method_specs(
        "m",
        service({"a": {}, "b": {"verbs": ["POST"]}, "c": {"verbs": ("POST", "GET")}}, a=impl, b=impl, c=impl),
    )
    assert [specs[name].verbs for name in "abc"] == [("GET", "POST"), ("POST",), ("GET", "POST")]


@pytest.mark.parametrize("verbs", ["POST", [], ["PUT"], ["post"], [None]])
def test_verbs_other_than_a_list_of_get_and_post_are_refused(verbs):
    with pytest.raises(DeclarationError, match="key 'verbs'"):
        method_specs("m", service({"a": {"verbs": verbs}}, a=impl))

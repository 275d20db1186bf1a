"""Turning an HTTP request into the gateway's parameters."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.errors import (
    ApiError,
    BadRequest,
    MethodNotAllowed,
    PayloadTooLarge,
    UnsupportedMediaType,
)
from chalicelib.http.brackets import MAX_DEPTH
from chalicelib.http.request import ApiRequest, from_event, param_str, parse_request

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def post(
    body: bytes | str | None,
    content_type: str | None = None,
    *,
    query: Mapping[str, list[str]] | None = None,
    is_base64: bool = False,
    max_body_bytes: int = 10_000,
    headers: Mapping[str, str] | None = None,
) -> ApiRequest:
    all_headers = dict(headers or {})
    if content_type is not None:
        all_headers["Content-Type"] = content_type
    return parse_request(
        http_method="POST",
        query=query,
        headers=all_headers,
        body=body,
        is_base64=is_base64,
        max_body_bytes=max_body_bytes,
        request_id="req-1",
    )


def get(query: Mapping[str, list[str]] | None, **headers: str) -> ApiRequest:
    return parse_request(
        http_method="GET",
        query=query,
        headers=headers,
        body=None,
        is_base64=False,
        max_body_bytes=10,
        request_id="req-1",
    )


def multipart(*parts: tuple[bytes, bytes], boundary: bytes = b"XyZ") -> bytes:
    body = b""
    for disposition, content in parts:
        body += b"--" + boundary + b"\r\n" + disposition + b"\r\n\r\n" + content + b"\r\n"
    return body + b"--" + boundary + b"--\r\n"


def field(name: str) -> bytes:
    return f'Content-Disposition: form-data; name="{name}"'.encode()


# The query string


def test_get_reads_the_query_string() -> None:
    request = get({"module": ["users"], "method": ["me"]})
    assert request.http_method == "GET"
    assert request.params == {"module": "users", "method": "me"}
    assert request.request_id == "req-1"


def test_query_brackets_are_parsed_in_key_then_value_order() -> None:
    request = get({"data[b][]": ["2", "3"], "data[a]": ["1"]})
    assert request.params == {"data": {"b": ["2", "3"], "a": "1"}}


def test_a_repeated_plain_query_field_keeps_the_last_value() -> None:
    assert get({"a": ["1", "2"]}).params == {"a": "2"}


def test_no_query_string_gives_no_params() -> None:
    assert get(None).params == {}


def test_a_lone_surrogate_in_the_query_is_bad_request() -> None:
    with pytest.raises(BadRequest):
        get({"a": ["\ud800"]})


def test_get_ignores_content_type_and_body() -> None:
    request = parse_request(
        http_method="GET",
        query={"a": ["1"]},
        headers={"Content-Type": "text/plain"},
        body="!!! not base64, too large, and of an unread type !!!",
        is_base64=True,
        max_body_bytes=1,
        request_id="r",
    )
    assert request.params == {"a": "1"}


def test_the_method_is_upper_cased() -> None:
    request = parse_request(
        http_method="post",
        query=None,
        headers={},
        body=None,
        is_base64=False,
        max_body_bytes=10,
        request_id="r",
    )
    assert request.http_method == "POST"


def test_a_verb_other_than_get_or_post_is_refused() -> None:
    with pytest.raises(MethodNotAllowed):
        parse_request(
            http_method="PUT",
            query=None,
            headers={},
            body=None,
            is_base64=False,
            max_body_bytes=10,
            request_id="r",
        )


# Headers and cookies


def test_header_names_are_lower_cased() -> None:
    request = get(None, **{"X-Custom-Thing": "V", "Authorization": "Bearer t"})
    assert request.headers == {"x-custom-thing": "V", "authorization": "Bearer t"}


def test_cookies_are_read_from_the_cookie_header() -> None:
    request = get(None, Cookie="EQSASH_SESSION=abc; theme=dark")
    assert request.cookies == {"EQSASH_SESSION": "abc", "theme": "dark"}


def test_the_first_of_duplicate_cookies_wins() -> None:
    assert get(None, Cookie="s=specific; s=general").cookies == {"s": "specific"}


def test_a_malformed_cookie_header_never_raises() -> None:
    request = get(None, Cookie=';; =x; novalue; a=b=c ;  spaced = v ;"q"=1;')
    assert request.cookies == {"novalue": "", "a": "b=c", "spaced": "v", '"q"': "1"}


def test_no_cookie_header_gives_no_cookies() -> None:
    assert get(None).cookies == {}


# Form bodies


def test_form_body_fields_are_read() -> None:
    request = post("module=users&data[a]=1&data[b][]=2&data[b][]=3", FORM)
    assert request.params == {"module": "users", "data": {"a": "1", "b": ["2", "3"]}}


def test_body_field_wins_over_query_field() -> None:
    request = post("method=body&data[b]=2", FORM, query={"method": ["query"], "data[a]": ["1"], "key": ["k"]})
    assert request.params == {"method": "body", "data": {"b": "2"}, "key": "k"}


def test_form_values_are_percent_decoded_as_utf_8() -> None:
    assert post("a=caf%C3%A9+x&b=", FORM).params == {"a": "café x", "b": ""}


def test_content_type_is_case_insensitive_and_takes_parameters() -> None:
    assert post("a=1", "Application/X-WWW-Form-URLEncoded; Charset=UTF-8").params == {"a": "1"}


def test_form_percent_escapes_that_are_not_utf_8_are_bad_request() -> None:
    with pytest.raises(BadRequest):
        post("a=%FF", FORM)


def test_form_body_bytes_that_are_not_utf_8_are_bad_request() -> None:
    with pytest.raises(BadRequest):
        post(b"a=\xff", FORM)


@pytest.mark.parametrize("charset", ["utf-8", "UTF-8", "utf8", '"utf-8"', "us-ascii", "ASCII"])
def test_a_form_body_in_utf_8_or_ascii_is_read(charset: str) -> None:
    assert post(b"a=%41&b=1", f"{FORM}; charset={charset}").params == {"a": "A", "b": "1"}


def test_an_ascii_body_with_other_bytes_is_bad_request() -> None:
    with pytest.raises(BadRequest, match="ascii"):
        post(b"a=\xc3\xa9", FORM + "; charset=us-ascii")


@pytest.mark.parametrize(
    "charset",
    [
        *("latin-1", "ISO-8859-1", "cp037", "utf-16", "utf-32", "utf-8-sig", "u8", "cp65001", "utf-7"),
        *("klingon", "base64", "rot13", "unicode_escape", "a\x00b", ""),
    ],
)
def test_a_charset_other_than_utf_8_or_ascii_is_unsupported_media_type(charset: str) -> None:
    with pytest.raises(UnsupportedMediaType, match="charset"):
        post("a=1", f"{FORM}; charset={charset}")


def test_more_than_1000_form_fields_are_bad_request() -> None:
    with pytest.raises(BadRequest):
        post("&".join(["a[]=1"] * 1001), FORM)


def test_1000_form_fields_are_read() -> None:
    assert post("&".join(["a[]=1"] * 1000), FORM).params == {"a": ["1"] * 1000}


def test_deep_form_brackets_are_bad_request() -> None:
    with pytest.raises(BadRequest, match="nested too deeply"):
        post("data" + "[x]" * (MAX_DEPTH + 1) + "=1", FORM)


# Multipart bodies


def test_multipart_text_fields_are_read() -> None:
    body = multipart((field("module"), b"users"), (field("data[a]"), "café".encode()), (field("empty"), b""))
    request = post(body, "multipart/form-data; boundary=XyZ")
    assert request.params == {"module": "users", "data": {"a": "café"}, "empty": ""}


def test_multipart_fields_keep_their_order_so_brackets_work() -> None:
    body = multipart((field("d[]"), b"1"), (field("d[]"), b"2"), (field("d[x]"), b"3"))
    assert post(body, "multipart/form-data; boundary=XyZ").params == {"d": {"0": "1", "1": "2", "x": "3"}}


def test_a_multipart_file_part_is_read_as_a_text_field() -> None:
    disposition = (
        b'Content-Disposition: form-data; name="data"; filename="a.json"\r\nContent-Type: text/plain'
    )
    body = multipart((disposition, b"line 1\r\nline 2"))
    assert post(body, "multipart/form-data; boundary=XyZ").params == {"data": "line 1\r\nline 2"}


def test_a_multipart_field_name_in_utf_8_is_read() -> None:
    body = multipart((field("café"), b"1"))
    assert post(body, "multipart/form-data; boundary=XyZ").params == {"café": "1"}


def test_a_quoted_multipart_boundary_with_spaces_is_read() -> None:
    body = multipart((field("a"), b"1"), boundary=b"a b'c")
    assert post(body, 'MULTIPART/FORM-DATA; boundary="a b\'c"').params == {"a": "1"}


def test_a_multipart_body_with_a_missing_boundary_is_bad_request() -> None:
    with pytest.raises(BadRequest, match="boundary"):
        post(multipart((field("a"), b"1")), "multipart/form-data")


@pytest.mark.parametrize("boundary", ['"a\r\nb"', '"a;b"', "x" * 71, '"trailing "'])
def test_an_invalid_multipart_boundary_is_bad_request(boundary: str) -> None:
    with pytest.raises(BadRequest, match="boundary"):
        post(multipart((field("a"), b"1")), f"multipart/form-data; boundary={boundary}")


def test_a_multipart_body_with_another_boundary_is_bad_request() -> None:
    with pytest.raises(BadRequest):
        post(multipart((field("a"), b"1"), boundary=b"other"), "multipart/form-data; boundary=XyZ")


def test_a_truncated_multipart_body_is_bad_request() -> None:
    with pytest.raises(BadRequest):
        post(
            b'--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\nvalue',
            "multipart/form-data; boundary=XyZ",
        )


def test_multipart_content_that_is_not_utf_8_is_bad_request() -> None:
    with pytest.raises(BadRequest, match="UTF-8"):
        post(multipart((field("a"), b"\xff\xfe")), "multipart/form-data; boundary=XyZ")


def test_a_multipart_field_name_that_is_not_utf_8_is_bad_request() -> None:
    body = multipart((b'Content-Disposition: form-data; name="a\xff"', b"1"))
    with pytest.raises(BadRequest, match="UTF-8"):
        post(body, "multipart/form-data; boundary=XyZ")


def test_a_multipart_part_without_a_name_is_bad_request() -> None:
    with pytest.raises(BadRequest, match="name"):
        post(multipart((b"Content-Disposition: form-data", b"1")), "multipart/form-data; boundary=XyZ")


def test_a_multipart_part_with_a_bad_transfer_encoding_is_bad_request() -> None:
    disposition = field("a") + b"\r\nContent-Transfer-Encoding: base64"
    with pytest.raises(BadRequest):
        post(multipart((disposition, b"!!!")), "multipart/form-data; boundary=XyZ")


def test_a_nested_multipart_part_is_bad_request() -> None:
    disposition = field("a") + b"\r\nContent-Type: multipart/mixed; boundary=in"
    with pytest.raises(BadRequest):
        post(multipart((disposition, b"--in\r\n\r\nx\r\n--in--")), "multipart/form-data; boundary=XyZ")


@pytest.mark.parametrize(
    "headers",
    [
        b"Content-Disposition: form-data; name*1*",
        b'Content-Disposition: form-data; name="a"\r\nContent-Type: x;a*',
    ],
)
def test_extended_parameters_are_bad_request(headers: bytes) -> None:
    # RFC 7578 forbids them in multipart/form-data (and Python 3.11's email parser crashed on them).
    with pytest.raises(BadRequest, match="malformed multipart"):
        post(multipart((headers, b"1")), "multipart/form-data; boundary=XyZ")


def test_more_than_1000_multipart_parts_are_bad_request() -> None:
    body = multipart(*[(field("a[]"), b"1")] * 1001)
    with pytest.raises(BadRequest, match="1000"):
        post(body, "multipart/form-data; boundary=XyZ", max_body_bytes=len(body))


# JSON bodies


def test_a_json_object_body_gives_its_fields() -> None:
    body = json.dumps({"module": "users", "data": {"list": [1, 2.5, None, True], "s": "x"}})
    assert post(body, JSON).params == {"module": "users", "data": {"list": [1, 2.5, None, True], "s": "x"}}


@pytest.mark.parametrize("data", [None, 1, "text", [1, 2], {"a": {"b": []}}, 1.5, False])
def test_data_may_be_any_json_value(data: object) -> None:
    assert post(json.dumps({"data": data}), JSON).params == {"data": data}


def test_other_params_of_a_json_body_are_not_checked_here() -> None:
    assert post('{"module": 5}', JSON).params == {"module": 5}


def test_a_plus_json_type_is_read_as_json() -> None:
    assert post('{"a": 1}', "application/vnd.api+json; charset=utf-8").params == {"a": 1}


def test_json_body_that_is_a_list_is_bad_request() -> None:
    with pytest.raises(BadRequest, match="object"):
        post("[1, 2]", JSON)


@pytest.mark.parametrize("body", ["1", '"s"', "null", "true"])
def test_json_body_that_is_a_scalar_is_bad_request(body: str) -> None:
    with pytest.raises(BadRequest, match="object"):
        post(body, JSON)


@pytest.mark.parametrize("body", ["{", '{"a": }', "{'a': 1}", '{"a": 1} x', " ", '\ufeff{"a": 1}'])
def test_malformed_json_is_bad_request(body: str) -> None:
    with pytest.raises(BadRequest, match="malformed JSON"):
        post(body, JSON)


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_literals_are_bad_request(literal: str) -> None:
    with pytest.raises(BadRequest, match=literal):
        post(f'{{"data": [{literal}]}}', JSON)


def test_a_number_too_large_for_a_double_is_bad_request() -> None:
    with pytest.raises(BadRequest, match="out of range"):
        post('{"data": 1e400}', JSON)


def test_an_integer_with_too_many_digits_is_bad_request() -> None:
    with pytest.raises(BadRequest):
        post('{"data": ' + "9" * 5000 + "}", JSON)


@pytest.mark.parametrize("body", [r'{"data": "\ud800"}', r'{"\udfff": 1}', r'{"data": {"k\ud800": 1}}'])
def test_lone_surrogate_escapes_in_json_are_bad_request(body: str) -> None:
    with pytest.raises(BadRequest, match="surrogate"):
        post(body, JSON)


def test_a_surrogate_pair_escape_in_json_is_read() -> None:
    assert post(r'{"data": "\ud83d\ude00"}', JSON).params == {"data": "😀"}


def test_json_nesting_up_to_max_depth_is_read() -> None:
    body = '{"data": ' + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "}"
    assert post(body, JSON).params["data"] is not None


def test_json_nesting_deeper_than_max_depth_is_bad_request() -> None:
    body = '{"data": ' + '{"a":' * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1) + "}"
    with pytest.raises(BadRequest, match="nested too deeply"):
        post(body, JSON)


def test_deep_json_nesting_is_bad_request_not_a_crash() -> None:
    body = '{"data": ' + "[" * 100_000 + "]" * 100_000 + "}"
    with pytest.raises(BadRequest, match="nested too deeply"):
        post(body, JSON, max_body_bytes=1_000_000)


@pytest.mark.parametrize("charset", ["utf-16", "cp037"])
def test_a_json_body_in_another_charset_is_unsupported_media_type(charset: str) -> None:
    with pytest.raises(UnsupportedMediaType, match="charset"):
        post('{"a": "é"}'.encode(charset), f"{JSON}; charset={charset}")


def test_a_json_body_that_is_not_utf_8_is_bad_request() -> None:
    with pytest.raises(BadRequest):
        post(b'{"a": "\xff"}', JSON)


# Body size, encoding and type


def test_base64_body_is_decoded_before_the_size_check() -> None:
    raw = b"a=1&b=2"  # 7 bytes, 12 in base64
    encoded = base64.b64encode(raw).decode()
    assert post(encoded, FORM, is_base64=True, max_body_bytes=7).params == {"a": "1", "b": "2"}
    with pytest.raises(PayloadTooLarge):
        post(encoded, FORM, is_base64=True, max_body_bytes=6)


def test_a_body_over_the_limit_is_payload_too_large_before_any_parsing() -> None:
    with pytest.raises(PayloadTooLarge):
        post(b"\xff not even json", JSON, max_body_bytes=5)
    with pytest.raises(PayloadTooLarge):
        post("a=1", "text/plain", max_body_bytes=2)


def test_a_body_at_the_limit_is_read() -> None:
    assert post("a=1", FORM, max_body_bytes=3).params == {"a": "1"}


@pytest.mark.parametrize("body", ["!!!!", "YQ=", "YQ==\n", "é"])
def test_a_bad_base64_body_is_bad_request(body: str) -> None:
    with pytest.raises(BadRequest, match="base64"):
        post(body, FORM, is_base64=True)


def test_a_str_body_with_a_lone_surrogate_is_bad_request() -> None:
    with pytest.raises(BadRequest):
        post("a=\ud800", FORM)


@pytest.mark.parametrize("content_type", [None, FORM, JSON, "text/plain", "multipart/form-data"])
def test_an_empty_body_is_no_fields_whatever_its_type(content_type: str | None) -> None:
    assert post(b"", content_type, query={"a": ["1"]}).params == {"a": "1"}
    assert post(None, content_type).params == {}
    assert post("", content_type, is_base64=True).params == {}


def test_a_body_without_content_type_is_unsupported_media_type() -> None:
    with pytest.raises(UnsupportedMediaType, match="Content-Type"):
        post("a=1", None)


def test_a_body_of_an_unread_type_is_unsupported_media_type_naming_it() -> None:
    with pytest.raises(UnsupportedMediaType, match="text/plain"):
        post("a=1", "Text/Plain; charset=utf-8")


def test_the_unsupported_media_type_error_has_the_contracts_status() -> None:
    with pytest.raises(UnsupportedMediaType) as caught:
        post("a=1", "application/xml")
    assert (caught.value.status, caught.value.code) == (415, "unsupported_media_type")


# param_str


def test_param_str_gives_a_string_parameter() -> None:
    assert param_str({"module": "users"}, "module") == "users"


def test_param_str_gives_none_for_an_absent_parameter() -> None:
    assert param_str({}, "token") is None


@pytest.mark.parametrize("value", [5, ["a"], {"a": "b"}, True, 1.5])
def test_param_str_refuses_a_parameter_that_is_not_a_string_naming_it(value: object) -> None:
    with pytest.raises(BadRequest, match="'module'"):
        param_str({"module": value}, "module")


def test_a_bracketed_module_field_reaches_param_str_as_a_dict_and_is_refused() -> None:
    request = get({"module[x]": ["users"]})
    with pytest.raises(BadRequest):
        param_str(request.params, "module")


# The Chalice adapter


def chalice_event(**overrides: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "resource": "/api",
        "path": "/api",
        "httpMethod": "POST",
        "multiValueQueryStringParameters": {"key": ["k"], "data[]": ["q1", "q2"], "method": ["query"]},
        "headers": {"Content-Type": FORM, "Cookie": "EQSASH_SESSION=s1", "X-Thing": "v"},
        "pathParameters": None,
        "stageVariables": None,
        "body": base64.b64encode(b"method=me&module=users").decode(),
        "isBase64Encoded": True,
        "requestContext": {"httpMethod": "POST", "resourcePath": "/api", "requestId": "abc-123"},
    }
    event.update(overrides)
    return event


def test_from_event_reads_a_proxy_event() -> None:
    request = from_event(chalice_event(), max_body_bytes=1000)
    assert request.http_method == "POST"
    assert request.params == {"key": "k", "data": ["q1", "q2"], "method": "me", "module": "users"}
    assert request.headers["x-thing"] == "v"
    assert request.cookies == {"EQSASH_SESSION": "s1"}
    assert request.request_id == "abc-123"


def test_from_event_reads_a_plain_text_body_and_no_query() -> None:
    event = chalice_event(
        multiValueQueryStringParameters=None,
        headers={"content-type": JSON},
        body='{"data": {"a": [1]}}',
        isBase64Encoded=False,
    )
    assert from_event(event, max_body_bytes=1000).params == {"data": {"a": [1]}}


def test_from_event_refuses_a_bad_base64_body_as_bad_request() -> None:
    with pytest.raises(BadRequest, match="base64"):
        from_event(chalice_event(body="%%%"), max_body_bytes=1000)


def test_from_event_checks_the_decoded_size() -> None:
    with pytest.raises(PayloadTooLarge):
        from_event(chalice_event(), max_body_bytes=5)


def test_from_event_makes_a_request_id_when_the_event_has_none() -> None:
    context = {"httpMethod": "GET", "resourcePath": "/api"}
    event = chalice_event(requestContext=context, headers=None, body=None, isBase64Encoded=False)
    request = from_event(event, max_body_bytes=10)
    assert len(request.request_id) == 32
    assert request.http_method == "GET"
    assert request.headers == {}


# Never anything but an ApiError


KNOWN_TYPES = [FORM, JSON, "application/x+json", "multipart/form-data; boundary=XyZ", "text/plain"]
SUFFIXES = ["", "; charset=utf-8", "; charset=latin-1", "; charset=nope", ";;=x"]
content_types = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.builds(lambda kind, suffix: kind + suffix, st.sampled_from(KNOWN_TYPES), st.sampled_from(SUFFIXES)),
)
HEADER_TOKENS = (
    b"Content-Disposition: form-data|Content-Type: |Content-Transfer-Encoding: |name|name*|filename|*0|*1*"
    b"|utf-8''|%C3%A9|base64|quoted-printable|multipart/mixed|boundary=in"
    b'|;|=|"|\\|\r\n| |\xff|\xc3\xa9|[|]|a|\x00'
).split(b"|")
header_tokens = st.sampled_from(HEADER_TOKENS)
multipart_bodies = st.lists(
    st.tuples(st.lists(header_tokens, max_size=12).map(b"".join), st.binary(max_size=20)),
    max_size=4,
).map(lambda parts: multipart(*parts))
json_bodies = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
).map(lambda value: json.dumps(value).encode())
bodies = st.one_of(st.none(), st.binary(max_size=200), st.text(max_size=100), multipart_bodies, json_bodies)
query_values = st.lists(st.text(max_size=5), max_size=3)
queries = st.one_of(st.none(), st.dictionaries(st.text(max_size=10), query_values))


@settings(max_examples=400, deadline=None)
@given(
    method=st.sampled_from(["GET", "POST", "post", "PUT"]),
    query=queries,
    content_type=content_types,
    body=bodies,
    is_base64=st.booleans(),
    cookie=st.text(max_size=30),
)
def test_parse_request_never_raises_anything_but_an_api_error(
    *,
    method: str,
    query: Mapping[str, list[str]] | None,
    content_type: str | None,
    body: bytes | str | None,
    is_base64: bool,
    cookie: str,
) -> None:
    headers = {"Cookie": cookie}
    if content_type is not None:
        headers["Content-Type"] = content_type
    if is_base64 and isinstance(body, bytes):  # text bodies stay as they are: mostly bad base64
        body = base64.b64encode(body)
    try:
        request = parse_request(
            http_method=method,
            query=query,
            headers=headers,
            body=body,
            is_base64=is_base64,
            max_body_bytes=150,
            request_id="r",
        )
    except ApiError:
        return
    assert request.http_method in ("GET", "POST")
    assert all(isinstance(name, str) for name in request.params)


def test_the_fields_of_a_json_body_are_known_as_typed() -> None:
    request = post('{"module": "m", "data": {"n": 1}}', JSON, query={"key": ["k"], "method": ["x"]})
    assert request.json_fields == frozenset({"module", "data"})
    assert post("data[n]=1", FORM).json_fields == frozenset()
    assert get({"data": ["1"]}).json_fields == frozenset()
    assert post('{"module": "m"}', "application/vnd.api+json", query={"data": ["1"]}).json_fields == {
        "module"
    }


ESCAPE_TOKENS = [
    "\\ud83d",
    "\\ude00",
    "\\uD800",
    "\\uDFFF",
    "\\udbff",
    "\\udc00",
    "\\\\",
    "\\u005c",
    "\\u0041",
]
ESCAPE_TOKENS += ["ud800", "a", "é", '\\"']


@settings(max_examples=500, deadline=None)
@given(st.lists(st.lists(st.sampled_from(ESCAPE_TOKENS), max_size=8).map("".join), max_size=4))
def test_a_lone_surrogate_is_refused_exactly_when_the_decoded_json_holds_one(strings: list[str]) -> None:
    text = '{"data": [' + ", ".join(f'"{string}"' for string in strings) + "]}"
    decoded = json.loads(text)["data"]
    holds_one = any(not _encodes(string) for string in decoded)
    try:
        post(text.encode(), JSON)
    except BadRequest as refused:
        assert holds_one and "surrogate" in refused.message
    else:
        assert not holds_one


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def test_json_nesting_counts_every_branch_of_every_field() -> None:
    def nested(levels: int) -> str:
        return "[" * levels + "]" * levels

    assert (
        post(f'{{"a": [1, {{"b": {nested(MAX_DEPTH - 2)}}}], "c": {nested(MAX_DEPTH)}}}', JSON).params["a"][0]
        == 1
    )
    with pytest.raises(BadRequest, match="nested too deeply"):
        post(f'{{"a": [1, {{"b": {nested(MAX_DEPTH - 1)}}}], "c": 1}}', JSON)


def test_brackets_inside_json_strings_are_not_nesting() -> None:
    text = "[{" * 100 + '\\"' + "}]" * 100
    assert post(json.dumps({"a": text, "b": [[text]]}), JSON).params["a"] == text


@pytest.mark.parametrize("address", ["203.0.113.9", "2001:db8::1"])
def test_the_client_address_is_the_one_api_gateway_saw(address: str) -> None:
    context = {"httpMethod": "POST", "resourcePath": "/api", "identity": {"sourceIp": address}}
    headers = {"Content-Type": FORM, "X-Forwarded-For": "198.51.100.1", "X-Real-Ip": "198.51.100.2"}
    request = from_event(chalice_event(requestContext=context, headers=headers), max_body_bytes=1000)
    assert request.client_address == address


@pytest.mark.parametrize("identity", [None, {}, {"sourceIp": ""}, {"sourceIp": "a b"}, {"sourceIp": 7}])
def test_an_event_without_a_usable_address_has_none(identity: Any) -> None:
    context = {"httpMethod": "POST", "resourcePath": "/api", "identity": identity}
    request = from_event(chalice_event(requestContext=context), max_body_bytes=1000)
    assert request.client_address is None


def _qsl_or_error(read: Any) -> object:
    try:
        return read()
    except ValueError as exc:
        return type(exc), str(exc)


@settings(max_examples=500)
@given(st.text(alphabet="ab=&%+0275FfBbC3A9é", max_size=24), st.sampled_from(["utf-8", "ascii"]))
def test_a_form_body_splits_as_parse_qsl_reads_it(text: str, codec: str) -> None:
    from urllib.parse import parse_qsl

    from chalicelib.http.request import MAX_FIELDS, _split_form

    expected = _qsl_or_error(
        lambda: parse_qsl(
            text, keep_blank_values=True, encoding=codec, errors="strict", max_num_fields=MAX_FIELDS
        )
    )
    assert _qsl_or_error(lambda: _split_form(text, codec)) == expected

"""Turning an HTTP request (method, query, headers, body) into the gateway's ApiRequest.

Decisions beyond DESIGN section 2: a verb other than GET or POST is MethodNotAllowed; a lone
surrogate anywhere in the fields (query, form, multipart, JSON) is BadRequest, as PHP refuses it;
a body names no charset but UTF-8 or ASCII (anything else is 415: a firewall in front of the API
reads bytes, and cp037 or UTF-16 would carry past it what it cannot read); a multipart body holds
at most MAX_FIELDS parts, like a form body, and is read by `multipart` in linear time; a JSON
number too large for a double (1e400) is refused rather than made infinite; cookie values are
taken as sent (not URL-decoded).
"""

# Annotations are evaluated, not postponed (no `from __future__ import annotations`): a NamedTuple's
# postponed annotations are each compiled as a ForwardRef when its class is made, on every cold start.

import base64
import json
import math
import re
from collections.abc import Mapping
from itertools import accumulate, repeat
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, unquote

from chalicelib.errors import (
    SERVED_VERBS,
    BadRequest,
    MethodNotAllowed,
    PayloadTooLarge,
    UnsupportedMediaType,
)
from chalicelib.http import brackets
from chalicelib.http.formats import has_lone_surrogate_escape

MAX_FIELDS = 1000  # query, form and multipart fields in one request part (PHP: max_input_vars)

_FORM = "application/x-www-form-urlencoded"
_MULTIPART = "multipart/form-data"
# The charsets a body may name, as codecs: UTF-8 and ASCII in their IANA names and usual spellings.
_CHARSETS = {"utf-8": "utf-8", "utf8": "utf-8", "us-ascii": "ascii", "ascii": "ascii"}
# RFC 2046; like _JSON_STRING below, compiled on first use (re's cache), not by every cold start.
_BOUNDARY = r"[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]"
_SHOWN = 80  # characters of a client's value quoted back in a message

Pair = tuple[str, str]


class ApiRequest(NamedTuple):
    """What the gateway needs from one HTTP request."""

    http_method: str  # 'GET' or 'POST'
    params: Mapping[str, object]  # top-level fields; a body field wins over a query field
    headers: Mapping[str, str]  # lower-cased names
    cookies: Mapping[str, str]
    request_id: str
    json_fields: frozenset[str] = frozenset()  # the top-level fields a JSON body gave, typed as sent
    client_address: str | None = None  # the one API Gateway saw (never a header the client sets)


def parse_request(
    *,
    http_method: str,
    query: Mapping[str, list[str]] | None,
    headers: Mapping[str, str],
    body: bytes | str | None,
    is_base64: bool,
    max_body_bytes: int,
    request_id: str,
    client_address: str | None = None,
    lowered_headers: dict[str, str] | None = None,
) -> ApiRequest:
    """Read a GET (query only) or a POST (query, then body fields over them) into an ApiRequest.

    `lowered_headers`: `headers` with their names lower-cased, when the caller has made them already
    (the fast path, `http/entry.py`); the request keeps that dict.
    """
    method = http_method.upper()
    if method not in SERVED_VERBS:
        raise MethodNotAllowed(f"{method[:_SHOWN]!r} is not served; use {' or '.join(SERVED_VERBS)}")
    lowered = (
        {name.lower(): value for name, value in headers.items()}
        if lowered_headers is None
        else lowered_headers
    )
    params = brackets.parse_fields(_checked(_query_pairs(query)))
    json_fields: frozenset[str] = frozenset()
    if method == "POST":
        raw = _raw_body(body, is_base64)
        if len(raw) > max_body_bytes:
            raise PayloadTooLarge(f"the body has {len(raw)} bytes; the limit is {max_body_bytes}")
        fields, from_json = _body_fields(raw, lowered.get("content-type"))
        if fields and from_json:
            json_fields = frozenset(fields)
        params.update(fields)
    cookies = parse_cookies(lowered.get("cookie", ""))
    return ApiRequest(method, params, lowered, cookies, request_id, json_fields, client_address)


def from_event(
    event: Mapping[str, Any], max_body_bytes: int, lowered_headers: dict[str, str] | None = None
) -> ApiRequest:
    """parse_request over an API Gateway proxy event: query, headers and raw body as the event holds them.

    Chalice's `query_params` and `headers` wrap the same event fields; reading them directly spares
    copying through its Python-level mappings on every request.
    """
    context = event["requestContext"]
    return parse_request(
        http_method=context["httpMethod"],
        query=event.get("multiValueQueryStringParameters"),
        headers=event.get("headers") or {},
        body=event.get("body"),
        is_base64=bool(event.get("isBase64Encoded")),
        max_body_bytes=max_body_bytes,
        request_id=_request_id(context),
        client_address=_client_address(context),
        lowered_headers=lowered_headers,
    )


def param_str(params: Mapping[str, object], name: str) -> str | None:
    """A top-level parameter that must be a string when present: None when absent."""
    value = params.get(name)
    if value is None or isinstance(value, str):
        return value
    raise BadRequest(f"parameter {name!r} must be a string")


def parse_cookies(header: str) -> dict[str, str]:
    """Cookies from a Cookie header, leniently; the first of duplicate names wins (most specific)."""
    cookies: dict[str, str] = {}
    if not header:  # most API calls send none
        return cookies
    for piece in header.split(";"):
        name, _, value = piece.strip().partition("=")
        name = name.strip()
        if name and name not in cookies:
            cookies[name] = value.strip()
    return cookies


def _client_address(context: Mapping[str, Any] | None) -> str | None:
    """requestContext.identity.sourceIp: the address API Gateway took the connection from.

    X-Forwarded-For and the like are the client's to write, so they are never read.
    """
    identity = (context or {}).get("identity")
    address = identity.get("sourceIp") if isinstance(identity, dict) else None
    if isinstance(address, str) and _ADDRESS.fullmatch(address):
        return address
    return None


_ADDRESS = re.compile(r"[0-9A-Fa-f:.]{2,45}")  # an IPv4 or IPv6 address as API Gateway writes it


def _request_id(context: Mapping[str, object] | None) -> str:
    """API Gateway's request id, or a fresh random one when the event has none."""
    request_id = (context or {}).get("requestId")
    if isinstance(request_id, str) and request_id:
        return request_id
    import uuid

    return uuid.uuid4().hex


def _query_pairs(query: Mapping[str, list[str]] | None) -> list[Pair]:
    """(name, value) pairs of a multi-valued query, in key order then value order, at most MAX_FIELDS.

    API Gateway's REST event groups a query's values by name, so the order between different
    names is lost: `data[]=a&data[1]=b&data[]=c` arrives as data[] = [a, c], data[1] = [b].
    """
    pairs = [(name, value) for name, values in (query or {}).items() for value in values]
    if len(pairs) > MAX_FIELDS:
        raise BadRequest(f"a query may hold at most {MAX_FIELDS} fields")
    return pairs


def _checked(pairs: list[Pair]) -> list[Pair]:
    """The pairs, refusing a name or value that is not valid Unicode text (a lone surrogate)."""
    for name, value in pairs:
        if not (name.isascii() and value.isascii()):  # ASCII text has no surrogate: no need to encode it
            _check_text(name)
            _check_text(value)
    return pairs


def _check_text(text: str) -> None:
    """Refuse text holding a lone surrogate: it has no UTF-8 form (PHP refuses it too)."""
    if text.isascii():  # a flag of the string, no scan: ASCII holds no surrogate
        return
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise BadRequest("the request holds text that is not valid UTF-8 (a lone surrogate)") from None


def _raw_body(body: bytes | str | None, is_base64: bool) -> bytes:
    """The body's bytes: base64-decoded (strictly) when the event says so."""
    if body is None:
        return b""
    if is_base64:
        try:
            return base64.b64decode(body, validate=True)
        except ValueError:
            raise BadRequest("the body is not valid base64") from None
    if isinstance(body, bytes):
        return body
    try:
        return body.encode("utf-8")
    except UnicodeEncodeError:
        raise BadRequest("the body is not valid UTF-8") from None


def _body_fields(raw: bytes, content_type: str | None) -> tuple[dict[str, object], bool]:
    """The top-level fields of a POST body, by its media type (an empty body has none), and whether
    they came from JSON."""
    if not raw:
        return {}, False
    if content_type is None or not content_type.strip():
        raise UnsupportedMediaType("a POST body needs a Content-Type")
    kind, options = media_type(content_type)
    if kind == _FORM:
        return brackets.parse_fields(_form_pairs(raw, _codec(options))), False
    if kind == _MULTIPART:
        return brackets.parse_fields(_multipart_pairs(raw, options)), False
    if is_json_type(kind):
        return _json_fields(_decode(raw, _codec(options))), True
    raise UnsupportedMediaType(f"Content-Type {kind[:_SHOWN]!r} is not read; send form, multipart or JSON")


def media_type(content_type: str) -> tuple[str, dict[str, str]]:
    """The lower-cased type/subtype and the parameters (lower-cased names, unquoted values)."""
    kind, _, rest = content_type.partition(";")
    options: dict[str, str] = {}
    for piece in rest.split(";"):
        name, equals, value = piece.partition("=")
        name = name.strip().lower()
        if equals and name and name not in options:
            value = value.strip()
            quoted = len(value) >= 2 and value[0] == value[-1] == '"'
            options[name] = value[1:-1] if quoted else value
    return kind.strip().lower(), options


def is_json_type(kind: str) -> bool:
    """application/json or any application/*+json."""
    return kind == "application/json" or (kind.startswith("application/") and kind.endswith("+json"))


def _codec(options: Mapping[str, str]) -> str:
    return codec_for(options.get("charset"))


def codec_for(charset: str | None) -> str:
    """The codec for a charset parameter (UTF-8 when absent); any other than UTF-8 or ASCII is 415."""
    if charset is None:
        return "utf-8"
    codec = _CHARSETS.get(charset.strip().lower())
    if codec is None:
        raise UnsupportedMediaType(f"charset {charset[:_SHOWN]!r} is not read; send UTF-8")
    return codec


def _decode(raw: bytes, codec: str) -> str:
    """The body as text in its charset; undecodable bytes are a BadRequest."""
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError:
        raise BadRequest(f"the body is not valid {codec}") from None
    _check_text(text)
    return text


def _form_pairs(raw: bytes, codec: str) -> list[Pair]:
    """The fields of an application/x-www-form-urlencoded body, at most MAX_FIELDS."""
    try:
        pairs = _split_form(_decode(raw, codec), codec)
    except ValueError as exc:  # too many fields, or percent-escapes that do not decode
        raise BadRequest(f"malformed form body: {str(exc)[:_SHOWN]}") from None
    return _checked(pairs)


def _split_form(text: str, codec: str) -> list[Pair]:
    """`parse_qsl(text, keep_blank_values=True, encoding=codec, errors="strict", max_num_fields=MAX_FIELDS)`,
    less its two `unquote_plus` calls for each field that holds no `%` and no `+`: most do."""
    if 1 + text.count("&") > MAX_FIELDS:
        return parse_qsl(
            text, keep_blank_values=True, encoding=codec, errors="strict", max_num_fields=MAX_FIELDS
        )
    pairs: list[Pair] = []
    for piece in text.split("&"):
        if not piece:
            continue
        name, _, value = piece.partition("=")
        if "%" in piece or "+" in piece:
            name, value = _unquoted(name, codec), _unquoted(value, codec)
        pairs.append((name, value))
    return pairs


# The escapes of the ASCII characters, in both cases of hex digits: each is that character in any
# charset read here (UTF-8, ASCII), so it needs no decoding of bytes.
_ASCII_ESCAPES = {f"{code:02{case}}": chr(code) for code in range(128) for case in "xX"}


def _unquoted(text: str, codec: str) -> str:
    """`unquote_plus(text, encoding=codec, errors="strict")`; a text whose escapes are all of ASCII
    characters (a PHP client's `data%5Bname%5D`) is joined from a table, not decoded as bytes."""
    text = text.replace("+", " ")
    if "%" not in text:
        return text
    head, *escaped = text.split("%")
    pieces = [head]
    for piece in escaped:
        character = _ASCII_ESCAPES.get(piece[:2])
        if character is None:  # beyond ASCII, or a % without two hex digits: as urllib reads it
            return unquote(text, encoding=codec, errors="strict")
        pieces.append(character)
        pieces.append(piece[2:])
    return "".join(pieces)


def _multipart_pairs(raw: bytes, options: Mapping[str, str]) -> list[Pair]:
    """The fields of a multipart/form-data body as text, in order; a file part is read as text."""
    boundary = options.get("boundary")
    if boundary is None or not re.fullmatch(_BOUNDARY, boundary):
        raise BadRequest("multipart/form-data needs a valid boundary parameter")
    _codec(options)  # the body's own charset, if it names one, is refused as for other bodies
    from chalicelib.http import multipart  # lazily: python-multipart only for multipart bodies

    return multipart.read_fields(raw, boundary, MAX_FIELDS)  # strict UTF-8: no lone surrogate


def _json_fields(text: str) -> dict[str, object]:
    """The fields of a JSON body, which must be an object with finite numbers and bounded nesting."""
    try:
        if text.startswith("\ufeff"):  # what json.loads refuses before decoding, with its message
            raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
        value = _JSON_DECODER.decode(text)
    except RecursionError:
        raise BadRequest(f"the JSON body is nested too deeply (over {brackets.MAX_DEPTH} levels)") from None
    except json.JSONDecodeError as exc:
        raise BadRequest(f"malformed JSON body: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except ValueError:  # Python's own bound on the digits of an integer
        raise BadRequest("malformed JSON body: a number has too many digits") from None
    if not isinstance(value, dict):
        raise BadRequest("the JSON body must be an object")
    if "\\u" in text and has_lone_surrogate_escape(text):
        raise BadRequest("the request holds text that is not valid UTF-8 (a lone surrogate)")
    _check_nesting(text)
    return value


# The text is strict UTF-8, so a lone surrogate can reach the decoded value only through a \u escape
# (formats.has_lone_surrogate_escape finds one).
_JSON_STRING = r'"(?:[^"\\]|\\.)*"'
_ALL_BUT_BRACKETS = str.maketrans(dict.fromkeys(map(chr, range(128))) | {c: c for c in "[]{}"})
_STEPS = bytes.maketrans(b"[{]}", b"\x02\x02\x00\x00")  # an opener is one level more, a closer one less


def _check_nesting(text: str) -> None:
    """Refuse more than MAX_DEPTH nested containers under a field of a decoded (so valid) JSON body.

    Read off the text, at C speed: its brackets once strings are taken out, as a running sum of
    steps. Walking the decoded value cost a 1 MiB body of small nested lists more than decoding it.
    """
    if text.count("[") + text.count("{") <= brackets.MAX_DEPTH + 1:  # most bodies
        return
    skeleton = re.sub(_JSON_STRING, "", text).translate(_ALL_BUT_BRACKETS)
    steps = skeleton.encode("ascii").translate(_STEPS)
    # The body's own object is the first level, so a field's value opens the second.
    if max(accumulate(map(int.__sub__, steps, repeat(1)))) > brackets.MAX_DEPTH + 1:
        raise BadRequest(f"the JSON body is nested too deeply (over {brackets.MAX_DEPTH} levels)")


def _refuse_constant(literal: str) -> object:
    """NaN, Infinity and -Infinity are not JSON (PHP refuses them)."""
    raise BadRequest(f"malformed JSON body: {literal} is not a JSON value")


def _finite_float(literal: str) -> float:
    """A JSON number as a float; one too large for a double (1e400) is refused, not made infinite."""
    number = float(literal)
    if not math.isfinite(number):
        raise BadRequest(f"malformed JSON body: the number {literal[:_SHOWN]} is out of range")
    return number


# json.loads(text, parse_constant=..., parse_float=...) would build this decoder on every call.
_JSON_DECODER = json.JSONDecoder(parse_constant=_refuse_constant, parse_float=_finite_float)

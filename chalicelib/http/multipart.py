"""multipart/form-data bodies as (name, text) fields, in time linear in the body whatever it holds.

The framing is python-multipart's streaming parser (imported only when a multipart body comes):
it finds boundaries with bytes.find and refuses a part with more than MAX_PART_HEADERS header
lines or a line over MAX_HEADER_LINE_BYTES as soon as it gets there. The two headers read here
(Content-Disposition and Content-Type) are split by one regular expression whose branches never
overlap, so a header of any shape costs one pass. The standard library's email parser, quadratic
on some headers, is not used.

Decisions (RFC 7578 and what a WAF in front of the API sees): a part names no charset but UTF-8
or ASCII (else 415) and its name and content are strict UTF-8; a transfer encoding other than
7bit, 8bit or binary is refused rather than decoded; extended parameters (`name*=`) and a header
or parameter given twice are refused, so no two parsers can read one part differently; a nested
multipart part is refused; a file part is read as a text field.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from chalicelib.errors import BadRequest
from chalicelib.http.request import codec_for

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

MAX_PART_HEADERS = 8  # header lines in one part
MAX_HEADER_LINE_BYTES = 4096  # one header line of a part, name and value
MAX_PARAMETERS = 8  # in one header (form-data needs two: name and filename)

_TOKEN = rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_HEAD = re.compile(rb"[ \t]*(" + _TOKEN + rb"(?:/" + _TOKEN + rb")?)[ \t]*")
# `; name=value` or `; name="quoted \" value"`: the quoted branch starts with '"', the token one never.
_PARAMETER = re.compile(
    rb"[ \t]*;[ \t]*(" + _TOKEN + rb')[ \t]*=[ \t]*(?:"((?:[^"\\]|\\.)*)"|(' + _TOKEN + rb"))[ \t]*",
    re.DOTALL,
)
_QUOTED_PAIR = re.compile(rb"\\(.)", re.DOTALL)
_IDENTITY_ENCODINGS = frozenset({b"7bit", b"8bit", b"binary"})
_SHOWN = 80


def read_fields(raw: bytes, boundary: str, max_fields: int) -> list[tuple[str, str]]:
    """The fields of a multipart/form-data body in order; BadRequest (or 415) for anything malformed."""
    from python_multipart.exceptions import FormParserError
    from python_multipart.multipart import MultipartParser, MultipartState

    reader = _PartReader(max_fields)
    parser = MultipartParser(
        boundary.encode("ascii"),
        reader.callbacks(),
        max_header_count=MAX_PART_HEADERS,
        max_header_size=MAX_HEADER_LINE_BYTES,
    )
    try:
        parser.write(raw)
        parser.finalize()
    except FormParserError as exc:
        raise BadRequest(f"malformed multipart body: {str(exc)[:_SHOWN]}") from None
    if parser.state != MultipartState.END:  # finalize() accepts a body cut short
        raise BadRequest("malformed multipart body: it ends before its closing boundary")
    return reader.fields


class _PartReader:
    """The parser's callbacks: collect each part's headers and content, then make it a field."""

    __slots__ = ("content", "fields", "headers", "max_fields")

    def __init__(self, max_fields: int) -> None:
        self.max_fields = max_fields
        self.fields: list[tuple[str, str]] = []
        self.headers: list[list[bytes]] = []
        self.content: list[bytes] = []

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self.part_begin,
            "on_header_begin": self.header_begin,
            "on_header_field": self.header_field,
            "on_header_value": self.header_value,
            "on_part_data": self.part_data,
            "on_part_end": self.part_end,
        }

    def part_begin(self) -> None:
        if len(self.fields) >= self.max_fields:
            raise BadRequest(f"a multipart body may hold at most {self.max_fields} fields")
        self.headers = []
        self.content = []

    def header_begin(self) -> None:
        self.headers.append([b"", b""])

    def header_field(self, data: bytes, start: int, end: int) -> None:
        self.headers[-1][0] += data[start:end]

    def header_value(self, data: bytes, start: int, end: int) -> None:
        self.headers[-1][1] += data[start:end]

    def part_data(self, data: bytes, start: int, end: int) -> None:
        self.content.append(data[start:end])

    def part_end(self) -> None:
        self.fields.append(_field(self.headers, b"".join(self.content)))


def _field(header_lines: list[list[bytes]], content: bytes) -> tuple[str, str]:
    headers: dict[bytes, bytes] = {}
    for raw_name, value in header_lines:
        name = raw_name.lower()
        if name in headers:
            raise BadRequest(f"malformed multipart part: the header {_shown(name)} is repeated")
        _utf8(value)
        headers[name] = value.strip(b" \t")
    disposition, options = parameters(headers.get(b"content-disposition", b""))
    field_name = options.get(b"name")
    if disposition != b"form-data" or field_name is None:
        raise BadRequest("malformed multipart part: it needs Content-Disposition: form-data; name=...")
    codec = "utf-8"
    if b"content-type" in headers:
        kind, type_options = parameters(headers[b"content-type"])
        if kind.startswith(b"multipart/"):
            raise BadRequest("malformed multipart part: a nested multipart part is not read")
        charset = type_options.get(b"charset")
        codec = codec_for(None if charset is None else charset.decode("ascii"))
    encoding = headers.get(b"content-transfer-encoding")
    if encoding is not None and encoding.lower() not in _IDENTITY_ENCODINGS:
        raise BadRequest(
            f"malformed multipart part: Content-Transfer-Encoding {_shown(encoding)} is not decoded; "
            "send the content as it is"
        )
    return _utf8(field_name), _text(content, codec)


def parameters(value: bytes) -> tuple[bytes, dict[bytes, bytes]]:
    """A header's lower-cased value (`form-data`, `text/plain`) and its parameters, unquoted."""
    head = _HEAD.match(value)
    if head is None:
        raise BadRequest(f"malformed multipart part header {_shown(value)}")
    options: dict[bytes, bytes] = {}
    trimmed = value.rstrip(b" \t")
    position, end = head.end(), len(trimmed) - trimmed.endswith(b";")  # one trailing ';' is tolerated
    while position < end:
        match = _PARAMETER.match(value, position)
        if match is None:
            raise BadRequest(f"malformed multipart part header {_shown(value)}")
        name = match[1].lower()
        if b"*" in name:
            raise BadRequest(
                f"malformed multipart part: the extended parameter {_shown(name)} is not read (RFC 7578)"
            )
        if name in options:
            raise BadRequest(f"malformed multipart part: the parameter {_shown(name)} is repeated")
        if len(options) == MAX_PARAMETERS:
            raise BadRequest(f"malformed multipart part: a header holds at most {MAX_PARAMETERS} parameters")
        quoted = match[2]
        options[name] = match[3] if quoted is None else _QUOTED_PAIR.sub(rb"\1", quoted)
        position = match.end()
    return head[1].lower(), options


def _utf8(raw: bytes) -> str:
    return _text(raw, "utf-8")


def _text(raw: bytes, codec: str) -> str:
    try:
        return raw.decode(codec)
    except UnicodeDecodeError:
        raise BadRequest(f"a multipart part is not valid {'UTF-8' if codec == 'utf-8' else codec}") from None


def _shown(raw: bytes) -> str:
    return repr(raw[:_SHOWN].decode("latin-1"))

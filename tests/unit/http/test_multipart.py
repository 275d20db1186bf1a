"""multipart/form-data bodies: what is read, and what is refused before it costs more than reading."""

from __future__ import annotations

import pytest

from chalicelib.errors import BadRequest, UnsupportedMediaType
from chalicelib.http.multipart import MAX_HEADER_LINE_BYTES, MAX_PART_HEADERS, parameters, read_fields


def body(*parts: bytes, boundary: bytes = b"XyZ") -> bytes:
    """Each part is its header lines, a blank line, then its content, as one bytes value."""
    opened = b"".join(b"--" + boundary + b"\r\n" + part + b"\r\n" for part in parts)
    return opened + b"--" + boundary + b"--\r\n"


def part(content: bytes = b"1", *headers: bytes, name: bytes = b"a") -> bytes:
    lines = [b'Content-Disposition: form-data; name="' + name + b'"', *headers]
    return b"\r\n".join(lines) + b"\r\n\r\n" + content


def read(raw: bytes, max_fields: int = 1000) -> list[tuple[str, str]]:
    return read_fields(raw, "XyZ", max_fields)


def test_fields_come_in_order_as_text() -> None:
    assert read(body(part(b"x", name=b"a"), part("é".encode(), name=b"b"))) == [("a", "x"), ("b", "é")]


def test_a_file_part_is_a_text_field() -> None:
    disposition = b'Content-Disposition: form-data; name="f"; filename="a.txt"\r\nContent-Type: text/plain'
    assert read(body(disposition + b"\r\n\r\nline 1\r\nline 2")) == [("f", "line 1\r\nline 2")]


def test_a_quoted_name_may_hold_escaped_quotes_and_semicolons() -> None:
    assert read(body(part(name=b'a\\"b;c'))) == [('a"b;c', "1")]


def test_an_unquoted_name_and_upper_case_names_are_read() -> None:
    assert read(body(b"CONTENT-DISPOSITION: Form-Data; NAME=a\r\n\r\n1")) == [("a", "1")]


@pytest.mark.parametrize("encoding", [b"7bit", b"8BIT", b"binary"])
def test_an_identity_transfer_encoding_is_read(encoding: bytes) -> None:
    assert read(body(part(b"1", b"Content-Transfer-Encoding: " + encoding))) == [("a", "1")]


@pytest.mark.parametrize("encoding", [b"base64", b"quoted-printable", b"(a)" * 10])
def test_another_transfer_encoding_is_refused_not_decoded(encoding: bytes) -> None:
    with pytest.raises(BadRequest, match="Transfer-Encoding"):
        read(body(part(b"MQ==", b"Content-Transfer-Encoding: " + encoding)))


@pytest.mark.parametrize("charset", [b"utf-8", b'"UTF-8"', b"us-ascii"])
def test_a_part_in_utf_8_or_ascii_is_read(charset: bytes) -> None:
    assert read(body(part(b"1", b"Content-Type: text/plain; charset=" + charset))) == [("a", "1")]


@pytest.mark.parametrize("charset", [b"cp037", b"utf-16", b"latin-1"])
def test_a_part_in_another_charset_is_unsupported_media_type(charset: bytes) -> None:
    with pytest.raises(UnsupportedMediaType, match="charset"):
        read(body(part(b"1", b"Content-Type: text/plain; charset=" + charset)))


@pytest.mark.parametrize(
    ("disposition", "problem"),
    [
        (b"Content-Disposition: form-data; name*=utf-8''a", "extended parameter"),
        (b"Content-Disposition: form-data; name=\"a\"; name*=utf-8''b", "extended parameter"),
        (b'Content-Disposition: form-data; name="a"; name="b"', "repeated"),
        (b'Content-Disposition: form-data; name="a', "malformed"),
        (b"Content-Disposition: form-data; name", "malformed"),
        (b"Content-Disposition: form-data;; name=a", "malformed"),
        (b"Content-Disposition: form-data", "name"),
        (b'Content-Disposition: attachment; name="a"', "form-data"),
        (b'Content-Disposition: form-data; name="a"\r\nContent-Disposition: form-data; name="b"', "repeated"),
    ],
)
def test_a_part_two_parsers_could_read_differently_is_refused(disposition: bytes, problem: str) -> None:
    with pytest.raises(BadRequest, match=problem):
        read(body(disposition + b"\r\n\r\n1"))


def test_a_nested_multipart_part_is_refused() -> None:
    with pytest.raises(BadRequest, match="nested"):
        read(body(part(b"--in\r\n\r\nx\r\n--in--", b"Content-Type: multipart/mixed; boundary=in")))


def test_names_and_content_are_strict_utf_8() -> None:
    with pytest.raises(BadRequest, match="UTF-8"):
        read(body(part(name=b"a\xff")))
    with pytest.raises(BadRequest, match="UTF-8"):
        read(body(part(b"\xc3")))


def test_a_body_cut_before_its_closing_boundary_is_refused() -> None:
    with pytest.raises(BadRequest, match="closing boundary"):
        read(b'--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\nvalue')


def test_the_field_limit_stops_the_parser_at_the_first_part_past_it() -> None:
    with pytest.raises(BadRequest, match="at most 3 fields"):
        read(body(*[part()] * 4), max_fields=3)
    assert len(read(body(*[part()] * 3), max_fields=3)) == 3


def test_a_header_line_over_the_limit_is_refused() -> None:
    fits = b"X-Pad: " + b"p" * (MAX_HEADER_LINE_BYTES - len(b"X-Pad: "))
    assert read(body(part(b"1", fits))) == [("a", "1")]
    with pytest.raises(BadRequest, match="header size"):
        read(body(part(b"1", fits + b"p")))


def test_more_header_lines_than_the_limit_are_refused() -> None:
    extra = [b"X-%d: 1" % index for index in range(MAX_PART_HEADERS - 1)]
    assert read(body(part(b"1", *extra))) == [("a", "1")]
    with pytest.raises(BadRequest, match="header count"):
        read(body(part(b"1", *extra, b"X-Last: 1")))


@pytest.mark.parametrize(
    "value",
    [
        b"form-data" + b";" * 4000,
        b'form-data; name="' + b";" * 4000,
        b"form-data" + b'; a="x' * 700,
        b"form-data; " + b"(" * 2000 + b")" * 2000,
        b"form-data" + b'; a="\\' * 700,
    ],
)
def test_hostile_parameters_are_refused(value: bytes) -> None:
    with pytest.raises(BadRequest, match="malformed"):
        parameters(value)


def test_parameters_are_read_and_unquoted() -> None:
    assert parameters(b'Form-Data; Name="a\\\\b"; filename=x.txt;') == (
        b"form-data",
        {b"name": b"a\\b", b"filename": b"x.txt"},
    )


def test_a_header_holds_at_most_eight_parameters() -> None:
    eight = b"form-data; name=a" + b"".join(b"; p%d=1" % index for index in range(7))
    assert len(parameters(eight)[1]) == 8
    with pytest.raises(BadRequest, match="at most 8 parameters"):
        parameters(eight + b"; p7=1")

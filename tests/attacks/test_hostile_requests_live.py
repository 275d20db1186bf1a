"""The hostile corpus's reported cases against the `make run` server, over real HTTP.

The in-process corpus (test_hostile_requests.py) bounds the work each case does; here each case is
sent as a client would send it, and the answer is the one the contract states.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from bench.hostile import reported_batch_calls
from tests.conftest import KEY


def send(
    server, body: bytes | None = None, content_type: str | None = None, query: str = "", method: str = "POST"
):
    request = urllib.request.Request(f"{server.url}/api{query}", data=body, method=method)
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def multipart(header: bytes) -> bytes:
    return b"--XyZ\r\n" + header + b"\r\n\r\n1\r\n--XyZ--\r\n"


def test_a_transfer_encoding_of_20000_comments_is_a_400_at_once(live_server):
    body = multipart(
        b'Content-Disposition: form-data; name="key"\r\nContent-Transfer-Encoding: ' + b"(a)" * 20000
    )
    status, _, answer = send(live_server, body, "multipart/form-data; boundary=XyZ")
    assert (status, answer["error"]["code"]) == (400, "bad_request")


def test_nested_comments_in_a_part_header_are_a_400_not_a_500(live_server):
    body = multipart(b'Content-Disposition: form-data; name="key"; x=' + b"(" * 5000 + b")" * 5000)
    status, _, answer = send(live_server, body, "multipart/form-data; boundary=XyZ")
    assert (status, answer["error"]["code"]) == (400, "bad_request")


def test_a_login_by_get_is_405_with_allow_post(live_server):
    query = f"?key={KEY}&module=users&method=login&data[username]=admin&data[password]=guess%20it"
    status, headers, answer = send(live_server, query=query, method="GET")
    assert (status, answer["error"]["code"], headers.get("Allow")) == (405, "method_not_allowed", "POST")


def test_a_form_in_ebcdic_is_415(live_server):
    body = f"key={KEY}&module=greeting&method=say_hello".encode("cp037")
    status, _, answer = send(live_server, body, "application/x-www-form-urlencoded; charset=cp037")
    assert (status, answer["error"]["code"]) == (415, "unsupported_media_type")


def test_the_reported_batch_of_references_answers_with_three_results_and_refusals(live_server):
    calls = reported_batch_calls()
    payload = {"key": KEY, "module": "system", "method": "batch", "data": {"calls": calls}}
    status, _, answer = send(live_server, json.dumps(payload).encode(), "application/json")
    assert status == 200 and sorted(answer["results"]) == ["c0", "c1", "c2"]
    assert {error["code"] for error in answer["errors"].values()} == {"payload_too_large"}

"""system through the test kit: discovery, batch and OpenAPI answer what their `returns` declare."""

from __future__ import annotations

from chalicelib import testing


def test_discovery_batch_and_openapi_answer_what_they_declare():
    client = testing.Client()
    ann = testing.user("ann")
    listed = client.call("system", "methods", user=ann).json["methods"]
    assert {"demo.hello", "notes.save", "users.me"} <= {entry["name"] for entry in listed}
    calls = {
        "calls": {
            "a": {"module": "notes", "method": "save", "data": {"id": "n1", "text": "x"}},
            "b": {"module": "notes", "method": "get", "data": {"id": "$result[a][id]"}},
            "c": {"module": "notes", "method": "save", "data": {"id": "n2"}},
        }
    }
    batch = client.call("system", "batch", calls, user=ann).json
    assert batch["results"]["b"]["text"] == "x"
    assert batch["errors"]["c"]["details"] == [{"path": "/text", "message": "is required"}]
    assert client.call("system", "openapi").json["openapi"] == "3.1.0"

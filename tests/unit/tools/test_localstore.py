"""The local DynamoDB-compatible servers' helpers: a free port, and boto3 pointed at a local endpoint."""

from __future__ import annotations

import os
import socket

from tools.localstore import free_port, use_local_aws_environment


def test_a_free_port_can_be_bound_on_the_loopback_address():
    port = free_port()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", port))
    assert 0 < port < 65536


def test_the_local_environment_points_boto3_at_the_endpoint_and_keeps_credentials_set(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "mine")
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://elsewhere")  # so that the test's end removes it
    use_local_aws_environment("http://127.0.0.1:9")
    assert os.environ["AWS_ENDPOINT_URL_DYNAMODB"] == "http://127.0.0.1:9"
    assert os.environ["AWS_ACCESS_KEY_ID"] == "mine"

"""`make bench`: the gateway against a bare Chalice floor, warm and cold, printed as one table.

Usage: python -m bench [--quick]   (--quick: a few rounds, to check that everything runs)
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from pathlib import Path
from typing import Any, cast

from bench import cold, events, hostile, logging_on, package_cold, powertools, report, scale, warm
from bench.storage_calls import StorageCalls, StubClient
from chalicelib.paths import PROJECT_ROOT

TABLE = "eqsash-bench"
SETTINGS = {"API_KEY": events.KEY, "STAGE": "dev", "TABLE_NAME": TABLE, "LOG_LEVEL": "WARNING"}
USERNAME, PASSWORD = "ann", "correct horse battery"
MODULES, METHODS = 500, 10


def _environment() -> None:
    from chalicelib.storage.dynamodb import LOCAL_AWS_ENVIRONMENT

    os.environ.update({**LOCAL_AWS_ENVIRONMENT, **SETTINGS})
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB"):
        os.environ.pop(name, None)


def _user_and_login(store: Any, now: int) -> Any:
    from chalicelib import runtime
    from chalicelib.auth import accounts

    accounts.create_user(store, USERNAME, ["editor"], PASSWORD, now)
    return accounts.login(
        store, runtime.settings(), USERNAME, PASSWORD, now, address=accounts.UNKNOWN_ADDRESS
    )


def warm_public(results: report.Results, number: int, rounds: int) -> None:
    from app import app as gateway
    from bench.floor_app import app as floor
    from chalicelib import runtime

    runtime.reset()
    for name, event in (
        ("public_get", events.public_get()),
        ("post_form", events.post_form()),
        ("post_json", events.post_json()),
    ):
        results.warm[name] = warm.compare(
            warm.Side(floor, event), warm.Side(gateway, event), number=number, rounds=rounds
        )


def warm_authenticated(results: report.Results, number: int, rounds: int) -> None:
    """Token and session requests on moto in-process; storage calls counted and timed on both sides."""
    from moto import mock_aws

    from app import app as gateway
    from bench import floor_app
    from chalicelib import runtime
    from chalicelib.auth.credentials import Credential
    from chalicelib.storage.dynamodb import DynamoStore

    with mock_aws():
        store = DynamoStore(TABLE)
        store.create_table()
        runtime.reset(store=store)
        logged_in_at = runtime.now()
        login = _user_and_login(store, logged_in_at)
        token_event = events.token_get(login.token)
        floor_app.app(token_event, None)  # the floor makes its client on its first token
        floor_calls, gateway_calls = StorageCalls(), StorageCalls()
        floor_calls.watch(floor_app.storage_client())
        gateway_calls.watch(store.client)
        floor_side = warm.Side(floor_app.app, token_event, floor_calls)
        gateway_side = warm.Side(gateway, token_event, gateway_calls)
        results.warm["token"] = warm.compare(floor_side, gateway_side, number=number, rounds=rounds)

        calls = results.storage_calls
        calls["public_get"] = warm.storage_calls_per_request(
            warm.Side(gateway, events.public_get(), gateway_calls)
        )
        calls["post_json"] = warm.storage_calls_per_request(
            warm.Side(gateway, events.post_json(), gateway_calls)
        )
        calls["token"] = warm.storage_calls_per_request(gateway_side)
        session = warm.Side(gateway, events.session_get(login.session), gateway_calls)
        calls["session"] = warm.storage_calls_per_request(session)
        half = runtime.settings().session_ttl_seconds // 2
        runtime.set_clock(lambda: logged_in_at + half - 1)
        calls["session_before_half"] = warm.storage_calls_per_request(session)
        runtime.set_clock(lambda: logged_in_at + half)
        calls["session_at_half"] = warm.storage_calls_per_request(session)
        calls["session_after_slide"] = warm.storage_calls_per_request(session, requests=3)

        # The same token request with the token's item served by a stub client instead of moto.
        pk = {"S": f"token#{Credential('token', login.token).digest}"}
        item = store.client.get_item(TableName=TABLE, Key={"pk": pk}, ConsistentRead=True)["Item"]
        stub = StubClient({pk["S"]: item})
        runtime.reset(store=DynamoStore(TABLE, client_factory=lambda: cast(Any, stub)))
        floor_app.use_storage_client(stub)
        results.warm["token_stub"] = warm.compare(
            warm.Side(floor_app.app, token_event),
            warm.Side(gateway, token_event),
            number=number * 10,
            rounds=rounds,
        )
        runtime.reset()


def warm_scale(results: report.Results, number: int, rounds: int) -> None:
    """The same public request with a registry of the shipped modules, and one with 500 more, all loaded."""
    from app import app as gateway
    from chalicelib import runtime
    from chalicelib.registry import Registry, check_all

    with tempfile.TemporaryDirectory(prefix="eqsash-bench-") as temporary:
        root = Path(temporary)
        shipped = scale.services_package(root, "bench_shipped_services", 0, METHODS)
        scaled = scale.services_package(root, "bench_scaled_services", MODULES, METHODS)
        sys.path.insert(0, str(root))
        try:
            shipped_registry = Registry(package="bench_shipped_services", directory=shipped)
            scaled_registry = Registry(package="bench_scaled_services", directory=scaled)
            for registry in (shipped_registry, scaled_registry):
                broken = check_all(registry)
                if broken:
                    raise RuntimeError(f"generated modules are broken: {broken[0].message}")
            results.scale_modules = len(scaled_registry.names())
            results.shipped_modules = len(shipped_registry.names())
            event = events.public_get()
            results.warm["scale"] = warm.compare(
                warm.Side(gateway, event, prepare=lambda: runtime.reset(registry=shipped_registry)),
                warm.Side(gateway, event, prepare=lambda: runtime.reset(registry=scaled_registry)),
                number=number,
                rounds=rounds,
            )
        finally:
            sys.path.remove(str(root))
            runtime.reset()


def cold_starts(results: report.Results, rounds: int) -> None:
    """Fresh processes; the token requests go to a moto server in this process, as Lambda's go to DynamoDB."""
    from chalicelib import runtime
    from chalicelib.storage.dynamodb import LOCAL_AWS_ENVIRONMENT, DynamoStore
    from tools.localstore import start_moto, use_local_aws_environment

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's server: one line per call
    server = start_moto()
    try:
        use_local_aws_environment(server.endpoint)
        runtime.reset()
        store = DynamoStore(TABLE)
        store.create_table()
        login = _user_and_login(store, runtime.now())
        environment = cold.child_environment(
            {**SETTINGS, **LOCAL_AWS_ENVIRONMENT, "AWS_ENDPOINT_URL_DYNAMODB": server.endpoint}
        )
        with tempfile.TemporaryDirectory(prefix="eqsash-bench-") as temporary:
            shipped = scale.project_copy(Path(temporary) / "shipped", 0, METHODS)
            scaled = scale.project_copy(Path(temporary) / "scaled", MODULES, METHODS)
            public, token = events.public_get(), events.token_get(login.token)
            variants = [
                cold.Variant("floor", PROJECT_ROOT, "floor", public),
                cold.Variant("gateway", PROJECT_ROOT, "gateway", public),
                cold.Variant("floor_client", PROJECT_ROOT, "floor", public, ("client",)),
                cold.Variant("floor_token", PROJECT_ROOT, "floor", token),
                cold.Variant("gateway_token", PROJECT_ROOT, "gateway", token),
                cold.Variant("shipped", shipped, "gateway", public),
                cold.Variant("scaled", scaled, "gateway", public),
            ]
            results.cold = cold.measure(variants, environment, rounds)
    finally:
        server.stop()
        runtime.reset()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few short rounds: check that it runs")
    options = parser.parse_args(argv)
    sys.path.insert(0, str(PROJECT_ROOT))
    _environment()
    rounds, cold_rounds = (3, 2) if options.quick else (21, 11)
    number, storage_number = (200, 20) if options.quick else (2000, 200)
    results = report.Results(rounds, number, storage_number, cold_rounds)
    from chalicelib import logs

    logs.use_writer(logging_on.discard)  # standard output is the report's; logging_on writes as deployed
    warm_public(results, number, rounds)
    powertools.compare(results, number, rounds)
    warm_authenticated(results, storage_number, rounds)
    warm_scale(results, number, rounds)
    cold_starts(results, cold_rounds)
    logging_on.measure(results, SETTINGS, number, rounds, cold_rounds)
    results.package = package_cold.measure(cold_rounds)
    results.package_bytes = package_cold.sizes()
    print(report.render(results))
    print("\n" + hostile.render(hostile.measure(cold_rounds)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Cold starts of the deployment package as Lambda runs it, against the floor packaged the same way.

Three packages for this machine's architecture, each unpacked read-only and started in fresh
`python -I -S -B` processes (bench/lambda_run.py), round by round in rotating order:

- `floor`: bench/floor_app.py with the same requirements.txt, packaged by `chalice package` as it
  is (no bytecode step): what a plain Chalice app gets;
- `source`: `make package`'s package with its bytecode taken out: the package before bytecode;
- `package`: `make package`'s package, hash-based bytecode included.

A public request and a token request (a boto3 client and one GetItem, on moto's server in this
process) for each. The public request is the other cold rows' (`greeting.say_hello`), so the
package ships dev's examples (`--examples-of dev`); prod's own public methods (`system.*`) load
every module for discovery, a cost of the modules and not of the packaging.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench import events, lambda_run
from bench.cold import ColdResult
from chalicelib.paths import PROJECT_ROOT

BUILD = PROJECT_ROOT / "build" / "bench"
KEY = "a-key-of-the-benchmark"  # the packages run the prod stage, which refuses the sample key
TABLE = "eqsash-bench-package"
USERNAME, PASSWORD = "ann", "correct horse battery"
VARIANTS = ("floor", "source", "package")


def native_architecture() -> str:
    import platform

    return {"aarch64": "arm64", "arm64": "arm64"}.get(platform.machine(), "x86_64")


def _offline_environment() -> dict[str, str]:
    """No AWS credentials or endpoints of the caller's: placeholders, as `make package` uses; no AWS call."""
    from tools.packaging import PLACEHOLDER_AWS_ENVIRONMENT

    environment = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    return {**environment, **PLACEHOLDER_AWS_ENVIRONMENT, "AWS_EC2_METADATA_DISABLED": "true"}


def _run(command: list[str], cwd: Path) -> None:
    done = subprocess.run(
        command, cwd=cwd, env=_offline_environment(), capture_output=True, text=True, timeout=900, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")


def build_package(architecture: str) -> Path:
    """`make package` for ARCHITECTURE, with dev's examples: build/bench/package/deployment.zip."""
    out = BUILD / "package"
    options = ["--architecture", architecture, "--examples-of", "dev"]
    _run([sys.executable, "-m", "tools.packaging", *options, str(out)], PROJECT_ROOT)
    return out / "deployment.zip"


def without_bytecode(archive: Path, into: Path) -> Path:
    """ARCHIVE with every `__pycache__/` entry left out."""
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(into, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if "__pycache__/" not in info.filename:
                target.writestr(info, source.read(info))
    return into


def build_floor(architecture: str) -> Path:
    """The floor as a chalice project of its own (kept, so chalice's cache serves the next run), packaged."""
    project = BUILD / "floor-project"
    (project / ".chalice").mkdir(parents=True, exist_ok=True)
    shutil.copy2(PROJECT_ROOT / "bench" / "floor_app.py", project / "app.py")
    shutil.copy2(PROJECT_ROOT / "requirements.txt", project / "requirements.txt")
    # chalice 1.34's policy generator fails on Python 3.13's symbol tables: a policy is given instead.
    stage = {"autogen_policy": False, "iam_policy_file": "policy-dev.json"}
    config = {
        "version": "2.0",
        "app_name": "floor",
        "lambda_architecture": architecture,
        "stages": {"dev": stage},
    }
    (project / ".chalice" / "config.json").write_text(json.dumps(config))
    grant = {"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"}
    (project / ".chalice" / "policy-dev.json").write_text(
        json.dumps({"Version": "2012-10-17", "Statement": [grant]})
    )
    out = BUILD / "floor-package"
    shutil.rmtree(out, ignore_errors=True)
    command = "import sys; from chalice.cli import main; sys.exit(main())"
    _run([sys.executable, "-c", command, "--project-dir", str(project), "package", str(out)], project)
    return out / "deployment.zip"


@contextmanager
def unpacked(archives: dict[str, Path]) -> Iterator[dict[str, Path]]:
    with tempfile.TemporaryDirectory(prefix="eqsash-bench-package-") as temporary:
        roots = {
            name: lambda_run.unpack_read_only(archive, Path(temporary) / name)
            for name, archive in archives.items()
        }
        try:
            yield roots
        finally:
            for root in roots.values():
                lambda_run.make_writable(root)


def public_event() -> dict[str, Any]:
    return events.proxy_event(query={"key": KEY, "module": "greeting", "method": "say_hello"})


def token_event(token: str) -> dict[str, Any]:
    return events.proxy_event(query={"key": KEY, "module": "users", "method": "me", "token": token})


def _variables(endpoint: str) -> dict[str, str]:
    from chalicelib.storage.dynamodb import LOCAL_AWS_ENVIRONMENT

    config = json.loads((PROJECT_ROOT / ".chalice" / "config.json").read_text())
    return {
        **config["environment_variables"],
        **LOCAL_AWS_ENVIRONMENT,
        "STAGE": "prod",
        "API_KEY": KEY,
        "TABLE_NAME": TABLE,
        "LOG_LEVEL": "WARNING",
        "AWS_ENDPOINT_URL_DYNAMODB": endpoint,
    }


def _once(root: Path, event: dict[str, Any], variables: dict[str, str]) -> dict[str, Any]:
    report = lambda_run.run(root, [event], variables)
    (answer,) = report["answers"]
    if answer["statusCode"] != 200:
        raise RuntimeError(f"the package in {root} answered {answer['statusCode']}: {answer['body']}")
    return report


def measure(rounds: int) -> dict[str, ColdResult]:
    """`<variant>_public` and `<variant>_token` for each variant: CPU time and peak memory per round."""
    import logging

    from chalicelib import runtime
    from chalicelib.auth import accounts
    from chalicelib.storage.dynamodb import DynamoStore
    from tools.localstore import start_moto, use_local_aws_environment

    architecture = native_architecture()
    BUILD.mkdir(parents=True, exist_ok=True)
    archive = build_package(architecture)
    archives = {
        "floor": build_floor(architecture),
        "source": without_bytecode(archive, BUILD / "package-without-bytecode.zip"),
        "package": archive,
    }
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = start_moto()
    try:
        use_local_aws_environment(server.endpoint)
        store = DynamoStore(TABLE)
        store.create_table()
        runtime.reset(store=store)
        accounts.create_user(store, USERNAME, ["editor"], PASSWORD, runtime.now())
        login = accounts.login(
            store, runtime.settings(), USERNAME, PASSWORD, runtime.now(), address=accounts.UNKNOWN_ADDRESS
        )
        variables = _variables(server.endpoint)
        kinds = {"public": public_event(), "token": token_event(login.token)}
        runs = [(variant, kind) for variant in VARIANTS for kind in kinds]
        results = {f"{variant}_{kind}": ColdResult() for variant, kind in runs}
        with unpacked(archives) as roots:
            for variant, kind in runs:  # once each, not counted: the page cache warmed alike
                _once(roots[variant], kinds[kind], variables)
            for number in range(rounds):
                shift = number % len(runs)
                for variant, kind in runs[shift:] + runs[:shift]:
                    report = _once(roots[variant], kinds[kind], variables)
                    result = results[f"{variant}_{kind}"]
                    result.seconds.append(report["seconds"])
                    result.peak_mib.append(report["peak_kib"] / 1024)
                    result.heavy = report["loaded"]
        return results
    finally:
        server.stop()
        runtime.reset()


def sizes() -> dict[str, int]:
    """The bytes of each zip the last measure() built."""
    names = {
        "floor": BUILD / "floor-package" / "deployment.zip",
        "source": BUILD / "package-without-bytecode.zip",
        "package": BUILD / "package" / "deployment.zip",
    }
    return {name: path.stat().st_size for name, path in names.items() if path.exists()}

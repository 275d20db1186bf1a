"""DynamoDB-compatible servers on 127.0.0.1 for local runs and tests: moto in a thread, or dynalite.

Neither needs an AWS account; both stop with the process that started them.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from chalicelib.paths import PROJECT_ROOT as PROJECT_ROOT  # noqa: PLC0414 - tests import it from here
from chalicelib.storage.dynamodb import LOCAL_AWS_ENVIRONMENT

DYNALITE = PROJECT_ROOT / "tests" / "integration" / "node_modules" / ".bin" / "dynalite"


@dataclass
class LocalServer:
    endpoint: str
    stop: Callable[[], None]


def use_local_aws_environment(endpoint: str) -> None:
    """Point boto3 at a local endpoint, with placeholder credentials where none are set."""
    for name, value in LOCAL_AWS_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_moto(port: int = 0) -> LocalServer:
    """moto's server in a daemon thread of this process (in memory, ready in about a second)."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    return LocalServer(f"http://{host}:{port}", server.stop)


def _wait_for_port(port: int, process: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dynalite exited with code {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"dynalite did not listen on 127.0.0.1:{port} within {seconds} s")


def dynalite_available() -> bool:
    return DYNALITE.exists() and shutil.which("node") is not None


def start_dynalite(path: Path | None = None, port: int = 0) -> LocalServer:
    """dynalite (npm, LevelDB-backed) in a child process; `path` keeps its data between runs."""
    if not dynalite_available():
        raise RuntimeError(
            f"dynalite is not installed at {DYNALITE}: run `make test` or `npm ci --prefix tests/integration`"
        )
    port = port or free_port()
    command = [
        str(DYNALITE),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--createTableMs",
        "0",
        "--deleteTableMs",
        "0",
        "--updateTableMs",
        "0",
    ]
    if path is not None:
        path.mkdir(parents=True, exist_ok=True)
        command += ["--path", str(path)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_for_port(port, process, seconds=15)

    def stop() -> None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    return LocalServer(f"http://127.0.0.1:{port}", stop)

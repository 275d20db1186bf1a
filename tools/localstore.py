"""DynamoDB-compatible servers on 127.0.0.1 for local runs and tests: moto in a thread, or dynalite.

Neither needs an AWS account; both stop with the process that started them.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import socket
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from chalicelib.paths import PROJECT_ROOT as PROJECT_ROOT  # noqa: PLC0414 - tests import it from here
from chalicelib.storage.dynamodb import LOCAL_AWS_ENVIRONMENT

DYNALITE_PACKAGE = PROJECT_ROOT / "tests" / "integration" / "node_modules" / "dynalite"
DYNALITE = DYNALITE_PACKAGE / "cli.js"


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
    """moto's server in a daemon thread of this process (in memory; it stops with the process)."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    return LocalServer(f"http://{host}:{port}", server.stop)


def _reported_port(process: subprocess.Popen[bytes], seconds: float) -> int:
    """The port the child prints once it listens (its first line of output)."""
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], seconds)
    line = process.stdout.readline() if ready else b""
    if not line.strip().isdigit():
        process.kill()
        process.wait()
        raise RuntimeError(
            f"dynalite did not report a port within {seconds} s (exit code {process.returncode})"
        )
    return int(line)


def dynalite_available() -> bool:
    return DYNALITE.exists() and shutil.which("node") is not None


# dynalite's own CLI takes port 0 for its default (4567); this asks the system for a free port and
# prints the one it got, so no other process can take it between a choice and the bind.
_DYNALITE_ON_A_FREE_PORT = """
const options = JSON.parse(process.argv[1]);
const server = require(options.module)(options).listen(options.port, "127.0.0.1", () => {
  console.log(server.address().port);
});
"""


def start_dynalite(path: Path | None = None, port: int = 0) -> LocalServer:
    """dynalite (npm, LevelDB-backed) in a child process; `path` keeps its data between runs.

    Port 0 (the default) is a free port that dynalite binds itself and reports.
    """
    if not dynalite_available():
        raise RuntimeError(
            f"dynalite is not installed at {DYNALITE}: run `make test` or `npm ci --prefix tests/integration`"
        )
    options: dict[str, object] = {
        "module": str(DYNALITE_PACKAGE),
        "port": port,
        "createTableMs": 0,
        "deleteTableMs": 0,
        "updateTableMs": 0,
    }
    if path is not None:
        path.mkdir(parents=True, exist_ok=True)
        options["path"] = str(path)
    process = subprocess.Popen(
        ["node", "-e", _DYNALITE_ON_A_FREE_PORT, json.dumps(options)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    port = _reported_port(process, seconds=15)

    def stop() -> None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    return LocalServer(f"http://127.0.0.1:{port}", stop)

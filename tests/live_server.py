"""The `make run` server as a child process on a free port (tools.devserver, with tests.cheap_argon2)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tools.localstore import PROJECT_ROOT

ADMIN_PASSWORD = "live server admin pw"


@dataclass(frozen=True)
class LiveServer:
    url: str  # http://127.0.0.1:PORT
    process: subprocess.Popen[bytes]
    log: Path  # what the server printed (a file: a pipe nobody reads would stall it once full)
    admin_password: str = ADMIN_PASSWORD

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    @property
    def lines(self) -> list[str]:
        return self.output().splitlines()

    @property
    def base(self) -> str:
        return self.url

    @property
    def store_endpoint(self) -> str:
        """Where its DynamoDB-compatible server listens, as `make run` prints it."""
        found = STORE.search(self.output())
        assert found, self.output()
        return found.group(1)

    @property
    def console_url(self) -> str:
        """The console's address as `make run` prints it ("" while the console is off)."""
        found = [line.removeprefix("Console: ") for line in self.lines if line.startswith("Console: ")]
        return found[0] if found else ""


SERVING = re.compile(r"^Serving eqsash-api on (http://127\.0\.0\.1:\d+)/api ", re.MULTILINE)
STORE = re.compile(r"^DynamoDB-compatible server \(\w+\) at (http://127\.0\.0\.1:\d+)$", re.MULTILINE)


def _wait_until_serving(process: subprocess.Popen[bytes], log: Path, seconds: float) -> str:
    """The server's address, once it prints it and answers there."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"the server exited with {process.returncode}: {log.read_text(errors='replace')}"
            )
        found = SERVING.search(log.read_text(errors="replace"))
        if found:
            url = found.group(1)
            try:
                urllib.request.urlopen(
                    f"{url}/api?key=12345&module=greeting&method=say_hello", timeout=5
                ).read()
                return url
            except OSError:
                pass
        time.sleep(0.2)
    process.kill()
    process.wait()
    raise RuntimeError(
        f"the server did not answer within {seconds} s; it printed:\n{log.read_text(errors='replace')}"
    )


def start_live_server(**environment: str) -> LiveServer:
    """`make run` on ports the server picks itself (PORT=0), so no other process can take them first."""
    env = {
        **os.environ,
        "PORT": "0",
        "STORE_PORT": "0",
        "ADMIN_PASSWORD": ADMIN_PASSWORD,
        "PYTHONUNBUFFERED": "1",
        **environment,
    }
    for name in ("API_KEY", "TABLE_NAME", "STAGE", "CONSOLE", "CORS_ORIGINS", "AWS_ENDPOINT_URL_DYNAMODB"):
        if name not in environment:
            env.pop(name, None)  # the dev stage's own values, as `make run` has them
    log = Path(tempfile.mkstemp(prefix="eqsash-live-", suffix=".log")[1])
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.cheap_argon2"],  # tools.devserver with cheap Argon2
            cwd=PROJECT_ROOT,
            env=env,
            stdout=sink,
            stderr=sink,
        )
    url = _wait_until_serving(process, log, seconds=60)
    return LiveServer(url, process, log)


def stop_live_server(server: LiveServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
    server.log.unlink(missing_ok=True)


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    """One `make run` server for the whole test session, stopped at its end."""
    server = start_live_server()
    try:
        yield server
    finally:
        stop_live_server(server)

"""The browser suite: `make run`'s server in a subprocess, and Debian's Chromium driven by Playwright.

`make test` installs Chromium where it can (as root, with apt-get). The suite is skipped only where
it is absent and cannot be installed (not root); in CI, or as root, a missing Chromium fails loudly.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from chalicelib.localstore import free_port
from tests.conftest import PROJECT_ROOT

ADMIN_PASSWORD = "browser test password"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Set by the shell or by the other suites' fixtures; the server must read the dev stage's own values.
_NOT_INHERITED = ("API_KEY", "STAGE", "TABLE_NAME", "CONSOLE", "CORS_ORIGINS", "AWS_ENDPOINT_URL_DYNAMODB")


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    how = "`make test` installs Debian's chromium when run as root (apt-get install -y chromium)"
    if os.environ.get("CI") or (os.geteuid() == 0 and shutil.which("apt-get")):
        pytest.fail(f"Chromium is not installed: {how}")
    pytest.skip(f"browser tests skipped: Chromium is not installed and this user cannot install it; {how}")


@dataclass
class DevServer:
    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)
    console_url: str = ""

    @property
    def base(self) -> str:
        return self.console_url.split("/console")[0]

    def read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


class _BlankPage(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"<!doctype html><title>another site</title><link rel=icon href=data:,>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def other_site() -> Iterator[int]:
    """A blank page on another port of 127.0.0.1: another origin, for cross-origin calls."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _BlankPage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def dev_server(other_site: int) -> Iterator[DevServer]:
    """`make run` (chalicelib.devserver) on a free port, with a known administrator password.

    CORS_ORIGINS lists the other site as http://127.0.0.1:PORT; http://localhost:PORT stays unlisted.
    """
    port = free_port()
    env = {name: value for name, value in os.environ.items() if name not in _NOT_INHERITED}
    env.update(
        PORT=str(port),
        STORE_PORT="0",
        STAGE_NAME="dev",
        LOCAL_STORE="moto",
        ADMIN_USER="admin",
        ADMIN_PASSWORD=ADMIN_PASSWORD,
        CORS_ORIGINS=f"http://127.0.0.1:{other_site}",
        PYTHONUNBUFFERED="1",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "chalicelib.devserver"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    server = DevServer(process)
    threading.Thread(target=server.read, daemon=True).start()
    try:
        deadline = time.monotonic() + 90
        while not server.console_url:
            consoles = [line for line in server.lines if line.startswith("Console: ")]
            if consoles:
                server.console_url = consoles[0].removeprefix("Console: ")
            elif process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(
                    "make run's server did not print its console address:\n" + "\n".join(server.lines)
                )
            else:
                time.sleep(0.1)
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@dataclass
class Watched:
    """A page and everything it logged as an error."""

    page: Any
    errors: list[str] = field(default_factory=list)

    def errors_besides_refused_calls(self) -> list[str]:
        """Chromium logs each 4xx answer of fetch as an error; a test that asks for one allows that only."""
        return [text for text in self.errors if "the server responded with a status of 4" not in text]


def watch(page: Any) -> Watched:
    watched = Watched(page)
    page.on("console", lambda message: message.type == "error" and watched.errors.append(message.text))
    page.on("pageerror", lambda error: watched.errors.append(f"uncaught: {error}"))
    return watched


@pytest.fixture
def desktop(browser: Any) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        yield watch(context.new_page())
    finally:
        context.close()


@pytest.fixture
def phone(browser: Any) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        yield watch(context.new_page())
    finally:
        context.close()

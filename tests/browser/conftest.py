"""The browser suite: `make run`'s server in a subprocess, and Debian's Chromium driven by Playwright.

`make test` installs Chromium where it can (as root, with apt-get). The suite is skipped only where
it is absent and cannot be installed (not root); in CI, or as root, a missing Chromium fails loudly.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.live_server import LiveServer, start_live_server, stop_live_server

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


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    how = "`make test` installs Debian's chromium when run as root (apt-get install -y chromium)"
    if os.environ.get("CI") or (os.geteuid() == 0 and shutil.which("apt-get")):
        pytest.fail(f"Chromium is not installed: {how}")
    pytest.skip(f"browser tests skipped: Chromium is not installed and this user cannot install it; {how}")


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
def dev_server(other_site: int) -> Iterator[LiveServer]:
    """`make run` (tools.devserver) on a free port, with a known administrator password.

    CORS_ORIGINS lists the other site as http://127.0.0.1:PORT; http://localhost:PORT stays unlisted.
    """
    server = start_live_server(
        STAGE_NAME="dev", LOCAL_STORE="moto", ADMIN_USER="admin", ADMIN_PASSWORD=ADMIN_PASSWORD,
        CORS_ORIGINS=f"http://127.0.0.1:{other_site}",
    )  # fmt: skip
    try:
        if not server.console_url:
            pytest.fail("make run's server did not print its console address:\n" + server.output())
        yield server
    finally:
        stop_live_server(server)


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

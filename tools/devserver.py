"""`make run`: an embedded DynamoDB-compatible server, the table, an administrator, then `chalice local`.

Environment: PORT (8000; 0 picks a free one, printed), STORE_PORT (PORT + 1; 0 picks a free
one), STAGE_NAME (dev), ADMIN_USER (admin), ADMIN_PASSWORD (random, printed once), LOCAL_STORE
(`moto`, in memory, the default; or `dynalite`, kept in LOCAL_DATA, default `.local-data`),
CONSOLE (the stage's; when on, the console's address is printed). Ctrl-C or SIGTERM stops
everything. Variables set in the shell win over the stage's values in .chalice/config.json.
"""

from __future__ import annotations

import io
import logging
import os
import secrets
import signal
import socket
import sys
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import urlencode

from chalicelib.paths import PROJECT_ROOT
from tools.localstore import (
    LocalServer,
    start_dynalite,
    start_moto,
    use_local_aws_environment,
)


def _start_store(port: int) -> LocalServer:
    kind = os.environ.get("LOCAL_STORE", "moto")
    if kind == "moto":
        return start_moto(port)
    if kind == "dynalite":
        return start_dynalite(Path(os.environ.get("LOCAL_DATA", PROJECT_ROOT / ".local-data")), port)
    raise SystemExit(f"LOCAL_STORE must be 'moto' or 'dynalite', not {kind!r}")


def _stage_environment(stage: str) -> Any:
    """Chalice's config for the stage; its environment variables fill in what the shell did not set."""
    from chalice.cli.factory import CLIFactory

    config = CLIFactory(str(PROJECT_ROOT)).create_config_obj(chalice_stage_name=stage)
    for name, value in config.environment_variables.items():
        os.environ.setdefault(name, value)
    return config


def _ensure_administrator() -> None:
    from chalicelib import runtime
    from chalicelib.auth import accounts
    from chalicelib.storage.base import UserExists

    store = runtime.store()
    store.create_table()
    username = os.environ.get("ADMIN_USER", "admin")
    password = os.environ.get("ADMIN_PASSWORD") or secrets.token_urlsafe(12)
    try:
        accounts.create_user(store, username, ["administrator"], password, runtime.now())
    except UserExists:
        print(f"Administrator {username!r} already exists (kept from an earlier run).")
        return
    shown = "from ADMIN_PASSWORD" if os.environ.get("ADMIN_PASSWORD") else password
    print(f"Administrator: {username} / {shown}")


def _serve(config: Any, port: int) -> None:
    from chalice.local import (
        ChaliceRequestHandler,
        CustomLocalChalice,
        LocalChalice,
        LocalDevServer,
        ThreadedHTTPServer,
    )

    class NoDelayHandler(ChaliceRequestHandler):
        """Keep-alive without the stall of Nagle's algorithm against delayed ACKs."""

        def setup(self) -> None:
            super().setup()
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            # The app's access line is the request's line (JSON, with its id); http.server's own
            # would repeat it as text, with the query string and so the key.
            return

        def log_message(self, format: str, *args: Any) -> None:
            # What http.server still reports (a malformed request) without a query string.
            if args and isinstance(args[0], str):
                args = (args[0].split("?", 1)[0] + (" HTTP/1.1" if "?" in args[0] else ""), *args[1:])
            super().log_message(format, *args)

        def __getattr__(self, name: str) -> Any:
            # Every verb reaches the app (TRACE, CONNECT, ...), which answers in the contract's shape,
            # where http.server would answer 501 in HTML.
            if name.startswith("do_"):
                return self._generic_handle
            raise AttributeError(name)

    from app import app

    CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)
    app.__class__ = CustomLocalChalice  # type: ignore[assignment]  # a GatewayApp: its bases, above

    class Server(ThreadedHTTPServer):
        request_queue_size = 128  # socketserver's 5 resets connections under a burst of clients

    server = LocalDevServer(app, config, "127.0.0.1", port, handler_cls=NoDelayHandler, server_cls=Server)
    port = server.server.server_address[1]  # PORT=0 asks the system for a free one: this is it
    from chalicelib import runtime

    key = os.environ.get("API_KEY", "").split(",")[0].strip()
    print(f"Serving eqsash-api on http://127.0.0.1:{port}/api (key {key})", flush=True)
    if runtime.settings().console:
        print(f"Console: http://127.0.0.1:{port}/console?{urlencode({'key': key})}", flush=True)
    server.server.serve_forever()


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main() -> int:
    sys.path.insert(0, str(PROJECT_ROOT))
    from chalicelib import logs

    logs.configure_local(logging.INFO)  # JSON lines with the request's id, as Lambda writes them
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(line_buffering=True)  # each request's line as it is written
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's server: one line per storage call
    logging.getLogger("botocore").setLevel(logging.WARNING)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    port = int(os.environ.get("PORT", "8000"))
    config = _stage_environment(os.environ.get("STAGE_NAME", "dev"))
    store = _start_store(int(os.environ.get("STORE_PORT", port + 1 if port else 0)))
    try:
        use_local_aws_environment(store.endpoint)
        print(f"DynamoDB-compatible server ({os.environ.get('LOCAL_STORE', 'moto')}) at {store.endpoint}")
        table = os.environ.get("TABLE_NAME")
        cli = ".venv/bin/python -m chalicelib.admin list-users"
        print(f"Admin CLI: TABLE_NAME={table} AWS_ENDPOINT_URL_DYNAMODB={store.endpoint} {cli}")
        _ensure_administrator()
        _serve(config, port)
    except KeyboardInterrupt:
        print("\nStopped.")
    finally:
        store.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

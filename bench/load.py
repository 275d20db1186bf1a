"""`make load`: drive the `make run` server over 127.0.0.1 with keep-alive connections.

Starts the server (tools.devserver) itself, logs in once, then LOAD_CONNECTIONS threads,
each with one persistent HTTP/1.1 connection (as browsers and requests.Session use them), send
a mix of public GETs, POST forms, POST JSON and token-authenticated calls for LOAD_SECONDS
seconds or LOAD_MAX_REQUESTS requests, whichever ends first. Prints throughput, latency
percentiles, status counts and the server's resident memory over the run; exits 1 on any 5xx,
any other status than 200, or a connection error.
"""

from __future__ import annotations

import http.client
import json
import os
import statistics
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.live_server import ADMIN_PASSWORD, start_live_server, stop_live_server

DURATION = float(os.environ.get("LOAD_SECONDS", "60"))
MAX_REQUESTS = int(os.environ.get("LOAD_MAX_REQUESTS", "200000"))
CONNECTIONS = int(os.environ.get("LOAD_CONNECTIONS", "8"))
KEY = "12345"
Request = tuple[str, str, bytes | None, dict[str, str]]


def requests_mix(token: str) -> list[Request]:
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    as_json = {"Content-Type": "application/json"}
    check_age = {"key": KEY, "module": "demo", "method": "check_age", "data[age]": "42"}
    stats = {"key": KEY, "module": "demo", "method": "stats", "data": "a bb"}
    return [
        ("GET", "/api?" + urlencode({"key": KEY, "module": "greeting", "method": "say_hello"}), None, {}),
        ("POST", "/api", urlencode(check_age).encode(), form),
        ("POST", "/api", json.dumps(stats).encode(), as_json),
        ("GET", "/api?" + urlencode({"key": KEY, "module": "users", "method": "me"}), None,
         {"Authorization": f"Bearer {token}"}),
    ]  # fmt: skip


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def log_in(port: int) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    login = {"key": KEY, "module": "users", "method": "login", "data[username]": "admin",
             "data[password]": ADMIN_PASSWORD}  # fmt: skip
    connection.request(
        "POST", "/api", urlencode(login), {"Content-Type": "application/x-www-form-urlencoded"}
    )
    token: str = json.loads(connection.getresponse().read())["token"]
    return token


@dataclass
class LoadRun:
    port: int
    mix: list[Request]
    deadline: float
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    budget: int = MAX_REQUESTS

    def _take(self) -> bool:
        with self.lock:
            self.budget -= 1
            return self.budget >= 0 and time.monotonic() < self.deadline

    def client(self, offset: int) -> None:
        """One keep-alive connection sending the mix in turn until the time or the budget ends."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        latencies: list[float] = []
        statuses: Counter[int] = Counter()
        index = offset
        while self._take():
            verb, path, body, headers = self.mix[index % len(self.mix)]
            index += 1
            started = time.perf_counter()
            try:
                connection.request(verb, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException) as exc:
                with self.lock:
                    self.errors.append(type(exc).__name__)
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                continue
            latencies.append(time.perf_counter() - started)
            statuses[response.status] += 1
        with self.lock:
            self.latencies.extend(latencies)
            self.statuses.update(statuses)


def report(run: LoadRun, elapsed: float, memory: list[int]) -> int:
    total = len(run.latencies)
    percent = statistics.quantiles(run.latencies, n=100) if total > 100 else [0.0] * 99
    print(
        f"load: {CONNECTIONS} keep-alive connections, {elapsed:.1f} s, {total} requests "
        f"(bound {MAX_REQUESTS}); mix: public GET, POST form, POST JSON, token GET"
    )
    print(
        f"throughput {total / elapsed:,.0f} requests/s; latency p50 {percent[49] * 1000:.2f} ms, "
        f"p99 {percent[98] * 1000:.2f} ms, max {max(run.latencies, default=0) * 1000:.1f} ms"
    )
    print(f"statuses {dict(sorted(run.statuses.items()))}; connection errors {len(run.errors)}")
    start, middle, end = (memory[i] / 1024 for i in (0, len(memory) // 2, -1))
    print(f"server RSS {start:.1f} MiB at start, {middle:.1f} MiB midway, {end:.1f} MiB at the end")
    return 1 if run.errors or set(run.statuses) - {200} else 0


def main() -> int:
    server = start_live_server()
    try:
        port = int(server.url.rsplit(":", 1)[1])
        run = LoadRun(port, requests_mix(log_in(port)), deadline=time.monotonic() + DURATION)
        threads = [threading.Thread(target=run.client, args=(n,)) for n in range(CONNECTIONS)]
        memory = [rss_kib(server.process.pid)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        while any(thread.is_alive() for thread in threads):
            time.sleep(min(5.0, DURATION / 4))
            memory.append(rss_kib(server.process.pid))
        elapsed = time.monotonic() - started
    finally:
        stop_live_server(server)
    return report(run, elapsed, memory)


if __name__ == "__main__":
    sys.exit(main())

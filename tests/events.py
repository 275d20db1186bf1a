"""The proxy events of the suites: tools.events builds them, for the benchmarks too."""

from __future__ import annotations

from tools.events import proxy_event

__all__ = ["proxy_event"]

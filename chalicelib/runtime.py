"""The process-wide pieces, each made on first use: settings, registry, storage, clock.

The one place that builds the real ones: the edges (the /api view, the internal API and entry)
take them from here and pass them down; the core never reads them from here. Lambda keeps a
process warm between requests, so these live as long as it does; tests call `reset()` after
changing the environment, and inject a store, a registry or a clock.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from chalicelib.config import Settings, load_settings
from chalicelib.context import Context
from chalicelib.identity import User
from chalicelib.registry import Registry

if TYPE_CHECKING:
    from chalicelib.storage.base import Store


class _Made:
    """What has been made so far (a plain class: importing dataclasses would lengthen the cold start)."""

    __slots__ = ("clock", "registry", "settings", "store")

    def __init__(self, registry: Registry | None = None, store: Store | None = None) -> None:
        self.settings: Settings | None = None
        self.registry = registry
        self.store = store
        self.clock: Callable[[], float] = time.time


_lock = threading.Lock()
_made = _Made()


def settings() -> Settings:
    """The settings; ConfigError (500 internal) on every call while they are wrong."""
    if _made.settings is None:
        loaded = load_settings()
        logging.getLogger("chalicelib").setLevel(loaded.log_level)
        _made.settings = loaded
    return _made.settings


def registry() -> Registry:
    if _made.registry is None:
        with _lock:
            _made.registry = _made.registry or Registry()
    return _made.registry


def store() -> Store:
    if _made.store is None:
        from chalicelib.storage.dynamodb import (
            DynamoStore,  # lazily: boto3 only for requests that need storage
        )

        with _lock:
            _made.store = _made.store or DynamoStore(settings().table_name)
    return _made.store


def clock() -> float:
    """Epoch seconds from the clock that is set now (tests move it with `set_clock`)."""
    return _made.clock()


def now() -> int:
    """Epoch seconds from the clock, whole."""
    return int(_made.clock())


def set_clock(clock: Callable[[], float]) -> None:
    _made.clock = clock


def reset(*, registry: Registry | None = None, store: Store | None = None) -> None:
    """Forget everything made so far (tests), optionally injecting a registry or a store."""
    fresh = _Made(registry=registry, store=store)
    for name in ("settings", "registry", "store", "clock"):
        setattr(_made, name, getattr(fresh, name))


def root_context(user: User | None, request_id: str, credential: object = None) -> Context:
    """The context of a call that starts here, carrying the real settings, registry, store and clock."""
    return Context(
        user,
        request_id,
        settings=settings,
        registry=registry(),
        store=store,
        clock=clock,
        credential=credential,
    )

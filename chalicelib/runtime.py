"""The process-wide pieces, each made on first use: settings, registry, storage, clock.

Lambda keeps a process warm between requests, so these live as long as it does; tests call
`reset()` after changing the environment.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from chalicelib.config import Settings, load_settings
from chalicelib.dispatch import InternalCaller
from chalicelib.registry import Registry

if TYPE_CHECKING:
    from chalicelib.storage import DynamoStore

_lock = threading.Lock()
_settings: Settings | None = None
_registry: Registry | None = None
_caller: InternalCaller | None = None
_store: DynamoStore | None = None
_clock: Callable[[], float] = time.time


def settings() -> Settings:
    """The settings; ConfigError (500 internal) on every call while they are wrong."""
    global _settings
    if _settings is None:
        loaded = load_settings()
        logging.getLogger("chalicelib").setLevel(loaded.log_level)
        _settings = loaded
    return _settings


def registry() -> Registry:
    global _registry
    if _registry is None:
        with _lock:
            _registry = _registry or Registry()
    return _registry


def internal_caller() -> InternalCaller:
    global _caller
    if _caller is None:
        _caller = InternalCaller(registry())
    return _caller


def store() -> DynamoStore:
    global _store
    if _store is None:
        from chalicelib.storage import DynamoStore  # lazily: boto3 only for requests that need storage

        with _lock:
            _store = _store or DynamoStore(settings().table_name)
    return _store


def now() -> int:
    """Epoch seconds from the clock (tests move it with `set_clock`)."""
    return int(_clock())


def set_clock(clock: Callable[[], float]) -> None:
    global _clock
    _clock = clock


def reset(*, registry: Registry | None = None, store: DynamoStore | None = None) -> None:
    """Forget everything made so far (tests), optionally injecting a registry or a store."""
    global _settings, _registry, _caller, _store, _clock
    _settings, _registry, _caller, _store, _clock = None, registry, None, store, time.time

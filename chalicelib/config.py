"""Settings read from the environment: one typed record, loud on a missing or malformed value."""

# Annotations are evaluated, not postponed (no `from __future__ import annotations`): a NamedTuple's
# postponed annotations are each compiled as a ForwardRef when its class is made, on every cold start.

import os
import re
from collections.abc import Callable, Mapping
from typing import NamedTuple

# Defined with the other errors; still importable from here, where the settings are read.
from chalicelib.errors import ConfigError as ConfigError  # noqa: PLC0414 - re-exported for mypy

SAMPLE_API_KEY = "12345"
LOCAL_STAGES = frozenset({"dev", "local", "test"})
MAX_FAILURES_PER_USER = 1000
HOST_PREFIX = "__Host-"  # a cookie the browser takes only Secure, at Path=/ and without Domain
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# An origin as a browser serialises it: lower-case scheme and host, optional port, nothing after.
_ORIGIN = re.compile(r"[a-z][a-z0-9+.-]*://(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:[0-9]{1,5})?")
_SWITCHES = {
    "on": True,
    "true": True,
    "1": True,
    "yes": True,
    "off": False,
    "false": False,
    "0": False,
    "no": False,
}


class Settings(NamedTuple):
    api_keys: tuple[str, ...]
    table_name: str
    stage: str = "prod"
    session_name: str = "EQSASH_SESSION"
    token_ttl_seconds: int = 3600
    session_ttl_seconds: int = 86400
    session_max_seconds: int = 30 * 86400
    max_body_bytes: int = 1024 * 1024
    login_max_failures: int = 5  # per username and client address
    login_max_failures_per_user: int = 100  # per username, all addresses together
    login_window_seconds: int = 15 * 60
    log_level: str = "INFO"
    cors_origins: tuple[str, ...] = ()
    console: bool = False

    @property
    def is_local(self) -> bool:
        return self.stage in LOCAL_STAGES


def _positive_int(name: str, raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"setting {name} must be a whole number, got {raw!r}") from None
    if value <= 0:
        raise ConfigError(f"setting {name} must be positive, got {value}")
    return value


def _read[T](environ: Mapping[str, str], name: str, cast: Callable[[str, str], T], default: T) -> T:
    raw = environ.get(name, "").strip()
    return default if raw == "" else cast(name, raw)


def _as_is(name: str, raw: str) -> str:
    return raw


def _required(env: Mapping[str, str], name: str, why: str) -> str:
    raw = env.get(name, "").strip()
    if not raw:
        raise ConfigError(f"setting {name} is missing: {why}")
    return raw


def parse_api_keys(raw: str) -> tuple[str, ...]:
    """A comma-separated list; blanks around commas are ignored, empty entries refused."""
    keys = tuple(part.strip() for part in raw.split(","))
    if not raw.strip() or any(not key for key in keys):
        raise ConfigError("setting API_KEY is empty or has an empty entry")
    return keys


def parse_cors_origins(raw: str) -> tuple[str, ...]:
    """CORS_ORIGINS: exact origins, comma-separated; empty allows none. `*` and paths are refused."""
    origins = tuple(part.strip() for part in raw.split(",") if part.strip())
    for origin in origins:
        if not _ORIGIN.fullmatch(origin):
            raise ConfigError(
                f"setting CORS_ORIGINS: {origin!r} is not an exact origin; write each as a browser sends "
                "it, like https://app.example.com or http://127.0.0.1:3000 (lower case, no path, no "
                "trailing slash, no wildcard)"
            )
    return origins


def _origins(name: str, raw: str) -> tuple[str, ...]:
    return parse_cors_origins(raw)


def _switch(name: str, raw: str) -> bool:
    try:
        return _SWITCHES[raw.lower()]
    except KeyError:
        raise ConfigError(f"setting {name} must be on or off, got {raw!r}") from None


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read every setting; raises ConfigError naming the setting (never its value when it is a secret)."""
    env = os.environ if environ is None else environ
    raw_keys = _required(env, "API_KEY", "the gateway refuses to serve without a key")
    table_name = _required(env, "TABLE_NAME", "users, tokens and sessions live in that DynamoDB table")
    stage = _read(env, "STAGE", _as_is, "prod")
    keys = parse_api_keys(raw_keys)
    if SAMPLE_API_KEY in keys and stage not in LOCAL_STAGES:
        raise ConfigError(
            f"setting API_KEY holds the sample key, which only a local stage may use (STAGE={stage})"
        )
    defaults = Settings(api_keys=keys, table_name=table_name)
    settings = Settings(
        api_keys=keys,
        table_name=table_name,
        stage=stage,
        session_name=_read(env, "SESSION_NAME", _as_is, defaults.session_name),
        token_ttl_seconds=_read(env, "TOKEN_TTL_SECONDS", _positive_int, defaults.token_ttl_seconds),
        session_ttl_seconds=_read(env, "SESSION_TTL_SECONDS", _positive_int, defaults.session_ttl_seconds),
        session_max_seconds=_read(env, "SESSION_MAX_SECONDS", _positive_int, defaults.session_max_seconds),
        max_body_bytes=_read(env, "MAX_BODY_BYTES", _positive_int, defaults.max_body_bytes),
        login_max_failures=_read(env, "LOGIN_MAX_FAILURES", _positive_int, defaults.login_max_failures),
        login_max_failures_per_user=_read(
            env, "LOGIN_MAX_FAILURES_PER_USER", _positive_int, defaults.login_max_failures_per_user
        ),
        login_window_seconds=_read(env, "LOGIN_WINDOW_SECONDS", _positive_int, defaults.login_window_seconds),
        log_level=_read(env, "LOG_LEVEL", _as_is, defaults.log_level).upper(),
        cors_origins=_read(env, "CORS_ORIGINS", _origins, defaults.cors_origins),
        console=_read(env, "CONSOLE", _switch, defaults.console),
    )
    if settings.log_level not in LOG_LEVELS:
        raise ConfigError(
            f"setting LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got {settings.log_level!r}"
        )
    if settings.login_max_failures_per_user > MAX_FAILURES_PER_USER:
        # Every counted check of a window lives in one storage item, which DynamoDB caps at 400 KB.
        raise ConfigError(
            f"setting LOGIN_MAX_FAILURES_PER_USER must be at most {MAX_FAILURES_PER_USER}, "
            f"got {settings.login_max_failures_per_user}"
        )
    if (
        not settings.session_name.removeprefix(HOST_PREFIX).isidentifier()
        or not settings.session_name.isascii()
    ):
        raise ConfigError(
            f"setting SESSION_NAME must be an ASCII identifier, optionally after {HOST_PREFIX} (a cookie "
            f"no sibling subdomain can set), got {settings.session_name!r}"
        )
    return settings

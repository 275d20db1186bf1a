"""Settings from the environment: loud on what is missing or malformed."""

from __future__ import annotations

import pytest

from chalicelib.config import ConfigError, load_settings

BASE = {"API_KEY": "k1", "TABLE_NAME": "t"}


def test_defaults_fill_in_what_is_optional():
    settings = load_settings(BASE)
    assert settings.api_keys == ("k1",) and settings.session_name == "EQSASH_SESSION"
    assert settings.session_max_seconds == 30 * 86400 and settings.login_max_failures == 5


def test_a_comma_separated_key_list_allows_rotation():
    assert load_settings({**BASE, "API_KEY": " old , new "}).api_keys == ("old", "new")


@pytest.mark.parametrize("missing", ["API_KEY", "TABLE_NAME"])
def test_a_missing_required_setting_is_a_clear_error(missing):
    environ = {k: v for k, v in BASE.items() if k != missing}
    with pytest.raises(ConfigError, match=missing):
        load_settings(environ)


def test_the_sample_key_is_refused_outside_a_local_stage():
    with pytest.raises(ConfigError, match="sample key"):
        load_settings({**BASE, "API_KEY": "12345", "STAGE": "prod"})
    assert load_settings({**BASE, "API_KEY": "12345", "STAGE": "dev"}).is_local


def test_the_sample_key_is_refused_when_no_stage_is_named():
    with pytest.raises(ConfigError):
        load_settings({**BASE, "API_KEY": "12345"})


@pytest.mark.parametrize("value", ["ten", "0", "-5", "1.5"])
def test_a_malformed_number_is_a_clear_error(value):
    with pytest.raises(ConfigError, match="TOKEN_TTL_SECONDS"):
        load_settings({**BASE, "TOKEN_TTL_SECONDS": value})


def test_an_empty_key_entry_is_refused():
    with pytest.raises(ConfigError, match="empty"):
        load_settings({**BASE, "API_KEY": "a,,b"})


def test_config_errors_never_echo_the_key():
    with pytest.raises(ConfigError) as caught:
        load_settings({**BASE, "API_KEY": "12345", "STAGE": "prod"})
    assert "12345" not in caught.value.message


def test_cors_origins_and_the_console_default_to_none_and_off():
    settings = load_settings(BASE)
    assert settings.cors_origins == () and settings.console is False


def test_cors_origins_are_a_comma_separated_list_of_exact_origins():
    raw = " https://app.example.com , http://127.0.0.1:3000,,http://[::1]:8080 "
    assert load_settings({**BASE, "CORS_ORIGINS": raw}).cors_origins == (
        "https://app.example.com",
        "http://127.0.0.1:3000",
        "http://[::1]:8080",
    )


@pytest.mark.parametrize(
    "origin",
    [
        "*",
        "null",
        "https://app.example.com/",
        "https://app.example.com/path",
        "app.example.com",
        "https://App.example.com",
    ],
)
def test_an_origin_no_browser_would_send_is_a_clear_error(origin):
    with pytest.raises(ConfigError, match="CORS_ORIGINS"):
        load_settings({**BASE, "CORS_ORIGINS": origin})


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("on", True), ("ON", True), ("true", True), ("1", True), ("off", False), ("no", False), ("0", False)],
)
def test_the_console_switch_reads_on_and_off(raw, expected):
    assert load_settings({**BASE, "CONSOLE": raw}).console is expected


def test_a_console_switch_that_is_neither_on_nor_off_is_a_clear_error():
    with pytest.raises(ConfigError, match="CONSOLE must be on or off"):
        load_settings({**BASE, "CONSOLE": "maybe"})


def test_the_per_username_failure_cap_defaults_to_100_and_is_bounded():
    assert load_settings(BASE).login_max_failures_per_user == 100
    assert load_settings({**BASE, "LOGIN_MAX_FAILURES_PER_USER": "20"}).login_max_failures_per_user == 20
    with pytest.raises(ConfigError, match="LOGIN_MAX_FAILURES_PER_USER must be at most 1000"):
        load_settings({**BASE, "LOGIN_MAX_FAILURES_PER_USER": "1001"})


@pytest.mark.parametrize("name", ["EQSASH_SESSION", "__Host-EQSASH_SESSION", "__Host-s"])
def test_a_session_name_is_an_identifier_optionally_after_the_host_prefix(name):
    assert load_settings({**BASE, "SESSION_NAME": name}).session_name == name


@pytest.mark.parametrize(
    "name", ["__Host-", "__Host-a b", "__Secure-s", "a-b", "caf\u00e9", "__host-s", "s;x"]
)
def test_any_other_session_name_is_refused(name):
    with pytest.raises(ConfigError, match="SESSION_NAME"):
        load_settings({**BASE, "SESSION_NAME": name})

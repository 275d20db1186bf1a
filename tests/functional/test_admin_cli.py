"""`python -m chalicelib.admin`: users managed from the command line, no secrets printed."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from chalicelib import admin
from tests.conftest import PROJECT_ROOT

NOW = 1_800_000_000


@pytest.fixture
def store(memory_store):
    """The memory store: the CLI's commands, not DynamoDB, are the subject here."""
    return memory_store


def run(store, monkeypatch, capsys, *argv, stdin=""):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = admin.main(list(argv), store=store)
    out, err = capsys.readouterr()
    return code, out, err


def test_create_user_then_list_users_prints_no_secret(store, monkeypatch, capsys):
    code, out, _ = run(
        store,
        monkeypatch,
        capsys,
        "create-user",
        "ann",
        "--role",
        "editor",
        "--password-stdin",
        stdin="a long password\n",
    )
    assert code == 0 and "ann" in out
    code, out, _ = run(store, monkeypatch, capsys, "list-users")
    assert code == 0 and "ann" in out and "editor" in out
    assert "argon2" not in out and "a long password" not in out


def test_creating_an_existing_user_exits_1(store, monkeypatch, capsys):
    run(store, monkeypatch, capsys, "create-user", "ann", "--password-stdin", stdin="a long password\n")
    code, _, err = run(
        store, monkeypatch, capsys, "create-user", "ann", "--password-stdin", stdin="another password\n"
    )
    assert code == 1 and "already exists" in err


def test_a_short_password_is_refused(store, monkeypatch, capsys):
    code, _, err = run(store, monkeypatch, capsys, "create-user", "ann", "--password-stdin", stdin="short\n")
    assert code == 1 and "8 to 1024" in err


def test_set_roles_disable_enable_revoke(store, monkeypatch, capsys):
    run(store, monkeypatch, capsys, "create-user", "ann", "--password-stdin", stdin="a long password\n")
    assert run(store, monkeypatch, capsys, "set-roles", "ann", "--role", "a", "--role", "b")[0] == 0
    assert store.get_user("ann").roles == ("a", "b")
    assert run(store, monkeypatch, capsys, "disable-user", "ann")[0] == 0
    assert store.get_user("ann").disabled
    assert run(store, monkeypatch, capsys, "enable-user", "ann")[0] == 0
    assert not store.get_user("ann").disabled
    assert run(store, monkeypatch, capsys, "revoke-user", "ann")[0] == 0


def test_commands_on_an_unknown_user_exit_1(store, monkeypatch, capsys):
    commands = (
        ["set-roles", "--role", "x"],
        ["disable-user"],
        ["enable-user"],
        ["revoke-user"],
        ["unlock-user"],
    )
    for command in commands:
        code, _, err = run(store, monkeypatch, capsys, *command, "ghost")
        assert code == 1 and "ghost" in err, command


def test_set_password_reads_stdin(store, monkeypatch, capsys):
    run(store, monkeypatch, capsys, "create-user", "ann", "--password-stdin", stdin="a long password\n")
    code, out, _ = run(
        store, monkeypatch, capsys, "set-password", "ann", "--password-stdin", stdin="a newer password\n"
    )
    assert code == 0 and "a newer password" not in out


def _lock_out(store, address: str, count: int) -> None:
    for index in range(count):
        store.take_attempt(
            "ann", address, f"{address}-{index}", now=NOW, window_seconds=900, limit=5, user_limit=100
        )


def _locked(store, address: str) -> bool:
    return not store.take_attempt(
        "ann", address, "probe", now=NOW + 1, window_seconds=900, limit=5, user_limit=100
    )


def test_unlock_user_lifts_every_lockout_of_the_user(store, monkeypatch, capsys):
    run(store, monkeypatch, capsys, "create-user", "ann", "--password-stdin", stdin="a long password\n")
    _lock_out(store, "198.51.100.7", 5)
    _lock_out(store, "203.0.113.1", 5)
    code, out, _ = run(store, monkeypatch, capsys, "unlock-user", "ann")
    assert code == 0 and "ann unlocked" in out
    assert not _locked(store, "198.51.100.7") and not _locked(store, "203.0.113.1")


def test_set_password_lifts_the_lockouts_of_the_user(store, monkeypatch, capsys):
    run(store, monkeypatch, capsys, "create-user", "ann", "--password-stdin", stdin="a long password\n")
    _lock_out(store, "198.51.100.7", 5)
    stdin = "a newer password\n"
    assert run(store, monkeypatch, capsys, "set-password", "ann", "--password-stdin", stdin=stdin)[0] == 0
    assert not _locked(store, "198.51.100.7")


def test_create_user_requires_password_stdin():
    with pytest.raises(SystemExit) as caught:
        admin.main(["create-user", "ann"])
    assert caught.value.code == 2


def test_the_cli_against_a_local_endpoint_in_a_subprocess(dynalite, tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "AWS_ENDPOINT_URL_DYNAMODB": dynalite.endpoint,
        "TABLE_NAME": "cli-test",
        "AWS_ACCESS_KEY_ID": "x",
        "AWS_SECRET_ACCESS_KEY": "x",
        "AWS_DEFAULT_REGION": "us-east-1",
    }

    def cli(*argv, stdin=""):
        return subprocess.run(
            [sys.executable, "-m", "chalicelib.admin", *argv],
            input=stdin,
            text=True,
            capture_output=True,
            check=False,
            cwd=PROJECT_ROOT,
            env=env,
            timeout=60,
        )

    assert cli("create-table").returncode == 0
    created = cli(
        "create-user", "boss", "--role", "administrator", "--password-stdin", stdin="boss password\n"
    )
    assert created.returncode == 0, created.stderr
    listed = cli("list-users")
    assert "boss" in listed.stdout and "administrator" in listed.stdout


def test_the_cli_reports_an_unreachable_endpoint_with_exit_3(monkeypatch, capsys):
    from chalicelib.storage.dynamodb import DynamoStore, make_client
    from tools.localstore import free_port

    endpoint = f"http://127.0.0.1:{free_port()}"
    store = DynamoStore("t", lambda: make_client(endpoint))
    code, _, err = run(store, monkeypatch, capsys, "list-users")
    assert code == 3 and "unavailable" in err


def test_set_roles_without_roles_asks_for_no_roles(store, monkeypatch, capsys):
    run(
        store,
        monkeypatch,
        capsys,
        "create-user",
        "ann",
        "--role",
        "a",
        "--password-stdin",
        stdin="a long password\n",
    )
    code, _, err = run(store, monkeypatch, capsys, "set-roles", "ann")
    assert code == 1 and "--no-roles" in err and store.get_user("ann").roles == ("a",)
    assert run(store, monkeypatch, capsys, "set-roles", "ann", "--no-roles")[0] == 0
    assert store.get_user("ann").roles == ()


def test_a_missing_table_is_a_set_up_error_with_exit_4(moto_store, monkeypatch, capsys):
    from chalicelib.storage.dynamodb import DynamoStore

    code, _, err = run(DynamoStore("no-such-table"), monkeypatch, capsys, "list-users")
    assert code == 4 and "no-such-table" in err

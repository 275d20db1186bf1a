"""`python -m chalicelib.admin`: manage the table and its users, against AWS or a local endpoint.

The table comes from TABLE_NAME (or --table); a local endpoint from AWS_ENDPOINT_URL_DYNAMODB.
Passwords are read from standard input only, never from the command line. Exit codes: 0 done,
1 refused (no such user, user exists, invalid input), 2 usage, 3 storage unavailable, 4 set-up
(no table, region, credentials or permission).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence

from chalicelib.auth import accounts
from chalicelib.errors import ApiError, ConfigError, InvalidInput, Unavailable
from chalicelib.paths import PROJECT_ROOT
from chalicelib.storage.base import Store
from chalicelib.storage.dynamodb import DynamoStore, defaults_for_local_endpoint

EXIT_REFUSED, EXIT_USAGE, EXIT_UNAVAILABLE, EXIT_CONFIG = 1, 2, 3, 4
ALLOW_FILE = PROJECT_ROOT / ".chalice" / "open-methods.txt"


def _read_password() -> str:
    """One line of standard input, without its line ending."""
    return sys.stdin.readline().rstrip("\r\n")


def _create_table(store: Store, args: argparse.Namespace) -> str:
    created = store.create_table()
    return f"table {args.table} {'created' if created else 'already exists'}"


def _create_user(store: Store, args: argparse.Namespace) -> str:
    user = accounts.create_user(store, args.name, args.role, _read_password(), int(time.time()))
    return f"user {user.username} created with roles: {', '.join(user.roles) or '(none)'}"


def _set_roles(store: Store, args: argparse.Namespace) -> str:
    if not args.role and not args.no_roles:
        raise InvalidInput("name the roles with --role R (repeat), or pass --no-roles to remove them all")
    updated = accounts.set_roles(store, args.name, args.role)
    roles = ", ".join(args.role) or "(none)"
    return f"user {args.name} now has roles: {roles} ({updated} live credentials updated)"


def _set_password(store: Store, args: argparse.Namespace) -> str:
    ended = accounts.set_password(store, args.name, _read_password())
    return f"password of {args.name} set ({ended} tokens and sessions ended)"


def _disable(store: Store, args: argparse.Namespace) -> str:
    ended = accounts.set_disabled(store, args.name, True)
    return f"user {args.name} disabled ({ended} tokens and sessions ended)"


def _enable(store: Store, args: argparse.Namespace) -> str:
    accounts.set_disabled(store, args.name, False)
    return f"user {args.name} enabled"


def _revoke(store: Store, args: argparse.Namespace) -> str:
    return f"{accounts.revoke_user(store, args.name)} tokens and sessions of {args.name} ended"


def _unlock(store: Store, args: argparse.Namespace) -> str:
    accounts.unlock_user(store, args.name)
    return f"user {args.name} unlocked (failed logins from every address forgotten)"


def _access_matrix(args: argparse.Namespace) -> tuple[str, int]:
    """Roles by external methods; under --strict, an open method not on the allow-list, or a broken
    module (whose methods cannot be judged), fails."""
    from chalicelib.discovery import access_matrix, matrix_roles, open_to_every_key_holder, role_may_call
    from chalicelib.registry import Registry, check_all

    registry = Registry()
    broken = check_all(registry)
    matrix = access_matrix(registry)
    allowed = set(args.allow) | _allow_file(args.allow_file)
    roles = matrix_roles(matrix)
    width = max(len(name) for name in [*matrix, "method"])
    rows = [f"{'method':<{width}}  {'  '.join(roles)}  note"]
    unexpected = []
    for name, access in matrix.items():
        marks = "  ".join(f"{'x' if role_may_call(role, access) else '-':^{len(role)}}" for role in roles)
        note = ""
        if open_to_every_key_holder(access):
            # `anonymous` admits anyone with the key: dropping one's credential is enough.
            note = "OPEN to everyone" if access is None else "OPEN to every key holder (anonymous)"
            if name not in allowed:
                note += " (not on the allow-list)"
                unexpected.append(name)
        rows.append(f"{name:<{width}}  {marks}  {note}".rstrip())
    rows.extend(f"BROKEN {error.message}" for error in broken)
    open_count = sum(open_to_every_key_holder(access) for access in matrix.values())
    rows.append(
        f"{len(matrix)} external methods, {open_count} open to every key holder, {len(broken)} broken modules"
    )
    failed = bool(args.strict and (unexpected or broken))
    if failed:
        rows.append(
            f"--strict: open methods not on the allow-list: {', '.join(unexpected) or 'none'}; "
            f"broken modules: {', '.join(error.module for error in broken) or 'none'}"
        )
        if unexpected:
            rows.append(
                "  A method open to every key holder must be meant so: give it an `access` list, or add "
                "`module.method` to .chalice/open-methods.txt (the allow-list of open methods)."
            )
    return "\n".join(rows), 1 if failed else 0


def _allow_file(path: str | None) -> set[str]:
    if not path:
        return set()
    with open(path, encoding="utf-8") as lines:
        return {line.split("#", 1)[0].strip() for line in lines} - {""}


def _list_users(store: Store, args: argparse.Namespace) -> str:
    rows = [f"{'username':<24} {'status':<9} roles"]
    for user in store.list_users():
        rows.append(
            f"{user.username:<24} {'disabled' if user.disabled else 'active':<9} {', '.join(user.roles)}"
        )
    return "\n".join(rows)


Command = Callable[[Store, argparse.Namespace], str]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m chalicelib.admin", description=__doc__.splitlines()[0])
    parser.add_argument("--table", default=os.environ.get("TABLE_NAME"), help="default: $TABLE_NAME")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, handler: Command, help_text: str, *, roles: bool = False, stdin: bool = False) -> None:
        command = commands.add_parser(name, help=help_text)
        if name not in ("create-table", "list-users"):
            command.add_argument("name", metavar="NAME")
        if roles:
            command.add_argument(
                "--role", action="append", default=[], metavar="R", help="repeat for more roles"
            )
            if name == "set-roles":
                command.add_argument("--no-roles", action="store_true", help="remove every role")
        if stdin:
            command.add_argument(
                "--password-stdin",
                action="store_true",
                required=True,
                help="read the password from standard input (required)",
            )
        command.set_defaults(handler=handler)

    add("create-table", _create_table, "create the table, its owner index and TTL")
    add("create-user", _create_user, "create a user; the password comes from stdin", roles=True, stdin=True)
    add("set-roles", _set_roles, "replace a user's roles, live credentials included", roles=True)
    add("set-password", _set_password, "set a user's password from stdin; ends its credentials", stdin=True)
    add("disable-user", _disable, "disable a user and end its tokens and sessions")
    add("enable-user", _enable, "enable a disabled user")
    add("revoke-user", _revoke, "end all tokens and sessions of a user")
    add("unlock-user", _unlock, "forget a user's failed logins, lifting every lockout at once")
    add("list-users", _list_users, "list users, their status and roles (no secrets)")
    matrix = commands.add_parser(
        "access-matrix", help="roles by external methods; flags methods open to everyone"
    )
    matrix.add_argument(
        "--strict", action="store_true", help="exit 1 if an open method is not on the allow-list"
    )
    matrix.add_argument(
        "--allow",
        action="append",
        default=[],
        metavar="MODULE.METHOD",
        help="an open method that is meant to be open (repeat)",
    )
    matrix.add_argument(
        "--allow-file",
        default=str(ALLOW_FILE),
        metavar="PATH",
        help="a file of allowed open methods, one a line (default: %(default)s)",
    )
    matrix.set_defaults(handler=None)
    return parser


def main(argv: Sequence[str] | None = None, store: Store | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "access-matrix":
        text, code = _access_matrix(args)
        # A refusal goes to standard error, so `make check` shows why even with the table hidden.
        print(text, file=sys.stderr if code else sys.stdout)
        return code
    if store is None:
        if not args.table:
            parser.error("no table: set TABLE_NAME or pass --table")
        defaults_for_local_endpoint()
        store = DynamoStore(args.table)
    try:
        print(args.handler(store, args))
    except Unavailable as error:
        print(f"error: storage unavailable ({error.message})", file=sys.stderr)
        return EXIT_UNAVAILABLE
    except ConfigError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return EXIT_CONFIG
    except ApiError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return EXIT_REFUSED
    except ValueError as error:  # botocore's own, such as an endpoint URL that is no URL
        print(f"error: {error}", file=sys.stderr)
        return EXIT_CONFIG
    return 0


if __name__ == "__main__":
    sys.exit(main())

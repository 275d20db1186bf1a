"""Users, credentials and login failures in one DynamoDB table: every DynamoDB detail lives here.

Items (key `pk`): `user#<name>`, `token#<sha256>`, `session#<sha256>`, `attempts#<name>` (the
username's counted password checks: all of them in `attempts`, those of each client address in an
attribute `from <address>`), and modules' own items `item#<module>#<collection>#<key>`. Credential
items carry `owner` (the global secondary index OWNER_INDEX) and the owner's roles, so an
authenticated request costs one read.
Module items carry `item_scope` (`<module>#<collection>`) and `item_key`, the keys of
COLLECTION_INDEX that `list_items` queries in key order; other items lack them, so that index
holds module items only. `expires_at` is the TTL attribute; TTL deletion is late,
so callers compare it with the clock on every read. botocore's ClientError and connection
errors are translated here into the project's errors and never leave this module.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chalicelib.storage.base import (
    CredentialCollision,
    CredentialKind,
    CredentialRecord,
    ItemRecord,
    ItemTooLarge,
    NoSuchUser,
    StorageMisconfigured,
    StorageUnavailable,
    UserExists,
    UserRecord,
    VersionConflict,
)

if TYPE_CHECKING:
    from types import TracebackType

    from mypy_boto3_dynamodb import DynamoDBClient

logger = logging.getLogger(__name__)

# Local servers accept any credentials; boto3 still wants some, and a region.
LOCAL_AWS_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_DEFAULT_REGION": "us-east-1",
}
OWNER_INDEX = "by_owner"
COLLECTION_INDEX = "by_collection"
TTL_ATTRIBUTE = "expires_at"
CONNECT_TIMEOUT_SECONDS = 1.0
READ_TIMEOUT_SECONDS = 2.0
MAX_ATTEMPTS = 3  # botocore "standard" retry mode: the first call and two retries, with backoff

# Storage that is there but did not answer in time: try again later (503).
_UNAVAILABLE_CODES = frozenset({
    "ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded",
    "InternalServerError", "ServiceUnavailable", "TransactionConflictException", "ExpiredTokenException",
})  # fmt: skip
# Storage that will not work until someone fixes the set-up: no table, no permission, bad credentials.
_MISCONFIGURED_CODES = frozenset({
    "ResourceNotFoundException", "UnrecognizedClientException", "InvalidSignatureException",
    "AccessDeniedException", "MissingAuthenticationTokenException",
})  # fmt: skip


def defaults_for_local_endpoint() -> None:
    """Placeholder credentials and region when AWS_ENDPOINT_URL_DYNAMODB points at this machine."""
    from urllib.parse import urlparse

    host = urlparse(os.environ.get("AWS_ENDPOINT_URL_DYNAMODB", "")).hostname or ""
    if host in ("127.0.0.1", "localhost", "::1"):
        for name, value in LOCAL_AWS_ENVIRONMENT.items():
            os.environ.setdefault(name, value)


def make_client(endpoint_url: str | None = None) -> DynamoDBClient:
    """A DynamoDB client with bounded retries and timeouts; the endpoint from AWS_ENDPOINT_URL_DYNAMODB."""
    import boto3  # lazily: a request that needs no storage never pays for it
    from botocore.config import Config

    config = Config(
        retries={"mode": "standard", "total_max_attempts": MAX_ATTEMPTS},
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=READ_TIMEOUT_SECONDS,
        tcp_keepalive=True,
    )
    endpoint = endpoint_url or os.environ.get("AWS_ENDPOINT_URL_DYNAMODB") or None
    return boto3.session.Session().client("dynamodb", config=config, endpoint_url=endpoint)


def _s(value: str) -> dict[str, str]:
    return {"S": value}


def _n(value: int) -> dict[str, str]:
    return {"N": str(int(value))}


def _roles(roles: tuple[str, ...]) -> dict[str, list[dict[str, str]]]:
    return {"L": [_s(role) for role in roles]}


def _read_roles(item: dict[str, Any]) -> tuple[str, ...]:
    return tuple(entry["S"] for entry in item.get("roles", {}).get("L", []))


def _read_int(item: dict[str, Any], name: str) -> int:
    return int(item[name]["N"]) if name in item else 0


def _credential_key(kind: CredentialKind, digest: str) -> dict[str, dict[str, str]]:
    return {"pk": _s(f"{kind}#{digest}")}


def _attempts_key(username: str) -> dict[str, dict[str, str]]:
    # `attempts#`, not the `login#` items of earlier versions (a number of failures): those expire unread.
    return {"pk": _s(f"attempts#{username}")}


def _module_item_key(module: str, collection: str, key: str) -> dict[str, dict[str, str]]:
    return {"pk": _s(f"item#{module}#{collection}#{key}")}


# Module items' attributes, always through #names (`key` is a reserved word).
_ITEM_NAMES = {
    "#b": "item_body",
    "#s": "item_scope",
    "#k": "item_key",
    "#v": "item_version",
    "#w": "write_id",
}


def _condition_failed(exc: Exception) -> bool:
    response = getattr(exc, "response", None)
    return isinstance(response, dict) and response.get("Error", {}).get("Code") == (
        "ConditionalCheckFailedException"
    )


def _too_large(exc: Exception) -> bool:
    """DynamoDB's refusal of an item over 400 KB (a ValidationException that speaks of its size)."""
    response = getattr(exc, "response", None)
    error = response.get("Error", {}) if isinstance(response, dict) else {}
    return error.get("Code") == "ValidationException" and "size" in str(error.get("Message", "")).lower()


def _address_attribute(address: str) -> str:
    """The attribute of an attempts item that holds one client address's attempts."""
    return f"from {address}"


def _user_from_item(item: dict[str, Any]) -> UserRecord:
    return UserRecord(
        username=item["username"]["S"],
        password_hash=item.get("password_hash", {}).get("S", ""),
        roles=_read_roles(item),
        disabled=item.get("disabled", {}).get("BOOL", False),
        created_at=_read_int(item, "created_at"),
    )


class _Translated:
    """The context of one storage call (DynamoStore._translated).

    A class rather than a @contextmanager generator, importing botocore's exceptions only once
    something was raised: it wraps every storage call, on the path of every authenticated request.
    """

    __slots__ = ("_action", "_table_name")

    def __init__(self, action: str, table_name: str) -> None:
        self._action = action
        self._table_name = table_name

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if exc is None:
            return
        failure = self._failure(exc)
        if failure is not None:
            from chalicelib import telemetry
            from chalicelib.metrics import STORAGE_ERRORS

            telemetry.count(STORAGE_ERRORS)
            raise failure from exc
        # Anything else (a ClientError that is not about availability, our own bugs) goes on as raised.

    def _failure(self, exc: BaseException) -> Exception | None:
        """The project's error for a failed storage call, or None to let it go on as raised."""
        from botocore.exceptions import (
            BotoCoreError,
            ClientError,
            NoCredentialsError,
            NoRegionError,
            PartialCredentialsError,
        )

        if isinstance(exc, ClientError):
            code = exc.response.get("Error", {}).get("Code", "")
            if code in _MISCONFIGURED_CODES:
                return StorageMisconfigured(
                    f"storage {self._action} on table {self._table_name!r} refused: {code}"
                )
            if (
                code in _UNAVAILABLE_CODES
                or exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) >= 500
            ):
                logger.warning("storage %s failed: %s", self._action, code)
                return StorageUnavailable("storage is unavailable; try again later")
        elif isinstance(exc, NoRegionError | NoCredentialsError | PartialCredentialsError):
            return StorageMisconfigured(
                f"storage {self._action}: {exc} (set AWS_DEFAULT_REGION and credentials)"
            )
        elif isinstance(exc, BotoCoreError):
            logger.warning("storage %s failed: %s", self._action, type(exc).__name__)
            return StorageUnavailable("storage is unavailable; try again later")
        return None


class DynamoStore:
    """The project's storage on one DynamoDB table; the client is made on first use."""

    def __init__(self, table_name: str, client_factory: Callable[[], DynamoDBClient] = make_client) -> None:
        self.table_name = table_name
        self._client_factory = client_factory
        self._client: DynamoDBClient | None = None
        self._lock = threading.Lock()

    @property
    def client(self) -> DynamoDBClient:
        if self._client is None:
            with self._lock:
                if self._client is None:
                    self._client = self._client_factory()
        return self._client

    def _translated(self, action: str) -> _Translated:
        """Failures to answer: StorageUnavailable; set-up mistakes: StorageMisconfigured; bugs stay loud."""
        return _Translated(action, self.table_name)

    def _write_if(self, write: Callable[..., object], **request: Any) -> bool:
        """One conditional write on the table; False when its condition did not hold."""
        return self._answer_if(write, **request) is not None

    def _answer_if(self, write: Callable[..., Any], **request: Any) -> dict[str, Any] | None:
        """One conditional write on the table and its answer; None when its condition did not hold."""
        try:
            answer: dict[str, Any] = write(TableName=self.table_name, **request)
        except Exception as exc:
            if _condition_failed(exc):
                return None
            raise
        return answer

    # -- table -------------------------------------------------------------------------------

    def create_table(self) -> bool:
        """Create the table, its two indexes and TTL; False when it already exists."""
        with self._translated("create-table"):
            try:
                self.client.create_table(
                    TableName=self.table_name,
                    BillingMode="PAY_PER_REQUEST",
                    AttributeDefinitions=[
                        {"AttributeName": "pk", "AttributeType": "S"},
                        {"AttributeName": "owner", "AttributeType": "S"},
                        {"AttributeName": "item_scope", "AttributeType": "S"},
                        {"AttributeName": "item_key", "AttributeType": "S"},
                    ],
                    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                    GlobalSecondaryIndexes=[
                        {
                            "IndexName": OWNER_INDEX,
                            "KeySchema": [{"AttributeName": "owner", "KeyType": "HASH"}],
                            "Projection": {"ProjectionType": "KEYS_ONLY"},
                        },
                        {
                            # A page of `list` is one query of this index, items and all.
                            "IndexName": COLLECTION_INDEX,
                            "KeySchema": [
                                {"AttributeName": "item_scope", "KeyType": "HASH"},
                                {"AttributeName": "item_key", "KeyType": "RANGE"},
                            ],
                            "Projection": {"ProjectionType": "ALL"},
                        },
                    ],
                )
            except self.client.exceptions.ResourceInUseException:
                return False
            self.client.get_waiter("table_exists").wait(
                TableName=self.table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60}
            )
        self._enable_ttl()
        return True

    def _enable_ttl(self) -> None:
        from botocore.exceptions import ClientError

        try:
            self.client.update_time_to_live(
                TableName=self.table_name,
                TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE},
            )
        except ClientError as exc:
            # dynalite has no UpdateTimeToLive; reads check expires_at themselves anyway.
            logger.warning(
                "TTL not enabled on %s: %s", self.table_name, exc.response.get("Error", {}).get("Code")
            )

    # -- users -------------------------------------------------------------------------------

    def get_user(self, username: str) -> UserRecord | None:
        with self._translated("get-user"):
            item = self.client.get_item(
                TableName=self.table_name, Key={"pk": _s(f"user#{username}")}, ConsistentRead=True
            ).get("Item")
        return None if item is None else _user_from_item(item)

    def create_user(self, user: UserRecord) -> None:
        """Never overwrites: UserExists when the name is taken."""
        item: dict[str, Any] = {
            "pk": _s(f"user#{user.username}"),
            "username": _s(user.username),
            "password_hash": _s(user.password_hash),
            "roles": _roles(user.roles),
            "disabled": {"BOOL": user.disabled},
            "created_at": _n(user.created_at),
        }
        with self._translated("create-user"):
            created = self._write_if(
                self.client.put_item, Item=item, ConditionExpression="attribute_not_exists(pk)"
            )
        # A retried put whose first try went through fails its own condition: the item is then ours
        # (a password hash is salted, so no one else wrote the same one).
        if not created and self.get_user(user.username) != user:
            raise UserExists(user.username)

    def _update_user(self, username: str, attribute: str, value: dict[str, Any]) -> None:
        """Set one attribute of an existing user (attribute names go through #a: `roles` is reserved)."""
        with self._translated("update-user"):
            updated = self._write_if(
                self.client.update_item,
                Key={"pk": _s(f"user#{username}")},
                UpdateExpression="SET #a = :v",
                ConditionExpression="attribute_exists(pk)",
                ExpressionAttributeNames={"#a": attribute},
                ExpressionAttributeValues={":v": value},
            )
        if not updated:
            raise NoSuchUser(username)

    def set_user_roles(self, username: str, roles: tuple[str, ...]) -> None:
        self._update_user(username, "roles", _roles(roles))

    def set_user_disabled(self, username: str, disabled: bool) -> None:
        self._update_user(username, "disabled", {"BOOL": disabled})

    def set_password_hash(self, username: str, password_hash: str) -> None:
        self._update_user(username, "password_hash", _s(password_hash))

    def list_users(self) -> list[UserRecord]:
        users: list[UserRecord] = []
        with self._translated("list-users"):
            paginator = self.client.get_paginator("scan")
            for page in paginator.paginate(
                TableName=self.table_name,
                FilterExpression="begins_with(pk, :p)",
                ExpressionAttributeValues={":p": _s("user#")},
                ConsistentRead=True,
            ):
                users.extend(_user_from_item(item) for item in page.get("Items", []))
        return sorted(users, key=lambda user: user.username)

    # -- credentials -------------------------------------------------------------------------

    def put_credential(self, record: CredentialRecord) -> None:
        item: dict[str, Any] = {
            **_credential_key(record.kind, record.digest),
            "owner": _s(record.owner),
            "roles": _roles(record.roles),
            TTL_ATTRIBUTE: _n(record.expires_at),
            "created_at": _n(record.created_at),
        }
        if record.kind == "session":
            item["max_expires_at"] = _n(record.max_expires_at)
            item["touched_at"] = _n(record.touched_at)
        with self._translated("put-credential"):
            created = self._write_if(
                self.client.put_item, Item=item, ConditionExpression="attribute_not_exists(pk)"
            )
        # A retried put whose first try went through fails its own condition; the item is then ours.
        if not created and self.get_credential(record.kind, record.digest) != record:
            raise CredentialCollision()

    def get_credential(self, kind: CredentialKind, digest: str) -> CredentialRecord | None:
        """One strongly consistent read, so a revocation applies at once."""
        with self._translated("get-credential"):
            item = self.client.get_item(
                TableName=self.table_name, Key=_credential_key(kind, digest), ConsistentRead=True
            ).get("Item")
        if item is None:
            return None
        return CredentialRecord(
            kind=kind,
            digest=digest,
            owner=item["owner"]["S"],
            roles=_read_roles(item),
            expires_at=_read_int(item, TTL_ATTRIBUTE),
            created_at=_read_int(item, "created_at"),
            max_expires_at=_read_int(item, "max_expires_at"),
            touched_at=_read_int(item, "touched_at"),
        )

    def slide_session(self, digest: str, expires_at: int, now: int) -> bool:
        """Push a live session's expiry forward; never revives a revoked or expired one."""
        with self._translated("slide-session"):
            return self._write_if(
                self.client.update_item,
                Key=_credential_key("session", digest),
                UpdateExpression=f"SET {TTL_ATTRIBUTE} = :e, touched_at = :now",
                ConditionExpression=f"attribute_exists(pk) AND {TTL_ATTRIBUTE} > :now",
                ExpressionAttributeValues={":e": _n(expires_at), ":now": _n(now)},
            )

    def delete_credential(self, kind: CredentialKind, digest: str) -> None:
        with self._translated("delete-credential"):
            self.client.delete_item(TableName=self.table_name, Key=_credential_key(kind, digest))

    def credentials_of(self, username: str) -> list[tuple[CredentialKind, str]]:
        """Every token and session item of a user, through the owner index."""
        found: list[tuple[CredentialKind, str]] = []
        with self._translated("credentials-of"):
            paginator = self.client.get_paginator("query")
            for page in paginator.paginate(
                TableName=self.table_name,
                IndexName=OWNER_INDEX,
                KeyConditionExpression="#o = :o",
                ExpressionAttributeNames={"#o": "owner"},
                ExpressionAttributeValues={":o": _s(username)},
            ):
                for item in page.get("Items", []):
                    kind, _, digest = item["pk"]["S"].partition("#")
                    if kind in ("token", "session"):
                        found.append((kind, digest))  # type: ignore[arg-type]
        return found

    def set_credential_roles(self, kind: CredentialKind, digest: str, roles: tuple[str, ...]) -> bool:
        """Copy new roles onto a live credential; a deleted one is not brought back."""
        with self._translated("set-credential-roles"):
            return self._write_if(
                self.client.update_item,
                Key=_credential_key(kind, digest),
                UpdateExpression="SET #r = :r",
                ConditionExpression="attribute_exists(pk)",
                ExpressionAttributeNames={"#r": "roles"},
                ExpressionAttributeValues={":r": _roles(roles)},
            )

    # -- login failures ----------------------------------------------------------------------

    def take_attempt(
        self,
        username: str,
        address: str,
        attempt_id: str,
        *,
        now: int,
        window_seconds: int,
        limit: int,
        user_limit: int,
    ) -> bool:
        """Count one password check in the username's window; False (locked) when a limit is reached.

        The attempts are string sets of attempt ids (all of them, and the address's own), so a
        write that botocore retries after a lost answer adds nothing the second time (an ADD of a
        number would count it twice). The count is taken before the password is checked, in one
        conditional write, so parallel guesses cannot get past a limit; a refused check adds
        nothing. A window opens at the first attempt and expires on its own.
        """
        key = _attempts_key(username)
        names = {"#a": _address_attribute(address)}
        values = {
            ":id": {"SS": [attempt_id]},
            ":idv": _s(attempt_id),
            ":e": _n(now + window_seconds),
            ":now": _n(now),
            ":limit": _n(limit),
            ":user_limit": _n(user_limit),
        }
        with self._translated("take-attempt"):
            for _ in range(2):  # a second round only when another request reopened the window meanwhile
                if self._write_if(
                    self.client.update_item,
                    Key=key,
                    UpdateExpression=(
                        "ADD attempts :id, #a :id SET expires_at = if_not_exists(expires_at, :e)"
                    ),
                    # A set emptied by clear_address_failures is absent, and size() of nothing is false.
                    ConditionExpression=(
                        "attribute_not_exists(pk) OR contains(#a, :idv) OR (expires_at > :now"
                        " AND (attribute_not_exists(attempts) OR size(attempts) < :user_limit)"
                        " AND (attribute_not_exists(#a) OR size(#a) < :limit))"
                    ),
                    ExpressionAttributeNames=names,
                    ExpressionAttributeValues=values,
                ):
                    return True
                # A limit is reached, or the old window passed and TTL has not removed it yet.
                if self._write_if(
                    self.client.put_item,
                    Item={
                        **key,
                        "attempts": values[":id"],
                        names["#a"]: values[":id"],
                        TTL_ATTRIBUTE: values[":e"],
                    },
                    ConditionExpression="expires_at <= :now",
                    ExpressionAttributeValues={":now": values[":now"]},
                ):
                    return True
        return False

    def clear_address_failures(self, username: str, address: str, attempt_id: str) -> None:
        """Unlock the address and uncount this check; never creates an item (it would have no expiry)."""
        with self._translated("clear-address-failures"):
            self._write_if(
                self.client.update_item,
                Key=_attempts_key(username),
                UpdateExpression="REMOVE #a DELETE attempts :id",
                ConditionExpression="attribute_exists(pk)",
                ExpressionAttributeNames={"#a": _address_attribute(address)},
                ExpressionAttributeValues={":id": {"SS": [attempt_id]}},
            )

    def clear_failures(self, username: str) -> None:
        with self._translated("clear-failures"):
            self.client.delete_item(TableName=self.table_name, Key=_attempts_key(username))

    # -- modules' items ----------------------------------------------------------------------

    def _read_item(self, module: str, collection: str, key: str) -> dict[str, Any] | None:
        item: dict[str, Any] | None = self.client.get_item(
            TableName=self.table_name, Key=_module_item_key(module, collection, key), ConsistentRead=True
        ).get("Item")
        return item

    def get_item(self, module: str, collection: str, key: str) -> ItemRecord | None:
        with self._translated("get-item"):
            item = self._read_item(module, collection, key)
        return (
            None if item is None else ItemRecord(key, _read_int(item, "item_version"), item["item_body"]["S"])
        )

    def put_item(
        self, module: str, collection: str, key: str, body: str, expected_version: int | None
    ) -> int:
        """One UpdateItem that counts the version up; a retried one is recognised by its write id.

        Each put writes a fresh `write_id`. When botocore sends an applied write again, its
        condition fails against the write itself: reading the item back then shows our write id,
        and the version it made is the answer, not a conflict.
        """
        write_id = os.urandom(12).hex()
        values = {
            ":b": _s(body),
            ":s": _s(f"{module}#{collection}"),
            ":k": _s(key),
            ":w": _s(write_id),
            ":zero": _n(0),
            ":one": _n(1),
        }
        if expected_version is None:
            condition = "attribute_not_exists(#w) OR #w <> :w"
        elif expected_version == 0:
            condition = "attribute_not_exists(pk)"
        else:
            condition = "#v = :expected"
            values[":expected"] = _n(expected_version)
        with self._translated("put-item"):
            try:
                answer = self._answer_if(
                    self.client.update_item,
                    Key=_module_item_key(module, collection, key),
                    UpdateExpression=(
                        "SET #b = :b, #s = :s, #k = :k, #w = :w, #v = if_not_exists(#v, :zero) + :one"
                    ),
                    ConditionExpression=condition,
                    ExpressionAttributeNames=_ITEM_NAMES,
                    ExpressionAttributeValues=values,
                    ReturnValues="UPDATED_NEW",
                )
            except Exception as exc:
                if _too_large(exc):
                    from chalicelib.storage.items import MAX_ITEM_BYTES

                    raise ItemTooLarge(len(body.encode()), MAX_ITEM_BYTES) from exc
                raise
            if answer is not None:
                return _read_int(answer["Attributes"], "item_version")
            found = self._read_item(module, collection, key)
        if found is not None and found.get("write_id", {}).get("S") == write_id:
            return _read_int(found, "item_version")
        version = None if found is None else _read_int(found, "item_version")
        raise VersionConflict(collection, key, expected_version or 0, version)

    def delete_item(self, module: str, collection: str, key: str, expected_version: int | None) -> bool:
        request: dict[str, Any] = {
            "Key": _module_item_key(module, collection, key),
            "ReturnValues": "ALL_OLD",
        }
        if expected_version is not None:
            request["ConditionExpression"] = "attribute_not_exists(pk) OR #v = :expected"
            request["ExpressionAttributeNames"] = {"#v": "item_version"}
            request["ExpressionAttributeValues"] = {":expected": _n(expected_version)}
        with self._translated("delete-item"):
            answer = self._answer_if(self.client.delete_item, **request)
            if answer is not None:
                return "Attributes" in answer
            found = self._read_item(module, collection, key)
        if found is None:  # deleted meanwhile (or by this very delete, retried)
            return False
        raise VersionConflict(collection, key, expected_version or 0, _read_int(found, "item_version"))

    def list_items(
        self, module: str, collection: str, prefix: str, limit: int, after: str | None
    ) -> tuple[list[ItemRecord], bool]:
        """One query of COLLECTION_INDEX for limit + 1 items: the extra one says whether more follow."""
        scope = f"{module}#{collection}"
        request: dict[str, Any] = {
            "IndexName": COLLECTION_INDEX,
            "KeyConditionExpression": "#s = :s",
            "ExpressionAttributeNames": {"#s": "item_scope"},
            "ExpressionAttributeValues": {":s": _s(scope)},
            "Limit": limit + 1,
        }
        if prefix:
            request["KeyConditionExpression"] += " AND begins_with(#k, :p)"
            request["ExpressionAttributeNames"]["#k"] = "item_key"
            request["ExpressionAttributeValues"][":p"] = _s(prefix)
        if after is not None:
            request["ExclusiveStartKey"] = {
                **_module_item_key(module, collection, after),
                "item_scope": _s(scope),
                "item_key": _s(after),
            }
        with self._translated("list-items"):
            answer = self.client.query(TableName=self.table_name, **request)
        items = answer.get("Items", [])
        records = [
            ItemRecord(item["item_key"]["S"], _read_int(item, "item_version"), item["item_body"]["S"])
            for item in items[:limit]
        ]
        return records, len(items) > limit or "LastEvaluatedKey" in answer

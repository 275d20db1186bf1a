"""A service's API table, validated into MethodSpecs; every mistake names module, method and key."""

# Annotations are evaluated, not postponed (no `from __future__ import annotations`): a NamedTuple's
# postponed annotations are each compiled as a ForwardRef when its class is made, on every cold start.

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from chalicelib.errors import SERVED_VERBS, Internal
from chalicelib.names import is_public_name

if TYPE_CHECKING:  # the schema module is imported only for a module that declares a schema
    from chalicelib.schema import Validator

MethodType = Literal["external", "internal"]
Format = Literal["json", "json_object"]

KNOWN_KEYS = frozenset({"type", "access", "format", "method", "schema", "returns", "description", "verbs"})
MAX_DESCRIPTION_LENGTH = 200
TYPES: tuple[MethodType, ...] = ("external", "internal")
FORMATS: tuple[Format, ...] = ("json", "json_object")
# Public methods of a Service that are machinery, not API methods.
NOT_API_METHODS = frozenset({"get_api"})
_CO_VARARGS = 0x04  # inspect.CO_VARARGS


class DeclarationError(Internal):
    """A service module that cannot be served; its message says where the mistake is."""

    def __init__(self, module: str, method: str | None, key: str | None, problem: str) -> None:
        self.module, self.method, self.key, self.problem = module, method, key, problem
        where = [f"module '{module}'"]
        if method is not None:
            where.append(f"method '{method}'")
        if key is not None:
            where.append(f"key '{key}'")
        super().__init__(f"{', '.join(where)}: {problem}")


class MethodSpec(NamedTuple):
    """One API method of a module, as the table declares it (or the defaults, for undeclared ones)."""

    module: str
    name: str
    type: MethodType = "internal"
    access: tuple[str, ...] | None = None
    format: Format | None = None
    implementation: str = ""
    schema: "Validator | None" = None  # of `data`, checked when declared; validated on each call
    returns: "Validator | None" = None  # of the result: published, and checked by the module's tests
    description: str | None = None  # one line
    verbs: tuple[str, ...] = SERVED_VERBS  # the HTTP verbs it answers; internal calls are not affected

    @property
    def is_external(self) -> bool:
        return self.type == "external"


def _accepts_data_and_ctx(function: Callable[..., Any]) -> bool:
    """Whether `function(data, ctx)` binds; read off the code object (inspect costs the cold start)."""
    plain = getattr(function, "__func__", function)
    code = getattr(plain, "__code__", None)
    if code is None or hasattr(plain, "__wrapped__"):
        return _binds_by_signature(function)
    positional = code.co_argcount - (0 if getattr(function, "__self__", None) is None else 1)
    required = positional - len(getattr(plain, "__defaults__", None) or ())
    keyword_only_required = code.co_kwonlyargcount - len(getattr(plain, "__kwdefaults__", None) or {})
    takes_varargs = bool(code.co_flags & _CO_VARARGS)
    return required <= 2 and (positional >= 2 or takes_varargs) and keyword_only_required == 0


def _binds_by_signature(function: Callable[..., Any]) -> bool:
    import inspect

    try:
        inspect.signature(function).bind(None, None)
    except TypeError:
        return False
    except ValueError:  # no signature to read (some builtins): let the call decide
        return True
    return True


def _type(module: str, name: str, entry: Mapping[str, Any]) -> MethodType:
    value = entry.get("type", "internal")
    if value not in TYPES:
        raise DeclarationError(module, name, "type", f"{value!r} is not 'external' or 'internal'")
    return value  # type: ignore[no-any-return]


def _access(module: str, name: str, entry: Mapping[str, Any]) -> tuple[str, ...] | None:
    if "access" not in entry:
        return None
    value = entry["access"]
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise DeclarationError(module, name, "access", f"must be a list of role names, got {value!r}")
    if not value:
        raise DeclarationError(module, name, "access", "is empty; leave it out to allow everyone")
    if not all(isinstance(role, str) and role for role in value):
        raise DeclarationError(module, name, "access", f"role names must be non-empty strings, got {value!r}")
    return tuple(value)


def _format(module: str, name: str, entry: Mapping[str, Any]) -> Format | None:
    if "format" not in entry:
        return None
    value = entry["format"]
    if value not in FORMATS:
        raise DeclarationError(module, name, "format", f"{value!r} is not 'json' or 'json_object'")
    return value  # type: ignore[no-any-return]


def _verbs(module: str, name: str, entry: Mapping[str, Any]) -> tuple[str, ...]:
    value = entry.get("verbs", SERVED_VERBS)
    if isinstance(value, str) or not isinstance(value, list | tuple) or not value:
        raise DeclarationError(
            module, name, "verbs", f"must be a non-empty list such as ['POST'], got {value!r}"
        )
    unknown = [verb for verb in value if verb not in SERVED_VERBS]
    if unknown:
        raise DeclarationError(module, name, "verbs", f"{unknown[0]!r} is not 'GET' or 'POST'")
    return tuple(verb for verb in SERVED_VERBS if verb in value)


def _implementation(module: str, name: str, entry: Mapping[str, Any], service: object) -> str:
    target = entry.get("method", name)
    key = "method" if "method" in entry else None
    if not isinstance(target, str) or not target.isidentifier() or target.startswith("__"):
        raise DeclarationError(module, name, key, f"{target!r} is not a method name")
    function = getattr(service, target, None)
    if not callable(function):
        raise DeclarationError(module, name, key, f"'{target}' names nothing callable on Service")
    if not _accepts_data_and_ctx(function):
        raise DeclarationError(module, name, key, f"'{target}' must accept (data, ctx)")
    return target


def _schema(module: str, name: str, entry: Mapping[str, Any], key: str) -> "Validator | None":
    if key not in entry:
        return None
    from chalicelib.schema import SchemaError, Validator

    try:
        return Validator(entry[key])
    except SchemaError as error:
        raise DeclarationError(module, name, key, f"not a usable JSON Schema: {error}") from None


def _description(module: str, name: str, entry: Mapping[str, Any], function: object) -> str | None:
    """The declared line; absent, the first line of the implementing method's docstring."""
    if "description" not in entry:
        doc = getattr(function, "__doc__", None)
        first = doc.strip().splitlines()[0].strip() if isinstance(doc, str) and doc.strip() else ""
        return first[:MAX_DESCRIPTION_LENGTH] or None
    value = entry["description"]
    if (
        not isinstance(value, str)
        or len(value.strip().splitlines()) != 1
        or len(value) > MAX_DESCRIPTION_LENGTH
    ):
        raise DeclarationError(
            module, name, "description", f"must be one line of 1 to {MAX_DESCRIPTION_LENGTH} characters"
        )
    return value.strip()


def declared_spec(module: str, name: object, entry: object, service: object) -> MethodSpec:
    """Validate one row of the table."""
    if not is_public_name(name):
        raise DeclarationError(
            module, str(name), None, "an API name must be an identifier not starting with '_'"
        )
    assert isinstance(name, str)
    if not isinstance(entry, Mapping):
        raise DeclarationError(
            module, name, None, f"the declaration must be a dict, got {type(entry).__name__}"
        )
    unknown = sorted(str(key) for key in entry if key not in KNOWN_KEYS)
    if unknown:
        raise DeclarationError(
            module, name, unknown[0], f"unknown key (known: {', '.join(sorted(KNOWN_KEYS))})"
        )
    implementation = _implementation(module, name, entry, service)
    return MethodSpec(
        module=module,
        name=name,
        type=_type(module, name, entry),
        access=_access(module, name, entry),
        format=_format(module, name, entry),
        implementation=implementation,
        schema=_schema(module, name, entry, "schema"),
        returns=_schema(module, name, entry, "returns"),
        description=_description(module, name, entry, getattr(service, implementation)),
        verbs=_verbs(module, name, entry),
    )


def read_table(module: str, service: object) -> object:
    """The table through `get_api()` where the class defines it, else its `api` attribute."""
    get_api = getattr(service, "get_api", None)
    if callable(get_api):
        try:
            return get_api()
        except Exception as exc:
            raise DeclarationError(module, None, None, f"get_api() raised {type(exc).__name__}") from exc
    return getattr(service, "api", {})


def method_specs(module: str, service: object) -> dict[str, MethodSpec]:
    """Every API method of a Service: the declared ones, then undeclared public ones as internal."""
    table = read_table(module, service)
    if not isinstance(table, Mapping):
        raise DeclarationError(module, None, "api", f"the table must be a dict, got {type(table).__name__}")
    specs = {str(name): declared_spec(module, name, entry, service) for name, entry in table.items()}
    for name in dir(type(service)):
        if name in specs or name in NOT_API_METHODS or not is_public_name(name):
            continue
        function = getattr(service, name, None)
        if callable(function) and _accepts_data_and_ctx(function):
            specs[name] = MethodSpec(module=module, name=name, implementation=name)
    return specs

"""What a service method gets as `ctx`: the caller, what the process provides (settings, registry,
store, clock), internal calls as that caller, and response extras."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chalicelib import dispatch
from chalicelib.identity import User

if TYPE_CHECKING:  # the storage interface (and dataclasses) stay off the path of a public request
    from chalicelib.config import Settings
    from chalicelib.registry import Registry
    from chalicelib.storage.base import Store
    from chalicelib.storage.items import ModuleStorage

# keyword spelling -> Set-Cookie attribute
_COOKIE_ATTRIBUTES = {
    "max_age": "max-age",
    "expires": "expires",
    "path": "path",
    "domain": "domain",
    "secure": "secure",
    "httponly": "httponly",
    "samesite": "samesite",
}
_SAME_SITE = {"strict": "Strict", "lax": "Lax", "none": "None"}
# What an attribute's value may hold (RFC 6265 av-octet): printable ASCII but ';'. Patterns are
# compiled on first use (re's cache), so a request whose method sets no cookie never pays for them.
_ATTRIBUTE_TEXT = r"[\x20-\x3a\x3c-\x7e]+"
_DOMAIN = r"\.?[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?"
_MAX_AGE = r"-?[0-9]{1,12}"

# What the process provides a call, each as a function that returns it, so that nothing is made
# before a method asks for it: an internal call from a script needs no API key, and a public
# request never imports boto3.
Clock = Callable[[], float]  # epoch seconds
SettingsSource = Callable[[], "Settings"]
StoreFactory = Callable[[], "Store"]


def render_set_cookie(name: str, value: str, **attributes: Any) -> str:
    """One Set-Cookie header value; ValueError, saying what to change, for a bad name, value or attribute.

    Every attribute is checked (a CR LF in a path would start a header of the caller's choosing),
    and so are the rules browsers apply silently: a `__Host-` cookie is Secure, Path=/ and has no
    Domain, a `__Secure-` one and one with SameSite=None are Secure.
    """
    from http.cookies import CookieError, Morsel  # lazily: only methods that set cookies need it

    morsel: Morsel[str] = Morsel()
    try:
        morsel.set(name, value, value)
    except CookieError as exc:
        raise ValueError(f"illegal cookie name {name!r}") from exc
    if any(char in value for char in ';,\r\n "\\') or not (value.isascii() and value.isprintable()):
        raise ValueError(f"cookie {name!r} has a value that needs quoting or is not ASCII; encode it first")
    for keyword, given in attributes.items():
        attribute = _COOKIE_ATTRIBUTES.get(keyword.lower())
        if attribute is None:
            raise ValueError(f"unknown cookie attribute {keyword!r}")
        if given is not None and given is not False:
            morsel[attribute] = _attribute_value(name, attribute, given)
    _check_prefix_rules(name, morsel)
    return morsel.OutputString()


def _attribute_value(name: str, attribute: str, given: Any) -> Any:
    import re

    if attribute in ("secure", "httponly"):
        if given is not True:
            raise ValueError(f"cookie {name!r}: {attribute} is True, False or None, not {given!r}")
        return True
    if attribute in ("max-age", "expires") and type(given) is int:
        return given  # seconds (expires: from now, which Morsel writes as a date)
    if not isinstance(given, str):
        raise ValueError(f"cookie {name!r}: {attribute} must be a string, not {type(given).__name__}")
    if attribute == "samesite":
        if given.lower() not in _SAME_SITE:
            raise ValueError(f"cookie {name!r}: samesite is 'Strict', 'Lax' or 'None', not {given[:40]!r}")
        return _SAME_SITE[given.lower()]
    pattern = {"domain": _DOMAIN, "max-age": _MAX_AGE}.get(attribute, _ATTRIBUTE_TEXT)
    if not re.fullmatch(pattern, given) or (attribute == "path" and not given.startswith("/")):
        raise ValueError(
            f"cookie {name!r}: {attribute} {given[:40]!r} would break the header or means nothing to a "
            "browser (printable ASCII without ';'; a path starts with '/', a domain is a host name)"
        )
    return given


def _check_prefix_rules(name: str, morsel: Any) -> None:
    secure = bool(morsel["secure"])
    if name.startswith("__Host-") and not (secure and morsel["path"] == "/" and not morsel["domain"]):
        raise ValueError(f"cookie {name!r}: a __Host- cookie needs secure=True, path='/' and no domain")
    if name.startswith("__Secure-") and not secure:
        raise ValueError(f"cookie {name!r}: a __Secure- cookie needs secure=True")
    if morsel["samesite"] == "None" and not secure:
        raise ValueError(f"cookie {name!r}: samesite='None' needs secure=True (browsers drop it otherwise)")


class Context:
    """Passed to every method as `ctx`. Internal calls share the HTTP answer's headers and cookies.

    The root context of a call carries what the process provides: the `settings`, the `registry`
    that `call` looks methods up in, the `store` (made on first use: a request that needs none
    never imports boto3) and the clock behind `now()`. Every internal call below it sees the same.
    Below an HTTP request, `http_method` and `client_address` (the one API Gateway saw) are that
    request's; both are None for a call from outside HTTP.
    """

    __slots__ = (
        "_clock",
        "_registry",
        "_settings",
        "_storage",
        "_store",
        "client_address",
        "cookies",
        "credential",
        "depth",
        "http_method",
        "module",
        "request_id",
        "response_headers",
        "text_data",
        "user",
    )

    def __init__(
        self,
        user: User | None,
        request_id: str,
        *,
        settings: SettingsSource | None = None,
        registry: Registry | None = None,
        store: StoreFactory | None = None,
        clock: Clock | None = None,
        depth: int = 0,
        response_headers: dict[str, str] | None = None,
        cookies: list[str] | None = None,
        credential: Any = None,
        text_data: bool = False,
        http_method: str | None = None,
        client_address: str | None = None,
    ) -> None:
        self.user = user
        self.request_id = request_id
        self._settings = settings
        self._registry = registry
        self._store = store
        self._clock = clock
        self.depth = depth
        self.response_headers: dict[str, str] = {} if response_headers is None else response_headers
        self.cookies: list[str] = [] if cookies is None else cookies
        # The credential this request came with, so users.logout can revoke it (None for anonymous/internal).
        self.credential = credential
        # The request's data came as strings (a query, a form): its batched calls convert them too.
        self.text_data = text_data
        self.module: str | None = None  # whose method runs with this context (set by the dispatch)
        self._storage: ModuleStorage | None = None
        self.http_method = http_method
        self.client_address = client_address

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            raise RuntimeError("this context carries no settings")
        return self._settings()

    @property
    def registry(self) -> Registry:
        if self._registry is None:
            raise RuntimeError("this context cannot make internal calls")
        return self._registry

    @property
    def store(self) -> Store:
        """The store, made on first use."""
        if self._store is None:
            raise RuntimeError("this context carries no store")
        return self._store()

    @property
    def storage(self) -> ModuleStorage:
        """The running module's own items (DESIGN section 10); nothing is made until a method asks."""
        if self.module is None:
            raise RuntimeError("this context runs no module's method")
        if self._storage is None or self._storage.module != self.module:
            from chalicelib.storage.items import ModuleStorage

            self._storage = ModuleStorage(lambda: self.store, self.module)
        return self._storage

    def now(self) -> int:
        """Epoch seconds on the clock of this call (tests move it)."""
        if self._clock is None:
            raise RuntimeError("this context carries no clock")
        return int(self._clock())

    def call(self, module: str, method: str, data: Any = None) -> Any:
        """An internal call made as the same user; refusals raise ApiError."""
        return dispatch.call_from(self, module, method, data)

    def set_cookie(self, name: str, value: str, **attributes: Any) -> None:
        self.cookies.append(render_set_cookie(name, value, **attributes))

    def child(self) -> Context:
        """The context of an internal call one level deeper."""
        return Context(
            user=self.user,
            request_id=self.request_id,
            settings=self._settings,
            registry=self._registry,
            store=self._store,
            clock=self._clock,
            depth=self.depth + 1,
            response_headers=self.response_headers,
            cookies=self.cookies,
            credential=self.credential,
            http_method=self.http_method,
            client_address=self.client_address,
        )

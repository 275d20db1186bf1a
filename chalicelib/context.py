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

# What the process provides a call, each as a function that returns it, so that nothing is made
# before a method asks for it: an internal call from a script needs no API key, and a public
# request never imports boto3.
Clock = Callable[[], float]  # epoch seconds
SettingsSource = Callable[[], "Settings"]
StoreFactory = Callable[[], "Store"]


def render_set_cookie(name: str, value: str, **attributes: Any) -> str:
    """One Set-Cookie header value; ValueError for a bad name, value or attribute."""
    from http.cookies import CookieError, Morsel  # lazily: only methods that set cookies need it

    morsel: Morsel[str] = Morsel()
    try:
        morsel.set(name, value, value)
    except CookieError as exc:
        raise ValueError(f"illegal cookie name {name!r}") from exc
    if any(char in value for char in ';,\r\n "\\') or not value.isprintable():
        raise ValueError(f"cookie {name!r} has a value that needs quoting; encode it first")
    for keyword, attribute_value in attributes.items():
        attribute = _COOKIE_ATTRIBUTES.get(keyword.lower())
        if attribute is None:
            raise ValueError(f"unknown cookie attribute {keyword!r}")
        if attribute_value is not None and attribute_value is not False:
            morsel[attribute] = attribute_value
    return morsel.OutputString()


class Context:
    """Passed to every method as `ctx`. Internal calls share the HTTP answer's headers and cookies.

    The root context of a call carries what the process provides: the `settings`, the `registry`
    that `call` looks methods up in, the `store` (made on first use: a request that needs none
    never imports boto3) and the clock behind `now()`. Every internal call below it sees the same.
    """

    __slots__ = (
        "_clock",
        "_registry",
        "_settings",
        "_storage",
        "_store",
        "cookies",
        "credential",
        "depth",
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
        )

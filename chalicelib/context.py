"""What a service method gets as `ctx`: the caller, internal calls as that caller, and response extras."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib.identity import User

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

InternalCaller = Callable[["Context", str, str, Any], Any]


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
    """Passed to every method as `ctx`. Internal calls share the HTTP answer's headers and cookies."""

    __slots__ = (
        "_internal_caller",
        "cookies",
        "credential",
        "depth",
        "request_id",
        "response_headers",
        "user",
    )

    def __init__(
        self,
        user: User | None,
        request_id: str,
        *,
        depth: int = 0,
        response_headers: dict[str, str] | None = None,
        cookies: list[str] | None = None,
        credential: Any = None,
        _internal_caller: InternalCaller | None = None,
    ) -> None:
        self.user = user
        self.request_id = request_id
        self.depth = depth
        self.response_headers: dict[str, str] = {} if response_headers is None else response_headers
        self.cookies: list[str] = [] if cookies is None else cookies
        # The credential this request came with, so users.logout can revoke it (None for anonymous/internal).
        self.credential = credential
        self._internal_caller = _internal_caller

    def call(self, module: str, method: str, data: Any = None) -> Any:
        """An internal call made as the same user; refusals raise ApiError."""
        if self._internal_caller is None:
            raise RuntimeError("this context cannot make internal calls")
        return self._internal_caller(self, module, method, data)

    def set_cookie(self, name: str, value: str, **attributes: Any) -> None:
        self.cookies.append(render_set_cookie(name, value, **attributes))

    def child(self) -> Context:
        """The context of an internal call one level deeper."""
        return Context(
            user=self.user,
            request_id=self.request_id,
            depth=self.depth + 1,
            response_headers=self.response_headers,
            cookies=self.cookies,
            credential=self.credential,
            _internal_caller=self._internal_caller,
        )

"""The API console (DESIGN section 9): one self-contained page for trying the API from a browser.

The page is `static/console.html` with `console.css` and `console.js` put inline, read from the
repository at request time: no CDN, no build step. It holds no secret: the browser reads the key
from `?key=` itself. A Content-Security-Policy allows exactly that inline style and script (by
hash) and calls to this origin only.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from chalicelib import runtime
from chalicelib.errors import NotFound, answer_for
from chalicelib.http.responses import error_response

if TYPE_CHECKING:
    from chalice.app import Response

logger = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
HTML = "text/html; charset=utf-8"


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def assemble(html: str, css: str, js: str) -> tuple[str, str]:
    """The page with its style and script inline, and the Content-Security-Policy that admits them."""
    page = html.replace("/*{{style}}*/", css, 1).replace("/*{{script}}*/", js, 1)
    policy = "; ".join(
        [
            "default-src 'none'",
            f"script-src {_sha256(js)}",
            f"style-src {_sha256(css)}",
            "connect-src 'self'",
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )
    return page, policy


def page() -> tuple[str, str]:
    return assemble(
        *(STATIC.joinpath(name).read_text("utf-8") for name in ("console.html", "console.css", "console.js"))
    )


def serve() -> Response:
    """`GET /console`: the page while CONSOLE is on, else 404 `not_found` in the contract's shape."""
    from chalice.app import Response

    try:
        if not runtime.settings().console:
            return error_response(NotFound("there is nothing at this path"))
        body, policy = page()
    except Exception as caught:  # a broken configuration, or the page that cannot be read
        return error_response(answer_for(caught, logger, "console"))
    return Response(
        body=body,
        status_code=200,
        headers={
            "Content-Type": HTML,
            "Content-Security-Policy": policy,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "Cache-Control": "no-cache",
        },
    )

"""The internal API for other code of the system: `call(module, method, data=None, user=None)`.

`user=None` is anonymous; `user=SYSTEM` is the trusted caller that holds every role. Internal
calls reach internal, external and undeclared public methods, enforce `access`, and return the
Python value without rendering a format; a refusal raises ApiError.
"""

from __future__ import annotations

import os
from typing import Any

from chalicelib import dispatch, runtime
from chalicelib.identity import SYSTEM, User

__all__ = ["SYSTEM", "User", "call"]


def call(module: str, method: str, data: Any = None, user: User | None = None) -> Any:
    ctx = runtime.root_context(user, request_id=f"internal-{os.urandom(6).hex()}")
    return dispatch.call(ctx, module, method, data)

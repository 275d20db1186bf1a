"""Which module and method names a caller may even ask for: checked before any lookup or import."""

from __future__ import annotations

import re

MAX_NAME_LENGTH = 64

# An identifier that does not start with "_": no dunder, no private, no dotted path, no NUL.
_PUBLIC_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def is_public_name(name: object) -> bool:
    return isinstance(name, str) and len(name) <= MAX_NAME_LENGTH and _PUBLIC_NAME.fullmatch(name) is not None


def shown(name: object) -> str:
    """A name as an error message may quote it: at most MAX_NAME_LENGTH characters, printable."""
    text = name if isinstance(name, str) else repr(name)
    clipped = text[:MAX_NAME_LENGTH] + ("..." if len(text) > MAX_NAME_LENGTH else "")
    return clipped if clipped.isprintable() else repr(clipped)[1:-1]

"""Argon2id at its lowest cost, for tests where hashing is not the subject (full cost: about 0.27 s a hash).

The suites swap `chalicelib.auth.passwords`' hasher for this one (tests/conftest.py). A hash keeps
its parameters, so a hash made here verifies just as cheaply in any process. `python -m
tests.cheap_argon2` runs the `make run` server (tools.devserver) with the cheap hasher, so the
administrator it creates, and every login and unknown-user check it serves, are cheap too.
"""

from __future__ import annotations

import functools
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from argon2 import PasswordHasher

TIME_COST, MEMORY_COST, PARALLELISM = 1, 8, 1  # the least argon2 accepts: one pass over 8 KiB


@functools.cache
def cheap_hasher() -> PasswordHasher:
    from argon2 import PasswordHasher

    return PasswordHasher(time_cost=TIME_COST, memory_cost=MEMORY_COST, parallelism=PARALLELISM)


def use_cheap_hashes() -> None:
    """For the rest of this process (the dev server's): hashes, verifies and the dummy hash are cheap."""
    from chalicelib.auth import passwords

    passwords.use_hasher(cheap_hasher())


if __name__ == "__main__":
    from tools import devserver

    use_cheap_hashes()
    sys.exit(devserver.main())

"""Where the time goes, with pyinstrument: a cold public start, or warm requests of one kind.

    python -m bench.profile cold [floor|gateway]       import and first public request, fresh process
    python -m bench.profile warm [public_get|post_form|post_json]   20,000 warm requests in-process

For imports alone, `python -X importtime bench/cold_child.py . gateway < event.json` says more.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from bench import cold, events
from chalicelib.paths import PROJECT_ROOT

SETTINGS = {"API_KEY": events.KEY, "STAGE": "dev", "TABLE_NAME": "eqsash-bench", "LOG_LEVEL": "WARNING"}


def profile_cold(target: str) -> None:
    command = [sys.executable, "-m", "pyinstrument", "--interval", "0.0001", str(cold.CHILD)]
    subprocess.run(
        [*command, str(PROJECT_ROOT), target],
        input=json.dumps(events.public_get()),
        cwd=PROJECT_ROOT,
        env=cold.child_environment(SETTINGS),
        text=True,
        check=True,
    )


def profile_warm(kind: str, requests: int = 20_000) -> None:
    from pyinstrument import Profiler

    os.environ.update(SETTINGS)
    sys.path.insert(0, str(PROJECT_ROOT))
    from app import app

    event = getattr(events, kind)()
    app(event, None)
    with Profiler(interval=0.0001) as profiler:
        for _ in range(requests):
            app(event, None)
    print(profiler.output_text(unicode=True, color=False))


def main(argv: list[str]) -> int:
    if len(argv) not in (1, 2) or argv[0] not in ("cold", "warm"):
        print(__doc__, file=sys.stderr)
        return 2
    if argv[0] == "cold":
        profile_cold(argv[1] if len(argv) > 1 else "gateway")
    else:
        profile_warm(argv[1] if len(argv) > 1 else "public_get")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

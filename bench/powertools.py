"""The warm requests side by side with Powertools' `APIGatewayRestResolver` on the same events.

Powertools is installed by the benchmark itself, into build/bench-deps (`pip install --target`,
without its dependencies, which the venv already holds: jmespath, typing-extensions), and put at
the end of this process's path; it is no requirement of the project and never packaged.
"""

from __future__ import annotations

import subprocess
import sys

from bench import events, report, warm
from chalicelib.paths import PROJECT_ROOT

TARGET = PROJECT_ROOT / "build" / "bench-deps"
POWERTOOLS = "aws-lambda-powertools==3.37.0"
EVENTS = {"public_get": events.public_get, "post_form": events.post_form, "post_json": events.post_json}


def install() -> None:
    """Powertools in build/bench-deps, once; importable from then on."""
    marker = TARGET / f".{POWERTOOLS}"
    if not marker.exists():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--no-deps",
                "--upgrade",
                "--target",
                str(TARGET),
                POWERTOOLS,
            ],
            check=True,
            timeout=600,
        )
        marker.touch()
    if str(TARGET) not in sys.path:
        sys.path.append(str(TARGET))


def compare(results: report.Results, number: int, rounds: int) -> None:
    """`<event>_powertools` in results.warm: Powertools as the baseline, the gateway as the subject."""
    install()
    from app import app as gateway
    from bench.powertools_app import app as powertools
    from chalicelib import runtime

    runtime.reset()
    for name, event in EVENTS.items():
        results.warm[f"{name}_powertools"] = warm.compare(
            warm.Side(powertools, event()), warm.Side(gateway, event()), number=number, rounds=rounds
        )

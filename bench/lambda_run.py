"""deployment.zip run as Lambda runs it: unpacked read-only, a fresh runtime Python, nothing else on the path.

Used by the package test (tests/deploy) and by `make bench`'s package rows.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

CHILD = Path(__file__).resolve().parent / "lambda_child.py"
# -I: no PYTHON* variables, no user site, not the script's folder; -S: no site-packages; -B: no .pyc written.
FLAGS = ("-I", "-S", "-B")
READ_ONLY_FILE = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH
READ_ONLY_DIRECTORY = READ_ONLY_FILE | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH


def runtime_python() -> str:
    """The interpreter under this venv: the runtime's Python without the developer's packages."""
    return str(getattr(sys, "_base_executable", None) or sys.executable)


def unpack_read_only(archive: Path, into: Path) -> Path:
    """ARCHIVE's files in INTO, every file and directory then made read-only, as Lambda's /var/task is."""
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(into)
    for root, directories, files in os.walk(into):
        for name in files:
            os.chmod(os.path.join(root, name), READ_ONLY_FILE)
        for name in directories:
            os.chmod(os.path.join(root, name), READ_ONLY_DIRECTORY)
    os.chmod(into, READ_ONLY_DIRECTORY)
    return into


def make_writable(root: Path) -> None:
    """Undo unpack_read_only, so that ROOT can be removed."""
    os.chmod(root, stat.S_IRWXU)
    for current, directories, files in os.walk(root):
        for name in directories:
            os.chmod(os.path.join(current, name), stat.S_IRWXU)
        for name in files:
            os.chmod(os.path.join(current, name), stat.S_IRUSR | stat.S_IWUSR)


def listing(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under ROOT with its size and modification time: what a run may not change."""
    found = {}
    for current, _, files in os.walk(root):
        for name in files:
            info = os.stat(os.path.join(current, name))
            found[os.path.relpath(os.path.join(current, name), root)] = (info.st_size, info.st_mtime_ns)
    return found


def environment(variables: dict[str, str]) -> dict[str, str]:
    """A small fixed environment, as Lambda's: PATH, LANG and the function's variables."""
    base = {name: os.environ[name] for name in ("PATH", "LANG") if name in os.environ}
    return {**base, "AWS_EC2_METADATA_DISABLED": "true", **variables}


def run(
    package: Path,
    events: list[dict[str, Any]],
    variables: dict[str, str],
    handler: str = "app.app",
    python: str | None = None,
) -> dict[str, Any]:
    """The child's report (bench/lambda_child.py) of serving EVENTS from the unpacked PACKAGE."""
    done = subprocess.run(
        [python or runtime_python(), *FLAGS, str(CHILD), str(package), handler],
        input=json.dumps(events),
        cwd=package,
        env=environment(variables),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the package's cold start failed ({done.returncode}):\n{done.stderr}")
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return report

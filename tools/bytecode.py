"""Bytecode that Python accepts from a read-only package: hash-based `.pyc` files it never checks.

Lambda unpacks the package into a read-only directory and starts Python there, so a module whose
`.pyc` is missing or stale is compiled from source on every cold start and the result is thrown
away. A timestamp `.pyc` is stale once the zip has rounded its source's modification time, so the
package carries unchecked hash-based ones (PEP 552): Python loads them without reading the source.
They are compiled by this Python, which is the runtime's (the template names it after this one).
"""

from __future__ import annotations

import compileall
import importlib.util
import py_compile
from pathlib import Path

# Where Lambda unpacks the package: the file names recorded in the bytecode, for tracebacks.
LAMBDA_TASK_ROOT = "/var/task"
UNCHECKED = py_compile.PycInvalidationMode.UNCHECKED_HASH


class BytecodeError(Exception):
    """A source file of the package does not compile."""


def compile_tree(directory: Path, package_root: Path | None = None) -> None:
    """A `__pycache__/*.pyc` for every `.py` under DIRECTORY, which sits in the package at PACKAGE_ROOT."""
    compiled = compileall.compile_dir(
        directory,
        quiet=1,
        stripdir=str(package_root or directory),
        prependdir=LAMBDA_TASK_ROOT,
        invalidation_mode=UNCHECKED,
        workers=1,
    )
    if not compiled:
        raise BytecodeError(f"some source files under {directory} do not compile (listed above)")


def compile_file(source: Path, package_root: Path, name_in_package: str) -> Path:
    """The `.pyc` of SOURCE, written where `package_root / name_in_package` keeps its cache."""
    target = Path(importlib.util.cache_from_source(str(package_root / name_in_package)))
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        py_compile.compile(
            str(source),
            cfile=str(target),
            dfile=f"{LAMBDA_TASK_ROOT}/{name_in_package}",
            doraise=True,
            invalidation_mode=UNCHECKED,
        )
    except py_compile.PyCompileError as exc:
        raise BytecodeError(str(exc)) from exc
    return target

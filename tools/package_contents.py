"""What of the project a stage's Lambda package holds: `app.py` and `chalicelib/`, minus the examples.

Example modules are named once, at the top of `.chalice/config.json`: `"example_modules": [...]`.
Every other file in `chalicelib/services/` is a module the project runs and ships to every stage,
so a module an author drops in is deployed without editing any list. A stage ships an example
only when it names it: `"stages": {"dev": {"shipped_example_modules": ["demo", "greeting"]}}`;
a stage that names none (`prod`) ships none. Bytecode caches of the tree never ship: the package
carries its own, compiled by the packaging step.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from chalicelib.paths import PROJECT_ROOT

CONFIG_FILE = PROJECT_ROOT / ".chalice" / "config.json"
SERVICES = Path("chalicelib") / "services"
# The keys of config.json that this module reads; chalice ignores them.
EXAMPLES_KEY = "example_modules"
SHIPPED_EXAMPLES_KEY = "shipped_example_modules"
# In chalicelib, so that a module's tests import it as chalicelib.testing, but never run by Lambda.
DEVELOPMENT_ONLY = frozenset({Path("chalicelib") / "testing.py"})


class ContentsError(Exception):
    """config.json names example modules in a way that cannot be right; the message says how."""


def _names(value: Any, where: str) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise ContentsError(f"config.json: {where} must be a list of module names")
    return frozenset(value)


def example_modules(config: dict[str, Any]) -> frozenset[str]:
    """The service modules that are examples (config.json's top-level `example_modules`)."""
    return _names(config.get(EXAMPLES_KEY, []), EXAMPLES_KEY)


def excluded_examples(config: dict[str, Any], stage: str, project_dir: Path = PROJECT_ROOT) -> frozenset[str]:
    """The example modules the stage does not ship; refuses names that are no example or no file."""
    examples = example_modules(config)
    missing = sorted(name for name in examples if not (project_dir / SERVICES / f"{name}.py").is_file())
    if missing:
        raise ContentsError(f"config.json: {EXAMPLES_KEY} names {', '.join(missing)}, not in {SERVICES}/")
    where = f"stages.{stage}.{SHIPPED_EXAMPLES_KEY}"
    shipped = _names(config.get("stages", {}).get(stage, {}).get(SHIPPED_EXAMPLES_KEY, []), where)
    unknown = sorted(shipped - examples)
    if unknown:
        raise ContentsError(f"config.json: {where} names {', '.join(unknown)}, which {EXAMPLES_KEY} does not")
    return examples - shipped


def load_config(config_file: Path = CONFIG_FILE) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(config_file.read_text())
    return loaded


def _is_cache(relative: Path) -> bool:
    return "__pycache__" in relative.parts or relative.suffix in (".pyc", ".pyo")


def runtime_files(stage: str, project_dir: Path = PROJECT_ROOT) -> Iterator[Path]:
    """The project's files the stage's package holds, relative to the project: app.py, then chalicelib."""
    config = load_config(project_dir / ".chalice" / "config.json")
    excluded = {SERVICES / f"{name}.py" for name in excluded_examples(config, stage, project_dir)}
    yield Path("app.py")
    for path in sorted((project_dir / "chalicelib").rglob("*")):
        relative = path.relative_to(project_dir)
        if (
            path.is_file()
            and not _is_cache(relative)
            and not path.name.startswith(".")
            and relative not in excluded
            and relative not in DEVELOPMENT_ONLY
        ):
            yield relative

"""Generated service modules for the scale runs, written only into temporary folders (never committed)."""

from __future__ import annotations

import shutil
from pathlib import Path

from chalicelib.paths import PROJECT_ROOT

SHIPPED_SERVICES = PROJECT_ROOT / "chalicelib" / "services"

_FORMATS = ('"json"', '"json_object"')


def module_source(index: int, methods: int) -> str:
    """A plain-form module: external and internal methods, formats, access lists, one renamed method."""
    rows = []
    bodies = []
    for number in range(methods):
        name = f"method_{number}"
        declaration = [f'"type": "{"external" if number % 3 else "internal"}"']
        if number % 2:
            declaration.append(f'"format": {_FORMATS[number % 4 // 2]}')
        if number % 5 == 4:
            declaration.append('"access": ["administrator", "editor"]')
        implementation = f"_do_{number}" if number == methods - 1 else name  # private: not an API name
        if implementation != name:
            declaration.append(f'"method": "{implementation}"')
        rows.append(f'        "{name}": {{{", ".join(declaration)}}},')
        bodies.append(
            f"    def {implementation}(self, data, ctx):\n"
            f'        return {{"module": {index}, "method": {number}, "data": data}}\n'
        )
    return (
        f'"""generated module {index}: {methods} methods."""\n\n\n'
        "class Service:\n"
        "    api = {\n" + "\n".join(rows) + "\n    }\n\n" + "\n".join(bodies)
    )


def generate(directory: Path, count: int, methods: int) -> list[str]:
    """`count` modules of `methods` methods each in `directory`; their names."""
    names = [f"generated_{index:04d}" for index in range(count)]
    for index, name in enumerate(names):
        (directory / f"{name}.py").write_text(module_source(index, methods))
    return names


def services_package(root: Path, package: str, count: int, methods: int) -> Path:
    """`root/package`: a copy of the shipped modules, plus `count` generated ones."""
    directory = root / package
    shutil.copytree(SHIPPED_SERVICES, directory, ignore=shutil.ignore_patterns("__pycache__"))
    generate(directory, count, methods)
    return directory


def project_copy(root: Path, count: int, methods: int) -> Path:
    """A copy of app.py and chalicelib, with `count` generated modules beside the shipped ones."""
    root.mkdir(parents=True)
    shutil.copy2(PROJECT_ROOT / "app.py", root / "app.py")
    shutil.copytree(
        PROJECT_ROOT / "chalicelib", root / "chalicelib", ignore=shutil.ignore_patterns("__pycache__")
    )
    generate(root / "chalicelib" / "services", count, methods)
    return root

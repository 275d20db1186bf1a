"""Service modules found by file name and imported lazily, one at a time, on the first call that names them.

`python -m chalicelib.registry --check` validates every module in the tree (run by `make check`).
"""

# Annotations are evaluated, not postponed (no `from __future__ import annotations`): a NamedTuple's
# postponed annotations are each compiled as a ForwardRef when its class is made, on every cold start.

import importlib
import logging
import os
import sys
import threading
from collections.abc import Callable
from typing import Any, NamedTuple

from chalicelib.declarations import DeclarationError, MethodSpec, method_specs
from chalicelib.errors import UnknownMethod, UnknownModule
from chalicelib.names import is_public_name, shown

logger = logging.getLogger(__name__)

SERVICES_PACKAGE = "chalicelib.services"
# os.path rather than pathlib: pathlib and its imports (glob, ntpath, ...) would lengthen every cold start.
SERVICES_DIRECTORY = os.path.join(os.path.dirname(os.path.realpath(__file__)), "services")


class ServiceModule(NamedTuple):
    """A loaded module: its Service instance and its API methods by name."""

    name: str
    service: object
    methods: dict[str, MethodSpec]

    def implementation(self, spec: MethodSpec) -> Callable[[Any, Any], Any]:
        function: Callable[[Any, Any], Any] = getattr(self.service, spec.implementation)
        return function

    def method(self, name: str, *, external_only: bool) -> MethodSpec:
        """The named API method; internal ones look exactly like missing ones to external callers."""
        spec = self.methods.get(name) if is_public_name(name) else None
        if spec is None or (external_only and not spec.is_external):
            raise UnknownMethod(f"module '{self.name}' has no method '{shown(name)}'")
        return spec


class ModuleBroken(DeclarationError):
    """A module file that failed to import or to build its Service."""


class Registry:
    """Finds `<directory>/<name>.py` and imports it as `<package>.<name>` on first use."""

    def __init__(
        self, package: str = SERVICES_PACKAGE, directory: str | os.PathLike[str] = SERVICES_DIRECTORY
    ) -> None:
        self._package = package
        self._directory = os.fspath(directory)
        self._loaded: dict[str, ServiceModule | DeclarationError] = {}
        self._lock = threading.Lock()
        # (module, method, external_only) -> what dispatch.lookup found for it: methods that exist only.
        self.found: dict[tuple[str, str, bool], Any] = {}

    def names(self) -> list[str]:
        """Every module in the directory, sorted (imports nothing)."""
        try:
            entries = os.listdir(self._directory)
        except FileNotFoundError:  # as Path.glob has it: no directory, no module
            return []
        stems = (entry[:-3] for entry in entries if entry.endswith(".py"))
        return sorted(stem for stem in stems if is_public_name(stem))

    def module(self, name: str) -> ServiceModule:
        """The loaded module; UnknownModule for a name that is no module file, DeclarationError if broken."""
        loaded = self._loaded.get(name)
        if loaded is None:
            if not is_public_name(name) or not os.path.isfile(os.path.join(self._directory, f"{name}.py")):
                raise UnknownModule(f"no module '{shown(name)}'")
            with self._lock:
                loaded = self._loaded.get(name) or self._load(name)
                self._loaded[name] = loaded
        if isinstance(loaded, DeclarationError):
            raise loaded
        return loaded

    def _load(self, name: str) -> ServiceModule | DeclarationError:
        try:
            return ServiceModule(
                name=name, service=(service := self._instantiate(name)), methods=method_specs(name, service)
            )
        except DeclarationError as error:
            logger.error("service module is broken: %s", error.message)
            return error

    @staticmethod
    def _import(qualified: str) -> object:
        try:
            return importlib.import_module(qualified)
        except ModuleNotFoundError as exc:
            if exc.name != qualified:
                raise
            importlib.invalidate_caches()  # a file dropped in after the directory was first listed
            return importlib.import_module(qualified)

    def _instantiate(self, name: str) -> object:
        qualified = f"{self._package}.{name}"
        try:
            python_module = self._import(qualified)
        except (Exception, SystemExit) as exc:
            sys.modules.pop(qualified, None)
            logger.exception("service module '%s' failed to import", name)
            raise ModuleBroken(name, None, None, f"failed to import ({type(exc).__name__})") from exc
        service_class = getattr(python_module, "Service", None)
        if not isinstance(service_class, type):
            raise ModuleBroken(name, None, "Service", "the module defines no class named Service")
        try:
            return service_class()
        except Exception as exc:
            logger.exception("service module '%s': Service() raised", name)
            raise ModuleBroken(name, None, "Service", f"Service() raised {type(exc).__name__}") from exc


def check_all(registry: Registry) -> list[DeclarationError]:
    """Load every module; the errors of the broken ones."""
    errors = []
    for name in registry.names():
        try:
            registry.module(name)
        except DeclarationError as error:
            errors.append(error)
    return errors


def _where(exc: BaseException) -> str:
    """The last frame of an import failure and its message, for the author (never for a caller)."""
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    place = f"{frames[-1].filename}:{frames[-1].lineno}: " if frames else ""
    return f"  {place}{''.join(traceback.format_exception_only(exc)).strip()}"


def main(argv: list[str]) -> int:
    if argv != ["--check"]:
        print("usage: python -m chalicelib.registry --check", file=sys.stderr)
        return 2
    registry = Registry()
    errors = check_all(registry)
    for error in errors:
        print(f"error: {error.message}", file=sys.stderr)
        if error.__cause__ is not None:  # a module that failed to import: where, and what it said
            print(_where(error.__cause__), file=sys.stderr)
    print(f"{len(registry.names()) - len(errors)} service modules valid, {len(errors)} broken")
    return 1 if errors else 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.CRITICAL)
    sys.exit(main(sys.argv[1:]))

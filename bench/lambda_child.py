"""A cold start as Lambda makes it: the unpacked package alone on the path, then events through the handler.

Run as `python -I -S -B bench/lambda_child.py PACKAGE_DIR [HANDLER]` by the package test
(tests/deploy) and `make bench`: -I and -S leave only the interpreter's standard library on the
path (no site-packages, no PYTHON* variables, not this script's folder), -B writes no bytecode,
and this script puts PACKAGE_DIR first, as Lambda puts /var/task. The events come as a JSON list
on standard input; HANDLER is `module.attribute` in the package (`app.app` by default). It prints
one JSON line: each answer, the CPU seconds from before the first import to the last answer, the
peak memory, the modules loaded from anywhere but the package and the standard library, and the
package's files Python compiled from source because their bytecode was missing or refused.
"""

import time

_START_CPU = time.process_time()

import importlib  # noqa: E402
import importlib.machinery  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402

_COMPILED: list[str] = []
_source_to_code = importlib.machinery.SourceFileLoader.source_to_code


def _recording_source_to_code(self, data, path, *args, **kwargs):
    """Reached only when a module's .pyc is missing, stale or refused: the cost bytecode saves."""
    _COMPILED.append(str(path))
    return _source_to_code(self, data, path, *args, **kwargs)


def _standard_library() -> list[str]:
    import sysconfig  # after the clock stops: not part of the cold start

    paths = {sysconfig.get_path("stdlib"), sysconfig.get_path("platstdlib")}
    return sorted(os.path.realpath(path) + os.sep for path in paths if path)


def _outside(package: str) -> list[str]:
    """Modules whose file is neither in the package nor in the standard library (site-packages excluded)."""
    stdlib = _standard_library()
    found = []
    for name, module in list(sys.modules.items()):
        if module is sys.modules["__main__"]:  # this script, standing for Lambda's own bootstrap
            continue
        spec = getattr(module, "__spec__", None)
        locations = [getattr(module, "__file__", None)]
        if spec is not None and spec.submodule_search_locations:
            locations += list(spec.submodule_search_locations)
        for location in filter(None, locations):
            real = os.path.realpath(location)
            in_package = real.startswith(package)
            in_stdlib = any(real.startswith(root) for root in stdlib) and "-packages" + os.sep not in real
            if not (in_package or in_stdlib):
                found.append(f"{name}: {real}")
    return sorted(found)


def _peak_rss_kib() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main() -> None:
    package = os.path.realpath(sys.argv[1]) + os.sep
    module_name, _, attribute = (sys.argv[2] if len(sys.argv) > 2 else "app.app").partition(".")
    events = json.loads(sys.stdin.read())
    importlib.machinery.SourceFileLoader.source_to_code = _recording_source_to_code  # type: ignore[method-assign]
    sys.path.insert(0, package.rstrip(os.sep))
    handler = getattr(importlib.import_module(module_name), attribute)
    answers = [handler(event, None) for event in events]
    seconds = time.process_time() - _START_CPU
    report = {
        "answers": answers,
        "seconds": seconds,
        "peak_kib": _peak_rss_kib(),
        "outside": _outside(package),
        "compiled": sorted(path for path in _COMPILED if os.path.realpath(path).startswith(package)),
        "loaded": sorted(name for name in ("boto3", "argon2", "_cffi_backend") if name in sys.modules),
    }
    print(json.dumps(report))


main()

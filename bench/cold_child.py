"""One cold start in a fresh process: import an app, serve one event, report the time and peak memory.

Run by bench.cold as `python bench/cold_child.py PROJECT_DIR floor|gateway [client]`, the event on
standard input; prints one JSON line. The clocks start before anything but `time` is imported;
`seconds` is the CPU time of this process since then (the machine may be shared: CPU time is
what the import and the request cost, whatever else runs), `wall` the elapsed time.
"""

import time

_START_CPU, _START_WALL = time.process_time(), time.perf_counter()

import json  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402


def peak_rss_kib() -> int:
    """This process's peak resident memory: VmHWM where /proc has it, else ru_maxrss.

    On Linux ru_maxrss keeps the parent's high-water mark across fork and exec, so a child started
    by a large parent (this benchmark, with moto loaded) would report the parent's size; VmHWM
    belongs to the new program image only. From a small parent both give the same figure.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main() -> None:
    project, target, *extra = sys.argv[1:]
    sys.path[0] = project  # this script's own folder is not where the apps are imported from
    event = json.loads(sys.stdin.read())
    if target == "floor":
        from bench.floor_app import app
    else:
        from app import app
    answer = app(event, None)
    if "client" in extra:
        import boto3

        boto3.client("dynamodb")
    cpu, wall = time.process_time() - _START_CPU, time.perf_counter() - _START_WALL
    peak_kib = peak_rss_kib()
    loaded = sorted(name for name in ("boto3", "argon2") if name in sys.modules)
    report = {"seconds": cpu, "wall": wall, "peak_kib": peak_kib, "heavy": loaded}
    print(json.dumps({**report, "status": answer["statusCode"]}))


main()

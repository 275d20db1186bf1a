"""The deployment package holds runtime code only, with bytecode Python accepts, for the template's machine.

Every name in deployment.zip is accounted for: the project's runtime files (`app.py`, `chalicelib/`
minus the examples prod does not name), chalice's two files, the files each vendored distribution
lists in its RECORD, and one unchecked hash-based `.pyc` per source file. Anything else fails.
"""

from __future__ import annotations

import importlib.util
import json
import re
import struct
import sys
import zipfile
from email.parser import Parser
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

from tests.conftest import PROJECT_ROOT
from tests.deploy.conftest import NATIVE_ARCHITECTURE
from tools import package_contents

CHALICE_FILES = {"chalice/__init__.py", "chalice/app.py"}
RUNTIME_REQUIREMENTS = PROJECT_ROOT / "requirements.txt"
# ELF e_machine values (the System V ABI's registry) of the two Lambda architectures.
ELF_MACHINE = {"arm64": 183, "x86_64": 62}
WHEEL_MACHINE = {"arm64": "aarch64", "x86_64": "x86_64"}
LAMBDA_GLIBC = (2, 34)  # the glibc of the python3.13 runtime (Amazon Linux 2023)
PYC_UNCHECKED_HASH = 0b01  # PEP 552 flags: hash-based, check_source off


def archive_names(package_dir: Path) -> list[str]:
    with zipfile.ZipFile(package_dir / "deployment.zip") as archive:
        return [name for name in archive.namelist() if not name.endswith("/")]


def read(package_dir: Path, name: str) -> bytes:
    with zipfile.ZipFile(package_dir / "deployment.zip") as archive:
        return archive.read(name)


def function_properties(resources: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        resource["Properties"]
        for resource in resources.values()
        if resource["Type"] == "AWS::Serverless::Function"
    ]


@pytest.fixture(scope="module")
def names(package_dir: Path) -> list[str]:
    return archive_names(package_dir)


@pytest.fixture(scope="module")
def architecture(resources: dict[str, Any]) -> str:
    (found,) = {arch for props in function_properties(resources) for arch in props["Architectures"]}
    return str(found)


def distributions(package_dir: Path, names: list[str]) -> dict[str, dict[str, Any]]:
    """Each vendored distribution's name, RECORD entries, WHEEL tags and requirements, by dist-info."""
    found = {}
    for name in names:
        if name.endswith(".dist-info/RECORD"):
            info = name.rpartition("/")[0]
            record = read(package_dir, name).decode().splitlines()
            metadata = Parser().parsestr(read(package_dir, f"{info}/METADATA").decode())
            wheel = Parser().parsestr(read(package_dir, f"{info}/WHEEL").decode())
            found[info] = {
                "name": canonical(metadata["Name"]),
                "files": {line.rsplit(",", 2)[0] for line in record if line},
                "tags": wheel.get_all("Tag") or [],
                "requires": metadata.get_all("Requires-Dist") or [],
            }
    return found


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def required_closure(dists: dict[str, dict[str, Any]]) -> set[str]:
    """The distributions requirements.txt needs, following Requires-Dist (extras not taken)."""
    by_name = {dist["name"]: dist for dist in dists.values()}
    wanted = [
        canonical(re.split(r"[<>=!~;\[ ]", line, maxsplit=1)[0])
        for line in RUNTIME_REQUIREMENTS.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    closure: set[str] = set()
    while wanted:
        name = wanted.pop()
        if name in closure:
            continue
        closure.add(name)
        for requirement in by_name.get(name, {}).get("requires", []):
            if "extra ==" not in requirement:
                wanted.append(canonical(re.split(r"[<>=!~;\[ (]", requirement, maxsplit=1)[0]))
    return closure


def bytecode_name(source: str) -> str:
    return str(PurePosixPath(importlib.util.cache_from_source(source)))


# -- what ships --------------------------------------------------------------------------------------


def test_prod_ships_the_users_and_system_modules_and_no_example(names):
    services = {
        PurePosixPath(name).stem
        for name in names
        if name.startswith("chalicelib/services/") and name.endswith(".py")
    }
    config = package_contents.load_config()
    examples = package_contents.example_modules(config)
    assert examples >= {"demo", "greeting"}
    assert {"__init__", "users", "system"} <= services
    assert not services & examples
    # A module an author drops in ships too (the test kit never does): the rest of the tree's modules.
    authors = {path.stem for path in (PROJECT_ROOT / "chalicelib" / "services").glob("*.py")} - examples
    assert services == authors


def test_every_name_in_the_zip_is_runtime_code_a_vendored_distribution_or_its_bytecode(package_dir, names):
    project = {str(path) for path in package_contents.runtime_files("prod")}
    dists = distributions(package_dir, names)
    vendored = set().union(*(dist["files"] for dist in dists.values()))
    sources = project | CHALICE_FILES | vendored
    allowed = sources | {bytecode_name(name) for name in sources if name.endswith(".py")}
    assert sorted(set(names) - allowed) == []
    assert project | CHALICE_FILES <= set(names)  # and nothing of the project is missing


def test_the_vendored_distributions_are_exactly_what_requirements_txt_needs(package_dir, names):
    dists = distributions(package_dir, names)
    shipped = {dist["name"] for dist in dists.values()}
    assert shipped == required_closure(dists)
    assert {"boto3", "argon2-cffi", "argon2-cffi-bindings", "cffi"} <= shipped
    assert not shipped & {"chalice", "moto", "pytest", "aws-lambda-powertools"}


def test_no_development_tool_test_or_example_is_in_the_zip(names):
    tops = {name.split("/", 1)[0] for name in names}
    assert not tops & {"tools", "bench", "tests", "docs", ".chalice", "vendor", "build"}
    leaves = {PurePosixPath(name).name for name in names if name.startswith(("chalicelib/", "app"))}
    assert not leaves & {"devserver.py", "localstore.py", "packaging.py", "testing.py"}
    assert not leaves & {"demo.py", "greeting.py", "notes.py"}


def test_the_example_schedule_calls_a_module_that_prod_ships(resources, names):
    (target,) = resources["ExampleSchedule"]["Properties"]["Targets"]
    module = re.search(r'"module": "(\w+)"', target["Input"])
    assert module is not None
    assert f"chalicelib/services/{module.group(1)}.py" in names


# -- bytecode ----------------------------------------------------------------------------------------


def test_every_source_file_has_bytecode_python_loads_without_checking_it(package_dir, names):
    present = set(names)
    sources = [name for name in names if name.endswith(".py")]
    assert len(sources) > 200
    missing = [name for name in sources if bytecode_name(name) not in present]
    assert missing == []
    for source in sources:
        pyc = read(package_dir, bytecode_name(source))
        magic, flags, source_hash = pyc[:4], struct.unpack("<I", pyc[4:8])[0], pyc[8:16]
        assert magic == importlib.util.MAGIC_NUMBER, source  # this Python's, the template's runtime
        assert flags == PYC_UNCHECKED_HASH, source
        assert source_hash == importlib.util.source_hash(read(package_dir, source)), source


def test_bytecode_is_only_for_this_pythons_cache_tag(names):
    tag = sys.implementation.cache_tag
    stray = [name for name in names if name.endswith(".pyc") and f".{tag}." not in name]
    assert stray == []


# -- the architecture and the Python of the compiled extensions ------------------------------------


def test_the_functions_run_on_arm64_unless_the_stage_says_otherwise(resources):
    config = package_contents.load_config()
    stage = config["stages"]["prod"].get("lambda_architecture", config.get("lambda_architecture"))
    assert config["lambda_architecture"] == "arm64"
    for props in function_properties(resources):
        assert props["Architectures"] == [stage]


def elf_machine(header: bytes) -> int:
    assert header[:4] == b"\x7fELF", "not an ELF file"
    assert header[4] == 2, "not 64-bit"
    order = "<" if header[5] == 1 else ">"
    machine: int = struct.unpack(f"{order}H", header[18:20])[0]
    return machine


def test_every_compiled_extension_is_for_the_templates_architecture_and_python(
    package_dir, names, architecture, resources
):
    (runtime,) = {props["Runtime"] for props in function_properties(resources)}
    version = runtime.removeprefix("python")
    major, minor = map(int, version.split("."))
    extensions = [name for name in names if name.endswith(".so") or ".so." in name]
    assert extensions, "argon2's bindings and cffi's backend are compiled extensions"
    owners = {file: dist for dist in distributions(package_dir, names).values() for file in dist["files"]}
    triple = f"{WHEEL_MACHINE[architecture]}-linux-gnu"
    for name in extensions:
        assert elf_machine(read(package_dir, name)[:20]) == ELF_MACHINE[architecture], name
        leaf = PurePosixPath(name).name
        assert leaf.endswith((f".cpython-{major}{minor}-{triple}.so", ".abi3.so")), name
        for tag in owners[name]["tags"]:
            python, abi, platform = tag.split("-")
            assert abi in (f"cp{major}{minor}", "abi3"), (name, tag)
            assert python.startswith("cp3") and int(python[3:]) <= minor, (name, tag)
            glibc = re.fullmatch(r"manylinux_(\d+)_(\d+)_(\w+)|manylinux2014_(\w+)", platform)
            assert glibc is not None, (name, tag)
            machine = glibc.group(3) or glibc.group(4)
            assert machine == WHEEL_MACHINE[architecture], (name, tag)
            if glibc.group(1):
                assert (int(glibc.group(1)), int(glibc.group(2))) <= LAMBDA_GLIBC, (name, tag)


def test_the_package_for_this_machine_holds_this_machines_extensions(native_package_dir):
    names = archive_names(native_package_dir)
    extensions = [name for name in names if name.endswith(".so")]
    machine = {elf_machine(read(native_package_dir, name)[:20]) for name in extensions}
    assert machine == {ELF_MACHINE[NATIVE_ARCHITECTURE]}


# -- the rule: examples are named, everything else ships -------------------------------------------


def project_with(tmp_path: Path, config: dict[str, Any], modules: list[str]) -> Path:
    (tmp_path / ".chalice").mkdir()
    (tmp_path / ".chalice" / "config.json").write_text(json.dumps(config))
    (tmp_path / "app.py").write_text("")
    services = tmp_path / "chalicelib" / "services"
    (services / "__pycache__").mkdir(parents=True)
    (services / "__pycache__" / "users.cpython-313.pyc").write_bytes(b"stale")
    for name in ["__init__", *modules]:
        (services / f"{name}.py").write_text("")
    return tmp_path


def shipped_services(project: Path, stage: str) -> set[str]:
    return {
        path.stem
        for path in package_contents.runtime_files(stage, project)
        if path.parent == package_contents.SERVICES
    }


CONFIG = {
    "example_modules": ["demo", "greeting"],
    "stages": {"dev": {"shipped_example_modules": ["demo", "greeting"]}, "prod": {}},
}


def test_a_module_an_author_drops_in_ships_to_every_stage(tmp_path):
    project = project_with(tmp_path, CONFIG, ["users", "demo", "greeting", "invoices"])
    assert shipped_services(project, "prod") == {"__init__", "users", "invoices"}
    assert shipped_services(project, "dev") == {"__init__", "users", "invoices", "demo", "greeting"}


def test_a_stage_ships_the_examples_it_names_and_no_other(tmp_path):
    config = {**CONFIG, "stages": {"staging": {"shipped_example_modules": ["greeting"]}}}
    project = project_with(tmp_path, config, ["users", "demo", "greeting"])
    assert shipped_services(project, "staging") == {"__init__", "users", "greeting"}
    assert shipped_services(project, "unnamed") == {"__init__", "users"}


def test_the_trees_bytecode_never_ships(tmp_path):
    project = project_with(tmp_path, CONFIG, ["users", "demo", "greeting"])
    assert not [
        path for path in package_contents.runtime_files("prod", project) if "__pycache__" in path.parts
    ]


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"example_modules": ["demo", "gone"]}, "example_modules names gone, not in chalicelib/services/"),
        (
            {"example_modules": ["demo"], "stages": {"dev": {"shipped_example_modules": ["users"]}}},
            "stages.dev.shipped_example_modules names users, which example_modules does not",
        ),
        ({"example_modules": "demo"}, "example_modules must be a list of module names"),
    ],
)
def test_a_config_that_names_examples_wrongly_is_refused(tmp_path, config, message):
    project = project_with(tmp_path, config, ["users", "demo"])
    with pytest.raises(package_contents.ContentsError, match=re.escape(message)):
        list(package_contents.runtime_files("dev", project))


def test_the_committed_config_keeps_the_examples_for_dev_and_none_for_prod():
    config = package_contents.load_config()
    assert package_contents.excluded_examples(config, "dev") == frozenset()
    assert package_contents.excluded_examples(config, "prod") == {"demo", "greeting", "notes"}

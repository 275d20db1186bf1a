"""`python -m tools.packaging [--architecture A] [OUT]`: the prod stage as a SAM template, offline.

`make package` runs it. It stages what the function runs (`tools.package_contents`: app.py and
chalicelib, the examples the stage does not name left out) with hash-based bytecode compiled
(`tools.bytecode`) and the wheels of `requirements.txt` for the stage's `lambda_architecture`
(`tools.lambda_deps`, cached) as chalice's `vendor/`, then runs `chalice package` on that copy
with `.chalice/resources-prod.json` merged in (the table, the key from Secrets Manager, log
permissions, an example schedule); `.chalice/policy-prod.json` is the functions' DynamoDB policy;
`tools.snapstart` adds the optional SnapStart of the API function (parameter `SnapStart`, off).
Nothing here talks to AWS: chalice only wants a region to name the service principals, so a
placeholder region and placeholder credentials are set where none are. Only pip reads the
package index, once per requirements.txt and architecture.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from chalicelib.paths import PROJECT_ROOT
from tools import bytecode, lambda_deps, package_contents, snapstart

STAGE = "prod"
CONFIG_FILE = PROJECT_ROOT / ".chalice" / "config.json"
MERGE_TEMPLATE = PROJECT_ROOT / ".chalice" / "resources-prod.json"
DEFAULT_OUT = PROJECT_ROOT / "build" / "package"
REQUIREMENTS = PROJECT_ROOT / "requirements.txt"
# The oldest Python whose Lambda runtime is supported for two more years (DESIGN section 12).
RUNTIME_PYTHON = (3, 13)
CHALICE_DEFAULT_ARCHITECTURE = "x86_64"  # what chalice deploys when config.json names none
TEMPLATE_NAME = "sam.json"
# What a previous run leaves in OUT (and `aws cloudformation package` beside it): safe to replace.
PACKAGE_FILES = frozenset({TEMPLATE_NAME, "deployment.zip", "packaged.yaml", "packaged.json"})
PLACEHOLDER_AWS_ENVIRONMENT = {
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_ACCESS_KEY_ID": "packaging-offline",
    "AWS_SECRET_ACCESS_KEY": "packaging-offline",
}


class PackagingError(Exception):
    """The project cannot be packaged as it stands; the message says why."""


def check_no_committed_key(config_file: Path = CONFIG_FILE, stage: str = STAGE) -> None:
    """The prod key comes from Secrets Manager: refuse a config.json that sets API_KEY for the stage."""
    config = json.loads(config_file.read_text())
    scopes = {
        "environment_variables": config.get("environment_variables", {}),
        f"stages.{stage}.environment_variables": config.get("stages", {})
        .get(stage, {})
        .get("environment_variables", {}),
    }
    for scope, variables in scopes.items():
        if "API_KEY" in variables:
            raise PackagingError(
                f"{config_file.name}: {scope} sets API_KEY; the {stage} key comes from Secrets Manager"
            )


def check_runtime_python(version: tuple[int, int] = sys.version_info[:2]) -> None:
    """chalice names the runtime after this Python, and the bytecode and the wheels are for it."""
    if version < RUNTIME_PYTHON:
        wanted = ".".join(map(str, RUNTIME_PYTHON))
        found = ".".join(map(str, version))
        raise PackagingError(f"packaging needs Python {wanted} or newer (the Lambda runtime's), not {found}")


def stage_architecture(config: dict[str, Any], stage: str = STAGE) -> str:
    """The stage's `lambda_architecture`, else config.json's, as chalice looks it up."""
    stage_config = config.get("stages", {}).get(stage, {})
    found = stage_config.get("lambda_architecture", config.get("lambda_architecture"))
    return str(found or CHALICE_DEFAULT_ARCHITECTURE)


def stage_project(
    staging: Path, site_packages: Path, config: dict[str, Any], architecture: str, examples_of: str = STAGE
) -> None:
    """A chalice project in STAGING holding what the stage's function runs, bytecode and wheels included."""
    for relative in package_contents.runtime_files(examples_of):
        (staging / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(PROJECT_ROOT / relative, staging / relative)
    bytecode.compile_tree(staging / "chalicelib", staging)
    staged = json.loads(json.dumps(config))
    staged.setdefault("stages", {}).setdefault(STAGE, {})["lambda_architecture"] = architecture
    (staging / ".chalice").mkdir()
    (staging / ".chalice" / "config.json").write_text(json.dumps(staged, indent=2))
    policy = staged["stages"][STAGE].get("iam_policy_file")
    if policy:
        shutil.copy2(PROJECT_ROOT / ".chalice" / policy, staging / ".chalice" / policy)
    # No requirements.txt in the copy: chalice takes the dependencies from vendor/ as they are.
    # chalice adds app.py, chalicelib/ and its own app.py and __init__.py, then vendor/ as it is: the
    # bytecode of the files it picks one by one goes into vendor/, where the zip puts it beside them.
    vendor = staging / "vendor"
    (vendor / "__pycache__").mkdir(parents=True)
    for entry in site_packages.iterdir():
        if entry.name != "__pycache__":
            (vendor / entry.name).symlink_to(entry)
    for cached in (site_packages / "__pycache__").glob("*.pyc"):  # top-level modules' (six.py)
        (vendor / "__pycache__" / cached.name).symlink_to(cached)
    bytecode.compile_file(staging / "app.py", vendor, "app.py")
    import chalice.app

    bytecode.compile_file(Path(chalice.app.__file__), vendor, "chalice/app.py")
    bytecode.compile_file(Path(chalice.__file__), vendor, "chalice/__init__.py")


def chalice_arguments(out: Path, project_dir: Path = PROJECT_ROOT) -> list[str]:
    """The `chalice` command line (without the program name) that writes the package into OUT."""
    return [
        "--project-dir",
        str(project_dir),
        "package",
        "--stage",
        STAGE,
        "--pkg-format",
        "cloudformation",
        "--template-format",
        "json",
        "--merge-template",
        str(MERGE_TEMPLATE),
        str(out),
    ]


def prepare_out(out: Path) -> None:
    """Remove a previous package from OUT; refuse to touch a directory holding anything else."""
    if not out.exists():
        return
    if not out.is_dir():
        raise PackagingError(f"{out} is not a directory")
    strangers = sorted(entry.name for entry in out.iterdir() if entry.name not in PACKAGE_FILES)
    if strangers:
        raise PackagingError(
            f"{out} holds files a package does not make ({', '.join(strangers)}); not replaced"
        )
    shutil.rmtree(out)


def package(out: Path = DEFAULT_OUT, architecture: str | None = None, examples_of: str = STAGE) -> Path:
    """Write OUT/sam.json and OUT/deployment.zip; the template's path.

    ARCHITECTURE replaces the stage's; EXAMPLES_OF ships the example modules another stage names
    (`make bench` times the examples' public request on a package, as Lambda would run dev's).
    """
    from chalice.cli import cli  # a dev requirement: the Lambda function never imports this module

    check_runtime_python()
    check_no_committed_key()
    config = package_contents.load_config(CONFIG_FILE)
    architecture = architecture or stage_architecture(config)
    try:
        site_packages = lambda_deps.site_packages(REQUIREMENTS, architecture)
    except (lambda_deps.DependencyError, bytecode.BytecodeError) as error:
        raise PackagingError(str(error)) from error
    prepare_out(out)
    for name, value in PLACEHOLDER_AWS_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    (PROJECT_ROOT / "build").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lambda-project-", dir=PROJECT_ROOT / "build") as temporary:
        staging = Path(temporary)
        try:
            stage_project(staging, site_packages, config, architecture, examples_of)
        except (package_contents.ContentsError, bytecode.BytecodeError) as error:
            raise PackagingError(str(error)) from error
        try:
            cli.main(args=chalice_arguments(out, staging), prog_name="chalice", obj={}, standalone_mode=False)
        except Exception as exc:  # click's usage errors and chalice's own
            raise PackagingError(f"chalice package failed: {type(exc).__name__}: {exc}") from exc
    template = out / TEMPLATE_NAME
    if not template.is_file():
        raise PackagingError(f"chalice package wrote no {TEMPLATE_NAME} into {out}")
    written = json.loads(template.read_text())
    template.write_text(json.dumps(snapstart.add_snapstart(written, out / "deployment.zip"), indent=2) + "\n")
    return template


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.packaging", description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, default=DEFAULT_OUT, help="default: build/package")
    parser.add_argument(
        "--architecture",
        choices=lambda_deps.ARCHITECTURES,
        help="instead of the stage's lambda_architecture (a package to try on this machine)",
    )
    parser.add_argument(
        "--examples-of",
        default=STAGE,
        metavar="STAGE",
        help=f"ship the example modules STAGE names (default: {STAGE}'s, none)",
    )
    args = parser.parse_args(argv)
    out = args.out.resolve()
    try:
        template = package(out, args.architecture, args.examples_of)
    except PackagingError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    size = template.stat().st_size
    archive = out / "deployment.zip"
    print(f"{template} ({size} bytes), {archive} ({archive.stat().st_size} bytes): stage {STAGE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

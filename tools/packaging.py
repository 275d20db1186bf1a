"""`python -m tools.packaging [OUT]`: the prod stage as a SAM template, offline (`make package`).

It runs `chalice package` with `.chalice/resources-prod.json` merged in (the table, the key from
Secrets Manager, log permissions, an example schedule); `.chalice/policy-prod.json` is the
functions' DynamoDB policy. Nothing here talks to AWS: chalice only wants a region to name the
service principals, so a placeholder region and placeholder credentials are set where none are.
The Lambda dependencies come from the package index (pip), cached in `.chalice/deployments/`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from chalicelib.paths import PROJECT_ROOT

STAGE = "prod"
CONFIG_FILE = PROJECT_ROOT / ".chalice" / "config.json"
MERGE_TEMPLATE = PROJECT_ROOT / ".chalice" / "resources-prod.json"
DEFAULT_OUT = PROJECT_ROOT / "build" / "package"
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


def package(out: Path = DEFAULT_OUT) -> Path:
    """Write OUT/sam.json and OUT/deployment.zip; the template's path."""
    from chalice.cli import cli  # a dev requirement: the Lambda function never imports this module

    check_no_committed_key()
    prepare_out(out)
    for name, value in PLACEHOLDER_AWS_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    try:
        cli.main(args=chalice_arguments(out), prog_name="chalice", obj={}, standalone_mode=False)
    except Exception as exc:  # click's usage errors and chalice's own (a dependency pip could not get)
        raise PackagingError(f"chalice package failed: {type(exc).__name__}: {exc}") from exc
    template = out / TEMPLATE_NAME
    if not template.is_file():
        raise PackagingError(f"chalice package wrote no {TEMPLATE_NAME} into {out}")
    return template


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.packaging", description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, default=DEFAULT_OUT, help="default: build/package")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    try:
        template = package(out)
    except PackagingError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    size = template.stat().st_size
    archive = out / "deployment.zip"
    print(f"{template} ({size} bytes), {archive} ({archive.stat().st_size} bytes): stage {STAGE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

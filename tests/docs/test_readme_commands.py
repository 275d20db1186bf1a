"""The README and the guides in docs/ stay true: links resolve, commands exist, examples answer as shown."""

from __future__ import annotations

import importlib.util
import re
import shlex
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from chalicelib import runtime
from chalicelib.discovery import access_matrix, open_to_every_key_holder
from chalicelib.registry import Registry

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
README = PROJECT_ROOT / "README.md"
DOCUMENTS = [README, *sorted((PROJECT_ROOT / "docs").glob("*.md"))]
README_HOST = "http://127.0.0.1:8000"
README_ADMIN_PASSWORD = "change me please"

_LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
_FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
_INLINE_CODE = re.compile(r"`([^`\n]+)`")
_MAKE = re.compile(r"(?:^|[\s;&|(])make ([a-z][\w-]*)")
_PYTHON_M = re.compile(r"python3? -m ([A-Za-z_][\w.]*)")
_TARGET = re.compile(r"^([A-Za-z][\w-]*):", re.MULTILINE)


def _text(document: Path) -> str:
    return document.read_text(encoding="utf-8")


def _name(document: Path) -> str:
    return str(document.relative_to(PROJECT_ROOT))


def _code(text: str) -> str:
    """Everything a reader might type: fenced blocks and inline code spans."""
    blocks = [body for _, body in _FENCE.findall(text)]
    prose = _FENCE.sub("", text)
    return "\n".join([*blocks, *_INLINE_CODE.findall(prose)])


def _anchor(heading: str) -> str:
    """The anchor GitHub makes of a heading: lower case, punctuation dropped, spaces as hyphens."""
    plain = heading.strip().lower().replace("`", "")
    return re.sub(r"[^\w\- ]", "", plain).replace(" ", "-")


def _anchors(document: Path) -> set[str]:
    text = _FENCE.sub("", _text(document))
    return {_anchor(line.lstrip("#")) for line in text.splitlines() if re.match(r"#{1,6} ", line)}


def _section(text: str, heading: str) -> str:
    """The body of a `## heading` section, up to the next heading of that level."""
    start = text.index(f"\n## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


@pytest.mark.parametrize("document", DOCUMENTS, ids=_name)
def test_every_link_in_the_docs_resolves(document):
    broken = []
    for target in _LINK.findall(_FENCE.sub("", _text(document))):
        if re.match(r"[a-z]+:", target):
            continue  # an address outside the repository; none of ours point there for the contract
        path, _, anchor = target.partition("#")
        linked = (document.parent / path).resolve() if path else document
        if not linked.is_file() or PROJECT_ROOT not in linked.parents:
            broken.append(f"{target}: no such file in the repository")
        elif anchor and linked.suffix == ".md" and anchor not in _anchors(linked):
            broken.append(f"{target}: no heading #{anchor} in {_name(linked)}")
    assert broken == []


def test_the_readme_is_a_landing_page_under_250_lines():
    assert len(_text(README).splitlines()) < 250


@pytest.mark.parametrize("document", DOCUMENTS, ids=_name)
def test_no_document_points_outside_the_repository(document):
    text = _text(document)
    assert "../shared" not in text
    assert "DESIGN.md" not in text


def test_every_make_target_the_docs_name_exists_in_the_makefile():
    targets = set(_TARGET.findall((PROJECT_ROOT / "Makefile").read_text()))
    named = {(target, _name(doc)) for doc in DOCUMENTS for target in _MAKE.findall(_code(_text(doc)))}
    assert {target for target, _ in named} >= {"run", "test", "check"}
    assert sorted(pair for pair in named if pair[0] not in targets) == []


def test_every_make_target_is_phony():
    """A target named like a file or folder of the repository (`bench/`) would be "up to date" and
    never run; no target here makes a file of its name, so all are declared phony."""
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    phony = {name for line in re.findall(r"^\.PHONY:(.*)$", makefile, re.M) for name in line.split()}
    assert set(_TARGET.findall(makefile)) - phony == set()


def _runnable_in_the_repository(module: str) -> bool:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None or PROJECT_ROOT not in Path(spec.origin).resolve().parents:
        return False
    if spec.submodule_search_locations is not None:  # a package runs through its __main__
        return importlib.util.find_spec(f"{module}.__main__") is not None
    return True


# Tools the docs run that the requirement files install, not the repository.
INSTALLED_TOOLS = {"pytest"}


def test_every_python_module_the_docs_run_is_a_module_of_the_repository():
    named = {(module, _name(doc)) for doc in DOCUMENTS for module in _PYTHON_M.findall(_code(_text(doc)))}
    assert {module for module, _ in named} >= {"tools.devserver", "tools.packaging", "chalicelib.admin"}
    unknown = [
        pair for pair in named if pair[0] not in INSTALLED_TOOLS and not _runnable_in_the_repository(pair[0])
    ]
    assert sorted(unknown) == []
    assert all(importlib.util.find_spec(tool) is not None for tool in INSTALLED_TOOLS)


# The README's examples: each command followed by a `# {...}` comment must print exactly that
# (a `...` in the comment stands for text left out).


def _examples(block: str) -> list[tuple[str, str | None]]:
    """(command, expected output or None) for each command of a shell block, continuations joined."""
    steps: list[tuple[str, str | None]] = []
    pending = ""
    for line in block.splitlines():
        if pending:
            pending += "\n" + line
        elif line.startswith("# ") and line[2:3] in "{[" and steps and steps[-1][1] is None:
            steps[-1] = (steps[-1][0], line[2:])
            continue
        elif line.strip() and not line.startswith("#"):
            pending = line
        if pending and not pending.endswith("\\"):
            steps.append((pending, None))
            pending = ""
    return steps


def _matches(expected: str, actual: str) -> bool:
    pieces = expected.split("...")
    if len(pieces) == 1:
        return actual == expected
    position = 0
    for index, piece in enumerate(pieces):
        found = actual.find(piece, position)
        if found == -1 or (index == 0 and found != 0):
            return False
        position = found + len(piece)
    return actual.endswith(pieces[-1])


def _shell_blocks(section: str) -> list[str]:
    """The shell blocks that show what a command prints (others, such as `make run`, are not run)."""
    blocks = [body for language, body in _FENCE.findall(section) if language == "sh"]
    return [block for block in blocks if any(expected for _, expected in _examples(block))]


def _run_block(block: str, base_url: str, password: str, out: Path) -> list[str]:
    """Run one block in bash, each checked command's output in a file; the mismatches."""
    steps = _examples(block.replace(README_HOST, base_url).replace(README_ADMIN_PASSWORD, password))
    script = ["set -u"]
    for number, (command, expected) in enumerate(steps):
        script.append(command if expected is None else f"{command} > {shlex.quote(str(out / str(number)))}")
    subprocess.run(["bash", "-c", "\n".join(script)], check=True, timeout=60, cwd=PROJECT_ROOT)
    mismatches = []
    for number, (command, expected) in enumerate(steps):
        if expected is not None:
            actual = (out / str(number)).read_text()
            if not _matches(expected, actual):
                mismatches.append(f"{command}\n  expected {expected}\n  got      {actual}")
    return mismatches


def test_the_readme_shows_what_its_examples_print():
    section = _section(_text(README), "Calling the API")
    checked = [step for block in _shell_blocks(section) for step in _examples(block) if step[1] is not None]
    assert len(checked) >= 6
    assert all(command.lstrip().startswith("curl ") for command, _ in checked)


EXAMPLE_SECTIONS = [
    (README, "Calling the API"),
    (PROJECT_ROOT / "docs" / "users-and-sessions.md", "A session from the command line"),
]


@pytest.mark.parametrize(
    ("document", "heading"),
    EXAMPLE_SECTIONS,
    ids=[f"{_name(doc)}: {heading}" for doc, heading in EXAMPLE_SECTIONS],
)
def test_every_curl_example_answers_as_its_comment_says(document, heading, live_server, tmp_path):
    section = _section(_text(document), heading)
    assert _shell_blocks(section)
    mismatches = []
    for number, block in enumerate(_shell_blocks(section)):
        out = tmp_path / str(number)
        out.mkdir()
        mismatches += _run_block(block, live_server.url, live_server.admin_password, out)
    assert mismatches == []


# The README's first module, dropped into a throwaway services package.


@pytest.fixture
def first_module(tmp_path, monkeypatch):
    """The README's module file in a services package of its own: (registry, its section)."""
    section = _section(_text(README), "A first module")
    source = next(body for language, body in _FENCE.findall(section) if language == "python")
    module = re.search(r"chalicelib/services/(\w+)\.py", section)
    assert module is not None
    package = f"readme_services_{uuid.uuid4().hex[:8]}"
    (tmp_path / package).mkdir()
    (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / package / f"{module.group(1)}.py").write_text(source)
    monkeypatch.syspath_prepend(str(tmp_path))
    registry = Registry(package=package, directory=tmp_path / package)
    yield registry, section
    for name in [name for name in sys.modules if name.startswith(package)]:
        del sys.modules[name]


def test_the_first_module_lists_exactly_its_open_methods_on_the_allow_list(first_module):
    registry, section = first_module
    listed = set(re.findall(r"echo ([\w.]+) >> \.chalice/open-methods\.txt", section))
    matrix = access_matrix(registry)
    assert matrix, "the README's module declares no external method"
    assert listed == {name for name, access in matrix.items() if open_to_every_key_holder(access)}


def test_the_first_module_answers_as_the_readme_says(first_module, client):
    registry, section = first_module
    runtime.reset(registry=registry)
    examples = [step for block in _shell_blocks(section) for step in _examples(block) if step[1] is not None]
    assert examples
    for command, expected in examples:
        address = urlsplit(shlex.split(command)[-1])
        assert f"{address.scheme}://{address.netloc}" == README_HOST
        answer = client.http.get(f"{address.path}?{address.query}")
        assert _matches(expected, answer.body.decode()), command


def test_the_first_modules_test_in_the_readme_passes(first_module, monkeypatch):
    from chalicelib import testing

    registry, section = first_module
    source = [body for language, body in _FENCE.findall(section) if language == "python"][-1]
    assert "testing.Client()" in source
    monkeypatch.setattr(testing, "Registry", lambda: registry)  # the README's module, not the tree's
    namespace: dict[str, object] = {}
    exec(compile(source, "README.md", "exec"), namespace)  # noqa: S102 - the README's own test
    tests = [value for name, value in namespace.items() if name.startswith("test_") and callable(value)]
    assert len(tests) == 1
    tests[0]()

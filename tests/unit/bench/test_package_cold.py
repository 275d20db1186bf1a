"""The package cold starts' own pieces: the package without bytecode is the package minus its caches."""

from __future__ import annotations

import zipfile

from bench.package_cold import without_bytecode


def test_the_package_without_bytecode_is_the_package_minus_its_pycache(tmp_path):
    archive = tmp_path / "deployment.zip"
    names = ("app.py", "__pycache__/app.cpython-313.pyc", "pkg/mod.py", "pkg/__pycache__/mod.cpython-313.pyc")
    with zipfile.ZipFile(archive, "w") as written:
        for name in names:
            written.writestr(name, "x")
    with zipfile.ZipFile(without_bytecode(archive, tmp_path / "source.zip")) as stripped:
        assert stripped.namelist() == ["app.py", "pkg/mod.py"]

"""The lockfile managers' pure parts: the fingerprint's words, the Python version
rules, and the check that allows compiled bytecode but nothing of a removed package."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from python_buildpack.cache.changes import differences
from python_buildpack.errors import PythonVersionConflict, PythonVersionFileRequired
from python_buildpack.lockfiles.model import LockedPackage, LockedSet
from python_buildpack.managers.lockfile import check as lockfile_check
from python_buildpack.managers.lockfile.inputs import LockfileInputs, compute
from python_buildpack.managers.lockfile.python import (
    check_requires_python,
    requested_for_pipenv,
    requested_with_version_file,
)
from python_buildpack.python_version import ResolvedPythonVersion, VersionOrigin
from support.wheels import build_wheel

INDEX = "https://pypi.org/simple"


def inputs(
    tmp_path: Path, *packages: LockedPackage, config: dict[str, str] | None = None
) -> LockfileInputs:
    return compute(
        tool="uv 0.13.9",
        groups="no dependency groups",
        lockfile="uv.lock",
        locked=LockedSet(frozenset(packages), None),
        files={"uv.lock": repr(packages), "pyproject.toml": ""},
        build_dir=tmp_path,
        config_vars=config or {},
        config_prefixes=("UV_",),
    )


def test_changes_are_described_in_the_lockfiles_terms(tmp_path: Path) -> None:
    old = inputs(
        tmp_path,
        LockedPackage("idna", "3.7", INDEX),
        LockedPackage("beta", "1.0", INDEX),
    )
    new = inputs(
        tmp_path,
        LockedPackage("beta", "2.0", INDEX),
        LockedPackage("gamma", "1.0", INDEX),
        config={"UV_INDEX_URL": "https://token@example.com/simple"},
    )
    messages = [change.message for change in differences(old, new)]
    assert messages == [
        "uv.lock: beta changed from 1.0 to 2.0",
        "uv.lock: gamma 1.0 was added",
        "uv.lock: idna 3.7 was removed",
        "The config var UV_INDEX_URL was added",
    ]
    assert all(change.incremental for change in differences(old, new))
    assert "token" not in repr(new.config)


def test_a_changed_local_package_is_named_by_its_path(tmp_path: Path) -> None:
    (tmp_path / "libs" / "x").mkdir(parents=True)
    package = LockedPackage("x", "1.0", "directory:libs/x")
    old = inputs(tmp_path, package)
    (tmp_path / "libs" / "x" / "code.py").write_text("X = 2\n")
    new = inputs(tmp_path, package)
    messages = [change.message for change in differences(old, new)]
    assert messages == ["The local package at libs/x changed"]


def test_a_new_tool_version_rebuilds(tmp_path: Path) -> None:
    old = inputs(tmp_path)
    new = compute(
        tool="uv 0.14.0",
        groups=old.groups,
        lockfile="uv.lock",
        locked=LockedSet(frozenset(), None),
        files={"uv.lock": repr(()), "pyproject.toml": ""},
        build_dir=tmp_path,
        config_vars={},
        config_prefixes=("UV_",),
    )
    (change,) = differences(old, new)
    assert not change.incremental
    assert change.message == "The package manager changed from uv 0.13.9 to uv 0.14.0"


def _site_with(tmp_path: Path, name: str) -> Path:
    site = tmp_path / "site-packages"
    with zipfile.ZipFile(build_wheel(tmp_path / "wheels", name, "1.0")) as wheel:
        wheel.extractall(site)
    return site


def test_bytecode_of_an_installed_module_is_not_a_leftover(tmp_path: Path) -> None:
    site = _site_with(tmp_path, "alpha")
    (site / "alpha" / "__pycache__").mkdir()
    (site / "alpha" / "__pycache__" / "__init__.cpython-312.pyc").write_bytes(b"")
    assert lockfile_check.verify(site, {"alpha": "1.0"}) == []


def test_bytecode_of_a_removed_package_is_a_leftover(tmp_path: Path) -> None:
    site = _site_with(tmp_path, "alpha")
    (site / "gone" / "__pycache__").mkdir(parents=True)
    (site / "gone" / "__pycache__" / "__init__.cpython-312.pyc").write_bytes(b"")
    assert lockfile_check.verify(site, {"alpha": "1.0"}) == [
        "gone/__pycache__/__init__.cpython-312.pyc belongs to no installed package"
    ]


def test_uv_needs_a_python_version_file(tmp_path: Path) -> None:
    with pytest.raises(PythonVersionFileRequired) as caught:
        requested_with_version_file(tmp_path, "uv", "uv python pin 3.13")
    assert "uv python pin 3.13" in caught.value.body()
    (tmp_path / ".python-version").write_text("3.12\n")
    assert str(requested_with_version_file(tmp_path, "uv", "uv python pin 3.13")) == "3.12"


def test_requires_python_excluding_the_version_names_both_files() -> None:
    python = ResolvedPythonVersion(3, 12, 7)
    check_requires_python(python, ".python-version", "pyproject.toml", ">=3.10")
    check_requires_python(python, ".python-version", "pyproject.toml", "^3.12")  # Poetry's
    with pytest.raises(PythonVersionConflict) as caught:
        check_requires_python(python, ".python-version", "pyproject.toml", ">=3.13")
    message = str(caught.value)
    assert ".python-version" in message and "pyproject.toml" in message and ">=3.13" in message


def test_pipenv_takes_the_lockfiles_python_unless_a_version_file_names_one(
    tmp_path: Path,
) -> None:
    requested = requested_for_pipenv(tmp_path, "3.12.7")
    assert (str(requested), requested.origin) == ("3.12.7", VersionOrigin.PIPFILE_LOCK)
    (tmp_path / ".python-version").write_text("3.12\n")
    assert str(requested_for_pipenv(tmp_path, "3.12")) == "3.12"
    with pytest.raises(PythonVersionConflict) as caught:
        requested_for_pipenv(tmp_path, "3.11")
    assert "Pipfile.lock" in str(caught.value) and ".python-version" in str(caught.value)

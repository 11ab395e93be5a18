"""Fixtures for building generated apps with the real bin/ scripts, offline.

Every build sees this machine's own environment (its PIP_* variables and pip
config files included), as a platform's build would: the buildpack must ignore
them. Packages come from a wheelhouse the test builds, named by the app's
config vars (PIP_NO_INDEX, PIP_FIND_LINKS); Python from a runtime archive packed
from the interpreter running the tests.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.buildpack import ROOT, App
from support.runtime import packed_runtime


@pytest.fixture(scope="session")
def runtime_mirror() -> tuple[Path, str]:
    """(directory holding the runtime archive, its Python version)."""
    return packed_runtime(ROOT / ".cache")


@pytest.fixture
def wheelhouse(tmp_path: Path) -> Path:
    path = tmp_path / "wheelhouse"
    path.mkdir()
    return path


@pytest.fixture
def base_env(runtime_mirror: tuple[Path, str], tmp_path: Path) -> dict[str, str]:
    mirror, _ = runtime_mirror
    env = dict(os.environ)
    env.pop("STACK", None)
    env["BUILDPACK_APP_DIR"] = str(tmp_path / "app")
    env["PYTHON_RUNTIME_BASE_URL"] = mirror.as_uri()
    return env


@pytest.fixture
def app(
    tmp_path: Path, base_env: dict[str, str], wheelhouse: Path, runtime_mirror: tuple[Path, str]
) -> Iterator[App]:
    """An app with .python-version set to the packed runtime, installing offline."""
    _, version = runtime_mirror
    source = tmp_path / "src"
    source.mkdir()
    the_app = App(source=source, workdir=tmp_path, base_env=base_env)
    the_app.write({".python-version": f"{version}\n", "requirements.txt": ""})
    the_app.config.update({"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheelhouse)})
    yield the_app

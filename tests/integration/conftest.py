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
from support.built_apps import BuiltApp, build_once
from support.cache_checks import report
from support.index_server import IndexServer, serve_index
from support.runtime import packed_runtime
from support.uv_apps import fill_index, lock, pyproject, uv_for_locking


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


# --- uv apps (support/uv_apps.py): uv for locking, a local index, an app locked against it ---

UV_APP_DEPS = ["alpha", "beta==1.0", "gamma", "winonly; sys_platform == 'win32'"]


@pytest.fixture(scope="session")
def uv() -> Path:
    return uv_for_locking()


@pytest.fixture(scope="session")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[IndexServer]:
    directory = tmp_path_factory.mktemp("uv-index")
    fill_index(directory)
    with serve_index(directory) as server:
        yield server


@pytest.fixture
def uv_app(
    tmp_path: Path,
    base_env: dict[str, str],
    runtime_mirror: tuple[Path, str],
    index: IndexServer,
    uv: Path,
) -> App:
    _, version = runtime_mirror
    source = tmp_path / "src"
    source.mkdir()
    env = {**base_env, "PYTHON_TOOLS_INDEX_URL": index.url}
    app = App(source=source, workdir=tmp_path, base_env=env)
    app.write(
        {
            ".python-version": f"{version}\n",
            "pyproject.toml": pyproject(UV_APP_DEPS, index.url),
        }
    )
    lock(uv, app)
    return app


@pytest.fixture(scope="session")
def uv_built(
    tmp_path_factory: pytest.TempPathFactory,
    runtime_mirror: tuple[Path, str],
    index: IndexServer,
    uv: Path,
) -> BuiltApp:
    """The `uv_app`, built once per session with an empty cache, for tests to copy."""

    def make(app: App, wheelhouse: Path) -> None:
        app.remove("requirements.txt")
        app.config.clear()
        app.base_env["PYTHON_TOOLS_INDEX_URL"] = index.url
        app.write({"pyproject.toml": pyproject(UV_APP_DEPS, index.url)})
        lock(uv, app)

    built = build_once(tmp_path_factory.mktemp("uv-app"), runtime_mirror, make)
    data = report(built.build_dir, built.cache, built.app.base_env)
    assert data["cache_status"] == "empty", built.result.output
    return built

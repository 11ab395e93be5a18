"""Poetry apps (`poetry.lock`), built with the real bin/ scripts, offline.

One app goes through the builds a developer makes in a row, on one CACHE_DIR: a
cold build, an unchanged rebuild, a package removed from poetry.lock, a version
change, a change in a local directory dependency, an out-of-sync lockfile and the
fixed one. Each test checks one of them; the builds run once for the module. Every
changed build is compared with a clean build of the same inputs, file by file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from support.build_log import assert_user_error, error_block, error_title
from support.buildpack import distributions, site_packages, write_tree
from support.cache_checks import UPDATING, build_ok, reasons
from support.dyno import boot, move_slug_to_app_dir
from support.index_server import IndexServer, serve_index
from support.pinned_tools import pinned_wheels

from .lockfile_apps import (
    MAJOR_MINOR,
    History,
    index_wheels,
    local_package,
    lock,
    lockfile_app,
    poetry_project,
)

pytestmark = pytest.mark.slow

LOCAL = '{path = "libs/localpkg", develop = false}'
FIRST = {"alpha": '"*"', "beta": '"1.0"', "gamma": '"*"', "localpkg": LOCAL}
DEV = {"devtool": '"*"'}


@pytest.fixture(scope="module")
def package_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[IndexServer]:
    with serve_index(index_wheels(tmp_path_factory.mktemp("wheels"))) as index:
        yield index


@pytest.fixture(scope="module")
def tools_index() -> Iterator[IndexServer]:
    """Poetry's pinned wheels, for the buildpack's tool install (no PyPI in builds)."""
    with serve_index(pinned_wheels("poetry")) as index:
        yield index


@pytest.fixture(scope="module")
def locked_source(tmp_path_factory: pytest.TempPathFactory, package_index: IndexServer) -> Path:
    """The first version of the app, locked once for the module."""
    source = tmp_path_factory.mktemp("poetry-source")
    local_package(source, "one")
    relock(source, package_index, FIRST)
    return source


def relock(source: Path, index: IndexServer, dependencies: dict[str, str], **project: str) -> None:
    text = poetry_project(index.url, dependencies, dev=DEV, **project)
    (source / "pyproject.toml").write_text(text, encoding="utf-8")
    lock("poetry", source, index.url)


@pytest.fixture(scope="module")
def history(
    tmp_path_factory: pytest.TempPathFactory,
    runtime_mirror: tuple[Path, str],
    package_index: IndexServer,
    locked_source: Path,
    tools_index: IndexServer,
) -> History:
    workdir = tmp_path_factory.mktemp("poetry-app")
    app = lockfile_app(workdir, runtime_mirror, locked_source, tools_index)
    done = History(app, workdir / "cache")
    build = done.build
    build("cold")
    build("unchanged")
    relock(app.source, package_index, {k: v for k, v in FIRST.items() if k != "gamma"})
    build("removed", compare_with_clean=True)
    relock(app.source, package_index, {**FIRST, "beta": '"2.0"', "gamma": '"*"'})
    build("version", compare_with_clean=True)
    local_package(app.source, "two")
    build("local", compare_with_clean=True)
    good = (app.source / "pyproject.toml").read_text(encoding="utf-8")
    app.write({"pyproject.toml": good.replace('gamma = "*"\n', "")})  # not relocked
    build("out_of_sync")
    app.write({"pyproject.toml": good})
    build("fixed")
    return done


def test_cold_build_installs_the_main_group_of_poetry_lock(history: History) -> None:
    build_dir, result = history.ok("cold")
    assert "Installing Poetry 2.5.1" in result.output
    assert "Running 'poetry sync --only main'" in result.output
    found = distributions(build_dir)
    assert {k: found.get(k) for k in ("alpha", "beta", "gamma", "localpkg")} == {
        "alpha": "1.0",
        "beta": "1.0",
        "gamma": "1.0",
        "localpkg": "1.0",
    }
    assert "devtool" not in found  # the dev group is for bin/test-compile
    data = history.reports["cold"]
    assert data["package_manager"] == "poetry"
    assert data["cache_status"] == "empty"


def test_unchanged_rebuild_reuses_the_cache_and_starts_no_process(history: History) -> None:
    _, result = history.ok("unchanged")
    assert "poetry sync" not in result.output
    data = history.reports["unchanged"]
    assert data["cache_status"] == "reused"
    assert data["commands"] == []


def test_package_removed_from_poetry_lock_is_gone_as_in_a_clean_build(history: History) -> None:
    build_dir, result = history.ok("removed")
    assert "gamma" not in distributions(build_dir)
    assert not (site_packages(build_dir) / "gamma").exists()
    assert any("poetry.lock" in r and "gamma" in r for r in reasons(result.output, UPDATING))
    data = history.reports["removed"]
    assert data["cache_status"] == "updated", result.output
    history.assert_equals_clean("removed")


def test_version_change_in_poetry_lock_updates_the_package(history: History) -> None:
    build_dir, result = history.ok("version")
    assert distributions(build_dir)["beta"] == "2.0"
    assert any("poetry.lock" in r and "beta" in r for r in reasons(result.output, UPDATING))
    assert history.reports["version"]["cache_status"] == "updated"
    history.assert_equals_clean("version")


def test_changed_local_directory_dependency_is_reinstalled(history: History) -> None:
    build_dir, result = history.ok("local")
    assert "libs/localpkg" in "\n".join(reasons(result.output, UPDATING))
    init = site_packages(build_dir) / "localpkg" / "__init__.py"
    assert init.read_text(encoding="utf-8") == "VALUE = 'two'\n"
    history.assert_equals_clean("local")


def test_out_of_sync_poetry_lock_fails_and_the_cache_stays_good(history: History) -> None:
    _, failed = history.builds["out_of_sync"]
    assert_user_error(failed, "poetry.lock is out of date with pyproject.toml.")
    assert "poetry lock" in error_block(failed)
    _, result = history.ok("fixed")
    data = history.reports["fixed"]
    assert data["cache_status"] == "reused", result.output
    assert data["commands"] == []


def test_test_compile_adds_the_dev_group(
    tmp_path: Path,
    runtime_mirror: tuple[Path, str],
    locked_source: Path,
    tools_index: IndexServer,
) -> None:
    app = lockfile_app(tmp_path, runtime_mirror, locked_source, tools_index)
    build_dir, result = build_ok(app, tmp_path / "cache", command="test-compile")
    assert "Running 'poetry sync'" in result.output
    assert distributions(build_dir)["devtool"] == "3.0"


def test_python_version_outside_the_projects_constraint_is_refused(
    tmp_path: Path,
    runtime_mirror: tuple[Path, str],
    locked_source: Path,
    tools_index: IndexServer,
) -> None:
    """Poetry's own syntax: `^3.11` does not allow 3.10."""
    app = lockfile_app(tmp_path, runtime_mirror, locked_source, tools_index)
    app.write({".python-version": "3.10\n"})
    _, result = app.build(tmp_path / "cache")
    assert result.returncode == 1, str(result)
    title = error_title(result)
    assert title.startswith("Python 3.10.") and title.endswith("pyproject.toml."), title
    assert f"^{MAJOR_MINOR}" in error_block(result)
    assert "Traceback" not in result.output
    assert "Installing Poetry" not in result.output


def test_a_committed_venv_directory_is_refused(
    tmp_path: Path,
    runtime_mirror: tuple[Path, str],
    locked_source: Path,
    tools_index: IndexServer,
) -> None:
    """Poetry installs into a project's .venv even with virtualenvs switched off, and
    even when it is no virtualenv yet (a real one is refused for every app)."""
    app = lockfile_app(tmp_path, runtime_mirror, locked_source, tools_index)
    app.write({".venv/.gitkeep": ""})
    _, result = app.build(tmp_path / "cache")
    assert_user_error(result, "The app contains a .venv directory.")
    assert "Installing Poetry" not in result.output


def test_a_config_var_that_moves_the_install_is_refused(
    tmp_path: Path,
    runtime_mirror: tuple[Path, str],
    locked_source: Path,
    tools_index: IndexServer,
) -> None:
    app = lockfile_app(tmp_path, runtime_mirror, locked_source, tools_index)
    app.config["POETRY_VIRTUALENVS_IN_PROJECT"] = "1"
    _, result = app.build(tmp_path / "cache")
    title = "The config var POETRY_VIRTUALENVS_IN_PROJECT is not supported with Poetry."
    assert_user_error(result, title)
    assert "Installing Poetry" not in result.output


def test_the_project_itself_is_installed_editable_from_the_app_dir(
    tmp_path: Path,
    runtime_mirror: tuple[Path, str],
    package_index: IndexServer,
    tools_index: IndexServer,
) -> None:
    """Without `package-mode = false` Poetry installs the app itself, editable: its
    path must be the run-time app dir, never BUILD_DIR, and it must import there."""
    source = tmp_path / "locked"
    write_tree(
        source,
        {
            "webapp/__init__.py": "GREETING = 'hello'\n",
            "pyproject.toml": (
                '[project]\nname = "webapp"\nversion = "0.1.0"\nrequires-python = ">=3.10"\n'
                'dependencies = ["alpha"]\n\n'
                f'[[tool.poetry.source]]\nname = "local"\nurl = "{package_index.url}"\n'
                'priority = "primary"\n'
            ),
        },
    )
    lock("poetry", source, package_index.url)
    app = lockfile_app(tmp_path / "work", runtime_mirror, source, tools_index)
    build_dir, _ = build_ok(app, tmp_path / "cache")
    assert distributions(build_dir)["webapp"] == "0.1.0"
    app_dir = Path(app.base_env["BUILDPACK_APP_DIR"])
    written = "".join(p.read_text() for p in site_packages(build_dir).glob("*.pth"))
    assert str(app_dir) in written and str(build_dir) not in written, written
    ran = boot(move_slug_to_app_dir(build_dir, app_dir), "python -c 'import webapp, alpha'")
    assert ran.returncode == 0, ran.stderr


@pytest.mark.network
def test_real_app_from_pypi_builds_and_boots(
    tmp_path: Path, runtime_mirror: tuple[Path, str], tools_index: IndexServer
) -> None:
    """Locked by poetry against PyPI, built, moved to the app dir and run as a dyno."""
    source = tmp_path / "locked"
    source.mkdir()
    write_tree(
        source,
        {
            "pyproject.toml": (
                '[project]\nname = "app"\nversion = "0"\nrequires-python = ">=3.10"\n'
                'dependencies = ["six==1.16.0", "idna"]\n\n[tool.poetry]\npackage-mode = false\n'
            ),
        },
    )
    lock("poetry", source, None)
    app = lockfile_app(tmp_path / "work", runtime_mirror, source, tools_index)
    build_dir, _ = build_ok(app, tmp_path / "cache")
    app_dir = move_slug_to_app_dir(build_dir, Path(app.base_env["BUILDPACK_APP_DIR"]))
    ran = boot(app_dir, "python -c 'import six, idna; print(six.__version__)'")
    assert ran.stdout.strip() == "1.16.0", ran.stderr

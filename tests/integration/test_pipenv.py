"""Pipenv apps (`Pipfile.lock`), built with the real bin/ scripts, offline.

One app goes through the builds a developer makes in a row, on one CACHE_DIR: a
cold build, an unchanged rebuild, a package removed from Pipfile.lock (which
`pipenv install` alone would leave installed), a version change, a change in a local
directory dependency, an out-of-sync lockfile and the fixed one. Each test checks
one of them; the builds run once for the module. Every changed build is compared
with a clean build of the same inputs, file by file.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from python_buildpack.cache import CacheStore
from support.build_log import assert_user_error, error_block, error_title
from support.buildpack import distributions, site_packages, write_tree
from support.cache_checks import UPDATING, assert_equals_clean, build_ok, reasons, report
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
    pipfile,
)

pytestmark = pytest.mark.slow

LOCAL = '{path = "./libs/localpkg"}'
FIRST = {"alpha": '"*"', "beta": '"==1.0"', "gamma": '"*"', "localpkg": LOCAL}
DEV = {"devtool": '"*"'}


@pytest.fixture(scope="module")
def package_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[IndexServer]:
    with serve_index(index_wheels(tmp_path_factory.mktemp("wheels"))) as index:
        yield index


@pytest.fixture(scope="module")
def tools_index() -> Iterator[IndexServer]:
    """Pipenv's pinned wheels, for the buildpack's tool install (no PyPI in builds)."""
    with serve_index(pinned_wheels("pipenv")) as index:
        yield index


@pytest.fixture(scope="module")
def locked_source(tmp_path_factory: pytest.TempPathFactory, package_index: IndexServer) -> Path:
    """The first version of the app, locked once for the module."""
    source = tmp_path_factory.mktemp("pipenv-source")
    local_package(source, "one")
    relock(source, package_index, FIRST)
    return source


def relock(source: Path, index: IndexServer, dependencies: dict[str, str]) -> None:
    (source / "Pipfile").write_text(pipfile(index.url, dependencies, dev=DEV), encoding="utf-8")
    lock("pipenv", source, index.url)


@pytest.fixture(scope="module")
def history(
    tmp_path_factory: pytest.TempPathFactory,
    runtime_mirror: tuple[Path, str],
    package_index: IndexServer,
    locked_source: Path,
    tools_index: IndexServer,
) -> History:
    workdir = tmp_path_factory.mktemp("pipenv-app")
    app = lockfile_app(workdir, runtime_mirror, locked_source, tools_index)
    done = History(app, workdir / "cache")
    build = done.build
    build("cold")
    build("unchanged")
    relock(app.source, package_index, {k: v for k, v in FIRST.items() if k != "gamma"})
    build("removed", compare_with_clean=True)
    relock(app.source, package_index, {**FIRST, "beta": '"==2.0"', "gamma": '"*"'})
    build("version", compare_with_clean=True)
    local_package(app.source, "two")
    build("local", compare_with_clean=True)
    good = (app.source / "Pipfile").read_text(encoding="utf-8")
    app.write({"Pipfile": good.replace('gamma = "*"\n', "")})  # not relocked
    build("out_of_sync")
    app.write({"Pipfile": good})
    build("fixed")
    return done


def test_cold_build_installs_the_default_packages_of_pipfile_lock(history: History) -> None:
    build_dir, result = history.ok("cold")
    assert "Installing Pipenv 2026.10.3" in result.output
    assert "Running 'pipenv install --deploy --system'" in result.output
    found = distributions(build_dir)
    assert {k: found.get(k) for k in ("alpha", "beta", "gamma", "localpkg")} == {
        "alpha": "1.0",
        "beta": "1.0",
        "gamma": "1.0",
        "localpkg": "1.0",
    }
    assert "devtool" not in found  # dev-packages are for bin/test-compile
    data = history.reports["cold"]
    assert data["package_manager"] == "pipenv"
    assert data["cache_status"] == "empty"


def test_unchanged_rebuild_reuses_the_cache_and_starts_no_process(history: History) -> None:
    _, result = history.ok("unchanged")
    assert "pipenv install" not in result.output
    data = history.reports["unchanged"]
    assert data["cache_status"] == "reused"
    assert data["commands"] == []


def test_package_removed_from_pipfile_lock_is_uninstalled_as_in_a_clean_build(
    history: History,
) -> None:
    build_dir, result = history.ok("removed")
    assert "gamma" not in distributions(build_dir)
    assert not (site_packages(build_dir) / "gamma").exists()
    assert any("Pipfile.lock" in r and "gamma" in r for r in reasons(result.output, UPDATING))
    data = history.reports["removed"]
    assert data["cache_status"] == "updated", result.output
    history.assert_equals_clean("removed")


def test_version_change_in_pipfile_lock_updates_the_package(history: History) -> None:
    build_dir, result = history.ok("version")
    assert distributions(build_dir)["beta"] == "2.0"
    assert any("Pipfile.lock" in r and "beta" in r for r in reasons(result.output, UPDATING))
    assert history.reports["version"]["cache_status"] == "updated"
    history.assert_equals_clean("version")


def test_changed_local_directory_dependency_is_reinstalled(history: History) -> None:
    build_dir, result = history.ok("local")
    assert "libs/localpkg" in "\n".join(reasons(result.output, UPDATING))
    init = site_packages(build_dir) / "localpkg" / "__init__.py"
    assert init.read_text(encoding="utf-8") == "VALUE = 'two'\n"
    history.assert_equals_clean("local")


def test_out_of_sync_pipfile_lock_fails_and_the_cache_stays_good(history: History) -> None:
    _, failed = history.builds["out_of_sync"]
    assert_user_error(failed, "Pipfile.lock is out of date with Pipfile.")
    assert "pipenv lock" in error_block(failed)
    _, result = history.ok("fixed")
    data = history.reports["fixed"]
    assert data["cache_status"] == "reused", result.output
    assert data["commands"] == []


def test_test_compile_adds_the_dev_packages(
    tmp_path: Path,
    runtime_mirror: tuple[Path, str],
    locked_source: Path,
    tools_index: IndexServer,
) -> None:
    app = lockfile_app(tmp_path, runtime_mirror, locked_source, tools_index)
    build_dir, result = build_ok(app, tmp_path / "cache", command="test-compile")
    assert "Running 'pipenv install --deploy --system --dev'" in result.output
    assert distributions(build_dir)["devtool"] == "3.0"


def test_python_version_file_that_disagrees_with_pipfile_lock_is_refused(
    tmp_path: Path,
    runtime_mirror: tuple[Path, str],
    locked_source: Path,
    tools_index: IndexServer,
) -> None:
    """Pipfile.lock says 3.11 (its [requires] python_version); .python-version 3.10."""
    app = lockfile_app(tmp_path, runtime_mirror, locked_source, tools_index)
    app.write({".python-version": "3.10\n"})
    _, result = app.build(tmp_path / "cache")
    assert result.returncode == 1, str(result)
    assert error_title(result).endswith("Pipfile.lock."), error_title(result)
    assert ".python-version" in error_block(result)
    assert "Traceback" not in result.output
    assert "Installing Pipenv" not in result.output


def test_python_version_comes_from_pipfile_lock_without_a_version_file(
    tmp_path: Path,
    runtime_mirror: tuple[Path, str],
    package_index: IndexServer,
    locked_source: Path,
    tools_index: IndexServer,
) -> None:
    """No .python-version, no runtime.txt: Pipfile.lock's python_full_version decides
    (as classic does), not the buildpack's default."""
    app = lockfile_app(tmp_path, runtime_mirror, locked_source, tools_index)
    _, version = runtime_mirror
    app.remove(".python-version")
    text = pipfile(package_index.url, FIRST, dev=DEV, python_full_version=version)
    app.write({"Pipfile": text})
    lock("pipenv", app.source, package_index.url)
    build_dir, _ = build_ok(app, tmp_path / "cache")
    data = report(build_dir, tmp_path / "cache", app.base_env)
    assert data["python_version"] == version, data


def test_a_config_var_that_moves_the_install_is_refused(
    tmp_path: Path,
    runtime_mirror: tuple[Path, str],
    locked_source: Path,
    tools_index: IndexServer,
) -> None:
    app = lockfile_app(tmp_path, runtime_mirror, locked_source, tools_index)
    app.config["PIPENV_VENV_IN_PROJECT"] = "1"
    _, result = app.build(tmp_path / "cache")
    assert_user_error(result, "The config var PIPENV_VENV_IN_PROJECT is not supported with Pipenv.")
    assert "Installing Pipenv" not in result.output


PROCFILE_WEB = "pipenv run python -c 'import localpkg, sys; print(sys.prefix, localpkg.VALUE)'"


def test_procfile_with_pipenv_run_boots_from_the_slug_of_a_cached_build(
    tmp_path: Path,
    runtime_mirror: tuple[Path, str],
    locked_source: Path,
    tools_index: IndexServer,
) -> None:
    """`web: pipenv run ...` in the Procfile, as apps moving from classic have it:
    Pipenv is in the slug (restored from the cache, with no process), on the dyno's
    PATH after the app's Python, and runs the command with the app's Python."""
    app = lockfile_app(tmp_path, runtime_mirror, locked_source, tools_index)
    app.write({"Procfile": f"web: {PROCFILE_WEB}\n"})
    cache = tmp_path / "cache"
    build_ok(app, cache)
    build_dir, rebuilt = build_ok(app, cache)
    assert "Using cached Pipenv 2026.10.3" in rebuilt.output
    assert report(build_dir, cache, app.base_env)["commands"] == []
    app_dir = move_slug_to_app_dir(build_dir, Path(app.base_env["BUILDPACK_APP_DIR"]))
    procfile = (app_dir / "Procfile").read_text(encoding="utf-8")
    web = procfile.removeprefix("web: ").strip()
    ran = boot(app_dir, f"command -v pipenv && {web}")
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.splitlines() == [
        f"{app_dir}/.heroku/python/pipenv/bin/pipenv",
        f"{app_dir}/.heroku/python one",
    ]


def test_cache_saved_without_pipenv_in_it_is_updated_to_equal_a_clean_build(
    tmp_path: Path,
    runtime_mirror: tuple[Path, str],
    locked_source: Path,
    tools_index: IndexServer,
) -> None:
    """A cache saved by a buildpack that kept Pipenv in CACHE_DIR only: the
    environment is otherwise up to date, but the slug needs Pipenv. The next build
    installs it into the environment, saves that, and the one after reuses it."""
    app = lockfile_app(tmp_path, runtime_mirror, locked_source, tools_index)
    cache = tmp_path / "cache"
    build_dir, _ = build_ok(app, cache)
    store = CacheStore(cache / "python")
    manifest, _ = store.load_manifest()
    assert manifest is not None
    old_env = tmp_path / "env-without-pipenv"
    shutil.copytree(build_dir / ".heroku" / "python", old_env, symlinks=True)
    shutil.rmtree(old_env / "pipenv")
    store.save(old_env, manifest)

    build_dir, result = build_ok(app, cache)
    assert reasons(result.output, UPDATING) == [
        "Pipenv 2026.10.3 was not in the cached environment as pinned"
    ]
    assert (build_dir / ".heroku" / "python" / "pipenv" / "bin" / "pipenv").exists()
    assert report(build_dir, cache, app.base_env)["cache_status"] == "updated"
    assert_equals_clean(app, build_dir)
    build_dir, again = build_ok(app, cache)
    assert report(build_dir, cache, app.base_env)["commands"] == [], again.output


@pytest.mark.network
def test_real_app_from_pypi_builds_and_boots(
    tmp_path: Path, runtime_mirror: tuple[Path, str], tools_index: IndexServer
) -> None:
    """Locked by pipenv against PyPI, built, moved to the app dir and run as a dyno."""
    source = tmp_path / "locked"
    source.mkdir()
    write_tree(
        source,
        {
            "Pipfile": (
                '[[source]]\nurl = "https://pypi.org/simple"\nverify_ssl = true\nname = "pypi"\n\n'
                '[packages]\nsix = "==1.16.0"\nidna = "*"\n\n'
                f'[requires]\npython_version = "{MAJOR_MINOR}"\n'
            ),
        },
    )
    lock("pipenv", source, None)
    app = lockfile_app(tmp_path / "work", runtime_mirror, source, tools_index)
    build_dir, _ = build_ok(app, tmp_path / "cache")
    app_dir = move_slug_to_app_dir(build_dir, Path(app.base_env["BUILDPACK_APP_DIR"]))
    ran = boot(app_dir, "python -c 'import six, idna; print(six.__version__)'")
    assert ran.stdout.strip() == "1.16.0", ran.stderr

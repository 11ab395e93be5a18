"""Poetry apps (`poetry.lock`) and Pipenv apps (`Pipfile.lock`), built with the real
bin/ scripts, offline.

For each manager, one app goes through the builds a developer makes in a row, on
one CACHE_DIR: a cold build, an unchanged rebuild, a package removed from the
lockfile (which `pipenv install` alone would leave installed), a version change, a
change in a local directory dependency, an out-of-sync lockfile and the fixed one.
Each test checks one of them; the builds run once for the module. Every changed
build is compared with a clean build of the same inputs, file by file. What only
one of the two tools does has tests of its own at the end.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from python_buildpack.cache import CacheStore
from support.build_log import assert_user_error, error_block, error_title
from support.buildpack import distributions, site_packages, write_tree
from support.cache_checks import (
    UPDATING,
    assert_same_prefix,
    build_ok,
    reasons,
    report,
)
from support.dyno import boot, move_slug_to_app_dir
from support.index_server import IndexServer, serve_index
from support.lockfile_apps import (
    MAJOR_MINOR,
    History,
    index_wheels,
    local_package,
    lock,
    lockfile_app,
    pipfile,
    poetry_project,
)
from support.pinned_tools import pinned_wheels

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Manager:
    """What differs between the two tools in the tests they share."""

    name: str  # as the lockfile_apps helpers and requirements/<name>.txt spell it
    title: str
    version: str  # the pinned version, as the log names it
    lockfile: str
    project_file: str
    install: str  # the command the log shows, for bin/compile
    test_install: str  # ... and for bin/test-compile
    local: str  # the spec of the local directory dependency
    pin: Callable[[str], str]  # the spec of an exact version
    write_project: Callable[[str, Mapping[str, str]], str]  # (index URL, deps)
    moving_var: str  # a config var that would move the install out of the prefix
    real_app: Mapping[str, str]  # locked against PyPI by the network test

    def first(self) -> dict[str, str]:
        return {"alpha": '"*"', "beta": self.pin("1.0"), "gamma": '"*"', "localpkg": self.local}


DEV = {"devtool": '"*"'}

POETRY = Manager(
    name="poetry",
    title="Poetry",
    version="2.5.1",
    lockfile="poetry.lock",
    project_file="pyproject.toml",
    install="poetry sync --only main",
    test_install="poetry sync",
    local='{path = "libs/localpkg", develop = false}',
    pin=lambda version: f'"{version}"',
    write_project=lambda url, deps: poetry_project(url, deps, dev=DEV),
    moving_var="POETRY_VIRTUALENVS_IN_PROJECT",
    real_app={
        "pyproject.toml": (
            '[project]\nname = "app"\nversion = "0"\nrequires-python = ">=3.10"\n'
            'dependencies = ["six==1.16.0", "idna"]\n\n[tool.poetry]\npackage-mode = false\n'
        ),
    },
)
PIPENV = Manager(
    name="pipenv",
    title="Pipenv",
    version="2026.10.3",
    lockfile="Pipfile.lock",
    project_file="Pipfile",
    install="pipenv install --deploy --system",
    test_install="pipenv install --deploy --system --dev",
    local='{path = "./libs/localpkg"}',
    pin=lambda version: f'"=={version}"',
    write_project=lambda url, deps: pipfile(url, deps, dev=DEV),
    moving_var="PIPENV_VENV_IN_PROJECT",
    real_app={
        "Pipfile": (
            '[[source]]\nurl = "https://pypi.org/simple"\nverify_ssl = true\nname = "pypi"\n\n'
            '[packages]\nsix = "==1.16.0"\nidna = "*"\n\n'
            f'[requires]\npython_version = "{MAJOR_MINOR}"\n'
        ),
    },
)


@pytest.fixture(scope="module")
def package_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[IndexServer]:
    with serve_index(index_wheels(tmp_path_factory.mktemp("wheels"))) as index:
        yield index


@pytest.fixture(
    scope="module",
    params=[
        pytest.param(POETRY, id="poetry", marks=pytest.mark.xdist_group("poetry")),
        pytest.param(PIPENV, id="pipenv", marks=pytest.mark.xdist_group("pipenv")),
    ],
)
def manager(request: pytest.FixtureRequest) -> Manager:
    """Each tool's tests run on one pytest-xdist worker (`--dist loadgroup`), so the
    module's builds below are made once, not once per worker."""
    chosen: Manager = request.param
    return chosen


@pytest.fixture(scope="module")
def tools_index(manager: Manager) -> Iterator[IndexServer]:
    """The tool's pinned wheels, for the buildpack's tool install (no PyPI in builds)."""
    with serve_index(pinned_wheels(manager.name)) as index:
        yield index


def relock(
    manager: Manager, source: Path, index: IndexServer, dependencies: Mapping[str, str]
) -> None:
    text = manager.write_project(index.url, dependencies)
    (source / manager.project_file).write_text(text, encoding="utf-8")
    lock(manager.name, source, index.url)


@pytest.fixture(scope="module")
def locked_source(
    tmp_path_factory: pytest.TempPathFactory, manager: Manager, package_index: IndexServer
) -> Path:
    """The first version of the app, locked once for the module."""
    source = tmp_path_factory.mktemp(f"{manager.name}-source")
    local_package(source, "one")
    relock(manager, source, package_index, manager.first())
    return source


@pytest.fixture(scope="module")
def history(
    tmp_path_factory: pytest.TempPathFactory,
    runtime_mirror: tuple[Path, str],
    manager: Manager,
    package_index: IndexServer,
    locked_source: Path,
    tools_index: IndexServer,
) -> History:
    workdir = tmp_path_factory.mktemp(f"{manager.name}-app")
    app = lockfile_app(workdir, runtime_mirror, locked_source, tools_index)
    done = History(app, workdir / "cache")
    build = done.build
    first = manager.first()
    build("cold")
    build("unchanged")
    relock(manager, app.source, package_index, {k: v for k, v in first.items() if k != "gamma"})
    build("removed", compare_with_clean=True)
    relock(manager, app.source, package_index, {**first, "beta": manager.pin("2.0")})
    build("version", compare_with_clean=True)
    local_package(app.source, "two")
    build("local", compare_with_clean=True)
    project = app.source / manager.project_file
    good = project.read_text(encoding="utf-8")
    app.write({manager.project_file: good.replace('gamma = "*"\n', "")})  # not relocked
    build("out_of_sync")
    app.write({manager.project_file: good})
    build("fixed")
    return done


# --- what both tools do ---------------------------------------------------------------


def test_cold_build_installs_the_main_packages_of_the_lockfile(
    manager: Manager, history: History
) -> None:
    build_dir, result = history.ok("cold")
    assert f"Installing {manager.title} {manager.version}" in result.output
    assert f"Running '{manager.install}'" in result.output
    found = distributions(build_dir)
    assert {k: found.get(k) for k in ("alpha", "beta", "gamma", "localpkg")} == {
        "alpha": "1.0",
        "beta": "1.0",
        "gamma": "1.0",
        "localpkg": "1.0",
    }
    assert "devtool" not in found  # the dev group/packages are for bin/test-compile
    data = history.reports["cold"]
    assert data["package_manager"] == manager.name
    assert data["cache_status"] == "empty"


def test_unchanged_rebuild_reuses_the_cache_and_starts_no_process(
    manager: Manager, history: History
) -> None:
    _, result = history.ok("unchanged")
    assert manager.install.split(" --")[0] not in result.output
    data = history.reports["unchanged"]
    assert data["cache_status"] == "reused"
    assert data["commands"] == []


def test_package_removed_from_the_lockfile_is_gone_as_in_a_clean_build(
    manager: Manager, history: History
) -> None:
    build_dir, result = history.ok("removed")
    assert "gamma" not in distributions(build_dir)
    assert not (site_packages(build_dir) / "gamma").exists()
    why = reasons(result.output, UPDATING)
    assert any(manager.lockfile in r and "gamma" in r for r in why), why
    data = history.reports["removed"]
    assert data["cache_status"] == "updated", result.output
    history.assert_equals_clean("removed")


def test_version_change_in_the_lockfile_updates_the_package(
    manager: Manager, history: History
) -> None:
    build_dir, result = history.ok("version")
    assert distributions(build_dir)["beta"] == "2.0"
    why = reasons(result.output, UPDATING)
    assert any(manager.lockfile in r and "beta" in r for r in why), why
    assert history.reports["version"]["cache_status"] == "updated"
    history.assert_equals_clean("version")


def test_changed_local_directory_dependency_is_reinstalled(history: History) -> None:
    build_dir, result = history.ok("local")
    assert "libs/localpkg" in "\n".join(reasons(result.output, UPDATING))
    init = site_packages(build_dir) / "localpkg" / "__init__.py"
    assert init.read_text(encoding="utf-8") == "VALUE = 'two'\n"
    history.assert_equals_clean("local")


def test_out_of_sync_lockfile_fails_and_the_cache_stays_good(
    manager: Manager, history: History
) -> None:
    _, failed = history.builds["out_of_sync"]
    assert_user_error(failed, f"{manager.lockfile} is out of date with {manager.project_file}.")
    assert f"{manager.name} lock" in error_block(failed)
    _, result = history.ok("fixed")
    data = history.reports["fixed"]
    assert data["cache_status"] == "reused", result.output
    assert data["commands"] == []


def test_test_compile_adds_the_dev_dependencies(
    tmp_path: Path,
    runtime_mirror: tuple[Path, str],
    manager: Manager,
    locked_source: Path,
    tools_index: IndexServer,
) -> None:
    app = lockfile_app(tmp_path, runtime_mirror, locked_source, tools_index)
    build_dir, result = build_ok(app, tmp_path / "cache", command="test-compile")
    assert f"Running '{manager.test_install}'" in result.output
    assert distributions(build_dir)["devtool"] == "3.0"


def test_a_config_var_that_moves_the_install_is_refused(
    tmp_path: Path,
    runtime_mirror: tuple[Path, str],
    manager: Manager,
    locked_source: Path,
    tools_index: IndexServer,
) -> None:
    app = lockfile_app(tmp_path, runtime_mirror, locked_source, tools_index)
    app.config[manager.moving_var] = "1"
    _, result = app.build(tmp_path / "cache")
    title = f"The config var {manager.moving_var} is not supported with {manager.title}."
    assert_user_error(result, title)
    assert f"Installing {manager.title}" not in result.output


@pytest.mark.network
def test_real_app_from_pypi_builds_and_boots(
    tmp_path: Path, runtime_mirror: tuple[Path, str], manager: Manager, tools_index: IndexServer
) -> None:
    """Locked by the tool against PyPI, built, moved to the app dir and run as a dyno."""
    source = tmp_path / "locked"
    write_tree(source, manager.real_app)
    lock(manager.name, source, None)
    app = lockfile_app(tmp_path / "work", runtime_mirror, source, tools_index)
    build_dir, _ = build_ok(app, tmp_path / "cache")
    app_dir = move_slug_to_app_dir(build_dir, Path(app.base_env["BUILDPACK_APP_DIR"]))
    ran = boot(app_dir, "python -c 'import six, idna; print(six.__version__)'")
    assert ran.stdout.strip() == "1.16.0", ran.stderr


# --- Poetry only ----------------------------------------------------------------------

POETRY_ONLY = pytest.mark.parametrize(
    "manager",
    [pytest.param(POETRY, id="poetry", marks=pytest.mark.xdist_group("poetry"))],
    indirect=True,
)
PIPENV_ONLY = pytest.mark.parametrize(
    "manager",
    [pytest.param(PIPENV, id="pipenv", marks=pytest.mark.xdist_group("pipenv"))],
    indirect=True,
)


@POETRY_ONLY
def test_python_version_outside_the_projects_constraint_is_refused(
    tmp_path: Path,
    runtime_mirror: tuple[Path, str],
    manager: Manager,
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


@POETRY_ONLY
def test_a_committed_venv_directory_is_refused(
    tmp_path: Path,
    runtime_mirror: tuple[Path, str],
    manager: Manager,
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


@POETRY_ONLY
def test_the_project_itself_is_installed_editable_from_the_app_dir(
    tmp_path: Path,
    runtime_mirror: tuple[Path, str],
    manager: Manager,
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


# --- Pipenv only ----------------------------------------------------------------------


@PIPENV_ONLY
def test_python_version_file_that_disagrees_with_pipfile_lock_is_refused(
    tmp_path: Path,
    runtime_mirror: tuple[Path, str],
    manager: Manager,
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


@PIPENV_ONLY
def test_python_version_comes_from_pipfile_lock_without_a_version_file(
    tmp_path: Path,
    runtime_mirror: tuple[Path, str],
    manager: Manager,
    package_index: IndexServer,
    locked_source: Path,
    tools_index: IndexServer,
) -> None:
    """No .python-version, no runtime.txt: Pipfile.lock's python_full_version decides
    (as classic does), not the buildpack's default."""
    app = lockfile_app(tmp_path, runtime_mirror, locked_source, tools_index)
    _, version = runtime_mirror
    app.remove(".python-version")
    text = pipfile(package_index.url, manager.first(), dev=DEV, python_full_version=version)
    app.write({"Pipfile": text})
    lock("pipenv", app.source, package_index.url)
    build_dir, _ = build_ok(app, tmp_path / "cache")
    data = report(build_dir, tmp_path / "cache", app.base_env)
    assert data["python_version"] == version, data


PROCFILE_WEB = "pipenv run python -c 'import localpkg, sys; print(sys.prefix, localpkg.VALUE)'"


@PIPENV_ONLY
def test_procfile_with_pipenv_run_boots_from_the_slug_of_a_cached_build(
    tmp_path: Path,
    runtime_mirror: tuple[Path, str],
    manager: Manager,
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
    assert f"Using cached Pipenv {manager.version}" in rebuilt.output
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


@PIPENV_ONLY
def test_cache_saved_without_pipenv_in_it_is_updated_to_equal_a_clean_build(
    tmp_path: Path,
    runtime_mirror: tuple[Path, str],
    manager: Manager,
    locked_source: Path,
    tools_index: IndexServer,
) -> None:
    """A cache saved by a buildpack that kept Pipenv in CACHE_DIR only: the
    environment is otherwise up to date, but the slug needs Pipenv. The next build
    installs it into the environment, saves that, and the one after reuses it."""
    app = lockfile_app(tmp_path, runtime_mirror, locked_source, tools_index)
    cache = tmp_path / "cache"
    first, _ = build_ok(app, cache)
    store = CacheStore(cache / "python")
    manifest, _ = store.load_manifest()
    assert manifest is not None
    old_env = tmp_path / "env-without-pipenv"
    shutil.copytree(first / ".heroku" / "python", old_env, symlinks=True)
    shutil.rmtree(old_env / "pipenv")
    store.save(old_env, manifest)

    build_dir, result = build_ok(app, cache)
    assert reasons(result.output, UPDATING) == [
        f"Pipenv {manager.version} was not in the cached environment as pinned"
    ]
    assert (build_dir / ".heroku" / "python" / "pipenv" / "bin" / "pipenv").exists()
    assert report(build_dir, cache, app.base_env)["cache_status"] == "updated"
    # The first build had an empty cache and the same inputs: the clean build.
    assert_same_prefix(build_dir, first)
    build_dir, again = build_ok(app, cache)
    assert report(build_dir, cache, app.base_env)["commands"] == [], again.output

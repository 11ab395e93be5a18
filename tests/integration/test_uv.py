"""uv apps built with the real bin/ scripts, from lockfiles uv made against a local
index (support/uv_apps.py); the cached build compared with a clean build of the same inputs."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from support.buildpack import App, distributions, run_bin, site_packages
from support.built_apps import BuiltApp
from support.cache_checks import UPDATING, assert_equals_clean, build_ok, reasons, report
from support.index_server import IndexServer
from support.uv_apps import lock, pyproject
from support.wheels import build_wheel

from .conftest import UV_APP_DEPS

# With test_cache_persist.py, on one worker: `uv_built` is made once.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("built-once")]


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def test_cold_build_installs_the_default_set_into_the_apps_python(uv_app: App, cache: Path) -> None:
    build_dir, result = build_ok(uv_app, cache)
    assert "Installing uv 0.13.9" in result.output
    assert "Running 'uv sync --locked --no-default-groups'" in result.output
    installed = distributions(build_dir)
    assert {"alpha": "1.0", "beta": "1.0", "gamma": "1.0"}.items() <= installed.items()
    assert "devtool" not in installed and "winonly" not in installed
    assert not (build_dir / ".venv").exists()
    data = report(build_dir, cache, uv_app.base_env)
    assert (data["package_manager"], data["package_manager_version"]) == ("uv", "0.13.9")
    assert {"name": "gamma", "version": "1.0"} in data["installed"]
    export = (Path(__file__).resolve().parents[2] / "export").read_text(encoding="utf-8")
    assert "/python/tools/uv-" in export and "UV_PROJECT_ENVIRONMENT" in export


def test_unchanged_rebuild_starts_no_tool_process(uv_built: BuiltApp, tmp_path: Path) -> None:
    uv_app, cache = uv_built.copy(tmp_path)
    second, result = build_ok(uv_app, cache)
    assert "Restoring cache (uv.lock unchanged" in result.output
    assert "Using cached uv 0.13.9" in result.output
    data = report(second, cache, uv_app.base_env)
    assert data["cache_status"] == "reused"
    assert data["commands"] == []


def test_package_removed_from_the_lockfile_is_uninstalled(
    uv_built: BuiltApp, tmp_path: Path, index: IndexServer, uv: Path
) -> None:
    uv_app, cache = uv_built.copy(tmp_path)
    uv_app.write({"pyproject.toml": pyproject(["alpha", "beta==1.0"], index.url)})
    lock(uv, uv_app)
    second, result = build_ok(uv_app, cache)
    print(result.output)
    assert "uv.lock: gamma 1.0 was removed" in reasons(result.output, UPDATING)
    assert "gamma" not in distributions(second)
    assert not (site_packages(second) / "gamma").exists()
    assert report(second, cache, uv_app.base_env)["cache_status"] == "updated"
    uv_built.assert_equals_clean(uv_app, second)


def test_version_change_in_the_lockfile_is_followed(
    uv_built: BuiltApp, tmp_path: Path, index: IndexServer, uv: Path
) -> None:
    uv_app, cache = uv_built.copy(tmp_path)
    uv_app.write({"pyproject.toml": pyproject(["alpha", "beta==2.0", "gamma"], index.url)})
    lock(uv, uv_app)
    second, result = build_ok(uv_app, cache)
    assert "uv.lock: beta changed from 1.0 to 2.0" in reasons(result.output, UPDATING)
    assert distributions(second)["beta"] == "2.0"
    uv_built.assert_equals_clean(uv_app, second)


def test_changed_local_wheel_is_reinstalled(
    uv_app: App, cache: Path, index: IndexServer, uv: Path
) -> None:
    wheels = uv_app.source / "wheels"
    build_wheel(wheels, "localpkg", "1.0", files={"localpkg/__init__.py": "X = 1\n"})
    source = 'localpkg = { path = "wheels/localpkg-1.0-py3-none-any.whl" }\n'
    uv_app.write({"pyproject.toml": pyproject(["alpha", "localpkg"], index.url, sources=source)})
    lock(uv, uv_app)
    build_ok(uv_app, cache)
    build_wheel(wheels, "localpkg", "1.0", files={"localpkg/__init__.py": "X = 2\n"})
    lock(uv, uv_app, "--upgrade-package", "localpkg")  # uv.lock pins the wheel's hash
    second, result = build_ok(uv_app, cache)
    assert any(
        "wheels/localpkg-1.0-py3-none-any.whl" in r for r in reasons(result.output, UPDATING)
    )
    assert (site_packages(second) / "localpkg" / "__init__.py").read_text() == "X = 2\n"
    direct_url = next(site_packages(second).glob("localpkg-*.dist-info/direct_url.json"))
    assert str(second) not in direct_url.read_text()
    assert_equals_clean(uv_app, second)


def test_lockfile_out_of_sync_names_uv_lock_and_keeps_the_cache(
    uv_built: BuiltApp, tmp_path: Path, index: IndexServer
) -> None:
    uv_app, cache = uv_built.copy(tmp_path)
    good = (uv_app.source / "pyproject.toml").read_text()
    uv_app.write({"pyproject.toml": pyproject(["alpha", "beta==2.0"], index.url)})
    _, failed = uv_app.build(cache)
    assert failed.returncode == 1, str(failed)
    assert "Traceback" not in failed.output
    assert "uv.lock is out of date with pyproject.toml" in failed.output
    assert "uv lock" in failed.output

    uv_app.write({"pyproject.toml": good})
    third, _ = build_ok(uv_app, cache)
    assert report(third, cache, uv_app.base_env)["cache_status"] == "reused"


def test_test_compile_adds_the_dev_group(uv_app: App, cache: Path) -> None:
    build_dir, result = build_ok(uv_app, cache, command="test-compile")
    assert "Running 'uv sync --locked'" in result.output
    assert distributions(build_dir)["devtool"] == "3.0"


def test_python_version_that_pyproject_excludes_names_both_files(
    uv_app: App, cache: Path, index: IndexServer, runtime_mirror: tuple[Path, str]
) -> None:
    _, version = runtime_mirror
    major, minor = version.split(".")[:2]
    excluded = f"<{major}.{minor}"
    uv_app.write({"pyproject.toml": pyproject(UV_APP_DEPS, index.url, requires_python=excluded)})
    _, result = uv_app.build(cache)
    assert result.returncode == 1, str(result)
    assert "Traceback" not in result.output
    assert f"Python {version} does not satisfy pyproject.toml" in result.output
    assert ".python-version" in result.output and excluded in result.output


def test_uv_app_without_python_version_file_is_told_to_pin(uv_app: App, cache: Path) -> None:
    uv_app.remove(".python-version")
    _, result = uv_app.build(cache)
    assert result.returncode == 1, str(result)
    assert "No .python-version file found for this uv app." in result.output
    assert "uv python pin" in result.output


def test_refused_config_var_stops_the_build(uv_app: App, cache: Path) -> None:
    uv_app.config["UV_PROJECT_ENVIRONMENT"] = "/tmp/elsewhere"
    _, result = uv_app.build(cache)
    assert result.returncode == 1, str(result)
    assert "The config var UV_PROJECT_ENVIRONMENT is not supported with uv." in result.output


@pytest.mark.network
def test_real_app_from_pypi_builds_and_runs(
    tmp_path: Path, base_env: dict[str, str], runtime_mirror: tuple[Path, str], uv: Path
) -> None:
    _, version = runtime_mirror
    source = tmp_path / "src"
    source.mkdir()
    app = App(source=source, workdir=tmp_path, base_env=base_env)
    app.write(
        {
            ".python-version": f"{version}\n",
            "pyproject.toml": '[project]\nname = "app"\nversion = "0"\n'
            'requires-python = ">=3.10"\ndependencies = ["six==1.16.0", "idna"]\n',
        }
    )
    lock(uv, app)
    build_dir, _ = build_ok(app, tmp_path / "cache")
    python = Path(base_env["BUILDPACK_APP_DIR"]) / ".heroku" / "python" / "bin" / "python3"
    (Path(base_env["BUILDPACK_APP_DIR"]) / ".heroku").mkdir(parents=True, exist_ok=True)
    link = python.parents[1]
    if not link.exists():
        link.symlink_to(build_dir / ".heroku" / "python")
    ran = subprocess.run(
        [str(python), "-c", "import six, idna; print(six.__version__)"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.stdout.strip() == "1.16.0", ran.stderr
    assert run_bin("release", build_dir, env=base_env).returncode == 0

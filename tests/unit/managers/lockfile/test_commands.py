"""What the build runs for each manager, and the config vars it refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from python_buildpack.errors import ManagerConfigVarRefused
from python_buildpack.managers.lockfile import commands as managers
from python_buildpack.managers.lockfile.commands import PIPENV, POETRY, UV

HOME = Path("/app/.heroku/python")


def test_the_log_shows_the_command_a_user_would_type() -> None:
    assert managers.shown_command(UV, test=False) == "uv sync --locked --no-default-groups"
    assert managers.shown_command(UV, test=True) == "uv sync --locked"
    assert managers.shown_command(POETRY, test=False) == "poetry sync --only main"
    assert managers.shown_command(PIPENV, test=True) == "pipenv install --deploy --system --dev"


def test_sync_argv_adds_bytecode_and_quiet_output() -> None:
    argv = managers.sync_argv(POETRY, Path("/cache/bin/poetry"), test=False)
    assert argv == [
        "/cache/bin/poetry",
        "sync",
        "--only",
        "main",
        "--compile",
        "--no-ansi",
        "--no-interaction",
    ]


@pytest.mark.parametrize(
    ("spec", "name"),
    [
        (UV, "UV_PROJECT_ENVIRONMENT"),
        (UV, "VIRTUAL_ENV"),
        (UV, "UV_FROZEN"),
        (POETRY, "POETRY_VIRTUALENVS_CREATE"),
        (POETRY, "POETRY_VIRTUALENVS_OPTIONS_SYSTEM_SITE_PACKAGES"),
        (PIPENV, "PIPENV_VENV_IN_PROJECT"),
        (PIPENV, "PIPENV_PIPFILE"),
    ],
)
def test_config_vars_that_install_elsewhere_are_refused(
    spec: managers.ManagerSpec, name: str
) -> None:
    with pytest.raises(ManagerConfigVarRefused) as caught:
        managers.check_config_vars(spec, {name: "x", "WEB_CONCURRENCY": "2"})
    assert caught.value.name == name and spec.display_name in caught.value.title()
    assert f"heroku config:unset {name}" in caught.value.body()


def test_harmless_config_vars_pass() -> None:
    managers.check_config_vars(UV, {"UV_INDEX_URL": "https://mirror/simple", "POETRY_X": "1"})
    managers.check_config_vars(POETRY, {"POETRY_HTTP_BASIC_PRIVATE_PASSWORD": "secret"})
    managers.check_config_vars(PIPENV, {"PIP_EXTRA_INDEX_URL": "https://mirror/simple"})


def test_every_sync_installs_into_the_apps_python_with_its_cache_in_cache_dir() -> None:
    cache, empty = Path("/cache/python/uv-cache"), Path("/tmp/empty")
    uv = managers.sync_env(UV, python_home=HOME, tool_cache=cache, empty_dir=empty)
    assert uv["UV_PROJECT_ENVIRONMENT"] == str(HOME)
    assert uv["UV_PYTHON"] == str(HOME / "bin" / "python")
    assert uv["UV_PYTHON_DOWNLOADS"] == "never" and uv["UV_CACHE_DIR"] == str(cache)
    poetry = managers.sync_env(POETRY, python_home=HOME, tool_cache=cache, empty_dir=empty)
    assert poetry["POETRY_VIRTUALENVS_CREATE"] == "false" and "VIRTUAL_ENV" not in poetry
    assert poetry["POETRY_CONFIG_DIR"] == str(empty)
    pipenv = managers.sync_env(PIPENV, python_home=HOME, tool_cache=cache, empty_dir=empty)
    assert (pipenv["PIPENV_SYSTEM"], pipenv["VIRTUAL_ENV"]) == ("1", str(HOME))
    assert pipenv["PIPENV_DONT_LOAD_ENV"] == "1"
    assert pipenv["PIPENV_PYTHON"] == str(HOME / "bin" / "python")
    # What the buildpack sets to place the install, an app may not set itself.
    assert {k for k in uv if k.startswith("UV_")} - {"UV_LINK_MODE"} <= UV.refused
    placed = {k for k in poetry if k.startswith("POETRY_")} - {"POETRY_NO_INTERACTION"}
    assert all(k in POETRY.refused or k.startswith(POETRY.refused_prefixes) for k in placed)
    assert {"VIRTUAL_ENV", "PIPENV_SYSTEM", "PIPENV_CACHE_DIR"} <= PIPENV.refused


def test_later_buildpacks_get_the_tool_on_path() -> None:
    env = managers.export_env(UV, python_home=HOME, tool_bin=Path("/cache/python/tools/uv-1/bin"))
    assert env["PATH"] == "/cache/python/tools/uv-1/bin:$PATH"
    assert env["UV_PROJECT_ENVIRONMENT"] == str(HOME)

"""What the build runs for uv, Poetry and Pipenv, and what it sets for them."""

from __future__ import annotations

from pathlib import Path

from python_buildpack.managers.lockfile import Pipenv, Poetry, Uv
from python_buildpack.managers.registry import PIPENV, POETRY, UV

HOME = Path("/app/.heroku/python")


def test_the_log_shows_the_command_a_user_would_type() -> None:
    assert Uv.shown_command(test=False) == "uv sync --locked --no-default-groups"
    assert Uv.shown_command(test=True) == "uv sync --locked"
    assert Poetry.shown_command(test=False) == "poetry sync --only main"
    assert Pipenv.shown_command(test=True) == "pipenv install --deploy --system --dev"


def test_sync_argv_adds_bytecode_and_quiet_output() -> None:
    argv = Poetry.sync_argv(Path("/cache/bin/poetry"), test=False)
    assert argv == [
        "/cache/bin/poetry",
        "sync",
        "--only",
        "main",
        "--compile",
        "--no-ansi",
        "--no-interaction",
    ]
    assert Uv.sync_argv(Path("/cache/bin/uv"), test=True) == [
        "/cache/bin/uv",
        "sync",
        "--locked",
        "--compile-bytecode",
        "--no-progress",
        "--color",
        "never",
    ]
    assert Pipenv.sync_argv(Path("pipenv"), test=False) == [
        "pipenv",
        "install",
        "--deploy",
        "--system",
    ]


def test_every_sync_installs_into_the_apps_python_with_its_cache_in_cache_dir() -> None:
    cache, empty = Path("/cache/python/uv-cache"), Path("/tmp/empty")
    uv = Uv.sync_env(python_home=HOME, tool_cache=cache, empty_dir=empty)
    assert uv["UV_PROJECT_ENVIRONMENT"] == str(HOME)
    assert uv["UV_PYTHON"] == str(HOME / "bin" / "python")
    assert uv["UV_PYTHON_DOWNLOADS"] == "never" and uv["UV_CACHE_DIR"] == str(cache)
    poetry = Poetry.sync_env(python_home=HOME, tool_cache=cache, empty_dir=empty)
    assert poetry["POETRY_VIRTUALENVS_CREATE"] == "false" and "VIRTUAL_ENV" not in poetry
    assert poetry["POETRY_CONFIG_DIR"] == str(empty)
    pipenv = Pipenv.sync_env(python_home=HOME, tool_cache=cache, empty_dir=empty)
    assert (pipenv["PIPENV_SYSTEM"], pipenv["VIRTUAL_ENV"]) == ("1", str(HOME))
    assert pipenv["PIPENV_DONT_LOAD_ENV"] == "1"
    assert pipenv["PIPENV_PYTHON"] == str(HOME / "bin" / "python")
    for env in (uv, poetry, pipenv):
        assert (env["XDG_CONFIG_HOME"], env["XDG_CONFIG_DIRS"]) == (str(empty), str(empty))
    # What the buildpack sets to place the install, an app may not set itself.
    assert all(UV.refuses(k) for k in uv if k.startswith("UV_") and k != "UV_LINK_MODE")
    placed = {k for k in poetry if k.startswith("POETRY_")} - {"POETRY_NO_INTERACTION"}
    assert all(POETRY.refuses(k) for k in placed)
    assert all(PIPENV.refuses(k) for k in ("VIRTUAL_ENV", "PIPENV_SYSTEM", "PIPENV_CACHE_DIR"))


def test_later_buildpacks_get_the_tool_on_path() -> None:
    tool_bin = Path("/cache/python/tools/uv-1/bin")
    assert Uv.exported_env(python_home=HOME, tool_bin=tool_bin) == {
        "PATH": "/cache/python/tools/uv-1/bin:$PATH",
        "UV_PROJECT_ENVIRONMENT": str(HOME),
        "UV_NO_MANAGED_PYTHON": "1",
        "UV_PYTHON_DOWNLOADS": "never",
    }
    assert Poetry.exported_env(python_home=HOME, tool_bin=tool_bin) == {
        "PATH": "/cache/python/tools/uv-1/bin:$PATH",
        "POETRY_VIRTUALENVS_CREATE": "false",
        "POETRY_VIRTUALENVS_USE_POETRY_PYTHON": "true",
    }
    assert Pipenv.exported_env(python_home=HOME, tool_bin=tool_bin) == {
        "PATH": "/cache/python/tools/uv-1/bin:$PATH",
        "PIPENV_SYSTEM": "1",
        "PIPENV_VERBOSITY": "-1",
        "VIRTUAL_ENV": str(HOME),
    }

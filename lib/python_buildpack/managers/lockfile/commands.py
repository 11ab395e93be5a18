"""How the build runs uv, Poetry and Pipenv: files, commands, environments, refused
config vars. Data and pure functions; MANAGERS_NOTES.md says where each comes from
(Heroku's classic buildpack, lib/uv.sh, poetry.sh, pipenv.sh) and what was measured.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ...errors import ManagerConfigVarRefused


@dataclass(frozen=True)
class ManagerSpec:
    name: str  # the tool's command and pins file (requirements/<name>.txt)
    display_name: str
    lockfile: str
    project_file: str
    fix_command: str  # what the user runs when the lockfile is out of sync
    production_args: tuple[str, ...]  # bin/compile
    test_args: tuple[str, ...]  # bin/test-compile (dev/test groups too)
    # Config vars that reach the tool (fingerprinted, hashed, never logged).
    config_prefixes: tuple[str, ...]
    # Config vars that would install elsewhere, skip the lock check, or take over a
    # directory the buildpack owns.
    refused: frozenset[str]
    refused_prefixes: tuple[str, ...] = ()


# Both make a tool install into a virtualenv instead of the app's Python.
_EVERY_MANAGER = frozenset({"VIRTUAL_ENV", "CONDA_PREFIX"})

UV = ManagerSpec(
    name="uv",
    display_name="uv",
    lockfile="uv.lock",
    project_file="pyproject.toml",
    fix_command="uv lock",
    production_args=("sync", "--locked", "--no-default-groups"),
    test_args=("sync", "--locked"),
    config_prefixes=("UV_",),
    refused=_EVERY_MANAGER
    | {
        "UV_PROJECT_ENVIRONMENT",
        "UV_PYTHON",
        "UV_SYSTEM_PYTHON",
        "UV_PYTHON_DOWNLOADS",
        "UV_MANAGED_PYTHON",
        "UV_NO_MANAGED_PYTHON",
        "UV_PYTHON_INSTALL_DIR",
        "UV_CACHE_DIR",
        "UV_FROZEN",
        "UV_NO_SYNC",
        "UV_PREFIX",
        "UV_TARGET",
    },
)
POETRY = ManagerSpec(
    name="poetry",
    display_name="Poetry",
    lockfile="poetry.lock",
    project_file="pyproject.toml",
    fix_command="poetry lock",
    production_args=("sync", "--only", "main"),
    test_args=("sync",),
    config_prefixes=("POETRY_",),
    refused=_EVERY_MANAGER
    | {"POETRY_CACHE_DIR", "POETRY_CONFIG_DIR", "POETRY_DATA_DIR", "POETRY_HOME"},
    refused_prefixes=("POETRY_VIRTUALENVS_",),
)
PIPENV = ManagerSpec(
    name="pipenv",
    display_name="Pipenv",
    lockfile="Pipfile.lock",
    project_file="Pipfile",
    fix_command="pipenv lock",
    production_args=("install", "--deploy", "--system"),
    test_args=("install", "--deploy", "--system", "--dev"),
    config_prefixes=("PIPENV_", "PIP_"),
    refused=_EVERY_MANAGER
    | {
        "PIPENV_VENV_IN_PROJECT",
        "PIPENV_CUSTOM_VENV_NAME",
        "WORKON_HOME",
        "PIPENV_PYTHON",
        "PIPENV_DEFAULT_PYTHON_VERSION",
        "PIPENV_PIPFILE",
        "PIPENV_SKIP_LOCK",
        "PIPENV_CACHE_DIR",
        "PIPENV_SYSTEM",
    },
)
SPECS = {spec.name: spec for spec in (UV, POETRY, PIPENV)}

# Flags that change only how the output looks or how fast the app boots: left out
# of the command the log shows, as classic does.
_QUIET_ARGS = {
    "uv": ("--compile-bytecode", "--no-progress", "--color", "never"),
    "poetry": ("--compile", "--no-ansi", "--no-interaction"),
    "pipenv": (),
}


def check_config_vars(spec: ManagerSpec, config_vars: Mapping[str, str]) -> None:
    for name in sorted(config_vars):
        if name in spec.refused or name.startswith(spec.refused_prefixes):
            raise ManagerConfigVarRefused(name, spec.display_name)


def shown_command(spec: ManagerSpec, *, test: bool) -> str:
    """The command as the log shows it: `uv sync --locked --no-default-groups`."""
    return " ".join((spec.name, *(spec.test_args if test else spec.production_args)))


def sync_argv(spec: ManagerSpec, executable: Path, *, test: bool) -> list[str]:
    args = spec.test_args if test else spec.production_args
    return [str(executable), *args, *_QUIET_ARGS[spec.name]]


def sync_env(
    spec: ManagerSpec, *, python_home: Path, tool_cache: Path, empty_dir: Path
) -> dict[str, str]:
    """What the buildpack sets for the sync, on top of the command environment
    (host basics, config vars, PATH with python_home/bin and the tool's bin first).
    `python_home` is `/app/.heroku/python` (the run-time path); `tool_cache` the
    tool's download cache in CACHE_DIR; `empty_dir` an empty directory that hides
    the build machine's own config files of the tool."""
    hide_machine_config = {"XDG_CONFIG_HOME": str(empty_dir), "XDG_CONFIG_DIRS": str(empty_dir)}
    if spec is UV:
        return {
            **hide_machine_config,
            "UV_PROJECT_ENVIRONMENT": str(python_home),
            "UV_PYTHON": str(python_home / "bin" / "python"),
            "UV_PYTHON_DOWNLOADS": "never",
            "UV_NO_MANAGED_PYTHON": "1",
            "UV_CACHE_DIR": str(tool_cache),
            # CACHE_DIR may be another filesystem (Dokku), and a hard link would let
            # a later change to the environment change the cache too.
            "UV_LINK_MODE": "copy",
        }
    if spec is POETRY:
        return {
            **hide_machine_config,
            "POETRY_VIRTUALENVS_CREATE": "false",
            "POETRY_VIRTUALENVS_IN_PROJECT": "false",
            "POETRY_VIRTUALENVS_USE_POETRY_PYTHON": "true",
            "POETRY_CACHE_DIR": str(tool_cache),
            "POETRY_CONFIG_DIR": str(empty_dir),
            "POETRY_NO_INTERACTION": "1",
        }
    return {
        **hide_machine_config,
        "PIPENV_SYSTEM": "1",
        # --system installs with this interpreter (else the `python` on PATH): measured.
        "PIPENV_PYTHON": str(python_home / "bin" / "python"),
        # Classic's workaround for packages Pipenv depends on itself (certifi, ...).
        "VIRTUAL_ENV": str(python_home),
        "PIPENV_VERBOSITY": "-1",
        "PIPENV_NOSPIN": "1",
        "PIPENV_YES": "1",
        "PIPENV_DONT_LOAD_ENV": "1",
        "PIPENV_CACHE_DIR": str(tool_cache),
        "PIP_CACHE_DIR": str(tool_cache / "pip"),
        "PIP_SRC": str(python_home / "src"),
        # rich wraps Pipenv's messages at the terminal width.
        "COLUMNS": "200",
    }


def export_env(spec: ManagerSpec, *, python_home: Path, tool_bin: Path) -> dict[str, str]:
    """For later buildpacks (the `export` file), as classic writes it; PATH gets
    `tool_bin` in front of the existing PATH."""
    common = {"PATH": f"{tool_bin}:$PATH"}
    if spec is UV:
        return {
            **common,
            "UV_PROJECT_ENVIRONMENT": str(python_home),
            "UV_NO_MANAGED_PYTHON": "1",
            "UV_PYTHON_DOWNLOADS": "never",
        }
    if spec is POETRY:
        return {
            **common,
            "POETRY_VIRTUALENVS_CREATE": "false",
            "POETRY_VIRTUALENVS_USE_POETRY_PYTHON": "true",
        }
    return {
        **common,
        "PIPENV_SYSTEM": "1",
        "PIPENV_VERBOSITY": "-1",
        "VIRTUAL_ENV": str(python_home),
    }


def runtime_env(spec: ManagerSpec) -> dict[str, str]:
    """For the dyno (`.profile.d`), `$HOME` being the app dir: only Pipenv is in the
    slug, so only Pipenv has something to add, as classic sets it: its command on
    PATH, and the settings that make `pipenv run` use the app's Python."""
    if spec is not PIPENV:
        return {}
    return {
        "PATH": "$HOME/.heroku/python/pipenv/bin:$PATH",
        "PIPENV_SYSTEM": "1",
        "PIPENV_VERBOSITY": "-1",
        "VIRTUAL_ENV": "$HOME/.heroku/python",
    }

"""The package managers the buildpack supports: one entry each, in one list.

A newcomer starts here. An entry says, as data, everything about a manager that is
not behaviour: the file that selects it and the files detect looks for, its project
file and the command that writes its lockfile, the config vars that reach it and
those it refuses, its tool's pins, and how the log and the report name it. Its
behaviour is one class (managers/pip/manager.py, managers/lockfile/{uv,poetry,
pipenv}.py) whose `entry` is the entry here; managers/selection.py picks the class.
Adding a manager is one entry here and one class there.

As heroku/heroku-buildpack-python chooses (lib/package_manager.sh), an app has
exactly one of the entries' files; MANAGERS is in classic's order, the order the
errors list them in. This module is data only: bin/detect reads it, and so do the
lockfile parsers, without loading any manager.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ManagerEntry:
    # The tool's command, its pins (requirements/<name>.txt), the report's
    # `package_manager` and the name of its download cache in CACHE_DIR.
    name: str
    # How the log and the errors name it: "Installing dependencies using Poetry".
    display_name: str
    # The file it installs from: an app has exactly one of the entries' files.
    file: str
    # What else bin/detect looks for (besides the version files and classic's own
    # list, app/detect.py); `file` first.
    detect: tuple[str, ...]
    # Config vars that reach the tool (fingerprinted, hashed, never logged).
    config_prefixes: tuple[str, ...]
    # The report's field for the tool's version.
    version_field: str = "package_manager_version"
    # A lockfile manager's project file, and the command that writes the lockfile
    # from it (named when the lockfile is missing or out of date); pip has neither.
    project_file: str = ""
    lock_command: str = ""
    # Suggested first when a project file has no lockfile.
    recommended: bool = False
    # Config vars that would install elsewhere, skip the lock check, or take over a
    # directory the buildpack owns: refused with ManagerConfigVarRefused.
    refused: frozenset[str] = frozenset()
    refused_prefixes: tuple[str, ...] = ()

    def refuses(self, config_var: str) -> bool:
        return config_var in self.refused or config_var.startswith(self.refused_prefixes)


# Both make a tool install into a virtualenv instead of the app's Python.
_EVERY_LOCKFILE_MANAGER = frozenset({"VIRTUAL_ENV", "CONDA_PREFIX"})

PIP = ManagerEntry(
    name="pip",
    display_name="pip",
    file="requirements.txt",
    detect=("requirements.txt",),
    config_prefixes=("PIP_",),
    version_field="pip_version",
)
PIPENV = ManagerEntry(
    name="pipenv",
    display_name="Pipenv",
    file="Pipfile.lock",
    detect=("Pipfile", "Pipfile.lock"),
    config_prefixes=("PIPENV_", "PIP_"),
    project_file="Pipfile",
    lock_command="pipenv lock",
    refused=_EVERY_LOCKFILE_MANAGER
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
POETRY = ManagerEntry(
    name="poetry",
    display_name="Poetry",
    file="poetry.lock",
    detect=("poetry.lock",),
    config_prefixes=("POETRY_",),
    project_file="pyproject.toml",
    lock_command="poetry lock",
    refused=_EVERY_LOCKFILE_MANAGER
    | {"POETRY_CACHE_DIR", "POETRY_CONFIG_DIR", "POETRY_DATA_DIR", "POETRY_HOME"},
    refused_prefixes=("POETRY_VIRTUALENVS_",),
)
UV = ManagerEntry(
    name="uv",
    display_name="uv",
    file="uv.lock",
    detect=("uv.lock",),
    config_prefixes=("UV_",),
    project_file="pyproject.toml",
    lock_command="uv lock",
    recommended=True,
    refused=_EVERY_LOCKFILE_MANAGER
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

# Classic's order: the order the errors list the files in.
MANAGERS = (PIP, PIPENV, POETRY, UV)
LOCKFILE_MANAGERS = tuple(entry for entry in MANAGERS if entry.project_file)


def by_file(file: str) -> ManagerEntry:
    (entry,) = (entry for entry in MANAGERS if entry.file == file)
    return entry


def display_name(name: str) -> str:
    """How the log names the tool `name` (a name no entry has: as it is)."""
    return next((entry.display_name for entry in MANAGERS if entry.name == name), name)

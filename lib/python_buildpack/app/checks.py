"""Checks of the app's source that stop a build early with a clear reason.

`check_app` must run before the buildpack writes anything into BUILD_DIR (in
particular before Python is installed into `.heroku/python`). It raises the first
problem found and returns non-fatal warnings (worded in errors/build_warnings.py).

Package manager files, as heroku/heroku-buildpack-python chooses
(lib/package_manager.sh): exactly one of requirements.txt (pip), Pipfile.lock
(Pipenv), poetry.lock (Poetry), uv.lock (uv). Several is an error: they can
disagree, and a user editing the one that is not used would see no effect. A lockfile
needs its project file; a Pipfile or pyproject.toml with no lockfile is an error that
names the command that writes it; so is a pdm.lock (PDM is not supported: the error
says what to use instead). A Pipfile without its lock next to requirements.txt
is only a warning (many apps keep a Pipfile for development tools); so is a
misspelled copy of requirements.txt.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from pathlib import Path

from ..errors import (
    BuildWarning,
    CommittedHerokuPythonDir,
    CommittedVirtualenv,
    LockfileWithoutProjectFile,
    MissingLockfile,
    MisspelledRequirementsFile,
    MisspelledRequirementsIgnored,
    MultiplePackageManagerFiles,
    NoPackageManagerFile,
    PackageWithoutRequirements,
    PdmNotSupported,
    PipfileIgnored,
)
from .detect import (
    REQUIREMENTS_TXT,
    list_build_dir,
    misspelled_requirements_files,
    top_level_files,
)

# Each lockfile, the project file it goes with, in classic's order.
LOCKFILES = {
    "Pipfile.lock": "Pipfile",
    "poetry.lock": "pyproject.toml",
    "uv.lock": "pyproject.toml",
}
# The file each package manager installs from: exactly one of these.
MANAGER_FILES = (REQUIREMENTS_TXT, *LOCKFILES)
# What writes the missing lockfile next to a project file: (tool, command, lockfile).
_LOCK_COMMANDS = {
    "Pipfile": (("Pipenv", "pipenv lock", "Pipfile.lock"),),
    "pyproject.toml": (("uv", "uv lock", "uv.lock"), ("Poetry", "poetry lock", "poetry.lock")),
}
PACKAGE_FILES = ("setup.py", "setup.cfg")
# Detected (as classic detects it) but not installed from: named in its own error.
PDM_LOCK = "pdm.lock"


def check_app(build_dir: Path) -> list[BuildWarning]:
    heroku_python = build_dir / ".heroku" / "python"
    # lexists: a committed symlink or file there is as much in the way as a directory.
    if os.path.lexists(heroku_python):
        raise CommittedHerokuPythonDir(_sample_entries(heroku_python))
    venvs = committed_virtualenvs(build_dir)
    if venvs:
        raise CommittedVirtualenv(venvs)
    return check_package_manager_files(top_level_files(build_dir), list_build_dir(build_dir))


def committed_virtualenvs(build_dir: Path) -> list[str]:
    """Top-level directories holding a virtual environment (they have a pyvenv.cfg)."""
    return sorted(
        entry.name
        for entry in build_dir.iterdir()
        if entry.is_dir() and (entry / "pyvenv.cfg").is_file()
    )


def check_package_manager_files(files: Collection[str], listing: list[str]) -> list[BuildWarning]:
    """Decide from the app root's file names; `listing` is shown if nothing fits."""
    misspelled = misspelled_requirements_files(files)
    found = [name for name in MANAGER_FILES if name in files]
    if len(found) > 1:
        raise MultiplePackageManagerFiles(found)
    if REQUIREMENTS_TXT in files:
        return _requirements_warnings(files, misspelled)
    if found:
        lockfile = found[0]
        if LOCKFILES[lockfile] not in files:
            raise LockfileWithoutProjectFile(lockfile, LOCKFILES[lockfile])
        return []
    if misspelled:
        raise MisspelledRequirementsFile(misspelled)
    if PDM_LOCK in files:
        raise PdmNotSupported()
    for project_file, commands in _LOCK_COMMANDS.items():
        if project_file in files:
            raise MissingLockfile(project_file, commands)
    package = [name for name in PACKAGE_FILES if name in files]
    if package:
        raise PackageWithoutRequirements(package)
    raise NoPackageManagerFile(listing)


def manager_file(files: Collection[str]) -> str:
    """The one file the app's package manager installs from (after `check_app`)."""
    found = [name for name in MANAGER_FILES if name in files]
    if len(found) != 1:
        raise ValueError(f"check_app() first: found {found}")
    return found[0]


def _requirements_warnings(files: Collection[str], misspelled: list[str]) -> list[BuildWarning]:
    warnings: list[BuildWarning] = []
    if "Pipfile" in files:
        warnings.append(PipfileIgnored())
    if misspelled:
        warnings.append(MisspelledRequirementsIgnored(misspelled))
    return warnings


def _sample_entries(path: Path, limit: int = 5) -> list[str]:
    try:
        names = sorted(entry.name for entry in path.iterdir())
    except OSError:
        return []
    return names[:limit] + ([f"... and {len(names) - limit} more"] if len(names) > limit else [])

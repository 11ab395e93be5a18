"""Checks of the app's source that stop a build early with a clear reason.

`check_app` must run before the buildpack writes anything into BUILD_DIR (in
particular before Python is installed into `.heroku/python`). It raises the first
problem found and returns non-fatal warnings as `(title, body)` pairs.

Package manager files: this buildpack installs from requirements.txt only. As in
heroku/heroku-buildpack-python (which now refuses several package manager files), a
requirements.txt next to a Pipfile.lock, poetry.lock or uv.lock is an error: the two
can disagree, and a user editing the one that is not used would see no effect. A
Pipfile without its lock next to requirements.txt is only a warning (many apps keep a
Pipfile for development tools); so is a misspelled copy of requirements.txt.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from pathlib import Path

from ..errors import (
    CommittedHerokuPythonDir,
    CommittedVirtualenv,
    MisspelledRequirementsFile,
    MultiplePackageManagerFiles,
    NoPackageManagerFile,
    PackageWithoutRequirements,
    UnsupportedPackageManager,
    visible,
)
from .detect import (
    REQUIREMENTS_TXT,
    list_build_dir,
    misspelled_requirements_files,
    top_level_files,
)

LOCKFILES = ("Pipfile.lock", "poetry.lock", "uv.lock")
# Files of package managers this buildpack does not run (yet), in the order named.
UNSUPPORTED_MANAGER_FILES = ("Pipfile", "Pipfile.lock", "poetry.lock", "uv.lock")
PACKAGE_FILES = ("setup.py", "setup.cfg", "pyproject.toml")


def check_app(build_dir: Path) -> list[tuple[str, str]]:
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


def check_package_manager_files(
    files: Collection[str], listing: list[str]
) -> list[tuple[str, str]]:
    """Decide from the app root's file names; `listing` is shown if nothing fits."""
    misspelled = misspelled_requirements_files(files)
    if REQUIREMENTS_TXT in files:
        lockfiles = [name for name in LOCKFILES if name in files]
        if lockfiles:
            raise MultiplePackageManagerFiles([REQUIREMENTS_TXT, *lockfiles])
        warnings: list[tuple[str, str]] = []
        if "Pipfile" in files:
            warnings.append(
                (
                    "The Pipfile is ignored.",
                    "The app has both a Pipfile and a requirements.txt. This buildpack\n"
                    "installs only what requirements.txt lists; the Pipfile has no effect\n"
                    "on the build. If the app's dependencies are kept in the Pipfile,\n"
                    "regenerate requirements.txt from it: pipenv requirements > requirements.txt",
                )
            )
        if misspelled:
            names = ", ".join(f"'{visible(name)}'" for name in misspelled)
            warnings.append(
                (
                    f"{names} is ignored.",
                    f"The app has {names} next to requirements.txt. Only requirements.txt\n"
                    "is read; if the other file is a leftover, delete it to avoid confusion.",
                )
            )
        return warnings
    if misspelled:
        raise MisspelledRequirementsFile(misspelled)
    unsupported = [name for name in UNSUPPORTED_MANAGER_FILES if name in files]
    if unsupported:
        raise UnsupportedPackageManager(unsupported)
    package = [name for name in PACKAGE_FILES if name in files]
    if package:
        raise PackageWithoutRequirements(package)
    raise NoPackageManagerFile(listing)


def _sample_entries(path: Path, limit: int = 5) -> list[str]:
    try:
        names = sorted(entry.name for entry in path.iterdir())
    except OSError:
        return []
    return names[:limit] + ([f"... and {len(names) - limit} more"] if len(names) > limit else [])

"""Which Python a lockfile app asks for, by classic's rules per manager
(heroku/heroku-buildpack-python lib/python_version.sh), and whether the project
allows the resolved one.

- uv: `.python-version` is required (uv reads it too; `uv python pin X.Y` writes it),
  and the version must satisfy `requires-python` (pyproject.toml, uv.lock).
- Poetry: runtime.txt, `.python-version`, or the default, as for pip; checked against
  `requires-python` / `[tool.poetry.dependencies] python` when it is a PEP 440
  specifier (Poetry's `^3.12` is left to Poetry, which names the problem itself).
- Pipenv: runtime.txt, `.python-version`, then Pipfile.lock's `python_full_version`,
  then its `python_version`; a version file that disagrees with the lock is an error.
"""

from __future__ import annotations

from pathlib import Path

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from ...errors import PythonVersionConflict, PythonVersionFileRequired
from ...python_version import (
    RequestedPythonVersion,
    ResolvedPythonVersion,
    VersionOrigin,
    parse_pipfile_lock_python,
    read_requested_python_version,
)


def requested_with_version_file(
    build_dir: Path, tool: str, pin_command: str
) -> RequestedPythonVersion:
    """uv: only `.python-version` names the app's Python."""
    requested = read_requested_python_version(build_dir)
    if requested.origin is not VersionOrigin.PYTHON_VERSION_FILE:
        raise PythonVersionFileRequired(tool, requested.origin.value, pin_command)
    return requested


def requested_for_pipenv(build_dir: Path, lock_python: str | None) -> RequestedPythonVersion:
    """`lock_python`: Pipfile.lock's python_full_version or python_version."""
    requested = read_requested_python_version(build_dir)
    if lock_python is None:
        return requested
    from_lock = parse_pipfile_lock_python(lock_python)
    if requested.origin is VersionOrigin.DEFAULT:
        return from_lock
    if requested.major_minor != from_lock.major_minor or (
        requested.patch is not None
        and from_lock.patch is not None
        and requested.patch != from_lock.patch
    ):
        raise PythonVersionConflict(
            str(requested), str(requested.origin_file), "Pipfile.lock", lock_python
        )
    return requested


def check_requires_python(
    python: ResolvedPythonVersion,
    origin_file: str | None,
    project_file: str,
    requirement: str | None,
) -> None:
    """The resolved version must satisfy the project's `requires-python`."""
    if not requirement:
        return
    try:
        allowed = SpecifierSet(requirement)
    except InvalidSpecifier:
        return  # not PEP 440 (Poetry's caret): the tool judges it
    if not allowed.contains(str(python), prereleases=True):
        raise PythonVersionConflict(
            str(python), origin_file or "The buildpack's default", project_file, requirement
        )

"""Is this a Python app? `bin/detect` says `Python` when it is (cli.py prints);
otherwise it fails with `NotAPythonApp` (errors/app_files.py), which lists LOOKED_FOR.

It reads the package managers' registry (managers/registry.py), which is data only:
detect loads no manager."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..managers.registry import LOCKFILE_MANAGERS, PIP

# Top-level files that make an app a Python app. Detection is generous, as classic's
# KNOWN_PYTHON_PROJECT_FILES (heroku/heroku-buildpack-python v351, bin/detect): an app
# with only a `pyproject.toml`, a `manage.py` or a `server.py` is detected, and
# checks.py then explains what it still needs, which is more helpful than "no
# buildpack detected".
# The managers' files come from their registry entries, in classic's order.
DETECT_FILES = (
    *PIP.detect,
    ".python-version",
    "runtime.txt",
    *(name for entry in LOCKFILE_MANAGERS for name in entry.detect),
    "pdm.lock",
    "pyproject.toml",
    "setup.py",
    "setup.cfg",
    "manage.py",
    "app.py",
    "main.py",
    "server.py",
    "__init__.py",
)
# Top-level directories that do too: bytecode and virtual environments shouldn't be
# committed, but beginners' apps that lack every file above often have them; and a
# `requirements/` directory of split files whose top-level requirements.txt is missing.
DETECT_DIRS = ("__pycache__", ".venv", "venv", "requirements")
# What bin/detect says it looked for when it found none: files, then directories.
LOOKED_FOR = (*DETECT_FILES, *(f"{name}/" for name in DETECT_DIRS))

REQUIREMENTS_TXT = PIP.file
# Names people give requirements.txt by mistake. Also found: any name equal to
# `requirements.txt` ignoring case and surrounding whitespace (`Requirements.TXT`,
# `requirements.txt ` with a trailing space).
REQUIREMENTS_MISSPELLINGS = (
    "requirement.txt",
    "requirements.text",
    "requirements.txt.txt",
    "requirments.txt",
    "requirements",
    "requirement",
    "requirements.pip",
    "requierments.txt",
    "requirements.tx",
    "requeriments.txt",
)
_MISSPELLINGS_LOWER = {name.lower() for name in REQUIREMENTS_MISSPELLINGS}
_SPACE = " \t\r\n\f\v"


@dataclass(frozen=True)
class DetectResult:
    detected: bool
    # The recognised files, in the order of DETECT_FILES, then misspellings, then
    # DETECT_DIRS (with a trailing `/`).
    found: tuple[str, ...]


def misspelled_requirements_files(file_names: Iterable[str]) -> list[str]:
    """The names (of regular files) that look like a misspelled requirements.txt, sorted."""
    found = []
    for name in file_names:
        if name == REQUIREMENTS_TXT:
            continue
        key = name.strip(_SPACE).lower()
        if key == REQUIREMENTS_TXT or key in _MISSPELLINGS_LOWER:
            found.append(name)
    return sorted(found)


def top_level_files(build_dir: Path) -> list[str]:
    """Names of the regular files (or links to them) at the app root."""
    return sorted(entry.name for entry in build_dir.iterdir() if entry.is_file())


def list_build_dir(build_dir: Path) -> list[str]:
    """The app root's entries, sorted, directories with a trailing `/`."""
    return sorted(e.name + ("/" if e.is_dir() else "") for e in build_dir.iterdir())


def detect(build_dir: Path) -> DetectResult:
    files = set(top_level_files(build_dir))
    found = [name for name in DETECT_FILES if name in files]
    found += misspelled_requirements_files(files)
    found += [f"{name}/" for name in DETECT_DIRS if (build_dir / name).is_dir()]
    return DetectResult(detected=bool(found), found=tuple(found))

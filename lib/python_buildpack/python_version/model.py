"""The values a Python version takes: where it was asked for, the requested version
(`3.12`) and the resolved one (`3.12.13`), which are different types, and the default."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from .table import NEWEST_SUPPORTED

PYTHON_VERSION_FILE = ".python-version"
RUNTIME_TXT = "runtime.txt"


class VersionOrigin(enum.Enum):
    PYTHON_VERSION_FILE = PYTHON_VERSION_FILE
    RUNTIME_TXT = RUNTIME_TXT
    # Pipenv apps: `_meta.requires` of Pipfile.lock, when no version file names one.
    PIPFILE_LOCK = "Pipfile.lock"
    DEFAULT = "default"


@dataclass(frozen=True)
class RequestedPythonVersion:
    major: int
    minor: int
    patch: int | None
    origin: VersionOrigin
    # The file the version came from, relative to the app root; None for the default.
    origin_file: str | None = None

    @property
    def major_minor(self) -> str:
        return f"{self.major}.{self.minor}"

    def __str__(self) -> str:
        if self.patch is None:
            return self.major_minor
        return f"{self.major}.{self.minor}.{self.patch}"


@dataclass(frozen=True)
class ResolvedPythonVersion:
    major: int
    minor: int
    patch: int

    @property
    def major_minor(self) -> str:
        return f"{self.major}.{self.minor}"

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"


DEFAULT_PYTHON_VERSION = RequestedPythonVersion(
    NEWEST_SUPPORTED[0], NEWEST_SUPPORTED[1], None, VersionOrigin.DEFAULT, None
)
DEFAULT_MAJOR_MINOR = DEFAULT_PYTHON_VERSION.major_minor

"""What the lockfile parsers share: the target a sync installs for, what they return,
and TOML.

A lockfile names packages for every platform and Python its tool resolved for; what
a sync installs depends on the Python version, the platform (markers) and the groups
asked for. `Target` is the first two, as the marker environment of the app's Linux
CPython; the parsers take text and a target, never a path or the running interpreter.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from packaging.markers import InvalidMarker, Marker, UndefinedComparison, UndefinedEnvironmentName
from packaging.utils import canonicalize_name

from ..errors import LockfileInvalid
from ..python_version.markers import marker_environment

if sys.version_info >= (3, 11):
    import tomllib
else:  # the stack's python3 on heroku-22; tomli is vendored (requirements/vendor.txt)
    import tomli as tomllib

# Installed in the app's Python by the runtime or the buildpack, named by no lockfile.
KEEP = ("pip", "setuptools", "wheel")


@dataclass(frozen=True)
class Target:
    """The app's Python as a marker sees it: CPython on Linux."""

    python_full_version: str  # "3.12.7"
    arch: str = "amd64"  # BuildContext.arch: amd64 or arm64

    @property
    def python_version(self) -> str:
        return ".".join(self.python_full_version.split(".")[:2])

    def environment(self, extra: str = "") -> dict[str, str]:
        return marker_environment(self.python_full_version, self.arch, extra=extra)


@dataclass(frozen=True, order=True)
class LockedPackage:
    """One distribution a sync installs. `source` says where its content comes from,
    in the lockfile's terms: an index URL, `git+URL@commit`, `path:DIR`, `url:URL`;
    `editable` for a package installed in development mode (a path, never a copy)."""

    name: str  # canonical (PEP 503)
    version: str | None  # None when the lockfile does not pin one (a path, some VCS)
    source: str
    editable: bool = False

    def __str__(self) -> str:
        return f"{self.name} {self.version}" if self.version else self.name


@dataclass(frozen=True)
class LockedSet:
    """What a sync must leave installed, and what the lockfile says of Python."""

    packages: frozenset[LockedPackage]
    requires_python: str | None  # a PEP 440 specifier, or None when the lockfile has none

    def by_name(self) -> dict[str, LockedPackage]:
        return {p.name: p for p in self.packages}

    def extraneous(self, installed: Iterable[str], keep: Iterable[str] = KEEP) -> list[str]:
        """Installed distributions the lockfile does not name: what a sync that never
        uninstalls (`pipenv install`) leaves behind, to uninstall after it."""
        wanted = {p.name for p in self.packages} | {canonical(k) for k in keep}
        return sorted({canonical(n) for n in installed} - wanted)


def canonical(name: str) -> str:
    return str(canonicalize_name(name))


def load_toml(text: str, file: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise LockfileInvalid(file, f"it is not valid TOML: {error}") from error


def table(data: Mapping[str, Any], key: str, file: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise LockfileInvalid(file, f"'{key}' is not a table")
    return value


def array_of_tables(data: Mapping[str, Any], key: str, file: str) -> list[dict[str, Any]]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise LockfileInvalid(file, f"'{key}' is not an array of tables")
    return value


def marker_applies(marker: str | None, target: Target, file: str, extra: str = "") -> bool:
    """True when there is no marker, or it holds for the target."""
    if not marker:
        return True
    try:
        return Marker(marker).evaluate(target.environment(extra))
    except (InvalidMarker, UndefinedComparison, UndefinedEnvironmentName) as error:
        raise LockfileInvalid(file, f"invalid marker {marker!r}: {error}") from error

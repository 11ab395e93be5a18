"""poetry.lock: what `poetry sync` installs for one Python, platform and group choice.

Since lock-version 2.1 (Poetry 2.0) every package lists the groups that need it and
its marker, per group when they differ, so the set is a filter, not a graph walk:
a package is installed when one of its groups is selected and that group's marker
holds for the target (`extra == ...` markers fail: `poetry sync` installs no extras).
Older lockfiles (a `category` per package, markers incomplete) are read the same way
as far as they go; for them the check after the sync is what counts.

Whether poetry.lock matches pyproject.toml is Poetry's decision (`poetry check
--lock`; `poetry sync` refuses a stale lock too). `is_fresh` repeats its content-hash
comparison (poetry/packages/locker.py, Locker._get_content_hash) so the build can
say so before starting Poetry, and a unit test holds it to Poetry's own answer.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Collection
from typing import Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from ..errors import LockfileInvalid
from ..managers import registry
from .model import (
    LockedPackage,
    LockedSet,
    Target,
    array_of_tables,
    canonical,
    load_toml,
    marker_applies,
    table,
)

# The file names its errors give (managers/registry.py).
LOCKFILE = registry.POETRY.file
PROJECT_FILE = registry.POETRY.project_file
PYPI = "https://pypi.org/simple"
MAIN = "main"

# Locker._legacy_keys, _relevant_keys, _relevant_project_keys in Poetry 2.5.
_LEGACY_KEYS = ("dependencies", "source", "extras", "dev-dependencies")
_RELEVANT_KEYS = (*_LEGACY_KEYS, "group")
_RELEVANT_PROJECT_KEYS = ("requires-python", "dependencies", "optional-dependencies")
_OUT_OF_SYNC = ("pyproject.toml changed significantly since poetry.lock was last generated",)


def _source(entry: dict[str, Any]) -> tuple[str, bool]:
    source = entry.get("source")
    if not isinstance(source, dict):
        return PYPI, False
    kind = str(source.get("type", ""))
    url = str(source.get("url", ""))
    if kind == "git":
        ref = source.get("resolved_reference") or source.get("reference") or ""
        sub = source.get("subdirectory")
        return f"git+{url}@{ref}" + (f"#subdirectory={sub}" if sub else ""), False
    if kind in ("legacy", ""):
        return url or PYPI, False
    return f"{kind}:{url}", kind == "directory" and bool(entry.get("develop"))


def _groups_and_markers(entry: dict[str, Any]) -> dict[str, str | None]:
    """Each group that needs the package, with the marker under which it does."""
    groups = entry.get("groups")
    if groups is None:  # lock-version < 2.1: one category
        groups = [entry.get("category", MAIN)]
    markers = entry.get("markers")
    result: dict[str, str | None] = {}
    for group in groups:
        marker = markers.get(group) if isinstance(markers, dict) else markers
        result[str(group)] = str(marker) if marker else None
    return result


def parse_poetry_lock(text: str, target: Target, groups: Collection[str] = (MAIN,)) -> LockedSet:
    """The packages `poetry sync --only main` (the default) or `poetry sync --with ...`
    installs. The project itself, installed unless `package-mode = false`, is not in
    poetry.lock: see `project_package`."""
    lock = load_toml(text, LOCKFILE)
    wanted = {canonical(g) for g in groups}
    installed: set[LockedPackage] = set()
    for entry in array_of_tables(lock, "package", LOCKFILE):
        name, version = entry.get("name"), entry.get("version")
        if not isinstance(name, str) or version is None:
            raise LockfileInvalid(LOCKFILE, "a [[package]] has no name or version")
        needed = any(
            canonical(group) in wanted and marker_applies(marker, target, LOCKFILE)
            for group, marker in _groups_and_markers(entry).items()
        )
        if needed:
            source, editable = _source(entry)
            installed.add(LockedPackage(canonical(name), str(version), source, editable))
    python = table(lock, "metadata", LOCKFILE).get("python-versions")
    return LockedSet(frozenset(installed), _as_specifier(python))


def _as_specifier(python: Any) -> str | None:
    """Poetry writes `python-versions = "*"` for no constraint."""
    if not python or python == "*":
        return None
    return str(python)


def _tool_poetry(pyproject: dict[str, Any]) -> dict[str, Any]:
    return table(table(pyproject, "tool", PROJECT_FILE), "poetry", PROJECT_FILE)


def default_groups(pyproject_text: str) -> list[str]:
    """What plain `poetry sync` installs (bin/test-compile): main and every group not
    marked `optional = true`, including PEP 735 `[dependency-groups]`."""
    pyproject = load_toml(pyproject_text, PROJECT_FILE)
    poetry = _tool_poetry(pyproject)
    declared = table(poetry, "group", PROJECT_FILE)
    names = [MAIN]
    if "dev-dependencies" in poetry:
        names.append("dev")
    for name in [*declared, *table(pyproject, "dependency-groups", PROJECT_FILE)]:
        group = declared.get(name, {})
        if isinstance(group, dict) and group.get("optional") is True:
            continue
        if name not in names:
            names.append(name)
    return names


def project_requires_python(pyproject_text: str) -> str | None:
    """`[project] requires-python`, else `[tool.poetry.dependencies] python`."""
    pyproject = load_toml(pyproject_text, PROJECT_FILE)
    value = table(pyproject, "project", PROJECT_FILE).get("requires-python")
    if value is None:
        value = table(_tool_poetry(pyproject), "dependencies", PROJECT_FILE).get("python")
    return _as_specifier(value)


def project_package(pyproject_text: str) -> LockedPackage | None:
    """The project itself, which `poetry sync` installs editable unless
    `[tool.poetry] package-mode = false`."""
    pyproject = load_toml(pyproject_text, PROJECT_FILE)
    poetry = _tool_poetry(pyproject)
    if poetry.get("package-mode", True) is False:
        return None
    project = table(pyproject, "project", PROJECT_FILE)
    name = project.get("name", poetry.get("name"))
    version = project.get("version", poetry.get("version"))
    if not isinstance(name, str):
        return None
    return LockedPackage(canonical(name), str(version) if version else None, "directory:.", True)


def content_hash(pyproject: dict[str, Any], *, with_dependency_groups: bool = True) -> str:
    """Poetry's Locker._get_content_hash, for the pyproject.toml as parsed."""
    project = table(pyproject, "project", PROJECT_FILE)
    group_content = (
        table(pyproject, "dependency-groups", PROJECT_FILE) if with_dependency_groups else {}
    )
    poetry = _tool_poetry(pyproject)
    relevant_project = {k: project[k] for k in _RELEVANT_PROJECT_KEYS if project.get(k) is not None}
    relevant_poetry: dict[str, Any] = {}
    for key in _RELEVANT_KEYS:
        data = poetry.get(key)
        if data is None and (key not in _LEGACY_KEYS or relevant_project or group_content):
            continue
        relevant_poetry[key] = data
    relevant: dict[str, Any] = {}
    if relevant_project:
        relevant["project"] = relevant_project
    if group_content:
        relevant["dependency-groups"] = group_content
    if relevant:
        relevant["tool"] = {"poetry": relevant_poetry}
    else:
        relevant = relevant_poetry
    return hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()


def is_fresh(pyproject_text: str, lock_text: str) -> bool:
    """What `poetry check --lock` answers: the lock's content-hash matches."""
    lock = load_toml(lock_text, LOCKFILE)
    recorded = table(lock, "metadata", LOCKFILE).get("content-hash")
    if recorded is None:  # Poetry treats a lock without a hash as fresh
        return True
    pyproject = load_toml(pyproject_text, PROJECT_FILE)
    if content_hash(pyproject) == recorded:
        return True
    # Poetry before 2.3.0 left dependency groups out of the hash; Poetry accepts that
    # older hash for a lock whose header names such a version.
    match = re.search(r"Poetry ([^ ]+)", lock_text.split("\n", 1)[0])
    try:
        old = match is not None and Version(match[1]) < Version("2.3.0")
    except InvalidVersion:
        old = False
    return old and content_hash(pyproject, with_dependency_groups=False) == recorded


def out_of_sync_message(output: str) -> bool:
    """True when Poetry's output says poetry.lock does not match pyproject.toml."""
    return any(words in output for words in _OUT_OF_SYNC)


# --- Poetry's version constraints (poetry-core's parse_constraint), for Python ------

_CARET = re.compile(r"^\^\s*(\d+(?:\.\d+){0,2})$")
_TILDE = re.compile(r"^~(?!=)\s*(\d+(?:\.\d+){0,2})$")


def _bounds(version: str, bump_at: int) -> str:
    parts = [int(p) for p in version.split(".")]
    upper = parts[: bump_at + 1]
    upper[-1] += 1
    return f">={version},<{'.'.join(map(str, upper))}"


def _single(constraint: str) -> str:
    """One Poetry constraint as a PEP 440 specifier: `^3.12` is `>=3.12,<4`, `~3.12`
    is `>=3.12,<3.13`, a bare `3.12` is `==3.12` (poetry-core's rules)."""
    constraint = constraint.strip()
    if constraint in ("", "*"):
        return ""
    caret = _CARET.match(constraint)
    if caret:
        parts = caret[1].split(".")
        # ^0.2 allows 0.2.x; ^3 and ^3.12 allow 3.x: the first non-zero part is kept.
        first = next((i for i, p in enumerate(parts) if p != "0"), len(parts) - 1)
        return _bounds(caret[1], first)
    tilde = _TILDE.match(constraint)
    if tilde:
        parts = tilde[1].split(".")
        return _bounds(tilde[1], 0 if len(parts) == 1 else 1)
    if constraint[0].isdigit():
        # `3.11` as Poetry reads a Python constraint: any 3.11.x.
        return f"=={constraint}" if constraint.count(".") >= 2 else f"=={constraint}.*"
    return constraint.replace(" ", "")


def poetry_python_allows(constraint: str, version: str) -> bool:
    """Whether Poetry's Python constraint (`^3.12`, `>=3.10,<4`, `~3.11 || ^3.13`,
    or a PEP 440 specifier) allows the Python `version`."""
    for alternative in re.split(r"\s*\|\|?\s*", constraint.strip()):
        # Poetry joins AND-ed constraints with a comma or a space.
        pieces = re.split(r"\s*,\s*|\s+(?=[<>=!~^\d])", alternative.strip())
        try:
            specifier = SpecifierSet(",".join(filter(None, map(_single, pieces))))
        except InvalidSpecifier as error:
            detail = f"invalid Python constraint {constraint!r}"
            raise LockfileInvalid(PROJECT_FILE, detail) from error
        if specifier.contains(version, prereleases=True):
            return True
    return False

"""Pipfile.lock: what `pipenv install --deploy --system` installs for one Python,
platform and group choice.

Pipfile.lock is JSON: `default` (bin/compile) and `develop` (added by `--dev`, for
bin/test-compile), each a map of name to {version "==X", markers, index, git/ref,
path, file, editable}. Pipenv hands them to pip, which skips an entry whose marker
fails for the running Python.

Whether Pipfile.lock matches the Pipfile is Pipenv's decision: `pipenv install
--deploy` refuses to run when `_meta.hash.sha256` differs from its hash of the
Pipfile. `pipfile_hash` repeats that computation (pipenv/utils/pipfile.py,
Pipfile.calculate_hash, in Pipenv 2026.x: plette's get_hash with PEP 503 names) so the
build can say so before starting Pipenv; a unit test holds it to Pipenv's own hash.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from ..errors import LockfileInvalid
from ..managers import registry
from .model import LockedPackage, LockedSet, Target, canonical, load_toml, marker_applies

# The file names its errors give (managers/registry.py).
LOCKFILE = registry.PIPENV.file
PROJECT_FILE = registry.PIPENV.project_file
DEFAULT = "default"
DEVELOP = "develop"
# Pipfile sections that are not package categories (pipenv/utils/pipfile.py).
_NOT_CATEGORIES = frozenset(
    {"source", "packages", "dev-packages", "requires", "scripts", "pipfile", "pipenv"}
)
# plette's DEFAULT_SOURCE_TOML: what Pipenv hashes for a Pipfile with no [[source]].
_DEFAULT_SOURCES = [{"name": "pypi", "url": "https://pypi.org/simple", "verify_ssl": True}]
# Pipenv's words (pipenv/routines/install.py), which rich wraps at the terminal width.
_OUT_OF_SYNC = ("Your Pipfile.lock (", ") is out of date. Expected: (")


@dataclass(frozen=True)
class PipfilePython:
    """`_meta.requires` of a Pipfile.lock: the Pipfile's `[requires]`, as locked."""

    python_version: str | None  # "3.12"
    python_full_version: str | None  # "3.12.7"

    @property
    def preferred(self) -> str | None:
        """As classic reads it: python_full_version, else python_version."""
        return self.python_full_version or self.python_version


def _load_lock(text: str) -> dict[str, Any]:
    try:
        lock = json.loads(text)
    except json.JSONDecodeError as error:
        raise LockfileInvalid(LOCKFILE, f"it is not valid JSON: {error}") from error
    if not isinstance(lock, dict):
        raise LockfileInvalid(LOCKFILE, "it is not a JSON object")
    return lock


def _section(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise LockfileInvalid(LOCKFILE, f"'{key}' is not an object")
    return value


def _source(entry: dict[str, Any], indexes: dict[str, str], default_index: str) -> str:
    if "git" in entry:
        source = f"git+{entry['git']}@{entry.get('ref', '')}"
        sub = entry.get("subdirectory")
        return source + (f"#subdirectory={sub}" if sub else "")
    if "path" in entry:
        return f"path:{entry['path']}"
    if "file" in entry:
        return f"url:{entry['file']}"
    return indexes.get(str(entry.get("index", "")), default_index)


def _version(entry: dict[str, Any]) -> str | None:
    version = entry.get("version")
    if isinstance(version, str) and version.startswith("=="):
        return version[2:]
    return None  # "*" (an entry Pipenv could not resolve here), or a VCS/path entry


def parse_pipfile_lock(
    text: str, target: Target, categories: Collection[str] = (DEFAULT,)
) -> LockedSet:
    """The packages `pipenv install --deploy` (default) or with `--dev`
    (`categories=("default", "develop")`) installs."""
    lock = _load_lock(text)
    meta = _section(lock, "_meta")
    sources = meta.get("sources") or []
    indexes = {str(s.get("name")): str(s.get("url")) for s in sources if isinstance(s, dict)}
    default_index = next(iter(indexes.values()), _DEFAULT_SOURCES[0]["url"])
    installed: dict[str, LockedPackage] = {}
    for category in categories:
        for name, entry in _section(lock, category).items():
            if not isinstance(entry, dict):
                raise LockfileInvalid(LOCKFILE, f"{category}: {name} is not an object")
            if not marker_applies(entry.get("markers"), target, LOCKFILE):
                continue
            package = LockedPackage(
                canonical(name),
                _version(entry),
                str(_source(entry, indexes, str(default_index))),
                bool(entry.get("editable")),
            )
            # default wins over develop for a name in both, as Pipenv merges them.
            installed.setdefault(package.name, package)
    python = lock_python(text).preferred
    return LockedSet(frozenset(installed.values()), _as_specifier(python))


def _as_specifier(version: str | None) -> str | None:
    if not version:
        return None
    return f"=={version}" if version.count(".") >= 2 else f"=={version}.*"


def _python(requires: Any) -> PipfilePython:
    if not isinstance(requires, dict):
        return PipfilePython(None, None)
    version, full = requires.get("python_version"), requires.get("python_full_version")
    return PipfilePython(
        str(version) if version is not None else None, str(full) if full is not None else None
    )


def lock_python(lock_text: str) -> PipfilePython:
    """`_meta.requires` of Pipfile.lock, which classic reads the version from."""
    return _python(_section(_load_lock(lock_text), "_meta").get("requires"))


def pipfile_hash(pipfile_text: str) -> str:
    """Pipenv's hash of a Pipfile, as `_meta.hash.sha256` records it."""
    raw = load_toml(pipfile_text, PROJECT_FILE)

    def canonical_keys(section: Any) -> dict[str, Any]:
        return {canonical(k): v for k, v in section.items()} if isinstance(section, dict) else {}

    data: dict[str, Any] = {
        "_meta": {
            "sources": raw.get("source", _DEFAULT_SOURCES),
            "requires": raw.get("requires", {}),
        },
        "default": canonical_keys(raw.get("packages", {})),
        "develop": canonical_keys(raw.get("dev-packages", {})),
    }
    for category, values in raw.items():
        if category in _NOT_CATEGORIES or category in (DEFAULT, DEVELOP):
            continue
        data[category] = canonical_keys(values)
    content = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def is_fresh(pipfile_text: str, lock_text: str) -> bool:
    """What `pipenv install --deploy` checks before installing anything."""
    recorded = _section(_section(_load_lock(lock_text), "_meta"), "hash").get("sha256")
    return recorded == pipfile_hash(pipfile_text)


def out_of_sync_message(output: str) -> bool:
    """True when Pipenv's output says Pipfile.lock does not match the Pipfile."""
    flat = "".join(output.split())
    return all("".join(words.split()) in flat for words in _OUT_OF_SYNC)

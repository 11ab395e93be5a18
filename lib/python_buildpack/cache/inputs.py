"""The typed fingerprint: everything a build's result depends on.

Frozen dataclasses with a JSON round trip. The platform's fields are here; a
package manager adds its own dataclass (for pip: managers/pip/inputs.py). Every
field declares how its change is described (cache/changes.py), and two
fingerprints are compared field by field.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from .changes import NESTED, Change, differences, rebuild_if_changed, rebuild_metadata
from .files import file_sha256 as file_digest

# Bumped when a field is added, removed or changes meaning: an older fingerprint
# then reads as "written by another version of the buildpack".
VERSION = 1

T = TypeVar("T")


# Directories that are never part of what a local requirement means.
_SKIP_DIRS = {
    ".git",
    ".hg",
    ".svn",
    "__pycache__",
    ".heroku",
    ".profile.d",
    "node_modules",
    ".venv",
    ".tox",
    ".mypy_cache",
    ".pytest_cache",
}


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def tree_digest(root: Path) -> str:
    """Content of a directory: names, modes, bytes (mtimes do not count: every
    build gets a fresh checkout)."""
    digest = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(root):
        links = sorted(d for d in dirnames if os.path.islink(os.path.join(dirpath, d)))
        for name in links:  # os.walk does not follow them: record where they lead
            rel = (Path(dirpath) / name).relative_to(root).as_posix()
            digest.update(f"L {rel} {os.readlink(os.path.join(dirpath, name))}\n".encode())
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS and d not in links)
        for name in sorted(filenames):
            if name.endswith((".pyc", ".pyo")):
                continue
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                digest.update(f"L {rel} {os.readlink(path)}\n".encode())
            elif path.is_file():
                executable = os.access(path, os.X_OK)
                digest.update(f"F {rel} {executable} {file_digest(path)}\n".encode())
    return digest.hexdigest()


def path_digest(path: Path) -> str:
    """A local file or directory by content."""
    return tree_digest(path) if path.is_dir() else file_digest(path)


def listing_digest(root: Path) -> str:
    """A directory outside the app (a wheelhouse the operator keeps): which files,
    how big, when written. Cheap, and a replaced file changes its mtime."""
    entries = []
    for path in sorted(root.iterdir()) if root.is_dir() else []:
        st = path.stat()
        entries.append(f"{path.name} {st.st_size} {st.st_mtime_ns}")
    return sha256_text("\n".join(entries))


@dataclass(frozen=True)
class Platform:
    """What every manager's environment depends on; any change means a rebuild."""

    stack: str = rebuild_if_changed("The stack changed from {old} to {new}")
    arch: str = rebuild_if_changed("The CPU architecture changed from {old} to {new}")
    app_dir: str = rebuild_if_changed(
        "The app directory (BUILDPACK_APP_DIR) changed from {old} to {new}"
    )
    python: str = rebuild_if_changed("The Python version changed from {old} to {new}")
    # The runtime's download URL, hashed: it may hold credentials.
    runtime: str = rebuild_if_changed(
        "The Python runtime download URL (PYTHON_RUNTIME_BASE_URL) changed"
    )


@dataclass(frozen=True)
class Fingerprint(Generic[T]):
    platform: Platform = dataclasses.field(metadata=NESTED)
    manager: str = dataclasses.field(
        metadata=rebuild_metadata("The package manager changed from {old} to {new}")
    )
    inputs: T = dataclasses.field(metadata=NESTED)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = encode(self)
        data["version"] = VERSION
        return data

    @classmethod
    def from_json(cls, data: Any, inputs_type: type[T]) -> Fingerprint[T]:
        """Raises ValueError when `data` is not a fingerprint of this shape."""
        if not isinstance(data, dict) or data.get("version") != VERSION:
            raise ValueError("another fingerprint version")
        fields = {k: v for k, v in data.items() if k != "version"}
        if set(fields) != {"platform", "manager", "inputs"}:
            raise ValueError("another fingerprint shape")
        return cls(
            platform=decode(Platform, fields["platform"]),
            manager=_expect(str, fields["manager"]),
            inputs=decode(inputs_type, fields["inputs"]),
        )


def compare(old: Mapping[str, Any], new: Fingerprint[T]) -> list[Change]:
    """What differs between a saved fingerprint (JSON) and this build's."""
    manager = old.get("manager") if isinstance(old, Mapping) else None
    if old.get("version") == VERSION and isinstance(manager, str) and manager != new.manager:
        # Another manager's inputs do not decode as this one's: say what changed.
        return [Change(f"The package manager changed from {manager} to {new.manager}", False)]
    try:
        before = Fingerprint.from_json(old, type(new.inputs))
    except (ValueError, TypeError):
        return [Change("The cache was written by another version of the buildpack", False)]
    return differences(before, new)


def decoded(old: Mapping[str, Any], inputs_type: type[T]) -> Fingerprint[T] | None:
    try:
        return Fingerprint.from_json(old, inputs_type)
    except (ValueError, TypeError):
        return None


# --- JSON, by the dataclasses' own type hints -------------------------------------


def encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [encode(v) for v in value]
    return value


def decode(cls: type[T], data: Any) -> T:
    """A dataclass from its JSON: exactly its fields, each of its declared type."""
    if not isinstance(data, dict):
        raise ValueError(f"{cls.__name__}: not an object")
    specs = dataclasses.fields(cls)  # type: ignore[arg-type]
    if set(data) != {f.name for f in specs}:
        raise ValueError(f"{cls.__name__}: other fields")
    hints = typing.get_type_hints(cls)
    return cls(**{f.name: _decode_as(hints[f.name], data[f.name]) for f in specs})


def _decode_as(hint: Any, data: Any) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return decode(hint, data)
    if origin is tuple:
        return tuple(_decode_as(args[0], v) for v in _expect(list, data))
    if origin in (dict, Mapping, typing.Mapping) or (
        isinstance(origin, type) and issubclass(origin, Mapping)
    ):
        return {_expect(str, k): _decode_as(args[1], v) for k, v in _expect(dict, data).items()}
    if origin in (typing.Union, types.UnionType):
        return data
    return _expect(hint, data)


def _expect(kind: type[Any], value: Any) -> Any:
    if not isinstance(value, kind):
        raise ValueError(f"expected {kind.__name__}, found {type(value).__name__}")
    return value

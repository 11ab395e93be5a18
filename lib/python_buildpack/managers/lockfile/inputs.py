"""The fingerprint of a lockfile manager (uv, Poetry, Pipenv): what the lockfile
pins for this Python and platform, the files themselves, local sources by content,
the tool's version and the manager's config vars (hashed, never logged).

A change is described in the lockfile's own terms, from the difference between the
old and the new locked sets: `uv.lock: idna 3.7 was removed`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ...cache.changes import described, keyed, keyed_differences, rebuild_if_changed
from ...cache.inputs import path_digest, sha256_text
from ...lockfiles.model import LockedPackage, LockedSet

# LockedPackage.source prefixes of a package built from a directory or file of the
# app (uv: path/directory/editable; Poetry: file/directory; Pipenv: path/file).
LOCAL_PREFIXES = ("path:", "directory:", "editable:", "file:")


@dataclass(frozen=True)
class Pin:
    """One locked package as the fingerprint keeps it."""

    version: str  # "" when the lockfile pins none (a local path)
    source: str
    editable: bool


def _describe_locked(
    old: Mapping[str, Mapping[str, Pin]], new: Mapping[str, Mapping[str, Pin]]
) -> list[str]:
    messages: list[str] = []
    for lockfile in sorted(old.keys() | new.keys()):
        before, after = old.get(lockfile, {}), new.get(lockfile, {})
        for name, what in keyed_differences(before, after):
            if what == "removed":
                messages.append(f"{lockfile}: {_pinned(name, before[name])} was removed")
            elif what == "added":
                messages.append(f"{lockfile}: {_pinned(name, after[name])} was added")
            elif before[name].version != after[name].version:
                messages.append(
                    f"{lockfile}: {name} changed from {before[name].version or 'unpinned'}"
                    f" to {after[name].version or 'unpinned'}"
                )
            else:
                messages.append(f"{lockfile}: {_pinned(name, after[name])} has another source")
    return messages


def _pinned(name: str, pin: Pin) -> str:
    return f"{name} {pin.version}" if pin.version else name


@dataclass(frozen=True)
class LockfileInputs:
    tool: str = rebuild_if_changed("The package manager changed from {old} to {new}")
    groups: str = described(
        lambda old, new: [f"The dependency groups installed changed from {old} to {new}"]
    )
    locked: Mapping[str, Mapping[str, Pin]] = described(_describe_locked)
    local: Mapping[str, str] = described(keyed("The local package at {key} {what}"))
    config: Mapping[str, str] = described(keyed("The config var {key} {what}"))
    # The files' text: speaks only when nothing above explains the change.
    files: Mapping[str, str] = described(keyed("{key} {what}"), fallback=True)


def local_path(package: LockedPackage) -> str | None:
    """The app-relative path a local package is built from, or None."""
    for prefix in LOCAL_PREFIXES:
        if package.source.startswith(prefix):
            path = package.source[len(prefix) :]
            return path.removeprefix("file://") or "."
    return None


def local_digests(build_dir: Path, locked: LockedSet) -> dict[str, str]:
    """app-relative path -> content digest of each local package but the app itself
    (installed editable: its code is read where it is, at run time)."""
    found: dict[str, str] = {}
    for package in sorted(locked.packages):
        path = local_path(package)
        if path is None or path in (".", "./"):
            continue
        target = (build_dir / path).resolve()
        found[path] = path_digest(target) if target.exists() else "missing"
    return found


def compute(
    *,
    tool: str,
    groups: str,
    lockfile: str,
    locked: LockedSet,
    files: Mapping[str, str],
    build_dir: Path,
    config_vars: Mapping[str, str],
    config_prefixes: tuple[str, ...],
) -> LockfileInputs:
    """`files`: name -> text of the lockfile, the project file and the other files
    the tool reads (uv.toml, poetry.toml)."""
    return LockfileInputs(
        tool=tool,
        groups=groups,
        locked={
            lockfile: {p.name: Pin(p.version or "", p.source, p.editable) for p in locked.packages}
        },
        local=local_digests(build_dir, locked),
        config={
            name: sha256_text(value)
            for name, value in sorted(config_vars.items())
            if name.startswith(config_prefixes)
        },
        files={name: sha256_text(text) for name, text in files.items()},
    )


def changed_locals(old: LockfileInputs, new: LockfileInputs) -> list[str]:
    """Paths of local packages whose content changed: a sync that sees the same
    version need not rebuild them, so they are reinstalled on purpose."""
    return [path for path, what in keyed_differences(old.local, new.local) if what == "changed"]

"""The machine's disks, not the buildpack: a full filesystem, a read-only one, a
directory the build user may not write.

An `OSError` with one of these errnos is the build machine's state, not a bug: it
becomes one of the errors below, naming the path the system named, the directory
of the build it is in (BUILD_DIR, CACHE_DIR, the app dir), what the build was doing,
and what the system said. `during()` marks what the build was doing; an `OSError`
with another errno (a missing file, say) stays a bug, with its traceback.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from .base import BuildpackError

# What the build was doing, as the messages say it ("While <operation>, ...").
PREPARING_CACHE_DIR = "preparing CACHE_DIR"
BUILDING = "building the app"
CLAIMING_APP_DIR = "linking BUILDPACK_APP_DIR/.heroku/python to BUILD_DIR"
LOCKING_CACHE = "taking the lock of the build cache in CACHE_DIR"
RESTORING_CACHE = "restoring the cached environment into BUILD_DIR"
INSTALLING = "installing Python and the app's dependencies in BUILD_DIR"
SAVING_CACHE = "saving the build cache in CACHE_DIR"
WRITING_RUN_TIME_FILES = "writing .profile.d/python.sh and the export file"
WRITING_REPORT = "writing the build report (bin/report) in CACHE_DIR"

T = TypeVar("T")

_KEEPS_CACHE = "A failed build leaves the build cache of the last good build as it was."


@dataclass(eq=False)
class FilesystemFailed(BuildpackError):
    """The system refused a file operation for a reason that is the machine's."""

    operation: str
    path: str
    # "CACHE_DIR (/tmp/cache)": the directory of the build `path` is in, or "".
    place: str
    error_name: str  # ENOSPC
    strerror: str  # No space left on device
    # How full the filesystem is, when that was asked ("0 MB free of 20 MB").
    space: str = ""
    failure_reason = "filesystem_error"

    @property
    def where(self) -> str:
        return self.place or self.path

    def title(self) -> str:
        return f"The system could not read or write {self.where}."

    def advice(self) -> str:
        return "Check the health of that filesystem (`dmesg` may say more), then build again."

    def body(self) -> str:
        return (
            f"While {self.operation}, the system refused an operation on\n"
            f"{self.path}\n"
            f"and said: {self.strerror} ({self.error_name}).\n\n"
            f"{self.advice()}\n{_KEEPS_CACHE}"
        )


@dataclass(eq=False)
class FilesystemFull(FilesystemFailed):
    failure_reason = "disk_full"

    def title(self) -> str:
        return f"No space left on the filesystem that holds {self.where}."

    def advice(self) -> str:
        space = f"Now that the build stopped, it has {self.space}.\n" if self.space else ""
        return (
            f"{space}Free space on it, or give the build more: BUILD_DIR holds Python and\n"
            "every installed package, CACHE_DIR a copy of them, Python runtimes and\n"
            "pip's downloads. A quota (EDQUOT) counts for the build user only."
        )


@dataclass(eq=False)
class FilesystemReadOnly(FilesystemFailed):
    failure_reason = "read_only_filesystem"

    def title(self) -> str:
        return f"{self.where[:1].upper()}{self.where[1:]} is on a read-only filesystem."

    def advice(self) -> str:
        return (
            "The build writes BUILD_DIR (Python and the app's packages) and CACHE_DIR\n"
            "(the build cache). Mount that filesystem read-write, or point the build at a\n"
            "directory on one that is."
        )


@dataclass(eq=False)
class FilesystemPermissionDenied(FilesystemFailed):
    failure_reason = "permission_denied"

    def title(self) -> str:
        return f"The build user may not write to {self.where}."

    def advice(self) -> str:
        return (
            f"The build runs as uid {os.getuid()}. Check the owner and mode of the path and\n"
            "of the directories above it (`ls -ld`): a CACHE_DIR restored or created by\n"
            "another user (root, a CI job's container) is the usual cause."
        )


_KINDS: dict[int, type[FilesystemFailed]] = {
    errno.ENOSPC: FilesystemFull,
    errno.EDQUOT: FilesystemFull,
    errno.EROFS: FilesystemReadOnly,
    errno.EACCES: FilesystemPermissionDenied,
    errno.EPERM: FilesystemPermissionDenied,
    errno.EIO: FilesystemFailed,
    errno.ESTALE: FilesystemFailed,
    errno.EFBIG: FilesystemFailed,
}


def _place(path: str, places: Mapping[str, Path]) -> str:
    """`NAME (dir)` of the build directory that holds `path`, symlinks resolved (the
    app dir's `.heroku/python` is a link into BUILD_DIR)."""
    real = Path(os.path.realpath(path))
    for name, directory in places.items():
        for candidate in (Path(path), real):
            if candidate == directory or directory in candidate.parents:
                return f"{name} ({directory})"
            resolved = Path(os.path.realpath(directory))
            if candidate == resolved or resolved in candidate.parents:
                return f"{name} ({directory})"
    return ""


def _space(path: str) -> str:
    """How full the filesystem of `path` (or of its nearest existing parent) is."""
    probe = Path(path)
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        usage = shutil.disk_usage(probe)
    except OSError:
        return ""
    mb = 1024 * 1024
    return f"{usage.free // mb} MB free of {usage.total // mb} MB"


def _fullest(places: Mapping[str, Path]) -> str:
    """The build directory whose filesystem has the least space free, or ""."""
    free = {}
    for directory in places.values():
        with contextlib.suppress(OSError):
            free[str(directory)] = shutil.disk_usage(directory).free
    return min(free, key=lambda d: free[d]) if free else ""


def from_os_error(
    error: OSError, operation: str, places: Mapping[str, Path], near: Path | None = None
) -> FilesystemFailed | None:
    """The error for `error`, or None when its errno says it is no fault of the
    machine's. `near`: the path to name when the system named none (a failed
    write() names no file); without it, a full filesystem is found by its space."""
    kind = _KINDS.get(error.errno or 0)
    if kind is None:
        return None
    # Two paths (link, rename, symlink, a copy by shutil): the second is the one written.
    named = error.filename2 or error.filename
    path = os.fsdecode(named) if isinstance(named, (str, bytes)) else str(near or "")
    if not path and kind is FilesystemFull:
        # A write() names no file: the full filesystem is the one with no space left.
        path = _fullest(places)
    return kind(
        operation=operation,
        path=path or "(a path the system did not name)",
        place=_place(path, places) if path else "",
        error_name=errno.errorcode.get(error.errno or 0, str(error.errno)),
        strerror=error.strerror or str(error),
        space=_space(path) if kind is FilesystemFull and path else "",
    )


@contextlib.contextmanager
def during(operation: str, places: Mapping[str, Path], near: Path | None = None) -> Iterator[None]:
    """Turn an OSError of the machine's raised inside into a `FilesystemFailed` that
    says `operation`; the innermost `during` names it."""
    try:
        yield
    except OSError as error:
        problem = from_os_error(error, operation, places, near)
        if problem is None:
            raise
        raise problem from error


@contextlib.contextmanager
def entering(
    manager: AbstractContextManager[T], operation: str, places: Mapping[str, Path]
) -> Iterator[T]:
    """`manager` (a lock, say), with an OSError of the machine's while it is entered
    named `operation`; what the body raises is the body's."""
    with contextlib.ExitStack() as stack:
        with during(operation, places):
            value = stack.enter_context(manager)
        yield value

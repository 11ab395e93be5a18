"""Where the suite's scratch space goes, and a second filesystem for the mount tests.

The builds write and remove about 25 GB over a run (runtimes, environments, caches),
in many small files. On a disk mounted with `discard` (this project's machines) that
is most of the suite's system time: a cold build there took 6.1 s against 3.9 s in
memory, and removing its tree 3 s against 0.2 s. So when /dev/shm is a tmpfs with
room for the run, pytest's temporary directories go there; otherwise they stay in
the system's temp dir. The tests read nothing from which of the two it is: the
mount tests take whichever of the two the build dirs are not on.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

SHM = Path("/dev/shm")
# What a run holds at its peak, with room to spare: the workers' current tests
# and every module's and session's built apps (measured: about 3 GB).
SCRATCH_NEEDS = 8 * 2**30


def free_bytes(path: Path) -> int:
    stat = os.statvfs(path)
    return stat.f_bavail * stat.f_frsize


def same_filesystem(a: Path | str, b: Path | str) -> bool:
    return os.stat(a).st_dev == os.stat(b).st_dev


def memory_scratch() -> Path | None:
    """/dev/shm, when it is a separate, writable filesystem with room for the run."""
    try:
        if same_filesystem(SHM, tempfile.gettempdir()):
            return None
        if not os.access(SHM, os.W_OK | os.X_OK) or free_bytes(SHM) < SCRATCH_NEEDS:
            return None
    except OSError:
        return None
    return SHM


def other_filesystem(than: Path, *, needs: int) -> Path | None:
    """A writable directory on another filesystem than `than`, with `needs` bytes
    free: /dev/shm or the system's temp dir, whichever `than` is not on."""
    for candidate in (SHM, Path(tempfile.gettempdir())):
        try:
            if (
                not same_filesystem(candidate, than)
                and os.access(candidate, os.W_OK | os.X_OK)
                and free_bytes(candidate) >= needs
            ):
                return candidate
        except OSError:
            continue
    return None

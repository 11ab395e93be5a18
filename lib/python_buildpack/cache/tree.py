"""A directory tree as files: a cheap snapshot of every file, and copying it by
hard links. The cache keeps environments and runtimes this way."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

from .changes import keyed_differences

# relpath -> [size, mtime_ns, inode, mode] for a file, or ["link", target] for a symlink.
Snapshot = dict[str, list[object]]


def scan(root: Path, link_to: Path | None = None) -> Snapshot:
    """Stat every file below root in one pass (os.scandir: no pathlib on this hot
    path); with link_to, also recreate the tree there by hard links."""
    result: Snapshot = {}
    pending = [("", str(root))]
    while pending:
        rel, path = pending.pop()
        with os.scandir(path) as entries:
            for entry in entries:
                name = rel + entry.name
                if entry.is_symlink():
                    target = os.readlink(entry.path)
                    result[name] = ["link", target]
                    if link_to is not None:
                        os.symlink(target, os.path.join(link_to, name))
                elif entry.is_dir(follow_symlinks=False):
                    if link_to is not None:
                        os.mkdir(os.path.join(link_to, name))
                    pending.append((name + "/", entry.path))
                else:
                    st = entry.stat(follow_symlinks=False)
                    result[name] = [st.st_size, st.st_mtime_ns, st.st_ino, st.st_mode]
                    if link_to is not None:
                        os.link(entry.path, os.path.join(link_to, name))
    return result


def snapshot(root: Path) -> Snapshot:
    """relpath -> [size, mtime_ns, inode, mode] of every file (["link", target] for
    a symlink). A write or chmod through any hard link changes one of them."""
    return scan(root)


def snapshot_changes(expected: Snapshot, actual: Snapshot, *, limit: int = 5) -> list[str]:
    """What differs, in words, the first few only."""
    words = {"removed": "was removed", "added": "was added", "changed": "was modified"}
    return [
        f"{rel} {words[d]}"
        for rel, d in itertools.islice(keyed_differences(expected, actual), limit)
    ]


def link_tree(src: Path, dst: Path) -> Snapshot:
    """Copy a tree by hard links (cp -al): no data copied. Returns the snapshot of
    src taken on the way, so a caller can check what it linked in the same pass."""
    dst.mkdir(parents=True)
    return scan(src, link_to=dst)

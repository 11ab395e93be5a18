"""A directory tree as files: a cheap snapshot of every file, copying it by hard
links (or, across filesystems, by copies that keep mtime and mode), and hashing
its content. The cache keeps environments and runtimes this way."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import itertools
import os
import shutil
import tempfile
from pathlib import Path

from .changes import keyed_differences

# relpath -> [size, mtime_ns, inode, mode] for a file, or ["link", target] for a symlink.
Snapshot = dict[str, list[object]]
# relpath -> sha256 hex of a file's content (symlinks are in the snapshot by target).
Hashes = dict[str, str]


def _copy_file(src: str, dst: str, st: os.stat_result) -> None:
    """A copy with the source's mtime and mode: a .pyc records its source's mtime,
    so the copy must keep it for the bytecode to stay valid."""
    shutil.copyfile(src, dst, follow_symlinks=False)  # sendfile on Linux
    os.chmod(dst, st.st_mode & 0o7777)
    os.utime(dst, ns=(st.st_atime_ns, st.st_mtime_ns))


def scan(root: Path, link_to: Path | None = None, *, copy: bool = False) -> Snapshot:
    """Stat every file below root in one pass (os.scandir: no pathlib on this hot
    path); with link_to, also recreate the tree there, by hard links, or by copies
    when `copy` is set or the first link fails with EXDEV (another filesystem)."""
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
                    if link_to is None:
                        continue
                    dst = os.path.join(link_to, name)
                    if not copy:
                        try:
                            os.link(entry.path, dst)
                            continue
                        except OSError as error:
                            if error.errno != errno.EXDEV:
                                raise
                            copy = True  # the caller's probe was wrong: copy the rest
                    _copy_file(entry.path, dst, st)
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


def link_tree(src: Path, dst: Path, *, copy: bool = False) -> Snapshot:
    """Copy a tree by hard links (cp -al: no data copied), or with `copy` by real
    copies (cp -a). Returns the snapshot of src taken on the way, so a caller can
    check what it linked in the same pass."""
    dst.mkdir(parents=True)
    return scan(src, link_to=dst, copy=copy)


def hard_links_work(source_dir: Path, dest_dir: Path) -> bool:
    """Whether a file in source_dir can be hard-linked into dest_dir: not across
    filesystems (EXDEV), nor across two mounts of one filesystem (a bind mount has
    the same st_dev, and link(2) still refuses), so try one rather than compare
    st_dev."""
    fd, probe = tempfile.mkstemp(dir=source_dir, prefix=".link-probe-")
    os.close(fd)
    linked = os.path.join(dest_dir, os.path.basename(probe))
    try:
        os.link(probe, linked)
    except OSError:
        return False
    else:
        os.unlink(linked)
        return True
    finally:
        with contextlib.suppress(OSError):
            os.unlink(probe)


def content_hashes(root: Path, snap: Snapshot) -> Hashes:
    """sha256 of every regular file of the snapshot (read from root)."""
    hashes: Hashes = {}
    for rel, entry in snap.items():
        if entry[0] == "link":
            continue
        digest = hashlib.sha256()
        with open(os.path.join(root, rel), "rb", buffering=0) as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
        hashes[rel] = digest.hexdigest()
    return hashes


def content_changes(recorded: Hashes, found: Hashes, *, limit: int = 5) -> list[str]:
    """The files whose content differs from what was recorded, in words."""
    words = {
        "removed": "was removed",
        "added": "was added",
        "changed": "has different content than when it was saved",
    }
    return [
        f"{rel} {words[d]}"
        for rel, d in itertools.islice(keyed_differences(recorded, found), limit)
    ]

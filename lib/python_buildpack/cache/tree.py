"""A directory tree by content: what the cache keeps of an environment or a runtime,
and the one walk that checks it, heals it and copies it.

Two records describe a tree:

- `Contents` (kept in the manifest): relpath -> [size, mode, mtime_ns, sha256] for a
  file, ["link", target] for a symlink. This is what the tree is, wherever it lies.
- `Identities` (kept beside it, local to one filesystem): relpath -> [inode, size,
  mtime_ns, ctime_ns, nlink, sha256], where each file stood when its content was last
  read. No user can set a ctime back (every write, chmod or utime moves it to now),
  so a file whose identity is unchanged still holds the content read then and need
  not be read again. Removing a hard link moves the ctime too (a previous build
  dir deleted, its files hard links to the cache's): a file whose ctime moved while
  its link count went down, and nothing else changed, counts as unchanged. (A link
  count that went up is no excuse: the build itself links cached files into new
  places after recording them, and a change made before that would hide.) After an
  archive round trip, a copy or a move every identity is new, and every file is
  read: the work is proportional to what changed identity, and the new identities
  are recorded so that it is not paid twice.

Content decides: a file is the one that was saved when its sha256 and size match.
Its mode and mtime are then put back as they were saved (a restore by `cp -r` or
from a zip changes both), so a `.pyc` whose header records its source's mtime and
size stays valid, as in a clean build.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .files import file_sha256

# relpath -> [size, mode, mtime_ns, sha256] for a file, ["link", target] for a symlink.
Contents = dict[str, list[object]]
# relpath -> [inode, size, mtime_ns, ctime_ns, nlink, sha256] of a file.
Identities = dict[str, list[object]]


def _identity(st: os.stat_result, sha: str) -> list[object]:
    return [st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_nlink, sha]


def _known_sha(known: Mapping[str, list[object]] | None, rel: str, st: os.stat_result) -> str:
    """The content hash recorded for this very file, if it is untouched since: the
    same inode, size and mtime, and the same ctime unless the link count went down."""
    entry = known.get(rel) if known is not None else None
    if entry is None or len(entry) != 6:
        return ""
    ino, size, mtime_ns, ctime_ns, nlink, sha = entry
    if (ino, size, mtime_ns) != (st.st_ino, st.st_size, st.st_mtime_ns):
        return ""
    if ctime_ns != st.st_ctime_ns and not (isinstance(nlink, int) and st.st_nlink < nlink):
        return ""
    return sha if isinstance(sha, str) else ""


def _copy_file(src: str, dst: str, st: os.stat_result) -> None:
    """A copy with the source's mtime and mode: a .pyc records its source's mtime,
    so the copy must keep it for the bytecode to stay valid."""
    shutil.copyfile(src, dst, follow_symlinks=False)  # sendfile on Linux
    os.chmod(dst, st.st_mode & 0o7777)
    os.utime(dst, ns=(st.st_atime_ns, st.st_mtime_ns))


@dataclass
class Walk:
    """What one walk of a tree found."""

    contents: Contents = field(default_factory=dict)
    # The walked tree's files as they stand after the walk (after a link: its ctime).
    identities: Identities = field(default_factory=dict)
    # The files placed at link_to, as they stand there (a hard link: the same file).
    placed: Identities = field(default_factory=dict)
    # How the tree differs from `expected`, in words (the first few).
    problems: list[str] = field(default_factory=list)
    # How many files had to be read (their identity was not known).
    read: int = 0


def walk(
    root: Path,
    *,
    link_to: Path | None = None,
    copy: bool = False,
    expected: Mapping[str, list[object]] | None = None,
    known: Mapping[str, list[object]] | None = None,
    heal: bool = True,
    limit: int = 5,
) -> Walk:
    """Every file below root, by content: a file whose identity is in `known` as it
    stands is not read again; any other is hashed. With `expected` (the saved
    contents), what differs is a problem, and (with `heal`) a file with the saved
    content gets the saved mode and mtime back. With `link_to`, the tree is also
    recreated there, by hard links, or by copies when `copy` is set or the first
    link fails with EXDEV (another filesystem); once a problem is found nothing more
    is placed, and the caller removes `link_to`."""
    found = Walk()
    pending = [("", str(root))]
    while pending and len(found.problems) < limit:
        rel, path = pending.pop()
        with os.scandir(path) as entries:
            for entry in entries:
                name = rel + entry.name
                dst = os.path.join(link_to, name) if link_to is not None else None
                if entry.is_symlink():
                    target = os.readlink(entry.path)
                    found.contents[name] = ["link", target]
                    if expected is not None and expected.get(name) != ["link", target]:
                        found.problems.append(_difference(expected, name))
                    if dst is not None and not found.problems:
                        os.symlink(target, dst)
                elif entry.is_dir(follow_symlinks=False):
                    if dst is not None and not found.problems:
                        os.mkdir(dst)
                    pending.append((name + "/", entry.path))
                else:
                    st = entry.stat(follow_symlinks=False)
                    sha = _known_sha(known, name, st)
                    if not sha:
                        sha = file_sha256(entry.path)
                        found.read += 1
                    if expected is not None:
                        st, problem = _check(entry.path, name, st, sha, expected, heal=heal)
                        if problem:
                            found.problems.append(problem)
                    found.contents[name] = [st.st_size, st.st_mode & 0o7777, st.st_mtime_ns, sha]
                    if dst is not None and not found.problems:
                        copy = _place_file(entry.path, dst, st, copy=copy)
                        if not copy:
                            st = os.lstat(entry.path)  # a link moved its ctime
                        found.placed[name] = _identity(os.lstat(dst) if copy else st, sha)
                    found.identities[name] = _identity(st, sha)
                if len(found.problems) >= limit:
                    break
    if expected is not None and len(found.problems) < limit:
        missing = (rel for rel in sorted(expected) if rel not in found.contents)
        found.problems += [f"{rel} was removed" for rel in missing]
        del found.problems[limit:]
    return found


def _difference(expected: Mapping[str, list[object]], rel: str) -> str:
    if rel not in expected:
        return f"{rel} was added"
    return f"{rel} has different content than when it was saved"


def _check(
    path: str,
    rel: str,
    st: os.stat_result,
    sha: str,
    expected: Mapping[str, list[object]],
    *,
    heal: bool,
) -> tuple[os.stat_result, str]:
    """Whether the file holds what was saved; if it does, its saved mode and mtime
    put back (a round trip may have changed them). Returns its stat and a problem."""
    saved = expected.get(rel)
    if saved is None:
        return st, f"{rel} was added"
    if len(saved) != 4 or saved[0] != st.st_size or saved[3] != sha:
        return st, f"{rel} has different content than when it was saved"
    mode, mtime_ns = saved[1], saved[2]
    if not heal:
        return st, ""
    assert isinstance(mode, int) and isinstance(mtime_ns, int)
    healed = False
    if st.st_mode & 0o7777 != mode:
        os.chmod(path, mode)
        healed = True
    if st.st_mtime_ns != mtime_ns:
        os.utime(path, ns=(st.st_atime_ns, mtime_ns))
        healed = True
    return (os.lstat(path) if healed else st), ""


def _place_file(src: str, dst: str, st: os.stat_result, *, copy: bool) -> bool:
    """Link src at dst, or copy it; returns whether this and later files are copied."""
    if not copy:
        try:
            os.link(src, dst)
            return False
        except OSError as error:
            if error.errno != errno.EXDEV:
                raise
            # The caller's probe was wrong: copy the rest.
    _copy_file(src, dst, st)
    return True


def scan(root: Path) -> set[str]:
    """The relpath of every file and symlink below root (no content read)."""
    found: set[str] = set()
    pending = [("", str(root))]
    while pending:
        rel, path = pending.pop()
        with os.scandir(path) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    pending.append((rel + entry.name + "/", entry.path))
                else:
                    found.add(rel + entry.name)
    return found


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

"""Unpack a runtime archive (.tar.zst) into a directory, safely and completely.

A good archive must always unpack, and a damaged one must always be reported as
damaged. tarfile alone cannot tell: it stops at the first header it cannot read
after the first one, as if that were the end of the archive, and it stops reading at
the end-of-archive marker, before the padding after it. So we check that it stopped
at an end-of-archive marker, and read the stream to its end, so that the
decompressor verifies the whole file and exits on its own.
"""

from __future__ import annotations

import collections
import copy
import importlib
import os
import shutil
import stat
import subprocess
import tarfile
import tempfile
from pathlib import Path, PurePosixPath
from types import ModuleType
from typing import IO

from ..errors import RuntimeArchiveInvalid, UnsafeRuntimeArchive, ZstdUnavailable

_CHUNK = 1 << 20
_EOF_BLOCK = bytes(tarfile.BLOCKSIZE)

# tarfile's "data" filter came in 3.10.12 / 3.11.4 / 3.12 (PEP 706). Heroku's stacks
# have it (3.10.12 on heroku-22, 3.12 on heroku-24), but Debian 12's python3 (3.11.2),
# on which CI runners, build servers and this project's own tests run bin/compile,
# does not. Our own checks (_check_member) run either way; the filter is a second line
# of defence, and _plain does what it does to each member where it is missing.
_HAS_DATA_FILTER = hasattr(tarfile, "data_filter")
_FILTER_ERRORS: tuple[type[Exception], ...] = (tarfile.FilterError,) if _HAS_DATA_FILTER else ()
_DROPPED_MODE_BITS = stat.S_ISUID | stat.S_ISGID | stat.S_ISVTX | stat.S_IWGRP | stat.S_IWOTH


def extract_archive(archive: Path, dest: Path) -> None:
    """Unpack a .tar.zst into `dest`, which must not exist; on failure nothing is left.

    Refuses absolute paths, `..`, links that point outside `dest`, and device files.
    """
    if dest.exists() or dest.is_symlink():
        raise FileExistsError(f"{dest} already exists")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp"))
    try:
        zstd_module = _stdlib_zstd()
        if zstd_module is not None:
            _extract_with_module(zstd_module, archive, tmp)
        else:
            _extract_with_program(archive, tmp)
        _check_links_stay_inside(archive, tmp)
        tmp.chmod(0o755)  # mkdtemp made it 0700
        tmp.rename(dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _stdlib_zstd() -> ModuleType | None:
    try:
        return importlib.import_module("compression.zstd")  # Python 3.14+
    except ImportError:
        return None


def _extract_with_module(zstd: ModuleType, archive: Path, root: Path) -> None:
    try:
        with zstd.open(archive, "rb") as stream:
            _extract_stream(stream, archive, root)
            _drain(stream)  # the module checks the frame (and its checksum) at its end
    except (zstd.ZstdError, EOFError, tarfile.TarError) as error:
        raise RuntimeArchiveInvalid(str(archive), str(error) or type(error).__name__) from None


def _extract_with_program(archive: Path, root: Path) -> None:
    program = shutil.which("zstd")
    if program is None:
        raise ZstdUnavailable()
    # A binary pipe, which the line-oriented runner in runner.py does not offer.
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(
            [program, "-d", "-c", "-q", "--", str(archive)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=errors,
            env={"LC_ALL": "C"},
        )
        assert proc.stdout is not None
        problem = None
        try:
            try:
                _extract_stream(proc.stdout, archive, root)
            except tarfile.TarError as error:
                problem = str(error)
            # Read to the end, after a good archive too: the padding after the
            # end-of-archive marker is still on its way, and closing the pipe before
            # zstd has written it kills zstd with SIGPIPE (status -13), which looked
            # like a damaged file about once in 40 builds. Once zstd has written
            # everything, its exit status says whether the whole file was good.
            _drain(proc.stdout)
        finally:
            proc.stdout.close()  # after an unsafe entry or an interrupt: don't block zstd
            returncode = proc.wait()
        if returncode != 0:
            errors.seek(0)
            lines = errors.read().decode("utf-8", "replace").strip().splitlines()
            problem = f"zstd: {lines[-1]}" if lines else f"zstd exited with status {returncode}"
    if problem is not None:
        raise RuntimeArchiveInvalid(str(archive), problem)


def _drain(stream: IO[bytes]) -> None:
    while stream.read(_CHUNK):
        pass


class _Recorder:
    """Passes reads on, keeping the last few, so that once tarfile has stopped we can
    look at the block where it stopped."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self._position = 0
        # tarfile reads whole records (tarfile.RECORDSIZE) and stops at most one
        # record after the block it stopped on: the last three reads hold that block.
        self._recent: collections.deque[tuple[int, bytes]] = collections.deque(maxlen=3)

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self._recent.append((self._position, data))
        self._position += len(data)
        return data

    def block_at(self, offset: int) -> bytes:
        if not self._recent:
            return b""
        start = self._recent[0][0]
        data = b"".join(chunk for _, chunk in self._recent)
        return data[offset - start : offset - start + tarfile.BLOCKSIZE] if offset >= start else b""


def _extract_stream(stream: IO[bytes], archive: Path, root: Path) -> None:
    real_root = os.path.realpath(root)
    recorder = _Recorder(stream)
    with tarfile.open(fileobj=recorder, mode="r|") as tar:  # type: ignore[call-overload]
        for member in tar:
            if not PurePosixPath(member.name).parts:
                continue  # the archive's root directory: that is `root` itself
            _check_member(member, real_root, archive)
            try:
                if _HAS_DATA_FILTER:
                    # Keeps the owner's execute bit (so bin/python stays executable),
                    # drops setuid/setgid and group/other write.
                    tar.extract(member, root, filter="data")
                else:
                    tar.extract(_plain(member), root, numeric_owner=True)
            except _FILTER_ERRORS as error:
                raise UnsafeRuntimeArchive(str(archive), member.name, str(error)) from None
        # tarfile ends the loop quietly on a header it cannot read, or on the end of
        # the data: only a block of zeros is the end of a whole archive.
        if recorder.block_at(tar.offset) != _EOF_BLOCK:
            raise tarfile.ReadError(f"the archive ends without an end marker at byte {tar.offset}")


def _check_member(member: tarfile.TarInfo, real_root: str, archive: Path) -> None:
    def refuse(reason: str) -> UnsafeRuntimeArchive:
        return UnsafeRuntimeArchive(str(archive), member.name, reason)

    path = PurePosixPath(member.name)
    if path.is_absolute():
        raise refuse("is an absolute path")
    if ".." in path.parts:
        raise refuse("goes up with '..'")
    if not (member.isfile() or member.isdir() or member.issym() or member.islnk()):
        raise refuse("is a device file or pipe")
    if not _inside(os.path.join(real_root, member.name), real_root):
        raise refuse("would be written through a link to outside the install directory")
    if member.issym():
        if PurePosixPath(member.linkname).is_absolute():
            raise refuse(f"is a link to the absolute path '{member.linkname}'")
        target = os.path.join(real_root, os.path.dirname(member.name), member.linkname)
        if not _inside(target, real_root):
            raise refuse(f"is a link to '{member.linkname}', outside the install directory")
    if member.islnk():
        target_path = PurePosixPath(member.linkname)
        if target_path.is_absolute() or ".." in target_path.parts:
            raise refuse(f"is a hard link to '{member.linkname}', outside the install directory")
        if not _inside(os.path.join(real_root, member.linkname), real_root):
            raise refuse(f"is a hard link to '{member.linkname}', outside the install directory")


def _inside(path: str, real_root: str) -> bool:
    resolved = os.path.realpath(path)
    return resolved == real_root or resolved.startswith(real_root + os.sep)


def _plain(member: tarfile.TarInfo) -> tarfile.TarInfo:
    """What the data filter does, for Pythons without it: no special bits, our owner."""
    plain = copy.copy(member)
    plain.mode = member.mode & ~_DROPPED_MODE_BITS
    plain.uid, plain.gid = os.geteuid(), os.getegid()
    plain.uname = plain.gname = ""
    return plain


def _check_links_stay_inside(archive: Path, root: Path) -> None:
    """A link checked when it was written can point outside once later links exist
    (`a -> b/..` written before `b -> .`): check them all again at the end."""
    real_root = os.path.realpath(root)
    for directory, dirnames, filenames in os.walk(root):
        for name in (*dirnames, *filenames):
            path = os.path.join(directory, name)
            if os.path.islink(path) and not _inside(path, real_root):
                member = os.path.relpath(path, root)
                reason = f"is a link to '{os.readlink(path)}', outside the install directory"
                raise UnsafeRuntimeArchive(str(archive), member, reason)

"""Unpacking runtime archives: safely, completely, and a good one every time."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from python_buildpack.errors import (
    BuildpackError,
    RuntimeArchiveInvalid,
    RuntimeArchiveNotFound,
    UnsafeRuntimeArchive,
    ZstdUnavailable,
)
from python_buildpack.runtime import archive as archive_module
from python_buildpack.runtime import (
    download_archive,
    extract_archive,
)
from support.runtime import packed_runtime

NAME = "python-3.12.7-ubuntu-24.04-amd64.tar.zst"


def message(error: BuildpackError) -> str:
    return f"{error.title()}\n{error.body()}"


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


# --- extraction ----------------------------------------------------------------------


@dataclass
class Entry:
    name: str
    type: bytes = tarfile.REGTYPE
    data: bytes = b""
    linkname: str = ""
    mode: int = 0o644


def tar_zst(path: Path, *entries: Entry) -> Path:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for entry in entries:
            info = tarfile.TarInfo(entry.name)
            info.type = entry.type
            info.mode = entry.mode
            info.linkname = entry.linkname
            info.size = len(entry.data) if entry.type == tarfile.REGTYPE else 0
            tar.addfile(info, io.BytesIO(entry.data) if info.size else None)
    subprocess.run(["zstd", "-q", "-f", "-o", str(path)], input=buffer.getvalue(), check=True)
    return path


@pytest.fixture(params=["data filter", "own checks only"])
def filter_mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run extraction tests with tarfile's data filter and as on Pythons that lack it
    (Debian 12's python3, 3.11.2, on which bin/compile runs in CI)."""
    if not hasattr(tarfile, "data_filter") and request.param == "data filter":
        pytest.skip("this Python's tarfile has no data filter")
    if request.param == "own checks only":
        monkeypatch.setattr(archive_module, "_HAS_DATA_FILTER", False)
        monkeypatch.setattr(archive_module, "_FILTER_ERRORS", ())
    return str(request.param)


pytestmark_no_filter_warning = pytest.mark.filterwarnings(
    "ignore:Python 3.14 will, by default, filter extracted tar archives:DeprecationWarning"
)


@pytestmark_no_filter_warning
def test_runtime_archive_is_unpacked_with_executables_still_executable(
    tmp_path: Path, filter_mode: str
) -> None:
    archive = tar_zst(
        tmp_path / NAME,
        Entry("./", tarfile.DIRTYPE, mode=0o755),
        Entry("./bin", tarfile.DIRTYPE, mode=0o755),
        Entry("./bin/python3.12", data=b"#!/bin/sh\necho hi\n", mode=0o4755),
        Entry("./bin/python3", tarfile.SYMTYPE, linkname="python3.12"),
        Entry("./lib/libpython3.12.so.1.0", data=b"elf", mode=0o775),
        Entry("./lib/libpython3.12.so", tarfile.LNKTYPE, linkname="lib/libpython3.12.so.1.0"),
    )
    dest = tmp_path / "python"
    extract_archive(archive, dest)
    python = dest / "bin" / "python3"
    assert os.access(python, os.X_OK)
    assert subprocess.run([python], capture_output=True, check=True).stdout == b"hi\n"
    assert os.readlink(python) == "python3.12"
    assert (dest / "bin/python3.12").stat().st_mode & 0o7777 == 0o755  # no setuid
    assert (dest / "lib/libpython3.12.so").read_bytes() == b"elf"
    assert leftovers(tmp_path) == sorted([NAME, "python"])


@pytestmark_no_filter_warning
@pytest.mark.parametrize(
    ("entries", "member", "reason"),
    [
        ([Entry("../evil", data=b"x")], "../evil", "'..'"),
        ([Entry("bin/../../evil", data=b"x")], "bin/../../evil", "'..'"),
        ([Entry("/tmp/evil", data=b"x")], "/tmp/evil", "absolute path"),
        ([Entry("escape", tarfile.SYMTYPE, linkname="../outside")], "escape", "outside"),
        ([Entry("etc", tarfile.SYMTYPE, linkname="/etc")], "etc", "absolute path"),
        ([Entry("passwd", tarfile.LNKTYPE, linkname="/etc/passwd")], "passwd", "outside"),
        ([Entry("null", tarfile.CHRTYPE)], "null", "device"),
        ([Entry("fifo", tarfile.FIFOTYPE)], "fifo", "device"),
        (
            [
                Entry("a", tarfile.SYMTYPE, linkname="b/.."),
                Entry("b", tarfile.SYMTYPE, linkname="."),
            ],
            "a",
            "outside",
        ),
    ],
)
def test_archive_that_would_write_outside_the_install_dir_is_refused(
    tmp_path: Path, filter_mode: str, entries: list[Entry], member: str, reason: str
) -> None:
    archive = tar_zst(tmp_path / NAME, Entry("bin", tarfile.DIRTYPE, mode=0o755), *entries)
    (tmp_path / "work").mkdir()
    dest = tmp_path / "work" / "python"
    with pytest.raises(UnsafeRuntimeArchive) as caught:
        extract_archive(archive, dest)
    assert caught.value.member.lstrip("/") == member.lstrip("/")
    assert reason in message(caught.value)
    assert caught.value.failure_reason == "runtime_archive_unsafe"
    assert leftovers(tmp_path / "work") == []  # nothing half-extracted
    assert leftovers(tmp_path) == [NAME, "work"]  # nothing escaped either


def test_damaged_archive_is_reported_and_leaves_nothing(tmp_path: Path) -> None:
    archive = tmp_path / NAME
    good = tar_zst(tmp_path / "good.tar.zst", Entry("bin/python", data=b"x" * 100_000))
    archive.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    (tmp_path / "work").mkdir()
    with pytest.raises(RuntimeArchiveInvalid) as caught:
        extract_archive(archive, tmp_path / "work" / "python")
    assert str(archive) in message(caught.value)
    assert leftovers(tmp_path / "work") == []


def test_zstd_file_that_is_not_a_tar_is_reported(tmp_path: Path) -> None:
    archive = tmp_path / NAME
    subprocess.run(["zstd", "-q", "-o", str(archive)], input=b"hello" * 1000, check=True)
    (tmp_path / "work").mkdir()
    with pytest.raises(RuntimeArchiveInvalid):
        extract_archive(archive, tmp_path / "work" / "python")
    assert leftovers(tmp_path / "work") == []


# --- a good archive always unpacks, a damaged one never does (issue 9, item 2) ---------


def gnu_tar_zst(tmp_path: Path, *, records_of_kib: int = 32) -> Path:
    """A small runtime-like archive made by the `tar` and `zstd` programs. GNU tar pads
    the archive to whole records after its end-of-archive marker; with 32 KiB records
    (`-b 64`) zstd is often still writing that padding when tarfile has finished."""
    if shutil.which("tar") is None:
        pytest.skip("needs the tar program")
    src = tmp_path / "src"
    (src / "bin").mkdir(parents=True)
    (src / "lib").mkdir()
    for i in range(20):
        (src / "lib" / f"module{i}.so").write_bytes(os.urandom(5_000))
    (src / "bin" / "python3").write_bytes(b"#!/bin/sh\necho hi\n")
    (src / "bin" / "python3").chmod(0o755)
    tar = subprocess.run(
        ["tar", "-c", "-b", str(records_of_kib * 2), "-C", str(src), "."],
        capture_output=True,
        check=True,
    ).stdout
    archive = tmp_path / NAME
    subprocess.run(["zstd", "-q", "-f", "-o", str(archive)], input=tar, check=True)
    return archive


@pytest.fixture
def busy_core() -> Iterator[None]:
    """Another process spinning, as on a build host running other builds."""
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        yield
    finally:
        spinner.kill()
        spinner.wait()


def test_good_archive_unpacks_every_time_on_a_busy_machine(tmp_path: Path, busy_core: None) -> None:
    # Before the fix about 1 in 20 of these failed with "zstd exited with status -13".
    archive = gnu_tar_zst(tmp_path)
    failures = []
    for attempt in range(200):
        dest = tmp_path / "out" / f"python{attempt}"
        try:
            extract_archive(archive, dest)
        except RuntimeArchiveInvalid as error:
            failures.append(error.reason)
        else:
            assert (dest / "bin" / "python3").read_bytes() == b"#!/bin/sh\necho hi\n"
            shutil.rmtree(dest)
    assert failures == []


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        ("cut in the tar's padding", "zstd: "),
        ("cut in its middle", "zstd: "),
        ("one byte changed", "zstd: "),
    ],
)
def test_damaged_archive_is_still_reported_as_damaged(
    tmp_path: Path, damage: str, said: str
) -> None:
    good = gnu_tar_zst(tmp_path).read_bytes()
    if damage == "cut in the tar's padding":
        data = good[:-8]  # the frame's end (and checksum) is missing, the tar is whole
    elif damage == "cut in its middle":
        data = good[: len(good) // 2]
    else:
        middle = len(good) // 2
        data = good[:middle] + bytes([good[middle] ^ 0xFF]) + good[middle + 1 :]
    archive = tmp_path / "damaged.tar.zst"
    archive.write_bytes(data)
    (tmp_path / "work").mkdir()
    with pytest.raises(RuntimeArchiveInvalid) as caught:
        extract_archive(archive, tmp_path / "work" / "python")
    assert caught.value.reason.startswith(said)
    assert "status -13" not in caught.value.reason
    assert caught.value.failure_reason == "runtime_archive_invalid"
    assert leftovers(tmp_path / "work") == []


@pytest.mark.parametrize("damage", ["a header that is not one", "no end-of-archive marker"])
def test_whole_zstd_file_holding_a_damaged_tar_is_reported(tmp_path: Path, damage: str) -> None:
    # tarfile stops quietly on either, as if the archive ended there.
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name in ("bin/python3", "lib/libpython3.so"):
            info = tarfile.TarInfo(name)
            info.size = 600
            tar.addfile(info, io.BytesIO(b"x" * 600))
    whole = buffer.getvalue()
    second_header = 512 + 1024  # after the first header and its two blocks of data
    if damage == "a header that is not one":
        data = whole[:second_header] + b"garbage!" * 64 + whole[second_header + 512 :]
    else:
        data = whole[:second_header]
    archive = tmp_path / NAME
    subprocess.run(["zstd", "-q", "-f", "-o", str(archive)], input=data, check=True)
    (tmp_path / "work").mkdir()
    with pytest.raises(RuntimeArchiveInvalid) as caught:
        extract_archive(archive, tmp_path / "work" / "python")
    assert "without an end marker" in caught.value.reason
    assert leftovers(tmp_path / "work") == []


def test_machine_without_zstd_is_told_zstd_is_needed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = tar_zst(tmp_path / NAME, Entry("bin/python", data=b"x"))
    monkeypatch.setattr(archive_module, "_stdlib_zstd", lambda: None)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(ZstdUnavailable) as caught:
        extract_archive(archive, tmp_path / "python")
    assert "zstd" in message(caught.value)
    assert not (tmp_path / "python").exists()


def test_extracting_over_an_existing_directory_is_refused(tmp_path: Path) -> None:
    archive = tar_zst(tmp_path / NAME, Entry("bin/python", data=b"x"))
    (tmp_path / "python").mkdir()
    with pytest.raises(FileExistsError):
        extract_archive(archive, tmp_path / "python")


def test_missing_archive_via_download_archive_is_a_not_found_error(tmp_path: Path) -> None:
    with pytest.raises(RuntimeArchiveNotFound):
        download_archive((tmp_path / NAME).as_uri(), tmp_path / "x", trust_env={})


# --- the packed local interpreter --------------------------------------------------


@pytest.mark.slow
def test_packed_local_interpreter_runs_from_another_directory(tmp_path: Path) -> None:
    archive_dir, version = packed_runtime(tmp_path / "cache")
    xy = ".".join(version.split(".")[:2])
    archives = sorted(p.name for p in archive_dir.iterdir())
    assert len(archives) == 2 and archives[1] == f"{archives[0]}.sha256"
    archive = archive_dir / archives[0]
    assert archives[0].startswith(f"python-{version}-ubuntu-24.04-")

    # Served through the real download path, sidecar checked.
    dest = tmp_path / "downloaded.tar.zst"
    download_archive(archive.as_uri(), dest, trust_env={})
    prefix = tmp_path / "elsewhere" / "python"
    prefix.parent.mkdir()
    extract_archive(dest, prefix)
    assert not list(prefix.rglob("*.a"))
    # The standard library ships compiled, with pycs that do not depend on mtimes
    # (flags word 0b01: hash-based, unchecked), so running it writes none.
    pycs = list((prefix / "lib" / f"python{xy}").rglob("__pycache__/os.*.pyc"))
    assert pycs and pycs[0].read_bytes()[4:8] == b"\x01\x00\x00\x00"
    assert not list((prefix / "lib" / f"python{xy}" / "site-packages").rglob("*.pyc"))

    script = (
        "import ssl, sqlite3, ctypes, venv, ensurepip, json, os, sys, sysconfig;"
        "print(json.dumps([sys.prefix, os.listdir(sysconfig.get_paths()['purelib']),"
        " sys.flags.no_site]))"
    )
    proc = subprocess.run(
        [str(prefix / "bin/python3"), "-c", script],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    sys_prefix, site_packages, _ = json.loads(proc.stdout)
    assert sys_prefix == str(prefix)
    assert site_packages == ["README.txt"]
    assert (prefix / f"lib/python{xy}/ensurepip/_bundled").is_dir()
    assert not (prefix / f"lib/python{xy}/test").exists()
    assert sorted(p.name for p in (prefix / "bin").iterdir() if p.name.startswith("pip")) == []
    assert os.readlink(prefix / "bin/python") == f"python{xy}"

    interpreter = prefix / f"bin/python{xy}"
    dynamic = subprocess.run(
        ["readelf", "-d", str(interpreter)], capture_output=True, text=True, check=True
    ).stdout
    if "libpython" in dynamic:  # a shared build
        assert "[$ORIGIN/../lib]" in dynamic
        ldd = subprocess.run(["ldd", str(interpreter)], capture_output=True, text=True).stdout
        assert str(prefix / "bin/../lib/libpython") in ldd

    # Packed once: asking again reuses it.
    mtime = archive.stat().st_mtime_ns
    assert packed_runtime(tmp_path / "cache") == (archive_dir, version)
    assert archive.stat().st_mtime_ns == mtime

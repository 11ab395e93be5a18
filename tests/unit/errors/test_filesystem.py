"""An OSError that is the machine's state becomes a user error naming the build's
directory; one that is not stays a bug. Root ignores permissions, so the build user
who may not write CACHE_DIR is met here, from the error the system gives such a user
(the integration tests meet read-only and full filesystems for real)."""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from python_buildpack import cli
from python_buildpack.errors import filesystem
from python_buildpack.output import Output


def places(tmp_path: Path) -> dict[str, Path]:
    build, cache, app = tmp_path / "build", tmp_path / "cache", tmp_path / "app"
    for directory in (build / ".heroku" / "python", cache, app / ".heroku"):
        directory.mkdir(parents=True)
    # As during compile: the app dir's .heroku/python is a link into BUILD_DIR.
    (app / ".heroku" / "python").symlink_to(build / ".heroku" / "python")
    return {"BUILD_DIR": build, "CACHE_DIR": cache, "BUILDPACK_APP_DIR": app}


def test_cache_dir_the_build_user_may_not_write_is_named_with_the_users_uid(
    tmp_path: Path,
) -> None:
    dirs = places(tmp_path)
    lock = dirs["CACHE_DIR"] / "python" / "lock"
    error = PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(lock))
    problem = filesystem.from_os_error(error, filesystem.LOCKING_CACHE, dirs)
    assert problem is not None
    assert problem.failure_reason == "permission_denied"
    assert problem.title() == f"The build user may not write to CACHE_DIR ({dirs['CACHE_DIR']})."
    assert problem.body().splitlines()[:3] == [
        "While taking the lock of the build cache in CACHE_DIR, the system refused an operation on",
        str(lock),
        "and said: Permission denied (EACCES).",
    ]
    assert f"The build runs as uid {os.getuid()}." in problem.body()


def test_path_through_the_app_dirs_link_is_named_as_build_dir(tmp_path: Path) -> None:
    dirs = places(tmp_path)
    target = dirs["BUILDPACK_APP_DIR"] / ".heroku" / "python" / "lib" / "x.so"
    error = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))
    problem = filesystem.from_os_error(error, filesystem.INSTALLING, dirs)
    assert problem is not None
    assert problem.title() == (
        f"No space left on the filesystem that holds BUILD_DIR ({dirs['BUILD_DIR']})."
    )


def test_copy_that_fails_names_the_file_it_was_writing(tmp_path: Path) -> None:
    """shutil names both files of a copy that failed; the second is the one written."""
    dirs = places(tmp_path)
    source = dirs["CACHE_DIR"] / "python" / "env" / "bin" / "python3"
    written = dirs["BUILD_DIR"] / ".heroku" / "python" / "bin" / "python3"
    error = OSError(errno.EROFS, os.strerror(errno.EROFS), str(source), None, str(written))
    problem = filesystem.from_os_error(error, filesystem.RESTORING_CACHE, dirs)
    assert problem is not None
    assert problem.path == str(written)
    assert problem.title() == f"BUILD_DIR ({dirs['BUILD_DIR']}) is on a read-only filesystem."


def test_write_that_names_no_file_names_the_directory_of_the_step(tmp_path: Path) -> None:
    dirs = places(tmp_path)
    error = OSError(errno.EDQUOT, os.strerror(errno.EDQUOT))
    problem = filesystem.from_os_error(error, filesystem.SAVING_CACHE, dirs, dirs["CACHE_DIR"])
    assert problem is not None
    assert problem.failure_reason == "disk_full"
    assert problem.path == str(dirs["CACHE_DIR"])


@pytest.mark.parametrize("code", [errno.ENOENT, errno.EEXIST, errno.ENOTDIR, errno.EINVAL])
def test_os_error_that_is_not_the_machines_state_stays_a_bug(tmp_path: Path, code: int) -> None:
    error = OSError(code, os.strerror(code), str(tmp_path / "x"))
    assert filesystem.from_os_error(error, filesystem.BUILDING, places(tmp_path)) is None


def test_during_turns_the_machines_error_into_a_user_error_and_lets_a_bug_through(
    tmp_path: Path,
) -> None:
    dirs = places(tmp_path)
    with pytest.raises(filesystem.FilesystemReadOnly):
        with filesystem.during(filesystem.BUILDING, dirs):
            raise OSError(errno.EROFS, "Read-only file system", str(dirs["BUILD_DIR"]))
    with pytest.raises(FileNotFoundError):
        with filesystem.during(filesystem.BUILDING, dirs):
            raise FileNotFoundError(errno.ENOENT, "No such file or directory", "x")


def test_bin_command_that_meets_a_full_cache_dir_exits_1_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Where no step said what it was doing, the error still names the directory."""
    dirs = places(tmp_path)

    def full(args: Sequence[str], out: Output) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), f"{args[1]}/build-data/x.json")

    monkeypatch.setitem(cli.COMMANDS, "report", full)
    code = cli.main(["report", str(dirs["BUILD_DIR"]), str(dirs["CACHE_DIR"])])
    assert code == cli.EXIT_USER_ERROR
    err = capsys.readouterr().err
    assert "Traceback" not in err
    title = f"No space left on the filesystem that holds CACHE_DIR ({dirs['CACHE_DIR']})."
    assert f"Error: {title}" in err
    assert "While running bin/report, the system refused an operation on" in err


def test_full_filesystem_whose_write_names_no_file_is_found_by_its_free_space(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failed write() (unpacking an archive) names no file: of the build's
    directories, the one whose filesystem has no space left is named."""
    dirs = places(tmp_path)
    real = shutil.disk_usage

    def usage(path: str | os.PathLike[str]) -> Any:
        found = real(path)
        if Path(path) == dirs["CACHE_DIR"]:
            return found._replace(free=0)
        return found

    monkeypatch.setattr(shutil, "disk_usage", usage)
    error = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    problem = filesystem.from_os_error(error, filesystem.INSTALLING, dirs)
    assert problem is not None
    assert problem.title() == (
        f"No space left on the filesystem that holds CACHE_DIR ({dirs['CACHE_DIR']})."
    )
    assert "it has 0 MB free of" in problem.body()

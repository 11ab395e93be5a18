"""The machine's disks failing the build: a read-only CACHE_DIR or BUILD_DIR, a full
filesystem. Each is the machine's state, not a bug in the buildpack: the build says
which path, what it was doing and what the system said, exits 1 with no traceback,
and leaves the cache of the last good build as it was for the next build.

The tests run as root (CI does too), which permissions do not stop, so the faults
are real mounts: each build runs in its own mount namespace (`unshare --mount`),
where the directory is bind-mounted read-only or replaced by a small tmpfs. The
mounts end with the build's process: nothing is left mounted, whatever happens.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from support.build_log import assert_user_error, error_block
from support.buildpack import BIN, App, Result
from support.cache_checks import build_ok, report
from support.wheels import build_wheel

pytestmark = pytest.mark.slow


def _namespaces_unavailable() -> str:
    """Why this machine cannot run a build in its own mount namespace ("": it can)."""
    if os.geteuid() != 0:
        return "mounts need root"
    if shutil.which("unshare") is None:
        return "no unshare(1)"
    probe = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "mount", "-t", "tmpfs", "t", "/mnt"],
        capture_output=True,
        text=True,
        check=False,
    )
    return "" if probe.returncode == 0 else f"no mount namespace here: {probe.stderr.strip()}"


UNAVAILABLE = _namespaces_unavailable()
needs_mounts = pytest.mark.skipif(bool(UNAVAILABLE), reason=UNAVAILABLE)


def compile_with_mounts(app: App, build_dir: Path, cache: Path, mounts: str) -> Result:
    """bin/compile in a mount namespace of its own, after the shell lines `mounts`."""
    script = f'set -e\n{mounts}\nexec "$0" "$@"\n'
    proc = subprocess.run(
        [
            "unshare",
            "--mount",
            "--propagation",
            "private",
            "sh",
            "-c",
            script,
            str(BIN / "compile"),
            str(build_dir),
            str(cache),
            str(app.env_dir()),
        ],
        env=app.base_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=600,
        check=False,
    )
    return Result(proc.returncode, proc.stdout)


def read_only(directory: Path) -> str:
    return f'mount --bind "{directory}" "{directory}"\nmount -o remount,ro,bind "{directory}"\n'


def new_build_dir(app: App) -> Path:
    app.builds += 1
    build_dir = app.workdir / f"build-{app.builds}"
    shutil.copytree(app.source, build_dir, symlinks=True)
    return build_dir


def cache_state(cache: Path) -> dict[str, str]:
    """Every file of the cached environment and its manifest, by content; the build
    report (CACHE_DIR/build-data), which every build writes, left out."""
    state = {}
    for path in sorted((cache / "python").rglob("*")):
        rel = path.relative_to(cache).as_posix()
        if path.is_symlink():
            state[rel] = "link:" + os.readlink(path)
        elif path.is_file():
            state[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return state


@pytest.fixture
def cached_app(app: App, wheelhouse: Path, tmp_path: Path) -> tuple[App, Path, dict[str, str]]:
    """An app built once: (the app, its CACHE_DIR holding a good cache, that cache)."""
    build_wheel(wheelhouse, "alpha", "1.0")
    app.write({"requirements.txt": "alpha==1.0\n"})
    cache = tmp_path / "cache"
    build_ok(app, cache)
    return app, cache, cache_state(cache)


def assert_next_build_reuses_the_cache(app: App, cache: Path) -> None:
    build_dir, result = build_ok(app, cache)
    assert report(build_dir, cache, app.base_env)["cache_status"] == "reused", result.output


@needs_mounts
def test_read_only_cache_dir_fails_naming_it_and_the_cache_stays_usable(
    cached_app: tuple[App, Path, dict[str, str]],
) -> None:
    app, cache, before = cached_app
    result = compile_with_mounts(app, new_build_dir(app), cache, read_only(cache))
    assert_user_error(result, f"CACHE_DIR ({cache}) is on a read-only filesystem.")
    block = error_block(result)
    assert block.splitlines()[2:4] == [
        "While taking the lock of the build cache in CACHE_DIR, the system refused an operation on",
        f"{cache}/python/lock",
    ], block
    assert "and said: Read-only file system (EROFS)." in block, block
    assert cache_state(cache) == before
    assert_next_build_reuses_the_cache(app, cache)


@needs_mounts
def test_read_only_build_dir_fails_naming_it_and_leaves_the_cache_as_it_was(
    cached_app: tuple[App, Path, dict[str, str]],
) -> None:
    app, cache, before = cached_app
    build_dir = new_build_dir(app)
    result = compile_with_mounts(app, build_dir, cache, read_only(build_dir))
    assert_user_error(result, f"BUILD_DIR ({build_dir}) is on a read-only filesystem.")
    block = error_block(result)
    assert block.splitlines()[2:4] == [
        "While restoring the cached environment into BUILD_DIR, the system refused an operation on",
        f"{build_dir}/.heroku",
    ], block
    assert "and said: Read-only file system (EROFS)." in block, block
    assert report(build_dir, cache, app.base_env)["failure_reason"] == "read_only_filesystem"
    assert cache_state(cache) == before
    assert_next_build_reuses_the_cache(app, cache)


def full_build_dir(build_dir: Path) -> str:
    """Mount lines: BUILD_DIR on an 8 MB filesystem, holding the app's files."""
    return (
        f'mkdir -p "{build_dir}.src" && cp -a "{build_dir}/." "{build_dir}.src/"\n'
        f'mount -t tmpfs -o size=8m tmpfs "{build_dir}"\n'
        f'cp -a "{build_dir}.src/." "{build_dir}/"\n'
    )


@needs_mounts
def test_full_build_filesystem_fails_with_no_space_and_leaves_the_cache_as_it_was(
    cached_app: tuple[App, Path, dict[str, str]],
) -> None:
    """BUILD_DIR on an 8 MB filesystem: the app fits, its Python does not."""
    app, cache, before = cached_app
    build_dir = new_build_dir(app)
    result = compile_with_mounts(app, build_dir, cache, full_build_dir(build_dir))
    assert_user_error(
        result, f"No space left on the filesystem that holds BUILD_DIR ({build_dir})."
    )
    block = error_block(result)
    lines = block.splitlines()
    assert lines[2] == (
        "While restoring the cached environment into BUILD_DIR, the system refused an operation on"
    ), block
    assert lines[3].startswith(f"{build_dir}/.heroku/python/"), block
    assert "and said: No space left on device (ENOSPC)." in block, block
    assert "MB free of 8 MB" in block, block
    assert report(build_dir, cache, app.base_env)["failure_reason"] == "disk_full"
    assert cache_state(cache) == before
    assert_next_build_reuses_the_cache(app, cache)


@needs_mounts
def test_full_build_filesystem_while_python_is_unpacked_names_build_dir(
    app: App, tmp_path: Path
) -> None:
    """With the cache off, the runtime is unpacked straight into BUILD_DIR, by writes
    that name no file: the error still names the directory whose filesystem is full."""
    app.config["PYTHON_BUILD_CACHE"] = "off"
    build_dir = new_build_dir(app)
    cache = tmp_path / "cache"
    result = compile_with_mounts(app, build_dir, cache, full_build_dir(build_dir))
    title = f"No space left on the filesystem that holds BUILD_DIR ({build_dir})."
    assert_user_error(result, title)
    block = error_block(result)
    assert "and said: No space left on device (ENOSPC)." in block, block

"""The cache as platforms keep it: CACHE_DIR archived and restored (Heroku, GitHub
Actions: tar; GitLab: zip), copied (`cp -a`, `cp -r`), moved to another path.

After any of these every cached file holds what it held, with a new inode and its
mtime kept, rounded to the second or lost. The next build must still be `reused`
(no installer started), a one-pin change `updated` in place, each equal to a clean
build over the whole prefix, with no bytecode that Python would ignore. Each method
is run with the real tools, on a pip app and on a uv app.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from support.buildpack import App, Result, distributions, site_packages
from support.built_apps import BuiltApp, build_once
from support.bytecode import stale_bytecode
from support.cache_checks import (
    DISCARDING,
    RESTORING,
    UPDATING,
    assert_cache_whole,
    build_ok,
    reasons,
    report,
    tamper_keeping_size_and_mtime,
)
from support.index_server import IndexServer
from support.uv_apps import lock, pyproject
from support.wheels import build_wheel

from .conftest import UV_APP_DEPS

# On one pytest-xdist worker with test_uv.py, which starts from the same `uv_built`:
# the first builds and the clean builds to compare with are made once, not on both.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("built-once")]

ARCHIVERS = ("tar", "zip", "unzip", "cp")


@pytest.fixture(scope="session", autouse=True)
def archivers() -> None:
    """The real tools. A machine without zip gets it from the distribution's packages
    (CI runs as root); elsewhere the test says what to install."""
    missing = [tool for tool in ARCHIVERS if shutil.which(tool) is None]
    if missing and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "update", "-qq"], check=False, timeout=600)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "zip", "unzip"], check=False, timeout=600
        )
        missing = [tool for tool in ARCHIVERS if shutil.which(tool) is None]
    assert not missing, f"install {' '.join(missing)} to run these tests"


def _run(*argv: str | Path, cwd: Path) -> None:
    subprocess.run([str(a) for a in argv], cwd=cwd, check=True, timeout=600)


def _replace(cache: Path, fill: Callable[[Path], None]) -> Path:
    """Let `fill(new)` make a new CACHE_DIR at `new` from `cache`, then put it where
    `cache` was: every file of it is another file now."""
    new = cache.with_name(cache.name + ".new")
    fill(new)
    shutil.rmtree(cache)
    new.rename(cache)
    return cache


def _through_archive(cache: Path, suffix: str, pack: list[str], unpack: list[str]) -> Path:
    """`pack ARCHIVE CACHE`, the cache removed, `unpack ARCHIVE`: as a CI cache does."""
    archive = cache.with_suffix(suffix)
    _run(*pack, archive, cache.name, cwd=cache.parent)
    shutil.rmtree(cache)
    _run(*unpack, archive, cwd=cache.parent)
    archive.unlink()
    return cache


def gnu_tar(cache: Path) -> Path:
    """GNU tar's own format: mtimes to the second."""
    return _through_archive(cache, ".tar", ["tar", "--format=gnu", "-cf"], ["tar", "-xf"])


def pax_tar(cache: Path) -> Path:
    """POSIX pax (what Python's tarfile writes): mtimes to the nanosecond."""
    return _through_archive(cache, ".tar", ["tar", "--format=posix", "-cf"], ["tar", "-xf"])


def zip_unzip(cache: Path) -> Path:
    """GitLab CI's cache: a zip with symlinks stored as links; mtimes to the second.
    Stored, not compressed: the level changes no byte, time or mode that comes back
    out, and a round trip took 3.4 s at -1 (GitLab's `CACHE_COMPRESSION_LEVEL:
    fastest`), 1.4 s at -0."""
    return _through_archive(cache, ".zip", ["zip", "-qry0"], ["unzip", "-q"])


def cp_a(cache: Path) -> Path:
    return _replace(cache, lambda new: _run("cp", "-a", cache, new, cwd=cache.parent))


def cp_r(cache: Path) -> Path:
    """A copy that keeps no times: every mtime is the time of the copy."""
    return _replace(cache, lambda new: _run("cp", "-r", cache, new, cwd=cache.parent))


def another_path(cache: Path) -> Path:
    """A CI job restoring the cache under another path (the same files, moved)."""
    moved = cache.parent / f"elsewhere-{len(list(cache.parent.glob('elsewhere-*')))}" / "cache"
    moved.parent.mkdir()
    cache.rename(moved)
    return moved


METHODS = {
    "gnu tar": gnu_tar,
    "pax tar": pax_tar,
    "zip": zip_unzip,
    "cp -a": cp_a,
    "cp -r": cp_r,
    "another path": another_path,
}


def pip_app(app: App, wheelhouse: Path) -> None:
    build_wheel(wheelhouse, "alpha", "1.0", files={"alpha/__init__.py": "A = 1\n"})
    for version in ("1.0", "2.0"):
        build_wheel(wheelhouse, "beta", version, files={"beta/__init__.py": f"B = '{version}'\n"})
    app.write(
        {
            "requirements.txt": "-r requirements/base.txt\n",
            "requirements/base.txt": "alpha==1.0\nbeta==1.0\n",
        }
    )


# The first build of each app, with an empty cache, made once per session (per test
# worker): each test takes a copy of its source and CACHE_DIR (support/built_apps.py),
# and compares with clean builds made once for each set of inputs.


def assert_cold(built: BuiltApp) -> BuiltApp:
    data = report(built.build_dir, built.cache, built.app.base_env)
    assert data["cache_status"] == "empty", built.result.output
    return built


@pytest.fixture(scope="session")
def pip_started(
    tmp_path_factory: pytest.TempPathFactory, runtime_mirror: tuple[Path, str]
) -> BuiltApp:
    return assert_cold(build_once(tmp_path_factory.mktemp("persist-pip"), runtime_mirror, pip_app))


READ_AGAIN = re.compile(
    r"^-----> Checked all \d+ cached files by content: CACHE_DIR was restored from an archive"
    r" or copied since the last build$",
    re.MULTILINE,
)


def settled_copy(started: BuiltApp, workdir: Path, *, manager: str) -> tuple[App, Path]:
    """A copy of the first build's app and CACHE_DIR, built once more: a copy's files
    are all read again by content (the log says so), and then vouched for by their new
    inodes, as they were right after the first build."""
    app, cache = started.copy(workdir)
    assert_reused_as_clean(app, cache, started, manager=manager, moved=True)
    return app, cache


def assert_reused_as_clean(
    app: App, cache: Path, started: BuiltApp, *, manager: str, moved: bool
) -> Result:
    build_dir, result = build_ok(app, cache)
    # Files with new inodes are read once, and the log says why; a move keeps them.
    assert bool(READ_AGAIN.search(result.output)) is moved, result.output
    data = report(build_dir, cache, app.base_env)
    assert data["cache_status"] == "reused", result.output
    assert data["commands"] == [], "no installer process for an unchanged build"
    assert DISCARDING not in result.output
    if manager == "uv":
        assert "Using cached uv " in result.output, result.output
    else:
        assert RESTORING.search(result.output), result.output
    assert stale_bytecode(build_dir / ".heroku" / "python") == []
    started.assert_equals_clean(app, build_dir)
    return result


def assert_updated_as_clean(app: App, cache: Path, started: BuiltApp, why: str) -> Path:
    build_dir, result = build_ok(app, cache)
    assert report(build_dir, cache, app.base_env)["cache_status"] == "updated", result.output
    assert reasons(result.output, UPDATING) == [why]
    assert stale_bytecode(build_dir / ".heroku" / "python") == []
    assert_cache_whole(cache)
    started.assert_equals_clean(app, build_dir)
    return build_dir


@pytest.mark.parametrize("method", list(METHODS))
def test_pip_app_cache_survives(pip_started: BuiltApp, tmp_path: Path, method: str) -> None:
    keep = METHODS[method]
    app, cache = settled_copy(pip_started, tmp_path, manager="pip")

    cache = keep(cache)
    moved = method != "another path"
    assert_reused_as_clean(app, cache, pip_started, manager="pip", moved=moved)
    if method == "gnu tar":  # not paid twice: the next build reads nothing again
        assert_reused_as_clean(app, cache, pip_started, manager="pip", moved=False)

    cache = keep(cache)
    app.write({"requirements/base.txt": "alpha==1.0\nbeta==2.0\n"})
    updated = assert_updated_as_clean(
        app, cache, pip_started, "requirements/base.txt: beta changed from ==1.0 to ==2.0"
    )
    assert distributions(updated)["beta"] == "2.0"


@pytest.mark.parametrize("method", list(METHODS))
def test_uv_app_cache_survives(
    uv_built: BuiltApp, index: IndexServer, uv: Path, tmp_path: Path, method: str
) -> None:
    keep = METHODS[method]
    uv_app, cache = settled_copy(uv_built, tmp_path, manager="uv")

    cache = keep(cache)
    moved = method != "another path"
    assert_reused_as_clean(uv_app, cache, uv_built, manager="uv", moved=moved)

    cache = keep(cache)
    deps = [d.replace("beta==1.0", "beta==2.0") for d in UV_APP_DEPS]
    uv_app.write({"pyproject.toml": pyproject(deps, index.url)})
    lock(uv, uv_app)
    updated = assert_updated_as_clean(
        uv_app, cache, uv_built, "uv.lock: beta changed from 1.0 to 2.0"
    )
    assert distributions(updated)["beta"] == "2.0"


@pytest.mark.parametrize("method", ["gnu tar", "cp -a"])
def test_file_changed_after_a_round_trip_is_never_shipped(
    pip_started: BuiltApp, tmp_path: Path, method: str
) -> None:
    """Same size, and the mtime set back to the one the archive kept: content decides."""
    app, cache = pip_started.copy(tmp_path)
    cache = METHODS[method](cache)
    cached = next((cache / "python" / "env").rglob("alpha/__init__.py"))
    tamper_keeping_size_and_mtime(cached)

    build_dir, result = build_ok(app, cache)
    rel = cached.relative_to(cache / "python" / "env").as_posix()
    assert reasons(result.output, DISCARDING) == [
        f"a file in the cached environment changed since it was saved: {rel}"
        " has different content than when it was saved"
    ]
    assert report(build_dir, cache, app.base_env)["cache_status"] == "discarded"
    assert (site_packages(build_dir) / "alpha" / "__init__.py").read_text() == "A = 1\n"
    pip_started.assert_equals_clean(app, build_dir)


def test_cached_runtime_is_used_after_a_round_trip(pip_started: BuiltApp, tmp_path: Path) -> None:
    """A rebuild after the archive round trip starts from the cached runtime, not a
    new download and extraction."""
    app, cache = pip_started.copy(tmp_path)
    cache = gnu_tar(cache)
    # The environment is gone (as after a discard); the runtime and pip's cache stay.
    shutil.rmtree(cache / "python" / "env")
    (cache / "python" / "manifest.json").unlink()

    build_dir, result = build_ok(app, cache)
    assert "Using the cached copy of the runtime" in result.output, result.output
    assert stale_bytecode(build_dir / ".heroku" / "python") == []
    pip_started.assert_equals_clean(app, build_dir)

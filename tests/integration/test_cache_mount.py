"""The cache on another filesystem than the build, and what the restore check trusts.

Dokku and herokuish mount CACHE_DIR as a volume: hard links between it and
BUILD_DIR fail with EXDEV, so the buildpack copies instead, says so once, and the
cached build must still equal a clean one. The second filesystem is /dev/shm (a tmpfs
here and in CI) or the system's temp dir, whichever the build dirs are not on
(support/filesystems.py).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.buildpack import App, distributions, site_packages
from support.cache_checks import (
    DISCARDING,
    RESTORING,
    UPDATING,
    assert_cache_whole,
    assert_equals_clean,
    assert_same_prefix,
    build_ok,
    reasons,
    report,
    tamper_keeping_size_and_mtime,
)
from support.filesystems import other_filesystem
from support.wheels import build_wheel

pytestmark = pytest.mark.slow

COPYING = "Cache is on another filesystem than the build: copying instead of hard-linking"
RUNTIME_CHANGED = "The cached copy of the runtime does not match what was saved with it"


@pytest.fixture
def cache_elsewhere(tmp_path: Path) -> Iterator[Path]:
    """A CACHE_DIR on another filesystem than the BUILD_DIRs (under tmp_path)."""
    # Docker gives containers 64 MB of /dev/shm unless told otherwise.
    elsewhere = other_filesystem(tmp_path, needs=512 * 2**20)
    if elsewhere is None:
        pytest.skip("no second filesystem with 512 MB free (a cached runtime) for the cache")
    with tempfile.TemporaryDirectory(
        dir=elsewhere, prefix="buildpack-test-cache-", ignore_cleanup_errors=True
    ) as root:
        yield Path(root) / "cache"


def test_cache_on_another_filesystem_builds_reuses_and_updates(
    app: App, wheelhouse: Path, cache_elsewhere: Path
) -> None:
    cache = cache_elsewhere
    build_wheel(wheelhouse, "alpha", "1.0", files={"alpha/__init__.py": "A = 1\n"})
    build_wheel(wheelhouse, "beta", "1.0")
    app.write({"requirements.txt": "alpha==1.0\n"})

    first, cold = build_ok(app, cache)
    assert cold.output.count(COPYING) == 1, cold.output
    assert report(first, cache, app.base_env)["cache_status"] == "empty"
    assert_cache_whole(cache)

    second, unchanged = build_ok(app, cache)
    assert unchanged.output.count(COPYING) == 1, unchanged.output
    assert RESTORING.search(unchanged.output), unchanged.output
    assert report(second, cache, app.base_env)["cache_status"] == "reused"
    # Copies, not links: nothing the build does to its files can reach the cache.
    module = site_packages(second) / "alpha" / "__init__.py"
    cached = next((cache / "python" / "env").rglob("alpha/__init__.py"))
    assert module.stat().st_ino != cached.stat().st_ino
    assert module.stat().st_mtime_ns == cached.stat().st_mtime_ns
    assert_same_prefix(second, first)  # the first build is a clean build of these inputs

    app.write({"requirements.txt": "alpha==1.0\nbeta==1.0\n"})
    third, updated = build_ok(app, cache)
    assert updated.output.count(COPYING) == 1, updated.output
    assert reasons(updated.output, UPDATING) == ["requirements.txt: beta==1.0 was added"]
    assert distributions(third)["beta"] == "1.0"
    assert_cache_whole(cache)
    assert_equals_clean(app, third)


def test_cache_on_the_build_filesystem_says_nothing_about_copying(
    app: App, wheelhouse: Path, tmp_path: Path
) -> None:
    build_wheel(wheelhouse, "alpha", "1.0")
    app.write({"requirements.txt": "alpha==1.0\n"})
    _, cold = build_ok(app, tmp_path / "cache")
    second, unchanged = build_ok(app, tmp_path / "cache")
    assert COPYING not in cold.output + unchanged.output
    cached = next((tmp_path / "cache" / "python" / "env").rglob("alpha/__init__.py"))
    assert next(site_packages(second).rglob("alpha/__init__.py")).samefile(cached)


# --- what the restore check trusts (README: "What the cache trusts") ----------------


@pytest.mark.parametrize("where", ["same filesystem", "another filesystem"])
def test_cached_file_changed_keeping_size_and_mtime_is_never_shipped(
    app: App, wheelhouse: Path, tmp_path: Path, request: pytest.FixtureRequest, where: str
) -> None:
    cache = (
        tmp_path / "cache"
        if where == "same filesystem"
        else request.getfixturevalue("cache_elsewhere")
    )
    build_wheel(wheelhouse, "alpha", "1.0", files={"alpha/__init__.py": "A = 1\n"})
    app.write({"requirements.txt": "alpha==1.0\n"})
    build_ok(app, cache)
    cached = next((cache / "python" / "env").rglob("alpha/__init__.py"))
    rel = cached.relative_to(cache / "python" / "env").as_posix()
    tamper_keeping_size_and_mtime(cached)
    # The pristine runtime a rebuild starts from is checked the same way.
    runtime_file = next((cache / "python" / "runtimes").glob("*/lib/python3*/os.py"))
    tamper_keeping_size_and_mtime(runtime_file)

    checked, result = build_ok(app, cache)
    why = f"a file in the cached environment changed since it was saved: {rel}"
    found = reasons(result.output, DISCARDING)
    assert f"{why} has different content than when it was saved" in found
    # On one filesystem the runtime's files are hard links in env/: os.py counts twice.
    assert len(found) == (2 if where == "same filesystem" else 1), found
    assert report(checked, cache, app.base_env)["cache_status"] == "discarded"
    assert RUNTIME_CHANGED in result.output
    assert (site_packages(checked) / "alpha" / "__init__.py").read_text() == "A = 1\n"
    assert_cache_whole(cache)
    assert_equals_clean(app, checked)

    again, result = build_ok(app, cache)
    assert report(again, cache, app.base_env)["cache_status"] == "reused", result.output

    # With the content check every file is read on every build: still reused.
    app.config["PYTHON_BUILD_CACHE_VERIFY"] = "content"
    checked_again, result = build_ok(app, cache)
    assert report(checked_again, cache, app.base_env)["cache_status"] == "reused", result.output

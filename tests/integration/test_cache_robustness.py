"""The cache under stress: builds killed at any moment, a damaged CACHE_DIR, two
builds at once, the cache switched off, bad requirement files, hooks writing into
installed files. Whatever happens, the next build equals a clean build and the
cache is whole or absent, never half."""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pytest

from python_buildpack.cache import FORMAT
from support.buildpack import App, distributions, site_packages
from support.built_apps import BuiltApp, build_once
from support.cache_checks import (
    DISCARDING,
    RESTORING,
    UPDATING,
    RunningBuild,
    append,
    assert_cache_whole,
    assert_equals_clean,
    assert_same_prefix,
    build_ok,
    holding_cache_lock,
    reasons,
    report,
    start_build,
    status_after_kill,
)
from support.filesystems import same_filesystem
from support.wheels import build_wheel

# On one pytest-xdist worker (`--dist loadgroup`): the session's first builds below,
# and the clean builds the tests compare with, are then made once, not on both.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("robustness")]


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


@pytest.fixture
def major_minor(runtime_mirror: tuple[Path, str]) -> str:
    return ".".join(runtime_mirror[1].split(".")[:2])


def simple_app(app: App, wheelhouse: Path) -> None:
    build_wheel(wheelhouse, "alpha", "1.0", requires=["beta==1.0"])
    build_wheel(wheelhouse, "beta", "1.0")
    app.write(
        {
            "requirements.txt": "-r requirements/base.txt\n",
            "requirements/base.txt": "alpha==1.0\nbeta==1.0\n",
        }
    )


def big_wheel(wheelhouse: Path, files: int = 1500) -> None:
    """A package with many files: slow enough to install and to save that a kill
    lands inside those steps."""
    contents = {f"bigpkg/m{i}.py": f"VALUE = {i}\n" for i in range(files)}
    contents["bigpkg/__init__.py"] = ""
    build_wheel(wheelhouse, "bigpkg", "1.0", files=contents)


def simple_app_and_big_wheel(app: App, wheelhouse: Path) -> None:
    simple_app(app, wheelhouse)
    big_wheel(wheelhouse)


# The first build of most tests here: made once per session, each test takes a copy
# of its source and CACHE_DIR (support/built_apps.py).


@pytest.fixture(scope="session")
def simple(tmp_path_factory: pytest.TempPathFactory, runtime_mirror: tuple[Path, str]) -> BuiltApp:
    return build_once(tmp_path_factory.mktemp("simple-app"), runtime_mirror, simple_app)


@pytest.fixture(scope="session")
def simple_big(
    tmp_path_factory: pytest.TempPathFactory, runtime_mirror: tuple[Path, str]
) -> BuiltApp:
    """The simple app, with a big package in its wheelhouse for later builds."""
    workdir = tmp_path_factory.mktemp("simple-app-big-wheel")
    return build_once(workdir, runtime_mirror, simple_app_and_big_wheel)


# --- killed builds ---------------------------------------------------------------


def _staging(cache: Path) -> list[Path]:
    root = cache / "python"
    return list(root.glob(".staging-*")) if root.is_dir() else []


@dataclass(frozen=True)
class KillPoint:
    """When to kill the second build, and how to tell afterwards that the kill landed
    there: a log line that must not have been printed yet, and whether the old
    manifest must still be in place (it is removed only while the new env is moved
    in)."""

    reached: Callable[[Path, Callable[[], str]], bool]
    not_yet: str | None
    old_manifest_kept: bool = True
    # Only an unpinned line makes pip's dry run part of the update.
    unpinned: bool = False
    # Built on a disk, not a tmpfs: the point lasts as long as an fsync, which a
    # tmpfs returns from at once (polling every millisecond then missed it five
    # times running).
    on_disk: bool = False


def _in_log(text: str) -> Callable[[Path, Callable[[], str]], bool]:
    return lambda cache, output: text in output()


KILL_POINTS: dict[str, KillPoint] = {
    # The restore happens first, then the log says why the environment is updated.
    "right-after-restore": KillPoint(
        _in_log("Updating the cached environment since:"), not_yet="Running 'pip"
    ),
    "while-resolving": KillPoint(
        _in_log("--dry-run --ignore-installed'"),
        not_yet="Installing dependencies using pip",
        unpinned=True,
    ),
    "when-pip-starts": KillPoint(
        _in_log("Running 'pip install"), not_yet="Installing collected packages"
    ),
    "while-pip-installs": KillPoint(
        _in_log("Installing collected packages"), not_yet="Successfully installed"
    ),
    "after-pip-installed": KillPoint(
        _in_log("Successfully installed"), not_yet="-----> Saving cache"
    ),
    "on-saving": KillPoint(_in_log("-----> Saving cache"), not_yet=None),
    "while-staging": KillPoint(lambda cache, output: bool(_staging(cache)), not_yet=None),
    "with-new-env-staged": KillPoint(
        lambda cache, output: any((s / "env").is_dir() for s in _staging(cache)), not_yet=None
    ),
    "old-env-moved-aside": KillPoint(
        lambda cache, output: any((s / "old").exists() for s in _staging(cache)),
        not_yet=None,
        old_manifest_kept=False,
    ),
    "manifest-gone": KillPoint(
        lambda cache, output: (
            "Saving cache" in output() and not (cache / "python" / "manifest.json").exists()
        ),
        not_yet=None,
        old_manifest_kept=False,
        on_disk=True,
    ),
}


def _output(running: RunningBuild) -> str:
    return running.output


@pytest.fixture
def disk_dir(tmp_path: Path) -> Iterator[Callable[[], Path]]:
    """A directory on the temp dir's filesystem when tmp_path is in memory
    (support/filesystems.py), removed after the test; else tmp_path."""
    with contextlib.ExitStack() as made:

        def make() -> Path:
            disk = tempfile.gettempdir()
            if same_filesystem(disk, tmp_path):
                return tmp_path
            scratch = tempfile.TemporaryDirectory(
                dir=disk, prefix="buildpack-kill-test-", ignore_cleanup_errors=True
            )
            return Path(made.enter_context(scratch))

        yield make


def _kill_at(app: App, cache: Path, kill_point: KillPoint, attempts: int = 5) -> RunningBuild:
    """Start the build and kill it at the point. The points inside the save last
    microseconds (a few renames), and polling can miss them: a build that ran past
    the point to a good end is tried again on the cache as it was before it."""
    before = cache.with_name(cache.name + "-before")
    shutil.copytree(cache, before, symlinks=True)
    for _ in range(attempts):
        running = start_build(app, cache)
        if running.kill_when(partial(kill_point.reached, cache, partial(_output, running))):
            return running
        assert running.proc.returncode == 0, running.output
        shutil.rmtree(cache)
        shutil.copytree(before, cache, symlinks=True)
    raise AssertionError(f"{attempts} builds ran past the kill point to the end:\n{running.output}")


@pytest.mark.parametrize("point", sorted(KILL_POINTS))
def test_build_killed_leaves_a_whole_cache_and_the_next_build_equals_clean(
    simple_big: BuiltApp, tmp_path: Path, disk_dir: Callable[[], Path], point: str
) -> None:
    kill_point = KILL_POINTS[point]
    app, cache = simple_big.copy(disk_dir() if kill_point.on_disk else tmp_path)
    manifest = cache / "python" / "manifest.json"
    old_manifest = manifest.read_bytes()

    bigpkg = "bigpkg>=1.0" if kill_point.unpinned else "bigpkg==1.0"
    app.write({"requirements/base.txt": f"alpha==1.0\nbeta==1.0\n{bigpkg}\n"})
    running = _kill_at(app, cache, kill_point)
    running.assert_killed()
    # Killed at the point, not later: the next step had not begun.
    if kill_point.not_yet is not None:
        assert kill_point.not_yet not in running.output, running.output
    if kill_point.old_manifest_kept:
        assert manifest.read_bytes() == old_manifest
    else:
        # Past this point the save takes renames only: the kill may come after the
        # new manifest is in place, but never leaves the old one over a moved env.
        assert not manifest.exists() or manifest.read_bytes() != old_manifest
    assert_cache_whole(cache)
    saved_before_kill = manifest.exists() and manifest.read_bytes() != old_manifest
    status, why = status_after_kill(cache, inputs_changed=not saved_before_kill)

    third, result = build_ok(app, cache)
    assert distributions(third)["bigpkg"] == "1.0"
    data = report(third, cache, app.base_env)
    assert data["cache_status"] == status
    if status == "discarded":
        assert reasons(result.output, DISCARDING) == why
        assert data["cache_discard_reasons"] == why
    elif status == "updated":
        assert reasons(result.output, UPDATING) == [f"requirements/base.txt: {bigpkg} was added"]
    assert_cache_whole(cache)
    assert not list((cache / "python").glob(".staging-*"))
    simple_big.assert_equals_clean(app, third)


def test_build_killed_right_after_restoring_an_unchanged_environment_keeps_the_cache(
    app: App, wheelhouse: Path, cache: Path, tmp_path: Path
) -> None:
    simple_app(app, wheelhouse)
    # A hook that waits while the test wants it to: the kill then lands after the
    # restore for certain, before the build could end of its own accord.
    hold = tmp_path / "hold-the-build"
    app.write(
        {"bin/post_compile": f"#!/usr/bin/env bash\nwhile [ -e '{hold}' ]; do sleep 0.1; done\n"}
    )
    build_ok(app, cache)
    manifest = (cache / "python" / "manifest.json").read_bytes()

    hold.touch()
    running = start_build(app, cache)
    killed = running.kill_when(lambda: bool(RESTORING.search(running.output)), timeout=120)
    hold.unlink()
    assert killed, f"the build ended before the restore:\n{running.output}"
    running.assert_killed()
    assert (cache / "python" / "manifest.json").read_bytes() == manifest
    assert_cache_whole(cache)
    assert status_after_kill(cache, inputs_changed=False) == ("reused", [])

    third, result = build_ok(app, cache)
    assert RESTORING.search(result.output), result.output
    data = report(third, cache, app.base_env)
    assert data["cache_status"] == "reused"
    assert data["commands"] == [str(third / "bin" / "post_compile")]  # no installer
    assert_equals_clean(app, third)


@pytest.mark.parametrize("delay", [0.5, 2.0])
def test_first_build_killed_after_a_delay_then_a_build_equals_clean(
    simple_big: BuiltApp, tmp_path: Path, delay: float
) -> None:
    app, _ = simple_big.copy(tmp_path)
    cache = tmp_path / "empty-cache"
    app.write({"requirements/base.txt": "alpha==1.0\nbeta==1.0\nbigpkg==1.0\n"})
    running = start_build(app, cache)
    started = time.monotonic()
    killed = running.kill_when(lambda: time.monotonic() - started > delay)
    assert killed, f"the build ended before {delay} s:\n{running.output}"
    running.assert_killed()
    assert_cache_whole(cache)
    status, why = status_after_kill(cache, inputs_changed=False)

    second, _ = build_ok(app, cache)
    data = report(second, cache, app.base_env)
    assert (data["cache_status"], data["cache_discard_reasons"]) == (status, why)
    assert_cache_whole(cache)
    simple_big.assert_equals_clean(app, second)


# --- a damaged CACHE_DIR -----------------------------------------------------------


def _future_format(text: str) -> str:
    data = json.loads(text)
    data["format"] = 99
    return json.dumps(data)


MANIFEST_DAMAGE: dict[str, tuple[Callable[[str], str | bytes], str]] = {
    "garbage-bytes": (lambda text: b"\x00\xff\xfe garbage \x80", "the cache manifest"),
    "truncated-json": (lambda text: text[: len(text) // 2], "the cache manifest is corrupt"),
    "empty-file": (lambda text: "", "the cache manifest is corrupt"),
    "json-list": (lambda text: "[1, 2, 3]", "the cache manifest is corrupt"),
    "missing-keys": (lambda text: json.dumps({"format": FORMAT}), "the cache manifest is corrupt"),
    "future-format": (_future_format, "the cache was written by a newer buildpack (format 99)"),
}


@pytest.mark.parametrize("damage", sorted(MANIFEST_DAMAGE))
def test_corrupt_manifest_is_discarded_with_a_reason(
    simple: BuiltApp, tmp_path: Path, damage: str
) -> None:
    app, cache = simple.copy(tmp_path)
    manifest = cache / "python" / "manifest.json"
    change, expected = MANIFEST_DAMAGE[damage]
    new = change(manifest.read_text(encoding="utf-8"))
    if isinstance(new, bytes):
        manifest.write_bytes(new)
    else:
        manifest.write_text(new, encoding="utf-8")

    second, result = build_ok(app, cache)

    why = reasons(result.output, DISCARDING)
    assert len(why) == 1 and why[0].startswith(expected), why
    data = report(second, cache, app.base_env)
    assert data["cache_status"] == "discarded"
    assert data["cache_discard_reasons"] == why
    assert_cache_whole(cache)
    simple.assert_equals_clean(app, second)


def test_manifest_replaced_by_a_directory_is_discarded_not_a_crash(
    simple: BuiltApp, tmp_path: Path
) -> None:
    app, cache = simple.copy(tmp_path)
    manifest = cache / "python" / "manifest.json"
    manifest.unlink()
    manifest.mkdir()

    second, result = build_ok(app, cache)
    why = reasons(result.output, DISCARDING)
    assert len(why) == 1 and why[0].startswith("the cache manifest could not be read ("), why
    data = report(second, cache, app.base_env)
    assert (data["cache_status"], data["cache_discard_reasons"]) == ("discarded", why)
    simple.assert_equals_clean(app, second)


def _env_site(cache: Path, major_minor: str) -> Path:
    return cache / "python" / "env" / "lib" / f"python{major_minor}" / "site-packages"


ENV_DAMAGE: dict[str, tuple[Callable[[Path], None], str]] = {
    "module-appended": (
        lambda site: append(site / "alpha" / "__init__.py", "BROKEN = True\n"),
        "alpha/__init__.py has different content than when it was saved",
    ),
    "module-rewritten-same-size": (
        lambda site: (site / "alpha" / "__init__.py").write_text(
            (site / "alpha" / "__init__.py").read_text().replace("1", "9")
        ),
        "alpha/__init__.py has different content than when it was saved",
    ),
    "module-removed": (
        lambda site: (site / "beta" / "__init__.py").unlink(),
        "beta/__init__.py was removed",
    ),
    "file-added": (
        lambda site: (site / "alpha" / "stray.py").write_text("STRAY = 1\n"),
        "alpha/stray.py was added",
    ),
    "stdlib-edited": (
        lambda site: append(site.parent / "textwrap.py", "# edited\n"),
        "textwrap.py has different content than when it was saved",
    ),
}


@pytest.mark.parametrize("damage", sorted(ENV_DAMAGE))
def test_file_changed_inside_the_cached_environment_discards_it(
    simple: BuiltApp, tmp_path: Path, major_minor: str, damage: str
) -> None:
    app, cache = simple.copy(tmp_path)
    change, expected = ENV_DAMAGE[damage]
    change(_env_site(cache, major_minor))

    second, result = build_ok(app, cache)

    why = reasons(result.output, DISCARDING)
    assert any(
        r.startswith("a file in the cached environment changed since it was saved: ")
        and r.endswith(expected)
        for r in why
    ), why
    assert report(second, cache, app.base_env)["cache_status"] == "discarded"
    assert_cache_whole(cache)
    simple.assert_equals_clean(app, second)


# --- two builds at once ---------------------------------------------------------------


def test_two_concurrent_builds_on_one_cache_both_succeed_and_leave_it_valid(
    app: App, wheelhouse: Path, cache: Path, tmp_path: Path
) -> None:
    simple_app(app, wheelhouse)
    big_wheel(wheelhouse, files=400)
    app.write({"requirements/base.txt": "alpha==1.0\nbeta==1.0\nbigpkg==1.0\n"})
    build_ok(app, cache)
    app.write({"requirements/base.txt": "alpha==1.0\nbeta==1.0\n"})

    first = start_build(app, cache, extra_env={"BUILDPACK_APP_DIR": str(tmp_path / "app-a")})
    second = start_build(app, cache, extra_env={"BUILDPACK_APP_DIR": str(tmp_path / "app-b")})
    results = [first.wait(), second.wait()]
    for result in results:
        assert result.returncode == 0, str(result)
        assert "Traceback" not in result.output
    assert_cache_whole(cache)
    for running in (first, second):
        assert "bigpkg" not in distributions(running.build_dir)

    # Each build saved its environment in turn, for its own BUILDPACK_APP_DIR; a
    # third build in yet another app dir cannot use it (shebangs name the app dir).
    third, result = build_ok(app, cache)
    data = report(third, cache, app.base_env)
    assert data["cache_status"] == "discarded"
    (why,) = reasons(result.output, DISCARDING)
    assert why.startswith("The app directory (BUILDPACK_APP_DIR) changed from ")
    assert why.endswith(f" to {app.base_env['BUILDPACK_APP_DIR']}")
    assert data["cache_discard_reasons"] == [why]
    assert_cache_whole(cache)
    assert_equals_clean(app, third)


def test_a_build_waits_for_another_build_holding_the_cache(
    simple: BuiltApp, tmp_path: Path
) -> None:
    app, cache = simple.copy(tmp_path)
    manifest = (cache / "python" / "manifest.json").read_bytes()
    with holding_cache_lock(cache):
        running = start_build(app, cache)
        waited = _wait_for(lambda: "Waiting for another build" in running.output, running)
        # While the other build holds the lock, nothing of the cache is touched.
        assert (cache / "python" / "manifest.json").read_bytes() == manifest
        assert_cache_whole(cache)
    result = running.wait()
    assert waited, running.output
    assert result.returncode == 0, str(result)
    assert report(running.build_dir, cache, app.base_env)["cache_status"] == "reused"
    simple.assert_equals_clean(app, running.build_dir)


def test_a_build_with_the_cache_off_leaves_a_cache_in_use_alone(
    simple: BuiltApp, tmp_path: Path
) -> None:
    app, cache = simple.copy(tmp_path)
    manifest = (cache / "python" / "manifest.json").read_bytes()
    app.config["PYTHON_BUILD_CACHE"] = "off"
    with holding_cache_lock(cache):
        running = start_build(app, cache)
        _wait_for(lambda: "Installing dependencies" in running.output, running, timeout=60)
        # Another build is using the cache: removing it now would pull the
        # environment and the runtime from under that build.
        assert (cache / "python" / "manifest.json").is_file(), "removed under a running build"
        assert (cache / "python" / "manifest.json").read_bytes() == manifest
        assert (cache / "python" / "runtimes").is_dir()
        assert_cache_whole(cache)
    result = running.wait()
    assert result.returncode == 0, str(result)
    assert not (cache / "python" / "manifest.json").exists()


def _wait_for(condition: Callable[[], bool], running: RunningBuild, timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and running.proc.poll() is None:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


# --- the cache switched off ---------------------------------------------------------------


def test_cache_switched_off_restores_nothing_saves_nothing_and_removes_the_old_one(
    simple: BuiltApp, tmp_path: Path
) -> None:
    app, cache = simple.copy(tmp_path)
    assert (cache / "python" / "manifest.json").is_file()

    app.config["PYTHON_BUILD_CACHE"] = "off"
    second, result = build_ok(app, cache)

    assert "Restoring cache" not in result.output
    assert "Saving cache" not in result.output
    root = cache / "python"
    assert not (root / "manifest.json").exists()
    assert not (root / "env").exists()
    assert not (root / "runtimes").exists()
    assert not (root / "pip").exists()
    data = report(second, cache, app.base_env)
    assert data["cache_status"] == "disabled"
    # Nothing was restored: no installed file shares its inode with another copy.
    linked = [p for p in site_packages(second).rglob("*") if p.is_file() and p.stat().st_nlink > 1]
    assert linked == []
    # What the first build, with the cache on and empty, made of the same app.
    assert_same_prefix(second, simple.build_dir)

    # Failing before the install decides (pip can't read a line) says so too.
    good = (app.source / "requirements.txt").read_text()
    app.write({"requirements.txt": "alpha = 1.0\n"})
    broken, failed = app.build(cache)
    assert failed.returncode == 1, str(failed)
    assert report(broken, cache, app.base_env)["cache_status"] == "disabled"
    app.write({"requirements.txt": good})

    del app.config["PYTHON_BUILD_CACHE"]
    third, _ = build_ok(app, cache)
    assert report(third, cache, app.base_env)["cache_status"] == "empty"


# --- bad requirement files ---------------------------------------------------------------

BAD_FILES: dict[str, tuple[dict[str, str], str]] = {
    "include-cycle": (
        {
            "requirements/base.txt": "alpha==1.0\n-r more.txt\n",
            "requirements/more.txt": "beta==1.0\n-r base.txt\n",
        },
        "requirements/more.txt:2",
    ),
    "missing-include": (
        {"requirements/base.txt": "alpha==1.0\nbeta==1.0\n-r missing.txt\n"},
        "requirements/base.txt:3",
    ),
    "remote-include": (
        {"requirements/base.txt": "alpha==1.0\n-r https://example.com/reqs.txt\n"},
        "requirements/base.txt:2",
    ),
    "invalid-line": (
        {"requirements/base.txt": "alpha==1.0\nbeta>>>1.0\n"},
        "requirements/base.txt:2",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_requirements_file_fails_with_its_line_and_keeps_the_good_cache(
    simple: BuiltApp, tmp_path: Path, case: str
) -> None:
    app, cache = simple.copy(tmp_path)
    good = (app.source / "requirements" / "base.txt").read_text()
    manifest_before = (cache / "python" / "manifest.json").read_bytes()

    files, where = BAD_FILES[case]
    app.write(files)
    bad_dir, bad = app.build(cache)
    assert bad.returncode == 1, str(bad)
    assert "Traceback" not in bad.output
    assert " !     Error: " in bad.output
    assert f"{where}: " in bad.output, bad.output
    assert report(bad_dir, cache, app.base_env)["succeeded"] is False
    assert (cache / "python" / "manifest.json").read_bytes() == manifest_before

    for name in files:
        app.remove(name)
    app.write({"requirements/base.txt": good})
    third, result = build_ok(app, cache)
    assert RESTORING.search(result.output), result.output
    data = report(third, cache, app.base_env)
    assert data["cache_status"] == "reused"
    assert data["commands"] == []
    simple.assert_equals_clean(app, third)


# --- hooks writing into installed files ------------------------------------------------


HOOK_TARGETS = {
    "package-module": "lib/python{mm}/site-packages/alpha/__init__.py",
    "stdlib-module": "lib/python{mm}/textwrap.py",
}


@pytest.mark.parametrize("target", sorted(HOOK_TARGETS))
def test_post_compile_hook_changing_a_file_mode_does_not_poison_the_cache(
    simple: BuiltApp, tmp_path: Path, major_minor: str, target: str
) -> None:
    app, _ = simple.copy(tmp_path)
    cache = tmp_path / "empty-cache"
    path = HOOK_TARGETS[target].format(mm=major_minor)
    app.write({"bin/post_compile": f"#!/usr/bin/env bash\nchmod 600 .heroku/python/{path}\n"})
    hooked, _ = build_ok(app, cache)
    assert (hooked / ".heroku" / "python" / path).stat().st_mode & 0o777 == 0o600

    app.remove("bin/post_compile")
    after, _ = build_ok(app, cache)
    assert (after / ".heroku" / "python" / path).stat().st_mode & 0o777 == 0o644
    simple.assert_equals_clean(app, after)


@pytest.mark.parametrize("target", sorted(HOOK_TARGETS))
@pytest.mark.parametrize("cache_state", ["empty", "reused"])
def test_post_compile_hook_writing_in_place_does_not_poison_the_cache(
    simple: BuiltApp, tmp_path: Path, major_minor: str, target: str, cache_state: str
) -> None:
    app, cache = simple.copy(tmp_path)
    if cache_state == "empty":
        cache = tmp_path / "empty-cache"
    path = HOOK_TARGETS[target].format(mm=major_minor)
    hook = f"#!/usr/bin/env bash\necho '# written by a hook' >> .heroku/python/{path}\n"
    app.write({"bin/post_compile": hook})
    hooked, result = build_ok(app, cache)
    assert (hooked / ".heroku" / "python" / path).read_text().endswith("# written by a hook\n")
    assert report(hooked, cache, app.base_env)["cache_status"] == cache_state
    assert "changed installed files in place" in result.output
    assert_cache_whole(cache)

    app.remove("bin/post_compile")
    after, _ = build_ok(app, cache)
    assert "# written by a hook" not in (after / ".heroku" / "python" / path).read_text()
    assert_cache_whole(cache)
    simple.assert_equals_clean(app, after)

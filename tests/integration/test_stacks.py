"""Stacks as an app moving from Heroku's classic buildpack meets them: heroku-26
builds from archives built for Ubuntu 26.04, a stack change rebuilds the
environment, and an end-of-life or unknown stack stops the build with its own
message before anything is written.

The test runtime (packed from the interpreter running the tests) is offered
under the archive name each stack must ask for, written out here: a buildpack
asking for another name finds nothing and fails."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from support.build_log import assert_user_error, error_block
from support.buildpack import App
from support.cache_checks import assert_same_prefix, report
from support.runtime import machine_arch


def mirror_for(runtime_mirror: tuple[Path, str], directory: Path, ubuntu: list[str]) -> str:
    """A runtime mirror offering the test runtime only as built for each `ubuntu`
    release: its archive (and .sha256 sidecar) under that release's name."""
    packed, version = runtime_mirror
    archive = next(packed.glob(f"python-{version}-ubuntu-*-{machine_arch()}.tar.zst"))
    directory.mkdir()
    for release in ubuntu:
        name = f"python-{version}-ubuntu-{release}-{machine_arch()}.tar.zst"
        os.symlink(archive, directory / name)
        os.symlink(f"{archive}.sha256", directory / f"{name}.sha256")
    return directory.as_uri()


@pytest.mark.slow
def test_app_builds_on_heroku_26_with_the_runtime_built_for_ubuntu_26_04(
    app: App, runtime_mirror: tuple[Path, str], tmp_path: Path
) -> None:
    _, version = runtime_mirror
    app.config["PYTHON_RUNTIME_BASE_URL"] = mirror_for(runtime_mirror, tmp_path / "m", ["26.04"])

    build_dir, result = app.build(tmp_path / "cache", extra_env={"STACK": "heroku-26"})

    assert result.returncode == 0, str(result)
    assert f"-----> Installing Python {version}" in result.output.splitlines()
    assert "No STACK set" not in result.output
    assert (build_dir / ".heroku" / "python" / "bin" / "python3").exists()
    assert report(build_dir, tmp_path / "cache", app.base_env)["stack"] == "heroku-26"


@pytest.mark.slow
def test_app_moved_from_heroku_24_to_heroku_26_and_back_is_rebuilt_each_time(
    app: App, runtime_mirror: tuple[Path, str], tmp_path: Path
) -> None:
    mirror = mirror_for(runtime_mirror, tmp_path / "m", ["24.04", "26.04"])
    app.config["PYTHON_RUNTIME_BASE_URL"] = mirror
    cache = tmp_path / "cache"
    _, first = app.build(cache, extra_env={"STACK": "heroku-24"})
    assert first.returncode == 0, str(first)

    upgraded, second = app.build(cache, extra_env={"STACK": "heroku-26"})
    assert second.returncode == 0, str(second)
    lines = second.output.splitlines()
    assert "-----> Discarding cache since:" in lines
    assert "       - The stack changed from heroku-24 to heroku-26" in lines
    status = report(upgraded, cache, app.base_env)
    assert status["cache_status"] == "discarded"
    clean, _ = app.build(tmp_path / "clean", extra_env={"STACK": "heroku-26"})
    assert_same_prefix(upgraded, clean)

    _, third = app.build(cache, extra_env={"STACK": "heroku-24"})
    assert third.returncode == 0, str(third)
    assert "       - The stack changed from heroku-26 to heroku-24" in third.output.splitlines()


@pytest.mark.parametrize("stack", ["heroku-20", "cedar-14"])
def test_app_on_an_end_of_life_stack_is_refused_before_anything_is_built(
    app: App, tmp_path: Path, stack: str
) -> None:
    build_dir, result = app.build(tmp_path / "cache", extra_env={"STACK": stack})

    assert_user_error(result, f"The '{stack}' stack is no longer supported.")
    message = error_block(result)
    assert "end-of-life" in message
    assert "heroku stack:set heroku-26" in message
    assert not (build_dir / ".heroku").exists()


def test_app_on_an_unknown_stack_is_refused_naming_the_stacks_there_are(
    app: App, tmp_path: Path
) -> None:
    build_dir, result = app.build(tmp_path / "cache", extra_env={"STACK": "heroku-28"})

    assert_user_error(result, "The 'heroku-28' stack isn't recognised.")
    assert "heroku-22, heroku-24 and heroku-26" in error_block(result)
    assert not (build_dir / ".heroku").exists()

"""Two builds on one host: CI runners and build servers run several slug builds at
once, sharing `$BUILDPACK_APP_DIR/.heroku/python` (and sometimes CACHE_DIR). Each
build owns that link while it runs; the other waits, says so, and then succeeds."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from support.buildpack import App, distributions
from support.cache_checks import (
    RunningBuild,
    assert_cache_whole,
    assert_equals_clean,
    start_build,
)
from support.wheels import build_wheel

pytestmark = pytest.mark.slow

WAITING = "Waiting for another build using {} to finish"


def other_app(app: App, tmp_path: Path) -> App:
    """A second app on the same host: its own source, the same BUILDPACK_APP_DIR."""
    source = tmp_path / "other" / "src"
    source.mkdir(parents=True)
    other = App(source=source, workdir=tmp_path / "other", base_env=app.base_env)
    other.config.update(app.config)
    other.write({".python-version": (app.source / ".python-version").read_text()})
    return other


def _wait_for(text: str, running: RunningBuild, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while text not in running.output:
        assert running.proc.poll() is None, f"ended before '{text}':\n{running.output}"
        assert time.monotonic() < deadline, f"no '{text}' in time:\n{running.output}"
        time.sleep(0.05)


@pytest.mark.parametrize("caches", ["one cache", "two caches"])
def test_two_builds_sharing_an_app_dir_both_succeed_one_after_the_other(
    app: App, wheelhouse: Path, tmp_path: Path, caches: str
) -> None:
    # The first build holds the app dir in its pre_compile hook (the first step that
    # runs with it) until the second build says it waits: the two overlap for certain.
    hold = tmp_path / "hold-the-first-build"
    build_wheel(wheelhouse, "alpha", "1.0", entry_points={"alpha": "alpha:main"})
    build_wheel(wheelhouse, "beta", "1.0")
    app.write(
        {
            "requirements.txt": "alpha==1.0\n",
            "bin/pre_compile": f"#!/usr/bin/env bash\nwhile [ -e '{hold}' ]; do sleep 0.1; done\n",
        }
    )
    other = other_app(app, tmp_path)
    other.write({"requirements.txt": "beta==1.0\n"})
    first_cache = tmp_path / "cache-a"
    second_cache = first_cache if caches == "one cache" else tmp_path / "cache-b"
    waiting = WAITING.format(Path(app.base_env["BUILDPACK_APP_DIR"]) / ".heroku" / "python")

    hold.touch()
    first = start_build(app, first_cache)
    try:
        _wait_for("-----> Running bin/pre_compile hook", first)
        second = start_build(other, second_cache)
        _wait_for(waiting, second)
    finally:
        hold.unlink()
    results = [first.wait(), second.wait()]

    for result in results:
        assert result.returncode == 0, str(result)
        assert "Traceback" not in result.output, str(result)
    assert waiting not in results[0].output, results[0].output
    assert set(distributions(first.build_dir)) == {"alpha", "pip"}
    assert set(distributions(second.build_dir)) == {"beta", "pip"}
    for cache in {first_cache, second_cache}:
        assert_cache_whole(cache)
    assert_equals_clean(app, first.build_dir)
    assert_equals_clean(other, second.build_dir)

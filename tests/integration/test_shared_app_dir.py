"""Two builds on one host: CI runners and build servers run several slug builds at
once, sharing `$BUILDPACK_APP_DIR/.heroku/python` (and sometimes CACHE_DIR). Each
build owns that link while it runs; the other waits, says so, and then succeeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.buildpack import App, distributions
from support.cache_checks import assert_cache_whole, assert_equals_clean, start_build
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


@pytest.mark.parametrize("caches", ["one cache", "two caches"])
def test_two_builds_sharing_an_app_dir_both_succeed_one_after_the_other(
    app: App, wheelhouse: Path, tmp_path: Path, caches: str
) -> None:
    # Many files: installing takes long enough that the second build starts while
    # the first is installing through the shared link.
    big = {f"bigpkg/m{i}.py": f"VALUE = {i}\n" for i in range(600)}
    build_wheel(wheelhouse, "bigpkg", "1.0", files={"bigpkg/__init__.py": "", **big})
    build_wheel(wheelhouse, "alpha", "1.0", entry_points={"alpha": "alpha:main"})
    build_wheel(wheelhouse, "beta", "1.0")
    app.write({"requirements.txt": "bigpkg==1.0\nalpha==1.0\n"})
    other = other_app(app, tmp_path)
    other.write({"requirements.txt": "beta==1.0\n"})
    first_cache = tmp_path / "cache-a"
    second_cache = first_cache if caches == "one cache" else tmp_path / "cache-b"

    first = start_build(app, first_cache)
    second = start_build(other, second_cache)
    results = [first.wait(), second.wait()]

    for result in results:
        assert result.returncode == 0, str(result)
        assert "Traceback" not in result.output, str(result)
    waiting = WAITING.format(Path(app.base_env["BUILDPACK_APP_DIR"]) / ".heroku" / "python")
    assert [waiting in r.output for r in results].count(True) == 1, [r.output for r in results]
    assert set(distributions(first.build_dir)) == {"bigpkg", "alpha", "pip"}
    assert set(distributions(second.build_dir)) == {"beta", "pip"}
    for cache in {first_cache, second_cache}:
        assert_cache_whole(cache)
    assert_equals_clean(app, first.build_dir)
    assert_equals_clean(other, second.build_dir)

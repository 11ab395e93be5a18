"""Packages outside the app: CI slug builds and local builds install a wheel an
earlier step built (`pkg @ file:///ci/dist/pkg.whl`, `/ci/dist/pkg.whl`), as pip
does. The cache knows it by content; a path that is not there is a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.build_log import assert_user_error, error_block
from support.buildpack import App, distributions, site_packages
from support.cache_checks import (
    UPDATING,
    assert_cache_whole,
    assert_equals_clean,
    build_ok,
    reasons,
    report,
)
from support.wheels import build_wheel

pytestmark = pytest.mark.slow


def ci_wheel(tmp_path: Path, value: str) -> Path:
    """A wheel built by an earlier CI step, outside the app, always at one path."""
    files = {"cipkg/__init__.py": f"VALUE = {value!r}\n"}
    return build_wheel(tmp_path / "ci" / "dist", "cipkg", "1.0", files=files)


@pytest.mark.parametrize("form", ["cipkg @ {uri}", "{path}"])
def test_wheel_outside_the_app_installs_and_a_rebuilt_one_updates_the_cache(
    app: App, tmp_path: Path, form: str
) -> None:
    wheel = ci_wheel(tmp_path, "first")
    app.write({"requirements.txt": form.format(uri=wheel.as_uri(), path=wheel) + "\n"})
    cache = tmp_path / "cache"
    first, _ = build_ok(app, cache)
    assert distributions(first)["cipkg"] == "1.0"
    assert "first" in (site_packages(first) / "cipkg" / "__init__.py").read_text()

    ci_wheel(tmp_path, "second")  # the next CI run: new content, same path and version
    second, result = build_ok(app, cache)
    assert reasons(result.output, UPDATING) == [f"{wheel}: the local file or directory changed"]
    assert "second" in (site_packages(second) / "cipkg" / "__init__.py").read_text()
    assert report(second, cache, app.base_env)["cache_status"] == "updated"
    assert_cache_whole(cache)
    assert_equals_clean(app, second)


def test_missing_path_outside_the_app_is_a_clear_error_and_keeps_the_cache(
    app: App, wheelhouse: Path, tmp_path: Path
) -> None:
    build_wheel(wheelhouse, "alpha", "1.0")
    app.write({"requirements.txt": "alpha==1.0\n"})
    cache = tmp_path / "cache"
    build_ok(app, cache)
    manifest = (cache / "python" / "manifest.json").read_bytes()

    missing = tmp_path / "ci" / "dist" / "cipkg-1.0-py3-none-any.whl"
    app.write({"requirements.txt": f"alpha==1.0\ncipkg @ {missing.as_uri()}\n"})
    _, failed = app.build(cache)
    assert_user_error(
        failed, "requirements.txt installs from a path outside the app that does not exist."
    )
    message = " ".join(error_block(failed).split())
    assert f"requirements.txt:2: cipkg @ {missing.as_uri()}" in message
    assert "does not exist on the build machine during the build" in message
    assert (cache / "python" / "manifest.json").read_bytes() == manifest

    app.write({"requirements.txt": "alpha==1.0\n"})
    again, _ = build_ok(app, cache)
    assert report(again, cache, app.base_env)["cache_status"] == "reused"

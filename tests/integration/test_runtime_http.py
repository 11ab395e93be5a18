"""Python comes from PYTHON_RUNTIME_BASE_URL over HTTP, as from Heroku's bucket or a
mirror: here a local http.server serving the packed runtime."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from support.build_log import assert_user_error, error_block
from support.buildpack import App, distributions
from support.runtime import machine_arch
from support.served import serve_directory

NO_PROXY = {"NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}


@pytest.fixture
def runtime_server(runtime_mirror: tuple[Path, str]) -> Iterator[tuple[str, list[str]]]:
    mirror, _ = runtime_mirror
    requested: list[str] = []
    with serve_directory(mirror, requested=requested) as url:
        yield url, requested


@pytest.mark.slow
def test_python_is_downloaded_from_an_http_mirror(
    app: App, runtime_server: tuple[str, list[str]], runtime_mirror: tuple[Path, str]
) -> None:
    url, requested = runtime_server
    mirror, version = runtime_mirror
    (archive,) = mirror.glob("*.tar.zst")
    build_dir, result = app.build(
        app.workdir / "cache", extra_env={"PYTHON_RUNTIME_BASE_URL": url, **NO_PROXY}
    )
    assert result.returncode == 0, str(result)
    assert f"-----> Installing Python {version}" in result.output.splitlines()
    # The archive and its checksum came over HTTP.
    assert f"/{archive.name}" in requested
    assert f"/{archive.name}.sha256" in requested
    assert (build_dir / ".heroku" / "python" / "bin" / "python3").is_file()
    assert "pip" in distributions(build_dir)


@pytest.mark.slow
def test_python_version_missing_from_the_http_mirror_is_not_available(
    app: App, runtime_server: tuple[str, list[str]], runtime_mirror: tuple[Path, str]
) -> None:
    url, requested = runtime_server
    _, version = runtime_mirror
    missing = ".".join(version.split(".")[:2]) + ".99"
    app.write({".python-version": f"{missing}\n"})
    build_dir, result = app.build(
        app.workdir / "cache", extra_env={"PYTHON_RUNTIME_BASE_URL": url, **NO_PROXY}
    )
    assert_user_error(
        result, f"Python {missing} isn't available for this stack (heroku-24, {machine_arch()})."
    )
    message = error_block(result)
    assert f"{url}/python-{missing}-ubuntu-24.04-{machine_arch()}.tar.zst" in message
    assert ".python-version" in message
    assert f"/python-{missing}-ubuntu-24.04-{machine_arch()}.tar.zst" in requested
    assert not (build_dir / ".heroku" / "python" / "bin").exists()

"""The buildpack as operators get it: a packaged release, or a bare checkout."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from support.buildpack import ROOT, App
from support.cache_checks import assert_same_prefix
from support.wheels import build_wheel


def _build_with(
    buildpack: Path, app: App, cache: Path, name: str | None = None
) -> subprocess.CompletedProcess[str]:
    build_dir = app.workdir / (name or f"build-{buildpack.name}")
    app.builds += 1  # a new ENV_DIR for each
    shutil.copytree(app.source, build_dir)
    return subprocess.run(
        [str(buildpack / "bin" / "compile"), str(build_dir), str(cache), str(app.env_dir())],
        env=app.base_env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


def _release(tmp_path: Path) -> Path:
    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "package.py"), "--out", str(tmp_path / "dist")],
        check=True,
        capture_output=True,
    )
    (tarball,) = (tmp_path / "dist").glob("python-buildpack-*.tgz")
    release = tmp_path / "release"
    with tarfile.open(tarball) as tar:
        tar.extractall(release, filter="data")
    return release


@pytest.mark.slow
def test_packaged_release_builds_an_app_offline(app: App, wheelhouse: Path, tmp_path: Path) -> None:
    build_wheel(wheelhouse, "alpha", "1.0")
    app.write({"requirements.txt": "alpha==1.0\n"})
    release = _release(tmp_path)
    assert (release / "vendor" / "wheels").is_dir()
    assert not (release / "tests").exists()

    result = _build_with(release, app, tmp_path / "cache")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Fetching the buildpack's own dependencies" not in result.stdout
    assert "Successfully installed alpha-1.0" in result.stdout


@pytest.mark.network
@pytest.mark.slow
def test_checkout_without_vendor_fetches_its_pinned_dependencies(
    app: App, wheelhouse: Path, tmp_path: Path
) -> None:
    build_wheel(wheelhouse, "alpha", "1.0")
    app.write({"requirements.txt": "alpha==1.0\n"})
    checkout = tmp_path / "checkout"
    for name in ("bin", "lib", "requirements"):
        shutil.copytree(ROOT / name, checkout / name, ignore=shutil.ignore_patterns("__pycache__"))
    cache = tmp_path / "cache"

    result = _build_with(checkout, app, cache)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Fetching the buildpack's own dependencies" in result.stdout
    assert (cache / "python" / "vendor" / "packaging").is_dir()
    assert list((cache / "python" / "wheels").glob("pip-*.whl"))


@pytest.mark.slow
def test_pip_run_from_its_unpacked_copy_installs_what_the_wheel_installs(
    app: App, wheelhouse: Path, tmp_path: Path
) -> None:
    """The bundled pip runs from a copy unpacked into the buildpack's directory
    (managers/pip/tool.py), or from its wheel where that can't be written: the
    same prefix either way, and the copy keeps the bytecode of its first run."""
    build_wheel(wheelhouse, "alpha", "1.0")
    app.write({"requirements.txt": "alpha==1.0\n"})
    release = _release(tmp_path)
    blocker = release / ".cache"
    blocker.write_text("a file where the directory would go: no copy, the wheel runs\n")
    from_wheel = _build_with(release, app, tmp_path / "cache-1", "from-wheel")
    assert from_wheel.returncode == 0, from_wheel.stdout + from_wheel.stderr
    blocker.unlink()

    from_copy = _build_with(release, app, tmp_path / "cache-2", "from-copy")

    assert from_copy.returncode == 0, from_copy.stdout + from_copy.stderr
    assert from_copy.stdout == from_wheel.stdout.replace("cache-1", "cache-2")
    (copy,) = (release / ".cache" / "bootstrap").iterdir()
    assert copy.name.startswith("pip-") and list((copy / "pip").glob("__pycache__/*.pyc"))
    assert_same_prefix(app.workdir / "from-copy", app.workdir / "from-wheel")

"""The build depends on the app's source and config vars, not on the build machine's
own pip and Python settings; pip runs from BUILD_DIR, as on the developer's machine."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.buildpack import App, distributions
from support.dyno import boot, move_slug_to_app_dir
from support.wheels import build_wheel


@pytest.mark.slow
def test_build_ignores_the_build_machines_pip_and_python_settings(
    app: App, wheelhouse: Path, tmp_path: Path
) -> None:
    build_wheel(wheelhouse, "alpha", "1.0", requires=["beta"])
    build_wheel(wheelhouse, "beta", "2.0")
    app.write({"requirements.txt": "alpha==1.0\n"})

    # A decoy wheelhouse with newer versions: picked if the machine's settings leaked.
    decoy = tmp_path / "decoy"
    build_wheel(decoy, "alpha", "9.0", requires=["beta"])
    build_wheel(decoy, "beta", "9.0")
    pip_conf = tmp_path / "pip.conf"
    pip_conf.write_text(
        "[global]\n"
        "index-url = http://127.0.0.1:9/simple\n"
        "no-index = false\n"
        f"find-links = {decoy}\n"
        "[install]\n"
        "no-deps = true\n"
        "require-virtualenv = true\n"
        "upgrade = true\n",
        encoding="utf-8",
    )
    # Would run inside every Python started with this PYTHONPATH.
    leak = tmp_path / "leak"
    leak.mkdir()
    marker = tmp_path / "pythonpath-leaked"
    (leak / "sitecustomize.py").write_text(
        f"open({str(marker)!r}, 'w').close()\n", encoding="utf-8"
    )
    target = tmp_path / "nope"
    hostile = {
        "PIP_INDEX_URL": "http://127.0.0.1:9/simple",
        "PIP_EXTRA_INDEX_URL": decoy.as_uri(),
        "PIP_REQUIRE_VIRTUALENV": "1",
        "PIP_TARGET": str(target),
        "PIP_NO_DEPS": "1",
        "PIP_CONFIG_FILE": str(pip_conf),
        "PYTHONPATH": f"/nonexistent:{leak}",
        "PYTHONHOME": "/nonexistent",
        "PYTHONSAFEPATH": "1",
    }

    build_dir, result = app.build(app.workdir / "cache", extra_env=hostile)

    assert result.returncode == 0, str(result)
    assert "decoy" not in result.output
    assert "127.0.0.1:9" not in result.output
    installed = distributions(build_dir)
    installed.pop("pip")
    assert installed == {"alpha": "1.0", "beta": "2.0"}
    assert not target.exists()
    assert not marker.exists()

    slug = move_slug_to_app_dir(build_dir, Path(app.base_env["BUILDPACK_APP_DIR"]))
    proc = boot(slug, 'python -c "import alpha, beta; print(alpha.__version__, beta.__version__)"')
    assert (proc.returncode, proc.stdout) == (0, "1.0 2.0\n"), proc.stderr


@pytest.mark.slow
def test_requirement_with_a_relative_wheel_path_installs(app: App, wheelhouse: Path) -> None:
    # The wheel is committed to the app, so it is named from the app's root.
    vendored = app.source / "vendored"
    build_wheel(vendored, "pkg", "1.0", files={"pkg/__init__.py": "WHERE = 'vendored'\n"})
    build_wheel(wheelhouse, "beta", "2.0")
    app.write({"requirements.txt": "./vendored/pkg-1.0-py3-none-any.whl\nbeta==2.0\n"})

    build_dir, result = app.build(app.workdir / "cache")

    assert result.returncode == 0, str(result)
    installed = distributions(build_dir)
    assert installed["pkg"] == "1.0"
    assert installed["beta"] == "2.0"
    slug = move_slug_to_app_dir(build_dir, Path(app.base_env["BUILDPACK_APP_DIR"]))
    proc = boot(slug, 'python -c "import pkg; print(pkg.WHERE)"')
    assert (proc.returncode, proc.stdout) == (0, "vendored\n"), proc.stderr

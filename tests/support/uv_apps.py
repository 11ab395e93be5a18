"""uv apps for the integration tests: test wheels and uv's own pinned wheel on a
local index (127.0.0.1), lockfiles made by uv itself against that index.

uv for locking comes from .cache/test-tools (managers/lockfile/tools.py, as the lockfile
unit tests install it); the build installs its own uv from requirements/uv.txt,
from the same local index (PYTHON_TOOLS_INDEX_URL), with the hashes checked. Only
the first run downloads uv's wheel from PyPI (support/pinned_tools.pinned_wheels).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from python_buildpack import config
from support.buildpack import App
from support.pinned_tools import pinned_tool, pinned_wheels
from support.wheels import build_wheel


def uv_for_locking() -> Path:
    """uv from its pins, in .cache/test-tools (reused while the pins are unchanged)."""
    return pinned_tool("uv")


def uv_wheels() -> list[Path]:
    """uv's pinned wheel for this machine (requirements/uv.txt)."""
    return sorted(pinned_wheels("uv").glob("*.whl"))


def fill_index(directory: Path) -> None:
    """The test wheels, and uv's own for the build's tool install."""
    build_wheel(directory, "alpha", "1.0", requires=["beta>=1"])
    for version in ("1.0", "2.0"):
        build_wheel(directory, "beta", version)
    for name, version in (("gamma", "1.0"), ("winonly", "1.0"), ("devtool", "3.0")):
        build_wheel(directory, name, version)
    for wheel in uv_wheels():
        (directory / wheel.name).symlink_to(wheel)


def pyproject(
    deps: list[str],
    index_url: str,
    *,
    requires_python: str = ">=3.10",
    sources: str = "",
) -> str:
    listed = ", ".join(f'"{d}"' for d in deps)
    return (
        f'[project]\nname = "app"\nversion = "0"\nrequires-python = "{requires_python}"\n'
        f"dependencies = [{listed}]\n\n"
        '[dependency-groups]\ndev = ["devtool"]\n\n'
        f'[[tool.uv.index]]\nname = "local"\nurl = "{index_url}"\ndefault = true\n'
        + (f"\n[tool.uv.sources]\n{sources}" if sources else "")
    )


def lock(uv: Path, app: App, *args: str) -> str:
    """`uv lock` in the app's source, with no config or cache of this machine."""
    home = app.workdir / "uv-home"
    home.mkdir(exist_ok=True)
    env = {
        "PATH": os.environ.get("PATH", os.defpath),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "LANG": "C.UTF-8",
        # Not UV_NO_CONFIG: that also ignores [tool.uv] in pyproject.toml (its index).
        "XDG_CONFIG_DIRS": str(home / "config"),
        "UV_PYTHON": sys.executable,
        "UV_PYTHON_DOWNLOADS": "never",
        "UV_CACHE_DIR": str(home / "cache"),
        # This machine's trust and proxy settings (the network test locks from PyPI).
        **{k: v for k, v in os.environ.items() if k in config.TRUST_AND_PROXY_VARS},
    }
    result = subprocess.run(
        [str(uv), "lock", *args],
        cwd=app.source,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return (app.source / "uv.lock").read_text(encoding="utf-8")


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)

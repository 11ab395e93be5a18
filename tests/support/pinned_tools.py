"""uv, Poetry and Pipenv for the tests' own use (locking test apps, checking a
lockfile as the tool does), installed by the buildpack's own tool installer
(managers/lockfile/tools.py) from requirements/<tool>.txt into .cache/test-tools/,
and reused there while the pins are unchanged; and their pinned wheels, which those
installs and the builds install from, on a local index."""

from __future__ import annotations

import functools
import hashlib
import io
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from python_buildpack import config
from python_buildpack.cache.files import exclusive
from python_buildpack.context import BuildContext, Stack
from python_buildpack.managers.lockfile import tools
from python_buildpack.managers.pip import tool as pip_tool
from python_buildpack.output import Output
from python_buildpack.runner import SubprocessRunner
from support.index_server import serve_index

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "test-tools"


def scratch_env(home: Path) -> dict[str, str]:
    """What every run of a pinned tool by the tests starts from: this Python first on
    PATH, no configuration of this machine, every cache and virtualenv under `home`."""
    return {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', os.defpath)}",
        "HOME": str(home),
        "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "LANG": "C.UTF-8",
        "PIP_CONFIG_FILE": os.devnull,
        "POETRY_CACHE_DIR": str(home / "poetry-cache"),
        "POETRY_VIRTUALENVS_IN_PROJECT": "true",
        "PIPENV_CACHE_DIR": str(home / "pipenv-cache"),
        "PIPENV_VENV_IN_PROJECT": "1",
        "PIPENV_IGNORE_VIRTUALENVS": "1",
        "PIPENV_NOSPIN": "1",
        "PIPENV_VERBOSITY": "-1",
    }


_OWN_VENV = ("PIPENV_VENV_IN_PROJECT", "PIPENV_IGNORE_VIRTUALENVS")


def locking_env(tool: str, env: dict[str, str]) -> dict[str, str]:
    """`env` (from scratch_env) for `<tool> lock`. Pipenv resolves with an empty
    virtualenv of this Python made once (VIRTUAL_ENV) instead of creating one in each
    project (4 s a lock; 1 s so): locking installs nothing into it, and a command that
    installs keeps scratch_env's own virtualenv in the project."""
    if tool != "pipenv":
        return env
    venv = CACHE / f"lock-venv-{hashlib.sha256(sys.executable.encode()).hexdigest()[:16]}"
    if not (venv / "bin" / "python").exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=CACHE, prefix=".lock-venv-"))
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(tmp)], check=True)
        try:
            tmp.rename(venv)
        except OSError:  # another worker was first
            shutil.rmtree(tmp, ignore_errors=True)
    locking = {k: v for k, v in env.items() if k not in _OWN_VENV}
    return {**locking, "VIRTUAL_ENV": str(venv)}


@functools.cache
def pinned_tool(name: str) -> Path:
    """The command of the pinned `name` (uv, poetry, pipenv), run by this Python:
    installed or found once per test process."""
    context = BuildContext(
        build_dir=CACHE,
        cache_dir=CACHE,
        env_dir=None,
        buildpack_dir=ROOT,
        app_dir=CACHE,
        stack=Stack("heroku-24", is_default=True),
        arch="amd64",
        config_vars={},
        host_env=config.host_settings(os.environ),
        output=Output(io.StringIO()),
        runner=SubprocessRunner(),
    )
    version = platform.python_version()
    major_minor = ".".join(version.split(".")[:2])
    # From the wheels the builds install (downloaded once, below), not PyPI again.
    with serve_index(pinned_wheels(name)) as index:
        return tools.install_tool(
            context,
            name,
            python=Path(sys.executable),
            python_version=version,
            pip_wheel=pip_tool.bundled_pip(Path(sys.base_prefix), major_minor),
            index_url=index.url,
        ).executable


def pinned_wheels(name: str) -> Path:
    """The directory of the wheels requirements/<name>.txt pins for this machine,
    downloaded once (the only step that needs PyPI) with their hashes checked, into
    .cache/tool-wheels/<name>-<hash of the pins>/: nothing else is ever in it, so a
    changed pin downloads anew and an old wheel is never found. The builds install
    the tool from a local index of them (PYTHON_TOOLS_INDEX_URL), as an operator with
    a mirror would."""
    pins = ROOT / "requirements" / f"{name}.txt"
    key = hashlib.sha256(pins.read_bytes()).hexdigest()[:16]
    directory = ROOT / ".cache" / "tool-wheels" / f"{name}-{key}"
    if (directory / ".complete").exists():
        return directory
    directory.parent.mkdir(parents=True, exist_ok=True)
    # Both pytest-xdist workers may want the same tool's wheels first: one downloads.
    with exclusive(directory.parent / f".{directory.name}.lock"):
        if (directory / ".complete").exists():
            return directory
        shutil.rmtree(directory, ignore_errors=True)
        argv = [sys.executable, "-m", "pip", "download", "--quiet", "--require-hashes"]
        argv += ["--no-deps", "--only-binary", ":all:", "--dest", str(directory), "-r", str(pins)]
        # No pip setting of this machine but its trust and proxy settings.
        env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
        env.update({k: v for k, v in os.environ.items() if k in config.TRUST_AND_PROXY_VARS})
        env["PIP_CONFIG_FILE"] = os.devnull
        subprocess.run(argv, env=env, check=True, capture_output=True, timeout=600)
        (directory / ".complete").write_text("", encoding="utf-8")
    return directory

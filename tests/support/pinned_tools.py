"""uv, Poetry and Pipenv for the tests' own use (locking test apps, checking a
lockfile as the tool does), installed by the buildpack's own tool installer
(managers/lockfile/tools.py) from requirements/<tool>.txt into .cache/test-tools/, and
reused there while the pins are unchanged."""

from __future__ import annotations

import io
import os
import platform
import sys
from pathlib import Path

from python_buildpack import config
from python_buildpack.context import BuildContext, Stack
from python_buildpack.managers.lockfile import tools
from python_buildpack.managers.pip import tool as pip_tool
from python_buildpack.output import Output
from python_buildpack.runner import SubprocessRunner

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "test-tools"


def pinned_tool(name: str) -> Path:
    """The command of the pinned `name` (uv, poetry, pipenv), run by this Python."""
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
    return tools.install_tool(
        context,
        name,
        python=Path(sys.executable),
        python_version=version,
        pip_wheel=pip_tool.bundled_pip(Path(sys.base_prefix), major_minor),
    ).executable

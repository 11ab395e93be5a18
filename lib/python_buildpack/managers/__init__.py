"""The package managers, behind one interface (base.py): pip (pip/); uv, Poetry and
Pipenv on one lockfile base (lockfile/).

The app's one package manager file (app/checks.py) chooses the manager, as
Heroku's classic buildpack does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..app.checks import manager_file
from ..app.detect import top_level_files
from .base import PackageManager
from .lockfile.pipenv import Pipenv
from .lockfile.poetry import Poetry
from .lockfile.uv import Uv
from .pip.manager import Pip

# The file each manager installs from -> the manager.
BY_FILE: dict[str, type[PackageManager[Any]]] = {
    "requirements.txt": Pip,
    "uv.lock": Uv,
    "poetry.lock": Poetry,
    "Pipfile.lock": Pipenv,
}


def for_app(build_dir: Path) -> type[PackageManager[Any]]:
    """The app's package manager (call after app.checks.check_app); make it with
    `manager(ctx, resolved_python, test=...)`, which reads its files."""
    return BY_FILE[manager_file(top_level_files(build_dir))]

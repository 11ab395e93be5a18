"""The app's package manager: the class of the registry entry whose file the app has."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..app.checks import manager_file
from ..app.detect import top_level_files
from . import registry
from .base import PackageManager
from .lockfile.pipenv import Pipenv
from .lockfile.poetry import Poetry
from .lockfile.uv import Uv
from .pip.manager import Pip

# One class per registry entry (tests/unit/managers/test_registry.py checks it).
CLASSES: tuple[type[PackageManager[Any]], ...] = (Pip, Pipenv, Poetry, Uv)


def for_app(build_dir: Path) -> type[PackageManager[Any]]:
    """The app's package manager (call after app.checks.check_app); make it with
    `manager(ctx, resolved_python, test=...)`, which reads its files."""
    entry = registry.by_file(manager_file(top_level_files(build_dir)))
    (manager,) = (cls for cls in CLASSES if cls.entry is entry)
    return manager

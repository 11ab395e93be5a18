"""The app's package manager: the class of the registry entry whose file the app has.

Only that class's module is imported: a pip app's build does not load the lockfile
managers (nor packaging's markers and tomllib with them), a uv app's not pip's
requirement parser.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from ..app.checks import manager_file
from ..app.detect import top_level_files
from . import registry
from .base import PackageManager

# Where the class of each registry entry is (tests/unit/managers/test_registry.py
# checks that each is the entry's).
CLASSES = {
    "pip": (".pip.manager", "Pip"),
    "pipenv": (".lockfile.pipenv", "Pipenv"),
    "poetry": (".lockfile.poetry", "Poetry"),
    "uv": (".lockfile.uv", "Uv"),
}


def manager_class(entry: registry.ManagerEntry) -> type[PackageManager[Any]]:
    """The class of `entry`, its module imported now."""
    module, name = CLASSES[entry.name]
    cls: type[PackageManager[Any]] = getattr(importlib.import_module(module, __package__), name)
    return cls


def for_app(build_dir: Path) -> type[PackageManager[Any]]:
    """The app's package manager (call after app.checks.check_app); make it with
    `manager(ctx, resolved_python, test=...)`, which reads its files."""
    return manager_class(registry.by_file(manager_file(top_level_files(build_dir))))

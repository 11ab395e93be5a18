"""The package managers, behind one interface (base.py): pip, uv; Poetry and Pipenv
on the same lockfile base (lockfile.py).

The app's one package manager file (app/checks.py) chooses the manager, as
Heroku's classic buildpack does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..app.checks import manager_file
from ..app.detect import top_level_files
from ..errors import MissingLockfile
from .base import PackageManager
from .pip import Pip
from .uv import Uv

# The file each manager installs from -> the manager.
BY_FILE: dict[str, type[PackageManager[Any]]] = {
    "requirements.txt": Pip,
    "uv.lock": Uv,
}
# Not yet here (branch lock-pp): "poetry.lock": Poetry, "Pipfile.lock": Pipenv.


def for_app(build_dir: Path) -> type[PackageManager[Any]]:
    """The app's package manager (call after app.checks.check_app); make it with
    `manager(ctx, resolved_python, test=...)`, which reads its files."""
    chosen = manager_file(top_level_files(build_dir))
    if chosen not in BY_FILE:  # until Poetry and Pipenv are merged
        raise MissingLockfile(chosen, (("pip", "a requirements.txt", "requirements.txt"),))
    return BY_FILE[chosen]

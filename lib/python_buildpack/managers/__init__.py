"""The package managers, behind one interface (base.py). pip today."""

from __future__ import annotations

from typing import Any

from ..context import BuildContext
from ..python_version import ResolvedPythonVersion
from .base import PackageManager
from .pip import Pip


def for_app(ctx: BuildContext, python: ResolvedPythonVersion, *, test: bool) -> PackageManager[Any]:
    """The app's package manager, its files read (a bad file fails the build here,
    before anything is installed)."""
    return Pip(ctx, python, test=test)

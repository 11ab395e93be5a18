"""uv: `uv.lock` with `pyproject.toml`, synced with `uv sync --locked`.

uv decides itself whether uv.lock matches pyproject.toml (`--locked` fails when it
does not), so nothing is guessed here: its words are recognised and turned into the
error that names `uv lock`. An unchanged fingerprint means the last build's locked
sync passed, so a reuse needs no uv process at all.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from ...lockfiles import uv
from ...lockfiles.model import LockedSet, Target
from ...python_version import RequestedPythonVersion
from . import check, tools
from . import commands as specs
from .manager import LockfileManager
from .python import check_requires_python, requested_with_version_file


class Uv(LockfileManager):
    spec: ClassVar[specs.ManagerSpec] = specs.UV
    extra_files: ClassVar[tuple[str, ...]] = ("uv.toml",)

    @classmethod
    def requested_python(cls, build_dir: Path) -> RequestedPythonVersion:
        return requested_with_version_file(build_dir, "uv", "uv python pin 3.13")

    def parse(self, target: Target) -> LockedSet:
        groups = uv.default_groups(self.project_text) if self.test else ()
        return uv.parse_uv_lock(self.lock_text, target, groups)

    def groups(self) -> str:
        if not self.test:
            return "no dependency groups"
        groups = uv.default_groups(self.project_text)
        return "every group" if groups == "all" else "groups " + ", ".join(groups or ["none"])

    def check_python(self) -> None:
        origin = ".python-version"
        check_requires_python(
            self.python, origin, "pyproject.toml", uv.project_requires_python(self.project_text)
        )
        check_requires_python(self.python, origin, "uv.lock", self.locked.requires_python)

    def is_out_of_sync(self, output: str) -> bool:
        return uv.out_of_sync_message(output)

    def after_sync(self) -> None:
        for path in self.site.glob("*.dist-info/uv_cache.json"):
            check.rewrite_recorded(self.site, path, _without_timestamp)

    def sync_argv(self, tool: tools.InstalledTool, reinstall: Sequence[str]) -> list[str]:
        argv = super().sync_argv(tool, reinstall)
        for name in reinstall:
            argv += ["--reinstall-package", name]
        return argv


def _without_timestamp(text: str) -> str:
    """uv writes the install time into `uv_cache.json` of a package built from a
    local path, so two clean builds would differ there; the next sync then sees it
    as stale and installs it again, which a changed path needs anyway."""
    try:
        data = json.loads(text)
    except ValueError:
        return text
    if isinstance(data, dict) and "timestamp" in data:
        data["timestamp"] = {"secs_since_epoch": 0, "nanos_since_epoch": 0}
    return json.dumps(data, separators=(",", ":"))

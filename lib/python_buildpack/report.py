"""What a build did, for bin/report: written by compile, read back as JSON.

It lives in CACHE_DIR/build-data/python.json, outside our cache namespace, so
that a build with the cache switched off still reports on itself.
"""

from __future__ import annotations

import json
import os
import resource
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

REPORT_PATH = Path("build-data") / "python.json"


class CacheStatus(str, Enum):
    EMPTY = "empty"  # no cache: a first build, or nothing usable was saved
    REUSED = "reused"
    UPDATED = "updated"  # the cached environment, updated in place
    DISCARDED = "discarded"
    DISABLED = "disabled"  # PYTHON_BUILD_CACHE=off
    # The build failed, and CACHE_DIR still holds the last good build's environment,
    # untouched, for the next build (not `empty`: the cache was there and survived).
    KEPT = "kept"


@dataclass
class BuildReport:
    stack: str = ""
    arch: str = ""
    python_version: str | None = None
    python_version_origin: str | None = None
    package_manager: str = "pip"
    pip_version: str | None = None
    package_manager_version: str | None = None  # uv, Poetry, Pipenv
    cache_status: CacheStatus = CacheStatus.EMPTY
    cache_discard_reasons: list[str] = field(default_factory=list)
    installed: list[dict[str, str]] = field(default_factory=list)
    unpinned: list[str] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    durations: dict[str, float] = field(default_factory=dict)
    failure_reason: str | None = None
    _started: float = field(default_factory=time.monotonic, repr=False)
    _install_recorded: bool = field(default=False, repr=False)

    def record_install(
        self,
        status: CacheStatus,
        reasons: Sequence[str],
        installed: Mapping[str, str],
        unpinned: Sequence[str],
    ) -> None:
        """Filled once, from the outcome of the install."""
        self._install_recorded = True
        self.cache_status = status
        self.cache_discard_reasons = list(reasons)
        self.installed = [{"name": n, "version": v} for n, v in sorted(installed.items())]
        self.unpinned = list(unpinned)

    @property
    def install_recorded(self) -> bool:
        return self._install_recorded

    def add(self, fields: Mapping[str, str]) -> None:
        """What a package manager adds: its name, and its version in the field its
        registry entry names (pip_version, package_manager_version)."""
        for name, value in fields.items():
            if name.startswith("_") or name not in self.__dataclass_fields__:
                raise KeyError(name)
            setattr(self, name, value)

    def timed(self, name: str, started: float) -> None:
        self.durations[name] = round(time.monotonic() - started, 3)

    def to_json(self) -> str:
        data = {k: v for k, v in asdict(self).items() if not k.startswith("_")}
        data["cache_status"] = self.cache_status.value
        data["durations"]["total"] = round(time.monotonic() - self._started, 3)
        data["succeeded"] = self.failure_reason is None
        # The buildpack's own process only; pip and hooks are children.
        data["peak_memory_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        return json.dumps(data, indent=2, sort_keys=True) + "\n"

    def save(self, cache_dir: Path) -> None:
        target = cache_dir / REPORT_PATH
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".python.json.")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(self.to_json())
        os.replace(tmp, target)


def report_json(build_dir: Path, cache_dir: Path) -> str:
    path = cache_dir / REPORT_PATH
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {
            "cache_status": None,
            "cache_discard_reasons": [],
            "succeeded": None,
            "note": "no build has run with this CACHE_DIR",
        }
    data["build_dir"] = str(build_dir)
    return json.dumps(data, indent=2, sort_keys=True) + "\n"

"""Poetry: `poetry.lock` with `pyproject.toml`, synced with `poetry sync --only main`
(bin/compile) or plain `poetry sync` (bin/test-compile: every non-optional group).

What is Poetry's own here (MANAGERS_NOTES.md has the measurements):
- Freshness: `poetry.is_fresh` repeats Poetry's content-hash check, so a stale lock
  fails before anything is installed, with no process; Poetry's own words are
  recognised too, should it disagree.
- Python: the project's constraint is in Poetry's syntax (`python = "^3.12"`), read
  by `poetry.poetry_python_allows`, and checked before the runtime is installed.
- A committed `.venv/`: Poetry looks for an in-project virtualenv before it looks at
  `virtualenvs.create` (poetry/utils/env/env_manager.py, `EnvManager.get`), so it
  would install into that directory instead of the app's Python: refused.
- A local package whose content changed is uninstalled before the sync: Poetry
  decides by version and URL whether to reinstall a directory package (measured: it
  does only because the installed URL was relocated to /app), not by content.
- The project itself, installed unless `package-mode = false`, is not in poetry.lock.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import ClassVar

from ...cache.manifest import Distribution
from ...context import BuildContext
from ...errors import LockfileOutOfSync, PoetryVirtualenvInApp, PythonVersionConflict
from ...install import distributions
from ...lockfiles import poetry
from ...lockfiles.model import LockedSet, Target
from ...python_version import ResolvedPythonVersion, read_requested_python_version
from . import commands as specs
from .manager import LockfileManager
from .uninstall import uninstall

# Where Poetry looks for an in-project virtualenv (`{project}/.venv`).
IN_PROJECT_VENV = ".venv"


class Poetry(LockfileManager):
    spec: ClassVar[specs.ManagerSpec] = specs.POETRY
    extra_files: ClassVar[tuple[str, ...]] = ("poetry.toml",)

    def __init__(self, ctx: BuildContext, python: ResolvedPythonVersion, *, test: bool) -> None:
        if has_in_project_venv(ctx.build_dir):
            raise PoetryVirtualenvInApp(IN_PROJECT_VENV)
        super().__init__(ctx, python, test=test)
        self.project = poetry.project_package(self.project_text)

    def _group_names(self) -> list[str]:
        return poetry.default_groups(self.project_text) if self.test else [poetry.MAIN]

    def parse(self, target: Target) -> LockedSet:
        return poetry.parse_poetry_lock(self.lock_text, target, self._group_names())

    def groups(self) -> str:
        return "groups " + ", ".join(self._group_names())

    def check_fresh(self) -> None:
        if not poetry.is_fresh(self.project_text, self.lock_text):
            raise LockfileOutOfSync(
                self.spec.lockfile,
                self.spec.project_file,
                self.spec.fix_command,
                "The content-hash recorded in poetry.lock is not the one of pyproject.toml.",
            )

    def check_python(self) -> None:
        version = str(self.python)
        constraints = (
            (self.spec.project_file, poetry.project_requires_python(self.project_text)),
            (self.spec.lockfile, self.locked.requires_python),
        )
        for file, constraint in constraints:
            if constraint and not poetry.poetry_python_allows(constraint, version):
                origin = read_requested_python_version(self.ctx.build_dir).origin_file
                raise PythonVersionConflict(
                    version, origin or "The buildpack's default", file, constraint
                )

    def is_out_of_sync(self, output: str) -> bool:
        return poetry.out_of_sync_message(output)

    def _sync(self, reinstall: Sequence[str]) -> None:
        # `poetry sync` skips a directory package whose version it already sees.
        if reinstall and self.site.is_dir():
            uninstall(self.ctx, self.python.major_minor, reinstall, self.spec.display_name)
        super()._sync(())

    def after_sync(self) -> None:
        at_run_time = distributions.site_packages(
            self.ctx.runtime_python_dir, self.python.major_minor
        )
        relative_records(self.site, (at_run_time, self.site))

    def must_be_installed(self, installed: Mapping[str, Distribution]) -> dict[str, str]:
        expected = super().must_be_installed(installed)
        if self.project is not None:
            found = installed.get(self.project.name)
            expected[self.project.name] = self.project.version or (found.version if found else "?")
        return expected

    def _distributions(self) -> dict[str, Distribution]:
        dists = super()._distributions()
        if self.project is not None:
            name = self.project.name
            version = distributions.installed_distributions(self.site).get(
                name, self.project.version or ""
            )
            dists[name] = Distribution(name, version, "directory:. editable", True, True)
        return dists


def has_in_project_venv(build_dir: Path) -> bool:
    """A `.venv` Poetry would install into (a directory, or a link to one anywhere)."""
    venv = build_dir / IN_PROJECT_VENV
    return venv.is_dir() or venv.is_symlink()


def relative_records(site_packages: Path, prefixes: Sequence[Path]) -> None:
    """Poetry writes the RECORD of the project it installs editable with absolute
    paths (its editable builder, poetry/masonry/builders/editable.py), where pip and
    the wheel spec write paths relative to site-packages, and the buildpack's checks
    read them so. Rewrite them, with each file's hash and size as it is now (the .pth
    and direct_url.json were pointed at the app dir after the sync)."""
    for record in sorted(site_packages.glob("*.dist-info/RECORD")):
        with record.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        changed = False
        for row in rows:
            if not row or not os.path.isabs(row[0]):
                continue
            for prefix in prefixes:
                try:
                    rel = Path(row[0]).relative_to(prefix)
                except ValueError:
                    continue
                row[0] = rel.as_posix()
                path = site_packages / rel
                if len(row) > 1 and row[1] and path.is_file():
                    data = path.read_bytes()
                    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest())
                    row[1:] = [f"sha256={digest.rstrip(b'=').decode()}", str(len(data))]
                changed = True
                break
        if changed:
            buffer = io.StringIO()
            csv.writer(buffer).writerows(rows)
            # A new inode: never write through a hard link into the cache.
            tmp = record.with_name(".RECORD.tmp")
            tmp.write_text(buffer.getvalue(), encoding="utf-8")
            os.replace(tmp, record)

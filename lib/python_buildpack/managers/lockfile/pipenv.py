"""Pipenv: `Pipfile.lock` with `Pipfile`, installed with `pipenv install --deploy
--system` (bin/test-compile adds `--dev`), as Heroku's classic buildpack does.

What is Pipenv's own here (MANAGERS_NOTES.md has the measurements):
- `pipenv install` never uninstalls: a package dropped from Pipfile.lock stays
  installed. After every sync the buildpack uninstalls what the lockfile does not
  name (`LockedSet.extraneous`), so a cached environment ends exactly as a clean one.
- pip, which Pipenv drives, does not rebuild a local directory whose version it
  already sees installed: a local package whose content changed is uninstalled
  first.
- Freshness: `pipenv.is_fresh` repeats Pipenv's Pipfile hash (`--deploy` refuses a
  lock whose `_meta.hash` differs), so a stale lock fails with no process.
- Python: runtime.txt, `.python-version`, then Pipfile.lock's python_full_version,
  then its python_version (classic's order); a version file that disagrees with the
  lock is an error naming both (python.requested_for_pipenv).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from ...errors import LockfileInvalid, LockfileOutOfSync
from ...install import distributions
from ...lockfiles import pipenv
from ...lockfiles.model import LockedSet, Target
from ...python_version import RequestedPythonVersion
from . import commands as specs
from .manager import LockfileManager
from .python import requested_for_pipenv
from .uninstall import uninstall


class Pipenv(LockfileManager):
    spec: ClassVar[specs.ManagerSpec] = specs.PIPENV
    # Apps run `pipenv run gunicorn ...` in their Procfile: classic keeps Pipenv in
    # the slug, and so do we (tools.install_tool_in_prefix).
    tool_in_slug: ClassVar[bool] = True

    @classmethod
    def requested_python(cls, build_dir: Path) -> RequestedPythonVersion:
        lockfile = build_dir / cls.spec.lockfile
        try:
            text = lockfile.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise LockfileInvalid(cls.spec.lockfile, str(error)) from error
        return requested_for_pipenv(build_dir, pipenv.lock_python(text).preferred)

    def _categories(self) -> tuple[str, ...]:
        return (pipenv.DEFAULT, pipenv.DEVELOP) if self.test else (pipenv.DEFAULT,)

    def parse(self, target: Target) -> LockedSet:
        return pipenv.parse_pipfile_lock(self.lock_text, target, self._categories())

    def groups(self) -> str:
        return "categories " + ", ".join(self._categories())

    def check_fresh(self) -> None:
        if not pipenv.is_fresh(self.project_text, self.lock_text):
            raise LockfileOutOfSync(
                self.spec.lockfile,
                self.spec.project_file,
                self.spec.fix_command,
                "The Pipfile hash recorded in Pipfile.lock is not the one of the Pipfile.",
            )

    def is_out_of_sync(self, output: str) -> bool:
        return pipenv.out_of_sync_message(output)

    def _sync(self, reinstall: Sequence[str]) -> None:
        if reinstall and self.site.is_dir():
            uninstall(self.ctx, self.python.major_minor, reinstall, self.spec.display_name)
        super()._sync(())

    def after_sync(self) -> None:
        """Pipenv leaves what Pipfile.lock no longer names: uninstalled here."""
        extraneous = self.locked.extraneous(distributions.installed_distributions(self.site))
        if extraneous:
            self.ctx.output.info("Uninstalling what Pipfile.lock does not name")
            uninstall(self.ctx, self.python.major_minor, extraneous, self.spec.display_name)
            distributions.prune_empty_dirs(self.site)

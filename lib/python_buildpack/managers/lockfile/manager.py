"""What uv, Poetry and Pipenv share: a lockfile manager, from its registry entry
(managers/registry.py), its tool's sync command and its lockfile parser.

- Loaded: reads the lockfile and the project file, checks freshness when that needs
  no process (Poetry, Pipenv), parses the set the sync installs for this Python,
  platform and groups, and checks the Python version against the project.
- Fingerprint (inputs.py): the locked set, the files, local packages by
  content, the tool's version, the manager's config vars.
- Install: the tool from its hashed pins (managers/lockfile/tools.py, cached in CACHE_DIR),
  then the tool's own sync into `.heroku/python` itself (no virtualenv), with the
  arguments and environment each class gives (MANAGERS_NOTES.md says where each
  comes from: Heroku's classic buildpack, lib/uv.sh, poetry.sh, pipenv.sh).
- Update: the same exact sync on the restored environment, then the same check as a
  clean install: exactly the locked set, no file of a removed package.
- Reuse: nothing to ask (the lockfile pins everything): no tool process at all.
"""

from __future__ import annotations

import shutil
import tempfile
from abc import abstractmethod
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import ClassVar

from ... import config
from ...cache.manifest import Distribution, Manifest
from ...context import BuildContext
from ...errors import LockfileOutOfSync, ManagerSyncFailed
from ...install import distributions
from ...install.distributions import python_executable
from ...lockfiles.model import KEEP, LockedSet, Target
from ...python_version import ResolvedPythonVersion
from ...runner import display
from ..base import Drift, PackageManager, Updated
from ..pip import tool as pip_tool
from . import tools
from .inputs import LockfileInputs, changed_locals, compute, local_path
from .uninstall import uninstall


class LockfileManager(PackageManager[LockfileInputs]):
    # The sync: bin/compile's arguments, bin/test-compile's (dev/test groups too),
    # and those that change only how the output looks or how fast the app boots
    # (left out of the command the log shows, as classic does).
    production_args: ClassVar[tuple[str, ...]]
    test_args: ClassVar[tuple[str, ...]]
    quiet_args: ClassVar[tuple[str, ...]] = ()
    # Other files of the app the tool reads (uv.toml, poetry.toml), when present.
    extra_files: ClassVar[tuple[str, ...]] = ()
    # Whether the tool goes in the slug (.heroku/python/<name>), for the app to run it
    # at run time too, or stays in CACHE_DIR (managers/lockfile/tools.py).
    tool_in_slug: ClassVar[bool] = False

    def __init__(self, ctx: BuildContext, python: ResolvedPythonVersion, *, test: bool) -> None:
        super().__init__(ctx, python, test=test)
        self.version = tools.read_tool_pins(ctx.buildpack_dir, self.entry.name).version
        self.texts = {
            name: (ctx.build_dir / name).read_text(encoding="utf-8")
            for name in (self.project_file, self.entry.file, *self.extra_files)
            if name in (self.project_file, self.entry.file) or (ctx.build_dir / name).is_file()
        }
        self.check_fresh()
        self.locked = self.parse(Target(str(python), ctx.arch))
        self.check_python()
        self.tool: tools.InstalledTool | None = None
        self._inputs: LockfileInputs | None = None
        self._tool_cache: Path | None = None

    # --- what each manager says ----------------------------------------------------

    @abstractmethod
    def parse(self, target: Target) -> LockedSet:
        """The set the sync installs for `target` and `self.test`'s groups."""

    @abstractmethod
    def groups(self) -> str:
        """The groups installed, in words, for the log and the fingerprint."""

    @abstractmethod
    def is_out_of_sync(self, output: str) -> bool:
        """Whether a failed sync's output says the lockfile is stale."""

    def check_fresh(self) -> None:
        """Raise `out_of_sync()` when that can be told without a process."""

    def out_of_sync(self, detail: str = "") -> LockfileOutOfSync:
        """The error for a lockfile that no longer matches its project file."""
        return LockfileOutOfSync(
            self.entry.file, self.project_file, self.entry.lock_command, detail
        )

    def check_python(self) -> None:
        """Raise when the resolved Python is one the project excludes."""

    def after_sync(self) -> None:
        """Make what the tool wrote the same as a clean build writes."""

    @classmethod
    @abstractmethod
    def tool_sync_env(
        cls, *, python_home: Path, tool_cache: Path, empty_dir: Path
    ) -> dict[str, str]:
        """What the buildpack sets for the tool's sync (`sync_env`)."""

    @classmethod
    @abstractmethod
    def tool_export_env(cls, python_home: Path) -> dict[str, str]:
        """What later buildpacks get to run the tool as the build did (`export_env`)."""

    def reinstall_args(self, names: Sequence[str]) -> list[str] | None:
        """The sync's arguments that reinstall the local packages `names`, whose
        content changed; None: the sync has none, so they are uninstalled first (pip,
        which Poetry and Pipenv drive, keeps a directory whose version it sees)."""
        return None

    @property
    def project_file(self) -> str:
        return self.entry.project_file

    @property
    def project_text(self) -> str:
        return self.texts[self.project_file]

    @property
    def lock_text(self) -> str:
        return self.texts[self.entry.file]

    # --- the tool's command and environment, as data and pure functions --------------

    @classmethod
    def shown_command(cls, *, test: bool) -> str:
        """The command as the log shows it: `uv sync --locked --no-default-groups`."""
        return " ".join((cls.entry.name, *(cls.test_args if test else cls.production_args)))

    @classmethod
    def sync_argv(cls, executable: Path, *, test: bool) -> list[str]:
        return [str(executable), *(cls.test_args if test else cls.production_args), *cls.quiet_args]

    @classmethod
    def sync_env(cls, *, python_home: Path, tool_cache: Path, empty_dir: Path) -> dict[str, str]:
        """What the buildpack sets for the sync, on top of the command environment
        (host basics, config vars, PATH with python_home/bin and the tool's bin first).
        `python_home` is `/app/.heroku/python` (the run-time path); `tool_cache` the
        tool's download cache in CACHE_DIR; `empty_dir` an empty directory that hides
        the build machine's own config files of the tool."""
        return {
            "XDG_CONFIG_HOME": str(empty_dir),
            "XDG_CONFIG_DIRS": str(empty_dir),
            **cls.tool_sync_env(
                python_home=python_home, tool_cache=tool_cache, empty_dir=empty_dir
            ),
        }

    @classmethod
    def exported_env(cls, *, python_home: Path, tool_bin: Path) -> dict[str, str]:
        """For later buildpacks (the `export` file), as classic writes it; PATH gets
        `tool_bin` in front of the existing PATH."""
        return {"PATH": f"{tool_bin}:$PATH", **cls.tool_export_env(python_home)}

    # --- the interface -------------------------------------------------------------

    def prepare(self, tool_cache: Path | None) -> LockfileInputs:
        self._tool_cache = tool_cache
        self._inputs = compute(
            tool=f"{self.entry.display_name} {self.version}",
            groups=self.groups(),
            lockfile=self.entry.file,
            locked=self.locked,
            files=self.texts,
            build_dir=self.ctx.build_dir,
            config_vars=self.ctx.config_vars,
            config_prefixes=self.entry.config_prefixes,
        )
        return self._inputs

    def check_before_reuse(self, manifest: Manifest) -> Drift | None:
        # The lockfile pins every package: a clean install gives the same set. The
        # tool is still put on PATH for later buildpacks (no process when cached).
        tool = self._ensure_tool()
        if self.tool_in_slug and not tool.cached:
            # A cache saved without it (by an older buildpack), or with other pins:
            # the environment changed, so it is synced and saved again.
            name = f"{self.entry.display_name} {self.version}"
            return Drift((f"{name} was not in the cached environment as pinned",))
        return None

    def install_tool(self) -> None:
        self._ensure_tool()

    def install(self) -> dict[str, Distribution]:
        self._sync(())
        return self._distributions()

    def update(
        self,
        old: LockfileInputs | None,
        manifest: Manifest,
        drift: Drift | None,
        restore_again: Callable[[], None],
    ) -> Updated:
        self._ensure_tool()
        assert self._inputs is not None, "prepare() first"
        # No `old` inputs: a reuse that found the tool missing (check_before_reuse).
        changed = set(changed_locals(old, self._inputs)) if old is not None else set()
        self._sync(sorted(p.name for p in self.locked.packages if local_path(p) in changed))
        dists = self._distributions()
        return Updated(dists, self.verify(dists))

    def verify(self, installed: Mapping[str, Distribution]) -> list[str]:
        # uv and Poetry compile bytecode they do not list in RECORD.
        expected = self.must_be_installed(installed)
        return distributions.verify(self.site, expected, unrecorded_bytecode=True)

    def must_be_installed(self, installed: Mapping[str, Distribution]) -> dict[str, str]:
        expected = {
            p.name: p.version or (installed[p.name].version if p.name in installed else "?")
            for p in self.locked.packages
        }
        # pip and setuptools of the runtime, which no lockfile names: kept as they are.
        for name in KEEP:
            if name in installed and name not in expected:
                expected[name] = installed[name].version
        return expected

    def export_env(self) -> dict[str, str]:
        if self.tool is None:
            return {}
        return self.exported_env(
            python_home=self.ctx.runtime_python_dir, tool_bin=self.tool.bin_dir
        )

    # --- the tool and its sync -------------------------------------------------------

    @property
    def site(self) -> Path:
        return distributions.site_packages(self.ctx.python_dir, self.python.major_minor)

    def _ensure_tool(self) -> tools.InstalledTool:
        if self.tool is None:
            install = tools.install_tool_in_prefix if self.tool_in_slug else tools.install_tool
            self.tool = install(
                self.ctx,
                self.entry.name,
                python=python_executable(self.ctx),
                python_version=str(self.python),
                pip_wheel=pip_tool.runnable_bundled_pip(self.ctx, self.python.major_minor),
                index_url=self.ctx.host_env.get("PYTHON_TOOLS_INDEX_URL"),
            )
        return self.tool

    def _sync(self, reinstall: Sequence[str]) -> None:
        """`reinstall`: local packages whose content changed."""
        args = self.reinstall_args(reinstall)
        if args is None:
            if reinstall and self.site.is_dir():
                uninstall(self.ctx, self.python.major_minor, reinstall, self.entry.display_name)
            args = []
        tool = self._ensure_tool()
        argv = [*self.sync_argv(tool.executable, test=self.test), *args]
        shown = self.shown_command(test=self.test)
        self.ctx.output.step(f"Installing dependencies using {self.entry.display_name}")
        self.ctx.output.info(f"Running '{shown}'")
        empty = Path(tempfile.mkdtemp(prefix="python-buildpack-empty-"))
        cache = self._tool_cache or Path(tempfile.mkdtemp(prefix=f"{self.entry.name}-cache-"))
        try:
            env = config.command_env(
                self.ctx.host_env,
                self.ctx.config_vars,
                path_prefix=(self.ctx.runtime_python_dir / "bin", tool.bin_dir),
                extra=self.sync_env(
                    python_home=self.ctx.runtime_python_dir, tool_cache=cache, empty_dir=empty
                ),
            )
            result = self.ctx.runner.stream(
                argv, env=env, cwd=self.ctx.build_dir, output=self.ctx.output
            )
        finally:
            shutil.rmtree(empty, ignore_errors=True)
            if self._tool_cache is None:
                shutil.rmtree(cache, ignore_errors=True)
        if result.returncode != 0:
            output = "\n".join(result.tail)
            if self.is_out_of_sync(output):
                raise self.out_of_sync()
            shown_argv = [self.entry.name, *argv[1:]]
            raise ManagerSyncFailed(self.entry.display_name, display(shown_argv), result.tail)
        # Local and editable packages were installed from BUILD_DIR: the app runs at /app.
        distributions.relocate_build_paths(self.site, self.ctx.build_dir, self.ctx.app_dir)
        self.after_sync()

    def _distributions(self) -> dict[str, Distribution]:
        installed = distributions.installed_distributions(self.site)
        assert self._inputs is not None, "prepare() first"
        dists = {
            p.name: Distribution(
                name=p.name,
                version=p.version or installed.get(p.name, ""),
                source=p.source + _local_suffix(self._inputs, p.source),
                requested=True,
                direct=local_path(p) is not None or "+" in p.source.split(":", 1)[0],
            )
            for p in self.locked.packages
        }
        for name in KEEP:
            if name in installed and name not in dists:
                dists[name] = Distribution(name, installed[name], "runtime", False, False)
        return dists


def _local_suffix(inputs: LockfileInputs, source: str) -> str:
    for path, digest in inputs.local.items():
        if source.endswith(path):
            return f" sha256={digest}"
    return ""

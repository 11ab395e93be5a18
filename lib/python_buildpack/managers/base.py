"""What a package manager is to the build pipeline.

pip (managers/pip/) and uv, Poetry and Pipenv (managers/lockfile/) implement it.
The pipeline (install/) decides from the fingerprint whether the cached
environment can be reused, updated or must be rebuilt, and calls these methods to
carry that out; it never runs a manager's tool itself. A manager:

- reads its input files when loaded (a bad file fails the build before anything is
  installed) and names them (`input_files`) and its config vars (`config_prefixes`);
- fingerprints them (`prepare`): a frozen dataclass whose every field says how its
  change is described (cache/changes.py);
- installs from scratch into a pristine runtime (`install_tool`, then `install`);
- brings a restored environment exactly up to date (`update`; a lockfile manager
  runs its tool's own sync), or says it cannot;
- says before a reuse whether a clean install would now differ (`check_before_reuse`;
  pip checks the index pages its last resolution read, or asks its dry run, when
  something is unpinned; a lockfile manager never needs to), and what to keep in the
  manifest so that the next build can tell again (`resolution_record`);
- names the distributions that must be installed afterwards (`must_be_installed`),
  which the pipeline verifies, and what it adds to the report.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from ..cache.manifest import Distribution, Manifest
from ..context import BuildContext
from ..errors import BuildWarning
from ..install import distributions
from ..python_version import (
    RequestedPythonVersion,
    ResolvedPythonVersion,
    read_requested_python_version,
)

Inputs = TypeVar("Inputs")


@dataclass(frozen=True)
class Drift:
    """Why a clean install would now differ from the cached environment, found
    before reusing it; `clean` is what the manager learned on the way (so the
    update need not ask again)."""

    reasons: tuple[str, ...]
    clean: Mapping[str, Distribution] | None = None


@dataclass(frozen=True)
class Updated:
    """The environment after an update, and what keeps it from being exactly what
    a clean install gives (empty: it is)."""

    distributions: Mapping[str, Distribution]
    problems: Sequence[str] = field(default_factory=tuple)


class PackageManager(ABC, Generic[Inputs]):
    # The report's package_manager, and the name of its download cache directory.
    name: str
    # Its version: part of the fingerprint (a new one means a rebuild).
    version: str

    def __init__(self, ctx: BuildContext, python: ResolvedPythonVersion, *, test: bool) -> None:
        """Reads the app's files: a bad or inconsistent one fails the build here."""
        self.ctx = ctx
        self.python = python
        self.test = test

    # --- before the Python version is resolved (classmethods: no manager yet) ----------

    @classmethod
    def check_config_vars(cls, config_vars: Mapping[str, str]) -> None:
        """Refuse config vars that would make the manager install elsewhere."""

    @classmethod
    def requested_python(cls, build_dir: Path) -> RequestedPythonVersion:
        """The Python version the app asks for, by this manager's rules (classic's):
        runtime.txt, then .python-version, then the default."""
        return read_requested_python_version(build_dir)

    def export_env(self) -> dict[str, str]:
        """What later buildpacks get besides Python (`export`): the tool on PATH."""
        return {}

    def runtime_env(self) -> dict[str, str]:
        """What the dyno gets besides Python (`.profile.d`), with `$HOME` for the app
        dir: Pipenv's command and settings, as classic sets them."""
        return {}

    @abstractmethod
    def input_files(self) -> Sequence[str]:
        """The app's files this manager installs from, relative to BUILD_DIR."""

    @abstractmethod
    def config_prefixes(self) -> Sequence[str]:
        """Config vars that reach the tool (part of the fingerprint, hashed)."""

    @abstractmethod
    def prepare(self, tool_cache: Path | None) -> Inputs:
        """The manager's part of the fingerprint, computed under the cache lock
        (moving references are resolved here), with the tool's download cache."""

    @abstractmethod
    def reuse_message(self, packages: int) -> str:
        """The line that says the cached environment is used as it is."""

    @abstractmethod
    def check_before_reuse(self, manifest: Manifest) -> Drift | None:
        """None when a clean install now would give the cached environment."""

    def resolution_record(self) -> dict[str, Any] | None:
        """What the manager must find again in the manifest to tell, without its
        tool, that a clean install would still pick the same set (pip: the index
        pages its resolution in this build read); None: nothing new to keep."""
        return None

    @abstractmethod
    def install_tool(self) -> None:
        """Into a pristine runtime, before `install`."""

    @abstractmethod
    def install(self) -> dict[str, Distribution]:
        """Everything, from scratch; returns what was installed."""

    @abstractmethod
    def update(
        self,
        old: Inputs,
        manifest: Manifest,
        drift: Drift | None,
        restore_again: Callable[[], None],
    ) -> Updated:
        """Bring the restored environment exactly up to date with the inputs of
        `prepare`. `restore_again` puts the cached environment back as it was, for
        a manager that tries a second way."""

    def verify(self, installed: Mapping[str, Distribution]) -> list[str]:
        """What keeps the environment from being exactly `must_be_installed`, with
        no file that no distribution owns (empty: it is)."""
        site_packages = self.ctx.python_dir / "lib" / f"python{self.python.major_minor}"
        return distributions.verify(
            site_packages / "site-packages", self.must_be_installed(installed)
        )

    @abstractmethod
    def must_be_installed(self, installed: Mapping[str, Distribution]) -> dict[str, str]:
        """name -> version of every distribution the environment must hold."""

    @abstractmethod
    def report_fields(self, installed: Mapping[str, str] | None) -> dict[str, Any]:
        """What the manager adds to bin/report (None: before installing)."""

    @abstractmethod
    def warnings(self, installed: Mapping[str, str]) -> list[BuildWarning]:
        """Each warning about the installed result."""

"""Everything a build step needs to know, gathered once at the start."""

from __future__ import annotations

import platform
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .config import ConfigVars
from .errors import StackEndOfLife, UnsupportedStack
from .output import Output
from .redaction import Redactor
from .runner import CommandRunner

DEFAULT_STACK = "heroku-24"
# Stack -> the Ubuntu release its runtime archives are built for. The same stacks as
# heroku/heroku-buildpack-python v351 (lib/checks.sh), with the same Python versions
# on each (builds/build_python_runtime.sh): one version table serves them all.
STACK_UBUNTU = {"heroku-22": "22.04", "heroku-24": "24.04", "heroku-26": "26.04"}
# Stacks past their end-of-life, refused with their own error as classic does; any
# other name is unknown. https://devcenter.heroku.com/articles/stack#stack-support-details
END_OF_LIFE_STACKS = ("heroku-16", "heroku-18", "heroku-20")
END_OF_LIFE_PREFIX = "cedar"
_ARCH = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}


@dataclass(frozen=True)
class Stack:
    name: str
    is_default: bool

    @property
    def ubuntu(self) -> str:
        return STACK_UBUNTU[self.name]


def resolve_stack(environ: Mapping[str, str]) -> Stack:
    name = environ.get("STACK", "")
    if not name:
        return Stack(DEFAULT_STACK, is_default=True)
    if name in STACK_UBUNTU:
        return Stack(name, is_default=False)
    if name in END_OF_LIFE_STACKS or name.startswith(END_OF_LIFE_PREFIX):
        raise StackEndOfLife(name, sorted(STACK_UBUNTU))
    raise UnsupportedStack(name, sorted(STACK_UBUNTU), DEFAULT_STACK)


def machine_arch() -> str:
    machine = platform.machine()
    return _ARCH.get(machine, machine)


@dataclass(frozen=True)
class BuildContext:
    build_dir: Path
    cache_dir: Path
    env_dir: Path | None
    buildpack_dir: Path
    # Where the slug runs (`/app`); `.heroku/python` there links to the build's.
    app_dir: Path
    stack: Stack
    arch: str
    config_vars: Mapping[str, str]
    host_env: Mapping[str, str]
    output: Output
    runner: CommandRunner

    @property
    def redactor(self) -> Redactor:
        """The build's one redaction: apply it to any text stored under CACHE_DIR
        that did not come through `output` or `runner` (which apply it already)."""
        return self.output.redactor

    def as_written(self, text: str) -> str:
        """`text` (a URL pip recorded) with each `${VAR}` value a requirement line
        used put back as `${VAR}`; see `ConfigVars.as_written`."""
        if isinstance(self.config_vars, ConfigVars):
            return self.config_vars.as_written(text)
        return text

    @property
    def python_dir(self) -> Path:
        """Where Python is installed, as the build sees it."""
        return self.build_dir / ".heroku" / "python"

    @property
    def runtime_python_dir(self) -> Path:
        """The same directory, by the path it has when the app runs."""
        return self.app_dir / ".heroku" / "python"

    @property
    def places(self) -> dict[str, Path]:
        """The build's directories, by the names errors give them (errors/filesystem.py)."""
        return {
            "BUILD_DIR": self.build_dir,
            "CACHE_DIR": self.cache_dir,
            "BUILDPACK_APP_DIR": self.app_dir,
        }

    @property
    def cache_root(self) -> Path:
        """Our namespace in CACHE_DIR, which other buildpacks share."""
        return self.cache_dir / "python"

"""Errors of the lockfile package managers (uv, Poetry, Pipenv) and their tools."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .base import BuildpackError, CommandFailed, visible


@dataclass(eq=False)
class LockfileInvalid(BuildpackError):
    file: str
    detail: str
    failure_reason = "lockfile_invalid"

    def title(self) -> str:
        return f"Unable to read {self.file}."

    def body(self) -> str:
        return (
            f"{visible(self.detail)}\n\n"
            f"{self.file} is written by its package manager: regenerate it with the tool\n"
            "rather than editing it by hand, then commit it."
        )


@dataclass(eq=False)
class LockfileOutOfSync(BuildpackError):
    lockfile: str
    project_file: str
    fix_command: str
    detail: str = ""
    failure_reason = "lockfile_out_of_sync"

    def title(self) -> str:
        return f"{self.lockfile} is out of date with {self.project_file}."

    def body(self) -> str:
        detail = f"{visible(self.detail)}\n\n" if self.detail else ""
        return (
            f"{detail}{self.project_file} was changed after {self.lockfile} was made, so the\n"
            "lockfile no longer says what to install. Run this and commit the result:\n\n"
            f"    {self.fix_command}"
        )


@dataclass(eq=False)
class ManagerConfigVarRefused(BuildpackError):
    name: str
    manager: str
    failure_reason = "manager_config_var_refused"

    def title(self) -> str:
        return f"The config var {self.name} is not supported with {self.manager}."

    def body(self) -> str:
        return (
            f"{self.name} makes {self.manager} install packages outside the app's Python\n"
            "(.heroku/python), so they would be missing when the app runs. The buildpack\n"
            f"installs into that Python itself. Remove it, for example with:\n"
            f"heroku config:unset {self.name}"
        )


@dataclass(eq=False)
class ManagerToolInstallFailed(CommandFailed):
    tool: str
    version: str
    output_tail: Sequence[str] = field(default_factory=tuple)
    failure_reason = "manager_tool_install"

    def title(self) -> str:
        return f"Unable to install {self.tool} {self.version}."

    def failed(self) -> str:
        return f"Installing {self.tool} from its pinned wheels failed:"

    def advice(self) -> str:
        return (
            "This is most likely a temporary problem with the package index; try the\n"
            "build again. If it keeps failing, clear the build cache."
        )

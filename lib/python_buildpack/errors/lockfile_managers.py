"""Errors of the lockfile package managers (uv, Poetry, Pipenv): their lockfiles,
their tools, their sync, and Poetry's in-project virtualenv."""

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


@dataclass(eq=False)
class ManagerSyncFailed(CommandFailed):
    tool: str
    command: str
    output_tail: Sequence[str] = field(default_factory=tuple)
    failure_reason = "manager_sync"

    def title(self) -> str:
        return f"Unable to install dependencies using {self.tool}."

    def failed(self) -> str:
        return (
            f"The command '{self.command}' failed. See the log above for its full output;\n"
            "the last lines were:"
        )

    def advice(self) -> str:
        return (
            "Check that every locked package exists on the package index the lockfile\n"
            "names and that the build can reach it. Run the same command locally in a\n"
            "fresh checkout to reproduce the error."
        )


@dataclass(eq=False)
class PoetryVirtualenvInApp(BuildpackError):
    """Poetry installs into `{project}/.venv` when it exists, whatever its settings."""

    directory: str
    failure_reason = "poetry_virtualenv_in_app"

    def title(self) -> str:
        return f"The app contains a {self.directory} directory."

    def body(self) -> str:
        return (
            f"Poetry installs into a project's {self.directory} directory whenever it exists,\n"
            "even with virtualenvs switched off, so the app's packages would be installed\n"
            "there instead of the app's Python (.heroku/python), and that virtualenv,\n"
            "made on another machine, would not work at run time. Remove it from the\n"
            "repository and ignore it:\n\n"
            f"    git rm -r --cached {self.directory}\n"
            f"    echo '{self.directory}/' >> .gitignore"
        )

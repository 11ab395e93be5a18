"""Errors about how the buildpack was started: its arguments and directories."""

from __future__ import annotations

from dataclasses import dataclass

from .base import BuildpackError


@dataclass(eq=False)
class UsageError(BuildpackError):
    command: str
    usage: str
    failure_reason = "usage"

    def title(self) -> str:
        return f"Invalid arguments for bin/{self.command}."

    def body(self) -> str:
        return f"Usage: bin/{self.command} {self.usage}"


@dataclass(eq=False)
class MissingDirectory(BuildpackError):
    role: str
    path: str
    failure_reason = "missing_directory"

    def title(self) -> str:
        return f"The {self.role} '{self.path}' does not exist."

    def body(self) -> str:
        return (
            f"The buildpack was given '{self.path}' as its {self.role}, but there is no\n"
            "directory there. This is a problem with how the buildpack was started:\n"
            "check the arguments your build system passes to bin/compile."
        )

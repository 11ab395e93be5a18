"""Errors about how the buildpack was started: arguments, directories, stack, config vars."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .base import BuildpackError, visible


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


def _stack_names(stacks: Sequence[str]) -> str:
    return ", ".join(stacks[:-1]) + f" and {stacks[-1]}" if len(stacks) > 1 else "".join(stacks)


@dataclass(eq=False)
class StackEndOfLife(BuildpackError):
    """A stack Heroku no longer supports (cedar*, heroku-16/18/20): classic's
    `checks::stack::eol`. Heroku itself refuses such builds, so users meet this
    on other platforms (Dokku, CI images) still set to an old stack."""

    stack: str
    supported: Sequence[str]
    failure_reason = "stack_end_of_life"

    def title(self) -> str:
        return f"The '{visible(self.stack)}' stack is no longer supported."

    def body(self) -> str:
        return (
            f"The '{visible(self.stack)}' stack has reached its end-of-life, so this buildpack\n"
            "no longer builds apps for it:\n"
            "https://devcenter.heroku.com/articles/stack#stack-support-details\n\n"
            f"Move the app to a supported stack ({_stack_names(self.supported)}),\n"
            f"for example: heroku stack:set {self.supported[-1]}\n"
            "Outside Heroku, set STACK (or the build image) to one of them."
        )


@dataclass(eq=False)
class UnsupportedStack(BuildpackError):
    """A stack name this buildpack does not know: classic's `checks::stack::unknown`."""

    stack: str
    supported: Sequence[str]
    default: str
    failure_reason = "unsupported_stack"

    def title(self) -> str:
        return f"The '{visible(self.stack)}' stack isn't recognised."

    def body(self) -> str:
        return (
            f"This buildpack builds for the stacks {_stack_names(self.supported)}.\n\n"
            f"If '{visible(self.stack)}' is a valid stack, make sure the app uses the newest\n"
            "release of this buildpack, not one pinned to an older version:\n"
            "https://devcenter.heroku.com/articles/managing-buildpacks#view-your-buildpacks\n\n"
            "Outside Heroku, set STACK to one of the stacks above, or leave it unset\n"
            f"to build for {self.default}."
        )


@dataclass(eq=False)
class UnsafeConfigVar(BuildpackError):
    name: str
    failure_reason = "unsafe_config_var"

    def title(self) -> str:
        return f"The config var {self.name} is not supported."

    def body(self) -> str:
        return (
            f"{self.name} makes pip install packages outside the app's Python, so they\n"
            "would be missing when the app runs (or would overwrite the buildpack's files).\n"
            f"Remove it, for example with: heroku config:unset {self.name}"
        )


@dataclass(eq=False)
class UnreadableConfigVar(BuildpackError):
    name: str
    reason: str
    failure_reason = "unreadable_config_var"

    def title(self) -> str:
        return f"The config var {self.name} could not be read."

    def body(self) -> str:
        return f"Reading it from the build's ENV_DIR failed: {self.reason}.\nSet it again as text."


@dataclass(eq=False)
class VendoredDependencyUnavailable(BuildpackError):
    requirement: str
    reason: str
    failure_reason = "vendor_unavailable"

    def title(self) -> str:
        return f"The buildpack could not fetch its own dependency {self.requirement}."

    def body(self) -> str:
        return (
            "This checkout of the buildpack has no vendor/ directory, so the build tried\n"
            f"to download {self.requirement} from the package index and failed:\n"
            f"{self.reason}\n\n"
            "Use a packaged release of the buildpack, run 'make vendor' in the checkout,\n"
            "or try the build again if the package index was unreachable."
        )


@dataclass(eq=False)
class UnknownConfigValue(BuildpackError):
    name: str
    value: str
    allowed: Sequence[str]
    failure_reason = "unknown_config_value"

    def title(self) -> str:
        return f"The config var {self.name} has an unknown value."

    def body(self) -> str:
        return (
            f"{self.name} is set to '{visible(self.value)}', but it can only be one of: "
            f"{', '.join(self.allowed)}.\n"
            f"Set it to one of those, or unset it: heroku config:unset {self.name}"
        )

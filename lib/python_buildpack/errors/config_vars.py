"""Errors about the app's config vars: one that cannot be read, has an unknown value,
or would make pip or a lockfile manager install outside the app's Python."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .base import BuildpackError, visible


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

"""Errors of the install's check of its result: the installed distributions are
not the ones the package manager resolved."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .base import BuildpackError, bullet_list


@dataclass(eq=False)
class EnvironmentMismatch(BuildpackError):
    problems: Sequence[str]
    failure_reason = "environment_mismatch"

    def title(self) -> str:
        return "The installed packages are not the ones pip resolved."

    def body(self) -> str:
        return (
            "After installing, the build checked the app's Python against pip's report:\n"
            f"{bullet_list(self.problems)}\n\n"
            "This can happen when a package's setup script installs other packages. The\n"
            "cache was not saved. Please report it with your requirements files."
        )

"""Errors about the stack the app is built for: one past its end-of-life, one unknown."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .base import BuildpackError, visible


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

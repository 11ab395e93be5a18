"""The base of every user-facing error, and the shapes several of them share.

A `BuildpackError` carries data (file, line, value); `title()` and `body()` turn
it into words. Only `cli.py` renders them and picks the exit code. Each class has a
stable `failure_reason` that `bin/report` and the tests use.
"""

from __future__ import annotations

from collections.abc import Sequence


def visible(text: str) -> str:
    """Show control characters and invisible marks as escapes (`\\t`, `\\x00`, `\\ufeff`)."""
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in text)


class BuildpackError(Exception):
    """A problem the user can fix: rendered without a traceback, exit 1."""

    failure_reason = "buildpack_error"

    def title(self) -> str:
        raise NotImplementedError

    def body(self) -> str:
        raise NotImplementedError

    def __str__(self) -> str:
        return f"{self.title()}\n\n{self.body()}"


def bullet_list(items: Sequence[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


class CommandFailed(BuildpackError):
    """A command failed: what failed, the last lines of its output, what to do.

    Subclasses are dataclasses that declare `output_tail` last among their fields
    (default: empty) and word `failed()` (ending with a colon) and `advice()`.
    """

    TAIL_LINES = 8
    output_tail: Sequence[str]

    def failed(self) -> str:
        raise NotImplementedError

    def advice(self) -> str:
        raise NotImplementedError

    def body(self) -> str:
        tail = "\n".join(self.output_tail[-self.TAIL_LINES :])
        return f"{self.failed()}\n\n{tail}\n\n{self.advice()}"

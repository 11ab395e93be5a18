"""Errors of the cache's inputs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..redaction import redact
from .base import BuildpackError, bullet_list


@dataclass(eq=False)
class MovingReferenceUnresolvable(BuildpackError):
    url: str
    details: Sequence[str]
    failure_reason = "moving_reference"

    def title(self) -> str:
        return "Unable to check a requirement that can change behind its line."

    def body(self) -> str:
        return (
            f"The requirement {redact(self.url)} names a branch, a tag or an archive\n"
            "without a hash, so every build checks what it points to now. That failed:\n"
            f"{bullet_list([redact(d) for d in self.details])}\n\n"
            "Check that the URL is right and reachable from the build. Pinning it to a\n"
            "full commit hash (or adding #sha256=... to an archive URL) avoids the check."
        )

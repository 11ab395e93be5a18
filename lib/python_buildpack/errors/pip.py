"""Errors of pip: installing it, its install and its dry run, the package index it
reads, and the requirements that point at something that can move (a branch, a
tag, an archive without a hash)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..redaction import redact
from .base import BuildpackError, CommandFailed, bullet_list


@dataclass(eq=False)
class PipInstallFailed(CommandFailed):
    command: str
    output_tail: Sequence[str] = field(default_factory=tuple)
    failure_reason = "pip_install"

    def title(self) -> str:
        return "Unable to install dependencies using pip."

    def failed(self) -> str:
        return (
            f"The command '{self.command}' failed. See the log above for pip's full\n"
            "output; its last lines were:"
        )

    def advice(self) -> str:
        return (
            "Check that every package and version in your requirements files exists on\n"
            "the package index you use, and that the build can reach that index. Run the\n"
            "same command locally in a new virtual environment to reproduce the error."
        )


@dataclass(eq=False)
class PipBootstrapFailed(CommandFailed):
    version: str
    output_tail: Sequence[str] = field(default_factory=tuple)
    failure_reason = "pip_bootstrap"

    def title(self) -> str:
        return f"Unable to install pip {self.version}."

    def failed(self) -> str:
        return "Installing pip into the app's Python failed:"

    def advice(self) -> str:
        return (
            "This is most likely a temporary problem; try the build again. If it keeps\n"
            "failing, clear the build cache."
        )


@dataclass(eq=False)
class PipResolutionFailed(CommandFailed):
    command: str
    output_tail: Sequence[str] = field(default_factory=tuple)
    failure_reason = "pip_resolve"

    def title(self) -> str:
        return "Unable to work out which packages a clean install would pick."

    def failed(self) -> str:
        return (
            "Before reusing the cache, the build asked pip what a clean install would\n"
            f"install today ('{self.command}'), and pip failed:"
        )

    def advice(self) -> str:
        return (
            "Check that every package in your requirements files exists on the index you\n"
            "use and that the build can reach it. Pinning every package (pip freeze) also\n"
            "avoids this check."
        )


@dataclass(eq=False)
class PackageIndexFailed(CommandFailed):
    """pip failed, and the index did not answer: pip run quietly words an index
    that answers 500 as "from versions: none", so the index is named first."""

    command: str
    failures: Sequence[tuple[str, str]]  # (redacted URL, status or error)
    output_tail: Sequence[str] = field(default_factory=tuple)
    failure_reason = "package_index"

    def title(self) -> str:
        return "The package index failed."

    def failed(self) -> str:
        shown = [f"{url}: {why}" for url, why in self.failures[:3]]
        if len(self.failures) > 3:
            shown.append(f"and {len(self.failures) - 3} more")
        return (
            "pip could not read these index pages:\n"
            f"{bullet_list(shown)}\n\n"
            f"So '{self.command}' failed; its last lines were:"
        )

    def advice(self) -> str:
        return (
            "The index may be down or refusing the build's credentials. Nothing in the\n"
            "build cache was changed: a cache from an earlier build is kept for the next\n"
            "build. Build again once the index answers."
        )


@dataclass(eq=False)
class MovingReferenceUnresolvable(BuildpackError):
    url: str
    details: Sequence[str]
    where: str  # `file:line: the line as written`
    failure_reason = "moving_reference"

    def title(self) -> str:
        return "Unable to check a requirement that can change behind its line."

    def body(self) -> str:
        return (
            f"{redact(self.where)}\n\n"
            "This requirement names a branch, a tag or an archive without a hash, so\n"
            "every build checks what it points to now. Checking\n"
            f"{redact(self.url)} failed:\n"
            f"{bullet_list([redact(d) for d in self.details])}\n\n"
            "Check that the URL is right and reachable from the build. Pinning it to a\n"
            "full commit hash (or adding #sha256=... to an archive URL) avoids the check."
        )

"""Errors about the requirements graph: one line, an include, a file."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .base import BuildpackError, visible

_REQUIREMENTS_FORMAT_DOCS = "https://pip.pypa.io/en/stable/reference/requirements-file-format/"


@dataclass(eq=False)
class RequirementsLineError(BuildpackError):
    """A problem with one logical line of a requirements file.

    `text` is the line as written (before `${VAR}` expansion), so it is safe to log.
    """

    file: str
    line: int
    text: str
    failure_reason = "requirements_line"

    def where(self) -> str:
        return f"{self.file}:{self.line}: {visible(self.text)}"


@dataclass(eq=False)
class InvalidRequirementsLine(RequirementsLineError):
    reason: str
    failure_reason = "requirements_invalid_line"

    def title(self) -> str:
        return f"pip cannot read line {self.line} of {self.file}."

    def body(self) -> str:
        return (
            f"{self.where()}\n\n"
            f"{self.reason}\n\n"
            "pip would refuse this line too. Fix it so that it is a requirement, an\n"
            "'-e' path or VCS URL, '-r'/'-c' with a file, or an option pip accepts in a\n"
            f"requirements file (see {_REQUIREMENTS_FORMAT_DOCS})."
        )


@dataclass(eq=False)
class RequirementsIncludeCycle(RequirementsLineError):
    chain: Sequence[str]
    failure_reason = "requirements_include_cycle"

    def title(self) -> str:
        return "The requirements files include each other in a loop."

    def body(self) -> str:
        return (
            f"{self.where()}: include cycle {' -> '.join(self.chain)}\n\n"
            "pip would follow these '-r'/'-c' lines forever. Remove the line that\n"
            "includes a file which is already being read."
        )


@dataclass(eq=False)
class RequirementsIncludeMissing(RequirementsLineError):
    target: str
    failure_reason = "requirements_include_missing"

    def title(self) -> str:
        return f"The file {self.target} included by {self.file} does not exist."

    def body(self) -> str:
        return (
            f"{self.where()}\n\n"
            f"This line includes '{self.target}' (paths in '-r' and '-c' lines are\n"
            f"relative to the directory of the file that contains them), but the app\n"
            "has no such file. Add the file to the repository, or fix the path."
        )


@dataclass(eq=False)
class RequirementsRemoteInclude(RequirementsLineError):
    failure_reason = "requirements_remote_include"

    def title(self) -> str:
        return f"{self.file} includes a requirements file by URL."

    def body(self) -> str:
        return (
            f"{self.where()}\n\n"
            "Files included with '-r' or '-c' must be part of the app, so that every\n"
            "build (and the build cache) sees the same content. Download the file into\n"
            "the repository (for example as requirements/vendored.txt), commit it and\n"
            "include it with a relative path: -r requirements/vendored.txt"
        )


@dataclass(eq=False)
class RequirementsPathOutsideApp(RequirementsLineError):
    """A path outside the app that cannot work (an absolute path to a package to
    install, not editable, is fine: see RequirementsOutsidePathMissing)."""

    role: str
    path: str
    failure_reason = "requirements_path_outside_app"

    def title(self) -> str:
        return f"{self.file} refers to {self.role} outside the app."

    def body(self) -> str:
        return f"{self.where()}\n\nThis points to '{visible(self.path)}'.\n{self._why()}"

    def _why(self) -> str:
        if self.role == "a file":
            return (
                "Files included with '-r' or '-c' are part of the app's requirements, read\n"
                "and fingerprinted with it, so they must be inside it. Copy the file into\n"
                "the repository and include it with a relative path."
            )
        if self.role == "an editable package":
            return (
                "An editable install ('-e') links the app to that directory instead of\n"
                "copying it, and the slug holds only the app's own files: when the app\n"
                "runs, the link would lead nowhere. Install it without '-e' (pip copies it\n"
                "into the slug), or move it into the repository."
            )
        return (
            "A relative path is resolved from the build directory, which the platform\n"
            "puts in a new place for each build, so a path that leaves it means\n"
            "something different every time. Give the absolute path of the file on the\n"
            "build machine, or move it into the repository and use a relative path."
        )


@dataclass(eq=False)
class RequirementsOutsidePathMissing(RequirementsLineError):
    path: str
    failure_reason = "requirements_outside_path_missing"

    def title(self) -> str:
        return f"{self.file} installs from a path outside the app that does not exist."

    def body(self) -> str:
        return (
            f"{self.where()}\n\n"
            f"'{visible(self.path)}' does not exist on the build machine during the\n"
            "build. A package outside the app (a wheel an earlier CI step built, for\n"
            "example) must be in place before the build starts: build or copy it there\n"
            "first, fix the path, or commit the package to the repository and use a\n"
            "relative path."
        )


@dataclass(eq=False)
class RequirementsLocalPathMissing(RequirementsLineError):
    path: str
    failure_reason = "requirements_local_path_missing"

    def title(self) -> str:
        return f"{self.file} installs from a local path that does not exist."

    def body(self) -> str:
        return (
            f"{self.where()}\n\n"
            f"pip resolves this path from the app's root directory, where there is no\n"
            f"'{visible(self.path)}'. Commit the directory or archive to the repository,\n"
            "or fix the path (it is relative to the app's root, not to the file)."
        )


@dataclass(eq=False)
class RequirementsFileUnreadable(BuildpackError):
    file: str
    reason: str
    failure_reason = "requirements_unreadable"

    def title(self) -> str:
        return f"The requirements file {self.file} could not be read."

    def body(self) -> str:
        return f"Reading it failed: {self.reason}.\nMake it a regular file in the repository."


@dataclass(eq=False)
class RequirementsFileNotText(BuildpackError):
    file: str
    reason: str
    failure_reason = "requirements_not_utf8"

    def title(self) -> str:
        return f"The requirements file {self.file} is not UTF-8 text."

    def body(self) -> str:
        return (
            f"Decoding it failed: {self.reason}.\n"
            "Save the file with the UTF-8 encoding (a byte order mark is fine), or\n"
            "declare its encoding on the first line, e.g. '# -*- coding: latin-1 -*-'."
        )

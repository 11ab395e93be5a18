"""Errors about the requested Python version: the files that name it, a version this
buildpack does not support, a project file or package manager that disagrees."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .base import BuildpackError, visible

_VERSION_FORMS = (
    "The version must be written as either:\n"
    "1. '<major>.<minor>', e.g. 3.13 (recommended: you get security patch updates)\n"
    "2. '<major>.<minor>.<patch>', e.g. 3.13.1 (to pin one exact release)"
)


def _quoted_lines(lines: Sequence[str]) -> str:
    return "\n".join(f"  '{visible(line)}'" for line in lines)


@dataclass(eq=False)
class PythonVersionFileInvalid(BuildpackError):
    line: str
    suggestion: str
    failure_reason = "python_version_file_invalid"

    def title(self) -> str:
        return "Invalid Python version in .python-version."

    def body(self) -> str:
        pypy = (
            "Only CPython is available: PyPy and other interpreters are not supported.\n\n"
            if "pypy" in self.line.lower()
            else ""
        )
        return (
            "The Python version in '.python-version' isn't in the correct format.\n"
            "This line was found (invisible characters shown as escapes):\n\n"
            f"{_quoted_lines([self.line])}\n\n"
            f"{_VERSION_FORMS}\n\n"
            "Don't add a 'python-' prefix, quotes, '.x' or a comment after the version;\n"
            "put comments on their own line, starting with '#'.\n\n"
            f"{pypy}"
            "For example, update '.python-version' so that it contains only:\n"
            f"{self.suggestion}"
        )


@dataclass(eq=False)
class PythonVersionFileMultipleVersions(BuildpackError):
    lines: Sequence[str]
    failure_reason = "python_version_file_multiple_versions"

    def title(self) -> str:
        return "Multiple Python versions in .python-version."

    def body(self) -> str:
        return (
            "The '.python-version' file must contain exactly one Python version, but\n"
            "these lines were found:\n\n"
            f"{_quoted_lines(self.lines)}\n\n"
            "Keep only the version the app should use. If the other lines are comments,\n"
            "start them with '#'."
        )


@dataclass(eq=False)
class PythonVersionFileNoVersion(BuildpackError):
    example: str
    failure_reason = "python_version_file_no_version"

    def title(self) -> str:
        return "No Python version in .python-version."

    def body(self) -> str:
        return (
            "The '.python-version' file is empty or contains only comments.\n\n"
            f"Write the Python version the app needs into it, such as: {self.example}\n"
            f'For example: echo "{self.example}" > .python-version\n\n'
            "If the file already has a version, check that its line does not start\n"
            "with '#', which makes it a comment."
        )


@dataclass(eq=False)
class PipfileLockPythonInvalid(BuildpackError):
    value: str
    example: str
    failure_reason = "pipfile_lock_python_invalid"

    def title(self) -> str:
        return "Invalid Python version in Pipfile.lock."

    def body(self) -> str:
        return (
            "The Python version in Pipfile.lock ('python_full_version' or 'python_version'\n"
            "in its '_meta.requires') isn't in the correct format. It is (invisible\n"
            "characters shown as escapes):\n\n"
            f"{_quoted_lines([self.value[:200]])}\n\n"
            f"{_VERSION_FORMS}\n\n"
            "Wildcards ('3.*') and ranges aren't supported. Set the version in the\n"
            "[requires] section of the Pipfile, for example: python_version = "
            f'"{self.example}"\n'
            "then run 'pipenv lock' to write Pipfile.lock again."
        )


@dataclass(eq=False)
class RuntimeTxtInvalid(BuildpackError):
    contents: str
    example: str
    failure_reason = "runtime_txt_invalid"

    def title(self) -> str:
        return "Invalid Python version in runtime.txt."

    def body(self) -> str:
        # A file's final newline ends its last line; it is not an empty line to show.
        lines = self.contents.removesuffix("\n").split("\n")
        shown = lines[:5] + (["..."] if len(lines) > 5 else [])
        return (
            "The 'runtime.txt' file isn't in the correct format ('python-<major>.<minor>'\n"
            "or 'python-<major>.<minor>.<patch>'). It contains (invisible characters shown\n"
            "as escapes):\n\n"
            f"{_quoted_lines([line[:200] for line in shown])}\n\n"
            "runtime.txt is deprecated. Replace it with a '.python-version' file that\n"
            "contains only the major version, for example:\n\n"
            f'  echo "{self.example}" > .python-version\n'
            "  git rm runtime.txt"
        )


_ENCODING_PROBLEMS = {
    "utf8_bom": "starts with a UTF-8 byte order mark (BOM)",
    "utf16": "is saved as UTF-16",
    "nul": "contains NUL bytes (it is probably saved as UTF-16)",
    "invalid_utf8": "is not valid UTF-8",
}


@dataclass(eq=False)
class VersionFileEncoding(BuildpackError):
    file: str
    # A key of `_ENCODING_PROBLEMS`.
    kind: str
    # The file's first bytes, with undecodable bytes and control characters escaped.
    excerpt: str
    example: str
    failure_reason = "version_file_encoding"

    def title(self) -> str:
        problem = _ENCODING_PROBLEMS.get(self.kind, "has an unsupported encoding")
        return f"The file '{visible(self.file)}' {problem}."

    def body(self) -> str:
        name = visible(self.file)
        deprecated = (
            "\n\nruntime.txt is deprecated: delete it once '.python-version' exists."
            if self.file == "runtime.txt"
            else ""
        )
        return (
            f"The buildpack reads '{name}' as UTF-8 text. Its first bytes are:\n\n"
            f"  {self.excerpt}\n\n"
            f"Save '{name}' as UTF-8 without a BOM (byte order mark): in most editors,\n"
            "choose the encoding 'UTF-8' (not 'UTF-8 with BOM', not 'UTF-16'). Or\n"
            "recreate it from a shell:\n\n"
            f'  echo "{self.example}" > .python-version\n\n'
            "In Windows PowerShell, '>' writes UTF-16; use instead:\n\n"
            f"  Set-Content -Path .python-version -Value {self.example} -Encoding ascii"
            f"{deprecated}"
        )


@dataclass(eq=False)
class VersionFileUnreadable(BuildpackError):
    file: str
    reason: str
    failure_reason = "version_file_unreadable"

    def title(self) -> str:
        return f"The file '{visible(self.file)}' could not be read."

    def body(self) -> str:
        return (
            f"Reading '{visible(self.file)}' failed: {self.reason}.\n"
            "Check that it is a regular file committed to the app, readable by everyone."
        )


@dataclass(eq=False)
class MisspelledVersionFile(BuildpackError):
    found: str
    expected: str
    example: str
    failure_reason = "version_file_misspelled"

    def title(self) -> str:
        return f"Found '{visible(self.found)}': did you mean '{self.expected}'?"

    def body(self) -> str:
        found = visible(self.found)
        if self.expected == "runtime.txt":
            fix = (
                "runtime.txt is deprecated, so rather than renaming it, replace it with a\n"
                "'.python-version' file that contains only the version:\n\n"
                f'  echo "{self.example}" > .python-version\n'
                f"  git rm '{found}'"
            )
        else:
            fix = f"Rename it:\n\n  git mv '{found}' .python-version"
        return (
            f"The app has a file named '{found}', which looks like a Python version file,\n"
            f"but the buildpack only reads '{self.expected}' (the name is case-sensitive).\n"
            "Without it, the build would silently use the default Python version.\n\n"
            f"{fix}"
        )


def _origin_words(origin_file: str | None) -> str:
    if origin_file is None:
        return "the buildpack's default Python version"
    return f"the version in '{origin_file}'"


def _how_to_request(origin_file: str | None, version: str) -> str:
    """How to ask for `version` instead, where the requested version came from: a
    new .python-version would lose to runtime.txt, and disagree with Pipfile.lock."""
    if origin_file == "Pipfile.lock":
        return (
            "Set it in the [requires] section of the Pipfile, for example:\n"
            f'python_version = "{version}"\n'
            "then run 'pipenv lock' to write Pipfile.lock again."
        )
    if origin_file == "runtime.txt":
        return (
            "runtime.txt is deprecated: replace it with a .python-version file, for example:\n"
            f'  echo "{version}" > .python-version\n'
            "  git rm runtime.txt"
        )
    return f'For example: echo "{version}" > .python-version'


@dataclass(eq=False)
class PythonVersionEndOfLife(BuildpackError):
    requested: str
    origin_file: str | None
    supported: Sequence[str]
    failure_reason = "python_version_eol"

    def title(self) -> str:
        return f"Python {self.requested} has reached end-of-life and is not supported."

    def body(self) -> str:
        newest = self.supported[-1] if self.supported else "3"
        return (
            f"The app requests Python {self.requested} ({_origin_words(self.origin_file)}).\n"
            "That Python version no longer receives security updates upstream:\n"
            "https://devguide.python.org/versions/#supported-versions\n\n"
            f"This buildpack supports Python {', '.join(self.supported)}.\n"
            "Upgrade the app to one of them. "
            f"{_how_to_request(self.origin_file, newest)}"
        )


@dataclass(eq=False)
class PythonVersionUnknown(BuildpackError):
    requested: str
    origin_file: str | None
    supported: Sequence[str]
    failure_reason = "python_version_unknown"

    def title(self) -> str:
        return f"Python {self.requested} is not a known Python version."

    def body(self) -> str:
        newest = self.supported[-1] if self.supported else "3"
        return (
            f"The app requests Python {self.requested} ({_origin_words(self.origin_file)}),\n"
            "which this buildpack does not know. Check that this Python version has been\n"
            "released, and use the newest release of the buildpack.\n\n"
            f"This buildpack supports Python {', '.join(self.supported)}.\n"
            "To use one of them: "
            f"{_how_to_request(self.origin_file, newest)}"
        )


@dataclass(eq=False)
class PythonVersionConflict(BuildpackError):
    """The Python version the build uses is one the project file excludes."""

    version: str
    version_file: str  # where the version came from (or "the default")
    project_file: str
    requirement: str
    failure_reason = "python_version_conflict"

    def title(self) -> str:
        return f"Python {self.version} does not satisfy {self.project_file}."

    def body(self) -> str:
        return (
            f"{self.version_file} asks for Python {self.version}, but {self.project_file}\n"
            f"requires Python '{visible(self.requirement)}'. The package manager would refuse\n"
            "to install for this Python. Change one of the two files so that they agree."
        )


@dataclass(eq=False)
class PythonVersionFileRequired(BuildpackError):
    """uv apps name their Python in .python-version (as classic requires)."""

    tool: str
    origin: str  # "runtime.txt" or "default"
    pin_command: str
    failure_reason = "python_version_file_required"

    def title(self) -> str:
        return f"No .python-version file found for this {self.tool} app."

    def body(self) -> str:
        found = (
            "The app names its Python version in runtime.txt, which is deprecated and\n"
            f"which {self.tool} does not read"
            if self.origin == "runtime.txt"
            else "The app does not say which Python version it uses"
        )
        return (
            f"{found}. {self.tool} and the build must use the same Python:\n"
            "create a .python-version file with the major version and commit it:\n\n"
            f"    {self.pin_command}"
        )

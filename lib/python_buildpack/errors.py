"""Every user-facing error of the buildpack, with its wording, in one place.

A `BuildpackError` carries data (file, line, value); `title()` and `body()` turn
it into words. Only `cli.py` renders them and picks the exit code. Each class has a
stable `failure_reason` that `bin/report` and the tests use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .text import redact


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


# --- command line and context (cli.py, context.py, config.py) ---------------


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


@dataclass(eq=False)
class UnsupportedStack(BuildpackError):
    stack: str
    supported: Sequence[str]
    failure_reason = "unsupported_stack"

    def title(self) -> str:
        return f"The stack '{visible(self.stack)}' is not supported."

    def body(self) -> str:
        return (
            f"This buildpack supports these stacks: {', '.join(self.supported)}.\n"
            "Set STACK to one of them, or leave it unset to use the default."
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


# --- python version (python_version.py) -------------------------------------

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
            f'Upgrade the app to one of them, for example: echo "{newest}" > .python-version'
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
            f'To use the newest, for example: echo "{newest}" > .python-version'
        )


# --- detect and app checks (detect.py, checks.py) ----------------------------


def _names(names: Sequence[str]) -> str:
    quoted = [f"'{visible(name)}'" for name in names]
    if len(quoted) < 2:
        return "".join(quoted)
    return f"{', '.join(quoted[:-1])} and {quoted[-1]}"


@dataclass(eq=False)
class CommittedHerokuPythonDir(BuildpackError):
    # A few entries of the directory, to show what was committed.
    entries: Sequence[str] = field(default_factory=tuple)
    failure_reason = "committed_heroku_python_dir"

    def title(self) -> str:
        return "The app contains a '.heroku/python' directory."

    def body(self) -> str:
        shown = bullet_list([visible(e) for e in self.entries]) if self.entries else "(empty)"
        return (
            "'.heroku/python' is where the buildpack installs Python, and it must not be\n"
            "part of the app's source. It contains:\n\n"
            f"{shown}\n\n"
            "Remove it from git and ignore it:\n\n"
            "  git rm -r --cached .heroku/python\n"
            "  echo '.heroku/' >> .gitignore\n\n"
            "If an earlier buildpack or a bin/pre_compile hook created it, change that step\n"
            "to use another location."
        )


@dataclass(eq=False)
class CommittedVirtualenv(BuildpackError):
    dirs: Sequence[str]
    failure_reason = "committed_virtualenv"

    def title(self) -> str:
        return f"The app contains a virtual environment: {_names(self.dirs)}."

    def body(self) -> str:
        rm = "\n".join(f"  git rm -r --cached '{visible(d)}'" for d in self.dirs)
        ignore = "\n".join(f"  echo '{visible(d)}/' >> .gitignore" for d in self.dirs)
        return (
            f"{_names(self.dirs)} holds a virtual environment (it has a 'pyvenv.cfg' file).\n"
            "A virtual environment only works on the machine that created it, and the\n"
            "buildpack installs the app's dependencies itself from requirements.txt.\n\n"
            "Delete it from git and add it to .gitignore:\n\n"
            f"{rm}\n{ignore}"
        )


@dataclass(eq=False)
class PackageWithoutRequirements(BuildpackError):
    files: Sequence[str]
    failure_reason = "package_without_requirements"

    def title(self) -> str:
        return "No requirements.txt file found."

    def body(self) -> str:
        return (
            f"The app has {_names(self.files)} but no 'requirements.txt'. This buildpack\n"
            "installs dependencies only from requirements.txt.\n\n"
            "To install the app as a package with the dependencies it declares, create a\n"
            "requirements.txt that contains the line '-e .':\n\n"
            "  echo '-e .' > requirements.txt\n\n"
            "Better, also pin every dependency in requirements.txt (for example with the\n"
            "output of 'pip freeze' from a fresh virtual environment), so that every build\n"
            "installs the same versions."
        )


_EXPORT_COMMANDS = {
    "Pipfile": ("Pipenv", "pipenv requirements > requirements.txt"),
    "Pipfile.lock": ("Pipenv", "pipenv requirements > requirements.txt"),
    "poetry.lock": (
        "Poetry",
        "poetry export -f requirements.txt --output requirements.txt"
        "   (needs the poetry-plugin-export plugin)",
    ),
    "uv.lock": ("uv", "uv export --format requirements-txt --no-hashes > requirements.txt"),
}


@dataclass(eq=False)
class UnsupportedPackageManager(BuildpackError):
    files: Sequence[str]
    failure_reason = "unsupported_package_manager"

    def _managers(self) -> list[str]:
        managers: list[str] = []
        for name in self.files:
            manager = _EXPORT_COMMANDS.get(name, (name, ""))[0]
            if manager not in managers:
                managers.append(manager)
        return managers

    def title(self) -> str:
        managers = self._managers()
        verb = "is" if len(managers) == 1 else "are"
        return f"{' and '.join(managers)} {verb} not supported yet."

    def body(self) -> str:
        commands: list[str] = []
        for name in self.files:
            command = _EXPORT_COMMANDS.get(name, ("", ""))[1]
            if command and f"  {command}" not in commands:
                commands.append(f"  {command}")
        return (
            f"The app has {_names(self.files)} but no 'requirements.txt'. This buildpack\n"
            "installs dependencies only from requirements.txt, with pip.\n\n"
            "Export the locked dependencies to requirements.txt and commit it:\n\n"
            + "\n".join(commands)
            + "\n\nThen remove the lockfile from the app: a requirements.txt next to a\n"
            "lockfile stops the build, since the two could disagree."
        )


@dataclass(eq=False)
class MultiplePackageManagerFiles(BuildpackError):
    files: Sequence[str]
    failure_reason = "multiple_package_manager_files"

    def title(self) -> str:
        return "Multiple package manager files were found."

    def body(self) -> str:
        return (
            f"The app has {_names(self.files)}. Each of these describes the app's\n"
            "dependencies, and it would be unclear which one the build uses: a change to\n"
            "one of them would seem to have no effect.\n\n"
            "This buildpack installs from 'requirements.txt'. Keep only one of these files\n"
            "and delete the others. For example, if requirements.txt is the one you keep\n"
            "up to date:\n\n"
            + "\n".join(f"  git rm '{visible(f)}'" for f in self.files if f != "requirements.txt")
        )


@dataclass(eq=False)
class MisspelledRequirementsFile(BuildpackError):
    found: Sequence[str]
    failure_reason = "requirements_txt_misspelled"

    def title(self) -> str:
        return f"Found {_names(self.found)}: did you mean 'requirements.txt'?"

    def body(self) -> str:
        first = visible(self.found[0]) if self.found else "requirement.txt"
        return (
            f"The app has {_names(self.found)} but no 'requirements.txt'. The buildpack\n"
            "only reads a file named exactly 'requirements.txt' (the name is case-sensitive).\n\n"
            "Rename it:\n\n"
            f"  git mv '{first}' requirements.txt"
        )


@dataclass(eq=False)
class NoPackageManagerFile(BuildpackError):
    # The app's top-level entries, sorted, directories with a trailing '/'.
    listing: Sequence[str]
    failure_reason = "no_package_manager_file"

    def title(self) -> str:
        return "No requirements.txt file found."

    def body(self) -> str:
        shown = [visible(e) for e in self.listing[:20]]
        if len(self.listing) > 20:
            shown.append(f"... and {len(self.listing) - 20} more")
        contents = bullet_list(shown) if shown else "(nothing)"
        return (
            "A Python app must have a 'requirements.txt' file in the top-level directory\n"
            "of its source. The top-level directory contains:\n\n"
            f"{contents}\n\n"
            "If the app has a requirements.txt, check that it is in the top-level directory\n"
            "(not a subdirectory), spelled exactly 'requirements.txt', and not listed in\n"
            "'.gitignore' or '.slugignore'.\n\n"
            "If the app has no dependencies, create an empty one: touch requirements.txt"
        )


# --- requirements graph (requirements.py) ------------------------------------

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
    role: str
    path: str
    failure_reason = "requirements_path_outside_app"

    def title(self) -> str:
        return f"{self.file} refers to {self.role} outside the app."

    def body(self) -> str:
        return (
            f"{self.where()}\n\n"
            f"This points to '{visible(self.path)}', which is not inside the app's\n"
            "directory. Only the app's own files are present during the build. Move\n"
            "what it points to into the repository and use a relative path inside it."
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


# --- runtime (runtime.py) ----------------------------------------------------


@dataclass(eq=False)
class InvalidRuntimeBaseUrl(BuildpackError):
    name: str
    source: str  # "config var" or "environment variable"
    value: str
    problem: str
    failure_reason = "runtime_base_url"

    def title(self) -> str:
        return f"The {self.source} {self.name} is not a usable URL."

    def body(self) -> str:
        return (
            f"{self.name} is set to '{visible(self.value)}', which {self.problem}.\n"
            "Set it to the address of a directory of Python archives, starting with\n"
            "https://, http:// or file://, or unset it to use Heroku's archives."
        )


@dataclass(eq=False)
class InvalidTrustSetting(BuildpackError):
    name: str
    value: str
    reason: str
    failure_reason = "trust_setting"

    def title(self) -> str:
        return f"The CA certificates named by {self.name} could not be loaded."

    def body(self) -> str:
        return (
            f"{self.name} is set to '{visible(self.value)}': {self.reason}.\n"
            "Point it to a readable PEM file (or a directory of hashed certificates),\n"
            "or unset it to use the system's certificates."
        )


@dataclass(eq=False)
class RuntimeArchiveNotFound(BuildpackError):
    url: str
    detail: str
    failure_reason = "runtime_not_found"

    def title(self) -> str:
        return "The Python archive was not found."

    def body(self) -> str:
        return (
            f"There is no file at {self.url} ({self.detail}).\n"
            "Check PYTHON_RUNTIME_BASE_URL, if you set it."
        )


@dataclass(eq=False)
class PythonVersionUnavailable(BuildpackError):
    version: str
    stack: str
    arch: str
    url: str
    detail: str
    supported: Sequence[str] = field(default_factory=tuple)
    origin: str = ".python-version"
    failure_reason = "python_version_unavailable"

    def title(self) -> str:
        return f"Python {self.version} isn't available for this stack ({self.stack}, {self.arch})."

    def body(self) -> str:
        newest = ", ".join(self.supported) if self.supported else "(none known)"
        major = ".".join(self.version.split(".")[:2])
        return (
            f"There is no Python {self.version} archive at:\n{self.url}\n"
            f"({self.detail}).\n\n"
            f"- Check the version in {self.origin}: is {self.version} a released version?\n"
            f"- Use a supported version. The newest of each is: {newest}.\n"
            f"  Giving only the major version ({major}) gets you its newest patch.\n"
            "- Or set PYTHON_RUNTIME_BASE_URL to a mirror that has this version."
        )


@dataclass(eq=False)
class RuntimeDownloadFailed(BuildpackError):
    url: str
    reason: str
    attempts: int = 1
    retryable: bool = True
    failure_reason = "runtime_download"

    def title(self) -> str:
        return "Unable to download Python."

    def body(self) -> str:
        tries = f" (tried {self.attempts} times)" if self.attempts > 1 else ""
        found = f"Downloading {self.url} failed{tries}:\n{self.reason}.\n\n"
        if self.retryable:
            return found + (
                "This is usually a temporary problem with the network or the server:\n"
                "try the build again. If it keeps failing, check that the build can reach\n"
                "that address (proxy settings: HTTPS_PROXY, NO_PROXY)."
            )
        return found + (
            "Trying again will not help. Check the address, the server's certificate\n"
            "and the CA settings (SSL_CERT_FILE), or set PYTHON_RUNTIME_BASE_URL to\n"
            "another mirror."
        )


@dataclass(eq=False)
class RuntimeChecksumMismatch(BuildpackError):
    url: str
    expected: str
    actual: str
    failure_reason = "runtime_checksum"

    def title(self) -> str:
        return "The downloaded Python archive is not the expected file."

    def body(self) -> str:
        return (
            f"The SHA-256 of {self.url} does not match {self.url}.sha256:\n"
            f"expected: {self.expected}\n"
            f"actual:   {self.actual}\n\n"
            "The file may have been damaged on the way: try the build again. If it keeps\n"
            "failing, the archive or its .sha256 file on the server is wrong."
        )


@dataclass(eq=False)
class RuntimeArchiveInvalid(BuildpackError):
    archive: str
    reason: str
    failure_reason = "runtime_archive_invalid"

    def title(self) -> str:
        return "The Python archive could not be unpacked."

    def body(self) -> str:
        return (
            f"{self.archive}: {self.reason}.\n"
            "The file is damaged or is not a zstd-compressed tar archive. Try the build\n"
            "again; if it keeps failing, check the archive on the server that\n"
            "PYTHON_RUNTIME_BASE_URL names, or clear the build cache."
        )


@dataclass(eq=False)
class UnsafeRuntimeArchive(BuildpackError):
    archive: str
    member: str
    reason: str
    failure_reason = "runtime_archive_unsafe"

    def title(self) -> str:
        return "The Python archive contains an unsafe entry."

    def body(self) -> str:
        return (
            f"In {self.archive}, the entry '{visible(self.member)}' {self.reason},\n"
            "so the archive was not unpacked. A runtime archive may only hold files,\n"
            "directories and links inside the install directory. Fix the archive on the\n"
            "server that PYTHON_RUNTIME_BASE_URL names."
        )


@dataclass(eq=False)
class ZstdUnavailable(BuildpackError):
    failure_reason = "zstd_missing"

    def title(self) -> str:
        return "The zstd program is needed to unpack Python."

    def body(self) -> str:
        return (
            "Python archives are compressed with zstd, and this build machine has neither\n"
            "the zstd program on its PATH nor Python 3.14's compression.zstd module.\n"
            "Install zstd (for example: apt-get install zstd); Heroku's stack images\n"
            "include it."
        )


# --- pip and dependencies (pip.py, dependencies.py) ---------------------------


@dataclass(eq=False)
class PipInstallFailed(BuildpackError):
    command: str
    output_tail: Sequence[str] = field(default_factory=tuple)
    failure_reason = "pip_install"

    def title(self) -> str:
        return "Unable to install dependencies using pip."

    def body(self) -> str:
        tail = "\n".join(self.output_tail[-8:])
        return (
            f"The command '{self.command}' failed. See the log above for pip's full\n"
            "output; its last lines were:\n\n"
            f"{tail}\n\n"
            "Check that every package and version in your requirements files exists on\n"
            "the package index you use, and that the build can reach that index. Run the\n"
            "same command locally in a new virtual environment to reproduce the error."
        )


@dataclass(eq=False)
class PipBootstrapFailed(BuildpackError):
    version: str
    output_tail: Sequence[str] = field(default_factory=tuple)
    failure_reason = "pip_bootstrap"

    def title(self) -> str:
        return f"Unable to install pip {self.version}."

    def body(self) -> str:
        tail = "\n".join(self.output_tail[-8:])
        return (
            f"Installing pip into the app's Python failed:\n\n{tail}\n\n"
            "This is most likely a temporary problem; try the build again. If it keeps\n"
            "failing, clear the build cache."
        )


@dataclass(eq=False)
class PipResolutionFailed(BuildpackError):
    command: str
    output_tail: Sequence[str] = field(default_factory=tuple)
    failure_reason = "pip_resolve"

    def title(self) -> str:
        return "Unable to work out which packages a clean install would pick."

    def body(self) -> str:
        tail = "\n".join(self.output_tail[-8:])
        return (
            f"Before reusing the cache, the build asked pip what a clean install would\n"
            f"install today ('{self.command}'), and pip failed:\n\n{tail}\n\n"
            "Check that every package in your requirements files exists on the index you\n"
            "use and that the build can reach it. Pinning every package (pip freeze) also\n"
            "avoids this check."
        )


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


@dataclass(eq=False)
class RuntimeWithoutEnsurepip(BuildpackError):
    version: str
    failure_reason = "runtime_without_ensurepip"

    def title(self) -> str:
        return f"The Python {self.version} runtime has no bundled pip."

    def body(self) -> str:
        return (
            "The buildpack installs pip with the pip wheel that CPython's ensurepip\n"
            "bundles (lib/pythonX.Y/ensurepip/_bundled/), and this runtime archive has\n"
            "none. Some Linux distributions remove it from their Python. Retrying will\n"
            "not help: point PYTHON_RUNTIME_BASE_URL at archives of a complete CPython,\n"
            "such as Heroku's, or pack one with tools/pack_runtime.py from a CPython\n"
            "built from source."
        )


# --- hooks and Django (hooks.py, django.py) -----------------------------------


@dataclass(eq=False)
class HookFailed(BuildpackError):
    hook: str
    exit_code: int
    failure_reason = "hook"

    def title(self) -> str:
        return f"The {self.hook} hook failed."

    def body(self) -> str:
        return (
            f"The script '{self.hook}' exited with status {self.exit_code}; its output is\n"
            "above. Fix the script, or remove it if the app no longer needs it."
        )


@dataclass(eq=False)
class CollectstaticFailed(BuildpackError):
    exit_code: int
    output_tail: Sequence[str] = field(default_factory=tuple)
    failure_reason = "collectstatic"

    def title(self) -> str:
        return "Unable to generate Django static files."

    def body(self) -> str:
        tail = "\n".join(self.output_tail[-8:])
        return (
            f"'python manage.py collectstatic --noinput' exited with status {self.exit_code}:\n\n"
            f"{tail}\n\n"
            "Run it locally to see the full error. Common causes: STATIC_ROOT is not set\n"
            "in settings, or settings need a config var that the build does not have.\n"
            "To skip this step, set the config var DISABLE_COLLECTSTATIC=1."
        )


# --- cache (cache.py, fingerprint.py) ----------------------------------------

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



# --- managers ---
# (lockfiles/: the uv, Poetry and Pipenv lockfile parsers and the tool installer)


@dataclass(eq=False)
class LockfileInvalid(BuildpackError):
    file: str
    detail: str
    failure_reason = "lockfile_invalid"

    def title(self) -> str:
        return f"Unable to read {self.file}."

    def body(self) -> str:
        return (
            f"{visible(self.detail)}\n\n"
            f"{self.file} is written by its package manager: regenerate it with the tool\n"
            "rather than editing it by hand, then commit it."
        )


@dataclass(eq=False)
class LockfileOutOfSync(BuildpackError):
    lockfile: str
    project_file: str
    fix_command: str
    detail: str = ""
    failure_reason = "lockfile_out_of_sync"

    def title(self) -> str:
        return f"{self.lockfile} is out of date with {self.project_file}."

    def body(self) -> str:
        detail = f"{visible(self.detail)}\n\n" if self.detail else ""
        return (
            f"{detail}{self.project_file} was changed after {self.lockfile} was made, so the\n"
            "lockfile no longer says what to install. Run this and commit the result:\n\n"
            f"    {self.fix_command}"
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


@dataclass(eq=False)
class ManagerToolInstallFailed(BuildpackError):
    tool: str
    version: str
    output_tail: Sequence[str] = field(default_factory=tuple)
    failure_reason = "manager_tool_install"

    def title(self) -> str:
        return f"Unable to install {self.tool} {self.version}."

    def body(self) -> str:
        tail = "\n".join(self.output_tail[-8:])
        return (
            f"Installing {self.tool} from its pinned wheels failed:\n\n{tail}\n\n"
            "This is most likely a temporary problem with the package index; try the\n"
            "build again. If it keeps failing, clear the build cache."
        )

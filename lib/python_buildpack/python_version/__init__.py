"""Which Python the app asks for, and which exact release that means.

The *requested* version (`3.12`, from `.python-version`, `runtime.txt` or the default)
and the *resolved* one (`3.12.13`) are different types, as in heroku/buildpacks-python
(`src/python_version.rs`). File formats follow Heroku's definitions:
https://devcenter.heroku.com/articles/python-runtimes

Parsers take text; only `read_requested_python_version` touches the disk.
Warnings are returned as `(title, body)` pairs; their wording lives here, next to the
conditions that produce them (errors live in errors.py).
"""

from __future__ import annotations

import enum
import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import (
    MisspelledVersionFile,
    PythonVersionEndOfLife,
    PythonVersionFileInvalid,
    PythonVersionFileMultipleVersions,
    PythonVersionFileNoVersion,
    PythonVersionUnknown,
    RuntimeTxtInvalid,
    VersionFileEncoding,
    VersionFileUnreadable,
    visible,
)

# The supported versions, as data that a release updates (python_versions.json): the
# newest patch release of each major version, and the end-of-life dates that the
# deprecation warning names. Older than the first entry is end-of-life; newer than
# the last is unknown; the last is the default.
VERSION_TABLE_FILE = Path(__file__).with_name("python_versions.json")
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


@dataclass(frozen=True)
class SupportedMajorVersion:
    major: int
    minor: int
    latest_patch: int
    # Upstream end-of-life ("October 2026") and the day this buildpack drops it
    # ("6 January 2027"), for a version that is deprecated; None otherwise.
    end_of_life: str | None = None
    support_ends: str | None = None


def parse_version_table(text: str) -> dict[tuple[int, int], SupportedMajorVersion]:
    """Read python_versions.json; a malformed table is a bug in a release (ValueError)."""
    table: dict[tuple[int, int], SupportedMajorVersion] = {}
    for key, entry in json.loads(text)["versions"].items():
        major, minor = (int(part) for part in key.split("."))
        latest = str(entry["latest"])
        if not latest.startswith(f"{key}.") or not latest[len(key) + 1 :].isdigit():
            raise ValueError(f"python_versions.json: {key}: latest {latest!r} is not {key}.N")
        eol, ends = entry.get("end_of_life"), entry.get("support_ends")
        table[(major, minor)] = SupportedMajorVersion(
            major,
            minor,
            int(latest.rsplit(".", 1)[1]),
            _month(eol) if eol else None,
            _day(ends) if ends else None,
        )
    if not table:
        raise ValueError("python_versions.json lists no versions")
    return dict(sorted(table.items()))


def _month(iso: str) -> str:
    year, month = iso.split("-")
    return f"{_MONTHS[int(month) - 1]} {int(year)}"


def _day(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{int(day)} {_MONTHS[int(month) - 1]} {int(year)}"


SUPPORTED = parse_version_table(VERSION_TABLE_FILE.read_text(encoding="utf-8"))
LATEST_PATCH: dict[tuple[int, int], int] = {k: v.latest_patch for k, v in SUPPORTED.items()}
OLDEST_SUPPORTED = min(SUPPORTED)
NEWEST_SUPPORTED = max(SUPPORTED)

PYTHON_VERSION_FILE = ".python-version"
RUNTIME_TXT = "runtime.txt"

# An integer with no redundant leading zeros, ASCII digits only (`\d` would accept
# other scripts' digits). Same grammar as heroku-buildpack-python lib/python_version.sh.
_INT = "(0|[1-9][0-9]*)"
_VERSION = rf"{_INT}\.{_INT}(?:\.{_INT})?"
_VERSION_RE = re.compile(_VERSION)
_RUNTIME_TXT_RE = re.compile(rf"python-{_VERSION}")
# Whitespace the formats allow around a version: ASCII only, like bash's [[:space:]],
# so that a no-break space or zero-width character is reported rather than ignored.
_SPACE = " \t\r\n\f\v"


class VersionOrigin(enum.Enum):
    PYTHON_VERSION_FILE = PYTHON_VERSION_FILE
    RUNTIME_TXT = RUNTIME_TXT
    DEFAULT = "default"


@dataclass(frozen=True)
class RequestedPythonVersion:
    major: int
    minor: int
    patch: int | None
    origin: VersionOrigin
    # The file the version came from, relative to the app root; None for the default.
    origin_file: str | None = None

    @property
    def major_minor(self) -> str:
        return f"{self.major}.{self.minor}"

    def __str__(self) -> str:
        if self.patch is None:
            return self.major_minor
        return f"{self.major}.{self.minor}.{self.patch}"


@dataclass(frozen=True)
class ResolvedPythonVersion:
    major: int
    minor: int
    patch: int

    @property
    def major_minor(self) -> str:
        return f"{self.major}.{self.minor}"

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"


DEFAULT_PYTHON_VERSION = RequestedPythonVersion(
    NEWEST_SUPPORTED[0], NEWEST_SUPPORTED[1], None, VersionOrigin.DEFAULT, None
)
DEFAULT_MAJOR_MINOR = DEFAULT_PYTHON_VERSION.major_minor


def supported_versions() -> list[str]:
    return [f"{major}.{minor}" for major, minor in sorted(LATEST_PATCH)]


# --- parsing (pure) ------------------------------------------------------------


def _suggestion(line: str) -> str:
    """The valid version the user most likely meant: `python-3.12` -> `3.12`."""
    match = re.search(r"([0-9]+)\.([0-9]+)", line)
    if match:
        key = (int(match.group(1)), int(match.group(2)))
        if key in LATEST_PATCH:
            return f"{key[0]}.{key[1]}"
    return DEFAULT_MAJOR_MINOR


def parse_python_version_file(text: str) -> RequestedPythonVersion:
    """Parse `.python-version`: one `3.12` or `3.12.7`; `#` comment and blank lines allowed."""
    version_lines = [
        line for line in text.split("\n") if line.strip(_SPACE) and not _is_comment(line)
    ]
    if not version_lines:
        raise PythonVersionFileNoVersion(DEFAULT_MAJOR_MINOR)
    if len(version_lines) > 1:
        raise PythonVersionFileMultipleVersions(version_lines)
    line = version_lines[0]
    match = _VERSION_RE.fullmatch(line.strip(_SPACE))
    if match is None:
        raise PythonVersionFileInvalid(line, _suggestion(line))
    return _requested(match, VersionOrigin.PYTHON_VERSION_FILE, PYTHON_VERSION_FILE)


def _is_comment(line: str) -> bool:
    return line.lstrip(_SPACE).startswith("#")


# What classic trims around a runtime.txt line: `sed 's/^[[:space:]]+//'` under
# LC_ALL=C.UTF-8, that is glibc's iswspace: ASCII whitespace and the Unicode spaces
# that are not no-break spaces (U+00A0, U+2007, U+202F stay, and so do zero-width
# characters, which are then reported).
_CLASSIC_SPACE = _SPACE + "\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a"
_CLASSIC_SPACE += "\u2028\u2029\u205f\u3000"


def runtime_txt_lines(text: str) -> list[str]:
    """The lines of runtime.txt that count: trimmed, without blank and `#` lines."""
    lines = (line.strip(_CLASSIC_SPACE) for line in text.split("\n"))
    return [line for line in lines if line and not line.startswith("#")]


def parse_runtime_txt(text: str) -> RequestedPythonVersion:
    """Parse the deprecated `runtime.txt` as classic does (lib/python_version.sh,
    `read_trimmed_version_lines`): one `python-3.12.7` or `python-3.12` line, with
    whitespace around it, blank lines and `#` comment lines (also indented) allowed."""
    lines = runtime_txt_lines(text)
    match = _RUNTIME_TXT_RE.fullmatch(lines[0]) if len(lines) == 1 else None
    if match is None:
        shown = "\n".join(lines) if lines else text
        raise RuntimeTxtInvalid(shown, _suggestion(shown))
    return _requested(match, VersionOrigin.RUNTIME_TXT, RUNTIME_TXT)


def _requested(match: re.Match[str], origin: VersionOrigin, file: str) -> RequestedPythonVersion:
    major, minor, patch = match.groups()
    return RequestedPythonVersion(
        int(major), int(minor), None if patch is None else int(patch), origin, file
    )


def decode_version_file(name: str, data: bytes) -> str:
    """Decode a version file's bytes, refusing what editors on Windows like to write."""
    excerpt = visible(data[:40].decode("utf-8", "backslashreplace"))
    if data.startswith(b"\xef\xbb\xbf"):
        raise VersionFileEncoding(name, "utf8_bom", excerpt, _example(data))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise VersionFileEncoding(name, "utf16", excerpt, _example(data))
    if b"\x00" in data:
        raise VersionFileEncoding(name, "nul", excerpt, _example(data))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        start = max(error.start - 20, 0)
        excerpt = visible(data[start : error.start + 20].decode("utf-8", "backslashreplace"))
        raise VersionFileEncoding(name, "invalid_utf8", excerpt, _example(data)) from None


def _example(data: bytes) -> str:
    # UTF-16 text still has its ASCII digits, one byte in two.
    return _suggestion(data.replace(b"\x00", b"").decode("ascii", "replace"))


# --- reading (impure) ----------------------------------------------------------

# Names people give their version file by mistake -> the name the buildpack reads.
# Compared case-insensitively and ignoring surrounding whitespace, so `Runtime.txt`,
# `.Python-version` and `.python-version\r` (a name typed on Windows) are found too.
_MISSPELLED_VERSION_FILES: dict[str, str] = {
    ".python-version": PYTHON_VERSION_FILE,
    ".python_version": PYTHON_VERSION_FILE,
    "python-version": PYTHON_VERSION_FILE,
    "python_version": PYTHON_VERSION_FILE,
    ".python-version.txt": PYTHON_VERSION_FILE,
    ".python_version.txt": PYTHON_VERSION_FILE,
    "python-version.txt": PYTHON_VERSION_FILE,
    "python_version.txt": PYTHON_VERSION_FILE,
    ".pythonversion": PYTHON_VERSION_FILE,
    ".python-versions": PYTHON_VERSION_FILE,
    ".python.version": PYTHON_VERSION_FILE,
    "runtime.txt": RUNTIME_TXT,
    "runtime.text": RUNTIME_TXT,
    "runtime": RUNTIME_TXT,
    ".runtime.txt": RUNTIME_TXT,
    "runtime.txt.txt": RUNTIME_TXT,
    "runtimes.txt": RUNTIME_TXT,
    "runtime_txt": RUNTIME_TXT,
}
# A real version file is a few bytes; a big file called `runtime` is something else.
_MAX_MISSPELLED_SIZE = 1024


def misspelled_version_files(names: list[str]) -> list[tuple[str, str]]:
    """`(found, expected)` for each name that looks like a misspelled version file."""
    found: list[tuple[str, str]] = []
    for name in sorted(names):
        if name in (PYTHON_VERSION_FILE, RUNTIME_TXT):
            continue
        expected = _MISSPELLED_VERSION_FILES.get(name.strip(_SPACE).lower())
        if expected is not None:
            found.append((name, expected))
    return found


def read_requested_python_version(build_dir: Path) -> RequestedPythonVersion:
    """runtime.txt wins over .python-version (as on Heroku); else the default."""
    runtime_txt = build_dir / RUNTIME_TXT
    if runtime_txt.is_file():
        return parse_runtime_txt(_read(runtime_txt, RUNTIME_TXT))
    python_version_file = build_dir / PYTHON_VERSION_FILE
    if python_version_file.is_file():
        return parse_python_version_file(_read(python_version_file, PYTHON_VERSION_FILE))
    _refuse_misspelled_version_file(build_dir)
    return DEFAULT_PYTHON_VERSION


def _read(path: Path, name: str) -> str:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise VersionFileUnreadable(name, error.strerror or str(error)) from None
    return decode_version_file(name, data)


def _refuse_misspelled_version_file(build_dir: Path) -> None:
    files = [entry.name for entry in build_dir.iterdir() if entry.is_file()]
    for name, expected in misspelled_version_files(files):
        try:
            with (build_dir / name).open("rb") as file:
                head = file.read(_MAX_MISSPELLED_SIZE + 1)
        except OSError:
            continue
        content = head.replace(b"\x00", b"").decode("utf-8", "replace")
        # Only a small file that holds something like a version: `runtime` may be a script.
        if len(head) <= _MAX_MISSPELLED_SIZE and re.search(r"[0-9]+\.[0-9]+", content):
            raise MisspelledVersionFile(name, expected, _suggestion(content))


# --- resolving (pure) ------------------------------------------------------------


def resolve_python_version(requested: RequestedPythonVersion) -> ResolvedPythonVersion:
    """`3.12` -> the newest known 3.12 release; an exact `3.12.7` is used as given."""
    key = (requested.major, requested.minor)
    if key < OLDEST_SUPPORTED:
        raise PythonVersionEndOfLife(str(requested), requested.origin_file, supported_versions())
    if key > NEWEST_SUPPORTED:
        raise PythonVersionUnknown(str(requested), requested.origin_file, supported_versions())
    if requested.patch is not None:
        # Whether this release exists is for the runtime download to say.
        return ResolvedPythonVersion(requested.major, requested.minor, requested.patch)
    return ResolvedPythonVersion(requested.major, requested.minor, LATEST_PATCH[key])


# --- warnings (pure) ---------------------------------------------------------------


def version_warnings(requested: RequestedPythonVersion) -> list[tuple[str, str]]:
    """Non-fatal advice about how the version was requested, as `(title, body)` pairs."""
    warnings: list[tuple[str, str]] = []
    major_minor = requested.major_minor
    if requested.origin is VersionOrigin.RUNTIME_TXT:
        warnings.append(
            (
                "The runtime.txt file is deprecated.",
                "Heroku has replaced runtime.txt with the more widely supported\n"
                ".python-version file (https://devcenter.heroku.com/changelog-items/3141),\n"
                "and newer buildpacks no longer read it. Switch to a .python-version file\n"
                "that contains only the major version, so the app gets security patch\n"
                "updates:\n\n"
                f'  echo "{major_minor}" > .python-version\n'
                "  git rm runtime.txt\n\n"
                "While runtime.txt exists, it takes precedence over .python-version.\n"
                "Support for runtime.txt will be removed, and this warning will then\n"
                "become an error.",
            )
        )
    if requested.origin is VersionOrigin.DEFAULT:
        warnings.append(
            (
                "No Python version was specified.",
                f"The app does not say which Python it needs, so the buildpack default\n"
                f"Python {major_minor} is used. The default changes over time, which could\n"
                "break the app on a later build. Choose the version explicitly:\n\n"
                f'  echo "{major_minor}" > .python-version',
            )
        )
    supported = SUPPORTED.get((requested.major, requested.minor))
    if (
        requested.origin_file is not None
        and requested.patch is not None
        and supported is not None
        and requested.patch < supported.latest_patch
    ):
        latest = f"{major_minor}.{supported.latest_patch}"
        warnings.append(
            (
                f"A newer patch release of Python {major_minor} is available.",
                f"{requested.origin_file} pins Python {requested}, but {latest} is out\n"
                "with bug and security fixes. Request only the major version, so every\n"
                "build uses the newest patch release:\n\n"
                f'  echo "{major_minor}" > .python-version',
            )
        )
    if supported is not None and supported.end_of_life is not None:
        newest = f"{NEWEST_SUPPORTED[0]}.{NEWEST_SUPPORTED[1]}"
        eol = supported.end_of_life
        ends = (
            f"This buildpack will stop supporting it on {supported.support_ends}."
            if supported.support_ends
            else "This buildpack will stop supporting it."
        )
        warnings.append(
            (
                f"Support for Python {major_minor} is deprecated.",
                f"The upstream end-of-life of Python {major_minor} is {eol}: it gets no\n"
                "security updates after that:\n"
                "https://devguide.python.org/versions/#supported-versions\n\n"
                f"{ends}\n"
                f"Upgrade to a newer Python as soon as possible, for example Python {newest}:\n\n"
                f'  echo "{newest}" > .python-version',
            )
        )
    return warnings

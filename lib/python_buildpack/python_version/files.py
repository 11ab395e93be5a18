"""Parsing the version files, pure: `.python-version` and `runtime.txt` text, their bytes
(refusing encodings editors on Windows write) and names that look like a misspelled
version file. Formats: https://devcenter.heroku.com/articles/python-runtimes
Reading them from the app is read.py's.
"""

from __future__ import annotations

import re

from ..errors import (
    PipfileLockPythonInvalid,
    PythonVersionFileInvalid,
    PythonVersionFileMultipleVersions,
    PythonVersionFileNoVersion,
    RuntimeTxtInvalid,
    VersionFileEncoding,
    visible,
)
from .model import (
    DEFAULT_MAJOR_MINOR,
    PYTHON_VERSION_FILE,
    RUNTIME_TXT,
    RequestedPythonVersion,
    VersionOrigin,
)
from .table import LATEST_PATCH

# An integer with no redundant leading zeros, ASCII digits only (`\d` would accept
# other scripts' digits). Same grammar as heroku-buildpack-python lib/python_version.sh.
_INT = "(0|[1-9][0-9]*)"
_VERSION = rf"{_INT}\.{_INT}(?:\.{_INT})?"
_VERSION_RE = re.compile(_VERSION)
_RUNTIME_TXT_RE = re.compile(rf"python-{_VERSION}")
# Whitespace the formats allow around a version: ASCII only, like bash's [[:space:]],
# so that a no-break space or zero-width character is reported rather than ignored.
_SPACE = " \t\r\n\f\v"


def suggested_version(line: str) -> str:
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
        raise PythonVersionFileInvalid(line, suggested_version(line))
    return _requested(match, VersionOrigin.PYTHON_VERSION_FILE, PYTHON_VERSION_FILE)


def parse_pipfile_lock_python(value: str) -> RequestedPythonVersion:
    """Pipfile.lock's `python_full_version` or `python_version`: `3.12` or `3.12.7`
    exactly, as classic checks it (lib/python_version.sh); no comments, no spaces."""
    match = _VERSION_RE.fullmatch(value)
    if match is None:
        raise PipfileLockPythonInvalid(value, suggested_version(value))
    return _requested(match, VersionOrigin.PIPFILE_LOCK, VersionOrigin.PIPFILE_LOCK.value)


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
        raise RuntimeTxtInvalid(shown, suggested_version(shown))
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
    return suggested_version(data.replace(b"\x00", b"").decode("ascii", "replace"))


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

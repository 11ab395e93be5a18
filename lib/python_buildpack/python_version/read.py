"""Reading the requested version from the app: the only part of python_version that
touches the disk. runtime.txt wins over .python-version (as on Heroku); a misspelled
version file is refused rather than silently ignored."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import MisspelledVersionFile, VersionFileUnreadable
from .files import (
    decode_version_file,
    misspelled_version_files,
    parse_python_version_file,
    parse_runtime_txt,
    suggested_version,
)
from .model import DEFAULT_PYTHON_VERSION, PYTHON_VERSION_FILE, RUNTIME_TXT, RequestedPythonVersion

# A real version file is a few bytes; a big file called `runtime` is something else.
_MAX_MISSPELLED_SIZE = 1024


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
            raise MisspelledVersionFile(name, expected, suggested_version(content))

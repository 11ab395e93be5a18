"""Which Python the app asks for, and which exact release that means.

The *requested* version (`3.12`, from `.python-version`, `runtime.txt` or the default)
and the *resolved* one (`3.12.13`) are different types, as in heroku/buildpacks-python
(`src/python_version.rs`). File formats follow Heroku's definitions:
https://devcenter.heroku.com/articles/python-runtimes

One module per concern: table.py (the supported versions, data in python_versions.json),
model.py (the version types and the default), files.py (parsing the version files'
text and bytes, pure), read.py (reading them from the app, the only disk access),
resolve.py (resolution, and when to warn, pure). The words of its errors are in
errors/python_version.py, those of its warnings in errors/build_warnings.py. This
package re-exports what the rest of the buildpack and its tests use.
"""

from __future__ import annotations

from .files import (
    decode_version_file,
    misspelled_version_files,
    parse_pipfile_lock_python,
    parse_python_version_file,
    parse_runtime_txt,
    runtime_txt_lines,
)
from .model import (
    DEFAULT_MAJOR_MINOR,
    DEFAULT_PYTHON_VERSION,
    PYTHON_VERSION_FILE,
    RUNTIME_TXT,
    RequestedPythonVersion,
    ResolvedPythonVersion,
    VersionOrigin,
)
from .read import read_requested_python_version
from .resolve import resolve_python_version, version_warnings
from .table import (
    LATEST_PATCH,
    NEWEST_SUPPORTED,
    OLDEST_SUPPORTED,
    SUPPORTED,
    VERSION_TABLE_FILE,
    SupportedMajorVersion,
    parse_version_table,
    supported_versions,
)

__all__ = [
    "DEFAULT_MAJOR_MINOR",
    "DEFAULT_PYTHON_VERSION",
    "LATEST_PATCH",
    "NEWEST_SUPPORTED",
    "OLDEST_SUPPORTED",
    "PYTHON_VERSION_FILE",
    "RUNTIME_TXT",
    "SUPPORTED",
    "VERSION_TABLE_FILE",
    "RequestedPythonVersion",
    "ResolvedPythonVersion",
    "SupportedMajorVersion",
    "VersionOrigin",
    "decode_version_file",
    "misspelled_version_files",
    "parse_pipfile_lock_python",
    "parse_python_version_file",
    "parse_runtime_txt",
    "parse_version_table",
    "read_requested_python_version",
    "resolve_python_version",
    "runtime_txt_lines",
    "supported_versions",
    "version_warnings",
]

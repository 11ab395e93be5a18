"""Where runtime archives come from: the base URL, the archive names, and fetching
one with its `.sha256` sidecar checked.

Archives are named `python-X.Y.Z-ubuntu-NN.04-ARCH.tar.zst` under a base URL and
hold an install prefix at their root (bin/, lib/, include/, share/). Downloading to
a file and extracting it (archive.py) are separate steps, so that the caller can
keep a pristine copy of either in the cache.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..errors import (
    InvalidRuntimeBaseUrl,
    PythonVersionUnavailable,
    RuntimeArchiveNotFound,
    RuntimeChecksumMismatch,
    RuntimeDownloadFailed,
)
from ..redaction import redact

if TYPE_CHECKING:
    from .download import Timeouts

# Heroku's public bucket of runtime archives, as used by heroku/heroku-buildpack-python
# (lib/python.sh) and heroku/buildpacks-python (src/python_version.rs).
DEFAULT_BASE_URL = "https://heroku-buildpack-python.s3.us-east-1.amazonaws.com"
BASE_URL_VAR = "PYTHON_RUNTIME_BASE_URL"
_SCHEMES = ("https", "http", "file")


def archive_name(version: str, ubuntu: str, arch: str) -> str:
    """`python-3.12.7-ubuntu-24.04-amd64.tar.zst`"""
    return f"python-{version}-ubuntu-{ubuntu}-{arch}.tar.zst"


def runtime_base_url(config_vars: Mapping[str, str], environ: Mapping[str, str]) -> str:
    """The base URL of runtime archives, without a trailing slash.

    The app's config var wins over the build machine's environment: the app owner
    chose it for this app, while the operator's variable is a default for every app
    built on the machine. An empty value counts as unset.
    """
    for source, values in (("config var", config_vars), ("environment variable", environ)):
        value = values.get(BASE_URL_VAR, "").strip()
        if value:
            _check_base_url(value, source)
            return value.rstrip("/")
    return DEFAULT_BASE_URL


def _check_base_url(value: str, source: str) -> None:
    parts = urlsplit(value)
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES:
        problem = "does not start with https://, http:// or file://"
    elif scheme != "file" and not parts.hostname:
        problem = "has no host name"
    elif scheme == "file" and parts.netloc not in ("", "localhost"):
        problem = "names a host; a file:// URL must look like file:///path/to/archives"
    elif scheme == "file" and not parts.path.startswith("/"):
        problem = "has no absolute path"
    elif parts.query or parts.fragment or value.endswith(("?", "#")):
        problem = "has a '?' or '#' part, so archive names cannot be appended to it"
    else:
        return
    raise InvalidRuntimeBaseUrl(BASE_URL_VAR, source, value, problem)


@dataclass(frozen=True)
class WantedRuntime:
    """The runtime an archive was asked for, as a missing archive's message names it."""

    version: str
    stack: str
    arch: str
    supported: Sequence[str]  # the newest patch of each supported major version
    version_origin: str | None  # the file the version came from (None: the default)


def download_runtime(
    url: str,
    dest: Path,
    wanted: WantedRuntime,
    *,
    trust_env: Mapping[str, str],
    timeouts: Timeouts | None = None,
    retries: int = 3,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """`download_archive`, telling a missing archive as a Python version that isn't available."""
    try:
        download_archive(
            url, dest, trust_env=trust_env, timeouts=timeouts, retries=retries, sleep=sleep
        )
    except RuntimeArchiveNotFound as missing:
        raise PythonVersionUnavailable(
            wanted.version,
            wanted.stack,
            wanted.arch,
            redact(url),
            missing.detail,
            tuple(wanted.supported),
            wanted.version_origin,
        ) from missing


def download_archive(
    url: str,
    dest: Path,
    *,
    trust_env: Mapping[str, str],
    timeouts: Timeouts | None = None,
    retries: int = 3,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Download `url` to `dest` (replaced atomically), verifying `<url>.sha256` if there is one.

    A 404 is not retried; it means there is no such archive. `timeouts`: the
    client's defaults if None.
    """
    from .download import DEFAULT_TIMEOUTS, Client, DownloadError  # only a download needs them

    timeouts = DEFAULT_TIMEOUTS if timeouts is None else timeouts
    client = Client(trust_env, timeouts=timeouts, retries=retries, sleep=sleep)
    sidecar = f"{url}.sha256"

    def verify(actual: str) -> None:
        try:
            expected = _expected_digest(client.read(sidecar))
        except DownloadError as error:
            if error.missing:
                return  # no sidecar: nothing to verify against
            raise
        if expected is None:
            reason = "it does not hold a SHA-256 digest"
            raise RuntimeDownloadFailed(redact(sidecar), reason, retryable=False)
        if expected != actual:
            raise RuntimeChecksumMismatch(redact(url), expected, actual)

    try:
        client.download(url, dest, verify=verify)
    except DownloadError as error:
        if error.missing:
            raise RuntimeArchiveNotFound(redact(error.url), error.reason) from None
        raise RuntimeDownloadFailed(
            redact(error.url), error.reason, attempts=error.attempts, retryable=error.retryable
        ) from None


def _expected_digest(sidecar: bytes) -> str | None:
    """The digest in a `sha256sum` line, if there is one."""
    fields = sidecar.decode("utf-8", "replace").split()
    digest = fields[0].lower() if fields else ""
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        return None
    return digest

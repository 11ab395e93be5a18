"""Fetch and unpack a Python runtime archive in Heroku's layout.

Archives are named `python-X.Y.Z-ubuntu-NN.04-ARCH.tar.zst` under a base URL and
hold an install prefix at their root (bin/, lib/, include/, share/). Downloading to
a file and extracting to a directory are separate steps, so that the caller can
keep a pristine copy of either in the cache. Which version and where to install
it is the caller's business.

The network settings (CA certificates, proxies) come from the `trust_env` mapping
the caller passes, never from this process's environment: see
config.TRUST_AND_PROXY_VARS.
"""

from __future__ import annotations

import copy
import hashlib
import http.client
import importlib
import os
import shutil
import socket
import ssl
import stat
import subprocess
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import ModuleType
from typing import IO, TypeVar
from urllib.parse import unquote, urlsplit

from .errors import (
    InvalidRuntimeBaseUrl,
    PythonVersionUnavailable,
    RuntimeArchiveInvalid,
    RuntimeArchiveNotFound,
    RuntimeChecksumMismatch,
    RuntimeDownloadFailed,
    UnsafeRuntimeArchive,
    ZstdUnavailable,
)
from .net import build_opener

# Heroku's public bucket of runtime archives, as used by heroku/heroku-buildpack-python
# (lib/python.sh) and heroku/buildpacks-python (src/python_version.rs).
DEFAULT_BASE_URL = "https://heroku-buildpack-python.s3.us-east-1.amazonaws.com"
BASE_URL_VAR = "PYTHON_RUNTIME_BASE_URL"
_SCHEMES = ("https", "http", "file")
_CHUNK = 1 << 20
_T = TypeVar("_T")


def archive_name(version: str, ubuntu: str, arch: str) -> str:
    """`python-3.12.7-ubuntu-24.04-amd64.tar.zst`"""
    return f"python-{version}-ubuntu-{ubuntu}-{arch}.tar.zst"


def archive_url(base_url: str, version: str, ubuntu: str, arch: str) -> str:
    return f"{base_url.rstrip('/')}/{archive_name(version, ubuntu, arch)}"


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


# --- download ------------------------------------------------------------------


@dataclass(frozen=True)
class Timeouts:
    """Seconds to wait for a connection (TCP and TLS), and for each read after that."""

    connect: float = 10.0
    read: float = 60.0


class _Missing(Exception):
    """The server or file system says there is no such file."""


class _Transient(Exception):
    """A failure that may go away if we try again (network, 5xx)."""


class _Permanent(Exception):
    """A failure that trying again will not fix (401, a bad certificate, EACCES)."""


def download_runtime(
    url: str,
    dest: Path,
    *,
    version: str,
    stack: str,
    arch: str,
    supported: Sequence[str],
    trust_env: Mapping[str, str],
    version_origin: str = ".python-version",
    timeouts: Timeouts = Timeouts(),
    retries: int = 3,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """`download_archive`, telling a missing archive as a Python version that isn't available.

    `supported` is the newest patch of each supported major version, for the message.
    """
    try:
        download_archive(
            url, dest, trust_env=trust_env, timeouts=timeouts, retries=retries, sleep=sleep
        )
    except RuntimeArchiveNotFound as missing:
        raise PythonVersionUnavailable(
            version, stack, arch, url, missing.detail, tuple(supported), version_origin
        ) from missing


def download_archive(
    url: str,
    dest: Path,
    *,
    trust_env: Mapping[str, str],
    timeouts: Timeouts = Timeouts(),
    retries: int = 3,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Download `url` to `dest` (replaced atomically), verifying `<url>.sha256` if there is one.

    http(s) failures that may be temporary (connection errors, timeouts, 5xx) are
    retried `retries` times with exponential backoff; a 404 is not.
    """
    fetch = _Fetcher(trust_env, timeouts)
    fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            actual = _retrying(url, retries, sleep, lambda: fetch.to_file(url, out))
            out.flush()
            os.fsync(out.fileno())
        expected = _expected_digest(fetch, url, retries, sleep)
        if expected is not None and expected != actual:
            raise RuntimeChecksumMismatch(url, expected, actual)
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _expected_digest(
    fetch: _Fetcher, url: str, retries: int, sleep: Callable[[float], None]
) -> str | None:
    sidecar = f"{url}.sha256"
    try:
        text = _retrying(sidecar, retries, sleep, lambda: fetch.small(sidecar))
    except RuntimeArchiveNotFound:
        return None
    fields = text.decode("utf-8", "replace").split()
    digest = fields[0].lower() if fields else ""
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise RuntimeDownloadFailed(sidecar, "it does not hold a SHA-256 digest", retryable=False)
    return digest


def _retrying(
    url: str, retries: int, sleep: Callable[[float], None], action: Callable[[], _T]
) -> _T:
    attempt = 0
    while True:
        try:
            return action()
        except _Missing as missing:
            raise RuntimeArchiveNotFound(url, str(missing)) from None
        except _Permanent as error:
            raise RuntimeDownloadFailed(url, str(error), retryable=False) from None
        except _Transient as error:
            if attempt >= retries:
                raise RuntimeDownloadFailed(url, str(error), attempts=attempt + 1) from None
        sleep(min(2.0**attempt, 10.0))
        attempt += 1


class _Fetcher:
    def __init__(self, trust_env: Mapping[str, str], timeouts: Timeouts) -> None:
        self._trust_env = trust_env
        self._timeouts = timeouts
        self._opener: urllib.request.OpenerDirector | None = None

    def to_file(self, url: str, out: IO[bytes]) -> str:
        """Write the body to `out` (from its start) and return its SHA-256."""
        out.seek(0)
        out.truncate()
        digest = hashlib.sha256()
        with self._open(url) as body:
            expected_size = _content_length(body)
            size = 0
            while chunk := self._read(body, _CHUNK):
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
        if expected_size is not None and size != expected_size:
            raise _Transient(f"the connection closed after {size} of {expected_size} bytes")
        return digest.hexdigest()

    def small(self, url: str) -> bytes:
        with self._open(url) as body:
            return self._read(body, 64 * 1024)

    def _open(self, url: str) -> IO[bytes]:
        if urlsplit(url).scheme == "file":
            return _open_file(url)
        if self._opener is None:
            self._opener = build_opener(self._trust_env, self._timeouts.read)
        request = urllib.request.Request(url, headers={"User-Agent": "python-buildpack"})
        try:
            response: IO[bytes] = self._opener.open(request, timeout=self._timeouts.connect)
        except urllib.error.HTTPError as error:
            error.close()
            raise _http_error(error.code, error.reason) from None
        except urllib.error.URLError as error:
            raise _url_error(error.reason) from None
        except (OSError, http.client.HTTPException) as error:
            raise _Transient(_describe(error)) from None
        return response

    @staticmethod
    def _read(body: IO[bytes], size: int) -> bytes:
        try:
            return body.read(size)
        except (OSError, http.client.HTTPException) as error:
            raise _Transient(_describe(error)) from None


def _open_file(url: str) -> IO[bytes]:
    path = urllib.request.url2pathname(unquote(urlsplit(url).path))
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise _Missing("no such file") from None
    except OSError as error:
        raise _Permanent(error.strerror or str(error)) from None


def _content_length(body: IO[bytes]) -> int | None:
    headers = getattr(body, "headers", None)
    value = headers.get("Content-Length") if headers is not None else None
    return int(value) if value and value.isdigit() else None


def _http_error(code: int, reason: object) -> Exception:
    text = f"HTTP {code} {reason}".rstrip()
    # S3 answers 403 instead of 404 for a missing key when the bucket does not allow
    # listing, as heroku-buildpack-python's lib/python.sh notes.
    if code in (403, 404, 410):
        return _Missing(text)
    if code >= 500 or code in (408, 429):
        return _Transient(text)
    return _Permanent(text)


def _url_error(reason: object) -> Exception:
    if isinstance(reason, ssl.SSLCertVerificationError):
        return _Permanent(f"the server's TLS certificate was not accepted: {reason.verify_message}")
    if isinstance(reason, BaseException):
        return _Transient(_describe(reason))
    return _Transient(str(reason))


def _describe(error: BaseException) -> str:
    if isinstance(error, socket.gaierror):
        return f"the host name could not be resolved ({error.strerror})"
    if isinstance(error, ConnectionRefusedError):
        return "the connection was refused"
    if isinstance(error, TimeoutError):
        return "the server did not answer in time"
    if isinstance(error, http.client.IncompleteRead):
        return "the connection closed before the whole file was received"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror[0].lower() + error.strerror[1:]
    return str(error) or type(error).__name__


# --- extraction ------------------------------------------------------------------

# tarfile's "data" filter exists from 3.10.12 / 3.11.4 / 3.12; our own checks below
# run either way, the filter is a second line of defence.
_HAS_DATA_FILTER = hasattr(tarfile, "data_filter")
_FILTER_ERRORS: tuple[type[Exception], ...] = (tarfile.FilterError,) if _HAS_DATA_FILTER else ()
_DROPPED_MODE_BITS = stat.S_ISUID | stat.S_ISGID | stat.S_ISVTX | stat.S_IWGRP | stat.S_IWOTH


def extract_archive(archive: Path, dest: Path) -> None:
    """Unpack a .tar.zst into `dest`, which must not exist; on failure nothing is left.

    Refuses absolute paths, `..`, links that point outside `dest`, and device files.
    """
    if dest.exists() or dest.is_symlink():
        raise FileExistsError(f"{dest} already exists")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp"))
    try:
        zstd_module = _stdlib_zstd()
        if zstd_module is not None:
            _extract_with_module(zstd_module, archive, tmp)
        else:
            _extract_with_program(archive, tmp)
        _check_links_stay_inside(archive, tmp)
        tmp.chmod(0o755)  # mkdtemp made it 0700
        tmp.rename(dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _stdlib_zstd() -> ModuleType | None:
    try:
        return importlib.import_module("compression.zstd")  # Python 3.14+
    except ImportError:
        return None


def _extract_with_module(zstd: ModuleType, archive: Path, root: Path) -> None:
    try:
        with zstd.open(archive, "rb") as stream:
            _extract_stream(stream, archive, root)
    except (zstd.ZstdError, EOFError, tarfile.TarError) as error:
        raise RuntimeArchiveInvalid(str(archive), str(error) or type(error).__name__) from None


def _extract_with_program(archive: Path, root: Path) -> None:
    program = shutil.which("zstd")
    if program is None:
        raise ZstdUnavailable()
    # A binary pipe, which the line-oriented runner in commands.py does not offer.
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(
            [program, "-d", "-c", "-q", "--", str(archive)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=errors,
            env={"LC_ALL": "C"},
        )
        assert proc.stdout is not None
        problem = None
        try:
            _extract_stream(proc.stdout, archive, root)
        except tarfile.TarError as error:
            problem = str(error)
            # Let zstd finish, so that its exit status tells a damaged file (the
            # better message) from a good zstd stream that is not a tar.
            while proc.stdout.read(_CHUNK):
                pass
        finally:
            proc.stdout.close()  # a reader that stopped early must not leave zstd blocked
            returncode = proc.wait()
        if returncode != 0:
            errors.seek(0)
            lines = errors.read().decode("utf-8", "replace").strip().splitlines()
            problem = f"zstd: {lines[-1]}" if lines else f"zstd exited with status {returncode}"
    if problem is not None:
        raise RuntimeArchiveInvalid(str(archive), problem)


def _extract_stream(stream: IO[bytes], archive: Path, root: Path) -> None:
    real_root = os.path.realpath(root)
    with tarfile.open(fileobj=stream, mode="r|") as tar:
        for member in tar:
            if not PurePosixPath(member.name).parts:
                continue  # the archive's root directory: that is `root` itself
            _check_member(member, real_root, archive)
            try:
                if _HAS_DATA_FILTER:
                    # Keeps the owner's execute bit (so bin/python stays executable),
                    # drops setuid/setgid and group/other write.
                    tar.extract(member, root, filter="data")
                else:
                    tar.extract(_plain(member), root, numeric_owner=True)
            except _FILTER_ERRORS as error:
                raise UnsafeRuntimeArchive(str(archive), member.name, str(error)) from None


def _check_member(member: tarfile.TarInfo, real_root: str, archive: Path) -> None:
    def refuse(reason: str) -> UnsafeRuntimeArchive:
        return UnsafeRuntimeArchive(str(archive), member.name, reason)

    path = PurePosixPath(member.name)
    if path.is_absolute():
        raise refuse("is an absolute path")
    if ".." in path.parts:
        raise refuse("goes up with '..'")
    if not (member.isfile() or member.isdir() or member.issym() or member.islnk()):
        raise refuse("is a device file or pipe")
    if not _inside(os.path.join(real_root, member.name), real_root):
        raise refuse("would be written through a link to outside the install directory")
    if member.issym():
        if PurePosixPath(member.linkname).is_absolute():
            raise refuse(f"is a link to the absolute path '{member.linkname}'")
        target = os.path.join(real_root, os.path.dirname(member.name), member.linkname)
        if not _inside(target, real_root):
            raise refuse(f"is a link to '{member.linkname}', outside the install directory")
    if member.islnk():
        target_path = PurePosixPath(member.linkname)
        if target_path.is_absolute() or ".." in target_path.parts:
            raise refuse(f"is a hard link to '{member.linkname}', outside the install directory")
        if not _inside(os.path.join(real_root, member.linkname), real_root):
            raise refuse(f"is a hard link to '{member.linkname}', outside the install directory")


def _inside(path: str, real_root: str) -> bool:
    resolved = os.path.realpath(path)
    return resolved == real_root or resolved.startswith(real_root + os.sep)


def _plain(member: tarfile.TarInfo) -> tarfile.TarInfo:
    """What the data filter does, for Pythons without it: no special bits, our owner."""
    plain = copy.copy(member)
    plain.mode = member.mode & ~_DROPPED_MODE_BITS
    plain.uid, plain.gid = os.geteuid(), os.getegid()
    plain.uname = plain.gname = ""
    return plain


def _check_links_stay_inside(archive: Path, root: Path) -> None:
    """A link checked when it was written can point outside once later links exist
    (`a -> b/..` written before `b -> .`): check them all again at the end."""
    real_root = os.path.realpath(root)
    for directory, dirnames, filenames in os.walk(root):
        for name in (*dirnames, *filenames):
            path = os.path.join(directory, name)
            if os.path.islink(path) and not _inside(path, real_root):
                member = os.path.relpath(path, root)
                reason = f"is a link to '{os.readlink(path)}', outside the install directory"
                raise UnsafeRuntimeArchive(str(archive), member, reason)

"""The one download client: runtime archives, moving-reference checks, the buildpack's
own wheels.

Every download the buildpack makes itself goes through `Client`, so all of them get
the same rules: `https://`, `http://` and `file://` URLs; the build machine's trust
and proxy settings (passed in as `trust_env`, never read from this process's
environment: see config.TRUST_AND_PROXY_VARS and trust.py); a connect and a read
timeout; retries with backoff on failures that may go away (connection errors,
timeouts, 5xx, 408, 429); and credentials found as pip finds them.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import netrc
import os
import socket
import ssl
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TypeVar
from urllib.parse import unquote, urlsplit, urlunsplit

from ..text import redact
from .trust import build_opener

_CHUNK = 1 << 20
_T = TypeVar("_T")


@dataclass(frozen=True)
class Timeouts:
    """Seconds to wait for a connection (TCP and TLS), and for each read after that."""

    connect: float = 10.0
    read: float = 60.0


DEFAULT_TIMEOUTS = Timeouts()


class DownloadError(Exception):
    """A download that failed. `reason` never holds credentials; `url` is the URL as
    given, which may: show it with text.redact."""

    def __init__(
        self, url: str, reason: str, *, missing: bool, retryable: bool, attempts: int = 1
    ) -> None:
        reason = redact(reason)  # an error's own words may quote the URL
        super().__init__(f"{redact(url)}: {reason}")
        self.url = url
        self.reason = reason
        self.missing = missing  # 404 (or S3's 403), or no such file
        self.retryable = retryable
        self.attempts = attempts


class _Missing(Exception):
    """The server or file system says there is no such file."""


class _Transient(Exception):
    """A failure that may go away if we try again (network, 5xx)."""


class _Permanent(Exception):
    """A failure that trying again will not fix (401, a bad certificate, EACCES)."""


class Client:
    """Downloads with the build machine's trust, proxy and credential settings."""

    def __init__(
        self,
        trust_env: Mapping[str, str],
        *,
        timeouts: Timeouts = DEFAULT_TIMEOUTS,
        retries: int = 3,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._trust_env = trust_env
        self._timeouts = timeouts
        self._retries = retries
        self._sleep = sleep
        self._opener: urllib.request.OpenerDirector | None = None

    def download(
        self, url: str, dest: Path, *, verify: Callable[[str], None] | None = None
    ) -> str:
        """Write `url` to `dest` and return its SHA-256. `dest` is replaced atomically,
        and only once `verify` (given the SHA-256) has returned."""
        fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                digest = self._retrying(url, lambda: self._copy(url, out))
                out.flush()
                os.fsync(out.fileno())
            if verify is not None:
                verify(digest)
            os.replace(tmp, dest)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return digest

    def digest(self, url: str) -> str:
        """The SHA-256 of what `url` serves, without keeping it."""
        return self._retrying(url, lambda: self._copy(url, None))

    def read(self, url: str, *, limit: int = 64 * 1024, accept: str = "*/*") -> bytes:
        """A small file (at most `limit` bytes are read)."""

        def small() -> bytes:
            with self._open(url, accept) as body:
                return _read(body, limit)

        return self._retrying(url, small)

    def _retrying(self, url: str, action: Callable[[], _T]) -> _T:
        attempt = 0
        while True:
            try:
                return action()
            except _Missing as missing:
                raise DownloadError(url, str(missing), missing=True, retryable=False) from None
            except _Permanent as error:
                raise DownloadError(url, str(error), missing=False, retryable=False) from None
            except _Transient as error:
                if attempt >= self._retries:
                    raise DownloadError(
                        url, str(error), missing=False, retryable=True, attempts=attempt + 1
                    ) from None
            self._sleep(min(2.0**attempt, 10.0))
            attempt += 1

    def _copy(self, url: str, out: IO[bytes] | None) -> str:
        """Write the body to `out` (from its start) and return its SHA-256."""
        if out is not None:
            out.seek(0)
            out.truncate()
        digest = hashlib.sha256()
        with self._open(url) as body:
            expected_size = _content_length(body)
            size = 0
            while chunk := _read(body, _CHUNK):
                digest.update(chunk)
                if out is not None:
                    out.write(chunk)
                size += len(chunk)
        if expected_size is not None and size != expected_size:
            raise _Transient(f"the connection closed after {size} of {expected_size} bytes")
        return digest.hexdigest()

    def _open(self, url: str, accept: str = "*/*") -> IO[bytes]:
        if urlsplit(url).scheme == "file":
            return _open_file(url)
        if self._opener is None:
            self._opener = build_opener(self._trust_env, self._timeouts.read)
        plain_url, authorization = credentials(url, self._trust_env)
        request = urllib.request.Request(
            plain_url, headers={"User-Agent": "python-buildpack", "Accept": accept}
        )
        if authorization is not None:
            # Not sent on to where a redirect points (S3's signed URLs refuse it).
            request.add_unredirected_header("Authorization", authorization)
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


def credentials(url: str, trust_env: Mapping[str, str]) -> tuple[str, str | None]:
    """The URL without its userinfo, and the Authorization header to send, as pip does.

    The userinfo in the URL first, percent-decoded (`user:password`, or a token alone
    as the user with an empty password); else the `.netrc` entry for the host: the
    file NETRC names, or ~/.netrc, as requests (pip's HTTP library) reads them.
    """
    parts = urlsplit(url)
    if "@" in parts.netloc:
        userinfo, _, hostport = parts.netloc.rpartition("@")
        user, _, password = userinfo.partition(":")
        plain = urlunsplit((parts.scheme, hostport, parts.path, parts.query, parts.fragment))
        return plain, _basic(unquote(user), unquote(password))
    found = _from_netrc(parts.hostname or "", trust_env)
    return url, _basic(*found) if found is not None else None


def _from_netrc(host: str, trust_env: Mapping[str, str]) -> tuple[str, str] | None:
    path = trust_env.get("NETRC") or (
        os.path.join(trust_env["HOME"], ".netrc") if trust_env.get("HOME") else ""
    )
    if not host or not path or not os.path.isfile(path):
        return None
    try:
        entry = netrc.netrc(path).authenticators(host)
    except (OSError, netrc.NetrcParseError):
        return None  # as requests does: a broken .netrc means no credentials
    if entry is None:
        return None
    login, account, password = entry
    return login or account or "", password or ""


def _basic(user: str, password: str) -> str:
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return f"Basic {token}"


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
    return redact(str(error)) or type(error).__name__

"""The one download client: runtime archives, moving-reference checks, the buildpack's
own wheels, the index pages the cache decision checks again (`Client.get`).

Every download the buildpack makes itself goes through `Client`, so all of them get
the same rules: `https://`, `http://` and `file://` URLs; the build machine's trust
and proxy settings (passed in as `trust_env`, never read from this process's
environment: see config.TRUST_AND_PROXY_VARS and trust.py); a connect and a read
timeout; retries with backoff on failures that may go away (connection errors,
timeouts, 5xx, 408, 429); and credentials found as pip finds them.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import os
import socket
import ssl
import tempfile
import threading
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeVar
from urllib.parse import unquote, urlsplit

from ..text import redact
from .credentials import credentials
from .trust import build_opener

_CHUNK = 1 << 20
_AGENT = "python-buildpack"
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
        self,
        url: str,
        reason: str,
        *,
        missing: bool,
        retryable: bool,
        attempts: int = 1,
        status: int | None = None,
    ) -> None:
        reason = redact(reason)  # an error's own words may quote the URL
        super().__init__(f"{redact(url)}: {reason}")
        self.url = url
        self.reason = reason
        self.missing = missing  # 404 (or S3's 403), or no such file
        self.retryable = retryable
        self.attempts = attempts
        self.status = status  # the HTTP status, when the server answered with one


@dataclass(frozen=True)
class Response:
    """What `Client.get` returns: a 2xx, or a status the caller counts as an answer
    (304: the validators it sent still match; 404/410: no such page)."""

    status: int
    headers: Mapping[str, str]  # names in lower case
    body: bytes  # gunzipped; empty for a 304
    url: str  # after redirects, with no credentials

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


class _Failure(Exception):
    def __init__(self, text: str, status: int | None = None) -> None:
        super().__init__(text)
        self.status = status  # the HTTP status, if the server gave one


class _Missing(_Failure):
    """The server or file system says there is no such file."""


class _Transient(_Failure):
    """A failure that may go away if we try again (network, 5xx)."""


class _Permanent(_Failure):
    """A failure that trying again will not fix (401, a bad certificate, EACCES)."""


class Client:
    """Downloads with the build machine's trust, proxy and credential settings."""

    def __init__(
        self,
        trust_env: Mapping[str, str],
        *,
        timeouts: Timeouts = DEFAULT_TIMEOUTS,
        retries: int = 3,
        backoff: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """`retries` after the first attempt, pausing `backoff` seconds, then twice
        that each time (at most 10 s). One Client may serve several threads."""
        self._trust_env = trust_env
        self._timeouts = timeouts
        self._retries = retries
        self._backoff = backoff
        self._sleep = sleep
        self._opener_lock = threading.Lock()
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

    def get(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        answers: Collection[int] = (304, 404, 410),
        limit: int = 64 << 20,
        deadline: float | None = None,
    ) -> Response:
        """One GET, for a conditional request (`headers`: If-None-Match, Accept, ...).

        A 2xx or a status in `answers` is returned; any other status or failure raises
        DownloadError once the retries are spent. `deadline` (a time.monotonic() value)
        bounds them: no retry starts whose pause would end after it. The server may
        gzip the body (Accept-Encoding: gzip is sent); `limit` bounds what is read.
        """
        sent = {"Accept-Encoding": "gzip", **(headers or {})}

        def once() -> Response:
            if urlsplit(url).scheme == "file":
                try:
                    with _open_file(url) as file:
                        return Response(200, {}, _read(file, limit), url)
                except _Missing:
                    return Response(404, {}, b"", url)
            with self._open(url, sent, answers) as answer:
                got = {k.lower(): v for k, v in answer.headers.items()}
                raw = _read(answer, limit + 1)
                status, final = int(answer.getcode()), answer.geturl()
            if len(raw) > limit:
                raise _Permanent(f"the answer is larger than {limit} bytes")
            expected = _content_length(answer) if status != 304 else None
            if expected is not None and len(raw) != expected:
                raise _Transient(f"the connection closed after {len(raw)} of {expected} bytes")
            if got.get("content-encoding", "").lower() == "gzip" and raw:
                try:
                    raw = gzip.decompress(raw)
                except (OSError, EOFError, zlib.error) as error:
                    raise _Transient(f"the gzipped answer could not be read: {error}") from None
            return Response(status, got, raw, final)

        return self._retrying(url, once, deadline)

    def _retrying(self, url: str, action: Callable[[], _T], deadline: float | None = None) -> _T:
        attempt = 0
        while True:
            try:
                return action()
            except _Missing as missing:
                raise DownloadError(
                    url, str(missing), missing=True, retryable=False, status=missing.status
                ) from None
            except _Permanent as error:
                raise DownloadError(
                    url, str(error), missing=False, retryable=False, status=error.status
                ) from None
            except _Transient as error:
                pause = min(self._backoff * 2.0**attempt, 10.0)
                late = deadline is not None and time.monotonic() + pause >= deadline
                if attempt >= self._retries or late:
                    raise DownloadError(
                        url, str(error), missing=False, retryable=True, attempts=attempt + 1,
                        status=error.status,
                    ) from None  # fmt: skip
            self._sleep(pause)
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

    def _open(
        self, url: str, headers: str | Mapping[str, str] = "*/*", answers: Collection[int] = ()
    ) -> Any:
        """The response (urllib's, or an HTTPError whose status is in `answers`), or a
        file. `headers`: what to send, or only the Accept header."""
        if urlsplit(url).scheme == "file":
            return _open_file(url)
        with self._opener_lock:
            if self._opener is None:
                self._opener = build_opener(self._trust_env, self._timeouts.read)
            opener = self._opener
        plain_url, authorization = credentials(url, self._trust_env)
        sent = {"Accept": headers} if isinstance(headers, str) else dict(headers)
        request = urllib.request.Request(plain_url, headers={"User-Agent": _AGENT, **sent})
        if authorization is not None:
            # Not sent on to where a redirect points (S3's signed URLs refuse it).
            request.add_unredirected_header("Authorization", authorization)
        try:
            return opener.open(request, timeout=self._timeouts.connect)
        except urllib.error.HTTPError as error:
            if error.code in answers:
                return error  # a response like any other: status, headers, body
            error.close()
            raise _http_error(error.code, error.reason) from None
        except urllib.error.URLError as error:
            raise _url_error(error.reason) from None
        except (OSError, http.client.HTTPException) as error:
            raise _Transient(_describe(error)) from None


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
        return _Missing(text, code)
    if code >= 500 or code in (408, 429):
        return _Transient(text, code)
    return _Permanent(text, code)


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

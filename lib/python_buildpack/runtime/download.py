"""The one download client: runtime archives, moving-reference checks, the buildpack's
own wheels, the index pages the cache decision checks again (`Client.get`).

Every download the buildpack makes itself goes through `Client`, so all of them get
the same rules: `https://`, `http://` and `file://` URLs; the build machine's trust
and proxy settings (passed in as `trust_env`, never read from this process's
environment: see config.TRUST_AND_PROXY_VARS and trust.py); kept-alive connections,
a pool per host, each host name looked up once (pool.py); a connect and a read
timeout; retries with backoff on failures that may go away (a failed lookup,
connection errors, timeouts, 5xx, 408, 429); redirects (at most 10, as urllib); and
credentials found as pip finds them.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import os
import ssl
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import weakref
import zlib
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeVar
from urllib.parse import urljoin, urlsplit

from ..redaction import redact
from .credentials import credentials
from .failures import (
    Missing,
    Permanent,
    Transient,
    content_length,
    describe,
    http_error,
    open_file,
    read_body,
)
from .lookups import Resolve, system_resolve
from .pool import POOL_SIZE, Answer, Pools, Target
from .trust import proxy_for, proxy_settings, ssl_context

_CHUNK = 1 << 20
_AGENT = "python-buildpack"
_REDIRECTS = (301, 302, 303, 307, 308)
_MAX_REDIRECTS = 10  # as urllib's HTTPRedirectHandler
_LEAST_CONNECT = 0.1  # seconds to connect, however close the deadline
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
        resolve: Resolve = system_resolve,
        connections: int = POOL_SIZE,
    ) -> None:
        """`retries` after the first attempt, pausing `backoff` seconds, then twice
        that each time (at most 10 s). One Client may serve several threads: at most
        `connections` at once per host, over kept-alive connections; `resolve` looks
        up a host name (getaddrinfo), once per host for the Client's life."""
        self._trust_env = trust_env
        self._timeouts = timeouts
        self._retries = retries
        self._backoff = backoff
        self._sleep = sleep
        self._proxies = proxy_settings(trust_env)
        self._tls_lock = threading.Lock()
        self._tls: ssl.SSLContext | None = None
        self._pools = Pools(
            resolve=resolve, read_timeout=timeouts.read, context=self._tls_context,
            size=connections,
        )  # fmt: skip
        # Idle connections are closed with the Client, if not before (`close`).
        self._closer = weakref.finalize(self, self._pools.close)

    def close(self) -> None:
        """Close the idle connections (a later request opens new ones)."""
        self._pools.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def connections_opened(self) -> int:
        """How many connections this Client opened so far (for tests and the bench)."""
        return self._pools.opened()

    def download(self, url: str, dest: Path, *, verify: Callable[[str], None] | None = None) -> str:
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
                return read_body(body, limit)

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
                    with open_file(url) as file:
                        return Response(200, {}, read_body(file, limit), url)
                except Missing:
                    return Response(404, {}, b"", url)
            with self._open(url, sent, answers, deadline) as answer:
                got = {k.lower(): v for k, v in answer.headers.items()}
                raw = read_body(answer, limit + 1)
                status, final = int(answer.getcode()), answer.geturl()
            if len(raw) > limit:
                raise Permanent(f"the answer is larger than {limit} bytes")
            expected = content_length(answer) if status != 304 else None
            if expected is not None and len(raw) != expected:
                raise Transient(f"the connection closed after {len(raw)} of {expected} bytes")
            if got.get("content-encoding", "").lower() == "gzip" and raw:
                try:
                    raw = gzip.decompress(raw)
                except (OSError, EOFError, zlib.error) as error:
                    raise Transient(f"the gzipped answer could not be read: {error}") from None
            return Response(status, got, raw, final)

        return self._retrying(url, once, deadline)

    def _retrying(self, url: str, action: Callable[[], _T], deadline: float | None = None) -> _T:
        attempt = 0
        while True:
            try:
                return action()
            except Missing as missing:
                raise DownloadError(
                    url, str(missing), missing=True, retryable=False, status=missing.status
                ) from None
            except Permanent as error:
                raise DownloadError(
                    url, str(error), missing=False, retryable=False, status=error.status
                ) from None
            except Transient as error:
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
            expected_size = content_length(body)
            size = 0
            while chunk := read_body(body, _CHUNK):
                digest.update(chunk)
                if out is not None:
                    out.write(chunk)
                size += len(chunk)
        if expected_size is not None and size != expected_size:
            raise Transient(f"the connection closed after {size} of {expected_size} bytes")
        return digest.hexdigest()

    def _open(
        self,
        url: str,
        headers: str | Mapping[str, str] = "*/*",
        answers: Collection[int] = (),
        deadline: float | None = None,
    ) -> Any:
        """The answer (a 2xx, or a status in `answers`), after redirects; or a file.
        `headers`: what to send, or only the Accept header."""
        if urlsplit(url).scheme == "file":
            return open_file(url)
        plain_url, authorization = credentials(url, self._trust_env)
        sent = {"Accept": headers} if isinstance(headers, str) else dict(headers)
        sent = {"User-Agent": _AGENT, **sent}
        if authorization is not None:
            # Not sent on to where a redirect points (S3's signed URLs refuse it).
            sent["Authorization"] = authorization
        for _ in range(_MAX_REDIRECTS + 1):
            answer = self._request(plain_url, sent, deadline)
            location = answer.headers.get("Location")
            if answer.status in _REDIRECTS and location:
                answer.close()
                plain_url = urljoin(plain_url, location)
                sent.pop("Authorization", None)
                continue
            if 200 <= answer.status < 300 or answer.status in answers:
                return answer
            answer.close()
            raise http_error(answer.status, answer.reason)
        raise Permanent(f"more than {_MAX_REDIRECTS} redirects")

    def _request(self, url: str, headers: Mapping[str, str], deadline: float | None) -> Answer:
        self._tls_context()  # a broken CA setting is named whatever the URL's scheme
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise Permanent(f"a redirect to {redact(url)} is not followed")
        default = 443 if parts.scheme == "https" else 80
        try:
            port = parts.port or default
        except ValueError:
            raise Permanent("the URL's port is not a number") from None
        hostport = parts.netloc.rpartition("@")[2]
        proxy = proxy_for(parts.scheme, hostport, self._proxies)
        target = Target(parts.scheme, parts.hostname, port, proxy)
        path = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
        sent = dict(headers)
        if proxy is not None and parts.scheme == "http":
            path = f"{parts.scheme}://{hostport}{path}"  # the whole URL, to the proxy
            if proxy.authorization:
                sent["Proxy-Authorization"] = proxy.authorization
        connect = self._timeouts.connect
        if deadline is not None:
            connect = max(min(connect, deadline - time.monotonic()), _LEAST_CONNECT)
        try:
            return self._pools.get(target, path, sent, connect_timeout=connect, url=url)
        except ssl.SSLCertVerificationError as error:
            raise Permanent(
                f"the server's TLS certificate was not accepted: {error.verify_message}"
            ) from None
        except (OSError, http.client.HTTPException) as error:
            raise Transient(describe(error)) from None

    def _tls_context(self) -> ssl.SSLContext:
        with self._tls_lock:
            if self._tls is None:
                self._tls = ssl_context(self._trust_env)
            return self._tls

"""How a download fails, in words, and whether trying again may help: the failure
kinds the download client retries or reports, and the readers that raise them."""

from __future__ import annotations

import http.client
import socket
import urllib.request
from typing import IO
from urllib.parse import unquote, urlsplit

from ..redaction import redact
from .lookups import LookupTimedOut


class Failure(Exception):
    def __init__(self, text: str, status: int | None = None) -> None:
        super().__init__(text)
        self.status = status  # the HTTP status, if the server gave one


class Missing(Failure):
    """The server or file system says there is no such file."""


class Transient(Failure):
    """A failure that may go away if we try again (network, 5xx)."""


class Permanent(Failure):
    """A failure that trying again will not fix (401, a bad certificate, EACCES)."""


def read_body(body: IO[bytes], size: int) -> bytes:
    try:
        return body.read(size)
    except (OSError, http.client.HTTPException) as error:
        raise Transient(describe(error)) from None


def open_file(url: str) -> IO[bytes]:
    path = urllib.request.url2pathname(unquote(urlsplit(url).path))
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise Missing("no such file") from None
    except OSError as error:
        raise Permanent(error.strerror or str(error)) from None


def content_length(body: IO[bytes]) -> int | None:
    headers = getattr(body, "headers", None)
    value = headers.get("Content-Length") if headers is not None else None
    return int(value) if value and value.isdigit() else None


def http_error(code: int, reason: object) -> Exception:
    text = f"HTTP {code} {reason}".rstrip()
    # S3 answers 403 instead of 404 for a missing key when the bucket does not allow
    # listing, as heroku-buildpack-python's lib/python.sh notes.
    if code in (403, 404, 410):
        return Missing(text, code)
    if code >= 500 or code in (408, 429):
        return Transient(text, code)
    return Permanent(text, code)


def describe(error: BaseException) -> str:
    if isinstance(error, LookupTimedOut):
        return "the host name lookup did not finish in time"
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

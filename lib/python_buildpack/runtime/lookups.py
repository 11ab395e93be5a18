"""Host name lookups for the download client's pools (pool.py): each (host, port)
looked up once per Client and shared by its threads, bounded by the connect timeout.
"""

from __future__ import annotations

import concurrent.futures
import socket
import threading
from collections.abc import Callable, Sequence
from typing import Any

Address = tuple[int, int, int, Any]  # (family, type, proto, sockaddr), as getaddrinfo gives
Resolve = Callable[[str, int], Sequence[Address]]


def system_resolve(host: str, port: int) -> list[Address]:
    """getaddrinfo, looked up when called (so a test may patch the socket module)."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [(family, kind, proto, address) for family, kind, proto, _, address in found]


class LookupTimedOut(TimeoutError):
    """The host name lookup did not finish within the connect timeout."""


class Lookups:
    """The addresses of each (host, port), looked up once and shared: callers that
    come while a lookup runs wait for it; a failed one is forgotten, so the next
    attempt asks again; a slow one is waited for again by a retry, not asked twice."""

    def __init__(self, resolve: Resolve) -> None:
        self._resolve = resolve
        self._lock = threading.Lock()
        self._found: dict[tuple[str, int], concurrent.futures.Future[list[Address]]] = {}

    def addresses(self, host: str, port: int, timeout: float) -> list[Address]:
        key = (host, port)
        with self._lock:
            pending = self._found.get(key)
            if pending is None:
                pending = self._found[key] = self._start(host, port)
        try:
            return pending.result(timeout)
        except BaseException:
            if not pending.done():  # still running: a retry waits for the same lookup
                raise LookupTimedOut(f"the lookup of {host} did not finish in time") from None
            with self._lock:  # it failed: the next attempt asks again
                if self._found.get(key) is pending:
                    del self._found[key]
            raise

    def _start(self, host: str, port: int) -> concurrent.futures.Future[list[Address]]:
        # A thread of its own (a daemon: getaddrinfo cannot be cancelled, and a stalled
        # one must not keep the build's process alive), so that waiting can time out.
        future: concurrent.futures.Future[list[Address]] = concurrent.futures.Future()

        def run() -> None:
            try:
                found = list(self._resolve(host, port))
                if not found:
                    raise socket.gaierror(socket.EAI_NONAME, "no address for the host name")
                future.set_result(found)
            except BaseException as error:  # handed to the callers waiting for it
                future.set_exception(error)

        threading.Thread(target=run, name=f"lookup {host}", daemon=True).start()
        return future


def connect_tcp(lookups: Lookups, host: str, port: int, timeout: float) -> socket.socket:
    """A TCP connection to the first address of `host` that answers."""
    last: OSError | None = None
    for family, kind, proto, address in lookups.addresses(host, port, timeout):
        sock = socket.socket(family, kind, proto)
        try:
            sock.settimeout(timeout)
            sock.connect(address)
        except OSError as error:
            sock.close()
            last = error
            continue
        return sock
    raise last or OSError("no address to connect to")

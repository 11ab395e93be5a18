"""Kept-alive HTTP/1.1 connections for the download client (download.py).

urllib opens a new connection for every request, with its own name lookup and TLS
handshake (it even sends `Connection: close`). Resolvers on build hosts (container DNS
forwarders, rate-limited resolvers) drop bursts of parallel lookups, so a check of a
hundred index pages that way stalls for seconds (issue 17). As pip does (urllib3's
PoolManager), a Client keeps instead:

- one pool per (scheme, host, port, proxy): at most `size` connections, each reused
  for request after request and handed to the next caller once its answer is read;
- one name lookup per host for the Client's life, shared by all its threads: callers
  that come while it runs wait for it (at most their connect timeout, so a stalled
  lookup costs a bounded share); a failed one is forgotten, so the next attempt asks
  again; a slow one is waited for again by a retry, not asked twice;
- the TLS session of the pool's last answered connection, offered to its next new
  one (resumption: the certificate chain is not sent and checked again).

The connection goes to the address the lookup gave; the certificate is still checked
against the host name (SNI too). A connection the server closed between two requests
(its keep-alive timeout ran out) is noticed before reuse, or when the request finds it
closed; then the request goes at once on a new connection: that is not a failure.
"""

from __future__ import annotations

import http.client
import select
import socket
import ssl
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .lookups import Lookups, Resolve, connect_tcp
from .trust import Proxy

POOL_SIZE = 8  # connections per host, as pip's (urllib3's pool_maxsize is 10)
_DRAIN = 64 * 1024  # an unread rest up to this size is read, to keep the connection
# Errors a reused connection gives when the server closed it between two requests.
_STALE = (ConnectionError, http.client.BadStatusLine, ssl.SSLEOFError, ssl.SSLZeroReturnError)


class Connection(http.client.HTTPConnection):
    """http.client's connection, connecting through the Client's lookups; the connect
    timeout covers TCP, a proxy's tunnel and TLS, then reads get their own."""

    def __init__(
        self, host: str, port: int, *, lookups: Lookups, read_timeout: float, pool: _Pool
    ) -> None:
        super().__init__(host, port)
        self._lookups = lookups
        self._read_timeout = read_timeout
        self.pool = pool
        self.reused = False  # it answered a request before this one
        # What HTTPConnection.connect calls to open the socket (socket.create_connection).
        self._create_connection = self._open_socket

    def _open_socket(
        self, address: tuple[str, int], timeout: float, source_address: object = None
    ) -> socket.socket:
        return connect_tcp(self._lookups, address[0], address[1], timeout)

    def connect(self) -> None:
        super().connect()
        self.sock.settimeout(self._read_timeout)


class TLSConnection(Connection):
    default_port = http.client.HTTPS_PORT

    def __init__(
        self,
        host: str,
        port: int,
        *,
        lookups: Lookups,
        read_timeout: float,
        pool: _Pool,
        context: ssl.SSLContext,
        server_name: str,
    ) -> None:
        super().__init__(host, port, lookups=lookups, read_timeout=read_timeout, pool=pool)
        self._context = context
        self._server_name = server_name

    def connect(self) -> None:
        http.client.HTTPConnection.connect(self)  # TCP, and the proxy's tunnel if any
        self.sock = self._context.wrap_socket(
            self.sock, server_hostname=self._server_name, session=self.pool.session
        )
        self.sock.settimeout(self._read_timeout)


class _Pool:
    """The connections to one (scheme, host, port, proxy)."""

    def __init__(self, size: int, new: Callable[[_Pool], Connection]) -> None:
        self._new = new
        self._slots = threading.BoundedSemaphore(size)
        self._idle: list[Connection] = []
        self._lock = threading.Lock()
        self.session: ssl.SSLSession | None = None
        self.opened = 0

    def take(self) -> Connection:
        """An idle connection still open, or a new one (not yet connected); waits while
        all `size` are busy. Give it back with `give_back`."""
        self._slots.acquire()
        with self._lock:
            while self._idle:
                connection = self._idle.pop()
                if _still_open(connection):
                    connection.reused = True
                    return connection
                connection.close()
        return self.fresh()

    def fresh(self) -> Connection:
        with self._lock:
            self.opened += 1
        return self._new(self)

    def give_back(self, connection: Connection, *, keep: bool) -> None:
        if keep and isinstance(connection.sock, ssl.SSLSocket):
            self.session = connection.sock.session or self.session
        if keep:
            with self._lock:
                self._idle.append(connection)
        else:
            connection.close()
        self._slots.release()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()


def _still_open(connection: Connection) -> bool:
    """An idle connection has nothing to read: if it has, the server closed it (EOF)."""
    sock = connection.sock
    if sock is None:
        return False
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return False
    return not readable


class Answer:
    """A response on a pooled connection: read it, then close it (a `with` block) to
    give the connection back, kept open if the whole answer was read."""

    def __init__(self, response: http.client.HTTPResponse, connection: Connection, url: str):
        self._response = response
        self._connection: Connection | None = connection
        self.status = response.status
        self.reason = response.reason
        self.headers = response.msg
        self.url = url

    def read(self, size: int = -1) -> bytes:
        return self._response.read(None if size < 0 else size)

    def getcode(self) -> int:
        return self.status

    def geturl(self) -> str:
        return self.url

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        response = self._response
        if not response.isclosed() and response.length is not None and response.length <= _DRAIN:
            try:
                response.read()
            except (OSError, http.client.HTTPException):
                pass
        keep = response.isclosed() and not response.will_close and connection.sock is not None
        response.close()
        connection.pool.give_back(connection, keep=keep)

    def __enter__(self) -> Answer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass(frozen=True)
class Target:
    """Where a request goes: the URL's parts, and the proxy it goes through, if any."""

    scheme: str
    host: str
    port: int
    proxy: Proxy | None


class Pools:
    """The pools of one Client (see the module's docstring)."""

    def __init__(
        self,
        *,
        resolve: Resolve,
        read_timeout: float,
        context: Callable[[], ssl.SSLContext],
        size: int = POOL_SIZE,
    ) -> None:
        self.lookups = Lookups(resolve)
        self._read_timeout = read_timeout
        self._context = context
        self._size = size
        self._lock = threading.Lock()
        self._pools: dict[Target, _Pool] = {}

    def get(
        self,
        target: Target,
        path: str,
        headers: Mapping[str, str],
        *,
        connect_timeout: float,
        url: str,
    ) -> Answer:
        """GET `path` (the absolute URL when an http request goes through a proxy);
        `url`: what the answer's `url` says (no credentials)."""
        pool = self._pool(target)
        connection = pool.take()
        try:
            while True:
                connection.timeout = connect_timeout
                try:
                    connection.request("GET", path, headers=dict(headers))
                    response = connection.getresponse()
                except _STALE:
                    if not connection.reused:
                        raise
                    connection.close()  # closed by the server while idle: not a failure
                    connection = pool.fresh()
                    continue
                return Answer(response, connection, url)
        except BaseException:
            pool.give_back(connection, keep=False)
            raise

    def opened(self) -> int:
        """Connections opened so far, all pools together."""
        with self._lock:
            return sum(pool.opened for pool in self._pools.values())

    def close(self) -> None:
        with self._lock:
            pools = list(self._pools.values())
        for pool in pools:
            pool.close()

    def _pool(self, target: Target) -> _Pool:
        with self._lock:
            pool = self._pools.get(target)
            if pool is None:
                pool = self._pools[target] = _Pool(self._size, self._opener(target))
            return pool

    def _opener(self, target: Target) -> Callable[[_Pool], Connection]:
        proxy = target.proxy
        host, port = (proxy.host, proxy.port) if proxy else (target.host, target.port)
        context = self._context() if target.scheme == "https" else None

        def new(pool: _Pool) -> Connection:
            common: dict[str, Any] = {
                "lookups": self.lookups,
                "read_timeout": self._read_timeout,
                "pool": pool,
            }
            if context is None:
                return Connection(host, port, **common)
            connection = TLSConnection(
                host, port, context=context, server_name=target.host, **common
            )
            if proxy is not None:  # CONNECT through the proxy, then TLS inside the tunnel
                auth = {"Proxy-Authorization": proxy.authorization} if proxy.authorization else {}
                connection.set_tunnel(target.host, target.port, headers=auth)
            return connection

        return new

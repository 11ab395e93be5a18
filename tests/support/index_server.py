"""A package index on 127.0.0.1 for tests: PEP 503 HTML and PEP 691 JSON pages over
the wheels (and sdists) in one directory, served from a background thread.

    with serve_index(wheel_dir, validators="etag", max_age=600) as index:
        ...  # index.url == "http://127.0.0.1:PORT/simple/"
        index.add(build_wheel(...)); index.yank("a-1.0-py3-none-any.whl")
        index.fail_with = 500; index.refuse_connections(); index.accept_connections()
        assert index.requests["/simple/a/"] == 1
        assert index.connections == 1  # TCP connections accepted (kept alive between requests)

What a test can change while it runs:
- the files: `add`, `remove`, `yank` (each bumps the project's serial and date);
- `validators`: "etag" (strong ETag, 304 on If-None-Match), "last-modified"
  (304 on If-Modified-Since), "serial" (`X-PyPI-Last-Serial` only, as a mirror
  without validators but with PyPI's serial header), "all", or "none";
- `max_age`: `Cache-Control: max-age=N` on pages (None: no Cache-Control header);
- `delay`: seconds slept before answering each request (a slow, distant index);
- `json_pages`: False serves HTML even to a client that asks for JSON;
- `gzip_pages`: True compresses pages for a client sending `Accept-Encoding: gzip`;
- `fail_with`: an HTTP status answered to every request (None: serve normally);
- `refuse_connections()` / `accept_connections()`: the port refuses, then listens again;
- `reset(files)`: the files, yanks, failures, delay and counts as they were at the start,
  and listening, for the next test sharing the server;
- `drop_reused`: True closes a kept-alive connection, with no answer, when a second
  request arrives on it, as a server whose keep-alive timeout ran out just then does.

`connections` counts the TCP connections accepted (the server keeps them alive: HTTP/1.1),
so a test can tell one connection per request from a pool that reuses them; `resumed`,
those that resumed an earlier TLS session.

`https=True` serves TLS with a self-signed certificate for 127.0.0.1 made by
`openssl req` (see `make_certificate`); `index.cert_file` is what a client trusts.
"""

from __future__ import annotations

import email.utils
import gzip
import hashlib
import html
import json
import re
import shutil
import ssl
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

JSON_TYPE = "application/vnd.pypi.simple.v1+json"
HTML_TYPE = "text/html"
VALIDATORS = ("etag", "last-modified", "serial", "all", "none")


def normalize(name: str) -> str:
    """PEP 503 name normalization."""
    return re.sub(r"[-_.]+", "-", name).lower()


def project_of(filename: str) -> str:
    """The normalized project name of a wheel or sdist file name."""
    if filename.endswith(".whl"):
        return normalize(filename.split("-")[0])
    stem = re.sub(r"\.(tar\.gz|zip|tar\.bz2)$", "", filename)
    return normalize(stem.rsplit("-", 1)[0])


def make_certificate(directory: Path) -> tuple[Path, Path] | None:
    """A self-signed certificate for 127.0.0.1 (cert, key), or None without openssl."""
    if shutil.which("openssl") is None:
        return None
    cert, key = directory / "index-cert.pem", directory / "index-key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


class _Server(ThreadingHTTPServer):
    # socketserver's default backlog of 5 drops the SYNs of a client that opens more
    # connections at once, which then waits a whole second to retry.
    request_queue_size = 128
    # Set when the server stops: a request still waiting out `delay` then ends with
    # no answer, instead of reading a directory its test may have removed by then.
    stopping: threading.Event


@dataclass
class _Project:
    serial: int = 0
    changed: float = 0.0  # seconds since the epoch, whole seconds


@dataclass
class IndexServer:
    directory: Path
    validators: str = "etag"
    max_age: int | None = None
    delay: float = 0.0
    fail_with: int | None = None
    json_pages: bool = True  # False: HTML only, as an index without PEP 691
    gzip_pages: bool = False  # True: gzip pages for a client that accepts it
    requests: Counter[str] = field(default_factory=Counter)
    # (path, request headers) of every request, in order: what did the client send?
    received: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    yanked: dict[str, str] = field(default_factory=dict)  # file name -> reason
    connections: int = 0  # TCP connections accepted since the start (or a test's reset)
    resumed: int = 0  # ... of which (https) resumed an earlier TLS session
    drop_reused: bool = False
    cert_file: Path | None = None
    _serial: int = 0
    _projects: dict[str, _Project] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: _Server | None = None
    _thread: threading.Thread | None = None
    _port: int = 0
    _tls: ssl.SSLContext | None = None

    # --- what tests call --------------------------------------------------------

    @property
    def root(self) -> str:
        scheme = "https" if self._tls else "http"
        return f"{scheme}://127.0.0.1:{self._port}"

    @property
    def url(self) -> str:
        return f"{self.root}/simple/"

    def page_url(self, project: str) -> str:
        return f"{self.url}{normalize(project)}/"

    def add(self, path: Path) -> None:
        """Publish a file (copied into the directory unless it is already there)."""
        if path.parent.resolve() != self.directory.resolve():
            shutil.copy2(path, self.directory / path.name)
        self._touch(project_of(path.name))

    def remove(self, filename: str) -> None:
        (self.directory / filename).unlink()
        self.yanked.pop(filename, None)
        self._touch(project_of(filename))

    def yank(self, filename: str, reason: str = "") -> None:
        self.yanked[filename] = reason
        self._touch(project_of(filename))

    def reset(self, files: Path) -> None:
        """Serve a copy of `files` again, with nothing yanked, failing or counted, and
        listening: a server kept for several tests, one after the other, as each found
        it. Its URL stays, so what a build recorded from it then still holds."""
        for path in self.directory.iterdir():
            path.unlink()
        for path in files.iterdir():
            shutil.copy2(path, self.directory / path.name)
        self.yanked.clear()
        self.requests.clear()
        self.received.clear()
        self.connections = self.resumed = 0
        self.fail_with = None
        self.delay = 0.0
        self.drop_reused = False
        if self._server is None:
            self.accept_connections()

    def refuse_connections(self) -> None:
        """Stop listening: connections to the same URL are now refused."""
        self._stop()

    def accept_connections(self) -> None:
        self._start(self._port)

    # --- pages ------------------------------------------------------------------

    def _touch(self, project: str) -> None:
        with self._lock:
            self._bump(project)

    def _bump(self, project: str) -> None:
        self._serial += 1
        state = self._projects.setdefault(project, _Project())
        state.serial = self._serial
        # Last-Modified has one-second resolution: two changes within a second must
        # still give two dates, or a test of If-Modified-Since would be flaky.
        state.changed = max(float(int(time.time())), state.changed + 1)

    def _files(self, project: str) -> list[Path]:
        return sorted(
            p for p in self.directory.iterdir() if p.is_file() and project_of(p.name) == project
        )

    def _state(self, project: str) -> _Project:
        with self._lock:
            if project not in self._projects:
                self._bump(project)
            return self._projects[project]

    def project_page(self, project: str, as_json: bool) -> bytes | None:
        files = self._files(project)
        if not files:
            return None
        entries = []
        for path in files:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            entries.append((path.name, digest, self.yanked.get(path.name)))
        if as_json:
            body = {
                "meta": {"api-version": "1.1"},
                "name": project,
                "files": [
                    {"filename": name, "url": f"/files/{name}", "hashes": {"sha256": digest},
                     "yanked": reason if reason else reason is not None}
                    for name, digest, reason in entries
                ],
            }  # fmt: skip
            return json.dumps(body, sort_keys=True).encode()
        links = []
        for name, digest, reason in entries:
            yanked = "" if reason is None else f' data-yanked="{html.escape(reason)}"'
            links.append(f'<a href="/files/{name}#sha256={digest}"{yanked}>{name}</a><br/>')
        text = (
            '<!DOCTYPE html>\n<html><head><meta name="pypi:repository-version" content="1.0">'
            f"<title>Links for {project}</title></head><body>\n"
            + "\n".join(links)
            + "\n</body></html>\n"
        )
        return text.encode()

    def root_page(self, as_json: bool) -> bytes:
        names = sorted({project_of(p.name) for p in self.directory.iterdir() if p.is_file()})
        if as_json:
            body = {"meta": {"api-version": "1.1"}, "projects": [{"name": n} for n in names]}
            return json.dumps(body, sort_keys=True).encode()
        links = "".join(f'<a href="/simple/{n}/">{n}</a><br/>\n' for n in names)
        return f"<!DOCTYPE html>\n<html><body>\n{links}</body></html>\n".encode()

    # --- the server -------------------------------------------------------------

    def _start(self, port: int = 0) -> None:
        index = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # The headers and the body go out in two writes; on a kept-alive connection
            # Nagle's algorithm held the body until the client's delayed ACK, 30-40 ms
            # a request (a tool install's 102 requests: 6.8 s, 3.6 s without). A real
            # index answers without that pause.
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: object) -> None:
                pass  # quiet: pytest shows stderr of failing tests

            def setup(self) -> None:
                super().setup()
                self.answered = 0
                resumed = isinstance(self.connection, ssl.SSLSocket) and (
                    self.connection.session_reused
                )
                with index._lock:
                    index.connections += 1
                    index.resumed += resumed

            def do_GET(self) -> None:
                self._answer()

            def do_HEAD(self) -> None:
                self._answer()

            def _answer(self) -> None:
                if index.drop_reused and self.answered:
                    self.close_connection = True  # closed with no answer
                    return
                self.answered += 1
                index._answer(self)

        server = _Server(("127.0.0.1", port), Handler)
        server.daemon_threads = True
        server.stopping = threading.Event()
        if self._tls is not None:
            server.socket = self._tls.wrap_socket(server.socket, server_side=True)
        self._port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def _stop(self) -> None:
        if self._server is not None:
            self._server.stopping.set()
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _answer(self, request: BaseHTTPRequestHandler) -> None:
        path = request.path.split("?", 1)[0]
        with self._lock:
            self.requests[path] += 1
            self.received.append((path, dict(request.headers.items())))
        if self.delay:
            assert isinstance(request.server, _Server)
            if request.server.stopping.wait(self.delay):
                request.close_connection = True
                return
        if self.fail_with is not None:
            self._send(request, self.fail_with, b"failing on purpose\n", "text/plain", {})
            return
        if path.startswith("/files/"):
            file = self.directory / path.removeprefix("/files/")
            if "/" in path.removeprefix("/files/") or not file.is_file():
                self._send(request, 404, b"not found\n", "text/plain", {})
                return
            self._send(request, 200, file.read_bytes(), "application/octet-stream", {})
            return
        as_json = self.json_pages and JSON_TYPE in request.headers.get("Accept", "")
        content_type = JSON_TYPE if as_json else HTML_TYPE
        if path in ("/simple", "/simple/"):
            self._send(request, 200, self.root_page(as_json), content_type, {})
            return
        match = re.fullmatch(r"/simple/([^/]+)/?", path)
        if match is None:
            self._send(request, 404, b"not found\n", "text/plain", {})
            return
        if not path.endswith("/"):  # as PyPI does: the canonical URL ends with a slash
            self._send(request, 301, b"", "text/plain", {"Location": path + "/"})
            return
        project = normalize(match.group(1))
        body = self.project_page(project, as_json)
        if body is None:
            self._send(request, 404, b"not found\n", "text/plain", {})
            return
        self._send_page(request, project, body, content_type)

    def _send_page(
        self, request: BaseHTTPRequestHandler, project: str, body: bytes, content_type: str
    ) -> None:
        state = self._state(project)
        headers: dict[str, str] = {"Vary": "Accept"}
        if self.max_age is not None:
            headers["Cache-Control"] = f"max-age={self.max_age}, public"
        mode = self.validators
        etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
        last_modified = email.utils.formatdate(state.changed, usegmt=True)
        if mode in ("etag", "all"):
            headers["ETag"] = etag
        if mode in ("last-modified", "all"):
            headers["Last-Modified"] = last_modified
        if mode in ("serial", "all"):
            headers["X-PyPI-Last-Serial"] = str(state.serial)
        if self.gzip_pages and "gzip" in request.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
        if mode in ("etag", "all") and request.headers.get("If-None-Match") == etag:
            self._send(request, 304, b"", content_type, headers)
            return
        since = request.headers.get("If-Modified-Since")
        if mode in ("last-modified", "all") and since and "If-None-Match" not in request.headers:
            parsed = email.utils.parsedate_to_datetime(since).timestamp()
            if state.changed <= parsed:
                self._send(request, 304, b"", content_type, headers)
                return
        self._send(request, 200, body, content_type, headers)

    @staticmethod
    def _send(
        request: BaseHTTPRequestHandler,
        status: int,
        body: bytes,
        content_type: str,
        headers: dict[str, str],
    ) -> None:
        request.send_response(status)
        if status != 304:
            request.send_header("Content-Type", content_type)
            request.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            request.send_header(name, value)
        request.end_headers()
        if request.command != "HEAD" and status != 304:
            request.wfile.write(body)


@contextmanager
def serve_index(
    directory: Path,
    *,
    validators: str = "etag",
    max_age: int | None = None,
    delay: float = 0.0,
    https: bool = False,
) -> Iterator[IndexServer]:
    """Serve `directory` until the block ends. `https=True` needs openssl (else the
    caller should skip: `make_certificate` returns None)."""
    if validators not in VALIDATORS:
        raise ValueError(f"validators must be one of {VALIDATORS}, not {validators!r}")
    index = IndexServer(directory, validators=validators, max_age=max_age, delay=delay)
    if https:
        made = make_certificate(directory.parent)
        if made is None:
            raise RuntimeError("https needs the openssl command")
        cert, key = made
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        index._tls = context
        index.cert_file = cert
    index._start()
    try:
        yield index
    finally:
        index._stop()

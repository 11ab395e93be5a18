"""`Client.get`, the download client's conditional GET (what the index-page check uses),
against the local test index (tests/support/index_server.py)."""

from __future__ import annotations

import base64
import socket
import socketserver
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from python_buildpack.runtime.download import Client, DownloadError, Timeouts
from support.index_server import JSON_TYPE, IndexServer, make_certificate, serve_index
from support.wheels import build_wheel

FAST = Timeouts(connect=2.0, read=2.0)


@pytest.fixture
def index(tmp_path: Path) -> Iterator[IndexServer]:
    build_wheel(tmp_path / "wheels", "idna", "3.7")
    with serve_index(tmp_path / "wheels", validators="etag") as server:
        yield server


def client() -> Client:
    return Client({}, timeouts=FAST, retries=2, backoff=0.05)


def test_a_304_and_a_404_are_answers_not_errors(index: IndexServer) -> None:
    page = client().get(index.page_url("idna"), headers={"Accept": JSON_TYPE})
    assert page.status == 200 and page.header("content-type") == JSON_TYPE
    assert b"idna-3.7-py3-none-any.whl" in page.body
    etag = page.header("ETag")
    assert etag is not None
    conditional = {"Accept": JSON_TYPE, "If-None-Match": etag}
    again = client().get(index.page_url("idna"), headers=conditional)
    assert (again.status, again.body) == (304, b"")
    assert client().get(index.page_url("nothing-here")).status == 404
    with pytest.raises(DownloadError) as refused:
        client().get(index.page_url("nothing-here"), answers=())
    assert refused.value.missing and refused.value.status == 404


def test_gzipped_bodies_come_back_plain(index: IndexServer) -> None:
    index.gzip_pages = True
    page = client().get(index.page_url("idna"))
    assert index.received[-1][1]["Accept-Encoding"] == "gzip"
    assert page.header("Content-Encoding") == "gzip" and b"idna-3.7" in page.body


def test_redirects_are_followed_and_the_final_url_has_no_credentials(
    index: IndexServer,
) -> None:
    url = index.page_url("idna").rstrip("/").replace("127.0.0.1", "u:secret@127.0.0.1")
    page = client().get(url)
    assert page.status == 200 and page.url == index.page_url("idna")
    assert index.received[0][1]["Authorization"].startswith("Basic ")
    assert "Authorization" not in index.received[1][1]  # not sent on after a redirect


def test_a_server_error_is_retried_then_raised_with_its_status(index: IndexServer) -> None:
    index.fail_with = 503
    with pytest.raises(DownloadError) as failed:
        client().get(index.page_url("idna"))
    assert failed.value.status == 503 and failed.value.retryable
    assert failed.value.attempts == 3 and index.requests["/simple/idna/"] == 3


def test_no_retry_starts_after_the_deadline(index: IndexServer) -> None:
    index.fail_with = 500
    with pytest.raises(DownloadError) as failed:
        client().get(index.page_url("idna"), deadline=time.monotonic() + 0.01)
    assert failed.value.attempts == 1 and index.requests["/simple/idna/"] == 1


def test_an_answer_over_the_limit_is_refused(index: IndexServer) -> None:
    with pytest.raises(DownloadError, match="larger than 10 bytes"):
        client().get(index.page_url("idna"), limit=10)


def test_file_urls_answer_200_or_404(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text("<a href='x.whl'>x</a>")
    assert client().get((tmp_path / "page.html").as_uri()).body.startswith(b"<a")
    assert client().get((tmp_path / "gone.html").as_uri()).status == 404


def test_requests_share_one_kept_alive_connection(index: IndexServer) -> None:
    shared = client()
    for _ in range(3):
        assert shared.get(index.page_url("idna")).status == 200
    assert shared.get(index.page_url("nothing-here")).status == 404
    assert index.connections == 1 and index.requests["/simple/idna/"] == 3


def test_a_kept_alive_connection_the_server_closed_is_replaced_at_once_not_counted(
    index: IndexServer,
) -> None:
    pauses: list[float] = []
    shared = Client({}, timeouts=FAST, retries=0, sleep=pauses.append)
    assert shared.get(index.page_url("idna")).status == 200
    assert shared.get(index.page_url("idna")).status == 200
    index.drop_reused = True  # the next request on that connection finds it closed
    assert shared.get(index.page_url("idna")).status == 200
    assert index.connections == 2 and index.requests["/simple/idna/"] == 3
    assert pauses == []  # no retry: retries=0 would have failed it


@pytest.fixture
def https_index(tmp_path: Path) -> Iterator[IndexServer]:
    if make_certificate(tmp_path) is None:
        pytest.skip("no openssl command")
    build_wheel(tmp_path / "wheels", "idna", "3.7")
    with serve_index(tmp_path / "wheels", https=True) as server:
        yield server


def test_a_new_https_connection_resumes_the_tls_session_of_the_last_one(
    https_index: IndexServer,
) -> None:
    trust = {"SSL_CERT_FILE": str(https_index.cert_file)}
    shared = Client(trust, timeouts=FAST)
    assert shared.get(https_index.page_url("idna")).status == 200
    https_index.drop_reused = True  # so the next request needs a new connection
    assert shared.get(https_index.page_url("idna")).status == 200
    assert https_index.connections == 2 and https_index.resumed == 1


class ConnectProxy(socketserver.ThreadingTCPServer):
    """An http proxy that only tunnels (CONNECT), recording each CONNECT's head."""

    daemon_threads = True

    def __init__(self) -> None:
        self.heads: list[str] = []
        super().__init__(("127.0.0.1", 0), _Tunnel)


class _Tunnel(socketserver.StreamRequestHandler):
    server: ConnectProxy

    def handle(self) -> None:
        head = b""
        while not head.endswith(b"\r\n\r\n"):
            line = self.rfile.readline()
            if not line:
                return
            head += line
        self.server.heads.append(head.decode())
        host, _, port = head.split()[1].decode().rpartition(":")
        with socket.create_connection((host, int(port))) as upstream:
            self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            self.wfile.flush()
            back = threading.Thread(target=_pipe, args=(upstream, self.connection), daemon=True)
            back.start()
            _pipe(self.connection, upstream)
            back.join(timeout=5)


def _pipe(source: socket.socket, dest: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            dest.sendall(data)
        dest.shutdown(socket.SHUT_WR)
    except OSError:
        pass


def test_https_through_a_proxy_is_one_tunnel_with_the_proxys_credentials(
    https_index: IndexServer,
) -> None:
    proxy = ConnectProxy()
    thread = threading.Thread(target=proxy.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        trust = {
            "https_proxy": f"http://user:s3cret@127.0.0.1:{proxy.server_address[1]}",
            "SSL_CERT_FILE": str(https_index.cert_file),
        }
        shared = Client(trust, timeouts=FAST)
        for _ in range(3):
            assert shared.get(https_index.page_url("idna")).status == 200
        del shared  # its connections close with it
    finally:
        proxy.shutdown()
        proxy.server_close()
        thread.join(timeout=5)
    assert len(proxy.heads) == 1, proxy.heads  # one tunnel for the three requests
    target = https_index.root.removeprefix("https://")
    assert proxy.heads[0].startswith(f"CONNECT {target} HTTP/1.")
    login = base64.b64encode(b"user:s3cret").decode()
    assert f"Proxy-Authorization: Basic {login}" in proxy.heads[0]
    assert https_index.requests["/simple/idna/"] == 3

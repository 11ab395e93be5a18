"""The one download client: retries, timeouts, proxies, trust settings, credentials;
exercised through the runtime download and the moving-reference check."""

from __future__ import annotations

import hashlib
import http.server
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from python_buildpack.errors import (
    BuildpackError,
    InvalidTrustSetting,
    PythonVersionUnavailable,
    RuntimeChecksumMismatch,
    RuntimeDownloadFailed,
)
from python_buildpack.runtime import (
    Timeouts,
    download_archive,
    download_runtime,
)

NAME = "python-3.12.7-ubuntu-24.04-amd64.tar.zst"
PAYLOAD = b"pretend this is a runtime archive\n" * 1000
FAST = Timeouts(connect=2.0, read=2.0)


def message(error: BuildpackError) -> str:
    return f"{error.title()}\n{error.body()}"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def no_sleep(seconds: float) -> None:
    pass


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


# --- download over HTTP ----------------------------------------------------------------


@dataclass
class FakeServer:
    """Answers each path with a list of (status, body); the last one repeats."""

    routes: dict[str, list[tuple[int, bytes]]] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    port: int = 0

    def serve(self, path: str, *answers: tuple[int, bytes]) -> None:
        self.routes[path] = list(answers)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def answer(self, target: str) -> tuple[int, bytes]:
        self.requests.append(target)
        answers = self.routes.get(urlsplit(target).path)
        if not answers:
            return 404, b"not found"
        return answers.pop(0) if len(answers) > 1 else answers[0]


def start(fake: FakeServer, tls: ssl.SSLContext | None = None) -> Iterator[FakeServer]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, body = fake.answer(self.path)
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    fake.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def server() -> Iterator[FakeServer]:
    yield from start(FakeServer())


def fetch(url: str, dest: Path, *, retries: int = 3) -> None:
    download_archive(url, dest, trust_env={}, timeouts=FAST, retries=retries, sleep=no_sleep)


def test_archive_is_downloaded_when_the_mirror_has_no_sidecar(
    server: FakeServer, tmp_path: Path
) -> None:
    server.serve(f"/{NAME}", (200, PAYLOAD))
    fetch(server.url(f"/{NAME}"), tmp_path / NAME)
    assert (tmp_path / NAME).read_bytes() == PAYLOAD
    assert server.requests == [f"/{NAME}", f"/{NAME}.sha256"]


def test_downloaded_archive_matching_its_sidecar_is_kept(
    server: FakeServer, tmp_path: Path
) -> None:
    server.serve(f"/{NAME}", (200, PAYLOAD))
    server.serve(f"/{NAME}.sha256", (200, sha256(PAYLOAD).upper().encode()))
    fetch(server.url(f"/{NAME}"), tmp_path / NAME)
    assert (tmp_path / NAME).read_bytes() == PAYLOAD


def test_downloaded_archive_not_matching_its_sidecar_is_refused(
    server: FakeServer, tmp_path: Path
) -> None:
    server.serve(f"/{NAME}", (200, PAYLOAD))
    server.serve(f"/{NAME}.sha256", (200, f"{sha256(b'other')}  {NAME}\n".encode()))
    with pytest.raises(RuntimeChecksumMismatch) as caught:
        fetch(server.url(f"/{NAME}"), tmp_path / NAME)
    assert caught.value.expected == sha256(b"other")
    assert caught.value.actual == sha256(PAYLOAD)
    assert leftovers(tmp_path) == []


def test_sidecar_that_fails_to_download_fails_the_build(server: FakeServer, tmp_path: Path) -> None:
    server.serve(f"/{NAME}", (200, PAYLOAD))
    server.serve(f"/{NAME}.sha256", (503, b"busy"))
    with pytest.raises(RuntimeDownloadFailed) as caught:
        fetch(server.url(f"/{NAME}"), tmp_path / NAME, retries=1)
    assert caught.value.url.endswith(".sha256")
    assert leftovers(tmp_path) == []


def test_http_404_means_the_python_version_isnt_available(
    server: FakeServer, tmp_path: Path
) -> None:
    url = server.url("/python-3.12.99-ubuntu-24.04-amd64.tar.zst")
    with pytest.raises(PythonVersionUnavailable) as caught:
        download_runtime(
            url,
            tmp_path / "archive",
            version="3.12.99",
            stack="heroku-24",
            arch="amd64",
            supported=["3.12.8"],
            trust_env={},
            sleep=no_sleep,
        )
    assert "isn't available for this stack (heroku-24, amd64)" in message(caught.value)
    assert "HTTP 404" in message(caught.value)
    assert len(server.requests) == 1  # a 404 is not retried


def test_server_error_is_retried_until_the_download_succeeds(
    server: FakeServer, tmp_path: Path
) -> None:
    server.serve(f"/{NAME}", (500, b"oops"), (502, b"oops"), (200, PAYLOAD))
    sleeps: list[float] = []
    download_archive(
        server.url(f"/{NAME}"), tmp_path / NAME, trust_env={}, timeouts=FAST, sleep=sleeps.append
    )
    assert (tmp_path / NAME).read_bytes() == PAYLOAD
    assert sleeps == [1.0, 2.0]


def test_server_error_that_persists_says_the_download_failed(
    server: FakeServer, tmp_path: Path
) -> None:
    server.serve(f"/{NAME}", (503, b"busy"))
    with pytest.raises(RuntimeDownloadFailed) as caught:
        fetch(server.url(f"/{NAME}"), tmp_path / NAME, retries=3)
    text = message(caught.value)
    assert "Unable to download Python." in text
    assert server.url(f"/{NAME}") in text
    assert "HTTP 503" in text
    assert "try the build again" in text
    assert len(server.requests) == 4
    assert leftovers(tmp_path) == []


def test_refused_connection_says_the_download_failed(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/{NAME}"
    with pytest.raises(RuntimeDownloadFailed) as caught:
        fetch(url, tmp_path / NAME, retries=2)
    assert "connection was refused" in message(caught.value)
    assert "tried 3 times" in message(caught.value)
    assert caught.value.failure_reason == "runtime_download"


def test_server_that_never_answers_times_out(tmp_path: Path) -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/{NAME}"
        with pytest.raises(RuntimeDownloadFailed) as caught:
            download_archive(
                url, tmp_path / NAME, trust_env={}, timeouts=Timeouts(1.0, 0.2), retries=0
            )
    assert "did not answer in time" in message(caught.value)


def test_proxy_from_the_trust_settings_is_used(
    server: FakeServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_PROXY", "*")  # the buildpack's own environment must not count
    server.serve(f"/{NAME}", (200, PAYLOAD))
    trust = {"http_proxy": f"http://user:secret@127.0.0.1:{server.port}"}
    download_archive(f"http://runtimes.invalid/{NAME}", tmp_path / NAME, trust_env=trust)
    assert (tmp_path / NAME).read_bytes() == PAYLOAD
    assert server.requests[0] == f"http://runtimes.invalid/{NAME}"


def test_no_proxy_from_the_trust_settings_bypasses_the_proxy(
    server: FakeServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # ignored: not in trust_env
    server.serve(f"/{NAME}", (200, PAYLOAD))
    trust = {"HTTP_PROXY": "http://127.0.0.1:9", "NO_PROXY": "example.com, 127.0.0.1"}
    download_archive(server.url(f"/{NAME}"), tmp_path / NAME, trust_env=trust)
    assert server.requests[0] == f"/{NAME}"


@pytest.fixture
def certificate(tmp_path: Path) -> Path:
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl program to make a certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert


@pytest.fixture
def tls_server(certificate: Path) -> Iterator[FakeServer]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate, certificate.with_name("key.pem"))
    yield from start(FakeServer(), tls=context)


def test_https_mirror_is_trusted_through_the_ca_file_in_the_trust_settings(
    tls_server: FakeServer, certificate: Path, tmp_path: Path
) -> None:
    tls_server.serve(f"/{NAME}", (200, PAYLOAD))
    url = f"https://127.0.0.1:{tls_server.port}/{NAME}"
    download_archive(url, tmp_path / NAME, trust_env={"SSL_CERT_FILE": str(certificate)})
    assert (tmp_path / NAME).read_bytes() == PAYLOAD


def test_https_mirror_with_an_unknown_certificate_is_refused_without_retrying(
    tls_server: FakeServer, tmp_path: Path
) -> None:
    tls_server.serve(f"/{NAME}", (200, PAYLOAD))
    url = f"https://127.0.0.1:{tls_server.port}/{NAME}"
    with pytest.raises(RuntimeDownloadFailed) as caught:
        download_archive(url, tmp_path / NAME, trust_env={}, sleep=no_sleep)
    assert "certificate" in caught.value.reason
    assert not caught.value.retryable
    assert "Trying again will not help" in message(caught.value)


def test_unreadable_ca_file_in_the_trust_settings_is_named(tmp_path: Path) -> None:
    with pytest.raises(InvalidTrustSetting) as caught:
        download_archive(
            f"https://127.0.0.1:9/{NAME}",
            tmp_path / NAME,
            trust_env={"REQUESTS_CA_BUNDLE": str(tmp_path / "missing.pem")},
        )
    assert "REQUESTS_CA_BUNDLE" in message(caught.value)
    assert "missing.pem" in message(caught.value)

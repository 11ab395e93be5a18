"""The one download client: retries, timeouts, proxies, trust settings, credentials;
exercised through the runtime download and the moving-reference check."""

from __future__ import annotations

import base64
import dataclasses
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
from urllib.parse import quote, urlsplit

import pytest

from python_buildpack.errors import (
    BuildpackError,
    InvalidTrustSetting,
    MovingReferenceUnresolvable,
    PythonVersionUnavailable,
    RuntimeArchiveNotFound,
    RuntimeChecksumMismatch,
    RuntimeDownloadFailed,
)
from python_buildpack.managers.pip import moving
from python_buildpack.runtime import (
    Timeouts,
    WantedRuntime,
    download_archive,
    download_runtime,
)
from support.fakes import FakeRunner, make_context

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
    login: tuple[str, str] | None = None  # (user, password) that Basic auth must give
    authorizations: list[str | None] = field(default_factory=list)

    def serve(self, path: str, *answers: tuple[int, bytes]) -> None:
        self.routes[path] = list(answers)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def answer(self, target: str, authorization: str | None = None) -> tuple[int, bytes]:
        self.requests.append(target)
        self.authorizations.append(authorization)
        if self.login is not None and authorization != basic(*self.login):
            return 401, b"who are you?"
        answers = self.routes.get(urlsplit(target).path)
        if not answers:
            return 404, b"not found"
        return answers.pop(0) if len(answers) > 1 else answers[0]


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def start(fake: FakeServer, tls: ssl.SSLContext | None = None) -> Iterator[FakeServer]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, body = fake.answer(self.path, self.headers.get("Authorization"))
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
            WantedRuntime("3.12.99", "heroku-24", "amd64", ["3.12.8"], ".python-version"),
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


# --- private URLs: credentials as pip finds them (issue 9, item 5) -------------------

WHEEL = b"PK pretend this is a private wheel"
SECRET = "s3cr3t/t0ken@x"  # '/' and '@' must be percent-encoded in a URL's userinfo


@pytest.fixture
def private_server() -> Iterator[FakeServer]:
    fake = FakeServer(login=("deploy", SECRET))
    fake.serve("/pkg-1.0-py3-none-any.whl", (200, WHEEL))
    yield from start(fake)


def check_reference(url: str, host_env: dict[str, str], tmp_path: Path) -> str:
    """What the moving-reference check says `pkg @ <url>` (no hash) points to now."""
    ctx = dataclasses.replace(make_context(tmp_path, FakeRunner()), host_env=host_env)
    return moving.resolve(ctx, url, "archive_url", "requirements.txt:1: pkg @ URL")


def private_url(server: FakeServer, userinfo: str = "") -> str:
    return f"http://{userinfo}127.0.0.1:{server.port}/pkg-1.0-py3-none-any.whl"


def test_private_archive_url_with_user_and_token_in_it_is_checked(
    private_server: FakeServer, tmp_path: Path
) -> None:
    url = private_url(private_server, f"deploy:{quote(SECRET, safe='')}@")
    assert check_reference(url, {}, tmp_path) == sha256(WHEEL)
    assert private_server.requests == ["/pkg-1.0-py3-none-any.whl"]
    assert private_server.authorizations == [basic("deploy", SECRET)]


def test_private_archive_url_with_a_token_alone_as_its_user_is_checked(
    private_server: FakeServer, tmp_path: Path
) -> None:
    # https://${GITHUB_TOKEN}@host/...: pip sends the token as the user, no password.
    private_server.login = (SECRET, "")
    url = private_url(private_server, f"{quote(SECRET, safe='')}@")
    assert check_reference(url, {}, tmp_path) == sha256(WHEEL)
    assert private_server.authorizations == [basic(SECRET, "")]


@pytest.mark.parametrize("where", ["NETRC", "HOME"])
def test_private_archive_url_is_checked_with_the_login_in_netrc(
    private_server: FakeServer, tmp_path: Path, where: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NETRC", str(tmp_path / "not-this-one"))  # the process env must not count
    home = tmp_path / "home"
    home.mkdir()
    netrc_file = home / (".netrc" if where == "HOME" else "credentials")
    netrc_file.write_text(
        f"machine other.example login nobody password nothing\n"
        f"machine 127.0.0.1 login deploy password {SECRET}\n"
    )
    env = {"HOME": str(home)} if where == "HOME" else {"NETRC": str(netrc_file)}
    assert check_reference(private_url(private_server), env, tmp_path) == sha256(WHEEL)
    assert private_server.authorizations == [basic("deploy", SECRET)]


def test_credentials_in_the_url_win_over_netrc(private_server: FakeServer, tmp_path: Path) -> None:
    (tmp_path / "netrc").write_text("machine 127.0.0.1 login deploy password wrong\n")
    url = private_url(private_server, f"deploy:{quote(SECRET, safe='')}@")
    assert check_reference(url, {"NETRC": str(tmp_path / "netrc")}, tmp_path) == sha256(WHEEL)


def test_refused_credentials_fail_the_check_without_showing_them(
    private_server: FakeServer, tmp_path: Path
) -> None:
    wrong = "wr0ng-" + SECRET
    url = private_url(private_server, f"deploy:{quote(wrong, safe='')}@")
    with pytest.raises(MovingReferenceUnresolvable) as caught:
        check_reference(url, {}, tmp_path)
    text = str(caught.value)
    assert "HTTP 401" in text
    assert "deploy:****@127.0.0.1" in text
    for secret in (wrong, quote(wrong, safe=""), SECRET):
        assert secret not in text
        assert secret not in repr(caught.value.details)
    assert len(private_server.requests) == 1  # a refusal is not retried
    assert caught.value.failure_reason == "moving_reference"


def test_archive_without_credentials_is_fetched_without_an_authorization_header(
    server: FakeServer, tmp_path: Path
) -> None:
    server.serve("/pkg-1.0.tar.gz", (200, WHEEL))
    assert check_reference(server.url("/pkg-1.0.tar.gz"), {}, tmp_path) == sha256(WHEEL)
    assert server.authorizations == [None]


def test_private_runtime_mirror_is_used_with_the_credentials_in_its_base_url(
    private_server: FakeServer, tmp_path: Path
) -> None:
    private_server.serve(f"/{NAME}", (200, PAYLOAD))
    userinfo = f"deploy:{quote(SECRET, safe='')}@"
    fetch(
        private_url(private_server, userinfo).replace("pkg-1.0-py3-none-any.whl", NAME),
        tmp_path / NAME,
    )
    assert (tmp_path / NAME).read_bytes() == PAYLOAD
    assert private_server.authorizations == [basic("deploy", SECRET)] * 2  # archive, sidecar

    missing = private_url(private_server, userinfo).replace("pkg-1.0", "python-3.12.99")
    with pytest.raises(RuntimeArchiveNotFound) as caught:
        fetch(missing, tmp_path / "other")
    assert quote(SECRET, safe="") not in str(caught.value)
    assert "deploy:****@" in str(caught.value)

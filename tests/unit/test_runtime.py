from __future__ import annotations

import hashlib
import http.server
import io
import json
import os
import shutil
import socket
import ssl
import subprocess
import tarfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from python_buildpack import runtime
from python_buildpack.errors import (
    BuildpackError,
    InvalidRuntimeBaseUrl,
    InvalidTrustSetting,
    PythonVersionUnavailable,
    RuntimeArchiveInvalid,
    RuntimeArchiveNotFound,
    RuntimeChecksumMismatch,
    RuntimeDownloadFailed,
    UnsafeRuntimeArchive,
    ZstdUnavailable,
)
from python_buildpack.runtime import (
    DEFAULT_BASE_URL,
    Timeouts,
    archive_name,
    archive_url,
    download_archive,
    download_runtime,
    extract_archive,
    runtime_base_url,
)
from support.runtime import packed_runtime

NAME = "python-3.12.7-ubuntu-24.04-amd64.tar.zst"
PAYLOAD = b"pretend this is a runtime archive\n" * 1000
FAST = Timeouts(connect=2.0, read=2.0)


def message(error: BuildpackError) -> str:
    return f"{error.title()}\n{error.body()}"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def no_sleep(seconds: float) -> None:
    pass


# --- naming and base URL -------------------------------------------------------------


def test_archive_names_follow_herokus_bucket() -> None:
    assert archive_name("3.12.7", "24.04", "amd64") == NAME
    assert archive_url("https://mirror.example/py/", "3.12.7", "24.04", "amd64") == (
        f"https://mirror.example/py/{NAME}"
    )


def test_without_a_base_url_herokus_bucket_is_used() -> None:
    assert runtime_base_url({}, {}) == DEFAULT_BASE_URL
    assert DEFAULT_BASE_URL == "https://heroku-buildpack-python.s3.us-east-1.amazonaws.com"


def test_apps_config_var_wins_over_the_build_machines_variable() -> None:
    config = {"PYTHON_RUNTIME_BASE_URL": "https://app-mirror.example/runtimes/\n"}
    environ = {"PYTHON_RUNTIME_BASE_URL": "http://machine-mirror.example"}
    assert runtime_base_url(config, environ) == "https://app-mirror.example/runtimes"
    assert runtime_base_url({}, environ) == "http://machine-mirror.example"
    assert runtime_base_url({"PYTHON_RUNTIME_BASE_URL": ""}, environ) == (
        "http://machine-mirror.example"
    )
    assert runtime_base_url({}, {"PYTHON_RUNTIME_BASE_URL": "file:///srv/runtimes"}) == (
        "file:///srv/runtimes"
    )


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("ftp://mirror.example/runtimes", "does not start with https://"),
        ("mirror.example/runtimes", "does not start with https://"),
        ("https:///runtimes", "has no host name"),
        ("file://server/runtimes", "names a host"),
        ("https://mirror.example/runtimes?token=1", "'?' or '#'"),
    ],
)
def test_unusable_base_url_is_refused_naming_the_var_and_value(value: str, problem: str) -> None:
    with pytest.raises(InvalidRuntimeBaseUrl) as caught:
        runtime_base_url({"PYTHON_RUNTIME_BASE_URL": value}, {})
    text = message(caught.value)
    assert "config var PYTHON_RUNTIME_BASE_URL" in text
    assert value in text
    assert problem in text
    assert caught.value.failure_reason == "runtime_base_url"


# --- download from file:// ------------------------------------------------------------


def mirror(tmp_path: Path, *, sidecar: str | None = None) -> str:
    directory = tmp_path / "mirror"
    directory.mkdir()
    (directory / NAME).write_bytes(PAYLOAD)
    if sidecar is not None:
        (directory / f"{NAME}.sha256").write_text(sidecar)
    return f"{directory.as_uri()}/{NAME}"


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def test_archive_is_copied_from_a_file_url(tmp_path: Path) -> None:
    url = mirror(tmp_path)
    dest = tmp_path / "out" / NAME
    dest.parent.mkdir()
    download_archive(url, dest, trust_env={})
    assert dest.read_bytes() == PAYLOAD
    assert leftovers(dest.parent) == [NAME]


def test_file_url_archive_is_verified_against_its_sha256sum_sidecar(tmp_path: Path) -> None:
    url = mirror(tmp_path, sidecar=f"{sha256(PAYLOAD)}  {NAME}\n")
    dest = tmp_path / NAME
    download_archive(url, dest, trust_env={})
    assert dest.read_bytes() == PAYLOAD


def test_file_url_archive_with_wrong_checksum_is_refused_and_not_kept(tmp_path: Path) -> None:
    url = mirror(tmp_path, sidecar="0" * 64)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(RuntimeChecksumMismatch) as caught:
        download_archive(url, out / NAME, trust_env={})
    text = message(caught.value)
    assert url in text
    assert "0" * 64 in text
    assert sha256(PAYLOAD) in text
    assert leftovers(out) == []


def test_missing_file_means_the_python_version_isnt_available(tmp_path: Path) -> None:
    directory = tmp_path / "mirror"
    directory.mkdir()
    url = f"{directory.as_uri()}/python-3.12.99-ubuntu-24.04-amd64.tar.zst"
    with pytest.raises(PythonVersionUnavailable) as caught:
        download_runtime(
            url,
            tmp_path / "archive",
            version="3.12.99",
            stack="heroku-24",
            arch="amd64",
            supported=["3.13.1", "3.12.8", "3.11.11"],
            trust_env={},
        )
    text = message(caught.value)
    assert caught.value.title() == (
        "Python 3.12.99 isn't available for this stack (heroku-24, amd64)."
    )
    assert url in text
    assert ".python-version" in text
    assert "3.13.1, 3.12.8, 3.11.11" in text
    assert "PYTHON_RUNTIME_BASE_URL" in text
    assert caught.value.failure_reason == "python_version_unavailable"
    assert not (tmp_path / "archive").exists()


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


# --- extraction ----------------------------------------------------------------------


@dataclass
class Entry:
    name: str
    type: bytes = tarfile.REGTYPE
    data: bytes = b""
    linkname: str = ""
    mode: int = 0o644


def tar_zst(path: Path, *entries: Entry) -> Path:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for entry in entries:
            info = tarfile.TarInfo(entry.name)
            info.type = entry.type
            info.mode = entry.mode
            info.linkname = entry.linkname
            info.size = len(entry.data) if entry.type == tarfile.REGTYPE else 0
            tar.addfile(info, io.BytesIO(entry.data) if info.size else None)
    subprocess.run(["zstd", "-q", "-f", "-o", str(path)], input=buffer.getvalue(), check=True)
    return path


@pytest.fixture(params=["data filter", "own checks only"])
def filter_mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run extraction tests with tarfile's data filter and as on Pythons that lack it."""
    if request.param == "own checks only":
        monkeypatch.setattr(runtime, "_HAS_DATA_FILTER", False)
        monkeypatch.setattr(runtime, "_FILTER_ERRORS", ())
    return str(request.param)


pytestmark_no_filter_warning = pytest.mark.filterwarnings(
    "ignore:Python 3.14 will, by default, filter extracted tar archives:DeprecationWarning"
)


@pytestmark_no_filter_warning
def test_runtime_archive_is_unpacked_with_executables_still_executable(
    tmp_path: Path, filter_mode: str
) -> None:
    archive = tar_zst(
        tmp_path / NAME,
        Entry("./", tarfile.DIRTYPE, mode=0o755),
        Entry("./bin", tarfile.DIRTYPE, mode=0o755),
        Entry("./bin/python3.12", data=b"#!/bin/sh\necho hi\n", mode=0o4755),
        Entry("./bin/python3", tarfile.SYMTYPE, linkname="python3.12"),
        Entry("./lib/libpython3.12.so.1.0", data=b"elf", mode=0o775),
        Entry("./lib/libpython3.12.so", tarfile.LNKTYPE, linkname="lib/libpython3.12.so.1.0"),
    )
    dest = tmp_path / "python"
    extract_archive(archive, dest)
    python = dest / "bin" / "python3"
    assert os.access(python, os.X_OK)
    assert subprocess.run([python], capture_output=True, check=True).stdout == b"hi\n"
    assert os.readlink(python) == "python3.12"
    assert (dest / "bin/python3.12").stat().st_mode & 0o7777 == 0o755  # no setuid
    assert (dest / "lib/libpython3.12.so").read_bytes() == b"elf"
    assert leftovers(tmp_path) == sorted([NAME, "python"])


@pytestmark_no_filter_warning
@pytest.mark.parametrize(
    ("entries", "member", "reason"),
    [
        ([Entry("../evil", data=b"x")], "../evil", "'..'"),
        ([Entry("bin/../../evil", data=b"x")], "bin/../../evil", "'..'"),
        ([Entry("/tmp/evil", data=b"x")], "/tmp/evil", "absolute path"),
        ([Entry("escape", tarfile.SYMTYPE, linkname="../outside")], "escape", "outside"),
        ([Entry("etc", tarfile.SYMTYPE, linkname="/etc")], "etc", "absolute path"),
        ([Entry("passwd", tarfile.LNKTYPE, linkname="/etc/passwd")], "passwd", "outside"),
        ([Entry("null", tarfile.CHRTYPE)], "null", "device"),
        ([Entry("fifo", tarfile.FIFOTYPE)], "fifo", "device"),
        (
            [
                Entry("a", tarfile.SYMTYPE, linkname="b/.."),
                Entry("b", tarfile.SYMTYPE, linkname="."),
            ],
            "a",
            "outside",
        ),
    ],
)
def test_archive_that_would_write_outside_the_install_dir_is_refused(
    tmp_path: Path, filter_mode: str, entries: list[Entry], member: str, reason: str
) -> None:
    archive = tar_zst(tmp_path / NAME, Entry("bin", tarfile.DIRTYPE, mode=0o755), *entries)
    (tmp_path / "work").mkdir()
    dest = tmp_path / "work" / "python"
    with pytest.raises(UnsafeRuntimeArchive) as caught:
        extract_archive(archive, dest)
    assert caught.value.member.lstrip("/") == member.lstrip("/")
    assert reason in message(caught.value)
    assert caught.value.failure_reason == "runtime_archive_unsafe"
    assert leftovers(tmp_path / "work") == []  # nothing half-extracted
    assert leftovers(tmp_path) == [NAME, "work"]  # nothing escaped either


def test_damaged_archive_is_reported_and_leaves_nothing(tmp_path: Path) -> None:
    archive = tmp_path / NAME
    good = tar_zst(tmp_path / "good.tar.zst", Entry("bin/python", data=b"x" * 100_000))
    archive.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    (tmp_path / "work").mkdir()
    with pytest.raises(RuntimeArchiveInvalid) as caught:
        extract_archive(archive, tmp_path / "work" / "python")
    assert str(archive) in message(caught.value)
    assert leftovers(tmp_path / "work") == []


def test_zstd_file_that_is_not_a_tar_is_reported(tmp_path: Path) -> None:
    archive = tmp_path / NAME
    subprocess.run(["zstd", "-q", "-o", str(archive)], input=b"hello" * 1000, check=True)
    (tmp_path / "work").mkdir()
    with pytest.raises(RuntimeArchiveInvalid):
        extract_archive(archive, tmp_path / "work" / "python")
    assert leftovers(tmp_path / "work") == []


def test_machine_without_zstd_is_told_zstd_is_needed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = tar_zst(tmp_path / NAME, Entry("bin/python", data=b"x"))
    monkeypatch.setattr(runtime, "_stdlib_zstd", lambda: None)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(ZstdUnavailable) as caught:
        extract_archive(archive, tmp_path / "python")
    assert "zstd" in message(caught.value)
    assert not (tmp_path / "python").exists()


def test_extracting_over_an_existing_directory_is_refused(tmp_path: Path) -> None:
    archive = tar_zst(tmp_path / NAME, Entry("bin/python", data=b"x"))
    (tmp_path / "python").mkdir()
    with pytest.raises(FileExistsError):
        extract_archive(archive, tmp_path / "python")


def test_missing_archive_via_download_archive_is_a_not_found_error(tmp_path: Path) -> None:
    with pytest.raises(RuntimeArchiveNotFound):
        download_archive((tmp_path / NAME).as_uri(), tmp_path / "x", trust_env={})


# --- the packed local interpreter --------------------------------------------------


@pytest.mark.slow
def test_packed_local_interpreter_runs_from_another_directory(tmp_path: Path) -> None:
    archive_dir, version = packed_runtime(tmp_path / "cache")
    xy = ".".join(version.split(".")[:2])
    archives = sorted(p.name for p in archive_dir.iterdir())
    assert len(archives) == 2 and archives[1] == f"{archives[0]}.sha256"
    archive = archive_dir / archives[0]
    assert archives[0].startswith(f"python-{version}-ubuntu-24.04-")

    # Served through the real download path, sidecar checked.
    dest = tmp_path / "downloaded.tar.zst"
    download_archive(archive.as_uri(), dest, trust_env={})
    prefix = tmp_path / "elsewhere" / "python"
    prefix.parent.mkdir()
    extract_archive(dest, prefix)
    assert not list(prefix.rglob("*.a"))
    # The standard library ships compiled, with pycs that do not depend on mtimes
    # (flags word 0b01: hash-based, unchecked), so running it writes none.
    pycs = list((prefix / "lib" / f"python{xy}").rglob("__pycache__/os.*.pyc"))
    assert pycs and pycs[0].read_bytes()[4:8] == b"\x01\x00\x00\x00"
    assert not list((prefix / "lib" / f"python{xy}" / "site-packages").rglob("*.pyc"))

    script = (
        "import ssl, sqlite3, ctypes, venv, ensurepip, json, os, sys, sysconfig;"
        "print(json.dumps([sys.prefix, os.listdir(sysconfig.get_paths()['purelib']),"
        " sys.flags.no_site]))"
    )
    proc = subprocess.run(
        [str(prefix / "bin/python3"), "-c", script],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    sys_prefix, site_packages, _ = json.loads(proc.stdout)
    assert sys_prefix == str(prefix)
    assert site_packages == ["README.txt"]
    assert (prefix / f"lib/python{xy}/ensurepip/_bundled").is_dir()
    assert not (prefix / f"lib/python{xy}/test").exists()
    assert sorted(p.name for p in (prefix / "bin").iterdir() if p.name.startswith("pip")) == []
    assert os.readlink(prefix / "bin/python") == f"python{xy}"

    interpreter = prefix / f"bin/python{xy}"
    dynamic = subprocess.run(
        ["readelf", "-d", str(interpreter)], capture_output=True, text=True, check=True
    ).stdout
    if "libpython" in dynamic:  # a shared build
        assert "[$ORIGIN/../lib]" in dynamic
        ldd = subprocess.run(["ldd", str(interpreter)], capture_output=True, text=True).stdout
        assert str(prefix / "bin/../lib/libpython") in ldd

    # Packed once: asking again reuses it.
    mtime = archive.stat().st_mtime_ns
    assert packed_runtime(tmp_path / "cache") == (archive_dir, version)
    assert archive.stat().st_mtime_ns == mtime

"""`Client.get`, the download client's conditional GET (what the index-page check uses),
against the local test index (tests/support/index_server.py)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from python_buildpack.runtime.download import Client, DownloadError, Timeouts
from support.index_server import JSON_TYPE, IndexServer, serve_index
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

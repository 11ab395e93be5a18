"""The test index behaves like a package index: pages, validators, failures."""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from support.index_server import JSON_TYPE, make_certificate, serve_index
from support.wheels import build_wheel


def get(
    url: str, headers: dict[str, str] | None = None, **kwargs: object
) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5, **kwargs) as response:  # type: ignore[arg-type]
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers.items()), b""


@pytest.fixture
def wheels(tmp_path: Path) -> Path:
    directory = tmp_path / "wheels"
    build_wheel(directory, "idna", "3.7")
    return directory


def test_html_and_json_pages_list_the_files_with_hashes(wheels: Path) -> None:
    with serve_index(wheels) as index:
        status, headers, body = get(index.page_url("IDNA"))
        assert status == 200 and b"idna-3.7-py3-none-any.whl#sha256=" in body
        status, headers, body = get(index.page_url("idna"), {"Accept": JSON_TYPE})
        assert headers["Content-Type"] == JSON_TYPE
        assert json.loads(body)["files"][0]["filename"] == "idna-3.7-py3-none-any.whl"
        assert index.requests["/simple/idna/"] == 2


def test_etag_gives_304_until_a_release_is_published(wheels: Path, tmp_path: Path) -> None:
    with serve_index(wheels, validators="etag", max_age=600) as index:
        _, headers, _ = get(index.page_url("idna"))
        assert headers["Cache-Control"] == "max-age=600, public"
        etag = headers["ETag"]
        assert get(index.page_url("idna"), {"If-None-Match": etag})[0] == 304
        index.add(build_wheel(tmp_path / "new", "idna", "3.8"))
        assert get(index.page_url("idna"), {"If-None-Match": etag})[0] == 200


def test_yank_changes_the_last_modified_date_and_the_serial(wheels: Path) -> None:
    with serve_index(wheels, validators="all") as index:
        _, before, _ = get(index.page_url("idna"))
        since = {"If-Modified-Since": before["Last-Modified"]}
        assert get(index.page_url("idna"), since)[0] == 304
        index.yank("idna-3.7-py3-none-any.whl", "broken")
        status, after, body = get(index.page_url("idna"), since)
        assert status == 200 and b'data-yanked="broken"' in body
        assert int(after["X-PyPI-Last-Serial"]) > int(before["X-PyPI-Last-Serial"])


def test_no_validators_means_no_etag_nor_date(wheels: Path) -> None:
    with serve_index(wheels, validators="none") as index:
        _, headers, _ = get(index.page_url("idna"))
        assert not {"ETag", "Last-Modified", "X-PyPI-Last-Serial"} & set(headers)


def test_failing_and_refusing_index(wheels: Path) -> None:
    with serve_index(wheels) as index:
        index.fail_with = 500
        assert get(index.page_url("idna"))[0] == 500
        index.fail_with = None
        index.refuse_connections()
        with pytest.raises(urllib.error.URLError):
            get(index.page_url("idna"))
        index.accept_connections()
        assert get(index.page_url("idna"))[0] == 200


def test_reset_serves_the_first_files_again_as_they_were(wheels: Path, tmp_path: Path) -> None:
    served = tmp_path / "served"
    served.mkdir()
    with serve_index(served) as index:
        index.reset(wheels)
        _, headers, page = get(index.page_url("idna"))
        index.add(build_wheel(tmp_path / "new", "idna", "3.8"))
        index.yank("idna-3.7-py3-none-any.whl", "broken")
        index.fail_with = 500
        assert get(index.page_url("idna"))[0] == 500
        index.refuse_connections()

        index.reset(wheels)

        assert index.requests == {} and index.connections == 0
        status, after, again = get(index.page_url("idna"))
        assert (status, again, after["ETag"]) == (200, page, headers["ETag"])
        assert sorted(p.name for p in served.iterdir()) == ["idna-3.7-py3-none-any.whl"]


def test_https_with_a_self_signed_certificate(wheels: Path, tmp_path: Path) -> None:
    if make_certificate(tmp_path) is None:
        pytest.skip("no openssl command")
    with serve_index(wheels, https=True) as index:
        assert index.url.startswith("https://") and index.cert_file is not None
        context = ssl.create_default_context(cafile=str(index.cert_file))
        assert get(index.page_url("idna"), context=context)[0] == 200

"""Which index pages pip read, from its own debug log (lines captured from pip 26.3
run against tests/support/index_server.py), and what a page lists."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urljoin

import pytest

from python_buildpack.managers.pip.index_pages import (
    ABSENT,
    PageRecord,
    PageSet,
    PipPages,
    Source,
    locations,
    parse_pip_log,
    selected_files,
    source_key,
    sources_from_settings,
    without_userinfo,
)
from python_buildpack.managers.pip.page_files import file_url, files_digest, page_files

DATA = Path(__file__).parents[2] / "data"
TOKEN_INDEX = "http://tok3n@127.0.0.1:8001/simple/"
EXTRA_INDEX = "http://127.0.0.1:8002/simple"
USER_INDEX = "http://user:s3cret@127.0.0.1:8001/simple/"


def parse(
    name: str, index_urls: list[str], find_links: tuple[str, ...] = ()
) -> tuple[list[Source], PipPages]:
    sources = sources_from_settings(index_urls, find_links)
    urls = {source_key(u): u for u in [*index_urls, *find_links]}
    return sources, parse_pip_log((DATA / name).read_text(), sources, urls)


def test_every_project_page_pip_fetched_is_found_under_its_index() -> None:
    _, pages = parse("pip-26.3-json-credentials.log", [USER_INDEX])
    key = source_key(USER_INDEX)
    assert pages.pages == ((key, "app-dep"), (key, "other-thing"), (key, "idna"))
    assert pages.uncheckable == ()
    assert pages.links["http://127.0.0.1:8001/simple/idna/"] == {
        "http://127.0.0.1:8001/files/idna-3.6-py3-none-any.whl",
        "http://127.0.0.1:8001/files/idna-3.7-py3-none-any.whl",
    }


def test_credentials_are_never_stored_only_a_key_and_a_redacted_display() -> None:
    sources, pages = parse("pip-26.3-json-credentials.log", [USER_INDEX])
    record = PageSet(tuple(sources), tuple(PageRecord(k, p, "d") for k, p in pages.pages))
    text = json.dumps(record.to_json())
    assert "s3cret" not in text and "user:****@127.0.0.1:8001" in text
    assert PageSet.from_json(json.loads(text)) == record


def test_an_extra_index_without_the_project_is_recorded_as_absent() -> None:
    _, pages = parse("pip-26.3-html-extra-index-find-links.log", [TOKEN_INDEX, EXTRA_INDEX])
    main, extra = source_key(TOKEN_INDEX), source_key(EXTRA_INDEX)
    assert (extra, "app-dep") in pages.pages and (extra, "app-dep") in pages.absent
    assert (main, "local-thing") in pages.absent
    assert (main, "idna") in pages.pages and (main, "idna") not in pages.absent


def test_a_find_links_directory_cannot_be_checked() -> None:
    _, pages = parse("pip-26.3-html-extra-index-find-links.log", [TOKEN_INDEX, EXTRA_INDEX])
    assert pages.uncheckable == ("the find-links directory /tmp/build/wheels",)


def test_html_links_are_compared_without_their_hash_fragment() -> None:
    _, pages = parse("pip-26.3-html-extra-index-find-links.log", [TOKEN_INDEX, EXTRA_INDEX])
    assert pages.links["http://127.0.0.1:8001/simple/app-dep/"] == {
        "http://127.0.0.1:8001/files/app_dep-1.0-py3-none-any.whl"
    }


def test_a_page_pip_could_not_read_makes_the_resolution_uncheckable() -> None:
    _, pages = parse("pip-26.3-index-500.log", ["http://127.0.0.1:8001/simple/"])
    assert pages.pages == ()
    assert pages.uncheckable == ("pip could not read http://127.0.0.1:8001/simple/app-dep/",)


def test_a_page_from_a_location_not_configured_now_is_uncheckable() -> None:
    _, pages = parse("pip-26.3-json-credentials.log", ["https://pypi.org/simple/"])
    assert pages.pages == ()
    assert pages.uncheckable[0].startswith("a page from an unknown location: http://user:****@")


def test_unknown_record_format_is_refused_not_crashed_on() -> None:
    with pytest.raises(ValueError, match="format"):
        PageSet.from_json({"format": 99})
    with pytest.raises(ValueError, match="malformed"):
        PageSet.from_json({"format": 1, "sources": [{"nope": 1}], "pages": [], "uncheckable": []})


JSON_PAGE = {
    "meta": {"api-version": "1.1"},
    "name": "idna",
    "files": [
        {"filename": "idna-3.7.whl", "url": "/files/idna-3.7.whl", "hashes": {"sha256": "bb"}},
        {"filename": "idna-3.6.whl", "url": "../../files/idna-3.6.whl", "hashes": {"sha256": "aa"},
         "yanked": "broken", "requires-python": ">=3.8"},
    ],
}  # fmt: skip
HTML_PAGE = b"""<!DOCTYPE html><html><body>
<a href="/files/idna-3.6.whl#sha256=aa" data-requires-python="&gt;=3.8" data-yanked="broken">x</a>
<a href="../../files/idna-3.7.whl#sha256=bb">idna-3.7.whl</a>
</body></html>"""


def test_the_same_files_in_json_or_html_give_the_same_digest() -> None:
    url = "https://user:pw@example.org/simple/idna/"
    from_json = page_files(
        json.dumps(JSON_PAGE).encode(), "application/vnd.pypi.simple.v1+json", url
    )
    from_html = page_files(HTML_PAGE, "text/html; charset=utf-8", url)
    assert from_json == from_html
    assert from_json[0].url == "https://example.org/files/idna-3.6.whl"
    assert from_json[0].yanked == "broken" and from_json[0].requires_python == ">=3.8"
    assert files_digest(from_json) == files_digest(reversed(from_html))


def test_a_yank_changes_the_digest() -> None:
    url = "https://example.org/simple/idna/"
    before = page_files(HTML_PAGE, "text/html", url)
    after = page_files(HTML_PAGE.replace(b' data-yanked="broken"', b""), "text/html", url)
    assert files_digest(before) != files_digest(after)


def test_an_unreadable_json_page_is_an_error() -> None:
    with pytest.raises(ValueError):
        page_files(b"{}", "application/vnd.pypi.simple.v1+json", "https://example.org/")


def test_selected_files_come_from_pips_report() -> None:
    report = {"install": [{"download_info": {"url": "https://t@h/files/a.whl"}, "is_yanked": True}]}
    assert selected_files(report) == {"https://h/files/a.whl": True}
    assert ABSENT == "absent"


def test_index_locations_come_from_the_files_options_and_the_config_vars() -> None:
    env = {"PIP_EXTRA_INDEX_URL": "https://t@a/simple https://b/simple", "PIP_FIND_LINKS": "/w"}
    assert locations({}) == (["https://pypi.org/simple"], [])
    assert locations(env, extra_index_urls=["https://c/simple"]) == (
        ["https://pypi.org/simple", "https://c/simple", "https://t@a/simple", "https://b/simple"],
        ["/w"],
    )
    assert locations({"PIP_NO_INDEX": "1", "PIP_INDEX_URL": "https://x/simple"}) == ([], [])


def test_a_page_listing_a_file_twice_is_read_in_a_stable_order() -> None:
    page = b'<a href="/f/a.whl" data-yanked="">a</a><a href="/f/a.whl">a</a>'
    entries = page_files(page, "text/html", "https://example.org/simple/a/")
    assert [e.yanked for e in entries] == ["", None]
    assert files_digest(entries) == files_digest(reversed(entries))


def test_only_a_log_with_refresh_package_says_pip_asked_the_index_for_every_page() -> None:
    _, pages = parse("pip-26.3-json-credentials.log", [USER_INDEX])
    assert not pages.refreshed  # over https, pip may have read its HTTP cache
    https_index = "https://user:s3cret@127.0.0.1:8443/simple/"
    _, pages = parse("pip-26.3-https-refresh-package.log", [https_index])
    assert pages.refreshed and len(pages.pages) == 3


@pytest.mark.parametrize(
    "href",
    [
        "https://files.example/packages/ab/cd/lxml-6.0.0-cp311-cp311-manylinux_2_28_x86_64.whl",
        "https://files.example:8443/p/a%20b/c.tar.gz",
        "http://127.0.0.1:8080//double/slash.whl",
        "https://u:secret@files.example/p/c.whl",
        "https://files.example/p/c.whl#sha256=ab12",
        "https://files.example/p/c.whl?x=1",
        "https://files.example/p/c.whl;params",
        "/files/c-1.0-py3-none-any.whl",
        "../../files/c-1.0.tar.gz",
        "HTTPS://files.example/p/c.whl",
        "https://[::1]:8080/p/c.whl",
    ],
)
def test_a_file_url_is_read_the_same_whatever_the_shortcut(href: str) -> None:
    """The shortcut for plain absolute URLs (PyPI's) must give what urljoin gives, or
    every record kept before it would count as changed."""
    page = "https://index.example/simple/c/"
    assert file_url(page, href) == without_userinfo(urljoin(page, href))

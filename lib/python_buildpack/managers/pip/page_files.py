"""What a project page of a package index lists: its files (PEP 691 JSON or PEP 503
HTML), each by URL, hash, Requires-Python and yanked state, and a digest of them."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from .index_pages import JSON_TYPE, without_userinfo

# An absolute URL with no credentials, query, parameters or fragment, the way PyPI's
# JSON pages give every file: urljoin and without_userinfo would give it back as it is.
# They cost most of the parsing of a big page (lxml's lists 5,000 files), and on an
# index that sends no validators every page is parsed on every check.
_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9.:-]+/[^\s@?#;\[\]]*")


def file_url(page: str, href: str) -> str:
    """A file's URL as records compare it: absolute, with no credentials or fragment."""
    if _PLAIN_URL.fullmatch(href):
        return href
    return without_userinfo(urljoin(page, href))


@dataclass(frozen=True)
class FileEntry:
    url: str  # absolute, no credentials, no fragment
    hash: str  # "sha256=...", as the page gives it; "" when it gives none
    requires_python: str
    yanked: str | None  # None: not yanked; "" or the reason: yanked


def page_files(body: bytes, content_type: str, url: str) -> list[FileEntry]:
    """The files a simple-API page lists (PEP 691 JSON or PEP 503 HTML);
    raises ValueError on a body that is neither."""
    if content_type.split(";")[0].strip().lower() == JSON_TYPE:
        return _json_files(body, url)
    parser = _Anchors(url)
    try:
        parser.feed(body.decode("utf-8", errors="replace"))
    except AssertionError as error:  # html.parser's way of refusing input
        raise ValueError(f"unreadable page: {error}") from None
    return _sorted(parser.entries)


def _sorted(entries: Iterable[FileEntry]) -> list[FileEntry]:
    return sorted(
        entries, key=lambda e: (e.url, e.hash, e.requires_python, e.yanked or "", e.yanked is None)
    )


def _json_files(body: bytes, url: str) -> list[FileEntry]:
    try:
        files = json.loads(body)["files"]
        entries = []
        for item in files:
            yanked = item.get("yanked", False)
            hashes = sorted(item.get("hashes", {}).items(), key=lambda h: h[0] != "sha256")
            entries.append(
                FileEntry(
                    file_url(url, item["url"]),
                    f"{hashes[0][0]}={hashes[0][1]}" if hashes else "",
                    str(item.get("requires-python") or ""),
                    None if yanked is False else ("" if yanked is True else str(yanked)),
                )
            )
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise ValueError(f"unreadable JSON page: {error}") from None
    return _sorted(entries)


_HASH = re.compile(r"(md5|sha1|sha224|sha256|sha384|sha512)=[0-9a-fA-F]+")


class _Anchors(HTMLParser):
    def __init__(self, url: str) -> None:
        super().__init__()
        self.base = url
        self.entries: list[FileEntry] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "base" and values.get("href"):  # as pip's HTMLLinkParser honours it
            self.base = urljoin(self.base, values["href"] or "")
        if tag != "a" or not values.get("href"):
            return
        href = urljoin(self.base, values["href"] or "")
        fragment = urlsplit(href).fragment
        self.entries.append(
            FileEntry(
                without_userinfo(href),
                fragment if _HASH.fullmatch(fragment) else "",
                values.get("data-requires-python") or "",
                None if "data-yanked" not in values else (values["data-yanked"] or ""),
            )
        )


def files_digest(entries: Iterable[FileEntry]) -> str:
    rows = [[e.url, e.hash, e.requires_python, e.yanked] for e in _sorted(entries)]
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()  # stable: sorted rows

"""Which index pages a pip resolution read, and how to recognize each page again.

pip's resolution is a function of the requirement lines, options, config, target
Python, and the files each index and find-links page offers. On an index a released
file never changes (its hash is in the page); what changes is the page: a release, a
new file, a yank. So a resolution can be reused without running pip when every page
it read still lists the same files (issue 10). This module is pure (pip's log, page
bodies, the record in the manifest); `index_check` asks the index.

What pip 26.3 does, read in its source (pip/_internal/index/collector.py,
package_finder.py, network/session.py, cli/cmdoptions.py) and measured against
tests/support/index_server.py:
- For every project it considers, pip logs `Fetching project page and analyzing
  links: URL`, `Getting page URL`, then `Fetched page URL as CONTENT-TYPE` when it
  got one (URL redacted: `https://user:****@host/simple/idna/`), then one line per
  file link: `Found link FILE (from PAGE), version: V` or `Skipping link: WHY: FILE
  (from PAGE)` (PAGE without credentials). A page it could not get gives `Could not
  fetch URL ...: ... - skipping` and the resolution goes on without it.
- A yanked file is logged as `Found link` like any other: the log cannot tell a yank.
- pip's HTTP cache (http-v2/: cachecontrol entries with all response headers and a
  `.body`) is used for https (and trusted hosts) only. A page is served from it
  without any request while its `Cache-Control: max-age` lasts (PyPI: 600 s), so a
  release published minutes before a build is missed. `--refresh-package :all:`
  (see pip_args) makes pip send `Cache-Control: max-age=0`: a conditional request
  from the cached entry, 304 when nothing changed.

Recording a validator that is never newer than what pip saw (a release published
between pip's read and ours must not be hidden):
1. A page the check read *before* pip ran in the same build (and pip refreshed every
   page: PipPages.refreshed) is recorded as the check saw it: older than or equal to
   pip's view, so at worst the next build asks pip once more.
2. A page pip read that no check read before it (first build, a new dependency) is
   fetched right after pip, and kept only when it lists exactly the files pip's log
   lists for that page (a release in between adds a file) and, for the file pip
   picked, the same yank state as pip's report says. Otherwise it is recorded as
   unconfirmed (no digest): the next check calls it changed and pip runs again.
   Left open: an un-yank in the seconds between the two reads of a new page.
pip's HTTP cache was not used: https only, may be off, shared, pip-internal format.

Pages are compared by a digest of the files they list (URL, hash, requires-python,
yank), not of their bytes: an index without ETag/Last-Modified, or rendering the same
files differently, is still recognized; validators only save the body (304).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from ...redaction import redact

FORMAT = 1
# What pip 26.3 sends (collector._get_simple_response): the same format comes back.
ACCEPT = (
    "application/vnd.pypi.simple.v1+json, "
    "application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01"
)
JSON_TYPE = "application/vnd.pypi.simple.v1+json"

SourceKind = Literal["index", "find-links"]


def normalize_name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def without_userinfo(url: str) -> str:
    """The URL with no credentials and no fragment: how pages and files are compared."""
    parts = urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))


def source_key(url: str) -> str:
    """Identifies a configured location, credentials included, without storing them."""
    return hashlib.sha256(url.rstrip("/").encode()).hexdigest()[:32]


# --- the record ------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """An index or find-links URL; never stored itself (it may hold a token): `key`
    finds it again among this build's settings."""

    key: str
    display: str  # redacted
    kind: SourceKind


@dataclass(frozen=True)
class PageRecord:
    source: str  # Source.key
    project: str  # normalized; "" for a find-links page
    digest: str | None  # of the files listed; None: unconfirmed, counts as changed
    etag: str | None = None
    last_modified: str | None = None
    serial: str | None = None


@dataclass(frozen=True)
class PageSet:
    """The pages one resolution read; `uncheckable` names inputs no page check covers."""

    sources: tuple[Source, ...] = ()
    pages: tuple[PageRecord, ...] = ()
    uncheckable: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT, **asdict(self)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PageSet:
        """Raises ValueError on anything but this format (the caller discards)."""
        if not isinstance(data, Mapping) or data.get("format") != FORMAT:
            raise ValueError("unknown index page record format")
        try:
            return cls(
                tuple(Source(**s) for s in data["sources"]),
                tuple(PageRecord(**p) for p in data["pages"]),
                tuple(str(u) for u in data["uncheckable"]),
            )
        except (KeyError, TypeError) as error:
            raise ValueError(f"malformed index page record: {error}") from None


def sources_from_settings(index_urls: Sequence[str], find_links: Sequence[str]) -> list[Source]:
    found = [Source(source_key(u), redact(u), "index") for u in index_urls]
    found += [Source(source_key(u), redact(u), "find-links") for u in find_links]
    return found


def urls_by_key(index_urls: Sequence[str], find_links: Sequence[str]) -> dict[str, str]:
    """Source.key -> the URL as configured: what the check and the log parser need."""
    return {source_key(url): url for url in [*index_urls, *find_links]}


def pip_args(log_file: str) -> list[str]:
    """Added to every pip run whose resolution is recorded. `--refresh-package :all:`:
    over https pip would otherwise answer from its HTTP cache while a page's max-age
    lasts (PyPI: 600 s) and miss a release. pip appends to `--log`: give a new file."""
    return ["--log", log_file, "--refresh-package", ":all:"]


PYPI = "https://pypi.org/simple"


def locations(
    env: Mapping[str, str],
    index_url: str | None = None,
    extra_index_urls: Sequence[str] = (),
    find_links: Sequence[str] = (),
    no_index: bool = False,
) -> tuple[list[str], list[str]]:
    """(index URLs, find-links) pip uses: requirement-file options first (the named
    arguments), then the PIP_* config vars, as pip merges them; its default index.
    A location missed here is safe: pip's pages from it are "from an unknown
    location", which makes the resolution uncheckable (pip runs as today)."""
    index = index_url or env.get("PIP_INDEX_URL") or PYPI
    extras = [*extra_index_urls, *env.get("PIP_EXTRA_INDEX_URL", "").split()]
    links = [*find_links, *env.get("PIP_FIND_LINKS", "").split()]
    off = no_index or env.get("PIP_NO_INDEX", "").lower() in ("1", "true", "yes", "on")
    return ([] if off else list(dict.fromkeys([index, *extras]))), list(dict.fromkeys(links))


def page_url(source_url: str, record: PageRecord) -> str:
    return f"{source_url.rstrip('/')}/{record.project}/" if record.project else source_url


# --- pip's log -------------------------------------------------------------------

_PREFIX = re.compile(r"^\d{4}-\d\d-\d\dT[\d:,.]+\s+")
_FETCHED = re.compile(r"^Fetched page (?P<url>\S+) as (?P<type>.+)$")
_LINK = re.compile(r"(?:^Found link |^Skipping link: .*: )(?P<file>\S+) \(from (?P<page>\S+)\)")
_COULD_NOT = re.compile(r"^Could not fetch URL (?P<url>\S+): (?P<why>.*) - skipping$")
_SKIPPED_PAGE = re.compile(r"^Skipping page (?P<url>\S+) because")
_LINKS = re.compile(r"^Looking in links: (?P<urls>.+)$")
# An index without the project answers 404: pip goes on, and so does the record.
ABSENT = "absent"


@dataclass(frozen=True)
class PipPages:
    """What one pip run read: pages as (source key, project), the file links it
    listed per page (credentials and fragments removed), what no check covers, and
    which pages were absent (404: an extra index without the project)."""

    pages: tuple[tuple[str, str], ...]
    links: Mapping[str, frozenset[str]] = field(default_factory=dict)
    uncheckable: tuple[str, ...] = ()
    absent: frozenset[tuple[str, str]] = frozenset()  # pages that answered 404
    # Every page asked of the index itself (--refresh-package :all:), none answered by
    # pip's HTTP cache: only then may pages seen before pip ran stand for pip's view.
    refreshed: bool = False


def parse_pip_log(text: str, sources: Sequence[Source], urls: Mapping[str, str]) -> PipPages:
    """`urls`: Source.key -> the configured URL (to match pip's redacted page URLs)."""
    prefixes = [(redact(urls[s.key]).rstrip("/") + "/", s) for s in sources if s.key in urls]
    pages: dict[tuple[str, str], None] = {}
    links: dict[str, set[str]] = {}
    uncheckable: dict[str, None] = {}
    absent: set[tuple[str, str]] = set()
    asked = refreshed = 0
    for raw in text.splitlines():
        line = _PREFIX.sub("", raw).strip()
        if line.startswith("Getting page "):
            asked += 1
        elif line == "Refreshing package index response.":
            refreshed += 1
        elif match := _FETCHED.match(line):
            page = _match_page(match.group("url"), prefixes)
            if page is None:
                uncheckable[f"a page from an unknown location: {match.group('url')}"] = None
            else:
                pages[page] = None
        elif match := _LINK.search(line):
            page_key = without_userinfo(match.group("page"))
            links.setdefault(page_key, set()).add(without_userinfo(match.group("file")))
        elif match := _COULD_NOT.match(line):
            page = _match_page(match.group("url"), prefixes)
            if page is not None and match.group("why").startswith("404 "):
                pages[page] = None
                absent.add(page)
            else:
                uncheckable[f"pip could not read {redact(match.group('url'))}"] = None
        elif match := _SKIPPED_PAGE.match(line):
            uncheckable[f"pip skipped {redact(match.group('url'))}"] = None
        elif match := _LINKS.match(line):
            for location in match.group("urls").split(", "):
                if not location.startswith(("http://", "https://")):
                    uncheckable[f"the find-links directory {location}"] = None
    return PipPages(
        tuple(pages),
        {k: frozenset(v) for k, v in links.items()},
        tuple(uncheckable),
        frozenset(absent),
        refreshed == asked,
    )


def _match_page(url: str, prefixes: Iterable[tuple[str, Source]]) -> tuple[str, str] | None:
    for prefix, source in prefixes:
        if source.kind == "find-links" and url.rstrip("/") + "/" == prefix:
            return source.key, ""
        if source.kind == "index" and url.startswith(prefix):
            project = url[len(prefix) :].strip("/")
            if project and "/" not in project:
                return source.key, normalize_name(project)
    return None


def selected_files(report: Mapping[str, Any]) -> dict[str, bool]:
    """From pip's installation report: file URL (no credentials) -> whether yanked."""
    found: dict[str, bool] = {}
    for item in report.get("install", []):
        url = item.get("download_info", {}).get("url")
        if isinstance(url, str):
            found[without_userinfo(url)] = bool(item.get("is_yanked"))
    return found

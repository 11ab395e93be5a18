"""Ask the index again, all at once, whether the pages a resolution read changed.

One conditional GET per page (If-None-Match / If-Modified-Since when recorded,
`Cache-Control: max-age=0` as pip's `--refresh-package` sends it, so no cache on the
way answers for the index), through the buildpack's one download client
(runtime/download.py: the build's trust, proxy and credential settings, timeouts,
retries), one Client for the whole check: its pool of kept-alive connections per
index host (runtime/pool.py) carries every page, the host name looked up once. A 304
or a 200 listing the same files (same digest) is unchanged; any error is a failure
and never counts as unchanged.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from ...redaction import redact
from ...runtime.download import Client, DownloadError, Timeouts
from ...runtime.lookups import Resolve
from ...runtime.pool import POOL_SIZE
from .index_pages import (
    ABSENT,
    ACCEPT,
    PageRecord,
    PageSet,
    PipPages,
    Source,
    page_url,
    parse_pip_log,
    selected_files,
    sources_from_settings,
    urls_by_key,
    without_userinfo,
)
from .page_files import files_digest, page_files
from .report import InstallReport

Status = Literal["unchanged", "changed", "uncheckable", "failed"]
# Pages at once: one thread per kept-alive connection of the index's pool, each taking
# the next page as it is done with one.
WORKERS = POOL_SIZE
# A page that fails in a way that may go away (a failed lookup, a reset, a timeout,
# 5xx, 429) is asked again after 0.25 s, then 0.5, 1, 2 and 4 s, while the check is
# within `timeout` of its start: pip's retries (5, backoff factor 0.25: its urllib3
# waits 0, 0.5, 1, 2, 4 s), so that a blip costs a fraction of a second, not a dry run.
# An app that sets PIP_RETRIES gets that many here too, as from pip.
RETRIES = 5
BACKOFF = 0.25


@dataclass(frozen=True)
class Observation:
    """One page as this build saw it: a record to keep, or why it could not be read."""

    record: PageRecord | None
    files: frozenset[tuple[str, str | None]] = frozenset()  # (file URL, yanked)
    error: str | None = None
    not_modified: bool = False
    url: str = ""  # after redirects: pip's log names the page by this URL


@dataclass(frozen=True)
class Verdict:
    status: Status
    pages: int
    indexes: int
    seconds: float
    changed: tuple[str, ...] = ()  # projects, or a find-links page's redacted URL
    uncheckable: tuple[str, ...] = ()
    failures: tuple[tuple[str, str], ...] = ()  # (redacted URL, status or error)
    # What the check saw, before any pip run: the records to keep if pip runs now.
    observed: Mapping[tuple[str, str], PageRecord] = field(default_factory=dict)
    # Index or find-links URLs (redacted) added or removed since the resolution.
    locations: tuple[str, ...] = ()

    def describe(self) -> str:
        """`Checked 69 project pages on 1 index: unchanged (0.4 s)`."""
        where = f"{self.pages} project page{'s' * (self.pages != 1)} on {self.indexes} "
        where += "index" if self.indexes == 1 else "indexes"
        took = f"({self.seconds:.1f} s)"
        if self.status == "unchanged":
            return f"Checked {where}: unchanged {took}"
        if self.status == "changed" and self.locations:
            return f"The index settings changed: {', '.join(self.locations)}"
        if self.status == "changed":
            names = ", ".join(self.changed[:5]) + (", ..." if len(self.changed) > 5 else "")
            plural = "pages" if len(self.changed) > 1 else "page"
            return f"Checked {where}: the {plural} of {names} changed {took}"
        if self.status == "failed":
            url, error = self.failures[0]
            more = f" (and {len(self.failures) - 1} more)" if len(self.failures) > 1 else ""
            return f"Could not check {where}: {url}: {error}{more} {took}"
        return f"Cannot check the index pages: {', '.join(self.uncheckable)}"


Fetch = Callable[[str, PageRecord | None], Observation]


def check_pages(
    recorded: PageSet,
    urls: Mapping[str, str],
    *,
    trust_env: Mapping[str, str],
    timeout: float = 10.0,
    fetch: Fetch | None = None,
    client: Client | None = None,
) -> Verdict:
    """`urls`: Source.key -> URL for this build's index and find-links settings.
    `client`: the build's (`index_client`), so that pip's recording after a changed
    check reuses its connections and lookups; else one for this check alone."""
    started = time.monotonic()
    indexes = sum(1 for s in recorded.sources if s.kind == "index")
    count = len(recorded.pages)

    def verdict(
        status: Status,
        changed: Sequence[str] = (),
        failures: Sequence[tuple[str, str]] = (),
        observed: Mapping[tuple[str, str], PageRecord] | None = None,
        uncheckable: Sequence[str] = (),
        locations: Sequence[str] = (),
    ) -> Verdict:
        seconds = time.monotonic() - started
        return Verdict(
            status, count, indexes, seconds, tuple(changed), tuple(uncheckable),
            tuple(failures), dict(observed or {}), tuple(locations),
        )  # fmt: skip

    if recorded.uncheckable:
        return verdict("uncheckable", uncheckable=recorded.uncheckable)
    if not recorded.pages:
        return verdict("uncheckable", uncheckable=("no index page was recorded",))
    # A new index may offer newer versions; a removed one's pages say nothing now.
    known = {s.key for s in recorded.sources}
    moved = [f"{s.display} removed" for s in recorded.sources if s.key not in urls]
    moved += [f"{redact(url)} added" for key, url in urls.items() if key not in known]
    if moved:
        return verdict("changed", locations=moved)
    jobs = [(page_url(urls[p.source], p), p) for p in recorded.pages]
    if fetch is not None:
        results = fetch_all(jobs, fetch)
    elif client is not None:
        results = fetch_all(jobs, page_fetch(client, timeout))
    else:
        with index_client(trust_env, timeout) as own:
            results = fetch_all(jobs, page_fetch(own, timeout))
    failures: list[tuple[str, str]] = []
    changed: list[str] = []
    observed: dict[tuple[str, str], PageRecord] = {}
    for old, seen in zip(recorded.pages, results, strict=True):
        target = page_url(urls[old.source], old)
        if seen.error is not None:
            failures.append((redact(target), redact(seen.error)))
            continue
        new = seen.record if seen.record is not None else old
        observed[(old.source, old.project)] = new
        if old.digest is None or (not seen.not_modified and new.digest != old.digest):
            changed.append(old.project or redact(target))
    if failures:
        return verdict("failed", failures=failures, observed=observed)
    if changed:
        return verdict("changed", changed=changed, observed=observed)
    return verdict("unchanged", observed=observed)


def fetch_all(jobs: Sequence[tuple[str, PageRecord | None]], fetch: Fetch) -> list[Observation]:
    """All pages at once, in order, in a bounded pool (the index decides the pace)."""
    if not jobs:
        return []
    with concurrent.futures.ThreadPoolExecutor(max_workers=min(WORKERS, len(jobs))) as pool:
        return list(pool.map(lambda job: fetch(*job), jobs))


def index_client(
    trust_env: Mapping[str, str],
    timeout: float = 10.0,
    *,
    resolve: Resolve | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Client:
    """The Client the check and the recording use: pip's retries, a connection per
    worker. `trust_env`: the environment the app's pip runs in."""
    extra = {"resolve": resolve} if resolve is not None else {}
    return Client(
        trust_env, timeouts=Timeouts(connect=timeout, read=timeout),
        retries=pip_retries(trust_env), backoff=BACKOFF, sleep=sleep, connections=WORKERS,
        **extra,
    )  # fmt: skip


def pip_retries(env: Mapping[str, str]) -> int:
    """pip's --retries as `env` sets it (PIP_RETRIES; below 0, urllib3 tries once as
    for 0), else pip's default. pip itself refuses a value that is not a number."""
    try:
        return max(int(env.get("PIP_RETRIES", "")), 0)
    except ValueError:
        return RETRIES


def page_fetch(client: Client, timeout: float) -> Fetch:
    """A `fetch` through `client`, its retries within `timeout` of now."""
    deadline = time.monotonic() + timeout

    def fetch(url: str, old: PageRecord | None) -> Observation:
        return _fetch(client, url, old, deadline)

    return fetch


def _fetch(client: Client, url: str, old: PageRecord | None, deadline: float) -> Observation:
    # Credentials in the URL (or .netrc) go as Basic auth, never on to a redirect's host.
    headers = {"Accept": ACCEPT, "Cache-Control": "max-age=0"}
    if old is not None and old.digest is not None:
        if old.etag:
            headers["If-None-Match"] = old.etag
        if old.last_modified:
            headers["If-Modified-Since"] = old.last_modified
    try:
        got = client.get(url, headers=headers, answers=(304, 404), deadline=deadline)
    except DownloadError as error:
        return Observation(None, error=error.reason)
    if got.status == 304:
        if old is None:
            return Observation(None, error="HTTP 304 to a request that was not conditional")
        return Observation(old, not_modified=True)
    if got.status == 404:  # as pip reads it: this index has no such project
        source, project = (old.source, old.project) if old else ("", "")
        return Observation(PageRecord(source, project, ABSENT), url=without_userinfo(url))
    try:
        entries = page_files(got.body, got.header("Content-Type") or "", got.url)
    except ValueError as error:
        return Observation(None, error=str(error))
    record = PageRecord(
        source=old.source if old else "",
        project=old.project if old else "",
        digest=files_digest(entries),
        etag=got.header("ETag"),
        last_modified=got.header("Last-Modified"),
        serial=got.header("X-PyPI-Last-Serial"),
    )
    files = frozenset((e.url, e.yanked) for e in entries)
    return Observation(record, files, url=without_userinfo(got.url))


# --- recording after pip ---------------------------------------------------------


def record_pages(
    pip_pages: PipPages,
    sources: Sequence[Source],
    urls: Mapping[str, str],
    *,
    observed: Mapping[tuple[str, str], PageRecord],
    selected: Mapping[str, bool],
    fetch: Fetch,
) -> PageSet:
    """The record to keep for a resolution pip just made (see index_pages' docstring
    for why it is never newer than pip's view). `observed`: the check's pages from
    before pip ran; `selected`: index_pages.selected_files(pip's report)."""
    if not pip_pages.refreshed:  # pip may have read an older page from its HTTP cache
        observed = {}
    known = [observed[p] for p in pip_pages.pages if p in observed]
    new = [PageRecord(key, project, None) for key, project in pip_pages.pages]
    new = [r for r in new if (r.source, r.project) not in observed]
    jobs = [(page_url(urls[r.source], r), None) for r in new]
    records = list(known)
    for (url, _), r, seen in zip(jobs, new, fetch_all(jobs, fetch), strict=True):
        if (r.source, r.project) in pip_pages.absent:
            still = seen.record is not None and seen.record.digest == ABSENT
            records.append(replace(r, digest=ABSENT if still else None))
            continue
        pip_saw = pip_pages.links.get(seen.url) or pip_pages.links.get(without_userinfo(url))
        ours = {file for file, _ in seen.files}
        agrees = seen.record is not None and ours == (pip_saw or frozenset())
        # The log cannot tell a yank; pip's report can, for the files it picked.
        agrees = agrees and all(
            selected[file] == (yanked is not None)
            for file, yanked in seen.files
            if file in selected
        )
        if agrees and seen.record is not None:
            records.append(replace(seen.record, source=r.source, project=r.project))
        else:  # the page changed since pip read it, or could not be read: unconfirmed
            records.append(r)
    # Every configured location, read or not: one added later must count as a change.
    return PageSet(tuple(sources), tuple(records), pip_pages.uncheckable)


def record_resolution(
    log_text: str,
    report: InstallReport,
    index_urls: Sequence[str],
    find_links: Sequence[str],
    *,
    observed: Mapping[tuple[str, str], PageRecord],
    trust_env: Mapping[str, str],
    timeout: float = 10.0,
    client: Client | None = None,
) -> PageSet:
    """After pip ran with index_pages.pip_args(): its log and report -> the record.
    `client`: as check_pages'."""
    sources = sources_from_settings(index_urls, find_links)
    urls = urls_by_key(index_urls, find_links)
    with contextlib.ExitStack() as stack:
        if client is None:
            client = stack.enter_context(index_client(trust_env, timeout))
        return record_pages(
            parse_pip_log(log_text, sources, urls), sources, urls, observed=observed,
            selected=selected_files(report), fetch=page_fetch(client, timeout),
        )  # fmt: skip

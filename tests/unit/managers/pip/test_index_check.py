"""Asking the index again whether the pages a resolution read changed, against a
local index (tests/support/index_server.py); and recording what real pip 26.3 read."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from python_buildpack.managers.pip.index_check import (
    WORKERS,
    Fetch,
    Verdict,
    check_pages,
    index_client,
    page_fetch,
    record_pages,
    record_resolution,
)
from python_buildpack.managers.pip.index_pages import (
    ABSENT,
    PageRecord,
    PageSet,
    Source,
    parse_pip_log,
    pip_args,
    source_key,
    sources_from_settings,
)
from python_buildpack.runtime.download import Client, Timeouts
from python_buildpack.runtime.lookups import Resolve, system_resolve
from support.index_server import IndexServer, make_certificate, serve_index
from support.wheels import build_wheel

ROOT = Path(__file__).resolve().parents[4]
PIP = ROOT / "vendor" / "wheels" / "pip-26.3-py3-none-any.whl" / "pip"


def client_fetch(
    trust_env: Mapping[str, str],
    timeout: float,
    *,
    resolve: Resolve | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Fetch:
    """What the build fetches pages with: one Client for every page, retries within
    `timeout` of now; `resolve` and `sleep` are the Client's (a failing lookup)."""
    client = index_client(trust_env, timeout, resolve=resolve, sleep=sleep)
    return page_fetch(client, timeout)


@pytest.fixture
def wheels(tmp_path: Path) -> Path:
    directory = tmp_path / "wheels"
    build_wheel(directory, "app-dep", "1.0", requires=["idna>=3"])
    build_wheel(directory, "idna", "3.6")
    build_wheel(directory, "idna", "3.7")
    return directory


@pytest.fixture
def index(wheels: Path) -> Iterator[IndexServer]:
    with serve_index(wheels, validators="etag") as server:
        yield server


def baseline(
    index_urls: Sequence[str], projects: Sequence[str], fetch: Fetch | None = None
) -> PageSet:
    """The record a resolution reading `projects` on the first index would leave."""
    sources = tuple(sources_from_settings(index_urls, []))
    blank = PageSet(sources, tuple(PageRecord(s.key, p, None) for s in sources for p in projects))
    verdict = check_pages(blank, urls_of(index_urls), trust_env={}, fetch=fetch)
    assert verdict.status == "changed", verdict  # unconfirmed pages count as changed
    return PageSet(sources, tuple(verdict.observed.values()))


def urls_of(index_urls: Sequence[str]) -> dict[str, str]:
    return {source_key(u): u for u in index_urls}


def check(record: PageSet, index_urls: Sequence[str], **trust: str) -> Verdict:
    """The check as a build makes it, but its pauses between retries are not waited."""
    fetch = client_fetch(trust, 5, sleep=lambda seconds: None)
    return check_pages(record, urls_of(index_urls), trust_env=trust, fetch=fetch)


def test_unchanged_index_answers_304_for_every_page(index: IndexServer) -> None:
    record = baseline([index.url], ["app-dep", "idna"])
    index.requests.clear()
    verdict = check(record, [index.url])
    assert verdict.status == "unchanged"
    assert verdict.describe().startswith("Checked 2 project pages on 1 index: unchanged (")
    assert index.requests == {"/simple/app-dep/": 1, "/simple/idna/": 1}
    sent = dict(index.received[-1][1])
    assert sent["Cache-Control"] == "max-age=0" and "If-None-Match" in sent


def test_new_release_of_a_dependency_is_a_change(index: IndexServer, tmp_path: Path) -> None:
    record = baseline([index.url], ["app-dep", "idna"])
    index.add(build_wheel(tmp_path / "new", "idna", "3.8"))
    verdict = check(record, [index.url])
    assert verdict.status == "changed" and verdict.changed == ("idna",)
    assert "the page of idna changed" in verdict.describe()


def test_a_yank_is_a_change(index: IndexServer) -> None:
    record = baseline([index.url], ["app-dep", "idna"])
    index.yank("idna-3.7-py3-none-any.whl", "security")
    assert check(record, [index.url]).changed == ("idna",)


def test_a_new_file_of_the_same_version_is_a_change(index: IndexServer, tmp_path: Path) -> None:
    record = baseline([index.url], ["idna"])
    build_wheel(index.directory, "idna", "3.7", filename="idna-3.7-py311-none-any.whl")
    index.add(index.directory / "idna-3.7-py311-none-any.whl")
    assert check(record, [index.url]).changed == ("idna",)


def test_a_changed_index_url_is_a_change(index: IndexServer) -> None:
    record = baseline([index.url], ["idna"])
    index.requests.clear()
    other = index.url.replace("127.0.0.1", "localhost")
    verdict = check(record, [other])
    assert verdict.status == "changed"
    assert verdict.locations == (f"{index.url} removed", f"{other} added")
    assert verdict.describe().startswith("The index settings changed: http://127.0.0.1:")
    assert not index.requests  # pages of another index say nothing about the new one


def test_an_added_extra_index_is_a_change_even_with_a_token(index: IndexServer) -> None:
    record = baseline([index.url], ["idna"])
    extra = "https://t0ken@extra.example/simple/"
    verdict = check(record, [index.url, extra])
    assert verdict.status == "changed"
    assert verdict.locations == ("https://****@extra.example/simple/ added",)


@pytest.mark.parametrize("validators", ["none", "last-modified", "serial", "all"])
def test_pages_are_compared_by_content_whatever_validators_the_index_gives(
    wheels: Path, tmp_path: Path, validators: str
) -> None:
    with serve_index(wheels, validators=validators) as index:
        record = baseline([index.url], ["app-dep", "idna"])
        assert check(record, [index.url]).status == "unchanged"
        index.add(build_wheel(tmp_path / "new", "idna", "3.8"))
        assert check(record, [index.url]).changed == ("idna",)


def test_gzipped_pages_are_read(index: IndexServer, tmp_path: Path) -> None:
    index.gzip_pages = True
    record = baseline([index.url], ["idna"])
    assert index.received[-1][1]["Accept-Encoding"] == "gzip"
    assert check(record, [index.url]).status == "unchanged"
    index.add(build_wheel(tmp_path / "new", "idna", "3.8"))
    assert check(record, [index.url]).changed == ("idna",)


def test_a_page_within_its_max_age_is_still_asked_for(wheels: Path, tmp_path: Path) -> None:
    with serve_index(wheels, validators="etag", max_age=600) as index:
        record = baseline([index.url], ["idna"])
        index.add(build_wheel(tmp_path / "new", "idna", "3.8"))
        assert check(record, [index.url]).changed == ("idna",)


def test_an_index_answering_500_fails_the_check_after_retrying_as_pip_does(
    index: IndexServer,
) -> None:
    record = baseline([index.url], ["app-dep", "idna"])
    index.fail_with = 500
    index.requests.clear()
    pauses: list[float] = []
    fetch = client_fetch({}, 5, sleep=pauses.append)
    verdict = check_pages(record, urls_of([index.url]), trust_env={}, fetch=fetch)
    assert verdict.status == "failed"
    assert (index.page_url("idna"), "HTTP 500 Internal Server Error") in verdict.failures
    assert index.requests["/simple/idna/"] == 6  # asked again 5 times: a 500 may be a blip
    assert sorted(pauses) == sorted([0.25, 0.5, 1.0, 2.0, 4.0] * 2)  # for each page
    assert verdict.describe().startswith("Could not check 2 project pages on 1 index: ")


@pytest.mark.parametrize(("setting", "asked"), [("1", 2), ("0", 1), ("-1", 1), ("many", 6)])
def test_the_apps_pip_retries_setting_is_followed_as_pip_follows_it(
    index: IndexServer, setting: str, asked: int
) -> None:
    record = baseline([index.url], ["idna"])
    index.fail_with = 500
    index.requests.clear()
    pauses: list[float] = []
    fetch = client_fetch({"PIP_RETRIES": setting}, 5, sleep=pauses.append)
    verdict = check_pages(record, urls_of([index.url]), trust_env={}, fetch=fetch)
    assert verdict.status == "failed"
    # Not a number (pip refuses it): pip's default, 5 retries.
    assert index.requests["/simple/idna/"] == asked
    assert pauses == [0.25, 0.5, 1.0, 2.0, 4.0][: asked - 1]


def test_a_refused_connection_fails_the_check(index: IndexServer) -> None:
    record = baseline([index.url], ["idna"])
    index.refuse_connections()
    verdict = check(record, [index.url])
    assert verdict.status == "failed"
    assert verdict.failures == ((index.page_url("idna"), "the connection was refused"),)


def test_a_slow_index_times_out_as_a_failure(index: IndexServer) -> None:
    record = baseline([index.url], ["idna"])
    index.delay = 2
    index.requests.clear()
    verdict = check_pages(record, urls_of([index.url]), trust_env={}, timeout=0.5)
    assert verdict.status == "failed"
    assert verdict.failures[0][1] == "the server did not answer in time"
    assert index.requests["/simple/idna/"] == 1  # no time left in the budget to ask again


def test_pages_share_a_few_kept_alive_connections_instead_of_one_each(
    index: IndexServer,
) -> None:
    projects = ["app-dep", "idna"] + [f"p{n}" for n in range(3 * WORKERS)]
    record = baseline([index.url], projects)
    index.connections = 0
    verdict = check(record, [index.url])
    assert verdict.status == "unchanged"
    assert sum(index.requests.values()) >= 2 * len(projects)  # the baseline's, then the check's
    assert 1 <= index.connections <= WORKERS  # not one per page (26)


def test_the_index_host_name_is_looked_up_once_for_all_pages(
    index: IndexServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = index.url.replace("127.0.0.1", "localhost")
    projects = ["app-dep", "idna"] + [f"p{n}" for n in range(2 * WORKERS)]
    record = baseline([url], projects)
    lookups: list[str] = []
    system = socket.getaddrinfo

    def counted(host: str, *args: Any, **kwargs: Any) -> Any:
        lookups.append(host)
        return system(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", counted)
    assert check(record, [url]).status == "unchanged"
    assert lookups == ["localhost"]  # one lookup, not one per page (18)


class Resolver:
    """A name lookup for `index.test` (127.0.0.1) whose first `failures` calls fail, as a
    resolver that drops queries; `stall` holds every call until it is set."""

    def __init__(self, failures: int = 0, stall: threading.Event | None = None) -> None:
        self.calls = 0
        self.failures = failures
        self.stall = stall

    def __call__(self, host: str, port: int) -> list[Any]:
        self.calls += 1
        if self.stall is not None:
            self.stall.wait()
        if host != "index.test" or self.calls <= self.failures:
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        return [(socket.AF_INET, socket.SOCK_STREAM, 0, ("127.0.0.1", port))]


def test_a_lookup_that_fails_is_asked_again_and_then_every_page_is_checked(
    index: IndexServer,
) -> None:
    projects = ["app-dep", "idna"] + [f"p{n}" for n in range(2 * WORKERS)]
    url = index.url.replace("127.0.0.1", "index.test")
    record = baseline([url], projects, client_fetch({}, 5, resolve=Resolver()))
    index.requests.clear()
    resolver = Resolver(failures=2)
    pauses: list[float] = []
    fetch = client_fetch({}, 5, resolve=resolver, sleep=pauses.append)
    verdict = check_pages(record, urls_of([url]), trust_env={}, fetch=fetch)
    assert verdict.status == "unchanged", verdict.describe()
    assert resolver.calls == 3  # two failed lookups, then one for every page
    assert pauses and max(pauses) <= 0.5  # each page waited at most two backoffs
    assert sum(index.requests.values()) == len(projects)  # the address the lookup gave


def test_a_lookup_that_never_answers_fails_the_check_within_its_deadline(
    index: IndexServer,
) -> None:
    url = index.url.replace("127.0.0.1", "index.test")
    record = baseline([url], ["app-dep", "idna"], client_fetch({}, 5, resolve=Resolver()))
    index.requests.clear()
    resolver = Resolver(stall=threading.Event())
    try:
        fetch = client_fetch({}, 0.3, resolve=resolver)
        verdict = check_pages(record, urls_of([url]), trust_env={}, fetch=fetch)
    finally:
        assert resolver.stall is not None
        resolver.stall.set()  # let the lookup's thread end
    assert verdict.status == "failed"  # never "unchanged"
    assert {error for _, error in verdict.failures} == {
        "the host name lookup did not finish in time"
    }
    assert len(verdict.failures) == 2  # each page named, with why
    assert resolver.calls == 1  # the retries waited for the same lookup
    assert not index.requests


def test_pages_are_asked_for_in_parallel(index: IndexServer) -> None:
    projects = ["app-dep", "idna"] * 1 + [f"p{n}" for n in range(14)]
    record = baseline([index.url], projects)
    index.delay = 0.2
    verdict = check(record, [index.url])
    assert verdict.status == "unchanged"  # the absent ones stay absent
    assert verdict.seconds < 16 * 0.2 / 2


def test_a_project_absent_from_an_extra_index_stays_absent_until_published(
    index: IndexServer, tmp_path: Path
) -> None:
    extra_dir = tmp_path / "extra"
    build_wheel(extra_dir, "other", "1.0")
    with serve_index(extra_dir) as extra:
        record = baseline([index.url, extra.url], ["idna"])
        assert {p.digest for p in record.pages if p.source == source_key(extra.url)} == {ABSENT}
        assert check(record, [index.url, extra.url]).status == "unchanged"
        extra.add(build_wheel(tmp_path / "new", "idna", "9.0"))
        verdict = check(record, [index.url, extra.url])
        assert verdict.changed == ("idna",) and verdict.indexes == 2


def test_credentials_are_sent_as_basic_auth_and_never_shown(index: IndexServer) -> None:
    url = index.url.replace("127.0.0.1", "user:s3cret@127.0.0.1")
    record = baseline([url], ["idna"])
    assert "s3cret" not in json.dumps(record.to_json())
    assert index.received[-1][1]["Authorization"].startswith("Basic ")
    index.fail_with = 503
    verdict = check(record, [url])
    assert "s3cret" not in verdict.describe() and "user:****@" in verdict.describe()


def test_an_uncheckable_input_asks_nothing(index: IndexServer) -> None:
    record = PageSet((), (), ("the find-links directory /app/wheels",))
    verdict = check(record, [index.url])
    assert verdict.status == "uncheckable" and not index.requests
    assert (
        verdict.describe() == "Cannot check the index pages: the find-links directory /app/wheels"
    )


def test_https_with_the_builds_own_trust_settings(wheels: Path, tmp_path: Path) -> None:
    if make_certificate(tmp_path) is None:
        pytest.skip("no openssl command")
    with serve_index(wheels, https=True) as index:
        sources = tuple(sources_from_settings([index.url], []))
        blank = PageSet(sources, (PageRecord(sources[0].key, "idna", None),))
        refused = check(blank, [index.url]).failures[0][1]
        assert refused.startswith("the server's TLS certificate was not accepted")
        seen = check(blank, [index.url], SSL_CERT_FILE=str(index.cert_file)).observed
        record = PageSet(sources, tuple(seen.values()))
        assert check(record, [index.url], SSL_CERT_FILE=str(index.cert_file)).status == "unchanged"


# --- recording what real pip read ----------------------------------------------------


def pip_env() -> dict[str, str]:
    """No pip settings from this machine. Its CA variables go too: requests lets
    REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override pip's --cert / PIP_CERT."""
    trust = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_") and k not in trust}
    return {**env, "PIP_CONFIG_FILE": os.devnull}


def run_pip(
    index: IndexServer, tmp_path: Path, *requirements: str
) -> tuple[str, dict[str, object]]:
    env = pip_env()
    log, report = tmp_path / "pip.log", tmp_path / "report.json"
    argv = [sys.executable, str(PIP), "install", "--dry-run", "--ignore-installed", "--quiet"]
    argv += ["--report", str(report), "--index-url", index.url, *pip_args(str(log))]
    argv += ["--no-cache-dir", "--disable-pip-version-check"]
    subprocess.run([*argv, *requirements], env=env, check=True, capture_output=True)
    return log.read_text(), json.loads(report.read_text())


def record_after_pip(index: IndexServer, log: str, report: dict[str, object]) -> PageSet:
    return record_resolution(log, report, [index.url], [], observed={}, trust_env={})


@pytest.mark.slow
def test_what_pip_read_is_recorded_and_then_checked_without_pip(
    index: IndexServer, tmp_path: Path
) -> None:
    log, report = run_pip(index, tmp_path, "app-dep")
    record = record_after_pip(index, log, report)
    assert {p.project for p in record.pages} == {"app-dep", "idna"}
    assert all(p.digest and p.etag for p in record.pages)
    assert check(record, [index.url]).status == "unchanged"
    index.add(build_wheel(tmp_path / "new", "idna", "3.8"))
    assert check(record, [index.url]).changed == ("idna",)


@pytest.mark.slow
def test_a_release_between_pips_read_and_the_recording_is_not_hidden(
    index: IndexServer, tmp_path: Path
) -> None:
    log, report = run_pip(index, tmp_path, "app-dep")
    index.add(build_wheel(tmp_path / "new", "idna", "3.8"))  # after pip, before recording
    record = record_after_pip(index, log, report)
    by_name = {p.project: p for p in record.pages}
    assert by_name["idna"].digest is None and by_name["app-dep"].digest is not None
    assert check(record, [index.url]).changed == ("idna",)


@pytest.mark.slow
def test_pages_the_check_saw_before_pip_ran_are_recorded_as_the_check_saw_them(
    index: IndexServer, tmp_path: Path
) -> None:
    before = baseline([index.url], ["app-dep", "idna"])
    observed = {(p.source, p.project): p for p in before.pages}
    log, _ = run_pip(index, tmp_path, "app-dep")
    sources: list[Source] = sources_from_settings([index.url], [])
    urls = urls_of([index.url])
    pages = parse_pip_log(log, sources, urls)
    index.requests.clear()
    record = record_pages(
        pages, sources, urls, observed=observed, selected={}, fetch=client_fetch({}, 5)
    )
    assert not index.requests  # nothing new to read
    assert set(record.pages) == set(before.pages)


@pytest.mark.slow
def test_pip_over_https_misses_a_release_inside_max_age_unless_refreshing(
    wheels: Path, tmp_path: Path
) -> None:
    """Why the buildpack passes `--refresh-package :all:` on every resolution it records:
    pip's HTTP cache (https only) serves a page while its max-age lasts."""
    if make_certificate(tmp_path) is None:
        pytest.skip("no openssl command")
    env = pip_env()
    with serve_index(wheels, max_age=600, https=True) as index:
        env["PIP_CERT"] = str(index.cert_file)

        def idna_picked(*extra: str) -> str:
            report = tmp_path / "report.json"
            argv = [sys.executable, str(PIP), "install", "--dry-run", "--ignore-installed"]
            argv += ["-q", "--report", str(report), "--index-url", index.url, "--cache-dir"]
            argv += [str(tmp_path / "cache"), "--disable-pip-version-check", *extra, "idna"]
            subprocess.run(argv, env=env, check=True, capture_output=True)
            return str(json.loads(report.read_text())["install"][0]["metadata"]["version"])

        assert idna_picked() == "3.7"
        index.add(build_wheel(tmp_path / "new", "idna", "3.8"))
        index.requests.clear()
        index.received.clear()
        assert idna_picked() == "3.7"  # the page came from pip's cache
        assert index.requests["/simple/idna/"] == 0
        assert idna_picked("--refresh-package", ":all:") == "3.8"
        page_requests = [h for path, h in index.received if path == "/simple/idna/"]
        assert page_requests[0]["Cache-Control"] == "max-age=0"
        assert "If-None-Match" in page_requests[0]  # conditional: 304 when unchanged


@pytest.mark.network
def test_pages_on_the_real_index_are_unchanged_when_checked_twice() -> None:
    record = baseline(["https://pypi.org/simple/"], ["idna", "sqlparse", "asgiref"])
    verdict = check(record, ["https://pypi.org/simple/"])
    assert verdict.status == "unchanged", verdict.describe()


# Projects whose pages a python.org-like Django site reads (bench/real_unpinned.py's).
REAL_PROJECTS = """
amqp asgiref attrs billiard bleach boto3 botocore beautifulsoup4 celery certifi cffi
chardet charset-normalizer click click-didyoumean click-plugins click-repl cmarkgfm
cron-descriptor cryptography defusedxml diff-match-patch dj-database-url django
django-appconf django-celery-beat django-cors-headers django-countries
django-crispy-forms django-debug-toolbar django-environ django-extensions django-filter
django-honeypot django-imagekit django-import-export django-markupfield
django-ordered-model django-pipeline django-polymorphic django-sitetree django-storages
django-timezone-field django-waffle django-widget-tweaks djangorestframework docutils
factory-boy faker feedparser gunicorn h11 httpcore httpx icalendar idna jinja2 jmespath
kombu lxml markdown markupsafe oauthlib packaging pilkit pillow prompt-toolkit
psycopg2-binary pycparser pygments python-crontab python-dateutil python-decouple
python-slugify python3-openid pytz pyyaml redis requests requests-oauthlib responses
s3transfer sentry-sdk sgmllib3k six soupsieve sqlparse tablib text-unidecode
typing-extensions tzdata tzlocal urllib3 vine wcwidth webencodings whitenoise
""".split()


@pytest.mark.network
def test_a_hundred_real_pages_are_checked_over_a_few_connections_after_one_lookup() -> None:
    index = "https://pypi.org/simple/"
    record = baseline([index], REAL_PROJECTS)
    lookups: list[str] = []

    def counted(host: str, port: int) -> list[Any]:
        lookups.append(host)
        return system_resolve(host, port)

    with Client({}, timeouts=Timeouts(10, 10), retries=5, backoff=0.25, resolve=counted) as client:
        verdict = check_pages(record, urls_of([index]), trust_env={}, fetch=page_fetch(client, 10))
        opened = client.connections_opened()
    assert verdict.status != "failed", verdict.describe()
    # unchanged, unless a project released in the seconds between the two reads
    assert verdict.status == "unchanged" or verdict.changed, verdict.describe()
    assert lookups == ["pypi.org"]
    assert 1 <= opened <= WORKERS

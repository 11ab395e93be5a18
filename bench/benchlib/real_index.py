"""An unpinned app of about 100 packages from the real package index (issue 17):
the index-page check over the network, as a new user meets it (`--apps
real-unpinned`, opt-in: it needs the network).

The app is shaped after python.org's site (a Django app: boto3, celery, lxml, Pillow,
requests, ...): the top-level projects in TOP are resolved once with the buildpack's
pip against the index (untimed), and every package of that resolution is written to
requirements.txt, every other one pinned with `==` and the rest left bare, so that
about half the lines are unpinned. One cache for all the runs:

    cold        empty CACHE_DIR, everything downloaded (the first run)  -> empty
    unchanged   the same app again, once per run, in a row              -> reused

Each sample keeps its log line `Checked N project pages on 1 index: unchanged (...)`
and whether pip ran (bin/report's `commands`). The targets (reported, not failed):
each unchanged rebuild says `unchanged`, starts no pip process, and takes under 2 s.
A release on the index between two builds makes a rebuild ask pip, which is correct.
The build machine's trust and proxy settings are passed on; its pip settings are not.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from . import ROOT
from .harness import Build, Floor, Harness, Step
from .measure import BenchError, Sample, clean_env
from .session import Session

PIP = ROOT / "vendor" / "wheels" / "pip-26.3-py3-none-any.whl" / "pip"
# python.org's site's kind of requirements: what it runs, and what such a site adds.
TOP = [
    "Django", "dj-database-url", "django-pipeline", "django-sitetree", "docutils",
    "Markdown", "cmarkgfm", "Pillow", "psycopg2-binary", "python3-openid",
    "python-decouple", "pytz", "requests", "sqlparse", "django-honeypot",
    "django-markupfield", "django-waffle", "djangorestframework", "django-filter",
    "django-ordered-model", "django-widget-tweaks", "django-countries", "icalendar",
    "chardet", "celery", "django-celery-beat", "django-extensions", "django-import-export",
    "boto3", "django-storages", "feedparser", "beautifulsoup4", "lxml", "gunicorn",
    "whitenoise", "sentry-sdk", "django-polymorphic", "Jinja2", "PyYAML", "redis",
    "python-dateutil", "requests-oauthlib", "django-imagekit", "responses", "factory-boy",
    "Faker", "django-debug-toolbar", "django-crispy-forms", "httpx", "cryptography",
    "Pygments", "django-environ", "django-cors-headers", "python-slugify", "bleach",
]  # fmt: skip
PASSED_ON = (
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
)


def trust_and_proxy() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k in PASSED_ON}


def resolve(work: Path) -> list[str]:
    """The resolution of TOP today, every other package pinned to what it picked."""
    report = work / "resolution.json"
    argv = [sys.executable, str(PIP), "install", "--dry-run", "--ignore-installed", "--quiet"]
    argv += ["--report", str(report), "--disable-pip-version-check", *TOP]
    env = {**clean_env(), "HOME": str(work), "PIP_CONFIG_FILE": os.devnull, **trust_and_proxy()}
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=600, check=False)
    if proc.returncode != 0:
        raise BenchError(f"resolving the real-unpinned app failed:\n{proc.stderr[-2000:]}")
    picked = sorted(
        (item["metadata"]["name"], item["metadata"]["version"])
        for item in json.loads(report.read_text())["install"]
    )
    return [f"{name}=={version}" if i % 2 else name for i, (name, version) in enumerate(picked)]


class RealIndexApp:
    label = kind = "real-unpinned"

    def __init__(self) -> None:
        self.lines: list[str] = []

    @contextlib.contextmanager
    def serving(self, session: Session) -> Iterator[None]:
        work = session.fresh("real-unpinned")
        work.mkdir()
        self.lines = resolve(work)
        yield

    def config(self) -> dict[str, str]:
        return {}

    def process_env(self) -> dict[str, str]:
        return trust_and_proxy()

    def write(self, dest: Path, variant: str, python_version: str) -> None:
        dest.mkdir(parents=True, exist_ok=True)
        (dest / "requirements.txt").write_text("".join(f"{line}\n" for line in self.lines))
        (dest / ".python-version").write_text(f"{python_version}\n")
        (dest / "Procfile").write_text("web: gunicorn app.wsgi\n")

    def steps(self, run: int) -> list[Step]:
        cold: list[Step] = [Build("cold", "empty", cache="kept")] if run == 1 else []
        return [*cold, Build("unchanged", "reused", cache="kept"), Floor("kept")]

    def baseline(self, name: str, harness: Harness, run: int) -> Sample:
        raise BenchError(f"{self.label} has no baseline {name}")

    def observed(self, sample: Sample) -> None:
        pass

    def info(self) -> dict[str, Any]:
        bare = sum("==" not in line for line in self.lines)
        return {
            "summary": f"{len(self.lines)} packages, {bare} unpinned, from the real index",
            "packages": len(self.lines),
            "requirements": self.lines,
            "notes": [f"real-unpinned: {len(self.lines)} packages, {bare} unpinned"],
        }

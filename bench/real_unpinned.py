#!/usr/bin/env python3
"""Unchanged rebuilds of an unpinned app of about 100 packages from the real package
index (issue 17): the index-page check over the network, as a new user meets it.

    .venv/bin/python bench/real_unpinned.py [--rebuilds 3] [--workdir .cache/bench-real-unpinned]

The app is shaped after python.org's site (a Django app: boto3, celery, lxml, Pillow,
requests, ...): the top-level projects in TOP are resolved once with the buildpack's
pip against the index (untimed), and every package of that resolution is written to
requirements.txt, every other one pinned with `==` and the rest left bare, so that
about half the lines are unpinned. Then, with the buildpack of this tree and the
runtime packed from the local interpreter:

    cold        empty CACHE_DIR, everything downloaded        -> empty
    unchanged   the same app again, --rebuilds times in a row -> reused

Each unchanged rebuild is timed around `bin/compile`; its log line
`Checked N project pages on 1 index: unchanged (...)`, whether pip ran (bin/report's
`commands`) and the cache status are printed. The targets (reported, not failed):
each unchanged rebuild says `unchanged`, starts no pip process, and takes under 2 s.
A release on the index between two builds makes a rebuild ask pip, which is correct:
the output says so. Needs the network (and the build machine's proxy settings, which
are passed on).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from support.runtime import packed_runtime  # noqa: E402

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
TARGET_SECONDS = 2.0
PASSED_ON = ("SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE",
             "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy")
CHECKED = re.compile(r"-----> ((?:Checked|Could not check|Cannot check) .*)")


def base_env(work: Path, mirror: Path) -> dict[str, str]:
    """No PIP_* of this machine; its trust and proxy settings, as a platform passes them."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8",
        "HOME": str(work), "PYTHON_RUNTIME_BASE_URL": mirror.as_uri(),
        "BUILDPACK_APP_DIR": str(work / "slug"),
        **{k: v for k, v in os.environ.items() if k in PASSED_ON},
    }  # fmt: skip


def requirements(env: dict[str, str], work: Path) -> list[str]:
    """The resolution of TOP today, every other package pinned to what it picked."""
    report = work / "resolution.json"
    argv = [sys.executable, str(PIP), "install", "--dry-run", "--ignore-installed", "--quiet",
            "--report", str(report), "--disable-pip-version-check", *TOP]
    subprocess.run(argv, env={**env, "PIP_CONFIG_FILE": os.devnull}, check=True, timeout=600)
    picked = sorted(
        (item["metadata"]["name"], item["metadata"]["version"])
        for item in json.loads(report.read_text())["install"]
    )
    return [f"{name}=={version}" if i % 2 else name for i, (name, version) in enumerate(picked)]


def build(app: Path, work: Path, cache: Path, env: dict[str, str], n: int) -> dict[str, object]:
    build_dir = work / f"build-{n}"
    env_dir = work / "env"
    env_dir.mkdir(exist_ok=True)
    shutil.rmtree(build_dir, ignore_errors=True)
    shutil.copytree(app, build_dir)
    argv = [str(ROOT / "bin" / "compile"), str(build_dir), str(cache), str(env_dir)]
    started = time.perf_counter()
    proc = subprocess.run(argv, env=env, cwd=build_dir, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    (work / f"build-{n}.log").write_text(proc.stdout + proc.stderr)
    if proc.returncode != 0:
        raise SystemExit(f"build {n} failed: see {work / f'build-{n}.log'}")
    report = subprocess.run(
        [str(ROOT / "bin" / "report"), str(build_dir), str(cache), str(env_dir)],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    data = json.loads(report.stdout)
    shutil.rmtree(build_dir)
    found = CHECKED.search(proc.stdout + proc.stderr)
    commands = [str(c) for c in data.get("commands", [])]
    return {
        "seconds": seconds,
        "status": data["cache_status"],
        "line": found.group(1) if found else "(no index check in the log)",
        "pip": any(re.search(r"\bpip\b", c) for c in commands),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rebuilds", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=ROOT / ".cache" / "bench-real-unpinned")
    args = parser.parse_args(argv)
    work: Path = args.workdir.absolute()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    mirror, version = packed_runtime(ROOT / ".cache")
    env = base_env(work, mirror)
    lines = requirements(env, work)
    app = work / "app"
    app.mkdir()
    (app / "requirements.txt").write_text("".join(f"{line}\n" for line in lines))
    (app / ".python-version").write_text(f"{version}\n")
    (app / "Procfile").write_text("web: gunicorn app.wsgi\n")
    bare = sum("==" not in line for line in lines)
    print(f"app: {len(lines)} packages, {bare} unpinned, Python {version}", flush=True)

    cache = work / "cache"
    cold = build(app, work, cache, env, 0)
    print(f"cold       {cold['seconds']:6.2f} s  {cold['status']}", flush=True)
    held = True
    for n in range(1, args.rebuilds + 1):
        got = build(app, work, cache, env, n)
        ok = (
            got["status"] == "reused" and not got["pip"]
            and str(got["line"]).endswith(")") and ": unchanged (" in str(got["line"])
            and float(str(got["seconds"])) < TARGET_SECONDS
        )  # fmt: skip
        held = held and ok
        pip = "pip ran" if got["pip"] else "no pip process"
        print(f"unchanged  {got['seconds']:6.2f} s  {got['status']}, {pip}: {got['line']}",
              flush=True)
    print(f"{'HOLDS' if held else 'MISSED'}  every unchanged rebuild: `Checked ... unchanged`, "
          f"no pip process, under {TARGET_SECONDS:g} s")
    print(f"logs: {work}/build-*.log")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

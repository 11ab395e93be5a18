"""bin/release: the YAML the platform reads after compile.

Process types come from the app's Procfile, which the platform reads itself; the
buildpack adds a default only where one is unambiguous: a Django project with
gunicorn installed gets `web: gunicorn <project>.wsgi`.
"""

from __future__ import annotations

import re
from pathlib import Path

_SETTINGS = re.compile(r"""DJANGO_SETTINGS_MODULE["']\s*,\s*["']([A-Za-z_][\w]*)\.settings""")


def default_web_process(build_dir: Path) -> str | None:
    if (build_dir / "Procfile").is_file():
        return None
    manage = build_dir / "manage.py"
    site = next((build_dir / ".heroku" / "python" / "lib").glob("python3.*/site-packages"), None)
    if not manage.is_file() or site is None or not any(site.glob("gunicorn-*.dist-info")):
        return None
    match = _SETTINGS.search(manage.read_text(encoding="utf-8", errors="replace"))
    if not match or not (build_dir / match[1] / "wsgi.py").is_file():
        return None
    return f"gunicorn {match[1]}.wsgi"


def release_yaml(build_dir: Path) -> str:
    web = default_web_process(build_dir)
    if web is None:
        return "---\naddons: []\ndefault_process_types: {}\n"
    return f"---\naddons: []\ndefault_process_types:\n  web: {web}\n"

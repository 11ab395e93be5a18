"""A minimal Flask app for the buildpack's demo: `gunicorn app:app` serves it."""

from __future__ import annotations

import platform
from importlib.metadata import version

from flask import Flask

app = Flask(__name__)


@app.get("/")
def index() -> tuple[str, int, dict[str, str]]:
    text = (
        f"Hello from Flask {version('flask')} on Python {platform.python_version()}, "
        "built by the Python buildpack.\n"
    )
    return text, 200, {"Content-Type": "text/plain; charset=utf-8"}

"""The Python runtime: where its archives are (source), the one download client
(download) and unpacking (archive). Which version to install, and where, is the
caller's business.

The names below are imported when first used (PEP 562): the download client brings
http.client, ssl, urllib.request and a thread pool, about a third of the buildpack's
start-up, and a build that reuses its cached runtime and environment downloads
nothing.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .archive import extract_archive
    from .download import Client, DownloadError, Timeouts
    from .source import (
        DEFAULT_BASE_URL,
        WantedRuntime,
        archive_name,
        download_archive,
        download_runtime,
        runtime_base_url,
    )

_MODULES = {
    "extract_archive": "archive",
    "Client": "download",
    "DownloadError": "download",
    "Timeouts": "download",
    "DEFAULT_BASE_URL": "source",
    "WantedRuntime": "source",
    "archive_name": "source",
    "download_archive": "source",
    "download_runtime": "source",
    "runtime_base_url": "source",
}

__all__ = [
    "DEFAULT_BASE_URL",
    "Client",
    "DownloadError",
    "Timeouts",
    "WantedRuntime",
    "archive_name",
    "download_archive",
    "download_runtime",
    "extract_archive",
    "runtime_base_url",
]


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)

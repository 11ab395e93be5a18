"""The Python runtime: where its archives are (source), the one download client
(download) and unpacking (archive). Which version to install, and where, is the
caller's business."""

from __future__ import annotations

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

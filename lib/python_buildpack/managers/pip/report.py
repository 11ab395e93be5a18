"""pip's installation report (`pip install --report`), as far as the buildpack reads
it: https://pip.pypa.io/en/stable/reference/installation-report/ (version 1).

Types only: the JSON is taken as pip wrote it, and a key pip leaves out reads as
missing (`.get`), as it did before these types named it.
"""

from __future__ import annotations

from typing import TypedDict


class ArchiveInfo(TypedDict, total=False):
    hash: str  # "sha256=..." (legacy)
    hashes: dict[str, str]  # algorithm -> hex digest


class DirInfo(TypedDict, total=False):
    editable: bool


class VcsInfo(TypedDict, total=False):
    vcs: str
    commit_id: str
    requested_revision: str


class DownloadInfo(TypedDict, total=False):
    """PEP 610's direct_url.json: where the distribution came from."""

    url: str
    archive_info: ArchiveInfo
    dir_info: DirInfo
    vcs_info: VcsInfo


class Metadata(TypedDict):
    """The distribution's core metadata (as JSON); only these two are read."""

    name: str
    version: str


class _InstallItemRequired(TypedDict):
    metadata: Metadata


class InstallItem(_InstallItemRequired, total=False):
    download_info: DownloadInfo
    is_direct: bool
    is_yanked: bool
    requested: bool


class InstallReport(TypedDict, total=False):
    version: str
    pip_version: str
    install: list[InstallItem]

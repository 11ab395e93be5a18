"""Where runtime archives come from: the base URL, archive names, and fetching one
with its .sha256 sidecar (from file:// here; over HTTP in test_runtime_download.py)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from python_buildpack.errors import (
    BuildpackError,
    InvalidRuntimeBaseUrl,
    PythonVersionUnavailable,
    RuntimeChecksumMismatch,
)
from python_buildpack.runtime import (
    DEFAULT_BASE_URL,
    archive_name,
    download_archive,
    download_runtime,
    runtime_base_url,
)

NAME = "python-3.12.7-ubuntu-24.04-amd64.tar.zst"
PAYLOAD = b"pretend this is a runtime archive\n" * 1000


def message(error: BuildpackError) -> str:
    return f"{error.title()}\n{error.body()}"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- naming and base URL -------------------------------------------------------------


def test_archive_names_follow_herokus_bucket() -> None:
    assert archive_name("3.12.7", "24.04", "amd64") == NAME


def test_without_a_base_url_herokus_bucket_is_used() -> None:
    assert runtime_base_url({}, {}) == DEFAULT_BASE_URL
    assert DEFAULT_BASE_URL == "https://heroku-buildpack-python.s3.us-east-1.amazonaws.com"


def test_apps_config_var_wins_over_the_build_machines_variable() -> None:
    config = {"PYTHON_RUNTIME_BASE_URL": "https://app-mirror.example/runtimes/\n"}
    environ = {"PYTHON_RUNTIME_BASE_URL": "http://machine-mirror.example"}
    assert runtime_base_url(config, environ) == "https://app-mirror.example/runtimes"
    assert runtime_base_url({}, environ) == "http://machine-mirror.example"
    assert runtime_base_url({"PYTHON_RUNTIME_BASE_URL": ""}, environ) == (
        "http://machine-mirror.example"
    )
    assert runtime_base_url({}, {"PYTHON_RUNTIME_BASE_URL": "file:///srv/runtimes"}) == (
        "file:///srv/runtimes"
    )


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("ftp://mirror.example/runtimes", "does not start with https://"),
        ("mirror.example/runtimes", "does not start with https://"),
        ("https:///runtimes", "has no host name"),
        ("file://server/runtimes", "names a host"),
        ("https://mirror.example/runtimes?token=1", "'?' or '#'"),
    ],
)
def test_unusable_base_url_is_refused_naming_the_var_and_value(value: str, problem: str) -> None:
    with pytest.raises(InvalidRuntimeBaseUrl) as caught:
        runtime_base_url({"PYTHON_RUNTIME_BASE_URL": value}, {})
    text = message(caught.value)
    assert "config var PYTHON_RUNTIME_BASE_URL" in text
    assert value in text
    assert problem in text
    assert caught.value.failure_reason == "runtime_base_url"


# --- download from file:// ------------------------------------------------------------


def mirror(tmp_path: Path, *, sidecar: str | None = None) -> str:
    directory = tmp_path / "mirror"
    directory.mkdir()
    (directory / NAME).write_bytes(PAYLOAD)
    if sidecar is not None:
        (directory / f"{NAME}.sha256").write_text(sidecar)
    return f"{directory.as_uri()}/{NAME}"


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def test_archive_is_copied_from_a_file_url(tmp_path: Path) -> None:
    url = mirror(tmp_path)
    dest = tmp_path / "out" / NAME
    dest.parent.mkdir()
    download_archive(url, dest, trust_env={})
    assert dest.read_bytes() == PAYLOAD
    assert leftovers(dest.parent) == [NAME]


def test_file_url_archive_is_verified_against_its_sha256sum_sidecar(tmp_path: Path) -> None:
    url = mirror(tmp_path, sidecar=f"{sha256(PAYLOAD)}  {NAME}\n")
    dest = tmp_path / NAME
    download_archive(url, dest, trust_env={})
    assert dest.read_bytes() == PAYLOAD


def test_file_url_archive_with_wrong_checksum_is_refused_and_not_kept(tmp_path: Path) -> None:
    url = mirror(tmp_path, sidecar="0" * 64)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(RuntimeChecksumMismatch) as caught:
        download_archive(url, out / NAME, trust_env={})
    text = message(caught.value)
    assert url in text
    assert "0" * 64 in text
    assert sha256(PAYLOAD) in text
    assert leftovers(out) == []


def test_missing_file_means_the_python_version_isnt_available(tmp_path: Path) -> None:
    directory = tmp_path / "mirror"
    directory.mkdir()
    url = f"{directory.as_uri()}/python-3.12.99-ubuntu-24.04-amd64.tar.zst"
    with pytest.raises(PythonVersionUnavailable) as caught:
        download_runtime(
            url,
            tmp_path / "archive",
            version="3.12.99",
            stack="heroku-24",
            arch="amd64",
            supported=["3.13.1", "3.12.8", "3.11.11"],
            trust_env={},
            version_origin=".python-version",
        )
    text = message(caught.value)
    assert caught.value.title() == (
        "Python 3.12.99 isn't available for this stack (heroku-24, amd64)."
    )
    assert url in text
    assert ".python-version" in text
    assert "3.13.1, 3.12.8, 3.11.11" in text
    assert "PYTHON_RUNTIME_BASE_URL" in text
    assert caught.value.failure_reason == "python_version_unavailable"
    assert not (tmp_path / "archive").exists()

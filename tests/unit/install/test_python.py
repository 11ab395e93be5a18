"""The pristine runtime kept in the cache: its stamp never holds the URL's secrets."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from python_buildpack.cache.files import remove_tree
from python_buildpack.cache.store import CacheStore
from python_buildpack.install import python as install_runtime
from python_buildpack.output import Output
from python_buildpack.python_version import ResolvedPythonVersion
from support.fakes import FakeRunner, make_context

TOKEN = "mirr0r_T0ken_9Hs2Kd8Lq1"


def test_runtime_stamp_stores_the_url_redacted_and_still_matches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    downloads: list[str] = []

    def download(ctx: object, url: str, archive: Path, version: object, origin: object) -> None:
        downloads.append(url)

    def extract(archive: Path, target: Path) -> None:
        (target / "bin").mkdir(parents=True)
        (target / "bin" / "python3").write_text("#!/bin/sh\n")

    monkeypatch.setattr(install_runtime, "_download", download)
    monkeypatch.setattr(install_runtime.runtime, "extract_archive", extract)
    stream = io.StringIO()
    ctx = make_context(tmp_path / "build", FakeRunner(), output=Output(stream))
    ctx.output.redactor.add(TOKEN)  # as the CLI does with a config var's value
    store = CacheStore(tmp_path / "cache" / "python")
    version = ResolvedPythonVersion(3, 12, 4)
    base = f"https://ci:{TOKEN}@mirror.example/{TOKEN}/runtimes"

    install_runtime.install_runtime(ctx, store, version, base, ".python-version")
    remove_tree(ctx.python_dir)  # the next build's fresh BUILD_DIR
    install_runtime.install_runtime(ctx, store, version, base, ".python-version")

    assert len(downloads) == 1  # the second build used the cached copy
    assert "Using the cached copy of the runtime" in stream.getvalue()
    for path in store.root.rglob("*"):
        if path.is_file():
            assert TOKEN not in path.read_text(errors="replace"), path

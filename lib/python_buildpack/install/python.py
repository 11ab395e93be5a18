"""The pristine runtime: Python itself, installed into `.heroku/python`.

With the cache on, the extracted runtime is kept in CACHE_DIR/python/runtimes and
linked into place, checked by content on the way; with it off, downloaded and
extracted each build.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from .. import runtime
from ..cache import tree
from ..cache.files import remove_tree, write_atomically
from ..cache.identities import verify_content
from ..cache.store import CacheStore
from ..context import BuildContext
from ..python_version import (
    LATEST_PATCH,
    RequestedPythonVersion,
    ResolvedPythonVersion,
    VersionOrigin,
)

RUNTIME_CHANGED = (
    "The cached copy of the runtime does not match what was saved with it: extracting it again"
)


def describe_version(requested: RequestedPythonVersion, resolved: ResolvedPythonVersion) -> str:
    if requested.origin is VersionOrigin.DEFAULT:
        return f"No Python version specified, using the current default of Python {resolved}"
    return f"Using Python {requested} specified in {requested.origin_file}"


def source_url(ctx: BuildContext) -> str:
    return runtime.runtime_base_url(ctx.config_vars, ctx.host_env)


def install_runtime(
    ctx: BuildContext,
    store: CacheStore | None,
    version: ResolvedPythonVersion,
    base_url: str,
    origin: str | None,
) -> None:
    """`origin`: the file the version came from (None: the default), which a
    missing archive's message tells the user to check."""
    name = runtime.archive_name(str(version), ctx.stack.ubuntu, ctx.arch)
    url = f"{base_url.rstrip('/')}/{name}"
    ctx.output.step(f"Installing Python {version}")
    if store is None:
        with tempfile.TemporaryDirectory(prefix="python-runtime-") as tmp:
            archive = Path(tmp) / name
            _download(ctx, url, archive, version, origin)
            runtime.extract_archive(archive, ctx.python_dir)
        return
    _pristine_runtime(ctx, store, name, url, version, origin)


def _download(
    ctx: BuildContext, url: str, archive: Path, version: ResolvedPythonVersion, origin: str | None
) -> None:
    supported = [f"{m}.{n}.{p}" for (m, n), p in sorted(LATEST_PATCH.items())]
    runtime.download_runtime(
        url,
        archive,
        trust_env=ctx.host_env,
        version=str(version),
        stack=ctx.stack.name,
        arch=ctx.arch,
        supported=supported,
        version_origin=origin,
    )


def _pristine_runtime(
    ctx: BuildContext,
    store: CacheStore,
    name: str,
    url: str,
    version: ResolvedPythonVersion,
    origin: str | None,
) -> None:
    """Place the runtime kept in the cache, checked by content on the way (only the
    files whose identity changed are read: store.py); or extract it again."""
    stem = name.removesuffix(".tar.zst")
    target = store.runtimes_dir / stem
    stamp = store.runtimes_dir / f"{stem}.json"
    # Stored and compared redacted: the URL may hold credentials (the fingerprint
    # keeps its hash; credentials alone do not change what it downloads).
    shown = ctx.redactor(url)
    try:
        saved = json.loads(stamp.read_text(encoding="utf-8"))
        contents, known = saved["contents"], store.identities.vouched(saved.get("identities"))
        usable = saved["url"] == shown and isinstance(contents, dict) and target.is_dir()
    except (OSError, ValueError, KeyError, TypeError):
        usable = False
    if usable:
        if verify_content(ctx.config_vars):
            known = {}
        found = store.place(target, ctx.python_dir, expected=contents, known=known)
        if not found.problems:
            ctx.output.info("Using the cached copy of the runtime")
            if found.identities != known:
                _write_stamp(store, stamp, shown, contents, found.identities)
            return
        ctx.output.info(RUNTIME_CHANGED)
    store.runtimes_dir.mkdir(parents=True, exist_ok=True)
    remove_tree(target)
    with tempfile.TemporaryDirectory(dir=store.runtimes_dir, prefix=".download-") as tmp:
        archive = Path(tmp) / name
        _download(ctx, url, archive, version, origin)
        runtime.extract_archive(archive, target)
    for other in store.runtimes_dir.iterdir():  # one runtime at a time is enough
        if other not in (target, stamp):
            remove_tree(other)
    found = store.place(target, ctx.python_dir)
    _write_stamp(store, stamp, shown, found.contents, found.identities)


def _write_stamp(
    store: CacheStore,
    stamp: Path,
    url: str,
    contents: tree.Contents,
    identities: tree.Identities,
) -> None:
    record = store.identities.record(identities)
    text = json.dumps({"url": url, "contents": contents, "identities": record})
    write_atomically(stamp, text)

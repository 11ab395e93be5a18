"""The pristine runtime: Python itself, installed into `.heroku/python`.

With the cache on, the extracted runtime is kept in CACHE_DIR/python/runtimes and
linked into place (checked against its snapshot first); with it off, downloaded
and extracted each build.
"""

from __future__ import annotations

import contextlib
import json
import tempfile
from pathlib import Path

from .. import runtime
from ..cache import tree
from ..cache.store import CacheStore, remove_tree, verify_content, write_atomically
from ..context import BuildContext
from ..python_version import (
    LATEST_PATCH,
    RequestedPythonVersion,
    ResolvedPythonVersion,
    VersionOrigin,
)

RUNTIME_CHANGED = (
    "The cached copy of the runtime does not match the hashes saved with it: extracting it again"
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
    pristine = _pristine_runtime(ctx, store, name, url, version, origin)
    store.place(pristine, ctx.python_dir)


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
) -> Path:
    """An extracted runtime kept in the cache, checked against its snapshot (and,
    with PYTHON_BUILD_CACHE_VERIFY=content, its files' hashes)."""
    stem = name.removesuffix(".tar.zst")
    target = store.runtimes_dir / stem
    stamp = store.runtimes_dir / f"{stem}.json"
    # Stored and compared redacted: the URL may hold credentials (the fingerprint
    # keeps its hash; credentials alone do not change what it downloads).
    shown = ctx.redactor(url)
    content = verify_content(ctx.config_vars)
    with contextlib.suppress(OSError, ValueError, KeyError):
        saved = json.loads(stamp.read_text(encoding="utf-8"))
        snap = tree.snapshot(target)
        if saved["url"] == shown and saved["snapshot"] == snap:
            if not content or saved.get("hashes") == tree.content_hashes(target, snap):
                ctx.output.info("Using the cached copy of the runtime")
                return target
            ctx.output.info(RUNTIME_CHANGED)
    store.runtimes_dir.mkdir(parents=True, exist_ok=True)
    remove_tree(target)
    with tempfile.TemporaryDirectory(dir=store.runtimes_dir, prefix=".download-") as tmp:
        archive = Path(tmp) / name
        _download(ctx, url, archive, version, origin)
        runtime.extract_archive(archive, target)
    snap = tree.snapshot(target)
    saved = {"url": shown, "snapshot": snap}
    if content:
        saved["hashes"] = tree.content_hashes(target, snap)
    write_atomically(stamp, json.dumps(saved))
    for other in store.runtimes_dir.iterdir():  # one runtime at a time is enough
        if other not in (target, stamp):
            remove_tree(other)
    return target

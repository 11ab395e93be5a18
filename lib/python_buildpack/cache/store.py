"""CACHE_DIR/python: the last good environment, pristine runtimes, pip's cache.

    CACHE_DIR/python/
      lock            held for the whole build: builds sharing a cache take turns
      manifest.json   versioned; written last, atomically; no manifest = no cache
      env/            the last good .heroku/python, as installed (before hooks)
      runtimes/       pristine runtimes, extracted, each with a snapshot to check
      pip/            pip's download and wheel cache

A build killed at any moment leaves the old valid cache or none: the manifest is
removed before env/ changes and written again only after the new env/ is in place.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path

from ..output import Output
from . import tree
from .manifest import FORMAT, FormatMismatch, Manifest

CACHE_SWITCH = "PYTHON_BUILD_CACHE"


def cache_disabled(config_vars: Mapping[str, str]) -> bool:
    return config_vars.get(CACHE_SWITCH, "").strip().lower() in ("off", "0", "false", "no")


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(path: Path, text: str) -> None:
    """tmp file, fsync, rename, fsync the directory: all of it or none of it."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def remove_tree(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)


def _changed_files(changes: list[str]) -> list[str]:
    return [f"a file in the cached environment changed since it was saved: {c}" for c in changes]


class CacheStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.manifest_path = root / "manifest.json"
        self.env_dir = root / "env"
        self.runtimes_dir = root / "runtimes"
        self.pip_cache_dir = root / "pip"

    def tool_cache(self, manager: str) -> Path:
        """A package manager's own download cache (pip's: CACHE_DIR/python/pip)."""
        return self.root / manager

    @contextlib.contextmanager
    def locked(self, output: Output) -> Iterator[None]:
        """Held for the whole build: builds sharing a cache take turns."""
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / "lock").open("a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                output.step("Waiting for another build that is using this cache")
                fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                self._remove_leftovers()
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _remove_leftovers(self) -> None:
        """Staging dirs of a build that was killed (we hold the lock: none is live)."""
        for stale in self.root.glob(".staging-*"):
            remove_tree(stale)

    def load_manifest(self) -> tuple[Manifest | None, list[str]]:
        """The manifest, or None and why there is no usable cache."""
        try:
            text = self.manifest_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            if self.env_dir.exists():
                return None, ["the previous build stopped before it finished saving the cache"]
            return None, []
        except (OSError, UnicodeDecodeError) as error:
            return None, [f"the cache manifest could not be read ({error})"]
        try:
            return Manifest.from_json(text), []
        except FormatMismatch as mismatch:
            if mismatch.found > FORMAT:
                why = f"the cache was written by a newer buildpack (format {mismatch.found})"
            else:
                why = f"the cache format changed (from {mismatch.found} to {FORMAT})"
            return None, [why]
        except (ValueError, TypeError, KeyError) as error:
            return None, [f"the cache manifest is corrupt ({type(error).__name__})"]

    def verify_env(self, manifest: Manifest) -> list[str]:
        """That env/ is exactly what the manifest describes: no file changed since."""
        if not self.env_dir.is_dir():
            return ["the cached environment is missing"]
        found = tree.snapshot(self.env_dir)
        return _changed_files(tree.snapshot_changes(manifest.snapshot, found))

    def restore(self, dest: Path, manifest: Manifest) -> list[str]:
        """Link env/ into dest and check, in the same pass, that it is exactly what
        the manifest describes. Returns what differs (nothing: dest is good)."""
        remove_tree(dest)
        if not self.env_dir.is_dir():
            return ["the cached environment is missing"]
        dest.parent.mkdir(parents=True, exist_ok=True)
        found = tree.link_tree(self.env_dir, dest)
        changes = tree.snapshot_changes(manifest.snapshot, found)
        if changes:
            remove_tree(dest)
        return _changed_files(changes)

    def discard(self) -> None:
        """Forget the environment (pip's cache and runtimes stay: they cannot lie)."""
        remove_tree(self.manifest_path)
        remove_tree(self.env_dir)

    def clear(self) -> None:
        """PYTHON_BUILD_CACHE=off: nothing of ours stays."""
        self.discard()
        for child in (self.runtimes_dir, self.pip_cache_dir, self.root / "wheels"):
            remove_tree(child)

    def save(self, python_dir: Path, manifest_without_snapshot: Manifest) -> Manifest:
        """Publish python_dir as the cached environment, then its manifest."""
        self.root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=self.root, prefix=".staging-"))
        new_env = staging / "env"
        tree.link_tree(python_dir, new_env)
        manifest = replace(
            manifest_without_snapshot, format=FORMAT, snapshot=tree.snapshot(new_env)
        )
        # From here until the new manifest is in place there is no valid cache.
        remove_tree(self.manifest_path)
        _fsync_dir(self.root)
        if self.env_dir.exists():
            os.replace(self.env_dir, staging / "old")
        os.replace(new_env, self.env_dir)
        write_atomically(self.manifest_path, manifest.to_json())
        remove_tree(staging)
        return manifest


@contextlib.contextmanager
def locked(store: CacheStore | None, output: Output) -> Iterator[None]:
    if store is None:
        yield
    else:
        with store.locked(output):
            yield


def remove_disabled_cache(cache_root: Path, store: CacheStore | None, output: Output) -> None:
    """With the cache switched off, the old one goes, once the build has succeeded
    (a failed build leaves it), and under the lock (another build may use it)."""
    if store is not None:
        return
    old = CacheStore(cache_root)
    if old.root.is_dir() and any(p.name != "lock" for p in old.root.iterdir()):
        with old.locked(output):
            old.clear()
        output.step(f"Removed the old build cache ({CACHE_SWITCH}=off)")


def check_after_hooks(store: CacheStore | None, manifest: Manifest | None, output: Output) -> None:
    """The build's files are hard links to the cache's: a hook that wrote into one in
    place changed the cached copy too. Then the cache must not be used again."""
    if store is None or manifest is None:
        return
    changed = store.verify_env(manifest)
    if changed:
        store.discard()
        output.warning(
            "A build step changed installed files in place.",
            "After the packages were installed, something (a hook, collectstatic) wrote\n"
            "into files under .heroku/python:\n"
            + "\n".join(f"- {c}" for c in changed)
            + "\n\nThe build cache was discarded so that the next build starts clean.\n"
            "Write generated files elsewhere, or replace files instead of editing them.",
        )

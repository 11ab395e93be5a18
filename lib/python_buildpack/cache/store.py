"""CACHE_DIR/python: the last good environment, pristine runtimes, pip's cache.

    CACHE_DIR/python/
      lock            held for the whole build: builds sharing a cache take turns
      manifest.json   versioned; written last, atomically; no manifest = no cache
      env/            the last good .heroku/python, as installed (before hooks)
      hashes.json     sha256 of every file of env/, for PYTHON_BUILD_CACHE_VERIFY=content
      runtimes/       pristine runtimes, extracted, each with a snapshot to check
      pip/            pip's download and wheel cache

A build killed at any moment leaves the old valid cache or none: the manifest is
removed before env/ changes and written again only after the new env/ is in place.

Files move between the cache and BUILD_DIR by hard links when the two are on one
filesystem, and by copies (with their mtime and mode) when they are not: Dokku and
herokuish mount CACHE_DIR as a volume. Which one is decided once, up front.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
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
# What the restore check reads: file metadata (the default), or also every byte.
CACHE_VERIFY = "PYTHON_BUILD_CACHE_VERIFY"
CACHE_VERIFY_VALUES = ("metadata", "content")
COPYING = "Cache is on another filesystem than the build: copying instead of hard-linking"


def cache_disabled(config_vars: Mapping[str, str]) -> bool:
    return config_vars.get(CACHE_SWITCH, "").strip().lower() in ("off", "0", "false", "no")


def verify_content(config_vars: Mapping[str, str]) -> bool:
    """PYTHON_BUILD_CACHE_VERIFY=content: hash every cached file before reuse."""
    return config_vars.get(CACHE_VERIFY, "").strip().lower() == "content"


def _snapshot_id(snap: tree.Snapshot) -> str:
    """Ties hashes.json to the one env/ its manifest describes."""
    return hashlib.sha256(json.dumps(snap, sort_keys=True).encode()).hexdigest()


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
        self.hashes_path = root / "hashes.json"
        self.runtimes_dir = root / "runtimes"
        self.pip_cache_dir = root / "pip"
        # Set by choose_transfer: copies instead of hard links to and from BUILD_DIR.
        self.copying = False

    def choose_transfer(self, build_dir: Path) -> bool:
        """Hard links between the cache and the build where they can be made, copies
        where they cannot (EXDEV). Decided once, before anything is moved, so a build
        never fails halfway; returns whether it copies."""
        self.root.mkdir(parents=True, exist_ok=True)
        self.copying = not tree.hard_links_work(self.root, build_dir)
        return self.copying

    def place(self, src: Path, dst: Path) -> tree.Snapshot:
        """Copy the tree src to dst, the cheapest way this layout allows; returns
        the snapshot of src taken on the way."""
        return tree.link_tree(src, dst, copy=self.copying)

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
        for stale in (*self.root.glob(".staging-*"), *self.root.glob(".link-probe-*")):
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

    def restore(self, dest: Path, manifest: Manifest, *, content: bool = False) -> list[str]:
        """Link (or copy) env/ into dest and check, in the same pass, that env/ is
        exactly what the manifest describes; with `content`, also that every file
        has the bytes it had when saved. Returns what differs (nothing: dest is
        good). The check reads the cache's own files: a copy has other inodes."""
        remove_tree(dest)
        if not self.env_dir.is_dir():
            return ["the cached environment is missing"]
        dest.parent.mkdir(parents=True, exist_ok=True)
        found = self.place(self.env_dir, dest)
        problems = _changed_files(tree.snapshot_changes(manifest.snapshot, found))
        if not problems and content:
            problems = self._content_problems(manifest)
        if problems:
            remove_tree(dest)
        return problems

    def _content_problems(self, manifest: Manifest) -> list[str]:
        try:
            saved = json.loads(self.hashes_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return [f"no content hashes were saved with the cache ({CACHE_VERIFY}=content)"]
        except (OSError, ValueError) as error:
            return [f"the content hashes of the cache could not be read ({error})"]
        ours = isinstance(saved, dict) and saved.get("snapshot") == _snapshot_id(manifest.snapshot)
        if not ours or not isinstance(saved.get("files"), dict):
            return ["the content hashes saved with the cache are not those of its environment"]
        found = tree.content_hashes(self.env_dir, manifest.snapshot)
        return _changed_files(tree.content_changes(saved["files"], found))

    def discard(self) -> None:
        """Forget the environment (pip's cache and runtimes stay: they cannot lie)."""
        remove_tree(self.manifest_path)
        remove_tree(self.hashes_path)
        remove_tree(self.env_dir)

    def clear(self) -> None:
        """PYTHON_BUILD_CACHE=off: nothing of ours stays."""
        self.discard()
        for child in (self.runtimes_dir, self.pip_cache_dir, self.root / "wheels"):
            remove_tree(child)

    def save(
        self, python_dir: Path, manifest_without_snapshot: Manifest, *, hashes: bool = False
    ) -> Manifest:
        """Publish python_dir as the cached environment, then its manifest. With
        `hashes` (PYTHON_BUILD_CACHE_VERIFY=content), also the sha256 of its every
        file: only then, since hashing reads every byte of the env, and a save
        without the var set has no use for it."""
        self.root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=self.root, prefix=".staging-"))
        new_env = staging / "env"
        self.place(python_dir, new_env)
        snap = tree.snapshot(new_env)
        manifest = replace(manifest_without_snapshot, format=FORMAT, snapshot=snap)
        if hashes:
            files = tree.content_hashes(new_env, snap)
            record = {"snapshot": _snapshot_id(snap), "files": files}
            write_atomically(staging / "hashes.json", json.dumps(record, sort_keys=True))
        # From here until the new manifest is in place there is no valid cache.
        remove_tree(self.manifest_path)
        _fsync_dir(self.root)
        remove_tree(self.hashes_path)
        if self.env_dir.exists():
            os.replace(self.env_dir, staging / "old")
        os.replace(new_env, self.env_dir)
        if hashes:
            os.replace(staging / "hashes.json", self.hashes_path)
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
    if store is None or manifest is None or store.copying:
        return  # copies: nothing the build writes can reach the cache
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

"""CACHE_DIR/python: the last good environment, pristine runtimes, pip's cache.

    CACHE_DIR/python/
      lock              held for the whole build: builds sharing a cache take turns
      manifest.json     versioned; written last, atomically; no manifest = no cache;
                        holds the environment's contents (tree.Contents)
      env/              the last good .heroku/python, as installed (before hooks)
      identities.json   where env/'s files stood when last read (tree.Identities):
                        which files need not be read again; losing it costs time only
      origin            an empty file that says whether CACHE_DIR is where those
                        identities were taken (not restored or copied since)
      runtimes/         pristine runtimes, extracted, each with its contents
      pip/              pip's download and wheel cache

A build killed at any moment leaves the old valid cache or none: the manifest is
removed before env/ changes and written again only after the new env/ is in place.

The cache is trusted by content, not by inodes or times: platforms keep CACHE_DIR as
an archive (Heroku, CI caches), a copy or a volume, and every file comes back with a
new inode and its mtime kept, rounded or lost. tree.py says how that stays cheap.

Files move between the cache and BUILD_DIR by hard links when the two are on one
filesystem, and by copies (with their mtime and mode) when they are not: Dokku and
herokuish mount CACHE_DIR as a volume. Which one is decided once, up front.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path

from ..errors import InstalledFilesChanged
from ..output import Output
from . import tree
from .files import fsync_dir, remove_tree, write_atomically
from .identities import IdentityRecord
from .manifest import FORMAT, FormatMismatch, Manifest

CACHE_SWITCH = "PYTHON_BUILD_CACHE"
COPYING = "Cache is on another filesystem than the build: copying instead of hard-linking"


def cache_disabled(config_vars: Mapping[str, str]) -> bool:
    return config_vars.get(CACHE_SWITCH, "").strip().lower() in ("off", "0", "false", "no")


def _changed_files(changes: list[str]) -> list[str]:
    return [f"a file in the cached environment changed since it was saved: {c}" for c in changes]


class CacheStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.manifest_path = root / "manifest.json"
        self.env_dir = root / "env"
        self.identities = IdentityRecord(root)
        self.runtimes_dir = root / "runtimes"
        self.pip_cache_dir = root / "pip"
        # Set by choose_transfer: copies instead of hard links to and from BUILD_DIR.
        self.copying = False
        # The files this build placed in BUILD_DIR from the cache (the environment,
        # a runtime), as they stood then: saving reads only the others again.
        self.placed: tree.Identities = {}
        # How many files the last restore read (their identity had changed), of all.
        self.files_read = (0, 0)

    def choose_transfer(self, build_dir: Path) -> bool:
        """Hard links between the cache and the build where they can be made, copies
        where they cannot (EXDEV). Decided once, before anything is moved, so a build
        never fails halfway; returns whether it copies."""
        self.root.mkdir(parents=True, exist_ok=True)
        self.copying = not tree.hard_links_work(self.root, build_dir)
        return self.copying

    def place(
        self,
        src: Path,
        dst: Path,
        *,
        expected: tree.Contents | None = None,
        known: tree.Identities | None = None,
    ) -> tree.Walk:
        """Copy the tree src to dst, the cheapest way this layout allows, checking it
        against `expected` on the way (see tree.walk); on a problem, dst is removed."""
        dst.mkdir(parents=True)
        found = tree.walk(src, link_to=dst, copy=self.copying, expected=expected, known=known)
        if found.problems:
            remove_tree(dst)
        else:
            self.placed.update(found.placed)
        return found

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
        """Staging dirs of a build that was killed (we hold the lock: none is live),
        and the content hashes of format 4, which the manifest now holds."""
        stale = (*self.root.glob(".staging-*"), *self.root.glob(".link-probe-*"))
        for path in (*stale, self.root / "hashes.json"):
            remove_tree(path)

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

    def restore(self, dest: Path, manifest: Manifest, *, content: bool = False) -> list[str]:
        """Link (or copy) env/ into dest and check, in the same pass, that env/ holds
        exactly what the manifest describes; with `content`, by reading every file,
        else only those whose identity changed since they were last read. Returns
        what differs (nothing: dest is good; else dest is gone)."""
        if not self.env_dir.is_dir():
            remove_tree(dest)
            return ["the cached environment is missing"]
        dest.parent.mkdir(parents=True, exist_ok=True)
        # Into dest itself when it is free; else beside it, and dest goes after the
        # check: removing an earlier restore's links would move the ctimes.
        busy = os.path.lexists(dest)
        target = dest.with_name(f".{dest.name}.restoring") if busy else dest
        remove_tree(target)
        known = {} if content else self.identities.read()
        try:
            found = self.place(self.env_dir, target, expected=manifest.contents, known=known)
        except BaseException:
            remove_tree(target)
            raise
        files = sum(1 for entry in manifest.contents.values() if entry[0] != "link")
        self.files_read = (found.read, files)
        if found.problems:
            remove_tree(dest)
            return _changed_files(found.problems)
        if target != dest:
            remove_tree(dest)
            target.rename(dest)
        self.identities.keep(found.identities, known)
        return []

    def check_env(self, manifest: Manifest) -> list[str]:
        """That env/ still holds what the manifest describes (after a build step that
        may have written through a hard link). Mode and mtime are not put back here:
        env/ shares its files with the slug; the next restore puts them back."""
        if not self.env_dir.is_dir():
            return ["the cached environment is missing"]
        known = self.identities.read()
        found = tree.walk(self.env_dir, expected=manifest.contents, known=known, heal=False)
        if not found.problems:
            self.identities.keep(found.identities, known)
        return _changed_files(found.problems)

    def discard(self) -> None:
        """Forget the environment (pip's cache and runtimes stay: they cannot lie)."""
        remove_tree(self.manifest_path)
        self.identities.remove()
        remove_tree(self.env_dir)

    def clear(self) -> None:
        """PYTHON_BUILD_CACHE=off: nothing of ours stays."""
        self.discard()
        for child in (self.runtimes_dir, self.pip_cache_dir, self.root / "wheels"):
            remove_tree(child)
        self.identities.forget_origin()

    def save(self, python_dir: Path, draft: Manifest) -> Manifest:
        """Publish python_dir as the cached environment, then its manifest with the
        contents of every file (read only where this build did not place the file
        from the cache itself)."""
        self.root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=self.root, prefix=".staging-"))
        new_env = staging / "env"
        try:
            new_env.mkdir()
            found = tree.walk(python_dir, link_to=new_env, copy=self.copying, known=self.placed)
            manifest = replace(draft, format=FORMAT, contents=found.contents)
            # Written whole before the old cache is touched: a full disk fails here,
            # and the last good cache stays.
            write_atomically(staging / "manifest.json", manifest.to_json())
        except BaseException:
            remove_tree(staging)
            raise
        # From here until the new manifest is in place there is no valid cache; it
        # takes renames and removals only, which need no space.
        remove_tree(self.manifest_path)
        fsync_dir(self.root)
        self.identities.remove()
        if self.env_dir.exists():
            os.replace(self.env_dir, staging / "old")
        os.replace(new_env, self.env_dir)
        os.replace(staging / "manifest.json", self.manifest_path)
        fsync_dir(self.root)
        self.identities.keep(found.placed, {})
        self.placed = found.identities
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
    changed = store.check_env(manifest)
    if changed:
        store.discard()
        output.warning(InstalledFilesChanged(changed))

"""The ways platforms keep CACHE_DIR between builds (`bench/run.py --cache`). Each one
but `in-place` adds to every run of every app an unchanged rebuild, after the cache
went through what the platform does to it (untimed; see Keeping):

    in-place   the same CACHE_DIR (a developer's machine, a build server): the app's
               own `unchanged` scenario
    tar        through `tar --format=gnu -cf`, removed, `tar -xf` (Heroku, CI caches:
               every file a new inode, mtimes to the second)
    cp-r       copied with `cp -r` and put back (mtimes lost)
    other-fs   on --other, another filesystem (a tmpfs here): copies instead of hard
               links (Dokku, herokuish)
    content    in place, with PYTHON_BUILD_CACHE_VERIFY=content (every file read)
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .harness import Build, Floor, Step

VERIFY = "PYTHON_BUILD_CACHE_VERIFY"


def gnu_tar(cache: Path) -> None:
    archive = cache.with_suffix(".tar")
    subprocess.run(
        ["tar", "--format=gnu", "-cf", str(archive), cache.name], cwd=cache.parent, check=True
    )
    shutil.rmtree(cache)
    subprocess.run(["tar", "-xf", str(archive)], cwd=cache.parent, check=True)
    archive.unlink()


def cp_r(cache: Path) -> None:
    copy = cache.with_name(cache.name + ".copy")
    subprocess.run(["cp", "-r", str(cache), str(copy)], check=True)
    shutil.rmtree(cache)
    copy.rename(cache)


@dataclass(frozen=True)
class Mode:
    name: str
    description: str
    keep: Callable[[Path], None] | None = None
    config: dict[str, str] = field(default_factory=dict)
    elsewhere: bool = False  # on --other

    @property
    def scenario(self) -> str:
        return (
            "unchanged" if self.name == "in-place" else f"unchanged_{self.name.replace('-', '_')}"
        )


MODES = {
    mode.name: mode
    for mode in (
        Mode("in-place", "unchanged rebuild, CACHE_DIR kept in place"),
        Mode("tar", "unchanged rebuild after a GNU tar round trip of CACHE_DIR", keep=gnu_tar),
        Mode("cp-r", "unchanged rebuild after `cp -r` of CACHE_DIR", keep=cp_r),
        Mode("other-fs", "unchanged rebuild, CACHE_DIR on another filesystem", elsewhere=True),
        Mode("content", f"unchanged rebuild with {VERIFY}=content", config={VERIFY: "content"}),
    )
}


def parse_modes(text: str) -> list[Mode]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    if unknown := [name for name in names if name not in MODES]:
        raise ValueError(f"unknown {', '.join(unknown)} (known: {', '.join(MODES)})")
    return [MODES[name] for name in names]


def same_filesystem(a: Path, b: Path) -> bool:
    return os.stat(a).st_dev == os.stat(b).st_dev


class Keeping:
    """The steps the chosen modes add to each run, and where their caches live.

    A round trip or the content check needs no cache of its own: on the cache the
    app's `unchanged` step just reused (and its floor measured), the mode's rebuild
    follows, and leaves the cache as trusted as before (the next build reads nothing
    again). Another filesystem does: in the first run its cache starts there as a
    copy of that cache (`cp -a`, new inodes as after a restore), settled by an untimed
    unchanged rebuild; then every run rebuilds it unchanged at the same point. (A
    cold build there would cost as much, and more with a tool to install.)"""

    def __init__(self, modes: list[Mode], parent: Path) -> None:
        self.modes = [mode for mode in modes if mode.name != "in-place"]
        self.parent = parent  # --other
        self.other: Path | None = None
        self.made = 0

    @contextlib.contextmanager
    def place(self) -> Iterator[None]:
        """For other-fs: a directory of the session's own on --other, removed at the end."""
        if not any(mode.elsewhere for mode in self.modes):
            yield
            return
        self.other = Path(tempfile.mkdtemp(dir=self.parent, prefix="bench-other-"))
        try:
            yield
        finally:
            shutil.rmtree(self.other, ignore_errors=True)

    def steps(self, steps: list[Step], run: int) -> list[Step]:
        """The app's steps of one run, with the modes' rebuilds added."""
        out = list(steps)
        found = [i for i, s in enumerate(out) if isinstance(s, Build) and s.scenario == "unchanged"]
        if not found or not self.modes:
            return out
        unchanged = out[found[0]]
        assert isinstance(unchanged, Build)
        after = found[0] + 1
        while after < len(out) and isinstance(out[after], Floor):
            after += 1
        added: list[Step] = []
        for mode in self.modes:
            cache = mode.name if mode.elsewhere else unchanged.cache
            if mode.elsewhere and run == 1:
                added.append(
                    Build("unchanged", "reused", timed=False, cache=cache, seed=unchanged.cache)
                )
            added.append(
                Build(mode.scenario, "reused", cache=cache, config=mode.config, keep=mode.keep)
            )
        out[after:after] = added
        return out

    def where(self, cache: str) -> Path | None:
        mode = MODES.get(cache)
        if mode is None or not mode.elsewhere:
            return None
        assert self.other is not None, "other-fs needs --other"
        self.made += 1
        return self.other / f"cache-{self.made}"

"""`$BUILDPACK_APP_DIR/.heroku/python`: the build's Python by its run-time path.

During compile that path is a symlink to BUILD_DIR/.heroku/python, so that
sys.prefix, shebangs and .pth paths are the ones the app will run with. On a CI
runner or build server several builds share one app dir (`/app`), and so that one
link: a second build that re-points it while the first is installing breaks the
first (its `bin/python3` vanishes), and pip could write into the other build's
environment. So a build claims the app dir first, with a lock on the directory that
holds the link (`$BUILDPACK_APP_DIR/.heroku`: a lock on the directory itself leaves
no file behind in the app dir), and keeps it until the last step that runs the
app's Python (post_compile).

Lock order: the app dir's lock first, then the cache's (cache/store.py); no code
waits for the app dir while holding a cache lock, so two builds cannot deadlock,
whether they share a CACHE_DIR or not.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from ..cache.files import remove_tree
from ..context import BuildContext
from ..output import Output


def lock_path(ctx: BuildContext) -> Path:
    """The app dir's `.heroku`, which holds the link (never in the slug: a build
    whose app dir is its build dir takes no lock)."""
    return ctx.runtime_python_dir.parent


def shares_build_dir(ctx: BuildContext) -> bool:
    """Whether the build runs in the app dir itself (`BUILD_DIR=/app`): then there
    is no link to make, and nothing to share."""
    return os.path.realpath(ctx.app_dir) == os.path.realpath(ctx.build_dir)


@contextlib.contextmanager
def claimed(ctx: BuildContext) -> Iterator[None]:
    """This build's own `$BUILDPACK_APP_DIR/.heroku/python` while the block runs."""
    if shares_build_dir(ctx):
        yield
        return
    link = ctx.runtime_python_dir
    link.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive(lock_path(ctx), ctx.output, f"using {link}"):
        _point(link, ctx.python_dir)
        yield


@contextlib.contextmanager
def _exclusive(path: Path, output: Output, what: str) -> Iterator[None]:
    # flock on the directory: released by the kernel when the process dies, so a
    # killed build never leaves the app dir locked, and it needs no file of its own.
    handle = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            output.step(f"Waiting for another build {what} to finish")
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # releases the lock


def _point(link: Path, target: Path) -> None:
    if link.is_symlink() or link.is_file():
        link.unlink()
    elif link.is_dir():
        remove_tree(link)
    link.symlink_to(target)

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
import os
from collections.abc import Iterator
from pathlib import Path

from ..cache.files import exclusive, remove_tree
from ..context import BuildContext


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
    # On the directory: no file of its own in the app dir.
    waiting = f"Waiting for another build using {link} to finish"
    with exclusive(lock_path(ctx), lambda: ctx.output.step(waiting)):
        _point(link, ctx.python_dir)
        yield


def _point(link: Path, target: Path) -> None:
    if link.is_symlink() or link.is_file():
        link.unlink()
    elif link.is_dir():
        remove_tree(link)
    link.symlink_to(target)

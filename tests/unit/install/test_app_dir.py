"""install/app_dir.py: one build at a time owns `$BUILDPACK_APP_DIR/.heroku/python`."""

from __future__ import annotations

import fcntl
import io
import os
import threading
import time
from pathlib import Path

from python_buildpack.install import app_dir
from python_buildpack.output import Output
from support.fakes import FakeRunner, make_context


def test_build_links_the_app_dir_to_its_own_python(tmp_path: Path) -> None:
    build_dir = tmp_path / "build"
    ctx = make_context(build_dir, FakeRunner(), app_dir=tmp_path / "app")
    stale = tmp_path / "app" / ".heroku" / "python"
    stale.mkdir(parents=True)  # left by an older build: a real directory
    with app_dir.claimed(ctx):
        assert stale.is_symlink()
        assert stale.readlink() == build_dir / ".heroku" / "python"
        assert app_dir.lock_path(ctx) == tmp_path / "app" / ".heroku"
    # The lock is the directory itself: nothing but the link is left in the app dir.
    assert [p.name for p in (tmp_path / "app" / ".heroku").iterdir()] == ["python"]


def test_second_build_waits_before_touching_the_link(tmp_path: Path) -> None:
    stream = io.StringIO()
    ctx = make_context(
        tmp_path / "build-b", FakeRunner(), app_dir=tmp_path / "app", output=Output(stream)
    )
    link = tmp_path / "app" / ".heroku" / "python"
    link.parent.mkdir(parents=True)
    link.symlink_to(tmp_path / "build-a" / ".heroku" / "python")
    entered = threading.Event()

    def second_build() -> None:
        with app_dir.claimed(ctx):
            entered.set()

    held = os.open(app_dir.lock_path(ctx), os.O_RDONLY | os.O_DIRECTORY)
    try:  # the first build holds it
        fcntl.flock(held, fcntl.LOCK_EX)
        thread = threading.Thread(target=second_build)
        thread.start()
        deadline = time.monotonic() + 10
        while "Waiting" not in stream.getvalue() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert stream.getvalue() == f"-----> Waiting for another build using {link} to finish\n"
        assert not entered.is_set()
        assert link.readlink() == tmp_path / "build-a" / ".heroku" / "python"
        fcntl.flock(held, fcntl.LOCK_UN)
        thread.join(timeout=10)
    finally:
        os.close(held)
    assert entered.is_set()
    assert link.readlink() == tmp_path / "build-b" / ".heroku" / "python"


def test_build_in_the_app_dir_itself_takes_no_lock_and_leaves_nothing(tmp_path: Path) -> None:
    ctx = make_context(tmp_path, FakeRunner(), app_dir=tmp_path)
    with app_dir.claimed(ctx):
        pass
    assert list(tmp_path.iterdir()) == []  # no lock file in the slug

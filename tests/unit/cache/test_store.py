"""CACHE_DIR/python: the manifest, why a cache cannot be used, restoring and saving
the environment, and builds taking turns on one cache."""

from __future__ import annotations

import errno
import fcntl
import io
import json
import os
import threading
import time
from pathlib import Path

import pytest

from python_buildpack.cache import FORMAT, CacheStore, Distribution, Manifest
from python_buildpack.output import Output

DISTS = (
    Distribution("six", "1.16.0", "archive sha256=abc", requested=True, direct=False),
    Distribution("mylib", "1.0", "dir file:///app/libs/mylib editable=True d1", True, True),
)


def manifest(**fingerprint: object) -> Manifest:
    return Manifest(FORMAT, {"python": "3.12.4", **fingerprint}, DISTS, {})


def python_dir(root: Path) -> Path:
    """A small installed environment."""
    for rel, text in {
        "bin/python3": "#!python\n",
        "lib/python3.12/site-packages/six.py": "x = 1\n",
        "lib/python3.12/site-packages/six-1.16.0.dist-info/RECORD": "six.py,,\n",
    }.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    os.symlink("python3", root / "bin" / "python")
    return root


def saved_store(tmp_path: Path) -> tuple[CacheStore, Manifest]:
    store = CacheStore(tmp_path / "cache" / "python")
    saved = store.save(python_dir(tmp_path / "build" / ".heroku" / "python"), manifest())
    return store, saved


# --- the manifest -------------------------------------------------------------------


def test_manifest_survives_a_json_round_trip() -> None:
    original = Manifest(
        FORMAT,
        {"python": "3.12.4", "entries": {"k": {"pin": "1.0"}}},
        DISTS,
        {"bin/python3": [10, 0o755, 456, "ab" * 32], "bin/python": ["link", "python3"]},
    )
    text = original.to_json()
    assert Manifest.from_json(text) == original
    assert json.loads(text)["format"] == FORMAT


def test_first_build_has_no_cache_and_no_reason(tmp_path: Path) -> None:
    assert CacheStore(tmp_path / "python").load_manifest() == (None, [])


def test_build_killed_while_saving_leaves_a_reason(tmp_path: Path) -> None:
    store = CacheStore(tmp_path / "python")
    store.env_dir.mkdir(parents=True)
    assert store.load_manifest() == (
        None,
        ["the previous build stopped before it finished saving the cache"],
    )


def store_with_manifest(tmp_path: Path, text: str) -> CacheStore:
    store = CacheStore(tmp_path / "python")
    store.root.mkdir(parents=True)
    store.manifest_path.write_text(text)
    return store


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{not json", "the cache manifest is corrupt (JSONDecodeError)"),
        ('{"fingerprint": {}}', "the cache manifest is corrupt (ValueError)"),
        ('{"format": "2"}', "the cache manifest is corrupt (ValueError)"),
        (
            json.dumps({"format": FORMAT, "fingerprint": {}}),
            "the cache manifest is corrupt (KeyError)",
        ),
        (
            json.dumps(
                {"format": FORMAT, "fingerprint": {}, "contents": {}, "distributions": [{"x": 1}]}
            ),
            "the cache manifest is corrupt (TypeError)",
        ),
    ],
)
def test_corrupt_manifest_is_discarded_with_the_kind_of_damage(
    tmp_path: Path, text: str, reason: str
) -> None:
    assert store_with_manifest(tmp_path, text).load_manifest() == (None, [reason])


def test_manifest_from_a_newer_buildpack_is_not_used(tmp_path: Path) -> None:
    store = store_with_manifest(tmp_path, json.dumps({"format": FORMAT + 1}))
    assert store.load_manifest() == (
        None,
        [f"the cache was written by a newer buildpack (format {FORMAT + 1})"],
    )


def test_manifest_in_an_older_format_is_not_used(tmp_path: Path) -> None:
    store = store_with_manifest(tmp_path, json.dumps({"format": 1, "env": "old"}))
    assert store.load_manifest() == (None, [f"the cache format changed (from 1 to {FORMAT})"])


def test_unreadable_manifest_says_why(tmp_path: Path) -> None:
    store = CacheStore(tmp_path / "python")
    store.manifest_path.mkdir(parents=True)
    found, reasons = store.load_manifest()
    assert found is None
    assert len(reasons) == 1
    assert reasons[0].startswith("the cache manifest could not be read (")
    assert "Is a directory" in reasons[0]


def test_manifest_written_as_bytes_that_are_not_utf8_is_unreadable(tmp_path: Path) -> None:
    store = CacheStore(tmp_path / "python")
    store.root.mkdir(parents=True)
    store.manifest_path.write_bytes(b'{"format": "\xff"}')
    _, reasons = store.load_manifest()
    assert [r.split(" (")[0] for r in reasons] == ["the cache manifest could not be read"]


# --- save and restore --------------------------------------------------------------


def test_saved_environment_is_restored_exactly(tmp_path: Path) -> None:
    store, saved = saved_store(tmp_path)
    assert store.load_manifest() == (saved, [])
    assert saved.fingerprint == {"python": "3.12.4"}
    assert saved.distributions == DISTS
    assert set(saved.contents) == {
        "bin/python3",
        "bin/python",
        "lib/python3.12/site-packages/six.py",
        "lib/python3.12/site-packages/six-1.16.0.dist-info/RECORD",
    }
    dest = tmp_path / "next-build" / ".heroku" / "python"
    assert store.restore(dest, saved) == []
    assert (dest / "lib/python3.12/site-packages/six.py").read_text() == "x = 1\n"
    assert os.readlink(dest / "bin" / "python") == "python3"


def test_saving_leaves_no_staging_dirs_and_replaces_the_old_env(tmp_path: Path) -> None:
    store, _ = saved_store(tmp_path)
    second = python_dir(tmp_path / "build2" / ".heroku" / "python")
    (second / "bin" / "python3").write_text("#!python2\n")
    (second / "lib/python3.12/site-packages/six.py").unlink()
    saved = store.save(second, manifest(python="3.13.0"))
    names = sorted(p.name for p in store.root.iterdir())
    assert names == ["env", "identities.json", "manifest.json", "origin"]
    assert not (store.env_dir / "lib/python3.12/site-packages/six.py").exists()
    assert (store.env_dir / "bin" / "python3").read_text() == "#!python2\n"
    assert store.load_manifest() == (saved, [])
    assert saved.fingerprint["python"] == "3.13.0"


def test_cached_file_changed_since_saving_is_not_restored(tmp_path: Path) -> None:
    store, saved = saved_store(tmp_path)
    (store.env_dir / "lib/python3.12/site-packages/six.py").write_text("tampered = True\n")
    dest = tmp_path / "next-build" / ".heroku" / "python"
    assert store.restore(dest, saved) == [
        "a file in the cached environment changed since it was saved:"
        " lib/python3.12/site-packages/six.py has different content than when it was saved"
    ]
    assert not dest.exists()


def test_restore_replaces_whatever_was_at_the_destination(tmp_path: Path) -> None:
    store, saved = saved_store(tmp_path)
    dest = tmp_path / "next-build" / ".heroku" / "python"
    (dest / "junk").mkdir(parents=True)
    assert store.restore(dest, saved) == []
    assert not (dest / "junk").exists()


def test_missing_cached_environment_is_a_reason(tmp_path: Path) -> None:
    store, saved = saved_store(tmp_path)
    store.discard()
    assert store.restore(tmp_path / "dest", saved) == ["the cached environment is missing"]
    assert store.check_env(saved) == ["the cached environment is missing"]


def test_hook_writing_through_a_hard_link_is_caught_after_the_build(tmp_path: Path) -> None:
    store, saved = saved_store(tmp_path)
    built = tmp_path / "build" / ".heroku" / "python"
    assert store.check_env(saved) == []
    with (built / "bin" / "python3").open("a") as handle:  # same inode as the cache's copy
        handle.write("# patched by a hook\n")
    assert store.check_env(saved) == [
        "a file in the cached environment changed since it was saved:"
        " bin/python3 has different content than when it was saved"
    ]


def test_discard_keeps_pip_cache_and_runtimes_but_clear_removes_them(tmp_path: Path) -> None:
    store, _ = saved_store(tmp_path)
    store.pip_cache_dir.mkdir()
    store.runtimes_dir.mkdir()
    store.discard()
    assert sorted(p.name for p in store.root.iterdir()) == ["origin", "pip", "runtimes"]
    store.clear()
    assert list(store.root.iterdir()) == []


# --- taking turns ---------------------------------------------------------------------


def test_lock_removes_staging_dirs_of_a_killed_build(tmp_path: Path) -> None:
    store, _ = saved_store(tmp_path)
    (store.root / ".staging-abc123" / "env").mkdir(parents=True)
    with store.locked(Output(io.StringIO())):
        assert not (store.root / ".staging-abc123").exists()
        assert store.env_dir.is_dir()


def test_second_build_waits_for_the_lock_and_says_so(tmp_path: Path) -> None:
    store = CacheStore(tmp_path / "python")
    store.root.mkdir(parents=True)
    log = io.StringIO()
    entered = threading.Event()

    def build() -> None:
        with store.locked(Output(log)):
            entered.set()

    with (store.root / "lock").open("a") as other_build:
        fcntl.flock(other_build, fcntl.LOCK_EX)
        waiting = threading.Thread(target=build)
        waiting.start()
        deadline = time.monotonic() + 5
        while "Waiting" not in log.getvalue() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not entered.is_set()
        fcntl.flock(other_build, fcntl.LOCK_UN)
    waiting.join(timeout=5)
    assert entered.is_set()
    assert log.getvalue() == "-----> Waiting for another build that is using this cache\n"


def test_uncontended_lock_is_silent(tmp_path: Path) -> None:
    log = io.StringIO()
    with CacheStore(tmp_path / "python").locked(Output(log)):
        pass
    assert log.getvalue() == ""


@pytest.mark.parametrize("fails", ["copying the environment", "writing the manifest"])
def test_save_on_a_full_disk_keeps_the_last_good_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fails: str
) -> None:
    store, saved = saved_store(tmp_path)
    second = python_dir(tmp_path / "build2" / ".heroku" / "python")
    (second / "bin" / "python3").write_text("#!python2\n")

    def no_space(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    if fails == "copying the environment":
        monkeypatch.setattr(os, "link", no_space)
    else:
        monkeypatch.setattr("python_buildpack.cache.store.write_atomically", no_space)
    with pytest.raises(OSError, match="No space left"):
        store.save(second, manifest(python="3.13.0"))
    monkeypatch.undo()
    assert store.load_manifest() == (saved, [])
    assert not list(store.root.glob(".staging-*"))
    dest = tmp_path / "next-build" / ".heroku" / "python"
    assert store.restore(dest, saved) == []
    assert (dest / "bin" / "python3").read_text() == "#!python\n"

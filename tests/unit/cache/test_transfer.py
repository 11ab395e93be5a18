"""The cache and the build on two filesystems (copies instead of hard links), and
what the restore check trusts (PYTHON_BUILD_CACHE_VERIFY=content reads every file).

EXDEV is simulated by making os.link fail; the integration tests put the cache on
a real second filesystem (/dev/shm)."""

from __future__ import annotations

import errno
import io
import json
import os
from pathlib import Path

import pytest

from python_buildpack.cache import FORMAT, CacheStore, Manifest, tree
from python_buildpack.cache.identities import verify_content
from python_buildpack.cache.store import check_after_hooks
from python_buildpack.config import check_config_vars
from python_buildpack.errors import UnknownConfigValue
from python_buildpack.output import Output
from support.cache_checks import tamper_keeping_size_and_mtime

SIX = "lib/python3.12/site-packages/six.py"


def python_dir(root: Path) -> Path:
    for rel, text in {
        "bin/python3": "#!python\n",
        SIX: "x = 1\n",
        "lib/python3.12/site-packages/six-1.16.0.dist-info/RECORD": "six.py,,\n",
    }.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (root / "bin" / "python3").chmod(0o755)
    os.utime(root / SIX, ns=(1_000_000_000, 1_500_000_000))
    os.symlink("python3", root / "bin" / "python")
    return root


def draft() -> Manifest:
    return Manifest(FORMAT, {"python": "3.12.4"}, (), {})


@pytest.fixture
def no_hard_links(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every os.link fails as it does across filesystems; returns the attempts."""
    attempts: list[str] = []

    def link(src: str, dst: str, *args: object, **kwargs: object) -> None:
        attempts.append(str(dst))
        raise OSError(errno.EXDEV, os.strerror(errno.EXDEV), src, None, dst)

    monkeypatch.setattr(os, "link", link)
    return attempts


# --- which mode ---------------------------------------------------------------------


def test_cache_and_build_on_one_filesystem_use_hard_links(tmp_path: Path) -> None:
    store = CacheStore(tmp_path / "cache" / "python")
    (tmp_path / "build").mkdir()
    assert store.choose_transfer(tmp_path / "build") is False
    assert not store.copying
    assert sorted(os.listdir(store.root)) == [] and os.listdir(tmp_path / "build") == []


def test_links_failing_with_exdev_make_the_cache_copy(
    tmp_path: Path, no_hard_links: list[str]
) -> None:
    store = CacheStore(tmp_path / "cache" / "python")
    (tmp_path / "build").mkdir()
    assert store.choose_transfer(tmp_path / "build") is True
    assert len(no_hard_links) == 1, "decided by one probe, before anything is moved"
    assert sorted(os.listdir(store.root)) == [] and os.listdir(tmp_path / "build") == []


# --- copy mode: save, restore and its check ------------------------------------------


def copying_store(tmp_path: Path) -> tuple[CacheStore, Manifest, Path]:
    built = python_dir(tmp_path / "build" / ".heroku" / "python")
    store = CacheStore(tmp_path / "cache" / "python")
    assert store.choose_transfer(tmp_path / "build")
    return store, store.save(built, draft()), built


def test_copy_mode_saves_and_restores_with_mtime_and_mode_and_checks_the_cache(
    tmp_path: Path, no_hard_links: list[str]
) -> None:
    store, saved, built = copying_store(tmp_path)
    cached = store.env_dir / SIX
    assert cached.stat().st_ino != (built / SIX).stat().st_ino
    identities = json.loads(store.identities.path.read_text())["files"]
    assert identities[SIX][0] == cached.stat().st_ino  # the cache's own inode

    dest = tmp_path / "next" / ".heroku" / "python"
    assert store.restore(dest, saved) == []
    for rel in (SIX, "bin/python3"):
        copy, original = (dest / rel).stat(), (store.env_dir / rel).stat()
        assert copy.st_ino != original.st_ino
        assert (copy.st_mtime_ns, copy.st_mode, copy.st_size) == (
            original.st_mtime_ns, original.st_mode, original.st_size
        )
    assert (dest / SIX).read_text() == "x = 1\n"
    assert os.readlink(dest / "bin" / "python") == "python3"

    # A restore in copy mode still sees a changed cache (its own files, not the copy).
    (store.env_dir / SIX).write_text("tampered = True\n")
    assert store.restore(dest, saved) == [
        "a file in the cached environment changed since it was saved:"
        f" {SIX} has different content than when it was saved"
    ]
    assert not dest.exists()


def test_a_hook_writing_into_a_copied_file_cannot_reach_the_cache(
    tmp_path: Path, no_hard_links: list[str]
) -> None:
    store, saved, built = copying_store(tmp_path)
    (built / SIX).write_text("written by a hook\n")
    assert store.check_env(saved) == []
    out = io.StringIO()
    check_after_hooks(store, saved, Output(out))
    assert out.getvalue() == ""
    assert store.load_manifest() == (saved, [])


def test_exdev_in_the_middle_of_a_tree_copies_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = python_dir(tmp_path / "src")
    real_link = os.link
    calls: list[str] = []

    def link_once(a: str, b: str) -> None:
        calls.append(b)
        if len(calls) > 1:
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        real_link(a, b)

    monkeypatch.setattr(os, "link", link_once)
    (tmp_path / "dst").mkdir()
    taken = tree.walk(src, link_to=tmp_path / "dst")
    assert len(calls) == 2, "after one EXDEV, no more attempts"
    assert taken.contents == tree.walk(src).contents
    for rel in (SIX, "bin/python3", "lib/python3.12/site-packages/six-1.16.0.dist-info/RECORD"):
        assert (tmp_path / "dst" / rel).read_bytes() == (src / rel).read_bytes()


def test_other_link_errors_are_not_taken_for_another_filesystem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_space(a: str, b: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "link", no_space)
    (tmp_path / "dst").mkdir()
    with pytest.raises(OSError, match="No space"):
        tree.walk(python_dir(tmp_path / "src"), link_to=tmp_path / "dst")


# --- what the restore check trusts ----------------------------------------------------


@pytest.mark.parametrize("copying", [False, True])
def test_change_keeping_size_and_mtime_is_caught_by_the_default_check(
    tmp_path: Path, copying: bool
) -> None:
    built = python_dir(tmp_path / "build")
    store = CacheStore(tmp_path / "cache")
    store.copying = copying
    saved = store.save(built, draft())
    dest = tmp_path / "dest"
    assert store.restore(dest, saved) == []
    tamper_keeping_size_and_mtime(store.env_dir / SIX)
    assert store.restore(dest, saved) == [
        "a file in the cached environment changed since it was saved:"
        f" {SIX} has different content than when it was saved"
    ]
    assert not dest.exists()


def forge_identities(store: CacheStore) -> None:
    """What a tool that rewrites identities.json could do: vouch for every file as it
    stands now (the default check then takes them as read)."""
    record = json.loads(store.identities.path.read_text())
    for rel, entry in record["files"].items():
        st = os.lstat(store.env_dir / rel)
        entry[:5] = [st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_nlink]
    store.identities.path.write_text(json.dumps(record))


def test_content_check_reads_every_file_whatever_identities_json_says(tmp_path: Path) -> None:
    store = CacheStore(tmp_path / "cache")
    saved = store.save(python_dir(tmp_path / "build"), draft())
    tamper_keeping_size_and_mtime(store.env_dir / SIX)
    forge_identities(store)
    assert store.restore(tmp_path / "dest", saved) == [], "identities.json is trusted"
    assert store.restore(tmp_path / "dest", saved, content=True) == [
        "a file in the cached environment changed since it was saved:"
        f" {SIX} has different content than when it was saved"
    ]


def test_lost_or_damaged_identities_cost_a_read_not_the_cache(tmp_path: Path) -> None:
    store = CacheStore(tmp_path / "cache")
    saved = store.save(python_dir(tmp_path / "build"), draft())
    store.identities.path.write_text("{not json")
    assert store.restore(tmp_path / "dest", saved) == []
    assert json.loads(store.identities.path.read_text())["files"].keys() == {
        SIX, "bin/python3", "lib/python3.12/site-packages/six-1.16.0.dist-info/RECORD"
    }
    store.identities.path.unlink()
    assert store.restore(tmp_path / "dest", saved) == []


def test_discard_removes_the_identities(tmp_path: Path) -> None:
    store = CacheStore(tmp_path / "cache")
    store.save(python_dir(tmp_path / "build"), draft())
    assert store.identities.path.is_file()
    store.discard()
    assert not store.identities.path.exists()


def test_cache_verify_config_var(tmp_path: Path) -> None:
    assert verify_content({"PYTHON_BUILD_CACHE_VERIFY": " Content\n"})
    assert not verify_content({"PYTHON_BUILD_CACHE_VERIFY": "metadata"})
    assert not verify_content({})
    check_config_vars({"PYTHON_BUILD_CACHE_VERIFY": "metadata"})
    with pytest.raises(UnknownConfigValue) as raised:
        check_config_vars({"PYTHON_BUILD_CACHE_VERIFY": "contents"})
    assert "metadata, content" in raised.value.body()


def test_identities_taken_before_the_cache_was_archived_are_not_trusted(tmp_path: Path) -> None:
    """After rm and an extraction, the new files may get the inode numbers the old
    ones had, with the same size and a whole-second mtime: identities taken before
    the round trip vouch for nothing, and every file is read once."""
    store = CacheStore(tmp_path / "cache" / "python")
    saved = store.save(python_dir(tmp_path / "build"), draft())
    assert store.restore(tmp_path / "dest", saved) == []
    assert store.files_read == (0, 3)  # files; the symlink is not read
    record = store.identities.path.read_text()
    os.unlink(store.identities.origin_path)  # what an extraction makes: a new file
    store.identities.origin_path.write_bytes(b"")
    store.identities.path.write_text(record)
    assert store.restore(tmp_path / "dest2", saved) == []
    assert store.files_read == (3, 3)

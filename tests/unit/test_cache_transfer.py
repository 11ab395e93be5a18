"""The cache and the build on two filesystems (copies instead of hard links), and
the content check (PYTHON_BUILD_CACHE_VERIFY=content).

EXDEV is simulated by making os.link fail; the integration tests put the cache on
a real second filesystem (/dev/shm)."""

from __future__ import annotations

import errno
import io
import os
from pathlib import Path

import pytest

from python_buildpack.cache import FORMAT, CacheStore, Manifest, tree
from python_buildpack.cache.store import check_after_hooks, verify_content
from python_buildpack.config import check_config_vars
from python_buildpack.errors import UnknownConfigValue
from python_buildpack.output import Output

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


def tamper_keeping_size_and_mtime(path: Path) -> None:
    st = path.stat()
    with path.open("r+b") as handle:
        handle.write(b"y")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


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
    assert saved.snapshot[SIX][2] == cached.stat().st_ino  # the cache's own inode

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
        f"a file in the cached environment changed since it was saved: {SIX} was modified"
    ]
    assert not dest.exists()


def test_a_hook_writing_into_a_copied_file_cannot_reach_the_cache(
    tmp_path: Path, no_hard_links: list[str]
) -> None:
    store, saved, built = copying_store(tmp_path)
    (built / SIX).write_text("written by a hook\n")
    assert store.verify_env(saved) == []
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
    taken = tree.link_tree(src, tmp_path / "dst")
    assert len(calls) == 2, "after one EXDEV, no more attempts"
    assert taken == tree.snapshot(src)
    for rel in (SIX, "bin/python3", "lib/python3.12/site-packages/six-1.16.0.dist-info/RECORD"):
        assert (tmp_path / "dst" / rel).read_bytes() == (src / rel).read_bytes()


def test_other_link_errors_are_not_taken_for_another_filesystem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_space(a: str, b: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "link", no_space)
    with pytest.raises(OSError, match="No space"):
        tree.link_tree(python_dir(tmp_path / "src"), tmp_path / "dst")


# --- what the restore check trusts ----------------------------------------------------


def test_change_keeping_size_and_mtime_passes_the_default_check(tmp_path: Path) -> None:
    """Documented in the README: the default check reads metadata, not content."""
    built = python_dir(tmp_path / "build")
    store = CacheStore(tmp_path / "cache")
    saved = store.save(built, draft(), hashes=True)
    tamper_keeping_size_and_mtime(store.env_dir / SIX)
    assert store.restore(tmp_path / "dest", saved) == []
    assert (tmp_path / "dest" / SIX).read_text() == "y = 1\n"


@pytest.mark.parametrize("copying", [False, True])
def test_content_check_finds_a_change_keeping_size_and_mtime(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, copying: bool
) -> None:
    built = python_dir(tmp_path / "build")
    store = CacheStore(tmp_path / "cache")
    store.copying = copying
    saved = store.save(built, draft(), hashes=True)
    dest = tmp_path / "dest"
    assert store.restore(dest, saved, content=True) == []
    tamper_keeping_size_and_mtime(store.env_dir / SIX)
    assert store.restore(dest, saved, content=True) == [
        "a file in the cached environment changed since it was saved:"
        f" {SIX} has different content than when it was saved"
    ]
    assert not dest.exists()


def test_content_check_of_a_cache_saved_without_hashes_is_a_reason(tmp_path: Path) -> None:
    store = CacheStore(tmp_path / "cache")
    saved = store.save(python_dir(tmp_path / "build"), draft())
    assert not store.hashes_path.exists()
    assert store.restore(tmp_path / "dest", saved, content=True) == [
        "no content hashes were saved with the cache (PYTHON_BUILD_CACHE_VERIFY=content)"
    ]


def test_hashes_of_an_older_env_are_not_taken_for_this_one(tmp_path: Path) -> None:
    store = CacheStore(tmp_path / "cache")
    store.save(python_dir(tmp_path / "build"), draft(), hashes=True)
    old_hashes = store.hashes_path.read_text()
    second = python_dir(tmp_path / "build2")
    (second / SIX).write_text("x = 2\n")
    saved = store.save(second, draft())
    assert not store.hashes_path.exists(), "a save without hashes removes the old ones"
    store.hashes_path.write_text(old_hashes)
    assert store.restore(tmp_path / "dest", saved, content=True) == [
        "the content hashes saved with the cache are not those of its environment"
    ]


def test_discard_removes_the_hashes(tmp_path: Path) -> None:
    store = CacheStore(tmp_path / "cache")
    store.save(python_dir(tmp_path / "build"), draft(), hashes=True)
    assert store.hashes_path.is_file()
    store.discard()
    assert not store.hashes_path.exists()


def test_cache_verify_config_var(tmp_path: Path) -> None:
    assert verify_content({"PYTHON_BUILD_CACHE_VERIFY": " Content\n"})
    assert not verify_content({"PYTHON_BUILD_CACHE_VERIFY": "metadata"})
    assert not verify_content({})
    check_config_vars({"PYTHON_BUILD_CACHE_VERIFY": "metadata"})
    with pytest.raises(UnknownConfigValue) as raised:
        check_config_vars({"PYTHON_BUILD_CACHE_VERIFY": "contents"})
    assert "metadata, content" in raised.value.body()

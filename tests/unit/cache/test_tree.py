"""A tree by content (cache/tree.py): what a walk reads, what it catches, what it
puts back, and the copy it makes on the way."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from python_buildpack.cache import tree
from support.cache_checks import tamper_keeping_size_and_mtime


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def small_tree(root: Path) -> Path:
    write(root / "lib" / "pkg" / "mod.py", "x = 1\n").chmod(0o644)
    script = write(root / "bin" / "run", "#!/bin/sh\n")
    script.chmod(0o755)
    os.utime(root / "lib" / "pkg" / "mod.py", ns=(1_000_000_000, 1_500_000_123))
    os.symlink("run", root / "bin" / "alias")
    return root


def test_contents_name_every_file_by_size_mode_mtime_and_sha256(tmp_path: Path) -> None:
    root = small_tree(tmp_path / "env")
    found = tree.walk(root)
    assert found.contents["bin/alias"] == ["link", "run"]
    sha = hashlib.sha256(b"x = 1\n").hexdigest()
    assert found.contents["lib/pkg/mod.py"] == [6, 0o644, 1_500_000_123, sha]
    assert found.read == 2


def test_files_whose_identity_did_not_change_are_not_read_again(tmp_path: Path) -> None:
    root = small_tree(tmp_path / "env")
    first = tree.walk(root)
    again = tree.walk(root, expected=first.contents, known=first.identities)
    assert again.problems == [] and again.read == 0
    assert again.contents == first.contents


def test_write_through_a_hard_link_is_read_again_and_caught(tmp_path: Path) -> None:
    root = small_tree(tmp_path / "env")
    first = tree.walk(root)
    os.link(root / "lib" / "pkg" / "mod.py", tmp_path / "other-name.py")
    with (tmp_path / "other-name.py").open("a") as handle:
        handle.write("y = 2\n")
    again = tree.walk(root, expected=first.contents, known=first.identities)
    assert again.problems == ["lib/pkg/mod.py has different content than when it was saved"]


def test_change_keeping_size_and_mtime_is_caught_in_place(tmp_path: Path) -> None:
    root = small_tree(tmp_path / "env")
    first = tree.walk(root)
    tamper_keeping_size_and_mtime(root / "lib" / "pkg" / "mod.py")
    again = tree.walk(root, expected=first.contents, known=first.identities)
    assert again.problems == ["lib/pkg/mod.py has different content than when it was saved"]
    assert again.read == 1, "only the file whose identity changed is read"


def test_copy_that_lost_every_mtime_is_the_same_tree_and_gets_its_mtimes_back(
    tmp_path: Path,
) -> None:
    root = small_tree(tmp_path / "env")
    first = tree.walk(root)
    copy = tmp_path / "copy"
    shutil.copytree(root, copy, symlinks=True, copy_function=shutil.copyfile)  # cp -r
    assert (copy / "lib" / "pkg" / "mod.py").stat().st_mtime_ns != 1_500_000_123
    (copy / "bin" / "run").chmod(0o700)  # a zip from another umask
    again = tree.walk(copy, expected=first.contents, known=first.identities)
    assert again.problems == []
    assert again.read == 2, "other inodes: every file is read once"
    assert (copy / "lib" / "pkg" / "mod.py").stat().st_mtime_ns == 1_500_000_123
    assert (copy / "bin" / "run").stat().st_mode & 0o777 == 0o755
    third = tree.walk(copy, expected=first.contents, known=again.identities)
    assert third.problems == [] and third.read == 0, "not paid twice"


def test_copy_with_other_content_is_caught_though_its_mtime_was_kept(tmp_path: Path) -> None:
    root = small_tree(tmp_path / "env")
    first = tree.walk(root)
    copy = tmp_path / "copy"
    shutil.copytree(root, copy, symlinks=True)  # cp -a
    tamper_keeping_size_and_mtime(copy / "lib" / "pkg" / "mod.py")
    again = tree.walk(copy, expected=first.contents, known=first.identities)
    assert again.problems == ["lib/pkg/mod.py has different content than when it was saved"]


def test_without_healing_a_changed_mode_is_left_as_it_is(tmp_path: Path) -> None:
    root = small_tree(tmp_path / "env")
    first = tree.walk(root)
    (root / "bin" / "run").chmod(0o700)
    again = tree.walk(root, expected=first.contents, known=first.identities, heal=False)
    assert again.problems == []
    assert (root / "bin" / "run").stat().st_mode & 0o777 == 0o700


def test_removed_added_and_relinked_files_are_named_up_to_the_limit(tmp_path: Path) -> None:
    root = small_tree(tmp_path / "env")
    first = tree.walk(root)
    (root / "lib" / "pkg" / "mod.py").unlink()
    write(root / "lib" / "pkg" / "new.py", "")
    (root / "bin" / "alias").unlink()
    os.symlink("elsewhere", root / "bin" / "alias")
    again = tree.walk(root, expected=first.contents, known=first.identities)
    assert sorted(again.problems) == [
        "bin/alias has different content than when it was saved",
        "lib/pkg/mod.py was removed",
        "lib/pkg/new.py was added",
    ]
    many = tree.walk(root, expected={}, limit=2)
    assert len(many.problems) == 2


def test_walk_with_link_to_copies_by_hard_links_and_recreates_symlinks(tmp_path: Path) -> None:
    src = small_tree(tmp_path / "src")
    (src / "empty").mkdir()
    dst = tmp_path / "dst"
    dst.mkdir()
    found = tree.walk(src, link_to=dst)
    module = src / "lib" / "pkg" / "mod.py"
    assert (dst / "lib" / "pkg" / "mod.py").stat().st_ino == module.stat().st_ino
    assert os.readlink(dst / "bin" / "alias") == "run"
    assert (dst / "empty").is_dir()
    assert tree.walk(dst).contents == found.contents
    # The link moved the file's ctime: the identity recorded is the one after it.
    assert found.identities["lib/pkg/mod.py"][3] == module.stat().st_ctime_ns
    assert found.placed == found.identities


def test_a_problem_stops_the_copy(tmp_path: Path) -> None:
    src = small_tree(tmp_path / "src")
    first = tree.walk(src)
    tamper_keeping_size_and_mtime(src / "lib" / "pkg" / "mod.py")
    dst = tmp_path / "dst"
    dst.mkdir()
    found = tree.walk(src, link_to=dst, expected=first.contents, known=first.identities)
    assert found.problems
    assert not (dst / "lib" / "pkg" / "mod.py").exists()


def test_a_deleted_hard_link_does_not_make_a_file_read_again(tmp_path: Path) -> None:
    """A previous build dir, whose files were hard links to the cache's, deleted
    between builds: the link count and the ctime changed, nothing else."""
    root = small_tree(tmp_path / "env")
    build = tmp_path / "build"
    build.mkdir()
    first = tree.walk(root, link_to=build)
    shutil.rmtree(build)
    module = root / "lib" / "pkg" / "mod.py"
    assert module.stat().st_ctime_ns != first.identities["lib/pkg/mod.py"][3]
    again = tree.walk(root, expected=first.contents, known=first.identities)
    assert again.problems == [] and again.read == 0


def test_a_change_hidden_behind_a_new_hard_link_is_still_caught(tmp_path: Path) -> None:
    """The build links cached files into new places after recording them (a runtime
    into the saved environment): a link count that went up excuses no ctime."""
    root = small_tree(tmp_path / "env")
    first = tree.walk(root)
    module = root / "lib" / "pkg" / "mod.py"
    tamper_keeping_size_and_mtime(module)
    os.link(module, tmp_path / "another-link.py")
    again = tree.walk(root, expected=first.contents, known=first.identities)
    assert again.problems == ["lib/pkg/mod.py has different content than when it was saved"]

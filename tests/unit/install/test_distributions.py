"""The installed environment as files: what is installed, leftovers of an
uninstall, and pointing build paths at the app dir."""

from __future__ import annotations

import base64
import csv
import hashlib
import os
import zipfile
from pathlib import Path

from python_buildpack.install import distributions as environment
from support.wheels import build_wheel


def install(site: Path, name: str, version: str, **kwargs: object) -> Path:
    """Unpack a tiny wheel into site, as pip would (RECORD included)."""
    wheel = build_wheel(site.parent / "wheels", name, version, **kwargs)  # type: ignore[arg-type]
    site.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    return site


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def record_rows(record: Path) -> dict[str, list[str]]:
    with record.open(encoding="utf-8", newline="") as handle:
        return {row[0]: row[1:] for row in csv.reader(handle) if row}


def record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


# --- what is installed --------------------------------------------------------------


def test_installed_packages_are_listed_by_canonical_name(tmp_path: Path) -> None:
    site = install(tmp_path / "site", "Zope.Interface", "6.0")
    install(site, "typing_extensions", "4.9.0")
    (site / "broken-1.0.dist-info").mkdir()  # no METADATA: not an installed package
    assert environment.installed_distributions(site) == {
        "zope-interface": "6.0",
        "typing-extensions": "4.9.0",
    }


def test_missing_site_packages_has_nothing_installed(tmp_path: Path) -> None:
    assert environment.installed_distributions(tmp_path / "nope") == {}


# --- leftovers of an uninstall ----------------------------------------------------


def test_clean_install_has_no_unowned_or_missing_files(tmp_path: Path) -> None:
    site = install(tmp_path / "site", "requests", "2.31.0")
    assert environment.unowned_or_missing(site) == []


def test_file_left_behind_by_an_uninstall_is_reported(tmp_path: Path) -> None:
    site = install(tmp_path / "site", "requests", "2.31.0")
    write(site / "requests" / "leftover.py", "")
    write(site / "stray.py", "")  # top-level files (e.g. a .pth) are not checked
    assert environment.unowned_or_missing(site) == [
        "requests/leftover.py belongs to no installed package"
    ]


def test_file_removed_by_another_packages_uninstall_is_reported(tmp_path: Path) -> None:
    site = install(tmp_path / "site", "requests", "2.31.0")
    (site / "requests" / "__init__.py").unlink()
    assert environment.unowned_or_missing(site) == [
        "requests/__init__.py is missing though a package lists it"
    ]


def test_unowned_or_missing_reports_only_the_first_few(tmp_path: Path) -> None:
    site = install(tmp_path / "site", "requests", "2.31.0")
    for i in range(7):
        write(site / "requests" / f"old{i}.py", "")
    found = environment.unowned_or_missing(site, limit=5)
    assert found == [f"requests/old{i}.py belongs to no installed package" for i in range(5)]


def test_pruning_removes_dirs_an_uninstall_left_empty(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "gone" / "sub" / "deeper").mkdir(parents=True)
    write(site / "kept" / "mod.py", "")
    (site / "kept" / "empty").mkdir()
    environment.prune_empty_dirs(site)
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*")) == [
        "kept",
        "kept/mod.py",
    ]


# --- build paths -> app paths -------------------------------------------------------


def local_install(tmp_path: Path) -> tuple[Path, Path, Path]:
    """An install from a local directory: direct_url.json and an editable .pth
    name the build dir."""
    build_dir = tmp_path / "build_abc"
    site = install(
        tmp_path / "site",
        "mylib",
        "1.0",
        files={
            "mylib.pth": f"{build_dir}/src\n",
            "mylib-1.0.dist-info/direct_url.json": (
                f'{{"url": "file://{build_dir}/libs/mylib", "dir_info": {{"editable": true}}}}'
            ),
        },
    )
    return site, build_dir, Path("/app")


def test_local_install_paths_point_at_the_app_dir(tmp_path: Path) -> None:
    site, build_dir, app_dir = local_install(tmp_path)
    changed = environment.relocate_build_paths(site, build_dir, app_dir)
    assert sorted(p.name for p in changed) == ["direct_url.json", "mylib.pth"]
    assert (site / "mylib.pth").read_text() == "/app/src\n"
    direct_url = (site / "mylib-1.0.dist-info" / "direct_url.json").read_text()
    assert '"url": "file:///app/libs/mylib"' in direct_url
    assert str(build_dir) not in direct_url


def test_record_of_a_relocated_file_matches_its_new_content(tmp_path: Path) -> None:
    site, build_dir, app_dir = local_install(tmp_path)
    environment.relocate_build_paths(site, build_dir, app_dir)
    rows = record_rows(site / "mylib-1.0.dist-info" / "RECORD")
    for rel in ("mylib.pth", "mylib-1.0.dist-info/direct_url.json"):
        data = (site / rel).read_bytes()
        assert rows[rel] == [record_hash(data), str(len(data))]
    assert rows["mylib-1.0.dist-info/RECORD"] == ["", ""]
    assert environment.unowned_or_missing(site) == []


def test_relocation_never_writes_through_a_hard_link_into_the_cache(tmp_path: Path) -> None:
    site, build_dir, app_dir = local_install(tmp_path)
    cached = tmp_path / "cached.pth"
    os.link(site / "mylib.pth", cached)
    environment.relocate_build_paths(site, build_dir, app_dir)
    assert cached.read_text() == f"{build_dir}/src\n"
    assert (site / "mylib.pth").read_text() == "/app/src\n"


def test_path_that_only_starts_like_the_build_dir_is_left_alone(tmp_path: Path) -> None:
    build_dir = tmp_path / "build_abc"
    site = install(tmp_path / "site", "other", "1.0", files={"other.pth": f"{build_dir}2/src\n"})
    record = site / "other-1.0.dist-info" / "RECORD"
    before = record.read_bytes()
    assert environment.relocate_build_paths(site, build_dir, Path("/app")) == []
    assert (site / "other.pth").read_text() == f"{build_dir}2/src\n"
    assert record.read_bytes() == before


def test_token_in_a_direct_url_is_put_back_as_its_var(tmp_path: Path) -> None:
    token = "fury_9Hs2Kd8Lq1Wm3Nz7Xc5Vb4"
    url = f"https://pkgs.example/{token}/files/secretpkg-1.0-py3-none-any.whl"
    site = install(
        tmp_path / "site",
        "secretpkg",
        "1.0",
        files={
            "secretpkg.pth": f"/srv/{token}\n",  # not a URL pip recorded: left alone
            "secretpkg-1.0.dist-info/direct_url.json": f'{{"url": "{url}", "archive_info": {{}}}}',
        },
    )
    changed = environment.relocate_build_paths(
        site, tmp_path / "build", Path("/app"), lambda text: text.replace(token, "${FURY_TOKEN}")
    )
    direct_url = site / "secretpkg-1.0.dist-info" / "direct_url.json"
    assert changed == [direct_url]
    assert token not in direct_url.read_text()
    assert "/${FURY_TOKEN}/files/" in direct_url.read_text()
    rows = record_rows(site / "secretpkg-1.0.dist-info" / "RECORD")
    data = direct_url.read_bytes()
    assert rows["secretpkg-1.0.dist-info/direct_url.json"] == [record_hash(data), str(len(data))]

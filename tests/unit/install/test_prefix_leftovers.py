"""An update leaves no directory a clean install would not have, anywhere in the
prefix: pip's uninstall removes the directories that hold a package's files, not
their parents (share/pkg/ above share/pkg/templates/)."""

from __future__ import annotations

import shutil
from pathlib import Path

from python_buildpack.install import distributions as environment


def write(path: Path, text: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def installed_prefix(tmp_path: Path) -> tuple[Path, Path]:
    prefix = tmp_path / "python"
    site = prefix / "lib" / "python3.12" / "site-packages"
    info = site / "datapkg-1.0.dist-info"
    write(info / "METADATA", "Metadata-Version: 2.1\nName: datapkg\nVersion: 1.0\n")
    write(
        info / "RECORD",
        "datapkg/__init__.py,,\n"
        "../../../share/datapkg/templates/page.html,,\n"
        "../../../share/shared/datapkg.txt,,\n"
        "datapkg-1.0.dist-info/RECORD,,\n",
    )
    write(site / "datapkg" / "__init__.py")
    write(prefix / "share" / "datapkg" / "templates" / "page.html", "<p>x</p>\n")
    write(prefix / "share" / "shared" / "datapkg.txt")
    write(prefix / "share" / "shared" / "other.txt")  # another package's file
    write(site / "README.txt")  # the runtime's
    write(prefix / "share" / "man" / "man1" / "python3.1")  # the runtime's
    return prefix, site


def uninstall_as_pip_does(prefix: Path, site: Path) -> None:
    shutil.rmtree(site / "datapkg")
    shutil.rmtree(site / "datapkg-1.0.dist-info")
    shutil.rmtree(prefix / "share" / "datapkg" / "templates")
    (prefix / "share" / "shared" / "datapkg.txt").unlink()


def test_uninstalled_data_files_leave_no_empty_directory_outside_site_packages(
    tmp_path: Path,
) -> None:
    prefix, site = installed_prefix(tmp_path)
    before = environment.package_dirs(site)
    assert str(prefix / "share" / "datapkg" / "templates") in before

    uninstall_as_pip_does(prefix, site)
    environment.prune_emptied_dirs(before, prefix)

    assert not (prefix / "share" / "datapkg").exists()
    assert (prefix / "share" / "shared" / "other.txt").is_file()
    assert (prefix / "share" / "man" / "man1" / "python3.1").is_file()
    assert site.is_dir()


def test_directories_of_packages_still_installed_stay(tmp_path: Path) -> None:
    prefix, site = installed_prefix(tmp_path)
    before = environment.package_dirs(site)
    environment.prune_emptied_dirs(before, prefix)
    assert (prefix / "share" / "datapkg" / "templates" / "page.html").is_file()
    assert (site / "datapkg" / "__init__.py").is_file()

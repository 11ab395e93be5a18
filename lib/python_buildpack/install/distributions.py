"""The installed environment (`.heroku/python`) as files: where things are, what
is installed, and whether it is exactly what should be."""

from __future__ import annotations

import base64
import csv
import email.parser
import hashlib
import io
import os
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from ..cache.changes import keyed_differences
from ..cache.tree import scan
from ..context import BuildContext


def site_packages(python_dir: Path, major_minor: str) -> Path:
    return python_dir / "lib" / f"python{major_minor}" / "site-packages"


def python_executable(ctx: BuildContext) -> Path:
    """The interpreter by its run-time path, so shebangs and RECORDs say /app."""
    return ctx.runtime_python_dir / "bin" / "python3"


def canonical_name(name: str) -> str:
    """PEP 503 normalisation (the same as packaging.utils.canonicalize_name)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _dist_infos(site_packages: Path) -> Iterator[Path]:
    if site_packages.is_dir():
        yield from sorted(site_packages.glob("*.dist-info"))


def installed_distributions(site_packages: Path) -> dict[str, str]:
    """canonical name -> version, from each .dist-info's METADATA."""
    found: dict[str, str] = {}
    parser = email.parser.HeaderParser()
    for info in _dist_infos(site_packages):
        try:
            headers = parser.parsestr((info / "METADATA").read_text(encoding="utf-8"))
        except OSError:
            continue
        if headers["Name"] and headers["Version"]:
            found[canonical_name(headers["Name"])] = headers["Version"]
    return found


def installed_mismatch(site: Path, expected: Mapping[str, str]) -> list[str]:
    """Differences between what is installed and what should be (name -> version)."""
    actual = installed_distributions(site)
    words = {
        "removed": lambda n: f"{n} {expected[n]} is missing",
        "added": lambda n: f"{n} {actual[n]} is installed but not required",
        "changed": lambda n: f"{n} is {actual[n]}, expected {expected[n]}",
    }
    return [words[d](name) for name, d in keyed_differences(expected, actual)]


def verify(site: Path, expected: Mapping[str, str]) -> list[str]:
    """Exactly the expected distributions, and no file that none of them owns."""
    return installed_mismatch(site, expected) + unowned_or_missing(site)


def prune_empty_dirs(root: Path) -> None:
    """Remove directories an uninstall left empty (a wheel never ships one)."""
    for dirpath, _, _ in os.walk(root, topdown=False):
        if dirpath != str(root):
            try:
                os.rmdir(dirpath)
            except OSError:
                pass  # not empty


def package_dirs(site_packages: Path) -> set[str]:
    """Every directory that holds a file of an installed distribution, anywhere in
    the prefix (a wheel's .data/data/ files land in share/, etc/, ...)."""
    return {
        os.path.dirname(os.path.normpath(os.path.join(site_packages, rel)))
        for rel in _record_rows(site_packages)
    }


def prune_emptied_dirs(dirs: set[str], prefix: Path) -> None:
    """Remove those of `dirs` (taken before an update) that are empty now, and their
    parents up to `prefix` once empty: pip's uninstall removes a directory only if
    it holds recorded files itself, so `share/pkg/` above `share/pkg/data/` stays.
    A clean install makes no directory that holds no file."""
    top = os.path.normpath(prefix)
    for path in sorted(dirs, key=len, reverse=True):
        while path.startswith(top + os.sep):
            try:
                os.rmdir(path)
            except FileNotFoundError:
                pass  # pip removed it: its parent may be empty now
            except OSError:
                break  # not empty
            path = os.path.dirname(path)


def _record_rows(site_packages: Path) -> set[str]:
    """Every path the installed distributions' RECORDs list, relative to
    site-packages and normalized (scripts come out as ../../../bin/NAME)."""
    rows: set[str] = set()
    for info in _dist_infos(site_packages):
        try:
            with (info / "RECORD").open(encoding="utf-8", newline="") as handle:
                rows.update(
                    os.path.normpath(row[0]) for row in csv.reader(handle) if row and row[0]
                )
        except OSError:
            continue
    return rows


def unowned_or_missing(site_packages: Path, *, limit: int = 5) -> list[str]:
    """Files in site-packages that no installed distribution owns (left behind by an
    uninstall), and owned files that are gone (removed by another's uninstall)."""
    recorded = _record_rows(site_packages)
    present = set(scan(site_packages))
    problems = [
        f"{rel} belongs to no installed package"
        for rel in sorted(present - recorded)
        if "/" in rel  # top-level files: the runtime's README.txt
    ]
    problems += [
        f"{rel} is missing though a package lists it"
        for rel in sorted(recorded - present)
        if not os.path.lexists(os.path.join(site_packages, rel))
    ]
    return problems[:limit]


def _replace_file(path: Path, text: str) -> None:
    """Write a new file in place of the old one: never through a hard link, whose
    other name may be the cache's copy."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.chmod(tmp, path.stat().st_mode & 0o7777)
    os.replace(tmp, path)


def relocate_build_paths(
    site_packages: Path,
    build_dir: Path,
    app_dir: Path,
    as_written: Callable[[str], str] = str,
) -> list[Path]:
    """pip writes BUILD_DIR's absolute path into a few files (a local requirement's
    direct_url.json, an editable install's .pth and finder); the app runs from
    app_dir. As Heroku's classic buildpack does, point them at app_dir.

    pip also writes a URL's `${VAR}` values into direct_url.json, expanded; PEP 610
    asks for the reference: `as_written` puts it back, so no token is stored."""
    pattern = re.compile(re.escape(str(build_dir)) + r"(?=[/\"'\s]|$)", re.MULTILINE)
    candidates = [
        *site_packages.glob("*.pth"),
        *site_packages.glob("*.dist-info/direct_url.json"),
        *site_packages.glob("__editable__*.py"),
        *site_packages.glob("*.egg-link"),
    ]
    changed = []
    for path in candidates:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        new = pattern.sub(str(app_dir), text)
        if path.name == "direct_url.json":
            new = as_written(new)
        if new != text:
            _replace_file(path, new)
            changed.append(path)
    if changed:
        _update_records(site_packages, set(changed))
    return changed


def _update_records(site_packages: Path, changed: set[Path]) -> None:
    """Keep each RECORD's hash and size of a rewritten file true (pip checks none,
    but a RECORD that lies would also differ from a clean build's)."""
    for info in _dist_infos(site_packages):
        record = info / "RECORD"
        try:
            with record.open(encoding="utf-8", newline="") as handle:
                rows = list(csv.reader(handle))
        except OSError:
            continue
        touched = False
        for row in rows:
            if row and Path(os.path.normpath(site_packages / row[0])) in changed:
                data = (site_packages / row[0]).read_bytes()
                digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
                row[1:] = [f"sha256={digest.decode()}", str(len(data))]
                touched = True
        if touched:
            buffer = io.StringIO()
            csv.writer(buffer).writerows(rows)  # "\r\n", as pip writes it
            _replace_file(record, buffer.getvalue())

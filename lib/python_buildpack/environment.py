"""The installed environment (`.heroku/python`) as files: what is installed, a
cheap snapshot of every file, and copying it by hard links."""

from __future__ import annotations

import base64
import csv
import email.parser
import hashlib
import io
import itertools
import os
import re
from collections.abc import Iterator
from pathlib import Path

from .diffs import keyed_differences

# relpath -> [size, mtime_ns, inode, mode] for a file, or ["link", target] for a symlink.
Snapshot = dict[str, list[object]]


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


def recorded_files(site_packages: Path) -> set[Path]:
    """Every file that an installed distribution's RECORD lists, as absolute paths."""
    return {Path(os.path.normpath(site_packages / rel)) for rel in _record_rows(site_packages)}


def _scan(root: Path, link_to: Path | None = None) -> Snapshot:
    """Stat every file below root in one pass (os.scandir: no pathlib on this hot
    path); with link_to, also recreate the tree there by hard links."""
    result: Snapshot = {}
    pending = [("", str(root))]
    while pending:
        rel, path = pending.pop()
        with os.scandir(path) as entries:
            for entry in entries:
                name = rel + entry.name
                if entry.is_symlink():
                    target = os.readlink(entry.path)
                    result[name] = ["link", target]
                    if link_to is not None:
                        os.symlink(target, os.path.join(link_to, name))
                elif entry.is_dir(follow_symlinks=False):
                    if link_to is not None:
                        os.mkdir(os.path.join(link_to, name))
                    pending.append((name + "/", entry.path))
                else:
                    st = entry.stat(follow_symlinks=False)
                    result[name] = [st.st_size, st.st_mtime_ns, st.st_ino, st.st_mode]
                    if link_to is not None:
                        os.link(entry.path, os.path.join(link_to, name))
    return result


def snapshot(root: Path) -> Snapshot:
    """relpath -> [size, mtime_ns, inode, mode] of every file (["link", target] for
    a symlink). A write or chmod through any hard link changes one of them."""
    return _scan(root)


def snapshot_changes(expected: Snapshot, actual: Snapshot, *, limit: int = 5) -> list[str]:
    """What differs, in words, the first few only."""
    words = {"removed": "was removed", "added": "was added", "changed": "was modified"}
    return [
        f"{rel} {words[d]}"
        for rel, d in itertools.islice(keyed_differences(expected, actual), limit)
    ]


def link_tree(src: Path, dst: Path) -> Snapshot:
    """Copy a tree by hard links (cp -al): no data copied. Returns the snapshot of
    src taken on the way, so a caller can check what it linked in the same pass."""
    dst.mkdir(parents=True)
    return _scan(src, link_to=dst)


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
    present = set(_scan(site_packages))
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


def relocate_build_paths(site_packages: Path, build_dir: Path, app_dir: Path) -> list[Path]:
    """pip writes BUILD_DIR's absolute path into a few files (a local requirement's
    direct_url.json, an editable install's .pth and finder); the app runs from
    app_dir. As Heroku's classic buildpack does, point them at app_dir."""
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

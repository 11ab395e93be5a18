"""The installed environment (`.heroku/python`) as files: where things are, what
is installed, and whether it is exactly what should be.

The one reader of installed distributions and the one writer of their RECORDs. A
distribution is a `*.dist-info` directory in site-packages, taken in name order,
so that of two for one name (a leftover) the same one counts every time: the last.
METADATA is read by importlib.metadata. RECORD rows are read here, with csv as the
wheel spec writes them: `Distribution.files` leaves out the files that are gone on
Python 3.12+ (the very ones a check looks for), checks for each file that it
exists, and fails on a blank row or a row with more than three fields.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.utils import canonicalize_name

from ..cache.changes import keyed_differences
from ..cache.tree import scan
from ..context import BuildContext

if TYPE_CHECKING:
    from importlib.metadata import PackageMetadata


def site_packages(python_dir: Path, major_minor: str) -> Path:
    return python_dir / "lib" / f"python{major_minor}" / "site-packages"


def python_executable(ctx: BuildContext) -> Path:
    """The interpreter by its run-time path, so shebangs and RECORDs say /app."""
    return ctx.runtime_python_dir / "bin" / "python3"


# --- reading ------------------------------------------------------------------------


def _dist_infos(site_packages: Path) -> Iterator[Path]:
    if site_packages.is_dir():
        yield from sorted(site_packages.glob("*.dist-info"))


def _metadata(site_packages: Path) -> Iterator[tuple[str, str | None, PackageMetadata]]:
    """(canonical name, Version or None, METADATA) of each distribution that has a
    Name; one with no METADATA has none."""
    # Imported here: only a build that installs reads metadata, an unchanged one not.
    from importlib.metadata import Distribution

    for info in _dist_infos(site_packages):
        headers = Distribution.at(info).metadata
        # `in` first: a missing key is deprecated (Python 3.12+), not None.
        name = headers["Name"] if "Name" in headers else None
        if name:
            yield (
                canonicalize_name(name),
                headers["Version"] if "Version" in headers else None,
                headers,
            )


def installed_distributions(site_packages: Path) -> dict[str, str]:
    """canonical name -> version."""
    return {name: version for name, version, _ in _metadata(site_packages) if version}


def installed_requirements(site_packages: Path) -> dict[str, tuple[str, list[str]]]:
    """canonical name -> (version, its Requires-Dist lines)."""
    return {
        name: (str(version), list(headers.get_all("Requires-Dist") or []))
        for name, version, headers in _metadata(site_packages)
    }


def _rows(record: Path) -> list[list[str]]:
    """A RECORD's rows: path, hash (`sha256=...`, or empty for RECORD itself and for
    bytecode an installer compiled), size. The path is relative to site-packages
    (`../../../bin/NAME` for a script) or, as Poetry writes its editable project's,
    absolute."""
    with record.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _record_rows(site_packages: Path) -> set[str]:
    """Every path the installed distributions' RECORDs list, relative to
    site-packages and normalized (scripts come out as ../../../bin/NAME)."""
    rows: set[str] = set()
    for info in _dist_infos(site_packages):
        try:
            rows.update(
                os.path.normpath(row[0]) for row in _rows(info / "RECORD") if row and row[0]
            )
        except OSError:
            continue
    return rows


def installed_mismatch(site: Path, expected: Mapping[str, str]) -> list[str]:
    """Differences between what is installed and what should be (name -> version)."""
    actual = installed_distributions(site)
    words = {
        "removed": lambda n: f"{n} {expected[n]} is missing",
        "added": lambda n: f"{n} {actual[n]} is installed but not required",
        "changed": lambda n: f"{n} is {actual[n]}, expected {expected[n]}",
    }
    return [words[d](name) for name, d in keyed_differences(expected, actual)]


def verify(
    site: Path, expected: Mapping[str, str], *, unrecorded_bytecode: bool = False
) -> list[str]:
    """Exactly the expected distributions, and no file that none of them owns
    (`unrecorded_bytecode`: see unowned_or_missing)."""
    return installed_mismatch(site, expected) + unowned_or_missing(
        site, unrecorded_bytecode=unrecorded_bytecode
    )


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


def unowned_or_missing(
    site_packages: Path, *, limit: int = 5, unrecorded_bytecode: bool = False
) -> list[str]:
    """Files in site-packages that no installed distribution owns (left behind by an
    uninstall), and owned files that are gone (removed by another's uninstall).

    `unrecorded_bytecode`: uv and Poetry compile bytecode after installing
    (`--compile-bytecode`, `--compile`) and do not list the `.pyc` files in RECORD,
    so a `__pycache__/x.cpython-312.pyc` counts as owned when its `x.py` is. A
    `.pyc` whose source is gone (a removed package's) is still a problem."""
    recorded = _record_rows(site_packages)
    present = scan(site_packages) if site_packages.is_dir() else set()
    problems = [
        f"{rel} belongs to no installed package"
        for rel in sorted(present - recorded)
        if "/" in rel  # top-level files: the runtime's README.txt
        and not (unrecorded_bytecode and _source_of_pyc(rel) in recorded)
    ]
    problems += [
        f"{rel} is missing though a package lists it"
        for rel in sorted(recorded - present)
        if not os.path.lexists(os.path.join(site_packages, rel))
    ]
    return problems[:limit]


def _source_of_pyc(rel: str) -> str | None:
    """`pkg/__pycache__/mod.cpython-312.pyc` -> `pkg/mod.py`."""
    directory, _, name = rel.rpartition("/")
    parent, _, cache = directory.rpartition("/")
    if cache != "__pycache__" or not name.endswith(".pyc"):
        return None
    module = name.split(".", 1)[0]
    return f"{parent}/{module}.py" if parent else f"{module}.py"


# --- writing: a new inode for every file, and RECORD kept true ----------------------


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


def rewrite_recorded(site_packages: Path, path: Path, change: Callable[[str], str]) -> None:
    """Rewrite one installed file of a `.dist-info` and keep its RECORD row true."""
    text = path.read_text(encoding="utf-8")
    new = change(text)
    if new == text:
        return
    _replace_file(path, new)
    rel = path.relative_to(site_packages).as_posix()

    def refresh(rows: list[list[str]]) -> bool:
        for row in rows:
            if row and os.path.normpath(row[0]) == rel:
                row[1:] = _hash_and_size(path)
        return True  # written again even when no row names it, as it always was

    _rewrite_record(path.parent / "RECORD", refresh)


def _update_records(site_packages: Path, changed: set[Path]) -> None:
    """Keep each RECORD's hash and size of a rewritten file true (pip checks none,
    but a RECORD that lies would also differ from a clean build's)."""

    def refresh(rows: list[list[str]]) -> bool:
        touched = False
        for row in rows:
            if row and Path(os.path.normpath(site_packages / row[0])) in changed:
                row[1:] = _hash_and_size(site_packages / row[0])
                touched = True
        return touched

    for info in _dist_infos(site_packages):
        try:
            _rewrite_record(info / "RECORD", refresh)
        except OSError:
            continue


def relative_records(site_packages: Path, prefixes: Sequence[Path]) -> None:
    """Poetry writes the RECORD of the project it installs editable with absolute
    paths (its editable builder, poetry/masonry/builders/editable.py), where pip and
    the wheel spec write paths relative to site-packages, and the buildpack's checks
    read them so. Rewrite them, with each file's hash and size as it is now (the .pth
    and direct_url.json were pointed at the app dir after the sync)."""

    def relative(rows: list[list[str]]) -> bool:
        changed = False
        for row in rows:
            if not row or not os.path.isabs(row[0]):
                continue
            for prefix in prefixes:
                try:
                    rel = Path(row[0]).relative_to(prefix)
                except ValueError:
                    continue
                row[0] = rel.as_posix()
                path = site_packages / rel
                if len(row) > 1 and row[1] and path.is_file():
                    row[1:] = _hash_and_size(path)
                changed = True
                break
        return changed

    for info in _dist_infos(site_packages):
        if (info / "RECORD").is_file():
            _rewrite_record(info / "RECORD", relative)


def _hash_and_size(path: Path) -> list[str]:
    """A RECORD row's hash and size of the file as it is now."""
    data = path.read_bytes()
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return [f"sha256={digest.decode()}", str(len(data))]


def _rewrite_record(record: Path, edit: Callable[[list[list[str]]], bool]) -> None:
    """The one RECORD writer: `edit` changes the rows in place and says whether
    to write them back."""
    rows = _rows(record)
    if edit(rows):
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)  # "\r\n", as pip writes it
        _replace_file(record, buffer.getvalue())

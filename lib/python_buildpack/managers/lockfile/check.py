"""Is the environment exactly what the lockfile says? Names and versions, and no
file of a removed package left behind.

As install/distributions.py `verify`, with one allowance: uv and Poetry compile bytecode
after installing (`--compile-bytecode`, `--compile`) and do not list the `.pyc` files
in RECORD, so a `__pycache__/x.cpython-312.pyc` counts as owned when its `x.py` is.
A `.pyc` whose source is gone (a removed package's) is still a problem.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import os
from collections.abc import Callable, Mapping
from pathlib import Path

from ...cache.tree import scan
from ...install.distributions import installed_mismatch


def _recorded(site_packages: Path) -> set[str]:
    rows: set[str] = set()
    for info in sorted(site_packages.glob("*.dist-info")):
        try:
            with (info / "RECORD").open(encoding="utf-8", newline="") as handle:
                rows.update(os.path.normpath(r[0]) for r in csv.reader(handle) if r and r[0])
        except OSError:
            continue
    return rows


def _source_of_pyc(rel: str) -> str | None:
    """`pkg/__pycache__/mod.cpython-312.pyc` -> `pkg/mod.py`."""
    directory, _, name = rel.rpartition("/")
    parent, _, cache = directory.rpartition("/")
    if cache != "__pycache__" or not name.endswith(".pyc"):
        return None
    module = name.split(".", 1)[0]
    return f"{parent}/{module}.py" if parent else f"{module}.py"


def unowned_or_missing(site_packages: Path, *, limit: int = 5) -> list[str]:
    recorded = _recorded(site_packages)
    present = set(scan(site_packages)) if site_packages.is_dir() else set()
    problems = []
    for rel in sorted(present - recorded):
        if "/" not in rel:  # top-level files: the runtime's README.txt
            continue
        source = _source_of_pyc(rel)
        if source is not None and source in recorded:
            continue
        problems.append(f"{rel} belongs to no installed package")
    problems += [
        f"{rel} is missing though a package lists it"
        for rel in sorted(recorded - present)
        if not os.path.lexists(os.path.join(site_packages, rel))
    ]
    return problems[:limit]


def verify(site_packages: Path, expected: Mapping[str, str]) -> list[str]:
    return installed_mismatch(site_packages, expected) + unowned_or_missing(site_packages)


def rewrite_recorded(site_packages: Path, path: Path, change: Callable[[str], str]) -> None:
    """Rewrite one installed file (a new inode: never through a hard link into the
    cache) and keep its RECORD row's hash and size true."""
    text = path.read_text(encoding="utf-8")
    new = change(text)
    if new == text:
        return
    _replace(path, new.encode("utf-8"))
    record = path.parent / "RECORD"
    rel = path.relative_to(site_packages).as_posix()
    with record.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    data = path.read_bytes()
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    for row in rows:
        if row and os.path.normpath(row[0]) == rel:
            row[1:] = [f"sha256={digest}", str(len(data))]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    _replace(record, buffer.getvalue().encode("utf-8"))


def _replace(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.chmod(tmp, path.stat().st_mode & 0o7777)
    os.replace(tmp, path)

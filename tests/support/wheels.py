"""Tiny wheels built by the tests themselves: a wheel is a zip with METADATA, WHEEL
and RECORD. No network, no build backend."""

from __future__ import annotations

import base64
import hashlib
import re
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"sha256={digest}"


def dist_name(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def build_wheel(
    dest: Path,
    name: str,
    version: str,
    *,
    files: Mapping[str, str | bytes] | None = None,
    requires: Sequence[str] = (),
    entry_points: Mapping[str, str] | None = None,
    filename: str | None = None,
) -> Path:
    """A pure-Python wheel. `files` maps paths inside site-packages to contents;
    by default the wheel holds one module named after the distribution."""
    dest.mkdir(parents=True, exist_ok=True)
    dist = dist_name(name)
    if files is None:
        files = {f"{dist}/__init__.py": f'__version__ = "{version}"\nNAME = "{name}"\n'}
    info = f"{dist}-{version}.dist-info"
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    metadata += "".join(f"Requires-Dist: {r}\n" for r in requires)
    contents: dict[str, bytes] = {
        path: data.encode() if isinstance(data, str) else data for path, data in files.items()
    }
    contents[f"{info}/METADATA"] = metadata.encode()
    contents[f"{info}/WHEEL"] = (
        b"Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    )
    if entry_points:
        lines = ["[console_scripts]"] + [f"{k} = {v}" for k, v in entry_points.items()]
        contents[f"{info}/entry_points.txt"] = ("\n".join(lines) + "\n").encode()
    record_lines = [f"{path},{_record_hash(data)},{len(data)}" for path, data in contents.items()]
    record_lines.append(f"{info}/RECORD,,")
    contents[f"{info}/RECORD"] = ("\n".join(record_lines) + "\n").encode()
    path = dest / (filename or f"{dist}-{version}-py3-none-any.whl")
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member, data in contents.items():
            # A fixed date: the same inputs give the same wheel, byte for byte.
            zinfo = zipfile.ZipInfo(member, date_time=(2020, 1, 1, 0, 0, 0))
            zinfo.external_attr = 0o644 << 16
            archive.writestr(zinfo, data)
    return path

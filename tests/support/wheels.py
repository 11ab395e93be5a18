"""Tiny wheels built by the tests themselves: no network, no build backend.

They are written with the `wheel` package's WheelFile, which writes RECORD itself
(hashes, sizes, its own CSV dialect): the buildpack's RECORD reader is then
checked against an independent writer, not against this project's own.
"""

from __future__ import annotations

import re
import stat
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from wheel.wheelfile import WheelFile

# A fixed date: the same inputs give the same wheel, byte for byte.
_DATE = (2020, 1, 1, 0, 0, 0)


class _ReproducibleWheelFile(WheelFile):
    """WheelFile dates the RECORD it writes with the current time (or
    SOURCE_DATE_EPOCH, a process-wide variable); every member gets _DATE here."""

    def writestr(
        self,
        zinfo_or_arcname: str | zipfile.ZipInfo,
        data: bytes | str,
        compress_type: int | None = None,
    ) -> None:
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = zipfile.ZipInfo(zinfo_or_arcname, date_time=_DATE)
            zinfo_or_arcname.compress_type = self.compression
            zinfo_or_arcname.external_attr = (0o644 | stat.S_IFREG) << 16
        super().writestr(zinfo_or_arcname, data, compress_type)


def dist_name(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def build_wheel(
    dest: Path,
    name: str,
    version: str,
    *,
    files: Mapping[str, str | bytes] | None = None,
    data: Mapping[str, str | bytes] | None = None,
    requires: Sequence[str] = (),
    entry_points: Mapping[str, str] | None = None,
    filename: str | None = None,
) -> Path:
    """A pure-Python wheel. `files` maps paths inside site-packages to contents;
    by default the wheel holds one module named after the distribution. `data`
    maps paths relative to the install prefix (`share/<pkg>/x.txt`) to contents:
    the wheel's `.data/data/` directory, which pip installs outside site-packages.
    `filename` renames the finished wheel (a file that lies about its content)."""
    dest.mkdir(parents=True, exist_ok=True)
    dist = dist_name(name)
    if files is None:
        files = {f"{dist}/__init__.py": f'__version__ = "{version}"\nNAME = "{name}"\n'}
    info = f"{dist}-{version}.dist-info"
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    metadata += "".join(f"Requires-Dist: {r}\n" for r in requires)
    contents: dict[str, str | bytes] = dict(files)
    for rel, content in (data or {}).items():
        contents[f"{dist}-{version}.data/data/{rel}"] = content
    contents[f"{info}/METADATA"] = metadata
    contents[f"{info}/WHEEL"] = (
        "Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    )
    if entry_points:
        lines = ["[console_scripts]"] + [f"{k} = {v}" for k, v in entry_points.items()]
        contents[f"{info}/entry_points.txt"] = "\n".join(lines) + "\n"
    path = dest / f"{dist}-{version}-py3-none-any.whl"
    with _ReproducibleWheelFile(path, "w") as archive:
        for member, content in contents.items():
            archive.writestr(member, content)
    if filename is not None and filename != path.name:
        path = path.rename(dest / filename)
    return path

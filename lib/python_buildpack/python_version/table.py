"""The supported-versions table, read from its data file (python_versions.json, beside
this module): `parse_version_table` parses the text; the table is loaded once, when
this module is imported."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

# The supported versions, as data that a release updates (python_versions.json): the
# newest patch release of each major version, and the end-of-life dates that the
# deprecation warning names. Older than the first entry is end-of-life; newer than
# the last is unknown; the last is the default.
VERSION_TABLE_FILE = Path(__file__).with_name("python_versions.json")
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


@dataclass(frozen=True)
class SupportedMajorVersion:
    major: int
    minor: int
    latest_patch: int
    # Upstream end-of-life ("October 2026") and the day this buildpack drops it
    # ("6 January 2027"), for a version that is deprecated; None otherwise.
    end_of_life: str | None = None
    support_ends: str | None = None


def parse_version_table(text: str) -> dict[tuple[int, int], SupportedMajorVersion]:
    """Read python_versions.json; a malformed table is a bug in a release (ValueError)."""
    table: dict[tuple[int, int], SupportedMajorVersion] = {}
    for key, entry in json.loads(text)["versions"].items():
        major, minor = (int(part) for part in key.split("."))
        latest = str(entry["latest"])
        if not latest.startswith(f"{key}.") or not latest[len(key) + 1 :].isdigit():
            raise ValueError(f"python_versions.json: {key}: latest {latest!r} is not {key}.N")
        eol, ends = entry.get("end_of_life"), entry.get("support_ends")
        table[(major, minor)] = SupportedMajorVersion(
            major,
            minor,
            int(latest.rsplit(".", 1)[1]),
            _month(eol) if eol else None,
            _day(ends) if ends else None,
        )
    if not table:
        raise ValueError("python_versions.json lists no versions")
    return dict(sorted(table.items()))


def _month(iso: str) -> str:
    year, month = iso.split("-")
    return f"{_MONTHS[int(month) - 1]} {int(year)}"


def _day(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{int(day)} {_MONTHS[int(month) - 1]} {int(year)}"


SUPPORTED = parse_version_table(VERSION_TABLE_FILE.read_text(encoding="utf-8"))
LATEST_PATCH: dict[tuple[int, int], int] = {k: v.latest_patch for k, v in SUPPORTED.items()}
OLDEST_SUPPORTED = min(SUPPORTED)
NEWEST_SUPPORTED = max(SUPPORTED)


def supported_versions() -> list[str]:
    return [f"{major}.{minor}" for major, minor in sorted(LATEST_PATCH)]

"""manifest.json: what the cached environment is, and what it was built from."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from .tree import Contents

# 3: the fingerprint is typed (platform, manager, the manager's inputs).
# 4: the index pages the last resolution read (`index_pages`, issue 10).
# 5: the environment by content (`contents`: sha256, size, mode, mtime of every file),
#    so that a cache restored from an archive or a copy is still the same cache.
FORMAT = 5


@dataclass(frozen=True)
class Distribution:
    """One installed distribution, and what decides its files."""

    name: str
    version: str
    # The source as the installer reports it: hash of the archive, URL of a direct
    # reference, VCS commit. A different source means different files.
    source: str
    requested: bool
    direct: bool


@dataclass(frozen=True)
class Manifest:
    format: int
    # The JSON of a cache.inputs.Fingerprint: decoded with the manager's own
    # inputs type when compared (a mismatch is a reason, not a crash).
    fingerprint: dict[str, Any]
    distributions: tuple[Distribution, ...]
    # tree.Contents of the environment: what every file holds.
    contents: Contents = field(repr=False)
    # index_pages.PageSet.to_json() of the resolution that gave `distributions`
    # (pip's pages, by source key: never a URL with credentials); None: no record,
    # so a check of the pages cannot stand for pip and pip is asked.
    index_pages: dict[str, Any] | None = None

    @property
    def versions(self) -> dict[str, str]:
        return {d.name: d.version for d in self.distributions}

    def to_json(self) -> str:
        # Not dataclasses.asdict(self): it deep-copies the contents of every file.
        data = {
            "format": self.format,
            "fingerprint": self.fingerprint,
            "distributions": [asdict(d) for d in self.distributions],
            "contents": self.contents,
            "index_pages": self.index_pages,
        }
        return json.dumps(data, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data = json.loads(text)
        if not isinstance(data, dict) or not isinstance(data.get("format"), int):
            raise ValueError("no format version")
        if data["format"] != FORMAT:
            raise FormatMismatch(data["format"])
        return cls(
            format=data["format"],
            fingerprint=dict(data["fingerprint"]),
            distributions=tuple(Distribution(**d) for d in data["distributions"]),
            contents=dict(data["contents"]),
            index_pages=_index_pages(data.get("index_pages")),
        )


class FormatMismatch(ValueError):
    def __init__(self, found: int) -> None:
        super().__init__(found)
        self.found = found


def _index_pages(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValueError("index_pages is not an object")
    return dict(value)

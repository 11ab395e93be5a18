"""manifest.json: what the cached environment is, and what it was built from."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from .tree import Snapshot

# 3: the fingerprint is typed (platform, manager, the manager's inputs).
FORMAT = 3


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
    snapshot: Snapshot = field(repr=False)

    @property
    def versions(self) -> dict[str, str]:
        return {d.name: d.version for d in self.distributions}

    def to_json(self) -> str:
        # Not dataclasses.asdict(self): it deep-copies the snapshot of every file.
        data = {
            "format": self.format,
            "fingerprint": self.fingerprint,
            "distributions": [asdict(d) for d in self.distributions],
            "snapshot": self.snapshot,
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
            snapshot=dict(data["snapshot"]),
        )


class FormatMismatch(ValueError):
    def __init__(self, found: int) -> None:
        super().__init__(found)
        self.found = found

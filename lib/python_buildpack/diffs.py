"""Comparing two keyed collections, the one shape every "what changed" shares."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Literal, TypeVar

V = TypeVar("V")
Difference = Literal["removed", "added", "changed"]


def keyed_differences(
    old: Mapping[str, V], new: Mapping[str, V]
) -> Iterator[tuple[str, Difference]]:
    """Each key whose value is not the same on both sides, in key order."""
    for key in sorted(old.keys() | new.keys()):
        if key not in new:
            yield key, "removed"
        elif key not in old:
            yield key, "added"
        elif old[key] != new[key]:
            yield key, "changed"

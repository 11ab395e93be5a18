"""What differs between two fingerprints, in the user's words.

Every field of a fingerprint dataclass says how it describes its own change
(`described` / `rebuild_if_changed` below), and `differences` walks
`dataclasses.fields`, so a field cannot be compared without words, nor left out of
the comparison.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

V = TypeVar("V")
Difference = Literal["removed", "added", "changed"]
# (old value, new value) -> one message per change.
Describe = Callable[[Any, Any], list[str]]

_DESCRIBE = "describe"
_INCREMENTAL = "incremental"
_FALLBACK = "fallback"


@dataclass(frozen=True)
class Change:
    message: str
    # False: the environment cannot be updated in place (new Python, stack, pip).
    incremental: bool = True


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


def described(describe: Describe, *, fallback: bool = False) -> Any:
    """A field whose change the environment can follow in place. A `fallback`
    field speaks only when no other field of its dataclass found words."""
    return dataclasses.field(metadata={_DESCRIBE: describe, _FALLBACK: fallback})


def rebuild_if_changed(template: str) -> Any:
    """A field whose change means a new environment: `template` gets {old} and {new}."""
    return dataclasses.field(metadata=rebuild_metadata(template))


def rebuild_metadata(template: str) -> dict[str, Any]:
    def describe(old: Any, new: Any) -> list[str]:
        return [template.format(old=old, new=new)]

    return {_DESCRIBE: describe, _INCREMENTAL: False}


# The metadata of a field that is itself a fingerprint dataclass, compared field
# by field: `dataclasses.field(metadata=NESTED)`.
NESTED = {"nested": True}


_WHAT = {"removed": "was removed", "added": "was added", "changed": "changed"}


def keyed(template: str) -> Describe:
    """For a name -> digest mapping: `template` gets {key} and {what}."""

    def describe(old: Mapping[str, str], new: Mapping[str, str]) -> list[str]:
        return [template.format(key=k, what=_WHAT[d]) for k, d in keyed_differences(old, new)]

    return describe


def differences(old: Any, new: Any) -> list[Change]:
    """Every reason the cached environment may differ from a clean build now:
    the rebuild reasons first, then the incremental ones, each in field order."""
    rebuild: list[Change] = []
    incremental: list[Change] = []
    _walk(old, new, rebuild, incremental)
    return rebuild + incremental


def _walk(old: Any, new: Any, rebuild: list[Change], incremental: list[Change]) -> None:
    fallbacks: list[Change] = []
    found = len(incremental)
    for spec in dataclasses.fields(new):
        before, after = getattr(old, spec.name), getattr(new, spec.name)
        if spec.metadata.get("nested"):
            _walk(before, after, rebuild, incremental)
            continue
        if before == after:
            continue
        describe: Describe | None = spec.metadata.get(_DESCRIBE)
        if describe is None:  # a programming error, caught by the unit tests
            raise TypeError(f"{type(new).__name__}.{spec.name} has no words for its change")
        words = describe(before, after)
        if not spec.metadata.get(_INCREMENTAL, True):
            rebuild += [Change(m, incremental=False) for m in words]
        elif spec.metadata.get(_FALLBACK):
            fallbacks += [Change(m) for m in words]
        else:
            incremental += [Change(m) for m in words]
    if len(incremental) == found:
        incremental += fallbacks


def equal_except(old: Any, new: Any, names: set[str]) -> bool:
    """Whether every field but `names` is the same."""
    return all(
        getattr(old, f.name) == getattr(new, f.name)
        for f in dataclasses.fields(new)
        if f.name not in names
    )

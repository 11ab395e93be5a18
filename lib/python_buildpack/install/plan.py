"""The cache decision: reuse the cached environment, update it, or rebuild.

A pure function of what the cache holds (its manifest, or None and why), this
build's fingerprint, what the restore check found and the cache switch. Every
reason is collected; the strategies (strategies.py) carry the plan out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from ..cache.inputs import Fingerprint, compare, decoded
from ..cache.manifest import Manifest
from ..report import CacheStatus

# The package manager's inputs (managers/base.py `prepare`): pip's, or a lockfile's.
Inputs = TypeVar("Inputs")


@dataclass(frozen=True)
class Reuse:
    """Nothing changed: the restored environment is the one to ship."""

    manifest: Manifest
    status = CacheStatus.REUSED
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Update(Generic[Inputs]):
    """Only what the environment can follow in place changed: update the restored
    environment, from `old` (the saved inputs) to this build's."""

    manifest: Manifest
    old: Inputs  # the manager's inputs when the cache was saved
    reasons: tuple[str, ...]
    status = CacheStatus.UPDATED


@dataclass(frozen=True)
class Rebuild:
    """Build from a pristine runtime; no reasons: there was no cache."""

    reasons: tuple[str, ...] = ()

    @property
    def status(self) -> CacheStatus:
        return CacheStatus.DISCARDED if self.reasons else CacheStatus.EMPTY


@dataclass(frozen=True)
class Disabled:
    """PYTHON_BUILD_CACHE=off: no cache read, none written."""

    status = CacheStatus.DISABLED
    reasons: tuple[str, ...] = ()


Plan = Reuse | Update[Inputs] | Rebuild | Disabled


def worth_restoring(manifest: Manifest, fingerprint: Fingerprint[Inputs]) -> bool:
    """Whether the cached environment could be used at all: then it is restored and
    checked before the decision (a rebuild does not need the restore)."""
    return all(change.incremental for change in compare(manifest.fingerprint, fingerprint))


def decide(
    manifest: Manifest | None,
    fingerprint: Fingerprint[Inputs],
    restore_found: Sequence[str] | None,
    *,
    enabled: bool,
    unusable: Sequence[str] = (),
) -> Plan[Inputs]:
    """`unusable`: why there is no manifest. `restore_found`: what the restore check
    found wrong (empty: the restored environment is the saved one), or None when
    nothing was restored because `worth_restoring` said no."""
    if not enabled:
        return Disabled()
    if manifest is None:
        return Rebuild(tuple(unusable))
    changes = compare(manifest.fingerprint, fingerprint)
    if any(not change.incremental for change in changes):
        return Rebuild(tuple(change.message for change in changes))
    if restore_found is None:
        raise ValueError("the cached environment must be restored and checked first")
    if restore_found:
        return Rebuild(tuple(restore_found))
    if not changes:
        return Reuse(manifest)
    old = decoded(manifest.fingerprint, type(fingerprint.inputs))
    assert old is not None  # compare() decoded it too
    return Update(manifest, old.inputs, tuple(change.message for change in changes))

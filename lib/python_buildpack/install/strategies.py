"""Bring `.heroku/python` to the state a clean build would give, as cheaply as the
cache allows: decide (plan.py), then carry the plan out here, then save.

Every decision is explained in the log in terms of the user's own files; the
package manager (managers/) does the installing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Generic

from ..cache.files import remove_tree, write_atomically
from ..cache.identities import describe_files_read, verify_content
from ..cache.inputs import Fingerprint, Platform, sha256_text
from ..cache.manifest import Distribution, Manifest
from ..cache.store import CACHE_SWITCH, COPYING, CacheStore
from ..context import BuildContext
from ..errors import BuildpackError, EnvironmentMismatch, filesystem
from ..managers.base import Drift, PackageManager
from ..python_version import ResolvedPythonVersion
from ..report import BuildReport, CacheStatus
from . import distributions, plan, python
from .plan import Disabled, Inputs, Plan, Reuse, Update


@dataclass(frozen=True)
class Outcome:
    status: CacheStatus
    reasons: tuple[str, ...]
    distributions: Mapping[str, Distribution]
    # The manifest of the environment in place when it was reused as it is.
    reused: Manifest | None = None


@dataclass(frozen=True)
class InstallResult:
    status: CacheStatus
    installed: dict[str, str]
    manifest: Manifest | None


def install_environment(
    ctx: BuildContext,
    store: CacheStore | None,
    manager: PackageManager[Inputs],
    version: ResolvedPythonVersion,
    report: BuildReport,
    *,
    version_origin: str | None,
) -> InstallResult:
    """`version_origin`: the file `version` came from (None: the default)."""
    source = python.source_url(ctx)
    entry = manager.entry
    report.add({"package_manager": entry.name, entry.version_field: manager.version})
    inputs = manager.prepare(store.tool_cache(entry.name) if store else None)
    platform = Platform(
        stack=ctx.stack.name,
        arch=ctx.arch,
        app_dir=str(ctx.app_dir),
        python=str(version),
        runtime=sha256_text(source),
    )
    fingerprint = Fingerprint(platform, entry.name, inputs)

    if store is not None and store.choose_transfer(ctx.build_dir):
        ctx.output.info(COPYING)
    manifest, unusable = store.load_manifest() if store else (None, [])
    found = None
    if store is not None and manifest is not None and plan.worth_restoring(manifest, fingerprint):
        # Restored by hard links (or copies) and checked by content in the same pass.
        content = verify_content(ctx.config_vars)
        with filesystem.during(filesystem.RESTORING_CACHE, ctx.places):
            found = store.restore(ctx.python_dir, manifest, content=content)
        if not found and store.files_read[0]:
            ctx.output.step(describe_files_read(*store.files_read, content=content))
    decision = plan.decide(
        manifest, fingerprint, found, enabled=store is not None, unusable=unusable
    )

    strategies = Strategies(ctx, store, manager, version, source, version_origin)
    try:
        with filesystem.during(filesystem.INSTALLING, ctx.places):
            outcome = strategies.carry_out(decision)
    except BuildpackError:
        record_failure(ctx, store, report, decision.status, decision.reasons)
        raise
    if outcome.reused is not None:
        installed = {d.name: d.version for d in outcome.reused.distributions}
        saved: Manifest | None = outcome.reused
    else:
        installed = distributions.installed_distributions(strategies.site)
        with filesystem.during(filesystem.SAVING_CACHE, ctx.places):
            saved = strategies.save(outcome, fingerprint)
    report.record_install(outcome.status, outcome.reasons, installed, manager.unpinned(installed))
    for warning in manager.warnings(installed):
        ctx.output.warning(warning)
    return InstallResult(outcome.status, installed, saved)


def record_failure(
    ctx: BuildContext,
    store: CacheStore | None,
    report: BuildReport,
    status: CacheStatus,
    reasons: tuple[str, ...],
) -> None:
    """A failed build still reports what was decided (`status`, `reasons`: EMPTY and
    none when it failed before deciding), and whether the last good cache is still
    there for the next build."""
    if store is not None and store.load_manifest()[0] is not None:
        ctx.output.step("The build failed; the cache of the last good build is kept")
        status = CacheStatus.KEPT
    report.record_install(status, reasons, {}, [])


@dataclass(frozen=True)
class Strategies(Generic[Inputs]):
    ctx: BuildContext
    store: CacheStore | None
    manager: PackageManager[Inputs]
    version: ResolvedPythonVersion
    runtime_url: str
    # The file the version came from, for a missing runtime's message.
    version_origin: str | None

    @property
    def site(self) -> Path:
        return distributions.site_packages(self.ctx.python_dir, self.version.major_minor)

    def carry_out(self, decision: Plan[Inputs]) -> Outcome:
        out = self.ctx.output
        if isinstance(decision, Reuse):
            return self.reuse(decision.manifest)
        if isinstance(decision, Update):
            return self.update(decision.manifest, decision.old, decision.reasons, None)
        if isinstance(decision, Disabled):
            out.step(f"Build cache disabled ({CACHE_SWITCH}=off): installing from scratch")
            return Outcome(CacheStatus.DISABLED, (), self.fresh())
        if decision.reasons:
            out.step("Discarding cache since:")
            out.lines(f"- {reason}" for reason in decision.reasons)
        # The old environment stays in the cache until a new one replaces it: a build
        # that fails from here on leaves the last good cache for the next build.
        return Outcome(decision.status, decision.reasons, self.fresh())

    def reuse(self, manifest: Manifest) -> Outcome:
        """Nothing changed, unless the manager finds that a clean install would now
        differ (pip: unpinned packages); then that is an update."""
        drift = self.manager.check_before_reuse(manifest)
        if drift is not None:
            return self.update(manifest, None, drift.reasons, drift)
        self.ctx.output.step(self.manager.reuse_message(len(manifest.distributions)))
        return Outcome(CacheStatus.REUSED, (), {}, reused=self._keep_record(manifest))

    def _keep_record(self, manifest: Manifest) -> Manifest:
        """The manager asked its tool, which agreed: keep what it read (pip: the index
        pages, with the new one of a release outside the ranges), so the next build
        can tell without the tool. Only the manifest changes; env/ is the same."""
        record = self.manager.resolution_record()
        if self.store is None or record is None or record == manifest.index_pages:
            return manifest
        kept = replace(manifest, index_pages=record)
        write_atomically(self.store.manifest_path, kept.to_json())
        return kept

    def update(
        self,
        manifest: Manifest,
        old: Inputs | None,
        reasons: tuple[str, ...],
        drift: Drift | None,
    ) -> Outcome:
        """Start from the restored environment and change only what differs from a
        clean install; if the result is not exactly that, build from scratch."""
        out = self.ctx.output
        out.step("Updating the cached environment since:")
        out.lines(f"- {reason}" for reason in reasons)
        # Uninstalls leave the directories above a package's files (share/pkg/ above
        # share/pkg/data/) where a clean install makes none: prune them, whatever the
        # manager, anywhere in the prefix.
        dirs = distributions.package_dirs(self.site)
        updated = self.manager.update(old, manifest, drift, lambda: self._restore_again(manifest))
        distributions.prune_emptied_dirs(dirs, self.ctx.python_dir)
        if not updated.problems:
            return Outcome(CacheStatus.UPDATED, reasons, updated.distributions)
        problems = tuple(updated.problems[:5])
        out.step("The updated environment differs from a clean install; rebuilding")
        out.lines(f"- {p}" for p in problems)
        return Outcome(CacheStatus.DISCARDED, reasons + problems, self.fresh())

    def fresh(self) -> Mapping[str, Distribution]:
        """A pristine runtime, the manager's tool, then everything."""
        remove_tree(self.ctx.python_dir)
        python.install_runtime(
            self.ctx, self.store, self.version, self.runtime_url, self.version_origin
        )
        self.manager.install_tool()
        dists = self.manager.install()
        problems = self.manager.verify(dists)
        if problems:
            raise EnvironmentMismatch(problems)
        return dists

    def save(self, outcome: Outcome, fingerprint: Fingerprint[Inputs]) -> Manifest | None:
        if self.store is None:
            return None
        self.ctx.output.step("Saving cache")
        dists = tuple(sorted(outcome.distributions.values(), key=lambda d: d.name))
        record = self.manager.resolution_record()
        draft = Manifest(0, fingerprint.to_json(), dists, {}, index_pages=record)
        return self.store.save(self.ctx.python_dir, draft)

    def _restore_again(self, manifest: Manifest) -> None:
        """Back to the cached environment as it was, before a second way of updating."""
        assert self.store is not None
        problems = self.store.restore(self.ctx.python_dir, manifest)
        if problems:  # The cache changed under us while we hold its lock: a bug.
            raise RuntimeError(f"the cached environment changed during the build: {problems}")

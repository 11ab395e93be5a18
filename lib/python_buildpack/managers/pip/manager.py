"""pip: `requirements.txt` (and `requirements-test.txt` for bin/test-compile).

Updating a cached environment takes one of two ways. When every package is pinned,
the changed lines alone say what to remove and what to install (pinned.py);
otherwise pip's dry run says what a clean install picks now, and what differs is
uninstalled and installed. Either result is checked; a wrong one goes back to the
pipeline as problems, and the pipeline rebuilds.
"""

from __future__ import annotations

import json
import platform
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from ... import requirements
from ...cache.changes import equal_except
from ...cache.manifest import Distribution, Manifest
from ...context import BuildContext
from ...errors import (
    BuildWarning,
    PackageIndexFailed,
    PipInstallFailed,
    PipResolutionFailed,
    UnpinnedPackages,
)
from ...install import distributions
from ...python_version import ResolvedPythonVersion
from .. import registry
from ..base import Drift, PackageManager, Updated
from . import commands, index, pinned, tool
from .index_pages import PageRecord, PageSet, pip_args
from .inputs import LINE_FIELDS, PipFacts, PipInputs, compute, describe_reuse
from .report import InstallReport

if TYPE_CHECKING:
    # Imported where used: the page check and its download client by unpinned apps,
    # packaging's markers by a pinned update; an unchanged pinned app needs neither.
    from ...runtime.download import Client
    from .index_check import Verdict

REQUIREMENTS_FILE = registry.PIP.file
TEST_REQUIREMENTS_FILE = "requirements-test.txt"
INSTALLING = "Installing dependencies using pip"


# For later buildpacks and the dyno, as classic sets it (lib/pip.sh): the slug's pip
# is the one the build pinned, so a notice that a newer one exists is noise.
PIP_RUNTIME_ENV = {"PIP_DISABLE_PIP_VERSION_CHECK": "1"}


class Pip(PackageManager[PipInputs]):
    entry = registry.PIP

    def __init__(self, ctx: BuildContext, python: ResolvedPythonVersion, *, test: bool) -> None:
        self.ctx = ctx
        self.python = python
        self.version = tool.pip_pin(ctx).version
        self.files = [REQUIREMENTS_FILE]
        if test and (ctx.build_dir / TEST_REQUIREMENTS_FILE).is_file():
            self.files.append(TEST_REQUIREMENTS_FILE)
        # The whole requirements graph is read before anything is installed: a bad
        # file fails the build here, with the cache untouched.
        self.graphs = [
            requirements.load_requirements_graph(ctx.build_dir, f, ctx.config_vars)
            for f in self.files
        ]
        self.env: dict[str, str] = {}
        self._facts: PipFacts | None = None
        self.index_urls, self.find_links = index.configured_locations(ctx.config_vars, self.graphs)
        # The index pages of this build's resolution (from scratch or the dry run),
        # for the manifest; None: no resolution of everything ran in this build.
        self._pages: PageSet | None = None
        # A failure the page check saw, to name the index if pip then fails too.
        self._check_failures: tuple[tuple[str, str], ...] = ()
        # One download client for the index check and the recording after pip: the
        # index's host name looked up once, its connections kept (runtime/pool.py).
        self._index_client: Client | None = None

    @property
    def facts(self) -> PipFacts:
        assert self._facts is not None, "prepare() first"
        return self._facts

    @property
    def site(self) -> Path:
        return distributions.site_packages(self.ctx.python_dir, self.python.major_minor)

    # --- inputs -----------------------------------------------------------------

    def prepare(self, tool_cache: Path | None) -> PipInputs:
        self.env = tool.app_pip_env(self.ctx, tool_cache)
        self._facts = compute(self.ctx, self.graphs, self.files, pip=self.version)
        return self._facts.inputs

    def reuse_message(self, packages: int) -> str:
        # Its words count the requirement files read (a nested -r file too).
        return describe_reuse(self.facts.inputs, packages)

    # --- installing ---------------------------------------------------------------

    def check_before_reuse(self, manifest: Manifest) -> Drift | None:
        """Nothing changed. With unpinned packages, a clean install must pick the same
        set now: unchanged index pages say so; otherwise pip's dry run must agree."""
        if not self.facts.needs_resolution(manifest):
            return None
        out = self.ctx.output
        observed: Mapping[tuple[str, str], PageRecord] = {}
        if index.switched_off(self.ctx.config_vars):
            out.step(f"Index-page check switched off ({index.SWITCH}=off)")
        else:
            verdict = self._check_pages(manifest)
            out.step(verdict.describe())
            if verdict.status == "unchanged":
                return None
            out.lines(index.explain(verdict))
            observed = verdict.observed
        clean = self._clean_resolution(observed)
        drift = distribution_changes(manifest.distributions, clean)
        return Drift(tuple(drift), clean) if drift else None

    def _check_pages(self, manifest: Manifest) -> Verdict:
        verdict = index.check(
            manifest,
            self.index_urls,
            self.find_links,
            moving=sorted(self.facts.inputs.moving),
            trust_env=self.env,
            client=self._client(),
        )
        self._check_failures = verdict.failures
        return verdict

    def _client(self) -> Client:
        if self._index_client is None:
            from .index_check import index_client

            self._index_client = index_client(self.env)
        return self._index_client

    def resolution_record(self) -> dict[str, object] | None:
        # As the manifest reads it back (lists, not tuples): equal when unchanged.
        return None if self._pages is None else json.loads(json.dumps(self._pages.to_json()))

    def install_tool(self) -> None:
        tool.install_pip(self.ctx, self.python.major_minor)

    def install(self) -> dict[str, Distribution]:
        self.ctx.output.step(INSTALLING)
        return self._distributions(self._pip_install(record={}))

    def update(
        self,
        old: PipInputs | None,
        manifest: Manifest,
        drift: Drift | None,
        restore_again: Callable[[], None],
    ) -> Updated:
        if old is not None and drift is None and self._pinned_update_possible(old, manifest):
            dists = self._pinned(old, manifest)
            if dists is not None:
                return Updated(dists)
            self.ctx.output.info("Asking pip what a clean install picks instead")
            restore_again()
        return self._general(manifest, drift.clean if drift else None)

    def must_be_installed(self, installed: Mapping[str, Distribution]) -> dict[str, str]:
        versions = {name: dist.version for name, dist in installed.items()}
        versions.setdefault("pip", self.version)  # the buildpack's, unless the app pins it
        return versions

    def export_env(self) -> dict[str, str]:
        return dict(PIP_RUNTIME_ENV)

    def runtime_env(self) -> dict[str, str]:
        return dict(PIP_RUNTIME_ENV)

    def unpinned(self, installed: Mapping[str, str]) -> list[str]:
        return [*self.facts.unpinned, *self._unpinned_dependencies(installed)]

    def warnings(self, installed: Mapping[str, str]) -> list[BuildWarning]:
        direct, dependencies = self.facts.unpinned, self._unpinned_dependencies(installed)
        return [UnpinnedPackages(direct, dependencies)] if direct or dependencies else []

    def _unpinned_dependencies(self, installed: Mapping[str, str]) -> list[str]:
        """Installed names no file pins, but not the direct requirements (ranges,
        unpinned lines): those are listed once, by their line."""
        direct = {
            e.name for g in self.graphs for e in g.requirements
            if e.name and e.kind == "requirement"
        }  # fmt: skip
        return [n for n in self.facts.unpinned_transitive(installed) if n not in direct]

    # --- the two ways of updating ---------------------------------------------------

    def _pinned_update_possible(self, old: PipInputs, manifest: Manifest) -> bool:
        return equal_except(old, self.facts.inputs, LINE_FIELDS) and (
            self.facts.pinned_update_possible(old, manifest)
        )

    def _pinned(self, old: PipInputs, manifest: Manifest) -> dict[str, Distribution] | None:
        """Every package is pinned: the changed lines alone say what to do."""
        ctx, new = self.ctx, self.facts.inputs
        cached = {d.name: d for d in manifest.distributions}
        plan = pinned.plan_pinned_update(old.entries, new.entries, manifest.versions)
        if plan.uninstall:
            commands.uninstall(ctx, plan.uninstall, self.env)
        dists = {name: d for name, d in cached.items() if name not in plan.uninstall}
        if plan.install:
            ctx.output.step(INSTALLING)
            dists.update(self._distributions(self._pip_install()))
        from ...python_version.markers import marker_environment

        metadata = distributions.installed_requirements(self.site)
        marker_env = marker_environment(  # as pip in the app's Python on this machine
            str(self.python),
            self.ctx.arch,
            platform_release=platform.release(),
            platform_version=platform.version(),
        )
        reached, problems = pinned.closure(self.graphs, metadata, marker_env)
        unneeded = sorted(set(metadata) - reached - {"pip"})
        if unneeded and not problems:
            commands.uninstall(ctx, unneeded, self.env)
            dists = {n: d for n, d in dists.items() if n not in unneeded}
        pins = pinned.pinned_versions(new.entries)
        problems += [
            f"{name} {dists[name].version} is installed, but {name}=={' or '.join(sorted(v))} "
            "is pinned"
            for name, v in pins.items()
            if name in dists and dists[name].version not in v
        ]
        distributions.prune_empty_dirs(self.site)
        problems += distributions.verify(self.site, self.must_be_installed(dists))
        if problems:
            ctx.output.lines(f"- {p}" for p in problems[:5])
            return None
        return dists

    def _general(self, manifest: Manifest, clean: Mapping[str, Distribution] | None) -> Updated:
        """pip's dry run says what a clean install picks; change what differs."""
        if clean is None:
            clean = self._clean_resolution()
        old = {d.name: d for d in manifest.distributions if d.name != "pip"}
        stale = sorted(name for name, dist in old.items() if clean.get(name) != dist)
        if stale:
            commands.uninstall(self.ctx, stale, self.env)
            distributions.prune_empty_dirs(self.site)
        if any(name not in old or old[name] != dist for name, dist in clean.items()):
            self.ctx.output.step(INSTALLING)
            self._pip_install()
        return Updated(clean, distributions.verify(self.site, self.must_be_installed(clean)))

    # --- pip itself ---------------------------------------------------------------------

    def _clean_resolution(
        self, observed: Mapping[tuple[str, str], PageRecord] | None = None
    ) -> dict[str, Distribution]:
        """pip's dry run: what a clean install picks now (its pages are recorded)."""

        def dry_run(extra: list[str]) -> InstallReport:
            return commands.resolve(self.ctx, self.files, self.env, extra)

        return self._distributions(self._recorded(dry_run, observed or {}))

    def _pip_install(
        self, record: Mapping[tuple[str, str], PageRecord] | None = None
    ) -> InstallReport:
        """`record`: this install resolves everything (from scratch), so its pages
        are the record to keep (with the pages a check saw before it); None: an
        install into a restored environment, whose log lists only part of them."""

        def run(extra: list[str]) -> InstallReport:
            return commands.install(self.ctx, self.files, self.env, extra)

        report = self._recorded(run, record) if record is not None else self._named(run)
        distributions.relocate_build_paths(
            self.site, self.ctx.build_dir, self.ctx.app_dir, self.ctx.as_written
        )
        return report

    def _recorded(
        self,
        run: Callable[[list[str]], InstallReport],
        observed: Mapping[tuple[str, str], PageRecord],
    ) -> InstallReport:
        """Run pip with its debug log; keep the record of the pages it read."""
        from .index_check import record_resolution

        with index.pip_log() as log:
            report = self._named(run, log)
            pages = record_resolution(
                index.read_log(log), report, self.index_urls, self.find_links,
                observed=observed, trust_env=self.env, client=self._client(),
            )  # fmt: skip
            self._pages = index.hidden(pages, self.ctx.redactor)
        return report

    def _named(
        self, run: Callable[[list[str]], InstallReport], log: Path | None = None
    ) -> InstallReport:
        """pip failed: when the index failed it (pip's log, or the page check, says
        so), the error names the index instead of pip's "from versions: none"."""
        with index.pip_log() as fallback:
            log = log or fallback
            try:
                return run(pip_args(str(log)))
            except (PipInstallFailed, PipResolutionFailed) as error:
                failures = index.index_failures(index.read_log(log))
                failures = failures or list(self._check_failures)
                if not failures:
                    raise
                raise PackageIndexFailed(error.command, failures, error.output_tail) from None

    def _distributions(self, report: InstallReport) -> dict[str, Distribution]:
        relocation = (self.ctx.build_dir.as_uri(), self.ctx.app_dir.as_uri())
        return commands.distributions_from_report(
            report, self.facts.local_hashes, relocation, self.ctx.as_written
        )


def distribution_changes(
    cached: Iterable[Distribution], clean: Mapping[str, Distribution]
) -> list[str]:
    """How a clean install now differs from the cached one, from pip's dry run."""
    # pip is the buildpack's own unless the app pins it; either way not drift.
    old = {d.name: d for d in cached if d.name != "pip"}
    clean = {name: d for name, d in clean.items() if name != "pip"}
    messages = []
    for name in sorted(old.keys() | clean.keys()):
        before, after = old.get(name), clean.get(name)
        if after is None and before is not None:
            messages.append(f"pip would no longer install {name} {before.version}")
        elif before is None and after is not None:
            messages.append(f"pip would now also install {name} {after.version}")
        elif before is not None and after is not None and before != after:
            if before.version != after.version:
                messages.append(
                    f"pip would now install {name} {after.version} instead of {before.version}"
                )
            else:
                messages.append(f"pip would now install {name} {after.version} from another source")
    return messages

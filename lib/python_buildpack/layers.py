"""The environment layer: bring `.heroku/python` to the state a clean build would
give, as cheaply as the cache allows: reuse it, update it in place, or build it
from scratch.

Every decision is explained in the log in terms of the user's own files.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import dependencies, environment, fingerprint, pip, resolution, runtime
from .cache import CacheStore, Distribution, Manifest, remove_tree, write_atomically
from .context import BuildContext
from .errors import EnvironmentMismatch
from .output import Output
from .python_version import (
    LATEST_PATCH,
    RequestedPythonVersion,
    ResolvedPythonVersion,
    VersionOrigin,
)
from .report import BuildReport
from .requirements import RequirementsGraph

CACHE_SWITCH = "PYTHON_BUILD_CACHE"


def cache_disabled(config_vars: Mapping[str, str]) -> bool:
    return config_vars.get(CACHE_SWITCH, "").strip().lower() in ("off", "0", "false", "no")


def describe_version(requested: RequestedPythonVersion, resolved: ResolvedPythonVersion) -> str:
    if requested.origin is VersionOrigin.DEFAULT:
        return f"No Python version specified, using the current default of Python {resolved}"
    return f"Using Python {requested} specified in {requested.origin_file}"


@contextlib.contextmanager
def app_dir_link(ctx: BuildContext) -> Iterator[None]:
    """Make `$BUILDPACK_APP_DIR/.heroku/python` lead to the build's Python, so that
    sys.prefix, shebangs and .pth paths are the ones the app will run with."""
    link = ctx.runtime_python_dir
    if os.path.realpath(ctx.app_dir) != os.path.realpath(ctx.build_dir):
        link.parent.mkdir(parents=True, exist_ok=True)
        if link.is_symlink() or link.is_file():
            link.unlink()
        elif link.is_dir():
            remove_tree(link)
        link.symlink_to(ctx.python_dir)
    yield


@contextlib.contextmanager
def locked(store: CacheStore | None, output: Output) -> Iterator[None]:
    if store is None:
        yield
    else:
        with store.locked(output):
            yield


@dataclass(frozen=True)
class InstallResult:
    status: str
    installed: dict[str, str]
    manifest: Manifest | None


def _site_packages(ctx: BuildContext, version: ResolvedPythonVersion) -> Path:
    return pip.site_packages(ctx.python_dir, version.major_minor)


def install_environment(
    ctx: BuildContext,
    store: CacheStore | None,
    version: ResolvedPythonVersion,
    files: Sequence[str],
    graphs: Sequence[RequirementsGraph],
    report: BuildReport,
) -> InstallResult:
    base_url = runtime.runtime_base_url(ctx.config_vars, ctx.host_env)
    pip_version = pip.pip_pin(ctx).version
    report.pip_version = pip_version
    inputs = fingerprint.compute(
        ctx, graphs, files, python=str(version), runtime_url=base_url, pip=pip_version
    )
    result = _install(ctx, store, version, base_url, files, graphs, inputs, report)
    report.installed = [{"name": n, "version": v} for n, v in sorted(result.installed.items())]
    report.unpinned = [*inputs.unpinned, *inputs.unpinned_transitive(result.installed)]
    if report.unpinned:
        _warn_unpinned(ctx.output, inputs.unpinned, inputs.unpinned_transitive(result.installed))
    return result


def _warn_unpinned(out: Output, direct: Sequence[str], transitive: Sequence[str]) -> None:
    lines = [f"- {line}" for line in direct]
    lines += [f"- {name} (installed as a dependency; no file pins it)" for name in transitive]
    out.warning(
        "Some packages are not pinned to an exact version.",
        "A clean build may pick newer versions of these at any time:\n"
        + "\n".join(lines)
        + "\n\nSo before reusing the cache, every build asks pip what a clean install\n"
        "would pick now, which takes time. Pin every package to make builds\n"
        "repeatable and cached builds instant, for example:\n\n"
        "  pip freeze > requirements.txt",
    )


def _install(
    ctx: BuildContext,
    store: CacheStore | None,
    version: ResolvedPythonVersion,
    base_url: str,
    files: Sequence[str],
    graphs: Sequence[RequirementsGraph],
    inputs: fingerprint.Inputs,
    report: BuildReport,
) -> InstallResult:
    out = ctx.output
    env = pip.app_pip_env(ctx, store.pip_cache_dir if store else None)

    if store is None:
        out.step(f"Build cache disabled ({CACHE_SWITCH}=off): installing from scratch")
        report.cache_status = "disabled"
        dists = _fresh(ctx, None, version, base_url, files, env, inputs)
        return _finish(ctx, None, version, dists, inputs, report, "disabled")

    manifest, reasons = store.load_manifest()
    if manifest is not None:
        changes = fingerprint.differences(manifest.fingerprint, inputs.values)
        if any(not change.incremental for change in changes):
            reasons = [c.message for c in changes]
        else:
            # Restored by hard links and checked against the manifest in one pass.
            reasons = store.restore(ctx.python_dir, manifest)
        if not reasons and not changes:
            return _reuse(ctx, store, manifest, version, base_url, files, env, inputs, report)
        if not reasons:
            update = _Update(ctx, store, manifest, version, base_url, files, env, inputs, report)
            return update.run([c.message for c in changes], graphs)

    if reasons:
        out.step("Discarding cache since:")
        out.lines(f"- {reason}" for reason in reasons)
        report.cache_status = "discarded"
        report.cache_discard_reasons = list(reasons)
    else:
        report.cache_status = "empty"
    # The old environment stays in the cache until a new one replaces it: a build
    # that fails from here on leaves the last good cache for the next build.
    dists = _fresh(ctx, store, version, base_url, files, env, inputs)
    return _finish(ctx, store, version, dists, inputs, report, report.cache_status)


def _clean_resolution(
    ctx: BuildContext, files: Sequence[str], env: Mapping[str, str], inputs: fingerprint.Inputs
) -> dict[str, Distribution]:
    report = dependencies.resolve(ctx, files, env)
    return dependencies.distributions_from_report(report, inputs.local_hashes, _relocation(ctx))


def _relocation(ctx: BuildContext) -> tuple[str, str]:
    return ctx.build_dir.as_uri(), ctx.app_dir.as_uri()


def _pip_install(
    ctx: BuildContext, version: ResolvedPythonVersion, files: Sequence[str], env: Mapping[str, str]
) -> dict[str, Any]:
    report = dependencies.install(ctx, files, env)
    environment.relocate_build_paths(_site_packages(ctx, version), ctx.build_dir, ctx.app_dir)
    return report


def _reuse(
    ctx: BuildContext,
    store: CacheStore,
    manifest: Manifest,
    version: ResolvedPythonVersion,
    base_url: str,
    files: Sequence[str],
    env: Mapping[str, str],
    inputs: fingerprint.Inputs,
    report: BuildReport,
) -> InstallResult:
    """Nothing changed. With unpinned packages, pip's dry run must agree first."""
    if inputs.needs_resolution(manifest):
        ctx.output.step("Checking what a clean install would pick for unpinned requirements")
        clean = _clean_resolution(ctx, files, env, inputs)
        drift = fingerprint.distribution_changes(manifest.distributions, clean)
        if drift:
            update = _Update(ctx, store, manifest, version, base_url, files, env, inputs, report)
            return update.general(drift, clean)
    ctx.output.step(fingerprint.describe_reuse(inputs, len(manifest.distributions)))
    report.cache_status = "reused"
    installed = {d.name: d.version for d in manifest.distributions}
    return InstallResult("reused", installed, manifest)


@dataclass
class _Update:
    """Start from the restored environment and change only what differs from a
    clean install; if the result is not exactly that, build from scratch."""

    ctx: BuildContext
    store: CacheStore
    manifest: Manifest
    version: ResolvedPythonVersion
    base_url: str
    files: Sequence[str]
    env: Mapping[str, str]
    inputs: fingerprint.Inputs
    report: BuildReport

    @property
    def site(self) -> Path:
        return _site_packages(self.ctx, self.version)

    def _announce(self, reasons: Sequence[str]) -> None:
        self.ctx.output.step("Updating the cached environment since:")
        self.ctx.output.lines(f"- {reason}" for reason in reasons)
        self.report.cache_status = "updated"
        self.report.cache_discard_reasons = list(reasons)

    def run(self, reasons: Sequence[str], graphs: Sequence[RequirementsGraph]) -> InstallResult:
        self._announce(reasons)
        old, new = self.manifest.fingerprint, self.inputs.values
        if fingerprint.only_requirement_lines_changed(
            old, new
        ) and self.inputs.pinned_update_possible(self.manifest):
            dists = self._pinned(graphs)
            if dists is not None:
                return self._finish(dists)
            self.ctx.output.info("Asking pip what a clean install picks instead")
            _restore_again(self.ctx, self.store, self.manifest)
        return self._general(None)

    def general(self, reasons: Sequence[str], clean: dict[str, Distribution]) -> InstallResult:
        self._announce(reasons)
        return self._general(clean)

    def _pinned(self, graphs: Sequence[RequirementsGraph]) -> dict[str, Distribution] | None:
        """Every package is pinned: the changed lines alone say what to do."""
        old = {d.name: d for d in self.manifest.distributions}
        installed = {name: d.version for name, d in old.items()}
        package_dirs = environment.package_dirs(self.site)
        plan = resolution.plan_pinned_update(
            self.manifest.fingerprint["entries"], self.inputs.values["entries"], installed
        )
        if plan.uninstall:
            dependencies.uninstall(self.ctx, plan.uninstall, self.env)
        dists = {name: d for name, d in old.items() if name not in plan.uninstall}
        if plan.install:
            self.ctx.output.step("Installing dependencies using pip")
            pip_report = _pip_install(self.ctx, self.version, self.files, self.env)
            dists.update(
                dependencies.distributions_from_report(
                    pip_report, self.inputs.local_hashes, _relocation(self.ctx)
                )
            )
        metadata = resolution.installed_requirements(self.site)
        marker_env = resolution.marker_environment(str(self.version))
        reached, problems = resolution.closure(graphs, metadata, marker_env)
        unneeded = sorted(set(metadata) - reached - {"pip"})
        if unneeded and not problems:
            dependencies.uninstall(self.ctx, unneeded, self.env)
            dists = {n: d for n, d in dists.items() if n not in unneeded}
        pins = resolution.pinned_versions(self.inputs.values["entries"])
        problems += [
            f"{name} {dists[name].version} is installed, but {name}=={' or '.join(sorted(v))} "
            "is pinned"
            for name, v in pins.items()
            if name in dists and dists[name].version not in v
        ]
        environment.prune_empty_dirs(self.site)
        environment.prune_emptied_dirs(package_dirs, self.ctx.python_dir)
        problems += _check_installed(self.ctx, self.version, dists)
        if problems:
            self.ctx.output.lines(f"- {p}" for p in problems[:5])
            return None
        return dists

    def _general(self, clean: dict[str, Distribution] | None) -> InstallResult:
        """pip's dry run says what a clean install picks; change what differs."""
        ctx, out = self.ctx, self.ctx.output
        if clean is None:
            clean = _clean_resolution(ctx, self.files, self.env, self.inputs)
        old = {d.name: d for d in self.manifest.distributions if d.name != "pip"}
        stale = sorted(name for name, dist in old.items() if clean.get(name) != dist)
        package_dirs = environment.package_dirs(self.site)
        if stale:
            dependencies.uninstall(ctx, stale, self.env)
            environment.prune_empty_dirs(self.site)
        if any(name not in old or old[name] != dist for name, dist in clean.items()):
            out.step("Installing dependencies using pip")
            _pip_install(ctx, self.version, self.files, self.env)
        environment.prune_emptied_dirs(package_dirs, ctx.python_dir)
        problems = _check_installed(ctx, self.version, clean)
        if problems:
            out.step("The updated environment differs from a clean install; rebuilding")
            out.lines(f"- {p}" for p in problems[:5])
            self.report.cache_status = "discarded"
            self.report.cache_discard_reasons += problems[:5]
            clean = _fresh(
                ctx, self.store, self.version, self.base_url, self.files, self.env, self.inputs
            )
        return self._finish(clean)

    def _finish(self, dists: Mapping[str, Distribution]) -> InstallResult:
        return _finish(
            self.ctx,
            self.store,
            self.version,
            dists,
            self.inputs,
            self.report,
            self.report.cache_status,
        )


def _restore_again(ctx: BuildContext, store: CacheStore, manifest: Manifest) -> None:
    """Back to the cached environment as it was, before a second way of updating."""
    problems = store.restore(ctx.python_dir, manifest)
    if problems:  # The cache changed under us while we hold its lock: a bug.
        raise RuntimeError(f"the cached environment changed during the build: {problems}")


def _fresh(
    ctx: BuildContext,
    store: CacheStore | None,
    version: ResolvedPythonVersion,
    base_url: str,
    files: Sequence[str],
    env: Mapping[str, str],
    inputs: fingerprint.Inputs,
) -> dict[str, Distribution]:
    remove_tree(ctx.python_dir)
    install_runtime(ctx, store, version, base_url)
    pip.install_pip(ctx, version.major_minor)
    ctx.output.step("Installing dependencies using pip")
    pip_report = _pip_install(ctx, version, files, env)
    dists = dependencies.distributions_from_report(
        pip_report, inputs.local_hashes, _relocation(ctx)
    )
    problems = _check_installed(ctx, version, dists)
    if problems:
        raise EnvironmentMismatch(problems)
    return dists


def _check_installed(
    ctx: BuildContext, version: ResolvedPythonVersion, expected: Mapping[str, Distribution]
) -> list[str]:
    site = _site_packages(ctx, version)
    versions = {name: dist.version for name, dist in expected.items()}
    versions.setdefault("pip", pip.pip_pin(ctx).version)
    problems = dependencies.installed_mismatch(site, versions)
    return problems + environment.unowned_or_missing(site)


def _finish(
    ctx: BuildContext,
    store: CacheStore | None,
    version: ResolvedPythonVersion,
    dists: Mapping[str, Distribution],
    inputs: fingerprint.Inputs,
    report: BuildReport,
    status: str,
) -> InstallResult:
    installed = environment.installed_distributions(_site_packages(ctx, version))
    manifest = None
    if store is not None:
        ctx.output.step("Saving cache")
        draft = Manifest(0, inputs.values, tuple(sorted(dists.values(), key=lambda d: d.name)), {})
        manifest = store.save(ctx.python_dir, draft)
    return InstallResult(status, installed, manifest)


def remove_disabled_cache(ctx: BuildContext, store: CacheStore | None) -> None:
    """With the cache switched off, the old one goes, once the build has succeeded
    (a failed build leaves it), and under the lock (another build may use it)."""
    if store is not None:
        return
    old = CacheStore(ctx.cache_root)
    if old.root.is_dir() and any(p.name != "lock" for p in old.root.iterdir()):
        with old.locked(ctx.output):
            old.clear()
        ctx.output.step(f"Removed the old build cache ({CACHE_SWITCH}=off)")


def check_cache_after_hooks(
    ctx: BuildContext, store: CacheStore | None, result: InstallResult
) -> None:
    """The build's files are hard links to the cache's: a hook that wrote into one in
    place changed the cached copy too. Then the cache must not be used again."""
    if store is None or result.manifest is None:
        return
    changed = store.verify_env(result.manifest)
    if changed:
        store.discard()
        ctx.output.warning(
            "A build step changed installed files in place.",
            "After the packages were installed, something (a hook, collectstatic) wrote\n"
            "into files under .heroku/python:\n"
            + "\n".join(f"- {c}" for c in changed)
            + "\n\nThe build cache was discarded so that the next build starts clean.\n"
            "Write generated files elsewhere, or replace files instead of editing them.",
        )


# --- the runtime --------------------------------------------------------------


def install_runtime(
    ctx: BuildContext, store: CacheStore | None, version: ResolvedPythonVersion, base_url: str
) -> None:
    name = runtime.archive_name(str(version), ctx.stack.ubuntu, ctx.arch)
    url = f"{base_url.rstrip('/')}/{name}"
    ctx.output.step(f"Installing Python {version}")
    if store is None:
        with tempfile.TemporaryDirectory(prefix="python-runtime-") as tmp:
            archive = Path(tmp) / name
            _download(ctx, url, archive, version)
            runtime.extract_archive(archive, ctx.python_dir)
        return
    pristine = _pristine_runtime(ctx, store, name, url, version)
    environment.link_tree(pristine, ctx.python_dir)


def _download(ctx: BuildContext, url: str, archive: Path, version: ResolvedPythonVersion) -> None:
    supported = [f"{m}.{n}.{p}" for (m, n), p in sorted(LATEST_PATCH.items())]
    runtime.download_runtime(
        url,
        archive,
        trust_env=ctx.host_env,
        version=str(version),
        stack=ctx.stack.name,
        arch=ctx.arch,
        supported=supported,
    )


def _pristine_runtime(
    ctx: BuildContext, store: CacheStore, name: str, url: str, version: ResolvedPythonVersion
) -> Path:
    """An extracted runtime kept in the cache, checked against its snapshot."""
    stem = name.removesuffix(".tar.zst")
    target = store.runtimes_dir / stem
    stamp = store.runtimes_dir / f"{stem}.json"
    with contextlib.suppress(OSError, ValueError):
        saved = json.loads(stamp.read_text(encoding="utf-8"))
        if saved["url"] == url and saved["snapshot"] == environment.snapshot(target):
            ctx.output.info("Using the cached copy of the runtime")
            return target
    store.runtimes_dir.mkdir(parents=True, exist_ok=True)
    remove_tree(target)
    with tempfile.TemporaryDirectory(dir=store.runtimes_dir, prefix=".download-") as tmp:
        archive = Path(tmp) / name
        _download(ctx, url, archive, version)
        runtime.extract_archive(archive, target)
    write_atomically(stamp, json.dumps({"url": url, "snapshot": environment.snapshot(target)}))
    for other in store.runtimes_dir.iterdir():  # one runtime at a time is enough
        if other not in (target, stamp):
            remove_tree(other)
    return target

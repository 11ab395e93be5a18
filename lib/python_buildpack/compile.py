"""bin/compile and bin/test-compile: the steps of a build, in order.

This module is the table of contents. The work is in the modules it calls; the
words of the log are in those modules and in the errors/ package.
"""

from __future__ import annotations

import time
from typing import Any

from . import config, python_version
from .app import checks, django, hooks, profile_d
from .app.nltk_corpora import download_corpora
from .cache import store as cache
from .cache.store import CacheStore
from .context import BuildContext
from .errors import BuildpackError, FilesystemFailed, filesystem
from .install import app_dir, python, strategies
from .managers.base import PackageManager
from .managers.selection import for_app
from .report import BuildReport, CacheStatus


def compile_app(ctx: BuildContext, *, test: bool = False) -> None:
    report = BuildReport(stack=ctx.stack.name, arch=ctx.arch)
    failed = True
    try:
        with filesystem.during(filesystem.BUILDING, ctx.places):
            _compile(ctx, report, test=test)
        failed = False
    except BuildpackError as error:
        report.failure_reason = error.failure_reason
        if not report.install_recorded:
            _failed_before_install(ctx, report)
        raise
    finally:
        report.commands = list(ctx.runner.started)
        _save_report(ctx, report, failed=failed)


def _failed_before_install(ctx: BuildContext, report: BuildReport) -> None:
    """Before the install decided anything (a requirements file pip can't read, a
    version, a hook), the cache was not touched: say whether a good one is there."""
    if cache.cache_disabled(ctx.config_vars):
        strategies.record_failure(ctx, None, report, CacheStatus.DISABLED, ())
    else:
        strategies.record_failure(ctx, CacheStore(ctx.cache_root), report, CacheStatus.EMPTY, ())


def _save_report(ctx: BuildContext, report: BuildReport, *, failed: bool) -> None:
    try:
        with filesystem.during(filesystem.WRITING_REPORT, ctx.places):
            report.save(ctx.cache_dir)
    except FilesystemFailed as problem:
        # A failed build's own error is the one to show (a read-only CACHE_DIR fails
        # both); a build that worked still works without its report.
        if not failed:
            ctx.output.warning(problem)


def _compile(ctx: BuildContext, report: BuildReport, *, test: bool) -> None:
    out = ctx.output
    config.check_config_vars(ctx.config_vars)
    if ctx.stack.is_default:
        out.step(f"No STACK set: building for {ctx.stack.name}")

    store = None if cache.cache_disabled(ctx.config_vars) else cache.CacheStore(ctx.cache_root)
    # From the first hook to the last, `$BUILDPACK_APP_DIR/.heroku/python` is this
    # build's: another build sharing the app dir waits (install/app_dir.py), and
    # takes the cache's lock only after it (one lock order: no deadlock).
    with filesystem.entering(app_dir.claimed(ctx), filesystem.CLAIMING_APP_DIR, ctx.places):
        nltk_data, manager = _build(ctx, report, store, test=test)
    cache.remove_disabled_cache(ctx.cache_root, store, out)

    with filesystem.during(filesystem.WRITING_RUN_TIME_FILES, ctx.places):
        runtime_env = manager.runtime_env()
        profile_d.write_profile_d(ctx.build_dir, nltk_data=nltk_data, manager=runtime_env)
        extra = manager.export_env()
        profile_d.write_export(ctx.buildpack_dir, ctx.python_dir, nltk_data=nltk_data, extra=extra)


def _build(
    ctx: BuildContext, report: BuildReport, store: CacheStore | None, *, test: bool
) -> tuple[bool, PackageManager[Any]]:
    """The steps that run with the app dir's Python: whether NLTK data was added, and
    the package manager (what it adds for later buildpacks and at run time)."""
    out = ctx.output
    hooks.run_hook(ctx, "pre_compile")

    for warning in checks.check_app(ctx.build_dir):
        out.warning(warning)
    manager_type = for_app(ctx.build_dir)
    manager_type.check_config_vars(ctx.config_vars)

    requested = manager_type.requested_python(ctx.build_dir)
    resolved = python_version.resolve_python_version(requested)
    report.python_version = str(resolved)
    report.python_version_origin = requested.origin.value
    out.step(python.describe_version(requested, resolved))
    for warning in python_version.version_warnings(requested):
        out.warning(warning)

    manager = manager_type(ctx, resolved, test=test)

    with filesystem.entering(cache.locked(store, out), filesystem.LOCKING_CACHE, ctx.places):
        started = time.monotonic()
        result = strategies.install_environment(
            ctx, store, manager, resolved, report, version_origin=requested.origin_file
        )
        report.timed("dependencies", started)

        # After the environment is saved: NLTK data is never cached (nltk_corpora.py).
        nltk_data = download_corpora(ctx, result.installed)
        collected = not test and django.run_collectstatic(ctx, result.installed) == "ran"
        hooked = hooks.run_hook(ctx, "post_compile")
        if nltk_data or collected or hooked:
            cache.check_after_hooks(store, result.manifest, out)
    return nltk_data, manager

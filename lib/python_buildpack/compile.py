"""bin/compile and bin/test-compile: the steps of a build, in order.

This module is the table of contents. The work is in the modules it calls; the
words of the log are in those modules and in the errors/ package.
"""

from __future__ import annotations

import time

from . import config, layers, python_version, requirements
from .app import checks, django, hooks, profile_d
from .app.nltk_corpora import download_corpora
from .cache import CacheStore
from .context import BuildContext
from .errors import BuildpackError
from .report import BuildReport

REQUIREMENTS_FILE = "requirements.txt"
TEST_REQUIREMENTS_FILE = "requirements-test.txt"


def compile_app(ctx: BuildContext, *, test: bool = False) -> None:
    report = BuildReport(stack=ctx.stack.name, arch=ctx.arch)
    try:
        _compile(ctx, report, test=test)
    except BuildpackError as error:
        report.failure_reason = error.failure_reason
        raise
    finally:
        report.commands = list(getattr(ctx.runner, "started", []))
        report.save(ctx.cache_dir)


def _compile(ctx: BuildContext, report: BuildReport, *, test: bool) -> None:
    out = ctx.output
    config.check_config_vars(ctx.config_vars)
    if ctx.stack.is_default:
        out.step(f"No STACK set: building for {ctx.stack.name}")

    hooks.run_hook(ctx, "pre_compile")

    for title, body in checks.check_app(ctx.build_dir):
        out.warning(title, body)

    requested = python_version.read_requested_python_version(ctx.build_dir)
    resolved = python_version.resolve_python_version(requested)
    report.python_version = str(resolved)
    report.python_version_origin = requested.origin.value
    out.step(layers.describe_version(requested, resolved))
    for title, body in python_version.version_warnings(requested):
        out.warning(title, body)

    files = [REQUIREMENTS_FILE]
    if test and (ctx.build_dir / TEST_REQUIREMENTS_FILE).is_file():
        files.append(TEST_REQUIREMENTS_FILE)
    # The whole requirements graph is read before anything is installed: a bad
    # file fails the build here, with the cache untouched.
    graphs = [
        requirements.load_requirements_graph(ctx.build_dir, f, ctx.config_vars) for f in files
    ]

    store = None if layers.cache_disabled(ctx.config_vars) else CacheStore(ctx.cache_root)
    with layers.app_dir_link(ctx), layers.locked(store, out):
        started = time.monotonic()
        result = layers.install_environment(ctx, store, resolved, files, graphs, report)
        report.timed("dependencies", started)

        # After the environment is saved: NLTK data is never cached (nltk_corpora.py).
        nltk_data = download_corpora(ctx, result.installed)
        collected = not test and django.run_collectstatic(ctx, result.installed) == "ran"
        hooked = hooks.run_hook(ctx, "post_compile")
        if nltk_data or collected or hooked:
            layers.check_cache_after_hooks(ctx, store, result)
    layers.remove_disabled_cache(ctx, store)

    profile_d.write_profile_d(ctx.build_dir, nltk_data=nltk_data)
    profile_d.write_export(ctx.buildpack_dir, ctx.python_dir, nltk_data=nltk_data)

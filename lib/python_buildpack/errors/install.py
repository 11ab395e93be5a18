"""Errors of the install and the commands around it: pip, hooks, Django."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .base import BuildpackError, CommandFailed, bullet_list, visible


@dataclass(eq=False)
class PipInstallFailed(CommandFailed):
    command: str
    output_tail: Sequence[str] = field(default_factory=tuple)
    failure_reason = "pip_install"

    def title(self) -> str:
        return "Unable to install dependencies using pip."

    def failed(self) -> str:
        return (
            f"The command '{self.command}' failed. See the log above for pip's full\n"
            "output; its last lines were:"
        )

    def advice(self) -> str:
        return (
            "Check that every package and version in your requirements files exists on\n"
            "the package index you use, and that the build can reach that index. Run the\n"
            "same command locally in a new virtual environment to reproduce the error."
        )


@dataclass(eq=False)
class PipBootstrapFailed(CommandFailed):
    version: str
    output_tail: Sequence[str] = field(default_factory=tuple)
    failure_reason = "pip_bootstrap"

    def title(self) -> str:
        return f"Unable to install pip {self.version}."

    def failed(self) -> str:
        return "Installing pip into the app's Python failed:"

    def advice(self) -> str:
        return (
            "This is most likely a temporary problem; try the build again. If it keeps\n"
            "failing, clear the build cache."
        )


@dataclass(eq=False)
class PipResolutionFailed(CommandFailed):
    command: str
    output_tail: Sequence[str] = field(default_factory=tuple)
    failure_reason = "pip_resolve"

    def title(self) -> str:
        return "Unable to work out which packages a clean install would pick."

    def failed(self) -> str:
        return (
            "Before reusing the cache, the build asked pip what a clean install would\n"
            f"install today ('{self.command}'), and pip failed:"
        )

    def advice(self) -> str:
        return (
            "Check that every package in your requirements files exists on the index you\n"
            "use and that the build can reach it. Pinning every package (pip freeze) also\n"
            "avoids this check."
        )


@dataclass(eq=False)
class PackageIndexFailed(CommandFailed):
    """pip failed, and the index did not answer: pip run quietly words an index
    that answers 500 as "from versions: none", so the index is named first."""

    command: str
    failures: Sequence[tuple[str, str]]  # (redacted URL, status or error)
    output_tail: Sequence[str] = field(default_factory=tuple)
    failure_reason = "package_index"

    def title(self) -> str:
        return "The package index failed."

    def failed(self) -> str:
        shown = [f"{url}: {why}" for url, why in self.failures[:3]]
        if len(self.failures) > 3:
            shown.append(f"and {len(self.failures) - 3} more")
        return (
            "pip could not read these index pages:\n"
            f"{bullet_list(shown)}\n\n"
            f"So '{self.command}' failed; its last lines were:"
        )

    def advice(self) -> str:
        return (
            "The index may be down or refusing the build's credentials. Nothing in the\n"
            "build cache was changed: a cache from an earlier build is kept for the next\n"
            "build. Build again once the index answers."
        )


@dataclass(eq=False)
class EnvironmentMismatch(BuildpackError):
    problems: Sequence[str]
    failure_reason = "environment_mismatch"

    def title(self) -> str:
        return "The installed packages are not the ones pip resolved."

    def body(self) -> str:
        return (
            "After installing, the build checked the app's Python against pip's report:\n"
            f"{bullet_list(self.problems)}\n\n"
            "This can happen when a package's setup script installs other packages. The\n"
            "cache was not saved. Please report it with your requirements files."
        )


@dataclass(eq=False)
class RuntimeWithoutEnsurepip(BuildpackError):
    version: str
    failure_reason = "runtime_without_ensurepip"

    def title(self) -> str:
        return f"The Python {self.version} runtime has no bundled pip."

    def body(self) -> str:
        return (
            "The buildpack installs pip with the pip wheel that CPython's ensurepip\n"
            "bundles (lib/pythonX.Y/ensurepip/_bundled/), and this runtime archive has\n"
            "none. Some Linux distributions remove it from their Python. Retrying will\n"
            "not help: point PYTHON_RUNTIME_BASE_URL at archives of a complete CPython,\n"
            "such as Heroku's, or pack one with tools/pack_runtime.py from a CPython\n"
            "built from source."
        )


@dataclass(eq=False)
class HookFailed(BuildpackError):
    hook: str
    exit_code: int
    failure_reason = "hook"

    def title(self) -> str:
        return f"The {self.hook} hook failed."

    def body(self) -> str:
        return (
            f"The script '{self.hook}' exited with status {self.exit_code}; its output is\n"
            "above. Fix the script, or remove it if the app no longer needs it."
        )


@dataclass(eq=False)
class CollectstaticFailed(CommandFailed):
    # classic finds manage.py up to three directories down: name the one that ran.
    manage_py: str
    exit_code: int
    output_tail: Sequence[str] = field(default_factory=tuple)
    failure_reason = "collectstatic"

    def title(self) -> str:
        return "Unable to generate Django static files."

    def failed(self) -> str:
        return (
            f"'python {visible(self.manage_py)} collectstatic --noinput' exited with status "
            f"{self.exit_code}.\nIts full output is above; it ended with:"
        )

    def advice(self) -> str:
        return (
            "Common causes: a settings module that cannot be imported, a setting that\n"
            "needs a config var the build does not have, STATIC_ROOT not set, or\n"
            "django.contrib.staticfiles missing from INSTALLED_APPS ('Unknown command').\n"
            "Fix the app, or, if it does not need its static files collected at build\n"
            "time, disable this step:\n\n"
            "  heroku config:set DISABLE_COLLECTSTATIC=1\n\n"
            "https://devcenter.heroku.com/articles/django-assets"
        )


@dataclass(eq=False)
class NltkDownloadFailed(CommandFailed):
    command: str
    exit_code: int
    output_tail: Sequence[str] = field(default_factory=tuple)
    failure_reason = "nltk_downloader"

    def title(self) -> str:
        return "Unable to download NLTK data."

    def failed(self) -> str:
        return (
            "The app installs nltk and lists NLTK data packages in nltk.txt, but\n"
            f"'{visible(self.command)}' exited with status {self.exit_code}.\n"
            "Its full output is above; it ended with:"
        )

    def advice(self) -> str:
        return (
            "Check that every name in nltk.txt is an NLTK data package, one per line\n"
            "(https://www.nltk.org/nltk_data/), and that the build can reach NLTK's data\n"
            "server. If the app needs no NLTK data, delete nltk.txt."
        )

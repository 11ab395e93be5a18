"""Errors of the build steps that run the app's own code or data: its hooks
(bin/pre_compile, bin/post_compile), Django's collectstatic, NLTK data downloads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .base import BuildpackError, CommandFailed, visible


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

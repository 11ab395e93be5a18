"""Every warning of the buildpack, with its wording: the build goes on, the log says why
it should not have to.

A warning has the shape of an error: data (a file, a version, a list of names) and
`title()` and `body()` that turn it into words, rendered by `Output.warning` as
` !     Warning: TITLE`. The code that finds the problem decides whether to warn;
the words live here, so they are in one place with the errors'. (The module is not
called `warnings`: that would shadow the standard library's.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .base import bullet_list, visible


class BuildWarning:
    """A problem the build goes on with: shown as a warning, not an error."""

    def title(self) -> str:
        raise NotImplementedError

    def body(self) -> str:
        raise NotImplementedError


# --- the app's files (app/checks.py, app/django.py) ---------------------------------


@dataclass(frozen=True)
class PipfileIgnored(BuildWarning):
    """A Pipfile next to requirements.txt: many apps keep one for development tools."""

    def title(self) -> str:
        return "The Pipfile is ignored."

    def body(self) -> str:
        return (
            "The app has both a Pipfile and a requirements.txt. This buildpack\n"
            "installs only what requirements.txt lists; the Pipfile has no effect\n"
            "on the build. If the app's dependencies are kept in the Pipfile,\n"
            "regenerate requirements.txt from it: pipenv requirements > requirements.txt"
        )


@dataclass(frozen=True)
class MisspelledRequirementsIgnored(BuildWarning):
    """Misspelled copies of requirements.txt next to the real one."""

    names: Sequence[str]

    def _names(self) -> str:
        return ", ".join(f"'{visible(name)}'" for name in self.names)

    def title(self) -> str:
        return f"{self._names()} is ignored."

    def body(self) -> str:
        return (
            f"The app has {self._names()} next to requirements.txt. Only requirements.txt\n"
            "is read; if the other file is a leftover, delete it to avoid confusion."
        )


@dataclass(frozen=True)
class CollectstaticDisabledFileDeprecated(BuildWarning):
    file: str  # .heroku/collectstatic_disabled

    def title(self) -> str:
        return "The .heroku/collectstatic_disabled file is deprecated."

    def body(self) -> str:
        return (
            "Remove the file and set the config var DISABLE_COLLECTSTATIC=1 instead:\n\n"
            f"  git rm {self.file}\n"
            "  heroku config:set DISABLE_COLLECTSTATIC=1"
        )


# --- how the Python version was requested (python_version/resolve.py) --------------


@dataclass(frozen=True)
class RuntimeTxtDeprecated(BuildWarning):
    major_minor: str

    def title(self) -> str:
        return "The runtime.txt file is deprecated."

    def body(self) -> str:
        return (
            "Heroku has replaced runtime.txt with the more widely supported\n"
            ".python-version file (https://devcenter.heroku.com/changelog-items/3141),\n"
            "and newer buildpacks no longer read it. Switch to a .python-version file\n"
            "that contains only the major version, so the app gets security patch\n"
            "updates:\n\n"
            f'  echo "{self.major_minor}" > .python-version\n'
            "  git rm runtime.txt\n\n"
            "While runtime.txt exists, it takes precedence over .python-version.\n"
            "Support for runtime.txt will be removed, and this warning will then\n"
            "become an error."
        )


@dataclass(frozen=True)
class PythonVersionNotSpecified(BuildWarning):
    major_minor: str  # the default the build uses

    def title(self) -> str:
        return "No Python version was specified."

    def body(self) -> str:
        return (
            f"The app does not say which Python it needs, so the buildpack default\n"
            f"Python {self.major_minor} is used. The default changes over time, which could\n"
            "break the app on a later build. Choose the version explicitly:\n\n"
            f'  echo "{self.major_minor}" > .python-version'
        )


@dataclass(frozen=True)
class NewerPatchRelease(BuildWarning):
    origin_file: str
    requested: str  # 3.12.3
    latest: str  # 3.12.8
    major_minor: str

    def title(self) -> str:
        return f"A newer patch release of Python {self.major_minor} is available."

    def body(self) -> str:
        return (
            f"{self.origin_file} pins Python {self.requested}, but {self.latest} is out\n"
            "with bug and security fixes. Request only the major version, so every\n"
            "build uses the newest patch release:\n\n"
            f'  echo "{self.major_minor}" > .python-version'
        )


@dataclass(frozen=True)
class PythonVersionDeprecated(BuildWarning):
    major_minor: str
    end_of_life: str  # upstream's date
    support_ends: str | None  # this buildpack's, when known
    newest: str  # the newest supported major version

    def title(self) -> str:
        return f"Support for Python {self.major_minor} is deprecated."

    def body(self) -> str:
        ends = (
            f"This buildpack will stop supporting it on {self.support_ends}."
            if self.support_ends
            else "This buildpack will stop supporting it."
        )
        return (
            f"The upstream end-of-life of Python {self.major_minor} is {self.end_of_life}: "
            "it gets no\n"
            "security updates after that:\n"
            "https://devguide.python.org/versions/#supported-versions\n\n"
            f"{ends}\n"
            f"Upgrade to a newer Python as soon as possible, for example Python {self.newest}:\n\n"
            f'  echo "{self.newest}" > .python-version'
        )


# --- pip's unpinned packages (managers/pip/manager.py) ------------------------------

# An app with 16 ranges and 53 unpinned dependencies used to get about 75 warning
# lines on every build, its direct requirements listed twice (issue 10). Now: the
# counts, the first few of each kind, how to pin; the full lists are in bin/report.
EXAMPLES = 3


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


@dataclass(frozen=True)
class UnpinnedPackages(BuildWarning):
    """Packages no file pins, in a few lines (one of the two lists is not empty)."""

    direct: Sequence[str]  # `file:line: line` of each requirement with no exact version
    dependencies: Sequence[str]  # names installed that no file pins, direct ones left out

    def title(self) -> str:
        direct, dependencies = self.direct, self.dependencies
        counts = []
        if direct:
            counts.append(_plural(len(direct), "requirement has", "requirements have"))
            counts[-1] += " no exact version"
        if dependencies:
            counts.append(_plural(len(dependencies), "dependency is", "dependencies are"))
            counts[-1] += " pinned by no file"
        title = " and ".join(counts) + "."
        return title[0].upper() + title[1:]

    def body(self) -> str:
        direct, dependencies = self.direct, self.dependencies
        examples = [f"{line}" for line in direct[:EXAMPLES]]
        if len(direct) > EXAMPLES:
            examples.append(f"and {len(direct) - EXAMPLES} more requirements")
        if dependencies:
            names = ", ".join(dependencies[:EXAMPLES])
            more = len(dependencies) - EXAMPLES
            names += f" and {more} more" if more > 0 else ""
            examples.append(f"dependencies: {names}")
        return (
            "\n".join(f"- {example}" for example in examples)
            + "\n\nA clean build may pick newer versions of them at any time, so before reusing\n"
            "the cache every build asks the package index whether it would. Pin every\n"
            "package to make builds repeatable: pip freeze > requirements.txt\n"
            "The full lists are in bin/report (unpinned)."
        )


# --- the cache (cache/store.py) -----------------------------------------------------


@dataclass(frozen=True)
class InstalledFilesChanged(BuildWarning):
    """A hook or collectstatic wrote in place into files the cache shares."""

    changed: Sequence[str]

    def title(self) -> str:
        return "A build step changed installed files in place."

    def body(self) -> str:
        return (
            "After the packages were installed, something (a hook, collectstatic) wrote\n"
            "into files under .heroku/python:\n"
            f"{bullet_list(self.changed)}\n\n"
            "The build cache was discarded so that the next build starts clean.\n"
            "Write generated files elsewhere, or replace files instead of editing them."
        )

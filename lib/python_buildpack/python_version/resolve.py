"""From the requested version to the resolved one, and the non-fatal advice about how it
was requested, pure. Warnings are `(title, body)` pairs whose wording lives here, next
to the conditions that produce them."""

from __future__ import annotations

from ..errors import PythonVersionEndOfLife, PythonVersionUnknown
from .model import RequestedPythonVersion, ResolvedPythonVersion, VersionOrigin
from .table import LATEST_PATCH, NEWEST_SUPPORTED, OLDEST_SUPPORTED, SUPPORTED, supported_versions

# --- resolving (pure) ------------------------------------------------------------


def resolve_python_version(requested: RequestedPythonVersion) -> ResolvedPythonVersion:
    """`3.12` -> the newest known 3.12 release; an exact `3.12.7` is used as given."""
    key = (requested.major, requested.minor)
    if key < OLDEST_SUPPORTED:
        raise PythonVersionEndOfLife(str(requested), requested.origin_file, supported_versions())
    if key > NEWEST_SUPPORTED:
        raise PythonVersionUnknown(str(requested), requested.origin_file, supported_versions())
    if requested.patch is not None:
        # Whether this release exists is for the runtime download to say.
        return ResolvedPythonVersion(requested.major, requested.minor, requested.patch)
    return ResolvedPythonVersion(requested.major, requested.minor, LATEST_PATCH[key])


# --- warnings (pure) ---------------------------------------------------------------


def version_warnings(requested: RequestedPythonVersion) -> list[tuple[str, str]]:
    """Non-fatal advice about how the version was requested, as `(title, body)` pairs."""
    warnings: list[tuple[str, str]] = []
    major_minor = requested.major_minor
    if requested.origin is VersionOrigin.RUNTIME_TXT:
        warnings.append(
            (
                "The runtime.txt file is deprecated.",
                "Heroku has replaced runtime.txt with the more widely supported\n"
                ".python-version file (https://devcenter.heroku.com/changelog-items/3141),\n"
                "and newer buildpacks no longer read it. Switch to a .python-version file\n"
                "that contains only the major version, so the app gets security patch\n"
                "updates:\n\n"
                f'  echo "{major_minor}" > .python-version\n'
                "  git rm runtime.txt\n\n"
                "While runtime.txt exists, it takes precedence over .python-version.\n"
                "Support for runtime.txt will be removed, and this warning will then\n"
                "become an error.",
            )
        )
    if requested.origin is VersionOrigin.DEFAULT:
        warnings.append(
            (
                "No Python version was specified.",
                f"The app does not say which Python it needs, so the buildpack default\n"
                f"Python {major_minor} is used. The default changes over time, which could\n"
                "break the app on a later build. Choose the version explicitly:\n\n"
                f'  echo "{major_minor}" > .python-version',
            )
        )
    supported = SUPPORTED.get((requested.major, requested.minor))
    if (
        requested.origin_file is not None
        and requested.patch is not None
        and supported is not None
        and requested.patch < supported.latest_patch
    ):
        latest = f"{major_minor}.{supported.latest_patch}"
        warnings.append(
            (
                f"A newer patch release of Python {major_minor} is available.",
                f"{requested.origin_file} pins Python {requested}, but {latest} is out\n"
                "with bug and security fixes. Request only the major version, so every\n"
                "build uses the newest patch release:\n\n"
                f'  echo "{major_minor}" > .python-version',
            )
        )
    if supported is not None and supported.end_of_life is not None:
        newest = f"{NEWEST_SUPPORTED[0]}.{NEWEST_SUPPORTED[1]}"
        eol = supported.end_of_life
        ends = (
            f"This buildpack will stop supporting it on {supported.support_ends}."
            if supported.support_ends
            else "This buildpack will stop supporting it."
        )
        warnings.append(
            (
                f"Support for Python {major_minor} is deprecated.",
                f"The upstream end-of-life of Python {major_minor} is {eol}: it gets no\n"
                "security updates after that:\n"
                "https://devguide.python.org/versions/#supported-versions\n\n"
                f"{ends}\n"
                f"Upgrade to a newer Python as soon as possible, for example Python {newest}:\n\n"
                f'  echo "{newest}" > .python-version',
            )
        )
    return warnings

"""From the requested version to the resolved one, and the non-fatal advice about how it
was requested, pure. The conditions for each warning are here; their words are in
errors/build_warnings.py, with every other warning's."""

from __future__ import annotations

from ..errors import (
    BuildWarning,
    NewerPatchRelease,
    PythonVersionDeprecated,
    PythonVersionEndOfLife,
    PythonVersionNotSpecified,
    PythonVersionUnknown,
    RuntimeTxtDeprecated,
)
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


def version_warnings(requested: RequestedPythonVersion) -> list[BuildWarning]:
    """Non-fatal advice about how the version was requested."""
    warnings: list[BuildWarning] = []
    major_minor = requested.major_minor
    if requested.origin is VersionOrigin.RUNTIME_TXT:
        warnings.append(RuntimeTxtDeprecated(major_minor))
    if requested.origin is VersionOrigin.DEFAULT:
        warnings.append(PythonVersionNotSpecified(major_minor))
    supported = SUPPORTED.get((requested.major, requested.minor))
    if (
        requested.origin_file is not None
        and requested.patch is not None
        and supported is not None
        and requested.patch < supported.latest_patch
    ):
        latest = f"{major_minor}.{supported.latest_patch}"
        warnings.append(
            NewerPatchRelease(requested.origin_file, str(requested), latest, major_minor)
        )
    if supported is not None and supported.end_of_life is not None:
        newest = f"{NEWEST_SUPPORTED[0]}.{NEWEST_SUPPORTED[1]}"
        warnings.append(
            PythonVersionDeprecated(
                major_minor, supported.end_of_life, supported.support_ends, newest
            )
        )
    return warnings

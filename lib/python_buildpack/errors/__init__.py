"""Every user-facing error of the buildpack, with its wording, by concern.

base.py holds `BuildpackError` and the shapes errors share (a failed command and
the tail of its output); each other module holds the errors of one part of the
build. Every class is re-exported here: import errors from `python_buildpack.errors`.
"""

from __future__ import annotations

from .app_files import (
    CommittedHerokuPythonDir,
    CommittedVirtualenv,
    MisspelledRequirementsFile,
    MultiplePackageManagerFiles,
    NoPackageManagerFile,
    NotAPythonApp,
    PackageWithoutRequirements,
    UnsupportedPackageManager,
)
from .base import (
    BuildpackError,
    CommandFailed,
    bullet_list,
    visible,
)
from .cache import MovingReferenceUnresolvable
from .install import (
    CollectstaticFailed,
    EnvironmentMismatch,
    HookFailed,
    NltkDownloadFailed,
    PipBootstrapFailed,
    PipInstallFailed,
    PipResolutionFailed,
    RuntimeWithoutEnsurepip,
)
from .python_version import (
    MisspelledVersionFile,
    PythonVersionEndOfLife,
    PythonVersionFileInvalid,
    PythonVersionFileMultipleVersions,
    PythonVersionFileNoVersion,
    PythonVersionUnknown,
    RuntimeTxtInvalid,
    VersionFileEncoding,
    VersionFileUnreadable,
)
from .requirements import (
    InvalidRequirementsLine,
    RequirementsFileNotText,
    RequirementsFileUnreadable,
    RequirementsIncludeCycle,
    RequirementsIncludeMissing,
    RequirementsLineError,
    RequirementsLocalPathMissing,
    RequirementsPathOutsideApp,
    RequirementsRemoteInclude,
)
from .runtime import (
    InvalidRuntimeBaseUrl,
    InvalidTrustSetting,
    PythonVersionUnavailable,
    RuntimeArchiveInvalid,
    RuntimeArchiveNotFound,
    RuntimeChecksumMismatch,
    RuntimeDownloadFailed,
    UnsafeRuntimeArchive,
    ZstdUnavailable,
)
from .usage import (
    MissingDirectory,
    UnknownConfigValue,
    UnreadableConfigVar,
    UnsafeConfigVar,
    UnsupportedStack,
    UsageError,
    VendoredDependencyUnavailable,
)

__all__ = [
    "BuildpackError",
    "CollectstaticFailed",
    "CommandFailed",
    "CommittedHerokuPythonDir",
    "CommittedVirtualenv",
    "EnvironmentMismatch",
    "HookFailed",
    "InvalidRequirementsLine",
    "InvalidRuntimeBaseUrl",
    "InvalidTrustSetting",
    "MissingDirectory",
    "MisspelledRequirementsFile",
    "MisspelledVersionFile",
    "MovingReferenceUnresolvable",
    "MultiplePackageManagerFiles",
    "NltkDownloadFailed",
    "NoPackageManagerFile",
    "NotAPythonApp",
    "PackageWithoutRequirements",
    "PipBootstrapFailed",
    "PipInstallFailed",
    "PipResolutionFailed",
    "PythonVersionEndOfLife",
    "PythonVersionFileInvalid",
    "PythonVersionFileMultipleVersions",
    "PythonVersionFileNoVersion",
    "PythonVersionUnavailable",
    "PythonVersionUnknown",
    "RequirementsFileNotText",
    "RequirementsFileUnreadable",
    "RequirementsIncludeCycle",
    "RequirementsIncludeMissing",
    "RequirementsLineError",
    "RequirementsLocalPathMissing",
    "RequirementsPathOutsideApp",
    "RequirementsRemoteInclude",
    "RuntimeArchiveInvalid",
    "RuntimeArchiveNotFound",
    "RuntimeChecksumMismatch",
    "RuntimeDownloadFailed",
    "RuntimeTxtInvalid",
    "RuntimeWithoutEnsurepip",
    "UnknownConfigValue",
    "UnreadableConfigVar",
    "UnsafeConfigVar",
    "UnsafeRuntimeArchive",
    "UnsupportedPackageManager",
    "UnsupportedStack",
    "UsageError",
    "VendoredDependencyUnavailable",
    "VersionFileEncoding",
    "VersionFileUnreadable",
    "ZstdUnavailable",
    "bullet_list",
    "visible",
]

"""Every user-facing error and warning of the buildpack, with its wording, by concern.

base.py holds `BuildpackError` and the shapes errors share (a failed command and
the tail of its output); each other module holds the errors of one concern:

- app_files.py: what detect and the checks find in the app's files (or miss)
- app_steps.py: the app's hooks, Django's collectstatic, NLTK data downloads
- config_vars.py: config vars that cannot be read, have an unknown value, or are refused
- filesystem.py: the machine's disks (full, read-only, permission denied)
- install.py: the installed distributions are not the ones resolved
- lockfile_managers.py: uv, Poetry, Pipenv: their lockfiles, tools and sync
- pip.py: pip itself, its install and dry run, the index, moving references
- python_version.py: the requested Python version, the files that name it, a project
  file or package manager that disagrees
- requirements.py: the requirements files pip reads (`-r`, `-c`, lines, paths)
- runtime.py: getting Python (base URL, trust, download, archive), vendored wheels
- stack.py: the stack the app is built for
- usage.py: how the buildpack was started (arguments, directories)

build_warnings.py holds every warning (the build goes on), in the errors' title/body
shape. Every class is re-exported here: import errors and warnings from
`python_buildpack.errors`.
"""

from __future__ import annotations

from .app_files import (
    CommittedHerokuPythonDir,
    CommittedVirtualenv,
    LockfileWithoutProjectFile,
    MissingLockfile,
    MisspelledRequirementsFile,
    MultiplePackageManagerFiles,
    NoPackageManagerFile,
    NotAPythonApp,
    PackageWithoutRequirements,
    PdmNotSupported,
)
from .app_steps import (
    CollectstaticFailed,
    HookFailed,
    NltkDownloadFailed,
)
from .base import (
    BuildpackError,
    CommandFailed,
    bullet_list,
    visible,
)
from .build_warnings import (
    BuildWarning,
    CollectstaticDisabledFileDeprecated,
    InstalledFilesChanged,
    MisspelledRequirementsIgnored,
    NewerPatchRelease,
    PipfileIgnored,
    PythonVersionDeprecated,
    PythonVersionNotSpecified,
    RuntimeTxtDeprecated,
    UnpinnedPackages,
)
from .config_vars import (
    ManagerConfigVarRefused,
    UnknownConfigValue,
    UnreadableConfigVar,
    UnsafeConfigVar,
)
from .filesystem import (
    FilesystemFailed,
    FilesystemFull,
    FilesystemPermissionDenied,
    FilesystemReadOnly,
)
from .install import (
    EnvironmentMismatch,
)
from .lockfile_managers import (
    LockfileInvalid,
    LockfileOutOfSync,
    ManagerSyncFailed,
    ManagerToolInstallFailed,
    PoetryVirtualenvInApp,
)
from .pip import (
    MovingReferenceUnresolvable,
    PackageIndexFailed,
    PipBootstrapFailed,
    PipInstallFailed,
    PipResolutionFailed,
)
from .python_version import (
    MisspelledVersionFile,
    PipfileLockPythonInvalid,
    PythonVersionConflict,
    PythonVersionEndOfLife,
    PythonVersionFileInvalid,
    PythonVersionFileMultipleVersions,
    PythonVersionFileNoVersion,
    PythonVersionFileRequired,
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
    RequirementsOutsidePathMissing,
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
    RuntimeWithoutEnsurepip,
    UnsafeRuntimeArchive,
    VendoredDependencyUnavailable,
    ZstdUnavailable,
)
from .stack import (
    StackEndOfLife,
    UnsupportedStack,
)
from .usage import (
    MissingDirectory,
    UsageError,
)

__all__ = [
    "BuildWarning",
    "BuildpackError",
    "CollectstaticDisabledFileDeprecated",
    "CollectstaticFailed",
    "CommandFailed",
    "CommittedHerokuPythonDir",
    "CommittedVirtualenv",
    "EnvironmentMismatch",
    "FilesystemFailed",
    "FilesystemFull",
    "FilesystemPermissionDenied",
    "FilesystemReadOnly",
    "HookFailed",
    "InstalledFilesChanged",
    "InvalidRequirementsLine",
    "InvalidRuntimeBaseUrl",
    "InvalidTrustSetting",
    "LockfileInvalid",
    "LockfileOutOfSync",
    "LockfileWithoutProjectFile",
    "ManagerConfigVarRefused",
    "ManagerSyncFailed",
    "ManagerToolInstallFailed",
    "MissingDirectory",
    "MissingLockfile",
    "MisspelledRequirementsFile",
    "MisspelledRequirementsIgnored",
    "MisspelledVersionFile",
    "MovingReferenceUnresolvable",
    "MultiplePackageManagerFiles",
    "NewerPatchRelease",
    "NltkDownloadFailed",
    "NoPackageManagerFile",
    "NotAPythonApp",
    "PackageIndexFailed",
    "PackageWithoutRequirements",
    "PdmNotSupported",
    "PipBootstrapFailed",
    "PipInstallFailed",
    "PipResolutionFailed",
    "PipfileIgnored",
    "PipfileLockPythonInvalid",
    "PoetryVirtualenvInApp",
    "PythonVersionConflict",
    "PythonVersionDeprecated",
    "PythonVersionEndOfLife",
    "PythonVersionFileInvalid",
    "PythonVersionFileMultipleVersions",
    "PythonVersionFileNoVersion",
    "PythonVersionFileRequired",
    "PythonVersionNotSpecified",
    "PythonVersionUnavailable",
    "PythonVersionUnknown",
    "RequirementsFileNotText",
    "RequirementsFileUnreadable",
    "RequirementsIncludeCycle",
    "RequirementsIncludeMissing",
    "RequirementsLineError",
    "RequirementsLocalPathMissing",
    "RequirementsOutsidePathMissing",
    "RequirementsPathOutsideApp",
    "RequirementsRemoteInclude",
    "RuntimeArchiveInvalid",
    "RuntimeArchiveNotFound",
    "RuntimeChecksumMismatch",
    "RuntimeDownloadFailed",
    "RuntimeTxtDeprecated",
    "RuntimeTxtInvalid",
    "RuntimeWithoutEnsurepip",
    "StackEndOfLife",
    "UnknownConfigValue",
    "UnpinnedPackages",
    "UnreadableConfigVar",
    "UnsafeConfigVar",
    "UnsafeRuntimeArchive",
    "UnsupportedStack",
    "UsageError",
    "VendoredDependencyUnavailable",
    "VersionFileEncoding",
    "VersionFileUnreadable",
    "ZstdUnavailable",
    "bullet_list",
    "visible",
]

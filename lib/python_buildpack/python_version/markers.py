"""The app's Python as a PEP 508 marker sees it: CPython on Linux, at the app's
version (the buildpack's own interpreter may be another), on the build's
architecture. Used by the lockfile parsers (lockfiles/model.Target) and by pip's
pinned update (managers/pip/pinned.closure).
"""

from __future__ import annotations

# platform.machine() on the stacks' two architectures, by BuildContext.arch.
_MACHINE = {"amd64": "x86_64", "arm64": "aarch64", "x86_64": "x86_64", "aarch64": "aarch64"}


def marker_environment(
    python_full_version: str,
    arch: str,
    *,
    platform_release: str = "",
    platform_version: str = "",
    extra: str = "",
) -> dict[str, str]:
    """`python_full_version`: "3.12.7"; `arch`: BuildContext.arch (amd64 or arm64).
    The kernel's release and version are empty unless given: the lockfile parsers
    read them so, pip's pinned update gives this machine's (platform.release(),
    platform.version()), as pip on this machine sees them."""
    return {
        "implementation_name": "cpython",
        "implementation_version": python_full_version,
        "os_name": "posix",
        "platform_machine": _MACHINE.get(arch, arch),
        "platform_python_implementation": "CPython",
        "platform_release": platform_release,
        "platform_system": "Linux",
        "platform_version": platform_version,
        "python_full_version": python_full_version,
        "python_version": ".".join(python_full_version.split(".")[:2]),
        "sys_platform": "linux",
        "extra": extra,
    }
